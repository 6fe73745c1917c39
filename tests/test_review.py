"""Review and sign-off end to end through the CLI (``queue``, ``approve``, ``reject``,
``status``) on a temporary copy of the project, with GNU gettext and git as oracles.

Drafts are written the way the translate command leaves them (fuzzy, a translator comment
naming the provider); a fresh locale (``sv``, created by ``i18n update``) gives every test
a known starting point whatever the sample catalogs hold.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from conftest import (
    REPO,
    TESTER,
    add_person,
    copy_project,
    msgfmt_check,
    signing_as_tester,
    signing_key,
)

from i18n.cli import cli
from i18n.formats.ledger import Ledger
from i18n.formats.people import load_people
from i18n.formats.po import read_po, write_po
from i18n.model.events import Drafted
from i18n.pipeline.signoff import read_trusted
from i18n.project import Project

LOC = "sv"
SLUG = "understanding-deep-vein-thrombosis"
DEVICE = "mechanical-thrombectomy-for-dvt"  # names Mantis and INVAMED
REVIEWER = "Test Reviewer"  # the name of conftest.TESTER, whose key the tests sign with


# --- helpers ------------------------------------------------------------------------------


def po_path(root: Path, slug: str = SLUG, locale: str = LOC) -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / f"{slug}.po"


def ok(run, root: Path, *args: str) -> str:
    result = run(root, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def edit(root: Path, change: Callable[[polib.POEntry], bool | None], slug: str = SLUG) -> int:
    """Apply ``change`` to each live entry (it returns False to skip); returns how many."""
    path = po_path(root, slug)
    po = read_po(path)
    n = 0
    for e in po:
        if not e.obsolete and e.msgid and change(e) is not False:
            n += 1
    write_po(path, po)
    return n


def machine_draft(e: polib.POEntry) -> None:
    e.msgstr = e.msgid
    e.flags = ["fuzzy", *[f for f in e.flags if f != "fuzzy"]]
    e.tcomment = "machine draft: pseudo"


def human(e: polib.POEntry) -> None:
    # the source itself, with Swedish digit grouping (in Swedish "1,000" reads as 1)
    e.msgstr = e.msgid.replace("1,000", "1\u00a0000")
    e.flags = [f for f in e.flags if f != "fuzzy"]


@pytest.fixture(scope="module")
def sv_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("review") / "proj")
    result = CliRunner().invoke(cli, ["update", "--project", str(root), "--locale", LOC])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def sv(sv_template: Path, tmp_path: Path) -> Path:
    """The sample project with a fresh, untranslated Swedish locale (``i18n update``)."""
    return Path(shutil.copytree(sv_template, tmp_path / "proj"))


def queue(run, root: Path, *args: str) -> list[dict]:
    return json.loads(ok(run, root, "queue", "--format", "json", "--locale", LOC, *args))


def by_msgid(items: list[dict], needle: str, ctx: str | None = None) -> dict:
    found = [i for i in items if needle in i["msgid"] and (ctx is None or i["msgctxt"] == ctx)]
    assert len(found) == 1, [i["msgid"] for i in found]
    return found[0]


def ledger(root: Path, locale: str = LOC) -> list[dict]:
    path = root / "locales" / locale / "approvals.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def approvals(root: Path) -> list[dict]:
    return [e for e in ledger(root) if e["event"] == "approved"]


def counts(run, root: Path, slug: str = SLUG) -> dict[str, int]:
    return json.loads(ok(run, root, "status", "--format", "json"))[LOC][slug]


def live(root: Path, slug: str = SLUG) -> int:
    return sum(1 for e in read_po(po_path(root, slug)) if not e.obsolete and e.msgid)


# --- 1. the full cycle --------------------------------------------------------------------


def pseudo_drafts(run, root: Path, slug: str = SLUG) -> int:
    """Drafts by ``i18n translate --provider pseudo`` (the real command, never a stand-in)."""
    ok(run, root, "translate", "--locale", LOC, "--provider", "pseudo", "--article", slug)
    return live(root, slug)


def test_full_cycle_draft_clear_fuzzy_approve_status(sv: Path, run, tmp_path: Path) -> None:
    total = pseudo_drafts(run, sv)
    items = queue(run, sv, "--article", SLUG)
    assert len(items) == total
    assert {i["state"] for i in items} == {"draft"}
    assert {i["reason"] for i in items} == {"machine (pseudo)"}

    # a translator's tool clears the fuzzy flag of one entry: GNU msgattrib
    target = by_msgid(items, "Treatment usually lasts")
    one = polib.POFile()
    one.append(polib.POEntry(msgid=target["msgid"], msgstr=""))
    one.save(str(tmp_path / "one.po"))
    path = po_path(sv)
    subprocess.run(
        [
            "msgattrib",
            "--clear-fuzzy",
            f"--only-file={tmp_path / 'one.po'}",
            "-o",
            str(path),
            str(path),
        ],
        check=True,
    )
    states = {i["id"]: i["state"] for i in queue(run, sv, "--article", SLUG)}
    assert states.pop(target["id"]) == "translated"
    assert set(states.values()) == {"draft"}

    before = path.read_bytes()
    out = ok(run, sv, "approve", "--locale", LOC, target["id"])
    assert f"approved {target['id']}" in out
    assert path.read_bytes() == before, "approve must never rewrite the catalog"

    (event,) = approvals(sv)
    assert event["reviewer"] == REVIEWER
    assert event["meaning"] == "reviewed and approved"
    assert event["msgid"] == target["msgid"] and event["catalog"] == SLUG
    assert event["hash"] == target["hash"] and len(event["hash"]) == 64
    when = dt.datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
    assert when.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - when) < dt.timedelta(minutes=5)

    c = counts(run, sv)
    assert (c["approved"], c["translated"], c["draft"]) == (1, 0, total - 1)
    assert target["id"] not in {i["id"] for i in queue(run, sv)}
    assert [i["id"] for i in queue(run, sv, "--state", "approved")] == [target["id"]]
    assert msgfmt_check(path).returncode == 0


def test_approve_signs_off_translated_entries_only(sv: Path, run) -> None:
    edit(sv, machine_draft)
    items = queue(run, sv, "--article", SLUG)
    draft = items[0]
    result = run(sv, "approve", "--locale", LOC, draft["id"])
    assert result.exit_code == 1
    assert "state is draft" in result.stderr
    assert approvals(sv) == []

    # --all skips drafts without failing; nothing is translated yet, so nothing is signed
    out = ok(run, sv, "approve", "--locale", LOC, "--all")
    assert "0 approved" in out and approvals(sv) == []

    edit(sv, lambda e: human(e) if e.msgctxt == "title" else False)
    out = ok(run, sv, "approve", "--locale", LOC, "--article", SLUG)
    assert "1 approved" in out
    out = ok(run, sv, "approve", "--locale", LOC, "--article", SLUG)
    assert "0 approved, 1 already approved" in out
    assert len(approvals(sv)) == 1

    unknown = run(sv, "approve", "--locale", LOC, "0000000000")
    assert unknown.exit_code == 2 and "no entry with id 0000000000" in unknown.stderr
    both = run(sv, "approve", "--locale", LOC, "--all", draft["id"])
    assert both.exit_code == 2
    assert len(approvals(sv)) == 1


def test_a_second_reviewer_co_signs_an_approved_text(sv: Path, run, monkeypatch) -> None:
    """A text approved by one reviewer and named by another is signed again: both approvals
    are on the record and count; the same reviewer naming it again signs nothing, and a bulk
    approval does not co-sign what is approved already."""
    edit(sv, lambda e: human(e) if e.msgctxt == "title" else False)
    (title,) = queue(run, sv, "--article", SLUG, "--state", "translated")
    ok(run, sv, "approve", "--locale", LOC, title["id"])
    again = ok(run, sv, "approve", "--locale", LOC, title["id"])
    assert "0 approved, 1 already approved" in again
    second = add_person(sv, "eva.berg", "Eva Berg", {"reviewer": [LOC]})
    monkeypatch.setenv("I18N_SIGNING_KEY", str(second))
    out = ok(run, sv, "approve", "--locale", LOC, "--article", SLUG)
    assert "0 approved, 1 already approved" in out
    out = ok(run, sv, "approve", "--locale", LOC, title["id"])
    assert "1 approved (1 co-signed), 0 already approved" in out
    assert f"co-signed: {REVIEWER} approved it too" in out
    assert "0 approved, 1 already approved" in ok(run, sv, "approve", "--locale", LOC, title["id"])
    events = approvals(sv)
    assert [e["reviewer"] for e in events] == [REVIEWER, "Eva Berg"]
    assert {e["hash"] for e in events} == {title["hash"]}
    project = Project(sv)
    trusted = read_trusted(project, LOC, load_people(project))
    assert trusted.problems == []
    assert [e.reviewer for e in trusted.holding(SLUG)[title["hash"]]] == [REVIEWER, "Eva Berg"]
    assert counts(run, sv)["approved"] == 1


def test_approve_needs_a_key_of_a_reviewer_of_the_locale(sv: Path, run, monkeypatch) -> None:
    """The signer is whoever holds the key, as people.yaml says: no key, a key nobody holds,
    or a person without the reviewer role for the locale signs nothing (exit 2)."""
    edit(sv, lambda e: human(e) if e.msgctxt == "title" else False)
    monkeypatch.delenv("I18N_SIGNING_KEY")
    nokey = run(sv, "approve", "--locale", LOC, "--all")
    assert nokey.exit_code == 2 and "no signing key: set I18N_SIGNING_KEY" in nokey.stderr
    monkeypatch.setenv("I18N_SIGNING_KEY", str(signing_key("stranger")))
    stranger = run(sv, "approve", "--locale", LOC, "--all")
    assert stranger.exit_code == 2 and "belongs to no one in source/people.yaml" in stranger.stderr
    key = add_person(sv, "mia.lund", "Mia Lund", {"translator": [LOC], "reviewer": ["de"]})
    monkeypatch.setenv("I18N_SIGNING_KEY", str(key))
    translator = run(sv, "approve", "--locale", LOC, "--all")
    assert translator.exit_code == 2
    assert "Mia Lund is not a reviewer for sv today" in translator.stderr
    assert "source/people.yaml:" in translator.stderr
    assert approvals(sv) == []


# --- 2. approvals bind to content, not formatting -----------------------------------------


def test_rewrapping_keeps_approvals_and_one_char_edit_voids_exactly_one(sv: Path, run) -> None:
    total = edit(sv, human)
    ok(run, sv, "approve", "--locale", LOC, "--article", SLUG)
    assert counts(run, sv)["approved"] == total

    path = po_path(sv)
    for args in (["-w", "40"], ["--no-wrap"], ["--sort-output", "-w", "60"]):
        before = path.read_bytes()
        subprocess.run(["msgcat", *args, "-o", str(path), str(path)], check=True)
        assert path.read_bytes() != before, f"msgcat {args} should change the file"
        assert counts(run, sv)["approved"] == total, args

    # one character of one msgstr, edited in the file as a text editor would
    text = path.read_text("utf-8")
    at = text.index("lasts", text.index("msgstr", text.index("Treatment usually lasts")))
    path.write_text(text[:at] + "last" + text[at + len("lasts") :], "utf-8")
    c = counts(run, sv)
    assert (c["approved"], c["translated"]) == (total - 1, 1)
    (voided,) = queue(run, sv, "--state", "translated")
    assert voided["msgid"].startswith("Treatment usually lasts")


# --- 3. blocking checks refuse, --override records ----------------------------------------

BLOCKING_CASES = [
    # (check, catalog, part of the msgid, msgctxt, how the translation goes wrong)
    (
        "links",
        SLUG,
        "explains what to watch for",
        None,
        lambda s: s.replace("https://www.invamed.example/", "https://invamed.example.net/"),
    ),
    (
        "numbers",
        SLUG,
        "Treatment usually lasts",
        None,
        lambda s: s.replace("at least 3 months", "at least 6 months"),
    ),
    (
        "markup",
        SLUG,
        "Treatment usually lasts",
        None,
        lambda s: s.replace("3 months**", "3 months", 1),
    ),
    ("dnt", DEVICE, "developed by INVAMED", None, lambda s: s.replace("INVAMED", "Invamed")),
    (
        "max-length",
        SLUG,
        "plain-language guide",
        "description",
        lambda s: s + " Read on for a longer explanation of each of these points.",
    ),
]


@pytest.mark.parametrize(
    "code,slug,needle,ctx,corrupt", BLOCKING_CASES, ids=[c[0] for c in BLOCKING_CASES]
)
def test_blocking_check_refuses_approval_and_override_is_recorded(
    sv: Path, run, code, slug, needle, ctx, corrupt
) -> None:
    def translate(e: polib.POEntry) -> bool:
        if needle not in e.msgid or (ctx and e.msgctxt != ctx):
            return False
        e.msgstr = corrupt(e.msgid)
        assert e.msgstr != e.msgid
        return True

    assert edit(sv, translate, slug) == 1
    item = by_msgid(queue(run, sv, "--article", slug), needle, ctx)
    assert item["state"] == "translated"
    assert code in {f["code"] for f in item["findings"] if f["severity"] == "blocking"}

    refused = run(sv, "approve", "--locale", LOC, item["id"])
    assert refused.exit_code == 1
    assert f"refused {item['id']}" in refused.stderr and code in refused.stderr
    assert approvals(sv) == []

    reason = "wording confirmed with the medical reviewer"
    bulk = run(sv, "approve", "--locale", LOC, "--all", "--override", reason)
    assert bulk.exit_code == 2 and approvals(sv) == []  # no blanket overrides
    ok(
        run,
        sv,
        "approve",
        "--locale",
        LOC,
        item["id"],
        "--override",
        reason,
    )
    (event,) = approvals(sv)
    assert event["override"] == reason
    assert any(o.startswith(f"{code}:") for o in event["overridden"])
    assert counts(run, sv, slug)["approved"] == 1


def test_clean_translation_is_not_refused(sv: Path, run) -> None:
    """The control for the cases above: the same entries, translated faithfully."""
    needles = {c[2] for c in BLOCKING_CASES if c[1] == SLUG}
    n = edit(sv, lambda e: human(e) if any(x in e.msgid for x in needles) else False)
    assert n >= len(needles)
    ok(run, sv, "approve", "--locale", LOC, "--article", SLUG)
    assert len(approvals(sv)) == n
    assert all("override" not in e for e in approvals(sv))


# --- 4. two branches, one ledger: git's union merge ---------------------------------------


def git(
    repo: Path, *args: str, check: bool = True, author: str = "t@example.org"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": author,
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=check
    )


@pytest.mark.parametrize("union", [True, False], ids=["merge=union", "no-attributes"])
def test_two_branches_appending_approvals_merge_cleanly(
    sv: Path, run, union: bool, monkeypatch
) -> None:
    edit(sv, human)
    items = queue(run, sv, "--article", SLUG)
    first, a, b = items[0]["id"], items[1]["id"], items[2]["id"]
    ok(run, sv, "approve", "--locale", LOC, first)
    if union:
        shutil.copy2(REPO / ".gitattributes", sv / ".gitattributes")
    git(sv, "init", "-q", "-b", "main")
    git(sv, "add", "-A")
    git(sv, "commit", "-q", "-m", "base")

    key_a = add_person(sv, "reviewer.a", "Reviewer A", {"reviewer": [LOC]})
    key_b = add_person(sv, "reviewer.b", "Reviewer B", {"reviewer": [LOC]})
    git(sv, "commit", "-q", "-am", "two more reviewers")
    git(sv, "checkout", "-q", "-b", "reviewer-a")
    monkeypatch.setenv("I18N_SIGNING_KEY", str(key_a))
    ok(run, sv, "approve", "--locale", LOC, a)
    git(sv, "commit", "-q", "-am", "a approves")
    git(sv, "checkout", "-q", "main")
    monkeypatch.setenv("I18N_SIGNING_KEY", str(key_b))
    ok(run, sv, "approve", "--locale", LOC, b)
    git(sv, "commit", "-q", "-am", "b approves")

    merged = git(sv, "merge", "-q", "--no-edit", "reviewer-a", check=False)
    if not union:  # the control: without the attribute the same histories conflict
        assert merged.returncode != 0 and "CONFLICT" in merged.stdout + merged.stderr
        return
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "<<<<<<<" not in (sv / "locales" / LOC / "approvals.jsonl").read_text("utf-8")
    assert sorted(e["reviewer"] for e in approvals(sv)) == sorted(
        [REVIEWER, "Reviewer A", "Reviewer B"]
    )
    assert {i["id"] for i in queue(run, sv, "--state", "approved")} == {first, a, b}


# --- 5. a torn last line ------------------------------------------------------------------


def test_torn_last_line_is_reported_and_next_approval_appends_cleanly(sv: Path, run) -> None:
    edit(sv, human)
    items = queue(run, sv, "--article", SLUG)
    ok(run, sv, "approve", "--locale", LOC, items[0]["id"])
    path = sv / "locales" / LOC / "approvals.jsonl"
    with path.open("ab") as fh:  # a crash in the middle of an append
        fh.write(b'{"event": "approved", "hash": "ab12", "reviewer": "Dr. Ana')

    result = run(sv, "status", "--format", "json")
    assert result.exit_code == 0
    assert "torn last line" in result.stderr
    assert f"warning: locales/{LOC}/approvals.jsonl:2: torn last line" in result.stderr
    assert json.loads(result.stdout)[LOC][SLUG]["approved"] == 1

    result = run(sv, "approve", "--locale", LOC, items[1]["id"])
    assert result.exit_code == 0, result.output
    lines = path.read_text("utf-8").split("\n")
    assert lines[1].startswith('{"event": "approved", "hash": "ab12"')  # kept, not rewritten
    assert json.loads(lines[2])["hash"] == items[1]["hash"]
    assert lines[3] == ""
    result = run(sv, "status", "--format", "json")
    assert "approvals.jsonl:2: unreadable line" in result.stderr
    assert json.loads(result.stdout)[LOC][SLUG]["approved"] == 2


# --- reject, reasons, diffs ---------------------------------------------------------------


def test_reject_sends_entry_back_with_reason(sv: Path, run) -> None:
    edit(sv, human)
    item = by_msgid(queue(run, sv, "--article", SLUG), "Treatment usually lasts")
    ok(run, sv, "approve", "--locale", LOC, item["id"])
    out = ok(
        run,
        sv,
        "reject",
        "--locale",
        LOC,
        item["id"],
        "--reason",
        "Dose duration must match the IFU wording",
    )
    assert f"rejected {item['id']}" in out

    entry = next(e for e in read_po(po_path(sv)) if e.msgid == item["msgid"])
    assert "fuzzy" in entry.flags
    assert "Dose duration must match the IFU wording" in entry.tcomment
    assert msgfmt_check(po_path(sv)).returncode == 0
    assert ledger(sv)[-1]["event"] == "rejected" and ledger(sv)[-1]["hash"] == item["hash"]

    again = by_msgid(queue(run, sv), "Treatment usually lasts")
    assert again["state"] == "rejected"
    assert again["reason"] == "rejected: Dose duration must match the IFU wording"
    c = counts(run, sv)
    assert (c["rejected"], c["approved"]) == (1, 0)

    # the translator fixes the text and clears fuzzy: translated again, approvable
    def fix(e: polib.POEntry) -> bool | None:
        if e.msgid != item["msgid"]:
            return False
        e.msgstr = e.msgid.replace("usually lasts", "lasts")
        e.flags.remove("fuzzy")
        return None

    edit(sv, fix)
    fixed = by_msgid(queue(run, sv), "Treatment usually lasts")
    assert fixed["state"] == "translated" and fixed["id"] == item["id"]
    ok(run, sv, "approve", "--locale", LOC, item["id"])
    assert counts(run, sv)["approved"] == 1

    untranslated = by_msgid(
        queue(run, sv, "--article", DEVICE, "--state", "untranslated"), "developed by INVAMED"
    )
    refused = run(sv, "reject", "--locale", LOC, untranslated["id"], "--reason", "x")
    assert refused.exit_code == 2 and "no translation to reject" in refused.stderr


def test_draft_reason_from_ledger_event_and_comment(sv: Path, run) -> None:
    edit(sv, machine_draft)
    items = queue(run, sv, "--article", SLUG)
    path = sv / "locales" / LOC / "approvals.jsonl"
    path.unlink(missing_ok=True)
    drafts = [
        Drafted(
            hash=item["hash"],
            catalog=SLUG,
            msgctxt=item["msgctxt"],
            msgid=item["msgid"],
            provider=provider,
            time="2026-11-26T09:00:00Z",
        )
        for item, provider in ((items[0], "libre"), (items[1], "memory"))
    ]
    Ledger(path).append(drafts, signing_as_tester())
    reasons = [i["reason"] for i in queue(run, sv, "--article", SLUG)]
    assert reasons[:3] == ["machine (libre)", "memory", "machine (pseudo)"]


def test_source_change_shows_word_diff_and_voids_approval(sv: Path, run) -> None:
    total = edit(sv, human)
    ok(run, sv, "approve", "--locale", LOC, "--article", SLUG)
    article = sv / "source" / "articles" / f"{SLUG}.md"
    text = article.read_text("utf-8")
    article.write_text(text.replace("**at least 3 months**", "**at least 6 months**"), "utf-8")
    ok(run, sv, "extract")
    ok(run, sv, "update")

    item = by_msgid(queue(run, sv, "--article", SLUG), "Treatment usually lasts")
    assert (item["state"], item["reason"]) == ("draft", "source changed")
    assert "at least 3 months" in item["previous_msgid"]
    assert "[-3-]{+6+}" in item["diff"]
    assert {f["code"] for f in item["findings"]} >= {"numbers"}  # old text, new source
    c = counts(run, sv)
    assert (c["approved"], c["draft"]) == (total - 1, 1)


def test_four_eyes_nobody_approves_a_text_they_committed(sv: Path, run, monkeypatch) -> None:
    """The author of an entry's text is the author of the commit that last changed its
    msgstr (git blame), mapped to a person by e-mail: that person cannot approve it, and
    anyone else's approval records who wrote it."""
    git(sv, "init", "-q", "-b", "main")
    git(sv, "add", "-A")
    git(sv, "commit", "-q", "-m", "base")
    add_person(sv, "jonas.berg", "Jonas Berg", {"translator": [LOC]}, email="jonas@example.org")
    titles = lambda e: human(e) if e.msgctxt == "title" else False  # noqa: E731
    edit(sv, titles)
    tester = f"{TESTER}@test.invamed.example"
    git(sv, "commit", "-qam", "translated", author="jonas@example.org")
    (title,) = queue(run, sv, "--article", SLUG)
    result = run(sv, "approve", "--locale", LOC, title["id"])
    assert result.exit_code == 0, result.output
    assert approvals(sv)[0]["author"] == "jonas.berg"
    assert approvals(sv)[0]["author_source"] == "git"

    edit(sv, titles, DEVICE)
    git(sv, "commit", "-qam", "translated by the reviewer", author=tester)
    (mine,) = queue(run, sv, "--article", DEVICE)
    result = run(sv, "approve", "--locale", LOC, mine["id"])
    assert result.exit_code == 1
    assert "Test Reviewer wrote this text (commit" in result.stderr
    assert "four eyes" in result.stderr and len(approvals(sv)) == 1

    edit(sv, lambda e: human(e) if e.msgctxt == "category" else False)  # not committed
    (uncommitted,) = queue(run, sv, "--article", SLUG)
    result = run(sv, "approve", "--locale", LOC, uncommitted["id"])
    assert result.exit_code == 0 and "no recorded author" in result.stderr
    assert approvals(sv)[-1]["author_source"] == "unknown"


def test_queue_formats_filters_and_ids(sv: Path, run) -> None:
    edit(sv, machine_draft)
    edit(sv, human, DEVICE)
    everything = queue(run, sv)
    assert {i["catalog"] for i in everything} == {SLUG, DEVICE}
    drafts = queue(run, sv, "--state", "draft")
    assert drafts and {i["catalog"] for i in drafts} == {SLUG}
    assert queue(run, sv, "--article", DEVICE) == [i for i in everything if i["catalog"] == DEVICE]
    for item in everything[:3]:
        assert set(item) >= {
            "id",
            "locale",
            "catalog",
            "msgctxt",
            "msgid",
            "msgstr",
            "state",
            "reason",
            "findings",
        }

    import csv
    import io

    rows = list(
        csv.DictReader(io.StringIO(ok(run, sv, "queue", "--locale", LOC, "--format", "csv")))
    )
    assert [r["id"] for r in rows] == [i["id"] for i in everything]
    table = ok(run, sv, "queue", "--locale", LOC, "--article", DEVICE)
    assert all(i["id"] in table for i in everything if i["catalog"] == DEVICE)

    # ids survive re-ordering and re-wrapping of the catalog
    subprocess.run(
        ["msgcat", "--sort-output", "-w", "30", "-o", str(po_path(sv)), str(po_path(sv))],
        check=True,
    )
    assert sorted(i["id"] for i in queue(run, sv)) == sorted(i["id"] for i in everything)

    bad = run(sv, "queue", "--locale", LOC, "--article", "no-such-article")
    assert bad.exit_code == 2 and "no-such-article" in bad.stderr


# --- 6. the HTML review sheet -------------------------------------------------------------

VOID = {
    "meta",
    "br",
    "hr",
    "img",
    "input",
    "link",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "track",
    "wbr",
}


class StrictPage(HTMLParser):
    """Records elements and checks that every non-void element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []
        self.doctype = ""
        self.text: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_page(text: str) -> StrictPage:
    page = StrictPage()
    page.feed(text)
    page.close()
    assert page.doctype.lower() == "doctype html"
    assert not page.errors and not page.stack, (page.errors, page.stack)
    return page


def test_html_review_sheet_is_self_contained_and_lists_every_item(
    sv: Path, run, tmp_path: Path
) -> None:
    edit(sv, machine_draft)
    edit(sv, human, DEVICE)

    def inject(e: polib.POEntry) -> bool | None:
        if e.msgctxt != "category":
            return False
        e.msgstr = 'Behandlung <script src="https://evil.example/x.js"></script>'
        return None

    edit(sv, inject, DEVICE)
    reject_me = by_msgid(queue(run, sv, "--article", DEVICE), "The Mantis platform")
    ok(run, sv, "reject", "--locale", LOC, reject_me["id"], "--reason", "Use <b>bold</b>?")
    article = sv / "source" / "articles" / f"{DEVICE}.md"
    article.write_text(
        article.read_text("utf-8").replace(
            "continues, usually for at least 3 months", "continues, usually for at least 6 months"
        ),
        "utf-8",
    )
    ok(run, sv, "extract")
    ok(run, sv, "update")

    out = tmp_path / "sheets"
    printed = ok(
        run, sv, "queue", "--locale", LOC, "--locale", "de", "--format", "html", "--out", str(out)
    )
    assert sorted(p.name for p in out.iterdir()) == ["de.html", f"{LOC}.html"]
    assert "wrote" in printed

    expected = queue(run, sv)
    states = {i["state"] for i in expected}
    assert {"draft", "translated", "rejected"} <= states
    assert any(i["reason"] == "source changed" for i in expected)

    html = (out / f"{LOC}.html").read_text("utf-8")
    page = parse_page(html)
    listed = [a["data-id"] for tag, a in page.tags if tag == "tr" and "data-id" in a]
    assert listed == [i["id"] for i in expected]
    for tag, attrs in page.tags:  # self-contained: nothing is fetched
        assert tag not in ("script", "link", "img", "iframe", "object", "embed"), tag
        assert "src" not in attrs and "href" not in attrs, (tag, attrs)
    assert "url(" not in html and "@import" not in html
    style = html.split("<style>")[1].split("</style>")[0]
    assert "&#" not in style and "&quot;" not in style  # <style> is raw text: never escaped
    assert "&lt;script" in html  # translator text is escaped, never markup
    assert any(tag == "del" for tag, _ in page.tags) and any(t == "ins" for t, _ in page.tags)
    text = "".join(page.text)
    for item in expected:
        assert item["msgid"] in text
        for f in item["findings"]:
            assert f["message"] in text

    # one locale and no --out: the page goes to stdout
    single = ok(run, sv, "queue", "--locale", LOC, "--format", "html")
    assert single == html


def test_status_html_is_a_page(sv: Path, run) -> None:
    edit(sv, human)
    ok(run, sv, "approve", "--locale", LOC, "--article", SLUG)
    page = parse_page(ok(run, sv, "status", "--format", "html"))
    cells = [t for t, _ in page.tags if t == "td"]
    assert cells and "approved" in "".join(page.text)
    assert f"{live(sv)}" in "".join(page.text)


def test_an_approval_holds_only_in_the_catalog_where_it_was_given(sv: Path, run) -> None:
    """The same sentence approved in one article is not approved in another: a reviewer
    signs off a text in its context. The ledger event names its catalog."""
    total = edit(sv, human)
    ok(run, sv, "approve", "--locale", LOC, "--article", SLUG)
    other = sv / "locales" / LOC / "LC_MESSAGES" / "copy-of-article.po"
    other.write_bytes(po_path(sv).read_bytes())
    c = json.loads(ok(run, sv, "status", "--format", "json"))[LOC]
    assert c[SLUG]["approved"] == total
    assert (c["copy-of-article"]["approved"], c["copy-of-article"]["translated"]) == (0, total)

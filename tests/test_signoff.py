"""The sign-off as an attacker tries it (issue: sign-off you can prove). Each attack on the
sample publishes nothing it should not, and ``i18n check`` fails naming the ledger line.

The sample's German page of the thrombectomy article says the procedure takes "1 bis 3
Stunden"; the attacker wants it to say "10 bis 30 Minuten" without a reviewer.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import polib
import pytest
import yaml
from conftest import TESTER, add_person, copy_project, signing_as_tester, signing_key

from i18n.formats import sshsig
from i18n.formats.ledger import NAMESPACE, Ledger, Signing, signed_bytes
from i18n.formats.people import load_people
from i18n.formats.sshsig import FileSigner
from i18n.model.events import Approved, Rejected
from i18n.model.states import content_hash, entry_id
from i18n.pipeline.signoff import trust
from i18n.project import Project

MT = "mechanical-thrombectomy-for-dvt"
PAGE = f"site/de/de/{MT}.html"
OLD, NEW = "1 bis 3 Stunden", "10 bis 30 Minuten"
# the numbers change, which translation QA blocks: the reviewer overrides it knowingly
OVERRIDE = ("--override", "duration corrected by the clinical team")
SOURCE = "For many patients the whole procedure takes about 1 to 3 hours."  # in its msgid


@pytest.fixture
def proj(tmp_path: Path, run) -> Path:
    root = copy_project(tmp_path / "proj")
    result = run(root, "render", "--country", "DE")
    assert result.exit_code == 0 and (root / PAGE).is_file(), result.output
    return root


def po(root: Path, locale: str = "de") -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / f"{MT}.po"


def ledger(root: Path, locale: str = "de") -> Path:
    return root / "locales" / locale / "approvals.jsonl"


def tamper_text(root: Path) -> polib.POEntry:
    """The translator's change the attacker wants published."""
    catalog = polib.pofile(str(po(root)), wrapwidth=79)
    (entry,) = [e for e in catalog if SOURCE in e.msgid]
    entry.msgstr = entry.msgstr.replace(OLD, NEW)
    catalog.save(str(po(root)))
    return entry


def lines(root: Path, locale: str = "de") -> list[str]:
    return ledger(root, locale).read_text("utf-8").splitlines()


def write_lines(root: Path, rows: list[str], locale: str = "de") -> None:
    ledger(root, locale).write_text("".join(r + "\n" for r in rows), "utf-8")


def approval_of(root: Path, needle: str, catalog: str = MT) -> int:
    """Index of the signed approval of the entry whose text contains ``needle``."""
    for i, row in enumerate(lines(root)):
        event = json.loads(row)
        if event.get("signature") and event["catalog"] == catalog and needle in event["msgid"]:
            return i
    raise AssertionError(f"no signed approval of {needle!r}")


def set_keys(root: Path, ident: str, keys: list[str], section: str = "people") -> None:
    path = root / "source" / "people.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data[section][ident]["keys"] = keys
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def published(run, root: Path) -> bool:
    result = run(root, "render", "--country", "DE")
    assert result.exit_code == 0, result.output
    return (root / PAGE).is_file() and NEW in (root / PAGE).read_text("utf-8")


def check_fails(run, root: Path, code: str, line: int | None = None) -> str:
    result = run(root, "check", "--country", "DE")
    assert result.exit_code == 1, result.output
    where = f"locales/de/approvals.jsonl:{line}" if line else "locales/de/approvals.jsonl"
    found = [row for row in result.stdout.splitlines() if f"violation: {code}" in row]
    assert found and where in found[0], result.stdout
    return found[0]


def test_a_hand_written_approval_publishes_nothing(proj: Path, run) -> None:
    entry = tamper_text(proj)
    with ledger(proj).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"event": "approved", "hash": content_hash(entry), "catalog": MT}))
        fh.write("\n")
    assert not published(run, proj)
    check_fails(run, proj, "ledger-unsigned", len(lines(proj)))


def test_pointing_a_signature_at_new_text_breaks_it(proj: Path, run) -> None:
    """Dr. Vogel's signature edited in place to approve the new text (hash and msgstr)."""
    entry = tamper_text(proj)
    rows = lines(proj)
    i = approval_of(proj, SOURCE)
    event = json.loads(rows[i])
    event.update(hash=content_hash(entry), msgstr=entry.msgstr)
    rows[i] = json.dumps(event, ensure_ascii=False, sort_keys=True)
    write_lines(proj, rows)
    assert not published(run, proj)
    check_fails(run, proj, "ledger-bad-signature", i + 1)


def test_an_approval_copied_to_another_catalog_or_locale_does_not_count(proj: Path, run) -> None:
    rows = lines(proj)
    event = json.loads(rows[approval_of(proj, SOURCE)])
    moved = dict(event, catalog="post-thrombotic-syndrome")
    write_lines(proj, [*rows, json.dumps(moved, ensure_ascii=False, sort_keys=True)])
    check_fails(run, proj, "ledger-bad-signature", len(rows) + 1)

    write_lines(proj, rows)
    swiss = lines(proj, "de_CH")
    write_lines(proj, [*swiss, rows[approval_of(proj, SOURCE)]], "de_CH")
    result = run(proj, "check", "--country", "CH")
    assert result.exit_code == 1
    assert f"ledger-wrong-locale [de-CH] locales/de_CH/approvals.jsonl:{len(swiss) + 1}" in (
        result.stdout
    )


def _approve_then_reject(proj: Path, run) -> tuple[str, polib.POEntry]:
    """A reviewer approves the new text, then rejects it (signed, as TESTER)."""
    entry = tamper_text(proj)
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    ok = run(proj, "approve", "--locale", "de", item, *OVERRIDE)
    assert ok.exit_code == 0, ok.output
    assert published(run, proj)
    ok = run(proj, "reject", "--locale", "de", item, "--reason", "the duration is wrong")
    assert ok.exit_code == 0, ok.output
    assert not published(run, proj)
    # the attacker clears the fuzzy flag the rejection set
    catalog = polib.pofile(str(po(proj)), wrapwidth=79)
    (again,) = [e for e in catalog if SOURCE in e.msgid]
    again.flags = [f for f in again.flags if f != "fuzzy"]
    catalog.save(str(po(proj)))
    return item, entry


def test_deleting_a_rejection_is_seen_by_the_next_line_or_by_git(proj: Path, run) -> None:
    _approve_then_reject(proj, run)
    git(proj, "init", "-q", "-b", "main")
    git(proj, "add", "-A")
    git(proj, "commit", "-q", "-m", "reviewed")
    rows = lines(proj)
    write_lines(proj, rows[:-1])  # the rejection was the last line: only git knows it
    assert not published(run, proj)  # git has the deleted line: nothing before it holds
    found = check_fails(run, proj, "ledger-line-deleted")
    assert f"line {len(rows)} of the last committed ledger is missing" in found

    write_lines(proj, rows)  # restored, and a later event appended after the rejection
    signing = signing_as_tester()
    later = Approved(
        hash="00",
        catalog="site",
        msgctxt=None,
        msgid="x",
        msgstr="y",
        reviewer="Test Reviewer",
        time="2026-12-01T00:00:00Z",
    )
    Ledger.read(ledger(proj)).append([later], signing)
    rows = lines(proj)
    write_lines(proj, rows[:-2] + rows[-1:])  # the rejection deleted from the middle
    assert not published(run, proj)
    check_fails(run, proj, "ledger-chain-broken", len(rows) - 1)


def test_reordering_lines_is_seen_and_the_rejection_still_stands(proj: Path, run) -> None:
    _approve_then_reject(proj, run)
    rows = lines(proj)
    write_lines(proj, rows[:-2] + [rows[-1], rows[-2]])  # the rejection before the approval
    assert not published(run, proj)
    check_fails(run, proj, "ledger-reordered", len(rows) - 1)


@pytest.mark.parametrize("into", ["approving", "rejecting"])
def test_two_branches_approving_and_rejecting_merge_the_same_way(
    proj: Path, run, into: str
) -> None:
    """One branch approves the new text, another rejects it; merged with merge=union in either
    direction, the rejection stands (the branches did not see each other)."""
    entry = tamper_text(proj)
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    (proj / ".gitattributes").write_text("locales/*/approvals.jsonl merge=union\n", "utf-8")
    git(proj, "init", "-q", "-b", "main")
    git(proj, "add", "-A")
    git(proj, "commit", "-q", "-m", "translated")
    git(proj, "checkout", "-q", "-b", "rejecting")
    assert run(proj, "reject", "--locale", "de", item, "--reason", "wrong").exit_code == 0
    git(proj, "commit", "-qam", "rejected")
    git(proj, "checkout", "-q", "main")
    git(proj, "checkout", "-q", "-b", "approving")
    assert run(proj, "approve", "--locale", "de", item, *OVERRIDE).exit_code == 0  # later
    git(proj, "commit", "-qam", "approved")
    other = "rejecting" if into == "approving" else "approving"
    git(proj, "checkout", "-q", into)
    merged = git(proj, "merge", "-q", "--no-edit", other, check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    catalog = polib.pofile(str(po(proj)), wrapwidth=79)  # whatever the .po merge left
    for e in catalog:
        if NEW in e.msgstr:
            e.flags = [f for f in e.flags if f != "fuzzy"]
    catalog.save(str(po(proj)))
    assert not published(run, proj)


def test_a_key_removed_from_people_yaml_signs_nothing(proj: Path, run) -> None:
    """Dr. Vogel leaves: her key is removed; a ledger rewritten with it counts for nothing."""
    set_keys(proj, "katrin.vogel", [])
    result = run(proj, "render", "--country", "DE")
    assert not (proj / PAGE).exists(), result.output
    found = check_fails(run, proj, "ledger-unknown-key")
    assert "which no one holds in source/people.yaml" in found


def test_the_sample_keys_count_only_where_the_project_says_so(proj: Path, run) -> None:
    pyproject = proj / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text("utf-8").replace("sample_keys = true", "sample_keys = false"), "utf-8"
    )
    result = run(proj, "render", "--country", "DE")
    assert not (proj / PAGE).exists(), result.output
    found = check_fails(run, proj, "ledger-sample-key")
    assert "([tool.i18n] sample_keys is false)" in found


def test_a_role_counts_only_inside_its_validity_window(proj: Path, run, monkeypatch) -> None:
    key = add_person(
        proj,
        "ex.reviewer",
        "Ex Reviewer",
        {"reviewer": ["de"]},
        valid={"from": "2025-01-01", "until": "2025-12-31"},
    )
    monkeypatch.setenv("I18N_SIGNING_KEY", str(key))
    entry = tamper_text(proj)
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    refused = run(proj, "approve", "--locale", "de", item)
    assert refused.exit_code == 2 and "Ex Reviewer is not a reviewer for de today" in refused.stderr
    # signed with a time inside the window, appended by hand: counts; after it: does not
    signing = Signing("ex.reviewer", FileSigner(key))
    for signed in ("2025-06-01T10:00:00Z", "2026-06-01T10:00:00Z"):
        event = Approved(
            hash=content_hash(entry),
            catalog=MT,
            msgctxt=entry.msgctxt,
            msgid=entry.msgid,
            msgstr=entry.msgstr,
            reviewer="Ex Reviewer",
            time=signed,
        )
        Ledger.read(ledger(proj)).append([event], signing)
    trusted = trust(Ledger.read(ledger(proj)), load_people(Project(proj)), sample_keys_allowed=True)
    codes = {p.code for p in trusted.problems}
    assert codes == {"role-not-held"} and len(trusted.problems) == 1
    assert content_hash(entry) in trusted.approved_hashes(MT)


def test_a_service_signs_only_for_a_person(proj: Path) -> None:
    key = signing_key("review-server-test")
    public = Path(f"{key}.pub").read_text("utf-8").split()
    set_keys(proj, "review-server", [f"{public[0]} {public[1]}"], "services")
    entry = tamper_text(proj)
    base = dict(
        hash=content_hash(entry),
        catalog=MT,
        msgctxt=entry.msgctxt,
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        reviewer="Test Reviewer",
        time="2026-11-30T10:00:00Z",
    )
    book = Ledger.read(ledger(proj))
    book.append([Approved(**base)], Signing("review-server", FileSigner(key), on_behalf_of=TESTER))
    book.append([Approved(**base)], Signing("review-server", FileSigner(key), on_behalf_of="x.y"))
    trusted = trust(Ledger.read(ledger(proj)), load_people(Project(proj)), sample_keys_allowed=True)
    assert [p.code for p in trusted.problems] == ["unknown-person"]
    assert content_hash(entry) in trusted.approved_hashes(MT)


def test_openssh_verifies_an_approval_signed_by_i18n(proj: Path, run, tmp_path: Path) -> None:
    """An auditor needs OpenSSH only: ssh-keygen -Y verify accepts the event's signature over
    its canonical bytes, with the allowed-signers file ``i18n audit`` exports from
    people.yaml."""
    entry = tamper_text(proj)
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    assert run(proj, "approve", "--locale", "de", item, *OVERRIDE).exit_code == 0
    event = Ledger.read(ledger(proj)).events[-1]
    (tmp_path / "message").write_bytes(signed_bytes(event))
    import base64

    blob = base64.b64decode(event.signature)
    (tmp_path / "message.sig").write_text(sshsig.armor(blob), "utf-8")
    exported = run(proj, "audit", "--allowed-signers", "--out", str(tmp_path / "allowed"))
    assert exported.exit_code == 0, exported.output
    verify = [
        "ssh-keygen",
        "-Y",
        "verify",
        "-f",
        str(tmp_path / "allowed"),
        "-I",
        TESTER,
        "-n",
        NAMESPACE,
        "-s",
        str(tmp_path / "message.sig"),
    ]
    with (tmp_path / "message").open("rb") as message:
        proc = subprocess.run(verify, stdin=message, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f'Good "{NAMESPACE}" signature for {TESTER}' in proc.stdout + proc.stderr
    edited = signed_bytes(event).replace(NEW.encode(), OLD.encode())
    bad = subprocess.run(verify, input=edited, capture_output=True)
    assert bad.returncode != 0


def test_revoke_withdraws_an_approval_until_it_is_given_again(proj: Path, run) -> None:
    catalog = polib.pofile(str(po(proj)), wrapwidth=79)
    (entry,) = [e for e in catalog if SOURCE in e.msgid]
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    result = run(proj, "revoke", "--locale", "de", item, "--reason", "wording under review")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"revoked {item} {MT}: ")
    event = Ledger.read(ledger(proj)).events[-1]
    assert event.kind == "revoked" and event.signer == TESTER and event.reason
    run(proj, "render", "--country", "DE")
    assert not (proj / PAGE).exists()
    time.sleep(1.1)  # a later approval: at the same second, the revocation would win
    assert run(proj, "approve", "--locale", "de", item).exit_code == 0
    run(proj, "render", "--country", "DE")
    assert (proj / PAGE).exists()
    nothing = run(
        proj, "revoke", "--locale", "de", entry_id("de", MT, None, "zzz"), "--reason", "x"
    )
    assert nothing.exit_code == 2


def test_a_rejection_needs_a_reviewer_and_records_them(proj: Path, run) -> None:
    entry = tamper_text(proj)
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    assert run(proj, "reject", "--locale", "de", item, "--reason", "too short").exit_code == 0
    event = Ledger.read(ledger(proj)).events[-1]
    assert isinstance(event, Rejected) and event.reviewer == "Test Reviewer"
    assert "rejected by Test Reviewer: too short" in po(proj).read_text("utf-8")


def git(
    repo: Path, *args: str, check: bool = True, author: str = "t@example.org"
) -> subprocess.CompletedProcess[str]:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": author,
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(repo),
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=check
    )


def test_the_audit_trail_names_who_signed_each_published_text(proj: Path, run) -> None:
    result = run(proj, "audit", "--locale", "de-DE", "--article", MT, "--format", "json")
    assert result.exit_code == 0, result.output
    (page,) = json.loads(result.stdout)["pages"]
    assert page["path"] == "de/de/" + f"{MT}.html" and page["disclaimer"]["reference"]
    assert len(page["entries"]) > 50
    entry = next(e for e in page["entries"] if SOURCE in e["msgid"])
    assert OLD in entry["msgstr"] and entry["signer"] == "katrin.vogel"
    assert entry["name"] == "Dr. med. Katrin Vogel (sample data)"
    assert entry["verified"].startswith("verified: ssh-ed25519 key SHA256:")
    html = run(proj, "audit", "--format", "html").stdout
    assert f'<section id="de/de/{MT}.html">' in html and "@media print" in html

    # an approval revoked after the render: the published page is no longer backed by it
    item = entry_id("de", MT, None, entry["msgid"])
    assert run(proj, "revoke", "--locale", "de", item, "--reason", "re-check").exit_code == 0
    after = run(proj, "audit", "--locale", "de_DE", "--article", MT)
    assert after.exit_code == 1 and "NOT VERIFIED" in after.stdout


def test_resign_vouches_only_for_committed_history_and_not_for_own_text(
    proj: Path, run, monkeypatch
) -> None:
    """A reviewer cannot launder an approval of their own text, or one written today, through
    the migration: both are refused (exit 1) and nothing of them counts."""
    git(proj, "init", "-q", "-b", "main")
    git(proj, "add", "-A")
    git(proj, "commit", "-q", "-m", "before signatures")
    entry = tamper_text(proj)
    tester = f"{TESTER}@test.invamed.example"
    git(proj, "commit", "-qam", "the reviewer's own edit", author=tester)
    hand_written = {
        "event": "approved",
        "hash": content_hash(entry),
        "catalog": MT,
        "msgctxt": entry.msgctxt,
        "msgid": entry.msgid,
        "msgstr": entry.msgstr,
    }
    with ledger(proj).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(hand_written) + "\n")
    result = run(proj, "resign", "--locale", "de")
    assert result.exit_code == 1
    assert f"approvals.jsonl:{len(lines(proj))}: not committed" in result.stderr
    git(proj, "commit", "-qam", "the hand-written line committed", author=tester)
    result = run(proj, "resign", "--locale", "de")
    assert result.exit_code == 1 and "Test Reviewer wrote this text (four eyes)" in result.stderr
    assert not published(run, proj)


def test_a_sample_key_does_not_sign_where_it_would_not_count(proj: Path, run, monkeypatch) -> None:
    pyproject = proj / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text("utf-8").replace("sample_keys = true", "sample_keys = false"), "utf-8"
    )
    monkeypatch.setenv("I18N_SIGNING_KEY", str(proj / "source" / "sample-keys" / "katrin.vogel"))
    entry = tamper_text(proj)
    before = lines(proj)
    result = run(proj, "approve", "--locale", "de", entry_id("de", MT, None, entry.msgid))
    assert result.exit_code == 2 and "one of the sample's published keys" in result.stderr
    assert lines(proj) == before


def test_a_ledger_rewritten_with_a_removed_key_is_seen(proj: Path, run, monkeypatch) -> None:
    """Someone who held a reviewer key rewrites the whole ledger with it after leaving: their
    key is no longer in people.yaml, and git shows every line that was replaced."""
    key = add_person(proj, "gone.reviewer", "Gone Reviewer", {"reviewer": ["de"]})
    git(proj, "init", "-q", "-b", "main")
    git(proj, "add", "-A")
    git(proj, "commit", "-q", "-m", "signed history")
    entry = tamper_text(proj)
    forged = Approved(
        hash=content_hash(entry),
        catalog=MT,
        msgctxt=entry.msgctxt,
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        reviewer="Gone Reviewer",
        time="2026-11-30T10:00:00Z",
    )
    ledger(proj).unlink()
    Ledger(ledger(proj)).append([forged], Signing("gone.reviewer", FileSigner(key)))
    set_keys(proj, "gone.reviewer", [])
    assert not published(run, proj)
    result = run(proj, "check", "--country", "DE")
    assert result.exit_code == 1
    assert "violation: ledger-unknown-key [de] locales/de/approvals.jsonl:1" in result.stdout
    assert "ledger-line-deleted" in result.stdout


def test_a_ledger_read_again_parses_only_appended_lines_and_verifies_only_new_ones(
    tmp_path: Path,
) -> None:
    """Reading a ledger again after an append (the review server does, at every action)
    gives the same lines as a reading from scratch; a file rewritten in place (not only
    grown) is read from scratch. Verdicts kept between two verifications give the same
    trust, and only the new lines are verified."""
    root = copy_project(tmp_path / "p")
    people = load_people(Project(root))
    path = ledger(root)
    signing = signing_as_tester()

    def event(n: int) -> Approved:
        return Approved(
            hash=f"h{n}",
            catalog=MT,
            msgctxt=None,
            msgid=f"m{n}",
            msgstr=f"s{n}",
            reviewer="Test Reviewer",
            time="2026-11-26T09:00:00Z",
        )

    first = Ledger.read(path)
    first.append([event(1), event(2)], signing)
    earlier = Ledger.read(path)
    verdicts: dict = {}
    trust(earlier, people, verdicts=verdicts)
    assert len(verdicts) == len(earlier.lines)
    Ledger.read(path).append([event(3)], signing)
    again = Ledger.read(path, earlier=earlier)
    assert again.lines == Ledger.read(path).lines and again.lines[:-1] == earlier.lines
    assert again.lines[-1].event.msgid == "m3"
    kept = trust(again, people, verdicts=verdicts)
    fresh = trust(again, people)
    assert (kept.honoured, kept.problems) == (fresh.honoured, fresh.problems)
    assert len(verdicts) == len(again.lines)

    text = path.read_bytes()  # a line edited in place: no longer an append
    path.write_bytes(text.replace(b'"msgstr": "s1"', b'"msgstr": "s9"'))
    edited = Ledger.read(path, earlier=again)
    assert edited.lines == Ledger.read(path).lines != again.lines
    assert [e.msgstr for e in edited.events if e.msgid == "m1"] == ["s9"]

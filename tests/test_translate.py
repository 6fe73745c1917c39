"""Machine-translated drafts end to end: ``i18n translate`` on a temporary copy of the project.

Web providers are exercised against a LibreTranslate-compatible server on 127.0.0.1
(tests/fake_libretranslate.py, which also serves Google's page) that can be told to
rate-limit, fail, hang or mangle sentinels; tests/test_providers.py checks each provider's
requests against deep-translator's own. Nothing here reaches the internet: the
tests that must be offline block every outgoing connection. GNU ``msgfmt --check`` is the
oracle for every catalog written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import lxml.html
import polib
import pytest
from click.testing import Result
from conftest import REPO, copy_project, msgfmt_check, render_as_of, snapshot
from fake_libretranslate import FakeLibreTranslate
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n.formats.po import read_po, write_po
from i18n.model.states import content_hash, is_translated
from i18n.pipeline.protect import markup_signature, protect, restore
from i18n.pipeline.providers.codes import pick_code
from i18n.pipeline.providers.engine import pseudo
from i18n.pipeline.providers.http import redact

LOC = "de"
TODAY = "2026-11-26"  # every sample disclaimer is valid on this day
SMALL = "venous-stenting-iliac-vein-obstruction"  # the smallest article catalog
DNT = ("INVAMED", "Mantis", "Vertex")  # source/glossary.yaml do_not_translate
SECRET = "lt-key-7f3a9c1e-SECRET"
Key = tuple[str, str | None, str]  # (catalog, msgctxt, msgid)


# --- fixtures and helpers -----------------------------------------------------------------


@pytest.fixture
def fake():
    server = FakeLibreTranslate().start()
    yield server
    server.stop()


@pytest.fixture
def fast(project: Path) -> Path:
    """The project with short timeouts and backoff, so fault tests take milliseconds."""
    configure(project, request_timeout=5, retries=2, backoff=0.01, max_backoff=2)
    return project


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No outgoing connection at all: any attempt fails the test."""

    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"network access attempted: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def configure(root: Path, **settings_: object) -> None:
    """Set keys of [tool.i18n] in the project's pyproject.toml (replacing earlier values)."""
    path = root / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    for key in settings_:
        text = re.sub(rf"(?m)^{key} = .*\n", "", text)
    lines = "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings_.items())
    assert "[tool.i18n]\n" in text
    path.write_text(text.replace("[tool.i18n]\n", "[tool.i18n]\n" + lines), encoding="utf-8")


def libre(run, root: Path, fake: FakeLibreTranslate, *args: str) -> Result:
    return run(
        root, "translate", "--locale", LOC, "--provider", "libre", "--endpoint", fake.url, *args
    )


def catalogs(root: Path, locale: str = LOC) -> list[Path]:
    return sorted((root / "locales" / locale / "LC_MESSAGES").glob("*.po"))


def live(root: Path, locale: str = LOC) -> dict[Key, polib.POEntry]:
    out = {}
    for path in catalogs(root, locale):
        for e in read_po(path):
            if not e.obsolete and e.msgid:
                out[(path.stem, e.msgctxt, e.msgid)] = e
    return out


def drafted(root: Path, locale: str = LOC) -> list[dict]:
    ledger = root / "locales" / locale / "approvals.jsonl"
    if not ledger.exists():
        return []
    events = [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines()]
    return [e for e in events if e["event"] == "drafted"]


def links(text: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", text)


def code_spans(text: str) -> list[str]:
    return re.findall(r"`[^`]+`", text)


def terms(text: str) -> Counter[str]:
    return Counter(m for t in DNT for m in re.findall(rf"\b{t}\b", text))


def restore_catalogs(root: Path, locale: str = LOC) -> None:
    """Put the sample's catalogs back (drafts gone); the ledger and cache stay."""
    shutil.rmtree(root / "locales" / locale / "LC_MESSAGES")
    shutil.copytree(
        REPO / "locales" / locale / "LC_MESSAGES", root / "locales" / locale / "LC_MESSAGES"
    )


# --- 1. LibreTranslate over HTTP through deep-translator ------------------------------------


def test_libre_drafts_are_fuzzy_with_provider_comment_ledger_event_and_cached(
    project: Path, run, fake: FakeLibreTranslate
) -> None:
    before = live(project)
    todo = {k for k, e in before.items() if not is_translated(e)}
    human = {k: (e.msgstr, e.flags) for k, e in before.items() if is_translated(e)}
    assert todo and human  # the sample has both

    result = libre(run, project, fake)
    assert result.exit_code == 0, result.output
    sent = fake.translate_requests()
    assert sent and all(r.status == 200 for r in sent)
    assert fake.count("/languages") == 1  # the pair is checked once
    assert len({r.text for r in sent}) == len(sent)  # each distinct text asked once
    assert not any("](http" in r.text or "INVAMED" in r.text for r in sent)  # protected

    after = live(project)
    events = {(e["catalog"], e["msgctxt"], e["msgid"]): e for e in drafted(project)}
    by_provider: Counter[str] = Counter()
    for key in todo:
        entry = after[key]
        assert entry.msgstr and "fuzzy" in entry.flags, key
        event = events[key]
        assert event["hash"] == content_hash(entry)  # the ledger names exactly this text
        by_provider[event["provider"]] += 1
        if event["provider"] == "libre":
            assert "machine draft (libre); review before approval" in entry.tcomment
            # the server upper-cases; everything protected comes back as it was
            assert entry.msgstr.casefold() == entry.msgid.casefold()
            assert links(entry.msgstr) == links(entry.msgid)
            if not re.search(r"https?://|`|INVAMED|Mantis|Vertex", entry.msgid):
                assert entry.msgstr == entry.msgid.upper()
    assert by_provider["libre"] >= len(sent)
    assert len(events) == len(todo)
    for key, (msgstr, flags) in human.items():
        assert (after[key].msgstr, after[key].flags) == (msgstr, flags)
    for path in catalogs(project):
        assert msgfmt_check(path).returncode == 0, msgfmt_check(path).stderr

    # a second run: nothing left to draft, no request, no file touched
    fake.reset()
    files = snapshot(project / "locales")
    again = libre(run, project, fake)
    assert again.exit_code == 0, again.output
    assert fake.log == []
    assert snapshot(project / "locales") == files

    # the drafts lost (catalogs restored): every answer comes from the cache
    restore_catalogs(project)
    third = libre(run, project, fake)
    assert third.exit_code == 0, third.output
    assert fake.log == []
    assert f"{len(sent)} answered from the cache" in third.stdout
    assert {k: e.msgstr for k, e in live(project).items()} == {
        k: e.msgstr for k, e in after.items()
    }


# --- 2. faults: 429, 500 forever, hang, mangled sentinels -----------------------------------


def test_rate_limit_is_retried_honouring_retry_after(fast: Path, run, fake) -> None:
    fake.reset(mode="rate_limit", fail_first=2, retry_after="1")
    result = libre(run, fast, fake, "--article", SMALL)
    assert result.exit_code == 0, result.output
    log = fake.translate_requests()
    limited = [r for r in log if r.status == 429]
    answered = [r for r in log if r.status == 200]
    assert len(limited) == 2
    for refused in limited:  # each retried, after the second Retry-After asked for (the
        # configured backoff is 10 ms, so nothing else explains the pause)
        retry = next(r for r in answered if r.text == refused.text)
        assert retry.time - refused.time >= 0.9
    assert "2 retried" in result.stdout
    assert not [
        e
        for e in live(fast).values()
        if not is_translated(e) and e.msgid in {r.text for r in answered}
    ]


def test_server_error_forever_fails_clearly_keeps_earlier_drafts_and_resumes(
    fast: Path, run, fake
) -> None:
    victim = next(
        e
        for e in read_po(fast / f"locales/{LOC}/LC_MESSAGES/{SMALL}.po")
        if not is_translated(e) and len(e.msgid) > 60 and "`" not in e.msgid
    )
    needle = victim.msgid[:40]
    fake.reset(mode="error", fail_on=needle)
    result = libre(run, fast, fake)

    assert result.exit_code == 1
    assert (
        "error: libre: HTTP 500: Internal Server Error (gave up after 3 attempts)" in result.stderr
    )
    assert "run again to resume" in result.stderr
    assert "Traceback" not in result.output
    failed = [r for r in fake.translate_requests() if r.status == 500]
    assert len(failed) == 3 and all(needle in r.text for r in failed)  # 1 + 2 retries

    # every answer received before the failure is on disk, with its ledger event
    answered = {r.text for r in fake.translate_requests() if r.status == 200}
    after = live(fast)
    on_disk = {k for k, e in after.items() if "machine draft (libre)" in (e.tcomment or "")}
    assert len(on_disk) >= len(answered) > 0
    assert {content_hash(after[k]) for k in on_disk} <= {e["hash"] for e in drafted(fast)}
    assert not is_translated(after[(SMALL, victim.msgctxt, victim.msgid)])
    for path in catalogs(fast):
        assert msgfmt_check(path).returncode == 0

    # the server recovers: the next run asks only what was never answered
    fake.reset(mode="normal")
    again = libre(run, fast, fake)
    assert again.exit_code == 0, again.output
    asked = {r.text for r in fake.translate_requests()}
    assert asked and not asked & answered
    assert any(needle in t for t in asked)
    assert all(is_translated(e) for e in live(fast).values())


def test_ctrl_c_keeps_every_answer_received_and_the_next_run_resumes(
    project: Path, run, fake
) -> None:
    fired = threading.Event()
    presses = []  # the request count at each key press

    def press_ctrl_c(text: str) -> None:
        count = fake.count()
        if fired.is_set():
            # answers after the key press come late, so that the run cannot finish its last
            # requests before the main thread handles the signal (a race on a busy machine)
            time.sleep(1.0)
            # a key press can be lost (one run under heavy load finished with exit 0; CPython
            # drops a KeyboardInterrupt raised in a finalizer the garbage collector runs in
            # the main thread at that moment): a run that still asks more than the 4
            # requests it had in flight did not see the key, so it is pressed again, as a
            # user would
            if count - presses[-1] >= 8:
                presses.append(count)
                os.kill(os.getpid(), signal.SIGINT)
        elif count >= 60:
            fired.set()
            presses.append(count)
            os.kill(os.getpid(), signal.SIGINT)  # a real SIGINT, delivered to the main thread

    fake.reset(on_translate=press_ctrl_c)
    result = libre(run, project, fake, "--concurrency", "4")
    assert fired.is_set()
    assert result.exit_code == 130, (presses, fake.count(), result.output)
    assert "interrupted: drafts received so far are written" in result.stderr
    answered = {r.text for r in fake.translate_requests()}
    after = live(project)
    on_disk = {k for k, e in after.items() if "machine draft (libre)" in (e.tcomment or "")}
    assert len(on_disk) >= len(answered) - 4  # written, but for the 4 requests in flight
    assert {content_hash(after[k]) for k in on_disk} <= {e["hash"] for e in drafted(project)}
    for path in catalogs(project):
        assert msgfmt_check(path).returncode == 0

    fake.reset(on_translate=None)
    again = libre(run, project, fake)
    assert again.exit_code == 0, again.output
    asked_again = {r.text for r in fake.translate_requests()}
    assert len(asked_again & answered) <= 4  # only the requests in flight were lost
    assert all(is_translated(e) for e in live(project).values())


def test_hanging_server_times_out_with_a_clear_message(fast: Path, run, fake) -> None:
    configure(fast, request_timeout=0.25, retries=1)
    fake.reset(mode="hang")
    before = live(fast)
    result = libre(run, fast, fake, "--article", SMALL)
    assert result.exit_code == 1
    assert "libre: no answer within 0.25 s (gave up after 2 attempts)" in result.stderr
    assert fake.count() >= 2
    for key, entry in live(fast).items():  # no answer, no machine draft; memory drafts stay
        if not is_translated(before[key]) and is_translated(entry):
            assert "memory draft" in entry.tcomment or "copied" in entry.tcomment
    assert not any(e["provider"] == "libre" for e in drafted(fast))


@pytest.mark.parametrize("how", ["drop", "duplicate", "swap"])
def test_mangled_sentinels_are_saved_but_flagged(fast: Path, run, fake, how: str) -> None:
    fake.reset(mode="mangle", mangle=how)
    before = live(fast)
    result = libre(run, fast, fake, "--article", SMALL)
    assert result.exit_code == 0, result.output
    path = fast / f"locales/{LOC}/LC_MESSAGES/{SMALL}.po"
    checked: Counter[str] = Counter()
    for e in read_po(path):
        key = (SMALL, e.msgctxt, e.msgid)
        if e.obsolete or is_translated(before[key]) or "machine draft (libre)" not in e.tcomment:
            continue
        checked["drafts"] += 1
        assert e.msgstr and "fuzzy" in e.flags  # saved as a draft all the same
        flagged = re.search(r"draft warning: (protected text|markup differs)", e.tcomment)
        spans = [span.text for span in protect(e.msgid, DNT).spans]
        if how != "swap":  # dropping or duplicating any protected span is flagged
            broken = bool(spans)
            assert bool(flagged) == broken, (e.msgid, e.tcomment)
        elif len(spans) >= 2 and spans[0].startswith("[") and spans[1].startswith("]("):
            broken = True  # a link's "](url)" before its "[": no link any more
            checked["link swapped"] += 1
            assert flagged, (e.msgid, e.tcomment)
        else:  # two identical markers (the ** of a pair) swapped: still the same markup
            broken = False
            if len(spans) >= 2 and spans[0] == spans[1]:
                checked["twins swapped"] += 1
                assert not flagged, (e.msgid, e.tcomment)
        if broken and how == "drop":
            assert "draft warning: protected text lost" in e.tcomment
        if broken and how == "duplicate":
            assert "draft warning: protected text duplicated" in e.tcomment
        if broken and how == "swap":
            assert "draft warning: markup differs from the source: link" in e.tcomment
    assert checked["drafts"] > 10
    if how == "swap":
        assert checked["link swapped"] and checked["twins swapped"]
    assert "flagged" in result.stdout and "warning:" in result.stderr
    assert msgfmt_check(path).returncode == 0


def test_missing_glossary_terms_are_noted(project: Path, run, fake) -> None:
    fake.reset(replacements={"deep vein thrombosis": "tiefe Venenthrombose"})
    result = libre(run, project, fake)
    assert result.exit_code == 0, result.output
    seen = Counter()
    for e in live(project).values():
        if "machine draft (libre)" not in (e.tcomment or ""):
            continue
        source = e.msgid.lower()
        if "deep vein thrombosis" in source:
            seen["dvt"] += 1
            assert 'glossary: "deep vein thrombosis"' not in e.tcomment
        if "pulmonary embolism" in source:
            seen["pe"] += 1
            assert (
                'draft warning: glossary: "pulmonary embolism" should be "Lungenembolie"'
                in e.tcomment
            )
    assert seen["dvt"] and seen["pe"]


def test_unsupported_pair_is_refused_before_any_translation_request(
    project: Path, run, fake
) -> None:
    fake.reset(languages=("en", "de", "fr"))
    files = snapshot(project / "locales")
    result = run(
        project, "translate", "--locale", "ja", "--provider", "libre", "--endpoint", fake.url
    )
    assert result.exit_code == 2
    assert "error: provider libre does not translate en -> ja" in result.stderr
    assert fake.count("/translate") == 0 and fake.count("/languages") == 1
    assert snapshot(project / "locales") == files  # not even the memory drafts
    assert not (project / ".cache/i18n/mt.sqlite3").exists()


def test_request_cap_stops_the_run_and_the_next_run_continues(fast: Path, run, fake) -> None:
    result = libre(run, fast, fake, "--article", SMALL, "--max-requests", "6", "--concurrency", "2")
    assert result.exit_code == 0, result.output
    assert "request cap reached (6 requests)" in result.stderr
    first = {r.text for r in fake.translate_requests()}
    assert len(first) == 5  # 6 minus the language list
    fake.reset()
    again = libre(run, fast, fake, "--article", SMALL)
    assert again.exit_code == 0
    assert first.isdisjoint(r.text for r in fake.translate_requests())
    assert all(is_translated(e) for k, e in live(fast).items() if k[0] == SMALL)


def test_google_through_deep_translator_with_workers_that_do_not_mix_texts(
    fast: Path, run, fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deep_translator.constants import BASE_URLS

    monkeypatch.setitem(BASE_URLS, "GOOGLE_TRANSLATE", fake.url + "m")
    fake.reset(mode="rate_limit", fail_first=1)
    result = run(
        fast,
        "translate",
        "--locale",
        "pt",
        "--provider",
        "google",
        "--article",
        SMALL,
        "--concurrency",
        "8",
    )
    assert result.exit_code == 0, result.output
    log = [r for r in fake.log if r.path == "/m"]
    assert [r.status for r in log].count(429) == 1 and "1 retried" in result.stdout
    assert all("tl=pt" in r.query and "sl=en" in r.query for r in log)  # pt (Brazil) -> pt
    drafts = [
        e
        for e in read_po(fast / f"locales/pt/LC_MESSAGES/{SMALL}.po")
        if "machine draft (google)" in (e.tcomment or "")
    ]
    assert len(drafts) > 20
    for e in drafts:  # each answer landed on its own entry, though 8 workers ran at once
        assert e.msgstr.casefold() == e.msgid.casefold()


# --- 3 and 6. pseudo over the whole sample: offline, markup intact, deterministic ----------


def test_pseudo_drafts_whole_sample_offline_with_markup_intact(
    tmp_path: Path, run, offline
) -> None:
    root = copy_project(tmp_path / "a")
    locales = sorted(p.parent.parent.name for p in (root / "locales").glob("*/LC_MESSAGES/*.po"))
    locales = sorted(set(locales))
    assert len(locales) >= 8
    drafts = plurals = 0
    for locale in locales:
        result = run(root, "translate", "--locale", locale, "--provider", "pseudo")
        assert result.exit_code == 0, result.output
        for path in catalogs(root, locale):
            assert msgfmt_check(path).returncode == 0, msgfmt_check(path).stderr
            for e in read_po(path):
                if e.obsolete or "machine draft (pseudo)" not in (e.tcomment or ""):
                    continue
                drafts += 1
                forms = (
                    [(e.msgid, e.msgstr)]
                    if not e.msgid_plural
                    else [
                        (e.msgid if n == 0 else e.msgid_plural, text)
                        for n, text in sorted(e.msgstr_plural.items())
                    ]
                )
                plurals += bool(e.msgid_plural)
                for source, draft in forms:
                    assert links(draft) == links(source), source
                    assert code_spans(draft) == code_spans(source), source
                    assert terms(draft) == terms(source), source
                    assert draft.startswith("[") and draft.endswith("]")
                    prose = [
                        re.sub(r"\]\([^)]*\)|`[^`]*`|%\(\w+\)[sd]", "", t) for t in (source, draft)
                    ]
                    if len(prose[0]) >= 40:  # about 35% longer, markup and placeholders aside
                        assert 1.25 <= len(prose[1]) / len(prose[0]) <= 1.45, source
                    outside = re.sub(
                        r"\]\([^)]*\)|`[^`]*`|\b(?:INVAMED|Mantis|Vertex)\b"
                        r"|%\(\w+\)[sd]|\{\w+\}|&\w+;",
                        "",
                        draft,
                    )
                    assert not re.search(r"[a-z]", outside), draft  # every letter accented
    assert drafts > 500 and plurals > 0

    # deterministic: a second copy drafted again gives byte-identical catalogs
    other = copy_project(tmp_path / "b")
    for locale in locales[:2]:
        assert run(other, "translate", "--locale", locale).exit_code == 0  # pseudo: default
        for path in catalogs(other, locale):
            assert path.read_bytes() == (root / path.relative_to(other)).read_bytes()


# --- 4. a human translation is never overwritten ------------------------------------------


def test_human_translation_is_never_overwritten(project: Path, run, fake) -> None:
    path = project / f"locales/{LOC}/LC_MESSAGES/{SMALL}.po"
    po = read_po(path)
    free = [e for e in po if not e.obsolete and e.msgid and not is_translated(e)]
    by_hand, later, edited = free[0], free[1], free[2]
    by_hand.msgstr = "Von Hand übersetzt."
    by_hand.tcomment = "checked with the clinic"
    write_po(path, po)

    assert run(project, "translate", "--locale", LOC, "--article", SMALL).exit_code == 0
    po = read_po(path)
    entry = {e.msgid: e for e in po}
    assert entry[by_hand.msgid].msgstr == "Von Hand übersetzt."
    assert entry[by_hand.msgid].tcomment == "checked with the clinic"
    assert "fuzzy" not in entry[by_hand.msgid].flags
    # a translator edits one machine draft but leaves it fuzzy: it is theirs now
    entry[edited.msgid].msgstr = "Vom Übersetzer bearbeitet."
    entry[edited.msgid].tcomment = "Anna: wording\n" + entry[edited.msgid].tcomment
    write_po(path, po)

    # --refresh redoes unedited machine drafts only; and a translator saving the file
    # while the run is under way wins over the machine
    def translator_saves(text: str) -> None:
        if fake.count() == 0:
            po2 = read_po(path)
            for e in po2:
                if e.msgid == later.msgid:
                    e.msgstr, e.flags = "Während des Laufs übersetzt.", []
            write_po(path, po2)

    fake.reset(on_translate=translator_saves)
    result = libre(run, project, fake, "--article", SMALL, "--refresh")
    assert result.exit_code == 0, result.output
    entry = {e.msgid: e for e in read_po(path)}
    assert entry[by_hand.msgid].msgstr == "Von Hand übersetzt."
    assert entry[edited.msgid].msgstr == "Vom Übersetzer bearbeitet."
    assert entry[edited.msgid].tcomment.startswith("Anna: wording")
    assert entry[later.msgid].msgstr == "Während des Laufs übersetzt."
    assert "fuzzy" not in entry[later.msgid].flags
    refreshed = [e for e in entry.values() if "machine draft (libre)" in (e.tcomment or "")]
    assert len(refreshed) > 10
    for e in refreshed:  # the pseudo comment is replaced, not added to
        assert "machine draft (pseudo)" not in e.tcomment
        assert e.msgstr.casefold() == e.msgid.casefold()
    assert msgfmt_check(path).returncode == 0


# --- 5. secrets ---------------------------------------------------------------------------


def test_api_key_appears_in_no_output_file_or_cache(
    project: Path, run, fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIBRETRANSLATE_API_KEY", SECRET)
    fake.reset(api_key=SECRET)
    good = libre(run, project, fake, "--article", SMALL)
    assert good.exit_code == 0, good.output
    requests = fake.translate_requests()
    assert requests and all(r.api_key == SECRET for r in requests)  # the key was used...
    assert not any(SECRET in r.query for r in requests)  # ...in the body, not the URL

    fake.reset(api_key="another-key")  # the server now rejects ours
    restore_catalogs(project)
    bad = libre(run, project, fake, "--article", "post-thrombotic-syndrome")
    assert bad.exit_code == 1
    assert "HTTP 403" in bad.stderr

    outputs = good.output + good.stderr + bad.output + bad.stderr
    assert SECRET not in outputs
    leaks = [p for p in project.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaks == []
    cache = project / ".cache/i18n/mt.sqlite3"
    assert cache.exists()
    dump = "\n".join(sqlite3.connect(cache).iterdump())
    assert SECRET not in dump and "translations" in dump


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--locale", "de", "--article", "no-such-article"),
            "no catalog for article 'no-such-article' in locale de",
        ),
        (("--locale", "en"), "en is the source language"),
        (("--locale", "sv"), "no catalogs for sv in locales/sv/LC_MESSAGES: run 'i18n update"),
        (("--locale", "xx"), "unknown language or locale code 'xx'"),
        (
            ("--locale", "de", "--provider", "google", "--endpoint", "http://127.0.0.1:9/"),
            "--endpoint is for the libre provider, not google",
        ),
        (("--locale", "de", "--provider", "libre"), "provider libre needs --endpoint URL"),
        (
            ("--locale", "de", "--provider", "libre", "--endpoint", "http://u:p@127.0.0.1:9/"),
            "--endpoint must not carry credentials",
        ),
    ],
)
def test_bad_usage_is_one_clear_error_and_changes_nothing(
    project: Path, run, offline, args: tuple[str, ...], message: str
) -> None:
    files = snapshot(project)
    result = run(project, "translate", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(project) == files


def test_redaction_and_missing_key(project: Path, run, offline) -> None:
    assert (
        redact(f"Unauthorized access with the api key {SECRET}", [SECRET])
        == "Unauthorized access with the api key [redacted]"
    )
    result = run(project, "translate", "--locale", LOC, "--provider", "deepl")
    assert result.exit_code == 2
    assert "needs an API key in the environment variable DEEPL_API_KEY" in result.stderr


# --- dry run, memory, codes, protection --------------------------------------------------


def test_dry_run_counts_without_network_and_matches_the_real_run(
    project: Path, run, fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = snapshot(project)
    with monkeypatch.context() as m:
        m.setattr(socket.socket, "connect", lambda *a: pytest.fail("network in a dry run"))
        dry = libre(run, project, fake, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert snapshot(project) == files and fake.log == []
    row = re.search(r"│ de\s+│ libre\s+│\s+(\d+) │\s+(\d+) │\s+(\d+) │\s+(\d+) │", dry.stdout)
    assert row, dry.stdout
    entries, characters, requests, cached = map(int, row.groups())

    real = libre(run, project, fake)
    assert real.exit_code == 0, real.output
    sent = fake.translate_requests()
    assert requests == len(sent) + fake.count("/languages")
    assert characters == sum(len(r.text) for r in sent)
    assert entries == sum(1 for e in drafted(project) if e["provider"] == "libre")
    assert cached == 0


def test_memory_exact_match_is_the_draft_and_similar_text_a_comment(
    project: Path, run, offline
) -> None:
    small = project / f"locales/{LOC}/LC_MESSAGES/{SMALL}.po"
    free = [e for e in read_po(small) if e.msgid and not is_translated(e) and len(e.msgid) > 50]
    exact, near = free[0], free[1]
    other = catalogs(project)[0]
    po = read_po(other)
    for msgid, msgstr in (
        (exact.msgid, "Aus dem Gedächtnis."),
        (near.msgid + " Extra words.", "Ähnlich."),
    ):
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, obsolete=True))
    write_po(other, po)

    result = run(project, "translate", "--locale", LOC, "--article", SMALL)
    assert result.exit_code == 0, result.output
    entry = {e.msgid: e for e in read_po(small)}
    got = entry[exact.msgid]
    assert got.msgstr == "Aus dem Gedächtnis." and "fuzzy" in got.flags
    assert "memory draft; review before approval" in got.tcomment
    assert f"same text translated in {other.name}" in got.tcomment
    assert [e["provider"] for e in drafted(project) if e["msgid"] == exact.msgid] == ["memory"]
    similar = entry[near.msgid]
    assert similar.msgstr.startswith("[")  # the provider's draft, not the memory's text
    assert re.search(r"translation memory \(\d\d%\) for", similar.tcomment)
    assert "Ähnlich." in similar.tcomment
    assert msgfmt_check(small).returncode == 0


@pytest.mark.parametrize(
    ("provider", "locale", "code"),
    [
        ("google", "pt_BR", "pt"),
        ("google", "zh_Hans_CN", "zh-CN"),
        ("google", "de_CH", "de"),
        ("google", "he", "iw"),
        ("deepl", "pt_BR", "PT-BR"),
        ("deepl", "pt", "PT-BR"),
        ("deepl", "zh_Hans_CN", "ZH"),
        ("deepl", "de_CH", "DE"),
        ("mymemory", "de_CH", "de-CH"),
        ("mymemory", "de", "de-DE"),
        ("mymemory", "ar", "ar-EG"),
        ("libre", "de_CH", "de"),
    ],
)
def test_language_codes_are_mapped_per_provider(provider: str, locale: str, code: str) -> None:
    from i18n.pipeline.providers.codes import static_languages

    assert pick_code(provider, locale, static_languages(provider) or ()) == code


def test_microsoft_and_libre_codes_from_their_language_lists() -> None:
    ms = {"de", "pt", "pt-pt", "zh-hans", "zh-hant", "fr-ca", "fr"}
    assert pick_code("microsoft", "zh_Hant_TW", ms) == "zh-hant"
    assert pick_code("microsoft", "pt_PT", ms) == "pt-pt"
    assert pick_code("microsoft", "fr_CA", ms) == "fr-ca"
    assert pick_code("microsoft", "fr_CH", ms) == "fr"
    assert pick_code("libre", "pt_BR", {"en", "pt-BR", "pt"}) == "pt-BR"
    assert pick_code("libre", "zh_Hans_CN", {"en", "zh"}) == "zh"
    assert pick_code("libre", "nl", {"en", "de"}) is None


MARKDOWNISH = st.text(alphabet="ab Mantis*_`[]()!&;#{}%s\\\n⟦⟧<>/:.1", max_size=60)


@given(MARKDOWNISH)
@settings(max_examples=300, deadline=None)
def test_protect_then_restore_gives_back_the_source(text: str) -> None:
    protected = protect(text, DNT)
    back = restore(protected.text, protected)
    assert back.text == text
    assert back.problems == []


def test_pseudo_is_deterministic_and_keeps_markup() -> None:
    source = "See **[the guide](https://x.example/a_b)** on `Mantis` &amp; {name} by INVAMED."
    p = protect(source, DNT)
    first = restore(pseudo(p.text), p)
    assert first.problems == []
    assert first.text == restore(pseudo(p.text), p).text
    assert markup_signature(first.text) == markup_signature(source)
    assert "https://x.example/a_b" in first.text and "INVAMED" in first.text


@pytest.mark.parametrize(
    "source",
    [
        # found by bench/bench_fidelity.py in attrs' docs: white space before a destination
        "make sure to [check them out]( api-validators) before writing your own:",
        # and in mkdocstrings' docs: an unmatched run of backticks is text, and the code
        # span after it is still code (CommonMark 6.1)
        '=== "Markdown" ```md With a custom title: [`Object 1`][full.path.object1]',
    ],
)
def test_pseudo_keeps_destinations_after_spaces_and_code_after_stray_backticks(
    source: str,
) -> None:
    p = protect(source, DNT)
    drafted = restore(pseudo(p.text), p)
    assert drafted.problems == []
    assert markup_signature(drafted.text) == markup_signature(source)


def test_dry_run_says_when_the_provider_key_is_missing(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner
    from conftest import copy_project

    from i18n.cli import cli

    monkeypatch.delenv("DEEPL_API_KEY", raising=False)
    proj = copy_project(tmp_path / "proj")
    result = CliRunner().invoke(
        cli,
        ["translate", "--project", str(proj), "--locale", "it", "--provider", "deepl", "--dry-run"],
    )
    assert result.exit_code == 0, result.output
    assert "DEEPL_API_KEY is not set; a real run would stop" in result.output


# --- 9. machine drafts keep every link ------------------------------------------------------

LINKS_SLUG = "links-demo"
LINKS_ARTICLE = """\
---
slug: links-demo
title: Links in every form
---
Install [uv][] and check types with [Mypy]. Read [the guide][docs] first.

![Logo of the clinic][logo]

Visit https://www.example.org/help_page for help, or [our site](https://example.org "Example site").

![A diagram of the vein](/images/vein.svg "Vein diagram")

[uv]: https://docs.astral.sh/uv/
[mypy]: https://mypy-lang.org/ "Mypy home"
[docs]: https://docs.example.org/ "Official documentation"
[logo]: /images/logo.svg
"""
LINKS_TARGETS = {
    "https://docs.astral.sh/uv/",
    "https://mypy-lang.org/",
    "https://docs.example.org/",
    "https://example.org",
    "/images/logo.svg",
    "/images/vein.svg",
}


def links_project(root: Path, run) -> Path:
    """The sample with an article that has every kind of link, extracted and updated for de."""
    (root / "source" / "articles" / f"{LINKS_SLUG}.md").write_text(LINKS_ARTICLE, "utf-8")
    for svg in ("logo.svg", "vein.svg"):
        shutil.copy(
            REPO / "source/images/mechanical-thrombectomy-for-dvt-diagram.svg",
            root / "source/images" / svg,
        )
    assert run(root, "extract").exit_code == 0
    assert run(root, "update", "--locale", LOC).exit_code == 0
    return root


def draft_of(root: Path, needle: str, ctx: str | None = None) -> str:
    (entry,) = [
        e
        for (cat, c, msgid), e in live(root).items()
        if cat == LINKS_SLUG and needle in msgid and c == ctx
    ]
    return entry.msgstr


def test_titles_no_block_holds_are_entries_of_their_own(project: Path, run) -> None:
    links_project(project, run)
    pot = {
        (e.msgctxt, e.msgid): e
        for e in polib.pofile(str(project / "locales/templates/links-demo.pot"))
    }
    assert ("link title", "Official documentation") in pot
    assert ("link title", "Mypy home") in pot
    assert ("image title", "Vein diagram") in pot
    assert pot["link title", "Official documentation"].comment == (
        "type: link title of the reference definition [docs]"
    )
    # an inline link's title is in its paragraph's msgid already
    assert any('"Example site"' in msgid for _, msgid in pot)
    assert msgfmt_check(project / "locales/templates/links-demo.pot").returncode == 0


def test_pseudo_drafts_keep_reference_labels_urls_and_pass_qa_and_publish(
    project: Path, run, offline
) -> None:
    root = links_project(project, run)
    result = run(
        root, "translate", "--locale", LOC, "--provider", "pseudo", "--article", LINKS_SLUG
    )
    assert result.exit_code == 0, result.output
    assert "flagged" not in result.output
    para = draft_of(root, "Install [uv][]")
    assert "[uv][]" in para and "[Mypy]" in para and "][docs]" in para  # labels byte for byte
    assert "[the guide]" not in para  # a full reference's text is translated
    visit = draft_of(root, "Visit https://")
    assert "https://www.example.org/help_page " in visit  # the bare URL is not accented
    assert re.search(r'\(https://example.org "[^"a-z]+"\)', visit)  # the title is translated
    title = draft_of(root, "Official documentation", "link title")
    assert title.startswith("[") and "Official" not in title
    path = root / "locales" / LOC / "LC_MESSAGES" / f"{LINKS_SLUG}.po"
    subprocess.run(["msgattrib", "--clear-fuzzy", "-o", str(path), str(path)], check=True)

    queue = json.loads(
        run(root, "queue", "--locale", LOC, "--article", LINKS_SLUG, "--format", "json").output
    )
    blocking = [
        (i["msgid"], f) for i in queue for f in i["findings"] if f["severity"] == "blocking"
    ]
    assert blocking == []
    approved = run(root, "approve", "--locale", LOC, "--article", LINKS_SLUG)
    assert approved.exit_code == 0, approved.output
    assert "8 approved, 0 already approved, 0 refused" in approved.output

    res = render_as_of(root, TODAY, "--country", "DE")
    assert res.exit_code == 0, res.output
    site = root / "site"
    data = json.loads((site / "manifest.json").read_text("utf-8"))
    mine = [w for w in data["withheld"] if w["article"] == LINKS_SLUG]
    assert [w for w in mine if w["locale"] == "de-DE"] == []
    assert f"de/de/{LINKS_SLUG}.html" in {p["path"] for p in data["pages"]}
    page = lxml.html.parse(str(site / "de" / "de" / f"{LINKS_SLUG}.html")).getroot()
    body = page.find(".//main")
    hrefs = {a.get("href") for a in body.iter("a")} | {
        "/images/" + Path(i.get("src")).name for i in body.iter("img")
    }
    assert hrefs >= LINKS_TARGETS
    titles = {el.get("title") for el in body.iter("a", "img") if el.get("title")}
    assert titles and not titles & {
        "Example site",
        "Vein diagram",
        "Official documentation",
        "Mypy home",
    }
    assert "https://www.example.org/help_page" in body.text_content()


def test_a_broken_reference_link_is_blocking_at_approve(project: Path, run, offline) -> None:
    root = links_project(project, run)
    assert run(root, "translate", "--locale", LOC, "--article", LINKS_SLUG).exit_code == 0
    path = root / "locales" / LOC / "LC_MESSAGES" / f"{LINKS_SLUG}.po"
    po = read_po(path)
    for e in po:
        if e.msgid.startswith("Install"):
            e.msgstr = (
                "Installieren Sie [úv][] und prüfen Sie mit [Mypy], "
                "lesen Sie [den Leitfaden][docs]."
            )
        if e.msgid == "Logo of the clinic":
            e.msgstr = "Logo der Klinik"  # fine: the reference image keeps its key
        if e.msgstr:
            e.flags = [f for f in e.flags if f != "fuzzy"]
    write_po(path, po)
    queue = json.loads(
        run(root, "queue", "--locale", LOC, "--article", LINKS_SLUG, "--format", "json").output
    )
    (item,) = [i for i in queue if i["msgid"].startswith("Install")]
    assert [f["code"] for f in item["findings"] if f["severity"] == "blocking"] == ["links"]
    assert "https://docs.astral.sh/uv/" in item["findings"][0]["message"]
    refused = run(root, "approve", "--locale", LOC, item["id"])
    assert refused.exit_code == 1
    assert f"refused {item['id']}" in refused.stderr and "links" in refused.stderr


def test_libre_drafts_keep_reference_labels_and_urls(project: Path, run, fake) -> None:
    """The fake server upper-cases everything it is sent: only protected text survives."""
    root = links_project(project, run)
    result = libre(run, root, fake, "--article", LINKS_SLUG)
    assert result.exit_code == 0, result.output
    assert "flagged" not in result.output
    para = draft_of(root, "Install [uv][]")
    assert "[uv][]" in para and "[Mypy]" in para and "][docs]" in para
    assert "[THE GUIDE][docs]" in para
    visit = draft_of(root, "Visit https://")
    assert "https://www.example.org/help_page" in visit
    assert '(https://example.org "EXAMPLE SITE")' in visit
    assert draft_of(root, "Official documentation", "link title") == "OFFICIAL DOCUMENTATION"
    sent = " ".join(r.text or "" for r in fake.log)
    assert "[uv][]" not in sent and "[Mypy]" not in sent and "help_page" not in sent

"""The verified-ledger cache (``.cache/i18n/verified/``): a cached verification gives exactly
what a cold one gives, verifies only appended lines, and is never trusted when it is stale
(an earlier line edited, people.yaml or the settings changed) or corrupted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import copy_project, signing_as_tester

from i18n.formats.ledger import Ledger
from i18n.formats.people import load_people
from i18n.model.events import Approved, utc_now
from i18n.pipeline import signoff
from i18n.pipeline.signoff import Trusted, trust, verified_cache
from i18n.project import Project

LOCALE = "de"


@pytest.fixture
def proj(tmp_path: Path) -> Project:
    return Project(copy_project(tmp_path / "proj"))


def ledger_path(p: Project) -> Path:
    return p.ledger_path(LOCALE)


def verify(p: Project, *, cached: bool) -> Trusted:
    ledger = Ledger.read(ledger_path(p))
    cache = verified_cache(p) if cached else None
    return trust(
        ledger, load_people(p), sample_keys_allowed=p.settings.sample_keys, cache_dir=cache
    )


def outcome(t: Trusted) -> tuple[object, ...]:
    return (
        [line.digest for line in t.honoured],
        t.problems,
        [b.digest if b is not None else None for b in t.breaks],
        sorted(t.approved_hashes()),
    )


def same_as_cold(p: Project) -> Trusted:
    cached = verify(p, cached=True)
    assert outcome(cached) == outcome(verify(p, cached=False))
    return cached


def count_verifications(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    real = signoff._Verifier.problem

    def counting(self, line):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return real(self, line)

    monkeypatch.setattr(signoff._Verifier, "problem", counting)
    return calls


def append_approvals(p: Project, n: int) -> None:
    events = [
        Approved(
            hash=f"{i:064x}",
            catalog="site",
            msgctxt=None,
            msgid=f"text {i}",
            msgstr="x",
            reviewer="Test Reviewer",
            time=utc_now(),
        )
        for i in range(n)
    ]
    Ledger.read(ledger_path(p)).append(events, signing_as_tester())


def test_a_warm_cache_verifies_only_appended_lines(proj: Project, monkeypatch) -> None:
    calls = count_verifications(monkeypatch)
    first = same_as_cold(proj)
    lines = len(first.ledger.lines)
    assert lines > 100 and (verified_cache(proj) / f"{LOCALE}.json").is_file()
    calls[0] = 0
    verify(proj, cached=True)
    assert calls[0] == 0  # nothing new: nothing verified
    append_approvals(proj, 3)
    same_as_cold(proj)  # the cached run verifies 3 lines, the cold one all of them
    assert calls[0] == 3 + lines + 3
    mtime = (verified_cache(proj) / f"{LOCALE}.json").stat().st_mtime_ns
    verify(proj, cached=True)
    assert (verified_cache(proj) / f"{LOCALE}.json").stat().st_mtime_ns == mtime  # no rewrite


def test_an_edited_earlier_line_is_verified_again(proj: Project) -> None:
    same_as_cold(proj)
    rows = ledger_path(proj).read_text("utf-8").splitlines()
    i = next(i for i, row in enumerate(rows) if '"signature"' in row)
    event = json.loads(rows[i])
    event["msgstr"] = event.get("msgstr", "") + " (edited)"
    rows[i] = json.dumps(event, ensure_ascii=False, sort_keys=True)
    ledger_path(proj).write_text("".join(r + "\n" for r in rows), "utf-8")
    edited = same_as_cold(proj)
    assert any(p.line == i + 1 and p.code == "bad-signature" for p in edited.problems)


def test_a_deleted_line_is_verified_again(proj: Project) -> None:
    same_as_cold(proj)
    rows = ledger_path(proj).read_text("utf-8").splitlines()
    i = next(i for i, row in enumerate(rows) if '"signature"' in row)
    ledger_path(proj).write_text("".join(r + "\n" for r in rows[:i] + rows[i + 1 :]), "utf-8")
    assert same_as_cold(proj).breaks


def test_a_changed_people_yaml_makes_the_cache_stale(proj: Project) -> None:
    assert same_as_cold(proj).approved_hashes()
    path = proj.people_file
    data = yaml.safe_load(path.read_text("utf-8"))
    data["people"]["katrin.vogel"]["keys"] = []
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    after = same_as_cold(proj)
    assert any(p.code == "unknown-key" for p in after.problems)


def test_a_changed_setting_makes_the_cache_stale(proj: Project) -> None:
    assert same_as_cold(proj).approved_hashes()
    pyproject = proj.root / "pyproject.toml"
    text = pyproject.read_text("utf-8").replace("sample_keys = true", "sample_keys = false")
    pyproject.write_text(text, "utf-8")
    after = same_as_cold(Project(proj.root))
    assert any(p.code == "sample-key" for p in after.problems)


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda text: text[: len(text) // 2],  # torn
        lambda text: "",
        lambda text: "[]",
        lambda text: text.replace('"count":', '"count":1', 1),  # checksum no longer fits
        lambda text: json.dumps({**json.loads(text), "problems": {}}),  # the same
        lambda text: text.replace('"problems":{', '"problems":{"-1":["x","y"],', 1),
    ],
)
def test_a_corrupted_cache_is_rebuilt(proj: Project, monkeypatch, corrupt) -> None:
    rows = ledger_path(proj).read_text("utf-8").splitlines()
    event = json.loads(rows[-1])
    rows[-1] = json.dumps({**event, "msgstr": "edited"}, ensure_ascii=False, sort_keys=True)
    ledger_path(proj).write_text("".join(r + "\n" for r in rows), "utf-8")
    cold = outcome(same_as_cold(proj))  # the cache records the line's bad signature
    assert [p.code for p in cold[1]] == ["bad-signature"]  # type: ignore[attr-defined]
    path = verified_cache(proj) / f"{LOCALE}.json"
    path.write_text(corrupt(path.read_text("utf-8")), "utf-8")
    calls = count_verifications(monkeypatch)
    assert outcome(verify(proj, cached=True)) == cold
    assert calls[0] == len(rows)  # verified afresh
    calls[0] = 0
    assert outcome(verify(proj, cached=True)) == cold and calls[0] == 0  # and rewritten


def test_check_reports_the_same_with_and_without_the_cache(tmp_path: Path, run) -> None:
    root = copy_project(tmp_path / "proj")
    cold = run(root, "check")
    assert (root / ".cache" / "i18n" / "verified" / f"{LOCALE}.json").is_file()
    warm = run(root, "check")
    (root / ".cache" / "i18n" / "verified" / f"{LOCALE}.json").write_text("{", "utf-8")
    rebuilt = run(root, "check")
    assert cold.exit_code == warm.exit_code == rebuilt.exit_code
    assert cold.stdout == warm.stdout == rebuilt.stdout

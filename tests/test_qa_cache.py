"""Translation QA's findings kept between runs (i18n.pipeline.qa_cache): a check that reads
them reports what a check without them does, after any edit, and a record that this machine
did not seal is not read."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import polib
import pytest
from conftest import Runner

from i18n.formats.localkey import seal

TODAY = "2026-06-01"


def check(run: Runner, root: Path) -> dict[str, Any]:
    # without check's own records (i18n.pipeline.check.localecache, pagecache), which would
    # answer for a locale whose inputs are unchanged without reading the QA record
    shutil.rmtree(root / ".cache" / "i18n" / "check", ignore_errors=True)
    res = run(root, "check", "--today", TODAY, "--format", "json")
    assert res.exit_code in (0, 1), res.output
    return json.loads(res.stdout)


def cold(run: Runner, root: Path) -> dict[str, Any]:
    """The check with no QA record (and none left behind for the next run)."""
    records = root / ".cache" / "i18n" / "qa"
    kept = {p: p.read_bytes() for p in records.glob("*.json")}
    for path in kept:
        path.unlink()
    try:
        return check(run, root)
    finally:
        for path, data in kept.items():
            path.write_bytes(data)


def record(root: Path, locale: str) -> Path:
    return root / ".cache" / "i18n" / "qa" / f"{locale}.json"


def break_a_number(root: Path, locale: str) -> str:
    """Change the digits of the first translation with a number: a blocking QA finding."""
    for path in sorted((root / "locales" / locale / "LC_MESSAGES").glob("*.po")):
        po = polib.pofile(str(path))
        for entry in po:
            if entry.msgstr and re.search(r"\d", entry.msgstr):
                entry.msgstr = re.sub(r"\d", "7", entry.msgstr) + " 99"
                po.save()
                return entry.msgid
    raise AssertionError("no translation with a number")


def test_a_cached_check_reports_what_a_cold_one_does(run: Runner, project: Path) -> None:
    first = check(run, project)  # writes the records
    assert record(project, "de").is_file() and record(project, "fr").is_file()
    assert first["translation_qa"]["de"]["approved warning"] == 4  # findings that exist
    assert check(run, project) == first == cold(run, project)

    break_a_number(project, "de")  # an edited entry is checked again
    edited = check(run, project)
    assert edited["translation_qa"]["de"]["pending blocking"] >= 1
    assert edited == cold(run, project)

    glossary = project / "source" / "glossary.yaml"  # the checker's settings: all again
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(text.replace("de: tiefe Venenthrombose", "de: Beinvenenthrombose"))
    renamed = check(run, project)
    assert renamed["translation_qa"]["de"] != edited["translation_qa"]["de"]
    assert renamed == cold(run, project) == check(run, project)


def _rewrite(path: Path, secret: bytes | None) -> None:
    """The record with every finding gone, sealed with ``secret`` (None: a plain checksum)."""
    data = json.loads(path.read_bytes())
    entries = {"findings": [], "entries": dict.fromkeys(data["entries"]["entries"], [])}
    canonical = json.dumps(entries, sort_keys=True).encode()
    data["entries"] = entries
    data["digest"] = seal(secret, canonical) if secret else hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_forged_record_is_empty(run: Runner, project: Path) -> None:
    break_a_number(project, "fr")
    first = check(run, project)
    counts = first["translation_qa"]["fr"]
    assert counts["pending blocking"] >= 1 and counts["approved warning"] == 7

    _rewrite(record(project, "fr"), None)  # what anyone who can write .cache/ could do
    assert check(run, project) == first

    _rewrite(record(project, "fr"), b"x" * 32)  # sealed with another key
    assert check(run, project) == first

    # sealed with this machine's key, the same record is read: the seal is what guards it
    _rewrite(record(project, "fr"), Path(os.environ["I18N_CACHE_KEY"]).read_bytes())
    assert check(run, project)["translation_qa"]["fr"] == {"entries": counts["entries"]}


def test_queue_keeps_and_reads_the_same_findings(run: Runner, project: Path) -> None:
    break_a_number(project, "de")

    def queue() -> list[dict[str, Any]]:
        res = run(project, "queue", "--locale", "de", "--state", "all", "--format", "json")
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    first = queue()  # writes the record
    assert any(f["code"] == "numbers" for item in first for f in item["findings"])
    assert record(project, "de").is_file()
    assert queue() == first
    assert check(run, project) == cold(run, project)  # the queue's record serves the check
    _rewrite(record(project, "de"), None)  # forged: not read
    assert queue() == first


def test_one_core_or_two_give_the_same_report(
    run: Runner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from i18n.pipeline.check import locales

    break_a_number(project, "de")
    monkeypatch.setattr(locales, "workers_for", lambda n: min(2, n))
    two = cold(run, project)
    monkeypatch.setattr(locales, "workers_for", lambda n: 1)
    assert cold(run, project) == two

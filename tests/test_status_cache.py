"""The record of status counts (``.cache/i18n/status.json``, i18n.pipeline.status): a recorded
status is what counting afresh gives, whatever changed since (a catalog, the ledger,
people.yaml); a record not sealed by this machine's key is not trusted; ``queue`` skips only
locales where the record shows nothing waiting."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from conftest import untrusted_cache_key

from i18n.formats.po import read_po, write_po
from i18n.pipeline import review
from i18n.pipeline.status import status
from i18n.project import Project

RECORD = ".cache/i18n/status.json"


def counted(root: Path, run) -> dict:  # noqa: ANN001
    result = run(root, "status", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def afresh(root: Path) -> dict:
    """The counts without any record (the record moved aside, then put back)."""
    record = root / RECORD
    kept = record.read_bytes() if record.exists() else None
    record.unlink(missing_ok=True)
    data = status(Project(root))
    (record.write_bytes(kept) if kept is not None else record.unlink(missing_ok=True))
    return {loc: {d: c.as_dict() for d, c in per.items()} for loc, per in data.items()}


def test_a_changed_catalog_or_people_yaml_is_counted_again(project: Path, run) -> None:
    first = counted(project, run)
    assert (project / RECORD).is_file() and first == afresh(project)
    path = project / "locales" / "de" / "LC_MESSAGES" / "site.po"
    po = read_po(path)
    entry = next(e for e in po if e.msgstr and not e.obsolete and "fuzzy" not in e.flags)
    entry.msgstr += " (edited)"  # its approval no longer applies
    write_po(path, po)
    edited = counted(project, run)
    assert edited["de"]["site"]["approved"] == first["de"]["site"]["approved"] - 1
    assert edited == afresh(project)
    people = project / "source" / "people.yaml"
    data = yaml.safe_load(people.read_text("utf-8"))
    data["people"]["katrin.vogel"]["keys"] = []
    people.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    after = counted(project, run)
    assert after["de"]["site"]["approved"] == 0 and after == afresh(project)


def test_a_forged_record_is_not_trusted(project: Path, run) -> None:
    truth = counted(project, run)
    data = json.loads((project / RECORD).read_bytes())
    for kept in data["entries"].values():
        for counts in kept["counts"].values():
            counts["approved"] += counts.pop("translated") + counts.pop("draft")
            counts["translated"] = counts["draft"] = 0
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = hashlib.sha256(canonical).hexdigest()  # what anyone can compute
    (project / RECORD).write_text(json.dumps(data), "utf-8")
    assert counted(project, run) == truth


def test_queue_opens_only_locales_with_something_waiting(
    project: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    real = review.LocaleReview.open.__func__  # type: ignore[attr-defined]

    def counting(cls, project, locale, *args, **kwargs):  # type: ignore[no-untyped-def]  # noqa: ANN001
        opened.append(locale)
        return real(cls, project, locale, *args, **kwargs)

    monkeypatch.setattr(review.LocaleReview, "open", classmethod(counting))
    first = run(project, "queue")
    everything = list(opened)
    opened.clear()
    assert run(project, "queue").stdout == first.stdout
    waiting = {
        loc
        for loc, per in afresh(project).items()
        if any(c["draft"] + c["rejected"] + c["translated"] for c in per.values())
    }
    assert set(opened) == waiting and len(everything) > len(waiting)
    quiet = sorted(set(everything) - waiting)[0]
    path = project / "locales" / quiet / "LC_MESSAGES" / "site.po"
    po = read_po(path)
    entry = next(e for e in po if e.msgstr and not e.obsolete)
    entry.flags.append("fuzzy")  # now a draft
    write_po(path, po)
    opened.clear()
    later = run(project, "queue", "--locale", quiet)
    assert opened == [quiet] and entry.msgid[:20] in later.stdout


def test_without_a_trustworthy_key_no_record(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    untrusted_cache_key(monkeypatch, tmp_path)
    assert counted(project, run) == counted(project, run)
    run(project, "queue")
    assert not (project / RECORD).exists()

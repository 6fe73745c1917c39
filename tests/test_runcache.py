"""The records of the last ``i18n update`` and ``i18n extract`` (``.cache/i18n/update.json``,
``extract.json``): a no-op update merges nothing and a no-op extract parses nothing, and
whatever changed in between (a source, a template, a catalog edited by hand, a setting, the
record itself), a run with the record writes the same bytes as a run without it."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import polib
import pytest

import i18n.formats.runcache as runcache
import i18n.pipeline.extract as extract_module
import i18n.pipeline.update as update_module

RECORD = ".cache/i18n/update.json"


@pytest.fixture
def merges(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The locale of every catalog merged, in order."""
    done: list[str] = []
    real = update_module.merge

    def counting(pot, old, locale, **kwargs):  # type: ignore[no-untyped-def]
        done.append(locale)
        return real(pot, old, locale, **kwargs)

    monkeypatch.setattr(update_module, "merge", counting)
    return done


def catalogs(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "locales").rglob("*.po"))
    }


def update(run, root: Path, *args: str) -> str:
    result = run(root, "update", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def cold(run, root: Path, dest: Path) -> tuple[str, dict[str, bytes]]:
    """``i18n update`` on a copy of ``root`` without the record: its output and catalogs."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(root, dest, symlinks=True)
    (dest / RECORD).unlink(missing_ok=True)
    return update(run, dest), catalogs(dest)


@pytest.fixture
def warm(project: Path, run) -> Path:
    """The sample with a record of a no-op update."""
    result = run(project, "extract")
    assert result.exit_code == 0, result.output
    update(run, project)
    update(run, project)
    assert (project / RECORD).is_file()
    return project


def test_noop_update_merges_nothing_and_changes_nothing(warm: Path, run, merges) -> None:
    before = catalogs(warm)
    out = update(run, warm)
    assert merges == []
    assert catalogs(warm) == before
    assert re.search(r"\b0 written\b", out), out


def test_catalog_edited_by_hand_is_merged_again(warm: Path, run, merges, tmp_path) -> None:
    path = warm / "locales/fr/LC_MESSAGES/post-thrombotic-syndrome.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if not e.obsolete and e.msgid)
    entry.msgstr = "Traduit à la main"
    entry.flags.append("fuzzy")
    po.save(str(path))  # as Poedit would: its own formatting
    out, expected = cold(run, warm, tmp_path / "cold")
    merges.clear()
    assert update(run, warm) == out
    assert merges == ["fr"]
    assert catalogs(warm) == expected


def test_changed_setting_merges_every_catalog(warm: Path, run, merges) -> None:
    count = len(catalogs(warm))
    pyproject = warm / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace("[tool.i18n]\n", "[tool.i18n]\nfuzzy_threshold = 75\n", 1), encoding="utf-8"
    )
    update(run, warm)
    assert len(merges) == count
    update(run, warm)
    assert len(merges) == count  # the new setting's record: nothing merged again


def _odd_values(raw: bytes) -> bytes:
    """A record that passes its digest, with values of another type than the code writes."""
    data = json.loads(raw)
    data["entries"] = {rel: [1, {"a": None}] for rel in data["entries"]}
    data["digest"] = runcache._digest(data["entries"])
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b.replace(b'"format": 1', b'"format": 0', 1),
        lambda b: re.sub(rb'"key": "[0-9a-f]{64}"', b'"key": "' + b"0" * 64 + b'"', b),
        lambda b: re.sub(rb'"[0-9a-f]{64} 0 ', b'"' + b"0" * 64 + b" 0 ", b, count=1),
        lambda b: b"\xff\xfe not json",
        lambda b: b"[]",
        _odd_values,
    ],
    ids=["truncated", "format", "other-code", "edited", "garbage", "wrong-shape", "odd-values"],
)
def test_damaged_record_is_ignored_and_rebuilt(warm: Path, run, merges, damage) -> None:
    count = len(catalogs(warm))
    record = warm / RECORD
    record.write_bytes(damage(record.read_bytes()))
    before = catalogs(warm)
    update(run, warm)
    assert len(merges) == count
    assert catalogs(warm) == before
    update(run, warm)
    assert len(merges) == count  # rebuilt: the next no-op merges nothing


def _edit_template(root: Path, rng: random.Random) -> None:
    pots = sorted((root / "locales/templates").glob("*.pot"))
    path = rng.choice(pots)
    pot = polib.pofile(str(path))
    entries = [e for e in pot if e.msgid and not e.msgid_plural]
    entry = rng.choice(entries)
    kind = rng.choice(["typo", "word", "delete", "add"])
    if kind == "typo":
        i = rng.randrange(len(entry.msgid))
        entry.msgid = entry.msgid[:i] + "x" + entry.msgid[i + 1 :]
    elif kind == "word":
        entry.msgid = entry.msgid + " indeed"
    elif kind == "delete":
        pot.remove(entry)
    else:
        pot.append(polib.POEntry(msgid=f"A new sentence {rng.randrange(10**6)}.", msgstr=""))
    pot.save(str(path))


def _edit_catalog(root: Path, rng: random.Random) -> None:
    pos = sorted((root / "locales").glob("*/LC_MESSAGES/*.po"))
    path = rng.choice(pos)
    po = polib.pofile(str(path))
    entries = [e for e in po if e.msgid and not e.msgid_plural]
    if not entries:
        return
    entry = rng.choice(entries)
    kind = rng.choice(["msgstr", "fuzzy", "comment", "obsolete"])
    if kind == "msgstr":
        entry.msgstr = f"edited {rng.randrange(10**6)}"
    elif kind == "fuzzy":
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        else:
            entry.flags.append("fuzzy")
    elif kind == "comment":
        entry.tcomment = "checked by hand"
    else:
        entry.obsolete = not entry.obsolete
    po.save(str(path))


@pytest.mark.parametrize("seed", range(6))
def test_cached_update_writes_what_a_cold_update_writes(
    warm: Path, run, tmp_path: Path, seed: int
) -> None:
    """Random small edits to templates and catalogs between runs: each update with the
    record gives the output and the bytes of an update without it."""
    rng = random.Random(seed)
    for step in range(4):
        for _ in range(rng.randrange(0, 3)):
            _edit_template(warm, rng)
        for _ in range(rng.randrange(0, 3)):
            _edit_catalog(warm, rng)
        out, expected = cold(run, warm, tmp_path / f"cold{step}")
        assert update(run, warm) == out
        assert catalogs(warm) == expected


# --- extract (.cache/i18n/extract.json) ------------------------------------------------------

EXTRACT_RECORD = ".cache/i18n/extract.json"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every article file parsed by extract, in order."""
    done: list[str] = []
    real = extract_module.load_article

    def counting(file, root):  # type: ignore[no-untyped-def]
        done.append(file.name)
        return real(file, root)

    monkeypatch.setattr(extract_module, "load_article", counting)
    return done


def templates(root: Path) -> dict[str, bytes]:
    folder = root / "locales" / "templates"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.pot"))}


def extract(run, root: Path) -> tuple[int, str]:
    result = run(root, "extract")
    return result.exit_code, result.output


def cold_extract(run, root: Path, dest: Path) -> tuple[tuple[int, str], dict[str, bytes]]:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(root, dest, symlinks=True)
    (dest / EXTRACT_RECORD).unlink(missing_ok=True)
    return extract(run, dest), templates(dest)


@pytest.fixture
def extracted(project: Path, run, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert extract(run, project)[0] == 0
    assert (project / EXTRACT_RECORD).is_file()
    return project


def test_noop_extract_parses_nothing(extracted: Path, run, parsed) -> None:
    before = templates(extracted)
    code, out = extract(run, extracted)
    assert code == 0 and re.search(r"\b0 written\b", out), out
    assert parsed == []
    assert templates(extracted) == before


def test_extract_parses_again_what_changed(extracted: Path, run, parsed, tmp_path) -> None:
    articles = sorted((extracted / "source/articles").glob("*.md"))
    edited, hand = articles[0], articles[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA new closing sentence.\n")
    pot = extracted / "locales/templates" / f"{hand.stem}.pot"
    pot.write_text(pot.read_text(encoding="utf-8").replace("msgstr", "msgstr ", 1))
    expected = cold_extract(run, extracted, tmp_path / "cold")
    parsed.clear()
    assert (extract(run, extracted), templates(extracted)) == expected
    assert parsed == [edited.name, hand.name]
    parsed.clear()
    extract(run, extracted)
    assert parsed == []


def test_extract_record_keeps_the_rules_across_articles(
    extracted: Path, run, parsed, tmp_path
) -> None:
    """An unchanged article naming a related article that is gone: the same error as a
    cold run's, though the unchanged article is not parsed again."""
    folder = extracted / "source/articles"
    naming = next(p for p in sorted(folder.glob("*.md")) if "related:" in p.read_text())
    related = re.search(r"related: \[([^\],]+)", naming.read_text()).group(1).strip()
    (folder / f"{related}.md").unlink()
    expected = cold_extract(run, extracted, tmp_path / "cold")
    assert expected[0][0] == 2 and related in expected[0][1]
    parsed.clear()
    assert (extract(run, extracted), templates(extracted)) == expected
    assert naming.name not in parsed


def test_extract_settings_and_damaged_record_parse_everything(extracted: Path, run, parsed) -> None:
    count = len(list((extracted / "source/articles").glob("*.md")))
    record = extracted / EXTRACT_RECORD
    record.write_bytes(record.read_bytes()[:-40])
    extract(run, extracted)
    assert len(parsed) == count
    record.write_bytes(_odd_values(record.read_bytes()))
    parsed.clear()
    assert extract(run, extracted)[0] == 0
    assert len(parsed) == count
    pyproject = extracted / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace("[tool.i18n]\n", '[tool.i18n]\nproject_name = "Other"\n', 1),
        encoding="utf-8",
    )
    parsed.clear()
    extract(run, extracted)
    assert len(parsed) == count
    assert (
        b"Other" in (extracted / "locales/templates" / f"{naming_stem(extracted)}.pot").read_bytes()
    )


def naming_stem(root: Path) -> str:
    return sorted((root / "source/articles").glob("*.md"))[0].stem


@pytest.mark.parametrize("parallel", [False, True], ids=["sequential", "forked"])
@pytest.mark.parametrize("seed", range(3))
def test_cached_extract_writes_what_a_cold_extract_writes(
    extracted: Path, run, tmp_path: Path, seed: int, parallel: bool, monkeypatch
) -> None:
    """Random edits to a few articles between runs; the changed ones parsed in forked
    workers or in this process."""
    if parallel:
        monkeypatch.setattr(extract_module, "_PARALLEL_MIN_ARTICLES", 2)
    rng = random.Random(seed)
    folder = extracted / "source/articles"
    for step in range(3):
        for path in rng.sample(sorted(folder.glob("*.md")), rng.randrange(0, 3)):
            text = path.read_text(encoding="utf-8")
            words = [m.start() for m in re.finditer(r"(?m)^[A-Z][a-z]+ ", text)]
            if words and rng.random() < 0.7:
                at = rng.choice(words)
                text = text[:at] + "Indeed " + text[at:]
            else:
                text += f"\nAnother paragraph {rng.randrange(10**6)}.\n"
            path.write_text(text, encoding="utf-8")
        expected = cold_extract(run, extracted, tmp_path / f"cold{step}")
        assert (extract(run, extracted), templates(extracted)) == expected


def test_site_templates_changed_are_extracted_again(extracted: Path, run, tmp_path) -> None:
    from i18n.project import PACKAGE_TEMPLATES

    site = extracted / "locales/templates/site.pot"
    before = site.read_bytes()
    extract(run, extracted)
    assert site.read_bytes() == before
    shutil.copytree(PACKAGE_TEMPLATES, extracted / "templates")
    base = sorted((extracted / "templates").rglob("*.html"))[0]
    base.write_text(base.read_text(encoding="utf-8") + "{% trans %}A new footer{% endtrans %}\n")
    expected = cold_extract(run, extracted, tmp_path / "cold")
    assert (extract(run, extracted), templates(extracted)) == expected
    assert b"A new footer" in site.read_bytes()


# --- the record's layout: entries checked in the bytes they were sealed in --------------------

SECRET = b"k" * 32


def _saved(tmp_path: Path, entries: dict, secret: bytes | None = SECRET) -> Path:
    path = tmp_path / "r.json"
    runcache.RunRecord(path, "key", secret=secret).save(entries)
    return path


def _read(path: Path, secret: bytes | None = SECRET) -> dict:
    return runcache.RunRecord(path, "key", secret=secret)._read().entries


@pytest.mark.parametrize("secret", [SECRET, None])
def test_a_record_is_read_back_without_serialising_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret: bytes | None
) -> None:
    entries = {"b": [1, "x"], "a": {"n": None}, "c": 'a value with , "entries": inside'}
    path = _saved(tmp_path, entries, secret)
    assert json.loads(path.read_bytes())["entries"] == entries  # still one JSON document

    def no_dump(_: object) -> bytes:
        raise AssertionError("re-serialised to check the digest")

    monkeypatch.setattr(runcache, "_canonical", no_dump)
    assert _read(path, secret) == entries


def test_an_edited_body_is_not_read(tmp_path: Path) -> None:
    path = _saved(tmp_path, {"page": ["aaaa", 1]})
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"aaaa"', b'"bbbb"'))  # the seal kept: the bytes differ
    assert _read(path) == {}
    path.write_bytes(raw)
    assert _read(path) == {"page": ["aaaa", 1]}
    assert _read(path, b"o" * 32) == {}  # another machine's key


def test_another_layout_of_a_sealed_record_is_checked_the_long_way(tmp_path: Path) -> None:
    """A record re-indented, or written by earlier code (``indent=0``, keys sorted), is read
    when its seal holds over its canonical entries, and not when it does not."""
    entries = {"z": 1, "a": [2, 3]}
    path = _saved(tmp_path, entries)
    data = json.loads(path.read_bytes())
    for text in (json.dumps(data, indent=2), json.dumps(data, sort_keys=True, indent=0)):
        path.write_text(text, encoding="utf-8")
        assert _read(path) == entries
    data["entries"]["z"] = 9
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert _read(path) == {}

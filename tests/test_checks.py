"""Translation QA (i18n.pipeline.qa): each check fires on the mistake it exists for and stays
quiet on a faithful translation, in the digit and punctuation conventions of each locale."""

from __future__ import annotations

import re
from decimal import Decimal

import polib
import pytest
from babel.numbers import format_decimal, format_percent
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n.model.country import Glossary
from i18n.pipeline.qa import BLOCKING, WARNING, Checker, check_numbers, run_checks

GLOSSARY = Glossary(
    ["INVAMED", "Mantis", "Vertex Flow"],
    {
        "deep vein thrombosis": {"de": "tiefe Venenthrombose", "ja": "深部静脈血栓症"},
        "catheter": {"de": "Katheter", "fr": "cathéter"},
        "anticoagulant": {"fr": "anticoagulant"},
    },
)
LINK = "[warning signs](https://www.invamed.example/articles/pe)"


def findings(source: str, target: str, locale: str = "de", flags=(), **kw) -> dict[str, str]:
    entry = polib.POEntry(msgid=source, msgstr=target, flags=list(flags), **kw)
    return {f.code: f.severity for f in Checker(locale, GLOSSARY).run(entry)}


def blocking(source: str, target: str, locale: str = "de", flags=()) -> set[str]:
    return {c for c, s in findings(source, target, locale, flags).items() if s == BLOCKING}


FAITHFUL = [
    (
        "de",
        f"Read our guide to {LINK}.",
        "Lesen Sie unseren Leitfaden zu [Warnzeichen](https://www.invamed.example/articles/pe).",
    ),
    (
        "de",
        "Treatment lasts **at least 3 months**.",
        "Die Behandlung dauert **mindestens 3 Monate**.",
    ),
    ("de", "1 to 2 in every 1,000 adults", "1 bis 2 von 1.000 Erwachsenen"),
    ("de_CH", "1 to 2 in every 1,000 adults", "1 bis 2 von 1’000 Erwachsenen"),
    (
        "fr",
        "1 to 2 in every 1,000 adults, 0.5 seconds",
        "1 à 2 adultes sur 1\u202f000, 0,5 seconde",
    ),
    ("ar", "1 to 2 in every 1,000 adults, 0.5 seconds", "١ إلى ٢ من كل ١٬٠٠٠ بالغ، ٠٫٥ ثانية"),
    ("ar", "A pressure of 30 mmHg and 2.5 mg", "ضغط ٣٠ ملم زئبق و٢٫٥ ملغ"),
    ("tr", "In 50 to 60% of people", "İnsanların %50 ile %60'ında"),
    ("fr", "In 50% of people", "Chez 50\u00a0% des personnes"),
    ("ja", "In 50% of people, a 3 mm stent", "人々の５０％に、３ｍｍのステント"),
    ("ja", "The Mantis catheter", "Mantisカテーテル"),
    ("de", "The Vertex Flow stent by INVAMED", "Der Vertex Flow-Stent von INVAMED"),
    (
        "de",
        "Use `mantis --help` and ![a catheter](img/cath.png).",
        "Verwenden Sie `mantis --help` und ![einen Katheter](img/cath.png).",
    ),
    (
        "de",
        "Two links: [a](https://a.example) and [b](https://b.example).",
        "Zwei Links: [b](https://b.example) und [a](https://a.example).",
    ),  # order may change
]


@pytest.mark.parametrize("locale,source,target", FAITHFUL)
def test_faithful_translation_has_no_blocking_finding(locale: str, source: str, target: str):
    assert blocking(source, target, locale) == set()


BROKEN = [
    ("links", f"See {LINK}.", "Siehe [Warnzeichen](https://www.invamed.example/articles/p)."),
    ("links", f"See {LINK}.", "Siehe Warnzeichen."),
    ("links", "See the guide.", "Siehe [den Leitfaden](https://evil.example/)."),
    ("code", "Run `mantis --help`.", "Führen Sie `mantis --hilfe` aus."),
    ("markup", "Treatment lasts **at least 3 months**.", "Dauer **mindestens 3 Monate."),
    ("markup", f"See {LINK}.", "Siehe [Warnzeichen(https://www.invamed.example/articles/pe)."),
    ("markup", "Use `code` here.", "Nutzen Sie `code hier."),
    ("numbers", "Treatment lasts at least 3 months.", "Die Behandlung dauert 6 Monate."),
    ("numbers", "Take 2.5 mg.", "Nehmen Sie 25 mg."),
    ("numbers", "A 3 mm stent.", "Ein 3 cm Stent."),
    ("numbers", "In 50% of people.", "Bei 50 Menschen."),
    ("numbers", "1 in every 1,000 adults", "1 von 1,000 Erwachsenen"),  # "1,000" is 1 in German
    ("numbers", "Within hours.", "Innerhalb von 48 Stunden."),  # a number the source lacks
    ("dnt", "The Mantis catheter.", "Der Gottesanbeterin-Katheter."),
    ("dnt", "The Vertex Flow stent.", "Der Vertex-Stent."),
    ("urls", "Visit https://www.invamed.example/ today.", "Besuchen Sie https://invamed.example/."),
    ("xmltags", "Call us.", "Rufen Sie <b>uns</b> an."),
]


@pytest.mark.parametrize(
    "code,source,target", BROKEN, ids=[f"{b[0]}-{i}" for i, b in enumerate(BROKEN)]
)
def test_each_blocking_check_fires(code: str, source: str, target: str) -> None:
    assert code in blocking(source, target)


def test_numbers_in_arabic_digits_must_still_match() -> None:
    assert "numbers" in blocking("at least 3 months", "٦ أشهر على الأقل", "ar")
    assert "numbers" not in blocking("at least 3 months", "٣ أشهر على الأقل", "ar")


def test_max_length_flag() -> None:
    src = "A short description."
    assert "max-length" in blocking(src, "x" * 21, flags=["max-length:20"])
    assert "max-length" not in blocking(src, "x" * 20, flags=["max-length:20"])
    assert "max-length" not in blocking(src, "x" * 200)  # no flag, no limit


def test_python_format_placeholders_are_checked_on_flagged_entries() -> None:
    src = "Written by %(name)s"
    assert "printf" in blocking(src, "Von %(nom)s", flags=["python-format"])
    assert "printf" not in blocking(src, "Von %(name)s", flags=["python-format"])


def test_warnings_never_block() -> None:
    got = findings("deep vein thrombosis and a catheter", " Thrombose und ein catheter ", "de")
    assert got["glossary"] == WARNING
    assert got["whitespace"] == WARNING
    assert got["musttranslatewords"] == WARNING
    assert findings("Hello world", "Hello world", "de") == {"unchanged": WARNING}
    assert findings("Mantis", "Mantis", "de") == {}  # a lone brand name stays as it is
    # French keeps "anticoagulant": not a musttranslatewords hit
    assert "musttranslatewords" not in findings("An anticoagulant.", "Un anticoagulant.", "fr")
    # no capital letters in Arabic: startcaps does not apply
    assert "startcaps" not in findings("Treatment works.", "العلاج فعال.", "ar")


def test_glossary_terms_found_inside_compounds_and_case_insensitively() -> None:
    assert "glossary" not in findings("A catheter.", "Ein Thrombektomiekatheter.", "de")
    assert "glossary" not in findings("Deep vein thrombosis", "Tiefe Venenthrombose", "de")
    assert "glossary" in findings("Deep vein thrombosis", "Venenthrombose", "de")


def test_plural_forms_are_each_checked() -> None:
    entry = polib.POEntry(
        msgid="%(n)s article",
        msgid_plural="%(n)s articles",
        msgstr_plural={0: "%(n)s Artikel", 1: "%(x)s Artikel"},
        flags=["python-format"],
    )
    assert "printf" in {f.code for f in run_checks(entry, "de")}
    entry.msgstr_plural[1] = "%(n)s Artikel"
    assert not [f for f in run_checks(entry, "de") if f.blocking]


def test_untranslated_entry_has_no_findings() -> None:
    assert run_checks(polib.POEntry(msgid="Take 3 mg.", msgstr=""), "de") == []


# Numbers formatted by CLDR (Babel) for each locale must match the English number, and a
# different number must not: the check understands every locale's digit conventions.
LOCALES = ["de", "de_CH", "fr", "it", "nl", "pt_BR", "tr", "ja", "sv", "ar_SA"]
values = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


def local(value: Decimal, locale: str, percent: bool = False) -> str:
    system = "default" if locale.startswith("ar") else "latn"
    if percent:
        return format_percent(
            value / 100, locale=locale, numbering_system=system, decimal_quantization=False
        )
    return format_decimal(value, locale=locale, numbering_system=system)


@settings(max_examples=60, deadline=None)
@given(value=values, other=values, locale=st.sampled_from(LOCALES), percent=st.booleans())
def test_numbers_formatted_by_cldr_match_and_changed_numbers_do_not(
    value: Decimal, other: Decimal, locale: str, percent: bool
) -> None:
    source = f"about {local(value, 'en', percent)} of cases"
    target = f"** {local(value, locale, percent)} **"
    assert check_numbers(source, target, locale) is None, (source, target)
    if other.normalize() != value.normalize():
        changed = f"** {local(other, locale, percent)} **"
        assert check_numbers(source, changed, locale) is not None, (source, changed)


def test_forbidden_wording_blocks_approval_unless_the_source_says_it_too() -> None:
    patterns = [re.compile(r"\bgarantiert\b", re.IGNORECASE)]
    checker = Checker("de", None, patterns)
    bad = polib.POEntry(msgid="Results vary.", msgstr="Der Erfolg ist garantiert.")
    found = [f for f in checker.run(bad) if f.code == "claims"]
    assert [f.severity for f in found] == [BLOCKING]
    assert "garantiert" in found[0].message
    fine = polib.POEntry(msgid="Results vary.", msgstr="Die Ergebnisse können variieren.")
    assert [f for f in checker.run(fine) if f.code == "claims"] == []

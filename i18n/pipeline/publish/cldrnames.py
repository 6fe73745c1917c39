"""CLDR's names of languages and countries, as the pages show them (the country picker,
the language switcher, a page's country): what Babel loads a locale's whole data for, about
25 ms a language, kept by :func:`keep_cldr_names` in a sealed record keyed by Babel's version
(``.cache/i18n/cldr-names.json``), so that a render asks Babel only for names it has not
seen. A record edited, forged or of another Babel is not read.

>>> language_name("fr")
'Français'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from babel import Locale

from i18n.formats.runcache import RunRecord, code_key
from i18n.model.locale import cldr_locale
from i18n.project import Project

if TYPE_CHECKING:
    from i18n.pipeline.publish.gate import LocalePlan, SitePlan

# the names known to this process, by "language fr" or "territory de_CH CH"
_CLDR_NAMES: dict[str, str | None] = {}
CLDR_NAMES_FILE = "cldr-names.json"


def language_name(language: str) -> str:
    """The language's name in itself: ``fr`` -> ``Français``."""
    key = f"language {language}"
    if key not in _CLDR_NAMES:
        name = Locale.parse(language).display_name or language
        _CLDR_NAMES[key] = name[:1].upper() + name[1:]
    return _CLDR_NAMES[key] or language


def country_name(lp: LocalePlan) -> str:
    """The country's name in the page's language (CLDR), else its configured name."""
    return _territory_name(lp.locale, lp.country.code) or lp.country.name


def _territory_name(locale: str, code: str) -> str | None:
    key = f"territory {locale} {code}"
    if key not in _CLDR_NAMES:
        _CLDR_NAMES[key] = cldr_locale(locale).territories.get(code)
    return _CLDR_NAMES[key]


def keep_cldr_names(project: Project, plan: SitePlan, save: bool) -> None:
    """Know the names every page of ``plan`` shows from the project's record of them (a
    render builds the country picker every time, and its page workers inherit the names),
    asking Babel only for those it lacks; ``save``: record those. The record is sealed and
    keyed by Babel's version: one edited, forged or of another version is not read."""
    key = code_key("cldr names 1", ("babel",))
    record = RunRecord.load_sealed(project.cache_dir / CLDR_NAMES_FILE, key, project.root)
    for name, value in record.entries.items():
        if isinstance(value, str) or value is None:
            _CLDR_NAMES.setdefault(name, value)
    asked = dict(record.entries)
    for lp in plan.locales:
        language_name(lp.language)
        _territory_name(lp.locale, lp.country.code)
        for name in (f"language {lp.language}", f"territory {lp.locale} {lp.country.code}"):
            asked.setdefault(name, _CLDR_NAMES[name])
    if save and asked != record.entries:
        record.save(dict(sorted(asked.items())))

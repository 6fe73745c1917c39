"""Forbidden wording: each country's own claim patterns and the built-in list of risky
wording per language (``i18n/data/risky_claims.yaml``: guaranteed, cure, 100% safe, no side
effects, superlatives). Used by the review checks (a blocking finding), the publish gate
(the page is withheld) and ``i18n check`` (a violation).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from i18n.formats.visible import normalized, screen_pattern, shown, visible_text
from i18n.formats.yamlfile import load_yaml
from i18n.model.country import Country


@cache
def default_claims() -> dict[str, tuple[re.Pattern[str], ...]]:
    """Built-in risky wording per language (``i18n/data/risky_claims.yaml``)."""
    text = resources.files("i18n").joinpath("data/risky_claims.yaml").read_text(encoding="utf-8")
    data = load_yaml(text, "i18n/data/risky_claims.yaml")
    return {lang: tuple(re.compile(p, re.IGNORECASE) for p in pats) for lang, pats in data.items()}


def claim_patterns(country: Country, language: str) -> list[re.Pattern[str]]:
    """The country's own patterns for ``language`` plus the built-in defaults."""
    return list(country.claims.get(language, [])) + list(default_claims().get(language, ()))


def find_claims(
    text: str, patterns: list[re.Pattern[str]], *, markdown: bool = True
) -> list[tuple[str, str]]:
    """(pattern, snippet) for every pattern that matches ``text`` as a reader sees it
    (:mod:`i18n.formats.visible`: rendered, invisible characters and look-alikes undone); the
    snippet is the match with up to 40 characters either side (``…`` where the text goes on).
    ``markdown``: ``text`` is a translation's inline Markdown, else a page's visible text.

    >>> find_claims("This cures DVT.", [re.compile(r"\\bcures?\\b", re.I)])
    [('\\\\bcures?\\\\b', 'This cures DVT.')]
    >>> find_claims("Heilt g\u00adarantiert", [re.compile(r"heilt garantiert", re.I)])[0][1]
    'Heilt garantiert'
    """
    seen, drawn, where = normalized(visible_text(text) if markdown else text)
    hits = []
    for pat in patterns:
        m = screen_pattern(pat.pattern).search(seen)
        if m:
            hits.append((pat.pattern, shown(drawn, where, m.start(), m.end())))
    return hits


def language_patterns(countries: list[Country], language: str) -> list[re.Pattern[str]]:
    """Every pattern any country sets for ``language`` (``de_CH`` uses ``de``), plus the
    built-in defaults: what a translation in that language must not say anywhere."""
    base = language.split("_")[0]
    seen: dict[str, re.Pattern[str]] = {}
    for country in countries:
        for pat in country.claims.get(base, []):
            seen.setdefault(pat.pattern, pat)
    for pat in default_claims().get(base, ()):
        seen.setdefault(pat.pattern, pat)
    return list(seen.values())

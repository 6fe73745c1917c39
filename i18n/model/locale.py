"""Locale codes: the catalog form (``pt_BR``), the BCP 47 tag (``pt-BR``) and fallback
chains."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError

from i18n.errors import I18nError


def normalize_locale(code: str, where: str | None = None) -> str:
    """Return the catalog form of a locale code (``pt-BR`` -> ``pt_BR``), checked against CLDR.

    >>> normalize_locale("pt-BR"), normalize_locale("de")
    ('pt_BR', 'de')
    >>> normalize_locale("xx")
    Traceback (most recent call last):
    ...
    i18n.errors.I18nError: unknown language or locale code 'xx'
    """
    raw = str(code).strip()
    if not raw or not raw.replace("-", "").replace("_", "").isalnum() or not raw.isascii():
        raise I18nError(f"unknown language or locale code {code!r}", where)
    try:
        loc = Locale.parse(raw.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise I18nError(f"unknown language or locale code {code!r}", where) from None
    return str(loc)


def language_tag(locale: str) -> str:
    """BCP 47 tag for HTML and hreflang: ``de_CH`` -> ``de-CH``."""
    return locale.replace("_", "-")


def fallback_chain(locale: str) -> list[str]:
    """Catalogs to look in, most specific first: ``de_CH`` -> ``['de_CH', 'de']``."""
    chain = [locale]
    while "_" in chain[-1]:
        chain.append(chain[-1].rsplit("_", 1)[0])
    return chain


@functools.cache
def cldr_locale(locale: str) -> Locale:
    """Babel's locale for a page's dates, names and text direction. A country and language
    that CLDR has no data for together (English in China) take the nearest CLDR has along
    the fallback chain, as gettext does for catalogs.

    >>> str(cldr_locale("de_CH")), str(cldr_locale("en_CN"))
    ('de_CH', 'en')
    """
    for code in fallback_chain(locale):
        try:
            return Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
    raise I18nError(f"unknown language or locale code {locale!r}")

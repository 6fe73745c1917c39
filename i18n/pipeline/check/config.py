"""What the configuration and the approved text must hold: a valid disclaimer per language,
no disclaimer copied from another country, no forbidden wording in approved or source text
(the translation-QA summary is :mod:`i18n.pipeline.check.locales`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from i18n.model.article import Article
from i18n.model.country import Country
from i18n.model.findings import BLOCKING, WARNING, Finding
from i18n.model.locale import language_tag
from i18n.pipeline.claims import claim_patterns, find_claims
from i18n.project import SITE_DOMAIN, Project

# --- configuration ----------------------------------------------------------------------------


def config_findings(
    country: Country, articles: list[Article], today: dt.date, window: int
) -> list[Finding]:
    out: list[Finding] = []
    cc = country.code
    for i, lang in enumerate(country.languages):
        disc = country.disclaimers.get(lang)
        if disc is None:
            out.append(
                Finding(
                    "disclaimer-missing",
                    BLOCKING,
                    f"no disclaimer for language '{lang}'",
                    cc,
                    lang,
                    path=country.path,
                    line=country.line("languages", str(i)),
                )
            )
            continue
        line = country.line("disclaimer", lang, "expires")
        if disc.expires < today:
            out.append(
                Finding(
                    "disclaimer-expired",
                    BLOCKING,
                    f"disclaimer {disc.reference} ({lang}) expired on {disc.expires.isoformat()}",
                    cc,
                    lang,
                    path=country.path,
                    line=line,
                )
            )
        elif (disc.expires - today).days <= window:
            days = (disc.expires - today).days
            out.append(
                Finding(
                    "disclaimer-expiring",
                    WARNING,
                    f"disclaimer {disc.reference} ({lang}) expires on "
                    f"{disc.expires.isoformat()}, in {days} days",
                    cc,
                    lang,
                    path=country.path,
                    line=line,
                )
            )
        if disc.approved_on > today:
            out.append(
                Finding(
                    "disclaimer-not-yet-valid",
                    WARNING,
                    f"disclaimer {disc.reference} ({lang}) is approved only from "
                    f"{disc.approved_on.isoformat()}",
                    cc,
                    lang,
                    path=country.path,
                    line=country.line("disclaimer", lang, "approved_on"),
                )
            )
    named = sorted({p for a in articles for p in a.products})
    for pid in named:
        if pid not in country.products:
            users = ", ".join(a.slug for a in articles if pid in a.products)
            out.append(
                Finding(
                    "product-unknown",
                    BLOCKING,
                    f"product '{pid}' (named by {users}) has no status in this country",
                    cc,
                    path=country.path,
                    line=country.line("products"),
                )
            )
    return out


def copied_disclaimers(countries: list[Country]) -> list[Finding]:
    """A disclaimer whose text equals another language's: a copy left untranslated."""
    seen: dict[str, tuple[Country, str]] = {}
    out = []
    for country in countries:
        for lang, disc in country.disclaimers.items():
            key = " ".join(disc.text.split()).casefold()
            if key in seen and seen[key][1] != lang:
                other, other_lang = seen[key]
                out.append(
                    Finding(
                        "disclaimer-copied",
                        BLOCKING,
                        f"disclaimer text for '{lang}' is identical to the "
                        f"'{other_lang}' "
                        f"text of {other.code}: a copy left untranslated?",
                        country.code,
                        lang,
                        path=country.path,
                        line=country.line("disclaimer", lang, "text"),
                    )
                )
            seen.setdefault(key, (country, lang))
    return out


# --- claims in approved text --------------------------------------------------------------------


def language_claims(
    project: Project,
    country: Country,
    lang: str,
    articles: list[Article],
    store: Any,
    memo: dict[tuple[Any, ...], list[tuple[str, str]]] | None = None,
) -> list[Finding]:
    """Forbidden wording in the country's source text (``lang`` the source language) or its
    approved translations into ``lang``. ``memo``: what the patterns found in a text, kept by
    a caller that scans the same catalogs for several countries."""
    out: list[Finding] = []
    patterns = claim_patterns(country, lang)
    if not patterns:
        return [
            Finding(
                "claims-unchecked",
                WARNING,
                f"no claim patterns for '{lang}' (none in the country file, none "
                "built in): its wording is not checked",
                country.code,
                lang,
                path=country.path,
                line=country.line("claims"),
            )
        ]
    locale = country.locale(lang)
    tag = language_tag(locale)
    if lang == project.source_language:
        for art in articles:
            for seg in art.segments:
                for pat, snippet in find_claims(seg.msgid, patterns):
                    out.append(
                        Finding(
                            "claim-source",
                            BLOCKING,
                            f"source text matches forbidden wording /{pat}/",
                            country.code,
                            tag,
                            art.slug,
                            art.path,
                            seg.line,
                            snippet,
                        )
                    )
        return out
    memo = {} if memo is None else memo
    which = tuple((p.pattern, p.flags) for p in patterns)
    shown: dict[str, str] = {}  # catalog ("de/site") -> its path as shown
    for domain in [a.slug for a in articles] + [SITE_DOMAIN]:
        for res in store.resolve(locale, domain).values():
            if not res.approved:
                continue
            texts = (
                list(res.entry.msgstr_plural.values())
                if res.entry.msgid_plural
                else [res.entry.msgstr]
            )
            path = shown.get(res.catalog)
            if path is None:
                loc, dom = res.catalog.split("/", 1)
                path = shown[res.catalog] = project.rel(project.po_path(loc, dom))
            for text in texts:
                hits = memo.get((which, text))
                if hits is None:
                    hits = memo[which, text] = find_claims(text, patterns)
                for pat, snippet in hits:
                    out.append(
                        Finding(
                            "claim-translation",
                            BLOCKING,
                            f"approved translation matches forbidden wording /{pat}/",
                            country.code,
                            tag,
                            domain,
                            path,
                            res.entry.linenum,
                            snippet,
                        )
                    )
    return out

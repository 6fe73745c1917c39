"""What the configuration and the approved text must hold: a valid disclaimer per language,
no disclaimer copied from another country, no forbidden wording in approved or source text,
and the translation-QA summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from i18n.model.article import Article
from i18n.model.country import Country
from i18n.model.findings import BLOCKING, WARNING, Finding
from i18n.model.locale import language_tag
from i18n.model.states import APPROVED, STATES
from i18n.pipeline.claims import claim_patterns, find_claims
from i18n.pipeline.review import queue
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


def claim_findings(
    project: Project, country: Country, articles: list[Article], store: Any
) -> list[Finding]:
    out: list[Finding] = []
    shown: dict[str, str] = {}  # catalog ("de/site") -> its path as shown
    for lang in country.languages:
        patterns = claim_patterns(country, lang)
        if not patterns:
            out.append(
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
            )
            continue
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
            continue
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
                    for pat, snippet in find_claims(text, patterns):
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


# --- translation QA -------------------------------------------------------------------------------


def qa_summary(project: Project, locales: list[str]) -> dict[str, dict[str, int]]:
    """The review checks over every translated entry, counted per locale: entries, and
    findings by severity (blocking, warning), for approved entries and for the rest."""

    out: dict[str, dict[str, int]] = {}
    if not locales:
        return out
    _, items = queue(project, locales, states=STATES)
    for item in items:
        counts = out.setdefault(item.locale, {})
        counts["entries"] = counts.get("entries", 0) + 1
        scope = "approved" if item.state == APPROVED else "pending"
        for finding in item.findings:
            key = f"{scope} {finding.severity}"
            counts[key] = counts.get(key, 0) + 1
    return {loc: dict(sorted(c.items())) for loc, c in sorted(out.items())}

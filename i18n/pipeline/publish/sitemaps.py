"""The site's sitemaps as the render makes them (:mod:`i18n.formats.sitemap` frames and reads
them): the country picker's ``<url>``, each locale's ``<url>`` elements with their hreflang
siblings, where a locale's sitemap lives, and which sitemaps an earlier render wrote (the ones
a render may remove)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr
from xml.sax.saxutils import unescape as xml_unescape

from i18n.formats.sitemap import INDEX as SITEMAP_INDEX
from i18n.formats.sitemap import LOCALE as LOCALE_SITEMAP
from i18n.formats.sitemap import urlset
from i18n.pipeline.publish.gate import COUNTRY_DIR_RE, LANGUAGE_DIR_RE, LocalePlan, SitePlan
from i18n.pipeline.publish.pages import Pages


def root_sitemap(pages: Pages) -> str:
    """``sitemap-root.xml``: the country picker's ``<url>``, with its hreflang cluster."""
    lines = [f"<url><loc>{xml_escape(pages.url('index.html'))}</loc>"]
    lines += _alternate_links(pages, pages.root_alternates())
    lines.append("</url>")
    return urlset("\n".join(lines))


def _alternate_links(pages: Pages, alternates: list[dict[str, str]]) -> list[str]:
    """A ``<url>``'s hreflang siblings, then its x-default when it has any."""
    lines = [_alternate_link(alt["hreflang"], alt["href"]) for alt in alternates]
    if alternates:
        lines.append(_x_default(pages))
    return lines


@lru_cache(maxsize=1 << 16)
def _alternate_link(hreflang: str, href: str) -> str:
    """One hreflang sibling of a sitemap ``<url>`` (each is written once per locale that
    shows the page: escaped once)."""
    return f'<xhtml:link rel="alternate" hreflang={quoteattr(hreflang)} href={quoteattr(href)}/>'


def _targets(plan: SitePlan, lp: LocalePlan) -> list[tuple[str | None, dt.date | None]]:
    """The pages a locale's sitemap lists: (article slug, None for its index; last
    modified), none for a professional-audience locale (its pages are noindex)."""
    if lp.professional:
        return []
    targets: list[tuple[str | None, dt.date | None]] = []
    if plan.index_shown(lp):
        targets.append((None, None))
    targets += [(s, plan.articles[s].updated) for s in lp.articles if plan.shown(lp, s)]
    return targets


def has_sitemap(plan: SitePlan, lp: LocalePlan) -> bool:
    """Whether the locale has a sitemap (:func:`sitemap_part` gives it a ``<url>``)."""
    return bool(_targets(plan, lp))


def sitemap_part(pages: Pages, lp: LocalePlan) -> str:
    """One locale's ``<url>`` elements: its indexable pages, each with its hreflang
    siblings ("" for none)."""
    lines: list[str] = []
    for slug, lastmod in _targets(pages.plan, lp):
        name = "index.html" if slug is None else f"{slug}.html"
        lines.append("<url>")
        lines.append(f"<loc>{xml_escape(pages.url(f'{lp.folder}/{name}'))}</loc>")
        if lastmod:
            lines.append(f"<lastmod>{lastmod.isoformat()}</lastmod>")
        lines += _alternate_links(pages, pages.alternates(lp, slug))
        lines.append("</url>")
    return "\n".join(lines)


def _x_default(pages: Pages) -> str:
    return f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(pages.x_default())}/>'


def locale_sitemap(lp: LocalePlan) -> str:
    """Where a locale's sitemap is, relative to the site."""
    return f"{lp.folder}/{LOCALE_SITEMAP}"


def last_sitemaps(out: Path, recorded: list[str]) -> set[str]:
    """The locale sitemaps (paths in the site) an earlier render wrote, the ones a render may
    remove: those the last index lists (whatever the site's address was then) and those the
    page cache recorded (``recorded``: an index deleted, or a render stopped before writing
    it). A site of an earlier version has one sitemap and no index."""
    found = {rel for rel in recorded if _is_locale_sitemap(rel)}
    try:
        with (out / SITEMAP_INDEX).open("rb") as fh:
            head = fh.read(256)
            if b"<sitemapindex" not in head:  # an earlier version's one sitemap: not read
                return found  # (400 MB at 60k pages)
            text = (head + fh.read()).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return found
    for loc in _LOC_RE.findall(text):
        path = urlsplit(xml_unescape(loc.strip())).path
        rel = "/".join(path.split("/")[-3:])
        if _is_locale_sitemap(rel):
            found.add(rel)
    return found


def _is_locale_sitemap(rel: str) -> bool:
    parts = rel.split("/")
    return (
        len(parts) == 3
        and COUNTRY_DIR_RE.fullmatch(parts[0]) is not None
        and LANGUAGE_DIR_RE.fullmatch(parts[1]) is not None
        and parts[2] == LOCALE_SITEMAP
    )


_LOC_RE = re.compile(r"<loc>([^<]*)</loc>")

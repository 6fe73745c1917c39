"""The site manifest as data: what every published page was built from, and what was withheld
and why. ``i18n render`` writes it (``site/manifest.json``) and ``i18n check`` proves every
claim in it against the pages on disk, the catalogs and the ledgers; the next render reads it
to know which stale pages it may remove (only those an earlier render wrote).

Only :mod:`i18n.formats.manifest` turns it into JSON and back.
"""

from __future__ import annotations

from dataclasses import dataclass

INDEX = "index"
ARTICLE = "article"
NOT_FOUND = "not-found"  # <cc>/<lang>/404.html: the locale's not-found page
UNAVAILABLE = "unavailable"  # <cc>/<lang>/<slug>.html of an article withheld in the locale
PAGE_KINDS = (INDEX, ARTICLE, NOT_FOUND, UNAVAILABLE)
NOT_FOUND_PAGE = "404.html"


@dataclass(frozen=True)
class ManifestPage:
    """One published page: ``path`` relative to the site folder (``ch/de/<slug>.html``)."""

    path: str
    kind: str  # INDEX, ARTICLE, NOT_FOUND or UNAVAILABLE
    country: str  # ISO code, upper case
    locale: str  # BCP 47 tag: de-CH
    disclaimer: str | None  # the reference of the disclaimer the page shows
    article: str | None = None  # article and unavailable pages: the slug
    articles: tuple[str, ...] = ()  # index pages: the articles listed
    source_hash: str | None = None  # article pages: the English source it translates
    source_text: bool = False  # article pages shown in the source language
    approvals: tuple[str, ...] = ()  # content hashes of the approved entries shown
    site_approvals: tuple[str, ...] = ()  # ... and of the site strings
    # outdated pages: the git commit of the earlier English version the page translates, and
    # the date its last text was approved (the current English awaits approval)
    translates: str | None = None
    approved_on: str | None = None


@dataclass(frozen=True)
class Withheld:
    """A page not published (``article`` None: the locale's index), with the reasons."""

    country: str
    locale: str
    article: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    preview: bool
    pages: tuple[ManifestPage, ...]
    withheld: tuple[Withheld, ...] = ()
    images: tuple[tuple[str, str], ...] = ()  # (path in the site, SHA-256 of its bytes)
    today: str | None = None  # the date the render evaluated (ISO) ...
    timezone: str | None = None  # ... in this time zone ([tool.i18n] timezone)

    def paths(self) -> set[str]:
        return {page.path for page in self.pages}

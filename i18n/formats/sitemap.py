"""The site's sitemaps: the one write path and the one read path of the sitemap files.

``site/sitemap.xml`` is a sitemap index (the address search engines are given). It lists
``site/sitemap-root.xml``, whose one ``<url>`` is the country picker, and one sitemap per
locale with indexable pages, ``site/<cc>/<lang>/sitemap.xml``, whose ``<url>`` elements
are that locale's pages, each with its hreflang siblings. A search engine reads at most
50,000 URLs and 50 MB from one sitemap file (sitemaps.org): one file for a whole library
breaks that near 50,000 pages (400 MB at 60,000), while one locale's pages stay far below
it. A sitemap may only list addresses under its own folder, so each locale's sits in the
locale's folder.

The text is written, never built as a tree: a locale's ``<url>`` elements are made by the
render (:func:`i18n.pipeline.publish.sitemaps.sitemap_part`) and framed here.

>>> text = urlset("<url><loc>https://x.test/ch/de/a.html</loc></url>")
>>> read_sitemap(text.encode(), "s.xml")
Sitemap(kind='urlset', urls=1, listed=[('https://x.test/ch/de/a.html', 3)], locs=[(0, 3)])
>>> index = sitemap_index(["https://x.test/sitemap-root.xml"])
>>> read_sitemap(index.encode(), "sitemap.xml").listed
[('https://x.test/sitemap-root.xml', 3)]
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
INDEX = "sitemap.xml"  # the index, at the site's root
ROOT = "sitemap-root.xml"  # the country picker's <url>, at the site's root
LOCALE = "sitemap.xml"  # a locale's, in its folder: <cc>/<lang>/sitemap.xml
MAX_URLS = 50_000  # sitemaps.org: per file, <url> in a sitemap or <sitemap> in an index
MAX_BYTES = 52_428_800  # sitemaps.org: 50 MB per file, uncompressed

_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
URLSET_HEAD = f'{_XML}<urlset xmlns="{NS}" xmlns:xhtml="{XHTML}">\n'
URLSET_TAIL = "\n</urlset>\n"

Listed = tuple[str, int | None]  # an address and the line of its first occurrence


def urlset(urls: str) -> str:
    """A sitemap of ``<url>`` elements (their text, one or more lines)."""
    return URLSET_HEAD + urls + URLSET_TAIL


def sitemap_index(locations: list[str]) -> str:
    """The sitemap index listing the sitemaps at ``locations`` (absolute URLs), in order."""
    lines = [f'{_XML}<sitemapindex xmlns="{NS}">']
    lines += [f"<sitemap><loc>{xml_escape(loc)}</loc></sitemap>" for loc in locations]
    lines.append("</sitemapindex>\n")
    return "\n".join(lines)


@dataclass(frozen=True)
class Sitemap:
    """What a sitemap file says: its kind (``index`` or ``urlset``), how many ``<url>`` or
    ``<sitemap>`` elements it has, each distinct address it lists (an index: its sitemaps;
    a urlset: each ``<loc>`` and hreflang ``href``), stripped, in document order, with the
    line of its first occurrence, and which of them are a ``<loc>`` (the addresses the file
    itself offers, which must lie under its folder): (index in ``listed``, line of the first
    ``<loc>``), in document order."""

    kind: str
    urls: int
    listed: list[Listed]
    locs: list[tuple[int, int | None]]


def read_sitemap(data: bytes, name: str) -> Sitemap:
    """Parse a sitemap or sitemap index (``name``: its path, for messages). Raises
    ``lxml.etree.XMLSyntaxError`` when it is not well-formed XML, and ValueError when its
    root is neither (the message names ``name``). No entity or DTD is resolved."""
    import lxml.etree  # 16-24 ms: the check's; a render never reads a sitemap

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = lxml.etree.fromstring(data, parser, base_url=name)
    if root.tag == f"{{{NS}}}sitemapindex":
        kind, items, tags = "index", f"{{{NS}}}sitemap", (f"{{{NS}}}loc",)
    elif root.tag == f"{{{NS}}}urlset":
        kind, items, tags = "urlset", f"{{{NS}}}url", (f"{{{NS}}}loc", f"{{{XHTML}}}link")
    else:
        raise ValueError(f"{name}: the root element is {root.tag}, not a sitemap or an index")
    listed: list[Listed] = []
    seen: dict[str, int] = {}
    locs: dict[int, int | None] = {}
    for el in root.iter(*tags):
        is_loc = el.tag == tags[0]
        href = ((el.text if is_loc else el.get("href")) or "").strip()
        if href not in seen:
            seen[href] = len(listed)
            listed.append((href, el.sourceline))
        if is_loc:
            locs.setdefault(seen[href], el.sourceline)
    return Sitemap(kind, sum(1 for _ in root.iter(items)), listed, list(locs.items()))

"""What one rendered page shows, read as a browser reads it: its language and direction,
the disclaimer (seen, verbatim, not imitated), its links, its scripts and its structured
data. :mod:`i18n.pipeline.check.proof` applies these to every page of the manifest."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html

from i18n.model.country import Country
from i18n.model.manifest import (
    ARTICLE,
    ManifestPage,
)
from i18n.pipeline.publish.pages import Pages
from i18n.project import Project

_UTF8 = lxml.html.HTMLParser(encoding="utf-8")  # the render writes UTF-8, whatever a page says
_NOT_READ = ("script", "style", "template")
Problems = list[tuple[str, str, str | None]]  # (code, message, snippet)


def _norm(text: str) -> str:
    return " ".join(text.split())


def document_problems(doc: Any, lp: Any, country: Country) -> Problems:
    """The page itself: language, direction, the disclaimer verbatim, the professional gate."""
    out: Problems = []
    tag, want_dir = lp.tag, "rtl" if lp.rtl else "ltr"
    if (doc.get("lang") or "").lower() != tag.lower():
        out.append(("page-lang", f'<html lang="{doc.get("lang")}"> should be "{tag}"', None))
    if doc.get("dir") != want_dir:
        out.append(("page-dir", f'<html dir="{doc.get("dir")}"> should be "{want_dir}"', None))
    disc = country.disclaimers.get(lp.language)
    boxes = doc.find_class("disclaimer")
    box_text = _norm(" ".join(b.text_content() for b in boxes))
    if len(boxes) > 1:
        out.append(
            (
                "disclaimer-imitated",
                f"{len(boxes)} elements are marked as the disclaimer: only the render's own box "
                "may be (text in another is not screened as page text)",
                None,
            )
        )
    hidden = next((why for why in map(why_hidden, boxes) if why), None)
    if hidden:
        out.append(("disclaimer-hidden", f"the disclaimer is not visible: {hidden}", None))
    if disc is None:
        out.append(("disclaimer-missing", "page published without a configured disclaimer", None))
    elif _norm(disc.text) not in box_text:
        out.append(
            (
                "disclaimer-altered",
                f"the approved disclaimer {disc.reference} is not on the page verbatim",
                box_text[:80] or "(no disclaimer box)",
            )
        )
    elif disc.reference not in box_text:
        out.append(
            (
                "disclaimer-reference",
                f"the disclaimer's reference {disc.reference} is not shown",
                None,
            )
        )
    out += script_problems(doc)
    if country.audience == "professional":
        robots = [
            m.get("content", "")
            for m in doc.iter("meta")
            if (m.get("name") or "").lower() == "robots"
        ]
        if not any("noindex" in r.lower() for r in robots):
            out.append(("professional-indexable", "professional-audience page lacks noindex", None))
        if doc.get_element_by_id("hcp-gate", None) is None:
            out.append(
                (
                    "professional-ungated",
                    "professional-audience page lacks the healthcare-professional self-declaration",
                    None,
                )
            )
    return out


def canonical_problems(doc: Any, project: Project, rel: str) -> Problems:
    """A canonical link names the page ``rel`` itself."""
    out: Problems = []
    for el in doc.iter("link"):
        if "canonical" not in (el.get("rel") or "").lower().split():
            continue
        href = el.get("href") or ""
        if local(href, project, rel) != rel:
            out.append(("canonical-wrong", f"canonical link {href[:80]} is not this page", None))
    return out


HrefLang = tuple[str, str, str | None]  # the language a link names, its href, the site path


def hreflang_links(doc: Any, project: Project, rel: str) -> list[HrefLang]:
    """Every hreflang link of the page ``rel``, in document order, with the site path it
    points to (None: it leaves the site). What the bytes say; :func:`hreflang_problems`
    judges it against the site."""
    out: list[HrefLang] = []
    for el in doc.iter("link", "a"):
        hreflang, href = el.get("hreflang"), el.get("href")
        if not hreflang or href is None:
            continue
        out.append((hreflang, href, local(href, project, rel)))
    return out


def hreflang_problems(
    links: list[HrefLang],
    site: Path,
    locales: dict[str, str],
    files: frozenset[str] = frozenset(),
) -> Problems:
    """Each hreflang link points to a page of ``site`` in the language it names
    (``locales``: the language tag of each page of the manifest; ``files``: site paths known
    to be files, the others are looked up on disk)."""
    out: Problems = []
    for hreflang, href, target in links:
        if target is None or not (target in files or (site / target).is_file()):
            out.append(
                (
                    "hreflang-broken",
                    f"hreflang {hreflang} points to {href}, which is not a page of this site",
                    None,
                )
            )
        elif (
            target in locales
            and hreflang.lower() != "x-default"
            and hreflang.lower() != locales[target].lower()
        ):
            out.append(
                (
                    "hreflang-wrong",
                    f"hreflang {hreflang} points to {href}, a {locales[target]} page",
                    None,
                )
            )
    return out


_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(hidden|collapse)|opacity\s*:\s*0(\.0*)?\s*(;|$)"
    r"|font-size\s*:\s*0|(^|;|\s)(width|height)\s*:\s*0(px)?\s*(;|$)",
    re.IGNORECASE,
)


def script_problems(doc: Any) -> Problems:
    """Every script of a page is one the render wrote: inline, and allowed by the page's own
    Content-Security-Policy by its SHA-256 (a script added to a page, or loaded from
    anywhere, is a violation even where a browser's CSP would stop it)."""
    policy = " ".join(
        m.get("content", "")
        for m in doc.iter("meta")
        if (m.get("http-equiv") or "").lower() == "content-security-policy"
    )
    allowed = set(re.findall(r"'sha256-([A-Za-z0-9+/=]+)'", policy))
    out: Problems = []
    for script in doc.iter("script"):
        if script.get("src"):
            out.append(
                ("script-external", f"a script is loaded from {script.get('src')[:80]}", None)
            )
            continue
        if _is_json_ld(script):
            continue  # data, never run: proven by structured_data_problems_in
        body = script.text or ""
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        if digest not in allowed:
            out.append(
                ("script-unknown", "an inline script the page's CSP does not allow", body[:60])
            )
    return out


JSON_LD = "application/ld+json"


def _is_json_ld(script: Any) -> bool:
    return (script.get("type") or "").strip().lower() == JSON_LD


def expected_structured_data(page: ManifestPage, lp: Any, pages: Pages) -> dict[str, Any] | None:
    """The JSON-LD the render writes for ``page`` from the approved plan (None: none)."""
    if page.kind == ARTICLE and page.article in lp.articles and lp.published(page.article):
        return pages.structured_data(lp, page.article)
    return None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"key {twice[0]!r} is given twice")
    return dict(pairs)


def structured_data_problems_in(doc: Any, expected: dict[str, Any] | None) -> Problems:
    """A ``<script type="application/ld+json">`` is data a browser never runs, so the CSP
    does not list it; it is proven instead: at most one per page, only on an article page,
    valid JSON (no key given twice), and equal to the ``MedicalWebPage`` the render builds
    from the approved text of that page (``expected``; None: the page has none)."""
    return structured_data_problems_of(json_ld_texts(doc), expected)


def json_ld_texts(doc: Any) -> list[str]:
    """The text of each JSON-LD block of the page (not those loaded from elsewhere)."""
    return [s.text or "" for s in doc.iter("script") if _is_json_ld(s) and not s.get("src")]


def structured_data_problems_of(blocks: list[str], expected: dict[str, Any] | None) -> Problems:
    """:func:`structured_data_problems_in` of a page whose JSON-LD blocks are ``blocks``."""
    if expected is None:
        return [
            ("structured-data-unexpected", "JSON-LD on a page the render writes none for", None)
        ][: len(blocks)]
    if len(blocks) != 1:
        return [
            (
                "structured-data-missing" if not blocks else "structured-data-unexpected",
                f"{len(blocks)} JSON-LD blocks on the page; the render writes one",
                None,
            )
        ]
    text = blocks[0]
    try:
        found = json.loads(text, object_pairs_hook=_no_duplicates)
    except ValueError as exc:
        return [("structured-data-invalid", f"JSON-LD is not valid JSON: {exc}", text[:60])]
    if found != expected:
        keys = (
            sorted(
                k
                for k in set(found) | set(expected)
                if not isinstance(found, dict) or found.get(k) != expected.get(k)
            )
            if isinstance(found, dict)
            else ["(not an object)"]
        )
        return [
            (
                "structured-data-altered",
                "JSON-LD differs from what the render writes from the approved text "
                f"({', '.join(keys[:4])})",
                text[:60],
            )
        ]
    return []


def why_hidden(el: Any) -> str | None:
    """Why a reader would not see ``el`` (it or an ancestor is hidden), or None."""
    node = el
    while node is not None and isinstance(node.tag, str):
        name = node.tag.lower()
        if name in ("template", "noscript", "head", "script", "style"):
            return f"inside <{name}>"
        if node.get("hidden") is not None:
            return f"<{name}> has the hidden attribute"
        if (node.get("aria-hidden") or "").strip().lower() == "true":
            return f'<{name}> has aria-hidden="true"'
        style = node.get("style") or ""
        if _HIDING_STYLE.search(style):
            return f'<{name} style="{style.strip()[:60]}">'
        node = node.getparent()
    return None


def published_text(doc: Any) -> str:
    """The text a page shows: title, description and keywords, image alternatives, and the
    body, without scripts and styles, and without the disclaimer box when there is exactly
    one (an element dressed as a second disclaimer is read like any other). ``doc`` is
    changed."""
    parts = [doc.findtext(".//title") or ""]
    parts += [
        m.get("content", "")
        for m in doc.iter("meta")
        if (m.get("name") or "").lower() in ("description", "keywords")
    ]
    boxes = doc.find_class("disclaimer")
    for el in [*(boxes if len(boxes) == 1 else []), *doc.iter(*_NOT_READ)]:
        if el.getparent() is not None:
            el.drop_tree()
    parts += [img.get("alt", "") for img in doc.iter("img")]
    body = doc.find("body")
    parts.append((body if body is not None else doc).text_content())
    return _norm(" \n ".join(parts))


def local(href: str, project: Project, page_rel: str) -> str | None:
    """The site-relative path a link on ``page_rel`` points to (resolved as a browser does),
    or None if it leaves the site.

    >>> local("../fr/a.html#top", Project("."), "ch/de/a.html")
    'ch/fr/a.html'
    >>> local("https://www.invamed.example/de/de/a.html", Project("."), "ch/de/a.html")
    'de/de/a.html'
    >>> local("https://elsewhere.example/a.html", Project("."), "ch/de/a.html") is None
    True
    """
    base = project.settings.site_url.rstrip("/") + "/"
    url = urljoin(base + page_rel, href.strip())
    if not url.startswith(base):
        return None
    return unquote(urlsplit(url[len(base) :]).path)

"""Site building: the publish gate, one Jinja2 environment, pages, sitemap and manifest.

The render is two passes over data that is loaded once:

1. **Plan** (:func:`plan_site`): for every country and language, resolve each catalog entry
   through the locale's fallback chain (``de_CH`` then ``de``) and decide, with reasons, which
   pages may be published. A page is published only when every string it shows is approved,
   its disclaimer is present and valid on ``today``, and every product it names is available
   in the country. English-language countries show the canonical source text.
2. **Write** (:func:`render_site`): render the planned pages with the approved text only (or,
   for ``--preview``, with drafts marked), write them atomically, and remove pages of an
   earlier render that are no longer published (fail closed).

Translator text is data: it is parsed as Markdown with raw HTML disabled, escaped by Jinja2's
autoescape, and never compiled as a template. A translation whose links differ from the
source's is refused.

>>> isolate_latin("يُستخدم جهاز Mantis في", rtl=True)
Markup('يُستخدم جهاز <bdi>Mantis</bdi> في')
>>> placeholder_problem("Published %(date)s", "", "Veröffentlicht am %(datum)s")
'placeholders differ from the source: %(date)s expected'
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import gettext as gnu_gettext
import hashlib
import json
import multiprocessing as mp
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import polib
from babel import Locale
from babel.dates import format_date
from babel.messages.plurals import get_plural
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from .articles import Article, load_articles, markdown, translate_tokens
from .catalogs import SITE_DOMAIN, read_po, site_pot
from .claims import claim_patterns, find_claims
from .countries import Country, Disclaimer, find_country, load_countries, load_glossary
from .errors import I18nError
from .files import atomic_write, inside
from .project import Project, fallback_chain, language_tag
from .review import (
    APPROVED,
    TRANSLATED,
    UNTRANSLATED,
    Ledger,
    content_hash,
    entry_state,
    is_translated,
)

DEFAULT_SITE_URL = "https://www.invamed.example"
COUNTRY_DIR_RE = re.compile(r"[a-z]{2}")
LANGUAGE_DIR_RE = re.compile(r"[a-z]{2,3}")
PAGE_RE = re.compile(r"[a-z0-9][a-z0-9-]*\.html")
PAGE_NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]*")

Key = tuple[str | None, str]

_MD = markdown()  # same parser and renderer options as the source segmentation
_MD_LINKS = MarkdownIt("commonmark", {"html": False}).enable("table")

# --- small helpers ------------------------------------------------------------------------

_LATIN = "A-Za-z\u00c0-\u024f"
LATIN_RUN_RE = re.compile(rf"[{_LATIN}][{_LATIN}0-9]*(?:[ \-./'’&][{_LATIN}0-9]+)*")
_PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sd]|%%")


def isolate(text: str, rtl: bool) -> Markup:
    """Escape ``text``; on a right-to-left page isolate all of it (a name, a reference)."""
    return Markup("<bdi>{}</bdi>").format(text) if rtl and text else escape(text)


def isolate_latin(text: str, rtl: bool) -> Markup:
    """Escape ``text``; on a right-to-left page wrap each Latin-script run in ``<bdi>``."""
    if not rtl:
        return escape(text)
    out, pos = [], 0
    for m in LATIN_RUN_RE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(Markup("<bdi>{}</bdi>").format(m.group(0)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _isolate_tokens(children: list[Token]) -> list[Token]:
    """The same inline children with Latin runs of text tokens wrapped in ``<bdi>``
    (new tokens; the article's shared tokens are never mutated)."""
    out: list[Token] = []
    for child in children:
        if child.type != "text" or not LATIN_RUN_RE.search(child.content):
            out.append(child)
            continue
        pos = 0
        for m in LATIN_RUN_RE.finditer(child.content):
            if m.start() > pos:
                out.append(Token("text", "", 0, content=child.content[pos : m.start()]))
            out.append(Token("html_inline", "", 0, content="<bdi>"))
            out.append(Token("text", "", 0, content=m.group(0)))
            out.append(Token("html_inline", "", 0, content="</bdi>"))
            pos = m.end()
        if pos < len(child.content):
            out.append(Token("text", "", 0, content=child.content[pos:]))
    return out


def _mark(children: list[Token]) -> list[Token]:
    return [
        Token("html_inline", "", 0, content='<mark class="unapproved">'),
        *children,
        Token("html_inline", "", 0, content="</mark>"),
    ]


def link_targets(text: str, env: dict[str, Any] | None = None) -> list[str]:
    """Sorted link and image targets of inline Markdown (references resolved via ``env``).

    >>> link_targets("See [the guide](https://a.example) and ![x](/i.svg)")
    ['/i.svg', 'https://a.example']
    """
    found: list[str] = []

    def walk(tokens: Iterable[Token]) -> None:
        for tok in tokens:
            if tok.type == "link_open":
                found.append(str(tok.attrGet("href") or ""))
            elif tok.type == "image":
                found.append(str(tok.attrGet("src") or ""))
            if tok.children:
                walk(tok.children)

    walk(_MD_LINKS.parseInline(text, json.loads(json.dumps(env or {}))))
    return sorted(found)


def placeholder_problem(msgid: str, msgid_plural: str, msgstr: str) -> str | None:
    """Why a site-template translation cannot be used as a format string, or None.

    Jinja2's newstyle gettext formats every translation with ``%``: an unknown placeholder or
    a stray ``%`` would break the page. A singular translation must keep every placeholder
    (a dropped ``%(reference)s`` would hide a regulatory reference); a plural form may drop
    the count.
    """
    allowed = set(_PLACEHOLDER_RE.findall(msgid)) | set(_PLACEHOLDER_RE.findall(msgid_plural))
    allowed.discard("")
    if "%" in _PLACEHOLDER_RE.sub("", msgstr):
        return "a '%' that is not a placeholder (write %% for a percent sign)"
    used = set(_PLACEHOLDER_RE.findall(msgstr)) - {""}
    if msgid_plural:
        allowed.add("num")
        extra = used - allowed
        if extra:
            return "unknown placeholders: " + ", ".join(f"%({n})s" for n in sorted(extra))
        return None
    if used != allowed:
        return (
            "placeholders differ from the source: "
            + (", ".join(f"%({n})s" for n in sorted(allowed)) or "none")
            + " expected"
        )
    return None


def check_path_code(
    value: str, pattern: re.Pattern[str], what: str, where: str | None, line: int | None = None
) -> str:
    """Refuse a country or language code that is not safe as a single path component."""
    if not isinstance(value, str) or not value.isascii() or not pattern.fullmatch(value):
        raise I18nError(f"{what} {value!r} cannot be used in a path", where, line)
    return value


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


# The healthcare-professional self-declaration: the head script hides the page until the
# visitor confirms (remembered for the browser session); without JavaScript the page shows a
# <noscript> declaration instead.
HCP_HEAD_SCRIPT = (
    '(function(){var h=document.documentElement;try{if(sessionStorage.getItem("hcp")==="yes")'
    'return}catch(e){}h.classList.add("hcp-pending")})();'
)
HCP_BODY_SCRIPT = (
    '(function(){var d=document,h=d.documentElement,y=d.getElementById("hcp-yes"),'
    'n=d.getElementById("hcp-no");if(!y||!n)return;'
    'y.addEventListener("click",function(){try{sessionStorage.setItem("hcp","yes")}catch(e){}'
    'h.classList.remove("hcp-pending");d.getElementById("content").focus()});'
    'n.addEventListener("click",function(){d.getElementById("hcp-denied").hidden=false});'
    'if(h.classList.contains("hcp-pending"))y.focus()})();'
)


# --- catalogs through the fallback chain --------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """The entry that decides a (msgctxt, msgid) for a locale: the first catalog of the chain
    that has it translated (or the first that has it at all)."""

    entry: polib.POEntry
    catalog: str  # e.g. "de_CH/site"
    state: str
    hash: str
    plural_index: Callable[[int], int]

    @property
    def approved(self) -> bool:
        return self.state == APPROVED


class CatalogStore:
    """Reads each PO file and ledger once per render and resolves entries through chains."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._po: dict[tuple[str, str], polib.POFile | None] = {}
        self._ledgers: dict[str, Ledger] = {}
        self._approved: dict[tuple[str, str], set[str]] = {}
        self._resolved: dict[tuple[str, str], dict[Key, Resolved]] = {}
        self._links: dict[tuple[str, str], list[str]] = {}

    def links(self, article: Article, text: str) -> list[str]:
        """:func:`link_targets` of a text in an article, computed once per render."""
        key = (article.slug, text)
        if key not in self._links:
            self._links[key] = link_targets(text, article.env)
        return self._links[key]

    def po(self, locale: str, domain: str) -> polib.POFile | None:
        key = (locale, domain)
        if key not in self._po:
            path = self.project.po_path(locale, domain)
            self._po[key] = read_po(path, self.project.rel(path)) if path.is_file() else None
        return self._po[key]

    def approved(self, locale: str, domain: str) -> set[str]:
        """Hashes approved for ``domain`` (an article or the site) in ``locale``'s ledger."""
        if locale not in self._ledgers:
            ledger = Ledger.read(self.project.ledger_path(locale))
            ledger.report()
            self._ledgers[locale] = ledger
        key = (locale, domain)
        if key not in self._approved:
            self._approved[key] = self._ledgers[locale].approved_hashes(domain)
        return self._approved[key]

    def resolve(self, locale: str, domain: str) -> dict[Key, Resolved]:
        """``{(msgctxt, msgid): Resolved}`` for ``locale`` (``de_CH`` -> de_CH, then de)."""
        cache_key = (locale, domain)
        if cache_key in self._resolved:
            return self._resolved[cache_key]
        out: dict[Key, Resolved] = {}
        untranslated: dict[Key, Resolved] = {}
        for loc in fallback_chain(locale):
            po = self.po(loc, domain)
            if po is None:
                continue
            plural = _plural_function(loc)
            approved = self.approved(loc, domain)
            for entry in po:
                if entry.obsolete or not entry.msgid:
                    continue
                key = (entry.msgctxt, entry.msgid)
                if key in out:
                    continue
                res = Resolved(
                    entry,
                    f"{loc}/{domain}",
                    entry_state(entry, approved),
                    content_hash(entry),
                    plural,
                )
                if is_translated(entry):
                    out[key] = res
                else:
                    untranslated.setdefault(key, res)
        for key, res in untranslated.items():
            out.setdefault(key, res)
        self._resolved[cache_key] = out
        return out


def _plural_function(locale: str) -> Callable[[int], int]:
    try:
        expr = get_plural(locale).plural_expr
    except (ValueError, KeyError):
        expr = "(n != 1)"
    return gnu_gettext.c2py(expr)


# --- the plan -----------------------------------------------------------------------------


@dataclass
class ArticlePlan:
    article: Article
    reasons: list[str] = field(default_factory=list)
    texts: dict[Key, str] = field(default_factory=dict)  # what the page shows, per segment
    unapproved: set[Key] = field(default_factory=set)  # shown but not approved (preview)
    hashes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


@dataclass
class LocalePlan:
    country: Country
    language: str
    locale: str  # catalog form: de_CH
    source: bool  # the source language: pages show the canonical text
    disclaimer: Disclaimer | None
    reasons: list[str] = field(default_factory=list)
    site: dict[Key, Resolved] = field(default_factory=dict)
    site_hashes: list[str] = field(default_factory=list)
    articles: dict[str, ArticlePlan] = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return language_tag(self.locale)

    @property
    def folder(self) -> str:
        return f"{self.country.slug}/{self.language}"

    @property
    def rtl(self) -> bool:
        return _is_rtl(self.locale)

    @property
    def professional(self) -> bool:
        return self.country.audience == "professional"

    def published(self, slug: str) -> bool:
        return not self.reasons and slug in self.articles and self.articles[slug].ok

    @property
    def published_slugs(self) -> list[str]:
        return [s for s in self.articles if self.published(s)]

    @property
    def index_published(self) -> bool:
        return bool(self.published_slugs)


@dataclass
class SitePlan:
    locales: list[LocalePlan]
    articles: dict[str, Article]
    today: dt.date
    preview: bool
    # ``--country``: other countries' pages count only where an earlier render left them
    present: Callable[[LocalePlan, str], bool] | None = None

    def shown(self, lp: LocalePlan, slug: str) -> bool:
        """In this run's output: published (anything at all in a preview)."""
        ok = self.preview or lp.published(slug)
        return ok and (self.present is None or self.present(lp, f"{lp.folder}/{slug}.html"))

    def index_shown(self, lp: LocalePlan) -> bool:
        ok = self.preview or lp.index_published
        return ok and (self.present is None or self.present(lp, f"{lp.folder}/index.html"))


def _disclaimer_reasons(country: Country, language: str, today: dt.date) -> list[str]:
    disc = country.disclaimers.get(language)
    if disc is None:
        return [f"no disclaimer for '{language}' in {country.path}"]
    if disc.expired(today):
        return [f"disclaimer {disc.reference} expired on {disc.expires.isoformat()}"]
    if disc.approved_on > today:
        return [f"disclaimer {disc.reference} is approved only from {disc.approved_on.isoformat()}"]
    return []


def _product_reasons(article: Article, country: Country) -> list[str]:
    reasons = []
    for pid in article.products:
        product = country.products.get(pid)
        if product is None:
            reasons.append(f"names product '{pid}', which has no status in {country.path}")
        elif not product.available:
            reasons.append(f"names product '{pid}', unavailable in {country.code}")
    return reasons


def _plan_article(article: Article, lp: LocalePlan, store: CatalogStore) -> ArticlePlan:
    """What one article shows in one locale, and why it may not be published."""
    ap = ArticlePlan(article, _product_reasons(article, lp.country))
    if lp.source:
        ap.reasons += _claim_reasons([s.msgid for s in article.segments], lp)
        return ap
    resolved = store.resolve(lp.locale, article.slug)
    missing: list[str] = []
    states: dict[str, int] = {}
    links: list[str] = []
    for seg in article.segments:
        res = resolved.get(seg.key)
        if res is None or res.state == UNTRANSLATED:
            missing.append(seg.msgid)
            states[UNTRANSLATED] = states.get(UNTRANSLATED, 0) + 1
            ap.unapproved.add(seg.key)
            continue
        text = res.entry.msgstr
        if store.links(article, text) != store.links(article, seg.msgid):
            links.append(seg.msgid)
            ap.unapproved.add(seg.key)
            continue  # never shown, not even in a preview: the source text stands in
        ap.texts[seg.key] = text
        if res.approved:
            ap.hashes.append(res.hash)
        else:
            missing.append(seg.msgid)
            state = "awaiting review" if res.state == TRANSLATED else res.state
            states[state] = states.get(state, 0) + 1
            ap.unapproved.add(seg.key)
    total = len(article.segments)
    if missing:
        detail = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        ap.reasons.append(
            f"{len(missing)} of {total} entries not approved ({detail}; "
            f"first: {_short(missing[0])!r})"
        )
    if links:
        ap.reasons.append(
            f"{len(links)} translation(s) change the source's links (first: {_short(links[0])!r})"
        )
    approved = [text for key, text in ap.texts.items() if key not in ap.unapproved]
    ap.reasons += _claim_reasons(approved, lp)
    ap.hashes.sort()
    return ap


@cache
def _is_rtl(locale: str) -> bool:
    """Babel's text direction of a locale (Arabic: rtl); asked for every page and token run."""
    return Locale.parse(locale).text_direction == "rtl"


def _claim_reasons(texts: Iterable[str], lp: LocalePlan) -> list[str]:
    """Fail closed on wording the country forbids (its claims and the built-in risky list):
    an approval does not make "guaranteed" publishable."""
    patterns = claim_patterns(lp.country, lp.language)
    if not patterns:
        return []
    for text in texts:
        hits = find_claims(text, patterns)
        if hits:
            pattern, snippet = hits[0]
            return [f"text matches forbidden wording /{pattern}/ in {snippet!r}; see i18n check"]
    return []


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def site_messages(project: Project) -> list[polib.POEntry]:
    """The strings the site templates use, read from the templates themselves."""
    return [e for e in site_pot(project) if e.msgid]


def _plan_site_strings(lp: LocalePlan, store: CatalogStore, messages: list[polib.POEntry]) -> None:
    if lp.source:
        return
    resolved = store.resolve(lp.locale, SITE_DOMAIN)
    usable: dict[Key, Resolved] = {}
    missing = bad = 0
    first_bad = ""
    for msg in messages:
        res = resolved.get((msg.msgctxt, msg.msgid))
        if res is None or not is_translated(res.entry):
            missing += 1
            continue
        forms = list(res.entry.msgstr_plural.values()) if msg.msgid_plural else [res.entry.msgstr]
        problems = [placeholder_problem(msg.msgid, msg.msgid_plural, f) for f in forms]
        problem = next((p for p in problems if p), None)
        if problem:
            bad += 1
            first_bad = first_bad or f"{msg.msgid!r}: {problem}"
            continue
        usable[(msg.msgctxt, msg.msgid)] = res
        if not res.approved:
            missing += 1
    lp.site = usable
    lp.site_hashes = sorted(r.hash for r in usable.values() if r.approved)
    if missing:
        lp.reasons.append(f"site.po: {missing} of {len(messages)} template strings not approved")
    if bad:
        lp.reasons.append(f"site.po: {bad} translation(s) unusable ({first_bad})")


def plan_site(
    project: Project,
    articles: list[Article],
    countries: list[Country],
    today: dt.date,
    preview: bool = False,
) -> SitePlan:
    """Decide, with reasons, what every country and language may publish."""
    store = CatalogStore(project)
    messages = site_messages(project)
    source = project.source_language
    plans: list[LocalePlan] = []
    for country in countries:
        check_path_code(
            country.slug, COUNTRY_DIR_RE, "country code", country.path, country.line("code")
        )
        for i, language in enumerate(country.languages):
            check_path_code(
                language,
                LANGUAGE_DIR_RE,
                "language code",
                country.path,
                country.line("languages", str(i)),
            )
            lp = LocalePlan(
                country,
                language,
                country.locale(language),
                language == source,
                country.disclaimers.get(language),
            )
            lp.reasons.extend(_disclaimer_reasons(country, language, today))
            _plan_site_strings(lp, store, messages)
            for article in articles:
                lp.articles[article.slug] = _plan_article(article, lp, store)
            plans.append(lp)
    return SitePlan(plans, {a.slug: a for a in articles}, today, preview)


# --- pages --------------------------------------------------------------------------------


def environment(project: Project) -> Environment:
    """The one Jinja2 environment of a render: autoescape on, i18n extension (newstyle),
    trimmed ``{% trans %}`` blocks as extraction sees them, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(str(project.templates_dir)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    # read when a template compiles: placeholders are then filled by the gettext callables
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    return env


class SiteStrings:
    """gettext callables for one locale, fed from the resolved site.po entries.

    Publishing uses approved entries only (the plan has checked that every template string
    has one). A preview shows any usable translation and marks what is not approved. The
    returned text is escaped Markup: Jinja2 treats a translation as safe HTML, so translator
    text must never reach it unescaped.
    """

    def __init__(self, resolved: dict[Key, Resolved] | None, preview: bool) -> None:
        self.resolved = resolved  # None: the source language (identity)
        self.preview = preview

    def _pick(self, ctx: str | None, msgid: str, plural: str | None, n: int) -> Markup:
        fallback = msgid if plural is None or n == 1 else plural
        if self.resolved is None:
            return escape(fallback)
        res = self.resolved.get((ctx, msgid))
        if res is not None and (res.approved or self.preview):
            if plural is None:
                text = res.entry.msgstr
            else:
                forms = res.entry.msgstr_plural
                text = forms.get(res.plural_index(n), forms.get(str(res.plural_index(n)), ""))
            if text:
                return escape(text) if res.approved else _marked(text)
        if self.preview:
            return _marked(fallback)
        raise RuntimeError(f"template string {msgid!r} has no approved translation")

    def gettext(self, msgid: str) -> Markup:
        return self._pick(None, msgid, None, 1)

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        return self._pick(None, singular, plural, n)

    def pgettext(self, ctx: str, msgid: str) -> Markup:
        return self._pick(ctx, msgid, None, 1)

    def npgettext(self, ctx: str, singular: str, plural: str, n: int) -> Markup:
        return self._pick(ctx, singular, plural, n)

    def install(self, env: Environment) -> None:
        env.install_gettext_callables(  # type: ignore[attr-defined]
            self.gettext,
            self.ngettext,
            newstyle=True,
            pgettext=self.pgettext,
            npgettext=self.npgettext,
        )


def _marked(text: str) -> Markup:
    return Markup('<mark class="unapproved">{}</mark>').format(text)


class Pages:
    """Builds the HTML of each page from the plan with one environment."""

    def __init__(self, project: Project, plan: SitePlan, site_url: str) -> None:
        self.project = project
        self.plan = plan
        self.site_url = site_url.rstrip("/")
        self.env = environment(project)
        self.templates = {
            n: self.env.get_template(f"{n}.html") for n in ("article", "index", "root")
        }
        css_path = project.templates_dir / "site.css"
        self.css = css_path.read_text(encoding="utf-8") if css_path.is_file() else ""
        self.csp = "; ".join(
            [
                "default-src 'none'",
                "img-src 'self' https: data:",
                f"style-src {_csp_hash(self.css)}",
                f"script-src {_csp_hash(HCP_HEAD_SCRIPT)} {_csp_hash(HCP_BODY_SCRIPT)}",
                "base-uri 'none'",
                "form-action 'none'",
            ]
        )
        self.brand = str(project.config.get("project_name", "Articles"))
        self.brands = load_glossary(project).do_not_translate

    # -- shared context

    def _page(
        self,
        lp: LocalePlan | None,
        root: str,
        alternates: list[dict[str, str]],
        languages: list[dict[str, str]],
        country_name: str = "",
    ) -> dict[str, Any]:
        professional = lp is not None and lp.professional
        return {
            "lang": lp.tag if lp else language_tag(self.project.source_language),
            "dir": ("rtl" if lp.rtl else "ltr") if lp else "ltr",
            "noindex": self.plan.preview or professional,
            "preview": self.plan.preview,
            "professional": professional,
            "csp": self.csp,
            "css": Markup(self.css),
            "head_script": Markup(HCP_HEAD_SCRIPT),
            "body_script": Markup(HCP_BODY_SCRIPT),
            "root": root,
            "brand": self.brand,
            "alternates": alternates,
            "languages": languages,
            "country_name": country_name,
        }

    def _strings(self, lp: LocalePlan) -> SiteStrings:
        return SiteStrings(None if lp.source else lp.site, self.plan.preview)

    def url(self, path: str) -> str:
        return f"{self.site_url}/{path}"

    def _siblings(self, slug: str | None) -> list[LocalePlan]:
        """Locales where the same page (an article, or the index when slug is None) is shown."""
        out = []
        for lp in self.plan.locales:
            shown = self.plan.index_shown(lp) if slug is None else self.plan.shown(lp, slug)
            if shown:
                out.append(lp)
        return out

    def alternates(self, lp: LocalePlan, slug: str | None) -> list[dict[str, str]]:
        """hreflang links to the published, indexable siblings (none on noindex pages)."""
        if self.plan.preview or lp.professional:
            return []
        name = "index.html" if slug is None else f"{slug}.html"
        return [
            {"hreflang": o.tag, "href": self.url(f"{o.folder}/{name}")}
            for o in self._siblings(slug)
            if not o.professional
        ]

    def languages(self, lp: LocalePlan, slug: str | None) -> list[dict[str, str]]:
        """Links to the same page in the country's other languages where it is shown."""
        name = "index.html" if slug is None else f"{slug}.html"
        return [
            {
                "hreflang": o.tag,
                "href": f"../{o.language}/{name}",
                "dir": "rtl" if o.rtl else "ltr",
                "name": language_name(o.language),
            }
            for o in self._siblings(slug)
            if o.country.code == lp.country.code and o.language != lp.language
        ]

    # -- text of a locale

    def _field(self, lp: LocalePlan, ap: ArticlePlan, ctx: str, value: Any) -> tuple[str, Markup]:
        """(plain text, HTML) of a front-matter field in the page's language."""
        if not isinstance(value, str) or not value.strip():
            return "", Markup("")
        src = value.strip()
        text = ap.texts.get((ctx, src), src)
        html = isolate_latin(text, lp.rtl)
        if self.plan.preview and (ctx, src) in ap.unapproved:
            html = Markup('<mark class="unapproved">{}</mark>').format(html)
        return text, html

    def _body(self, lp: LocalePlan, ap: ArticlePlan) -> Markup:
        article = ap.article
        tokens = translate_tokens(article, lambda ctx, msgid: ap.texts.get((ctx, msgid)))
        seg_at: dict[int, Any] = {}
        j = 0
        for i, tok in enumerate(article.tokens):
            if tok.type == "html_block":
                continue  # translate_tokens drops these
            if i in article.block_segments:
                seg_at[j] = article.block_segments[i]
            j += 1
        for j, tok in enumerate(tokens):
            if tok.type != "inline" or not tok.children:
                continue
            _relative_images(tok.children, "../../")
            children = _isolate_tokens(tok.children) if lp.rtl else tok.children
            seg = seg_at.get(j)
            if self.plan.preview and seg is not None and seg.key in ap.unapproved:
                children = _mark(children)
            tok.children = children
        return Markup(_MD.renderer.render(tokens, _MD.options, article.env))

    def _date(self, lp: LocalePlan, value: dt.date | None) -> str:
        return format_date(value, format="long", locale=lp.locale) if value else ""

    # -- pages

    def article(self, lp: LocalePlan, slug: str) -> str:
        ap = lp.articles[slug]
        art = ap.article
        meta = art.meta
        title, title_html = self._field(lp, ap, "title", meta.get("title"))
        description, description_html = self._field(lp, ap, "description", meta.get("description"))
        _, category_html = self._field(lp, ap, "category", meta.get("category"))
        keywords = [self._field(lp, ap, "keyword", k)[0] for k in meta.get("keywords") or []]
        related = []
        for rel in art.related:
            if self.plan.shown(lp, rel):
                rap = lp.articles[rel]
                related.append(
                    {
                        "href": f"{rel}.html",
                        "title": self._field(lp, rap, "title", rap.article.title)[1],
                    }
                )
        updated = art.updated
        changed = meta.get("updated") is not None and updated != art.date
        ctx = {
            "page": self._page(
                lp, "../../", self.alternates(lp, slug), self.languages(lp, slug), country_name(lp)
            ),
            "article": {
                "title": title_html,
                "title_text": title,
                "description": description_html,
                "description_text": description,
                "category": category_html,
                "keywords": keywords,
                "author": isolate(str(meta.get("author") or ""), lp.rtl),
                "reviewed_by": isolate(str(meta.get("reviewed_by") or ""), lp.rtl),
                "published": self._date(lp, art.date),
                "updated": self._date(lp, updated) if changed else "",
                "last_modified": self._date(lp, updated),
                "body": self._body(lp, ap),
                "related": related,
                "registrations": [
                    {"product": isolate(name, lp.rtl), "number": isolate(number, lp.rtl)}
                    for name, number in registrations(art, lp.country, self.brands)
                ],
            },
            "disclaimer": self._disclaimer(lp),
        }
        self._strings(lp).install(self.env)
        return self.templates["article"].render(ctx)

    def _disclaimer(self, lp: LocalePlan) -> dict[str, Any] | None:
        disc = lp.disclaimer
        if disc is None:
            if not self.plan.preview:
                return None
            return {"text": _marked("(no disclaimer for this language)"), "reference": "-"}
        return {
            "text": isolate_latin(disc.text, lp.rtl),
            "reference": isolate(disc.reference, lp.rtl),
        }

    def index(self, lp: LocalePlan) -> str:
        items = []
        for slug, ap in lp.articles.items():
            if not self.plan.shown(lp, slug):
                continue
            items.append(
                {
                    "href": f"{slug}.html",
                    "title": self._field(lp, ap, "title", ap.article.title)[1],
                    "category": self._field(lp, ap, "category", ap.article.meta.get("category"))[1],
                    "description": self._field(
                        lp, ap, "description", ap.article.meta.get("description")
                    )[1],
                }
            )
        ctx = {
            "page": self._page(
                lp, "../../", self.alternates(lp, None), self.languages(lp, None), country_name(lp)
            ),
            "articles": items,
            "disclaimer": self._disclaimer(lp),
        }
        self._strings(lp).install(self.env)
        return self.templates["index"].render(ctx)

    def root(self) -> str:
        countries: dict[str, dict[str, Any]] = {}
        for lp in self.plan.locales:
            if not self.plan.index_shown(lp):
                continue
            entry = countries.setdefault(lp.country.code, {"name": lp.country.name, "locales": []})
            entry["locales"].append(
                {
                    "href": f"{lp.folder}/index.html",
                    "hreflang": lp.tag,
                    "dir": "rtl" if lp.rtl else "ltr",
                    "name": language_name(lp.language),
                }
            )
        ctx = {
            "page": self._page(None, "", [], []),
            "countries": sorted(countries.values(), key=lambda c: c["name"]),
        }
        SiteStrings(None, self.plan.preview).install(self.env)
        return self.templates["root"].render(ctx)


def registrations(
    article: Article, country: Country, brands: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(product name, registration number) of the products the article names that carry a
    registration or authorization number in ``country`` (510(k), ANVISA, SFDA MDMA, ...).
    The name is the glossary's do-not-translate spelling when it has one (``Mantis``)."""
    spelled = {b.casefold(): b for b in brands}
    out = []
    for pid in article.products:
        product = country.products.get(pid)
        if product is not None and product.registration:
            out.append((spelled.get(pid.casefold(), pid.title()), product.registration))
    return out


def language_name(language: str) -> str:
    """The language's name in itself: ``fr`` -> ``Français``."""
    name = Locale.parse(language).display_name or language
    return name[:1].upper() + name[1:]


def country_name(lp: LocalePlan) -> str:
    """The country's name in the page's language (CLDR), else its configured name."""
    return Locale.parse(lp.locale).territories.get(lp.country.code) or lp.country.name


def country_files(pages: Pages, code: str) -> dict[str, str]:
    """``{relative path: HTML}`` of every page of one country shown in this run."""
    files: dict[str, str] = {}
    plan = pages.plan
    for lp in plan.locales:
        if lp.country.code != code:
            continue
        if plan.index_shown(lp):
            files[f"{lp.folder}/index.html"] = pages.index(lp)
        for slug in lp.articles:
            if plan.shown(lp, slug):
                files[f"{lp.folder}/{slug}.html"] = pages.article(lp, slug)
    return files


_FORKED: Pages | None = None  # what a forked worker renders from (inherited, never pickled)


def _forked_country(code: str) -> dict[str, str]:
    assert _FORKED is not None
    return country_files(_FORKED, code)


def render_countries(pages: Pages, codes: list[str]) -> dict[str, str]:
    """Pages of the given countries; in parallel processes (one country each) when more than
    one core is present and the platform can fork, so workers inherit the loaded plan."""
    global _FORKED
    workers = min(os.cpu_count() or 1, len(codes))
    files: dict[str, str] = {}
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        for code in codes:
            files.update(country_files(pages, code))
        return files
    _FORKED = pages
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            for part in pool.map(_forked_country, codes):
                files.update(part)
    finally:
        _FORKED = None
    return files


# --- sitemap and manifest -----------------------------------------------------------------


def sitemap(pages: Pages) -> str:
    """``sitemap.xml`` of the indexable published pages, each with its hreflang siblings."""
    plan = pages.plan
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
        f"<url><loc>{xml_escape(pages.url('index.html'))}</loc></url>",
    ]
    for lp in plan.locales:
        if lp.professional:
            continue  # noindex pages stay out of the sitemap
        targets: list[tuple[str | None, dt.date | None]] = []
        if plan.index_shown(lp):
            targets.append((None, None))
        targets += [(s, plan.articles[s].updated) for s in lp.articles if plan.shown(lp, s)]
        for slug, lastmod in targets:
            name = "index.html" if slug is None else f"{slug}.html"
            lines.append("<url>")
            lines.append(f"<loc>{xml_escape(pages.url(f'{lp.folder}/{name}'))}</loc>")
            if lastmod:
                lines.append(f"<lastmod>{lastmod.isoformat()}</lastmod>")
            for alt in pages.alternates(lp, slug):
                lines.append(
                    f'<xhtml:link rel="alternate" hreflang={quoteattr(alt["hreflang"])} '
                    f"href={quoteattr(alt['href'])}/>"
                )
            lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def manifest(plan: SitePlan) -> str:
    """``manifest.json``: what each page was built from, and what was withheld and why."""
    pages: list[dict[str, Any]] = []
    withheld: list[dict[str, Any]] = []
    for lp in plan.locales:
        disc = lp.disclaimer.reference if lp.disclaimer else None
        base = {"country": lp.country.code, "locale": lp.tag}
        if plan.index_shown(lp):
            pages.append(
                {
                    "path": f"{lp.folder}/index.html",
                    "kind": "index",
                    **base,
                    "disclaimer": disc,
                    "articles": [s for s in lp.articles if plan.shown(lp, s)],
                    "site_approvals": lp.site_hashes,
                }
            )
        elif not plan.preview:
            withheld.append(
                {**base, "article": None, "reasons": lp.reasons or ["no article is published"]}
            )
        for slug, ap in lp.articles.items():
            if plan.shown(lp, slug):
                pages.append(
                    {
                        "path": f"{lp.folder}/{slug}.html",
                        "kind": "article",
                        **base,
                        "article": slug,
                        "source_hash": ap.article.source_hash,
                        "disclaimer": disc,
                        "source_text": lp.source,
                        "approvals": ap.hashes,
                        "site_approvals": lp.site_hashes,
                    }
                )
            if not lp.published(slug):
                withheld.append({**base, "article": slug, "reasons": lp.reasons + ap.reasons})
    data = {"preview": plan.preview, "pages": pages, "withheld": withheld}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


# --- writing ------------------------------------------------------------------------------


@dataclass
class RenderResult:
    plan: SitePlan
    out: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # pages no render of ours wrote
    rendered_countries: set[str] = field(default_factory=set)

    def counts(self) -> tuple[int, int]:
        """(published, withheld) article pages of the countries rendered in this run."""
        states = [
            lp.published(slug)
            for lp in self.plan.locales
            if lp.country.code in self.rendered_countries
            for slug in lp.articles
        ]
        return sum(states), len(states) - sum(states)

    @property
    def withheld_any(self) -> bool:
        return self.counts()[1] > 0


def _check_out(project: Project, out: Path, preview: bool) -> Path:
    out = out.resolve()
    root = project.root
    if out == root or root.is_relative_to(out):
        raise I18nError(f"--out {out} would overwrite the project itself")
    for inner in (project.root / "source", project.locales_dir, project.root / "i18n"):
        if out.is_relative_to(inner.resolve()):
            raise I18nError(f"--out {out} is inside {project.rel(inner)}/")
    if preview and out == (root / "site").resolve():
        raise I18nError("--preview never writes to site/: choose another --out")
    if out.exists() and not out.is_dir():
        raise I18nError(f"--out {out} is not a directory")
    return out


IMAGE_SUFFIXES = frozenset({".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"})
IMAGES_URL = "/images/"


def _relative_images(children: list[Token], root: str) -> None:
    """``/images/x.svg`` (an article's site-absolute image) -> ``../../images/x.svg``, so the
    site works from any folder or web path, and from disk."""
    for i, child in enumerate(children):
        src = child.attrGet("src") if child.type == "image" else None
        if isinstance(src, str) and src.startswith(IMAGES_URL):
            child = children[i] = copy.copy(child)
            child.attrs = dict(child.attrs)
            child.attrSet("src", root + src[1:])


def image_files(project: Project) -> dict[str, bytes]:
    """``source/images/*`` -> ``{"images/<name>": bytes}``; symlinks out of the project and
    names that are not plain files of a known image type are refused."""
    folder = project.root / "source" / "images"
    out: dict[str, bytes] = {}
    if not folder.is_dir():
        return out
    for file in sorted(folder.iterdir()):
        shown = project.rel(file)
        if file.name.startswith(".") or file.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if not inside(file, project.root) or not file.is_file():
            raise I18nError("image points outside the project (symlink?)", shown)
        if not PAGE_NAME_RE.fullmatch(file.name):
            raise I18nError("image file names use lower-case letters, digits, '-' and '.'", shown)
        out[f"images/{file.name}"] = file.read_bytes()
    return out


def _previous_pages(out: Path) -> set[str]:
    """Pages the previous render into ``out`` wrote, from its ``manifest.json``."""
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {str(p["path"]) for p in data.get("pages", []) if isinstance(p, dict)}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return set()


def _stale(out: Path, expected: set[str]) -> tuple[list[Path], list[Path]]:
    """(stale, foreign): pages of ``<cc>/<lang>/*.html`` that are not expected now, split
    into those an earlier render wrote (its manifest lists them: removed, failing closed) and
    those it did not (never deleted: they are someone else's files; ``i18n check`` reports
    them as stray pages)."""
    stale: list[Path] = []
    foreign: list[Path] = []
    if not out.is_dir():
        return stale, foreign
    ours = _previous_pages(out)
    for cdir in sorted(out.iterdir()):
        if not (cdir.is_dir() and COUNTRY_DIR_RE.fullmatch(cdir.name)):
            continue
        for ldir in sorted(cdir.iterdir()):
            if not (ldir.is_dir() and LANGUAGE_DIR_RE.fullmatch(ldir.name)):
                continue
            for page in sorted(ldir.iterdir()):
                rel = f"{cdir.name}/{ldir.name}/{page.name}"
                if page.is_file() and PAGE_RE.fullmatch(page.name) and rel not in expected:
                    (stale if rel in ours else foreign).append(page)
    return stale, foreign


def render_site(
    project: Project,
    *,
    out: Path | None = None,
    country: str | None = None,
    preview: bool = False,
    today: dt.date | None = None,
) -> RenderResult:
    """Plan and write the site. Everything is loaded and checked before the first write."""
    today = today or dt.date.today()
    default = project.root / ("site-preview" if preview else "site")
    out = _check_out(project, out or default, preview)
    articles = load_articles(project.root)
    countries = load_countries(project)
    only = find_country(project, country).code if country else None
    plan = plan_site(project, articles, countries, today, preview)
    pages = Pages(project, plan, str(project.config.get("site_url", DEFAULT_SITE_URL)))
    images = image_files(project)

    result = RenderResult(plan, out)
    expected: set[str] = set()
    for lp in plan.locales:
        if plan.index_shown(lp):
            expected.add(f"{lp.folder}/index.html")
        expected.update(f"{lp.folder}/{s}.html" for s in lp.articles if plan.shown(lp, s))
    # fail closed: remove what is no longer published (in every country) before writing
    stale, foreign = _stale(out, expected)
    result.foreign = [page.relative_to(out).as_posix() for page in foreign]
    for page in stale:
        page.unlink()
        result.removed.append(page.relative_to(out).as_posix())
        for folder in (page.parent, page.parent.parent):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    if only:
        plan.present = lambda lp, rel: lp.country.code == only or (out / rel).is_file()

    codes = sorted({lp.country.code for lp in plan.locales if not only or lp.country.code == only})
    result.rendered_countries.update(codes)
    files = render_countries(pages, codes)
    files["index.html"] = pages.root()
    files["sitemap.xml"] = sitemap(pages)
    files["manifest.json"] = manifest(plan)
    files.update(images)
    for rel, text in sorted(files.items()):
        (result.written if atomic_write(out / rel, text) else result.unchanged).append(rel)
    return result


# --- the report ---------------------------------------------------------------------------


def report_rows(result: RenderResult) -> list[tuple[str, str, str, str, str]]:
    """(country, locale, page, status, reason) rows for the table, one row for a locale
    withheld as a whole."""
    plan = result.plan
    rows = []
    for lp in plan.locales:
        if lp.country.code not in result.rendered_countries:
            continue
        cc, tag = lp.country.code, lp.tag
        if lp.reasons and not plan.preview:
            ready = sum(1 for ap in lp.articles.values() if ap.ok)
            rows.append(
                (
                    cc,
                    tag,
                    f"all {len(lp.articles)} articles",
                    "withheld",
                    "; ".join(lp.reasons)
                    + f" (otherwise {ready} of {len(lp.articles)} articles ready)",
                )
            )
            continue
        for slug, ap in lp.articles.items():
            reasons = lp.reasons + ap.reasons
            if plan.preview:
                status = "preview"
                reason = ("not publishable: " + "; ".join(reasons)) if reasons else "approved"
            elif ap.ok:
                status, reason = "published", ("source text" if lp.source else "approved")
            else:
                status, reason = "withheld", "; ".join(reasons)
            rows.append((cc, tag, slug, status, reason))
    return rows

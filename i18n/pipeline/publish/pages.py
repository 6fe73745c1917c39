"""Pages: one Jinja2 environment, site strings from approved catalogs, and the article, index
and root pages of a plan. Translator text is data: parsed as Markdown with raw HTML shown as
text, escaped by autoescape, never compiled as a template."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from markdown_it.token import Token
from markupsafe import Markup, escape

from i18n.formats.country import load_glossary
from i18n.formats.markdown import callout_kind, copy_token, markdown, translate_tokens
from i18n.model.article import CALLOUT_CONTEXT, CALLOUT_LABELS, Article
from i18n.model.country import Country
from i18n.model.locale import cldr_locale, language_tag
from i18n.model.manifest import NOT_FOUND, UNAVAILABLE
from i18n.pipeline.publish.bidi import _isolate_tokens, isolate, isolate_latin, isolate_ref
from i18n.pipeline.publish.cldrnames import country_name, language_name
from i18n.pipeline.publish.gate import ArticlePlan, LocalePlan, SitePlan
from i18n.pipeline.publish.resolve import Key, Resolved
from i18n.project import Project

_MD = markdown()  # same parser and renderer options as the source segmentation

# --- small helpers ------------------------------------------------------------------------


def _mark(children: list[Token], lang: str | None = None) -> list[Token]:
    """Preview highlight; ``lang`` when the marked text is the source standing in."""
    attrs = f' lang="{escape(lang)}"' if lang else ""
    return [
        Token("html_inline", "", 0, content=f'<mark class="unapproved"{attrs}>'),
        *children,
        Token("html_inline", "", 0, content="</mark>"),
    ]


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _script(name: str) -> str:
    """A script of the package's ``data/`` folder, as it is inlined (and hashed for the CSP)."""
    return (Path(__file__).parents[2] / "data" / name).read_text(encoding="utf-8").rstrip("\n")


# The healthcare-professional self-declaration: the head script hides the page until the
# visitor confirms (remembered for the browser session); without JavaScript the page shows a
# <noscript> declaration instead.
HCP_HEAD_SCRIPT = _script("hcp-head.js")
HCP_BODY_SCRIPT = _script("hcp-body.js")


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

    def __init__(
        self, resolved: dict[Key, Resolved] | None, preview: bool, source_tag: str = "en"
    ) -> None:
        self.resolved = resolved  # None: the source language (identity)
        self.preview = preview
        self.source_tag = source_tag  # declared on the source text a preview stands in with

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
            return _marked(fallback, self.source_tag)
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


def _marked(text: str, lang: str | None = None) -> Markup:
    if lang:
        return Markup('<mark class="unapproved" lang="{}">{}</mark>').format(lang, text)
    return Markup('<mark class="unapproved">{}</mark>').format(text)


@dataclass
class PageSpec:
    """A page before its template is filled: the template's name, its context (an article's
    body left out until the page is built) and the locale whose site strings it shows."""

    template: str
    ctx: dict[str, Any]
    lp: LocalePlan | None
    body: ArticlePlan | None = None  # the article whose body the page shows
    body_key: tuple[Any, ...] | None = None  # :meth:`Pages._body_key`, once known


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
        # a project's own templates/ written before these pages existed may lack them: then
        # those pages are not written (their addresses stay not found)
        for n in ("not_found", "unavailable"):
            with contextlib.suppress(TemplateNotFound):
                self.templates[n] = self.env.get_template(f"{n}.html")
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
        self.brand = project.settings.project_name
        self.source_tag = language_tag(project.source_language)
        self.brands = load_glossary(project).do_not_translate
        # the text a reviewer opened "in context" (:func:`site.preview_page`): (article slug,
        # segment key); its first appearance in the page is wrapped in <mark id="entry">
        self.focus: tuple[str, Key] | None = None
        self._focused = False
        self._bodies: dict[tuple[Any, ...], Markup] = {}
        self._dates: dict[tuple[str, dt.date], str] = {}
        self._sibling_cache: dict[str | None, list[LocalePlan]] = {}
        self._alternates: dict[str | None, list[dict[str, str]]] = {}
        self._siblings_for = plan.present
        self._strings_keys: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._strings_digests: dict[tuple[str, str] | None, str] = {}
        self._body_digests: dict[tuple[Any, ...], str] = {}  # forgotten with the bodies
        self._constants: tuple[tuple[str, str], dict[str, str]] | None = None

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
            # set by the page kinds that have them (see :meth:`Pages.head_links`)
            "canonical": "",
            "x_default": "",
            "legal": self.legal(lp),
        }

    def _strings(self, lp: LocalePlan) -> SiteStrings:
        return SiteStrings(None if lp.source else lp.site, self.plan.preview, self.source_tag)

    def url(self, path: str) -> str:
        return f"{self.site_url}/{path}"

    def _siblings(self, slug: str | None) -> list[LocalePlan]:
        """Locales where the same page (an article, or the index when slug is None) is shown
        (once per page name: the plan does not change while pages are built)."""
        if self._siblings_for is not self.plan.present:  # --country: set before pages
            self._sibling_cache, self._siblings_for = {}, self.plan.present
            self._alternates = {}
        if slug in self._sibling_cache:
            return self._sibling_cache[slug]
        out = []
        for lp in self.plan.locales:
            shown = self.plan.index_shown(lp) if slug is None else self.plan.shown(lp, slug)
            if shown:
                out.append(lp)
        self._sibling_cache[slug] = out
        return out

    def alternates(self, lp: LocalePlan, slug: str | None) -> list[dict[str, str]]:
        """hreflang links to the published, indexable siblings (none on noindex pages)."""
        if self.plan.preview or lp.professional:
            return []
        siblings = self._siblings(slug)  # first: it forgets the lists of another --country
        if slug not in self._alternates:  # the same for every locale that shows the page
            name = "index.html" if slug is None else f"{slug}.html"
            self._alternates[slug] = [
                {"hreflang": o.tag, "href": self.url(f"{o.folder}/{name}")}
                for o in siblings
                if not o.professional
            ]
        return self._alternates[slug]  # read, never changed: a page's and the sitemap's

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
        texts, unapproved = ap.front()  # the body is not parsed for them
        text = texts.get((ctx, src), src)
        html = isolate_latin(text, lp.rtl)
        if self.plan.preview and (ctx, src) in unapproved:
            html = _marked(html, None if (ctx, src) in texts else self.source_tag)
        if self.focus == (ap.article.slug, (ctx, src)):
            html = Markup(self._focus_open()) + html + Markup("</mark>")
        return text, html

    def _body(self, lp: LocalePlan, ap: ArticlePlan, key: tuple[Any, ...] | None = None) -> Markup:
        """The article's body in the page's language: parsed and rendered once for every
        page that shows the same texts, callout labels and direction (``de`` in DE, AT and
        CH; every English page), and reused. ``key``: its :meth:`_body_key`, when known."""
        if self.focus is not None:
            return self._render_body(lp, ap)
        key = key or self._body_key(lp, ap)
        body = self._bodies.get(key)
        if body is None:
            body = self._bodies[key] = self._render_body(lp, ap)
        return body

    def forget_bodies(self) -> None:
        self._bodies.clear()
        self._body_digests.clear()

    def _body_key(self, lp: LocalePlan, ap: ArticlePlan) -> tuple[Any, ...]:
        """Everything :meth:`_render_body` reads that differs between pages."""
        article = ap.article
        texts, marks = ap.texts_by_segment()  # a cached plan's: the body is not parsed
        strings = self._strings(lp)
        labels = tuple(
            str(strings.pgettext(CALLOUT_CONTEXT, CALLOUT_LABELS[kind]))
            for kind in article.summary().callouts
        )
        return (article.path, article.source_hash, lp.rtl, texts, marks, labels)

    def _render_body(self, lp: LocalePlan, ap: ArticlePlan) -> Markup:
        article = ap.article
        strings = self._strings(lp)
        tokens = translate_tokens(article, lambda ctx, msgid: ap.texts.get((ctx, msgid)))
        seg_at: dict[int, Any] = {}
        j = 0
        for i, tok in enumerate(article.tokens):
            if tok.type == "html_block":
                continue  # translate_tokens drops these
            if i in article.block_segments:
                seg_at[j] = article.block_segments[i]
            j += 1
        kind = ""
        for j, tok in enumerate(tokens):
            if tok.type == "table_open":  # scrolls sideways on a phone: keyboard-focusable
                tok.attrs = {**tok.attrs, "tabindex": "0"}  # (a copy: attrs are shared)
            if tok.type == "alert_open":
                kind = callout_kind(tok)
            if tok.type == "inline" and j > 0 and tokens[j - 1].type == "alert_title_open":
                # a callout's label: the site string, escaped (and marked in a preview) by
                # SiteStrings as in the templates, so translator text never becomes HTML
                label = strings.pgettext(CALLOUT_CONTEXT, CALLOUT_LABELS[kind])
                tok.children = [Token("html_inline", "", 0, content=str(label))]
                continue
            if tok.type != "inline" or not tok.children:
                continue
            _relative_images(tok.children, "../../")
            children = _isolate_tokens(tok.children) if lp.rtl else tok.children
            seg = seg_at.get(j)
            if self.plan.preview and seg is not None and seg.key in ap.unapproved:
                children = _mark(children, None if seg.key in ap.texts else self.source_tag)
            if seg is not None and self.focus == (article.slug, seg.key):
                children = [Token("html_inline", "", 0, content=self._focus_open()), *children]
                children.append(Token("html_inline", "", 0, content="</mark>"))
            tok.children = children
        return Markup(_MD.renderer.render(tokens, _MD.options, article.env))

    def _focus_open(self) -> str:
        """The opening tag around the focused text: with ``id="entry"`` the first time only."""
        first, self._focused = not self._focused, True
        return '<mark class="entry" id="entry">' if first else '<mark class="entry">'

    def _date(self, lp: LocalePlan, value: dt.date | None) -> str:
        if not value:
            return ""
        key = (lp.locale, value)
        if key not in self._dates:
            self._dates[key] = format_date(value, format="long", locale=cldr_locale(lp.locale))
        return self._dates[key]

    # -- pages

    def article(self, lp: LocalePlan, slug: str) -> str:
        return self.fill(self.article_spec(lp, slug))

    def article_spec(self, lp: LocalePlan, slug: str) -> PageSpec:
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
                "body": None,  # filled by :meth:`fill` when the page is built
                "related": related,
                "outdated": self._outdated(lp, ap),
                "registrations": [
                    {"product": isolate(name, lp.rtl), "number": isolate_ref(number, lp.rtl)}
                    for name, number in registrations(art, lp.country, self.brands)
                ],
            },
            "disclaimer": self._disclaimer(lp),
            "structured_data": self.structured_data_json(lp, slug),
        }
        ctx["page"].update(self.head_links(lp, slug))
        return PageSpec("article", ctx, lp, ap)

    def _outdated(self, lp: LocalePlan, ap: ArticlePlan) -> dict[str, Any] | None:
        """The notice of a page that shows an earlier English version's approved translation,
        linking the current English page of the same country when it is shown (another
        country's page may name products or claims this country's regulator has not seen)."""
        if ap.outdated is None:
            return None
        slug = ap.article.slug
        english = next(
            (
                {"href": f"../{o.language}/{slug}.html", "hreflang": o.tag}
                for o in self._siblings(slug)
                if o.country.code == lp.country.code and o.source
            ),
            None,
        )
        return {
            "updated": self._date(lp, ap.outdated.source_updated),
            "approved": self._date(lp, ap.outdated.approved_on),
            "english": english,
        }

    def _disclaimer(self, lp: LocalePlan) -> dict[str, Any] | None:
        disc = lp.disclaimer
        if disc is None:
            if not self.plan.preview:
                return None
            text = _marked("(no disclaimer for this language)", self.source_tag)
            return {"text": text, "reference": "-"}
        return {
            "text": isolate_latin(disc.text, lp.rtl),
            "reference": isolate_ref(disc.reference, lp.rtl),
        }

    def index(self, lp: LocalePlan) -> str:
        return self.fill(self.index_spec(lp))

    def index_spec(self, lp: LocalePlan) -> PageSpec:
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
        ctx["page"].update(self.head_links(lp, None))
        return PageSpec("index", ctx, lp)

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
        ctx["page"].update(self.head_links(None, None))
        SiteStrings(None, self.plan.preview).install(self.env)
        return self.templates["root"].render(ctx)

    @property
    def helper_kinds(self) -> frozenset[str]:
        """The kinds of helper page (manifest ``not-found``, ``unavailable``) whose templates
        this render has."""
        return frozenset(
            kind
            for kind, name in ((NOT_FOUND, "not_found"), (UNAVAILABLE, "unavailable"))
            if name in self.templates
        )

    # -- canonical, x-default, legal footer

    def x_default(self) -> str:
        """The page for a visitor whose language and region match no alternate: the country
        picker."""
        return self.url("index.html")

    def root_alternates(self) -> list[dict[str, str]]:
        """The country picker's hreflang cluster: every indexable locale's index page."""
        if self.plan.preview:
            return []
        return [
            {"hreflang": lp.tag, "href": self.url(f"{lp.folder}/index.html")}
            for lp in self._siblings(None)
            if not lp.professional
        ]

    def head_links(self, lp: LocalePlan | None, slug: str | None) -> dict[str, Any]:
        """``canonical`` (the page's own address), ``x_default`` and, for the country
        picker, its ``alternates``: on pages a search engine may index only (none in a
        preview or on a professional-audience page)."""
        if self.plan.preview or (lp is not None and lp.professional):
            return {}
        if lp is None:
            return {
                "canonical": self.url("index.html"),
                "x_default": self.x_default(),
                "alternates": self.root_alternates(),
            }
        name = "index.html" if slug is None else f"{slug}.html"
        return {"canonical": self.url(f"{lp.folder}/{name}"), "x_default": self.x_default()}

    def legal(self, lp: LocalePlan | None) -> list[dict[str, str]]:
        """The footer's legal links of the page's country and language (``legal`` in the
        country's YAML): kind (imprint, privacy, contact) and address."""
        if lp is None:
            return []
        return [{"kind": k, "href": url} for k, url in lp.country.legal_links(lp.language)]

    # -- structured data

    def structured_data(self, lp: LocalePlan, slug: str) -> dict[str, Any] | None:
        """schema.org ``MedicalWebPage`` of an article page, from what the page shows: the
        approved title and description, the source's reviewer and dates, the country's
        audience. None in a preview (drafts are never described to search engines)."""
        if self.plan.preview:
            return None
        ap = lp.articles[slug]
        art = ap.article
        meta = art.meta
        title = self._field(lp, ap, "title", meta.get("title"))[0]
        description = self._field(lp, ap, "description", meta.get("description"))[0]
        modified = art.updated or art.date
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "@id": self.url(f"{lp.folder}/{slug}.html"),
            "url": self.url(f"{lp.folder}/{slug}.html"),
            "name": title,
            "headline": title,
        }
        if description:
            data["description"] = description
        data["inLanguage"] = lp.tag
        data["audience"] = {
            "@type": "MedicalAudience",
            "audienceType": "Clinician" if lp.professional else "Patient",
            "geographicArea": {"@type": "Country", "name": country_name(lp)},
        }
        reviewer = str(meta.get("reviewed_by") or "").strip()
        if reviewer:
            data["reviewedBy"] = {"@type": "Person", "name": reviewer}
        if modified:
            data["lastReviewed"] = modified.isoformat()
            data["dateModified"] = modified.isoformat()
        if art.date:
            data["datePublished"] = art.date.isoformat()
        data["publisher"] = {"@type": "Organization", "name": self.brand, "url": self.url("")}
        return data

    def structured_data_json(self, lp: LocalePlan, slug: str) -> Markup | None:
        """:meth:`structured_data` as the text of a ``<script type="application/ld+json">``:
        ``<``, ``>`` and ``&`` escaped as JSON escapes, so no ``</script>`` (nor ``<!--``)
        inside a translation can end or bend the element."""
        data = self.structured_data(lp, slug)
        return None if data is None else Markup(json_script_text(data))

    # -- not found, not available in this language

    def published_elsewhere(self, lp: LocalePlan, slug: str) -> list[LocalePlan]:
        """The country's other languages in which the article is shown."""
        return [
            o
            for o in self._siblings(slug)
            if o.country.code == lp.country.code and o.language != lp.language
        ]

    def not_found(self, lp: LocalePlan | None) -> str:
        return self.fill(self.not_found_spec(lp))

    def not_found_spec(self, lp: LocalePlan | None) -> PageSpec:
        """``404.html``: the root one (source language) or a locale's. Served for any
        missing address, so every link on it is absolute."""
        page = self._page(lp, self.url(""), [], [], country_name(lp) if lp else "")
        page["noindex"] = True
        ctx = {
            "page": page,
            "country_index": self.url(f"{lp.folder}/index.html") if lp else "",
            "disclaimer": self._disclaimer(lp) if lp else None,
        }
        return PageSpec("not_found", ctx, lp)

    def unavailable(self, lp: LocalePlan, slug: str) -> str:
        return self.fill(self.unavailable_spec(lp, slug))

    def unavailable_spec(self, lp: LocalePlan, slug: str) -> PageSpec:
        """``<slug>.html`` of a locale where the article is withheld while another language
        of the country publishes it: site strings and language names only, never a word of
        the withheld translation."""
        page = self._page(lp, "../../", [], self.languages(lp, slug), country_name(lp))
        page["noindex"] = True
        ctx = {
            "page": page,
            "elsewhere": [
                {
                    "hreflang": o.tag,
                    "href": f"../{o.language}/{slug}.html",
                    "dir": "rtl" if o.rtl else "ltr",
                    "name": language_name(o.language),
                }
                for o in self.published_elsewhere(lp, slug)
            ],
            "disclaimer": self._disclaimer(lp),
        }
        return PageSpec("unavailable", ctx, lp)

    # -- filling a template, and what a page is built from

    def fill(self, spec: PageSpec) -> str:
        """The page's HTML: its body rendered (or reused), its template filled."""
        if spec.body is not None:
            assert spec.lp is not None
            spec.ctx["article"]["body"] = self._body(spec.lp, spec.body, self._spec_key(spec))
        lp = spec.lp
        strings = self._strings(lp) if lp else SiteStrings(None, self.plan.preview)
        strings.install(self.env)
        return self.templates[spec.template].render(spec.ctx)

    def fingerprint(self, spec: PageSpec) -> str:
        """A digest of everything the page's HTML is made of besides the templates, the code
        and the settings: its context, the site strings of its locale and, for an article,
        what its body is rendered from. Equal digests give equal pages (:mod:`.pagecache`)."""
        ctx = spec.ctx
        page = ctx.get("page")
        if isinstance(page, dict) and page.get("css") is not None:
            # what every page carries (style sheet, scripts, policy), by its digest
            ctx = {**ctx, "page": {**page, **self._constant_parts()}}
        parts: list[Any] = [spec.template, self.plan.preview, ctx, self._strings_digest(spec.lp)]
        if spec.body is not None:
            assert spec.lp is not None
            key = self._spec_key(spec)
            digest = self._body_digests.get(key)
            if digest is None:  # pages that show the same body share its digest
                digest = self._body_digests[key] = _digest_of(key)
            parts.append(digest)
        return _digest_of(parts)

    def _constant_parts(self) -> dict[str, str]:
        """The parts of a page's context every page carries, each as their one digest
        (computed again if the style sheet or the policy is set anew, as a preview does)."""
        of = (self.css, self.csp)
        if self._constants is None or self._constants[0] != of:
            digest = _digest_of((*of, HCP_HEAD_SCRIPT, HCP_BODY_SCRIPT))
            parts = dict.fromkeys(("css", "csp", "head_script", "body_script"), digest)
            self._constants = (of, parts)
        return self._constants[1]

    def _spec_key(self, spec: PageSpec) -> tuple[Any, ...]:
        """The :meth:`_body_key` of an article page, computed once (the fingerprint and the
        body both need it)."""
        assert spec.lp is not None and spec.body is not None
        if spec.body_key is None:
            spec.body_key = self._body_key(spec.lp, spec.body)
        return spec.body_key

    def _strings_digest(self, lp: LocalePlan | None) -> str:
        """:meth:`_strings_key`'s digest (every page of the locale asks for it)."""
        key = None if lp is None or lp.source else (lp.locale, lp.folder)
        if key not in self._strings_digests:
            self._strings_digests[key] = _digest_of(self._strings_key(lp))
        return self._strings_digests[key]

    def _strings_key(self, lp: LocalePlan | None) -> tuple[Any, ...]:
        """The site strings a locale's pages are filled with, their state and plural rule."""
        if lp is None or lp.source:
            return ()
        key = (lp.locale, lp.folder)
        if key not in self._strings_keys:
            self._strings_keys[key] = tuple(
                (
                    k,
                    r.entry.msgstr,
                    sorted(r.entry.msgstr_plural.items(), key=repr),
                    r.approved,
                    repr(getattr(r.plural_index, "__self__", None)),
                )
                for k, r in sorted(lp.site.items(), key=repr)
            )
        return self._strings_keys[key]


def _digest_of(value: Any) -> str:
    """The SHA-256 of ``value``'s ``repr`` (of strings, numbers, dates and containers)."""
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()


def json_script_text(data: Any) -> str:
    """JSON for a ``<script>`` data block: keys in a fixed order, UTF-8 kept, and ``<``,
    ``>``, ``&`` written as ``\\u003c`` etc. (still the same JSON value).

    >>> print(json_script_text({"name": "</script><!--"}))
    {"name": "\\u003c/script\\u003e\\u003c!--"}
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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


IMAGES_URL = "/images/"


def _relative_images(children: list[Token], root: str) -> None:
    """``/images/x.svg`` (an article's site-absolute image) -> ``../../images/x.svg``, so the
    site works from any folder or web path, and from disk."""
    for i, child in enumerate(children):
        src = child.attrGet("src") if child.type == "image" else None
        if isinstance(src, str) and src.startswith(IMAGES_URL):
            child = children[i] = copy_token(child)
            child.attrs = dict(child.attrs)
            child.attrSet("src", root + src[1:])

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

>>> from i18n.pipeline.publish.bidi import isolate_latin
>>> isolate_latin("يُستخدم جهاز Mantis في", rtl=True)
Markup('يُستخدم جهاز <bdi>Mantis</bdi> في')
>>> placeholder_problem("Published %(date)s", "", "Veröffentlicht am %(datum)s")
'placeholders differ from the source: %(date)s expected'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING

import polib

from i18n.errors import I18nError
from i18n.formats.visible import bidi_problem, vanishes
from i18n.model.article import Article
from i18n.model.country import Country, Disclaimer
from i18n.model.locale import cldr_locale, language_tag
from i18n.model.states import (
    TRANSLATED,
    UNTRANSLATED,
    is_translated,
)
from i18n.pipeline.claims import claim_patterns, find_claims
from i18n.pipeline.extract import site_pot
from i18n.pipeline.publish.history import History
from i18n.pipeline.publish.localedigest import LocaleInputs
from i18n.pipeline.publish.resolve import CatalogStore, Key, Resolved
from i18n.project import SITE_DOMAIN, Project

if TYPE_CHECKING:
    from i18n.pipeline.publish.plancache import PlanCache

COUNTRY_DIR_RE = re.compile(r"[a-z]{2}")
LANGUAGE_DIR_RE = re.compile(r"[a-z]{2,3}")
UNREADABLE = "catalogs could not be read"  # another country's, in a --country run
_PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]|%%")


def placeholder_problem(msgid: str, msgid_plural: str, msgstr: str) -> str | None:
    """Why a site-template translation cannot be used as a format string, or None.

    Jinja2's newstyle gettext formats every translation with ``%``: an unknown placeholder, a
    changed conversion (``%(reference)d`` for a text) or a stray ``%`` would break the page.
    A singular translation must keep every placeholder as written (a dropped
    ``%(reference)s`` would hide a regulatory reference); a plural form may drop the count.

    >>> placeholder_problem("Reference: %(reference)s", "", "Referenz: %(reference)d")
    'placeholders differ from the source: %(reference)s expected'
    """
    allowed = set(_PLACEHOLDER_RE.findall(msgid)) | set(_PLACEHOLDER_RE.findall(msgid_plural))
    allowed.discard("%%")
    if "%" in _PLACEHOLDER_RE.sub("", msgstr):
        return "a '%' that is not a placeholder (write %% for a percent sign)"
    used = set(_PLACEHOLDER_RE.findall(msgstr)) - {"%%"}
    if msgid_plural:
        allowed |= {"%(num)s", "%(num)d"}
        extra = used - allowed
        if extra:
            return "unknown placeholders: " + ", ".join(sorted(extra))
        return None
    if used != allowed:
        return (
            "placeholders differ from the source: "
            + (", ".join(sorted(allowed)) or "none")
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


# --- the plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outdated:
    """A page that shows the last approved translation of an earlier English version."""

    commit: str  # the git commit of the English version the page translates
    source_updated: dt.date  # when the English original was updated (after that version)
    approved_on: dt.date  # when the last text of that version was approved
    pending: tuple[str, ...]  # why the current English version is not published yet


# A cached plan's texts and marks by the index of their segment (:mod:`.plancache`): made
# into keys only when a page is built, so that a kept page never parses its article.
ByIndex = tuple[list[str | None], list[int]]
# Where a cached plan's texts and approval hashes are, when they have not been read: a
# locale whose pages are all kept never reads them (:mod:`.plancache`).
Stored = Callable[[], tuple[list[str | None], list[str]]]


@dataclass
class ArticlePlan:
    article: Article  # the version the page shows (an earlier one on an outdated page)
    reasons: list[str] = field(default_factory=list)
    _texts: dict[Key, str] = field(default_factory=dict)  # what the page shows, per segment
    _unapproved: set[Key] = field(default_factory=set)  # shown but not approved (preview)
    _hashes: list[str] = field(default_factory=list)  # the approvals of the texts shown
    outdated: Outdated | None = None
    forbidden: bool = False  # approved text matches forbidden wording: withdrawn at once
    by_index: ByIndex | None = field(default=None, repr=False)  # not yet made into keys
    stored: Stored | None = field(default=None, repr=False)  # texts and hashes not yet read
    # where the texts and hashes are kept once stowed (:meth:`stow`): read again after
    # :meth:`forget`; and the indexes of the unapproved segments, which stay in memory
    source: Stored | None = field(default=None, repr=False)
    _unapproved_at: list[int] = field(default_factory=list, repr=False)

    @property
    def texts(self) -> dict[Key, str]:
        self._keyed()
        return self._texts

    @property
    def unapproved(self) -> set[Key]:
        self._keyed()
        return self._unapproved

    @property
    def hashes(self) -> list[str]:
        self.read_stored()
        return self._hashes

    def front(self) -> tuple[dict[Key, str], set[Key]]:
        """The texts and marks of the front matter's segments (title, description, category,
        keywords), without parsing the article's body."""
        self.read_stored()
        if self.by_index is None:
            return self._texts, self._unapproved  # front-matter keys are no body segment's
        texts, unapproved = self.by_index
        front = self.article.front
        shown = {s.key: t for s, t in zip(front, texts, strict=False) if t is not None}
        return shown, {front[i].key for i in unapproved if i < len(front)}

    def texts_by_segment(self) -> tuple[tuple[str | None, ...], tuple[bool, ...]]:
        """The text (None: the source's) and mark of each segment, in the article's order;
        from a cached plan without parsing the article's body."""
        self.read_stored()
        if self.by_index is not None:
            texts, unapproved = self.by_index
            marked = set(unapproved)
            return tuple(texts), tuple(i in marked for i in range(len(texts)))
        segments = self.article.segments
        return (
            tuple(self._texts.get(seg.key) for seg in segments),
            tuple(seg.key in self._unapproved for seg in segments),
        )

    def read_stored(self) -> None:
        """Read a cached plan's texts and hashes (once)."""
        if self.stored is None or self.by_index is None:
            return
        texts, self._hashes = self.stored()
        self.by_index = (texts, self.by_index[1])
        self.stored = None

    def stow(self, source: Stored, unapproved: list[int]) -> None:
        """Keep the texts and hashes only where ``source`` reads them (the plan cache's file
        of the locale's texts): they are released now and read again when first needed.
        ``unapproved``: the indexes of the segments shown unapproved."""
        self.source, self._unapproved_at = source, unapproved
        self.forget()

    def forget(self) -> None:
        """Release the texts and hashes of a stowed plan (read again when next needed), so
        that a render holds the texts of the pages it is building, not the library's."""
        if self.source is None:
            return
        self.stored, self.by_index = self.source, ([], list(self._unapproved_at))
        self._texts, self._unapproved, self._hashes = {}, set(), []

    def _keyed(self) -> None:
        """The texts and marks by segment key (parsing the article if it was not)."""
        self.read_stored()
        if self.by_index is None:
            return
        texts, unapproved = self.by_index
        segments = self.article.segments
        self._texts = {s.key: t for s, t in zip(segments, texts, strict=True) if t is not None}
        self._unapproved = {segments[i].key for i in unapproved}
        self.by_index = None

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
    direction: str | None = None  # "rtl" or "ltr" once known (kept by :mod:`.plancache`)

    @property
    def tag(self) -> str:
        return language_tag(self.locale)

    @cached_property
    def folder(self) -> str:  # asked for every page, many times a render
        return f"{self.country.slug}/{self.language}"

    @property
    def rtl(self) -> bool:
        if self.direction is None:
            self.direction = "rtl" if _is_rtl(self.locale) else "ltr"
        return self.direction == "rtl"

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
        return any(self.published(s) for s in self.articles)


@dataclass
class SitePlan:
    locales: list[LocalePlan]
    articles: dict[str, Article]
    today: dt.date
    preview: bool
    # ``--country``: other countries' pages count only where an earlier render left them
    present: Callable[[LocalePlan, str], bool] | None = None
    planned: int = 0  # (locale, article) plans made in this run
    reused: int = 0  # (locale, article) plans taken from the plan cache
    opened: list[str] = field(default_factory=list)  # locales (ch/de) planned from catalogs
    read: set[str] = field(default_factory=set)  # catalog locales (de_CH) whose files were read

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


def _plan_article(
    article: Article, lp: LocalePlan, store: CatalogStore, history: History | None
) -> ArticlePlan:
    """What one article shows in one locale, and why it may not be published. ``history``
    (publish renders) lets a page whose English changed keep its last approved version."""
    ap = ArticlePlan(article, _product_reasons(article, lp.country))
    if lp.source:
        ap.reasons += _claim_reasons([s.msgid for s in article.segments], lp)
        return ap
    products = bool(ap.reasons)  # an unavailable product withdraws at once, any version
    _plan_texts(ap, lp, store)
    if ap.ok or products or ap.forbidden or history is None:
        return ap  # forbidden wording in approved text withdraws at once too
    if lp.country.outdated == "withdraw":
        ap.reasons.append(f"{lp.country.path} says outdated: withdraw")
        return ap
    return _plan_outdated(ap, lp, store, history) or ap


def _plan_texts(ap: ArticlePlan, lp: LocalePlan, store: CatalogStore) -> None:
    """The texts of ``ap.article`` from the locale's catalogs, and what keeps them back."""
    article = ap.article
    resolved = store.resolve(lp.locale, article.slug)
    missing: list[str] = []
    states: dict[str, int] = {}
    links: list[str] = []
    vanished: list[str] = []
    for seg in article.segments:
        res = resolved.get(seg.key)
        if res is None or res.state == UNTRANSLATED:
            missing.append(seg.msgid)
            states[UNTRANSLATED] = states.get(UNTRANSLATED, 0) + 1
            ap.unapproved.add(seg.key)
            continue
        text = res.entry.msgstr
        problem = (
            "vanished" if res.entry.msgid_plural else _unshowable(seg.msgid, text, article, store)
        )
        if problem:
            # a plural entry for a block, nothing a reader sees, or bidi controls that
            # reorder it: never shown, even when approved with --override; changed links:
            # never shown, not even in a preview (the source text stands in)
            (vanished if problem == "vanished" else links).append(seg.msgid)
            ap.unapproved.add(seg.key)
            continue
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
    ap.reasons += _shown_reasons(ap, lp, vanished, links)


def _unshowable(msgid: str, text: str, article: Article, store: CatalogStore) -> str | None:
    """Why a translation may not be drawn: "vanished" (nothing of its block would show, or
    bidi controls would reorder it) or "links" (its links differ from the source's)."""
    if _vanishes(msgid, text):
        return "vanished"
    if text != msgid and store.links(article, text) != store.links(article, msgid):
        return "links"  # (the source's own text has the source's links)
    return None


def _shown_reasons(
    ap: ArticlePlan, lp: LocalePlan, vanished: list[str], links: list[str]
) -> list[str]:
    reasons = []
    if vanished:
        reasons.append(
            f"{len(vanished)} translation(s) would draw nothing of their source block, carry "
            "bidi controls that reorder it, or are plural entries where the template has none "
            f"(first: {_short(vanished[0])!r})"
        )
    if links:
        reasons.append(
            f"{len(links)} translation(s) change the source's links (first: {_short(links[0])!r})"
        )
    approved = [text for key, text in ap.texts.items() if key not in ap.unapproved]
    claims = _claim_reasons(approved, lp)
    ap.forbidden = bool(claims)
    ap.hashes.sort()
    return reasons + claims


def _plan_outdated(
    current: ArticlePlan, lp: LocalePlan, store: CatalogStore, history: History
) -> ArticlePlan | None:
    """The page of the newest earlier English version whose every text has a signed approval
    that holds, when that version may still be shown; None when no version was ever approved.
    A version that was approved but may not be shown (a safety update since, forbidden
    wording, changed links, a product unavailable) withholds the page with its reasons."""
    article = current.article
    texts = store.approved_texts(lp.locale, article.slug)
    if not texts:
        return None  # nothing of the article was ever approved here: no history to read
    settings = store.project.settings
    for version in history.earlier(article):
        old = version.article
        if any(seg.key not in texts for seg in old.segments):
            continue  # never fully approved: look further back
        vp = ArticlePlan(old, _product_reasons(old, lp.country))
        links: list[str] = []
        vanished: list[str] = []
        approved_on: list[dt.date] = []
        for seg in old.segments:
            event = texts[seg.key]
            problem = _unshowable(seg.msgid, event.msgstr, old, store)
            if problem:
                (vanished if problem == "vanished" else links).append(seg.msgid)
                continue
            vp.texts[seg.key] = event.msgstr
            vp.hashes.append(event.hash)
            approved_on.append(settings.local_date(event.time))
        vp.reasons += _shown_reasons(vp, lp, vanished, links)
        safety = article.safety_update
        if safety is not None and min(approved_on, default=safety) < safety:
            vp.reasons.append(
                f"safety update of {safety.isoformat()} in {article.path}: the translation "
                f"approved before it is withdrawn until the new text is approved"
            )
        if vp.reasons:
            current.reasons.append(
                f"the version approved for the English of {version.committed.date()} "
                f"({version.commit[:12]}) is not kept: {'; '.join(vp.reasons)}"
            )
            return None
        since = history.current_since(article)
        updated = article.updated
        if updated is None or updated == old.updated:
            updated = since.astimezone(settings.zone).date() if since else settings.today()
        vp.outdated = Outdated(version.commit, updated, max(approved_on), tuple(current.reasons))
        return vp
    return None


@lru_cache(maxsize=1 << 16)
def _vanishes(msgid: str, text: str) -> bool:
    """:func:`vanishes` or a :func:`bidi_problem`, once per text in a render (every country
    of a language shows the same texts)."""
    return vanishes(msgid, text) or bool(bidi_problem(text))


@cache
def _is_rtl(locale: str) -> bool:
    """Babel's text direction of a locale (Arabic: rtl); asked for every page and token run."""
    return cldr_locale(locale).text_direction == "rtl"


def _claim_reasons(texts: Iterable[str], lp: LocalePlan) -> list[str]:
    """Fail closed on wording the country forbids (its claims and the built-in risky list):
    an approval does not make "guaranteed" publishable."""
    patterns = tuple(claim_patterns(lp.country, lp.language))
    if not patterns:
        return []
    for text in texts:
        hit = _first_claim(patterns, text)
        if hit:
            pattern, snippet = hit
            return [f"text matches forbidden wording /{pattern}/ in {snippet!r}; see i18n check"]
    return []


@lru_cache(maxsize=1 << 16)
def _first_claim(patterns: tuple[re.Pattern[str], ...], text: str) -> tuple[str, str] | None:
    """The first forbidden wording in ``text``, once per text and set of patterns in a
    render (countries that share a language and its rules share the answer)."""
    hits = find_claims(text, list(patterns))
    return hits[0] if hits else None


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def site_messages(project: Project) -> list[polib.POEntry]:
    """The strings the site templates use, read from the templates themselves."""
    return [e for e in site_pot(project) if e.msgid]


def _plan_site_strings(lp: LocalePlan, store: CatalogStore, messages: list[polib.POEntry]) -> None:
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
    # an approval (even with --override) never publishes forbidden wording, site strings too
    approved = [
        form
        for res in usable.values()
        if res.approved
        for form in (
            res.entry.msgstr_plural.values() if res.entry.msgid_plural else [res.entry.msgstr]
        )
    ]
    lp.reasons += [f"site.po: {reason}" for reason in _claim_reasons(approved, lp)]


def plan_site(
    project: Project,
    articles: list[Article],
    countries: list[Country],
    today: dt.date,
    preview: bool = False,
    only: str | None = None,
    cache: PlanCache | None = None,
) -> SitePlan:
    """Decide, with reasons, what every country and language may publish. With ``only`` (a
    country code), a catalog of another country that cannot be read withholds that
    country's locale instead of stopping the run. With ``cache`` (the render's
    :mod:`.plancache`), a plan whose inputs are those of an earlier run is taken from it."""
    store = CatalogStore(project)
    history = None if preview else History(project)
    plan = SitePlan([], {a.slug: a for a in articles}, today, preview)
    try:
        planner = Planner(project, store, history, plan, cache)
        if cache is not None:
            planner.inputs = LocaleInputs(project, articles, today, history, cache.files)
        plan.locales = _plan_locales(articles, countries, today, planner, only)
        plan.read = store.read
    finally:
        if history is not None:
            history.close()
    return plan


@dataclass
class Planner:
    """Plans one locale's site strings and one (locale, article) at a time, through the plan
    cache when there is one, counting the plans made and reused."""

    project: Project
    store: CatalogStore
    history: History | None
    plan: SitePlan
    cache: PlanCache | None = None
    inputs: LocaleInputs | None = None  # the locales' digests, with a cache
    _messages: list[polib.POEntry] | None = None
    _told: int = 0  # the project's messages before the locale being planned

    def open(self, lp: LocalePlan) -> None:
        """Before ``lp`` is planned: read its shard of the plan cache."""
        self._told = len(self.project.messages)
        if self.cache is not None and self.inputs is not None:
            c = lp.country
            digest = self.inputs.digest(c.path, c.code, lp.language, lp.locale, lp.source)
            self.cache.open(lp, digest)

    def done(self, lp: LocalePlan, failed: bool) -> None:
        """After ``lp`` is planned: count it as opened when its catalogs were needed."""
        if self.cache is None or self.cache.opened(lp):
            self.plan.opened.append(lp.folder)
        if self.cache is None:
            return
        if failed:
            self.cache.failed(lp)
        elif len(self.project.messages) != self._told:
            # reading it warned (an unreadable ledger line): it is opened again at every
            # render, so that the warnings are given as a render without a cache gives them
            self.cache.noisy(lp)
        else:
            self.cache.planned(lp)

    def messages(self) -> list[polib.POEntry]:
        if self._messages is None:  # the templates are parsed only when a plan needs them
            self._messages = site_messages(self.project)
        return self._messages

    def site_strings(self, lp: LocalePlan) -> None:
        if lp.source:
            return

        def make() -> None:
            _plan_site_strings(lp, self.store, self.messages())

        if self.cache is None:
            make()
        else:
            self.cache.site_strings(lp, self.store, make)

    def article(self, article: Article, lp: LocalePlan) -> ArticlePlan:
        made = []

        def make() -> ArticlePlan:
            made.append(True)
            return _plan_article(article, lp, self.store, self.history)

        if self.cache is None:
            ap = make()
        else:
            ap = self.cache.article(article, lp, self.store, self.history, make)
        if made:
            self.plan.planned += 1
        else:
            self.plan.reused += 1
        return ap


def _plan_locales(
    articles: list[Article],
    countries: list[Country],
    today: dt.date,
    planner: Planner,
    only: str | None,
) -> list[LocalePlan]:
    """The plans in the countries' order, made one language at a time (``de`` with
    ``de_AT`` and ``de_CH``): each language's catalogs and ledgers are released when its
    last locale is planned, so memory holds one language, not the whole library."""
    pairs: list[tuple[Country, str]] = []
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
            pairs.append((country, language))
    groups: dict[str, list[int]] = {}
    for n, (country, language) in enumerate(pairs):
        groups.setdefault(country.locale(language).split("_")[0], []).append(n)
    plans: dict[int, LocalePlan] = {}
    for group, members in groups.items():
        for n in members:
            country, language = pairs[n]
            plans[n] = _plan_locale(country, language, articles, today, planner, only)
        planner.store.release(group)
    return [plans[n] for n in range(len(pairs))]


def _plan_locale(
    country: Country,
    language: str,
    articles: list[Article],
    today: dt.date,
    planner: Planner,
    only: str | None,
) -> LocalePlan:
    lp = LocalePlan(
        country,
        language,
        country.locale(language),
        language == planner.project.source_language,
        country.disclaimers.get(language),
    )
    lp.reasons.extend(_disclaimer_reasons(country, language, today))
    planner.open(lp)
    try:
        planner.site_strings(lp)
        for article in articles:
            lp.articles[article.slug] = planner.article(article, lp)
    except I18nError as exc:
        planner.done(lp, failed=True)
        if only is None or country.code == only:
            raise
        # another country's broken catalog does not stop this one: its pages are
        # withheld (fail closed), naming the file and line
        lp.reasons.append(f"{UNREADABLE}: {exc}")
        lp.articles = {a.slug: ArticlePlan(a, ["not planned"]) for a in articles}
        return lp
    planner.done(lp, failed=False)
    return lp

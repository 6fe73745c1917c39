"""The render's plan cache: the plan of each (country, language, article) and of each
locale's site strings, kept from the last render, so that a render plans again only what its
inputs changed (and parses only the catalogs those plans read).

It lives in one shard per locale, ``.cache/i18n/plan/<mode>/<cc>-<lang>.json`` (mode
``publish`` or ``preview``; git-ignored), each a :class:`~i18n.formats.runcache.RunRecord`
**sealed** with this machine's cache key
(:mod:`i18n.formats.localkey`): the plan decides what is published, so a record that does not
carry the seal (forged, edited, another machine's) is empty, and without a trustworthy key
there is no cache at all. Values are JSON, never pickles. ``i18n check`` never reads it: the
check proves the written site with plans of its own, and keeps them in a cache of its own
(the same shards under ``.cache/i18n/check/plan/``, :meth:`PlanCache.for_check`, sealed
under another key: a shard of either is never taken by the other).

The record's key is the code and data of the ``i18n`` package, the versions of the libraries
that shape a plan, the settings and the mode (publish or preview). Each plan is kept under a
digest of exactly what it reads:

- an article's plan: the article (its path and the SHA-256 of its bytes: segments, front
  matter, link definitions), the country's code, file path, outdated policy, the status of
  each product the article names and the forbidden wording of the language, and, for a
  translated locale, the bytes of the article's catalog in each locale of the fallback chain
  and the approvals that hold for it there (:meth:`CatalogStore.inputs`: the events of the
  verified ledger, so people.yaml and the signatures count through them). A plan that looked
  at the article's git history (an outdated page, :mod:`.history`) also keeps a digest of the
  commits that touched the article and of today's date, and is reused only when both match;
- a locale's site strings: the bytes of the site templates, the language's forbidden wording
  and the site catalogs and approvals along the chain.

A shard also holds the digest of everything its locale's plans read (:mod:`.localedigest`,
from file bytes). When that digest is this render's, the locale's plans are taken as they
are, without a plan key: its catalogs and ledgers are not opened. Otherwise each plan goes
through its own key as above. A render reads only the shards of the locales it plans.

A disclaimer (its dates, reference) is checked per locale at every render and is not part of
any cached plan.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polib

from i18n.formats.filedigests import FileDigests
from i18n.formats.runcache import RunRecord, code_key
from i18n.model.article import Article
from i18n.model.plurals import GERMANIC, PluralRule, parse_plural_forms
from i18n.pipeline.claims import claim_patterns
from i18n.pipeline.extract import template_files
from i18n.pipeline.publish.gate import ArticlePlan, LocalePlan, Outdated
from i18n.pipeline.publish.history import History
from i18n.pipeline.publish.resolve import CatalogStore, Key, Resolved
from i18n.project import SITE_DOMAIN, Project

FORMAT = 1
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "polib", "babel", "pyyaml")

# a record's entry: name -> [digest of the plan's inputs, the plan as JSON]
Entry = list[Any]
BAD_ENTRY = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def plan_key(project: Project, preview: bool, owner: str = "render") -> str:
    """What every plan depends on besides its own inputs (``owner``: whose cache)."""
    name = "plan cache" if owner == "render" else f"{owner} plan cache"
    return code_key(f"{name} {FORMAT}", LIBRARIES, project.settings, preview)


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


@dataclass
class Shard:
    """One locale's plans: ``.cache/i18n/plan/<mode>/<cc>-<lang>.json``, sealed, holding the
    digest of the locale's inputs (:mod:`.localedigest`) and its plans by name."""

    record: RunRecord
    digest: str  # this render's digest of the locale's inputs
    plans: dict[str, Entry]  # the last render's plans
    warm: bool  # the last render's digest is this one's: plans are taken as they are
    entries: dict[str, Entry] = field(default_factory=dict)  # this render's plans
    opened: bool = False  # a plan needed its own key (the locale's catalogs were read)
    failed: bool = False  # the locale could not be planned: its shard is not written
    unchanged: bool = False  # its plans are the saved ones: released, not written again

    @classmethod
    def load(cls, path: Path, key: str, digest: str, root: Path) -> Shard:
        record = RunRecord.load_sealed(path, key, root)
        plans = record.entries.get("plans")
        if not isinstance(plans, dict):
            return cls(record, digest, {}, False)
        warm = bool(digest) and record.entries.get("locale") == digest
        return cls(record, digest, plans, warm)

    def cached(self, name: str, key: str | None) -> Any:
        """The last render's plan of ``name`` (only under ``key``; any when None: warm)."""
        entry = self.plans.get(name)
        if isinstance(entry, list) and len(entry) == 2 and key in (None, entry[0]):
            return entry[1]
        return None


@dataclass
class PlanCache:
    project: Project
    preview: bool
    key: str
    folder: Path  # the shards' folder: <cache>/plan/<mode>
    shards: dict[str, Shard] = field(default_factory=dict)  # by locale folder (ch/de)
    # the digests of the files the locales' digests read, kept by their stat
    files: FileDigests | None = None
    _templates: str | None = None

    @classmethod
    def load(cls, project: Project, preview: bool) -> PlanCache:
        """The plan cache of renders in this mode: each locale's shard is read when the
        locale is planned (:meth:`open`); a shard made by other code or settings, or one
        that does not carry this machine's seal, is empty."""
        mode = "preview" if preview else "publish"
        folder = project.cache_dir / "plan" / mode
        files = FileDigests.open(project.root, project.cache_dir)
        return cls(project, preview, plan_key(project, preview), folder, files=files)

    @classmethod
    def for_check(cls, project: Project, files: FileDigests) -> PlanCache:
        """The check's own plan cache (publish plans, ``.cache/i18n/check/plan/``): the
        check proves what the render wrote, so it never takes the render's plans, only
        those an earlier check made itself (nor the render's ``files``: its own)."""
        folder = project.cache_dir / "check" / "plan"
        return cls(project, False, plan_key(project, False, "check"), folder, files=files)

    def open(self, lp: LocalePlan, digest: str) -> bool:
        """Read ``lp``'s shard; True when its inputs' digest is the last render's (its plans
        are then taken without reading a catalog or a ledger)."""
        path = self.folder / f"{lp.country.slug}-{lp.language}.json"
        shard = Shard.load(path, self.key, digest, self.project.root)
        self.shards[lp.folder] = shard
        return shard.warm

    def opened(self, lp: LocalePlan) -> bool:
        """Whether a plan of ``lp`` was made or keyed from its catalogs in this render."""
        shard = self.shards.get(lp.folder)
        return shard is None or not shard.warm or shard.opened

    def digest(self, lp: LocalePlan) -> str | None:
        """This render's digest of ``lp``'s inputs, when its plans are a function of it: none
        for a locale whose planning warned or failed, or that was planned without one."""
        shard = self.shards.get(lp.folder)
        if shard is None or shard.failed or shard.digest in ("", "noisy"):
            return None
        return shard.digest

    def planned(self, lp: LocalePlan) -> None:
        """``lp`` is planned: a shard that would be saved as it is is released now (its plans
        live on in the site plan), so that planning holds one locale's JSON, not all."""
        shard = self.shards.get(lp.folder)
        if shard is None or shard.failed or shard.unchanged:
            return
        if {"locale": shard.digest, "plans": shard.entries} == shard.record.entries:
            shard.unchanged = True
            shard.plans, shard.entries, shard.record.entries = {}, {}, {}

    def noisy(self, lp: LocalePlan) -> None:
        """Planning ``lp`` warned: its shard is never taken as it is (only plan by plan)."""
        if lp.folder in self.shards:
            self.shards[lp.folder].digest = "noisy"

    def failed(self, lp: LocalePlan) -> None:
        """``lp`` could not be planned: keep its last shard as it is."""
        if lp.folder in self.shards:
            self.shards[lp.folder].failed = True

    def save(self) -> None:
        """Keep this run's plans of each locale planned (and only them) for the next render;
        a shard whose content is the same is not written again. The shards are emptied
        (their digests stay): call it once, when the planning is done. The single record of earlier
        versions (``plan/publish.json``) is removed."""
        if self.folder.parent == self.project.cache_dir / "plan":
            self.folder.with_suffix(".json").unlink(missing_ok=True)
        if self.files is not None:
            self.files.save()
        for shard in self.shards.values():
            value = {"locale": shard.digest, "plans": shard.entries}
            if not shard.failed and not shard.unchanged and value != shard.record.entries:
                shard.record.save(value)
            # the plans live on in the site plan: their JSON is not held through the render
            shard.plans, shard.entries, shard.record.entries = {}, {}, {}

    def _shard(self, lp: LocalePlan) -> Shard:
        if lp.folder not in self.shards:  # planned without a digest: plans by their keys
            self.open(lp, "")
        return self.shards[lp.folder]

    # --- an article in a locale -------------------------------------------------------------

    def article(
        self,
        article: Article,
        lp: LocalePlan,
        store: CatalogStore,
        history: History | None,
        make: Callable[[], ArticlePlan],
    ) -> ArticlePlan:
        """The plan of ``article`` in ``lp``: the cached one when its inputs are the same,
        else ``make()``'s (kept for the next render)."""
        shard = self._shard(lp)
        name = f"{lp.folder}/{article.slug}"
        shared = store.shared
        if shard.warm:
            value = shard.cached(name, None)
            ap = None if value is None else _reuse(value, article, history, self.project, shared)
            if ap is not None:
                shard.entries[name] = shard.plans[name]
                return ap
        shard.opened = True
        key = self._article_key(article, lp, store, history is None)
        value = shard.cached(name, key)
        if value is not None:
            ap = _reuse(value, article, history, self.project, shared)
            if ap is not None:
                shard.entries[name] = [key, value]
                return ap
        asked = history.asked if history is not None else 0
        ap = make()
        used = history is not None and history.asked != asked
        read = _history_key(article, history, self.project) if used else None
        shard.entries[name] = [key, _article_json(ap, read)]
        return ap

    def _article_key(
        self, article: Article, lp: LocalePlan, store: CatalogStore, no_history: bool
    ) -> str:
        country = lp.country
        products = [(pid, repr(country.products.get(pid))) for pid in article.products]
        return _digest(
            "article",
            article.slug,
            article.path,
            article.source_hash,
            country.code,
            country.path,
            country.outdated,
            lp.language,
            lp.locale,
            lp.source,
            no_history,  # a preview: an outdated page is never looked for
            products,
            _claims_key(lp),
            None if lp.source else store.inputs(lp.locale, article.slug),
        )

    # --- a locale's site strings -------------------------------------------------------------

    def site_strings(self, lp: LocalePlan, store: CatalogStore, make: Callable[[], None]) -> None:
        """Plan ``lp``'s site strings (``lp.site``, ``lp.site_hashes`` and the reasons they
        add), from the cache when their inputs are the same, else with ``make()``."""
        shard = self._shard(lp)
        name = lp.folder
        if shard.warm:
            value = shard.cached(name, None)
            if value is not None and _restore_site(lp, value):
                shard.entries[name] = shard.plans[name]
                return
        shard.opened = True
        key = _digest(
            "site",
            self.templates(),
            lp.locale,
            lp.language,
            _claims_key(lp),
            store.inputs(lp.locale, SITE_DOMAIN),
        )
        value = shard.cached(name, key)
        if value is not None and _restore_site(lp, value):
            shard.entries[name] = [key, value]
            return
        before = len(lp.reasons)
        make()
        value = {
            "reasons": lp.reasons[before:],
            "site": [_resolved_json(k, res) for k, res in lp.site.items()],
            "hashes": lp.site_hashes,
        }
        shard.entries[name] = [key, value]

    def templates(self) -> str:
        """A digest of the site templates (their names and bytes): the site strings."""
        if self._templates is None:
            digest = hashlib.sha256()
            for file in template_files(self.project):
                digest.update(self.project.rel(file).encode() + b"\0")
                digest.update(hashlib.sha256(file.read_bytes()).digest())
            self._templates = digest.hexdigest()
        return self._templates


def _claims_key(lp: LocalePlan) -> list[tuple[str, int]]:
    return [(p.pattern, p.flags) for p in claim_patterns(lp.country, lp.language)]


def _history_key(article: Article, history: History | None, project: Project) -> str | None:
    """What an outdated page's plan read besides the catalogs: the article's commits, and
    today (an uncommitted article's English counts as updated today)."""
    if history is None:
        return None
    return _digest(history.log_digest(article), project.settings.today().isoformat())


# --- plans as JSON ---------------------------------------------------------------------------


def _article_json(ap: ArticlePlan, history: str | None) -> dict[str, Any]:
    old = ap.outdated
    return {
        "reasons": ap.reasons,
        # by segment of the article the page shows (its msgids are not written again)
        "texts": [ap.texts.get(seg.key) for seg in ap.article.segments],
        "unapproved": [i for i, seg in enumerate(ap.article.segments) if seg.key in ap.unapproved],
        "hashes": ap.hashes,
        "forbidden": ap.forbidden,
        "outdated": None
        if old is None
        else {
            "commit": old.commit,
            "source_updated": old.source_updated.isoformat(),
            "approved_on": old.approved_on.isoformat(),
            "pending": list(old.pending),
        },
        "history": history,
    }


def _reuse(
    value: Any,
    article: Article,
    history: History | None,
    project: Project,
    shared: dict[str, str] | None = None,
) -> ArticlePlan | None:
    """The cached plan, or None when it cannot be used (the history it read changed, or it
    is not what this code writes). Its texts and hashes are taken through ``shared`` (one
    string object per distinct value: the countries of a language show the same texts)."""
    one = shared if shared is not None else {}
    try:
        if value["history"] is not None and value["history"] != _history_key(
            article, history, project
        ):
            return None
        shown, outdated = article, None
        old = value["outdated"]
        if old is not None:
            version = history.version(article, old["commit"]) if history else None
            if version is None:
                return None
            shown = version
            outdated = Outdated(
                str(old["commit"]),
                dt.date.fromisoformat(old["source_updated"]),
                dt.date.fromisoformat(old["approved_on"]),
                tuple(str(p) for p in old["pending"]),
            )
        count = shown.summary().count  # known without parsing an article checked before
        texts = [None if t is None else one.setdefault(str(t), str(t)) for t in value["texts"]]
        unapproved = [int(i) for i in value["unapproved"]]
        if len(texts) != count or not all(0 <= i < count for i in unapproved):
            return None
        return ArticlePlan(
            shown,
            [str(r) for r in value["reasons"]],
            hashes=[one.setdefault(str(h), str(h)) for h in value["hashes"]],
            outdated=outdated,
            forbidden=bool(value["forbidden"]),
            by_index=(texts, unapproved),
        )
    except BAD_ENTRY:
        return None


def _resolved_json(key: Key, res: Resolved) -> list[Any]:
    entry = res.entry
    rule = getattr(res.plural_index, "__self__", GERMANIC)
    plural = [[n, text] for n, text in entry.msgstr_plural.items()]
    return [
        key[0],
        key[1],
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural,
        entry.msgstr,
        plural,
        res.catalog,
        res.state,
        res.hash,
        rule.header,
    ]


def _restore_site(lp: LocalePlan, value: Any) -> bool:
    """Set ``lp``'s site strings from a cached plan; False (``lp`` untouched) when it is not
    what this code writes."""
    try:
        site: dict[Key, Resolved] = {}
        for ctx, msgid, *row in value["site"]:
            entry_ctx, entry_id, plural_id, msgstr, plural, catalog, state, digest, rule = row
            entry = polib.POEntry(
                msgctxt=entry_ctx,
                msgid=entry_id,
                msgid_plural=plural_id,
                msgstr=msgstr,
                msgstr_plural={n: text for n, text in plural},
            )
            site[(ctx, msgid)] = Resolved(entry, catalog, state, digest, _rule(rule).index)
        reasons = [str(r) for r in value["reasons"]]
        hashes = [str(h) for h in value["hashes"]]
    except BAD_ENTRY:
        return False
    lp.site, lp.site_hashes = site, hashes
    lp.reasons.extend(reasons)
    return True


@cache
def _rule(header: str) -> PluralRule:
    return parse_plural_forms(header)

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

The texts and approval hashes of a locale's article plans, nine tenths of their bytes, are
in a file of their own beside the shard (``<cc>-<lang>.texts.json``, sealed the same way);
the shard holds its SHA-256 and its stat, and each plan a digest of its own texts. A render
saves a locale's shard and texts as soon as the locale is planned, and its article plans
then keep their texts only there (:meth:`ArticlePlan.stow`): each batch of pages reads the
texts of the locales it shows, and a batch releases those of the locales it does not show
(:meth:`PlanCache.release`), so that a render of 60,000 pages holds one language's texts at
a time, never the library's (the files a locale's
save replaces are set aside until the render commits to its plans, and put back if it stops
on bad input first: :meth:`PlanCache.rollback`). A locale whose pages are
all kept never reads the file (a render with nothing changed reads about a tenth of the
plans' bytes), and a file whose bytes are not the ones the shard was saved with is never
used: the render stops and says so.

A disclaimer (its dates, reference) is checked per locale at every render and is not part of
any cached plan.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polib

from i18n.errors import I18nError
from i18n.formats.filedigests import FileDigests, stat_shape
from i18n.formats.runcache import RunRecord, code_key, sha256_file
from i18n.model.article import Article
from i18n.model.plurals import GERMANIC, PluralRule, parse_plural_forms
from i18n.pipeline.claims import claim_patterns
from i18n.pipeline.extract import template_files
from i18n.pipeline.publish.gate import ArticlePlan, LocalePlan, Outdated
from i18n.pipeline.publish.history import History
from i18n.pipeline.publish.resolve import CatalogStore, Key, Resolved
from i18n.project import SITE_DOMAIN, Project

FORMAT = 2  # 2: an article plan's texts and hashes in a file of their own
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
    digest of the locale's inputs (:mod:`.localedigest`), its plans by name without their
    texts, and the SHA-256 of the file that holds the texts and approval hashes of its
    article plans (``<cc>-<lang>.texts.json``, sealed too). A locale whose pages are all kept
    never reads the texts: about nine tenths of its plans' bytes."""

    record: RunRecord
    root: Path  # the project's
    digest: str  # this render's digest of the locale's inputs
    plans: dict[str, Entry]  # the last render's plans (an article's: without its texts)
    warm: bool  # the last render's digest is this one's: plans are taken as they are
    entries: dict[str, Entry] = field(default_factory=dict)  # this render's plans
    opened: bool = False  # a plan needed its own key (the locale's catalogs were read)
    failed: bool = False  # the locale could not be planned: its shard is not written
    unchanged: bool = False  # its plans are the saved ones: released, not written again
    texts: dict[str, Any] = field(default_factory=dict)  # this render's texts, by plan name
    warm_names: list[str] = field(default_factory=list)  # plans taken as they are
    texts_sha: str | None = None  # the SHA-256 of the texts file saved with the shard
    texts_stat: list[int] | None = None  # and its stat then (size, times, inode, device)
    stored: dict[str, Any] | None = None  # the texts file's plans, once read
    lp: LocalePlan | None = None  # the locale planned (its text direction is kept)
    given: list[ArticlePlan] = field(default_factory=list)  # texts given since a release

    @classmethod
    def load(cls, path: Path, key: str, digest: str, root: Path) -> Shard:
        record = RunRecord.load_sealed(path, key, root)
        plans = record.entries.get("plans")
        texts = record.entries.get("texts")
        if not (isinstance(plans, dict) and isinstance(texts, list) and len(texts) == 6):
            return cls(record, root, digest, {}, False)
        warm = bool(digest) and record.entries.get("locale") == digest
        return cls(record, root, digest, plans, warm, texts_sha=texts[0], texts_stat=texts[1:])

    @property
    def texts_path(self) -> Path:
        return self.record.path.with_suffix(".texts.json")

    def texts_intact(self) -> bool:
        """Whether the texts file is the one this shard was saved with: its stat is the one
        recorded then, or else its bytes' SHA-256 is. Only a forecast, so that a locale is
        not taken as it is with texts it cannot read: the bytes are checked again whenever
        they are read (:meth:`stored_texts`)."""
        try:
            if stat_shape(os.stat(self.texts_path)) == self.texts_stat:
                return True
        except OSError:
            return False
        return self.texts_sha is not None and sha256_file(self.texts_path) == self.texts_sha

    def spoiled(self) -> I18nError:
        """The error of texts that changed after the render checked them (another process
        writing into .cache/): the shard and its texts are removed, so that the next
        render plans the locale afresh."""
        for path in (self.record.path, self.texts_path):
            path.unlink(missing_ok=True)
        rel = self.texts_path.relative_to(self.root).as_posix()
        return I18nError(f"{rel} changed during the render: render again")

    def cached(self, name: str, key: str | None) -> Any:
        """The last render's plan of ``name`` (only under ``key``; any when None: warm)."""
        entry = self.plans.get(name)
        if isinstance(entry, list) and len(entry) == 2 and key in (None, entry[0]):
            return entry[1]
        return None

    def stored_texts(self, name: str) -> tuple[list[Any], list[Any]] | None:
        """The texts and approval hashes the last render kept for the article plan ``name``
        (None: the texts file is not the one saved with the shard, or lacks them)."""
        if self.stored is None:
            try:
                raw = self.texts_path.read_bytes()
            except OSError:
                raw = b""
            if self.texts_sha is None or hashlib.sha256(raw).hexdigest() != self.texts_sha:
                self.stored = {}
            else:
                record = RunRecord.load_sealed(self.texts_path, self.record.key, self.root, raw)
                self.stored = record.entries
        value = self.stored.get(name)
        if isinstance(value, list) and len(value) == 2:
            texts, hashes = value
            if isinstance(texts, list) and isinstance(hashes, list):
                return texts, hashes
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
    # a locale's plans keep their texts only in its texts file once it is planned, and are
    # given them again when a page needs them (:meth:`release`): set by a render that saves
    eager: bool = False
    # what planning wrote, to be undone if the render stops before :meth:`save`: each path,
    # and where the file it replaced was set aside (None: there was none)
    _undo: list[tuple[Path, Path | None]] = field(default_factory=list)
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
        if shard.warm and not shard.texts_intact():
            shard.warm = False  # its plans go through their own keys (and their texts' file)
        known = shard.record.entries.get("direction")  # Babel's, under the record's key
        if lp.direction is None and known in ([lp.locale, "ltr"], [lp.locale, "rtl"]):
            lp.direction = known[1]
        shard.lp = lp
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
        live on in the site plan), so that planning holds one locale's JSON, not all. With
        :attr:`eager`, a shard whose plans changed is saved now, and the locale's article
        plans are stowed (:meth:`ArticlePlan.stow`): their texts and approval hashes, most
        of a plan's bytes, are then held only in the texts file, and planning holds one
        locale's texts, not the library's."""
        shard = self.shards.get(lp.folder)
        if shard is None or shard.failed or shard.unchanged:
            return
        changed = self._value(shard) != shard.record.entries
        if self.eager and not changed and not shard.texts_intact():
            # the plans are the saved ones, made again because their texts file is not the
            # one saved (deleted, edited, replayed): it is written again before they stow
            changed = True
        if changed and not (self.eager and self._save(shard, undo=True)):
            return
        shard.unchanged = True  # its texts too: each plan's digest of them is the same
        if self.eager and shard.texts_sha is not None:
            self._stow(shard)
        shard.plans, shard.entries, shard.record.entries = {}, {}, {}
        shard.texts, shard.warm_names = {}, []

    def _stow(self, shard: Shard) -> None:
        assert shard.lp is not None
        folder = shard.lp.folder
        for slug, ap in shard.lp.articles.items():
            name = f"{folder}/{slug}"
            entry = shard.entries.get(name)
            try:
                unapproved = [int(i) for i in entry[1]["unapproved"]]  # type: ignore[index]
            except BAD_ENTRY:
                continue  # not a plan this shard keeps: its texts stay where they are
            ap.stow(_Stored(shard, name, ap, None), unapproved)
        shard.stored, shard.given = None, []

    def verify(self, folders: set[str]) -> None:
        """Before pages of these locales are built: stop the render, before it writes a page,
        when one's texts file is no longer the one saved with its shard (by its stat, else
        its bytes). The bytes are checked again whenever they are read."""
        for folder in sorted(folders):
            shard = self.shards.get(folder)
            if shard and not shard.failed and shard.texts_sha and not shard.texts_intact():
                raise shard.spoiled()

    def release(self, keep: Collection[str] = ()) -> None:
        """Release the texts and hashes given to stowed plans since the last call (and the
        texts files read for them), but those of the locales (folders) in ``keep``: each is
        read again when a page needs it. A batch of pages calls it before it begins, keeping
        its own locales (a worker's next batch is most often of the same language), and a
        render after the pages and after each locale's part of the manifest."""
        for folder, shard in self.shards.items():
            if folder in keep:
                continue
            for ap in shard.given:
                ap.forget()
            # what was read of the texts file: read again, and checked again, when needed
            shard.given, shard.stored = [], None

    def noisy(self, lp: LocalePlan) -> None:
        """Planning ``lp`` warned: its shard is never taken as it is (only plan by plan)."""
        if lp.folder in self.shards:
            self.shards[lp.folder].digest = "noisy"

    def failed(self, lp: LocalePlan) -> None:
        """``lp`` could not be planned: keep its last shard as it is."""
        if lp.folder in self.shards:
            self.shards[lp.folder].failed = True

    def rollback(self) -> None:
        """The render stopped before :meth:`save` (bad input): put back the shards and
        texts files that planning replaced, and remove those it added."""
        for path, aside in reversed(self._undo):
            if aside is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(aside, path)
        self._undo = []

    def _set_aside(self, path: Path) -> None:
        aside = path.with_name(path.name + ".bak")
        try:
            os.replace(path, aside)
        except FileNotFoundError:
            self._undo.append((path, None))
        else:
            self._undo.append((path, aside))

    def save(self) -> None:
        """Keep this run's plans of each locale planned (and only them) for the next render;
        a shard whose content is the same is not written again. The shards are emptied
        (their digests stay): call it once, when the planning is done. What planning wrote
        is kept (the files it replaced, set aside, are removed). The single record of
        earlier versions (``plan/publish.json``) is removed."""
        if self.eager:  # with those a render killed while planning left
            for aside in self.folder.glob("*.json.bak"):
                aside.unlink(missing_ok=True)
        self._undo = []
        if self.folder.parent == self.project.cache_dir / "plan":
            self.folder.with_suffix(".json").unlink(missing_ok=True)
        if self.files is not None:
            self.files.save()
        for shard in self.shards.values():
            value = self._value(shard)
            if not shard.failed and not shard.unchanged and value != shard.record.entries:
                self._save(shard)
            # the plans live on in the site plan: their JSON is not held through the render
            shard.plans, shard.entries, shard.record.entries = {}, {}, {}
            shard.texts, shard.warm_names = {}, []

    @staticmethod
    def _value(shard: Shard) -> dict[str, Any]:
        texts = None if shard.texts_sha is None else [shard.texts_sha, *(shard.texts_stat or [])]
        value = {"locale": shard.digest, "plans": shard.entries, "texts": texts}
        if shard.lp is not None:  # Babel's locale data is not loaded to know it again
            lp = shard.lp
            value["direction"] = [lp.locale, "rtl" if lp.rtl else "ltr"]
        return value

    def _save(self, shard: Shard, undo: bool = False) -> bool:
        """Write the texts of the shard's article plans, then the shard (with their file's
        SHA-256): a shard is never read with texts it was not saved with. False: there is
        no trustworthy cache key, nothing is written. ``undo``: written while planning,
        the files replaced are set aside until :meth:`save` or :meth:`rollback`."""
        if not shard.record.usable:
            return False
        texts = dict(shard.texts)
        for name in shard.warm_names:  # taken as they were: their texts are the stored ones
            stored = shard.stored_texts(name)
            if stored is None:
                raise shard.spoiled()
            texts[name] = list(stored)
        if undo:
            self._set_aside(shard.texts_path)
            self._set_aside(shard.record.path)
        sha = RunRecord(shard.texts_path, self.key, secret=shard.record.secret).save(texts)
        shard.texts_sha, shard.texts_stat = sha, stat_shape(os.stat(shard.texts_path))
        shard.record.save(self._value(shard))
        # what a plan not read yet will ask for (the others hold their texts)
        shard.stored = {name: texts[name] for name in shard.warm_names}
        return True

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
            ap = None if value is None else _reuse(value, article, history, self.project)
            if ap is not None and ap.by_index is not None:
                # read by the pages of a language's batches, then released: not interned
                ap.stow(_Stored(shard, name, ap, None if self.eager else shared), ap.by_index[1])
                shard.entries[name] = shard.plans[name]
                shard.warm_names.append(name)
                return ap
        shard.opened = True
        key = self._article_key(article, lp, store, history is None)
        value = shard.cached(name, key)
        stored = shard.stored_texts(name) if value is not None else None
        if value is not None and stored is not None:
            ap = _reuse(value, article, history, self.project)
            if ap is not None and _Stored(shard, name, ap, shared, stored).fill():
                shard.entries[name] = [key, value]
                shard.texts[name] = list(stored)
                return ap
        asked = history.asked if history is not None else 0
        ap = make()
        used = history is not None and history.asked != asked
        read = _history_key(article, history, self.project) if used else None
        value, texts = _article_json(ap, read)
        shard.entries[name] = [key, value]
        shard.texts[name] = texts
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


def _article_json(ap: ArticlePlan, history: str | None) -> tuple[dict[str, Any], list[Any]]:
    """A plan as JSON: (what the shard keeps, its texts and approval hashes for the texts
    file); the first holds a digest of the second."""
    old = ap.outdated
    # by segment of the article the page shows (its msgids are not written again)
    texts = [[ap.texts.get(seg.key) for seg in ap.article.segments], list(ap.hashes)]
    value = {
        "reasons": ap.reasons,
        "unapproved": [i for i, seg in enumerate(ap.article.segments) if seg.key in ap.unapproved],
        "texts": _digest("texts", texts),
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
    return value, texts


def _reuse(
    value: Any, article: Article, history: History | None, project: Project
) -> ArticlePlan | None:
    """The cached plan, without its texts (:class:`_Stored` gives them), or None when it
    cannot be used (the history it read changed, or it is not what this code writes)."""
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
        unapproved = [int(i) for i in value["unapproved"]]
        if not all(0 <= i < count for i in unapproved):
            return None
        return ArticlePlan(
            shown,
            [str(r) for r in value["reasons"]],
            outdated=outdated,
            forbidden=bool(value["forbidden"]),
            by_index=([], unapproved),
        )
    except BAD_ENTRY:
        return None


@dataclass
class _Stored:
    """A cached plan's texts and approval hashes, read from its locale's texts file when the
    plan first needs them (:attr:`ArticlePlan.stored`); each text or hash one string object
    per language (``shared``: the countries of a language show the same texts; None: the
    lists as read, for plans whose texts are released after a batch of pages)."""

    shard: Shard
    name: str
    plan: ArticlePlan
    shared: dict[str, str] | None
    texts: tuple[list[Any], list[Any]] | None = None

    def fill(self) -> bool:
        """Give the plan its texts now; False when they are not what this code writes."""
        got = self.checked()
        if got is None:
            return False
        self.plan.stored = lambda: got  # through the plan's own way of reading them
        self.plan.read_stored()
        return True

    def checked(self) -> tuple[list[str | None], list[str]] | None:
        stored = self.texts if self.texts is not None else self.shard.stored_texts(self.name)
        if stored is None:
            return None
        texts, hashes = stored
        if len(texts) != self.plan.article.summary().count:
            return None
        if not all(t is None or type(t) is str for t in texts):
            return None
        if not all(type(h) is str for h in hashes):
            return None
        if self.shared is None:
            return texts, hashes
        one = self.shared.setdefault
        return list(map(one, texts, texts)), list(map(one, hashes, hashes))

    def __call__(self) -> tuple[list[str | None], list[str]]:
        got = self.checked()
        if got is None:  # its file is sealed and was checked when the render began
            raise self.shard.spoiled()
        self.shard.given.append(self.plan)  # released by PlanCache.release
        return got


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

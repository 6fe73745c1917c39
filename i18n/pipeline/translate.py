"""Machine-translated drafts for a locale's untranslated entries.

A draft is never a translation: it is written fuzzy, says in a translator comment where it
came from, and is recorded as a ``drafted`` event in the locale's ledger. The chain is

1. **translation memory**: the same msgid already translated (not fuzzy) in any catalog of
   the locale, obsolete entries included; similar texts (rapidfuzz ratio at or above
   ``memory_threshold``) are offered as a translator comment, never as the draft;
2. **the provider** (``--provider``, else ``[tool.i18n] provider``, default ``pseudo``), on
   text whose markup and do-not-translate terms are protected by sentinels
   (:mod:`i18n.protect`), through :mod:`i18n.providers`.

Answers are cached in SQLite (``.cache/i18n/mt.sqlite3``) by provider, language pair and
protected text, so a second run sends no request and an interrupted run resumes where it
stopped. Each catalog is written (atomically, re-read first so a translator's concurrent edit
wins) as soon as its last draft arrives; on a failure or Ctrl-C the drafts already received
are written too, so only requests in flight are lost.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections import Counter, defaultdict
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import polib
from rapidfuzz import fuzz, process

from i18n.errors import I18nError
from i18n.formats.country import load_glossary
from i18n.formats.draft_comment import COPY, MEMORY, DraftOrigin, merge_comments
from i18n.formats.ledger import Ledger, Signing
from i18n.formats.po import read_po, write_po
from i18n.model.events import Drafted, utc_now
from i18n.model.locale import normalize_locale
from i18n.model.settings import PROVIDERS, WEB_PROVIDERS
from i18n.model.states import content_hash, is_translated
from i18n.pipeline.protect import Protected, protect, restore
from i18n.pipeline.providers import open_engine
from i18n.pipeline.providers.engine import Engine
from i18n.pipeline.providers.http import (
    KEY_ENV,
    ProviderError,
    RequestCapReached,
    Requester,
    RequestPolicy,
    Stopped,
    normalize_endpoint,
    redact,
    secret_values,
)
from i18n.pipeline.qa import ArticleEnvs
from i18n.project import Project

CACHE_FILE = "mt.sqlite3"


class Progress(Protocol):
    """What a front end shows while drafts arrive: tasks ``catalogs``, ``entries`` and
    ``requests``, each started as (done, total) and advanced one at a time."""

    def start(self, tasks: dict[str, tuple[int, int]]) -> None: ...

    def advance(self, task: str) -> None: ...

    def stop(self) -> None: ...


class _NoProgress:
    def start(self, tasks: dict[str, tuple[int, int]]) -> None:
        pass

    def advance(self, task: str) -> None:
        pass

    def stop(self) -> None:
        pass


@dataclass
class Options:
    locale: str
    provider: str | None = None
    endpoint: str | None = None
    article: str | None = None
    dry_run: bool = False
    refresh: bool = False
    concurrency: int | None = None
    max_requests: int | None = None
    progress: Progress | None = None  # told what is done as the run goes (a front end's bar)
    signing: Signing | None = None  # who signs the ``drafted`` events (unsigned when None)


# --- drafts ---------------------------------------------------------------------------------


@dataclass
class Draft:
    """What will be written into one entry."""

    domain: str
    msgctxt: str | None
    msgid: str
    msgid_plural: str
    old_hash: str | None = None  # the machine draft being refreshed
    provider: str = ""
    parts: list[Protected] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    memory_from: str = ""
    max_length: int | None = None

    @property
    def done(self) -> bool:
        return all(t is not None for t in self.texts)

    def comment_lines(self) -> list[str]:
        origin = DraftOrigin(
            self.provider if self.texts else "",
            self.memory_from,
            tuple(self.problems),
            tuple(self.notes),
        )
        return origin.comment_lines()


def _max_length(entry: polib.POEntry) -> int | None:
    for flag in entry.flags:
        m = re.fullmatch(r"max-length:(\d+)", flag.strip())
        if m:
            return int(m.group(1))
    return None


def term_problems(msgid: str, draft: str, required: dict[str, str]) -> list[str]:
    """Glossary terms of the source whose required translation is missing from the draft.

    >>> term_problems("A blood clot.", "Ein Gerinnsel.", {"blood clot": "Blutgerinnsel"})
    ['glossary: "blood clot" should be "Blutgerinnsel"']
    """
    out = []
    folded = draft.casefold()
    for term, want in sorted(required.items()):
        used = re.search(rf"(?<!\w){re.escape(term)}(?!\w)", msgid, re.IGNORECASE)
        if used and want.casefold() not in folded:
            out.append(f'glossary: "{term}" should be "{want}"')
    return out


# --- translation memory ---------------------------------------------------------------------


class Memory:
    """Translated (not fuzzy) singular entries of every catalog of one locale."""

    def __init__(self) -> None:
        self._exact: dict[str, list[tuple[str | None, str, str]]] = defaultdict(list)
        self._keys: list[str] | None = None

    def add(self, domain: str, po: polib.POFile) -> None:
        for e in po:
            if e.msgid and not e.msgid_plural and e.msgstr and "fuzzy" not in e.flags:
                self._exact[e.msgid].append((e.msgctxt, e.msgstr, domain))
        self._keys = None

    def exact(self, msgctxt: str | None, msgid: str) -> tuple[str, str] | None:
        """(translation, catalog) of the same msgid; same msgctxt and the most frequent
        translation preferred, ties broken alphabetically so the result is deterministic."""
        found = self._exact.get(msgid)
        if not found:
            return None
        counts = Counter(s for _, s, _ in found)
        best = min(found, key=lambda f: (f[0] != msgctxt, -counts[f[1]], f[1], f[2]))
        return best[1], best[2]

    def similar(self, msgid: str, threshold: float) -> tuple[float, str, str] | None:
        if not self._exact:
            return None
        if self._keys is None:
            self._keys = sorted(self._exact)
        hit = process.extractOne(msgid, self._keys, scorer=fuzz.ratio, score_cutoff=threshold)
        if hit is None or hit[0] == msgid:
            return None
        text, score, _ = hit
        translation = self.exact(None, text)
        return (score, text, translation[0]) if translation else None


# --- cache ----------------------------------------------------------------------------------


class Cache:
    """Provider answers by (engine, source, target, protected text). Never holds a key."""

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = path
        self.readonly = readonly
        self.db: sqlite3.Connection | None = None
        self.rw = False
        if path.exists():
            self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def _writable(self) -> sqlite3.Connection:
        """The database opened for writing, created on the first answer worth keeping."""
        if not self.rw:
            if self.db is not None:
                self.db.close()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS translations (engine TEXT NOT NULL,"
                " source TEXT NOT NULL, target TEXT NOT NULL, text TEXT NOT NULL,"
                " translation TEXT NOT NULL, created TEXT NOT NULL,"
                " PRIMARY KEY (engine, source, target, text))"
            )
            self.rw = True
        assert self.db is not None
        return self.db

    def get(self, key: tuple[str, str, str, str]) -> str | None:
        """``key``: (engine, source locale, target locale, protected text)."""
        if self.db is None:
            return None
        try:
            row = self.db.execute(
                "SELECT translation FROM translations WHERE engine=? AND source=? AND target=?"
                " AND text=?",
                key,
            ).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def put(self, key: tuple[str, str, str, str], translation: str) -> None:
        if not self.readonly:
            self._writable().execute(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?)",
                (*key, translation, utc_now()),
            )

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


# --- the run --------------------------------------------------------------------------------


@dataclass
class DraftCatalog:
    domain: str
    path: Path
    shown: str
    drafts: list[Draft] = field(default_factory=list)
    written: bool = False
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(1 for d in self.drafts if not d.done)


@dataclass
class PlanRow:
    provider: str
    entries: int = 0
    characters: int = 0
    requests: int = 0
    cached: int = 0


@dataclass
class Report:
    locale: str
    provider: str
    dry_run: bool = False
    written: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    drafted: Counter[str] = field(default_factory=Counter)
    flagged: int = 0
    skipped: int = 0
    left: int = 0
    sent: int = 0
    retried: int = 0
    cached: int = 0
    plan: list[PlanRow] = field(default_factory=list)
    error: str | None = None
    cap_reached: bool = False
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        total = sum(self.drafted.values())
        kinds = ", ".join(f"{p} {n}" for p, n in sorted(self.drafted.items()))
        text = f"{self.locale}: {total} drafts in {len(self.written)} catalogs"
        text += f" ({kinds})" if kinds else ""
        if self.flagged:
            text += f"; {self.flagged} flagged for review"
        if self.left:
            text += f"; {self.left} left for the next run"
        if self.skipped:
            text += f"; {self.skipped} skipped (translated by hand meanwhile)"
        text += (
            f"; requests: {self.sent} sent, {self.retried} retried, "
            f"{self.cached} answered from the cache"
        )
        return text


def _settings(project: Project, opts: Options) -> RequestPolicy:
    """The request settings of a run: ``[tool.i18n]``, with --concurrency and --max-requests
    (checked the same way) on top."""
    given = {"concurrency": opts.concurrency, "max_requests": opts.max_requests}
    cfg = project.settings.replace(**{k: v for k, v in given.items() if v is not None})
    return RequestPolicy(
        timeout=cfg.request_timeout,
        retries=cfg.retries,
        backoff=cfg.backoff,
        max_backoff=cfg.max_backoff,
        max_requests=cfg.max_requests,
        concurrency=cfg.concurrency,
    )


def _catalogs(project: Project, locale: str, article: str | None) -> list[tuple[str, Path]]:
    folder = project.locales_dir / locale / "LC_MESSAGES"
    found = sorted(folder.glob("*.po")) if folder.is_dir() else []
    if not found:
        hint = project.locale_hint(locale)
        if not hint.startswith("use --locale"):
            hint = f"run 'i18n update --locale {locale}' first ({hint})"
        raise I18nError(f"no catalogs for {locale} in {project.rel(folder)}: {hint}")
    if article is not None:
        found = [p for p in found if p.stem == article]
        if not found:
            raise I18nError(
                f"no catalog for article {article!r} in locale {locale}",
                project.rel(project.po_path(locale, article)),
            )
    return [(p.stem, p) for p in found]


def _nplurals(po: polib.POFile) -> int:
    m = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(m.group(1)) if m else 2


def translate(project: Project, opts: Options) -> Report:
    """Draft every untranslated entry of ``opts.locale`` (see the module docstring)."""
    locale = normalize_locale(opts.locale)
    if locale == project.source_language:
        raise I18nError(f"{locale} is the source language; nothing to translate")
    provider = opts.provider or project.settings.provider
    if provider not in PROVIDERS:
        raise I18nError(f"unknown provider {provider!r} (choose from {', '.join(PROVIDERS)})")
    if opts.endpoint is not None and provider != "libre":
        raise I18nError(f"--endpoint is for the libre provider, not {provider}")
    settings = _settings(project, opts)
    run = _Run(project, opts, locale, provider, settings)  # checks the rest of the input
    return run.execute()


class _Run:
    def __init__(
        self, project: Project, opts: Options, locale: str, provider: str, settings: RequestPolicy
    ):
        self.project = project
        self.opts = opts
        self.locale = locale
        self.provider = provider
        self.settings = settings
        self.report = Report(locale, provider, dry_run=opts.dry_run)
        self.stop = threading.Event()
        self.requester = Requester(settings, self.stop)
        self.secrets = secret_values()
        self.ledger = Ledger.read(project.ledger_path(locale), project.warn)
        glossary = load_glossary(project)
        self.terms = glossary.do_not_translate
        self.required = glossary.required(locale)
        self.threshold = project.settings.memory_cutoff
        self.catalogs: list[DraftCatalog] = []
        self.jobs: dict[str, list[tuple[Draft, int]]] = {}
        self.envs = ArticleEnvs(project)
        _catalogs(project, locale, opts.article)  # bad --locale/--article: error before all
        if provider == "libre":
            endpoint = self._endpoint()
            if not endpoint:
                raise I18nError(
                    "provider libre needs --endpoint URL (or [tool.i18n] endpoint), "
                    "the LibreTranslate server to use"
                )
            normalize_endpoint(endpoint)
        self.engine: Engine | None = None
        self.cache: Cache | None = None
        self.bar: Progress = _NoProgress()  # opts.progress while drafts are being sent

    # planning ------------------------------------------------------------------------------

    def plan(self) -> None:
        all_files = _catalogs(self.project, self.locale, None)
        chosen = {d for d, _ in _catalogs(self.project, self.locale, self.opts.article)}
        memory = Memory()
        pos: dict[str, polib.POFile] = {}
        for domain, path in all_files:
            po = read_po(path, self.project.rel(path))
            pos[domain] = po
            memory.add(domain, po)
        drafted = {ev.hash for ev in self.ledger.events if isinstance(ev, Drafted)}
        for domain, path in all_files:
            if domain not in chosen:
                continue
            cat = DraftCatalog(domain, path, self.project.rel(path))
            for entry in pos[domain]:
                draft = self._plan_entry(domain, entry, memory, drafted)
                if draft is not None:
                    cat.drafts.append(draft)
            self.catalogs.append(cat)

    def _plan_entry(
        self, domain: str, entry: polib.POEntry, memory: Memory, drafted: set[str]
    ) -> Draft | None:
        if entry.obsolete or not entry.msgid:
            return None
        old_hash = None
        if is_translated(entry):
            h = content_hash(entry)
            if not (self.opts.refresh and "fuzzy" in entry.flags and h in drafted):
                return None  # a human's translation (or a draft a human touched): never ours
            old_hash = h
        draft = Draft(
            domain,
            entry.msgctxt,
            entry.msgid,
            entry.msgid_plural or "",
            old_hash=old_hash,
            max_length=_max_length(entry),
        )
        if not entry.msgid_plural:
            hit = memory.exact(entry.msgctxt, entry.msgid)
            if hit is not None:
                draft.provider, draft.texts, draft.memory_from = MEMORY, [hit[0]], f"{hit[1]}.po"
                return draft
            near = memory.similar(entry.msgid, self.threshold)
            if near is not None:
                score, src, trans = near
                draft.notes.append(f'translation memory ({score:.0f}%) for "{src}": {trans}')
        if self.provider == MEMORY:
            return draft if draft.notes else None
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        # the article's definitions: which [label] is a link
        draft.parts = [protect(s, self.terms, self.envs[domain]) for s in sources]
        draft.texts = [None] * len(draft.parts)
        if self.provider != "pseudo" and not any(p.needs_translation for p in draft.parts):
            draft.provider, draft.texts = COPY, [p.source for p in draft.parts]
            return draft
        draft.provider = self.provider
        for i, part in enumerate(draft.parts):
            self.jobs.setdefault(part.text, []).append((draft, i))
        return draft

    # results -------------------------------------------------------------------------------

    def resolve(self, text: str, raw: str) -> None:
        for draft, i in self.jobs.get(text, []):
            restored = restore(raw, draft.parts[i])
            draft.texts[i] = restored.text
            draft.problems += restored.problems
            if draft.done:
                self._finish(draft)

    def _finish(self, draft: Draft) -> None:
        self.bar.advance("entries")
        if draft.provider in WEB_PROVIDERS:
            for part, text in zip(draft.parts, draft.texts, strict=True):
                draft.problems += term_problems(part.source, text or "", self.required)
        if draft.max_length is not None:
            longest = max(len(t or "") for t in draft.texts)
            if longest > draft.max_length:
                draft.problems.append(
                    f"{longest} characters, longer than max-length:{draft.max_length}"
                )

    # writing -------------------------------------------------------------------------------

    def write(self, cat: DraftCatalog, *, partial: bool = False) -> None:
        ready = [d for d in cat.drafts if d.done]
        if not ready or cat.written:
            return
        complete = len(ready) == len(cat.drafts)
        po = read_po(cat.path, cat.shown)  # again: a translator may have saved meanwhile
        index = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete and e.msgid}
        events: list[dict[str, Any]] = []
        used: Counter[str] = Counter()
        for draft in ready:
            entry = index.get((draft.msgctxt, draft.msgid))
            if entry is None or (entry.msgid_plural or "") != draft.msgid_plural:
                self.report.skipped += 1
                continue
            if is_translated(entry) and not (
                draft.old_hash and "fuzzy" in entry.flags and content_hash(entry) == draft.old_hash
            ):
                self.report.skipped += 1  # translated by a human since this run started
                continue
            self._apply(po, entry, draft)
            if draft.texts:
                used[draft.provider] += 1
                if draft.problems:
                    self.report.flagged += 1
                    for problem in dict.fromkeys(draft.problems):
                        cat.warnings.append(f"{cat.shown}: {_excerpt(draft.msgid)}: {problem}")
                events.append(
                    Drafted(
                        hash=content_hash(entry),
                        catalog=cat.domain,
                        msgctxt=entry.msgctxt,
                        msgid=entry.msgid,
                        provider=draft.provider,
                        time=utc_now(),
                    )
                )
        # the events first: killed in between, the ledger names a draft the catalog lacks
        # (harmless: the next run drafts it again), never a draft without its event
        self.ledger.append(events, self.opts.signing)
        changed = write_po(cat.path, po)
        cat.written = complete or not partial
        if complete:
            self.bar.advance("catalogs")
        if changed:
            self.report.written.append(cat.shown)
            self.report.drafted.update(used)
            kinds = ", ".join(f"{p} {n}" for p, n in sorted(used.items()))
            flagged = sum(1 for d in ready if d.problems and d.texts)
            line = (
                f"drafted {cat.shown}: {sum(used.values())} ({kinds})"
                if used
                else f"commented {cat.shown}"
            )
            cat.lines.append(line + (f", {flagged} flagged" if flagged else ""))

    def _apply(self, po: polib.POFile, entry: polib.POEntry, draft: Draft) -> None:
        if draft.texts:
            texts = [t or "" for t in draft.texts]
            if entry.msgid_plural:
                n = len(entry.msgstr_plural) or _nplurals(po)
                entry.msgstr_plural = {
                    i: texts[0] if (i == 0 and n > 1) else texts[-1] for i in range(n)
                }
            else:
                entry.msgstr = texts[0]
            if "fuzzy" not in entry.flags:
                entry.flags.insert(0, "fuzzy")
        entry.tcomment = merge_comments(entry.tcomment or "", draft.comment_lines())

    # execution -----------------------------------------------------------------------------

    def execute(self) -> Report:
        self.plan()
        for cat in self.catalogs:
            for draft in cat.drafts:
                if draft.done:
                    self._finish(draft)
        try:
            if self.jobs:
                self._open_engine(offline=True)  # names, keys, codes: no network yet
            if self.opts.dry_run:
                self._dry_run()
                return self.report
            missing: list[str] = []
            for text in self.jobs if self.engine is not None else ():
                if not self.engine.remote:
                    self.resolve(text, self.engine.translate(text))
                    continue
                cached = self.cache.get(self._key(text)) if self.cache else None
                if cached is not None:
                    self.report.cached += 1
                    self.resolve(text, cached)
                elif self.engine.max_chars and len(text) > self.engine.max_chars:
                    self._too_long(text, self.engine.max_chars)
                else:
                    missing.append(text)
            if missing:  # check the pair with the provider before anything is written
                self._open_engine(offline=False)
            drafts = [d for c in self.catalogs for d in c.drafts]
            self.bar = self.opts.progress or _NoProgress()
            self.bar.start(
                {
                    "catalogs": (0, sum(1 for c in self.catalogs if c.drafts)),
                    "entries": (sum(1 for d in drafts if d.done), len(drafts)),
                    "requests": (0, len(missing)),
                }
            )
            try:
                for cat in self.catalogs:
                    if cat.drafts and cat.pending == 0:
                        self.write(cat)
                if missing and self.report.error is None and not self.report.cap_reached:
                    self._send(missing)
                for cat in self.catalogs:
                    self.write(cat, partial=True)
            finally:
                self.bar.stop()
                self.bar = _NoProgress()
            self.report.left = sum(c.pending for c in self.catalogs)
            written = set(self.report.written)
            self.report.written = [c.shown for c in self.catalogs if c.shown in written]
            for cat in self.catalogs:  # in catalog order, whatever order they finished in
                self.report.lines += cat.lines
                self.report.warnings += cat.warnings
        finally:
            if self.cache is not None:
                self.cache.close()
            if self.engine is not None:
                self.engine.close()
            self.report.sent = self.requester.sent
            self.report.retried = self.requester.retried
        return self.report

    def _too_long(self, text: str, limit: int) -> None:
        for draft, _ in self.jobs[text]:
            self.report.warnings.append(
                f"{self.project.rel(self.project.po_path(self.locale, draft.domain))}: "
                f"{_excerpt(draft.msgid)}: {len(text)} characters, more than {self.provider} "
                f"accepts ({limit}); left untranslated"
            )

    def _key(self, text: str) -> tuple[str, str, str, str]:
        assert self.engine is not None
        return (self.engine.cache_id, self.project.source_language, self.locale, text)

    def _open_engine(self, *, offline: bool) -> None:
        try:
            self.engine = open_engine(
                self.provider,
                source=self.project.source_language,
                target=self.locale,
                settings=self.settings,
                requester=self.requester,
                endpoint=self._endpoint(),
                region=self.project.settings.microsoft_region,
                offline=offline,
            )
        except ProviderError as exc:
            self.report.error = exc.message
            return
        except RequestCapReached:
            self.report.cap_reached = True
            return
        if self.engine.note and offline and self.opts.dry_run:
            self.report.notes.append(f"{self.provider}: {self.engine.note}")
        env = KEY_ENV.get(self.provider)
        if (
            offline
            and self.opts.dry_run
            and env
            and self.provider != "libre"
            and not os.environ.get(env, "").strip()
        ):
            self.report.notes.append(
                f"{self.provider}: {env} is not set; a real run would stop before sending anything"
            )
        if self.engine.remote and self.cache is None:
            self.cache = Cache(self.project.cache_dir / CACHE_FILE, readonly=self.opts.dry_run)

    def _endpoint(self) -> str | None:
        if self.opts.endpoint is not None:
            return self.opts.endpoint
        if self.provider == "libre":
            return self.project.settings.endpoint
        return None

    def _send(self, texts: list[str]) -> None:
        engine, cache = self.engine, self.cache
        assert engine is not None and cache is not None
        pool = ThreadPoolExecutor(
            max_workers=self.settings.concurrency, thread_name_prefix="i18n-mt"
        )
        futures: dict[Future[str], str] = {
            pool.submit(self.requester.call, lambda t=t: engine.translate(t)): t for t in texts
        }

        def cancel_rest() -> None:
            for f in futures:
                f.cancel()

        def keep(fut: Future[str]) -> None:
            text = futures[fut]
            raw = fut.result()
            cache.put(self._key(text), raw)
            touched = {d.domain for d, _ in self.jobs.get(text, [])}
            self.resolve(text, raw)
            for cat in self.catalogs:
                if cat.domain in touched and cat.pending == 0 and not cat.written:
                    self.write(cat)

        interrupted = False
        kept: set[Future[str]] = set()
        try:
            for fut in as_completed(futures):
                if fut.cancelled():
                    continue
                exc = fut.exception()
                self.bar.advance("requests")
                if exc is None:
                    kept.add(fut)
                    keep(fut)
                elif isinstance(exc, RequestCapReached):
                    if not self.report.cap_reached:
                        self.report.cap_reached = True
                        cancel_rest()
                elif isinstance(exc, Stopped):
                    continue
                else:
                    if self.report.error is None:
                        self.report.error = (
                            exc.message
                            if isinstance(exc, ProviderError)
                            else redact(f"{type(exc).__name__}: {exc}", self.secrets)
                        )
                    self.stop.set()
                    cancel_rest()
        except KeyboardInterrupt:
            interrupted = True
            self.report.interrupted = True
            self.stop.set()
            cancel_rest()
            for fut in futures:  # answers already here are kept; only those in flight are lost
                if (
                    fut not in kept
                    and fut.done()
                    and not fut.cancelled()
                    and fut.exception() is None
                ):
                    keep(fut)
        finally:
            pool.shutdown(wait=not interrupted, cancel_futures=True)

    def _dry_run(self) -> None:
        rows: dict[str, PlanRow] = {}
        for cat in self.catalogs:
            for d in cat.drafts:
                if d.texts:
                    rows.setdefault(d.provider, PlanRow(d.provider)).entries += 1
        engine = self.engine
        if engine is not None and self.jobs:
            row = rows.setdefault(engine.name, PlanRow(engine.name))
            for text in self.jobs:
                if not engine.remote:
                    continue
                if self.cache is not None and self.cache.get(self._key(text)) is not None:
                    row.cached += 1
                elif engine.max_chars and len(text) > engine.max_chars:
                    continue
                else:
                    row.requests += 1
                    row.characters += len(text)
            if engine.remote and row.requests and engine.name in ("libre", "microsoft"):
                row.requests += 1  # the language list, asked once per run
        self.report.plan = [rows[k] for k in sorted(rows)]


def _excerpt(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'

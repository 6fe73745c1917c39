"""The locale reviews the pages of ``i18n serve`` show, kept between requests while the
files they were read from are unchanged, and what an action can reuse of them.

Reading a locale (every catalog parsed, every ledger line's signature verified, QA on every
translated entry) takes seconds on a locale of 30,000 entries; a page is a few milliseconds
of filtering once that is done. A review is kept with the state of its inputs — the identity
(inode, size, modification time) of every catalog of the locale, of its ledger, of
``source/``, of the templates and of ``pyproject.toml``, git's HEAD and the day — and brought
up to date as soon as any of them differs: the files stay the source of truth, and what the
CLI or another editor writes shows on the next page. When the sources and the day are the
same, only what changed is read again: the catalogs whose files changed, the ledger's
appended lines (each line's verification is kept by its digest, so only new lines are
verified), and the states of the catalogs whose ledger events changed. QA findings are kept
by entry text while the sources are unchanged.

Writes never use a kept review: each action reads afresh, under the project's lock, the one
catalog its entry is in and the ledger (:meth:`Reviews.fresh`), with the checker, the
templates, the ledger lines read before and the verdicts kept here.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from i18n.formats.git import git
from i18n.formats.ledger import Ledger
from i18n.formats.po import read_po
from i18n.model.findings import Finding
from i18n.model.people import People
from i18n.pipeline.review import Item, LocaleReview, ReviewCatalog
from i18n.pipeline.signoff import Verdicts
from i18n.project import Project

Stamp = tuple[tuple[str, int, int, int], ...]


def _files(folder: Path | str) -> Iterator[str]:
    for here, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            yield os.path.join(here, name)


def stamp(paths: Iterable[Path | str]) -> Stamp:
    """The identity of each file (missing ones leave no trace): inode, size, mtime in ns."""
    out = []
    for path in paths:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        out.append((str(path), st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(out)


def sources_stamp(project: Project) -> Stamp:
    """Everything but the locale's own files that states and findings depend on."""
    root = project.root
    return stamp([root / "pyproject.toml", *_files(root / "source"), *_files(project.pot_dir)])


def catalog_stamps(project: Project, locale: str) -> dict[str, Stamp]:
    """The identity of each catalog of the locale, by name."""
    folder = project.locales_dir / locale / "LC_MESSAGES"
    return {p.stem: stamp([p]) for p in sorted(folder.glob("*.po"))}


def ledger_stamp(project: Project, locale: str) -> tuple[Stamp, str]:
    """The locale's ledger, and git's HEAD (the ledger is also judged against the last
    commit)."""
    head = git(project.root, "rev-parse", "-q", "--verify", "HEAD") or ""
    return stamp([project.ledger_path(locale)]), head.strip()


@dataclass(frozen=True)
class Key:
    """What a kept review was read from."""

    sources: Stamp
    day: dt.date
    catalogs: dict[str, Stamp]
    ledger: tuple[Stamp, str]


@dataclass
class Kept:
    """One locale's review as read at ``key``, with its items by catalog and by id."""

    key: Key
    review: LocaleReview
    by_catalog: dict[str, list[Item]]
    items: list[Item] = field(default_factory=list)
    by_id: dict[str, Item] = field(default_factory=dict)
    # what the pages derive from the sources alone (kept while they are unchanged)
    memo: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.items = [item for c in self.review.catalogs for item in self.by_catalog[c.name]]
        self.by_id = {item.id: item for item in self.items}

    def of(self, catalog: str | None) -> list[Item]:
        return self.items if catalog is None else self.by_catalog.get(catalog, [])


class Reviews:
    """Kept reviews by locale (read-only use: pages, never writes), and what reading them
    found that an action's fresh reading can use again: QA findings by entry text and the
    ledger's verified lines, while the sources are unchanged."""

    def __init__(self) -> None:
        self._kept: dict[str, Kept] = {}
        self._findings: dict[str, tuple[Stamp, dict[tuple[Any, ...], list[Finding]]]] = {}
        self._verdicts: dict[str, tuple[Stamp, Verdicts]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, project: Project, locale: str, people: People) -> Kept:
        """The locale's review as the files are now. When only catalogs or the ledger changed
        since the last reading (an approval, an edit), only the changed catalogs are read
        again, and only the catalogs whose ledger events changed get their states again."""
        with self._lock:
            lock = self._locks.setdefault(locale, threading.Lock())
        with lock:  # one reading of a locale at a time; the others wait for it
            sources = sources_stamp(project)
            key = Key(
                sources,
                dt.datetime.now(dt.UTC).date(),
                catalog_stamps(project, locale),
                ledger_stamp(project, locale),
            )
            kept = self._kept.get(locale)
            if kept is not None and kept.key == key:
                return kept
            if kept is None or (kept.key.sources, kept.key.day) != (sources, key.day):
                kept = self._read(project, locale, people, key)
            else:
                kept = self._update(project, locale, people, key, kept)
            self._kept[locale] = kept
            # what is kept lives long (hundreds of thousands of objects for a large locale):
            # out of the garbage collector's reach, so that a full collection, which a
            # request's allocations can start, does not walk it every time (a quarter of a
            # second on 26k entries)
            gc.freeze()
            return kept

    def _read(self, project: Project, locale: str, people: People, key: Key) -> Kept:
        with self._lock:
            verdicts = self._verdicts_of(locale, key.sources)
        review = LocaleReview.open(project, locale, people=people, verdicts=verdicts)
        review.findings_memo = self._memo(locale, key.sources)
        return Kept(key, review, {c.name: review.items(c.name) for c in review.catalogs})

    def _update(self, project: Project, locale: str, people: People, key: Key, kept: Kept) -> Kept:
        old = kept.review
        folder = project.locales_dir / locale / "LC_MESSAGES"
        changed = {n for n, s in key.catalogs.items() if kept.key.catalogs.get(n) != s}
        before = {c.name: c for c in old.catalogs}
        catalogs = []
        for name in key.catalogs:
            if name in changed or name not in before:
                path = folder / f"{name}.po"
                catalogs.append(ReviewCatalog(name, path, read_po(path, project.rel(path))))
            else:
                catalogs.append(before[name])
        ledger = old.ledger
        if key.ledger != kept.key.ledger:
            ledger = Ledger.read(project.ledger_path(locale), project.warn, earlier=old.ledger)
        with self._lock:
            verdicts = self._verdicts_of(locale, key.sources)
        review = LocaleReview(project, locale, catalogs, ledger, old.checker, people, verdicts)
        review.reuse(old)
        review.findings_memo = self._memo(locale, key.sources)
        decided = review.trusted.breaks != old.trusted.breaks
        by_catalog = {}
        for c in catalogs:
            if (
                decided
                or c.name in changed
                or c.name not in kept.by_catalog
                or review.trusted.lines(c.name) != old.trusted.lines(c.name)
            ):
                by_catalog[c.name] = review.items(c.name)
            else:
                by_catalog[c.name] = kept.by_catalog[c.name]
        return Kept(key, review, by_catalog, memo=kept.memo)

    def fresh(
        self, project: Project, locale: str, people: People, only: str | None = None
    ) -> LocaleReview:
        """The locale as its files are now, for an action (under the project's lock), read
        afresh: its catalogs (``only``: that one) and its ledger. What does not change
        between two actions is taken from the kept review when the sources are the same: the
        QA checker, the templates, the lines of the ledger read before (only appended lines
        are parsed), the verified lines (only new lines are verified) and the findings."""
        sources = sources_stamp(project)
        with self._lock:
            kept = self._kept.get(locale)
            findings, verdicts = self._memo(locale, sources), self._verdicts_of(locale, sources)
        today = dt.datetime.now(dt.UTC).date()
        if kept is None or (kept.key.sources, kept.key.day) != (sources, today):
            review = LocaleReview.open(project, locale, people=people, only=only, verdicts=verdicts)
        else:
            old = kept.review
            folder = project.locales_dir / locale / "LC_MESSAGES"
            paths = sorted(folder.glob("*.po")) if only is None else [folder / f"{only}.po"]
            catalogs = [
                ReviewCatalog(p.stem, p, read_po(p, project.rel(p))) for p in paths if p.is_file()
            ]
            ledger = Ledger.read(project.ledger_path(locale), project.warn, earlier=old.ledger)
            review = LocaleReview(project, locale, catalogs, ledger, old.checker, people, verdicts)
            review.reuse(old)
        review.findings_memo = findings
        return review

    def catalog_of(self, locale: str, entry: str) -> str | None:
        """The catalog of an entry as last read (for an action, which reads that catalog
        alone afresh); None when not known."""
        kept = self._kept.get(locale)
        item = kept.by_id.get(entry) if kept is not None else None
        return item.catalog if item is not None else None

    def _verdicts_of(self, locale: str, sources: Stamp) -> Verdicts:
        kept_stamp, verdicts = self._verdicts.get(locale, ((), {}))
        if kept_stamp != sources:
            verdicts = {}
            self._verdicts[locale] = (sources, verdicts)
        return verdicts

    def _memo(self, locale: str, sources: Stamp) -> dict[tuple[Any, ...], list[Finding]]:
        memo_stamp, memo = self._findings.get(locale, ((), {}))
        if memo_stamp != sources:
            memo = {}
            self._findings[locale] = (sources, memo)
        return memo

"""The locale reviews the pages of ``i18n serve`` show, kept between requests while the
files they were read from are unchanged.

Reading a locale (every catalog parsed, every ledger line's signature verified, QA on every
translated entry) takes seconds on a locale of 30,000 entries; a page is a few milliseconds
of filtering once that is done. A review is kept with the state of its inputs — the identity
(inode, size, modification time) of every file of the locale, of ``source/``, of the
templates and of ``pyproject.toml``, git's HEAD and the day — and read again as soon as any
of them differs: the files stay the source of truth, and what the CLI or another editor
writes shows on the next page. QA findings are also kept by entry text while the sources
are unchanged, so that after an approval (a new ledger line) only the catalogs and the
ledger are read again. Writes never use these: each action reads the files afresh under
the project's lock.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from i18n.formats.git import git
from i18n.model.findings import Finding
from i18n.model.people import People
from i18n.pipeline.review import Item, LocaleReview
from i18n.project import Project

Stamp = tuple[tuple[str, int, int, int], ...]


def _files(folder: Path) -> Iterator[Path]:
    for here, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            yield Path(here) / name


def stamp(paths: list[Path]) -> Stamp:
    """The identity of each file (missing ones leave no trace): inode, size, mtime in ns."""
    out = []
    for path in paths:
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        out.append((str(path), st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(out)


def sources_stamp(project: Project) -> Stamp:
    """Everything but the locale's own files that states and findings depend on."""
    root = project.root
    paths = [root / "pyproject.toml", *_files(root / "source"), *_files(project.pot_dir)]
    return stamp(paths)


def locale_stamp(project: Project, locale: str) -> tuple[Stamp, str]:
    """The locale's catalogs and ledger, and git's HEAD (the ledger is also judged against
    the last commit)."""
    head = git(project.root, "rev-parse", "-q", "--verify", "HEAD") or ""
    return stamp(list(_files(project.locales_dir / locale))), head.strip()


@dataclass
class Kept:
    """One locale's review as read at ``key``, with its items by id."""

    key: Any
    review: LocaleReview
    items: list[Item]
    by_id: dict[str, Item] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {item.id: item for item in self.items}

    def of(self, catalog: str | None) -> list[Item]:
        return self.items if catalog is None else [i for i in self.items if i.catalog == catalog]


class Reviews:
    """Kept reviews by locale (read-only use: pages, never writes)."""

    def __init__(self) -> None:
        self._kept: dict[str, Kept] = {}
        self._findings: dict[str, tuple[Stamp, dict[tuple[Any, ...], list[Finding]]]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, project: Project, locale: str, people: People) -> Kept:
        with self._lock:
            lock = self._locks.setdefault(locale, threading.Lock())
        with lock:  # one reading of a locale at a time; the others wait for it
            sources = sources_stamp(project)
            key = (sources, locale_stamp(project, locale), dt.datetime.now(dt.UTC).date())
            kept = self._kept.get(locale)
            if kept is not None and kept.key == key:
                return kept
            review = LocaleReview.open(project, locale, people=people)
            review.findings_memo = self._memo(locale, sources)
            kept = Kept(key, review, review.items())
            self._kept[locale] = kept
            return kept

    def findings(self, project: Project, locale: str) -> dict[tuple[Any, ...], list[Finding]]:
        """The QA findings kept for ``locale``'s entries, while the sources are unchanged
        (for an action's fresh :class:`LocaleReview`)."""
        sources = sources_stamp(project)
        with self._lock:
            return self._memo(locale, sources)

    def _memo(self, locale: str, sources: Stamp) -> dict[tuple[Any, ...], list[Finding]]:
        memo_stamp, memo = self._findings.get(locale, ((), {}))
        if memo_stamp != sources:
            memo = {}
            self._findings[locale] = (sources, memo)
        return memo

"""What ``i18n check`` read in the site's sitemaps, kept from one check to the next
(``.cache/i18n/check/sitemap.json``), so that a sitemap whose bytes did not change is not
parsed and walked again (at 10k pages, one file held 9,504 URLs and 508,536 hreflang
alternates, 14,000 distinct addresses; each locale's sitemap is now a file of its own).

Kept are facts of the bytes alone (:class:`~i18n.formats.sitemap.Sitemap`), per file, under
the SHA-256 of its bytes (never the file's modification time): its kind, how many URLs it
has, each distinct address it lists with the line of its first occurrence, and which are a
``<loc>``. What they mean is judged afresh on every check (:func:`~i18n.pipeline.check.proof
._sitemap_findings`): which page of the site an address names under today's settings, whether
that page is on disk, whether its country's audience is professional. A sitemap that does not
parse is not kept: it is parsed again, and its error reported, every time.

The facts decide what ``check`` reports, so the record is *sealed* with this machine's cache
key (:meth:`~i18n.formats.runcache.RunRecord.load_sealed`): forged, edited, truncated or
another machine's, it is empty and every sitemap is parsed; ``check --cold`` reads and writes
none.
"""

from __future__ import annotations

import contextlib
from typing import Any

from i18n.formats.runcache import RunRecord, code_key
from i18n.formats.sitemap import Sitemap
from i18n.project import Project

LIBRARIES = ("lxml",)
FORMAT = 2  # 2: one entry per sitemap file, with its kind, URL count and <loc> addresses


class SitemapRecord:
    """``{path in the site: {"sha256": digest of its bytes, "kind": ..., "urls": ...,
    "listed": [[address, line], ...], "locs": [[index in listed, line], ...]}}``: the sitemaps the
    last check read."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        self.seen: dict[str, Any] = {}  # what this check read: the next record

    @classmethod
    def open(cls, project: Project) -> SitemapRecord:
        path = project.cache_dir / "check" / "sitemap.json"
        key = code_key(f"check sitemap {FORMAT}", LIBRARIES)
        return cls(RunRecord.load_sealed(path, key, project.root))

    def get(self, name: str, sha256: str) -> Sitemap | None:
        """The facts kept for the sitemap ``name`` with these bytes (None: parse it)."""
        entry = self.record.entries.get(name)
        if not isinstance(entry, dict) or entry.get("sha256") != sha256:
            return None
        try:
            listed = [(str(href), _line(line)) for href, line in entry["listed"]]
            locs = [(_index(i, len(listed)), _line(line)) for i, line in entry["locs"]]
            found = Sitemap(str(entry["kind"]), _index(entry["urls"], None), listed, locs)
        except (KeyError, TypeError, ValueError):
            return None  # sealed yet malformed: made by other code; parse the sitemap
        self.seen[name] = entry
        return found

    def put(self, name: str, sha256: str, found: Sitemap) -> None:
        self.seen[name] = {
            "sha256": sha256,
            "kind": found.kind,
            "urls": found.urls,
            "listed": [list(x) for x in found.listed],
            "locs": [list(x) for x in found.locs],
        }

    def keep(self, name: str) -> None:
        """Keep what the last check read of ``name``, which does not parse now (its bytes
        may come back)."""
        if name in self.record.entries:
            self.seen[name] = self.record.entries[name]

    def save(self) -> None:
        """Keep what this check read (the sitemaps it no longer has are forgotten)."""
        if self.seen != self.record.entries:
            with contextlib.suppress(OSError):  # a read-only checkout parses them every time
                self.record.save(self.seen)


def _line(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"not a line: {value!r}")
    return value


def _index(value: Any, below: int | None) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"not a count: {value!r}")
    if below is not None and value >= below:
        raise ValueError(f"not an index: {value!r}")
    return value

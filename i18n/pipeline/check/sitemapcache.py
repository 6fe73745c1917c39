"""What ``i18n check`` read in ``sitemap.xml``, kept from one check to the next
(``.cache/i18n/check/sitemap.json``), so that a sitemap whose bytes did not change is not
parsed and walked again (at 10k pages: 66 MB, 9,504 URLs and 508,536 hreflang alternates,
14,000 distinct addresses).

Kept are facts of the bytes alone, under the SHA-256 of the bytes (never the file's
modification time): each distinct address the sitemap lists (a ``<loc>`` or an hreflang
alternate's ``href``, stripped), in document order, with the line of its first occurrence.
What they mean is judged afresh on every check (:func:`~i18n.pipeline.check.proof
._sitemap_findings`): which page of the site an address names under today's settings, whether
that page is on disk, whether its country's audience is professional. A sitemap that does not
parse is not kept: it is parsed again, and its error reported, every time.

The facts decide what ``check`` reports, so the record is *sealed* with this machine's cache
key (:meth:`~i18n.formats.runcache.RunRecord.load_sealed`): forged, edited, truncated or
another machine's, it is empty and the sitemap is parsed; ``check --cold`` reads and writes
none.
"""

from __future__ import annotations

import contextlib
from typing import Any

from i18n.formats.runcache import RunRecord, code_key
from i18n.project import Project

LIBRARIES = ("lxml",)

Listed = tuple[str, int | None]  # an address and the line of its first occurrence


class SitemapRecord:
    """``{"sha256": digest of the bytes, "listed": [[address, line], ...]}``."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record

    @classmethod
    def open(cls, project: Project) -> SitemapRecord:
        path = project.cache_dir / "check" / "sitemap.json"
        return cls(RunRecord.load_sealed(path, code_key("check sitemap", LIBRARIES), project.root))

    def get(self, sha256: str) -> list[Listed] | None:
        """The addresses kept for a sitemap of these bytes (None: parse it)."""
        if self.record.entries.get("sha256") != sha256:
            return None
        try:
            return [(str(href), _line(line)) for href, line in self.record.entries["listed"]]
        except (KeyError, TypeError, ValueError):
            return None  # sealed yet malformed: made by other code; parse the sitemap

    def put(self, sha256: str, listed: list[Listed]) -> None:
        entries = {"sha256": sha256, "listed": [list(x) for x in listed]}
        with contextlib.suppress(OSError):  # a read-only checkout parses it every time
            self.record.save(entries)


def _line(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"not a line: {value!r}")
    return value

"""What ``i18n check`` read in each rendered page, kept from one check to the next
(``.cache/i18n/check/pages.json``), so that a page whose bytes did not change, proved
against the same configuration, is not parsed again.

Parsing a page and reading it as a browser shows it (the published text with invisible
characters and look-alikes undone, then every forbidden pattern; links, scripts, the
disclaimer box) is most of the rendered-output proof. Its verdicts depend on the page's
bytes and on a few settings of its locale, nothing else:

- kept as verdicts, under a digest of the page's bytes *and* of the context they were
  reached in (the page's path, the site's address, the locale's tag, direction and language,
  the country's disclaimer text and reference for it, its audience, its forbidden wording,
  the allowed hosts and the country's legal links): what :func:`document_problems`, the
  canonical link, the forbidden wording and :func:`_foreign_links` found;
- kept as facts of the bytes alone, and judged afresh on every check: each hreflang link
  (its language, its address and the site path it resolves to: whether that path is a page
  of the site in that language is decided now; each distinct link is kept once, in a table
  every page shares), and the text of each JSON-LD block (compared now with what the render
  builds from the approved plan).

What the manifest, the plan and the ledgers say of a page (withheld, approvals revoked,
source changed) is never kept: it is decided on every check. The key of a page is the
SHA-256 of its bytes, never its modification time: one changed byte (an invisible character,
a look-alike letter) and the page is read again.

The verdicts decide what ``check`` reports, so the record is *sealed* with this machine's
cache key (:meth:`~i18n.formats.runcache.RunRecord.load_sealed`): a record that does not
carry the seal (forged, edited, truncated, another machine's) is empty, and every page is
read; ``check --cold`` reads and writes none.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from i18n.formats.runcache import RunRecord, code_key
from i18n.project import Project

# The libraries whose behaviour the kept verdicts follow.
LIBRARIES = ("lxml",)
FORMAT = 2  # 2: hreflang links in a table shared by every page

Problem = tuple[str, str, str | None]


HrefLang = tuple[str, str, str | None]  # the language, the address, the site path


@dataclass
class PageFacts:
    """What one page's bytes say, in its context (see the module's doc)."""

    unparsable: str | None = None  # the parser's complaint: nothing else was read
    before: list[Problem] = field(default_factory=list)  # document problems, canonical link
    hreflang: list[HrefLang] = field(default_factory=list)  # lang, href, path
    claims: list[Problem] = field(default_factory=list)  # forbidden wording
    json_ld: list[str] = field(default_factory=list)  # the text of each JSON-LD block
    foreign: list[Problem] = field(default_factory=list)  # foreign hosts, legal links

    def as_json(self, index: Callable[[HrefLang], int]) -> list[Any]:
        """The facts as JSON, each hreflang link by its ``index`` in the record's table."""
        return [
            self.unparsable,
            [list(p) for p in self.before],
            [index(h) for h in self.hreflang],
            [list(p) for p in self.claims],
            list(self.json_ld),
            [list(p) for p in self.foreign],
        ]

    @classmethod
    def from_json(cls, value: Any, links: list[HrefLang]) -> PageFacts:
        """The facts a record kept, their hreflang links from the record's table ``links``
        (ValueError when they are malformed)."""
        try:
            unparsable, before, hreflang, claims, json_ld, foreign = value
            facts = cls(
                None if unparsable is None else str(unparsable),
                [_problem(p) for p in before],
                [links[_index(i)] for i in hreflang],
                [_problem(p) for p in claims],
                [str(t) for t in json_ld],
                [_problem(p) for p in foreign],
            )
        except (TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"malformed page facts: {exc}") from exc
        return facts


def _index(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"not a link's index: {value!r}")
    return value


def _problem(value: Any) -> Problem:
    code, message, snippet = value
    return (str(code), str(message), None if snippet is None else str(snippet))


def _link(value: Any) -> HrefLang:
    lang, href, path = value
    return (str(lang), str(href), None if path is None else str(path))


def context_digest(*parts: object) -> str:
    """A digest of what a page's kept verdicts were reached against (JSON values)."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PageProofs:
    """The kept facts of every page by its site path: ``{"pages": {path: [bytes digest,
    context digest, facts]}, "links": [[lang, href, path], ...]}``; a page is found again
    only when both digests are equal. Every hreflang link is written once, in the shared
    table ``links``, and a page keeps the indexes of its own: the siblings of an article
    all link to the same pages (at 10k pages, about 55 links a page, 15,000 distinct)."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        self._pages: dict[str, Any] = {}
        self._links: list[HrefLang] = []
        pages, links = record.entries.get("pages"), record.entries.get("links")
        if isinstance(pages, dict) and isinstance(links, list):
            try:
                self._links = [_link(h) for h in links]
                self._pages = pages
            except (TypeError, ValueError):
                pass  # sealed yet malformed: made by other code; read every page
        self._used: dict[str, tuple[str, str, PageFacts]] = {}
        self.hits = self.misses = 0

    @classmethod
    def open(cls, project: Project) -> PageProofs:
        path = project.cache_dir / "check" / "pages.json"
        key = code_key(f"check pages {FORMAT}", LIBRARIES)
        return cls(RunRecord.load_sealed(path, key, project.root))

    def get(self, rel: str, page: str, context: str) -> PageFacts | None:
        entry = self._pages.get(rel)
        if isinstance(entry, list) and len(entry) == 3 and entry[:2] == [page, context]:
            try:
                facts = PageFacts.from_json(entry[2], self._links)
            except ValueError:
                facts = None  # sealed yet malformed: made by other code; read the page
            if facts is not None:
                self.hits += 1
                self._used[rel] = (page, context, facts)
                return facts
        self.misses += 1
        return None

    def put(self, rel: str, page: str, context: str, facts: PageFacts) -> None:
        self._used[rel] = (page, context, facts)

    def save(self, *, complete: bool) -> None:
        """Keep the facts when they changed. ``complete``: every page of the site was read,
        so a page not read this time is dropped (and the table holds only the links of the
        pages kept); else the others are kept as they are, and so is the table (new links
        are added to its end)."""
        if complete and self.misses == 0 and self._used.keys() == self._pages.keys():
            return  # every page as the record has it
        links = [] if complete else list(self._links)
        index = {h: i for i, h in enumerate(links)}

        def intern(link: HrefLang) -> int:
            if link not in index:
                index[link] = len(links)
                links.append(link)
            return index[link]

        pages = {} if complete else dict(self._pages)
        for rel, (page, context, facts) in self._used.items():
            pages[rel] = [page, context, facts.as_json(intern)]
        kept = {"pages": pages, "links": [list(h) for h in links]}
        if kept == self.record.entries:
            return
        with contextlib.suppress(OSError):  # a read-only checkout reads every page each time
            self.record.save(kept)

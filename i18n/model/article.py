"""An article as data: its front matter, markdown-it tokens and the segments (catalog
entries) taken from them."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
PRODUCT_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Names that would collide with generated files or are reserved by some file systems.
RESERVED_SLUGS = frozenset(
    {"index", "site", "sitemap", "manifest", "assets", "con", "prn", "aux", "nul"}
    | {"404"}  # each language's not-found page, 404.html
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
DESCRIPTION_MAX = 160
# msgctxt of the entries that hold a link or image title no other entry holds: a reference
# definition's (``[ref]: url "title"``) and that of an image shown alone (``![alt](src "t")``)
LINK_TITLE = "link title"
IMAGE_TITLE = "image title"
TITLE_CONTEXTS = frozenset({LINK_TITLE, IMAGE_TITLE})
# Callouts (GitHub's alert syntax, ``> [!WARNING]``): each kind's label, shown above the
# callout's text; a site string (``msgctxt "callout"`` in site.po), never part of an article
CALLOUT_CONTEXT = "callout"
CALLOUT_LABELS = {
    "note": "Note",
    "tip": "Tip",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
}


@dataclass(frozen=True)
class Segment:
    """One translatable unit: a gettext entry's msgctxt/msgid and where it came from."""

    msgid: str
    msgctxt: str | None
    kind: str
    line: int
    notes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    @functools.cached_property
    def key(self) -> tuple[str | None, str]:
        """(msgctxt, msgid): one tuple per segment, shared by every plan that keys a text by
        it (60k plans of about 50 texts each)."""
        return (self.msgctxt, self.msgid)


@dataclass
class ArticleBody:
    """What parsing an article's body gives: its markdown-it tokens, the parse's environment
    (link references) and the segments (front matter's first, then the body's)."""

    tokens: list[Token]
    env: dict[str, Any]
    segments: list[Segment]
    # token index -> segment for every translatable inline token of the body
    block_segments: dict[int, Segment] = field(default_factory=dict)
    callouts: tuple[str, ...] = ()  # the kinds of its callouts, in order
    hosts: tuple[str, ...] = ()  # the hosts its links and images reach, sorted

    def summary(self) -> BodySummary:
        return BodySummary(len(self.segments), self.callouts, self.hosts)


@dataclass(frozen=True)
class BodySummary:
    """What a page's fingerprint reads of a body besides its texts, known without parsing
    it once it was parsed and checked (the record of :mod:`i18n.formats.article`)."""

    count: int  # segments, the front matter's included
    callouts: tuple[str, ...]
    hosts: tuple[str, ...] = ()  # the hosts its links reach (what the check allows)


class BodyNotLoaded(Exception):
    """An article made without its body (a record's summary of it) was asked for it."""


@dataclass
class Article:
    """An article: its front matter, and its body (tokens and segments), which is parsed
    when first asked for (``parse``) unless it was given (``body``). The front matter is
    always read and checked; a body parsed late was checked by an earlier run with the same
    code and bytes (:func:`i18n.formats.article.load_articles`)."""

    slug: str
    path: str  # project-relative, forward slashes
    meta: dict[str, Any]
    source_hash: str
    # front-matter key path -> 1-based line in the file, for messages
    meta_lines: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)
    body: ArticleBody | None = field(default=None, repr=False, compare=False)
    parse: Callable[[], ArticleBody] | None = field(default=None, repr=False, compare=False)
    # the segments of the front matter (the first of :attr:`segments`): read without the body
    front: list[Segment] = field(default_factory=list, repr=False)
    # the body's summary, when known without parsing it (from the record that vouches for it)
    known: BodySummary | None = field(default=None, repr=False, compare=False)

    def parsed(self) -> ArticleBody:
        """The body, parsed now if it was not."""
        if self.body is None:
            if self.parse is None:
                raise BodyNotLoaded(f"{self.path}: the article was loaded without its body")
            self.body, self.parse = self.parse(), None
        return self.body

    @property
    def tokens(self) -> list[Token]:
        return self.parsed().tokens

    @property
    def env(self) -> dict[str, Any]:
        return self.parsed().env

    @property
    def segments(self) -> list[Segment]:
        return self.parsed().segments

    @property
    def block_segments(self) -> dict[int, Segment]:
        return self.parsed().block_segments

    def summary(self) -> BodySummary:
        """The body's summary (without parsing it when that is known)."""
        if self.body is None and self.known is not None:
            return self.known
        return self.parsed().summary()

    def header(self) -> Article:
        """The article without its body (what the rules across articles read)."""
        return Article(self.slug, self.path, self.meta, self.source_hash, self.meta_lines)

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @property
    def products(self) -> list[str]:
        return list(self.meta.get("products") or [])

    @property
    def related(self) -> list[str]:
        return list(self.meta.get("related") or [])

    @property
    def date(self) -> dt.date | None:
        return _as_date(self.meta.get("date"))

    @property
    def updated(self) -> dt.date | None:
        return _as_date(self.meta.get("updated")) or self.date

    @property
    def safety_update(self) -> dt.date | None:
        """A change that must withdraw every translation approved before this date at once
        (no outdated page is kept for it)."""
        return _as_date(self.meta.get("safety_update"))


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return None

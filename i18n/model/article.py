"""An article as data: its front matter, markdown-it tokens and the segments (catalog
entries) taken from them."""

from __future__ import annotations

import datetime as dt
import functools
import re
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
class Article:
    """A parsed article: metadata, markdown-it tokens and the segments extracted from them."""

    slug: str
    path: str  # project-relative, forward slashes
    meta: dict[str, Any]
    tokens: list[Token]
    env: dict[str, Any]
    segments: list[Segment]
    source_hash: str
    # token index -> segment for every translatable inline token of the body
    block_segments: dict[int, Segment] = field(default_factory=dict)
    # front-matter key path -> 1-based line in the file, for messages
    meta_lines: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)

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

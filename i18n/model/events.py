"""Ledger events as data: what happened to one exact text of one catalog, and when.

Every event names its subject — the catalog (an article slug or ``site``), msgctxt, msgid and
the content hash of the entry's text (:func:`i18n.model.states.content_hash`) — and its UTC
time at second precision. The kinds:

=========  ===================================================================================
drafted    ``i18n translate`` wrote a machine or memory draft (``provider``)
approved   a reviewer signed off the text (``reviewer``, ``meaning``; with an ``override``
           reason and the blocking findings it overrode, when there were any)
rejected   a reviewer sent the text back to the translator (``reason``)
revoked    a reviewer withdrew an earlier approval of the text (``reason``)
=========  ===================================================================================

Only :mod:`i18n.formats.ledger` turns events into JSON lines and back; every stage builds and
reads these types.

>>> ev = Approved(hash="ab", catalog="site", msgctxt=None, msgid="Home", msgstr="Startseite",
...               reviewer="Dr. Anna Keller", time="2026-11-26T09:30:09Z")
>>> ev.kind, ev.meaning, ev.decides
('approved', 'reviewed and approved', True)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

MEANING = "reviewed and approved"  # what an approval's signature means (21 CFR 11.50(a)(3))


def utc_now() -> str:
    """The current UTC time as events record it: ``2026-11-26T09:30:09Z``."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, kw_only=True)
class LedgerEvent:
    """What every event has: its subject and its time."""

    kind: ClassVar[str] = ""
    decides: ClassVar[bool] = False  # approve, reject, revoke: decides an entry's review state

    hash: str
    catalog: str | None
    msgctxt: str | None
    msgid: str
    time: str = ""


@dataclass(frozen=True, kw_only=True)
class Drafted(LedgerEvent):
    """A draft written by ``i18n translate``: ``provider`` is ``memory``, ``copy`` or the name
    of a machine-translation provider (``deepl``, ``libre``, ``pseudo``, ...)."""

    kind: ClassVar[str] = "drafted"

    provider: str


@dataclass(frozen=True, kw_only=True)
class Approved(LedgerEvent):
    """A reviewer's sign-off of the exact text (``msgstr``, or ``msgstr_plural`` in order)."""

    kind: ClassVar[str] = "approved"
    decides: ClassVar[bool] = True

    msgstr: str
    reviewer: str
    meaning: str = MEANING
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] | None = None
    override: str | None = None  # the reviewer's reason for approving despite findings
    overridden: tuple[str, ...] = ()  # "code: message" of each blocking finding overridden
    reviewer_is_last_translator: bool = False


@dataclass(frozen=True, kw_only=True)
class Rejected(LedgerEvent):
    """A text sent back to the translator with the reason."""

    kind: ClassVar[str] = "rejected"
    decides: ClassVar[bool] = True

    msgstr: str
    reason: str
    reviewer: str | None = None


@dataclass(frozen=True, kw_only=True)
class Revoked(LedgerEvent):
    """An earlier approval of the text withdrawn, with the reason."""

    kind: ClassVar[str] = "revoked"
    decides: ClassVar[bool] = True

    reason: str
    reviewer: str | None = None


EVENT_TYPES: dict[str, type[LedgerEvent]] = {
    cls.kind: cls for cls in (Drafted, Approved, Rejected, Revoked)
}

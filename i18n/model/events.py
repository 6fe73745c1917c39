"""Ledger events as data: what happened to one exact text of one catalog, and when.

Every event names its subject — the locale, the catalog (an article slug or ``site``),
msgctxt, msgid and the content hash of the entry's text (:func:`i18n.model.states.content_hash`)
— its UTC time at second precision, and who signed it: ``signer`` is the id of a person of
``source/people.yaml`` (or of a service, which then names the person it signs for in
``on_behalf_of``). ``prev`` is the hash of the ledger line the event was appended after, and
``signature`` an SSH signature (SSHSIG) over every other field. The kinds:

=========  ===================================================================================
drafted    ``i18n translate`` wrote a machine or memory draft (``provider``)
approved   a reviewer signed off the text (``reviewer``, ``meaning``; with an ``override``
           reason and the blocking findings it overrode, when there were any)
rejected   a reviewer sent the text back to the translator (``reason``)
revoked    a reviewer withdrew an earlier approval of the text (``reason``)
commented  a translator or reviewer wrote in the entry's thread (``text``, ``name``); it
           never decides the entry's state
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
MIGRATED = "vouches for an approval recorded before signatures"  # the meaning of a re-signing


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
    locale: str = ""
    signer: str = ""  # a person's (or a service's) id in people.yaml
    on_behalf_of: str | None = None  # the person a service signed for
    prev: str = ""  # SHA-256 of the ledger line this event was appended after
    signature: str = ""  # base64 SSHSIG over every other field
    # a migration: the digest of the unsigned line written before signatures that this
    # signed event vouches for (``i18n resign``)
    migrated_from: str | None = None

    @property
    def person(self) -> str:
        """The person responsible for the event: the signer, or whom a service signed for."""
        return self.on_behalf_of or self.signer


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
    reviewer: str  # the signer's printed name when it was signed
    meaning: str = MEANING
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] | None = None
    override: str | None = None  # the reviewer's reason for approving despite findings
    overridden: tuple[str, ...] = ()  # "code: message" of each blocking finding overridden
    reviewer_is_last_translator: bool = False
    # who wrote the approved text (four eyes), and how that is known: "ledger" (a signed
    # event), "git" (the commit that last changed the entry), or "unknown"
    author: str | None = None
    author_source: str | None = None


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


@dataclass(frozen=True, kw_only=True)
class Commented(LedgerEvent):
    """A message in the entry's thread (between translators and reviewers), about the text
    whose hash it names; the thread of an entry is every comment on any of its texts."""

    kind: ClassVar[str] = "commented"

    text: str
    name: str = ""  # the writer's printed name when it was signed
    msgstr: str = ""  # the translation the comment was written about


COMMENT_LIMIT = 2000  # characters of one comment


EVENT_TYPES: dict[str, type[LedgerEvent]] = {
    cls.kind: cls for cls in (Drafted, Approved, Rejected, Revoked, Commented)
}

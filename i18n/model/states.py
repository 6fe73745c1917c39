"""Review states, derived and never stored twice, and the content hash an approval binds to.

============  ==========================================================================
untranslated  empty msgstr
draft         fuzzy: a machine or memory draft, or a translation whose source changed
rejected      fuzzy, and the ledger's latest decision on this exact text is a rejection
translated    not fuzzy, not (validly) approved: waiting for a reviewer
approved      an approval event whose hash matches the entry's current text
============  ==========================================================================
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import polib

UNTRANSLATED = "untranslated"
DRAFT = "draft"
TRANSLATED = "translated"
REJECTED = "rejected"
APPROVED = "approved"
STATES = (UNTRANSLATED, DRAFT, REJECTED, TRANSLATED, APPROVED)


def content_hash(entry: polib.POEntry) -> str:
    """SHA-256 of what an approval means: msgctxt, msgid, msgid_plural and the msgstr(s)."""
    if entry.msgid_plural:
        msgstr: Any = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int)]
    else:
        msgstr = entry.msgstr
    payload = _ENCODER.encode([entry.msgctxt, entry.msgid, entry.msgid_plural or None, msgstr])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# json.dumps(..., ensure_ascii=False, separators=(",", ":")) without a new encoder per call:
# the render hashes every entry of every catalog it reads
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def entry_id(locale: str, catalog: str, msgctxt: str | None, msgid: str) -> str:
    """Stable short id of a queue item; independent of formatting and order.

    >>> entry_id("de", "site", None, "Home")
    'a577033bed'
    """
    key = "\x04".join([locale, catalog, msgctxt or "", msgid])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


def is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(v for v in entry.msgstr_plural.values())
    return bool(entry.msgstr)


def entry_state(
    entry: polib.POEntry,
    approved: set[str],
    rejected: set[str] | None = None,
    digest: str | None = None,
) -> str:
    """The derived review state of one (non-obsolete) entry (``digest``: its
    :func:`content_hash`, when the caller has it already)."""
    if not is_translated(entry):
        return UNTRANSLATED
    h = digest or content_hash(entry)
    if "fuzzy" in entry.flags:
        return REJECTED if rejected and h in rejected else DRAFT
    if h in approved:
        return APPROVED
    return TRANSLATED

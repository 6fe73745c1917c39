"""Review states and the approvals ledger.

States are derived, never stored twice: a catalog entry's text and flags plus the locale's
append-only ledger (``locales/<lang>/approvals.jsonl``) decide whether an entry is
untranslated, draft, translated (awaiting review), rejected or approved. An approval binds to
a hash of the entry's content, not to its formatting.

>>> import polib
>>> e = polib.POEntry(msgid="Clot", msgstr="Gerinnsel")
>>> content_hash(e) == content_hash(polib.POEntry(msgid="Clot", msgstr="Gerinnsel", tcomment="x"))
True
>>> content_hash(e) == content_hash(polib.POEntry(msgid="Clot", msgstr="Gerinnsel!"))
False
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib

UNTRANSLATED = "untranslated"
DRAFT = "draft"
TRANSLATED = "translated"
REJECTED = "rejected"
APPROVED = "approved"
STATES = (UNTRANSLATED, DRAFT, REJECTED, TRANSLATED, APPROVED)
MEANING = "reviewed and approved"


def content_hash(entry: polib.POEntry) -> str:
    """SHA-256 of what an approval means: msgctxt, msgid, msgid_plural and the msgstr(s)."""
    if entry.msgid_plural:
        msgstr: Any = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int)]
    else:
        msgstr = entry.msgstr
    payload = json.dumps(
        [entry.msgctxt, entry.msgid, entry.msgid_plural or None, msgstr],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def entry_id(locale: str, catalog: str, msgctxt: str | None, msgid: str) -> str:
    """Stable short id of a queue item; independent of formatting and order.

    >>> entry_id("de", "site", None, "Home")
    'd9c0e4a6f2'
    """
    key = "\x04".join([locale, catalog, msgctxt or "", msgid])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


def is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(v for v in entry.msgstr_plural.values())
    return bool(entry.msgstr)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Ledger:
    """The events of one locale, read from ``approvals.jsonl``.

    A torn last line (a crash mid-append) is reported in :attr:`warnings` and ignored.
    """

    path: Path
    events: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Ledger:
        ledger = cls(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return ledger
        lines = raw.split(b"\n")
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                event = json.loads(line.decode("utf-8"))
                if not isinstance(event, dict) or "event" not in event:
                    raise ValueError("not an event object")
            except (ValueError, UnicodeDecodeError):
                last = all(not rest.strip() for rest in lines[n:])
                what = "torn last line (interrupted write?)" if last else "unreadable line"
                ledger.warnings.append(f"{path}:{n}: {what}; ignored")
                continue
            ledger.events.append(event)
        return ledger

    def approved_hashes(self) -> set[str]:
        """Hashes whose latest approve/reject/revoke event is an approval."""
        last: dict[str, str] = {}
        for ev in self.events:
            if ev.get("event") in ("approved", "rejected", "revoked") and ev.get("hash"):
                last[ev["hash"]] = ev["event"]
        return {h for h, kind in last.items() if kind == "approved"}

    def latest(self, kind: str) -> dict[str, dict[str, Any]]:
        """The latest event of ``kind`` for each hash."""
        out: dict[str, dict[str, Any]] = {}
        for ev in self.events:
            if ev.get("event") == kind and ev.get("hash"):
                out[ev["hash"]] = ev
        return out

    def append(self, events: Iterable[dict[str, Any]]) -> int:
        """Append events durably (one JSON object a line, fsync'd). A torn last line left by
        a crash is terminated first so the new events start on a line of their own."""
        lines = [json.dumps(ev, ensure_ascii=False, sort_keys=True) + "\n" for ev in events]
        if not lines:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        prefix = ""
        try:
            with self.path.open("rb") as fh:
                fh.seek(0, os.SEEK_END)
                if fh.tell() > 0:
                    fh.seek(-1, os.SEEK_END)
                    if fh.read(1) != b"\n":
                        prefix = "\n"
        except FileNotFoundError:
            pass
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (prefix + "".join(lines)).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        self.events.extend(json.loads(line) for line in lines)
        return len(lines)

    def report(self) -> None:
        for warning in self.warnings:
            print(f"warning: {warning}", file=sys.stderr)


def entry_state(entry: polib.POEntry, approved: set[str], rejected: set[str] | None = None) -> str:
    """The derived review state of one (non-obsolete) entry."""
    if not is_translated(entry):
        return UNTRANSLATED
    h = content_hash(entry)
    if "fuzzy" in entry.flags:
        return REJECTED if rejected and h in rejected else DRAFT
    if h in approved:
        return APPROVED
    return TRANSLATED

"""The approvals ledger ``locales/<lang>/approvals.jsonl``: append-only, one event a line.

Each line is one JSON object with sorted keys: ``"event"`` (the kind) and the fields of the
event's type in :mod:`i18n.model.events`; optional fields are left out when they hold nothing.
:func:`event_record` and :func:`read_event` are the only write and read path of that form.

>>> from i18n.model.events import Rejected
>>> ev = Rejected(hash="ab", catalog="site", msgctxt=None, msgid="Home", msgstr="Start",
...               reason="too short", time="2026-11-26T09:30:09Z")
>>> line = json.dumps(event_record(ev), sort_keys=True)
>>> line
'{"catalog": "site", "event": "rejected", "hash": "ab", "msgctxt": null, "msgid": "Home", \
"msgstr": "Start", "reason": "too short", "time": "2026-11-26T09:30:09Z"}'
>>> read_event(json.loads(line)) == ev
True
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from i18n.errors import I18nError
from i18n.formats import sshsig
from i18n.formats.sshsig import Signer
from i18n.model.events import EVENT_TYPES, LedgerEvent

# Written even when empty: the subject of an event is always spelled out in full.
_ALWAYS = frozenset({"hash", "catalog", "msgctxt", "msgid", "time"})
# Left out when empty: the fields of signed events, absent from lines written before them.
_SIGNED = frozenset({"locale", "signer", "prev", "signature"})


def event_record(event: LedgerEvent) -> dict[str, Any]:
    """The JSON object of one event (a ledger line before ``json.dumps``)."""
    record: dict[str, Any] = {"event": event.kind}
    for name, _ in _fields(type(event)):
        value = getattr(event, name)
        if name not in _ALWAYS and (value is None or value == () or value is False):
            continue
        if name in _SIGNED and value == "":
            continue
        record[name] = list(value) if isinstance(value, tuple) else value
    return record


def read_event(record: Any) -> LedgerEvent | None:
    """The event a ledger line holds, or None for a line no stage acts on (an unknown kind,
    no hash). Fields missing from a hand-written line take their types' defaults."""
    if not isinstance(record, dict):
        return None
    cls = EVENT_TYPES.get(record.get("event"))  # type: ignore[arg-type]
    digest = record.get("hash")
    if cls is None or not isinstance(digest, str) or not digest:
        return None
    values: dict[str, Any] = {}
    for name, required in _fields(cls):
        if name in record:
            value = record[name]
            values[name] = tuple(value) if isinstance(value, list) else value
        elif required:
            values[name] = None if name in ("catalog", "msgctxt") else ""
    return cls(**values)


@cache
def _fields(cls: type[LedgerEvent]) -> tuple[tuple[str, bool], ...]:
    """(name, whether it has no default) of each field of an event type."""
    return tuple((f.name, f.default is dataclasses.MISSING) for f in dataclasses.fields(cls))


def _shown(path: Path) -> str:
    """``.../project/locales/de/approvals.jsonl`` -> ``locales/de/approvals.jsonl``, as
    every other message names project files."""
    parts = path.parts
    if len(parts) >= 3 and parts[-3] != "" and "locales" in parts[:-2]:
        i = len(parts) - 1 - parts[::-1].index("locales")
        return "/".join(parts[i:])
    return str(path)


NAMESPACE = "i18n-ledger"  # the SSHSIG namespace of ledger signatures


@dataclass(frozen=True)
class Signing:
    """Who signs the events a command appends: an identity of people.yaml and its key (or a
    service's key, signing for the person who signed in to it)."""

    identity: str
    key: Signer
    on_behalf_of: str | None = None


def signed_bytes(event: LedgerEvent) -> bytes:
    """What a signature covers: every field of the event but the signature itself, as
    compact JSON with sorted keys (the same bytes on every machine)."""
    record = event_record(event)
    record.pop("signature", None)
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def line_digest(line: bytes) -> str:
    """The hash a later event's ``prev`` names: SHA-256 of the line's bytes, newline aside."""
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


@dataclass(frozen=True)
class Line:
    """One line of a ledger file: its number, its digest, and the event it holds (None for a
    line no stage acts on)."""

    number: int
    digest: str
    event: LedgerEvent | None


@dataclass
class Ledger:
    """The lines of one locale's ``approvals.jsonl``, as written; nothing here decides what
    counts (see :mod:`i18n.pipeline.signoff`).

    A torn last line (a crash mid-append) is reported in :attr:`warnings` and ignored.
    """

    path: Path
    lines: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # the file's bytes as read, and how many of :attr:`lines` they hold (a later reading of
    # the file parses only what was appended since)
    _read_bytes: bytes | None = field(default=None, repr=False, compare=False)
    _read_lines: int = field(default=0, repr=False, compare=False)

    @property
    def locale(self) -> str:
        return self.path.parent.name

    @property
    def shown(self) -> str:
        return _shown(self.path)

    @property
    def events(self) -> list[LedgerEvent]:
        return [line.event for line in self.lines if line.event is not None]

    @classmethod
    def read(
        cls,
        path: Path,
        warn: Callable[[str], None] | None = None,
        earlier: Ledger | None = None,
    ) -> Ledger:
        """The ledger at ``path`` (empty when there is none); each warning also goes to
        ``warn`` as it is found. ``earlier``: a reading of the same file; when the file only
        grew since (lines appended), the lines read then are kept and only the new ones
        parsed."""
        ledger = cls(path)
        ledger._read(warn, earlier)
        return ledger

    def _refuse_link(self) -> None:
        """A ledger that is a symbolic link would record approvals outside the project (or
        read someone else's): refused, whatever it points to."""
        if self.path.is_symlink():
            raise I18nError(
                "the approval ledger is a symbolic link; it must be a file of the project "
                "(replace the link with the file it points to, and review that file's history)",
                _shown(self.path),
            )

    def _read(self, warn: Callable[[str], None] | None, earlier: Ledger | None = None) -> None:
        self._refuse_link()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        self._read_bytes = raw
        start = 0
        known = earlier._read_bytes if earlier is not None else None
        if (
            earlier is not None
            and known
            and known.endswith(b"\n")
            and not earlier.warnings
            and raw.startswith(known)
        ):
            self.lines = earlier.lines[: earlier._read_lines]
            start = known.count(b"\n")
            raw = raw[len(known) :]
        self._parse(raw, start, warn)
        self._read_lines = len(self.lines)

    def _parse(self, raw: bytes, start: int, warn: Callable[[str], None] | None) -> None:
        """The lines of ``raw``, the file's bytes after its first ``start`` lines."""
        lines = raw.split(b"\n")
        for n, line in enumerate(lines, start + 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line.decode("utf-8"))
                if not isinstance(record, dict) or "event" not in record:
                    raise ValueError("not an event object")
            except (ValueError, UnicodeDecodeError):
                last = all(not rest.strip() for rest in lines[n - start :])
                what = "torn last line (interrupted write?)" if last else "unreadable line"
                self.warnings.append(f"{self.shown}:{n}: {what}; ignored")
                if warn is not None:
                    warn(self.warnings[-1])
                self.lines.append(Line(n, line_digest(line), None))  # still a link of the chain
                continue
            self.lines.append(Line(n, line_digest(line), read_event(record)))

    def append(self, events: Iterable[LedgerEvent], signing: Signing | None = None) -> int:
        """Append events durably (one JSON object a line, fsync'd), each chained to the line
        before it and, with ``signing``, signed. A torn last line left by a crash is
        terminated first so the new events start on a line of their own."""
        prefix, prev = self._tail()
        lines: list[bytes] = []
        new: list[LedgerEvent] = []
        for event in events:
            event = dataclasses.replace(event, locale=self.locale, prev=prev, signature="")
            if signing is not None:
                event = dataclasses.replace(
                    event, signer=signing.identity, on_behalf_of=signing.on_behalf_of
                )
                blob = sshsig.sign(signed_bytes(event), signing.key, NAMESPACE)
                event = dataclasses.replace(event, signature=base64.b64encode(blob).decode())
            line = json.dumps(event_record(event), ensure_ascii=False, sort_keys=True).encode()
            lines.append(line + b"\n")
            new.append(event)
            prev = line_digest(line)
        if not lines:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = memoryview(prefix + b"".join(lines))
        self._refuse_link()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            while data:  # a short write (disk nearly full) is continued, or raises
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        number = max((line.number for line in self.lines), default=0) + (1 if prefix else 0)
        for line, event in zip(lines, new, strict=True):
            number += 1
            self.lines.append(Line(number, line_digest(line), event))
        return len(lines)

    def _tail(self) -> tuple[bytes, str]:
        """(what to write first, the digest of the last line) of the file as it is now."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return b"", ""
        prefix = b"\n" if raw and not raw.endswith(b"\n") else b""
        last = next((line for line in reversed(raw.split(b"\n")) if line.strip()), b"")
        return prefix, line_digest(last) if last else ""

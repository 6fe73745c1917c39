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

import dataclasses
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from i18n.model.events import EVENT_TYPES, Approved, LedgerEvent

E = TypeVar("E", bound=LedgerEvent)

# Written even when empty: the subject of an event is always spelled out in full.
_ALWAYS = frozenset({"hash", "catalog", "msgctxt", "msgid", "time"})


def event_record(event: LedgerEvent) -> dict[str, Any]:
    """The JSON object of one event (a ledger line before ``json.dumps``)."""
    record: dict[str, Any] = {"event": event.kind}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if f.name not in _ALWAYS and (value is None or value == () or value is False):
            continue
        record[f.name] = list(value) if isinstance(value, tuple) else value
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
    for f in dataclasses.fields(cls):
        if f.name in record:
            value = record[f.name]
            values[f.name] = tuple(value) if isinstance(value, list) else value
        elif f.default is dataclasses.MISSING:
            values[f.name] = None if f.name in ("catalog", "msgctxt") else ""
    return cls(**values)


def _shown(path: Path) -> str:
    """``.../project/locales/de/approvals.jsonl`` -> ``locales/de/approvals.jsonl``, as
    every other message names project files."""
    parts = path.parts
    if len(parts) >= 3 and parts[-3] != "" and "locales" in parts[:-2]:
        i = len(parts) - 1 - parts[::-1].index("locales")
        return "/".join(parts[i:])
    return str(path)


@dataclass
class Ledger:
    """The events of one locale, read from ``approvals.jsonl``.

    A torn last line (a crash mid-append) is reported in :attr:`warnings` and ignored.
    """

    path: Path
    events: list[LedgerEvent] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path, warn: Callable[[str], None] | None = None) -> Ledger:
        """The ledger at ``path`` (empty when there is none); each warning also goes to
        ``warn`` as it is found."""
        ledger = cls(path)
        ledger._read(warn)
        return ledger

    def _read(self, warn: Callable[[str], None] | None) -> None:
        path = self.path
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return
        lines = raw.split(b"\n")
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line.decode("utf-8"))
                if not isinstance(record, dict) or "event" not in record:
                    raise ValueError("not an event object")
            except (ValueError, UnicodeDecodeError):
                last = all(not rest.strip() for rest in lines[n:])
                what = "torn last line (interrupted write?)" if last else "unreadable line"
                self.warnings.append(f"{_shown(path)}:{n}: {what}; ignored")
                if warn is not None:
                    warn(self.warnings[-1])
                continue
            event = read_event(record)
            if event is not None:
                self.events.append(event)

    def approved_hashes(self, catalog: str | None = None) -> set[str]:
        """Hashes whose latest approve/reject/revoke event is an approval.

        With ``catalog``, only that catalog's events count: an approval is a decision about a
        text in its context (an article), so the same sentence approved in one article is not
        approved in another until a reviewer has seen it there.
        """
        last: dict[str, LedgerEvent] = {}
        for ev in self._events(catalog):
            if ev.decides:
                last[ev.hash] = ev
        return {h for h, ev in last.items() if isinstance(ev, Approved)}

    def latest(self, kind: type[E], catalog: str | None = None) -> dict[str, E]:
        """The latest event of type ``kind`` for each hash (of ``catalog`` only, when given)."""
        out: dict[str, E] = {}
        for ev in self._events(catalog):
            if isinstance(ev, kind):
                out[ev.hash] = ev
        return out

    def _events(self, catalog: str | None) -> list[LedgerEvent]:
        if catalog is None:
            return self.events
        return [ev for ev in self.events if ev.catalog == catalog]

    def append(self, events: Iterable[LedgerEvent]) -> int:
        """Append events durably (one JSON object a line, fsync'd). A torn last line left by
        a crash is terminated first so the new events start on a line of their own."""
        new = list(events)
        lines = [
            json.dumps(event_record(ev), ensure_ascii=False, sort_keys=True) + "\n" for ev in new
        ]
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
        data = memoryview((prefix + "".join(lines)).encode("utf-8"))
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            while data:  # a short write (disk nearly full) is continued, or raises
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        self.events.extend(new)
        return len(lines)

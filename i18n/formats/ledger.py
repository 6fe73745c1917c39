"""The approvals ledger ``locales/<lang>/approvals.jsonl``: append-only, one event a line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


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
                ledger.warnings.append(f"{_shown(path)}:{n}: {what}; ignored")
                continue
            ledger.events.append(event)
        return ledger

    def approved_hashes(self, catalog: str | None = None) -> set[str]:
        """Hashes whose latest approve/reject/revoke event is an approval.

        With ``catalog``, only that catalog's events count: an approval is a decision about a
        text in its context (an article), so the same sentence approved in one article is not
        approved in another until a reviewer has seen it there.
        """
        last: dict[str, str] = {}
        for ev in self._events(catalog):
            if ev.get("event") in ("approved", "rejected", "revoked") and ev.get("hash"):
                last[ev["hash"]] = ev["event"]
        return {h for h, kind in last.items() if kind == "approved"}

    def latest(self, kind: str, catalog: str | None = None) -> dict[str, dict[str, Any]]:
        """The latest event of ``kind`` for each hash (of ``catalog`` only, when given)."""
        out: dict[str, dict[str, Any]] = {}
        for ev in self._events(catalog):
            if ev.get("event") == kind and ev.get("hash"):
                out[ev["hash"]] = ev
        return out

    def _events(self, catalog: str | None) -> list[dict[str, Any]]:
        if catalog is None:
            return self.events
        return [ev for ev in self.events if ev.get("catalog") == catalog]

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

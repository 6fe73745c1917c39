"""The verified-ledger cache ``.cache/i18n/verified/<locale>.json``: what checking the
signatures and signers of a ledger's first lines found, so that the next command verifies
only the lines appended since (a ledger is append-only; signature checks are most of the cost
of reading one).

One JSON object: ``context`` (a hash of everything a line's verdict depends on besides the
line: people, settings, the verifying code), ``count`` (how many lines of the ledger it
covers), ``prefix`` (a hash of those lines' digests, in order), ``problems`` (line index ->
``[code, message]``, for the lines that do not count) and ``check`` (SHA-256 of the rest).
It is a cache, never a record: :func:`read_verified` returns None for a missing, unreadable,
corrupted (``check`` differs) or other-context file, and the caller verifies afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from i18n.formats.fs import atomic_write

FORMAT = 1


@dataclass(frozen=True)
class Verified:
    """Verdicts on the first ``count`` lines of a ledger whose digests hash to ``prefix``."""

    context: str
    count: int
    prefix: str
    problems: dict[int, tuple[str, str]] = field(default_factory=dict)


def prefix_hash(digests: Iterable[str]) -> str:
    """The hash of a run of line digests (the lines a :class:`Verified` covers)."""
    h = hashlib.sha256()
    for digest in digests:
        h.update(digest.encode("ascii") + b"\n")
    return h.hexdigest()


def _payload(v: Verified) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "context": v.context,
        "count": v.count,
        "prefix": v.prefix,
        "problems": {str(i): list(p) for i, p in sorted(v.problems.items())},
    }


def _checksum(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def read_verified(path: Path, context: str) -> Verified | None:
    """The cache at ``path`` if it is intact and was made in ``context``; else None."""
    try:
        data = json.loads(path.read_bytes())
        check = data.pop("check")
        if check != _checksum(data) or data["format"] != FORMAT or data["context"] != context:
            return None
        problems = {
            int(i): (str(code), str(message)) for i, (code, message) in data["problems"].items()
        }
        count, prefix = data["count"], data["prefix"]
        if not (isinstance(count, int) and count >= 0 and isinstance(prefix, str)):
            return None
        return Verified(context, count, prefix, problems)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def write_verified(path: Path, verified: Verified) -> None:
    """Write the cache atomically; a cache that cannot be written is left unwritten (a
    read-only checkout verifies every line each time, as without the cache)."""
    payload = _payload(verified)
    payload["check"] = _checksum(payload)
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with contextlib.suppress(OSError):
        atomic_write(path, text + "\n")

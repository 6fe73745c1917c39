"""The record of a stage's last run (``.cache/i18n/<stage>.json``, git-ignored), so that a
re-run on unchanged input skips the work whose result it already holds.

The record maps a name (a catalog, an article, a page) to JSON values chosen by the stage
(content hashes). It is kept under a key: the stage's name, the code and data of the
``i18n`` package, the versions of the libraries it names and whatever settings the stage
passes. The file carries a digest of its own content: a missing, truncated, edited or
unreadable record, or one made under another key, is an empty record (everything is done
again, and the record is written anew). It is a speed-up only: it never changes what a
stage writes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from i18n.formats.fs import atomic_write

FORMAT = 1
PACKAGE = Path(__file__).parents[1]  # the i18n package: its code, templates and data


def files_digest(folder: Path, digest: Any) -> None:
    """Feed ``digest`` with every file under ``folder`` (names and contents, sorted)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def code_key(name: str, libraries: tuple[str, ...], *settings: object) -> str:
    """A key for what a stage's result depends on besides its inputs: the ``i18n`` package's
    files, the versions of ``libraries`` and ``settings``."""
    digest = hashlib.sha256(f"{name} {FORMAT}\0".encode())
    for value in settings:
        digest.update(f"{value!r}\0".encode())
    for lib in libraries:
        try:
            digest.update(f"{lib}={metadata.version(lib)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{lib}=-\0".encode())
    files_digest(PACKAGE, digest)
    return digest.hexdigest()


def sha256_file(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class RunRecord:
    path: Path
    key: str
    entries: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, key: str) -> RunRecord:
        """The record at ``path``, or an empty one when there is none, it was made under
        another key, or it is not intact."""
        record = cls(path, key)
        try:
            data = json.loads(path.read_bytes())
            entries = data["entries"]
            intact = data["digest"] == _digest(entries) and data["format"] == FORMAT
            if intact and isinstance(entries, dict) and data["key"] == key:
                record.entries = dict(entries)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # no record, or one that cannot be trusted: everything is done again
        return record

    def save(self, entries: dict[str, Any]) -> None:
        """Write the record atomically (nothing when it holds these entries already)."""
        self.entries = entries
        data = {"format": FORMAT, "key": self.key, "digest": _digest(entries), "entries": entries}
        atomic_write(self.path, json.dumps(data, sort_keys=True, indent=0))


def _digest(entries: Any) -> str:
    return hashlib.sha256(json.dumps(entries, sort_keys=True).encode()).hexdigest()

"""The record of a stage's last run (``.cache/i18n/<stage>.json``, git-ignored), so that a
re-run on unchanged input skips the work whose result it already holds.

The record maps a name (a catalog, an article, a page) to JSON values chosen by the stage
(content hashes). It is kept under a key: the stage's name, the code and data of the
``i18n`` package, the versions of the libraries it names and whatever settings the stage
passes. The file carries a digest of its own content: a missing, truncated, edited or
unreadable record, or one made under another key, is an empty record (everything is done
again, and the record is written anew). It is a speed-up only: it never changes what a
stage writes.

A record whose answers decide what counts (which key signed a ledger line, what QA found)
is *sealed* (:meth:`RunRecord.load_sealed`): its digest is an HMAC under this machine's cache
key (:mod:`i18n.formats.localkey`), kept outside the project, so nobody who can only write
the project can forge it. Without a trustworthy key a sealed record is always empty and
never written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from i18n.formats.fs import atomic_write
from i18n.formats.localkey import local_key, seal, sealed

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
    digest.update(_package_digest())
    return digest.hexdigest()


@cache
def _package_digest() -> bytes:
    """The digest of the ``i18n`` package's files, once per process (a render asks for it
    for its page cache and its plan cache: 50 to 100 ms each)."""
    digest = hashlib.sha256()
    files_digest(PACKAGE, digest)
    return digest.digest()


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
    secret: bytes | None = None  # the machine's cache key of a sealed record
    usable: bool = True  # False: a sealed record without a key (never read nor written)

    @classmethod
    def load(cls, path: Path, key: str) -> RunRecord:
        """The record at ``path``, or an empty one when there is none, it was made under
        another key, or it is not intact."""
        return cls(path, key)._read()

    @classmethod
    def load_sealed(
        cls, path: Path, key: str, project_root: Path, raw: bytes | None = None
    ) -> RunRecord:
        """Like :meth:`load`, for a record sealed with this machine's cache key: one that
        does not carry the key's seal (forged, edited, another machine's) is empty.
        ``raw``: the file's bytes, when the caller has read them already."""
        secret = local_key(project_root)
        if secret is None:
            return cls(path, key, usable=False)
        return cls(path, key, secret=secret)._read(raw)

    def _read(self, raw: bytes | None = None) -> RunRecord:
        try:
            raw = self.path.read_bytes() if raw is None else raw
            entries = self._as_written(raw)
            if entries is None:  # any other layout of the same JSON: checked the long way
                data = json.loads(raw)
                entries = data["entries"]
                ours = data["format"] == FORMAT and data["key"] == self.key
                if not (ours and self._intact(entries, data["digest"])):
                    entries = None
            if isinstance(entries, dict):
                self.entries = dict(entries)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # no record, or one that cannot be trusted: everything is done again
        return self

    def _as_written(self, raw: bytes) -> Any:
        """The entries of a record laid out as :meth:`save` writes it (its entries last, in
        their canonical bytes), checked against its digest over exactly the bytes parsed:
        no re-serialisation. None for any other layout, or when the check fails."""
        cut = raw.find(_ENTRIES)
        if cut < 0 or not raw.endswith(b"}"):
            return None
        try:
            head = json.loads(raw[:cut] + b"}")
        except ValueError:  # the marker inside another layout's entries
            return None
        body = raw[cut + len(_ENTRIES) : -1]
        if not isinstance(head, dict) or head.get("format") != FORMAT:
            return None
        if head.get("key") != self.key or not self._intact_bytes(body, head.get("digest")):
            return None
        return json.loads(body)

    def _intact_bytes(self, canonical: bytes, digest: object) -> bool:
        if self.secret is None:
            return digest == hashlib.sha256(canonical).hexdigest()
        return sealed(self.secret, canonical, digest)

    def _intact(self, entries: Any, digest: object) -> bool:
        if self.secret is None:
            return digest == _digest(entries, None)
        return sealed(self.secret, _canonical(entries), digest)

    def save(self, entries: dict[str, Any]) -> str | None:
        """Write the record atomically; the SHA-256 of the bytes it holds (None: a sealed
        record without a key, never written)."""
        self.entries = entries
        if not self.usable:
            return None
        canonical = _canonical(entries)
        digest = (
            seal(self.secret, canonical)
            if self.secret is not None
            else hashlib.sha256(canonical).hexdigest()
        )
        head = json.dumps({"digest": digest, "format": FORMAT, "key": self.key})
        # the entries last, in the very bytes the digest covers: read back without
        # re-serialising them (:meth:`_as_written`); still one JSON document
        data = head[:-1].encode() + _ENTRIES + canonical + b"}"
        atomic_write(self.path, data)
        return hashlib.sha256(data).hexdigest()


_ENTRIES = b', "entries": '  # what precedes a record's entries as :meth:`RunRecord.save` writes it


def _canonical(entries: Any) -> bytes:
    return json.dumps(entries, sort_keys=True).encode()


def _digest(entries: Any, secret: bytes | None = None) -> str:
    if secret is not None:
        return seal(secret, _canonical(entries))
    return hashlib.sha256(_canonical(entries)).hexdigest()

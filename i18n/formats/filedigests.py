"""The SHA-256 of a project's files, kept by their ``stat`` as git's index keeps them, so that
a run which must know whether thousands of catalogs changed reads none that did not.

A file's digest is taken from the record when its size, modification and change times
(nanoseconds), inode and device are those recorded; else the file is read and hashed. The
change time (``ctime``) moves with every write and every ``chmod``, and no user can set it,
so a file written again is read again even when its size and ``mtime`` were put back.

A digest is recorded only for a file whose change time lies at least :data:`SETTLED_NS`
before the moment it was looked at (git's "racily clean" entries): a file written again
within the same tick of the file system's clock as its recorded write would otherwise keep
its old stat. The record is sealed with this machine's cache key
(:class:`~i18n.formats.runcache.RunRecord`): one that was edited, forged or made on another
machine is empty, and every file is read.

>>> import tempfile
>>> from pathlib import Path
>>> root = Path(tempfile.mkdtemp())
>>> (root / "a.po").write_text("msgid \\"\\"\\n", encoding="utf-8") and None
>>> digests = FileDigests(root, None)
>>> digests.sha256(root / "a.po")[:12], digests.sha256(root / "missing.po")
('9fc9bdb5fc30', None)
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

from i18n.formats.runcache import RunRecord, code_key

SETTLED_NS = 2_000_000_000  # a change time this much before the look is safe to record
RECORD_NAME = "files.json"


class FileDigests:
    """The SHA-256 of files under ``root``, read from a sealed record when their stat is the
    recorded one (``record`` None: every file is read, nothing is kept)."""

    def __init__(self, root: Path, record: RunRecord | None) -> None:
        self.root = root
        self.prefix = os.path.join(str(root), "")  # the root with one trailing separator
        self.record = record
        self.old: dict[str, object] = dict(record.entries) if record is not None else {}
        self.entries = dict(self.old)  # what save() keeps: the old, as this run found them
        self.reads = 0  # files read and hashed (what tests count)

    @classmethod
    def open(
        cls, root: Path, cache_dir: Path, name: str = RECORD_NAME, project: Path | None = None
    ) -> FileDigests:
        """The digests of files under ``root`` (the project's, or a site folder of
        ``project``'s) kept in ``cache_dir/name`` by earlier runs (none without a cache
        key)."""
        key = code_key(f"file digests {root.resolve()}", ())
        record = RunRecord.load_sealed(cache_dir / name, key, project or root)
        return cls(root, record)

    def sha256(self, path: Path | str, st: os.stat_result | None = None) -> str | None:
        """The SHA-256 of the bytes ``path`` reads (through a symbolic link), or None when
        there is no such file; OSError when it cannot be read. ``st``: the file's ``stat``,
        when the caller has it already."""
        name = _relative(str(path), self.prefix)
        if st is None:
            try:
                st = os.stat(path)
            except FileNotFoundError:
                self.entries.pop(name, None)
                return None
        shape = stat_shape(st)
        kept = self.old.get(name)
        if (
            stat.S_ISREG(st.st_mode)
            and isinstance(kept, list)
            and len(kept) == 6
            and kept[:5] == shape
            and isinstance(kept[5], str)
        ):
            return kept[5]
        self.entries.pop(name, None)
        looked = time.time_ns()
        with open(path, "rb") as fh:  # raises as any read does
            digest = hashlib.sha256(fh.read()).hexdigest()
        self.reads += 1
        settled = stat.S_ISREG(st.st_mode) and st.st_ctime_ns <= looked - SETTLED_NS
        if settled and stat_shape(os.stat(path)) == shape:  # and not written while it was read
            self.entries[name] = [*shape, digest]
        return digest

    def forget(self, path: Path | str) -> None:
        """``path`` is gone: its digest is no longer kept."""
        self.entries.pop(_relative(str(path), self.prefix), None)

    def save(self) -> None:
        """Keep the digests, those of the files read in this run included (written only
        when that changes the record; never without a cache key)."""
        if self.record is not None and self.record.usable and self.entries != self.old:
            self.record.save(dict(sorted(self.entries.items())))
            self.old = dict(self.entries)


def stat_shape(st: os.stat_result) -> list[int]:
    """What says that a file was not written: size, mtime, ctime, inode, device."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _relative(path: str, prefix: str) -> str:
    """``path`` relative to the folder ``prefix`` (ends with a separator) when under it, as
    every path a project reads is: a slice, not :func:`os.path.relpath` (15,000 a run)."""
    return path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, prefix)

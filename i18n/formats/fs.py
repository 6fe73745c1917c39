"""Files: atomic writes, UTF-8 text, project-relative paths, and the report of what a stage
wrote (:class:`WriteReport`)."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import sys
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from i18n.errors import I18nError


def _holds(path: Path, raw: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``raw`` (a file of another size is not
    read: an earlier version's 400 MB sitemap is replaced by a small index)."""
    try:
        return path.stat().st_size == len(raw) and path.read_bytes() == raw
    except FileNotFoundError:
        return False


def atomic_write(path: Path, data: str | bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Returns False (and touches nothing) when the file already holds exactly these bytes,
    so unchanged output keeps its mtime and git sees no change.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if _holds(path, raw):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777  # keep an existing file's permissions
    except FileNotFoundError:
        mode = 0o666 & ~_UMASK  # what open() would give a new file
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # so the message names the file that was not written
        raise
    return True


def atomic_write_all(files: list[tuple[Path, str | bytes]]) -> list[bool]:
    """Write several files all or none: every changed file is first written in full to a
    temporary file beside it (and synced); only when all are written are they renamed into
    place. A failure while writing (a full disk) removes the temporary files and changes no
    file. Returns, per file, whether it changed (False: it already held these bytes).
    """
    staged: list[tuple[str, Path]] = []
    changed: list[bool] = []
    try:
        for path, data in files:
            raw = data.encode("utf-8") if isinstance(data, str) else data
            if _holds(path, raw):
                changed.append(False)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                mode = path.stat().st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o666 & ~_UMASK
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            try:
                os.fchmod(fd, mode)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(raw)
                    fh.flush()
                    os.fsync(fh.fileno())
            except OSError as exc:
                if exc.filename is None:
                    exc.filename = str(path)
                raise
            changed.append(True)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    for tmp, path in staged:  # renames within a folder: no data written, nothing to run out
        os.replace(tmp, path)
    return changed


class _Transaction(ABC):
    """``with`` commits what was written when the block ends normally, and aborts (nothing
    changed on disk) when it raises."""

    @abstractmethod
    def commit(self) -> Any:
        """Make what was written visible, all of it at once."""

    @abstractmethod
    def abort(self) -> None:
        """Drop what was written; the files are as they were."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


class StagedWrites(_Transaction):
    """Atomic writes of many files with one flush to disk for all of them: each changed file
    is written to a temporary file beside it (:meth:`stage`), then :meth:`commit` makes the
    data durable (one ``syncfs`` per file system on Linux, else an ``fsync`` per file) and
    renames every file into place. The guarantee is :func:`atomic_write`'s (a reader, or the
    disk after a crash, sees the old file or the new one, never a part), at the cost of one
    flush instead of one per file: a render writes hundreds of pages. Used as a context
    manager, an exception before the commit removes the temporary files and renames none.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[str, Path]] = []

    def stage(self, path: Path, data: str | bytes) -> bool:
        """Write ``data`` for ``path`` into a temporary file; False (nothing written) when
        the file already holds exactly these bytes."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        try:
            if path.read_bytes() == raw:
                return False
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_UMASK
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self._staged.append((tmp, path))
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
        except OSError as exc:
            if exc.filename is None:
                exc.filename = str(path)
            raise
        return True

    def commit(self) -> None:
        """Flush the staged files to disk, then rename each into place."""
        staged, self._staged = self._staged, []
        try:
            _flush([tmp for tmp, _ in staged])
        except BaseException:
            _unlink_all([tmp for tmp, _ in staged])
            raise
        for tmp, path in staged:
            os.replace(tmp, path)

    def abort(self) -> None:
        staged, self._staged = self._staged, []
        _unlink_all([tmp for tmp, _ in staged])


class StreamedWrite(_Transaction):
    """One file written piece by piece (:meth:`write`), with :func:`atomic_write`'s
    guarantees and without holding its text: a reader, or the disk after a crash, sees the
    old file or the new one, never a part, and a file that already holds exactly these bytes
    is not touched (no temporary file either). Each piece is compared with the old file as
    it comes; at the first difference the equal part is copied to a temporary file beside
    it, which takes the rest. :meth:`commit` makes it durable and renames it into place.
    Used as a context manager, an exception before the commit removes the temporary file.
    ``size`` counts the bytes written (where the next piece starts in the file).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with StreamedWrite(path) as out:
    ...     out.write("one, ")
    ...     out.write("two")
    >>> out.changed, path.read_text(), out.size
    (True, 'one, two', 8)
    >>> with StreamedWrite(path) as out:
    ...     out.write("one, two")
    >>> out.changed
    False
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = 0
        self.changed = False
        self._same = 0  # bytes written so far that equal the old file's
        self._tmp: str | None = None
        self._out: Any = None  # the temporary file, once the text differs from the old one
        try:
            self._old: Any = path.open("rb")
        except FileNotFoundError:
            self._old = None

    def write(self, text: str) -> None:
        raw = text.encode("utf-8")
        self.size += len(raw)
        if self._out is None and self._old is not None and self._old.read(len(raw)) == raw:
            self._same += len(raw)
            return
        self._diverge()
        self._out.write(raw)

    def _diverge(self) -> None:
        """From here on the text differs from the old file's: a temporary file beside it
        takes the equal part written so far, then the rest."""
        if self._out is not None:
            return
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = path.stat().st_mode & 0o7777  # keep an existing file's permissions
        except FileNotFoundError:
            mode = 0o666 & ~_UMASK
        fd, self._tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, mode)
        self._out = os.fdopen(fd, "wb")
        if self._old is not None:
            self._old.seek(0)
            left = self._same
            while left:
                chunk = self._old.read(min(left, 1 << 20))
                self._out.write(chunk)
                left -= len(chunk)
            self._old.close()
            self._old = None

    def commit(self) -> bool:
        """Put the file in place; False (nothing touched) when it held these bytes."""
        if self._out is None and self._old is not None and self._old.read(1) == b"":
            self._old.close()
            self._old = None
            return False
        self._diverge()  # the old file is longer, or there is none
        try:
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            os.replace(str(self._tmp), self.path)
        except BaseException as exc:
            self.abort()
            if isinstance(exc, OSError) and exc.filename is None:
                exc.filename = str(self.path)
            raise
        self._out = self._tmp = None
        self.changed = True
        return True

    def abort(self) -> None:
        for fh in (self._old, self._out):
            if fh is not None:
                fh.close()
        self._old = self._out = None
        if self._tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp)
            self._tmp = None


def _unlink_all(paths: list[str]) -> None:
    for tmp in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _flush(files: list[str]) -> None:
    """Make the data of ``files`` durable: ``syncfs`` once per file system they are on
    (Linux), else ``fsync`` each."""
    if not files:
        return
    syncfs = _syncfs()
    if syncfs is None:
        for name in files:
            fd = os.open(name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return
    done: set[int] = set()
    for name in files:
        fd = os.open(name, os.O_RDONLY)
        try:
            device = os.fstat(fd).st_dev
            if device not in done:
                if syncfs(fd) != 0:
                    err = ctypes.get_errno()
                    raise OSError(err, os.strerror(err), name)
                done.add(device)
        finally:
            os.close(fd)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs`` (Linux), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()  # read once, at import: os.umask is process-wide and not thread-safe


def read_text(path: Path, display: str | Path | None = None) -> str:
    """Read a UTF-8 text file (a BOM is dropped, CRLF becomes LF); bad bytes are an I18nError."""
    shown = display or path
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise I18nError(f"cannot read file: {exc.strerror}", shown) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise I18nError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", shown, line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def located(path: Path) -> Path:
    """Absolute ``path`` with its folders resolved but not the file itself, so a symlink is
    named where it lies (``source/articles/x.md``), not where it points."""
    path = Path(path)
    if path.name in ("", ".", ".."):
        return path.resolve()
    return path.parent.resolve() / path.name


def relpath(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, as written in references."""
    try:
        return located(path).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def inside(path: Path, root: Path) -> bool:
    """True when ``path`` (symlinks resolved) stays inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def record(self, shown: str, changed: bool) -> None:
        (self.written if changed else self.unchanged).append(shown)

"""One writer at a time per project: the lock every writing command holds.

``extract``, ``update``, ``translate``, ``approve``, ``reject`` and ``render`` read sources,
catalogs and ledgers and write files derived from them. Two of them interleaving could lose a
write (both read the same .po, the later rename wins) or render from a half-updated project,
so each holds ``<project>/.cache/i18n/write.lock`` for its whole run (the CLI takes it; the
library functions take none). The lock is an OS file lock (:mod:`filelock`, ``flock``): the
kernel drops it when its process dies, so a killed run never leaves a stale lock behind.

A second command waits, and says for whom: the holder records itself in a side file
(``write.lock.holder``: command, pid, start time; emptied on release). The waiter gives up
after ``[tool.i18n] lock_timeout`` seconds (default 60; the environment variable
``I18N_LOCK_TIMEOUT`` overrides it) with an :class:`~i18n.errors.I18nError`, which the CLI
turns into exit code 2.

Once it holds the lock, a command also removes what a killed predecessor may have left: the
hidden temporary file of an atomic write cut short (:func:`remove_partial_writes`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from i18n.errors import I18nError
from i18n.project import WAITING, Project

LOCK_NAME = "write.lock"
HOLDER_SUFFIX = ".holder"
TIMEOUT_ENV = "I18N_LOCK_TIMEOUT"
# Test hook: once the lock is held, wait (at most a minute) until the file this variable
# names exists, so tests can make two real processes meet at the lock. Unset in production.
HOLD_ENV = "I18N_TEST_HOLD_LOCK"


def lock_timeout(project: Project) -> float:
    """Seconds to wait for another writer: ``I18N_LOCK_TIMEOUT``, else ``[tool.i18n]
    lock_timeout`` (default 60)."""
    raw = os.environ.get(TIMEOUT_ENV)
    if raw is not None:
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not value >= 0:  # also refuses nan
            raise I18nError(f"{TIMEOUT_ENV} must be a number of seconds >= 0, got {raw!r}")
        return value
    return project.settings.lock_timeout


def holder_description(info: dict[str, Any] | None) -> str:
    """Who holds the lock, for a message.

    >>> holder_description({"command": "update", "pid": 42, "started": "2026-01-01T10:00:00Z"})
    "'i18n update' (pid 42, started 2026-01-01T10:00:00Z)"
    >>> holder_description(None)
    'another i18n command'
    """
    if not info or not info.get("command"):
        return "another i18n command"
    pid, started = info.get("pid", "?"), info.get("started", "?")
    return f"'i18n {info['command']}' (pid {pid}, started {started})"


def read_holder(project: Project) -> dict[str, Any] | None:
    """The recorded holder of the project's write lock, if one is recorded and still alive."""
    path = project.cache_dir / (LOCK_NAME + HOLDER_SUFFIX)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict):
        return None
    pid = info.get("pid")
    if isinstance(pid, int) and pid != os.getpid():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None  # left by a process that died; the kernel already freed its lock
        except PermissionError:
            pass
    return info


@contextmanager
def project_lock(project: Project, what: str, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the project's write lock while the block runs; ``what`` names the command.

    Waits for another holder (telling the project one "waiting for ..." message) and raises
    :class:`I18nError` when it is still held after ``timeout`` seconds (default:
    :func:`lock_timeout`).
    """
    wait = lock_timeout(project) if timeout is None else timeout
    project.cache_dir.mkdir(parents=True, exist_ok=True)
    path = project.cache_dir / LOCK_NAME
    holder_file = project.cache_dir / (LOCK_NAME + HOLDER_SUFFIX)
    shown = project.rel(path)
    for runtime in (path, holder_file):  # both are opened for writing: never follow a link
        if runtime.is_symlink():
            raise I18nError(
                "is a symbolic link; the lock files are the project's own: delete the link",
                project.rel(runtime),
            )
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        other = holder_description(read_holder(project))
        project.tell(
            WAITING,
            f"waiting for {other} to finish (lock file {shown}; giving up after {wait:g} s)",
        )
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            other = holder_description(read_holder(project))
            raise I18nError(
                f"gave up after {wait:g} s waiting for {other} to finish (lock file {shown}); "
                f"run again when it is done, or raise [tool.i18n] lock_timeout"
            ) from None
    try:
        for debris in remove_partial_writes(project.locales_dir):
            project.note(f"removed {project.rel(debris)}, left by an interrupted write")
        started = dt.datetime.now(dt.UTC).replace(microsecond=0)
        _record(
            holder_file,
            json.dumps(
                {
                    "command": what,
                    "pid": os.getpid(),
                    "started": started.isoformat().replace("+00:00", "Z"),
                }
            )
            + "\n",
        )
        hold = os.environ.get(HOLD_ENV)
        if hold:
            deadline = time.monotonic() + 60
            while not Path(hold).exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        yield
    finally:
        with suppress(OSError):
            _record(holder_file, "")
        lock.release()


def _record(path: Path, text: str) -> None:
    """Rewrite the holder file in place: it stays, so the folder's listing (and mtime) does
    not change from run to run; a reader seeing it half-written just names no holder."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


# atomic_write's temporary files: tempfile.mkstemp(prefix=".<name>.", suffix=".tmp")
_PARTIAL_WRITE = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def remove_partial_writes(folder: Path) -> list[Path]:
    """Delete the temporary files :func:`i18n.files.atomic_write` leaves behind when its
    process is killed between creating one and renaming it into place
    (``.<name>.<8 random characters>.tmp``; nothing ever reads them). Only safe while no
    other process writes in ``folder``: call it holding the project's write lock.
    Returns the files removed.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    found = [  # os.walk, not Path.rglob: a site holds tens of thousands of pages
        Path(top, name)
        for top, _, names in os.walk(folder)
        for name in names
        if name.startswith(".") and _PARTIAL_WRITE.fullmatch(name)
    ]
    for path in sorted(found):
        if path.is_file() and not path.is_symlink():
            with suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed

"""The machine's cache key: a secret kept outside every project, so that a cache whose answer
decides what counts (which ledger line a key signed, what QA found) can be trusted only when
this machine's user wrote it.

A project's ``.cache/`` is git-ignored and anyone who can write the project can write it; a
checksum catches a damaged cache, not a forged one. A record sealed with this key (an
HMAC-SHA256 over its content) cannot be made or edited without reading the key.

The key is 32 random bytes in ``$I18N_CACHE_KEY`` (a file path) or
``$XDG_STATE_HOME/i18n/cache-key`` (``~/.local/state/i18n/cache-key``), created on first use
with mode 0600. It is not trusted when it is readable or writable by others, not owned by
this user, a symbolic link, or inside the project: then there is no key, sealed records are
never read nor written, and everything is verified afresh. Deleting the file throws every
sealed record away. The key signs nothing a person approved: it only vouches for this
machine's own earlier work. With ``$I18N_NO_CACHE`` set (``i18n check --cold`` sets it) there
is no key either: every signature is verified and every check run afresh, as on a CI runner.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Iterator
from functools import cache
from pathlib import Path

KEY_BYTES = 32
NO_CACHE_ENV = "I18N_NO_CACHE"


def key_path() -> Path:
    """Where this machine's cache key lives."""
    explicit = os.environ.get("I18N_CACHE_KEY")
    if explicit:
        return Path(explicit)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "i18n" / "cache-key"


def local_key(project_root: Path | None = None) -> bytes | None:
    """This machine's cache key (created on first use), or None when there is none that can
    be trusted (see the module's doc). ``project_root``: a key inside it is refused."""
    if os.environ.get(NO_CACHE_ENV):
        return None
    path = key_path()
    if project_root is not None:
        with contextlib.suppress(OSError, ValueError):
            path.resolve().relative_to(project_root.resolve())
            return None  # anyone who can write the project could read or replace it
    return _load(str(path))


@contextlib.contextmanager
def no_records() -> Iterator[None]:
    """Within: no sealed record is read or written, in this process and the workers it forks
    (through the environment they inherit)."""
    old = os.environ.get(NO_CACHE_ENV)
    os.environ[NO_CACHE_ENV] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(NO_CACHE_ENV, None)
        else:
            os.environ[NO_CACHE_ENV] = old


@cache
def _load(path_text: str) -> bytes | None:
    path = Path(path_text)
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        pass  # another process made it first: use theirs
    except OSError:
        return None
    else:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
    try:
        return _read(path)
    except OSError:
        return None


def _read(path: Path) -> bytes | None:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077 or st.st_uid != os.getuid():
            return None
        key = fh.read(KEY_BYTES + 1)
    return key if len(key) == KEY_BYTES else None


def seal(key: bytes, data: bytes) -> str:
    """The hex HMAC-SHA256 of ``data`` under ``key``.

    >>> seal(b"k" * 32, b"data") == seal(b"k" * 32, b"data") != seal(b"j" * 32, b"data")
    True
    """
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def sealed(key: bytes, data: bytes, mac: object) -> bool:
    """Whether ``mac`` is ``data``'s seal under ``key`` (compared in constant time)."""
    return isinstance(mac, str) and hmac.compare_digest(seal(key, data), mac)

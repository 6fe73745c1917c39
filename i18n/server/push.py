"""Pushing the server's commits to a remote, in the background (``[tool.i18n] push``).

Every commit the server makes asks for a push; one thread pushes, so a request never waits
for the network. A push sends every commit up to HEAD, so a push that fails (the remote is
down, a credential expired) loses nothing: the commits stay in the repository and go with
the next push, which the next commit asks for. The last failure is kept so that the page
can say "committed, not yet pushed" and the log has git's message.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from i18n.errors import I18nError
from i18n.formats.git import push

log = logging.getLogger("i18n.serve")


class Pusher:
    """Pushes ``root``'s current branch to ``remote`` whenever asked, one push at a time."""

    def __init__(self, root: Path, remote: str) -> None:
        self.root = root
        self.remote = remote
        self.failed: str | None = None  # git's message from the last push, when it failed
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        """Ask for a push (after a commit); returns at once."""
        with self._lock:
            self._idle.clear()
            self._wanted.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="i18n-push", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every push asked for is done (or ``timeout``); True when idle."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            try:
                push(self.root, self.remote)
            except I18nError as exc:
                self.failed = exc.message
                log.error("not pushed (tried again after the next commit): %s", exc.message)
            else:
                if self.failed is not None:
                    log.info("pushed to %s (the earlier failure is made good)", self.remote)
                self.failed = None
            with self._lock:
                if not self._wanted.is_set():
                    self._idle.set()

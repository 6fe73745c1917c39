"""Who is signed in to ``i18n serve``: passwords, sessions, CSRF tokens and the sign-in limit.

Passwords are argon2id hashes (:mod:`argon2`, the OWASP recommendation) in the credentials
file (:mod:`i18n.formats.credentials`), never in the repository. A session is a random token
in a cookie (HttpOnly, SameSite=Strict, Secure unless configured off for plain http on this
machine) naming a record kept in the server's memory: signing out ends it at once, a restart
ends them all, and nothing about the person travels in the cookie. Every session, signed in
or not, has its own CSRF token, which every form sends back.

>>> hasher = Passwords()
>>> h = hasher.hash("correct horse battery staple")
>>> hasher.verify(h, "correct horse battery staple"), hasher.verify(h, "wrong")
(True, False)
>>> limit = SignInLimit(attempts=2, window=60)
>>> [limit.allowed("k", now=0.0), limit.failed("k", now=0.0), limit.failed("k", now=1.0)]
[True, None, None]
>>> limit.allowed("k", now=2.0), limit.allowed("k", now=62.0)
(False, True)
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from i18n.errors import I18nError
from i18n.formats.credentials import Credentials
from i18n.model.people import People

MIN_PASSWORD = 12  # NIST SP 800-63B: at least 8; longer for people who sign medical texts


class Passwords:
    """argon2id hashing with the library's (RFC 9106 low-memory) parameters."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False


def set_password(path: Path, people: People, person_id: str, password: str) -> bool:
    """Create or replace ``person_id``'s password hash in the credentials file at ``path``;
    True when the person had one already. Refused: an id that is not a person of
    people.yaml, and a password shorter than :data:`MIN_PASSWORD`."""
    if person_id not in people.persons:
        known = ", ".join(sorted(people.persons)) or "nobody"
        raise I18nError(f"{person_id!r} is not a person of {people.path} (known: {known})")
    if len(password) < MIN_PASSWORD:
        raise I18nError(f"the password must have at least {MIN_PASSWORD} characters")
    credentials = Credentials.read(path)
    had = person_id in credentials.hashes
    credentials.hashes[person_id] = Passwords().hash(password)
    credentials.write()
    return had


class SignInLimit:
    """At most ``attempts`` failed attempts per key (a client address, a person's id) in a
    sliding ``window`` of seconds; further attempts are refused until old ones age out."""

    def __init__(self, attempts: int = 5, window: float = 300.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def allowed(self, key: str, now: float | None = None) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic() if now is None else now)) < self.attempts

    def failed(self, key: str, now: float | None = None) -> None:
        with self._lock:
            moment = time.monotonic() if now is None else now
            self._recent(key, moment).append(moment)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


@dataclass
class Session:
    """One browser's session: its CSRF token and, once signed in, the person's id."""

    token: str
    csrf: str
    person: str | None = None
    flash: str | None = None  # what the last action did, shown once on the next page
    listed: list[tuple[str, str]] = field(default_factory=list)  # (entry id, why), shown once
    # the entries this session's person opened: (locale, entry id, hash of the text shown),
    # so that a whole article is approved only once every entry with findings was seen
    opened: set[tuple[str, str, str]] = field(default_factory=set)
    created: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)
    # after the first signing: the stored hash it was checked against, and an HMAC of the
    # password under a key of this session alone (never the password itself)
    _proof: tuple[str, bytes] | None = field(default=None, repr=False)
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def csrf_ok(self, sent: object) -> bool:
        return isinstance(sent, str) and hmac.compare_digest(sent, self.csrf)

    def _mac(self, password: str) -> bytes:
        return hmac.new(self._key, password.encode(), "sha256").digest()

    def proved(self, stored: str, password: str) -> None:
        """The password was verified (argon2) against ``stored`` at a signing."""
        self._proof = (stored, self._mac(password))

    def signs(self, stored: str, password: str) -> bool | None:
        """Whether ``password`` is the one this session proved at its first signing, while
        the person's stored hash is still ``stored``; None when nothing was proved yet (or
        the password was changed since): then argon2 decides. The password is asked at
        every signing either way; argon2's deliberate cost is paid once a session."""
        if self._proof is None or self._proof[0] != stored:
            return None
        return hmac.compare_digest(self._proof[1], self._mac(password))


class Sessions:
    """Sessions by token, in memory. A session ends after ``idle`` seconds without a request
    or ``lifetime`` seconds in all."""

    def __init__(self, idle: float = 30 * 60, lifetime: float = 12 * 3600) -> None:
        self.idle = idle
        self.lifetime = lifetime
        self._by_token: dict[str, Session] = {}
        self._lock = threading.Lock()

    def new(self, person: str | None = None) -> Session:
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), person)
        with self._lock:
            self._by_token[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._by_token.get(token)
            if session is None:
                return None
            if now - session.seen > self.idle or now - session.created > self.lifetime:
                del self._by_token[token]
                return None
            session.seen = now
            return session

    def end(self, token: str) -> None:
        with self._lock:
            self._by_token.pop(token, None)

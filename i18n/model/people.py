"""People and services as data (``source/people.yaml``): who may sign what, and with which keys.

A person has a stable id (never reused: the ledger names signers by it), the printed name
shown with each signature, an e-mail address (it maps git commit authors to people, for the
four-eyes rule), roles — ``translator`` and ``reviewer`` per locale, ``regulatory`` per
country — an optional validity window, the OpenSSH public keys allowed to sign as them, and
optionally the language of the review server's pages for them (``ui_language``).
A service (the browser review server) has keys only: it signs on behalf of the person who
signed in to it, and the event names both.

>>> anna = Person("anna.keller", "Dr. Anna Keller", "anna.keller@example.com",
...               {"reviewer": ("de", "de_CH")}, valid_until=dt.date(2027, 12, 31))
>>> anna.holds("reviewer", "de", dt.date(2026, 11, 26)), anna.holds("reviewer", "fr", None)
(True, False)
>>> anna.holds("reviewer", "de", dt.date(2028, 1, 1))
False
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

TRANSLATOR = "translator"
REVIEWER = "reviewer"
REGULATORY = "regulatory"
ROLES = (TRANSLATOR, REVIEWER, REGULATORY)  # the first two per locale, the last per country


@dataclass(frozen=True)
class Person:
    id: str
    name: str  # printed with every signature (21 CFR 11.50(a)(1))
    email: str
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # role -> locales/countries
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None  # inclusive
    keys: tuple[str, ...] = ()  # OpenSSH public keys ("ssh-ed25519 AAAA..."), no comments
    line: int = 0  # where the person is defined in people.yaml
    ui_language: str | None = None  # the language of `i18n serve`'s pages for them (de, en)

    def valid_on(self, day: dt.date | None) -> bool:
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def holds(self, role: str, scope: str, day: dt.date | None) -> bool:
        """Whether the person holds ``role`` for ``scope`` (a locale, or a country for
        ``regulatory``) on ``day`` (None: ignore the validity window)."""
        return scope in self.roles.get(role, ()) and self.valid_on(day)


@dataclass(frozen=True)
class Service:
    """A program that signs on behalf of an authenticated person (``i18n serve``)."""

    id: str
    keys: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class People:
    persons: dict[str, Person] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    path: str = "source/people.yaml"

    def owner(self, key: str) -> Person | Service | None:
        """Whose key this is (``key`` as ``type base64``, without a comment)."""
        for who in (*self.persons.values(), *self.services.values()):
            if key in who.keys:
                return who
        return None

    def by_email(self, email: str) -> Person | None:
        wanted = email.strip().casefold()
        return next((p for p in self.persons.values() if p.email.casefold() == wanted), None)

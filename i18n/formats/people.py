"""``source/people.yaml``: who may translate, review and own a country's regulatory text, and
the OpenSSH keys allowed to sign as them. Every error names the file and line.

::

    people:
      katrin.vogel:                      # stable id, never reused: the ledger names signers by it
        name: Dr. med. Katrin Vogel      # printed with each signature
        email: katrin.vogel@example.com  # maps git commit authors to people (four eyes)
        roles:
          reviewer: [de, de_CH]          # locales
          translator: [fr]
          regulatory: [CH, DE]           # countries
        valid: {from: 2026-01-01, until: 2027-12-31}
        keys: ["ssh-ed25519 AAAA... katrin@laptop"]
        ui_language: de                  # optional: the language of `i18n serve`'s pages
    services:
      review-server:                     # signs for the person who signed in to `i18n serve`
        keys: ["ssh-ed25519 AAAA... review-server"]

A key may belong to one identity only; key comments are dropped (the key is the type and the
base64 blob).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

from i18n.errors import I18nError
from i18n.formats.country import iso_countries
from i18n.formats.fs import inside, read_text
from i18n.formats.sshsig import PublicKey
from i18n.formats.yamlfile import load_yaml_mapping
from i18n.model.locale import normalize_locale
from i18n.model.people import REGULATORY, ROLES, People, Person, Service
from i18n.project import Project

ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]*")
EMAIL_RE = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
PERSON_KEYS = ("name", "email", "roles", "valid", "keys", "ui_language")
LANGUAGE_RE = re.compile(r"[a-z]{2,3}([-_][A-Za-z]{2,4})?")
SERVICE_KEYS = ("keys",)


class _Reader:
    """One people.yaml: the data and where each key path is."""

    def __init__(self, text: str, shown: str) -> None:
        self.data, self.lines = load_yaml_mapping(text, shown)
        self.shown = shown

    def line(self, *key: str) -> int:
        for n in range(len(key), 0, -1):
            if key[:n] in self.lines:
                return self.lines[key[:n]]
        return 1

    def need(self, cond: bool, message: str, *key: str) -> None:
        if not cond:
            raise I18nError(message, self.shown, self.line(*key))

    def mapping(self, value: Any, what: str, *key: str) -> dict[str, Any]:
        self.need(isinstance(value, dict), f"{what} must be a mapping", *key)
        return value

    def known(self, spec: dict[str, Any], allowed: tuple[str, ...], *key: str) -> None:
        for name in spec:
            self.need(
                name in allowed,
                f"unknown key '{name}' (known: {', '.join(allowed)})",
                *key,
                str(name),
            )


def parse_people(text: str, shown: str) -> People:
    """Validate the text of a people.yaml."""
    r = _Reader(text, shown)
    r.known(r.data, ("people", "services"))
    persons: dict[str, Person] = {}
    owners: dict[str, str] = {}  # key -> identity, each key belongs to one
    for pid, spec in r.mapping(r.data.get("people") or {}, "'people'", "people").items():
        persons[str(pid)] = _person(r, str(pid), spec, owners)
    emails: dict[str, str] = {}
    for person in persons.values():
        address = person.email.casefold()
        r.need(
            address not in emails,
            f"e-mail {person.email} is also {emails.get(address)}'s: git authors must map to "
            "one person",
            "people",
            person.id,
            "email",
        )
        emails[address] = person.id
    services: dict[str, Service] = {}
    for sid, spec in r.mapping(r.data.get("services") or {}, "'services'", "services").items():
        sid = str(sid)
        r.need(sid not in persons, f"'{sid}' is both a person and a service", "services", sid)
        services[sid] = _service(r, sid, spec, owners)
    return People(persons, services, shown)


def _identity(r: _Reader, section: str, ident: str, spec: Any, known: tuple[str, ...]) -> dict:
    r.need(
        ID_RE.fullmatch(ident) is not None,
        f"id '{ident}' must use lower-case letters, digits, '.', '_' and '-'",
        section,
        ident,
    )
    spec = r.mapping(spec, f"'{ident}'", section, ident)
    r.known(spec, known, section, ident)
    return spec


def _person(r: _Reader, pid: str, spec: Any, owners: dict[str, str]) -> Person:
    spec = _identity(r, "people", pid, spec, PERSON_KEYS)
    where = ("people", pid)
    for key in ("name", "email"):
        value = spec.get(key)
        r.need(
            isinstance(value, str) and value.strip() != "",
            f"'{pid}' needs a {key}",
            *where,
            key,
        )
    r.need(
        EMAIL_RE.fullmatch(spec["email"].strip()) is not None,
        f"'{spec['email']}' is not an e-mail address",
        *where,
        "email",
    )
    valid_from, valid_until = _validity(r, spec.get("valid"), *where, "valid")
    ui_language = spec.get("ui_language")
    r.need(
        ui_language is None
        or (isinstance(ui_language, str) and LANGUAGE_RE.fullmatch(ui_language) is not None),
        f"ui_language must be a language code such as de or en, got {ui_language!r}",
        *where,
        "ui_language",
    )
    return Person(
        pid,
        " ".join(spec["name"].split()),
        spec["email"].strip(),
        _roles(r, spec.get("roles") or {}, *where, "roles"),
        valid_from,
        valid_until,
        _keys(r, spec.get("keys") or [], pid, owners, *where, "keys"),
        r.line(*where),
        ui_language,
    )


def _service(r: _Reader, sid: str, spec: Any, owners: dict[str, str]) -> Service:
    spec = _identity(r, "services", sid, spec, SERVICE_KEYS)
    keys = _keys(r, spec.get("keys") or [], sid, owners, "services", sid, "keys")
    r.need(bool(keys), f"service '{sid}' needs at least one key", "services", sid)
    return Service(sid, keys, r.line("services", sid))


def _roles(r: _Reader, spec: Any, *where: str) -> dict[str, tuple[str, ...]]:
    spec = r.mapping(spec, "'roles'", *where)
    r.known(spec, ROLES, *where)
    roles: dict[str, tuple[str, ...]] = {}
    for role, scopes in spec.items():
        at = (*where, str(role))
        r.need(isinstance(scopes, list), f"'{role}' must be a list", *at)
        found: list[str] = []
        for i, scope in enumerate(scopes):
            r.need(isinstance(scope, str), f"'{role}' lists {scope!r}, not a code", *at, str(i))
            found.append(_scope(r, role, scope, *at, str(i)))
        roles[role] = tuple(dict.fromkeys(found))
    return roles


def _scope(r: _Reader, role: str, scope: str, *where: str) -> str:
    if role == REGULATORY:
        code = scope.strip().upper()
        r.need(code in iso_countries(), f"unknown country code {scope!r}", *where)
        return code
    try:
        return normalize_locale(scope)
    except I18nError as exc:
        raise I18nError(exc.message, r.shown, r.line(*where)) from None


def _validity(r: _Reader, spec: Any, *where: str) -> tuple[dt.date | None, dt.date | None]:
    if spec is None:
        return None, None
    spec = r.mapping(spec, "'valid'", *where)
    r.known(spec, ("from", "until"), *where)
    dates: list[dt.date | None] = []
    for key in ("from", "until"):
        value = spec.get(key)
        if isinstance(value, dt.datetime):
            value = value.date()
        elif isinstance(value, str):  # a quoted date
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        r.need(
            value is None or isinstance(value, dt.date),
            f"'{key}' must be a date (YYYY-MM-DD), found {value!r}",
            *where,
            key,
        )
        dates.append(value)
    start, end = dates
    r.need(start is None or end is None or start <= end, "'until' is before 'from'", *where)
    return start, end


def _keys(
    r: _Reader, spec: Any, ident: str, owners: dict[str, str], *where: str
) -> tuple[str, ...]:
    r.need(isinstance(spec, list), "'keys' must be a list of OpenSSH public keys", *where)
    keys: list[str] = []
    for i, line in enumerate(spec):
        at = (*where, str(i))
        r.need(isinstance(line, str), f"key {i + 1} of '{ident}' must be a string", *at)
        try:
            key = PublicKey.parse(line).line
        except ValueError as exc:
            raise I18nError(f"not an OpenSSH public key: {exc}", r.shown, r.line(*at)) from None
        other = owners.setdefault(key, ident)
        r.need(other == ident, f"this key is also {other}'s: a key signs for one identity", *at)
        keys.append(key)
    return tuple(dict.fromkeys(keys))


def load_people(project: Project) -> People:
    """The project's people.yaml; an empty People when there is none (nothing is signed yet,
    so no approval can be honoured)."""
    file = project.people_file
    if not file.is_file():
        return People(path=project.rel(file))
    shown = project.rel(file)
    if not inside(file, project.root):
        raise I18nError("file points outside the project (symlink?)", shown)
    return parse_people(read_text(file, shown), shown)

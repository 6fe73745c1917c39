"""Every ``[tool.i18n]`` setting: its type, its default and its meaning, in one place.

A project needs no settings: ``Settings()`` is the defaults. Each field declares, next to its
default, what it means (``doc``) and how a value is checked and converted (``check``);
constructing a ``Settings`` runs every check, so an instance is always valid and typed
(``int`` values of a number setting become ``float``, the source language its catalog form).
A bad value is an :class:`InvalidSetting` naming the key; :meth:`Settings.from_table` also
refuses unknown keys, suggesting the close one for a typo. Where the table comes from (and so
which line to name) is the caller's business: see :mod:`i18n.formats.pyproject`.

>>> Settings().fuzzy_threshold, Settings(concurrency=2).concurrency
(70.0, 2)
>>> Settings(fuzzy_threshold="high")
Traceback (most recent call last):
...
i18n.model.settings.InvalidSetting: fuzzy_threshold must be a number from 0 to 100, got 'high'
>>> Settings.from_table({"fuzzy_treshold": 80})
Traceback (most recent call last):
...
i18n.model.settings.InvalidSetting: unknown key 'fuzzy_treshold' (did you mean 'fuzzy_threshold'?)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import ipaddress
import math
import re
import urllib.parse
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from i18n.errors import I18nError
from i18n.model.locale import normalize_locale

# The providers `i18n translate` knows: translation memory, the offline pseudo-localizer, and
# the web services (i18n.pipeline.providers talks to them).
WEB_PROVIDERS = ("google", "deepl", "microsoft", "libre", "mymemory")
PROVIDERS = ("memory", "pseudo", *WEB_PROVIDERS)

Check = Callable[[Any], Any]


class InvalidSetting(I18nError):
    """A setting's value (or name) is not acceptable; ``key`` is the setting's name."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


class _Refused(ValueError):
    """Raised by a check: the text after the key name (``must be ..., got ...``)."""


# --- checks: each takes the raw value and returns the typed one, or raises _Refused ---------


def _number(minimum: float, maximum: float | None = None, unit: str = "") -> Check:
    def check(value: Any) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        ok = ok and math.isfinite(value) and value >= minimum
        ok = ok and (maximum is None or value <= maximum)
        if not ok:
            if maximum is not None:
                raise _Refused(f"must be a number from {minimum:g} to {maximum:g}, got {value!r}")
            raise _Refused(f"must be a number{unit} >= {minimum:g}, got {value!r}")
        return float(value)

    return check


def _whole(minimum: int, unit: str = "") -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise _Refused(f"must be a whole number{unit} >= {minimum}, got {value!r}")
        return value

    return check


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Refused(f"must be a string, got {value!r}")
    return value


def _hosts(value: Any) -> tuple[str, ...]:
    host = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
    if not isinstance(value, list | tuple) or not all(
        isinstance(h, str) and host.fullmatch(h.lower()) for h in value
    ):
        raise _Refused(f"must be a list of host names (www.example.org), got {value!r}")
    return tuple(h.lower() for h in value)


def _header(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", value):
        raise _Refused(f"must be an HTTP header name (X-Forwarded-User), got {value!r}")
    return value


def _networks(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise _Refused(
            f"must be a list of addresses or networks (127.0.0.1, 10.0.0.0/8), got {value!r}"
        )
    for item in value:
        try:
            ipaddress.ip_network(item, strict=False)
        except (TypeError, ValueError):
            raise _Refused(f"must be a list of addresses or networks, got {item!r}") from None
    return tuple(value)


def _remote(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", value):
        raise _Refused(f"must be the name of a git remote (origin), got {value!r}")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Refused(f"must be true or false, got {value!r}")
    return value


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _choice(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        if value not in options:
            raise _Refused(f"must be one of {', '.join(options)}, got {value!r}")
        return str(value)

    return check


def _url(value: Any) -> str:
    """An absolute http(s) URL with a host."""
    parts = urllib.parse.urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise _Refused(f"must be an http(s) URL, got {value!r}")
    return str(value)


def _locale(value: Any) -> str:
    try:
        return normalize_locale(_text(value))
    except I18nError:
        raise _Refused(f"must be a known language or locale code, got {value!r}") from None


def _zone(value: Any) -> str:
    """An IANA time zone name (UTC, Europe/Zurich)."""
    try:
        zoneinfo.ZoneInfo(_text(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _Refused(
            f"must be an IANA time zone such as UTC or Europe/Zurich, got {value!r}"
        ) from None
    return str(value)


def _setting(default: Any, check: Check, doc: str) -> Any:
    return field(default=default, metadata={"check": check, "doc": doc})


# --- the settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The ``[tool.i18n]`` settings of a project; ``Settings.doc(key)`` says what one means."""

    source_language: str = _setting(
        "en", _locale, "language of the articles in source/ (a CLDR code such as en or en_GB)"
    )
    project_name: str = _setting(
        "INVAMED articles",
        _text,
        "name in each POT's Project-Id-Version header and the brand on rendered pages",
    )
    bugs_address: str = _setting(
        "", _text, "Report-Msgid-Bugs-To header of each POT: where translators report problems"
    )
    fuzzy_threshold: float = _setting(
        70.0,
        _number(0, 100),
        "similarity (0..100, rapidfuzz ratio) at which `update` offers an old translation of a "
        "changed text as a fuzzy draft (20 less when the old text is whole inside the new one)",
    )
    memory_threshold: float | None = _setting(
        None,
        _optional(_number(0, 100)),
        "similarity (0..100) at which `translate` mentions a similar translated text in a "
        "translator comment; unset: the fuzzy_threshold",
    )
    provider: str = _setting(
        "pseudo", _choice(PROVIDERS), "provider `translate` uses after translation memory"
    )
    endpoint: str | None = _setting(
        None, _optional(_url), "LibreTranslate server URL for the libre provider"
    )
    microsoft_region: str | None = _setting(
        None, _optional(_text), "Azure region of the Microsoft Translator resource"
    )
    request_timeout: float = _setting(
        30.0, _number(0.001, unit=" of seconds"), "seconds to wait for one provider answer"
    )
    retries: int = _setting(4, _whole(0), "times a failed or throttled request is tried again")
    backoff: float = _setting(
        0.5, _number(0, unit=" of seconds"), "first wait before a retry, doubled each time"
    )
    max_backoff: float = _setting(
        60.0, _number(0, unit=" of seconds"), "longest wait before a retry"
    )
    max_requests: int = _setting(
        5000, _whole(0), "requests one `translate` run sends at most (--max-requests)"
    )
    concurrency: int = _setting(8, _whole(1), "provider requests in flight at once (--concurrency)")
    expiry_warning_days: int = _setting(
        60, _whole(0, unit=" of days"), "days before a disclaimer expires that `check` warns"
    )
    site_url: str = _setting(
        "https://www.invamed.example",
        _url,
        "address the site is published at: canonical links, sitemap, links `check` follows",
    )
    lock_timeout: float = _setting(
        60.0,
        _number(0, unit=" of seconds"),
        "seconds a writing command waits for another one (I18N_LOCK_TIMEOUT overrides it)",
    )

    allowed_hosts: tuple[str, ...] = _setting(
        (),
        _hosts,
        "hosts a published page may link to besides the site's own and those the English "
        "articles link to (i18n check reports any other as link-foreign)",
    )
    sample_keys: bool = _setting(
        False,
        _flag,
        "honour signatures by the sample's published keys (i18n/data/sample-keys): only for "
        "the sample project; anyone can sign with them",
    )

    timezone: str = _setting(
        "UTC",
        _zone,
        "time zone in which dates are evaluated: today's date for disclaimer validity and "
        "release dates, the dates of approvals on outdated pages",
    )

    credentials_file: str | None = _setting(
        None,
        _optional(_text),
        "`i18n serve`: the file of sign-in password hashes (argon2), outside the repository; "
        "absolute or ~/... (I18N_CREDENTIALS overrides it)",
    )
    server_key: str | None = _setting(
        None,
        _optional(_text),
        "`i18n serve`: the private key of the service of people.yaml that signs for the "
        "signed-in person, absolute or ~/... (I18N_SERVER_KEY overrides it)",
    )
    secure_cookies: bool = _setting(
        True,
        _flag,
        "`i18n serve`: send the session cookie only over HTTPS; false only to try the server "
        "over plain http on this machine (i18n serve --insecure-cookies)",
    )

    trusted_proxy_header: str | None = _setting(
        None,
        _optional(_header),
        "`i18n serve`: sign people in by this header, set by a reverse proxy after the "
        "company's single sign-on (a people.yaml id or e-mail); believed only from "
        "trusted_proxies, ignored when unset",
    )
    trusted_proxies: tuple[str, ...] = _setting(
        ("127.0.0.1",),
        _networks,
        "`i18n serve`: the addresses (or networks) of the reverse proxies whose "
        "trusted_proxy_header and X-Forwarded-For are believed",
    )
    push: str | None = _setting(
        None,
        _optional(_remote),
        "`i18n serve`: the git remote to push to after each commit, in the background "
        "(a failed push is retried at the next commit); none when unset",
    )

    def __post_init__(self) -> None:
        for key in self.names():
            object.__setattr__(self, key, _checked(key, getattr(self, key)))

    @property
    def memory_cutoff(self) -> float:
        """The similarity translation memory asks for: memory_threshold, else fuzzy_threshold.

        >>> Settings(fuzzy_threshold=80).memory_cutoff, Settings(memory_threshold=90).memory_cutoff
        (80.0, 90.0)
        """
        return self.fuzzy_threshold if self.memory_threshold is None else self.memory_threshold

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self) -> dt.date:
        """Today's date in the project's time zone (not the machine's)."""
        return dt.datetime.now(self.zone).date()

    def local_date(self, utc_time: str) -> dt.date:
        """The date, in the project's time zone, of an event time such as
        ``2026-11-26T23:30:09Z``.

        >>> Settings(timezone="Asia/Tokyo").local_date("2026-11-26T23:30:09Z")
        datetime.date(2026, 11, 27)
        """
        moment = dt.datetime.fromisoformat(utc_time.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(self.zone).date()

    @staticmethod
    def names() -> tuple[str, ...]:
        """Every setting's name, in declaration order."""
        return tuple(_FIELDS)

    @staticmethod
    def doc(key: str) -> str:
        """What a setting means.

        >>> Settings.doc("retries")
        'times a failed or throttled request is tried again'
        """
        return str(_FIELDS[key].metadata["doc"])

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> Settings:
        """The settings a ``[tool.i18n]`` table gives. Keys are checked in the table's order,
        so the first problem in the file is the one named."""
        for key, value in table.items():
            _checked(key, value)
        return cls(**table)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied and checked (command-line overrides)."""
        for key in changes:
            _known(key)
        return dataclasses.replace(self, **changes)


def _checked(key: str, value: Any) -> Any:
    """``value`` checked and converted for setting ``key``."""
    _known(key)
    try:
        return _FIELDS[key].metadata["check"](value)
    except _Refused as exc:
        raise InvalidSetting(key, f"{key} {exc}") from None


def _known(key: str) -> None:
    if key in _FIELDS:
        return

    close = difflib.get_close_matches(key, _FIELDS, n=1, cutoff=0.75)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(_FIELDS)}"
    raise InvalidSetting(key, f"unknown key {key!r} ({hint})")


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}
DEFAULTS = Settings()

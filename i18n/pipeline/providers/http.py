"""Talking to a provider: one session with timeouts, errors that keep the HTTP status and
``Retry-After``, retries with backoff, a cap on requests, and keys that never leave unredacted."""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import random
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from typing import Any, TypeVar

import requests
from requests.adapters import DEFAULT_POOLSIZE, HTTPAdapter

from i18n.errors import I18nError

T = TypeVar("T")

KEY_ENV = {
    "deepl": "DEEPL_API_KEY",
    "microsoft": "MICROSOFT_API_KEY",
    "libre": "LIBRETRANSLATE_API_KEY",
}
REDACTED = "[redacted]"


# --- errors -------------------------------------------------------------------------------


class ProviderError(Exception):
    """One failed attempt (``retryable``) or a provider that cannot go on."""

    def __init__(self, message: str, *, retryable: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after


class RequestCapReached(Exception):
    """The run has sent as many requests as it may."""


class Stopped(Exception):
    """The run is ending (another request failed for good, or Ctrl-C): do not start more."""


def redact(text: str, secrets: Iterable[str]) -> str:
    """Remove every secret (also URL-encoded) from a message.

    >>> redact("Unauthorized access with the api key s3cr/t", ["s3cr/t"])
    'Unauthorized access with the api key [redacted]'
    >>> redact("GET /translate?api_key=s3cr%2Ft", ["s3cr/t"])
    'GET /translate?api_key=[redacted]'
    """
    for secret in secrets:
        if not secret:
            continue
        for form in {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}:
            text = text.replace(form, REDACTED)
    return text


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _error_detail(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if isinstance(data, dict):
        value = data.get("error") or data.get("message") or ""
        if isinstance(value, dict):
            value = value.get("message", "")
        return str(value)[:200]
    return ""


# --- HTTP: one session per run, a timeout on every request -----------------------------------


class Http:
    """The run's one ``requests.Session``: every request of a provider goes through :meth:`send`.

    The workers share it; its connection pool holds a connection per worker, so none is
    discarded. Each request gets the run's timeout, and a failure becomes a
    :class:`ProviderError` that says whether to retry and how long the server asked to wait.
    Cookies are refused: deep-translator sends each request from a fresh session, so no
    request ever carried cookies another one received, and a shared jar would change that.
    """

    def __init__(
        self, provider: str, *, timeout: float, connections: int, secrets: Collection[str]
    ):
        self.provider = provider
        self.timeout = timeout
        self.secrets = tuple(secrets)
        self.session = requests.Session()
        self.session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        adapter = HTTPAdapter(pool_maxsize=max(connections, DEFAULT_POOLSIZE))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request (``requests`` keyword arguments); a ProviderError unless it answers 2xx."""
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise ProviderError(
                f"{self.provider}: no answer within {self.timeout:g} s", retryable=True
            ) from None
        except requests.ConnectionError as exc:
            host = urllib.parse.urlsplit(exc.request.url if exc.request else url).netloc
            raise ProviderError(
                f"{self.provider}: cannot connect to {host or 'the server'}", retryable=True
            ) from None
        except requests.RequestException as exc:
            raise self.failure(exc) from None
        if not 200 <= response.status_code < 300:
            raise self._refused(response)
        return response

    def get_json(self, url: str, **kwargs: Any) -> Any:
        """The JSON a GET answers."""
        response = self.send("GET", url, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise self.failure(exc) from None

    def failure(self, exc: BaseException) -> ProviderError:
        """A failure no retry mends (a malformed answer, a refused input), its secrets redacted."""
        return ProviderError(redact(f"{self.provider}: {type(exc).__name__}: {exc}", self.secrets))

    def _refused(self, response: requests.Response) -> ProviderError:
        code = response.status_code
        detail = _error_detail(response)
        message = redact(
            f"{self.provider}: HTTP {code}{': ' + detail if detail else ''}", self.secrets
        )
        if code in (408, 425, 429) or code >= 500:
            return ProviderError(
                message,
                retryable=True,
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        if code in (401, 403):
            message += " (is the API key in the environment valid?)"
        return ProviderError(message)

    def close(self) -> None:
        self.session.close()


# --- retries, backoff, request cap ---------------------------------------------------------


@dataclass(frozen=True)
class RequestPolicy:
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 60.0
    max_requests: int = 5000
    concurrency: int = 8


class Requester:
    """Runs single attempts with retries, backoff and a shared request budget.

    Thread-safe: one requester serves every worker of a run. ``stop`` ends waiting workers
    early when the run is over.
    """

    def __init__(self, settings: RequestPolicy, stop: threading.Event | None = None):
        self.settings = settings
        self.stop = stop or threading.Event()
        self.sent = 0
        self.retried = 0
        self._lock = threading.Lock()
        self._pause_until = 0.0

    def call(self, attempt: Callable[[], T]) -> T:
        tries = 0
        while True:
            self._wait_turn()
            self._take()
            try:
                return attempt()
            except ProviderError as err:
                tries += 1
                if not err.retryable or tries > self.settings.retries:
                    if err.retryable:
                        raise ProviderError(
                            f"{err.message} (gave up after {tries} attempts)"
                        ) from None
                    raise
                delay = min(self.settings.max_backoff, self.settings.backoff * 2 ** (tries - 1))
                delay *= random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security
                if err.retry_after is not None:
                    delay = max(delay, min(err.retry_after, self.settings.max_backoff))
                    with self._lock:
                        self._pause_until = max(self._pause_until, time.monotonic() + delay)
                with self._lock:
                    self.retried += 1
                if self.stop.wait(delay):
                    raise Stopped() from None

    def _wait_turn(self) -> None:
        while True:
            if self.stop.is_set():
                raise Stopped()
            with self._lock:
                wait = self._pause_until - time.monotonic()
            if wait <= 0:
                return
            if self.stop.wait(wait):
                raise Stopped()

    def _take(self) -> None:
        with self._lock:
            if self.sent >= self.settings.max_requests:
                raise RequestCapReached()
            self.sent += 1


def secret_values() -> list[str]:
    """Every provider key set in the environment (to redact them wherever text goes out)."""
    return [v for v in (os.environ.get(name, "") for name in KEY_ENV.values()) if v]


def api_key(provider: str, *, required: bool, offline: bool) -> str:
    env = KEY_ENV[provider]
    value = os.environ.get(env, "").strip()
    if not value and required and not offline:
        raise I18nError(
            f"provider {provider} needs an API key in the environment variable {env} "
            "(keys are never read from files)"
        )
    return value


def normalize_endpoint(url: str) -> str:
    """A LibreTranslate base URL: http(s), no credentials, query or fragment; ends with '/'."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise I18nError(f"--endpoint must be an http(s) URL, got {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise I18nError(
            "--endpoint must not carry credentials, a query or a fragment "
            "(put the key in LIBRETRANSLATE_API_KEY)"
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))

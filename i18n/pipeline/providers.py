"""Translation providers: deep-translator's web services, and the offline pseudo-localizer.

A batch job over regulated text needs, around every web provider:

- **language codes** mapped per provider (``pt_BR`` -> ``pt`` for Google, ``PT-BR`` for DeepL,
  ``de_CH`` -> ``de``, ``zh_Hans_CN`` -> ``zh-CN`` / ``ZH`` / ``zh-hans``), and an unsupported
  pair refused before any translation request;
- **one HTTP session** per run (:class:`Http`), shared by every worker, with a timeout on each
  request, that keeps what a failure needs for backoff: the HTTP status and ``Retry-After``;
  LibreTranslate's key and text go in a POST form body, never in a URL or an access log;
- **retries** with exponential backoff on 429, 5xx, timeouts and refused connections,
  honouring ``Retry-After`` (and pausing every worker while a rate limit lasts), and a cap on
  requests per run;
- **secrets**: keys are read from the environment only, and every message that leaves this
  module has them redacted.

**What deep-translator does here, and what it cannot.** deep-translator (1.11.4, the version
this was written against) supplies the language tables, the service URLs (``BASE_URLS``),
the input check (``is_input_valid``), and for Google and MyMemory the language-pair check: their
translators are built with their public constructors and the real codes, and the request
uses the codes they hold. Its ``translate`` methods are not used, because through its public
API it cannot:

1. take a timeout: every translator calls module-level ``requests.get``/``post`` without one,
   so a hung server hangs the run;
2. take a session or transport adapter, for the same reason: no shared connection pool, and
   nothing to mount an adapter on short of replacing ``requests`` inside its modules;
3. report the HTTP status or ``Retry-After``: LibreTranslate and DeepL raise
   ``ServerException(code)``, which keeps only a Yandex error name; Google and MyMemory raise
   ``TooManyRequests`` or ``RequestError`` without the response; Microsoft raises
   ``MicrosoftAPIerror`` (and on a connection error logs a warning, then fails with
   ``AttributeError`` on ``None.json()``);
4. send LibreTranslate's parameters as a form body: ``LibreTranslator`` posts ``q`` and
   ``api_key`` in the query string;
5. accept the codes a service really takes: ``LibreTranslator`` checks them against a static
   list of 17 languages (a server's ``zh-Hans``, ``pt-BR``, ``zt`` are refused) and cannot be
   built without a key (a self-hosted server may want none); ``DeeplTranslator`` checks against
   27 lower-case codes (no ``EN-US``, ``PT-BR``, ``ZH-HANT``, ``AR``, ``KO``, ``NB``);
6. be built without the network: ``MicrosoftTranslator``'s constructor downloads the language
   list (no timeout, status unchecked);
7. be shared by threads: Google, MyMemory and Microsoft keep each request's parameters on
   the instance;
8. read an answer without sending the request: parsing is inside ``translate``.

So each provider has a small :class:`WebApi`: the request deep-translator's ``translate``
builds (same URL, parameters, headers; only LibreTranslate's move to the form body), sent
through :class:`Http`, and the answer read as that ``translate`` reads it, raising its
exceptions. Nothing of deep-translator is replaced or patched, and no private attribute of it
is read or written.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import os
import random
import re
import threading
import time
import urllib.parse
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from typing import Any, TypeVar

import requests
from babel import Locale
from requests.adapters import DEFAULT_POOLSIZE, HTTPAdapter

from i18n.errors import I18nError
from i18n.model.settings import PROVIDERS, WEB_PROVIDERS

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


# --- each service's translate request, as deep-translator 1.11.4 builds and reads it ------------


class WebApi(ABC):
    """One service's translate request: sent through :class:`Http`, its answer read as
    deep-translator's ``translate`` reads it (each class names the method it follows).

    Instances hold no per-request state, so the workers share one.
    """

    source: str
    target: str

    @abstractmethod
    def translate(self, http: Http, text: str) -> str:
        """The service's translation of ``text``; raises ProviderError or deep-translator's
        exceptions (a malformed answer)."""


@dataclass(frozen=True)
class GoogleApi(WebApi):
    """``GoogleTranslator.translate``: GET ``tl``, ``sl``, ``q``; the page's ``div.t0`` or
    ``div.result-container`` holds the translation."""

    url: str
    source: str
    target: str

    def translate(self, http: Http, text: str) -> str:
        from bs4 import BeautifulSoup  # deep-translator's own dependency, for its own page
        from deep_translator.exceptions import TranslationNotFound
        from deep_translator.validate import is_input_valid

        is_input_valid(text, max_chars=5000)
        text = text.strip()
        if self.source == self.target or not text:
            return text
        params = {"tl": self.target, "sl": self.source, "q": text}
        response = http.send("GET", self.url, params=params)
        soup = BeautifulSoup(response.text, "html.parser")
        element = soup.find("div", {"class": "t0"}) or soup.find(
            "div", {"class": "result-container"}
        )
        if not element:
            raise TranslationNotFound(text)
        return element.get_text(strip=True)


@dataclass(frozen=True)
class MyMemoryApi(WebApi):
    """``MyMemoryTranslator.translate``: GET ``langpair``, ``q``; the answer's
    ``responseData.translatedText``, else its first match."""

    url: str
    source: str
    target: str

    def translate(self, http: Http, text: str) -> str:
        from deep_translator.exceptions import TranslationNotFound
        from deep_translator.validate import is_input_valid

        is_input_valid(text, max_chars=500)
        text = text.strip()
        if self.source == self.target or not text:
            return text
        params = {"langpair": f"{self.source}|{self.target}", "q": text}
        data = http.send("GET", self.url, params=params).json()
        translation = (data.get("responseData") or {}).get("translatedText")
        if translation:
            return str(translation)
        for match in data.get("matches") or ():
            return str(match["translation"])
        raise TranslationNotFound(text)


@dataclass(frozen=True)
class DeeplApi(WebApi):
    """``DeeplTranslator.translate``: GET ``<base>translate`` with ``auth_key``,
    ``source_lang``, ``target_lang``, ``text``; the answer's ``translations[0].text``."""

    url: str
    source: str
    target: str
    key: str = field(repr=False)

    def translate(self, http: Http, text: str) -> str:
        from deep_translator.exceptions import TranslationNotFound

        if self.source == self.target or not text:
            return text
        params = {
            "auth_key": self.key,
            "source_lang": self.source,
            "target_lang": self.target,
            "text": text,
        }
        data = http.send("GET", self.url + "translate", params=params).json()
        if not data:
            raise TranslationNotFound(text)
        return data["translations"][0]["text"]


@dataclass(frozen=True)
class LibreApi(WebApi):
    """``LibreTranslator.translate``, but its parameters (``q``, ``source``, ``target``,
    ``format``, ``api_key`` when there is a key) POSTed as a form body, which LibreTranslate
    reads like the query string; the answer's ``translatedText``."""

    url: str
    source: str
    target: str
    key: str = field(repr=False)

    def translate(self, http: Http, text: str) -> str:
        from deep_translator.exceptions import TranslationNotFound

        if self.source == self.target or not text:
            return text
        form = {"q": text, "source": self.source, "target": self.target, "format": "text"}
        if self.key:
            form["api_key"] = self.key
        data = http.send("POST", self.url + "translate", data=form).json()
        if not data:
            raise TranslationNotFound(text)
        return data["translatedText"]


@dataclass(frozen=True)
class MicrosoftApi(WebApi):
    """``MicrosoftTranslator.translate``: POST ``from``, ``to`` and ``[{"text": ...}]`` with the
    key (and region) in headers; the answer's translations joined by newlines."""

    url: str
    source: str
    target: str
    key: str = field(repr=False)
    region: str | None = None

    def translate(self, http: Http, text: str) -> str:
        from deep_translator.exceptions import MicrosoftAPIerror

        headers = {"Ocp-Apim-Subscription-Key": self.key, "Content-type": "application/json"}
        if self.region:
            headers["Ocp-Apim-Subscription-Region"] = self.region
        params = {"from": self.source, "to": self.target}
        response = http.send(
            "POST", self.url, params=params, headers=headers, json=[{"text": text}]
        )
        data = response.json()
        if isinstance(data, dict):
            raise MicrosoftAPIerror(data["error"])
        return "\n".join(item["text"] for item in data[0]["translations"])


# --- retries, backoff, request cap ---------------------------------------------------------


@dataclass(frozen=True)
class Settings:
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

    def __init__(self, settings: Settings, stop: threading.Event | None = None):
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


# --- language codes ------------------------------------------------------------------------

_DEEPL_COMMON = (
    "AR",
    "BG",
    "CS",
    "DA",
    "DE",
    "EL",
    "ES",
    "ET",
    "FI",
    "FR",
    "HU",
    "ID",
    "IT",
    "JA",
    "KO",
    "LT",
    "LV",
    "NB",
    "NL",
    "PL",
    "RO",
    "RU",
    "SK",
    "SL",
    "SV",
    "TR",
    "UK",
    "ZH",
)
DEEPL_SOURCES = frozenset((*_DEEPL_COMMON, "EN", "PT"))
DEEPL_TARGETS = frozenset(
    (*_DEEPL_COMMON, "EN-GB", "EN-US", "PT-BR", "PT-PT", "ZH-HANS", "ZH-HANT")
)
_HANT_REGIONS = {"TW", "HK", "MO"}


def _parts(locale: str) -> tuple[str, str, str]:
    loc = Locale.parse(locale)
    lang, script, region = loc.language, loc.script or "", loc.territory or ""
    if lang == "zh" and not script:
        script = "Hant" if region in _HANT_REGIONS else "Hans"
    return lang, script, region


def candidates(provider: str, locale: str, *, target: bool = True) -> list[str]:
    """Provider codes to try for a locale, best first.

    >>> candidates("google", "pt_BR"), candidates("google", "zh_Hans_CN")
    (['pt-BR', 'pt'], ['zh-CN'])
    >>> candidates("deepl", "pt_BR"), candidates("deepl", "de_CH"), candidates("deepl", "zh")
    (['PT-BR'], ['DE-CH', 'DE'], ['ZH', 'ZH-HANS'])
    >>> candidates("microsoft", "zh_Hant_TW"), candidates("libre", "de_CH")
    (['zh-hant'], ['de-CH', 'de'])
    """
    lang, script, region = _parts(locale)
    tag = f"{lang}-{region}" if region else lang
    if provider == "google":
        if lang == "zh":
            return ["zh-TW" if script == "Hant" else "zh-CN"]
        alias = {"he": "iw", "jv": "jw", "nb": "no", "nn": "no", "fil": "tl"}.get(lang)
        return _unique([tag, alias or lang])
    if provider == "deepl":
        if not target:
            return [lang.upper()]
        if lang == "zh":
            return ["ZH-HANT"] if script == "Hant" else ["ZH", "ZH-HANS"]
        if lang == "pt":
            return ["PT-PT" if region == "PT" else "PT-BR"]
        if lang == "en":
            return ["EN-GB" if region in ("GB", "IE", "AU", "NZ", "IN") else "EN-US"]
        if lang in ("no", "nn"):
            return ["NB"]
        return _unique([tag.upper(), lang.upper()])
    if provider == "microsoft":
        if lang == "zh":
            return ["zh-hant" if script == "Hant" else "zh-hans"]
        if lang == "pt":
            return ["pt-pt" if region == "PT" else "pt"]
        if lang == "sr":
            return ["sr-latn" if script == "Latn" else "sr-cyrl"]
        return _unique([tag.lower(), {"no": "nb"}.get(lang, lang)])
    if provider == "libre":
        if lang == "zh":
            return ["zh-Hant", "zt"] if script == "Hant" else ["zh-Hans", "zh"]
        return _unique([tag, lang])
    if provider == "mymemory":
        if lang == "zh":
            return ["zh-TW" if script == "Hant" else "zh-CN"]
        if lang == "en" and not region:
            return ["en-GB", "en-US"]
        return _unique([tag, f"{lang}-{lang.upper()}", lang])
    return [tag]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def pick_code(
    provider: str, locale: str, supported: Collection[str], *, target: bool = True
) -> str | None:
    """The first candidate the provider supports (case-insensitive), in its own spelling."""
    by_lower = {s.lower(): s for s in supported}
    for cand in candidates(provider, locale, target=target):
        if cand.lower() in by_lower:
            return by_lower[cand.lower()]
    if provider == "mymemory":
        lang = _parts(locale)[0]
        near = sorted(s for s in supported if s.lower().startswith(lang + "-"))
        if near:
            return near[0]
    return None


def static_languages(provider: str, *, target: bool = True) -> Collection[str] | None:
    """What a provider supports as far as can be known offline (None: only the server knows)."""
    from deep_translator.constants import (
        GOOGLE_LANGUAGES_TO_CODES,
        LIBRE_LANGUAGES_TO_CODES,
        MY_MEMORY_LANGUAGES_TO_CODES,
    )

    if provider == "google":
        return set(GOOGLE_LANGUAGES_TO_CODES.values())
    if provider == "mymemory":
        return set(MY_MEMORY_LANGUAGES_TO_CODES.values())
    if provider == "deepl":
        return DEEPL_TARGETS if target else DEEPL_SOURCES
    if provider == "libre":
        return set(LIBRE_LANGUAGES_TO_CODES.values())
    return None


# --- engines --------------------------------------------------------------------------------


MAX_CHARS = {"google": 4999, "mymemory": 499}  # deep-translator refuses longer texts


class Engine(ABC):
    """Translates one (protected) text. ``remote`` engines send requests and are cached."""

    name: str = ""
    remote: bool = False
    cache_id: str = ""
    source_code: str = ""
    target_code: str = ""
    note: str = ""
    max_chars: int | None = None  # longest text the provider (or deep-translator) accepts

    @abstractmethod
    def translate(self, text: str) -> str:
        """The translation of ``text``; raises ProviderError on failure."""

    def close(self) -> None:  # noqa: B027 - a hook: only engines that send hold anything
        """Release the engine's connections."""


_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥíĵķĺɱñöþǫŕšţúṽŵẋýžÀƁÇĐÉƑĜĤÍĴĶĹṀÑÖÞǪŔŠŢÚṼŴẊÝŽ",
)
_VOWELS = frozenset("aeiouyAEIOUY")
PSEUDO_GROWTH = 0.35


def pseudo(text: str) -> str:
    """Pseudo-localize: accented letters, about 35% longer, bracketed; sentinels untouched.

    >>> pseudo("Open the ⟦1⟧menu⟦2⟧")
    '[ÖÖþéñ ţĥéé ⟦1⟧ɱéñúú⟦2⟧]'
    >>> pseudo("Open the ⟦1⟧menu⟦2⟧") == pseudo("Open the ⟦1⟧menu⟦2⟧")
    True
    """
    core = text.strip()
    if not core:
        return text
    pieces = re.split(r"(⟦\s*\d+\s*⟧)", core)
    visible = sum(len(p) for i, p in enumerate(pieces) if i % 2 == 0)
    extra = max(0, math.ceil(visible * PSEUDO_GROWTH) - 2)  # the brackets count too
    vowels = [
        (i, j)
        for i, p in enumerate(pieces)
        if i % 2 == 0
        for j, ch in enumerate(p)
        if ch in _VOWELS
    ]
    doubled: set[tuple[int, int]] = set()
    if vowels and extra:
        k = min(extra, len(vowels))
        doubled = {vowels[int((n + 0.5) * len(vowels) / k)] for n in range(k)}
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(piece)
            continue
        for j, ch in enumerate(piece):
            out.append(ch * 2 if (i, j) in doubled else ch)
    body = "".join(out).translate(_ACCENTS)
    body += "~" * (extra - len(doubled))
    return f"[{body}]"


class Pseudo(Engine):
    name = "pseudo"

    def translate(self, text: str) -> str:
        return pseudo(text)


class Remote(Engine):
    """A web service: one single attempt per :meth:`translate` call, through the run's
    :class:`Http` (workers share the engine: neither it nor its API keeps per-request state)."""

    remote = True

    def __init__(self, name: str, api: WebApi, http: Http, *, cache_id: str, note: str = ""):
        self.name = name
        self.max_chars = MAX_CHARS.get(name)
        self.source_code = api.source
        self.target_code = api.target
        self.cache_id = cache_id
        self.note = note
        self.api = api
        self.http = http

    def translate(self, text: str) -> str:
        try:
            out = self.api.translate(self.http, text)
        except ProviderError:
            raise
        except Exception as exc:  # noqa: BLE001 - a malformed answer or a refused input
            raise self.http.failure(exc) from None
        if not isinstance(out, str) or not out.strip():
            raise ProviderError(f"{self.name}: empty answer")
        return out

    def close(self) -> None:
        self.http.close()


def secret_values() -> list[str]:
    """Every provider key set in the environment (to redact them wherever text goes out)."""
    return [v for v in (os.environ.get(name, "") for name in KEY_ENV.values()) if v]


def _key(provider: str, *, required: bool, offline: bool) -> str:
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


def _unsupported(
    provider: str, source: str, locale: str, known: Collection[str] | None
) -> I18nError:
    tried = ", ".join(candidates(provider, locale))
    listing = f"; it offers: {', '.join(sorted(known))}" if known else ""
    return I18nError(
        f"provider {provider} does not translate {source} -> {locale} (tried {tried}){listing}"
    )


def open_engine(
    provider: str,
    *,
    source: str,
    target: str,
    settings: Settings,
    requester: Requester,
    endpoint: str | None = None,
    region: str | None = None,
    offline: bool = False,
) -> Engine:
    """Build the engine for ``provider`` and check the language pair.

    Offline nothing is sent: codes are mapped from what deep-translator knows (enough for a
    dry run and for answers from the cache). Online, LibreTranslate's ``/languages`` and
    Microsoft's language list are asked once (counted as requests), before any text is sent,
    through the session the engine then uses. The caller closes the engine.
    """
    if provider == "pseudo":
        return Pseudo()
    if provider not in WEB_PROVIDERS:
        raise I18nError(f"unknown provider {provider!r} (choose from {', '.join(PROVIDERS)})")
    if endpoint is not None and provider != "libre":
        raise I18nError(f"--endpoint is for the libre provider, not {provider}")
    http = Http(
        provider,
        timeout=settings.timeout,
        connections=settings.concurrency,
        secrets=secret_values(),
    )
    try:
        if provider == "libre":
            return _open_libre(http, source, target, requester, endpoint, offline)
        if provider == "microsoft":
            return _open_microsoft(http, source, target, requester, region, offline)
        return _open_listed(http, provider, source, target, offline)
    except BaseException:
        http.close()
        raise


def _open_libre(
    http: Http,
    source: str,
    target: str,
    requester: Requester,
    endpoint: str | None,
    offline: bool,
) -> Engine:
    if not endpoint:
        raise I18nError(
            "provider libre needs --endpoint URL (or [tool.i18n] endpoint), "
            "the LibreTranslate server to use"
        )
    base = normalize_endpoint(endpoint)
    key = _key("libre", required=False, offline=offline)
    if offline:  # only the server knows its languages: no check, best guess of codes
        known = static_languages("libre") or ()
        src = pick_code("libre", source, known, target=False) or candidates("libre", source)[-1]
        tgt = pick_code("libre", target, known) or candidates("libre", target)[-1]
        note = "language pair checked only when requests are sent"
    else:
        sources, targets = _libre_languages(http, base, source, requester)
        found_src = pick_code("libre", source, sources, target=False)
        found_tgt = pick_code("libre", target, targets)
        if not found_src or not found_tgt:
            raise _unsupported("libre", source, target, targets)
        src, tgt, note = found_src, found_tgt, ""
    api = LibreApi(base, src, tgt, key=key)  # the server, not deep-translator's list, decides
    return Remote("libre", api, http, cache_id=f"libre {base}", note=note)


def _libre_languages(
    http: Http, base: str, source: str, requester: Requester
) -> tuple[set[str], set[str]]:
    """Ask a LibreTranslate server once which languages it translates from and to."""
    data = requester.call(lambda: http.get_json(base + "languages"))
    if not isinstance(data, list):
        raise ProviderError("libre: /languages did not answer with a list of languages")
    codes = {str(item.get("code")) for item in data if isinstance(item, dict) and item.get("code")}
    src = pick_code("libre", source, codes, target=False)
    targets: set[str] = set(codes)
    for item in data:
        listed = item.get("targets") if isinstance(item, dict) else None
        if isinstance(listed, list) and item.get("code") == src:
            targets = {str(t) for t in listed}
    targets.discard(src or "")
    return codes, targets


def _open_microsoft(
    http: Http,
    source: str,
    target: str,
    requester: Requester,
    region: str | None,
    offline: bool,
) -> Engine:
    from deep_translator.constants import BASE_URLS

    key = _key("microsoft", required=True, offline=offline)
    region = region or os.environ.get("MICROSOFT_REGION") or None
    url = BASE_URLS["MICROSOFT_TRANSLATE"]
    if offline:
        src, tgt = candidates("microsoft", source)[0], candidates("microsoft", target)[0]
        api = MicrosoftApi(url, src, tgt, key=key, region=region)
        note = "language pair checked only when requests are sent"
        return Remote("microsoft", api, http, cache_id="microsoft", note=note)
    codes = _microsoft_languages(http, url, requester)
    found_src = pick_code("microsoft", source, codes, target=False)
    found_tgt = pick_code("microsoft", target, codes)
    if not found_src or not found_tgt:
        raise _unsupported("microsoft", source, target, codes)
    api = MicrosoftApi(url, found_src, found_tgt, key=key, region=region)
    return Remote("microsoft", api, http, cache_id="microsoft")


def _microsoft_languages(http: Http, translate_url: str, requester: Requester) -> set[str]:
    """The codes Microsoft translates, from the list ``MicrosoftTranslator``'s constructor
    reads (``/languages?api-version=3.0&scope=translation``, beside ``/translate``)."""
    url = urllib.parse.urljoin(translate_url, "languages")
    params = {"api-version": "3.0", "scope": "translation"}
    data = requester.call(lambda: http.get_json(url, params=params))
    listed = data.get("translation") if isinstance(data, dict) else None
    if not isinstance(listed, dict):
        raise ProviderError("microsoft: /languages did not answer with a list of languages")
    return {str(code).lower() for code in listed}


def _open_listed(http: Http, provider: str, source: str, target: str, offline: bool) -> Engine:
    """Google, MyMemory and DeepL: languages known without asking the service."""
    from deep_translator import GoogleTranslator, MyMemoryTranslator
    from deep_translator.constants import BASE_URLS
    from deep_translator.exceptions import LanguageNotSupportedException

    src_known = static_languages(provider, target=False) or ()
    tgt_known = static_languages(provider) or ()
    src = pick_code(provider, source, src_known, target=False)
    tgt = pick_code(provider, target, tgt_known)
    if not src or not tgt:
        raise _unsupported(provider, source, target, tgt_known)
    api: WebApi
    if provider == "deepl":  # DeepL's own codes (PT-BR, ZH-HANT, ...): see the module docstring
        key = _key("deepl", required=True, offline=offline)
        base = BASE_URLS["DEEPL_FREE" if key.endswith(":fx") else "DEEPL"]
        api = DeeplApi(base.format(version="v2"), src, tgt, key=key)
    else:  # deep-translator checks the pair; requests send the codes its translator holds
        try:
            if provider == "google":
                google = GoogleTranslator(source=src, target=tgt)
                api = GoogleApi(BASE_URLS["GOOGLE_TRANSLATE"], google.source, google.target)
            else:
                mymemory = MyMemoryTranslator(source=src, target=tgt)
                api = MyMemoryApi(BASE_URLS["MYMEMORY"], mymemory.source, mymemory.target)
        except LanguageNotSupportedException:
            raise _unsupported(provider, source, target, tgt_known) from None
    return Remote(provider, api, http, cache_id=provider)

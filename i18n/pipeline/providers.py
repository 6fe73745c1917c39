"""Translation providers: deep-translator's web services, and the offline pseudo-localizer.

Every web provider runs deep-translator's own translator class; this module adds what a
batch job over regulated text needs around it:

- **language codes** mapped per provider (``pt_BR`` -> ``pt`` for Google, ``PT-BR`` for DeepL,
  ``de_CH`` -> ``de``, ``zh_Hans_CN`` -> ``zh-CN`` / ``ZH`` / ``zh-hans``), and an unsupported
  pair refused before any translation request;
- **a transport** that stands in for ``requests`` inside deep-translator's modules: it adds a
  timeout (deep-translator sets none, so a hung server would hang the run), remembers each
  thread's last HTTP answer or error so a failure can be classified (deep-translator turns
  429 and 5xx into its own exceptions and drops ``Retry-After``), and sends LibreTranslate's
  POST parameters as a form body, so the key and the text stay out of URLs and access logs;
- **retries** with exponential backoff on 429, 5xx, timeouts and refused connections,
  honouring ``Retry-After`` (and pausing every worker while a rate limit lasts), and a cap on
  requests per run;
- **secrets**: keys are read from the environment only, and every message that leaves this
  module has them redacted.
"""

from __future__ import annotations

import copy
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
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from babel import Locale

from i18n.errors import I18nError

T = TypeVar("T")

WEB_PROVIDERS = ("google", "deepl", "microsoft", "libre", "mymemory")
PROVIDERS = ("memory", "pseudo", *WEB_PROVIDERS)
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


# --- transport: deep-translator's `requests`, with a timeout and a memory ------------------


class _CallState(threading.local):
    timeout: float = 30.0
    response: requests.Response | None = None
    error: requests.RequestException | None = None

    def reset(self, timeout: float) -> None:
        self.timeout = timeout
        self.response = None
        self.error = None


_state = _CallState()


class _Transport:
    """Stands in for the ``requests`` module inside one deep-translator module."""

    def __init__(self, params_as_form: bool = False):
        self.params_as_form = params_as_form

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self._send("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        if self.params_as_form and "params" in kwargs and not kwargs.get("data"):
            kwargs["data"] = kwargs.pop("params")
        return self._send("POST", url, **kwargs)

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", _state.timeout)
        try:
            response = requests.request(method, url, **kwargs)
        except requests.RequestException as exc:
            _state.error = exc
            raise
        _state.response = response
        return response


def install_transport() -> None:
    """Give deep-translator's provider modules the transport (idempotent)."""
    from deep_translator import deepl, google, libre, microsoft, mymemory

    for module in (deepl, google, microsoft, mymemory):
        if not isinstance(module.requests, _Transport):
            module.requests = _Transport()  # type: ignore[assignment]
    if not isinstance(libre.requests, _Transport):
        libre.requests = _Transport(params_as_form=True)  # type: ignore[assignment]


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


def _classify(exc: BaseException, provider: str, secrets: Collection[str]) -> ProviderError:
    """Turn whatever deep-translator raised into a ProviderError, looking at the HTTP answer
    the transport saw (deep-translator keeps only its own exception)."""
    from deep_translator.exceptions import LanguageNotSupportedException, TooManyRequests

    error, response = _state.error, _state.response
    if isinstance(error, requests.Timeout):
        return ProviderError(f"{provider}: no answer within {_state.timeout:g} s", retryable=True)
    if isinstance(error, requests.ConnectionError):
        host = urllib.parse.urlsplit(error.request.url if error.request else "").netloc
        return ProviderError(
            f"{provider}: cannot connect to {host or 'the server'}", retryable=True
        )
    if error is not None:
        return ProviderError(redact(f"{provider}: {type(error).__name__}: {error}", secrets))
    if response is not None and not 200 <= response.status_code < 300:
        code = response.status_code
        detail = _error_detail(response)
        message = redact(f"{provider}: HTTP {code}{': ' + detail if detail else ''}", secrets)
        if code in (408, 425, 429) or code >= 500:
            return ProviderError(
                message,
                retryable=True,
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        if code in (401, 403):
            message += " (is the API key in the environment valid?)"
        return ProviderError(message)
    if isinstance(exc, TooManyRequests):
        return ProviderError(f"{provider}: too many requests", retryable=True)
    if isinstance(exc, LanguageNotSupportedException):
        return ProviderError(f"{provider}: language not supported ({exc.val})")
    return ProviderError(redact(f"{provider}: {type(exc).__name__}: {exc}", secrets))


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
    """A deep-translator translator: one single attempt per :meth:`translate` call.

    deep-translator's Google, MyMemory and Microsoft classes keep per-request state on the
    instance, so each worker thread gets its own copy of the prototype.
    """

    remote = True

    def __init__(
        self,
        name: str,
        prototype: Any,
        *,
        source: str,
        target: str,
        cache_id: str,
        secrets: Collection[str],
        timeout: float,
        note: str = "",
    ):
        self.name = name
        self.max_chars = MAX_CHARS.get(name)
        self.source_code = source
        self.target_code = target
        self.cache_id = cache_id
        self.note = note
        self._prototype = prototype
        self._secrets = tuple(secrets)
        self._timeout = timeout
        self._local = threading.local()

    def _translator(self) -> Any:
        translator = getattr(self._local, "translator", None)
        if translator is None:
            translator = copy.copy(self._prototype)
            translator._url_params = dict(getattr(self._prototype, "_url_params", {}) or {})
            self._local.translator = translator
        return translator

    def translate(self, text: str) -> str:
        _state.reset(self._timeout)
        try:
            out = self._translator().translate(text)
        except Exception as exc:  # noqa: BLE001 - deep-translator raises many kinds
            raise _classify(exc, self.name, self._secrets) from None
        if isinstance(out, list):
            out = out[0] if out else ""
        if not isinstance(out, str) or not out.strip():
            raise ProviderError(f"{self.name}: empty answer")
        return out


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
    Microsoft's language list are asked once (counted as requests), before any text is sent.
    """
    install_transport()
    if provider == "pseudo":
        return Pseudo()
    if provider not in WEB_PROVIDERS:
        raise I18nError(f"unknown provider {provider!r} (choose from {', '.join(PROVIDERS)})")
    if endpoint is not None and provider != "libre":
        raise I18nError(f"--endpoint is for the libre provider, not {provider}")
    secrets = secret_values()

    if provider == "libre":
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
            sources, targets = _libre_languages(base, source, settings, requester, secrets)
            src = pick_code("libre", source, sources, target=False)
            tgt = pick_code("libre", target, targets)
            note = ""
            if not src or not tgt:
                raise _unsupported("libre", source, target, targets)
        from deep_translator import LibreTranslator

        proto = LibreTranslator(source="en", target="en", api_key=key or "unused", custom_url=base)
        proto.source, proto.target = src, tgt  # the server, not deep-translator's list, decides
        if not key:
            proto.api_key = None  # a self-hosted server without keys: send none
        return Remote(
            "libre",
            proto,
            source=src,
            target=tgt,
            cache_id=f"libre {base}",
            secrets=secrets,
            timeout=settings.timeout,
            note=note,
        )

    if provider == "microsoft":
        key = _key("microsoft", required=True, offline=offline)
        region = region or os.environ.get("MICROSOFT_REGION") or None
        if offline:
            src, tgt = candidates("microsoft", source)[0], candidates("microsoft", target)[0]
            return Remote(
                "microsoft",
                None,
                source=src,
                target=tgt,
                cache_id="microsoft",
                secrets=secrets,
                timeout=settings.timeout,
                note="language pair checked only when requests are sent",
            )
        from deep_translator import MicrosoftTranslator

        def build() -> Any:
            _state.reset(settings.timeout)
            try:
                return MicrosoftTranslator(source="en", target="de", api_key=key, region=region)
            except Exception as exc:  # noqa: BLE001 - its constructor asks the network
                raise _classify(exc, "microsoft", secrets) from None

        proto = requester.call(build)
        codes = set(proto.get_supported_languages(as_dict=True).values())
        src = pick_code("microsoft", source, codes, target=False)
        tgt = pick_code("microsoft", target, codes)
        if not src or not tgt:
            raise _unsupported("microsoft", source, target, codes)
        proto.source, proto.target = src, tgt
        return Remote(
            "microsoft",
            proto,
            source=src,
            target=tgt,
            cache_id="microsoft",
            secrets=secrets,
            timeout=settings.timeout,
        )

    src_known = static_languages(provider, target=False) or ()
    tgt_known = static_languages(provider) or ()
    src = pick_code(provider, source, src_known, target=False)
    tgt = pick_code(provider, target, tgt_known)
    if not src or not tgt:
        raise _unsupported(provider, source, target, tgt_known)
    if provider == "google":
        from deep_translator import GoogleTranslator

        proto = GoogleTranslator(source=src, target=tgt)
    elif provider == "mymemory":
        from deep_translator import MyMemoryTranslator

        proto = MyMemoryTranslator(source=src, target=tgt)
    else:
        key = _key("deepl", required=True, offline=offline)
        from deep_translator import DeeplTranslator

        proto = DeeplTranslator(
            source="en", target="de", api_key=key or "unused", use_free_api=key.endswith(":fx")
        )
        proto.source, proto.target = src, tgt  # DeepL's own codes (PT-BR, ZH-HANT, ...)
    return Remote(
        provider,
        proto,
        source=src,
        target=tgt,
        cache_id=provider,
        secrets=secrets,
        timeout=settings.timeout,
    )


def _libre_languages(
    base: str, source: str, settings: Settings, requester: Requester, secrets: Collection[str]
) -> tuple[set[str], set[str]]:
    """Ask a LibreTranslate server once which languages it translates from and to."""

    def ask() -> Any:
        _state.reset(settings.timeout)
        try:
            response = _Transport().get(base + "languages")
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}")
            return response.json()
        except Exception as exc:  # noqa: BLE001
            raise _classify(exc, "libre", secrets) from None

    data = requester.call(ask)
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

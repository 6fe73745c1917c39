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

from i18n.errors import I18nError
from i18n.model.settings import PROVIDERS, WEB_PROVIDERS
from i18n.pipeline.providers.engine import Engine, Pseudo
from i18n.pipeline.providers.http import Http, Requester, RequestPolicy, secret_values


def open_engine(
    provider: str,
    *,
    source: str,
    target: str,
    settings: RequestPolicy,
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
    # deep-translator (and requests, bs4) take about 170 ms to import: only web providers pay
    from i18n.pipeline.providers import web

    try:
        if provider == "libre":
            return web.open_libre(http, source, target, requester, endpoint, offline)
        if provider == "microsoft":
            return web.open_microsoft(http, source, target, requester, region, offline)
        return web.open_listed(http, provider, source, target, offline)
    except BaseException:
        http.close()
        raise

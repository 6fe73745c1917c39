"""The web providers: the request each one's deep-translator ``translate`` would build, sent
through :class:`~i18n.pipeline.providers.http.Http`, and the answer read the same way (see
the package docstring for why), and opening each with its language pair checked."""

from __future__ import annotations

import os
import urllib.parse
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from deep_translator import GoogleTranslator, MyMemoryTranslator
from deep_translator.constants import BASE_URLS
from deep_translator.exceptions import (
    LanguageNotSupportedException,
    MicrosoftAPIerror,
    TranslationNotFound,
)
from deep_translator.validate import is_input_valid

from i18n.errors import I18nError
from i18n.pipeline.providers.codes import candidates, pick_code, static_languages, unsupported
from i18n.pipeline.providers.engine import Engine, Remote
from i18n.pipeline.providers.http import Http, ProviderError, Requester, api_key, normalize_endpoint

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


def open_libre(
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
    key = api_key("libre", required=False, offline=offline)
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
            raise unsupported("libre", source, target, targets)
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


def open_microsoft(
    http: Http,
    source: str,
    target: str,
    requester: Requester,
    region: str | None,
    offline: bool,
) -> Engine:

    key = api_key("microsoft", required=True, offline=offline)
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
        raise unsupported("microsoft", source, target, codes)
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


def open_listed(http: Http, provider: str, source: str, target: str, offline: bool) -> Engine:
    """Google, MyMemory and DeepL: languages known without asking the service."""

    src_known = static_languages(provider, target=False) or ()
    tgt_known = static_languages(provider) or ()
    src = pick_code(provider, source, src_known, target=False)
    tgt = pick_code(provider, target, tgt_known)
    if not src or not tgt:
        raise unsupported(provider, source, target, tgt_known)
    api: WebApi
    if provider == "deepl":  # DeepL's own codes (PT-BR, ZH-HANT, ...): see the module docstring
        key = api_key("deepl", required=True, offline=offline)
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
            raise unsupported(provider, source, target, tgt_known) from None
    return Remote(provider, api, http, cache_id=provider)

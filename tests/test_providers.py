"""Each web provider's requests, checked against deep-translator itself.

A recording HTTP server on 127.0.0.1 stands in for every service. deep-translator's own
``translate`` is run against it (its modules untouched, only ``BASE_URLS`` pointed at the
server) and must send the same request and read the same answer as the provider's
:class:`~i18n.pipeline.providers.WebApi`; LibreTranslate's parameters are the one deliberate
difference (form body, not query string). Then what deep-translator cannot give and the
product needs: the status and ``Retry-After`` of a refusal, a timeout, one session whose
connections the workers reuse, no cookies carried between requests. Nothing here reaches the
internet.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from i18n.pipeline.providers import open_engine
from i18n.pipeline.providers.engine import Engine
from i18n.pipeline.providers.http import Http, ProviderError, Requester, RequestPolicy
from i18n.pipeline.providers.web import DeeplApi

KEY = "k3y/with+odd=chars:fx"  # ends in ":fx": a DeepL Free key
TEXT = "Compression stockings help."
LANGUAGES = {"translation": {"en": {"name": "English"}, "de": {"name": "German"}}}
LIBRE_LANGUAGES = [{"code": c, "targets": ["de" if c == "en" else "en"]} for c in ("en", "de")]


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    json: Any
    headers: dict[str, str]
    client: tuple[str, int]


@dataclass
class Recorder:
    """Answers as each service does (the text upper-cased is the translation), or, when
    told, with ``status`` and ``headers`` on every translate request, or never (``hang``)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    cookie: bool = False  # every answer sets a cookie
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._release = threading.Event()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # as real servers (see fake_libretranslate.py)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                recorder._answer(self, b"")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                recorder._answer(self, self.rfile.read(length))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def requests(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == path]

    def _answer(self, handler: BaseHTTPRequestHandler, raw: bytes) -> None:
        split = urllib.parse.urlsplit(handler.path)
        is_json = "json" in (handler.headers.get("Content-Type") or "")
        seen = Seen(
            handler.command,
            split.path,
            urllib.parse.parse_qs(split.query),
            {} if is_json else urllib.parse.parse_qs(raw.decode()),
            json.loads(raw) if is_json and raw else None,
            dict(handler.headers.items()),
            handler.client_address[:2],
        )
        with self._lock:
            self.seen.append(seen)
        if split.path in ("/languages", "/lt/languages"):
            self._send(handler, 200, LANGUAGES if split.path == "/languages" else LIBRE_LANGUAGES)
            return
        if self.hang:
            self._release.wait(10)
            return
        if self.status != 200:
            self._send(handler, self.status, {"error": {"message": "slow down"}}, self.headers)
            return
        params = {k: v[-1] for k, v in {**seen.query, **seen.form}.items()}
        text = params.get("q") or params.get("text") or (seen.json or [{}])[0].get("text", "")
        out = text.upper()
        if split.path == "/m":
            page = f'<html><div class="result-container">{out}</div></html>'
            self._send(handler, 200, page, content_type="text/html; charset=utf-8")
        elif split.path == "/get":
            self._send(handler, 200, {"responseData": {"translatedText": out}, "matches": []})
        elif split.path == "/v2/translate":
            self._send(handler, 200, {"translations": [{"text": out}]})
        elif split.path == "/lt/translate":
            self._send(handler, 200, {"translatedText": out})
        else:  # Microsoft
            self._send(handler, 200, [{"translations": [{"text": out, "to": "de"}]}])

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        raw = (body if isinstance(body, str) else json.dumps(body)).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(raw)))
        if self.cookie:
            handler.send_header("Set-Cookie", "session=abc; Path=/")
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(raw)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    """The recorder, with deep-translator's service URLs pointed at it (and keys set)."""
    from deep_translator.constants import BASE_URLS

    recorder = Recorder()
    for name, path in {
        "GOOGLE_TRANSLATE": "m",
        "MYMEMORY": "get",
        "DEEPL_FREE": "{version}/",
        "MICROSOFT_TRANSLATE": "translate?api-version=3.0",
    }.items():
        monkeypatch.setitem(BASE_URLS, name, recorder.url + path)
    for env in ("DEEPL_API_KEY", "MICROSOFT_API_KEY", "LIBRETRANSLATE_API_KEY"):
        monkeypatch.setenv(env, KEY)
    monkeypatch.setenv("MICROSOFT_REGION", "westeurope")
    yield recorder
    recorder.stop()


def engine(provider: str, server: Recorder, **settings: Any) -> Engine:
    config = RequestPolicy(**{"timeout": 5.0, "retries": 0, **settings})
    return open_engine(
        provider,
        source="en",
        target="de",
        settings=config,
        requester=Requester(config),
        endpoint=server.url + "lt/" if provider == "libre" else None,
    )


def deep_translator_request(provider: str, server: Recorder, source: str, target: str) -> Seen:
    """What deep-translator's own ``translate`` sends (and that it reads the same answer)."""
    from deep_translator import (
        DeeplTranslator,
        GoogleTranslator,
        LibreTranslator,
        MyMemoryTranslator,
    )

    translator = {
        "google": lambda: GoogleTranslator(source=source, target=target),
        "mymemory": lambda: MyMemoryTranslator(source=source, target=target),
        "deepl": lambda: DeeplTranslator(source=source, target=target, api_key=KEY),
        "libre": lambda: LibreTranslator(
            source=source, target=target, api_key=KEY, custom_url=server.url + "lt/"
        ),
    }[provider]()
    before = len(server.seen)
    assert translator.translate(TEXT) == TEXT.upper()
    (request,) = server.seen[before:]
    return request


@pytest.mark.parametrize("provider", ["google", "mymemory", "libre"])
def test_requests_are_those_deep_translator_sends(provider: str, server: Recorder) -> None:
    mt = engine(provider, server)
    assert mt.translate(TEXT) == TEXT.upper()
    ours = server.seen[-1]
    theirs = deep_translator_request(provider, server, mt.source_code, mt.target_code)
    assert (ours.method, ours.path) == (theirs.method, theirs.path)
    if provider == "libre":  # the same parameters, in the body: the key and text in no URL
        assert ours.query == {} and ours.form == theirs.query
        assert ours.headers["Content-Type"] == "application/x-www-form-urlencoded"
    else:
        assert ours.query == theirs.query and ours.form == theirs.form == {}
    mt.close()


def test_deepl_request_is_the_one_deep_translator_sends(server: Recorder) -> None:
    # DeeplTranslator refuses DeepL's own upper-case codes: compare on codes it takes
    api = DeeplApi(server.url + "v2/", "en", "de", key=KEY)
    http = Http("deepl", timeout=5, connections=1, secrets=[KEY])
    assert api.translate(http, TEXT) == TEXT.upper()
    ours = server.seen[-1]
    theirs = deep_translator_request("deepl", server, "en", "de")
    assert (ours.method, ours.path, ours.query) == (theirs.method, theirs.path, theirs.query)
    assert KEY not in repr(api)

    mt = engine("deepl", server)  # a key ending in ":fx" goes to DeepL Free (the recorder)
    assert (mt.source_code, mt.target_code) == ("EN", "DE")
    assert mt.translate(TEXT) == TEXT.upper()
    assert server.seen[-1].query["target_lang"] == ["DE"]
    mt.close()
    http.close()


def test_microsoft_lists_languages_once_then_posts_json_with_key_and_region(
    server: Recorder,
) -> None:
    mt = engine("microsoft", server)
    assert [mt.translate(t) for t in ("one", "two")] == ["ONE", "TWO"]
    (languages,) = server.requests("/languages")
    assert languages.method == "GET" and "Ocp-Apim-Subscription-Key" not in languages.headers
    assert languages.query == {"api-version": ["3.0"], "scope": ["translation"]}
    first = server.requests("/translate")[0]
    assert first.method == "POST"
    assert first.query == {"api-version": ["3.0"], "from": ["en"], "to": ["de"]}
    assert first.json == [{"text": "one"}]
    assert first.headers["Ocp-Apim-Subscription-Key"] == KEY
    assert first.headers["Ocp-Apim-Subscription-Region"] == "westeurope"
    mt.close()


@pytest.mark.parametrize("provider", ["google", "mymemory", "deepl", "libre", "microsoft"])
@pytest.mark.parametrize(
    ("status", "retry_after", "wait"),
    [(429, "7", 7.0), (503, "Wed, 21 Oct 2015 07:28:00 GMT", 0.0), (500, None, None)],
)
def test_a_refusal_keeps_its_status_and_retry_after(
    provider: str, status: int, retry_after: str | None, wait: float | None, server: Recorder
) -> None:
    mt = engine(provider, server)
    server.status = status
    server.headers = {"Retry-After": retry_after} if retry_after else {}
    with pytest.raises(ProviderError) as failed:
        mt.translate(TEXT)
    assert failed.value.message.startswith(f"{provider}: HTTP {status}")
    assert failed.value.retryable
    assert failed.value.retry_after == (pytest.approx(wait, abs=1) if wait is not None else None)
    mt.close()


@pytest.mark.parametrize("provider", ["deepl", "libre", "microsoft"])
def test_a_rejected_key_is_final_and_redacted(provider: str, server: Recorder) -> None:
    mt = engine(provider, server)
    server.status = 403
    with pytest.raises(ProviderError) as failed:
        mt.translate(TEXT)
    assert not failed.value.retryable
    assert failed.value.message.startswith(f"{provider}: HTTP 403")
    assert failed.value.message.endswith("(is the API key in the environment valid?)")
    assert KEY not in failed.value.message and urllib.parse.quote(KEY) not in failed.value.message
    mt.close()


@pytest.mark.parametrize("provider", ["google", "mymemory", "deepl", "libre", "microsoft"])
def test_every_request_has_the_timeout(provider: str, server: Recorder) -> None:
    mt = engine(provider, server, timeout=0.2)
    server.hang = True
    with pytest.raises(ProviderError, match=rf"^{provider}: no answer within 0.2 s$") as failed:
        mt.translate(TEXT)
    assert failed.value.retryable
    mt.close()


def test_workers_share_one_session_and_reuse_its_connections(server: Recorder) -> None:
    mt = engine("libre", server, concurrency=4)
    texts = [f"text number {i}" for i in range(60)]
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(mt.translate, texts))
    assert answers == [t.upper() for t in texts]  # no worker got another's answer
    clients = {s.client for s in server.requests("/lt/translate")}
    assert 1 <= len(clients) <= 4  # a connection per worker, not one per request
    mt.close()


def test_no_cookie_is_carried_from_one_request_to_the_next(server: Recorder) -> None:
    server.cookie = True
    mt = engine("google", server)
    mt.translate("one")
    mt.translate("two")
    assert [s.headers.get("Cookie") for s in server.requests("/m")] == [None, None]
    mt.close()


def test_deep_translator_modules_are_left_as_they_are(server: Recorder) -> None:
    from deep_translator import deepl, google, libre, microsoft, mymemory

    for provider in ("google", "mymemory", "deepl", "libre", "microsoft"):
        mt = engine(provider, server)
        assert mt.translate(TEXT) == TEXT.upper()
        mt.close()
    for module in (deepl, google, libre, microsoft, mymemory):
        assert module.requests is requests, module.__name__

"""A LibreTranslate-compatible server on 127.0.0.1 for tests (stdlib only).

It answers ``GET /languages`` and ``POST /translate`` (form body, query string or JSON, as
LibreTranslate does) and can be told to misbehave:

- ``normal``: "translates" by upper-casing the text outside sentinels, then applying
  ``replacements`` (a tiny glossary, so tests can see which terms a machine got right);
- ``rate_limit``: the first ``fail_first`` translate requests get 429 with ``Retry-After``;
- ``error``: 500 forever, either for every request after ``ok_first`` answers or only for
  texts containing ``fail_on``;
- ``hang``: never answers (until the server stops), so clients must time out;
- ``mangle``: answers normally but breaks sentinels (``drop`` the first one, ``duplicate``
  it, or ``swap`` the first two).

Every request is logged (time, path, status, text, key) so tests can count them.

It also answers ``GET /m``, the page deep-translator's GoogleTranslator reads (with the
same modes), so the google provider can be exercised without Google.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SENTINEL = re.compile(r"⟦\s*\d+\s*⟧")
DEFAULT_LANGUAGES = ("en", "ar", "de", "fr", "it", "ja", "nl", "pt", "tr", "zh")


@dataclass
class Logged:
    time: float
    path: str
    status: int
    text: str
    api_key: str | None
    query: str = ""


@dataclass
class FakeLibreTranslate:
    mode: str = "normal"
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    api_key: str | None = None  # when set, requests must carry it (else 403)
    echo_key: bool = False  # the 403 answer repeats the rejected key (raw and URL-encoded)
    fail_first: int = 0
    retry_after: str = "1"
    ok_first: int = 0
    fail_on: str | None = None
    mangle: str = "drop"
    replacements: dict[str, str] = field(default_factory=dict)
    on_translate: Callable[[str], None] | None = None  # called with each text, before answering
    log: list[Logged] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeLibreTranslate:
        server = _Server(("127.0.0.1", 0), _handler(self))
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # let hanging handlers finish
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    # what tests look at ----------------------------------------------------------------

    def translate_requests(self) -> list[Logged]:
        with self._lock:
            return [r for r in self.log if r.path == "/translate"]

    def count(self, path: str = "/translate") -> int:
        with self._lock:
            return sum(1 for r in self.log if r.path == path)

    def reset(self, **changes: Any) -> None:
        """Clear the log and change the behaviour between two runs of a test."""
        with self._lock:
            self.log.clear()
            for key, value in changes.items():
                setattr(self, key, value)

    # behaviour -------------------------------------------------------------------------

    def _record(self, path: str, status: int, text: str, key: str | None, query: str = "") -> None:
        with self._lock:
            self.log.append(Logged(time.monotonic(), path, status, text, key, query))

    def translate_text(self, text: str, target: str) -> str:
        pieces = re.split(r"(⟦\s*\d+\s*⟧)", text)
        out = "".join(p if i % 2 else p.upper() for i, p in enumerate(pieces))
        for source, replacement in self.replacements.items():
            out = re.sub(re.escape(source), replacement, out, flags=re.IGNORECASE)
        if self.mode == "mangle":
            out = self._mangle(out)
        return out

    def _mangle(self, text: str) -> str:
        found = SENTINEL.findall(text)
        if not found:
            return text
        if self.mangle == "drop":
            return text.replace(found[0], "", 1)
        if self.mangle == "duplicate":
            return text.replace(found[0], found[0] * 2, 1)
        if self.mangle == "swap" and len(found) >= 2:
            a, b = found[0], found[1]
            return text.replace(a, "\0", 1).replace(b, a, 1).replace("\0", b, 1)
        return text


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections a pool of workers opens at once


def _handler(fake: FakeLibreTranslate) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY, as LibreTranslate's server (waitress) sets it: http.server writes the
        # headers and the body apart, and with Nagle on, the body of every answer on a kept-alive
        # connection would wait for the client's delayed ACK (about 40 ms)
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            pass  # keep test output clean

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            raw = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            split = urllib.parse.urlsplit(self.path)
            path = split.path
            if path == "/m":
                self._google(split)
                return
            if path == "/languages":
                fake._record(path, 200, "", None)
                self._send(
                    200,
                    [
                        {"code": c, "name": c, "targets": [t for t in fake.languages if t != c]}
                        for c in fake.languages
                    ],
                )
                return
            self._send(404, {"error": "not found"})

        def _google(self, split: urllib.parse.SplitResult) -> None:
            params = {k: v[-1] for k, v in urllib.parse.parse_qs(split.query).items()}
            text, target = params.get("q", ""), params.get("tl", "")
            with fake._lock:
                previous = sum(1 for r in fake.log if r.path == "/m")
            if fake.mode == "rate_limit" and previous < fake.fail_first:
                fake._record("/m", 429, text, None, split.query)
                self._html(429, "Too Many Requests")
                return
            fake._record("/m", 200, text, None, split.query)
            out = html.escape(fake.translate_text(text, target))
            self._html(200, f'<html><body><div class="result-container">{out}</div></body></html>')

        def _html(self, status: int, body: str) -> None:
            raw = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:  # noqa: N802
            split = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8") if length else ""
            params = {k: v[-1] for k, v in urllib.parse.parse_qs(split.query).items()}
            if "json" in (self.headers.get("Content-Type") or ""):
                params.update(json.loads(body or "{}"))
            else:
                params.update({k: v[-1] for k, v in urllib.parse.parse_qs(body).items()})
            if split.path != "/translate":
                self._send(404, {"error": "not found"})
                return
            text = str(params.get("q", ""))
            key = params.get("api_key")
            source, target = params.get("source"), params.get("target")
            if fake.api_key is not None and key != fake.api_key:
                fake._record(split.path, 403, text, key, split.query)
                error = "Invalid API key"
                if fake.echo_key:
                    error += f": {key} ({urllib.parse.quote(str(key), safe='')})"
                self._send(403, {"error": error})
                return
            if source not in fake.languages or target not in fake.languages:
                fake._record(split.path, 400, text, key, split.query)
                self._send(400, {"error": f"{target} is not supported"})
                return
            with fake._lock:
                previous = sum(1 for r in fake.log if r.path == "/translate")
            if fake.mode == "hang":
                fake._record(split.path, 0, text, key, split.query)
                fake._release.wait(30)
                return
            if fake.mode == "rate_limit" and previous < fake.fail_first:
                fake._record(split.path, 429, text, key, split.query)
                self._send(
                    429, {"error": "Slowdown: too many requests"}, {"Retry-After": fake.retry_after}
                )
                return
            if fake.mode == "error" and (
                (fake.fail_on is not None and fake.fail_on in text)
                or (fake.fail_on is None and previous >= fake.ok_first)
            ):
                fake._record(split.path, 500, text, key, split.query)
                self._send(500, {"error": "Internal Server Error"})
                return
            if fake.on_translate is not None:
                fake.on_translate(text)
            fake._record(split.path, 200, text, key, split.query)
            self._send(200, {"translatedText": fake.translate_text(text, str(target))})

    return Handler

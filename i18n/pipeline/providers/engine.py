"""Engines: what translates one (protected) text — the offline pseudo-localizer, or a web
provider through its :class:`~i18n.pipeline.providers.web.WebApi`."""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from i18n.pipeline.providers.http import Http, ProviderError

if TYPE_CHECKING:
    from i18n.pipeline.providers.web import WebApi

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
    >>> pseudo("Dr Smyth: rhythm ⟦1⟧")  # padding is never glued to a protected URL
    '[Đŕ Šɱýýţĥ: ŕĥýýţĥɱ ⟦1⟧ ~~]'
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
    padding = "~" * (extra - len(doubled))
    if padding and body.endswith("⟧"):
        padding = " " + padding  # never glued to a protected URL or code: it would join it
    return f"[{body}{padding}]"


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

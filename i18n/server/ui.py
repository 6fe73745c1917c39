"""The language of ``i18n serve``'s own words: its pages, buttons, labels and messages.

The interface is written in English; other languages come from gettext catalogs shipped in
the package, ``locale/<language>/LC_MESSAGES/server.po`` (with ``locale/server.pot``, made
by :mod:`i18n.server.messages`). They are read with Babel when first needed, so installing
needs no compile step. Only the interface is translated: the texts under review (sources,
translations, comments, reasons, names) are shown as they are, and so are the library's own
messages (QA findings, the refusals the CLI prints too).

The language of a request: the person's ``ui_language`` in people.yaml when a catalog has it,
else the browser's choice (``Accept-Language``, negotiated by Babel), else English. It is kept
in a context variable for the request (set by :class:`UILanguage`, then by the sign-in), so
that :func:`gettext` in the server's code, including its thread-pool work, speaks it.

>>> preferred("de-CH, fr;q=0.8, en;q=0.5, *;q=0.1")
['de-CH', 'fr', 'en']
>>> choose(None, "fr-FR, de;q=0.9"), choose(None, "de-AT"), choose(None, "")
('de', 'de', 'en')
>>> choose("en", "de"), choose("xx", "de"), choose("de", None)
('en', 'de', 'de')
"""

from __future__ import annotations

import contextvars
import functools
import io
from collections.abc import Awaitable, Callable, MutableMapping
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from i18n.model.events import Approved, Commented, Drafted, Rejected, Revoked
from i18n.model.findings import BLOCKING, WARNING
from i18n.model.people import REVIEWER, TRANSLATOR
from i18n.model.states import APPROVED, DRAFT, REJECTED, TRANSLATED, UNTRANSLATED

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "server"
SOURCE = "en"  # the language the interface is written in

_current: contextvars.ContextVar[str] = contextvars.ContextVar("ui_language", default=SOURCE)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    """Marks ``message`` for the catalogs; it is translated where it is shown (:func:`label`)."""
    return message


# the words of the library's data that the pages show: states, roles, events, severities
LABELS = {
    UNTRANSLATED: N_("untranslated"),
    DRAFT: N_("draft"),
    REJECTED: N_("rejected"),
    TRANSLATED: N_("translated"),
    APPROVED: N_("approved"),
    TRANSLATOR: N_("translator"),
    REVIEWER: N_("reviewer"),
    Drafted.kind: N_("drafted"),
    Revoked.kind: N_("revoked"),
    Commented.kind: N_("commented"),
    BLOCKING: N_("blocking"),
    WARNING: N_("warning"),
}
assert Approved.kind == APPROVED and Rejected.kind == REJECTED  # one label serves both


@functools.cache
def languages() -> tuple[str, ...]:
    """English and every language with a catalog, sorted."""
    found = {p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {SOURCE}))


@functools.cache
def translations(language: str) -> NullTranslations:
    """The catalog of ``language`` (none for English), compiled in memory from its .po."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == SOURCE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def preferred(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most wanted first (``*`` and
    ``q=0`` left out; equal weights keep their order)."""
    tags: list[tuple[float, int, str]] = []
    for n, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and tag != "*" and weight > 0:
            tags.append((-weight, n, tag.strip()))
    return [tag for _, _, tag in sorted(tags)]


def choose(person_language: str | None, accept_language: str | None) -> str:
    """The person's language if there is a catalog for it, else the browser's, else English."""
    available = languages()
    for wanted in ([person_language.replace("_", "-")] if person_language else [], None):
        tags = wanted if wanted is not None else preferred(accept_language)
        found = negotiate_locale(tags, available, sep="-") if tags else None
        if found:
            return found
    return SOURCE


def activate(language: str) -> None:
    """Speak ``language`` for the rest of this request."""
    _current.set(language)


def current() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def label(key: str) -> str:
    """A state, role, event or severity in the words of the interface."""
    return gettext(LABELS[key]) if key in LABELS else key


Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Any]


class UILanguage:
    """ASGI middleware: every request speaks the browser's language (``Accept-Language``)
    until the sign-in finds the person's own (:func:`activate`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            accept = headers.get(b"accept-language", b"").decode("latin-1")
            activate(choose(None, accept))
        await self.app(scope, receive, send)

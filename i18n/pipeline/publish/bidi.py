"""Right-to-left pages: Latin runs, names and references isolated (``<bdi>``) so that a
bidirectional paragraph shows them in their own order; references kept on one line."""

from __future__ import annotations

import re

from markdown_it.token import Token
from markupsafe import Markup, escape

_LATIN = "A-Za-z\u00c0-\u024f"
LATIN_RUN_RE = re.compile(rf"[{_LATIN}][{_LATIN}0-9]*(?:[ \-./'’&][{_LATIN}0-9]+)*")


# A reference or registration number inside a sentence: Latin letters and digits joined by
# '-', '/' or '.', with at least one digit (MDMA-2026-04817, K253187, CH-2026-003).
REFERENCE_RE = re.compile(r"(?=[A-Za-z0-9./-]*[0-9])[A-Za-z0-9]+(?:[-./][A-Za-z0-9]+)*")


def _is_reference(run: str) -> bool:
    return REFERENCE_RE.fullmatch(run) is not None and any(c.isdigit() for c in run)


def _bdi_open(run: str) -> str:
    """The opening tag that isolates one Latin run on a right-to-left page: a reference is
    one left-to-right run that never breaks across lines (``.ref``: no wrapping)."""
    return '<bdi dir="ltr" class="ref">' if _is_reference(run) else "<bdi>"


def isolate_ref(text: str, rtl: bool) -> Markup:
    """Escape a reference or registration number and keep it on one line (``.ref``); on a
    right-to-left page also isolate it as one left-to-right run.

    >>> isolate_ref("SA-MKT-2026-007", rtl=True)
    Markup('<bdi dir="ltr" class="ref">SA-MKT-2026-007</bdi>')
    >>> isolate_ref("CH-2026-003", rtl=False)
    Markup('<span class="ref">CH-2026-003</span>')
    """
    if not text:
        return escape(text)
    if rtl:
        return Markup('<bdi dir="ltr" class="ref">{}</bdi>').format(text)
    return Markup('<span class="ref">{}</span>').format(text)


def isolate(text: str, rtl: bool) -> Markup:
    """Escape ``text``; on a right-to-left page isolate all of it (a name, a reference)."""
    return Markup("<bdi>{}</bdi>").format(text) if rtl and text else escape(text)


def isolate_latin(text: str, rtl: bool) -> Markup:
    """Escape ``text``; on a right-to-left page wrap each Latin-script run in ``<bdi>``."""
    if not rtl:
        return escape(text)
    out, pos = [], 0
    for m in LATIN_RUN_RE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(Markup(_bdi_open(m.group(0)) + "{}</bdi>").format(m.group(0)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _isolate_tokens(children: list[Token]) -> list[Token]:
    """The same inline children with Latin runs of text tokens wrapped in ``<bdi>``
    (new tokens; the article's shared tokens are never mutated)."""
    out: list[Token] = []
    for child in children:
        if child.type != "text" or not LATIN_RUN_RE.search(child.content):
            out.append(child)
            continue
        pos = 0
        for m in LATIN_RUN_RE.finditer(child.content):
            if m.start() > pos:
                out.append(Token("text", "", 0, content=child.content[pos : m.start()]))
            out.append(Token("html_inline", "", 0, content=_bdi_open(m.group(0))))
            out.append(Token("text", "", 0, content=m.group(0)))
            out.append(Token("html_inline", "", 0, content="</bdi>"))
            pos = m.end()
        if pos < len(child.content):
            out.append(Token("text", "", 0, content=child.content[pos:]))
    return out

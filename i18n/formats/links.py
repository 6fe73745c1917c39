"""The links of a text in an article: one function for approve's QA, machine drafts, the
publish gate and ``i18n check``.

A text's links depend on its article: ``[uv][]``, ``[Mypy]`` and ``[the guide][docs]`` are
links only where the article defines ``[uv]: ...``, ``[mypy]: ...`` and ``[docs]: ...``
(markdown-it keeps the definitions in the parse's ``env``). Every stage that compares the
links of a translation with its source's reads them here, with the article's ``env``, so QA
and the gate can never disagree about a reference link.

>>> env = {"references": {"UV": {"href": "https://docs.astral.sh/uv/", "title": ""}}}
>>> link_targets("Install [uv][] or ![x](/i.svg)", env)
['/i.svg', 'https://docs.astral.sh/uv/']
>>> link_targets("Install [uv][]")  # without the definitions: text, no link
[]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from markdown_it.token import Token

from i18n.formats.markdown import MD

Env = Mapping[str, Any]


def parse_inline(text: str, env: Env | None = None) -> list[Token]:
    """The inline tokens of ``text`` as the page parses them (the article's link reference
    definitions from ``env``; the parse never changes ``env``)."""
    tokens = MD.parseInline(text, json.loads(json.dumps(dict(env or {}))))
    return list(tokens[0].children or []) if tokens else []


def link_targets(text: str, env: Env | None = None) -> list[str]:
    """Sorted link and image targets of inline Markdown (references resolved via ``env``).

    >>> link_targets("See [the guide](https://a.example) and ![x](/i.svg)")
    ['/i.svg', 'https://a.example']
    >>> link_targets("No link: https://a.example &#91;x&#93;(/i.svg)")
    []
    """
    if "[" not in text and "<" not in text:
        return []  # CommonMark (no linkify) opens every link and image with one or the other
    return _targets(text, env)


def link_hosts(texts: Iterable[str], env: Env | None = None) -> tuple[str, ...]:
    """The hosts that the links and images of ``texts`` reach, sorted (relative ones none).

    >>> link_hosts(["[a](https://B.example/x) [b](/y)", "![c](//cdn.example/i.svg)"])
    ('b.example', 'cdn.example')
    """
    hosts = {urlsplit(t).hostname or "" for text in texts for t in link_targets(text, env)}
    hosts.discard("")
    return tuple(sorted(hosts))


def _targets(text: str, env: Env | None) -> list[str]:
    """:func:`link_targets` from a parse of ``text``."""
    found: list[str] = []

    def walk(tokens: Iterable[Token]) -> None:
        for tok in tokens:
            if tok.type == "link_open":
                found.append(str(tok.attrGet("href") or ""))
            elif tok.type == "image":
                found.append(str(tok.attrGet("src") or ""))
            if tok.children:
                walk(tok.children)

    walk(parse_inline(text, env))
    return sorted(found)


def reference_labels(env: Env | None) -> list[str]:
    """The labels the article defines (as markdown-it normalises them: case-folded to upper
    case, white space collapsed), longest first."""
    refs = (env or {}).get("references") or {}
    return sorted(refs, key=lambda label: (-len(label), label))

"""Keep a machine's hands off what it must not touch.

Before a text goes to a machine translator, every span it must return unchanged is replaced
by a numbered sentinel (``⟦1⟧``): link destinations (the ``](url`` part; a link title stays
translatable, its quotes protected) and link brackets, the whole of a collapsed or shortcut
reference link (``[uv][]``, ``[Mypy]``: the label is the key of the article's definition)
and the ``][ref]`` of a full one, URLs written in the text, inline code, emphasis markers,
HTML entities and inline HTML, backslash escapes and hard line breaks, ``{placeholders}`` and
``%(name)s`` formats, and the glossary's do-not-translate terms.
After the answer comes back the sentinels are replaced by the original spans, and anything
that went wrong (a sentinel lost, duplicated or invented, or moved so that the Markdown no
longer has the same links, code and emphasis) is reported as a problem, never hidden.

>>> p = protect("See **[our guide](https://x.example/a)** on `Mantis` by INVAMED.", ["INVAMED"])
>>> p.text
'See ⟦1⟧⟦2⟧our guide⟦3⟧⟦4⟧ on ⟦5⟧ by ⟦6⟧.'
>>> r = restore("Siehe ⟦1⟧⟦2⟧unseren Leitfaden⟦3⟧⟦4⟧ zu ⟦5⟧ von ⟦6⟧.", p)
>>> r.text
'Siehe **[unseren Leitfaden](https://x.example/a)** zu `Mantis` von INVAMED.'
>>> r.problems
[]
>>> restore("Siehe ⟦1⟧⟦2⟧unseren Leitfaden⟦4⟧ zu ⟦5⟧ von ⟦6⟧ ⟦6⟧.", p).problems
['protected text lost: ](https://x.example/a)', 'protected text duplicated: INVAMED', \
'markup differs from the source: link https://x.example/a missing']
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt

from i18n.formats.links import Env, link_targets, reference_labels
from i18n.formats.markdown import markdown

OPEN, CLOSE = "⟦", "⟧"
SENTINEL = re.compile(r"⟦\s*(\d+)\s*⟧")

# Kinds whose neighbouring whitespace matters to Markdown: ``** calf**`` is no emphasis.
_TIGHT = {"emphasis", "link_open", "link_close"}

# a URL in running text: up to white space, brackets or quotes, and not its final punctuation
_URL_CHAR = r"[^\s<>()\[\]\"'⟦⟧`]"
_URL_END = r"[^\s<>()\[\]\"'⟦⟧`.,;:!?*_]"
_TITLES = ("title1", "title2", "title3")

_PATTERNS: list[tuple[str, str]] = [
    # a backtick run opens a code span only when a run of the same length closes it
    ("code", r"(?<!`)(?P<ticks>`+)(?!`)[\s\S]*?(?<!`)(?P=ticks)(?!`)"),
    ("autolink", r"<(?:https?|mailto|ftp):[^<>\s]*>"),
    ("html", r"<!--[\s\S]*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"),
    (
        "link_close",
        r"\]\([ \t]*\n?[ \t]*(?:<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)"
        r"(?:\s+(?:\"(?P<title1>[^\"]*)\"|'(?P<title2>[^']*)'|\((?P<title3>[^()]*)\)))?\s*\)"
        r"|\]\[[^\[\]]*\]",
    ),
    ("link_open", r"!?\[(?=(?:[^\[\]]|\[[^\[\]]*\])*\][(\[])"),
    ("entity", r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"),
    (
        "placeholder",
        r"\{\{.*?\}\}|\{[A-Za-z_][A-Za-z0-9_.]*\}|\{\d+\}"
        r"|%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%[sd]",
    ),
    ("url", r"(?:(?:https?|ftp)://|mailto:|(?<![\w/.])www\.)" + _URL_CHAR + "*" + _URL_END),
    ("escape", r"\\[!-/:-@\[-`{-~]|\\\n"),
    ("emphasis", r"\*+|~~|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])"),
    ("sentinel_char", r"[⟦⟧]"),
]


@dataclass(frozen=True)
class Span:
    """One protected piece of the source: its sentinel number, kind and original text."""

    number: int
    kind: str
    text: str
    space_before: bool
    space_after: bool

    @property
    def sentinel(self) -> str:
        return f"{OPEN}{self.number}{CLOSE}"


@dataclass(frozen=True)
class Protected:
    """A source text with its protected spans replaced by sentinels."""

    source: str
    text: str
    spans: tuple[Span, ...]
    env: Env | None = None  # the article's link reference definitions

    @property
    def needs_translation(self) -> bool:
        """False when nothing but sentinels, digits and punctuation is left to translate."""
        return any(ch.isalpha() for ch in SENTINEL.sub("", self.text))


@dataclass
class Restored:
    text: str
    problems: list[str] = field(default_factory=list)


def _reference_rx(labels: Iterable[str]) -> str | None:
    """A collapsed or shortcut reference to one of ``labels`` (markdown-it's normalised
    labels: matched case-insensitively, any white space between words)."""
    alts = [r"\s+".join(re.escape(word) for word in label.split()) for label in labels]
    alts = [a for a in alts if a]
    if not alts:
        return None
    return rf"!?\[(?i:{'|'.join(alts)})\](?:\[\])?(?![(\[])"


@cache
def _scanner(terms: tuple[str, ...], labels: tuple[str, ...] = ()) -> re.Pattern[str]:
    parts = [f"(?P<{kind}>{rx})" for kind, rx in _PATTERNS]
    reference = _reference_rx(labels)
    if reference:  # after code, autolinks and HTML; before the brackets of other links
        parts.insert(3, f"(?P<reference>{reference})")
    if terms:
        alts = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
        parts.insert(len(parts) - 2, rf"(?P<term>(?<!\w)(?:{alts})(?!\w))")
    return re.compile("|".join(parts))


def protect(text: str, terms: Iterable[str] = (), env: Env | None = None) -> Protected:
    """Replace what a machine must not touch by numbered sentinels. ``env``: the article's
    markdown-it environment, whose link reference definitions say which ``[label]`` is a link.

    >>> protect("Use {name} and %(count)s &amp; _this_").text
    'Use ⟦1⟧ and ⟦2⟧ ⟦3⟧ ⟦4⟧this⟦5⟧'
    >>> p = protect("snake_case stays, 2 * 3 too")
    >>> restore(p.text, p).text == p.source
    True
    >>> env = {"references": {"UV": {"href": "/uv", "title": ""}}}
    >>> text = 'Use [uv][], [UV] or [it][uv] ([site](/s "Our site")), see www.uv.example.'
    >>> protect(text, [], env).text
    'Use ⟦1⟧, ⟦2⟧ or ⟦3⟧it⟦4⟧ (⟦5⟧site⟦6⟧Our site⟦7⟧), see ⟦8⟧.'
    """
    labels = tuple(reference_labels(env))
    scanner = _scanner(tuple(sorted({t for t in terms if t})), labels)
    out: list[str] = []
    spans: list[Span] = []
    pos = 0

    def add(kind: str, start: int, end: int) -> None:
        before = start == 0 or text[start - 1].isspace()
        after = end == len(text) or text[end].isspace()
        span = Span(len(spans) + 1, kind, text[start:end], before, after)
        spans.append(span)
        out.append(span.sentinel)

    for m in scanner.finditer(text):
        kind = m.lastgroup or "other"
        if kind == "ticks":  # the named backreference group inside "code"
            kind = "code"
        elif kind in _TITLES:  # a group inside "link_close"
            kind = "link_close"
        out.append(text[pos : m.start()])
        title = next((t for t in _TITLES if m.group(t)), None) if kind == "link_close" else None
        if title is not None and any(ch.isalpha() for ch in m.group(title)):
            # a link title is text a reader sees (a tooltip): only its quotes are protected
            add("link_close", m.start(), m.start(title))
            out.append(m.group(title))
            add("link_title", m.end(title), m.end())
        else:
            add(kind, m.start(), m.end())
        pos = m.end()
    out.append(text[pos:])
    return Protected(text, "".join(out), tuple(spans), env)


def restore(translated: str, protected: Protected) -> Restored:
    """Put the protected spans back and report whatever the machine broke."""
    by_number = {s.number: s for s in protected.spans}
    seen: Counter[int] = Counter(int(m.group(1)) for m in SENTINEL.finditer(translated))
    problems: list[str] = []
    for span in protected.spans:
        if seen[span.number] == 0:
            problems.append(f"protected text lost: {_short(span.text)}")
        elif seen[span.number] > 1:
            problems.append(f"protected text duplicated: {_short(span.text)}")
    for number in sorted(set(seen) - set(by_number)):
        problems.append(f"unknown marker {OPEN}{number}{CLOSE} left in the text")

    text = _tighten(translated, by_number)

    def put_back(m: re.Match[str]) -> str:
        span = by_number.get(int(m.group(1)))
        return span.text if span else m.group(0)

    text = SENTINEL.sub(put_back, text)
    text = _same_edges(text, protected.source)
    if protected.spans:
        diff = markup_difference(protected.source, text, protected.env)
        if diff:
            problems.append(f"markup differs from the source: {diff}")
    return Restored(text, problems)


def _tighten(text: str, spans: dict[int, Span]) -> str:
    """Drop whitespace a machine put next to an emphasis or link marker where the source
    had none (``** word**`` would no longer be emphasis).

    Identical markers are interchangeable (a machine may swap the two ``**`` of a pair), so
    the n-th ``**`` of the answer follows the spacing of the n-th ``**`` of the source.
    """
    same_text: dict[str, list[Span]] = {}
    for span in sorted(spans.values(), key=lambda s: s.number):
        same_text.setdefault(span.text, []).append(span)
    seen: Counter[str] = Counter()

    def fix(m: re.Match[str]) -> str:
        span = spans.get(int(m.group(2)))
        lead, trail = m.group(1), m.group(3)
        if span is None or span.kind not in _TIGHT:
            return m.group(0)
        twins = same_text[span.text]
        rule = twins[min(seen[span.text], len(twins) - 1)]
        seen[span.text] += 1
        if not rule.space_before:
            lead = ""
        if not rule.space_after:
            trail = ""
        return f"{lead}{OPEN}{span.number}{CLOSE}{trail}"

    return re.sub(r"([ \t]*)⟦\s*(\d+)\s*⟧([ \t]*)", fix, text)


def _same_edges(text: str, source: str) -> str:
    """Leading and trailing whitespace as in the source (msgfmt checks newlines there)."""
    core = text.strip()
    lead = source[: len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()) :]
    return f"{lead}{core}{trail}" if core else text


def _short(text: str, limit: int = 60) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@cache
def _inline_parser() -> MarkdownIt:

    return markdown()


_ENTITY = re.compile(dict(_PATTERNS)["entity"])
_PLACEHOLDER = re.compile(dict(_PATTERNS)["placeholder"])


def markup_signature(text: str, env: Env | None = None) -> Counter[tuple[str, str]]:
    """What must survive translation, as a multiset: links and images with their targets
    (:func:`i18n.formats.links.link_targets`, reference links resolved with ``env``), inline
    code, emphasis, inline HTML, entities and placeholders. Word order may change; this may
    not.

    >>> sorted(markup_signature("a **b** [c](u) `d`").items())
    [(('code', 'd'), 1), (('link', 'u'), 1), (('strong', ''), 1)]
    """
    sig: Counter[tuple[str, str]] = Counter(("link", t) for t in link_targets(text, env))
    for token in _inline_parser().parseInline(text, copy.deepcopy(dict(env or {}))):
        for child in token.children or []:
            if child.type == "code_inline":
                sig["code", child.content] += 1
            elif child.type in ("em_open", "strong_open", "s_open"):
                sig[child.type.removesuffix("_open"), ""] += 1
            elif child.type == "html_inline":
                sig["html", child.content] += 1
    for m in _ENTITY.finditer(text):
        sig["entity", m.group(0)] += 1
    for m in _PLACEHOLDER.finditer(text):
        sig["placeholder", m.group(0)] += 1
    return sig


def markup_difference(source: str, translation: str, env: Env | None = None) -> str:
    """Empty when the translation has the source's markup; else what is missing or extra."""
    want, got = markup_signature(source, env), markup_signature(translation, env)
    if want == got:
        return ""
    parts = []
    for label, extra in (("missing", want - got), ("extra", got - want)):
        for (kind, value), n in sorted(extra.items()):
            times = f" ×{n}" if n > 1 else ""
            parts.append(f"{kind} {_short(value, 40)}".rstrip() + f" {label}{times}")
    return "; ".join(parts)

"""The project's one Markdown dialect (markdown-it: CommonMark, tables and GitHub's callouts,
``> [!WARNING]``): the parser, soft-break joining for msgids, and rendering an article's
tokens with translated inline text.

Source segmentation and page rendering use the same parser and options, so the block
structure of a page never depends on a translator.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from i18n.model.article import CALLOUT_LABELS, TITLE_CONTEXTS, Article

_NEWLINE_RUN = re.compile(r"[ \t]*\n[ \t]*")
_TOKEN_FIELDS = getattr(Token, "__slots__", None)
_WHITESPACE_RUN = re.compile(r"[ \t\n]+")


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer, with image alt text as the segments see it: line breaks
    and runs of spaces rendered as one space (as everywhere else) and none at either end, so
    re-wrapping a source line never changes the page and alt text msgids are trimmed."""

    def renderInlineAsText(  # noqa: N802 - markdown-it's name
        self, tokens: Sequence[Token] | None, options: OptionsDict, env: EnvType
    ) -> str:
        spaced = [
            Token("text", "", 0, content=" ") if t.type in ("softbreak", "hardbreak") else t
            for t in tokens or []
        ]
        text = super().renderInlineAsText(spaced, options, env)
        return _WHITESPACE_RUN.sub(" ", text).strip()


def copy_token(tok: Token) -> Token:
    """A shallow copy of a token, as :func:`copy.copy` makes it (the same attrs, children,
    meta objects), about ten times faster for markdown-it's slotted tokens: a page's body
    copies every token of its article."""
    if type(tok) is not Token or _TOKEN_FIELDS is None:
        return copy.copy(tok)
    new = object.__new__(Token)
    for name in _TOKEN_FIELDS:
        object.__setattr__(new, name, getattr(tok, name))
    return new


def one_line_title(title: str) -> str:
    """A link or image title as the page shows it: wrapped in the source, one line."""
    return _NEWLINE_RUN.sub(" ", title)


def _one_line_titles(state: StateCore) -> None:
    """A link or image title wrapped in the source is one line on the page."""
    for tok in state.tokens:
        for child in tok.children or []:
            title = child.attrGet("title") if child.type in ("link_open", "image") else None
            if isinstance(title, str) and "\n" in title:
                child.attrSet("title", one_line_title(title))


def markdown() -> MarkdownIt:
    """The Markdown parser for sources: CommonMark + tables + callouts (markdown-it's GitHub
    alerts: a block quote whose first line is ``[!NOTE]``, ``[!TIP]``, ``[!IMPORTANT]``,
    ``[!WARNING]`` or ``[!CAUTION]``), soft breaks rendered as spaces.

    Raw HTML is recognised (so ``<!-- i18n: -->`` comments are found) but never rendered:
    extraction refuses HTML other than comments, and :func:`render_body` drops comments and
    turns any HTML of a translation into text. Translations are parsed
    with this same parser, so that a msgid always means what its source meant.
    """
    options = {"html": True, "alerts": True}
    md = MarkdownIt("commonmark", options, renderer_cls=_Renderer).enable("table")
    md.core.ruler.push("i18n_one_line_titles", _one_line_titles)
    md.add_render_rule("softbreak", lambda *args, **kw: " ")
    return md


# --- joining soft line breaks ---------------------------------------------------------------
#
# What a newline in a block means is decided by the inline parser, not by the line: a soft
# break, a hard break (two trailing spaces or a backslash, unless escaped or in code), a
# character of a code span (shown as a space), or white space inside a link title, between
# a link's destination and title, or in a raw HTML tag (all shown as one space). So the
# joiner parses the text with markdown-it rules that also record where they matched, including
# in image descriptions, which markdown-it parses separately.

_JOIN_KEY = "i18n_join"


@dataclass
class _JoinRecord:
    text: str
    events: list[tuple[int, int, str]] = field(default_factory=list)
    nested: list[int] = field(default_factory=list)  # offsets of image descriptions

    def offset(self, src: str) -> int | None:
        if src == self.text:
            return 0
        if self.nested and src == self.text[self.nested[-1] : self.nested[-1] + len(src)]:
            return self.nested[-1]
        return None


def _recording(name: str, rule: Callable[[StateInline, bool], bool]) -> Any:
    def record(state: StateInline, silent: bool) -> bool:
        rec = state.env.get(_JOIN_KEY)
        off = rec.offset(state.src) if isinstance(rec, _JoinRecord) and not silent else None
        if rec is None or off is None:
            return rule(state, silent)
        pos, pending, ntokens = state.pos, state.pending, len(state.tokens)
        if name == "image":
            rec.nested.append(off + pos + 2)  # the description starts after "!["
            try:
                return rule(state, silent)
            finally:
                rec.nested.pop()
        if not rule(state, silent):
            return False
        kind = state.tokens[-1].type if len(state.tokens) > ntokens else ""
        if name == "backticks":
            rec.events.append((off + pos, off + state.pos, "code"))
        elif name == "html_inline":
            if is_comment(state.tokens[-1]):
                rec.events.append((off + pos, off + state.pos, "comment"))
        elif kind in ("softbreak", "hardbreak"):
            # the newline rule drops the trailing spaces of the text before it: all of them
            # before a hard break, one before a soft break
            spaces = len(pending) - len(pending.rstrip(" "))
            dropped = 0 if name == "escape" else spaces if kind == "hardbreak" else min(spaces, 1)
            rec.events.append((off + pos - dropped, off + state.pos, kind))
        return True

    return record


def _joining_parser() -> MarkdownIt:
    md = markdown()
    for name in ("newline", "escape", "backticks", "image", "html_inline"):
        rule = md.inline.ruler.__rules__[md.inline.ruler.__find__(name)].fn
        md.inline.ruler.at(name, _recording(name, rule))
    return md


def join_soft_breaks(text: str, env: dict[str, Any] | None = None) -> str:
    r"""Join soft line breaks with a space; keep hard breaks (as ``\`` + newline); leave out
    HTML comments (they are never shown, so translators never see them).

    Only what the parser reads as a line break is a break: a newline in a code span becomes
    the space the code span shows, one in a link title or raw HTML tag one space. ``env``
    carries the document's link references, which decide what is a link. The joined text
    must show what ``text`` shows: where a joined line would change the Markdown (a space
    can make a link of ``[a](<b⏎c>)``), the soft breaks stay newlines.

    >>> join_soft_breaks("one\n  two  \nthree\\\nfour")
    'one two\\\nthree\\\nfour'
    >>> join_soft_breaks("a `b  \nc` [d](/e 'f\n  g') \\\\\ngh")
    "a `b   c` [d](/e 'f g') \\\\ gh"
    >>> join_soft_breaks("[a](<b\nc@d>) <!-- TODO:\ncheck -->e")
    '[a](<b\nc@d>) e'

    Raises :class:`ValueError` when leaving out an HTML comment changes the Markdown around
    it (``a<!-- -->_b_``: the comment is what lets ``_`` open emphasis).
    """
    if "\n" not in text and "<!--" not in text:
        return text
    refs = {"references": (env or {}).get("references", {})}
    rec = _JoinRecord(text)
    MD_JOIN.parseInline(text, {**refs, _JOIN_KEY: rec})
    shown = _shown(text, refs)
    for soft in (" ", "\n"):
        joined = _join(text, sorted(rec.events), soft).strip(" \t\n")
        if _shown(joined, refs) == shown:
            return joined
    if any(kind == "comment" for _, _, kind in rec.events):
        raise ValueError("an HTML comment here changes how the Markdown around it reads")
    return text  # the source as written always means what it means


def _join(text: str, events: list[tuple[int, int, str]], soft: str) -> str:
    out: list[str] = []
    done = 0
    for start, end, kind in events:
        if start < done:
            continue  # inside a code span already copied
        out.append(_NEWLINE_RUN.sub(soft, text[done:start]))
        if kind == "code":
            out.append(text[start:end].replace("\n", " "))
        elif kind == "comment":
            pass
        elif kind == "softbreak":
            out.append(soft)
        elif text[start] == " " and "".join(out).endswith(("*", "_")):
            # "\\" would turn the delimiter before the break from followed-by-space into
            # followed-by-punctuation, which can make it open emphasis: keep the spaces
            out.append("  \n")
        else:
            out.append("\\\n")
        done = end
    out.append(_NEWLINE_RUN.sub(soft, text[done:]))
    return "".join(out)


def _shown(text: str, env: dict[str, Any]) -> str:
    """What inline Markdown shows on a page (comments left out, white space at its ends
    trimmed as a browser does), for comparing two spellings of one block."""
    tokens = MD.parseInline(text, copy.deepcopy(env))
    children = list(_neutralize_html(tokens[0].children or [] if tokens else [], True))
    return MD.renderer.renderInline(children, MD.options, {}).strip(" \t\n")


MD = markdown()
MD_JOIN = _joining_parser()


def image_only(tok: Token) -> Token | None:
    """The image of a block that shows nothing else (white space and line breaks aside)."""
    blank = ("softbreak", "hardbreak")
    children = [
        c
        for c in (tok.children or [])
        if c.type not in blank and not (c.type == "text" and not c.content.strip())
    ]
    if len(children) == 1 and children[0].type == "image":
        return children[0]
    return None


# --- rendering with translated text -------------------------------------------------------

Lookup = Callable[[str | None, str], str | None]


def callout_kind(tok: Token) -> str:
    """The kind of a callout (``alert_open`` token): note, tip, important, warning, caution."""
    return str((tok.meta or {}).get("kind") or tok.info).lower()


def _callouts(tokens: list[Token]) -> list[Token]:
    """Callouts as accessible asides, built from tokens: ``<aside class="callout
    callout-warning" role="note" aria-labelledby="callout-1">`` with the kind's English label
    in ``<p class="callout-title" id="callout-1">`` (a page puts the label's site string
    there, never text of the article). Ids count the callouts of the body: unique on a page."""
    out: list[Token] = []
    count = 0
    kind = ""
    for tok in tokens:
        if tok.type == "alert_open":
            count += 1
            kind = callout_kind(tok)
            tok = copy_token(tok)
            tok.tag = "aside"
            tok.attrs = {
                "class": f"callout callout-{kind}",
                "role": "note",
                "aria-labelledby": f"callout-{count}",
            }
        elif tok.type == "alert_close":
            tok = copy_token(tok)
            tok.tag = "aside"
        elif tok.type == "alert_title_open":
            tok = copy_token(tok)
            tok.attrs = {"class": "callout-title", "id": f"callout-{count}"}
        elif tok.type == "inline" and out and out[-1].type == "alert_title_open":
            tok = copy_token(tok)
            tok.content = CALLOUT_LABELS[kind]
            tok.children = [Token("text", "", 0, content=tok.content)]
        out.append(tok)
    return out


def _translated_inline(text: str, env: dict[str, Any]) -> list[Token]:
    """Parse a translation as inline Markdown, exactly as the source was parsed (raw HTML is
    recognised, and :func:`_neutralize_html` then turns it into text)."""
    tokens = MD.parseInline(text, copy.deepcopy(env))
    return tokens[0].children or [] if tokens else []


def is_comment(tok: Token) -> bool:
    """An HTML comment (``<!-- ... -->``), as a block or inline."""
    return tok.type in ("html_inline", "html_block") and tok.content.lstrip().startswith("<!--")


def _neutralize_html(children: list[Token], source: bool = False) -> Iterator[Token]:
    """Raw inline HTML becomes the text it is (a tag wrapped in the source on one line); in
    the ``source``, HTML comments are left out (extraction refuses any other inline HTML)."""
    for child in children:
        if child.type == "html_inline":
            if not (source and is_comment(child)):
                yield Token("text", "", 0, content=_NEWLINE_RUN.sub(" ", child.content))
        elif child.type == "image" and child.children:
            image = copy_token(child)  # the description is the alt text
            image.children = list(_neutralize_html(child.children, source))
            yield image
        else:
            yield child


def translate_tokens(article: Article, lookup: Lookup) -> list[Token]:
    """A copy of the article's tokens with each segment's inline text replaced by
    ``lookup(msgctxt, msgid)`` (None keeps the source text, normalized like the msgid);
    callouts become asides (:func:`_callouts`)."""
    out: list[Token] = []
    for i, tok in enumerate(article.tokens):
        if tok.type == "html_block":
            continue  # comments and raw HTML never reach a page
        seg = article.block_segments.get(i)
        new = copy_token(tok)
        if seg is None:
            if tok.children:
                new.children = list(_neutralize_html(tok.children, source=True))
                if len(new.children) < len(tok.children):
                    _trim_ends(new.children)
            out.append(new)
            continue
        text = lookup(seg.msgctxt, seg.msgid)
        if text is None:
            text = seg.msgid
        if seg.kind == "image alt text":
            source_image = image_only(tok)
            assert source_image is not None
            image = copy_token(source_image)
            image.children = _translated_inline(text, article.env)
            image.content = text
            new.children = [image if c is source_image else c for c in tok.children or []]
        else:
            new.children = list(_neutralize_html(_translated_inline(text, article.env)))
            new.content = text
        out.append(new)
    return _callouts(_translate_titles(out, article, lookup))


def _translate_titles(tokens: list[Token], article: Article, lookup: Lookup) -> list[Token]:
    """Link and image titles that have entries of their own (a reference definition's, an
    image shown alone: ``msgctxt "link title"`` / ``"image title"``) in their translation."""
    contexts: dict[str, list[str]] = {}
    for seg in article.segments:
        if seg.msgctxt in TITLE_CONTEXTS:
            contexts.setdefault(seg.msgid, []).append(seg.msgctxt)
    if not contexts:
        return tokens

    def translated(child: Token) -> Token:
        title = child.attrGet("title") if child.type in ("link_open", "image") else None
        for ctx in contexts.get(title, []) if isinstance(title, str) else []:
            text = lookup(ctx, title)
            if text is not None:
                child = copy_token(child)  # the source's tokens share their attrs
                child.attrs = {**child.attrs, "title": one_line_title(text)}
                break
        return child

    for tok in tokens:
        if tok.children:
            tok.children = [translated(child) for child in tok.children]
    return tokens


def render_body(article: Article, lookup: Lookup | None = None) -> str:
    """HTML of the article body with translations from ``lookup`` (identity when None)."""
    tokens = translate_tokens(article, lookup or (lambda ctx, msgid: None))
    return MD.renderer.render(tokens, MD.options, article.env)


def render_source_html(article: Article) -> str:
    """HTML of the untouched source tokens (the oracle for the round-trip invariant): HTML
    blocks and comments left out, and the white space a comment leaves at either end of a
    block trimmed, as a browser shows it."""
    tokens = [t for t in article.tokens if t.type != "html_block"]
    for i, tok in enumerate(tokens):
        if tok.children:
            tokens[i] = copy_token(tok)
            children = list(_neutralize_html(tok.children, source=True))
            if len(children) < len(tok.children):
                _trim_ends(children)
            tokens[i].children = children
    return MD.renderer.render(_callouts(tokens), MD.options, article.env)


def _trim_ends(children: list[Token]) -> None:
    for index in (0, -1):  # white space alone at an end (between two comments, say) goes
        while (
            children
            and children[index].type == "text"
            and not children[index].content.strip(" \t\n")
        ):
            children.pop(index)
    for index, strip in ((0, str.lstrip), (-1, str.rstrip)):
        if children and children[index].type == "text":
            children[index] = copy_token(children[index])
            children[index].content = strip(children[index].content, " \t\n")

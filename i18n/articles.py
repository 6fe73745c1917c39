"""Canonical English articles: front matter + CommonMark body -> translatable segments.

Segmentation reads markdown-it tokens. Every text block (heading, paragraph, list item,
table cell, block quote, image alt text) becomes one :class:`Segment` whose msgid is the
block's inline Markdown with soft line breaks joined by a space. Rendering re-uses the same
token stream with translated inline text (:func:`render_body`), so block structure never
depends on a translator.

>>> art = parse_article("---\\nslug: a\\ntitle: Hello\\n---\\nOne\\nline.\\n", "a.md")
>>> [(s.msgctxt, s.msgid, s.line) for s in art.segments]
[('title', 'Hello', 3), (None, 'One line.', 5)]
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .errors import I18nError
from .files import inside, load_yaml_mapping, read_text, relpath

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
PRODUCT_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Names that would collide with generated files or are reserved by some file systems.
RESERVED_SLUGS = frozenset(
    {"index", "site", "sitemap", "manifest", "assets", "con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
NOTE_RE = re.compile(r"^<!--\s*i18n:\s*(.*?)\s*-->\s*$", re.DOTALL)
DESCRIPTION_MAX = 160
# An article is a web page of text (the samples are 5-15 kB); anything near this size is a
# mistake (a pasted log, a binary), and parsing it would cost memory in proportion.
MAX_ARTICLE_BYTES = 2_000_000

FIELDS: dict[str, type | tuple[type, ...]] = {
    "slug": str,
    "title": str,
    "description": str,
    "category": str,
    "date": (dt.date, str),
    "updated": (dt.date, str),
    "author": str,
    "reviewed_by": str,
    "keywords": list,
    "products": list,
    "related": list,
}
REQUIRED = ("slug", "title")


@dataclass(frozen=True)
class Segment:
    """One translatable unit: a gettext entry's msgctxt/msgid and where it came from."""

    msgid: str
    msgctxt: str | None
    kind: str
    line: int
    notes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


@dataclass
class Article:
    """A parsed article: metadata, markdown-it tokens and the segments extracted from them."""

    slug: str
    path: str  # project-relative, forward slashes
    meta: dict[str, Any]
    tokens: list[Token]
    env: dict[str, Any]
    segments: list[Segment]
    source_hash: str
    # token index -> segment for every translatable inline token of the body
    block_segments: dict[int, Segment] = field(default_factory=dict)
    # front-matter key path -> 1-based line in the file, for messages
    meta_lines: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @property
    def products(self) -> list[str]:
        return list(self.meta.get("products") or [])

    @property
    def related(self) -> list[str]:
        return list(self.meta.get("related") or [])

    @property
    def date(self) -> dt.date | None:
        return _as_date(self.meta.get("date"))

    @property
    def updated(self) -> dt.date | None:
        return _as_date(self.meta.get("updated")) or self.date


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return None


_NEWLINE_RUN = re.compile(r"[ \t]*\n[ \t]*")
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


def _one_line_titles(state: StateCore) -> None:
    """A link or image title wrapped in the source is one line on the page."""
    for tok in state.tokens:
        for child in tok.children or []:
            title = child.attrGet("title") if child.type in ("link_open", "image") else None
            if isinstance(title, str) and "\n" in title:
                child.attrSet("title", _NEWLINE_RUN.sub(" ", title))


def markdown() -> MarkdownIt:
    """The Markdown parser for sources: CommonMark + tables, soft breaks rendered as spaces.

    Raw HTML is recognised (so ``<!-- i18n: -->`` comments are found) but never rendered:
    :func:`render_body` turns HTML tokens into text or drops them. Translations are parsed
    with this same parser, so that a msgid always means what its source meant.
    """
    md = MarkdownIt("commonmark", {"html": True}, renderer_cls=_Renderer).enable("table")
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
    for name in ("newline", "escape", "backticks", "image"):
        rule = md.inline.ruler.__rules__[md.inline.ruler.__find__(name)].fn
        md.inline.ruler.at(name, _recording(name, rule))
    return md


def join_soft_breaks(text: str, env: dict[str, Any] | None = None) -> str:
    r"""Join soft line breaks with a space; keep hard breaks (as ``\`` + newline).

    Only what the parser reads as a line break is a break: a newline in a code span becomes
    the space the code span shows, one in a link title or raw HTML tag one space. ``env``
    carries the document's link references, which decide what is a link.

    >>> join_soft_breaks("one\n  two  \nthree\\\nfour")
    'one two\\\nthree\\\nfour'
    >>> join_soft_breaks("a `b  \nc` [d](/e 'f\n  g') \\\\\ngh")
    "a `b   c` [d](/e 'f g') \\\\ gh"
    """
    if "\n" not in text:
        return text
    rec = _JoinRecord(text)
    _MD_JOIN.parseInline(text, {"references": (env or {}).get("references", {}), _JOIN_KEY: rec})
    out: list[str] = []
    done = 0
    for start, end, kind in sorted(rec.events):
        if start < done:
            continue  # inside a code span already copied
        out.append(_NEWLINE_RUN.sub(" ", text[done:start]))
        if kind == "code":
            out.append(text[start:end].replace("\n", " "))
        elif kind == "softbreak":
            out.append(" ")
        elif text[start] == " " and "".join(out).endswith(("*", "_")):
            # "\\" would turn the delimiter before the break from followed-by-space into
            # followed-by-punctuation, which can make it open emphasis: keep the spaces
            out.append("  \n")
        else:
            out.append("\\\n")
        done = end
    out.append(_NEWLINE_RUN.sub(" ", text[done:]))
    return "".join(out)


_MD = markdown()
_MD_JOIN = _joining_parser()


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _has_words(children: Sequence[Token]) -> bool:
    """True when the inline tokens show a letter outside code, raw HTML and autolinks (those
    are not for translators: a block of only a URL or a code span is no segment)."""
    in_autolink = False
    for child in children:
        if child.type in ("link_open", "link_close"):
            in_autolink = child.type == "link_open" and child.markup == "autolink"
            continue
        words = (
            _has_words(child.children or [])
            if child.type == "image"
            else child.type == "text" and not in_autolink and _has_letters(child.content)
        )
        if words:
            return True
    return False


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Return (front matter YAML, body, line number of the body's first line)."""
    if not text.startswith("---\n"):
        raise I18nError("missing front matter: the file must start with a '---' line", path, 1)
    end = re.search(r"^---[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        raise I18nError("front matter is not closed by a '---' line", path, 1)
    fm = text[4 : 4 + end.start()]
    body_start = 4 + end.end()
    body = text[body_start:].removeprefix("\n")
    body_line = fm.count("\n") + 3  # opening ---, front matter lines, closing ---
    return fm, body, body_line


def _validate_meta(
    meta: dict[str, Any], lines: dict[tuple[str, ...], int], path: str, stem: str | None
) -> None:
    for key in REQUIRED:
        if key not in meta or meta[key] in (None, ""):
            raise I18nError(f"front matter lacks the required key '{key}'", path, 2)
    for key, value in meta.items():
        line = lines.get((str(key),), 2)
        if key not in FIELDS:
            known = ", ".join(FIELDS)
            raise I18nError(f"unknown front-matter key '{key}' (known: {known})", path, line)
        want = FIELDS[key]
        if value is None:
            continue
        if not isinstance(value, want) or isinstance(value, bool):
            types = (want,) if isinstance(want, type) else want
            names = " or ".join(t.__name__ for t in types)
            found = type(value).__name__
            raise I18nError(f"front-matter key '{key}' must be {names}, found {found}", path, line)
        if key in ("date", "updated") and isinstance(value, str):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise I18nError(
                    f"front-matter key '{key}' is not an ISO date (YYYY-MM-DD): {value!r}",
                    path,
                    line,
                ) from None
        if isinstance(value, list):
            for i, item in enumerate(value):
                if not isinstance(item, str) or not item.strip():
                    raise I18nError(
                        f"front-matter key '{key}' must be a list of non-empty strings",
                        path,
                        lines.get((str(key), str(i)), line),
                    )
    slug = meta["slug"]
    check_slug(slug, path, lines.get(("slug",), 2))
    if stem is not None and slug != stem:
        raise I18nError(
            f"slug '{slug}' must equal the file name '{stem}'", path, lines.get(("slug",), 2)
        )
    for i, slug_ in enumerate(meta.get("related") or []):
        check_slug(slug_, path, lines.get(("related", str(i)), 2))
    for i, product in enumerate(meta.get("products") or []):
        if not PRODUCT_RE.fullmatch(product):
            raise I18nError(
                f"product id {product!r} must match {PRODUCT_RE.pattern}",
                path,
                lines.get(("products", str(i)), 2),
            )
    desc = meta.get("description")
    if isinstance(desc, str) and len(desc) > DESCRIPTION_MAX:
        raise I18nError(
            f"description has {len(desc)} characters; at most {DESCRIPTION_MAX} are allowed",
            path,
            lines.get(("description",), 2),
        )


def check_slug(slug: Any, path: str | None = None, line: int | None = None) -> str:
    """Refuse anything that is not a safe slug before it can become a path.

    >>> check_slug("deep-vein-thrombosis")
    'deep-vein-thrombosis'
    >>> check_slug("../../x")
    Traceback (most recent call last):
    ...
    i18n.errors.I18nError: invalid slug '../../x': use lower-case ASCII letters, digits and '-'
    """
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug) or not slug.isascii():
        raise I18nError(
            f"invalid slug {slug!r}: use lower-case ASCII letters, digits and '-'", path, line
        )
    if slug in RESERVED_SLUGS:
        raise I18nError(f"slug '{slug}' is a reserved name", path, line)
    return slug


def _front_matter_segments(
    meta: dict[str, Any], lines: dict[tuple[str, ...], int]
) -> list[Segment]:
    segs: list[Segment] = []
    for key in ("title", "description", "category"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            flags: tuple[str, ...] = ()
            kind = key
            if key == "description":
                flags = (f"max-length:{DESCRIPTION_MAX}",)
                kind = f"description (meta description, at most {DESCRIPTION_MAX} characters)"
            segs.append(
                Segment(value.strip(), key, f"front matter {kind}", lines[(key,)], (), flags)
            )
    for i, kw in enumerate(meta.get("keywords") or []):
        segs.append(
            Segment(kw.strip(), "keyword", "front matter keyword", lines[("keywords", str(i))])
        )
    return segs


def _kind(stack: list[Token], close_tag: str) -> str:
    parts: list[str] = []
    for tok in stack:
        if tok.type == "blockquote_open":
            parts.append("block quote")
        elif tok.type == "list_item_open" and "list item" not in parts:
            parts.append("list item")
    if close_tag.startswith("h") and close_tag[1:].isdigit():
        parts.append(f"heading {close_tag[1:]}")
    elif close_tag == "th":
        parts.append("table header cell")
    elif close_tag == "td":
        parts.append("table cell")
    elif not parts or parts[-1] == "block quote":
        parts.append("paragraph")
    return ", ".join(parts)


def _image_only(tok: Token) -> Token | None:
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


def segment_body(
    tokens: list[Token], body_line: int, env: dict[str, Any] | None = None
) -> tuple[list[Segment], dict[int, Segment]]:
    """Segments of a markdown-it token stream; ``body_line`` is the file line of token line 0,
    ``env`` the parse's environment (its link references)."""
    segs: list[Segment] = []
    by_index: dict[int, Segment] = {}
    stack: list[Token] = []
    pending_notes: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.nesting == 1:
            stack.append(tok)
            continue
        if tok.nesting == -1:
            if stack:
                stack.pop()
            continue
        if tok.type == "html_block":
            m = NOTE_RE.match(tok.content.strip())
            if m:
                pending_notes.append(" ".join(m.group(1).split()))
            continue
        if tok.type != "inline":
            pending_notes.clear()  # a note belongs to the block directly below it
            continue
        parent = stack[-1] if stack else None
        tag = parent.tag if parent is not None else "p"
        kind = _kind(stack[:-1] if parent is not None else stack, tag)
        image = _image_only(tok)
        if image is not None:
            text = join_soft_breaks(image.content.strip(), env)
            kind = "image alt text"
        else:
            text = join_soft_breaks(tok.content.strip(), env)
        where = tok.map or (parent.map if parent is not None else None)
        line = body_line + (where[0] if where else 0)
        notes = tuple(pending_notes)
        if tag in ("p", "th", "td") or tag.startswith("h"):
            # a note above a list or a table applies to its first block only
            pending_notes.clear()
        if not _has_words([image] if image is not None else tok.children or []):
            continue
        seg = Segment(text, None, kind, line, notes)
        segs.append(seg)
        by_index[i] = seg
    return segs, by_index


def parse_article(text: str, path: str, stem: str | None = None, source_hash: str = "") -> Article:
    """Parse one article's text; ``stem`` (the file name) must then equal the slug."""
    fm, body, body_line = split_front_matter(text, path)
    meta, lines = load_yaml_mapping(fm, path, line_offset=1)
    _validate_meta(meta, lines, path, stem)
    env: dict[str, Any] = {}
    tokens = _MD.parse(body, env)
    body_segs, by_index = segment_body(tokens, body_line, env)
    segs = _front_matter_segments(meta, lines) + body_segs
    return Article(
        slug=meta["slug"],
        path=path,
        meta=meta,
        tokens=tokens,
        env=env,
        segments=segs,
        source_hash=source_hash or hashlib.sha256(text.encode()).hexdigest(),
        block_segments=by_index,
        meta_lines=lines,
    )


def load_article(file: Path, root: Path) -> Article:
    """Load ``source/articles/<slug>.md``: symlinks out of the project are refused."""
    shown = relpath(file, root)
    if not inside(file, root):
        raise I18nError("file points outside the project (symlink?)", shown)
    size = file.stat().st_size
    if size > MAX_ARTICLE_BYTES:  # refused before reading: memory stays bounded
        raise I18nError(
            f"file is too large for an article ({size / 1e6:.1f} MB; at most "
            f"{MAX_ARTICLE_BYTES / 1e6:g} MB)",
            shown,
        )
    text = read_text(file, shown)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return parse_article(text, shown, stem=file.stem, source_hash=digest)


MARKDOWN_SUFFIXES = (".md", ".markdown")


def article_files(root: Path) -> list[Path]:
    """Markdown files of ``source/articles`` (``.md``; ``.markdown`` and upper-case suffixes
    too, so that such a file is checked, never silently skipped)."""
    folder = root / "source" / "articles"
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in MARKDOWN_SUFFIXES and not p.name.startswith(".")
    )


def load_articles(root: Path) -> list[Article]:
    """Every article of the project, in slug order; cross-article rules checked."""
    return check_articles([load_article(f, root) for f in article_files(root)])


# --- rendering with translated text -------------------------------------------------------

Lookup = Callable[[str | None, str], str | None]


def _translated_inline(text: str, env: dict[str, Any]) -> list[Token]:
    """Parse a translation as inline Markdown, exactly as the source was parsed (raw HTML is
    recognised, and :func:`_neutralize_html` then turns it into text)."""
    tokens = _MD.parseInline(text, copy.deepcopy(env))
    return tokens[0].children or [] if tokens else []


def _neutralize_html(children: list[Token]) -> Iterator[Token]:
    """Raw inline HTML becomes the text it is (a tag wrapped in the source on one line)."""
    for child in children:
        if child.type == "html_inline":
            yield Token("text", "", 0, content=_NEWLINE_RUN.sub(" ", child.content))
        else:
            yield child


def translate_tokens(article: Article, lookup: Lookup) -> list[Token]:
    """A copy of the article's tokens with each segment's inline text replaced by
    ``lookup(msgctxt, msgid)`` (None keeps the source text, normalized like the msgid)."""
    out: list[Token] = []
    for i, tok in enumerate(article.tokens):
        if tok.type == "html_block":
            continue  # comments and raw HTML never reach a page
        seg = article.block_segments.get(i)
        new = copy.copy(tok)
        if seg is None:
            if tok.children:
                new.children = list(_neutralize_html(tok.children))
            out.append(new)
            continue
        text = lookup(seg.msgctxt, seg.msgid)
        if text is None:
            text = seg.msgid
        if seg.kind == "image alt text":
            source_image = _image_only(tok)
            assert source_image is not None
            image = copy.copy(source_image)
            image.children = _translated_inline(text, article.env)
            image.content = text
            new.children = [image if c is source_image else c for c in tok.children or []]
        else:
            new.children = list(_neutralize_html(_translated_inline(text, article.env)))
            new.content = text
        out.append(new)
    return out


def render_body(article: Article, lookup: Lookup | None = None) -> str:
    """HTML of the article body with translations from ``lookup`` (identity when None)."""
    tokens = translate_tokens(article, lookup or (lambda ctx, msgid: None))
    return _MD.renderer.render(tokens, _MD.options, article.env)


def render_source_html(article: Article) -> str:
    """HTML of the untouched source tokens (the oracle for the round-trip invariant)."""
    tokens = [t for t in article.tokens if t.type != "html_block"]
    for i, tok in enumerate(tokens):
        if tok.children:
            tokens[i] = copy.copy(tok)
            tokens[i].children = list(_neutralize_html(tok.children))
    return _MD.renderer.render(tokens, _MD.options, article.env)


def check_articles(articles: list[Article]) -> list[Article]:
    """The rules across articles (unique slugs, related articles that exist); ``articles``
    back when they hold. Shared by :func:`load_articles` and extraction's parallel loader."""
    seen: dict[str, str] = {}
    for art in articles:
        key = art.slug.casefold()
        if key in seen:
            raise I18nError(f"duplicate slug '{art.slug}' (also in {seen[key]})", art.path, 2)
        seen[key] = art.path
    for art in articles:
        for i, rel in enumerate(art.related):
            if rel not in seen:
                raise I18nError(
                    f"related article '{rel}' does not exist",
                    art.path,
                    art.meta_lines.get(("related", str(i)), 2),
                )
    return articles

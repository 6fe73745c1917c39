"""Canonical English articles: front matter + CommonMark body -> translatable segments.

Segmentation reads markdown-it tokens. Every text block (heading, paragraph, list item,
table cell, block quote, callout, image alt text) becomes one :class:`Segment` whose msgid is the
block's inline Markdown with soft line breaks joined by a space. Rendering re-uses the same
token stream with translated inline text (:func:`render_body`), so block structure never
depends on a translator.

Parsing the body is most of loading an article, and a render reads the bodies of the articles
of the locales it plans only. :func:`load_articles` with a record (:func:`article_record`)
reads and checks every front matter, but parses a body only when the record vouches for
no earlier check of the same bytes; the other bodies are parsed when first used
(:attr:`Article.tokens`, :attr:`Article.segments`). The record maps each source's SHA-256 to
what a page's fingerprint reads of the body besides its texts (its number of segments and
its callouts' kinds), and it is **sealed** with this machine's cache key
(:mod:`i18n.formats.localkey`): one that is forged, edited or another machine's vouches for
nothing, and every body is parsed and checked, as without a record. So a malformed article
always stops a command that loads the articles, naming its file and line.

>>> art = parse_article("---\\nslug: a\\ntitle: Hello\\n---\\nOne\\nline.\\n", "a.md")
>>> [(s.msgctxt, s.msgid, s.line) for s in art.segments]
[('title', 'Hello', 3), (None, 'One line.', 5)]
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import html.parser
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from i18n.errors import I18nError
from i18n.formats.fs import inside, read_text, relpath
from i18n.formats.links import link_hosts
from i18n.formats.markdown import (
    MD,
    callout_kind,
    image_only,
    is_comment,
    join_soft_breaks,
    one_line_title,
)
from i18n.formats.runcache import RunRecord, code_key
from i18n.formats.yamlfile import load_yaml_mapping
from i18n.model.article import (
    CALLOUT_LABELS,
    DESCRIPTION_MAX,
    IMAGE_TITLE,
    LINK_TITLE,
    PRODUCT_RE,
    RESERVED_SLUGS,
    SLUG_RE,
    Article,
    ArticleBody,
    BodySummary,
    Segment,
)

NOTE_RE = re.compile(r"^<!--\s*i18n:\s*(.*?)\s*-->\s*$", re.DOTALL)
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
    "safety_update": (dt.date, str),
    "extra": dict,  # other tools' keys (MkDocs, Hugo, pandoc...), kept as they are, never used
}
REQUIRED = ("slug", "title")


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
    end = re.search(r"^(---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        raise I18nError("front matter is not closed by a '---' line", path, 1)
    if end.group(1) == "...":
        raise I18nError(
            "front matter is closed by '...' (YAML's end of document, as some tools write "
            "it): close it with a '---' line",
            path,
            text.count("\n", 0, 4 + end.start()) + 1,
        )
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
    unknown = [key for key in meta if key not in FIELDS]
    if unknown:
        raise _unknown_keys(unknown, lines, path)
    for key, value in meta.items():
        line = lines.get((str(key),), 2)
        want = FIELDS[key]
        if value is None:
            continue
        if not isinstance(value, want) or isinstance(value, bool):
            types = (want,) if isinstance(want, type) else want
            names = " or ".join(t.__name__ for t in types)
            found = type(value).__name__
            raise I18nError(f"front-matter key '{key}' must be {names}, found {found}", path, line)
        if key in ("date", "updated", "safety_update") and isinstance(value, str):
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


def _unknown_keys(unknown: list[Any], lines: dict[tuple[str, ...], int], path: str) -> I18nError:
    """One error for every unknown key of a front matter: the first one's line, each key's
    line, a close known key where there is one, and where another tool's keys may go."""
    where = [lines.get((str(key),), 2) for key in unknown]
    named = ", ".join(
        f"'{key}'" + (f" (line {line})" if len(unknown) > 1 else "")
        for key, line in zip(unknown, where, strict=True)
    )
    close = difflib.get_close_matches(str(unknown[0]), list(FIELDS), n=1)
    hint = f"did you mean '{close[0]}'? " if len(unknown) == 1 and close else ""
    plural = "s" if len(unknown) > 1 else ""
    return I18nError(
        f"unknown front-matter key{plural} {named} ({hint}known: {', '.join(FIELDS)}); keep "
        "another tool's keys under 'extra:'",
        path,
        min(where),
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
        elif tok.type == "alert_open":
            parts.append(f"callout ({callout_kind(tok)})")
        elif tok.type == "list_item_open" and "list item" not in parts:
            parts.append("list item")
    if close_tag.startswith("h") and close_tag[1:].isdigit():
        parts.append(f"heading {close_tag[1:]}")
    elif close_tag == "th":
        parts.append("table header cell")
    elif close_tag == "td":
        parts.append("table cell")
    elif not parts or parts[-1] == "block quote" or parts[-1].startswith("callout"):
        parts.append("paragraph")
    return ", ".join(parts)


def segment_body(
    tokens: list[Token], body_line: int, env: dict[str, Any] | None = None
) -> tuple[list[Segment], dict[int, Segment]]:
    """Segments of a markdown-it token stream; ``body_line`` is the file line of token line 0,
    ``env`` the parse's environment (its link references)."""
    segs: list[Segment] = []
    by_index: dict[int, Segment] = {}
    stack: list[Token] = []
    pending_notes: list[str] = []
    refs: dict[str, dict[str, Any]] = (env or {}).get("references") or {}
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
        if parent is not None and parent.type == "alert_title_open":
            continue  # a callout's label: a site string (see CALLOUT_LABELS), not the article's
        tag = parent.tag if parent is not None else "p"
        kind = _kind(stack[:-1] if parent is not None else stack, tag)
        image = image_only(tok)
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
        title = image.attrGet("title") if image is not None else None
        if title and all(title != r.get("title") for r in refs.values()):  # else a link title
            segs += _title_segments(IMAGE_TITLE, title, "image title", line)
    for label, ref in refs.items():
        where = f"link title of the reference definition [{label.lower()}]"
        line = body_line + (ref.get("map") or [0])[0]
        segs += _title_segments(LINK_TITLE, ref.get("title"), where, line)
    return segs, by_index


# --- raw HTML: refused, except comments -------------------------------------------------------
#
# Pages never render raw HTML (translator text is data), so HTML in a source would be dropped
# or shown as text. Rather than lose it silently, extraction refuses it, naming the line and
# the Markdown to write instead. HTML comments are the exception: never shown, left out of the
# msgids, and ``<!-- i18n: ... -->`` above a block is a note for translators.

# The start of every refusal of a body (docs/authors.md names each): what tests and the
# fidelity bench count refusals by.
REFUSALS = (
    "inline HTML",
    "HTML block swallows Markdown",
    "HTML block with visible text",
    "HTML block with an image",
    "HTML block",
    "the article body is empty",
)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_INSTEAD = {
    "kbd": "write keys as code: `Ctrl+C`",
    "sup": "write the character itself (m², 10³) or words",
    "sub": "write the character itself (H₂O, SpO₂) or words",
    "abbr": "spell the term out where it first appears: deep vein thrombosis (DVT)",
    "br": "end the line with a backslash '\\' for a line break",
    "b": "use **bold**",
    "strong": "use **bold**",
    "i": "use *italic*",
    "em": "use *italic*",
    "a": "use [text](https://…)",
    "img": "use ![what the image shows](/images/<file>) on a line of its own",
}
_ANY_TAG = "use Markdown, or write '\\<' where '<' is meant as text"


_COMMENT = re.compile(r"<!--(?:>|->|.*?-->)", re.DOTALL)  # CommonMark 0.31's comment
# HTML blocks that end at the first blank line (CommonMark's types 6 and 7), unlike <pre>,
# <script>, <style>, <textarea>, comments, <?...?>, <!...> and <![CDATA[...]]>
_UNTIL_BLANK_LINE = re.compile(r"[ ]{0,3}<(?!(?:pre|script|style|textarea)(?:[\s>]|$)|[!?])", re.I)


class _Visible(html.parser.HTMLParser):
    """The text (and the line of its first letter, 1-based) and images an HTML fragment
    would show."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text_lines: list[int] = []
        self.images = 0
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.images += tag in ("img", "picture", "svg", "video")

    def handle_data(self, data: str) -> None:
        if self.lasttag in ("script", "style"):
            return  # code, not text
        line = self.getpos()[0]
        for i, part in enumerate(data.split("\n")):
            if part.strip():
                self.text_lines.append(line + i)


def _html_block_error(tok: Token, line: int, path: str) -> I18nError | None:
    """Why an HTML block is refused (None: comments only, left out of the page)."""
    content = tok.content
    if is_comment(tok):
        if "-->" not in content:
            return I18nError(
                "HTML comment is not closed: everything below it would be hidden; "
                "close it with '-->'",
                path,
                line,
            )
        if not _COMMENT.sub("", content).strip():
            return None
    first = content.split("\n", 1)[0].strip()
    seen = _Visible(_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), content))
    lines = content.split("\n")
    # a line of text below the tag line that is no HTML itself: Markdown, in the author's mind
    swallowed = next((n for n in seen.text_lines if n > 1 and lines[n - 1].lstrip()[:1] != "<"), 0)
    if swallowed and _UNTIL_BLANK_LINE.match(content):
        shown = lines[swallowed - 1].strip()
        return I18nError(
            f"HTML block swallows Markdown: in CommonMark the lines after {first[:40]!r} up "
            "to the next blank line are raw HTML, and pages never show raw HTML, so "
            f"{shown[:40]!r} would be lost; put a blank line after the tag line, or better, "
            "leave the HTML out",
            path,
            line + swallowed - 1,
        )
    if seen.images:
        return I18nError(
            "HTML block with an image: pages never show raw HTML, so the image would be "
            "lost; use ![what the image shows](/images/<file>) on a line of its own",
            path,
            line,
        )
    if seen.text_lines:
        return I18nError(
            "HTML block with visible text: pages never show raw HTML, so the text would be "
            "lost; write it in Markdown",
            path,
            line + seen.text_lines[0] - 1,
        )
    return I18nError(
        f"HTML block {first[:40]!r}: pages never show raw HTML, so it would be dropped; "
        "leave it out and write the content in Markdown",
        path,
        line,
    )


def _inline_html(children: Sequence[Token]) -> Token | None:
    """The first raw HTML of inline tokens that is not a comment (in image descriptions too)."""
    for child in children:
        if child.type == "html_inline" and not is_comment(child):
            return child
        found = _inline_html(child.children or []) if child.type == "image" else None
        if found is not None:
            return found
    return None


# --- callouts: one syntax, GitHub's ------------------------------------------------------------
#
# Other tools' admonitions (MkDocs ``!!! note``, MyST ```` ```{note} ````, ``:::note``) are
# code or plain text in CommonMark: their text would stay English on every page, unflagged.
# Extraction refuses them, and a ``[!KIND]`` marker that markdown-it does not read as a callout.

_CALLOUT_MARKERS = ", ".join(f"[!{kind.upper()}]" for kind in CALLOUT_LABELS)
_OTHER_ADMONITION = re.compile(r"(!!!|\?\?\?\+?|:{3,})[ \t]*\{?([A-Za-z][\w-]*)")
_MYST_ADMONITION = re.compile(
    r"\{(note|tip|hint|important|warning|attention|caution|danger|error|admonition|seealso)\}"
)
_MARKER = re.compile(r"\[!([A-Za-z]+)\]")
_AS_KIND = {"hint": "tip", "attention": "warning", "danger": "caution", "error": "caution"}


def _write_callout(name: str) -> str:
    kind = name.lower() if name.lower() in CALLOUT_LABELS else _AS_KIND.get(name.lower(), "note")
    return (
        f"write a callout: '> [!{kind.upper()}]' on a line of its own and its text on the "
        f"lines below, each starting with '> ' (kinds: {_CALLOUT_MARKERS})"
    )


def _callout_error(tokens: list[Token], i: int, line: int, path: str) -> I18nError | None:
    """Why ``tokens[i]`` is refused as a callout that would not show as one, or None."""
    tok = tokens[i]
    after = tokens[i + 1 : i + 5]
    if tok.type == "alert_open" and len(after) == 4 and after[3].type == "alert_close":
        kind = callout_kind(tok).upper()
        return I18nError(
            f"callout '[!{kind}]' has no text: write it on the lines below the marker, each "
            "starting with '> '",
            path,
            line,
        )
    if tok.type == "fence":
        myst = _MYST_ADMONITION.match(tok.info.strip())
        if myst:
            return I18nError(
                f"MyST admonition '{{{myst.group(1)}}}' is a code block in CommonMark, so its "
                f"text would stay English on every page; {_write_callout(myst.group(1))}",
                path,
                line,
            )
    if tok.type != "paragraph_open" or i + 1 >= len(tokens):
        return None
    text = tokens[i + 1].content
    other = _OTHER_ADMONITION.match(text)
    if other:
        return I18nError(
            f"admonition {other.group(0)!r} (MkDocs, MyST or Docusaurus syntax) is plain text or "
            "code in CommonMark, so its text would stay English on every page; "
            f"{_write_callout(other.group(2))}",
            path,
            line,
        )
    marker = _MARKER.match(text)
    if marker and i > 0 and tokens[i - 1].type == "blockquote_open":
        name = marker.group(1)
        if name.lower() in CALLOUT_LABELS:
            return I18nError(
                f"callout marker '[!{name.upper()}]' must stand alone on its line: put the "
                "text on the lines below it, each starting with '> '",
                path,
                line,
            )
        return I18nError(
            f"unknown callout kind '[!{name}]': {_write_callout(name)}",
            path,
            line,
        )
    return None


def check_body(tokens: list[Token], body_line: int, env: dict[str, Any], path: str) -> None:
    """Refuse what a page would not show as written: raw HTML (comments aside), a comment
    whose removal changes a block, another tool's admonition or a callout that is none,
    and a body that shows nothing."""
    for index, tok in enumerate(tokens):
        line = body_line + (tok.map[0] if tok.map else 0)
        callout = _callout_error(tokens, index, line, path)
        if callout is not None:
            raise callout
        if tok.type == "html_block":
            error = _html_block_error(tok, line, path)
            if error is not None:
                raise error
            continue
        if tok.type != "inline":
            continue
        raw = _inline_html(tok.children or [])
        if raw is not None:
            tag = _TAG_NAME.match(raw.content)
            name = tag.group(1).lower() if tag else ""
            shown = " ".join(raw.content.split())
            at = tok.content.find(raw.content)
            raise I18nError(
                f"inline HTML {shown[:40]!r}: pages never show raw HTML (it would show as "
                f"text); {_INSTEAD.get(name, _ANY_TAG)}",
                path,
                line + tok.content.count("\n", 0, max(at, 0)),
            )
        if "<!--" in tok.content:
            try:
                join_soft_breaks(tok.content.strip(), env)
            except ValueError:
                raise I18nError(
                    "HTML comment inside a block changes how the Markdown around it reads; "
                    "put the comment on a line of its own",
                    path,
                    line,
                ) from None
    if all(tok.type == "html_block" for tok in tokens):
        raise I18nError(
            "the article body is empty: the page would show only the title; write the "
            "article's text below the front matter",
            path,
            body_line - 1,
        )


def _title_segments(msgctxt: str, title: Any, kind: str, line: int) -> list[Segment]:
    """A link or image title that no block's msgid holds (a reference definition's, an image
    shown alone): its own entry, one line as the page shows it (:func:`one_line_title`)."""
    if not isinstance(title, str) or not _has_letters(title):
        return []
    return [Segment(one_line_title(title), msgctxt, kind, line)]


# Characters that Python's str.splitlines() (and so polib) takes for line ends but Markdown,
# YAML's "\n" and GNU gettext do not: in a msgid, the catalog would never read back as written.
_LINE_ENDS_ELSEWHERE = re.compile("[\x1c\x1d\x1e\x85\u2028\u2029]")


def _refuse_odd_line_ends(text: str, path: str) -> None:
    r"""An article with U+2028, U+2029, U+0085 or U+001C-U+001E is refused naming the line.

    >>> _refuse_odd_line_ends("---\nslug: a\n---\nOne\u2028two\n", "a.md")
    Traceback (most recent call last):
    ...
    i18n.errors.I18nError: a.md:4: U+2028 LINE SEPARATOR: catalogs cannot keep it; ...
    """
    found = _LINE_ENDS_ELSEWHERE.search(text)
    if found:
        char = found.group()
        name = unicodedata.name(char, "") or {"\x85": "NEXT LINE"}.get(char, "CONTROL")
        raise I18nError(
            f"U+{ord(char):04X} {name}: catalogs cannot keep it; end the line or use a space",
            path,
            text.count("\n", 0, found.start()) + 1,
        )


# Bodies parsed in this process (their paths, in order): what tests count to show that a
# render parses only what it uses.
PARSED: list[str] = []


def parse_article(text: str, path: str, stem: str | None = None, source_hash: str = "") -> Article:
    """Parse one article's text; ``stem`` (the file name) must then equal the slug."""
    article = read_front_matter(text, path, stem, source_hash)
    article.parsed()
    return article


def read_front_matter(
    text: str, path: str, stem: str | None = None, source_hash: str = ""
) -> Article:
    """The article of ``text`` with its front matter read and checked; its body is parsed
    (and checked) when first used."""
    _refuse_odd_line_ends(text, path)
    fm, body, body_line = split_front_matter(text, path)
    meta, lines = load_yaml_mapping(fm, path, line_offset=1)
    _validate_meta(meta, lines, path, stem)

    front = _front_matter_segments(meta, lines)

    def parse() -> ArticleBody:
        return _parse_body(body, body_line, path, front)

    return Article(
        slug=meta["slug"],
        path=path,
        meta=meta,
        source_hash=source_hash or hashlib.sha256(text.encode()).hexdigest(),
        meta_lines=lines,
        parse=parse,
        front=front,
    )


def _parse_body(body: str, body_line: int, path: str, front: list[Segment]) -> ArticleBody:
    PARSED.append(path)
    env: dict[str, Any] = {}
    tokens = MD.parse(body, env)
    check_body(tokens, body_line, env, path)
    body_segs, by_index = segment_body(tokens, body_line, env)
    callouts = tuple(callout_kind(tok) for tok in tokens if tok.type == "alert_open")
    segments = front + body_segs
    hosts = link_hosts((s.msgid for s in segments), env)
    return ArticleBody(tokens, env, segments, by_index, callouts, hosts)


def load_article(file: Path, root: Path, record: RunRecord | None = None) -> Article:
    """Load ``source/articles/<slug>.md``: symlinks out of the project are refused. With a
    ``record`` that vouches for these bytes, the body is parsed when first used; else now."""
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
    article = read_front_matter(text, shown, stem=file.stem, source_hash=digest)
    known = _summary(record.entries.get(digest)) if record is not None else None
    if known is not None:
        article.known = known  # checked before with this code: parsed when used
    else:
        article.parsed()
    return article


def _summary(entry: object) -> BodySummary | None:
    """A record's entry ``[segments, [callout kinds], [link hosts]]``, or None when it is
    not one."""
    if not (isinstance(entry, list) and len(entry) == 3):
        return None
    count, callouts, hosts = entry
    if type(count) is not int or count < 0 or not isinstance(callouts, list):
        return None
    if not all(isinstance(kind, str) and kind in CALLOUT_LABELS for kind in callouts):
        return None
    if not (isinstance(hosts, list) and all(isinstance(h, str) and h for h in hosts)):
        return None
    return BodySummary(count, tuple(callouts), tuple(hosts))


# The record of the article bodies checked: source SHA-256 -> [number of segments (the
# front matter's included), [the kinds of its callouts], [the hosts its links reach]].
RECORD_NAME = "articles.json"
RECORD_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pyyaml")


def article_record(root: Path, cache_dir: Path) -> RunRecord:
    """The sealed record of the bodies checked by earlier runs (empty when it cannot be
    trusted, and never written without this machine's cache key)."""
    key = code_key("article bodies", RECORD_LIBRARIES)
    return RunRecord.load_sealed(cache_dir / RECORD_NAME, key, root)


def keep_checked(record: RunRecord, articles: list[Article]) -> None:
    """Vouch in ``record`` for the bodies of ``articles`` (all checked once loaded by
    :func:`load_articles`), and for no other: written only when that changes it."""
    entries = {}
    for article in articles:
        summary = article.summary()
        entries[article.source_hash] = [
            summary.count,
            list(summary.callouts),
            list(summary.hosts),
        ]
    if entries != record.entries:
        record.save(entries)


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


def load_articles(root: Path, record: RunRecord | None = None) -> list[Article]:
    """Every article of the project, in slug order, its front matter checked and its body
    checked now or by an earlier run (``record``); cross-article rules checked."""
    return check_articles([load_article(f, root, record) for f in article_files(root)])


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

"""POT/PO catalogs: extract, update with msgmerge semantics, read, write, statistics.

This is the only module that reads or writes PO files. Output is deterministic: the same
input gives byte-identical files, and a file whose content would not change is not rewritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import os
import re
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib
from babel import Locale
from babel.messages.plurals import get_plural
from rapidfuzz import fuzz, process

from .errors import I18nError
from .files import atomic_write, read_text
from .project import Project, normalize_locale

if TYPE_CHECKING:  # imported where used, so that `i18n update` does not load the parsers
    from .articles import Article, Segment
    from .review import Ledger

SITE_DOMAIN = "site"
WRAP = 79  # GNU gettext's default page width
HEADER_ORDER = (
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)
JINJA_EXTENSIONS = ["jinja2.ext.i18n"]


# --- reading and writing ------------------------------------------------------------------


_PO_STRING = r'"(?:[^"\\]|\\(?:[abfnrtv\\"\'?]|[0-7]{1,3}|x[0-9A-Fa-f]+))*"'
_PO_LINE = re.compile(
    rf"(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])[ \t]*)?{_PO_STRING}"
    rf"(?:[ \t]*{_PO_STRING})*[ \t]*"
)


# A whole file of lines that the line-by-line check below accepts: comments, keywords with
# complete strings (also after "#~", "#~|" or "#|"), blank lines; only spaces and tabs as white
# space. A file this matches is valid; anything else is checked line by line (and may still be
# valid, e.g. with other white space), so the result is always the line-by-line one.
_FAST_STRING = r'"[^"\\\n]*(?:\\(?:[abfnrtv\\"\'?]|[0-7]{1,3}|x[0-9A-Fa-f]+)[^"\\\n]*)*"'
_FAST_PO_LINE = (  # _PO_LINE with its strings written as "unrolled loops" (the same language)
    rf"(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])[ \t]*)?{_FAST_STRING}"
    rf"(?:[ \t]*{_FAST_STRING})*[ \t]*"
)
_VALID_LINE = rf"[ \t]*(?:#(?![~|])[^\n]*|(?:(?:#~|#\|)[ \t]*(?:\|[ \t]*)?)?(?:{_FAST_PO_LINE})?)"
_VALID_FILE = re.compile(rf"{_VALID_LINE}(?:\n{_VALID_LINE})*")


def _check_syntax(text: str, shown: str) -> None:
    """Refuse what GNU gettext refuses but polib lets through (a string never closed, an
    unknown escape, a stray word), so a broken file is never rewritten from a partial parse.

    >>> _check_syntax('msgid "a"\\nmsgstr "b\\\\q"\\n', "x.po")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    i18n.errors.I18nError: x.po:2: broken PO file: not a keyword and a complete "string": ...
    """
    if _VALID_FILE.fullmatch(text):
        return
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if line.startswith(("#~", "#|")):
            line = line[2:].lstrip()
            if line.startswith("|"):  # "#~|": previous msgid of an obsolete entry
                line = line[1:].lstrip()
        elif line.startswith("#"):
            continue  # translator, extracted, reference and flag comments: free text
        if line and not _PO_LINE.fullmatch(line):
            raise I18nError(
                f'broken PO file: not a keyword and a complete "string": {raw.strip()!r}',
                shown,
                number,
            )


def _check_entries(po: polib.POFile, shown: str) -> None:
    seen: dict[tuple[str | None, str], int] = {}
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgstr_plural and not entry.msgid_plural:
            raise I18nError("broken PO file: msgstr[n] without msgid_plural", shown, entry.linenum)
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise I18nError(
                f"broken PO file: duplicate message definition (first at line {seen[key]})",
                shown,
                entry.linenum,
            )
        seen[key] = entry.linenum


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while tens of thousands of entries are built: they
    hold no cycles, and the collector's passes over them cost a fifth of a large merge."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_po(path: Path, shown: str | None = None) -> polib.POFile:
    """Parse a PO/POT file; syntax and encoding errors name the file and line."""
    shown = shown or str(path)
    try:
        text = read_text(path, shown)
    except I18nError as exc:
        if not exc.message.startswith("not valid UTF-8"):
            raise
        declared = re.search(rb"charset=([A-Za-z0-9_.:-]+)", path.read_bytes()[:4096])
        charset = declared.group(1).decode("ascii") if declared else ""
        if charset.lower().replace("-", "") in ("", "utf8"):
            raise
        raise I18nError(
            f"{exc.message}: catalogs must be UTF-8 and this one declares charset={charset}; "
            "convert it with: msgconv --to-code=UTF-8",
            shown,
            exc.line,
        ) from None
    _check_syntax(text, shown)
    try:
        with _gc_paused():
            po = parse_po(text)
    except (OSError, ValueError) as exc:
        msg = str(exc)
        m = re.search(r"\(line (\d+)\)", msg)
        line = int(m.group(1)) if m else None
        msg = re.sub(r"\s*\(line \d+\)", "", msg)
        raise I18nError(f"broken PO file: {msg}", shown, line) from None
    _check_entries(po, shown)
    _check_plurals(po, shown, text)
    return po


def _check_plurals(po: polib.POFile, shown: str, text: str) -> None:
    header = po.metadata.get("Plural-Forms", "")
    m = re.search(r"nplurals\s*=\s*(\d+)", header)
    if not m:
        return
    nplurals = int(m.group(1))
    lang = po.metadata.get("Language", "").strip()
    if lang:
        try:
            expected = get_plural(normalize_locale(lang)).num_plurals
        except I18nError:
            raise I18nError(f"header declares unknown Language {lang!r}", shown, 1) from None
        if expected != nplurals:
            raise I18nError(
                f"header declares nplurals={nplurals}, "
                f"but {lang} has {expected} plural forms (CLDR)",
                shown,
                _line_of(text, "Plural-Forms"),
            )
    for entry in po:
        live_plural = entry.msgid_plural and not entry.obsolete and entry.msgstr_plural
        if live_plural and len(entry.msgstr_plural) != nplurals:
            raise I18nError(
                f"entry has {len(entry.msgstr_plural)} plural forms, header says {nplurals}",
                shown,
                entry.linenum,
            )


def _line_of(text: str, needle: str) -> int | None:
    idx = text.find(needle)
    return text.count("\n", 0, idx) + 1 if idx >= 0 else None


def po_text(po: polib.POFile) -> str:
    """Serialize deterministically (header fields in GNU order, wrapped like gettext)."""
    po.wrapwidth = WRAP
    ordered = {k: po.metadata[k] for k in HEADER_ORDER if k in po.metadata}
    ordered.update({k: v for k, v in sorted(po.metadata.items()) if k not in ordered})
    po.metadata = ordered
    text = po_file_text(po)
    return text if text.endswith("\n") else text + "\n"


def write_po(path: Path, po: polib.POFile) -> bool:
    """Write atomically; False when the file already holds these bytes."""
    return atomic_write(path, po_text(po))


# --- polib's reading and writing, faster ------------------------------------------------
#
# parse_po and po_file_text give exactly what polib.pofile(text) and str(po) give (the same
# entries, attributes and bytes; tests/test_po_speed.py compares them on every catalog of
# the project and on generated files): the same state machine and the same wrapping, with
# the common cases (a short one-line string, nothing to escape) taken without polib's
# per-line regular expressions and textwrap. Catalogs of tens of thousands of entries are
# read and written about three times faster (bench/README.md).

_ALL_STATES = ["st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi"]
_TRANSITIONS: dict[tuple[str, str], str] = {}
for _symbol, _states, _next in (  # polib's _POFileParser transitions, in its order
    ("tc", ["st", "he"], "he"),
    ("tc", ["gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mp", "mx", "mi"], "tc"),
    ("gc", _ALL_STATES, "gc"),
    ("oc", _ALL_STATES, "oc"),
    ("fl", _ALL_STATES, "fl"),
    ("pc", _ALL_STATES, "pc"),
    ("pm", _ALL_STATES, "pm"),
    ("pp", _ALL_STATES, "pp"),
    ("ct", ["st", "he", "gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mx"], "ct"),
    ("mi", ["st", "he", "gc", "oc", "fl", "ct", "tc", "pc", "pm", "pp", "ms", "mx"], "mi"),
    ("mp", ["tc", "gc", "pc", "pm", "pp", "mi"], "mp"),
    ("ms", ["mi", "mp", "tc"], "ms"),
    ("mx", ["mi", "mx", "mp", "tc"], "mx"),
    ("mc", ["ct", "mi", "mp", "ms", "mx", "pm", "pp", "pc"], "mc"),
):
    for _state in _states:
        _TRANSITIONS[(_symbol, _state)] = _next
_KEYWORDS = {"msgctxt": "ct", "msgid": "mi", "msgstr": "ms", "msgid_plural": "mp"}
_PREV_KEYWORDS = {"msgid_plural": "pp", "msgid": "pm", "msgctxt": "pc"}
_UNESCAPED_QUOTE = re.compile(r'([^\\]|^)"')
_ESCAPE_SEQ = re.compile(r'\\(\\|n|t|r|v|b|f|")')
_UNESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "v": "\v",
    "b": "\b",
    "f": "\f",
    "\\": "\\",
    '"': '"',
}
_MULTILINE_ENDS = ("mc", "ms", "mx")


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE_SEQ.sub(lambda m: _UNESCAPES[m.group(1)], text)


_ENTRY_FIELDS = {
    "msgid": "",
    "msgstr": "",
    "msgid_plural": "",
    "msgctxt": None,
    "obsolete": False,
    "encoding": polib.default_encoding,
    "comment": "",
    "tcomment": "",
    "previous_msgctxt": None,
    "previous_msgid": None,
    "previous_msgid_plural": None,
}


def _new_entry(linenum: int) -> polib.POEntry:
    """``polib.POEntry(linenum=linenum)``, without its keyword-argument lookups."""
    entry = polib.POEntry.__new__(polib.POEntry)
    fields = _ENTRY_FIELDS.copy()
    fields["msgstr_plural"] = {}
    fields["occurrences"] = []
    fields["flags"] = []
    fields["linenum"] = linenum
    entry.__dict__ = fields
    return entry


# Lines whose first token and symbol are known from their start (after strip()): the
# keyword is followed by a space and a quote, so split() would give the same first token.
_QUICK = {
    'msgid "': ("msgid", "mi"),
    'msgstr "': ("msgstr", "ms"),
    'msgctxt "': ("msgctxt", "ct"),
    'msgid_plural "': ("msgid_plural", "mp"),
}
# A handler that starts a new entry when the previous one ended with a string (polib's
# ``if self.current_state in ['mc', 'ms', 'mx']``; the state is never 'mc').
_STARTS_ENTRY = frozenset({"tc", "gc", "oc", "fl", "pp", "pm", "pc", "ct", "mi"})


def parse_po(text: str) -> polib.POFile:
    """``polib.pofile(text, wrapwidth=WRAP)``, faster: the same state machine, the same
    entries, the same errors (``OSError`` naming the line).

    >>> po = parse_po('msgid ""\\nmsgstr "Language: de\\\\n"\\n\\n'
    ...               '#, fuzzy\\nmsgid "a"\\nmsgstr "b"\\n')
    >>> po.metadata, [(e.msgid, e.msgstr, e.flags, e.linenum) for e in po]
    ({'Language': 'de'}, [('a', 'b', ['fuzzy'], 4)])
    """
    po = polib.POFile(pofile=text, encoding=polib.detect_encoding(text), check_for_duplicates=False)
    append = list.append  # POFile.append checks duplicates only when asked to
    transitions = _TRANSITIONS
    quick = _QUICK
    entry = _new_entry(0)
    state = "st"
    msgstr_index = 0
    last_is_comment = True  # polib's final check on the last line's first token
    number = 0

    def fail(suffix: str = "") -> OSError:
        return OSError(f"Syntax error in po file (line {number}){suffix}")

    for line in text.splitlines():
        number += 1
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        line = line.strip()
        if not line:
            continue
        head = line[:1]
        if head == '"':  # a continuation line: the most common kind
            last_is_comment = False
            inner = line[1:-1]
            if '"' in inner and _UNESCAPED_QUOTE.search(inner):
                raise fail(": unescaped double quote found")
            token, symbol = line, "mc"
        elif head == "m" and line[: line.find('"') + 1] in quick:
            last_is_comment = False
            first, symbol = quick[line[: line.find('"') + 1]]
            token = line[len(first) + 1 :]
            inner = token[1:-1]
            if '"' in inner and _UNESCAPED_QUOTE.search(inner):
                raise fail(": unescaped double quote found")
        elif head == "#" and line[1:3] in (": ", ", ", ". "):
            last_is_comment = True
            token, symbol = line, {":": "oc", ",": "fl", ".": "gc"}[line[1]]
        else:
            tokens = line.split(None, 2)
            first = tokens[0]
            if first == "#~|":
                last_is_comment = True
                continue
            obsolete = 0
            if first == "#~" and len(tokens) > 1:
                line = line[3:].strip()
                tokens = tokens[1:]
                first = tokens[0]
                obsolete = 1
            last_is_comment = first.startswith("#")
            n_tokens = len(tokens)
            if first in _KEYWORDS and n_tokens > 1:
                line = line[len(first) :].lstrip()
                if '"' in line[1:-1] and _UNESCAPED_QUOTE.search(line[1:-1]):
                    raise fail(": unescaped double quote found")
                token, symbol = line, _KEYWORDS[first]
            else:
                token = line
                if first == "#:":
                    if n_tokens <= 1:
                        continue
                    symbol = "oc"
                elif line[:1] == '"':
                    if '"' in line[1:-1] and _UNESCAPED_QUOTE.search(line[1:-1]):
                        raise fail(": unescaped double quote found")
                    symbol = "mc"
                elif line[:7] == "msgstr[":
                    symbol = "mx"
                elif first == "#,":
                    if n_tokens <= 1:
                        continue
                    symbol = "fl"
                elif first == "#" or first.startswith("##"):
                    symbol = "tc"
                elif first == "#.":
                    if n_tokens <= 1:
                        continue
                    symbol = "gc"
                elif first == "#|":
                    if n_tokens <= 1:
                        raise fail()
                    token = line = line[2:].lstrip()
                    if tokens[1].startswith('"'):
                        symbol = "mc"
                    elif n_tokens == 2:
                        raise fail(": invalid continuation line")
                    elif tokens[1] not in _PREV_KEYWORDS:
                        raise fail(f": unknown keyword {tokens[1]}")
                    else:
                        token = line[len(tokens[1]) :].lstrip()
                        symbol = _PREV_KEYWORDS[tokens[1]]
                else:
                    raise fail()
            if symbol == "mi":
                # only a msgid line carries the obsolete mark over to the entry
                target = transitions.get((symbol, state))
                if target is None:
                    raise fail()
                if state in _MULTILINE_ENDS:
                    append(po, entry)
                    entry = _new_entry(number)
                entry.obsolete = obsolete
                try:
                    entry.msgid = _unescape(token[1:-1])
                except Exception:
                    raise fail() from None
                state = target
                continue

        # polib's process(): look up the transition, run its handler
        target = transitions.get((symbol, state))
        if target is None:
            raise fail()
        try:
            if target in _STARTS_ENTRY and state in _MULTILINE_ENDS:
                append(po, entry)
                entry = _new_entry(number)
            if target == "mc":
                value = _unescape(token[1:-1])
                if state == "mi":
                    entry.msgid += value
                elif state == "ms":
                    entry.msgstr += value
                elif state == "ct":
                    entry.msgctxt += value
                elif state == "mp":
                    entry.msgid_plural += value
                elif state == "mx":
                    entry.msgstr_plural[msgstr_index] += value
                elif state == "pp":
                    entry.previous_msgid_plural += value
                elif state == "pm":
                    entry.previous_msgid += value
                elif state == "pc":
                    entry.previous_msgctxt += value
                continue  # a continuation keeps the state
            if target == "mi":  # a msgid found on a quick path: never obsolete
                entry.obsolete = 0
                entry.msgid = _unescape(token[1:-1])
            elif target == "ms":
                entry.msgstr = _unescape(token[1:-1])
            elif target == "oc":
                for occurrence in token[3:].split():
                    path, colon, lineno = occurrence.rpartition(":")
                    if not colon or not lineno.isdigit():
                        path, lineno = occurrence, ""
                    entry.occurrences.append((path, lineno))
            elif target == "fl":
                entry.flags += [c.strip() for c in token[3:].split(",")]
            elif target == "tc":
                comment = token.lstrip("#")
                if comment.startswith(" "):
                    comment = comment[1:]
                entry.tcomment = f"{entry.tcomment}\n{comment}" if entry.tcomment else comment
            elif target == "gc":
                comment = token[3:]
                entry.comment = f"{entry.comment}\n{comment}" if entry.comment else comment
            elif target == "ct":
                entry.msgctxt = _unescape(token[1:-1])
            elif target == "mx":
                index = token[7]
                entry.msgstr_plural[int(index)] = _unescape(token[token.find('"') + 1 : -1])
                msgstr_index = int(index)
            elif target == "mp":
                entry.msgid_plural = _unescape(token[1:-1])
            elif target == "pm":
                entry.previous_msgid = _unescape(token[1:-1])
            elif target == "pc":
                entry.previous_msgctxt = _unescape(token[1:-1])
            elif target == "pp":
                entry.previous_msgid_plural = _unescape(token[1:-1])
            elif target == "he":
                po.header = f"{po.header}\n{token[2:]}" if po.header != "" else token[2:]
        except Exception:
            raise fail() from None
        state = target
    if not last_is_comment:
        append(po, entry)  # the last entry (trailing comments are dropped, as polib does)
    header = po.find("")
    if header:
        po.remove(header)
        po.metadata_is_fuzzy = header.flags
        key = None
        for msg in header.msgstr.splitlines():
            try:
                key, val = msg.split(":", 1)
                po.metadata[key] = val.strip()
            except (ValueError, KeyError):
                if key is not None:
                    po.metadata[key] += "\n" + msg.strip()
    po.wrapwidth = WRAP
    return po


# characters that make polib escape a field or split it into lines (str.splitlines)
_NOT_PLAIN = re.compile('[\\\\"\n\r\t\v\b\f\x1c\x1d\x1e\x85\u2028\u2029]')


_WRAP_SPACE = re.compile(r"([\t\n\x0b\x0c\r ]+)")  # textwrap's (ASCII) white space
_WRAP_SPECIAL = re.compile(r"[-\t\n\x0b\x0c\r]")  # hyphens, and white space textwrap rewrites


def _wrap(text: str, width: int) -> list[str]:
    """``textwrap.wrap(text, width, drop_whitespace=False, break_long_words=False)``.

    Without a hyphen, textwrap's chunks are runs of white space and of other characters, and
    its greedy fill is this loop; text with a hyphen (where textwrap may break inside a word)
    or white space other than spaces (which textwrap rewrites) goes to textwrap itself.
    """
    if width <= 0 or _WRAP_SPECIAL.search(text):
        return textwrap.wrap(text, width, drop_whitespace=False, break_long_words=False)
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for chunk in _WRAP_SPACE.split(text):
        if not chunk:
            continue
        size = len(chunk)
        if used + size <= width:
            line.append(chunk)
            used += size
            continue
        if line:
            lines.append("".join(line))
        if size > width:  # a word longer than the line stands on a line of its own
            lines.append(chunk)
            line, used = [], 0
        else:
            line, used = [chunk], size
    if line:
        lines.append("".join(line))
    return lines


def _field_lines(name: str, delflag: str, index: str, value: str, width: int) -> list[str]:
    """polib's ``_str_field``: one keyword and its string, wrapped as polib wraps it."""
    shown = name[9:] if name.startswith("previous_") else name
    plain = _NOT_PLAIN.search(value) is None  # nothing to escape, a single line
    if plain and (width <= 0 or len(value) <= width - len(name) - 3 - len(index)):
        return [f'{delflag}{shown}{index} "{value}"']
    if plain:
        lines = ["", *_wrap(value, width - 2)]
        return [f'{delflag}{shown}{index} ""', *(f'{delflag}"{line}"' for line in lines[1:])]
    lines = value.splitlines(True)
    if len(lines) > 1:
        lines = ["", *lines]
    else:
        special = sum(value.count(c) for c in '\\\n\r\t\v\b\f"')
        room = width - len(name) - 3 - len(index) + special
        if width > 0 and len(value) > room:
            lines = ["", *(polib.unescape(item) for item in _wrap(polib.escape(value), width - 2))]
        else:
            lines = [value]
    out = [f'{delflag}{shown}{index} "{polib.escape(lines[0])}"']
    out += [f'{delflag}"{polib.escape(line)}"' for line in lines[1:]]
    return out


def _comment_lines(text: str, prefix: str, width: int) -> list[str]:
    out: list[str] = []
    for comment in text.split("\n"):
        if width > 0 and len(comment) + len(prefix) > width:
            out += textwrap.wrap(
                comment,
                width,
                initial_indent=prefix,
                subsequent_indent=prefix,
                break_long_words=False,
            )
        else:
            out.append(prefix + comment)
    return out


def entry_text(entry: polib.POEntry, width: int = WRAP) -> str:
    """``entry.__unicode__(width)``: one entry as polib writes it."""
    ret: list[str] = []
    obsolete = entry.obsolete
    if entry.tcomment:
        ret += _comment_lines(entry.tcomment, "# ", width)
    if not obsolete and entry.comment:
        ret += _comment_lines(entry.comment, "#. ", width)
    if not obsolete and entry.occurrences:
        filestr = " ".join(f"{path}:{line}" if line else path for path, line in entry.occurrences)
        if width > 0 and len(filestr) + 3 > width:
            ret += [
                line.replace("*", "-")
                for line in textwrap.wrap(
                    filestr.replace("-", "*"),
                    width,
                    initial_indent="#: ",
                    subsequent_indent="#: ",
                    break_long_words=False,
                )
            ]
        else:
            ret.append("#: " + filestr)
    if entry.flags:
        ret.append("#, " + ", ".join(entry.flags))
    prefix = "#~| " if obsolete else "#| "
    for name in ("previous_msgctxt", "previous_msgid", "previous_msgid_plural"):
        value = getattr(entry, name)
        if value is not None:
            ret += _field_lines(name, prefix, "", value, width)
    delflag = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        ret += _field_lines("msgctxt", delflag, "", entry.msgctxt, width)
    ret += _field_lines("msgid", delflag, "", entry.msgid, width)
    if entry.msgid_plural:
        ret += _field_lines("msgid_plural", delflag, "", entry.msgid_plural, width)
    if entry.msgstr_plural:
        for index in sorted(entry.msgstr_plural):
            ret += _field_lines("msgstr", delflag, f"[{index}]", entry.msgstr_plural[index], width)
    else:
        ret += _field_lines("msgstr", delflag, "", entry.msgstr, width)
    ret.append("")
    return "\n".join(ret)


def po_file_text(po: polib.POFile) -> str:
    """``str(po)``: the header comment, the header entry, live entries, then obsolete ones."""
    head = []
    for line in po.header.split("\n"):
        if not line:
            head.append("#\n")
        elif line[:1] in (",", ":"):
            head.append(f"#{line}\n")
        else:
            head.append(f"# {line}\n")
    width = po.wrapwidth
    parts = [entry_text(po.metadata_as_entry(), width)]
    parts += [entry_text(e, width) for e in po if not e.obsolete]
    parts += [entry_text(e, width) for e in po if e.obsolete]
    return "".join(head) + "\n".join(parts)


# --- extraction ---------------------------------------------------------------------------


def _creation_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%d %H:%M+0000")


def _pot_header(project: Project, domain: str) -> dict[str, str]:
    return {
        "Project-Id-Version": f"{project.config['project_name']} {domain}",
        "Report-Msgid-Bugs-To": str(project.config.get("bugs_address", "")),
        "POT-Creation-Date": "",
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }


def _add(
    entries: dict[tuple[str | None, str], polib.POEntry],
    msgctxt: str | None,
    msgid: str,
    ref: tuple[str, str],
    comments: Iterable[str],
    flags: Iterable[str] = (),
    msgid_plural: str = "",
) -> None:
    key = (msgctxt, msgid)
    entry = entries.get(key)
    if entry is None:
        entry = polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr="", occurrences=[], flags=[])
        if msgid_plural:
            entry.msgid_plural = msgid_plural
            entry.msgstr_plural = {0: "", 1: ""}
        entry.comment = ""
        entries[key] = entry
    if ref not in entry.occurrences:
        entry.occurrences.append(ref)
    lines = entry.comment.split("\n") if entry.comment else []
    for c in comments:
        if c not in lines:
            lines.append(c)
    entry.comment = "\n".join(lines)
    for f in flags:
        if f not in entry.flags:
            entry.flags.append(f)


def segment_comments(seg: Segment) -> list[str]:
    return [f"type: {seg.kind}", *seg.notes]


def article_pot(project: Project, article: Article) -> polib.POFile:
    """The template of one article: one entry per segment, in source order."""
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    for seg in article.segments:
        _add(
            entries,
            seg.msgctxt,
            seg.msgid,
            (article.path, str(seg.line)),
            segment_comments(seg),
            seg.flags,
        )
    return _make_pot(project, article.slug, entries.values())


def template_files(project: Project) -> list[Path]:
    folder = project.templates_dir
    return sorted(p for p in folder.rglob("*.html") if p.is_file())


def site_pot(project: Project) -> polib.POFile:
    """The template of the site's Jinja2 templates (``{% trans %}`` and ``_()``).

    Jinja2's Babel extractor silently yields nothing for a template it cannot parse, so
    each template is first compiled: a syntax error is an error with its line.
    """
    from jinja2 import Environment, TemplateSyntaxError
    from jinja2.ext import babel_extract

    env = Environment(extensions=JINJA_EXTENSIONS)
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    for file in template_files(project):
        shown = _template_ref(project, file)
        source = read_text(file, shown)
        try:
            env.parse(source)
        except TemplateSyntaxError as exc:
            raise I18nError(f"template syntax error: {exc.message}", shown, exc.lineno) from None
        found = babel_extract(
            io.BytesIO(source.encode("utf-8")),
            ("_", "gettext", "ngettext", "pgettext", "npgettext"),
            ["i18n:", "Translators:"],
            {"extensions": ",".join(JINJA_EXTENSIONS), "trimmed": "true"},
        )
        for lineno, func, message, comments in found:
            ctx, msgid, plural = _jinja_message(func, message)
            if not msgid:
                continue
            flags = ["python-format"] if re.search(r"%\(\w+\)[sd]", msgid + plural) else []
            notes = [c.removeprefix("i18n:").removeprefix("Translators:").strip() for c in comments]
            _add(
                entries,
                ctx,
                msgid,
                (shown, str(lineno)),
                ["type: site template", *notes],
                flags,
                plural,
            )
    return _make_pot(project, SITE_DOMAIN, entries.values())


def _template_ref(project: Project, file: Path) -> str:
    """The reference of a template: the same wherever the project or the package lives
    (the package's own templates are ``i18n/templates/...`` from any project)."""
    from .project import PACKAGE_TEMPLATES

    resolved = file.resolve()
    for base, prefix in ((PACKAGE_TEMPLATES.resolve(), "i18n/templates/"), (project.root, "")):
        try:
            return prefix + resolved.relative_to(base).as_posix()
        except ValueError:
            continue
    return "templates/" + file.relative_to(project.templates_dir).as_posix()


def _jinja_message(func: str, message: object) -> tuple[str | None, str, str]:
    if isinstance(message, str):
        return None, message, ""
    parts = [m for m in message if isinstance(m, str) or m is None]  # type: ignore[union-attr]
    if func in ("pgettext", "npgettext"):
        ctx = parts[0]
        rest = parts[1:]
    else:
        ctx, rest = None, parts
    return ctx, rest[0] or "", (rest[1] or "") if len(rest) > 1 else ""


def _make_pot(project: Project, domain: str, entries: Iterable[polib.POEntry]) -> polib.POFile:
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = (
        f"Translation template for {domain}.\n"
        "Generated by i18n extract from the canonical English source; do not edit."
    )
    pot.metadata = _pot_header(project, domain)
    pot.metadata_is_fuzzy = ["fuzzy"]
    for e in entries:
        pot.append(e)
    return pot


def _with_date(pot: polib.POFile, path: Path) -> polib.POFile:
    """Keep the existing POT-Creation-Date when nothing else changed."""
    old_date = ""
    if path.exists():
        try:
            old = polib.pofile(str(path), wrapwidth=WRAP)
            old_date = old.metadata.get("POT-Creation-Date", "")
        except (OSError, ValueError):
            old_date = ""
        pot.metadata["POT-Creation-Date"] = old_date
        if old_date and po_text(pot) == path.read_text(encoding="utf-8"):
            return pot
    pot.metadata["POT-Creation-Date"] = _creation_date()
    return pot


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def record(self, shown: str, changed: bool) -> None:
        (self.written if changed else self.unchanged).append(shown)


def extract(project: Project) -> WriteReport:
    """Articles and templates -> ``locales/templates/*.pot``. Everything is parsed and
    validated before the first file is written, so bad input changes nothing."""
    with _gc_paused():  # Markdown token trees and POT entries: many acyclic objects
        return _extract(project)


def _extract(project: Project) -> WriteReport:
    from .articles import article_files, load_articles

    files = article_files(project.root)
    if _parallel_workers(len(files)) > 1:
        texts = _article_pot_texts_parallel(project, files)
    else:
        texts = [(a.slug, _pot_text(project, a)) for a in load_articles(project.root)]
    site = site_pot(project)
    texts.append((SITE_DOMAIN, po_text(_with_date(site, project.pot_path(SITE_DOMAIN)))))
    report = WriteReport()
    keep = set()
    for domain, text in texts:
        path = project.pot_path(domain)
        keep.add(path.name)
        report.record(project.rel(path), atomic_write(path, text))
    if project.pot_dir.is_dir():
        for stale in sorted(project.pot_dir.glob("*.pot")):
            if stale.name not in keep:
                stale.unlink()
                report.removed.append(project.rel(stale))
    return report


def _pot_text(project: Project, article: Article) -> str:
    return po_text(_with_date(article_pot(project, article), project.pot_path(article.slug)))


# Parsing Markdown is most of an extraction: with many articles it runs in forked worker
# processes (one per core, as the render does per country), each returning finished POT
# texts and the article without its token stream. Errors are raised in file order, and the
# rules across articles are checked as load_articles checks them, so the result is the same.
_PARALLEL_MIN_ARTICLES = 24
_FORKED_PROJECT: Project | None = None


def _parallel_workers(count: int) -> int:
    import multiprocessing as mp

    if count < _PARALLEL_MIN_ARTICLES or "fork" not in mp.get_all_start_methods():
        return 1
    return min(os.cpu_count() or 1, count // (_PARALLEL_MIN_ARTICLES // 2))


def _load_and_template(files: list[Path]) -> list[tuple[object, str | None]]:
    """In a forked worker: (article without tokens, POT text) or (error fields, None)."""
    import dataclasses

    from .articles import load_article

    project = _FORKED_PROJECT
    assert project is not None
    done: list[tuple[object, str | None]] = []
    for file in files:
        try:
            article = load_article(file, project.root)
            text = _pot_text(project, article)
        except I18nError as exc:
            done.append(((exc.message, exc.path, exc.line), None))
            return done  # later files of this chunk cannot change the first error
        done.append((dataclasses.replace(article, tokens=[], env={}, block_segments={}), text))
    return done


def _article_pot_texts_parallel(project: Project, files: list[Path]) -> list[tuple[str, str]]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from .articles import check_articles

    global _FORKED_PROJECT
    workers = _parallel_workers(len(files))
    size = -(-len(files) // (workers * 4))  # a few chunks per worker, for balance
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    _FORKED_PROJECT = project
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            results = [item for part in pool.map(_load_and_template, chunks) for item in part]
    finally:
        _FORKED_PROJECT = None
    for article, text in results:
        if text is None:
            message, path, line = article  # type: ignore[misc]
            raise I18nError(message, path, line)
    check_articles([a for a, _ in results])  # type: ignore[misc]
    return [(a.slug, text) for a, text in results if text is not None]  # type: ignore[attr-defined]


# --- update (msgmerge semantics) ----------------------------------------------------------


def _key(e: polib.POEntry) -> tuple[str | None, str]:
    return (e.msgctxt, e.msgid)


def _is_translated(e: polib.POEntry) -> bool:
    if e.msgid_plural:
        return any(e.msgstr_plural.values())
    return bool(e.msgstr)


@dataclass
class MergeStats:
    exact: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0


# Below this many (query, choice) pairs, rapidfuzz's extract per query is quicker than
# importing numpy for cdist.
_SMALL_SEARCH = 250_000


def _similar(queries: list[str], choices: list[str], cutoff: float) -> list[tuple[int, int, int]]:
    """``(score, query, choice)`` for every pair whose Indel ratio (``fuzz.ratio``) reaches
    ``cutoff``, the score rounded as ``cdist(dtype="uint8")`` rounds it (what a full cdist
    matrix holds, without computing one).

    A length prefilter skips pairs that cannot reach the cutoff: a ratio of at least c needs
    the shorter text to be at least c/(200-c) of the longer one (for c=70, 54 %). Large
    searches run in rapidfuzz's ``cdist`` (C++, both cores) over length bands of the
    queries, each against the slice of choices of admissible lengths.
    """
    if len(queries) * len(choices) <= _SMALL_SEARCH:
        return _similar_unbanded(queries, choices, cutoff)
    try:
        import numpy as np
    except ImportError:  # cdist needs numpy; without it, search query by query
        return _similar_unbanded(queries, choices, cutoff)
    k = cutoff / (200 - cutoff) * 0.999 if cutoff < 200 else 1.0  # slack for rounding
    by_len = sorted(range(len(choices)), key=lambda j: len(choices[j]))
    lengths = np.array([len(choices[j]) for j in by_len])
    sorted_choices = [choices[j] for j in by_len]
    choice_index = np.array(by_len)
    q_order = sorted(range(len(queries)), key=lambda i: len(queries[i]))
    found = []
    start = 0
    while start < len(q_order):
        shortest = len(queries[q_order[start]])
        stop = start
        while stop < len(q_order) and len(queries[q_order[stop]]) <= max(
            shortest * 1.25, shortest + 4
        ):
            stop += 1
        longest = len(queries[q_order[stop - 1]])
        lo = int(np.searchsorted(lengths, shortest * k, "left"))
        hi = int(np.searchsorted(lengths, longest / k if k else np.inf, "right"))
        if hi > lo:
            band = q_order[start:stop]
            matrix = process.cdist(
                [queries[i] for i in band],
                sorted_choices[lo:hi],
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                dtype="uint8",
                workers=-1,
            )
            rows, cols = matrix.nonzero()
            for r, c, s in zip(
                rows.tolist(),
                (choice_index[lo:hi][cols]).tolist(),
                matrix[rows, cols].tolist(),
                strict=True,
            ):
                found.append((s, band[r], c))
        start = stop
    return found


def _similar_unbanded(
    queries: list[str], choices: list[str], cutoff: float
) -> list[tuple[int, int, int]]:
    found = []
    for qi, text in enumerate(queries):
        for _choice, score, ci in process.extract(
            text, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            rounded = int(score + 0.5)  # as cdist(dtype="uint8") rounds: half up
            if rounded:  # as cdist's nonzero entries: a score rounding to 0 is no match
                found.append((rounded, qi, ci))
    return found


def _fuzzy_pairs(
    queries: list[polib.POEntry], choices: list[polib.POEntry], cutoff: float
) -> list[tuple[int, int]]:
    """Assign each query at most one choice (and each choice at most once), best score first
    (ties: earlier query, then earlier choice)."""
    if not queries or not choices:
        return []
    scored = _similar([e.msgid for e in queries], [e.msgid for e in choices], cutoff)
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs = []
    for _score, r, k in scored:
        if r in used_q or k in used_c:
            continue
        used_q.add(r)
        used_c.add(k)
        pairs.append((r, k))
    return pairs


def merge(
    pot: polib.POFile,
    old: polib.POFile | None,
    locale: str,
    *,
    threshold: float = 70,
    sparse: bool = False,
    stats: MergeStats | None = None,
) -> polib.POFile:
    """Merge a template into a catalog the way ``msgmerge --previous`` does.

    - an entry whose (msgctxt, msgid) is in the old catalog keeps its translation, flags and
      translator comments; references, extracted comments and flags come from the template;
    - a new msgid similar to an old one (same msgctxt) gets the old translation as a fuzzy
      draft with the previous msgid recorded (``#|``);
    - old entries matched by nothing become obsolete (``#~``) when they hold a translation;
    - ``sparse`` (regional catalogs such as de_CH) adds no untranslated entries.
    """
    with _gc_paused():
        return _merge(
            pot, old, locale, threshold, sparse, stats if stats is not None else MergeStats()
        )


def _merge(
    pot: polib.POFile,
    old: polib.POFile | None,
    locale: str,
    threshold: float,
    sparse: bool,
    stats: MergeStats,
) -> polib.POFile:
    old_entries = [e for e in (old or []) if e.msgid] if old is not None else []
    live = {_key(e): e for e in old_entries if not e.obsolete}
    dead = {_key(e): e for e in old_entries if e.obsolete}
    used: set[int] = set()
    result: list[polib.POEntry | None] = []
    unmatched: list[tuple[int, polib.POEntry]] = []
    for new in pot:
        if not new.msgid:
            continue
        found = [e for e in (live.get(_key(new)), dead.get(_key(new))) if e is not None]
        prev = next((e for e in found if _is_translated(e)), found[0] if found else None)
        if prev is None:
            unmatched.append((len(result), new))
            result.append(None)
            continue
        # an exact match wins even when untranslated (as in msgmerge): no fuzzy guess, and
        # the translator's comment on it stays
        used.update(id(e) for e in found)
        if _is_translated(prev):
            result.append(_carry(new, prev, locale, fuzzy="fuzzy" in prev.flags, previous=prev))
            stats.exact += 1
        else:
            result.append(None if sparse else _fresh(new, locale, prev.tcomment))

    # fuzzy candidates: translated old entries not claimed by an exact match, same msgctxt
    by_ctx_new: dict[str | None, list[tuple[int, polib.POEntry]]] = defaultdict(list)
    for pos, new in unmatched:
        by_ctx_new[new.msgctxt].append((pos, new))
    by_ctx_old: dict[str | None, list[polib.POEntry]] = defaultdict(list)
    for e in old_entries:
        if id(e) not in used and _is_translated(e) and not e.msgid_plural:
            by_ctx_old[e.msgctxt].append(e)
    for ctx, news in by_ctx_new.items():
        cands = by_ctx_old.get(ctx, [])
        pairs = _fuzzy_pairs([n for _, n in news if not n.msgid_plural], cands, threshold)
        singles = [(p, n) for p, n in news if not n.msgid_plural]
        for qi, ci in pairs:
            pos, new = singles[qi]
            prev = cands[ci]
            used.add(id(prev))
            result[pos] = _carry(new, prev, locale, fuzzy=True, previous=prev, record_previous=True)
            stats.fuzzy += 1
    for pos, new in unmatched:
        if result[pos] is None:
            result[pos] = None if sparse else _fresh(new, locale)
            if not sparse:
                stats.new += 1

    out = polib.POFile(wrapwidth=WRAP)
    for entry in result:
        if entry is not None:
            out.append(entry)
    for e in old_entries:
        if id(e) not in used and _is_translated(e):
            gone = _copy(e)
            gone.obsolete = True
            gone.occurrences = []
            gone.comment = ""
            out.append(gone)
            if not e.obsolete:
                stats.obsolete += 1
    out.header = old.header if old is not None and old.header else _po_header_comment(locale)
    out.metadata = _po_metadata(pot, old, locale)
    out.metadata_is_fuzzy = []
    return out


def _copy(e: polib.POEntry) -> polib.POEntry:
    """A new entry with ``e``'s fields (what ``polib.POEntry(msgid=e.msgid, ...)`` builds,
    without its keyword-argument lookups)."""
    c = polib.POEntry.__new__(polib.POEntry)
    c.__dict__ = {
        "msgid": e.msgid,
        "msgstr": e.msgstr,
        "msgid_plural": e.msgid_plural,
        "msgstr_plural": dict(e.msgstr_plural),
        "msgctxt": e.msgctxt,
        "obsolete": e.obsolete,
        "encoding": polib.default_encoding,
        "comment": e.comment,
        "tcomment": e.tcomment,
        "occurrences": list(e.occurrences),
        "flags": list(e.flags),
        "previous_msgctxt": e.previous_msgctxt,
        "previous_msgid": e.previous_msgid,
        "previous_msgid_plural": e.previous_msgid_plural,
        "linenum": None,
    }
    return c


def _carry(
    new: polib.POEntry,
    prev: polib.POEntry,
    locale: str,
    *,
    fuzzy: bool,
    previous: polib.POEntry,
    record_previous: bool = False,
) -> polib.POEntry:
    """The template's entry with the old entry's translation, translator comment and state."""
    e = _copy(new)
    if bool(new.msgid_plural) != bool(prev.msgid_plural):
        # singular <-> plural: keep the translation as a draft of the first form
        fuzzy = True
        first = prev.msgstr_plural.get(0, "") if prev.msgid_plural else prev.msgstr
        e.msgstr = "" if new.msgid_plural else first
        e.msgstr_plural = _empty_plurals(locale) if new.msgid_plural else {}
        if new.msgid_plural:
            e.msgstr_plural[0] = first
    elif new.msgid_plural:
        e.msgstr_plural = {**_empty_plurals(locale), **prev.msgstr_plural}
    else:
        e.msgstr = prev.msgstr
    e.tcomment = prev.tcomment
    e.flags = [f for f in new.flags if f != "fuzzy"]
    e.previous_msgid = e.previous_msgctxt = e.previous_msgid_plural = None
    if fuzzy:
        e.flags.insert(0, "fuzzy")
        if record_previous:
            e.previous_msgctxt = previous.msgctxt
            e.previous_msgid = previous.msgid
            e.previous_msgid_plural = previous.msgid_plural or None
        elif "fuzzy" in prev.flags:  # an entry that was already fuzzy keeps its previous msgid
            e.previous_msgid = prev.previous_msgid
            e.previous_msgctxt = prev.previous_msgctxt
            e.previous_msgid_plural = prev.previous_msgid_plural
    return e


def _empty_plurals(locale: str) -> dict[int, str]:
    return {i: "" for i in range(get_plural(locale).num_plurals)}


def _fresh(new: polib.POEntry, locale: str, tcomment: str = "") -> polib.POEntry:
    """The template's entry, untranslated (keeping a translator comment already on it)."""
    e = _copy(new)
    e.flags = [f for f in new.flags if f != "fuzzy"]
    e.msgstr = ""
    e.tcomment = tcomment
    if new.msgid_plural:
        e.msgstr_plural = _empty_plurals(locale)
    return e


def _po_header_comment(locale: str) -> str:
    name = Locale.parse(locale).english_name
    return (
        f"{name} translation.\n"
        "Translators: edit msgstr lines; approvals are recorded in the ledger."
    )


def _po_metadata(pot: polib.POFile, old: polib.POFile | None, locale: str) -> dict[str, str]:
    loc = Locale.parse(locale)
    plural = get_plural(locale)
    created = pot.metadata.get("POT-Creation-Date", "")
    meta = dict(old.metadata) if old is not None else {}
    meta.setdefault("PO-Revision-Date", created)
    meta.setdefault("Last-Translator", "")
    meta.setdefault("Language-Team", f"{loc.english_name}")
    meta.update(
        {
            "Project-Id-Version": pot.metadata.get("Project-Id-Version", ""),
            "Report-Msgid-Bugs-To": pot.metadata.get("Report-Msgid-Bugs-To", ""),
            "POT-Creation-Date": created,
            "Language": locale,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": f"nplurals={plural.num_plurals}; plural={plural.plural_expr};",
        }
    )
    return meta


def pot_domains(project: Project) -> list[str]:
    if not project.pot_dir.is_dir():
        return []
    return sorted(p.stem for p in project.pot_dir.glob("*.pot"))


def target_locales(project: Project, extra: Iterable[str] = ()) -> list[str]:
    """Languages named by countries, locales that already have catalogs, plus ``extra``."""
    from .countries import languages

    found = set(languages(project)) | set(project.existing_locales())
    found |= {normalize_locale(x) for x in extra}
    found.discard(project.source_language)
    return sorted(found)


def is_regional(locale: str, all_locales: Iterable[str]) -> bool:
    """A regional variant (de_CH) is sparse when its language (de) has catalogs too."""
    return "_" in locale and locale.split("_")[0] in set(all_locales)


def update(project: Project, extra_locales: Iterable[str] = ()) -> WriteReport:
    """POTs -> every locale's PO. All inputs are read and checked before anything is written.

    A regional catalog (``de_CH`` next to ``de``) is sparse: it holds only the entries where
    the variant differs, and every lookup falls back to the language's catalog. Its existing
    files are merged; missing ones are created (holding just the header) only for a locale
    asked for in ``extra_locales``, so a plain update adds no empty files.
    """
    with _gc_paused():  # catalogs are tens of thousands of acyclic objects: see _gc_paused
        return _update(project, extra_locales)


def _update(project: Project, extra_locales: Iterable[str]) -> WriteReport:
    domains = pot_domains(project)
    if not domains:
        raise I18nError("no templates in locales/templates: run 'i18n extract' first")
    locales = target_locales(project, extra_locales)
    asked = {normalize_locale(x) for x in extra_locales}
    pots = {d: read_po(project.pot_path(d), project.rel(project.pot_path(d))) for d in domains}
    threshold = float(project.config.get("fuzzy_threshold", 70))
    planned: list[tuple[Path, polib.POFile]] = []
    report = WriteReport()
    for locale in locales:
        sparse = is_regional(locale, locales)
        for domain in domains:
            path = project.po_path(locale, domain)
            old = read_po(path, project.rel(path)) if path.exists() else None
            if old is None and sparse and locale not in asked:
                continue
            merged = merge(pots[domain], old, locale, threshold=threshold, sparse=sparse)
            planned.append((path, merged))
        folder = project.locales_dir / locale / "LC_MESSAGES"
        if folder.is_dir():
            for orphan in sorted(folder.glob("*.po")):
                if orphan.stem not in pots:
                    report.notes.append(
                        f"{project.rel(orphan)}: no template {orphan.stem}.pot; left untouched"
                    )
    for path, po in planned:
        report.record(project.rel(path), write_po(path, po))
    return report


# --- statistics ---------------------------------------------------------------------------


@dataclass
class Counts:
    untranslated: int = 0
    draft: int = 0
    rejected: int = 0
    translated: int = 0
    approved: int = 0

    @property
    def total(self) -> int:
        return self.untranslated + self.draft + self.rejected + self.translated + self.approved

    def add(self, state: str, n: int = 1) -> None:
        setattr(self, state, getattr(self, state) + n)

    def as_dict(self) -> dict[str, int]:
        from .review import STATES

        d = {s: getattr(self, s) for s in STATES}
        d["total"] = self.total
        return d


def catalog_counts(po: polib.POFile, ledger: Ledger, catalog: str | None = None) -> Counts:
    """Count entries by state, as msgfmt does: a fuzzy entry is not translated.
    ``catalog`` names the catalog (the domain) whose approvals count."""
    from .review import entry_state

    approved = ledger.approved_hashes(catalog)
    rejected = set(ledger.latest("rejected", catalog))
    counts = Counts()
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        counts.add(entry_state(entry, approved, rejected))
    return counts


def status(project: Project) -> dict[str, dict[str, Counts]]:
    """``{locale: {domain: Counts}}`` for every locale with catalogs."""
    from .review import Ledger

    out: dict[str, dict[str, Counts]] = {}
    for locale in project.existing_locales():
        ledger = Ledger.read(project.ledger_path(locale))
        ledger.report()
        per: dict[str, Counts] = {}
        folder = project.locales_dir / locale / "LC_MESSAGES"
        for path in sorted(folder.glob("*.po")):
            per[path.stem] = catalog_counts(read_po(path, project.rel(path)), ledger, path.stem)
        out[locale] = per
    return out

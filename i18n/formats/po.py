"""PO and POT files: the strict reader (syntax checked as GNU gettext does) and the
deterministic writer.

This is the only module that reads or writes PO files. Output is deterministic: the same
input gives byte-identical files, and a file whose content would not change is not rewritten.
"""

from __future__ import annotations

import contextlib
import gc
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from i18n.errors import I18nError
from i18n.formats.fs import atomic_write, atomic_write_all, read_text
from i18n.model.locale import normalize_locale
from i18n.model.plurals import GERMANIC, PluralRule, parse_plural_forms

if TYPE_CHECKING:  # imported where used, so that `i18n update` does not load the parsers
    pass
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
def gc_paused() -> Iterator[None]:
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
    if path.is_symlink():  # a catalog linked from elsewhere would publish text nobody here saw
        raise I18nError(
            "is a symbolic link; catalogs must be files of the project (copy the file here)",
            shown,
        )
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
    try:
        with gc_paused():
            po = _parse_common(text)  # in the shape gettext writes: valid by construction
            if po is None:
                _check_syntax(text, shown)
                po = _parse_lines(text)
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
    """The header's Plural-Forms is the catalog's rule (as GNU gettext reads it, whatever
    CLDR now says: :mod:`i18n.model.plurals`): it must be one, and every plural entry must
    hold as many forms as it declares."""
    lang = po.metadata.get("Language", "").strip()
    if lang:
        try:
            normalize_locale(lang)
        except I18nError:
            raise I18nError(f"header declares unknown Language {lang!r}", shown, 1) from None
    header = po.metadata.get("Plural-Forms")
    if header is None:
        return
    try:
        nplurals = parse_plural_forms(header).nplurals
    except ValueError as exc:
        raise I18nError(
            f"header Plural-Forms: {exc}", shown, _line_of(text, "Plural-Forms")
        ) from None
    for entry in po:
        live_plural = entry.msgid_plural and not entry.obsolete and entry.msgstr_plural
        if live_plural and len(entry.msgstr_plural) != nplurals:
            raise I18nError(
                f"entry has {len(entry.msgstr_plural)} plural forms, header says {nplurals}",
                shown,
                entry.linenum,
            )


def plural_rule(po: polib.POFile) -> PluralRule:
    """The catalog's plural rule: its Plural-Forms header (GNU gettext's default, two forms
    with ``n != 1``, when it has none). The catalogs :func:`read_po` returns have a valid one."""
    header = po.metadata.get("Plural-Forms")
    return GERMANIC if header is None else parse_plural_forms(header)


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


def write_pos(catalogs: list[tuple[Path, polib.POFile]]) -> list[bool]:
    """Write several catalogs all or none (:func:`~i18n.formats.fs.atomic_write_all`);
    per catalog, False when the file already held these bytes."""
    return atomic_write_all([(path, po_text(po)) for path, po in catalogs])


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
_ESCAPE_SEQ = re.compile(
    r'\\(?:[abfnrtv\\"\'?]|(?:[0-7]{1,3}|x[0-9A-Fa-f]+)(?:\\(?:[0-7]{1,3}|x[0-9A-Fa-f]+))*)'
)
_BYTE_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+))")
_UNESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "v": "\v",
    "b": "\b",
    "f": "\f",
    "a": "\a",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "?": "?",
}
_MULTILINE_ENDS = ("mc", "ms", "mx")


class _EscapeError(ValueError):
    """An octal or hex escape whose bytes are not UTF-8 text."""


def _unescape_match(match: re.Match[str]) -> str:
    seq = match.group(0)
    simple = _UNESCAPES.get(seq[1])
    if simple is not None:
        return simple
    # A run of octal/hex escapes is bytes of the catalog's charset, as GNU gettext reads them
    # ("msgcat --escape" writes every non-ASCII character so): decode the run as UTF-8.
    data = bytearray()
    for octal, hexa in _BYTE_ESCAPE.findall(seq):
        value = int(octal, 8) if octal else int(hexa, 16)
        if value > 0xFF:
            raise _EscapeError(f"escape {seq!r} is not one byte")
        data.append(value)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _EscapeError(f"escapes {seq!r} are not UTF-8 text") from None


def _unescape(text: str) -> str:
    r"""polib's unescaping, plus what GNU gettext also reads: ``\a``, ``\'``, ``\?`` and
    octal or hex escapes, decoded as the UTF-8 bytes they stand for.

    >>> _unescape(r"Gef\303\244\xc3\x9f \"a\"\\303")
    'Gefäß "a"\\303'
    """
    if "\\" not in text:
        return text
    return _ESCAPE_SEQ.sub(_unescape_match, text)


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
    """``polib.pofile(text, wrapwidth=WRAP)``, faster: the same entries, the same errors
    (``OSError`` naming the line); tests/test_po_io.py holds it to polib's result. A file in
    the shape gettext and polib write is read in one pass of a regular expression
    (:func:`_parse_common`), anything else by polib's state machine (:func:`_parse_lines`).

    >>> po = parse_po('msgid ""\\nmsgstr "Language: de\\\\n"\\n\\n'
    ...               '#, fuzzy\\nmsgid "a"\\nmsgstr "b"\\n')
    >>> po.metadata, [(e.msgid, e.msgstr, e.flags, e.linenum) for e in po]
    ({'Language': 'de'}, [('a', 'b', ['fuzzy'], 4)])
    """
    po = _parse_common(text)
    return po if po is not None else _parse_lines(text)


def _parse_lines(text: str) -> polib.POFile:
    """polib's state machine, line by line, with the common cases (a short one-line string,
    nothing to escape) taken without polib's per-line regular expressions: it reads a
    30,000-entry catalog in 0.43 s where polib takes 0.76 s (``bench/bench_po_read.py``)."""
    po = polib.POFile(pofile=text, encoding=polib.detect_encoding(text), check_for_duplicates=False)
    append = list.append  # POFile.append checks duplicates only when asked to
    transitions = _TRANSITIONS
    quick = _QUICK
    entry = polib.POEntry(linenum=0)
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
                    entry = polib.POEntry(linenum=number)
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
                entry = polib.POEntry(linenum=number)
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
        except _EscapeError as exc:
            raise fail(f": {exc}") from None
        except Exception:
            raise fail() from None
        state = target
    if not last_is_comment:
        append(po, entry)  # the last entry (trailing comments are dropped, as polib does)
    return _with_metadata(po)


def _with_metadata(po: polib.POFile) -> polib.POFile:
    """polib's last step: the entry with an empty msgid becomes the metadata."""
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


# --- the shape gettext and polib write, in one pass ----------------------------------------
#
# A catalog as msgmerge, msgcat, polib and this module write it is a header entry and blocks
# separated by one blank line, each block's lines in one order: translator comments,
# extracted comments, references, flags, previous msgctxt/msgid/msgid_plural (``#|``),
# msgctxt, msgid, msgid_plural, msgstr or msgstr[n]; obsolete blocks have their keywords and
# strings after ``#~`` (``#~|`` lines, which polib skips, for the previous ones). One regular
# expression per kind of block matches a file of that shape, whose fields then come straight
# from the groups; what the state machine would do is done to each field, so
# test_po_io.py's comparisons with polib hold for both readers. Every string is a single
# quoted string of GNU's syntax and no character of a line is one str.splitlines splits at,
# so a file read here is also one _check_syntax accepts. Anything else: None, and the file
# goes to the state machine (which also names the line of an error).

_SPLITS = r"\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines splits a line
_IN_LINE = f"[^{_SPLITS}]"
_STR_CHARS = rf'[^"\\{_SPLITS}]*'
_STR = rf'"{_STR_CHARS}(?:\\(?:[abfnrtv\\"\'?]|[0-7]{{1,3}}|x[0-9A-Fa-f]+){_STR_CHARS})*"'


def _strings(prefix: str) -> str:
    """One quoted string, then any continuation lines (each after ``prefix``)."""
    return rf"{_STR}(?:\n{prefix}{_STR})*"


def _block(prefix: str, live: bool) -> re.Pattern[str]:
    strings = _strings(re.escape(prefix))
    comments = rf"(?P<tc>(?:#(?: {_IN_LINE}*)?\n)*)"
    if live:
        comments += rf"(?P<gc>(?:#\. {_IN_LINE}*\n)*)(?P<oc>(?:#: {_IN_LINE}*\n)*)"
    comments += rf"(?P<fl>(?:#, {_IN_LINE}*\n)*)"
    if live:
        previous_strings = _strings(r"#\| ")
        previous = "".join(
            rf"(?:#\| {keyword} (?P<{group}>{previous_strings})\n)?"
            for keyword, group in (("msgctxt", "pc"), ("msgid", "pm"), ("msgid_plural", "pp"))
        )
    else:  # polib skips these lines
        previous = rf"(?P<skip>(?:#~\| (?:(?:msgctxt|msgid|msgid_plural) )?{_STR}\n)*)"
    p = re.escape(prefix)
    return re.compile(
        rf"{comments}{previous}"
        rf"(?:{p}msgctxt (?P<ct>{strings})\n)?"
        rf"{p}msgid (?P<mi>{strings})\n"
        rf"(?:{p}msgid_plural (?P<mp>{strings})\n"
        rf"(?P<mx>{p}msgstr\[\d\] {strings}(?:\n{p}msgstr\[\d\] {strings})*)"
        rf"|{p}msgstr (?P<ms>{strings}))"
        r"(?:\n\n|\n?\Z)"
    )


_LIVE_BLOCK = _block("", live=True)
_OBSOLETE_BLOCK = _block("#~ ", live=False)
_HEAD = re.compile(
    rf"(?P<tc>(?:#(?: {_IN_LINE}*)?\n)*)(?P<fl>(?:#, {_IN_LINE}*\n)*)"
    rf'msgid ""\nmsgstr (?P<ms>{_strings("")})(?:\n\n|\n?\Z)'
)
_PLURAL_FORM = re.compile(rf"msgstr\[(\d)\] ({_strings('(?:#~ )?')})")


def _value(strings: str, prefix_length: int) -> str:
    """The text of a string and its continuation lines, unescaped piece by piece as polib
    does."""
    if "\n" not in strings:
        return _unescape(strings[1:-1]) if "\\" in strings else strings[1:-1]
    lines = strings.split("\n")
    pieces = [lines[0][1:-1]] + [line[prefix_length + 1 : -1] for line in lines[1:]]
    return "".join(_unescape(piece) if "\\" in piece else piece for piece in pieces)


def _comment_fold(lines: str, cut: int) -> str | None:
    """Comment lines (each ending in a newline) joined as polib joins them; None when polib
    would skip one (an extracted comment with nothing after its mark)."""
    out = ""
    for line in lines.split("\n")[:-1]:
        line = line.strip()
        if cut and len(line) <= 2:
            return None
        if cut:
            comment = line[cut:]
        else:  # a translator comment: the marks, then one space
            comment = line.lstrip("#")
            if comment.startswith(" "):
                comment = comment[1:]
        out = f"{out}\n{comment}" if out else comment
    return out


def _parse_common(text: str) -> polib.POFile | None:
    """The catalog when ``text`` has the shape described above, else None."""
    head = _HEAD.match(text)
    if head is None:
        return None
    po = polib.POFile(pofile=text, encoding=polib.detect_encoding(text), check_for_duplicates=False)
    new_entry = polib.POEntry.__new__
    entry_type = polib.POEntry
    encoding = polib.default_encoding
    append = list.append
    count = text.count
    try:
        for line in head["tc"].split("\n")[:-1]:
            line = line.strip()
            po.header = f"{po.header}\n{line[2:]}" if po.header != "" else line[2:]
        header = polib.POEntry(linenum=0)
        header.obsolete = 0
        header.msgstr = _value(head["ms"], 0)
        header.flags = _flags(head["fl"])
        if header.flags is None:
            return None
        append(po, header)
        pos = head.end()
        line_number = 1 + count("\n", 0, pos)
        end = len(text)
        live = _LIVE_BLOCK.match
        obsolete = _OBSOLETE_BLOCK.match
        while pos < end:
            m = live(text, pos)
            if m is not None:
                tc, gc, oc, fl, pc, pm, pp, ct, mi, mp, mx, ms = m.groups()
                prefix = 0
                first_line = line_number
            else:
                m = obsolete(text, pos)
                if m is None:
                    return None
                tc, fl, skip, ct, mi, mp, mx, ms = m.groups()
                gc = oc = pc = pm = pp = None
                prefix = 3
                # lines polib skips do not start the entry
                first_line = line_number + (0 if tc or fl else skip.count("\n"))
            stop = m.end()
            flags = _flags(fl) if fl else []
            if flags is None:
                return None
            occurrences: list[tuple[str, str]] = []
            if oc:
                for line in oc.split("\n")[:-1]:
                    words = line.split()
                    if len(words) == 1:
                        return None  # a "#:" line with nothing, which polib skips
                    for occurrence in words[1:]:
                        path, colon, lineno = occurrence.rpartition(":")
                        if not colon or not lineno.isdigit():
                            path, lineno = occurrence, ""
                        occurrences.append((path, lineno))
            e = new_entry(entry_type)
            e.__dict__ = {
                "msgid": mi[1:-1] if "\n" not in mi and "\\" not in mi else _value(mi, prefix),
                "msgstr": "",
                "msgid_plural": "",
                "msgstr_plural": {},
                "msgctxt": None if ct is None else _value(ct, prefix),
                "obsolete": 1 if prefix else 0,
                "encoding": encoding,
                "comment": "",
                "tcomment": (_comment_fold(tc, 0) or "") if tc else "",
                "occurrences": occurrences,
                "flags": flags,
                "previous_msgctxt": None if pc is None else _value(pc, 3),
                "previous_msgid": None if pm is None else _value(pm, 3),
                "previous_msgid_plural": None if pp is None else _value(pp, 3),
                "linenum": first_line,
            }
            if ms is not None:
                e.msgstr = ms[1:-1] if "\n" not in ms and "\\" not in ms else _value(ms, prefix)
            else:
                e.msgid_plural = _value(mp, prefix)
                for index, strings in _PLURAL_FORM.findall(mx):
                    e.msgstr_plural[int(index)] = _value(strings, prefix)
            if gc:
                comment = _comment_fold(gc, 3)
                if comment is None:
                    return None
                e.comment = comment
            append(po, e)
            line_number += count("\n", pos, stop)
            pos = stop
    except _EscapeError:
        return None  # the state machine names the line
    return _with_metadata(po)


def _flags(lines: str) -> list[str] | None:
    """Flag lines (each ending in a newline) as polib reads them; None when polib would
    skip one (a "#," with nothing after it)."""
    flags: list[str] = []
    for line in lines.split("\n")[:-1]:
        line = line.strip()
        if line == "#,":
            return None  # polib skips the line: let the state machine do it
        flags += [c.strip() for c in line[3:].split(",")]
    return flags


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

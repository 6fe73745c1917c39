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
from i18n.formats.po_parse import WRAP as WRAP
from i18n.formats.po_parse import _parse_common, _parse_lines
from i18n.formats.po_parse import parse_po as parse_po
from i18n.model.locale import normalize_locale
from i18n.model.plurals import GERMANIC, PluralRule, parse_plural_forms

if TYPE_CHECKING:  # imported where used, so that `i18n update` does not load the parsers
    pass
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


def refuse_link(path: Path, shown: str | None = None) -> None:
    """A catalog that is a symbolic link is bad input: one linked from elsewhere would
    publish text nobody here saw."""
    if path.is_symlink():
        raise I18nError(
            "is a symbolic link; catalogs must be files of the project (copy the file here)",
            shown or str(path),
        )


def read_po(path: Path, shown: str | None = None) -> polib.POFile:
    """Parse a PO/POT file; syntax and encoding errors name the file and line."""
    shown = shown or str(path)
    refuse_link(path, shown)
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

"""PO text to polib entries, fast: the reading half of :mod:`i18n.formats.po`, which is the
only module that calls it (``read_po`` checks the file and names file and line; this module
only parses).
"""

from __future__ import annotations

import re

import polib

WRAP = 79  # GNU gettext's default page width

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

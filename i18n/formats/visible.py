"""What a reader sees, as one comparable string: the text forbidden wording is screened in.

Approve's QA, the publish gate and ``i18n check`` all screen through :func:`screen`, and the
claim patterns through :func:`screen_pattern`, so that bytes that draw the same glyphs match
the same pattern:

1. **the visible text** of a translation: its inline Markdown rendered as the page renders it
   (emphasis that splits a word, character references, entities, soft line breaks), the
   markup removed, and the titles and alt texts of links and images kept;
2. **right-to-left overrides resolved**: text between U+202E and its pop is drawn reversed,
   so it is reversed back (Chromium shows "heilt garantiert" for the bytes reversed);
3. **NFKC** (full-width and mathematical letters, decomposed accents composed);
4. **invisible characters removed**: format characters (soft hyphen, zero-width space and
   joiners, word joiner, bidi controls, BOM), the combining grapheme joiner, variation
   selectors, Hangul fillers; and the marks a language draws optionally: Arabic tatweel and
   harakat, Hebrew points;
5. **case folded** (German ß is ss; Turkish dotted and dotless i are i);
6. **look-alikes mapped** to the basic Latin letter they imitate (Cyrillic а, Greek ο), from
   Unicode's confusables data as the ``confusable_homoglyphs`` package ships it: a
   simplification of the UTS #39 skeleton to what screening Latin-script patterns needs;
7. **white space** of every kind collapsed to one space.

>>> screen("h**ei**lt &#x67;arantiert")
'heilt garantiert'
>>> screen("he\\u00adilt gar\\u200bantiert"), screen("hеilt")  # soft hyphen, ZWSP; Cyrillic е
('heilt garantiert', 'heilt')
>>> screen("\\u202etreitnarag tlieh\\u202c"), screen("تشـفي") == screen("تَشْفِي") == "تشفي"
('heilt garantiert', True)
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import lxml.html

from i18n.formats.markdown import MD

RLO, LRO, RLE, LRE, PDF = "\u202e", "\u202d", "\u202b", "\u202a", "\u202c"
RLI, LRI, FSI, PDI = "\u2067", "\u2066", "\u2068", "\u2069"
_INVISIBLE_MARKS = {
    0x034F,  # combining grapheme joiner
    0x0640,  # Arabic tatweel (kashida)
    0x0670,  # Arabic superscript alef
    0x115F,
    0x1160,
    0x3164,
    0xFFA0,  # Hangul fillers
    0x0307,  # combining dot above (left by casefolding Turkish İ)
}
_SPACE = re.compile(r"\s+")


def _drop(ch: str) -> bool:
    code = ord(ch)
    return (
        unicodedata.category(ch) == "Cf"
        or code in _INVISIBLE_MARKS
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x064B <= code <= 0x065F  # Arabic harakat
        or 0x0591 <= code <= 0x05C7
        and unicodedata.category(ch) == "Mn"  # Hebrew points
    )


TABLE = Path(__file__).parents[1] / "data" / "latin-lookalikes.json"


def lookalikes_from_unicode() -> dict[str, str]:
    """Non-ASCII letters and digits that imitate a basic Latin one -> that one, from
    Unicode's confusables data (the ``confusable-homoglyphs`` package). The result is kept in
    ``i18n/data/latin-lookalikes.json``: reading the package's whole table costs every
    command about 65 ms; a test keeps the two equal."""
    from confusable_homoglyphs import confusables

    out: dict[str, str] = {}
    for ch, homoglyphs in confusables.confusables_data.items():
        if len(ch) != 1 or ch.isascii() or not ch.isalnum():
            continue
        for h in homoglyphs:
            target = h["c"]
            if len(target) == 1 and target.isascii() and target.isalnum():
                out[ch] = target.casefold()
                break
    return dict(sorted(out.items()))


def write_lookalikes() -> None:
    """Regenerate the kept table (after upgrading confusable-homoglyphs)."""
    text = json.dumps(lookalikes_from_unicode(), ensure_ascii=False, indent=0, sort_keys=True)
    TABLE.write_text(text + "\n", encoding="utf-8")


@cache
def _prototypes() -> dict[str, str]:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def _resolve_overrides(text: str) -> str:
    """Text inside a right-to-left override is drawn in reverse: put it back in order."""
    if RLO not in text:
        return text
    out: list[str] = []
    stack: list[list[str]] = []
    for ch in text:
        if ch == RLO:
            stack.append([])
        elif ch in (PDF, PDI) and stack:
            segment = stack.pop()
            (stack[-1] if stack else out).extend(reversed(segment))
        else:
            (stack[-1] if stack else out).append(ch)
    while stack:  # an override never closed runs to the end of the paragraph
        segment = stack.pop()
        (stack[-1] if stack else out).extend(reversed(segment))
    return "".join(out)


@lru_cache(maxsize=65536)
def normalized(text: str) -> tuple[str, str, tuple[int, ...]]:
    """(normalized text, the visible text it was made from, and for each character of the
    first the index of the character of the second it came from): steps 2 to 7, one
    character at a time, so that a match can be shown as the reader sees it."""
    drawn = unicodedata.normalize("NFC", _resolve_overrides(text))
    protos = _prototypes() if not drawn.isascii() else {}
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(drawn):
        for c in unicodedata.normalize("NFKC", ch):
            if _drop(c):
                continue
            for f in c.casefold().replace("ı", "i"):
                if _drop(f):
                    continue
                f = protos.get(f, f)
                if f.isspace():
                    if not chars or chars[-1] == " ":
                        continue
                    f = " "
                chars.append(f)
                where.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    return "".join(chars), drawn, tuple(where)


def normalize(text: str) -> str:
    """Steps 2 to 7 on text that is already visible text (a rendered page's, a pattern's)."""
    return normalized(text)[0]


@lru_cache(maxsize=65536)
def visible_text(markdown: str) -> str:
    """The text a reader sees of one translation's inline Markdown, with link and image
    titles and alt texts (a tooltip is read too)."""
    if not any(c in markdown for c in "*_`[]<>&\\!\n"):
        return markdown  # plain text: nothing to render
    html = MD.renderInline(markdown)
    if not html.strip():
        return ""
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    extra = [value for el in fragment.iter() for value in (el.get("title"), el.get("alt")) if value]
    return " ".join([fragment.text_content(), *extra])


def screen(markdown: str) -> str:
    """What forbidden wording is searched in: :func:`visible_text`, normalized."""
    return normalize(visible_text(markdown))


# Bidi controls: embeddings and overrides (U+202A-202E) reorder what a reader sees and hide
# text from screening; isolates (U+2066-2069) are allowed where they are closed again.
_EMBEDDINGS = frozenset("\u202a\u202b\u202c\u202d\u202e")
_ISOLATE_OPEN = frozenset("\u2066\u2067\u2068")


def bidi_problem(text: str) -> str | None:
    """Why the bidi controls of a translation are refused, or None: embeddings and
    overrides always, isolates when they do not balance."""
    found = sorted({f"U+{ord(c):04X}" for c in text if c in _EMBEDDINGS})
    if found:
        return f"bidi embedding or override controls {', '.join(found)}: use isolates or none"
    depth = 0
    for ch in text:
        if ch in _ISOLATE_OPEN:
            depth += 1
        elif ch == PDI:
            depth -= 1
            if depth < 0:
                return "a bidi isolate is closed (U+2069) that was never opened"
    return "a bidi isolate is opened and never closed (U+2069 missing)" if depth else None


def vanishes(source: str, target: str) -> bool:
    """Whether a reader sees words in the source but none in the translation (invisible
    characters or punctuation only): the block would disappear from the page."""
    return any(c.isalnum() for c in screen(source)) and not any(c.isalnum() for c in screen(target))


def shown(drawn: str, where: tuple[int, ...], start: int, end: int, margin: int = 40) -> str:
    """The text a reader sees around a match of the normalized text (``start``..``end``),
    with up to ``margin`` characters either side and ``…`` where it goes on."""
    if not where:
        return ""
    first, last = where[start], where[max(start, end - 1)] + 1
    lo, hi = max(0, first - margin), min(len(drawn), last + margin)
    text = "".join(ch for ch in drawn[lo:hi] if not _drop(ch))
    return ("…" if lo else "") + " ".join(text.split()) + ("…" if hi < len(drawn) else "")


@lru_cache(maxsize=4096)
def screen_pattern(pattern: str) -> re.Pattern[str]:
    """A claim pattern (a regular expression) normalized as the text it is matched against;
    only non-ASCII characters change, so the expression's syntax stays as written."""
    return re.compile(normalize_pattern(pattern), re.IGNORECASE)


def normalize_pattern(pattern: str) -> str:
    text = unicodedata.normalize("NFKC", pattern)
    text = "".join(ch for ch in text if not _drop(ch))
    out = []
    protos = _prototypes() if not text.isascii() else {}
    for ch in text:
        if ch.isascii():
            out.append(ch)
        else:
            folded = ch.casefold().replace("ı", "i")
            out.append("".join(protos.get(c, c) for c in folded if not _drop(c)))
    return "".join(out)

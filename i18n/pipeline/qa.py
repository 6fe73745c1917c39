"""Translation QA: checks that compare a translation with its source.

Every check has a code and a severity. A **blocking** finding stops ``i18n approve`` (unless
the reviewer overrides it with a recorded reason); a **warning** is shown in the queue and the
review sheet but does not stop anything.

Project checks (this module), all blocking unless noted:

==============  =================================================================
``links``       Markdown link and image targets identical to the source, reference links
                (``[uv][]``, ``[Mypy]``, ``[text][ref]``) resolved with the article's
                definitions (:func:`i18n.formats.links.link_targets`, as the publish gate)
``title``       a link or image title entry (``msgctxt "link title"``): plain text, no
                Markdown or HTML (it is drawn as an attribute)
``urls``        URLs written in the text identical to the source
``code``        inline code identical to the source
``markup``      emphasis, code and link syntax balanced (nothing left unparsed)
``emphasis``    as many emphasised spans as the source (warning)
``numbers``     numbers and units identical, after normalizing locale digit forms
                (Arabic-Indic and full-width digits, decimal comma, group separators)
``dnt``         do-not-translate terms of the glossary present
``max-length``  the entry's ``max-length:N`` flag respected
``glossary``    required glossary translations present (warning)
``whitespace``  leading and trailing whitespace as in the source (warning)
==============  =================================================================

translate-toolkit's pofilter checkers (:class:`translate.filters.checks.StandardChecker`),
where they fit: ``xmltags`` and, on ``python-format`` entries, ``printf`` (blocking);
``brackets``, ``doublespacing``, ``endpunc``, ``startcaps``, ``unchanged`` (a translation
identical to its source: brand names, numbers and some headings legitimately stay) and
``musttranslatewords`` (configured with the glossary's one-word terms) as warnings.
Three pofilter checks do not fit and are replaced by the project's own: ``numbers`` reads
``٣`` and ``2,5`` as different from ``3`` and ``2.5``; ``notranslatewords`` splits on
whitespace and so misses multi-word terms and CJK compounds (``Mantisカテーテル``); ``urls``
compares in order and keeps trailing punctuation, so two links swapped by the grammar of the
target language, or a URL at the end of a sentence, would block an approval.

>>> import polib
>>> e = polib.POEntry(msgid="Take 2.5 mg of [Mantis](https://x.example/m).",
...                   msgstr="Nehmen Sie 2,5 mg [Mantis](https://x.example/m).")
>>> run_checks(e, "de")
[]
>>> e.msgstr = "Nehmen Sie 25 mg [Mantis](https://x.example/n)."
>>> [(f.code, f.severity) for f in run_checks(e, "de")]
[('links', 'blocking'), ('numbers', 'blocking')]
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import polib
from babel import UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol
from markdown_it.token import Token
from translate.filters import checks as tt

from i18n.formats.article import MARKDOWN_SUFFIXES, load_article
from i18n.formats.links import Env, link_targets, parse_inline
from i18n.formats.markdown import MD
from i18n.formats.visible import bidi_problem, screen, vanishes
from i18n.model.article import TITLE_CONTEXTS, Article
from i18n.model.country import Glossary
from i18n.model.findings import BLOCKING, WARNING, Finding
from i18n.pipeline.claims import find_claims
from i18n.project import Project

# --- Markdown -----------------------------------------------------------------------------

# The page's own parser (raw HTML recognised, then drawn as text): a link hidden from one
# parser by an HTML comment is a link on the page (``[x <!-- ] -->](//evil.example)``).
_MD = MD
STRAY_MARKERS = ("*", "_", "`")


def _controls(text: str) -> str:
    r"""The control characters of a translation (tab and new line aside), as U+ codes.

    >>> _controls("a\x1b[2Jb\x00\tc\n"), _controls("fine")
    ('U+001B, U+0000', '')
    """
    found = dict.fromkeys(
        ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n"
    )
    return ", ".join(f"U+{ord(ch):04X}" for ch in found)


def _inline(text: str, env: Env | None = None) -> list[Token]:
    return parse_inline(text, env) if env else _plain_inline(text)


def _plain_inline(text: str) -> list[Token]:
    tokens = _MD.parseInline(text)
    return list(tokens[0].children or []) if tokens else []


@dataclass(frozen=True)
class Markup:
    """What a check needs to know of a piece of inline Markdown."""

    links: Counter[str]
    code: Counter[str]
    emphasis: int
    text: str  # the plain text (no link targets, no code), for numbers and terms

    @classmethod
    def parse(cls, text: str, env: Env | None = None) -> Markup:
        """``env``: the article's markdown-it environment (its link reference definitions)."""
        links: Counter[str] = Counter(link_targets(text, env))
        code: Counter[str] = Counter()
        emphasis = 0
        plain: list[str] = []
        for tok in _inline(text, env):
            if tok.type == "image":
                plain.append(tok.content)
            elif tok.type == "code_inline":
                code[tok.content] += 1
                plain.append(" ")
            elif tok.type in ("em_open", "strong_open"):
                emphasis += 1
            elif tok.type in ("text", "html_inline"):  # raw HTML is drawn as text
                plain.append(tok.content)
            elif tok.type in ("softbreak", "hardbreak"):
                plain.append(" ")
        return cls(links, code, emphasis, "".join(plain))


def _text_tokens(text: str, env: Env | None = None) -> str:
    return "".join(t.content for t in _inline(text, env) if t.type == "text")


def _diff(source: Counter[str], target: Counter[str]) -> str:
    missing = sorted((source - target).elements())
    extra = sorted((target - source).elements())
    parts = []
    if missing:
        parts.append("missing " + ", ".join(f"'{x}'" for x in missing))
    if extra:
        parts.append("not in source " + ", ".join(f"'{x}'" for x in extra))
    return "; ".join(parts)


def check_links(src: Markup, dst: Markup) -> str | None:
    if src.links != dst.links:
        return "link targets differ from the source: " + _diff(src.links, dst.links)
    return None


_URL = re.compile(
    r"(?:https?|ftp)://[^\s<>()\[\]\"']+|mailto:[^\s<>()\[\]\"']+|www\.[^\s<>()\[\]\"']+"
)


def bare_urls(text: str) -> Counter[str]:
    """URLs written in running text (not as Markdown links), trailing punctuation dropped."""
    return Counter(u.rstrip(".,;:!?") for u in _URL.findall(text))


def check_urls(src: Markup, dst: Markup) -> str | None:
    s, d = bare_urls(src.text), bare_urls(dst.text)
    if s != d:
        return "URLs in the text differ from the source: " + _diff(s, d)
    return None


def check_code(src: Markup, dst: Markup) -> str | None:
    if src.code != dst.code:
        return "inline code differs from the source: " + _diff(src.code, dst.code)
    return None


def check_markup(source: str, target: str, env: Env | None = None) -> str | None:
    """Markdown syntax that did not parse stays in the text: an unclosed ``**``, a lone
    backtick, ``[text](`` without its closing parenthesis."""
    s, t = _text_tokens(source, env), _text_tokens(target, env)
    problems = [f"unbalanced '{m}'" for m in STRAY_MARKERS if t.count(m) > s.count(m)]
    if t.count("[") - t.count("]") != s.count("[") - s.count("]"):
        problems.append("unbalanced '[' ']'")
    if t.count("](") > s.count("]("):
        problems.append("broken link syntax '](...'")
    return "Markdown syntax not balanced: " + ", ".join(problems) if problems else None


def _markup_kinds(text: str) -> Counter[str]:
    return Counter(
        t.type.removesuffix("_open")
        for t in _plain_inline(text)
        if t.type not in ("text", "softbreak", "hardbreak") and not t.type.endswith("_close")
    )


def check_title(source: str, target: str) -> str | None:
    """A link or image title is drawn as typed (an HTML attribute): Markdown or HTML that the
    source title does not have would show its asterisks, brackets and tags.

    >>> check_title("Official documentation", "Offizielle *Dokumentation*")
    "a title is plain text: markup 'em' would show as typed"
    """
    extra = _markup_kinds(target) - _markup_kinds(source)
    if extra:
        kinds = ", ".join(f"'{k}'" for k in sorted(extra))
        return f"a title is plain text: markup {kinds} would show as typed"
    return None


def check_emphasis(src: Markup, dst: Markup) -> str | None:
    if src.emphasis != dst.emphasis:
        return f"{dst.emphasis} emphasised spans, the source has {src.emphasis}"
    return None


# --- numbers and units --------------------------------------------------------------------

# Group separators: apostrophes (de-CH), spaces (NFKC turns no-break and narrow no-break
# spaces into U+0020), Arabic thousands separator. Decimal: Arabic decimal separator.
_GROUP = "'\u2019\u066c "
_DECIMAL = "\u066b"
_NUMBER = re.compile(r"\d+(?:(?:[.,\u066b\u066c'\u2019]\d+)|(?: \d{3}(?!\d)))*")
# Unit symbols that are the same in every language (SI and clinical symbols).
UNITS = (
    "mmol/l",
    "mg/dl",
    "mg/kg",
    "mmhg",
    "kpa",
    "mcg",
    "μg",
    "mg",
    "kg",
    "ml",
    "mm",
    "cm",
    "km",
    "°c",
    "°f",
    "iu",
    "fr",
    "%",
    "‰",
)
# Unit spellings some languages use instead of the symbol (after NFKC and casefold).
UNIT_ALIASES = {
    "٪": "%",
    "ملغ": "mg",
    "مغ": "mg",
    "ملجم": "mg",
    "كغ": "kg",
    "كجم": "kg",
    "مل": "ml",
    "ملم": "mm",
    "مم": "mm",
    "سم": "cm",
    "ملم زئبق": "mmhg",
    "مم زئبق": "mmhg",
    "mm hg": "mmhg",
}
_UNIT_WORDS = sorted(set(UNITS) | set(UNIT_ALIASES), key=len, reverse=True)
_UNIT_ALT = "|".join(re.escape(u) for u in _UNIT_WORDS)
# A unit ends where its script's letters end: "3mmの" (Japanese has no spaces) is 3 mm,
# "3 mmol" is not 3 mm, and "مل" (ml) is not the start of "ملعقة" (spoon).
_UNIT_AFTER = re.compile(rf"\s?({_UNIT_ALT})(?![A-Za-z\u0600-\u06ff])", re.IGNORECASE)
# Turkish and some Arabic writing put the percent sign first: %50, ٪٥٠ (not after a number).
_UNIT_BEFORE = re.compile(r"(?<!\d)(?<!\d\s)([%٪])$")


@dataclass(frozen=True)
class Quantity:
    text: str
    values: frozenset[Decimal]  # every reading of the digits (1.000 is 1000 in German)
    unit: str | None  # normalized: casefolded, aliases resolved
    unit_text: str = ""


def _ascii_digits(s: str) -> str:
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in s)


@lru_cache(maxsize=64)
def _separators(locale: str | None) -> tuple[str, str]:
    """The locale's decimal and group symbols (CLDR, Latin digits), NFKC-normalized."""
    if not locale:
        return "", ""
    try:
        dec, grp = get_decimal_symbol(locale), get_group_symbol(locale)
    except (ValueError, TypeError, UnknownLocaleError):
        return "", ""
    return unicodedata.normalize("NFKC", dec), unicodedata.normalize("NFKC", grp)


def _readings(token: str, locale: str | None) -> frozenset[Decimal]:
    """The values a number may mean. ``locale`` None reads it as English (the source);
    otherwise ``1.000`` is 1000 in German (the group symbol) but 1 in Japanese, and
    ambiguous forms the locale does not explain (Latin digits in Arabic) get both readings."""
    s = _ascii_digits(token)
    for g in _GROUP:
        s = s.replace(g, "")
    s = s.replace(_DECIMAL, ".") if _DECIMAL in token else s
    dec, grp = _separators(locale) if locale else (".", ",")
    if "," in s and "." in s:
        last = max(s.rfind(","), s.rfind("."))
        d = s[last]
        candidates = [s.replace("," if d == "." else ".", "").replace(d, ".")]
    else:
        sep = "," if "," in s else "." if "." in s else ""
        if not sep:
            candidates = [s]
        elif s.count(sep) > 1:
            candidates = [s.replace(sep, "")]
        else:
            head, tail = s.split(sep)
            as_decimal, as_group = f"{head}.{tail}", head + tail
            if len(tail) != 3 or (sep == dec and sep != grp):
                candidates = [as_decimal]
            elif sep == grp:
                candidates = [as_group]
            else:
                candidates = [as_decimal, as_group]
    out = set()
    for c in candidates:
        try:
            out.add(Decimal(c))
        except InvalidOperation:
            continue
    return frozenset(out)


def quantities(text: str, locale: str | None = None) -> list[Quantity]:
    """Numbers with their unit symbols; digit forms normalized. ``locale`` None: English.

    >>> [(str(min(q.values)), q.unit) for q in quantities("٢٫٥ ملغ و %50", "ar")]
    [('2.5', 'mg'), ('50', '%')]
    """
    norm = unicodedata.normalize("NFKC", text)
    out = []
    for m in _NUMBER.finditer(norm):
        unit = unit_text = None
        after = _UNIT_AFTER.match(norm, m.end())
        before = _UNIT_BEFORE.search(norm[: m.start()])
        if after:
            unit_text = after.group(1)
        elif before:
            unit_text = before.group(1)
        if unit_text is not None:
            unit = unit_text.casefold()
            unit = UNIT_ALIASES.get(unit, unit)
        out.append(Quantity(m.group(0), _readings(m.group(0), locale), unit, unit_text or ""))
    return out


def _match(src: list[Quantity], dst: list[Quantity], allowed_units: set[str]) -> list[int]:
    """Maximum bipartite matching (Kuhn); returns, per source quantity, the target index or
    -1. A source number without a unit may match a target number carrying one of the units
    the source uses elsewhere (``50 to 60%`` -> ``%50 ile %60``)."""

    def fits(s: Quantity, d: Quantity) -> bool:
        if not (s.values & d.values):
            return False
        if s.unit is not None:
            return d.unit == s.unit
        return d.unit is None or d.unit in allowed_units

    owner = [-1] * len(dst)

    def augment(i: int, seen: set[int]) -> bool:
        for j, d in enumerate(dst):
            if j in seen or not fits(src[i], d):
                continue
            seen.add(j)
            if owner[j] == -1 or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(src)):
        augment(i, set())
    match = [-1] * len(src)
    for j, i in enumerate(owner):
        if i != -1:
            match[i] = j
    return match


def _show(q: Quantity, reading: bool = False) -> str:
    shown = q.text + (f" {q.unit_text}" if q.unit_text else "")
    if reading and len(q.values) == 1:
        value = format(next(iter(q.values)).normalize(), "f")
        if value != q.text:
            shown += f" (reads {value})"
    return shown


def check_numbers(source: str, target: str, locale: str | None = None) -> str | None:
    """Numbers and units of the English source must all be in the translation, and no
    others. ``locale`` decides how ``1.000`` / ``1,000`` in the translation read.

    >>> check_numbers("1 to 2 in every 1,000", "1 bis 2 von 1.000", "de") is None
    True
    >>> check_numbers("1 to 2 in every 1,000", "1 bis 2 von 1,000", "de")
    'numbers or units differ from the source: missing 1,000; not in source 1,000 (reads 1)'
    """
    src, dst = quantities(source), quantities(target, locale or "")
    units = {q.unit for q in src if q.unit}
    match = _match(src, dst, units)
    missing = [_show(q) for q, j in zip(src, match, strict=True) if j == -1]
    used = set(match)
    extra = [_show(q, reading=True) for j, q in enumerate(dst) if j not in used]
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("not in source " + ", ".join(extra))
    return "numbers or units differ from the source: " + "; ".join(parts)


# --- glossary -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _word(term: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", flags)


def _occurs(term: str, text: str) -> bool:
    return _word(term).search(text) is not None


@dataclass(frozen=True)
class TermUse:
    """A glossary term that a source uses: its required translation (``want``; None for a
    do-not-translate term) and whether the translation has it (``kept``). The patterns find
    it in either text, as the checks below do (for the review server's highlighting).

    >>> [u.kept for u in term_uses("Mantis for DVT.", "Mantis bei TVT.", ["Mantis"],
    ...                            {"dvt": "tiefe Venenthrombose"})]
    [True, False]
    """

    term: str
    want: str | None
    kept: bool

    @property
    def in_source(self) -> re.Pattern[str]:
        return _word(self.term, 0 if self.want is None else re.IGNORECASE)

    @property
    def in_target(self) -> re.Pattern[str]:
        if self.want is None:
            return re.compile(re.escape(self.term))
        return re.compile(re.escape(self.want), re.IGNORECASE)


def term_uses(
    source: str, target: str, dnt: Iterable[str], required: dict[str, str]
) -> list[TermUse]:
    """The do-not-translate terms (as written) and glossary terms (any case) of ``source``:
    a do-not-translate term is kept when it is in ``target`` unchanged (as a substring:
    compounds such as ``Mantis-Katheter`` or ``Mantisカテーテル`` count), a glossary term when
    its required translation is (any case)."""
    uses = [TermUse(t, None, t in target) for t in dnt if _occurs(t, source)]
    src, dst = source.casefold(), target.casefold()
    return uses + [
        TermUse(term, want, want.casefold() in dst)
        for term, want in sorted(required.items())
        if _occurs(term.casefold(), src)
    ]


def check_dnt(source: str, target: str, terms: Iterable[str]) -> str | None:
    """A do-not-translate term of the source must appear, unchanged, in the translation."""
    lost = [u.term for u in term_uses(source, target, terms, {}) if not u.kept]
    return "do-not-translate term missing: " + ", ".join(lost) if lost else None


def check_glossary(source: str, target: str, required: dict[str, str]) -> str | None:
    missing = [
        f"'{u.term}' -> '{u.want}'" for u in term_uses(source, target, (), required) if not u.kept
    ]
    return "required glossary term missing: " + ", ".join(missing) if missing else None


# --- the rest -----------------------------------------------------------------------------


def max_length(entry: polib.POEntry) -> int | None:
    for flag in entry.flags:
        m = re.fullmatch(r"max-length:(\d+)", flag.strip())
        if m:
            return int(m.group(1))
    return None


def check_whitespace(source: str, target: str) -> str | None:
    problems = []
    if _lead(source) != _lead(target):
        problems.append("leading")
    if _trail(source) != _trail(target):
        problems.append("trailing")
    return (" and ".join(problems) + " whitespace differs from the source") if problems else None


def _lead(s: str) -> str:
    return s[: len(s) - len(s.lstrip())]


def _trail(s: str) -> str:
    return s[len(s.rstrip()) :]


def check_bidi(source: str, target: str) -> str | None:
    """Overriding or embedding bidi controls, or isolates left open: the page would draw the
    text in another order than the bytes say (and a claim could hide there)."""
    return bidi_problem(target)


def check_empty(source: str, target: str) -> str | None:
    """A translation a reader sees nothing of (invisible characters, punctuation) for a source
    with words: the block would vanish from the page."""
    if vanishes(source, target):
        return "the translation shows no word, the source does: the text would disappear"
    return None


# The shortest translation a reader should see without a second look, as a fraction of the
# source's visible length (sources of at least 20 characters): half the shortest ratio among
# the sample's approved translations (de 0.87, fr 0.77, tr 0.65, ar 0.58); CJK is denser.
SHORT_FRACTION = {"de": 0.43, "fr": 0.38, "tr": 0.32, "ar": 0.29, "ja": 0.15, "zh": 0.15, "ko": 0.2}
SHORT_DEFAULT = 0.3
SHORT_MIN_SOURCE = 20


def check_short(source: str, target: str, language: str) -> str | None:
    """A translation much shorter than its source: a sentence may be missing."""
    src, dst = len(screen(source)), screen(target)
    fraction = SHORT_FRACTION.get(language, SHORT_DEFAULT)
    if src >= SHORT_MIN_SOURCE and any(c.isalnum() for c in dst) and len(dst) < fraction * src:
        return f"{len(dst)} visible characters for {src} in the source: is a part missing?"
    return None


# pofilter checks used, with their severity here.
POFILTER: dict[str, str] = {
    "xmltags": BLOCKING,
    "brackets": WARNING,
    "doublespacing": WARNING,
    "endpunc": WARNING,
    "startcaps": WARNING,
    "unchanged": WARNING,
    "musttranslatewords": WARNING,
}


def check_claims(source: str, target: str, patterns: list[re.Pattern[str]]) -> str | None:
    """Forbidden wording (a country's claims or the built-in risky list) in the translation
    that the source does not have: a reviewer cannot approve it without an override."""

    for pattern, snippet in find_claims(target, patterns):
        if not find_claims(source, [re.compile(pattern, re.IGNORECASE)]):
            return f"forbidden wording /{pattern}/: {snippet}"
    return None


class Checker:
    """The checks of one locale, configured once from the glossary.

    >>> [str(f) for f in Checker("fr").run(polib.POEntry(msgid="Hello", msgstr="Bonjour "))]
    ['warning whitespace: trailing whitespace differs from the source']
    """

    def __init__(
        self, locale: str, glossary: Glossary | None = None, claims: Iterable[re.Pattern[str]] = ()
    ) -> None:
        self.locale = locale
        self.language = locale.split("_")[0]
        self.claims = list(claims)  # forbidden wording for this language (i18n.claims)
        glossary = glossary or Glossary([], {})
        self.dnt = list(glossary.do_not_translate)
        self.required = glossary.required(locale)
        # one-word terms whose translation differs from the English word
        must = [
            t.lower()
            for t, want in self.required.items()
            if " " not in t and t.casefold() != want.casefold()
        ]
        self.pofilter = tt.StandardChecker(
            tt.CheckerConfig(  # notranslatewords: ``unchanged`` accepts a lone brand name
                targetlanguage=self.language, musttranslatewords=must, notranslatewords=self.dnt
            )
        )

    def run(self, entry: polib.POEntry, env: Env | None = None) -> list[Finding]:
        """Findings for every translated form of ``entry`` (none for an empty msgstr);
        ``env`` is the article's markdown-it environment (its link reference definitions)."""
        findings: set[Finding] = set()
        python_format = "python-format" in entry.flags
        for source, target in _pairs(entry):
            controls = _controls(target)
            if controls:  # invisible to a reader and to the checkers below (lxml refuses them)
                findings.add(Finding("control", BLOCKING, f"control characters {controls}"))
                continue
            if target:
                findings.update(self.compare(source, target, env))
                if entry.msgctxt in TITLE_CONTEXTS:
                    problem = check_title(source, target)
                    if problem:
                        findings.add(Finding("title", BLOCKING, problem))
                if python_format:
                    findings.update(self._pofilter("printf", BLOCKING, source, target))
        limit = max_length(entry)
        if limit is not None:
            for _source, target in _pairs(entry):
                if len(target) > limit:
                    findings.add(
                        Finding(
                            "max-length",
                            BLOCKING,
                            f"{len(target)} characters, at most {limit} allowed (max-length flag)",
                        )
                    )
        return sorted(findings, key=lambda f: (f.severity != BLOCKING, f.code, f.message))

    def compare(self, source: str, target: str, env: Env | None = None) -> list[Finding]:
        src, dst = Markup.parse(source, env), Markup.parse(target, env)
        own: list[tuple[str, str, Callable[[], str | None]]] = [
            ("links", BLOCKING, lambda: check_links(src, dst)),
            ("urls", BLOCKING, lambda: check_urls(src, dst)),
            ("code", BLOCKING, lambda: check_code(src, dst)),
            ("markup", BLOCKING, lambda: check_markup(source, target, env)),
            ("emphasis", WARNING, lambda: check_emphasis(src, dst)),
            ("numbers", BLOCKING, lambda: check_numbers(src.text, dst.text, self.locale)),
            ("dnt", BLOCKING, lambda: check_dnt(source, target, self.dnt)),
            ("glossary", WARNING, lambda: check_glossary(src.text, dst.text, self.required)),
            ("whitespace", WARNING, lambda: check_whitespace(source, target)),
            ("claims", BLOCKING, lambda: check_claims(source, target, self.claims)),
            ("bidi", BLOCKING, lambda: check_bidi(source, target)),
            ("empty", BLOCKING, lambda: check_empty(source, target)),
            ("short", WARNING, lambda: check_short(source, target, self.language)),
        ]
        found: list[Finding] = []
        for code, severity, check in own:
            message = check()
            if message:
                found.append(Finding(code, severity, message))
        for name, severity in POFILTER.items():
            if name == "startcaps" and not _starts_cased(target):
                continue  # Arabic, Japanese, ...: no capital letters to compare
            found.extend(self._pofilter(name, severity, source, target))
        return found

    def _pofilter(self, name: str, severity: str, source: str, target: str) -> list[Finding]:
        if name == "xmltags":  # an escaped \< or \> is text in Markdown, never a tag
            source, target = (
                _ESCAPED_ANGLE.sub("\u2039", source),
                _ESCAPED_ANGLE.sub("\u2039", target),
            )
        try:
            getattr(self.pofilter, name)(source, target)
        except tt.FilterFailure as exc:
            return [Finding(name, severity, _message(exc))]
        return []


_ESCAPED_ANGLE = re.compile(r"\\[<>]")


def _starts_cased(text: str) -> bool:
    first = next((c for c in text if c.isalpha()), "")
    return first.isupper() or first.islower()


def _message(exc: tt.FilterFailure) -> str:
    msg = exc.args[0] if exc.args else str(exc)
    if isinstance(msg, list):
        msg = "; ".join(str(m) for m in msg)
    return f"{msg} (pofilter)"


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    if entry.msgid_plural:
        forms = sorted(entry.msgstr_plural.items(), key=lambda kv: int(kv[0]))
        return [(entry.msgid if int(k) == 0 else entry.msgid_plural, v or "") for k, v in forms]
    return [(entry.msgid, entry.msgstr or "")]


@lru_cache(maxsize=64)
def _bare_checker(locale: str) -> Checker:
    return Checker(locale)


def run_checks(
    entry: polib.POEntry, locale: str, glossary: Glossary | None = None, env: Env | None = None
) -> list[Finding]:
    """QA findings of one entry, blocking first. Reuse a :class:`Checker` for many entries.
    ``env``: the article's markdown-it environment, so that reference links resolve."""
    checker = Checker(locale, glossary) if glossary is not None else _bare_checker(locale)
    return checker.run(entry, env)


def article_env(project: Project, domain: str) -> Env | None:
    """The markdown-it environment (link reference definitions) of the article a catalog
    translates, or None for a catalog of no article (``site``)."""
    for suffix in MARKDOWN_SUFFIXES:
        path = project.articles_dir / f"{domain}{suffix}"
        if path.is_file():
            return load_article(path, project.root).env
    return None


class ArticleEnvs(dict[str, "Env | None"]):
    """The articles' link definitions by catalog (:func:`article_env`), each read when a
    catalog first asks for it: from ``articles`` when they hold it (so a body that a record
    vouches for is parsed only then), else from the article's file. They are the same in
    every locale, so one instance serves all the locales a command opens."""

    def __init__(self, project: Project, articles: Iterable[Article] = ()) -> None:
        super().__init__()
        self.project = project
        self.articles = {a.slug: a for a in articles}

    def __missing__(self, catalog: str) -> Env | None:
        article = self.articles.get(catalog)
        env = article.env if article is not None else article_env(self.project, catalog)
        self[catalog] = env
        return env


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]

"""Plural rules: a catalog's ``Plural-Forms`` header, CLDR's rule for a locale (via Babel),
and how the forms of one rule map onto another's.

A catalog's own header is authoritative (as in GNU gettext and Poedit): it says how many
forms each plural entry holds and which form a number picks. CLDR's rule (Babel's
:func:`~babel.messages.plurals.get_plural`) is taken only when a catalog is created, or when a
locale is migrated explicitly (``i18n update --locale L --migrate-plurals``); a newer CLDR
that counts differently (Babel 2.19, CLDR 46: three forms for French) never stops a command.

>>> rule = parse_plural_forms("nplurals=2; plural=(n > 1);")
>>> rule.nplurals, [rule.index(n) for n in (0, 1, 2)]
(2, [0, 0, 1])
>>> rule.same_as(parse_plural_forms("nplurals=2; plural=n>1"))
True
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from babel.messages.plurals import get_plural

# The numbers two rules are compared on, and forms mapped by: every CLDR integer rule turns on
# n, n % 10, n % 100, n % 1000 or n % 1000000 (French, Italian, Spanish and Portuguese "many"
# since CLDR 42 in Babel 2.19: 1000000, 2000000, ...).
SAMPLES: tuple[int, ...] = (
    *range(0, 1200),
    *range(1_000_000, 1_000_200),
    *(k * 1_000_000 for k in range(2, 11)),
    10_000_000,
    100_000_000,
    1_000_000_000,
)

# GNU gettext's rule for a catalog that declares none (and its msgfmt's default)
_GERMANIC = "nplurals=2; plural=(n != 1);"
_HEADER = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", re.DOTALL)


@dataclass(frozen=True)
class PluralRule:
    """``nplurals`` and the C expression of ``plural`` (checked: it evaluates, and only to
    form indexes below ``nplurals``)."""

    nplurals: int
    expr: str
    _index: Callable[[int], int] = field(repr=False, compare=False, default=lambda n: 0)

    @property
    def header(self) -> str:
        """The value of the ``Plural-Forms`` header: ``nplurals=2; plural=(n > 1);``."""
        return f"nplurals={self.nplurals}; plural={self.expr};"

    def index(self, n: int) -> int:
        """The form that the number ``n`` picks."""
        return self._index(n)

    def same_as(self, other: PluralRule) -> bool:
        """Equivalent rules: the same number of forms, and each number picks the same form
        (``n != 1`` and ``(n != 1)`` are the same rule)."""
        return _same_rules(self, other)


@functools.lru_cache(maxsize=1024)
def _same_rules(a: PluralRule, b: PluralRule) -> bool:
    """:meth:`PluralRule.same_as`, once per pair of rules (a rule is its count and its
    expression: the hundreds of catalogs of a locale share one)."""
    return a.nplurals == b.nplurals and all(a.index(n) == b.index(n) for n in SAMPLES)


@functools.lru_cache(maxsize=256)
def parse_plural_forms(header: str) -> PluralRule:
    """The rule of a ``Plural-Forms`` header value; ValueError saying why it is not one.

    >>> parse_plural_forms("nplurals=2; plural=(n != 1) ? 3 : 0;")
    Traceback (most recent call last):
    ...
    ValueError: plural=(n != 1) ? 3 : 0 gives form 3 for n=0, but nplurals=2
    >>> parse_plural_forms("nplurals=2; plural=n +;")
    Traceback (most recent call last):
    ...
    ValueError: plural=n + is not a C expression of n (as GNU gettext reads it)
    """
    m = _HEADER.fullmatch(header)
    if not m:
        raise ValueError(f"{header!r} is not of the form 'nplurals=N; plural=EXPRESSION;'")
    nplurals, expr = int(m.group(1)), m.group(2).strip()
    if not 1 <= nplurals <= 100:  # CLDR's largest is 6
        raise ValueError(f"nplurals={nplurals} is not a number of plural forms")
    try:
        function = gettext.c2py(expr)
    except (ValueError, SyntaxError, RecursionError):
        raise ValueError(
            f"plural={expr} is not a C expression of n (as GNU gettext reads it)"
        ) from None
    for n in SAMPLES:
        try:
            form = function(n)
        except ArithmeticError:
            raise ValueError(f"plural={expr} cannot be computed for n={n}") from None
        if not 0 <= form < nplurals:
            raise ValueError(f"plural={expr} gives form {form} for n={n}, but nplurals={nplurals}")
    return PluralRule(nplurals, expr, function)


GERMANIC = parse_plural_forms(_GERMANIC)


def cldr_rule(locale: str) -> PluralRule:
    """CLDR's rule for ``locale``, as the installed Babel gives it (a new catalog takes it).

    >>> cldr_rule("de").header, cldr_rule("ja").nplurals
    ('nplurals=2; plural=(n != 1);', 1)
    """
    plural = get_plural(locale)
    return parse_plural_forms(f"nplurals={plural.num_plurals}; plural={plural.plural_expr};")


def form_mapping(old: PluralRule, new: PluralRule) -> dict[int, int]:
    """``{new form: old form}``: where each form of ``new`` takes its text from when a
    catalog moves from ``old`` to ``new``.

    With as many forms as before, each form keeps its place (both rules list CLDR's
    categories in the same order; Arabic's six forms stay, only which numbers pick them
    changes). Otherwise each old form goes to the new form that most of its numbers now pick
    (ties: the lower form), each new form takes at most one old form; a new form left out
    (French "many" for 1000000, when CLDR 46 adds it) stays untranslated.

    >>> fr_old = parse_plural_forms("nplurals=2; plural=(n > 1);")
    >>> fr_new = parse_plural_forms(
    ...     "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;")
    >>> form_mapping(fr_old, fr_new)
    {0: 0, 2: 1}
    >>> form_mapping(parse_plural_forms("nplurals=1; plural=0;"), GERMANIC)  # Turkish
    {1: 0}
    """
    if old.nplurals == new.nplurals:
        return {i: i for i in range(new.nplurals)}
    shared: dict[tuple[int, int], int] = {}
    for n in SAMPLES:
        pair = (old.index(n), new.index(n))
        shared[pair] = shared.get(pair, 0) + 1
    ranked = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))
    mapping: dict[int, int] = {}
    taken: set[int] = set()
    for (old_form, new_form), _count in ranked:
        if old_form in taken or new_form in mapping:
            continue
        mapping[new_form] = old_form
        taken.add(old_form)
    return dict(sorted(mapping.items()))


def remap_forms(forms: dict[int, str], mapping: dict[int, int], nplurals: int) -> dict[int, str]:
    """An entry's ``msgstr_plural`` under the new rule: each new form's text from its old
    form (:func:`form_mapping`), the rest empty.

    >>> remap_forms({0: "article", 1: "articles"}, {0: 0, 2: 1}, 3)
    {0: 'article', 1: '', 2: 'articles'}
    """
    by_int = {int(k): v for k, v in forms.items()}
    return {i: by_int.get(mapping[i], "") if i in mapping else "" for i in range(nplurals)}

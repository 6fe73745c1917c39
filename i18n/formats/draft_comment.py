"""The draft-origin comment: the translator comment (``# ...``) that ``i18n translate`` writes
on every draft, saying where it came from, and its reader.

What it writes, one line each (wrapped at 76 columns, continuation lines start with ``… ``)::

    # machine draft (libre); review before approval
    # memory draft; review before approval
    # translation memory: same text translated in post-thrombotic-syndrome.po
    # draft copied from the source (nothing but names, numbers or markup to translate); ...
    # draft warning: 196 characters, longer than max-length:160

A translator's own comment lines are kept around them; a new draft replaces the old lines.
The review queue reads the origin back (:func:`read_origin`) when the ledger has no
``drafted`` event for the entry's text (an older catalog, or one drafted on another branch).

>>> origin = DraftOrigin("libre", problems=("glossary term missing",))
>>> origin.comment_lines()
['machine draft (libre); review before approval', 'draft warning: glossary term missing']
>>> read_origin("\\n".join(origin.comment_lines()))
'libre'
>>> read_origin("memory draft; review before approval"), read_origin("ask Anna")
('memory', None)
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

MEMORY = "memory"  # the provider name of a translation-memory draft
COPY = "copy"  # the provider name of a draft copied from the source text
CONTINUATION = "… "
COMMENT_WIDTH = 76

# Lines this module writes (and earlier versions wrote): replaced when an entry is drafted again.
_OWN_LINES = (
    "machine draft (",
    "memory draft (",
    "memory draft;",
    "draft copied from the source",
    "draft warning: ",
    "translation memory",
)
# "machine draft (libre); ...", "memory draft; ...", "draft copied from the source"; the form
# "machine draft: libre" is read too.
_ORIGIN = re.compile(
    r"\b(?:(machine)\s+draft|(memory)\s+(?:draft|match)|draft\s+(copied)\s+from)\b"
    r"(?:\s*[:(]\s*([\w.+-]+))?",
    re.I,
)


@dataclass(frozen=True)
class DraftOrigin:
    """Where a draft came from: ``provider`` is ``memory``, ``copy`` or a machine provider."""

    provider: str
    memory_from: str = ""  # the catalog file a memory draft was found in
    problems: tuple[str, ...] = ()  # what the translator must look at
    notes: tuple[str, ...] = ()  # further lines (similar texts in the memory, ...)

    def comment_lines(self) -> list[str]:
        if self.provider == MEMORY:
            lines = [
                "memory draft; review before approval",
                f"translation memory: same text translated in {self.memory_from}",
            ]
        elif self.provider == COPY:
            lines = [
                "draft copied from the source (nothing but names, numbers or "
                "markup to translate); review before approval"
            ]
        elif self.provider:
            lines = [f"machine draft ({self.provider}); review before approval"]
        else:
            lines = []  # no draft written: only its warnings and notes
        lines += [f"draft warning: {p}" for p in dict.fromkeys(self.problems)]
        return lines + list(self.notes)


def read_origin(comment: str) -> str | None:
    """The provider a draft comment names (``memory``, ``copy``, ``libre``, ...), else None."""
    for line in comment.splitlines():
        m = _ORIGIN.search(line)
        if m:
            if m.group(2) or m.group(3):
                return MEMORY if m.group(2) else COPY
            return m.group(4) or "unknown"
    return None


def merge_comments(old: str, new_lines: list[str]) -> str:
    """A translator comment with earlier draft lines replaced by ``new_lines``; the
    translator's own lines are kept, in order.

    >>> merge_comments("ask Anna\\nmachine draft (pseudo); review before approval",
    ...                ["machine draft (libre); review before approval"])
    'ask Anna\\nmachine draft (libre); review before approval'
    """
    kept: list[str] = []
    dropping = False
    for line in old.split("\n") if old else []:
        if line.startswith(_OWN_LINES):
            dropping = True
            continue
        if dropping and line.startswith(CONTINUATION):
            continue
        dropping = False
        kept.append(line)
    for line in new_lines:
        line = " ".join(line.split())
        kept += textwrap.wrap(
            line, COMMENT_WIDTH, subsequent_indent=CONTINUATION, break_on_hyphens=False
        ) or [line]
    return "\n".join(kept)

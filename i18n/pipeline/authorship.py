"""Who wrote the text of a catalog entry, from recorded facts (the four-eyes rule).

A translation edited in Poedit or a text editor leaves no event in the ledger; what records
its author is git: the commit that last changed the entry's ``msgstr`` lines, whose author
e-mail maps to a person of ``source/people.yaml``. When the project is not a git repository,
or the text was changed after the last commit, the author is unknown and the approval says
so (``author_source: "unknown"``).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import polib

from i18n.model.people import People

GIT = "git"
UNCOMMITTED = "0" * 40
_HEADER = re.compile(r"([0-9a-f]{40}) \d+ (\d+)(?: \d+)?")


@dataclass(frozen=True)
class Author:
    """Who wrote a text: a person's id (or the commit's e-mail when it maps to nobody), and
    how that is known (``git``, or ``unknown``)."""

    who: str | None
    source: str
    commit: str | None = None


UNKNOWN = Author(None, "unknown")


def _blame(path: Path) -> dict[int, tuple[str, str, int]]:
    """``{line: (commit, author e-mail, recency)}`` of a file, from ``git blame
    --porcelain`` (the higher the recency, the later the commit in history); empty when the
    file is not in a git repository."""
    try:
        proc = subprocess.run(
            [GIT, "blame", "--porcelain", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return {}
    if proc.returncode != 0:
        return {}
    emails: dict[str, str] = {}
    lines: dict[int, tuple[str, str, int]] = {}
    commit, final = "", 0
    for row in proc.stdout.splitlines():
        m = _HEADER.fullmatch(row)
        if m:
            commit, final = m.group(1), int(m.group(2))
        elif row.startswith("author-mail "):
            emails[commit] = row[len("author-mail ") :].strip().strip("<>")
        elif row.startswith("\t"):
            lines[final] = (commit, emails.get(commit, ""), 0)
    # newest first: a commit's place in history, not its time (two commits can share a second)
    order = subprocess.run(
        [GIT, "rev-list", "--topo-order", "HEAD"],
        cwd=path.parent,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    rank = {commit: -i for i, commit in enumerate(order)}
    return {n: (c, e, rank.get(c, 1)) for n, (c, e, _) in lines.items()}


class Authors:
    """The authors of one catalog's entries."""

    def __init__(self, path: Path, people: People) -> None:
        self.people = people
        self.blame = _blame(path)
        try:
            self.text = path.read_text(encoding="utf-8").split("\n")
        except OSError:
            self.text = []

    def _msgstr_lines(self, entry: polib.POEntry) -> list[int]:
        """1-based numbers of the entry's msgstr lines (keyword and continuations)."""
        found: list[int] = []
        for number in range(max(entry.linenum, 1), len(self.text) + 1):
            line = self.text[number - 1].strip()
            if line.startswith("msgstr") or found and line.startswith('"'):
                found.append(number)
            elif found:
                break
        return found

    def of(self, entry: polib.POEntry) -> Author:
        changes = [self.blame.get(n) for n in self._msgstr_lines(entry)] if self.blame else []
        if not changes or any(c is None or c[0] == UNCOMMITTED for c in changes):
            return UNKNOWN
        # the lines may come from several commits: the text's author is the newest one's
        commit, email, _ = max(changes, key=lambda c: c[2])  # type: ignore[union-attr]
        person = self.people.by_email(email)
        return Author(person.id if person else email, GIT, commit)

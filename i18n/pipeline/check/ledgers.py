"""The ledgers themselves: every line that does not count (unsigned, edited, signed by a key
nobody holds, by someone without the role, copied, reordered, following a deleted line) is a
violation naming the ledger and the line; see :mod:`i18n.pipeline.signoff` for the rules."""

from __future__ import annotations

from i18n.formats.git import changes, in_repository, lines_at
from i18n.formats.ledger import Ledger
from i18n.model.findings import BLOCKING, WARNING, Finding
from i18n.model.locale import language_tag
from i18n.pipeline.signoff import Trusted
from i18n.project import Project


def problem_findings(locale: str, ledger: Ledger, trusted: Trusted) -> list[Finding]:
    """A finding for every line of ``locale``'s ledger that ``trusted`` does not count."""
    found: list[Finding] = []
    by_number = {x.number: x for x in ledger.lines}
    for problem in trusted.problems:
        line = by_number[problem.line]
        # a draft or a comment that does not count decides nothing: a warning
        drafted = line.event is not None and not line.event.decides
        found.append(
            Finding(
                f"ledger-{problem.code}",
                WARNING if drafted else BLOCKING,
                problem.message + ("; not counted" if not drafted else ""),
                locale=language_tag(locale),
                path=ledger.shown,
                line=problem.line,
            )
        )
    return found


# --- the ledger's history -----------------------------------------------------------------
# Lines are only ever added (merge=union merges add the lines of both sides). A line that an
# earlier version of the ledger had and a later one lacks was deleted or edited: in the
# working tree against the last commit, and in every commit against its parents.


def _gone(before: list[str], after: list[str]) -> list[int]:
    """1-based numbers of the lines of ``before`` that ``after`` lacks."""
    kept = set(after)
    return [n for n, line in enumerate(before, 1) if line not in kept]


def history_findings(project: Project, locales: list[str]) -> list[Finding]:
    """Deleted or edited ledger lines, from git: none when the project is not in git."""
    root = project.root
    if not in_repository(root):
        return []
    found: list[Finding] = []
    for locale in locales:
        path = project.ledger_path(locale)
        rel = project.rel(path)
        tag = language_tag(locale)

        def gone(message: str, tag: str = tag, rel: str = rel) -> Finding:
            return Finding("ledger-line-deleted", BLOCKING, message, locale=tag, path=rel)

        for commit, parents in changes(root, rel):
            after = lines_at(root, commit, rel)
            for parent in parents:
                for n in _gone(lines_at(root, parent, rel), after):
                    found.append(
                        gone(
                            f"line {n} of the ledger at {parent[:10]} is missing "
                            f"from commit {commit[:10]}: a line was deleted or edited"
                        )
                    )
        head = lines_at(root, "HEAD", rel)
        try:
            now = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
        except FileNotFoundError:
            now = []
        for n in _gone(head, now):
            found.append(
                gone(
                    f"line {n} of the last committed ledger is missing from the "
                    "working tree: a line was deleted or edited"
                )
            )
    return found

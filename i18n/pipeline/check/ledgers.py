"""The ledgers themselves: every line that does not count (unsigned, edited, signed by a key
nobody holds, by someone without the role, copied, reordered, following a deleted line) is a
violation naming the ledger and the line; see :mod:`i18n.pipeline.signoff` for the rules."""

from __future__ import annotations

from i18n.formats.ledger import Ledger
from i18n.formats.people import load_people
from i18n.model.findings import BLOCKING, WARNING, Finding
from i18n.model.locale import language_tag
from i18n.pipeline.signoff import trust
from i18n.project import Project


def ledger_findings(project: Project, locales: list[str]) -> list[Finding]:
    """A finding for every ledger line of ``locales`` that does not count."""
    people = load_people(project)
    found: list[Finding] = []
    for locale in locales:
        ledger = Ledger.read(project.ledger_path(locale))
        trusted = trust(ledger, people, sample_keys_allowed=project.settings.sample_keys)
        for problem in trusted.problems:
            line = next(x for x in ledger.lines if x.number == problem.line)
            drafted = line.event is not None and line.event.kind == "drafted"
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

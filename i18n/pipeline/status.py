"""Status: review-state counts per locale and catalog."""

from __future__ import annotations

from dataclasses import dataclass

import polib

from i18n.formats.people import load_people
from i18n.formats.po import read_po
from i18n.model.events import Rejected
from i18n.model.states import STATES, entry_state
from i18n.pipeline.signoff import Trusted, read_trusted
from i18n.project import Project

# --- statistics ---------------------------------------------------------------------------


@dataclass
class Counts:
    untranslated: int = 0
    draft: int = 0
    rejected: int = 0
    translated: int = 0
    approved: int = 0

    @property
    def total(self) -> int:
        return self.untranslated + self.draft + self.rejected + self.translated + self.approved

    def add(self, state: str, n: int = 1) -> None:
        setattr(self, state, getattr(self, state) + n)

    def as_dict(self) -> dict[str, int]:

        d = {s: getattr(self, s) for s in STATES}
        d["total"] = self.total
        return d


def catalog_counts(po: polib.POFile, ledger: Trusted, catalog: str | None = None) -> Counts:
    """Count entries by state, as msgfmt does: a fuzzy entry is not translated.
    ``catalog`` names the catalog (the domain) whose approvals count."""

    approved = ledger.approved_hashes(catalog)
    rejected = set(ledger.latest(Rejected, catalog))
    counts = Counts()
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        counts.add(entry_state(entry, approved, rejected))
    return counts


def status(project: Project) -> dict[str, dict[str, Counts]]:
    """``{locale: {domain: Counts}}`` for every locale with catalogs."""

    out: dict[str, dict[str, Counts]] = {}
    people = load_people(project)
    for locale in project.existing_locales():
        ledger = read_trusted(project, locale, people)
        per: dict[str, Counts] = {}
        folder = project.locales_dir / locale / "LC_MESSAGES"
        for path in sorted(folder.glob("*.po")):
            per[path.stem] = catalog_counts(read_po(path, project.rel(path)), ledger, path.stem)
        out[locale] = per
    return out

"""Status: review-state counts per locale and catalog.

A locale's counts are kept in ``.cache/i18n/status.json`` with a digest of everything they
came from: the bytes of its ledger and catalogs, people.yaml, the settings, the git commit
checked out (which ledger lines it holds) and the code. A later ``status`` (or ``queue``, for
a locale where nothing waits) whose inputs hash the same reads the counts, not the files. The
record is sealed like the verified signatures' (:mod:`i18n.pipeline.verified`): an approved
count is only what this machine user's own verification found; without the machine's cache
key every locale is counted afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polib

from i18n.formats.git import git
from i18n.formats.people import load_people
from i18n.formats.po import read_po
from i18n.formats.runcache import RunRecord, code_key
from i18n.model.events import Rejected
from i18n.model.people import People
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

    record = StatusRecord.open(project)
    out = {locale: record.counts(locale) for locale in project.existing_locales()}
    record.save()
    return out


def locale_counts(project: Project, locale: str, people: People) -> dict[str, Counts]:
    """``{domain: Counts}`` of one locale, from its files."""
    ledger = read_trusted(project, locale, people)
    per: dict[str, Counts] = {}
    for path in catalog_paths(project, locale):
        per[path.stem] = catalog_counts(read_po(path, project.rel(path)), ledger, path.stem)
    return per


def catalog_paths(project: Project, locale: str) -> list[Path]:
    return sorted((project.locales_dir / locale / "LC_MESSAGES").glob("*.po"))


@cache
def _status_code() -> str:
    return code_key("status", ("polib", "cryptography"))


class StatusRecord:
    """The counts of each locale as last computed, by the digest of their inputs (see the
    module's doc), with the messages (warnings) computing them gave, told again when read."""

    def __init__(self, project: Project) -> None:
        self.project = project
        path = project.cache_dir / "status.json"
        self.record = RunRecord.load_sealed(path, _status_code(), project.root)
        self.entries = dict(self.record.entries)
        self.changed = False
        self._people: People | None = None
        self._head = git(project.root, "rev-parse", "HEAD") or ""  # what trust_in_project sees

    @classmethod
    def open(cls, project: Project) -> StatusRecord:
        return cls(project)

    def inputs(self, locale: str) -> str:
        """The digest of what the locale's counts come from."""
        project = self.project
        h = hashlib.sha256(f"{locale}\0{self._head}\0{project.settings!r}\0".encode())
        for path in (project.people_file, project.ledger_path(locale)):
            h.update(_bytes(path) + b"\0")
        for path in catalog_paths(project, locale):
            h.update(path.name.encode() + b"\0" + _bytes(path) + b"\0")
        return h.hexdigest()

    def fresh(self, locale: str, inputs: str, *, tell: bool = True) -> dict[str, Counts] | None:
        """The recorded counts when ``inputs`` (the digest of the locale's inputs now) is
        what they were computed from (their messages told again, with ``tell``), else None."""
        kept = self.entries.get(locale)
        if not self.record.usable or not isinstance(kept, dict) or kept["inputs"] != inputs:
            return None
        for kind, text in kept["messages"] if tell else ():
            self.project.tell(kind, text)
        return {name: Counts(**counts) for name, counts in kept["counts"].items()}

    def counts(self, locale: str) -> dict[str, Counts]:
        """The locale's counts: recorded, or computed (and recorded)."""
        before = self.inputs(locale) if self.record.usable else ""
        found = self.fresh(locale, before)
        if found is not None:
            return found
        told = len(self.project.messages)
        if self._people is None:
            self._people = load_people(self.project)
        per = locale_counts(self.project, locale, self._people)
        self.keep(locale, before, per, self.project.messages[told:])
        return per

    def keep(
        self, locale: str, inputs: str, per: dict[str, Counts], messages: list[tuple[str, str]]
    ) -> None:
        """Record counts computed from inputs of digest ``inputs`` (taken before reading
        them), unless the inputs changed meanwhile."""
        if self.record.usable and self.inputs(locale) == inputs:
            self.entries[locale] = {
                "inputs": inputs,
                "messages": [list(m) for m in messages],
                "counts": {name: vars(c).copy() for name, c in per.items()},
            }
            self.changed = True

    def save(self) -> None:
        if self.changed:
            with contextlib.suppress(OSError):  # a read-only checkout counts every time
                self.record.save(self.entries)
            self.changed = False


def _bytes(path: Path) -> bytes:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"-"

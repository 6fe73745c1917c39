"""What translation QA found, kept from one run to the next (``.cache/i18n/qa/<locale>.json``).

QA is most of a ``check``: about 1.5 ms an entry, on every translated entry of every locale.
Its findings depend only on what :meth:`~i18n.pipeline.qa.Checker.run` reads: the entry's
context, source and translated forms, its flags (the template's added), the article's link
definitions (reference links), and the locale's checker (glossary, do-not-translate terms,
forbidden wording), besides the code and the libraries. The record of a locale is kept under
a key made of the code, the library versions and the checker's settings; each entry is found
by a hash of the rest. A changed entry, glossary or article misses and is checked again.

The findings decide what ``check`` reports and what ``approve`` refuses, so the record is
*sealed* with this machine's cache key (:meth:`~i18n.formats.runcache.RunRecord.load_sealed`):
a record that anyone but this machine's user made or edited is empty, and everything is
checked afresh. Without a usable key nothing is kept.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

import polib

from i18n.formats.links import Env
from i18n.formats.runcache import RunRecord, code_key
from i18n.model.findings import Finding
from i18n.pipeline.qa import Checker
from i18n.project import Project

# The libraries whose behaviour QA's findings follow.
LIBRARIES = ("translate-toolkit", "markdown-it-py", "babel", "polib")


@cache
def _code() -> str:
    return code_key("qa", LIBRARIES)


def checker_key(checker: Checker) -> str:
    """What a locale's findings depend on besides the entry: code, libraries, settings."""
    settings = {
        "locale": checker.locale,
        "dnt": checker.dnt,
        "required": sorted(checker.required.items()),
        "claims": [[p.pattern, p.flags] for p in checker.claims],
    }
    text = json.dumps([_code(), settings], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def env_key(env: Env | None) -> str:
    """A digest of an article's link definitions (what reference links resolve to)."""
    text = json.dumps(dict(env or {}), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def entry_key(entry: polib.POEntry, env: str) -> str:
    """A digest of everything of ``entry`` that QA reads (``env``: :func:`env_key`)."""
    forms = sorted(((int(k), v) for k, v in entry.msgstr_plural.items()), key=lambda kv: kv[0])
    text = json.dumps(
        [env, entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr, forms, entry.flags],
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()


class QaCache:
    """One locale's QA findings by :func:`entry_key`. The record keeps each distinct finding
    once (``findings``) and, per entry, the indexes of its findings (``entries``)."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        stored = record.entries
        table = stored.get("findings")
        known = stored.get("entries")
        self._old: dict[str, list[Finding]] = {}
        if isinstance(table, list) and isinstance(known, dict):
            try:
                found = [Finding(str(c), str(s), str(m)) for c, s, m in table]
                self._old = {k: [found[i] for i in v] for k, v in known.items()}
            except (TypeError, ValueError, IndexError):
                self._old = {}  # sealed yet malformed: made by other code; start again
        self._used: dict[str, list[Finding]] = {}
        self.hits = self.misses = 0

    @classmethod
    def open(cls, project: Project, checker: Checker) -> QaCache:
        path = project.root / ".cache" / "i18n" / "qa" / f"{checker.locale}.json"
        return cls(RunRecord.load_sealed(path, checker_key(checker), project.root))

    def get(self, key: str) -> list[Finding] | None:
        found = self._old.get(key)
        if found is None:
            found = self._used.get(key)
        if found is not None:
            self.hits += 1
            self._used[key] = found
            return list(found)
        self.misses += 1
        return None

    def put(self, key: str, findings: list[Finding]) -> None:
        self._used[key] = list(findings)

    def save(self, *, complete: bool) -> None:
        """Write the record when it changed. ``complete``: this run looked at every entry of
        the locale, so what it did not use is dropped; else the old entries are kept."""
        kept = self._used if complete else {**self._old, **self._used}
        if self.misses == 0 and kept.keys() == self._old.keys():
            return  # nothing new, nothing dropped
        table: dict[Finding, int] = {}
        entries: dict[str, list[int]] = {}
        for key in sorted(kept):
            entries[key] = [table.setdefault(f, len(table)) for f in kept[key]]
        rows: list[Any] = [[f.code, f.severity, f.message] for f in table]
        self.record.save({"findings": rows, "entries": entries})

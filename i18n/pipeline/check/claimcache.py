"""What ``i18n check`` found scanning approved text for forbidden wording in the pairs the
parent scans, kept from one check to the next (``.cache/i18n/check/claims.json``), so that a
pair none of whose inputs changed is not scanned again: no catalog parsed, no ledger read.

The parent scans the (country, language) pairs that no single locale's worker can
(:mod:`i18n.pipeline.check.locales`): a regional locale with catalogs of its own that falls
back to its language's (``de_CH`` reads ``de_CH`` and ``de``), a locale with no catalogs,
and the source language (the English articles themselves). A pair's findings depend only on:

- what every locale's work reads besides its folder (:func:`shared_inputs`: ``source/``,
  where the articles, the country's forbidden wording and ``people.yaml`` are, the templates,
  ``pyproject.toml``, the settings, today's date);
- for each locale of the pair's fallback chain, the digest of its folder and of its ledger as
  the last commit holds it (:func:`locale_inputs`, the key of that locale's own record);
- the code of the ``i18n`` package and its libraries (the record's key).

The record keeps, per pair, a digest of all of that and the findings; a pair whose digest
differs is scanned afresh. The findings decide what ``check`` reports, so the record is
*sealed* with this machine's cache key (:meth:`~i18n.formats.runcache.RunRecord.load_sealed`):
forged, edited, truncated or another machine's, it is empty; ``check --cold`` reads and
writes none.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any

from i18n.formats.runcache import RunRecord, code_key
from i18n.model.findings import Finding
from i18n.pipeline.check.localecache import LIBRARIES, finding_from_json, finding_json
from i18n.project import Project


def pair_inputs(shared: str, code: str, lang: str, chain: list[str]) -> str:
    """The digest of what the scan of ``(code, lang)`` reads: ``shared``
    (:func:`shared_inputs`) and ``chain``, the :func:`locale_inputs` of each locale of the
    pair's fallback chain, in order."""
    digest = hashlib.sha256(f"{shared}\0{code}\0{lang}\0".encode())
    for locale_digest in chain:
        digest.update(f"{locale_digest}\0".encode())
    return digest.hexdigest()


class ClaimRecord:
    """The parent's kept scans: ``{"pairs": {"<code> <lang>": [inputs, findings]}}``."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        pairs = record.entries.get("pairs")
        self.pairs: dict[str, Any] = dict(pairs) if isinstance(pairs, dict) else {}
        self.changed = False

    @classmethod
    def open(cls, project: Project) -> ClaimRecord:
        path = project.cache_dir / "check" / "claims.json"
        return cls(RunRecord.load_sealed(path, code_key("check claims", LIBRARIES), project.root))

    def get(self, code: str, lang: str, inputs: str) -> list[Finding] | None:
        """The findings kept for the pair when they were found from these inputs (None:
        scan it)."""
        kept = self.pairs.get(f"{code} {lang}")
        try:
            if kept is None or kept[0] != inputs:
                return None
            return [finding_from_json(f) for f in kept[1]]
        except (KeyError, IndexError, TypeError, ValueError):
            return None  # sealed yet malformed: made by other code; scan the pair

    def put(self, code: str, lang: str, inputs: str, found: list[Finding]) -> None:
        self.pairs[f"{code} {lang}"] = [inputs, [finding_json(f) for f in found]]
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        with contextlib.suppress(OSError):  # a read-only checkout scans every pair each time
            self.record.save({"pairs": self.pairs})

"""What ``i18n check`` found in each locale's own work, kept from one check to the next
(``.cache/i18n/check/locales/<locale>.json``), so that a locale none of whose inputs changed
is not read again: no catalog parsed, no ledger line read, no entry hashed.

A locale's part of the check (:mod:`i18n.pipeline.check.locales`: the ledger lines that do
not count, the QA counts, forbidden wording in the approved text of the countries that read
its catalogs alone, the messages its reading raised) depends only on:

- every file of the locale's folder (``locales/<locale>/``: its catalogs and its ledger);
- the templates (``locales/templates/``), every file of ``source/`` (articles: their link
  definitions and text; countries: languages, forbidden wording; people.yaml: keys, roles;
  the glossary), ``pyproject.toml`` and the settings read from it;
- the ledger as the last commit holds it (a line the working tree lacks was deleted);
- which (country, language) pairs the locale scans, and today's date (UTC);
- the code of the ``i18n`` package and the versions of the libraries it names (the
  record's key).

The record keeps a digest of all of that and the result; a check whose digest differs reads
the locale afresh and writes the record again. The result decides what ``check`` reports, so
the record is *sealed* with this machine's cache key
(:meth:`~i18n.formats.runcache.RunRecord.load_sealed`): forged, edited, truncated or another
machine's, it is empty; ``check --cold`` reads and writes none. The verdicts of the ledger's
lines are not kept: whoever needs them verifies the ledger again (through the record of
verified signatures, :mod:`i18n.pipeline.verified`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from i18n.formats.git import in_repository, lines_at
from i18n.formats.runcache import RunRecord, code_key
from i18n.model.findings import Finding
from i18n.project import Project

LIBRARIES = (
    "translate-toolkit",
    "markdown-it-py",
    "mdit-py-plugins",
    "babel",
    "polib",
    "pyyaml",
    "cryptography",
)


def _files(folder: Path, digest: Any, root: Path) -> None:
    """Feed ``digest`` with every file under ``folder`` (paths and bytes, sorted)."""
    if not folder.is_dir():
        digest.update(f"{folder.relative_to(root).as_posix()} -\0".encode())
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def shared_inputs(project: Project) -> str:
    """The digest of what every locale's work reads besides its own folder."""
    digest = hashlib.sha256()
    digest.update(f"{project.settings!r}\0{dt.datetime.now(dt.UTC).date()}\0".encode())
    digest.update(f"git {in_repository(project.root)}\0".encode())
    for name in ("pyproject.toml",):
        path = project.root / name
        data = path.read_bytes() if path.is_file() else b"-"
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    _files(project.pot_dir, digest, project.root)
    _files(project.root / "source", digest, project.root)
    return digest.hexdigest()


def locale_inputs(project: Project, locale: str, shared: str, pairs: list[list[str]]) -> str:
    """The digest of everything ``locale``'s work reads (``shared``: :func:`shared_inputs`,
    ``pairs``: the (country, language) pairs it scans)."""
    digest = hashlib.sha256(f"{shared}\0{locale}\0{pairs!r}\0".encode())
    _files(project.locales_dir / locale, digest, project.root)
    if in_repository(project.root):
        committed = lines_at(project.root, "HEAD", project.rel(project.ledger_path(locale)))
        digest.update(b"HEAD\0" + "\n".join(committed).encode())
    return digest.hexdigest()


def finding_json(f: Finding) -> list[Any]:
    """A finding as a JSON list (:func:`finding_from_json` reads it back)."""
    where = [f.country, f.locale, f.article, f.path, f.line, f.snippet]
    return [f.code, f.severity, f.message, *where]


def finding_from_json(value: Any) -> Finding:
    """The finding :func:`finding_json` wrote (ValueError, TypeError when malformed)."""
    code, severity, message, country, locale, article, path, line, snippet = value
    return Finding(
        str(code),
        str(severity),
        str(message),
        _opt(country),
        _opt(locale),
        _opt(article),
        _opt(path),
        None if line is None else int(line),
        _opt(snippet),
    )


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


class LocaleRecord:
    """One locale's kept result: ``{"inputs": digest, "result": ...}``."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record

    @classmethod
    def open(cls, project: Project, locale: str) -> LocaleRecord:
        path = project.cache_dir / "check" / "locales" / f"{locale}.json"
        return cls(RunRecord.load_sealed(path, code_key("check locale", LIBRARIES), project.root))

    @property
    def usable(self) -> bool:
        return self.record.usable

    def get(self, inputs: str) -> dict[str, Any] | None:
        """The kept result when it was found from these inputs (None: read the locale)."""
        if self.record.entries.get("inputs") != inputs:
            return None
        value = self.record.entries.get("result")
        try:
            return {
                "reviewed": str(value["reviewed"]),
                "ledger": [finding_from_json(f) for f in value["ledger"]],
                "qa": {str(k): int(v) for k, v in value["qa"].items()},
                "claims": {
                    (str(cc), str(lang)): [finding_from_json(f) for f in found]
                    for cc, lang, found in value["claims"]
                },
                "messages": [(str(kind), str(text)) for kind, text in value["messages"]],
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # sealed yet malformed: made by other code; read the locale

    def put(
        self,
        inputs: str,
        reviewed: str,
        ledger: list[Finding],
        qa: dict[str, int],
        claims: dict[tuple[str, str], list[Finding]],
        messages: list[tuple[str, str]],
    ) -> None:
        result = {
            "reviewed": reviewed,
            "ledger": [finding_json(f) for f in ledger],
            "qa": dict(qa),
            "claims": [
                [cc, lang, [finding_json(f) for f in found]] for (cc, lang), found in claims.items()
            ],
            "messages": [list(m) for m in messages],
        }
        with contextlib.suppress(OSError):  # a read-only checkout reads every locale each time
            self.record.save({"inputs": inputs, "result": result})

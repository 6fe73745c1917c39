"""Plural rules in use: where a catalog's Plural-Forms header differs from CLDR's current rule
(a warning of ``status`` and ``check``, never an error), and the explicit migration of a
locale's catalogs to CLDR's rule (``i18n update --locale L --migrate-plurals``).

A catalog keeps the rule it was created with (:mod:`i18n.model.plurals`): its forms were
written and approved for it. Migrating rewrites the header and moves each entry's forms to
their new places; a form the old rule did not have stays empty, so the entry is no longer
translated and its approval (a hash of all its forms) no longer applies: nothing that a
reviewer has not seen in its new shape is published.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import babel
import polib

from i18n.formats.filedigests import FileDigests
from i18n.formats.fs import read_text
from i18n.formats.po import parse_po, plural_rule, read_po
from i18n.formats.runcache import RunRecord, code_key
from i18n.model.findings import WARNING, Finding
from i18n.model.locale import language_tag
from i18n.model.plurals import (
    PluralRule,
    cldr_rule,
    form_mapping,
    parse_plural_forms,
    remap_forms,
)
from i18n.project import Project

MIGRATE_HINT = "i18n update --locale {locale} --migrate-plurals"


@dataclass(frozen=True)
class Drift:
    """A catalog whose Plural-Forms header is not CLDR's current rule for its locale."""

    locale: str
    path: str  # as shown (project-relative)
    line: int | None  # of the Plural-Forms header
    catalog: PluralRule
    cldr: PluralRule

    @property
    def message(self) -> str:
        return (
            f"Plural-Forms '{self.catalog.header}' differs from CLDR's rule for {self.locale} "
            f"(Babel {babel.__version__}) '{self.cldr.header}'; the catalog's rule stays in "
            f"force; to migrate: {MIGRATE_HINT.format(locale=self.locale)}"
        )


def _header_of(path: Path, shown: str) -> tuple[polib.POFile, int | None]:
    """The catalog's header entry (and the line of its Plural-Forms), without parsing the
    entries: the first lines up to the first blank line. A file whose header does not parse
    alone is read whole, so its error names the file and line as every reader's does."""
    if path.is_symlink():
        read_po(path, shown)  # refused, naming the file
    head = _head(path, shown)
    try:
        po = parse_po(head + "\n")
    except (OSError, ValueError):
        po = None
    if po is None or "Plural-Forms" not in po.metadata:  # a blank line inside the comments
        po = read_po(path, shown)
        head = read_text(path, shown)
    line = next((i for i, x in enumerate(head.split("\n"), 1) if "Plural-Forms" in x), None)
    return po, line


_HEAD = 16384  # bytes: a catalog's header is a few hundred


def _head(path: Path, shown: str) -> str:
    """The text of the catalog up to its first blank line: from its first bytes when they
    hold that line and no carriage return (the common case: the rest of the file, the bulk of
    it, is not read), else from :func:`read_text` of the whole file."""
    try:
        with path.open("rb") as f:
            first = f.read(_HEAD)
    except OSError:
        first = b""  # read_text names the file
    end = first.find(b"\n\n")
    if end >= 0 and b"\r" not in first[:end]:
        with contextlib.suppress(UnicodeDecodeError):
            return first[:end].decode("utf-8-sig")
    return read_text(path, shown).partition("\n\n")[0]


def drifts(
    project: Project, locales: list[str], headers: HeaderRecord | None = None
) -> list[Drift]:
    """Every catalog of ``locales`` whose Plural-Forms header is not CLDR's current rule (the
    same rule written otherwise, ``n != 1`` for ``(n != 1)``, is the same rule). With
    ``headers``, a catalog whose bytes were read before is not read again."""
    found: list[Drift] = []
    for locale in locales:
        folder = project.locales_dir / locale / "LC_MESSAGES"
        if not folder.is_dir():
            continue
        cldr = cldr_rule(locale)
        where = project.rel(folder.resolve())  # resolved once, not once per catalog
        for path in sorted(folder.glob("*.po")):
            shown = f"{where}/{path.name}"
            header, line = headers.get(path, shown) if headers else _plural_forms(path, shown)
            if header is None:
                continue
            try:
                rule = parse_plural_forms(header)
            except ValueError:
                read_po(path, shown)  # the reader's own error, naming file and line
                raise
            if not rule.same_as(cldr):
                found.append(Drift(locale, shown, line, rule, cldr))
    return found


def _plural_forms(path: Path, shown: str) -> tuple[str | None, int | None]:
    """The catalog's Plural-Forms header (None: it has none) and its line."""
    po, line = _header_of(path, shown)
    return po.metadata.get("Plural-Forms"), line


class HeaderRecord:
    """The Plural-Forms header of each catalog by its bytes' SHA-256 (known from its stat:
    :class:`~i18n.formats.filedigests.FileDigests`), kept sealed among the check's records:
    a catalog that did not change is not read for it."""

    NAME = "plurals.json"

    def __init__(self, project: Project, files: FileDigests) -> None:
        self.files = files
        key = code_key("plural headers", ("polib",))
        path = project.cache_dir / "check" / self.NAME
        self.record = RunRecord.load_sealed(path, key, project.root)
        self.kept: dict[str, list[object]] = {}

    def get(self, path: Path, shown: str) -> tuple[str | None, int | None]:
        if path.is_symlink():
            read_po(path, shown)  # refused, naming the file
        try:
            digest = self.files.sha256(path)
        except OSError:
            digest = None
        entry = self.record.entries.get(digest) if digest else None
        if (
            isinstance(entry, list)
            and len(entry) == 2
            and (entry[0] is None or isinstance(entry[0], str))
            and (entry[1] is None or type(entry[1]) is int)
        ):
            self.kept[digest] = entry  # type: ignore[index]
            return entry[0], entry[1]
        header, line = _plural_forms(path, shown)
        if digest:
            self.kept[digest] = [header, line]
        return header, line

    def save(self) -> None:
        """Keep the headers of the catalogs read in this run (and only those)."""
        if self.record.usable and self.kept != self.record.entries:
            self.record.save(dict(sorted(self.kept.items())))


def drift_findings(
    project: Project, locales: list[str], headers: HeaderRecord | None = None
) -> list[Finding]:
    """``check``'s warnings: one per catalog whose rule differs from CLDR's."""
    return [
        Finding(
            "plural-forms-differ",
            WARNING,
            d.message,
            locale=language_tag(d.locale),
            path=d.path,
            line=d.line,
        )
        for d in drifts(project, locales, headers)
    ]


@dataclass
class Migration:
    """What migrating one catalog did."""

    old: PluralRule
    new: PluralRule
    entries: int = 0  # plural entries (live) whose forms moved or gained an empty form
    untranslated: int = 0  # of these, entries left with an empty form (approval void)


def migrate_catalog(po: polib.POFile, locale: str) -> Migration | None:
    """Move ``po`` (in place) to CLDR's current rule for ``locale``; None when it has it."""
    old = plural_rule(po)
    new = cldr_rule(locale)
    if "Plural-Forms" in po.metadata and old.same_as(new) and old.header == new.header:
        return None
    mapping = form_mapping(old, new)
    done = Migration(old, new)
    for entry in po:
        if not entry.msgid_plural:
            continue
        before = {int(k): v for k, v in entry.msgstr_plural.items()}
        entry.msgstr_plural = remap_forms(before, mapping, new.nplurals)
        if entry.obsolete or entry.msgstr_plural == before:
            continue
        done.entries += 1
        if any(before.values()) and not all(entry.msgstr_plural.values()):
            done.untranslated += 1
    po.metadata["Plural-Forms"] = new.header
    return done

"""Resolve: each catalog entry through the locale's fallback chain (``de_CH`` then ``de``),
with its review state from the locale's ledger."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import polib

from i18n.formats.links import link_targets
from i18n.formats.people import load_people
from i18n.formats.po import plural_rule, read_po, refuse_link
from i18n.model.article import Article
from i18n.model.events import Approved
from i18n.model.locale import fallback_chain
from i18n.model.states import (
    APPROVED,
    content_hash,
    entry_state,
    is_translated,
)
from i18n.pipeline.signoff import Trusted, read_trusted
from i18n.project import Project

Key = tuple[str | None, str]
# --- catalogs through the fallback chain --------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """The entry that decides a (msgctxt, msgid) for a locale: the first catalog of the chain
    that has it translated (or the first that has it at all)."""

    entry: polib.POEntry
    catalog: str  # e.g. "de_CH/site"
    state: str
    hash: str
    plural_index: Callable[[int], int]

    @property
    def approved(self) -> bool:
        return self.state == APPROVED


class CatalogStore:
    """Reads each PO file and ledger once per render and resolves entries through chains."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._po: dict[tuple[str, str], polib.POFile | None] = {}
        self.people = load_people(project)
        self._ledgers: dict[str, Trusted] = {}
        self._approved: dict[tuple[str, str], dict[str, Approved]] = {}
        self._digests: dict[tuple[str, str], str | None] = {}
        self._approval_digests: dict[tuple[str, str], str] = {}
        self._resolved: dict[tuple[str, str], dict[Key, Resolved]] = {}
        self._texts: dict[tuple[str, str], dict[Key, Approved]] = {}
        self._links: dict[tuple[str, str], list[str]] = {}
        # one string object per distinct text and hash of a language's plans (every country
        # of the language resolves the same entries: its plans share their hashes)
        self.shared: dict[str, str] = {}
        self.read: set[str] = set()  # locales whose catalogs or ledger were read (de_CH)

    def release(self, language: str) -> None:
        """Forget what was read for the locales of ``language`` (``de``, ``de_CH``, ...), so
        that a render holds one language's catalogs and ledgers at a time, not the library's."""

        def of(locale: str) -> bool:
            return locale.split("_")[0] == language

        for cached in (
            self._po,
            self._approved,
            self._digests,
            self._approval_digests,
            self._resolved,
            self._texts,
        ):
            for key in [k for k in cached if of(k[0])]:
                del cached[key]
        for locale in [loc for loc in self._ledgers if of(loc)]:
            del self._ledgers[locale]
        self.shared.clear()  # (the plans keep the strings themselves)

    def links(self, article: Article, text: str) -> list[str]:
        """:func:`link_targets` of a text in an article, computed once per render."""
        key = (article.slug, text)
        if key not in self._links:
            self._links[key] = link_targets(text, article.env)
        return self._links[key]

    def po(self, locale: str, domain: str) -> polib.POFile | None:
        key = (locale, domain)
        if key not in self._po:
            self.read.add(locale)
            path = self.project.po_path(locale, domain)
            self._po[key] = read_po(path, self.project.rel(path)) if path.is_file() else None
        return self._po[key]

    def _trusted(self, locale: str) -> Trusted:
        if locale not in self._ledgers:
            self.read.add(locale)
            self._ledgers[locale] = read_trusted(self.project, locale, self.people)
        return self._ledgers[locale]

    def approved(self, locale: str, domain: str) -> set[str]:
        """Hashes approved for ``domain`` (an article or the site) in ``locale``'s ledger, by
        signed approvals that count (:mod:`i18n.pipeline.signoff`)."""
        return set(self._approvals(locale, domain))

    def _approvals(self, locale: str, domain: str) -> dict[str, Approved]:
        key = (locale, domain)
        if key not in self._approved:
            self._approved[key] = self._trusted(locale).approvals(domain)
        return self._approved[key]

    def catalog_digest(self, locale: str, domain: str) -> str | None:
        """The SHA-256 of the bytes of ``locale``'s catalog of ``domain`` (None: there is
        none), without parsing it."""
        key = (locale, domain)
        if key not in self._digests:
            self.read.add(locale)
            path = self.project.po_path(locale, domain)
            if path.is_symlink():  # refused as reading it would be: never trusted
                refuse_link(path, self.project.rel(path))
            self._digests[key] = (
                hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
            )
        return self._digests[key]

    def inputs(self, locale: str, domain: str) -> str:
        """A digest of everything :meth:`resolve` and :meth:`approved_texts` read for
        ``domain`` along ``locale``'s chain: the bytes of each catalog and the approvals that
        hold (their events, as the signatures were verified). No catalog is parsed."""
        digest = hashlib.sha256(domain.encode() + b"\0")
        for loc in fallback_chain(locale):
            catalog = self.catalog_digest(loc, domain)  # a catalog refused before its ledger
            approvals = self._approvals_digest(loc, domain)
            digest.update(f"{loc}\0{catalog}\0{approvals}\0".encode())
        return digest.hexdigest()

    def _approvals_digest(self, loc: str, domain: str) -> str:
        """The digest of the approvals that hold for ``domain`` in ``loc``'s own ledger, once
        per render (``de``'s is in the key of each country's German plans)."""
        key = (loc, domain)
        if key not in self._approval_digests:
            digest = hashlib.sha256()
            if self.project.ledger_path(loc).is_file():
                for text, event in sorted(self._approvals(loc, domain).items()):
                    digest.update(repr(_approval_key(text, event)).encode())
            self._approval_digests[key] = digest.hexdigest()
        return self._approval_digests[key]

    def approved_texts(self, locale: str, domain: str) -> dict[Key, Approved]:
        """``{(msgctxt, msgid): approval}`` of every singular text approved for ``domain``
        along ``locale``'s chain, whatever the catalogs hold now: the texts an outdated page
        may show. The first locale of the chain with an approval decides, then the newest
        approval; an event whose texts do not give its hash is ignored."""
        cache_key = (locale, domain)
        if cache_key in self._texts:
            return self._texts[cache_key]
        out: dict[Key, Approved] = {}
        for loc in fallback_chain(locale):
            found: dict[Key, Approved] = {}
            for digest, event in self._approvals(loc, domain).items():
                if event.msgid_plural is not None or event.msgstr_plural is not None:
                    continue
                entry = polib.POEntry(msgctxt=event.msgctxt, msgid=event.msgid, msgstr=event.msgstr)
                if content_hash(entry) != digest:
                    continue
                key = (event.msgctxt, event.msgid)
                if key not in found or (found[key].time, found[key].hash) < (event.time, digest):
                    found[key] = event
            for key, event in found.items():
                out.setdefault(key, event)
        self._texts[cache_key] = out
        return out

    def resolve(self, locale: str, domain: str) -> dict[Key, Resolved]:
        """``{(msgctxt, msgid): Resolved}`` for ``locale`` (``de_CH`` -> de_CH, then de)."""
        cache_key = (locale, domain)
        if cache_key in self._resolved:
            return self._resolved[cache_key]
        out: dict[Key, Resolved] = {}
        untranslated: dict[Key, Resolved] = {}
        for loc in fallback_chain(locale):
            po = self.po(loc, domain)
            if po is None:
                continue
            plural = _plural_function(po)
            approved = self.approved(loc, domain)
            for entry in po:
                if entry.obsolete or not entry.msgid:
                    continue
                key = (entry.msgctxt, entry.msgid)
                if key in out:
                    continue
                digest = content_hash(entry)
                digest = self.shared.setdefault(digest, digest)
                res = Resolved(
                    entry,
                    f"{loc}/{domain}",
                    entry_state(entry, approved, digest=digest),
                    digest,
                    plural,
                )
                if is_translated(entry):
                    out[key] = res
                else:
                    untranslated.setdefault(key, res)
        for key, res in untranslated.items():
            out.setdefault(key, res)
        self._resolved[cache_key] = out
        return out


def _approval_key(text: str, event: Approved) -> tuple[object, ...]:
    """What the plan reads of an approval that holds (its text and time; not its signature,
    which the ledger's verification has already judged)."""
    fields = (event.msgctxt, event.msgid, event.msgstr, event.msgid_plural, event.msgstr_plural)
    return (text, event.time, *fields)


def _plural_function(po: polib.POFile) -> Callable[[int], int]:
    """Which form a number picks, by the catalog's own Plural-Forms header (the rule its
    forms were written and approved for), never by the installed Babel's CLDR rule."""
    return plural_rule(po).index

"""Review states and the approvals ledger.

States are derived, never stored twice: a catalog entry's text and flags plus the locale's
append-only ledger (``locales/<lang>/approvals.jsonl``) decide whether an entry is
untranslated, draft, translated (awaiting review), rejected or approved. An approval binds to
a hash of the entry's content, not to its formatting.

>>> import polib
>>> e = polib.POEntry(msgid="Clot", msgstr="Gerinnsel")
>>> content_hash(e) == content_hash(polib.POEntry(msgid="Clot", msgstr="Gerinnsel", tcomment="x"))
True
>>> content_hash(e) == content_hash(polib.POEntry(msgid="Clot", msgstr="Gerinnsel!"))
False
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polib

from i18n.errors import I18nError
from i18n.formats.country import load_countries, load_glossary
from i18n.formats.draft_comment import COPY, MEMORY, read_origin
from i18n.formats.git import in_repository, lines_at
from i18n.formats.ledger import Ledger, Signing, line_digest
from i18n.formats.people import load_people
from i18n.formats.po import read_po, write_po
from i18n.model.events import (
    COMMENT_LIMIT,
    MIGRATED,
    Approved,
    Commented,
    Drafted,
    LedgerEvent,
    Rejected,
    Revoked,
    utc_now,
)
from i18n.model.locale import normalize_locale
from i18n.model.people import REVIEWER, TRANSLATOR, People, Person
from i18n.model.states import (
    APPROVED,
    DRAFT,
    REJECTED,
    STATES,
    TRANSLATED,
    UNTRANSLATED,
    content_hash,
    entry_id,
    entry_state,
)
from i18n.pipeline.authorship import UNKNOWN, Author, Authors
from i18n.pipeline.claims import language_patterns
from i18n.pipeline.qa import ArticleEnvs, Checker, Env
from i18n.pipeline.qa_cache import QaCache, entry_key, env_key
from i18n.pipeline.signoff import Verdicts, trust_in_project
from i18n.pipeline.status import Counts, StatusRecord, catalog_counts

if TYPE_CHECKING:
    from i18n.model.country import Country, Glossary
    from i18n.pipeline.qa import Checker, Env, Finding
    from i18n.project import Project


# --- draft reasons and word diffs ---------------------------------------------------------

SOURCE_CHANGED = "source changed"


def draft_reason(entry: polib.POEntry, drafted: dict[str, Drafted]) -> str:
    """Why a fuzzy entry is a draft: ``source changed`` (msgmerge kept the old translation and
    recorded the previous msgid), ``memory``, ``copy of the source``, ``machine (<provider>)``
    (from the ledger's ``drafted`` event for the entry's exact text, else the draft comment
    the translate command writes), or plain ``fuzzy`` when nothing says more.

    >>> e = polib.POEntry(msgid="a", msgstr="b", flags=["fuzzy"], tcomment="machine draft: libre")
    >>> draft_reason(e, {})
    'machine (libre)'
    >>> ev = Drafted(hash=content_hash(e), catalog="x", msgctxt=None, msgid="a", provider="memory")
    >>> draft_reason(e, {ev.hash: ev})
    'memory'
    >>> e.tcomment = "machine draft (deepl); review before approval"
    >>> draft_reason(e, {})
    'machine (deepl)'
    """
    if entry.previous_msgid is not None and entry.previous_msgid != entry.msgid:
        return SOURCE_CHANGED
    event = drafted.get(content_hash(entry))
    provider = event.provider if event and event.provider else read_origin(entry.tcomment or "")
    if provider is None:
        return "fuzzy"
    kind = provider.lower()
    return (
        "memory"
        if kind == MEMORY
        else "copy of the source"
        if kind == COPY
        else (f"machine ({provider})")
    )


_WORD = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff as (op, text) pairs, op one of ``=``, ``-``, ``+``.

    >>> word_diff("at least 3 months", "at least 6 months")
    [('=', 'at least '), ('-', '3'), ('+', '6'), ('=', ' months')]
    """
    a, b = _WORD.findall(old), _WORD.findall(new)
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def format_word_diff(parts: list[tuple[str, str]]) -> str:
    """``git diff --word-diff=plain`` notation: ``[-removed-]{+added+}``."""
    return "".join(
        text if op == "=" else f"[-{text}-]" if op == "-" else f"{{+{text}+}}" for op, text in parts
    )


# --- the review queue ---------------------------------------------------------------------

QUEUE_STATES = (DRAFT, REJECTED, TRANSLATED)  # what a reviewer looks at by default


@dataclass
class Item:
    """One entry of one locale's catalog, with its derived state."""

    locale: str
    catalog: str
    entry: polib.POEntry
    state: str
    reason: str | None = None
    findings: list[Finding] = field(default_factory=list)
    event: Approved | Rejected | None = None  # the decision behind the state

    @functools.cached_property
    def id(self) -> str:
        return entry_id(self.locale, self.catalog, self.entry.msgctxt, self.entry.msgid)

    @property
    def hash(self) -> str:
        return content_hash(self.entry)

    @property
    def msgstr(self) -> str:
        e = self.entry
        if e.msgid_plural:
            return e.msgstr_plural.get(0, e.msgstr_plural.get("0", "")) or ""
        return e.msgstr or ""

    @property
    def plural(self) -> bool:
        return bool(self.entry.msgid_plural)

    @property
    def previous_msgid(self) -> str | None:
        prev = self.entry.previous_msgid
        return prev if self.reason == SOURCE_CHANGED else None

    def diff(self) -> list[tuple[str, str]] | None:
        prev = self.previous_msgid
        return word_diff(prev, self.entry.msgid) if prev is not None else None

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    def as_dict(self) -> dict[str, Any]:
        e = self.entry
        d: dict[str, Any] = {
            "id": self.id,
            "locale": self.locale,
            "catalog": self.catalog,
            "msgctxt": e.msgctxt,
            "msgid": e.msgid,
            "msgstr": self.msgstr,
            "state": self.state,
            "reason": self.reason,
            "findings": [f.as_dict() for f in self.findings],
        }
        if e.msgid_plural:
            d["msgid_plural"] = e.msgid_plural
            d["msgstr_plural"] = [e.msgstr_plural[k] for k in sorted(e.msgstr_plural, key=int)]
        diff = self.diff()
        if diff is not None:
            d["previous_msgid"] = self.previous_msgid
            d["diff"] = format_word_diff(diff)
        d["hash"] = self.hash
        d["references"] = [f"{f}:{n}" if n else f for f, n in e.occurrences]
        if self.event and self.state in (APPROVED, REJECTED):
            d["reviewer"] = self.event.reviewer
            d["time"] = self.event.time
        return d


@dataclass
class ReviewCatalog:
    """One catalog (an article or the site) of the locale under review."""

    name: str
    path: Path
    po: polib.POFile

    @property
    def last_translator(self) -> str:
        return str(self.po.metadata.get("Last-Translator", "")).strip()


class LocaleReview:
    """Catalogs and ledger of one locale: states, the queue, approvals and rejections.

    The project-level functions (:func:`open_review`) build it; the CLI calls its methods.
    """

    def __init__(
        self,
        project: Project,
        locale: str,
        catalogs: list[ReviewCatalog],
        ledger: Ledger,
        checker: Checker,
        people: People,
        verdicts: Verdicts | None = None,
    ) -> None:
        self.project = project
        self.locale = locale
        self.catalogs = catalogs
        self.ledger = ledger
        self.checker = checker
        self.people = people
        self.trusted = trust_in_project(project, ledger, people, verdicts)
        self._templates: dict[str, dict[tuple[str | None, str], polib.POEntry] | None] = {}
        self._envs: dict[str, Env | None] = ArticleEnvs(project)
        self._env_keys: dict[str, str] = {}
        # QA findings by everything they depend on in the entry, kept by a caller that reads
        # the same sources again (the review server); None: not kept
        self.findings_memo: dict[tuple[Any, ...], list[Finding]] | None = None
        # QA findings kept from earlier runs (:mod:`i18n.pipeline.qa_cache`); None: not kept
        self.qa_cache: QaCache | None = None

    @classmethod
    def open(
        cls,
        project: Project,
        locale: str,
        glossary: Glossary | None = None,
        people: People | None = None,
        countries: list[Country] | None = None,
        envs: dict[str, Env | None] | None = None,
        *,
        only: str | None = None,
        verdicts: Verdicts | None = None,
    ) -> LocaleReview:
        """The locale's catalogs (``only``: just that one, for an action on one of its
        entries) and its ledger, verified (``verdicts``: see
        :func:`~i18n.pipeline.signoff.trust`); ``glossary``, ``people`` and ``countries`` are
        read from the project unless a caller that opens several locales passes them (and
        ``envs``, the articles' link definitions, which are the same in every locale)."""
        locale = normalize_locale(locale)
        folder = project.locales_dir / locale / "LC_MESSAGES"
        if not folder.is_dir():
            raise I18nError(
                f"no catalogs for locale {locale!r}; {project.locale_hint(locale)}",
                project.rel(folder),
            )
        paths = sorted(folder.glob("*.po")) if only is None else [folder / f"{only}.po"]
        catalogs = [
            ReviewCatalog(p.stem, p, read_po(p, project.rel(p))) for p in paths if p.is_file()
        ]
        ledger = Ledger.read(project.ledger_path(locale), project.warn)
        glossary = glossary if glossary is not None else load_glossary(project)
        countries = countries if countries is not None else load_countries(project)
        claims = language_patterns(countries, locale)
        people = people if people is not None else load_people(project)
        checker = Checker(locale, glossary, claims)
        review = cls(project, locale, catalogs, ledger, checker, people, verdicts)
        if envs is not None:
            review._envs = envs
        return review

    def keep_findings(self) -> None:
        """Read QA findings from this machine's sealed record of earlier runs, and keep the
        new ones (:mod:`i18n.pipeline.qa_cache`; :meth:`save_findings` writes them)."""
        self.qa_cache = QaCache.open(self.project, self.checker)

    def save_findings(self, *, complete: bool) -> None:
        """Write the record of QA findings; ``complete``: every entry was looked at, so the
        findings of entries no longer in the catalogs go."""
        if self.qa_cache is not None:
            self.qa_cache.save(complete=complete)

    def reuse(self, earlier: LocaleReview) -> None:
        """Keep what ``earlier`` (a review of the same locale from the same sources) read of
        the templates and the articles' links."""
        self._templates = earlier._templates
        self._envs = earlier._envs

    def catalog(self, name: str) -> ReviewCatalog:
        for c in self.catalogs:
            if c.name == name:
                return c
        known = ", ".join(c.name for c in self.catalogs)
        raise I18nError(f"no catalog {name!r} for locale {self.locale} (known: {known})")

    def items(self, catalog: str | None = None, states: Iterable[str] = STATES) -> list[Item]:
        """Every live entry in one of ``states`` (default: any), in catalog order, with
        state, reason and QA findings."""
        out = []
        wanted = set(states)
        cats = [self.catalog(catalog)] if catalog else self.catalogs
        for cat in cats:
            approvals = self.trusted.approvals(cat.name)
            approved = set(approvals)
            rejections = self.trusted.latest(Rejected, cat.name)
            rejected = set(rejections)
            drafted = self.trusted.latest(Drafted, cat.name)
            for entry in cat.po:
                if entry.obsolete or not entry.msgid:
                    continue
                state = entry_state(entry, approved, rejected)
                if state not in wanted:  # no QA for an item nobody asked for
                    continue
                h = content_hash(entry)
                item = Item(self.locale, cat.name, entry, state)
                if state == DRAFT:
                    item.reason = draft_reason(entry, drafted)
                elif state == REJECTED:
                    item.event = rejections[h]
                    item.reason = f"rejected: {rejections[h].reason or ''}".rstrip()
                elif state == APPROVED:
                    item.event = approvals.get(h)
                if state != UNTRANSLATED:
                    item.findings = self._checked(cat.name, entry)
                out.append(item)
        return out

    def find(self, ids: Iterable[str]) -> list[Item]:
        """Items by id; an unknown id is an error (nothing is done)."""
        wanted = list(dict.fromkeys(ids))
        by_id = {item.id: item for item in self.items()}
        unknown = [i for i in wanted if i not in by_id]
        if unknown:
            raise I18nError(
                f"no entry with id {', '.join(unknown)} in locale {self.locale} "
                "(see 'i18n queue --locale " + self.locale + "')"
            )
        return [by_id[i] for i in wanted]

    def _require_reviewer(self, person: Person) -> None:
        today = dt.datetime.now(dt.UTC).date()
        if not person.holds(REVIEWER, self.locale, today):
            raise I18nError(
                f"{person.name} is not a reviewer for {self.locale} today",
                self.people.path,
                person.line,
            )

    def approve(
        self,
        items: list[Item],
        signing: Signing,
        person: Person,
        *,
        explicit: bool,
        override: str | None = None,
    ) -> ApprovalReport:
        """Append a signed approval for every translated item without a blocking finding (or
        with one, when ``override`` gives the reason) that ``person`` did not write. Never
        touches the .po files.

        An item named on purpose (``explicit``) that another reviewer approved already is
        signed again by ``person``: a co-signature, both approvals on the record (two
        reviewers approving the same text at once each sign it). A text ``person`` approved
        already is not signed again, nor an approved text met in a bulk approval."""
        self._require_reviewer(person)
        if override is not None and not override.strip():
            raise I18nError("--override needs a reason")
        report = ApprovalReport()
        authors: dict[str, Authors] = {}
        events: list[Approved] = []
        now = utc_now()
        signed: dict[str, dict[str, list[Approved]]] = {}
        for item in items:
            if item.state == APPROVED:
                if item.catalog not in signed:
                    signed[item.catalog] = self.trusted.holding(item.catalog)
                by = {e.person for e in signed[item.catalog].get(item.hash, [])}
                if not explicit or person.id in by:
                    report.already.append(item)  # nothing to add
                    continue
            elif item.state != TRANSLATED:
                (report.refused if explicit else report.skipped).append(
                    (
                        item,
                        f"state is {item.state}: only translated (non-fuzzy) entries "
                        "can be approved",
                    )
                )
                continue
            shape = self._shape_problem(item)
            if shape:
                report.refused.append((item, shape))  # never overridable: it cannot render
                continue
            blocking_findings = item.blocking
            if blocking_findings and override is None:
                report.refused.append((item, "; ".join(str(f) for f in blocking_findings)))
                continue
            if item.catalog not in authors:
                authors[item.catalog] = Authors(self.catalog(item.catalog).path, self.people)
            author = authors[item.catalog].of(item.entry)
            if author.who in (person.id, person.email):
                report.refused.append(
                    (
                        item,
                        f"{person.name} wrote this text (commit {author.commit}): "
                        "a second person must approve it (four eyes)",
                    )
                )
                continue
            if author.who is None:
                report.unknown_author.append(item)
            forms = item.entry.msgstr_plural
            plural = tuple(forms[k] for k in sorted(forms, key=int)) if item.plural else None
            event = Approved(
                hash=item.hash,
                catalog=item.catalog,
                msgctxt=item.entry.msgctxt,
                msgid=item.entry.msgid,
                msgstr=item.msgstr,
                msgid_plural=item.entry.msgid_plural or None,
                msgstr_plural=plural,
                reviewer=person.name,
                time=now,
                override=override.strip() if blocking_findings and override else None,
                overridden=tuple(f"{f.code}: {f.message}" for f in blocking_findings),
                author=author.who,
                author_source=author.source,
            )
            events.append(event)
            report.approved.append(item)
            if item.state == APPROVED:  # by another reviewer: a second signature on the record
                report.cosigned.append(item)
        self.ledger.append(events, signing)
        return report

    def _template(self, catalog: str) -> dict[tuple[str | None, str], polib.POEntry] | None:
        """The template (POT) entries of a catalog, by key; None when there is no template."""
        if catalog not in self._templates:
            path = self.project.pot_path(catalog)
            pot = read_po(path, self.project.rel(path)) if path.is_file() else None
            self._templates[catalog] = (
                {(e.msgctxt, e.msgid): e for e in pot if not e.obsolete}
                if pot is not None
                else None
            )
        return self._templates[catalog]

    def _shape_problem(self, item: Item) -> str | None:
        """An entry whose plural form differs from its template's (a translator's tool can
        turn a paragraph into a plural entry, which renders nothing): refused."""
        template = (self._template(item.catalog) or {}).get((item.entry.msgctxt, item.entry.msgid))
        if template is not None and bool(template.msgid_plural) != bool(item.entry.msgid_plural):
            what = "a plural entry" if item.entry.msgid_plural else "a single form"
            return f"the entry is {what} but its template's is not: restore it with i18n update"
        return None

    def _checked(self, catalog: str, entry: polib.POEntry) -> list[Finding]:
        """QA findings with the template's flags (``max-length:160``, ``python-format``):
        Poedit and msgcat drop some flags, the template keeps them."""
        memo = self.findings_memo
        key = (
            catalog,
            entry.msgctxt,
            entry.msgid,
            entry.msgid_plural,
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
            tuple(entry.flags),
            entry.comment,
            entry.tcomment,
        )
        if memo is not None and key in memo:
            return list(memo[key])
        found = self._check(catalog, entry)
        if memo is not None:
            memo[key] = list(found)
        return found

    def _check(self, catalog: str, entry: polib.POEntry) -> list[Finding]:
        template = (self._template(catalog) or {}).get((entry.msgctxt, entry.msgid))
        env = self._envs[catalog]  # reference links resolve as on the page
        if template is not None and not set(template.flags) <= set(entry.flags):
            entry = copy.copy(entry)
            entry.flags = list(dict.fromkeys([*entry.flags, *template.flags]))
        cache = self.qa_cache
        if cache is None:
            return self.checker.run(entry, env)
        if catalog not in self._env_keys:
            self._env_keys[catalog] = env_key(env)
        key = entry_key(entry, self._env_keys[catalog])
        found = cache.get(key)
        if found is None:
            found = self.checker.run(entry, env)
            cache.put(key, found)
        return found

    def edit(self, item: Item, texts: list[str], person: Person, *, fuzzy: bool = False) -> Path:
        """A translator's new text for an entry (``texts``: the msgstr, or one text per plural
        form), written atomically to its catalog; ``fuzzy`` keeps it a draft, else it awaits
        review (and the previous source ``#|`` goes, as a PO editor drops it). Returns the
        catalog's path. Nothing is signed: git records who wrote the text (four eyes)."""
        today = dt.datetime.now(dt.UTC).date()
        if not person.holds(TRANSLATOR, self.locale, today):
            raise I18nError(
                f"{person.name} is not a translator for {self.locale} today",
                self.people.path,
                person.line,
            )
        entry = item.entry
        texts = [t.replace("\r\n", "\n").replace("\r", "\n") for t in texts]
        forms = len(entry.msgstr_plural) if entry.msgid_plural else 1
        if len(texts) != forms:
            raise I18nError(f"entry {item.id} has {forms} form(s), got {len(texts)} text(s)")
        for text in texts:
            if text and (text.startswith("\n"), text.endswith("\n")) != (
                entry.msgid.startswith("\n"),
                entry.msgid.endswith("\n"),
            ):
                raise I18nError(
                    f"entry {item.id}: the translation must begin and end with a line break "
                    "exactly where the source does (msgfmt --check)"
                )
        if entry.msgid_plural:
            for key, text in zip(sorted(entry.msgstr_plural, key=int), texts, strict=True):
                entry.msgstr_plural[key] = text
        else:
            entry.msgstr = texts[0]
        if fuzzy and "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")
        elif not fuzzy:
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        cat = self.catalog(item.catalog)
        write_po(cat.path, cat.po)
        return cat.path

    def reject(self, item: Item, reason: str, signing: Signing, person: Person) -> None:
        """Send an entry back: fuzzy again, the reason as a translator comment, and a signed
        ``rejected`` event in the ledger (the hash is that of the rejected text)."""
        self._require_reviewer(person)
        reason = " ".join(reason.split())
        if not reason:
            raise I18nError("--reason must say what is wrong")
        if item.state == UNTRANSLATED:
            raise I18nError(f"entry {item.id} has no translation to reject")
        cat = self.catalog(item.catalog)
        entry = item.entry
        if "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")
        note = f"rejected by {person.name}: {reason}"
        lines = (entry.tcomment or "").split("\n") if entry.tcomment else []
        if note not in lines:
            lines.append(note)
        entry.tcomment = "\n".join(lines)
        write_po(cat.path, cat.po)
        event = Rejected(
            hash=item.hash,
            catalog=item.catalog,
            msgctxt=entry.msgctxt,
            msgid=entry.msgid,
            msgstr=item.msgstr,
            reason=reason,
            reviewer=person.name,
            time=utc_now(),
        )
        self.ledger.append([event], signing)

    def comment(self, item: Item, text: str, signing: Signing, person: Person) -> Commented:
        """Add a message to the entry's thread: a signed ``commented`` event about the
        current text (a translator or reviewer of the locale; the catalog is not touched)."""
        today = dt.datetime.now(dt.UTC).date()
        if not any(person.holds(r, self.locale, today) for r in (TRANSLATOR, REVIEWER)):
            raise I18nError(
                f"{person.name} is not a translator or reviewer for {self.locale} today",
                self.people.path,
                person.line,
            )
        text = text.strip().replace("\r\n", "\n")
        if not text:
            raise I18nError("a comment needs some text")
        if len(text) > COMMENT_LIMIT:
            raise I18nError(f"a comment is at most {COMMENT_LIMIT} characters")
        event = Commented(
            hash=item.hash,
            catalog=item.catalog,
            msgctxt=item.entry.msgctxt,
            msgid=item.entry.msgid,
            msgstr=item.msgstr,
            text=text,
            name=person.name,
            time=utc_now(),
        )
        self.ledger.append([event], signing)
        return event

    def revoke(self, item: Item, reason: str, signing: Signing, person: Person) -> None:
        """Withdraw the approval of an entry's current text: a signed ``revoked`` event; the
        entry is translated (awaiting review) again and its pages are withheld at the next
        render. The .po file is not touched."""
        self._require_reviewer(person)
        reason = " ".join(reason.split())
        if not reason:
            raise I18nError("--reason must say why the approval is withdrawn")
        if item.state != APPROVED:
            raise I18nError(f"entry {item.id} is {item.state}, not approved: nothing to revoke")
        event = Revoked(
            hash=item.hash,
            catalog=item.catalog,
            msgctxt=item.entry.msgctxt,
            msgid=item.entry.msgid,
            reason=reason,
            reviewer=person.name,
            time=utc_now(),
        )
        self.ledger.append([event], signing)

    def resign(
        self, signing: Signing, person: Person
    ) -> tuple[list[LedgerEvent], list[tuple[int, str]]]:
        """Migration: a signed event for every unsigned decision in the ledger (recorded before
        signatures), by a reviewer who vouches for it. Each names the line it vouches for
        (``migrated_from``) and, for approvals, says so in its meaning; the unsigned lines
        stay where they are (the ledger is append-only). Refused, with the line number and
        why: a line not yet committed (in a git project: a migration vouches for history, not
        for a line written today), and an approval of a text the reviewer wrote (four eyes)."""
        self._require_reviewer(person)
        unsigned = {p.line for p in self.trusted.problems if p.code == "unsigned"}
        root, rel = self.project.root, self.project.rel(self.ledger.path)
        committed = (
            {line_digest(row.encode()) for row in lines_at(root, "HEAD", rel)}
            if in_repository(root)
            else None
        )
        events: list[LedgerEvent] = []
        refused: list[tuple[int, str]] = []
        now = utc_now()
        for line in self.ledger.lines:
            old = line.event
            if line.number not in unsigned or old is None or not old.decides:
                continue
            if committed is not None and line.digest not in committed:
                refused.append((line.number, "not committed: a migration vouches for history"))
                continue
            fields = {"time": now, "migrated_from": line.digest, "signature": ""}
            if isinstance(old, Approved):
                author = self._author_of(old)
                if author.who in (person.id, person.email):
                    refused.append((line.number, f"{person.name} wrote this text (four eyes)"))
                    continue
                fields |= {"reviewer": person.name, "meaning": MIGRATED}
                fields |= {"author": author.who, "author_source": author.source}
                fields |= {"reviewer_is_last_translator": False}
            elif isinstance(old, Rejected | Revoked):
                fields["reviewer"] = person.name
            events.append(dataclasses.replace(old, **fields))
        self.ledger.append(events, signing)
        return events, refused

    def _author_of(self, event: Approved) -> Author:
        """Who wrote the text an approval names, when it is still a catalog's text."""
        for cat in self.catalogs:
            if cat.name != event.catalog:
                continue
            for entry in cat.po:
                if not entry.obsolete and content_hash(entry) == event.hash:
                    return Authors(cat.path, self.people).of(entry)
        return UNKNOWN


@dataclass
class ApprovalReport:
    """What an approval did. ``approved``: every text signed (``cosigned``: those of them
    that another reviewer had approved already: the record holds both signatures);
    ``already``: texts the same reviewer had approved (nothing signed again)."""

    approved: list[Item] = field(default_factory=list)
    cosigned: list[Item] = field(default_factory=list)
    already: list[Item] = field(default_factory=list)
    refused: list[tuple[Item, str]] = field(default_factory=list)
    skipped: list[tuple[Item, str]] = field(default_factory=list)
    unknown_author: list[Item] = field(default_factory=list)  # approved, author not recorded


def queue(
    project: Project,
    locales: Iterable[str] = (),
    catalog: str | None = None,
    states: Iterable[str] = QUEUE_STATES,
    *,
    keep_findings: bool = False,
) -> tuple[list[str], list[Item]]:
    """The review queue: items of ``locales`` (default: every locale with catalogs) whose
    state is one of ``states``. Returns the locales looked at and the items.
    ``keep_findings``: QA findings read from and kept in the machine's sealed record."""

    chosen = [normalize_locale(x) for x in locales] or project.existing_locales()
    wanted = set(states)
    glossary = load_glossary(project)
    people = load_people(project)
    countries = load_countries(project)
    envs = ArticleEnvs(project)  # an article's links, the same in every locale
    items: list[Item] = []
    record = StatusRecord.open(project)  # a locale where nothing waits is not opened
    for locale in chosen:
        inputs = record.inputs(locale) if record.record.usable else ""
        kept = record.fresh(locale, inputs, tell=False)
        if kept is not None and not _waiting(kept, locale, catalog, wanted):
            record.fresh(locale, inputs)  # its warnings, as opening it would have told
            continue
        told = len(project.messages)
        review = LocaleReview.open(project, locale, glossary, people, countries, envs)
        if catalog and catalog not in {c.name for c in review.catalogs}:
            raise I18nError(f"no catalog {catalog!r} for locale {locale}")
        if keep_findings:
            review.keep_findings()
        items.extend(review.items(catalog, wanted))
        review.save_findings(complete=catalog is None and set(STATES) <= wanted)
        per = {c.name: catalog_counts(c.po, review.trusted, c.name) for c in review.catalogs}
        record.keep(locale, inputs, per, project.messages[told:])
    record.save()
    return chosen, items


def _waiting(counts: dict[str, Counts], locale: str, catalog: str | None, states: set[str]) -> bool:
    """Whether the recorded counts hold an entry in one of ``states`` (of ``catalog``)."""
    if catalog and catalog not in counts:
        raise I18nError(f"no catalog {catalog!r} for locale {locale}")
    chosen = [counts[catalog]] if catalog else counts.values()
    return any(getattr(c, state, 1) for c in chosen for state in states)

"""What the pages of ``i18n serve`` show, as plain data built from the library: the locales a
person works on, a page of the queue, and an entry with its findings, diff, glossary terms
(found by the QA checker's own matcher) and history. No
HTTP here (see :mod:`i18n.server.app`), so each view can be tested and timed alone.

>>> page_numbers(total=120, size=50)
3
>>> page_numbers(total=0, size=50)
1
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from i18n.formats.country import load_countries
from i18n.formats.ledger import Ledger
from i18n.model.events import Approved, Commented, Drafted, LedgerEvent, Rejected
from i18n.model.locale import fallback_chain
from i18n.model.people import REVIEWER, TRANSLATOR, People, Person
from i18n.model.states import APPROVED, STATES, TRANSLATED
from i18n.pipeline.qa import TermUse, term_uses
from i18n.pipeline.review import Item, LocaleReview
from i18n.pipeline.signoff import Trusted
from i18n.project import SITE_DOMAIN, Project
from i18n.server.ui import gettext

PAGE_SIZE = 50
WORK_ROLES = (TRANSLATOR, REVIEWER)


def page_numbers(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def roles_in(person: Person, locale: str, today: dt.date | None = None) -> set[str]:
    """The roles (translator, reviewer) ``person`` holds for ``locale`` today."""
    day = today or dt.datetime.now(dt.UTC).date()
    return {role for role in WORK_ROLES if person.holds(role, locale, day)}


def locales_of(person: Person, today: dt.date | None = None) -> list[str]:
    """Every locale where ``person`` is a translator or reviewer today, sorted."""
    day = today or dt.datetime.now(dt.UTC).date()
    found = {loc for role in WORK_ROLES for loc in person.roles.get(role, ())}
    return sorted(loc for loc in found if roles_in(person, loc, day))


@dataclass
class QueuePage:
    """One page of a locale's queue, with counts per state and progress per catalog."""

    locale: str
    items: list[Item]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    progress: list[tuple[str, int, int]]  # catalog, approved, entries
    catalogs: list[str]
    article: str | None = None
    state: str | None = None
    query: str = ""
    bulk: Bulk | None = None  # for a reviewer looking at one article


def queue_page(
    review: LocaleReview,
    article: str | None,
    state: str | None,
    query: str,
    page: int,
    size: int = PAGE_SIZE,
    items: list[Item] | None = None,
) -> QueuePage:
    """The items of ``review`` (or ``items``, read from it before) in ``article`` (None:
    all) and ``state`` (None: all) whose source or translation contains ``query``
    (case-insensitive), page ``page`` of them."""
    if items is None:
        everything = review.items(article)
    else:
        everything = [i for i in items if article is None or i.catalog == article]
    progress: list[tuple[str, int, int]] = []
    if article is None:
        per: dict[str, Counter[str]] = {}
        for item in everything:
            per.setdefault(item.catalog, Counter())[item.state] += 1
        progress = [(name, c[APPROVED], sum(c.values())) for name, c in per.items()]
    needle = query.casefold().strip()
    if needle:
        everything = [
            i
            for i in everything
            if needle in i.entry.msgid.casefold()
            or needle in "\n".join(_texts(i)).casefold()
            or needle == i.id
        ]
    counts = Counter(i.state for i in everything)
    chosen = [i for i in everything if state is None or i.state == state]
    pages = page_numbers(len(chosen), size)
    page = min(max(page, 1), pages)
    return QueuePage(
        locale=review.locale,
        items=chosen[(page - 1) * size : page * size],
        total=len(chosen),
        page=page,
        pages=pages,
        counts={s: counts.get(s, 0) for s in STATES},
        progress=progress,
        catalogs=[c.name for c in review.catalogs],
        article=article,
        state=state,
        query=query,
    )


@dataclass
class Bulk:
    """What approving a whole article would sign: its entries awaiting review, and those of
    them with QA findings that the reviewer has not opened (at their current text)."""

    article: str
    candidates: list[Item]
    unopened: list[Item]

    @property
    def allowed(self) -> bool:
        return bool(self.candidates) and not self.unopened


def bulk(
    review: LocaleReview,
    article: str,
    opened: set[tuple[str, str, str]],
    items: list[Item] | None = None,
) -> Bulk:
    everything = review.items(article) if items is None else items
    candidates = [i for i in everything if i.catalog == article and i.state == TRANSLATED]
    unopened = [i for i in candidates if i.findings and (review.locale, i.id, i.hash) not in opened]
    return Bulk(article, candidates, unopened)


def _texts(item: Item) -> list[str]:
    e = item.entry
    if e.msgid_plural:
        return [e.msgstr_plural[k] for k in sorted(e.msgstr_plural, key=int)]
    return [e.msgstr or ""]


@dataclass
class HistoryRow:
    line: int
    kind: str
    time: str
    person: str  # the printed name of the person responsible
    signer: str  # the service that signed for the person, if one did
    text: str  # the text the event names (or the provider of a draft)
    reason: str | None
    counts: bool
    problem: str | None = None


@dataclass(frozen=True)
class Place:
    """A country whose pages show a locale's catalog: its code, name and page locale."""

    code: str
    name: str
    locale: str  # the page's catalog form (de_CH), whose fallback chain holds the catalog


def places(project: Project, locale: str) -> list[Place]:
    """The countries with a language whose pages read catalog ``locale`` (``de`` serves
    de_BE, de_CH and de_DE; ``de_CH`` only de_CH), by code."""
    return sorted(
        (
            Place(c.code, c.name, c.locale(language))
            for c in load_countries(project)
            for language in c.languages
            if locale in fallback_chain(c.locale(language))
        ),
        key=lambda p: (p.code, p.locale),
    )


@dataclass(frozen=True)
class Piece:
    """A run of a text as the page shows it: plain, or a glossary term (``use``)."""

    text: str
    use: TermUse | None = None


def marked(text: str, uses: list[TermUse], target: bool = False) -> list[Piece]:
    """``text`` cut into pieces at the glossary terms of ``uses`` (their required
    translations, with ``target``), for the template to escape piece by piece and wrap the
    terms in ``<mark>``. Where terms overlap, the earlier and then the longer one wins.

    >>> uses = [TermUse("Mantis", None, True), TermUse("vein", "Vene", False)]
    >>> [(p.text, p.use and p.use.term) for p in marked("<b>Mantis</b> vein", uses)]
    [('<b>', None), ('Mantis', 'Mantis'), ('</b> ', None), ('vein', 'vein')]
    """
    found = sorted(
        (m.start(), -m.end(), use)
        for use in uses
        for m in (use.in_target if target else use.in_source).finditer(text)
        if m.end() > m.start()
    )
    pieces, at = [], 0
    for start, minus_end, use in found:
        if start < at:
            continue  # inside a term already marked
        if start > at:
            pieces.append(Piece(text[at:start]))
        pieces.append(Piece(text[start:-minus_end], use))
        at = -minus_end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


@dataclass
class EntryView:
    item: Item
    texts: list[str]
    roles: set[str]
    history: list[HistoryRow] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)  # where "see it in the page" goes
    terms: list[TermUse] = field(default_factory=list)  # the glossary terms of the source

    @property
    def diff(self) -> list[tuple[str, str]] | None:
        return self.item.diff()

    def source(self, text: str) -> list[Piece]:
        return marked(text, self.terms)

    def target(self, text: str) -> list[Piece]:
        return marked(text, [u for u in self.terms if u.kept], target=True)

    @property
    def missing(self) -> list[TermUse]:
        """Terms the translation lacks (none while there is no translation)."""
        return [u for u in self.terms if not u.kept] if any(self.texts) else []


def entry_view(
    review: LocaleReview, item: Item, person: Person, where: list[Place] | None = None
) -> EntryView:
    """The entry page; for an article's entry, the countries where it can be seen in its
    page (``where``: :func:`places` of the locale, when the caller keeps them)."""
    in_page = item.catalog != SITE_DOMAIN
    if in_page and where is None:
        where = places(review.project, review.locale)
    texts = _texts(item)
    e = item.entry
    source = "\n".join(t for t in (e.msgid, e.msgid_plural) if t)
    checker = review.checker
    return EntryView(
        item,
        texts,
        roles_in(person, review.locale),
        history(review.ledger, review.trusted, review.people, item),
        (where or []) if in_page else [],
        term_uses(source, "\n".join(texts), checker.dnt, checker.required),
    )


def history(ledger: Ledger, trusted: Trusted, people: People, item: Item) -> list[HistoryRow]:
    """Every ledger event about the entry (any of its texts), oldest first, and whether it
    counts (``i18n check``'s verdict on its line)."""
    problems = {p.line: p for p in trusted.problems}
    rows = []
    e = item.entry
    for line in ledger.lines:
        event = line.event
        if event is None or event.catalog != item.catalog:
            continue
        if event.msgid != e.msgid or (event.msgctxt or None) != (e.msgctxt or None):
            continue
        problem = problems.get(line.number)
        rows.append(
            HistoryRow(
                line=line.number,
                kind=event.kind,
                time=event.time,
                person=_name(people, event),
                signer=event.signer if event.on_behalf_of else "",
                text=_event_text(event),
                reason=getattr(event, "reason", None),
                counts=problem is None,
                problem=problem.message if problem else None,
            )
        )
    return rows


def _name(people: People, event: LedgerEvent) -> str:
    person = people.persons.get(event.person)
    if person is not None:
        return person.name
    return getattr(event, "reviewer", None) or event.person or "?"


def _event_text(event: LedgerEvent) -> str:
    if isinstance(event, Drafted):
        return gettext("draft by %(provider)s") % {"provider": event.provider}
    if isinstance(event, Approved | Rejected):
        return event.msgstr
    if isinstance(event, Commented):
        return event.text
    return ""


def summary(items: list[Item]) -> dict[str, Any]:
    """Counts per state of a whole locale (the start page)."""
    counts = Counter(i.state for i in items)
    return {s: counts.get(s, 0) for s in STATES}

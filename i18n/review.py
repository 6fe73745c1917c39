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

import datetime as dt
import difflib
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polib

from .errors import I18nError

if TYPE_CHECKING:
    from .checks import Checker, Finding
    from .countries import Glossary
    from .project import Project

UNTRANSLATED = "untranslated"
DRAFT = "draft"
TRANSLATED = "translated"
REJECTED = "rejected"
APPROVED = "approved"
STATES = (UNTRANSLATED, DRAFT, REJECTED, TRANSLATED, APPROVED)
MEANING = "reviewed and approved"


def content_hash(entry: polib.POEntry) -> str:
    """SHA-256 of what an approval means: msgctxt, msgid, msgid_plural and the msgstr(s)."""
    if entry.msgid_plural:
        msgstr: Any = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int)]
    else:
        msgstr = entry.msgstr
    payload = json.dumps(
        [entry.msgctxt, entry.msgid, entry.msgid_plural or None, msgstr],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def entry_id(locale: str, catalog: str, msgctxt: str | None, msgid: str) -> str:
    """Stable short id of a queue item; independent of formatting and order.

    >>> entry_id("de", "site", None, "Home")
    'a577033bed'
    """
    key = "\x04".join([locale, catalog, msgctxt or "", msgid])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


def is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(v for v in entry.msgstr_plural.values())
    return bool(entry.msgstr)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _shown(path: Path) -> str:
    """``.../project/locales/de/approvals.jsonl`` -> ``locales/de/approvals.jsonl``, as
    every other message names project files."""
    parts = path.parts
    if len(parts) >= 3 and parts[-3] != "" and "locales" in parts[:-2]:
        i = len(parts) - 1 - parts[::-1].index("locales")
        return "/".join(parts[i:])
    return str(path)


@dataclass
class Ledger:
    """The events of one locale, read from ``approvals.jsonl``.

    A torn last line (a crash mid-append) is reported in :attr:`warnings` and ignored.
    """

    path: Path
    events: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Ledger:
        ledger = cls(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return ledger
        lines = raw.split(b"\n")
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                event = json.loads(line.decode("utf-8"))
                if not isinstance(event, dict) or "event" not in event:
                    raise ValueError("not an event object")
            except (ValueError, UnicodeDecodeError):
                last = all(not rest.strip() for rest in lines[n:])
                what = "torn last line (interrupted write?)" if last else "unreadable line"
                ledger.warnings.append(f"{_shown(path)}:{n}: {what}; ignored")
                continue
            ledger.events.append(event)
        return ledger

    def approved_hashes(self, catalog: str | None = None) -> set[str]:
        """Hashes whose latest approve/reject/revoke event is an approval.

        With ``catalog``, only that catalog's events count: an approval is a decision about a
        text in its context (an article), so the same sentence approved in one article is not
        approved in another until a reviewer has seen it there.
        """
        last: dict[str, str] = {}
        for ev in self._events(catalog):
            if ev.get("event") in ("approved", "rejected", "revoked") and ev.get("hash"):
                last[ev["hash"]] = ev["event"]
        return {h for h, kind in last.items() if kind == "approved"}

    def latest(self, kind: str, catalog: str | None = None) -> dict[str, dict[str, Any]]:
        """The latest event of ``kind`` for each hash (of ``catalog`` only, when given)."""
        out: dict[str, dict[str, Any]] = {}
        for ev in self._events(catalog):
            if ev.get("event") == kind and ev.get("hash"):
                out[ev["hash"]] = ev
        return out

    def _events(self, catalog: str | None) -> list[dict[str, Any]]:
        if catalog is None:
            return self.events
        return [ev for ev in self.events if ev.get("catalog") == catalog]

    def append(self, events: Iterable[dict[str, Any]]) -> int:
        """Append events durably (one JSON object a line, fsync'd). A torn last line left by
        a crash is terminated first so the new events start on a line of their own."""
        lines = [json.dumps(ev, ensure_ascii=False, sort_keys=True) + "\n" for ev in events]
        if not lines:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        prefix = ""
        try:
            with self.path.open("rb") as fh:
                fh.seek(0, os.SEEK_END)
                if fh.tell() > 0:
                    fh.seek(-1, os.SEEK_END)
                    if fh.read(1) != b"\n":
                        prefix = "\n"
        except FileNotFoundError:
            pass
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (prefix + "".join(lines)).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        self.events.extend(json.loads(line) for line in lines)
        return len(lines)

    def report(self) -> None:
        for warning in self.warnings:
            print(f"warning: {warning}", file=sys.stderr)


def entry_state(entry: polib.POEntry, approved: set[str], rejected: set[str] | None = None) -> str:
    """The derived review state of one (non-obsolete) entry."""
    if not is_translated(entry):
        return UNTRANSLATED
    h = content_hash(entry)
    if "fuzzy" in entry.flags:
        return REJECTED if rejected and h in rejected else DRAFT
    if h in approved:
        return APPROVED
    return TRANSLATED


# --- draft reasons and word diffs ---------------------------------------------------------

SOURCE_CHANGED = "source changed"
MEMORY = "memory"
COPY = "copy of the source"
# What the translate command writes: "machine draft (libre); review before approval",
# "memory draft; ...", "draft copied from the source"; "machine draft: libre" is read too.
_DRAFT_COMMENT = re.compile(
    r"\b(?:(machine)\s+draft|(memory)\s+(?:draft|match)|draft\s+(copied)\s+from)\b"
    r"(?:\s*[:(]\s*([\w.+-]+))?",
    re.I,
)


def draft_reason(entry: polib.POEntry, drafted: dict[str, dict[str, Any]]) -> str:
    """Why a fuzzy entry is a draft: ``source changed`` (msgmerge kept the old translation and
    recorded the previous msgid), ``memory``, ``machine (<provider>)`` (from the ledger's
    ``drafted`` event for the entry's exact text, else the translator comment the translate
    command writes), or plain ``fuzzy`` when nothing says more.

    >>> e = polib.POEntry(msgid="a", msgstr="b", flags=["fuzzy"], tcomment="machine draft: libre")
    >>> draft_reason(e, {})
    'machine (libre)'
    >>> draft_reason(e, {content_hash(e): {"event": "drafted", "provider": "memory"}})
    'memory'
    >>> e.tcomment = "machine draft (deepl); review before approval"
    >>> draft_reason(e, {})
    'machine (deepl)'
    """
    if entry.previous_msgid is not None and entry.previous_msgid != entry.msgid:
        return SOURCE_CHANGED
    event = drafted.get(content_hash(entry))
    if event and event.get("provider"):
        return _provider_reason(str(event["provider"]))
    for line in (entry.tcomment or "").splitlines():
        m = _DRAFT_COMMENT.search(line)
        if m:
            if m.group(2) or m.group(3):
                return MEMORY if m.group(2) else COPY
            return _provider_reason(m.group(4) or "unknown")
    return "fuzzy"


def _provider_reason(provider: str) -> str:
    kind = provider.lower()
    return MEMORY if kind == MEMORY else COPY if kind == "copy" else f"machine ({provider})"


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
    event: dict[str, Any] | None = None  # the approval or rejection behind the state

    @property
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
            d["reviewer"] = self.event.get("reviewer")
            d["time"] = self.event.get("time")
        return d


@dataclass
class Catalog:
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
        catalogs: list[Catalog],
        ledger: Ledger,
        checker: Checker,
    ) -> None:
        self.project = project
        self.locale = locale
        self.catalogs = catalogs
        self.ledger = ledger
        self.checker = checker

    @classmethod
    def open(cls, project: Project, locale: str, glossary: Glossary | None = None) -> LocaleReview:
        from .catalogs import read_po
        from .checks import Checker
        from .claims import language_patterns
        from .countries import load_countries, load_glossary
        from .project import normalize_locale

        locale = normalize_locale(locale)
        folder = project.locales_dir / locale / "LC_MESSAGES"
        if not folder.is_dir():
            raise I18nError(f"no catalogs for locale {locale!r}", project.rel(folder))
        catalogs = [
            Catalog(p.stem, p, read_po(p, project.rel(p))) for p in sorted(folder.glob("*.po"))
        ]
        ledger = Ledger.read(project.ledger_path(locale))
        glossary = glossary if glossary is not None else load_glossary(project)
        claims = language_patterns(load_countries(project), locale)
        return cls(project, locale, catalogs, ledger, Checker(locale, glossary, claims))

    def catalog(self, name: str) -> Catalog:
        for c in self.catalogs:
            if c.name == name:
                return c
        known = ", ".join(c.name for c in self.catalogs)
        raise I18nError(f"no catalog {name!r} for locale {self.locale} (known: {known})")

    def items(self, catalog: str | None = None) -> list[Item]:
        """Every live entry, in catalog order, with state, reason and QA findings."""
        out = []
        cats = [self.catalog(catalog)] if catalog else self.catalogs
        for cat in cats:
            approvals = self.ledger.latest("approved", cat.name)
            approved = self.ledger.approved_hashes(cat.name)
            rejections = self.ledger.latest("rejected", cat.name)
            drafted = self.ledger.latest("drafted", cat.name)
            for entry in cat.po:
                if entry.obsolete or not entry.msgid:
                    continue
                state = entry_state(entry, approved, set(rejections))
                h = content_hash(entry)
                item = Item(self.locale, cat.name, entry, state)
                if state == DRAFT:
                    item.reason = draft_reason(entry, drafted)
                elif state == REJECTED:
                    item.event = rejections[h]
                    item.reason = f"rejected: {rejections[h].get('reason', '')}".rstrip()
                elif state == APPROVED:
                    item.event = approvals.get(h)
                if state != UNTRANSLATED:
                    item.findings = self.checker.run(entry)
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

    def approve(
        self, items: list[Item], reviewer: str, *, explicit: bool, override: str | None = None
    ) -> ApprovalReport:
        """Append an approval event for every translated item without a blocking finding
        (or with one, when ``override`` gives the reason). Never touches the .po files."""
        reviewer = reviewer.strip()
        if not reviewer:
            raise I18nError("--reviewer must name the person signing off")
        if override is not None and not override.strip():
            raise I18nError("--override needs a reason")
        report = ApprovalReport()
        touched = {item.catalog for item in items}
        self_review = {
            c.name
            for c in self.catalogs
            if c.name in touched and _same_person(reviewer, c.last_translator)
        }
        report.self_review = sorted(self_review)
        events = []
        now = utc_now()
        for item in items:
            if item.state == APPROVED:
                report.already.append(item)
                continue
            if item.state != TRANSLATED:
                (report.refused if explicit else report.skipped).append(
                    (
                        item,
                        f"state is {item.state}: only translated (non-fuzzy) entries "
                        "can be approved",
                    )
                )
                continue
            blocking_findings = item.blocking
            if blocking_findings and override is None:
                report.refused.append((item, "; ".join(str(f) for f in blocking_findings)))
                continue
            event: dict[str, Any] = {
                "event": "approved",
                "hash": item.hash,
                "catalog": item.catalog,
                "msgctxt": item.entry.msgctxt,
                "msgid": item.entry.msgid,
                "msgstr": item.msgstr,
                **_plural_forms(item.entry),
                "reviewer": reviewer,
                "time": now,
                "meaning": MEANING,
            }
            if blocking_findings:
                event["override"] = override.strip() if override else ""
                event["overridden"] = [f"{f.code}: {f.message}" for f in blocking_findings]
            if item.catalog in self_review:
                event["reviewer_is_last_translator"] = True
            events.append(event)
            report.approved.append(item)
        self.ledger.append(events)
        return report

    def reject(self, item: Item, reason: str, reviewer: str | None = None) -> None:
        """Send an entry back: fuzzy again, the reason as a translator comment, and a
        ``rejected`` event in the ledger (the hash is that of the rejected text)."""
        from .catalogs import write_po

        reason = " ".join(reason.split())
        if not reason:
            raise I18nError("--reason must say what is wrong")
        if item.state == UNTRANSLATED:
            raise I18nError(f"entry {item.id} has no translation to reject")
        cat = self.catalog(item.catalog)
        entry = item.entry
        if "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")
        note = f"rejected{f' by {reviewer.strip()}' if reviewer else ''}: {reason}"
        lines = (entry.tcomment or "").split("\n") if entry.tcomment else []
        if note not in lines:
            lines.append(note)
        entry.tcomment = "\n".join(lines)
        write_po(cat.path, cat.po)
        event: dict[str, Any] = {
            "event": "rejected",
            "hash": item.hash,
            "catalog": item.catalog,
            "msgctxt": entry.msgctxt,
            "msgid": entry.msgid,
            "msgstr": item.msgstr,
            "reason": reason,
            "time": utc_now(),
        }
        if reviewer:
            event["reviewer"] = reviewer.strip()
        self.ledger.append([event])


def _plural_forms(entry: polib.POEntry) -> dict[str, Any]:
    if not entry.msgid_plural:
        return {}
    forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int)]
    return {"msgid_plural": entry.msgid_plural, "msgstr_plural": forms}


@dataclass
class ApprovalReport:
    approved: list[Item] = field(default_factory=list)
    already: list[Item] = field(default_factory=list)
    refused: list[tuple[Item, str]] = field(default_factory=list)
    skipped: list[tuple[Item, str]] = field(default_factory=list)
    self_review: list[str] = field(default_factory=list)


def _same_person(reviewer: str, last_translator: str) -> bool:
    """``Jane Doe <jane@x.org>`` is the same person as ``Jane Doe``, ``jane doe`` or
    ``jane@x.org``.

    >>> _same_person("jane doe", "Jane Doe <jane@x.org>"), _same_person("Bob", "Jane Doe")
    (True, False)
    """
    if not last_translator or last_translator.upper().startswith("FULL NAME"):
        return False
    m = re.fullmatch(r"\s*(.*?)\s*(?:<([^>]*)>)?\s*", last_translator)
    name, email = (m.group(1), m.group(2)) if m else (last_translator, None)
    r = reviewer.strip().casefold()
    rm = re.fullmatch(r"\s*(.*?)\s*(?:<([^>]*)>)?\s*", reviewer)
    r_name, r_email = (rm.group(1).casefold(), (rm.group(2) or "").casefold()) if rm else (r, "")
    names = {" ".join(name.casefold().split())} - {""}
    emails = {(email or "").casefold()} - {""}
    return " ".join(r_name.split()) in names or r in emails or bool(r_email and r_email in emails)


def queue(
    project: Project,
    locales: Iterable[str] = (),
    catalog: str | None = None,
    states: Iterable[str] = QUEUE_STATES,
) -> tuple[list[str], list[Item]]:
    """The review queue: items of ``locales`` (default: every locale with catalogs) whose
    state is one of ``states``. Returns the locales looked at and the items."""
    from .countries import load_glossary
    from .project import normalize_locale

    chosen = [normalize_locale(x) for x in locales] or project.existing_locales()
    wanted = set(states)
    glossary = load_glossary(project)
    items: list[Item] = []
    for locale in chosen:
        review = LocaleReview.open(project, locale, glossary)
        review.ledger.report()
        if catalog and catalog not in {c.name for c in review.catalogs}:
            raise I18nError(f"no catalog {catalog!r} for locale {locale}")
        items.extend(i for i in review.items(catalog) if i.state in wanted)
    return chosen, items

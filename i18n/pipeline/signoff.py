"""Sign-off: which ledger events count, and why the others do not.

A ledger is a file anyone with write access can edit, so nothing in it is taken on trust. An
event counts only if

1. it is signed (SSHSIG, namespace ``i18n-ledger``) over all its fields, and the signature
   verifies: no field can be edited, and the event cannot be copied to another catalog or
   another locale's ledger (both are signed fields);
2. the key belongs, in ``source/people.yaml``, to the identity the event names as its
   ``signer`` (a service's key signs only ``on_behalf_of`` a person), and is not one of the
   sample's published keys (unless ``[tool.i18n] sample_keys = true``);
3. the person held the role on the day it was signed: ``reviewer`` of the ledger's locale for
   approvals, rejections and revocations, ``translator`` or ``reviewer`` for drafts and
   comments;
4. it follows an earlier line of the file (``prev``), so that a deleted, edited or reordered
   line breaks the chain after it;
5. for an approval: the signer did not write the text (four eyes, when the author is known).

An approval then holds until a rejection or revocation of the same text in the same catalog
comes after it — later or at the same signed time, or appended after it (a clock that runs
backwards counts against the approval). Whatever does not count is a :class:`Problem` that
``i18n check`` reports with the ledger's file and line.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

from i18n.errors import I18nError
from i18n.formats import sshsig
from i18n.formats.git import in_repository, lines_at
from i18n.formats.ledger import NAMESPACE, Ledger, Line, Signing, line_digest, signed_bytes
from i18n.model.events import Approved, Commented, Drafted, LedgerEvent
from i18n.model.people import REVIEWER, TRANSLATOR, People, Person, Service
from i18n.pipeline.forked import forked_map, in_worker, workers_for
from i18n.pipeline.verified import Signatures
from i18n.project import Project

E = TypeVar("E", bound=LedgerEvent)

SAMPLE_KEYS_FILE = Path(__file__).parents[1] / "data" / "sample-keys.txt"


@cache
def sample_keys() -> frozenset[str]:
    """The public halves of the sample project's committed (so: known to all) private keys."""
    lines = SAMPLE_KEYS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        sshsig.PublicKey.parse(line).line for line in lines if line.strip() and line[0] != "#"
    )


@dataclass(frozen=True)
class Problem:
    """A ledger line that does not count, and why (``code`` as ``i18n check`` reports it)."""

    line: int
    code: str
    message: str


def _signed_day(event: LedgerEvent) -> dt.date | None:
    return _day(event.time)


@lru_cache(maxsize=4096)  # an approval of many texts at once signs them all at one time
def _day(time: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(time.replace("Z", "+00:00")).date()
    except ValueError:
        return None


PARALLEL_FROM = 1000  # signatures to verify per forked worker, at least


def may_fork() -> bool:
    """Whether verification may fork workers: not from a worker, nor from a process with
    threads (the review server): a lock another thread holds would stay locked in the child."""
    return threading.active_count() == 1 and not in_worker()


def _verified_key(event: LedgerEvent) -> sshsig.PublicKey | tuple[str, str]:
    """The key whose valid signature ``event`` carries, or why it has none."""
    try:
        blob = base64.b64decode(event.signature, validate=True)
        return sshsig.verify(signed_bytes(event), blob, NAMESPACE)
    except (binascii.Error, sshsig.BadSignature) as exc:
        reason = getattr(exc, "reason", "not base64")
        return "bad-signature", f"signature does not verify ({reason}): the line was edited"


def _verify_range(lines: list[Line], span: tuple[int, int]) -> list[bytes | tuple[str, str]]:
    """In a worker: :func:`_verified_key` of ``lines[start:stop]`` (a key as its blob)."""
    found = []
    for line in lines[span[0] : span[1]]:
        assert line.event is not None
        key = _verified_key(line.event)
        found.append(key.blob if isinstance(key, sshsig.PublicKey) else key)
    return found


class _Verifier:
    def __init__(
        self,
        ledger: Ledger,
        people: People,
        sample_keys_allowed: bool,
        signatures: Signatures | None = None,
    ) -> None:
        self.ledger = ledger
        self.locale = ledger.locale
        self.people = people
        self.sample_ok = sample_keys_allowed
        self.signatures = signatures
        self._owners: dict[str, Person | Service | None] = {}  # by key line
        self._ahead: dict[str, sshsig.PublicKey | tuple[str, str]] = {}  # by verify_ahead

    def problem(self, line: Line) -> tuple[str, str] | None:
        """Why the event on ``line`` does not count, or None when it does."""
        event = line.event
        assert event is not None
        if not event.signature:
            return "unsigned", "event is not signed"
        key = self._signing_key(line, event)
        if isinstance(key, tuple):
            return key
        return self._signer_problem(event, key) or self._role_problem(event)

    def _signing_key(self, line: Line, event: LedgerEvent) -> sshsig.PublicKey | tuple[str, str]:
        """The key whose valid signature the line carries (from :attr:`signatures` when this
        machine verified the line before), or why it has none."""
        known = self.signatures.key(line.digest) if self.signatures is not None else None
        if known is not None:
            return known
        key = self._ahead.get(line.digest) or _verified_key(event)
        if self.signatures is not None and not isinstance(key, tuple):
            self.signatures.add(line.digest, key)
        return key

    def verify_ahead(self, lines: list[Line], verdicts: Verdicts | None) -> None:
        """Verify the signatures of ``lines`` not known yet in forked workers, both cores at
        once, when there are enough of them to be worth it (a cold ledger of thousands)."""
        todo = [
            line
            for line in lines
            if line.event is not None
            and line.event.signature
            and (verdicts is None or line.digest not in verdicts)
            and (self.signatures is None or not self.signatures.knows(line.digest))
        ]
        workers = workers_for(len(todo) // PARALLEL_FROM) if may_fork() else 1
        if workers < 2:
            return
        size = -(-len(todo) // (workers * 4))
        ranges = [(i, min(i + size, len(todo))) for i in range(0, len(todo), size)]
        results = forked_map(_verify_range, todo, ranges, workers)
        for (start, _), found in zip(ranges, results, strict=True):
            for line, result in zip(todo[start:], found, strict=False):
                key = sshsig.blob_key(result) if isinstance(result, bytes) else result
                self._ahead[line.digest] = key

    def _owner(self, key: sshsig.PublicKey) -> Person | Service | None:
        if key.line not in self._owners:
            self._owners[key.line] = self.people.owner(key.line)
        return self._owners[key.line]

    def _signer_problem(self, event: LedgerEvent, key: sshsig.PublicKey) -> tuple[str, str] | None:
        owner = self._owner(key)
        if owner is None:
            return "unknown-key", f"signed by key {key.fingerprint}, which no one holds in " + (
                self.people.path
            )
        if key.line in sample_keys() and not self.sample_ok:
            return "sample-key", (
                f"signed with the sample's published key {key.fingerprint} "
                "([tool.i18n] sample_keys is false)"
            )
        if owner.id != event.signer:
            return (
                "wrong-signer",
                f"says it is signed by {event.signer!r}, but the key is {owner.id}'s",
            )
        if isinstance(owner, Service) and event.on_behalf_of not in self.people.persons:
            return (
                "unknown-person",
                f"service {owner.id} signed for {event.on_behalf_of!r}, not a person",
            )
        if isinstance(owner, Person) and event.on_behalf_of:
            return "wrong-signer", f"{owner.id} is a person and cannot sign for someone else"
        if event.locale != self.locale:
            return (
                "wrong-locale",
                f"signed for the {event.locale!r} ledger: copied from another locale",
            )
        return None

    def _role_problem(self, event: LedgerEvent) -> tuple[str, str] | None:
        person = self.people.persons[event.person]
        day = _signed_day(event)
        if day is None:
            return "bad-time", f"signed time {event.time!r} is not a UTC time"
        locale = self.locale
        writes = isinstance(event, Drafted | Commented)  # a draft or a comment decides nothing
        roles = (TRANSLATOR, REVIEWER) if writes else (REVIEWER,)
        if not any(person.holds(role, locale, day) for role in roles):
            what = " or ".join(roles)
            return "role-not-held", f"{person.name} was not a {what} for {locale} on {day}"
        if isinstance(event, Approved) and event.author == person.id:
            return "self-approval", f"{person.name} approved a text they wrote (four eyes)"
        return None


@dataclass
class Trusted:
    """The events of one ledger that count, and the problems of those that do not."""

    ledger: Ledger
    honoured: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # lines after which something is missing (a deleted line before them, or a reordering):
    # what was decided before such a line may have been undone by what is missing, so only
    # an approval that comes after it in the chain holds. None stands for the end of the file
    # (a committed line is missing from the working tree).
    breaks: list[Line | None] = field(default_factory=list)
    # the honoured events by catalog, made at the first question (a locale of hundreds of
    # catalogs asks once per catalog: each question reads only its catalog's events), for
    # so many honoured lines
    _index: tuple[int, dict[str | None, list[tuple[int, LedgerEvent]]]] = field(
        default=(-1, {}), repr=False, compare=False
    )
    _digests: tuple[int, dict[str, Line]] = field(default=(-1, {}), repr=False, compare=False)

    def _events(self, catalog: str | None) -> list[tuple[int, LedgerEvent]]:
        """The honoured events about ``catalog`` (every one, for None), with their index."""
        if self._index[0] != len(self.honoured):
            every: list[tuple[int, LedgerEvent]] = []
            by_catalog: dict[str | None, list[tuple[int, LedgerEvent]]] = {}
            for i, line in enumerate(self.honoured):
                if line.event is not None:
                    every.append((i, line.event))
                    by_catalog.setdefault(line.event.catalog, []).append((i, line.event))
            self._index = (len(self.honoured), {**by_catalog, None: every})
        return self._index[1].get(catalog, [])

    def lines(self, catalog: str | None = None) -> list[str]:
        """The digests of the honoured lines about ``catalog`` (all, for None), in order."""
        return [self.honoured[i].digest for i, _ in self._events(catalog)]

    def latest(self, kind: type[E], catalog: str | None = None) -> dict[str, E]:
        """The latest event of type ``kind`` for each hash (by signed time, then file order)."""
        found = [(e.time, i, e) for i, e in self._events(catalog) if isinstance(e, kind)]
        return {e.hash: e for _, _, e in sorted(found, key=lambda x: (x[0], x[1]))}

    def approved_hashes(self, catalog: str | None = None) -> set[str]:
        """Hashes with an approval that no rejection or revocation comes after."""
        return set(self.approvals(catalog))

    def approvals(self, catalog: str | None = None) -> dict[str, Approved]:
        """For each approved hash, the approval that holds (the last in the file, when
        several reviewers co-signed the text): see :meth:`holding`."""
        return {digest: events[-1] for digest, events in self.holding(catalog).items()}

    def holding(self, catalog: str | None = None) -> dict[str, list[Approved]]:
        """For each approved hash, the approvals that hold, in file order (a text approved by
        a second reviewer has two: a co-signature). An approval holds when every rejection
        and revocation of the same text precedes it, both in signed time and in the chain of
        lines (an event on another branch, merged in, counts against the approval)."""
        decisions: dict[str, list[tuple[int, LedgerEvent]]] = {}
        for i, event in self._events(catalog):
            if event.decides:
                decisions.setdefault(event.hash, []).append((i, event))
        out: dict[str, list[Approved]] = {}
        for digest, events in decisions.items():
            against = [(j, e) for j, e in events if not isinstance(e, Approved)]
            for i, event in events:
                if isinstance(event, Approved) and self._holds(i, event, against):
                    out.setdefault(digest, []).append(event)
        return out

    def _holds(self, i: int, approval: Approved, against: list[tuple[int, LedgerEvent]]) -> bool:
        """Every rejection or revocation precedes the approval in time and in the chain, and
        so does every break of the chain (what is missing there cannot have undone it)."""
        return all(
            e.time < approval.time and self._precedes(self.honoured[j], i) for j, e in against
        ) and all(b is not None and self._precedes(b, i) for b in self.breaks)

    def _precedes(self, earlier: Line, later: int) -> bool:
        """Whether line ``earlier`` is in the chain that led to honoured line ``later``."""
        target = earlier.digest
        if self._digests[0] != len(self.ledger.lines):
            self._digests = (len(self.ledger.lines), {ln.digest: ln for ln in self.ledger.lines})
        by_digest = self._digests[1]
        line: Line | None = self.honoured[later]
        seen: set[str] = set()
        while line is not None and line.digest not in seen:
            seen.add(line.digest)
            if line.digest == target:
                return True
            prev = line.event.prev if line.event is not None else ""
            line = by_digest.get(prev) if prev else None
        return False


Verdicts = dict[str, tuple[str, str] | None]


def trust(
    ledger: Ledger,
    people: People,
    *,
    sample_keys_allowed: bool = False,
    verdicts: Verdicts | None = None,
    signatures: Signatures | None = None,
) -> Trusted:
    """Verify every line of ``ledger`` against ``people``. An unsigned line that a signed
    migration vouches for (``i18n resign``) is superseded, not a problem.

    ``verdicts``: what verifying each line (signature, signer, role; by line digest) found,
    kept by a caller that verifies the same ledger again with the same people.yaml and
    settings (the review server): a line verified before is not verified again, so that
    after an append only the new lines are. The chain is followed afresh every time.

    ``signatures``: the keys whose signatures this machine verified before
    (:mod:`i18n.pipeline.verified`); a line found there is not verified again, only its
    signer, role and chain are checked, and the keys of lines verified now are added."""
    verifier = _Verifier(ledger, people, sample_keys_allowed, signatures)
    verifier.verify_ahead(ledger.lines, verdicts)
    trusted = Trusted(ledger)
    seen: set[str] = set()
    later = {line.digest for line in ledger.lines}
    unsigned: list[Line] = []
    for line in ledger.lines:
        later.discard(line.digest)
        event = line.event
        if event is not None:
            if verdicts is None:
                found = verifier.problem(line)
            elif line.digest in verdicts:
                found = verdicts[line.digest]
            else:
                found = verdicts[line.digest] = verifier.problem(line)
            chain = _chain_problem(event, seen, later) if found is None else None
            if chain is not None:
                trusted.breaks.append(line)
                trusted.problems.append(Problem(line.number, *chain))
                if not isinstance(event, Approved):  # a signed rejection still counts against
                    trusted.honoured.append(line)
            elif found is None:
                trusted.honoured.append(line)
            elif found[0] == "unsigned":
                unsigned.append(line)
            else:
                trusted.problems.append(Problem(line.number, *found))
        seen.add(line.digest)
    vouched = {line.event.migrated_from for line in trusted.honoured if line.event}
    for line in unsigned:
        if line.digest not in vouched:
            trusted.problems.append(Problem(line.number, "unsigned", "event is not signed"))
    trusted.problems.sort(key=lambda p: p.line)
    return trusted


def _chain_problem(event: LedgerEvent, seen: set[str], later: set[str]) -> tuple[str, str] | None:
    """A signed event names the line it was appended after; that line must come before it.
    (An event with no ``prev`` began a ledger: two branches may each have begun one.)"""
    if not event.prev or event.prev in seen:
        return None
    if event.prev in later:
        return "reordered", "comes before the line it was appended after: lines were reordered"
    return "chain-broken", "the line it was appended after is gone: a line was deleted or edited"


# --- who signs ----------------------------------------------------------------------------

KEY_ENV = "I18N_SIGNING_KEY"  # a private key file
AGENT_ENV = "SSH_AUTH_SOCK"  # else: the running ssh-agent


def open_signing(
    people: People,
    environ: Mapping[str, str],
    passphrase: bytes | None = None,
    *,
    sample_keys_allowed: bool = False,
) -> tuple[Signing, Person]:
    """The signer of this command: the key in ``I18N_SIGNING_KEY``, else the one key of the
    ssh-agent that belongs to a person of people.yaml; and that person. One of the sample's
    published keys signs only where the project allows them (nothing it signed would count)."""
    path = environ.get(KEY_ENV)
    if path:
        key: sshsig.Signer = sshsig.FileSigner(path, passphrase)
    elif environ.get(AGENT_ENV):
        key = _agent_signer(people, environ[AGENT_ENV])
    else:
        raise I18nError(
            f"no signing key: set {KEY_ENV} to your private key file (ssh-keygen makes one), "
            f"or add your key to ssh-agent; see docs/reviewer.md"
        )
    owner = people.owner(key.public_key.line)
    if owner is None:
        raise I18nError(
            f"key {key.public_key.fingerprint} belongs to no one in {people.path}: "
            "ask to have its public key added to your entry"
        )
    if key.public_key.line in sample_keys() and not sample_keys_allowed:
        raise I18nError(
            f"key {key.public_key.fingerprint} is one of the sample's published keys: its "
            "signatures would not count ([tool.i18n] sample_keys is false); use your own key"
        )
    if not isinstance(owner, Person):
        raise I18nError(f"key {key.public_key.fingerprint} is service {owner.id}'s, not a person's")
    return Signing(owner.id, key), owner


def _agent_signer(people: People, socket_path: str) -> sshsig.Signer:
    keys = [k for k in sshsig.agent_keys(socket_path) if people.owner(k.line) is not None]
    owners = {people.owner(k.line).id for k in keys}  # type: ignore[union-attr]
    if not keys:
        raise I18nError(
            f"the ssh-agent holds no key of anyone in {people.path}: "
            f"ssh-add your key, or set {KEY_ENV}"
        )
    if len(owners) > 1:
        raise I18nError(
            f"the ssh-agent holds keys of {', '.join(sorted(owners))}: set {KEY_ENV} to say "
            "who signs"
        )
    return sshsig.AgentSigner(keys[0], socket_path)


def read_trusted(project: Project, locale: str, people: People) -> Trusted:
    """The locale's ledger, read (warnings to the project) and verified."""
    return trust_in_project(project, Ledger.read(project.ledger_path(locale), project.warn), people)


def trust_cached(
    project: Project, ledger: Ledger, people: People, verdicts: Verdicts | None = None
) -> Trusted:
    """:func:`trust` with the project's settings and this machine's record of the lines'
    signatures (:mod:`i18n.pipeline.verified`), saved when lines were verified now."""
    signatures = Signatures.open(project, ledger.locale)
    trusted = trust(
        ledger,
        people,
        sample_keys_allowed=project.settings.sample_keys,
        verdicts=verdicts,
        signatures=signatures,
    )
    signatures.save(ledger)
    return trusted


def trust_in_project(
    project: Project, ledger: Ledger, people: People, verdicts: Verdicts | None = None
) -> Trusted:
    """:func:`trust_cached`, and with what git knows: a line of the last commit that the
    working tree lacks was deleted, so no approval before it holds."""
    trusted = trust_cached(project, ledger, people, verdicts)
    rel = project.rel(ledger.path)
    committed = lines_at(project.root, "HEAD", rel) if in_repository(project.root) else []
    if committed:
        present = {line.digest for line in ledger.lines}
        if any(line_digest(row.encode()) not in present for row in committed):
            trusted.breaks.append(None)
    return trusted

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
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

from i18n.errors import I18nError
from i18n.formats import ledger as ledger_format
from i18n.formats import sshsig
from i18n.formats.git import in_repository, lines_at
from i18n.formats.ledger import NAMESPACE, Ledger, Line, Signing, line_digest, signed_bytes
from i18n.formats.verified import Verified, prefix_hash, read_verified, write_verified
from i18n.model import events as events_model
from i18n.model.events import Approved, Commented, Drafted, LedgerEvent
from i18n.model.people import REVIEWER, TRANSLATOR, People, Person, Service
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
    try:
        return dt.datetime.fromisoformat(event.time.replace("Z", "+00:00")).date()
    except ValueError:
        return None


class _Verifier:
    def __init__(self, ledger: Ledger, people: People, sample_keys_allowed: bool) -> None:
        self.ledger = ledger
        self.people = people
        self.sample_ok = sample_keys_allowed

    def problem(self, line: Line) -> tuple[str, str] | None:
        """Why the event on ``line`` does not count, or None when it does."""
        event = line.event
        assert event is not None
        if not event.signature:
            return "unsigned", "event is not signed"
        try:
            blob = base64.b64decode(event.signature, validate=True)
            key = sshsig.verify(signed_bytes(event), blob, NAMESPACE)
        except (binascii.Error, sshsig.BadSignature) as exc:
            reason = getattr(exc, "reason", "not base64")
            return "bad-signature", f"signature does not verify ({reason}): the line was edited"
        return self._signer_problem(event, key) or self._role_problem(event)

    def _signer_problem(self, event: LedgerEvent, key: sshsig.PublicKey) -> tuple[str, str] | None:
        owner = self.people.owner(key.line)
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
        if event.locale != self.ledger.locale:
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
        locale = self.ledger.locale
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
    # (len(honoured) when built, the honoured events of each catalog in order)
    _index: tuple[int, dict[str | None, list[tuple[int, LedgerEvent]]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def _events(self, catalog: str | None) -> Iterable[tuple[int, LedgerEvent]]:
        if catalog is None:
            return [(i, line.event) for i, line in enumerate(self.honoured) if line.event]
        return self._by_catalog().get(catalog, [])

    def _by_catalog(self) -> dict[str | None, list[tuple[int, LedgerEvent]]]:
        """The honoured events of each catalog, in order (built once: a locale has hundreds
        of catalogs, and each asks for its own events)."""
        index = self._index
        if index is None or index[0] != len(self.honoured):
            events: dict[str | None, list[tuple[int, LedgerEvent]]] = {}
            for i, line in enumerate(self.honoured):
                if line.event is not None:
                    events.setdefault(line.event.catalog, []).append((i, line.event))
            index = self._index = (len(self.honoured), events)
        return index[1]

    def latest(self, kind: type[E], catalog: str | None = None) -> dict[str, E]:
        """The latest event of type ``kind`` for each hash (by signed time, then file order)."""
        found = [(e.time, i, e) for i, e in self._events(catalog) if isinstance(e, kind)]
        return {e.hash: e for _, _, e in sorted(found, key=lambda x: (x[0], x[1]))}

    def approved_hashes(self, catalog: str | None = None) -> set[str]:
        """Hashes with an approval that no rejection or revocation comes after."""
        return set(self.approvals(catalog))

    def approvals(self, catalog: str | None = None) -> dict[str, Approved]:
        """For each approved hash, the approval that holds: one that every rejection and
        revocation of the same text precedes, both in signed time and in the chain of lines
        (an event on another branch, merged in, counts against the approval)."""
        decisions: dict[str, list[tuple[int, LedgerEvent]]] = {}
        for i, event in self._events(catalog):
            if event.decides:
                decisions.setdefault(event.hash, []).append((i, event))
        out: dict[str, Approved] = {}
        for digest, events in decisions.items():
            against = [(j, e) for j, e in events if not isinstance(e, Approved)]
            for i, event in events:
                if isinstance(event, Approved) and self._holds(i, event, against):
                    out[digest] = event
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
        by_digest = {line.digest: line for line in self.ledger.lines}
        line: Line | None = self.honoured[later]
        seen: set[str] = set()
        while line is not None and line.digest not in seen:
            seen.add(line.digest)
            if line.digest == target:
                return True
            prev = line.event.prev if line.event is not None else ""
            line = by_digest.get(prev) if prev else None
        return False


def trust(
    ledger: Ledger,
    people: People,
    *,
    sample_keys_allowed: bool = False,
    cache_dir: Path | None = None,
) -> Trusted:
    """Verify every line of ``ledger`` against ``people``. An unsigned line that a signed
    migration vouches for (``i18n resign``) is superseded, not a problem.

    With ``cache_dir`` (a folder), the verdicts on the ledger's lines are kept there
    (:mod:`i18n.formats.verified`) and reused while the lines they cover come first in the
    ledger, unchanged, in the same context (people, settings, this code): only lines appended
    since are verified. The result is the same as without the cache."""
    verdicts = _verdicts(ledger, _Verifier(ledger, people, sample_keys_allowed), cache_dir)
    trusted = Trusted(ledger)
    seen: set[str] = set()
    later = {line.digest for line in ledger.lines}
    unsigned: list[Line] = []
    for line, found in zip(ledger.lines, verdicts, strict=True):
        later.discard(line.digest)
        event = line.event
        if event is not None:
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


def _verdicts(
    ledger: Ledger, verifier: _Verifier, cache_dir: Path | None
) -> list[tuple[str, str] | None]:
    """Why each line's event does not count by itself (None: it counts, or holds no event),
    from the cache for the lines it covers."""
    lines = ledger.lines
    context = _context(verifier) if cache_dir is not None else ""
    path = cache_dir / f"{ledger.locale}.json" if cache_dir is not None else None
    known = read_verified(path, context) if path is not None else None
    if known is not None and (
        known.count > len(lines)
        or prefix_hash(line.digest for line in lines[: known.count]) != known.prefix
    ):
        known = None  # an earlier line was edited, removed or moved: verify everything
    start = known.count if known is not None else 0
    verdicts: list[tuple[str, str] | None] = [
        known.problems.get(i) if known is not None else None for i in range(start)
    ]
    for line in lines[start:]:
        verdicts.append(verifier.problem(line) if line.event is not None else None)
    if path is not None and (known is None or start < len(lines)):
        problems = {i: v for i, v in enumerate(verdicts) if v is not None}
        prefix = prefix_hash(line.digest for line in lines)
        write_verified(path, Verified(context, len(lines), prefix, problems))
    return verdicts


VERIFYING_CODE = (__file__, sshsig.__file__, ledger_format.__file__, events_model.__file__)


@cache
def _code_version() -> str:
    """A hash of the code a verdict comes from (a changed rule makes the cache stale)."""
    h = hashlib.sha256()
    for name in VERIFYING_CODE:
        h.update(Path(name).read_bytes())
    return h.hexdigest()


def _context(verifier: _Verifier) -> str:
    """What a line's verdict depends on besides the line itself."""
    parts = (
        _code_version(),
        verifier.ledger.locale,
        repr(verifier.people),
        verifier.sample_ok,
        sorted(sample_keys()),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


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


def verified_cache(project: Project) -> Path:
    """Where the project keeps its ledgers' verdicts (git-ignored, like all of ``.cache``)."""
    return project.cache_dir / "verified"


def read_trusted(project: Project, locale: str, people: People) -> Trusted:
    """The locale's ledger, read (warnings to the project) and verified."""
    return trust_in_project(project, Ledger.read(project.ledger_path(locale), project.warn), people)


def trust_in_project(project: Project, ledger: Ledger, people: People) -> Trusted:
    """:func:`trust` with the project's settings, and with what git knows: a line of the last
    commit that the working tree lacks was deleted, so no approval before it holds."""
    settings = project.settings
    trusted = trust(
        ledger, people, sample_keys_allowed=settings.sample_keys, cache_dir=verified_cache(project)
    )
    rel = project.rel(ledger.path)
    committed = lines_at(project.root, "HEAD", rel) if in_repository(project.root) else []
    if committed:
        present = {line.digest for line in ledger.lines}
        if any(line_digest(row.encode()) not in present for row in committed):
            trusted.breaks.append(None)
    return trusted

"""The record of verified signatures (``.cache/i18n/verified/<locale>.json``,
i18n.pipeline.verified): a warm run gives exactly what a cold one gives and verifies only lines
it has not verified before; a record not sealed by this machine's key (forged, edited, another
machine's) is not trusted; people.yaml is never cached; without a key nothing is written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from conftest import (
    TESTER,
    copy_project,
    public_key,
    signing_as_tester,
    signing_key,
    untrusted_cache_key,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n.formats import localkey, sshsig
from i18n.formats.ledger import Ledger
from i18n.formats.people import load_people
from i18n.model.events import Approved, utc_now
from i18n.pipeline import signoff
from i18n.pipeline.signoff import Trusted, trust, trust_cached
from i18n.pipeline.verified import Signatures
from i18n.project import Project

LOCALE = "de"


@pytest.fixture
def proj(tmp_path: Path) -> Project:
    return Project(copy_project(tmp_path / "proj"))


def record_path(p: Project) -> Path:
    return p.cache_dir / "verified" / f"{LOCALE}.json"


def cold(p: Project) -> Trusted:
    ledger = Ledger.read(p.ledger_path(LOCALE))
    return trust(ledger, load_people(p), sample_keys_allowed=p.settings.sample_keys)


def warm(p: Project) -> Trusted:
    return trust_cached(p, Ledger.read(p.ledger_path(LOCALE)), load_people(p))


def outcome(t: Trusted) -> tuple[object, ...]:
    return (
        [line.digest for line in t.honoured],
        t.problems,
        [b.digest if b is not None else None for b in t.breaks],
        sorted(t.approved_hashes()),
    )


def same_as_cold(p: Project) -> Trusted:
    cached = warm(p)
    assert outcome(cached) == outcome(cold(p))
    return cached


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many signatures were verified (a counter the test reads and resets)."""
    calls = [0]
    real = sshsig.verify

    def counting(*args: object) -> sshsig.PublicKey:
        calls[0] += 1
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(sshsig, "verify", counting)
    return calls


def rows(p: Project) -> list[str]:
    return p.ledger_path(LOCALE).read_text("utf-8").splitlines()


def write_rows(p: Project, lines: list[str]) -> None:
    p.ledger_path(LOCALE).write_text("".join(r + "\n" for r in lines), "utf-8")


def edited(row: str) -> str:
    event = json.loads(row)
    event["msgstr"] = event.get("msgstr", "") + " (edited)"
    return json.dumps(event, ensure_ascii=False, sort_keys=True)


def digest(row: str) -> str:
    return hashlib.sha256(row.encode()).hexdigest()


def signed_rows(p: Project) -> list[int]:
    return [i for i, row in enumerate(rows(p)) if '"signature"' in row]


def test_a_warm_run_verifies_only_new_lines(proj: Project, verifications: list[int]) -> None:
    first = same_as_cold(proj)
    signed = verifications[0] // 2  # the cached run and the cold one
    assert signed > 100 and record_path(proj).is_file() and first.approved_hashes()
    verifications[0] = 0
    warm(proj)
    assert verifications[0] == 0  # every signed line verified before: none verified again
    events = [
        Approved(
            hash=f"{i:064x}",
            catalog="site",
            msgctxt=None,
            msgid=f"text {i}",
            msgstr="x",
            reviewer="Test Reviewer",
            time=utc_now(),
        )
        for i in range(3)
    ]
    Ledger.read(proj.ledger_path(LOCALE)).append(events, signing_as_tester())
    same_as_cold(proj)
    assert verifications[0] == 3 + signed + 3
    mtime = record_path(proj).stat().st_mtime_ns
    verifications[0] = 0
    warm(proj)
    assert verifications[0] == 0 and record_path(proj).stat().st_mtime_ns == mtime


def forge(p: Project, change, *, seal: bytes | None = None) -> None:  # noqa: ANN001
    """Rewrite the record through ``change`` (of its entries), with a plain SHA-256 as the
    digest (what anyone who can write the project can compute), or sealed with ``seal``."""
    data = json.loads(record_path(p).read_bytes())
    data["entries"] = change(data["entries"])
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = (
        localkey.seal(seal, canonical) if seal else hashlib.sha256(canonical).hexdigest()
    )
    record_path(p).write_text(json.dumps(data, sort_keys=True), "utf-8")


def vouch(digests: list[str]):  # noqa: ANN201
    """A change of the record's entries: ``digests`` said to be signed by its first key."""

    def change(entries: dict[str, list[str]]) -> dict[str, list[str]]:
        key = sorted(entries)[0]
        return {**entries, key: sorted({*entries[key], *digests})}

    return change


@pytest.mark.parametrize("seal", [None, b"another machine's key, 32 bytes"])
@pytest.mark.parametrize("what", ["edited", "unsigned", "as is"])
def test_a_forged_record_is_not_trusted(
    proj: Project, verifications: list[int], what: str, seal: bytes | None
) -> None:
    same_as_cold(proj)  # the record holds every signed line
    lines = rows(proj)
    i = signed_rows(proj)[5]
    if what == "edited":  # a reviewer's approval edited: its old signature no longer fits
        lines[i] = edited(lines[i])
    elif what == "unsigned":
        event = json.loads(lines[i])
        del event["signature"]
        lines[i] = json.dumps(event, ensure_ascii=False, sort_keys=True)
    write_rows(proj, lines)
    forge(proj, vouch([digest(lines[i])]), seal=seal)
    before = outcome(cold(proj))
    verifications[0] = 0
    assert outcome(warm(proj)) == before  # reported exactly as cold
    assert verifications[0] == len(signed_rows(proj))  # every signature verified afresh
    if what == "edited":
        assert any(p.line == i + 1 and p.code == "bad-signature" for p in before[1])  # type: ignore[attr-defined]


def test_an_edited_key_in_the_record_is_not_trusted(proj: Project) -> None:
    same_as_cold(proj)
    other = sshsig.PublicKey.parse(public_key(signing_key(TESTER))).line  # in people.yaml

    def swap(entries: dict[str, list[str]]) -> dict[str, list[str]]:  # every line: the tester's
        return {other: sorted(d for ds in entries.values() for d in ds)}

    forge(proj, swap)
    assert outcome(warm(proj)) == outcome(cold(proj))
    forge(proj, swap, seal=b"x" * 32)
    assert outcome(warm(proj)) == outcome(cold(proj))


def test_a_key_removed_from_people_yaml_no_longer_counts(proj: Project) -> None:
    assert same_as_cold(proj).approved_hashes()
    data = yaml.safe_load(proj.people_file.read_text("utf-8"))
    data["people"]["katrin.vogel"]["keys"] = []
    proj.people_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    after = same_as_cold(proj)  # the record still names katrin's key for her lines
    assert any(p.code == "unknown-key" for p in after.problems)


def test_a_record_of_lines_gone_is_not_kept(proj: Project) -> None:
    same_as_cold(proj)
    lines = rows(proj)
    i = signed_rows(proj)[3]
    lines[i] = edited(lines[i])
    write_rows(proj, lines)
    Ledger.read(proj.ledger_path(LOCALE)).append(
        [
            Approved(
                hash="ab" * 32,
                catalog="site",
                msgctxt=None,
                msgid="x",
                msgstr="y",
                reviewer="Test Reviewer",
                time=utc_now(),
            )
        ],
        signing_as_tester(),
    )
    same_as_cold(proj)
    kept = {d for ds in json.loads(record_path(proj).read_bytes())["entries"].values() for d in ds}
    assert kept == {
        line.digest for line in cold(proj).ledger.lines if line.event and line.event.signature
    } - {digest(lines[i])}


def test_without_a_trustworthy_key_nothing_is_written(
    proj: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    untrusted_cache_key(monkeypatch, tmp_path)
    assert localkey.local_key(proj.root) is None
    result = run(proj.root, "status")
    assert result.exit_code == 0, result.output
    assert not (proj.cache_dir / "verified").exists()
    assert outcome(warm(proj)) == outcome(cold(proj))
    assert not (proj.cache_dir / "verified").exists()
    assert not Signatures.open(proj, LOCALE).known


def test_check_reports_the_same_cold_and_warm(tmp_path: Path, run) -> None:
    root = copy_project(tmp_path / "proj")
    lines = (root / "locales" / LOCALE / "approvals.jsonl").read_text("utf-8").splitlines()
    lines[-1] = edited(lines[-1])  # one finding to report
    (root / "locales" / LOCALE / "approvals.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    first = run(root, "check")
    assert (root / ".cache" / "i18n" / "verified" / f"{LOCALE}.json").is_file()
    second = run(root, "check")
    assert first.exit_code == second.exit_code == 1
    assert "ledger-bad-signature" in first.stdout and first.stdout == second.stdout


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(copy_project(tmp_path_factory.mktemp("verified") / "proj"))


EDITS = st.lists(
    st.tuples(st.sampled_from(["edit", "delete", "swap", "unsign", "drop-key"]), st.integers(0)),
    max_size=4,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS)
def test_cached_and_cold_agree_on_any_edit(shared: Project, edits) -> None:  # noqa: ANN001
    """Whatever was verified and cached before, under any edits of the ledger and
    people.yaml since, the warm run finds what the cold one finds."""
    ledger, people = shared.ledger_path(LOCALE), shared.people_file
    original = (ledger.read_bytes(), people.read_bytes())
    try:
        lines = rows(shared)
        data = yaml.safe_load(people.read_text("utf-8"))
        for op, n in edits:
            i = n % len(lines)
            if op == "edit":
                lines[i] = edited(lines[i])
            elif op == "delete":
                del lines[i]
            elif op == "swap":
                lines[i], lines[-1] = lines[-1], lines[i]
            elif op == "unsign":
                event = json.loads(lines[i])
                event.pop("signature", None)
                lines[i] = json.dumps(event, ensure_ascii=False, sort_keys=True)
            else:
                pid = sorted(data["people"])[n % len(data["people"])]
                data["people"][pid]["keys"] = []
        write_rows(shared, lines)
        people.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        same_as_cold(Project(shared.root))
    finally:
        ledger.write_bytes(original[0])
        people.write_bytes(original[1])


def test_verified_in_forked_workers_the_same(
    proj: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger verified in forked workers (both cores) gives what one verified in-process
    does: the edited line is still refused, and the record gets the same keys."""
    lines = rows(proj)
    i = signed_rows(proj)[2]
    lines[i] = edited(lines[i])
    write_rows(proj, lines)
    serial = outcome(cold(proj))
    monkeypatch.setattr(signoff, "PARALLEL_FROM", 1)
    # an earlier test of this worker process may have left an idle thread (a server's)
    monkeypatch.setattr(signoff, "may_fork", lambda: True)
    forked: list[int] = []
    real = signoff.forked_map
    monkeypatch.setattr(signoff, "forked_map", lambda *a: forked.append(1) or real(*a))
    assert outcome(cold(proj)) == serial
    assert outcome(warm(proj)) == serial and len(forked) == 2
    kept = Signatures.open(proj, LOCALE)
    assert digest(lines[i]) not in kept.known and len(kept.known) == len(signed_rows(proj)) - 1
    assert any(p.code == "bad-signature" for p in serial[1])  # type: ignore[attr-defined]


def test_check_cold_reads_no_record(tmp_path: Path, run) -> None:
    """``check --cold`` verifies every line afresh: even a record sealed with this machine's
    own key (which only this user could write) that vouches for an edited line is not read,
    and no record is written."""
    root = copy_project(tmp_path / "proj")
    assert run(root, "check").exit_code == 0
    p = Project(root)
    lines = rows(p)
    i = signed_rows(p)[3]
    lines[i] = edited(lines[i])
    write_rows(p, lines)
    forge(p, vouch([digest(lines[i])]), seal=localkey.local_key(root))
    trusting = run(root, "check")
    assert "ledger-bad-signature" not in trusting.stdout  # the sealed record is believed
    mtime = record_path(p).stat().st_mtime_ns
    cold = run(root, "check", "--cold")
    assert cold.exit_code == 1 and "ledger-bad-signature" in cold.stdout
    assert record_path(p).stat().st_mtime_ns == mtime  # nothing read, nothing written

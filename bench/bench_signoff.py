"""What signing and verifying cost: ``i18n approve --all`` on a locale of about 3,000
translated entries, and ``i18n check`` on the sample, beside the same work without the
signatures (the ledger append unsigned, the ledger read without verification).

    python bench/bench_signoff.py [RUNS]          # default 5

The approve project is the sample's articles copied to 48 (as bench/scale.py does), with a
Swedish locale translated to itself and a reviewer of it with a key made for the run.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import REPO, WORK
from scale import approval, bench_reviewer, make_articles

from i18n.formats.ledger import Ledger, Signing
from i18n.formats.people import load_people
from i18n.formats.po import read_po, write_po
from i18n.formats.sshsig import FileSigner
from i18n.model.events import utc_now
from i18n.pipeline.signoff import trust
from i18n.project import Project

CLI = [sys.executable, "-m", "i18n.cli"]
LOCALE = "sv"


def build() -> Path:
    root = WORK / "signoff" / "project"
    shutil.rmtree(root.parent, ignore_errors=True)
    root.mkdir(parents=True)
    for name in ("countries", "glossary.yaml"):
        src = REPO / "source" / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / "source" / name)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    make_articles(root / "source" / "articles", 48)
    for args in (["extract"], ["update", "--locale", LOCALE]):
        subprocess.run([*CLI, *args, "--project", str(root)], check=True, capture_output=True)
    for path in sorted((root / "locales" / LOCALE / "LC_MESSAGES").glob("*.po")):
        po = read_po(path)
        for e in po:
            if not e.obsolete and e.msgid and not e.msgid_plural:
                e.msgstr, e.flags = e.msgid, [f for f in e.flags if f != "fuzzy"]
        write_po(path, po)
    bench_reviewer(root, [LOCALE])
    return root


def timed(func) -> float:  # noqa: ANN001
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def approve_cli(root: Path) -> tuple[float, int]:
    work = root.parent / "run"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(root, work)
    cmd = [*CLI, "approve", "--project", str(work), "--locale", LOCALE, "--all"]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: some entries refused by QA
        raise RuntimeError(done.stderr)
    return wall, len(Ledger.read(work / "locales" / LOCALE / "approvals.jsonl").lines)


def library_append(root: Path, signed: bool) -> float:
    """Append one approval per translated entry, signed or not (the cost of the signatures)."""
    events = []
    for path in sorted((root / "locales" / LOCALE / "LC_MESSAGES").glob("*.po")):
        for e in read_po(path):
            if e.msgstr and not e.obsolete:
                events.append(approval(e, path.stem, "Bench", utc_now()))
    ledger = Ledger(root.parent / "lib" / LOCALE / "approvals.jsonl")
    shutil.rmtree(ledger.path.parent, ignore_errors=True)
    key = root.parent / "bench-reviewer.key"
    signing = Signing("bench.reviewer", FileSigner(key)) if signed else None
    return timed(lambda: ledger.append(events, signing))


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    root = build()
    approve = [approve_cli(root) for _ in range(runs)]
    lines = approve[0][1]
    signed = [library_append(root, True) for _ in range(runs)]
    plain = [library_append(root, False) for _ in range(runs)]
    sample = Project(REPO)
    people = load_people(sample)
    ledgers = [Ledger.read(p) for p in sorted((REPO / "locales").glob("*/approvals.jsonl"))]
    read = [timed(lambda: [Ledger.read(lg.path) for lg in ledgers]) for _ in range(runs)]
    verify = [
        timed(lambda: [trust(lg, people, sample_keys_allowed=True) for lg in ledgers])
        for _ in range(runs)
    ]
    check = [
        timed(lambda: subprocess.run([*CLI, "check", "--project", str(REPO)], capture_output=True))
        for _ in range(runs)
    ]
    med = statistics.median
    n = sum(len(lg.lines) for lg in ledgers)
    print(f"| what | median of {runs} | note |\n| --- | --- | --- |")
    print(f"| i18n approve --all, {lines} entries (CLI) | {med(x for x, _ in approve):.2f} s | |")
    print(
        f"| append {lines} approvals, signed (library) | {med(signed):.3f} s | "
        f"{med(signed) / lines * 1e3:.2f} ms each |"
    )
    print(
        f"| append {lines} approvals, unsigned (library) | {med(plain):.3f} s | "
        f"signing: {med(signed) / med(plain):.1f}x |"
    )
    print(f"| read the sample's {n} ledger lines | {med(read):.3f} s | |")
    print(
        f"| read and verify them (signoff.trust) | {med(verify):.3f} s | "
        f"{(med(verify) - med(read)) / n * 1e3:.2f} ms a line |"
    )
    print(
        f"| i18n check on the sample (CLI) | {med(check):.2f} s | verifying: "
        f"{(med(verify) - med(read)) / med(check):.0%} of it |"
    )


if __name__ == "__main__":
    main()

"""What verifying a ledger line costs: ``signoff.trust`` over every ledger of a project, cold
(every signature verified) and warm (the keys of lines verified before taken from the record of
i18n.pipeline.verified), per line, beside another checkout of the code (``--before``: e.g.
the main branch's worktree) in the same run: each side is a fresh process, A B A B ...

    python bench/bench_verify.py                                  # the sample
    python bench/bench_verify.py --project DIR --before /work/main --repeat 3

Reading the ledgers (JSON, digests) is timed apart and left out of the per-line figures.
Cold, a ledger of thousands of lines is verified in forked workers: its wall time counts them,
the CPU column is the main process's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

WORKER = r"""
import json, sys, time
from pathlib import Path
from i18n.formats.ledger import Ledger
from i18n.formats.people import load_people
from i18n.pipeline import signoff
from i18n.project import Project

project = Project(Path(sys.argv[1]))
people = load_people(project)
paths = sorted(project.locales_dir.glob("*/approvals.jsonl"))
t = time.process_time()
ledgers = [Ledger.read(p) for p in paths]
out = {"lines": sum(len(lg.lines) for lg in ledgers), "read": time.process_time() - t}
t, w = time.process_time(), time.perf_counter()
for lg in ledgers:
    signoff.trust(lg, people, sample_keys_allowed=project.settings.sample_keys)
out["cold"] = time.process_time() - t  # this process only: forked workers not counted
out["cold wall"] = time.perf_counter() - w
if hasattr(signoff, "trust_cached"):
    for lg in ledgers:  # fills the record (not timed)
        signoff.trust_cached(project, lg, people)
    t = time.process_time()
    for lg in ledgers:
        signoff.trust_cached(project, lg, people)
    out["warm"] = time.process_time() - t
print(json.dumps(out))
"""


def side(tree: Path, project: Path, key: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "I18N_CACHE_KEY": str(key)}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(project)],
        env=env,
        cwd=key.parent.parent,  # not a checkout: the import comes from PYTHONPATH
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--project", type=Path, default=REPO)
    ap.add_argument("--before", type=Path, help="another checkout of the code to compare with")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sides = {"this": REPO, **({"before": args.before} if args.before else {})}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "keys" / "cache-key"  # made by the first worker, 0600
        for _ in range(args.repeat):
            for name, tree in sides.items():
                runs[name].append(side(tree, args.project, key))
    print(f"project: {args.project}, median of {args.repeat}\n")
    print(
        "| code | lines | read | cold: per line, wall | cold: CPU of the main process "
        "| warm: per line |\n| --- | --- | --- | --- | --- | --- |"
    )
    for name, results in runs.items():
        lines = results[0]["lines"]
        med = {k: statistics.median(r[k] for r in results) for k in results[0] if k != "lines"}
        warm = f"{med['warm'] / lines * 1e6:.1f} µs" if "warm" in med else "-"
        print(
            f"| {name} ({sides[name]}) | {lines:,} | {med['read']:.2f} s | "
            f"{med['cold wall'] / lines * 1e6:.1f} µs | {med['cold'] / lines * 1e6:.1f} µs "
            f"| {warm} |"
        )


if __name__ == "__main__":
    main()

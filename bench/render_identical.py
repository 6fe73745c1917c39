"""Pages byte-identical before and after a change of the render: an earlier commit's code and
today's render the same projects into two folders each, and ``diff -r`` compares them.

    python bench/render_identical.py [COMMIT] [--articles 48]     # default: main

Projects: the sample (this repository) and the render bench's corpus of N articles
(bench/scale.py, built once); each rendered as a publish render, a ``--preview`` and a
``--country CH`` run, all with ``--today`` pinned. Exit 1 when any folder differs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from common import REPO, WORK, log
from scale import build

TODAY = "2026-11-30"


def old_code(commit: str) -> Path:
    """The package at ``commit``, unpacked once (``git archive``) outside the worktree."""
    sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", commit], capture_output=True, text=True, check=True
    ).stdout.strip()
    dest = WORK / f"code-{sha[:12]}"
    if not (dest / "i18n").is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", sha, "i18n"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def render(code: Path, project: Path, out: Path, *extra: str) -> None:
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(code)}
    args = ["render", "--project", str(project), "--out", str(out), "--today", TODAY, *extra]
    done = subprocess.run(
        [sys.executable, "-m", "i18n.cli", *args], env=env, capture_output=True, text=True
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{code}: i18n {' '.join(args)}: {done.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("commit", nargs="?", default="main")
    parser.add_argument("--articles", type=int, default=48)
    args = parser.parse_args()
    before = old_code(args.commit)
    projects = {"sample": REPO, f"scale-{args.articles}": build(args.articles)}
    runs = {"publish": (), "preview": ("--preview",), "country-CH": ("--country", "CH")}
    differ = 0
    for name, project in projects.items():
        for run, extra in runs.items():
            folders = {}
            for side, code in (("before", before), ("after", REPO)):
                folders[side] = WORK / "identical" / name / run / side
                render(code, project, folders[side], *extra)
            diff = subprocess.run(
                ["diff", "-r", "-q", str(folders["before"]), str(folders["after"])],
                capture_output=True,
                text=True,
            )
            files = sum(1 for p in folders["after"].rglob("*") if p.is_file())
            verdict = "identical" if diff.returncode == 0 else "DIFFER"
            differ += diff.returncode != 0
            print(f"{name} {run}: {files} files, {verdict}")
            if diff.returncode:
                log(diff.stdout[-3000:])
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()

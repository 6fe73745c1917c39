"""Benchmark 5: a no-op pipeline, and how fast ``i18n --help`` starts.

On a copy of the sample project, rendered once, ``i18n extract && i18n update && i18n render``
runs again on unchanged input: wall time of the three commands (separate processes, as a
shell runs them) and the files they wrote (content or modification time changed anywhere in
the project): the target is none.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bench_merge import i18n_script
from common import REPO, WORK, Run, alternate, fmt_s, log, median, run_process


def state(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(repeat: int) -> dict[str, Any]:
    root = WORK / "noop" / "project"
    shutil.rmtree(root.parent, ignore_errors=True)
    root.mkdir(parents=True)
    for name in ("source", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    cli = i18n_script()
    steps = [[cli, cmd, "--project", str(root)] for cmd in ("extract", "update", "render")]
    for cmd in steps:  # the first pass may write (dates, site/)
        run_process(cmd)
    touched: list[str] = []

    def pipeline() -> Run:
        before = state(root)
        runs = [run_process(cmd) for cmd in steps]
        after = state(root)
        touched.extend(p for p in after if before.get(p) != after[p])
        touched.extend(p for p in before if p not in after)
        return Run(
            sum(r.wall for r in runs),
            max(r.rss_mb for r in runs),
            sum(r.cpu for r in runs),
            {name: r.wall for name, r in zip(("extract", "update", "render"), runs, strict=True)},
        )

    def help_() -> Run:
        return run_process([cli, "--help"])

    log(f"no-op pipeline and i18n --help, x{repeat} (A B A B) ...")
    runs = alternate({"extract && update && render": pipeline, "i18n --help": help_}, repeat)
    p = runs["extract && update && render"]
    out = {
        "wall": median([r.wall for r in p]),
        "walls": [round(r.wall, 3) for r in p],
        "steps": {k: median([r.extra[k] for r in p]) for k in ("extract", "update", "render")},
        "files_written": sorted(set(touched)),
        "help_wall": median([r.wall for r in runs["i18n --help"]]),
    }
    print_table(out)
    return out


def print_table(out: dict[str, Any]) -> None:
    steps = ", ".join(f"{k} {fmt_s(v)}" for k, v in out["steps"].items())
    print("\n### No-op pipeline on the sample project\n")
    print(
        f"`i18n extract && i18n update && i18n render` on unchanged input: "
        f"{fmt_s(out['wall'])} (median; {steps}); files written: "
        f"{len(out['files_written'])}"
        + (f" ({', '.join(out['files_written'][:10])})" if out["files_written"] else "")
    )
    print(f"\n`i18n --help`: {fmt_s(out['help_wall'])} (median, whole process)")


if __name__ == "__main__":
    run(3)

"""Issue 14: peak memory of a full render, at the sizes given, and its growth per page.

    python bench/bench_memory.py DIR [DIR ...] [--code PATH] [--skip-cold] [--skip-warm]

Each ``DIR`` is a scale project (``python bench/scale.py --pages N`` prints one; or a copy of
a shared one: the render writes into its ``.cache/``, so never pass a project someone else
uses). Per project, three renders as processes of their own, peak RSS through GNU time (the
largest process of the render: the parent, or a forked page worker, which counts the pages
it shares with the parent):

- **cold**: ``I18N_NO_CACHE=1``, into an empty folder outside the project: every page
  planned and built, no record read or written;
- **records**: a render into another empty folder, which leaves the records warm (which key
  signed each ledger line, plans, pages); not reported beyond its figures;
- **warm**: the same render again into that folder, nothing changed: plans, pages and the
  locales' sitemaps and manifest parts taken from the records.

Prints a Markdown table (pages, wall, CPU, peak RSS, KiB per page) and the growth between
the smallest and the largest project (MiB per 10k pages), with a straight-line extrapolation
to 60k pages. Memory is measured here, never asserted in a test. ``--code``: the ``i18n``
package to run (``PYTHONPATH``; default: this checkout's), for a before/after on one machine.
Runs at ``nice 10``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from common import REPO, Run, fmt_s, log, run_process


def render(project: Path, out: Path, code: Path, cold: bool) -> tuple[Run, int]:
    """One render of ``project`` into ``out``: its figures and the pages the manifest lists."""
    env = {"PYTHONPATH": str(code)}
    if cold:
        env["I18N_NO_CACHE"] = "1"
    cmd = ["nice", "-n", "10", sys.executable, "-m", "i18n.cli", "render"]
    run = run_process([*cmd, "--project", str(project), "--out", str(out)], env=env, cwd=code)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return run, len(manifest["pages"])


def row(name: str, kind: str, run: Run, pages: int) -> str:
    per_page = run.rss_mb * 1024 / max(pages, 1)
    return (
        f"| {name} | {kind} | {pages} | {fmt_s(run.wall)} | {fmt_s(run.cpu)} | "
        f"{run.rss_mb:.0f} MiB | {per_page:.1f} KiB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("projects", nargs="+", type=Path)
    parser.add_argument("--code", type=Path, default=REPO)
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--skip-warm", action="store_true")
    args = parser.parse_args()
    rows: list[str] = []
    sizes: dict[str, list[tuple[int, float]]] = {"cold": [], "warm": []}
    for project in args.projects:
        project = project.resolve()
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
            runs: list[tuple[str, Path, bool]] = []
            if not args.skip_cold:
                runs.append(("cold", Path(tmp) / "cold", True))
            if not args.skip_warm:
                runs += [
                    ("records", Path(tmp) / "warm", False),
                    ("warm", Path(tmp) / "warm", False),
                ]
            for kind, out, cold in runs:
                log(f"{project.name}: {kind} render")
                run, pages = render(project, out, args.code.resolve(), cold)
                rows.append(row(project.name, kind, run, pages))
                if kind in sizes:
                    sizes[kind].append((pages, run.rss_mb))
                if kind == "cold":
                    shutil.rmtree(out)
    print("| project | render | pages | wall | CPU | peak RSS | per page |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    for kind, points in sizes.items():
        if len(points) < 2:
            continue
        (p0, m0), (p1, m1) = min(points), max(points)
        if p1 == p0:
            continue
        slope = (m1 - m0) / (p1 - p0)  # MiB per page
        at_60k = m1 + slope * (60_000 - p1)
        print(
            f"{kind}: {slope * 10_000:.0f} MiB per 10k pages ({p0} -> {p1} pages); "
            f"60k pages by a straight line: {at_60k / 1024:.2f} GiB"
        )


if __name__ == "__main__":
    main()

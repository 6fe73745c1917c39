"""Issue 14, the full render of a built scale project against its floor, in one run.

    python bench/bench_render_scale.py --project DIR [--repeat N] [--code PATH]

``DIR`` is a project built by bench/scale.py (``python bench/scale.py --pages 10000`` prints
it; or a copy of /work/scale/10k: the render writes into its ``.cache/``, so copy a shared one
first). Each side runs as a process of its own (wall, CPU of the process and its forked
workers, peak RSS through GNU time):

- ``i18n render`` into an empty folder outside the project, with no plan cache (every page
  planned and built, as bench_render.py's "i18n render" side), after one untimed render that
  leaves the records a render keeps warm (which key signed each ledger line: a project
  built elsewhere has none, and its first render verifies every signature);
- the floor (render_floor_worker.py): markdown-it-py once per (article, language) the
  countries name, Jinja2's ``article.html`` once per page the render wrote.

Prints a Markdown table and the ratio i18n / floor (wall and CPU). ``--code``: the ``i18n``
package to run (PYTHONPATH; default: this checkout's), for a before/after on one machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import REPO, fmt_s, log, machine, median, run_process

BENCH = Path(__file__).resolve().parent


def count_pages(site: Path) -> int:
    """Article, index and helper pages (``<cc>/<lang>/*.html``), as bench_render counts."""
    return sum(1 for _ in site.glob("*/*/*.html"))


def render(root: Path, out: Path, code: Path) -> Any:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(root / ".cache" / "i18n" / "plan", ignore_errors=True)
    cmd = [sys.executable, "-m", "i18n.cli", "render", "--project", str(root), "--out", str(out)]
    return run_process(cmd, env={"PYTHONPATH": str(code)})


def floor(root: Path, pages: int, code: Path) -> Any:
    return run_process(
        [sys.executable, str(BENCH / "render_floor_worker.py"), str(root), str(pages)],
        env={"PYTHONPATH": str(code)},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=1, help="timed renders (median)")
    parser.add_argument("--code", type=Path, default=REPO, help="the i18n package's checkout")
    args = parser.parse_args()
    root, code = args.project.resolve(), args.code.resolve()
    with tempfile.TemporaryDirectory(prefix="render-scale-") as tmp:
        out = Path(tmp) / "site"
        log(f"warm-up render of {root} (records a render keeps) ...")
        first = render(root, out, code)
        pages = count_pages(out)
        log(f"  {pages} pages, {fmt_s(first.wall)} wall, {fmt_s(first.cpu)} CPU")
        runs = []
        for k in range(args.repeat):
            runs.append(render(root, out, code))
            log(f"  render {k + 1}: {fmt_s(runs[-1].wall)} wall, {fmt_s(runs[-1].cpu)} CPU")
        base = floor(root, pages, code)
        log(f"  floor: {fmt_s(base.wall)} wall, {fmt_s(base.cpu)} CPU")
    wall = median([r.wall for r in runs])
    cpu = median([r.cpu for r in runs])
    rss = max(r.rss_mb for r in runs)
    print(f"Machine: {machine()}  \nCommand: `python bench/bench_render_scale.py "
          f"--project {root.name} --repeat {args.repeat}` (code: {code})\n")  # fmt: skip
    print("| side | pages | wall | CPU | peak RSS | pages/s (wall) |")
    print("| --- | --- | --- | --- | --- | --- |")
    rows = [
        ("i18n render, first run (records written)", first.wall, first.cpu, first.rss_mb),
        ("i18n render (plans made, records warm)", wall, cpu, rss),
        ("floor: markdown-it-py per (article, language) + Jinja2 per page", base.wall,
         base.cpu, base.rss_mb),
    ]  # fmt: skip
    for name, w, c, m in rows:
        print(f"| {name} | {pages} | {fmt_s(w)} | {fmt_s(c)} | {m:.0f} MiB | {pages / w:.0f} |")
    print(
        f"\ni18n / floor: {wall / base.wall:.2f}× wall, {cpu / base.cpu:.2f}× CPU "
        f"(floor in-process: {fmt_s(base.extra.get('call', 0.0))})"
    )


if __name__ == "__main__":
    main()

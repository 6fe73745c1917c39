"""The render after a one-string change, with the plan cache (``--after``, this branch's
HEAD) and without it (``--before``, an earlier commit), in one run on the same project; each
side's code is that commit's ``i18n`` package (git archive), so editing the tree meanwhile
changes nothing.

    python bench/bench_plan.py                          # the sample, before = main
    python bench/bench_plan.py --before 6fd3cb2 --after HEAD --repeat 5
    python bench/bench_plan.py --project DIR --repeat 1 # a built project (copied first)

The project (the sample, or ``--project``: copied once into bench/.cache/plan/) is rendered
once by each side into a folder of its own (each side keeps its own page cache; the plan
cache is this tree's only). Then, ``--repeat`` times: one approved German string of an article
is changed and approved again (signed with the sample's German reviewer key, as the sample
allows), and each side renders once, timed, in a process of its own
(render_worker.py: the library call), the sides in turn A B, B A, ... The table gives the
median wall and CPU, and the plans made and reused, the pages built and the files rewritten.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path
from typing import Any

from bench_render import _approve, _edit_string, _timed_render
from common import REPO, WORK, fmt_s, log, median
from render_identical import old_code
from scale import i18n

BENCH = Path(__file__).resolve().parent
HERE = "with the plan cache"


def project_copy(source: Path | None) -> Path:
    name = "sample" if source is None else source.parent.name
    root = WORK / "plan" / name / "project"
    shutil.rmtree(root.parent, ignore_errors=True)
    root.mkdir(parents=True)
    base = REPO if source is None else source
    for sub in ("source", "locales"):
        shutil.copytree(base / sub, root / sub)
    shutil.copy2(base / "pyproject.toml", root / "pyproject.toml")
    return root


def item_of(root: Path) -> dict[str, Any]:
    """An approved German string of an article (the first of the queue's list)."""
    args = ["queue", "--project", str(root), "--locale", "de", "--state", "approved"]
    queue = json.loads(i18n(*args, "--format", "json"))
    return next(i for i in queue if i["catalog"] != "site" and not i["msgctxt"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="main", help="the commit measured without")
    parser.add_argument("--after", default="HEAD", help="the commit measured with it")
    parser.add_argument("--project", type=Path, help="a built project (default: the sample)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sides = {f"{args.before} (no plan cache)": old_code(args.before), HERE: old_code(args.after)}
    root = project_copy(args.project)
    os.environ["I18N_SIGNING_KEY"] = str(REPO / "source" / "sample-keys" / "katrin.vogel")
    outs = {name: root.parent / f"site-{i}" for i, name in enumerate(sides)}
    for name, code in sides.items():
        log(f"first render: {name}")
        first = _timed_render(root, outs[name], code)
        log(f"  {fmt_s(first['wall'])}, planned {first['planned']}")
    item = item_of(root)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    order = list(sides)
    for k in range(args.repeat):
        _edit_string(root, item, k)
        _approve(root, item)
        for name in order if k % 2 == 0 else order[::-1]:
            runs[name].append(_timed_render(root, outs[name], sides[name]))
            log(f"  {name}: {fmt_s(runs[name][-1]['wall'])}")
    pages = sum(1 for _ in outs[HERE].glob("*/*/*.html"))
    print(f"\nOne approved string of `{item['catalog']}` (de) changed and approved again, "
          f"{pages} pages published; median of {args.repeat}:\n")  # fmt: skip
    print("| side | wall | CPU | plans made | plans reused | pages built | files rewritten |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, rs in runs.items():
        last = rs[-1]
        print(
            f"| {name} | {fmt_s(median([r['wall'] for r in rs]))} "
            f"| {fmt_s(median([r['cpu'] for r in rs]))} | {last['planned']} | {last['reused']} "
            f"| {last['built']} | {len(last['rewritten'])} |"
        )


if __name__ == "__main__":
    main()

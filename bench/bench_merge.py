"""Benchmark 1: merging a revised template into a translated catalog.

Sides, run in turn (A B A B ...) on the same files, built by one of two independent
scenarios: ``django`` (bench/scenario.py) and ``sphinx`` (bench/scenario2.py):

- ``i18n.catalogs`` (library): a fresh process reads the template and the old catalog,
  merges and writes (bench/merge_worker.py); wall time of the process and of the call;
- ``i18n update`` (CLI) on a project holding the two files;
- GNU ``msgmerge --previous`` (its fuzzy search uses OpenMP threads), and again with
  ``OMP_NUM_THREADS=1``;
- ``pybabel update`` (Babel's ``Catalog.update``) at 3k and 10k entries, each run capped.

Peak memory is each process's own maximum resident set (``os.wait4``). Match quality is
graded from the recorded truth of the scenario.
"""

from __future__ import annotations

import shutil
import sys
import sysconfig
from pathlib import Path
from typing import Any

import scenario
import scenario2
from common import (
    BENCH,
    DJANGO,
    Run,
    alternate,
    download,
    fmt_ratio,
    fmt_s,
    log,
    median,
    peer_venv,
    run_process,
    tool_version,
)
from scenario import LOCALE, Scenario, django_pool, score

BABEL_SIZES = (3000, 10000)
BABEL_TIMEOUT = 240.0
OTHER_THRESHOLDS = (60, 80)  # i18n's default fuzzy_threshold is 70
SCENARIOS = {
    "django": lambda n: scenario.build(django_pool(download(DJANGO)), n),
    "sphinx": lambda n: scenario2.build(
        scenario2.translation_pool([download(scenario2.SPHINX), download(DJANGO)]), n
    ),
}
SCENARIO_TITLES = {
    "django": "Django's texts, reviser's edits (bench/scenario.py)",
    "sphinx": "Sphinx's and Django's translations as msgids, typos and inserted words "
    "(bench/scenario2.py)",
}


def i18n_script() -> str:
    """The console script itself (not a pyenv shim, whose start-up is not ours)."""
    path = Path(sysconfig.get_path("scripts")) / "i18n"
    return str(path) if path.exists() else shutil.which("i18n") or "i18n"


def sides_for(sc: Scenario, babel_bin: Path | None) -> tuple[dict[str, Any], dict[str, Path]]:
    n = sc.n
    out = sc.folder
    outputs = {
        "i18n (library)": out / "ours.po",
        "i18n update (CLI)": out / "project" / "locales" / LOCALE / "LC_MESSAGES" / "bench.po",
        "msgmerge": out / "msgmerge.po",
        "msgmerge 1 thread": out / "msgmerge1.po",
    }
    project = out / "project"
    (project / "locales" / "templates").mkdir(parents=True, exist_ok=True)
    outputs["i18n update (CLI)"].parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sc.new_pot, project / "locales" / "templates" / "bench.pot")

    def ours() -> Run:
        return run_process(
            [
                sys.executable,
                str(BENCH / "merge_worker.py"),
                str(sc.new_pot),
                str(sc.old_po),
                str(outputs["i18n (library)"]),
                LOCALE,
            ]
        )

    def cli() -> Run:
        shutil.copyfile(sc.old_po, outputs["i18n update (CLI)"])
        return run_process([i18n_script(), "update", "--project", str(project)])

    def msgmerge(threads: int | None, target: Path) -> Run:
        env = {"OMP_NUM_THREADS": str(threads)} if threads else None
        return run_process(
            [
                "msgmerge",
                "--previous",
                "--quiet",
                "-o",
                str(target),
                str(sc.old_po),
                str(sc.new_pot),
            ],
            env=env,
        )

    sides: dict[str, Any] = {
        "i18n (library)": ours,
        "i18n update (CLI)": cli,
        "msgmerge": lambda: msgmerge(None, outputs["msgmerge"]),
        "msgmerge 1 thread": lambda: msgmerge(1, outputs["msgmerge 1 thread"]),
    }
    if babel_bin is not None and n in BABEL_SIZES:
        target = out / "babel.po"
        outputs["pybabel update"] = target

        def babel() -> Run:
            shutil.copyfile(sc.old_po, target)
            return run_process(
                [
                    str(babel_bin / "pybabel"),
                    "-q",
                    "update",
                    "-i",
                    str(sc.new_pot),
                    "-o",
                    str(target),
                    "-l",
                    LOCALE,
                ],
                timeout=BABEL_TIMEOUT,
            )

        sides["pybabel update"] = babel
    return {"scenario": sc, "sides": sides}, outputs


def run(
    sizes: tuple[int, ...],
    repeat: int,
    babel_repeat: int,
    babel: bool,
    scenarios: tuple[str, ...] = ("django",),
) -> dict[str, Any]:
    babel_bin = peer_venv() if babel else None
    results: dict[str, Any] = {
        "msgmerge": tool_version(["msgmerge", "--version"]),
        "pybabel": tool_version([str(babel_bin / "pybabel"), "--version"]) if babel_bin else "",
        "scenarios": {name: {"sizes": {}} for name in scenarios},
    }
    for name, n in ((name, n) for name in scenarios for n in sizes):
        results["scenarios"][name]["sizes"][n] = run_one(
            name, SCENARIOS[name](n), repeat, babel_repeat, babel_bin
        )
    return results


def run_one(
    scenario_name: str, sc: Scenario, repeat: int, babel_repeat: int, babel_bin: Path | None
) -> dict[str, Any]:
    """Every side on one scenario, its row printed as a table."""
    n = sc.n
    setup, outputs = sides_for(sc, babel_bin)
    sides = dict(setup["sides"])
    slow = {k: sides.pop(k) for k in list(sides) if k == "pybabel update"}
    log(f"merge {n}: {', '.join(sides)} x{repeat} (A B A B) ...")
    runs = alternate(sides, repeat)
    for name, fn in slow.items():
        log(f"merge {n}: {name} x{babel_repeat} (capped at {BABEL_TIMEOUT:.0f} s) ...")
        runs[name] = [fn() for _ in range(babel_repeat)]
    row: dict[str, Any] = {"counts": sc.counts(), "sides": {}}
    for name, rs in runs.items():
        timed_out = any(r.extra.get("timeout") for r in rs)
        quality = None if timed_out else score(sc, outputs[name]).as_dict()
        row["sides"][name] = {
            "wall": median([r.wall for r in rs]),
            "walls": [round(r.wall, 3) for r in rs],
            "cpu": median([r.cpu for r in rs]),
            "rss_mb": max(r.rss_mb for r in rs),
            "call": median([r.extra["call"] for r in rs]) if "call" in rs[0].extra else None,
            "steps": {
                k: median([r.extra[k] for r in rs])
                for k in ("import", "read", "merge", "write")
                if k in rs[0].extra
            },
            "timeout": timed_out,
            "quality": quality,
        }
    for threshold in OTHER_THRESHOLDS:  # quality only: the trade-off of the cutoff
        target = sc.folder / f"ours-{threshold}.po"
        run_process(
            [
                sys.executable,
                str(BENCH / "merge_worker.py"),
                str(sc.new_pot),
                str(sc.old_po),
                str(target),
                LOCALE,
                str(threshold),
            ]
        )
        row.setdefault("other_thresholds", {})[threshold] = score(sc, target).as_dict()
    print_size(scenario_name, n, row)
    return row


def print_size(scenario_name: str, n: int, row: dict[str, Any]) -> None:
    sides = row["sides"]
    ref = sides["msgmerge"]["wall"]
    title = SCENARIO_TITLES[scenario_name]
    print(f"\n#### Merge, {n:,} entries, {title} ({row['counts']})\n")
    print(
        "| side | wall (median) | CPU | vs msgmerge | peak RSS | right | wrong | missed "
        "| guesses on new | kept |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, s in sides.items():
        q = s["quality"] or {}
        wall = fmt_s(s["wall"]) + (" (timeout)" if s["timeout"] else "")
        if s["call"] is not None:
            wall += f" (call {fmt_s(s['call'])})"
        print(
            f"| {name} | {wall} | {fmt_s(s['cpu'])} | {fmt_ratio(s['wall'], ref)} "
            f"| {s['rss_mb']:.0f} MiB | {q.get('right', '-')} | {q.get('wrong', '-')} "
            f"| {q.get('missed', '-')} | {q.get('guesses_on_new', '-')} | {q.get('kept', '-')} |"
        )
    for threshold, q in row.get("other_thresholds", {}).items():
        print(
            f"\ni18n with fuzzy_threshold = {threshold} (default 70): right {q['right']}, "
            f"wrong {q['wrong']}, missed {q['missed']}, guesses on new {q['guesses_on_new']}"
        )
    if "pybabel update" in sides:
        b = sides["pybabel update"]["wall"]
        print(
            f"\npybabel update / i18n (library): {b / sides['i18n (library)']['wall']:.0f}×; "
            f"pybabel / i18n update (CLI): {b / sides['i18n update (CLI)']['wall']:.0f}×"
        )

"""Issue 14, check and status at scale: the commands a team runs every day, on projects of
1k, 10k and 60k pages (bench/scale.py: 40 countries, 30 languages, every entry approved).

For each size: the build of the project (once; cached), then each command as a fresh process
(wall, CPU, peak RSS through GNU time):

- ``i18n check`` cold (no verified-ledger cache: every signature verified) and warm;
- ``i18n status`` and ``i18n queue`` over the 29 locales (warm);
- ``i18n extract`` and ``i18n update`` on unchanged input (no-op): first without the record
  of the last run (``.cache/i18n/extract.json``, ``update.json``, removed), then with the
  record that run wrote; beside a fresh run of each on a copy holding only the sources
  (``update`` then writes every catalog);
- the peer of ``update``: GNU ``msgmerge --previous`` over the same catalogs, one process per
  catalog as a gettext project runs it (output to /dev/null).

    python bench/bench_scale.py                      # 1k and 10k pages
    python bench/bench_scale.py --pages 1000 10000 60000
    python bench/bench_scale.py --pages 1000 --noop-only   # extract and update only
    python bench/bench_scale.py --project DIR [DIR ...]   # check, status, queue of built projects

With ``--project``, a project built before (bench/scale.py's folder, e.g. by another
checkout whose code key differs) is measured instead of building one: ``check``, ``status``
and ``queue``, each cold (no record of verified signatures, QA findings or status counts, all
removed from its ``.cache/i18n``) and warm (the records the cold run wrote), and ``status --format
json`` warm (without rich's table). Nothing else of the project is written.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from common import WORK, Run, fmt_s, log, machine, run_process, save_result
from scale import build_pages

CLI = [sys.executable, "-m", "i18n.cli"]


def i18n_run(root: Path, *args: str) -> Run:
    run = run_process([*CLI, *args, "--project", str(root)])
    what = f"{fmt_s(run.wall)} wall, {fmt_s(run.cpu)} CPU, {run.rss_mb:.0f} MiB"
    log(f"  i18n {' '.join(args)}: {what}")
    return run


def msgmerge_all(root: Path) -> Run:
    """GNU msgmerge --previous of every catalog against its template, one process each."""
    script = (
        'set -e; cd "$1"; for f in locales/*/LC_MESSAGES/*.po; do '
        'b=$(basename "$f" .po); '
        'msgmerge -q --previous -o /dev/null "$f" "locales/templates/$b.pot"; '
        "done"
    )
    return run_process(["bash", "-c", script, "msgmerge-all", str(root)])


def fresh_copy(root: Path, dest: Path) -> Path:
    """The project's sources and settings, without catalogs (what a first extract sees)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    shutil.copytree(root / "source", dest / "source")
    shutil.copy2(root / "pyproject.toml", dest / "pyproject.toml")
    return dest


def measure(pages: int, noop_only: bool = False) -> dict[str, Any]:
    t0 = time.perf_counter()
    root = build_pages(pages)
    built = time.perf_counter() - t0
    entries = sum(1 for _ in (root / "locales").glob("*/approvals.jsonl"))
    articles = len(list((root / "source" / "articles").glob("*.md")))
    out: dict[str, Any] = {"pages": pages, "articles": articles, "locales": entries}
    out["build (cached if 0)"] = built
    runs: dict[str, Run] = {}
    if not noop_only:
        for cache in ("verified", "qa"):  # cold: every signature verified, every entry QA'd
            shutil.rmtree(root / ".cache" / "i18n" / cache, ignore_errors=True)
        log(f"{pages} pages: check (cold) ...")
        runs["check, cold cache"] = i18n_run(root, "check")
        log(f"{pages} pages: check (warm), status, queue ...")
        runs["check"] = i18n_run(root, "check")
        runs["status"] = i18n_run(root, "status")
        runs["queue"] = i18n_run(root, "queue")
    log(f"{pages} pages: no-op extract and update, without and with the last run's record ...")
    for cmd in ("extract", "update"):
        (root / ".cache" / "i18n" / f"{cmd}.json").unlink(missing_ok=True)
        runs[f"{cmd}, no-op, no record"] = i18n_run(root, cmd)
        runs[f"{cmd}, no-op"] = i18n_run(root, cmd)
    fresh = fresh_copy(root, WORK / f"scale-{pages}-fresh")
    log(f"{pages} pages: fresh extract and update ...")
    runs["extract, fresh"] = i18n_run(fresh, "extract")
    runs["update, fresh"] = i18n_run(fresh, "update")
    if shutil.which("msgmerge") and not noop_only:
        log(f"{pages} pages: msgmerge over the same catalogs ...")
        runs["msgmerge --previous, every catalog"] = msgmerge_all(root)
    shutil.rmtree(fresh, ignore_errors=True)
    out["runs"] = {k: {"wall": r.wall, "cpu": r.cpu, "rss_mb": r.rss_mb} for k, r in runs.items()}
    return out


def measure_built(root: Path) -> dict[str, Any]:
    """check, status and queue of a built project, cold and warm (see the module's doc)."""
    articles = len(list((root / "source" / "articles").glob("*.md")))
    countries = sorted((root / "source" / "countries").glob("*.yaml"))
    pairs = sum(len(yaml.safe_load(p.read_text("utf-8"))["languages"]) for p in countries)
    pages = articles * pairs  # at most: an article withheld in a country has no page there
    locales = sum(1 for _ in (root / "locales").glob("*/approvals.jsonl"))
    out: dict[str, Any] = {"pages": pages, "articles": articles, "locales": locales}
    out["build (cached if 0)"] = 0.0
    runs: dict[str, Run] = {}
    for cmd in ("check", "status", "queue"):
        for cache in ("verified", "qa"):
            shutil.rmtree(root / ".cache" / "i18n" / cache, ignore_errors=True)
        (root / ".cache" / "i18n" / "status.json").unlink(missing_ok=True)
        log(f"{root}: {cmd}, cold and warm ...")
        runs[f"{cmd}, cold"] = i18n_run(root, cmd)
        runs[f"{cmd}, warm"] = i18n_run(root, cmd)
    runs["status --format json, warm"] = i18n_run(root, "status", "--format", "json")
    out["runs"] = {k: {"wall": r.wall, "cpu": r.cpu, "rss_mb": r.rss_mb} for k, r in runs.items()}
    return out


def table(results: list[dict[str, Any]]) -> str:
    sizes = [r["pages"] for r in results]
    head = "| command | " + " | ".join(f"{p:,} pages: wall / CPU / peak RSS" for p in sizes)
    rows = [head + " |", "| --- |" + " --- |" * len(sizes)]
    for name in results[0]["runs"]:
        cells = []
        for r in results:
            x = r["runs"].get(name)
            cells.append(
                f"{fmt_s(x['wall'])} / {fmt_s(x['cpu'])} / {x['rss_mb']:.0f} MiB" if x else "-"
            )
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def ratios(r: dict[str, Any]) -> list[str]:
    runs = r["runs"]
    lines = []
    for cmd in ("extract", "update"):
        noop, fresh = runs[f"{cmd}, no-op"], runs[f"{cmd}, fresh"]
        lines.append(
            f"{r['pages']:,} pages: no-op {cmd} / fresh {cmd}: "
            f"{noop['wall'] / fresh['wall']:.2f}× wall, {noop['cpu'] / fresh['cpu']:.2f}× CPU"
        )
    peer = runs.get("msgmerge --previous, every catalog")
    if peer:
        for kind in ("no-op", "fresh"):
            ours = runs[f"update, {kind}"]
            lines.append(
                f"{r['pages']:,} pages: {kind} i18n update / msgmerge over every catalog: "
                f"{ours['wall'] / peer['wall']:.2f}× wall, {ours['cpu'] / peer['cpu']:.2f}× CPU"
            )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--noop-only", action="store_true", help="only extract and update")
    ap.add_argument("--project", type=Path, nargs="+", help="built projects: check, status, queue")
    args = ap.parse_args()
    if args.project:
        results = [measure_built(root.resolve()) for root in args.project]
    else:
        results = [measure(p, args.noop_only) for p in args.pages]
    print(f"Machine: {machine()}  \nDate: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    for r in results:
        print(
            f"- {r['pages']:,} pages: {r['articles']} articles, {r['locales']} locales; "
            f"build {fmt_s(r['build (cached if 0)'])} (0: cached)"
        )
    print()
    print(table(results))
    print()
    for r in results:
        for line in ratios(r) if not args.project else []:
            print(f"- {line}")
    save_result("scale", {"results": results})


if __name__ == "__main__":
    main()

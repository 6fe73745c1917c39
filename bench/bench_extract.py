"""Benchmark 2: extracting a real Markdown corpus to gettext.

The corpus: every ``.md`` file in the sdists of a few Markdown-heavy projects (documentation
written by people: hatch, pip, black, pymdown-extensions, Python-Markdown). For i18n each file
becomes ``source/articles/<slug>.md`` with generated front matter (slug, and the first
heading as title); the peers get the original files. Files that i18n refuses (raw HTML,
an empty body: docs/authors.md) are left out for every side, and counted.

Sides, in turn (A B A B ...), each a fresh process:

- ``i18n extract`` (CLI), and the library call in a worker (bench/extract_worker.py), from
  nothing (no earlier POT files) every run;
- mdpo (md4c parser): its ``markdown_to_pofile`` per file in one process (bench/mdpo_worker.py),
  one PO file per Markdown file, as i18n writes one POT per article; one ``md2po`` run over
  the whole corpus is also timed once (it is quadratic in the number of entries);
- a bare markdown-it-py parse of the same files (no extraction, no output): the floor.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from bench_merge import i18n_script
from common import (
    BENCH,
    MARKDOWN_SDISTS,
    WORK,
    alternate,
    download,
    fmt_ratio,
    fmt_s,
    log,
    median,
    peer_venv,
    run_process,
    sdist_markdown,
)

MDPO_CLI_TIMEOUT = 300.0
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def corpus() -> tuple[Path, Path, dict[str, int]]:
    """(project folder for i18n, flat folder of the original files for the peers, stats)."""
    base = WORK / "extract"
    project, flat = base / "project", base / "corpus"
    stats_file = base / "stats.json"
    if stats_file.is_file() and "refused" in (cached := json.loads(stats_file.read_text())):
        return project, flat, cached
    shutil.rmtree(base, ignore_errors=True)
    articles = project / "source" / "articles"
    articles.mkdir(parents=True)
    (project / "source" / "countries").mkdir(parents=True)
    flat.mkdir(parents=True)
    from i18n.errors import I18nError
    from i18n.formats.article import parse_article

    files = words = refused = 0
    for spec in MARKDOWN_SDISTS:
        sdist = download(spec, sdist=True)
        for slug, inner, text in sdist_markdown(sdist, spec.split("==")[0]):
            heading = HEADING.search(text)
            title = heading.group(1) if heading else Path(inner).stem
            front = f"---\nslug: {slug}\ntitle: {json.dumps(title)}\n---\n"
            try:
                parse_article(front + text, f"{slug}.md", slug)
            except I18nError:
                refused += 1
                continue
            (articles / f"{slug}.md").write_text(front + text, encoding="utf-8")
            (flat / f"{slug}.md").write_text(text, encoding="utf-8")
            files += 1
            words += len(text.split())
    stats = {"files": files, "words": words, "refused": refused}
    stats_file.write_text(json.dumps(stats))
    return project, flat, stats


def run(repeat: int, with_mdpo_cli: bool = True) -> dict[str, Any]:
    venv = peer_venv()
    project, flat, stats = corpus()
    pot_dir = project / "locales" / "templates"
    mdpo_out = WORK / "extract" / "mdpo.po"

    def fresh() -> None:
        shutil.rmtree(pot_dir, ignore_errors=True)

    def cli() -> Any:
        fresh()
        return run_process([i18n_script(), "extract", "--project", str(project)])

    def library() -> Any:
        fresh()
        return run_process([sys.executable, str(BENCH / "extract_worker.py"), "ours", str(project)])

    mdpo_dir = WORK / "extract" / "mdpo"

    def mdpo() -> Any:
        shutil.rmtree(mdpo_dir, ignore_errors=True)
        return run_process(
            [str(venv / "python"), str(BENCH / "mdpo_worker.py"), str(flat), str(mdpo_dir)]
        )

    def mdpo_one_run() -> Any:
        mdpo_out.unlink(missing_ok=True)
        return run_process(
            [
                str(venv / "md2po"),
                str(flat / "*.md"),
                "--quiet",
                "--save",
                "--po-filepath",
                str(mdpo_out),
            ],
            timeout=MDPO_CLI_TIMEOUT,
        )

    def parse() -> Any:
        return run_process([sys.executable, str(BENCH / "extract_worker.py"), "parse", str(flat)])

    log(
        f"extract: {stats['files']} files ({stats['refused']} refused, left out), "
        f"{stats['words']:,} words, x{repeat} (A B A B) ..."
    )
    runs = alternate(
        {
            "i18n extract (CLI)": cli,
            "i18n (library)": library,
            "mdpo (markdown_to_pofile per file)": mdpo,
            "markdown-it-py parse only": parse,
        },
        repeat,
    )

    def count(paths: Any) -> int:
        return sum(len(p.read_text(encoding="utf-8").split("\nmsgid ")) - 2 for p in paths)

    out: dict[str, Any] = {
        "corpus": stats,
        "entries": {"i18n": count(pot_dir.glob("*.pot")), "mdpo": count(mdpo_dir.glob("*.po"))},
        "sides": {},
    }
    if with_mdpo_cli:
        log(f"extract: one md2po run over the whole corpus (capped at {MDPO_CLI_TIMEOUT:.0f} s)")
        one = mdpo_one_run()
        out["mdpo_cli_once"] = {"wall": one.wall, "timeout": bool(one.extra.get("timeout"))}
    for name, rs in runs.items():
        out["sides"][name] = {
            "wall": median([r.wall for r in rs]),
            "walls": [round(r.wall, 3) for r in rs],
            "cpu": median([r.cpu for r in rs]),
            "rss_mb": max(r.rss_mb for r in rs),
            "call": median([r.extra["call"] for r in rs]) if "call" in rs[0].extra else None,
        }
    print_table(out)
    return out


def print_table(out: dict[str, Any]) -> None:
    s = out["sides"]
    print(
        f"\n### Extraction: {out['corpus']['files']} Markdown files, "
        f"{out['corpus']['words']:,} words (i18n: {out['entries']['i18n']:,} entries in "
        f"{out['corpus']['files'] + 1} POT files; mdpo: {out['entries']['mdpo']:,} in "
        f"{out['corpus']['files']} PO files)\n"
    )
    print("| side | wall (median) | CPU | peak RSS | vs mdpo | vs bare parse |")
    print("| --- | --- | --- | --- | --- | --- |")
    mdpo = s["mdpo (markdown_to_pofile per file)"]["wall"]
    floor = s["markdown-it-py parse only"]["wall"]
    for name, r in s.items():
        wall = fmt_s(r["wall"]) + (f" (call {fmt_s(r['call'])})" if r["call"] else "")
        print(
            f"| {name} | {wall} | {fmt_s(r['cpu'])} | {r['rss_mb']:.0f} MiB "
            f"| {fmt_ratio(r['wall'], mdpo)} | {fmt_ratio(r['wall'], floor)} |"
        )
    once = out.get("mdpo_cli_once")
    if once:
        print(
            f"\nOne `md2po 'corpus/*.md' --save --po-filepath one.po` over the whole corpus "
            f"(a single run): {fmt_s(once['wall'])}"
            + (" (stopped at the cap)" if once["timeout"] else "")
            + ": mdpo looks each new msgid up among all earlier entries, so one run over "
            "many files grows quadratically; the table's mdpo side is its library, per file."
        )
    lib, bare = s["i18n (library)"]["call"], s["markdown-it-py parse only"]["call"]
    if lib and bare:
        print(
            f"\nIn-process (imports excluded): i18n extract {fmt_s(lib)}, bare parse "
            f"{fmt_s(bare)}: {lib / bare:.2f}×"
        )

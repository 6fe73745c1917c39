"""Benchmark 3: rendering translated pages, and re-rendering after one string changes.

- i18n: ``i18n render`` of the scale corpus (bench/scale.py: N copies of the sample articles,
  the sample's 11 countries, every string approved), from an empty ``site/`` each run, so
  that every page is built and written. Pages per second = article and index pages written
  (sitemap, manifest and root index not counted) / wall time.
- Sphinx (+ MyST for Markdown): the same N article files, built translated
  (``sphinx-build -b html -E -D language=de``) from identity catalogs made with Sphinx's own
  gettext builder: N pages per build.
- One string changed: on a copy of the sample project (rendered once), one approved German
  translation is changed and approved again; the next ``i18n render`` is timed and the files
  it rewrote are counted (only the pages that show the string, and the manifest that lists
  approval hashes, should change).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from bench_merge import i18n_script
from common import (
    REPO,
    WORK,
    alternate,
    fmt_s,
    log,
    median,
    peer_venv,
    run_process,
    stopwatch,
)
from scale import build, i18n, identity_po, make_articles

CONF = """\
project = "bench"
extensions = ["myst_parser"]
locale_dirs = ["locale/"]
gettext_compact = False
suppress_warnings = ["toc.not_included", "myst.header", "myst.xref_missing"]
myst_enable_extensions = []
"""


def sphinx_project(n: int, venv: Path) -> Path:
    base = WORK / f"render-{n}" / "sphinx"
    src = base / "src"
    if (base / ".built").is_file():
        return base
    shutil.rmtree(base, ignore_errors=True)
    make_articles(src, n)
    (src / "conf.py").write_text(CONF)
    docs = sorted(p.stem for p in src.glob("*.md"))
    (src / "index.md").write_text("# Articles\n\n```{toctree}\n" + "\n".join(docs) + "\n```\n")
    run_process(
        [str(venv / "sphinx-build"), "-q", "-b", "gettext", str(src), str(base / "gettext")]
    )
    for pot in (base / "gettext").glob("*.pot"):
        identity_po(pot, src / "locale" / "de" / "LC_MESSAGES" / f"{pot.stem}.po")
    (base / ".built").write_text("ok")
    return base


def count_pages(site: Path) -> int:
    return sum(1 for p in site.glob("*/*/*.html"))


def one_string_change(repeat: int) -> dict[str, Any]:
    """Change one approved de translation in a copy of the sample; time the next render."""
    root = WORK / "render-change" / "project"
    shutil.rmtree(root.parent, ignore_errors=True)
    root.mkdir(parents=True)
    for name in ("source", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    i18n("render", "--project", str(root))
    site = root / "site"
    published = count_pages(site)
    from i18n.formats.po import read_po, write_po

    queue = json.loads(
        i18n(
            "queue",
            "--project",
            str(root),
            "--locale",
            "de",
            "--state",
            "approved",
            "--format",
            "json",
        )
    )
    item = next(i for i in queue if i["catalog"] != "site" and not i["msgctxt"])
    path = root / "locales" / "de" / "LC_MESSAGES" / f"{item['catalog']}.po"
    results = []
    for k in range(repeat):
        po = read_po(path)
        entry = next(e for e in po if e.msgid == item["msgid"] and not e.obsolete)
        entry.msgstr = entry.msgstr.rstrip(" ·") + " " + "·" * (k + 1)  # new text each time
        write_po(path, po)
        new = next(
            i
            for i in json.loads(
                i18n("queue", "--project", str(root), "--locale", "de", "--format", "json")
            )
            if i["msgid"] == item["msgid"] and i["catalog"] == item["catalog"]
        )
        i18n(
            "approve",
            "--project",
            str(root),
            "--locale",
            "de",
            new["id"],
        )
        before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
        run = run_process([i18n_script(), "render", "--project", str(root)])
        after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
        changed = sorted(p.relative_to(site).as_posix() for p in after if before.get(p) != after[p])
        results.append((run.wall, changed))
    pages_with_string = sorted({c for _, ch in results for c in ch if c.endswith(".html")})
    return {
        "published_pages": published,
        "catalog": item["catalog"],
        "wall": median([w for w, _ in results]),
        "walls": [round(w, 3) for w, _ in results],
        "files_rewritten": median([len(ch) for _, ch in results]),
        "rewritten": results[-1][1],
        "pages_rewritten": pages_with_string,
    }


def run(repeat: int, n: int) -> dict[str, Any]:
    venv = peer_venv()
    root = build(n)
    sphinx = sphinx_project(n, venv)
    site = root / "site"
    sphinx_out = sphinx / "html"

    def ours() -> Any:
        shutil.rmtree(site, ignore_errors=True)
        r = run_process([i18n_script(), "render", "--project", str(root)])
        r.extra["pages"] = count_pages(site)
        return r

    def sphinx_build() -> Any:
        shutil.rmtree(sphinx_out, ignore_errors=True)
        r = run_process(
            [
                str(venv / "sphinx-build"),
                "-q",
                "-E",
                "-b",
                "html",
                "-D",
                "language=de",
                str(sphinx / "src"),
                str(sphinx_out),
            ]
        )
        r.extra["pages"] = n
        return r

    log(f"render: {n} articles x sample countries vs Sphinx, x{repeat} (A B A B) ...")
    runs = alternate({"i18n render": ours, "sphinx-build -D language=de": sphinx_build}, repeat)
    out: dict[str, Any] = {"articles": n, "sides": {}}
    for name, rs in runs.items():
        wall = median([r.wall for r in rs])
        pages = rs[0].extra["pages"]
        out["sides"][name] = {
            "wall": wall,
            "walls": [round(r.wall, 3) for r in rs],
            "cpu": median([r.cpu for r in rs]),
            "rss_mb": max(r.rss_mb for r in rs),
            "pages": pages,
            "pages_per_s": pages / wall,
        }
    with stopwatch() as elapsed:
        out["one_string"] = one_string_change(repeat)
    log(f"one-string change measured in {elapsed():.0f} s")
    print_table(out)
    return out


def print_table(out: dict[str, Any]) -> None:
    s = out["sides"]
    print(
        f"\n### Render: {out['articles']} articles (copies of the sample) x the sample's "
        "11 countries, identity translations approved\n"
    )
    print("| side | pages | wall (median) | CPU | peak RSS | pages/s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in s.items():
        print(
            f"| {name} | {r['pages']} | {fmt_s(r['wall'])} | {fmt_s(r['cpu'])} "
            f"| {r['rss_mb']:.0f} MiB | {r['pages_per_s']:.0f} |"
        )
    ours, theirs = s["i18n render"]["pages_per_s"], s["sphinx-build -D language=de"]["pages_per_s"]
    print(f"\ni18n / Sphinx pages per second: {ours / theirs:.1f}×")
    o = out["one_string"]
    print(
        f"\nOne approved de string changed in `{o['catalog']}` (sample project, "
        f"{o['published_pages']} pages published): next `i18n render` "
        f"{fmt_s(o['wall'])} (median), {o['files_rewritten']} files rewritten: "
        + ", ".join(f"`{p}`" for p in o["rewritten"])
    )


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 3, 12)

"""Benchmark 3: rendering translated pages, and re-rendering after one string changes.

- i18n: ``i18n render`` of the scale corpus (bench/scale.py: N copies of the sample articles,
  the sample's 11 countries, every string approved), from an empty ``site/`` each run, so
  that every page is built and written. Pages per second = article and index pages written
  (sitemap, manifest and root index not counted) / wall time.
  Once with no plan cache (every page planned), once with the plans of the previous render
  (.cache/i18n/plan/, unchanged input: only the pages are built).
- Sphinx (+ MyST for Markdown): the same N article files, built translated
  (``sphinx-build -b html -E -D language=de``) from identity catalogs made with Sphinx's own
  gettext builder: N pages per build.
- Hugo (Debian's ``hugo``, when installed): the same pages i18n wrote, one Markdown file per
  (country, language, article) holding the article's text (identity translations: the page
  shows the source), through a single-page layout with the page's title, body and a
  disclaimer paragraph; ``hugo --quiet`` from an empty output folder each run. Hugo has no
  gettext catalogs, ledger or gate: it is the speed of a static-site generator written in Go
  on the same pages, not a like-for-like product.
- The floor (render_floor_worker.py): markdown-it-py (i18n's parser options) parses and
  renders each article once per language the countries name, and Jinja2 fills the site's
  ``article.html`` once per page i18n wrote: what the parser and the templates cost alone.
- Incremental: on a copy of the sample project (rendered once), four kinds of change (one
  approved string changed and approved again, a disclaimer renewed, a product's status
  changed, an approval alone); the next render is timed and its pages planned (and taken
  from the plan cache) and built and the files it rewrote are counted.
"""

from __future__ import annotations

import json
import os
import re
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

BENCH = Path(__file__).resolve().parent
FLOOR = "floor: markdown-it-py once per (article, language) + Jinja2 per page"
HUGO = "hugo (the article pages)"
PLANS_CACHED = "i18n render, plans from the plan cache"

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


HUGO_CONFIG = """\
baseURL = "https://bench.example/"
title = "bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_SINGLE = """\
<!doctype html>
<html lang="{{ .Params.lang }}"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head>
<body><main><article><h1>{{ .Title }}</h1>{{ .Content }}</article>
<aside><p>{{ .Params.disclaimer }}</p></aside></main></body></html>
"""


def hugo_project(root: Path, site: Path) -> Path:
    """A Hugo site with one content file per article page i18n wrote into ``site``."""
    base = WORK / f"render-hugo-{root.parent.name}"
    if (base / ".built").is_file():
        return base
    shutil.rmtree(base, ignore_errors=True)
    sources = {
        p.stem: p.read_text(encoding="utf-8") for p in (root / "source" / "articles").glob("*.md")
    }
    for page in sorted(site.glob("*/*/*.html")):
        if page.name == "index.html" or page.stem not in sources:
            continue
        country, language = page.parent.parent.name, page.parent.name
        front, _, body = sources[page.stem].partition("\n---\n")
        title = next(
            (
                line.split(":", 1)[1].strip()
                for line in front.splitlines()
                if line.startswith("title:")
            ),
            page.stem,
        )
        text = (
            f"---\ntitle: {title}\nlang: {language}\n"
            f"disclaimer: For healthcare professionals in {country.upper()} only.\n---\n{body}"
        )
        dest = base / "content" / country / language / f"{page.stem}.md"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    (base / "layouts" / "_default").mkdir(parents=True)
    (base / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE)
    (base / "layouts" / "_default" / "list.html").write_text("{{ .Title }}")
    (base / "config.toml").write_text(HUGO_CONFIG)
    (base / ".built").write_text("ok")
    return base


def count_pages(site: Path) -> int:
    return sum(1 for p in site.glob("*/*/*.html"))


def _sample_copy() -> Path:
    root = WORK / "render-change" / "project"
    shutil.rmtree(root.parent, ignore_errors=True)
    root.mkdir(parents=True)
    for name in ("source", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def _approved_entry(root: Path) -> dict[str, Any]:
    queue = json.loads(
        i18n("queue", "--project", str(root), "--locale", "de", "--state", "approved",
             "--format", "json")
    )  # fmt: skip
    return next(i for i in queue if i["catalog"] != "site" and not i["msgctxt"])


def _edit_string(root: Path, item: dict[str, Any], k: int, stamp: str | None = None) -> None:
    """A new German text for ``item`` (not approved yet). ``stamp``: a text never approved
    before, for a project edited again and again (a text approved once, then changed and
    changed back, is approved still: it would not wait for review)."""
    from i18n.formats.po import read_po, write_po

    path = root / "locales" / "de" / "LC_MESSAGES" / f"{item['catalog']}.po"
    po = read_po(path)
    entry = next(e for e in po if e.msgid == item["msgid"] and not e.obsolete)
    base = re.sub(r"(\s·+[a-z]*)+$", "", entry.msgstr)
    texts = [f"{base} {'·' * (n + 1)}" for n in range(k, k + 2)]
    entry.msgstr = texts[0] if texts[0] != entry.msgstr else texts[1]  # never the text it had
    if stamp is not None:
        entry.msgstr = f"{base} ·{stamp}"
    write_po(path, po)


def _approve(root: Path, item: dict[str, Any]) -> None:
    queue = json.loads(i18n("queue", "--project", str(root), "--locale", "de", "--format", "json"))
    new = next(i for i in queue if i["msgid"] == item["msgid"] and i["catalog"] == item["catalog"])
    said = i18n("approve", "--project", str(root), "--locale", "de", new["id"])
    if "1 approved," not in said:  # refused by QA: the bench would time another case
        raise RuntimeError(f"approve {new['id']}: {said}")


def _edit_yaml(root: Path, name: str, old: str, new: str) -> None:
    path = root / "source" / "countries" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _timed_render(root: Path, out: Path | None = None, code: Path | None = None) -> dict[str, Any]:
    """One render through the library in a process of its own (render_worker.py), into
    ``out`` (site/), with the ``i18n`` package at ``code`` (this tree's): wall, CPU, pages
    planned (and reused) and built, files rewritten."""
    site = out or root / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    run = run_process(
        [sys.executable, str(BENCH / "render_worker.py"), str(root), str(site)],
        env={"PYTHONPATH": str(code)} if code else None,
    )
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    changed = sorted(p.relative_to(site).as_posix() for p in after if before.get(p) != after[p])
    return {
        "wall": run.wall,
        "cpu": run.cpu,
        "planned": run.extra["planned"],
        "reused": run.extra.get("reused", 0),
        "built": run.extra["built"],
        "rewritten": changed,
    }


def incremental(repeat: int) -> dict[str, Any]:
    """On a copy of the sample (rendered once), four kinds of change, each followed by a
    timed render: one approved string changed and approved again, a disclaimer renewed (new
    reference and dates in ch.yaml), a product's status changed (mantis unavailable in DE),
    and an approval alone (a changed string rendered while waiting, then approved)."""
    root = _sample_copy()
    # the sample's German reviewer signs (her published sample key, as the sample allows)
    os.environ["I18N_SIGNING_KEY"] = str(REPO / "source" / "sample-keys" / "katrin.vogel")
    i18n("render", "--project", str(root))
    published = count_pages(root / "site")
    item = _approved_entry(root)
    runs: dict[str, list[dict[str, Any]]] = {}
    for k in range(repeat):
        _edit_string(root, item, 2 * k)
        _approve(root, item)
        runs.setdefault("one string changed (and approved)", []).append(_timed_render(root))
    _edit_yaml(root, "ch.yaml", "reference: CH-2026-003", "reference: CH-2026-103")
    runs["disclaimer renewed (ch.yaml, de)"] = [_timed_render(root)]
    _edit_yaml(root, "de.yaml", "mantis: {status: available}", "mantis: {status: unavailable}")
    runs["product status (mantis unavailable in DE)"] = [_timed_render(root)]
    _edit_string(root, item, 2 * repeat + 1)
    _timed_render(root)  # the page is withheld while the new text waits for review
    _approve(root, item)
    runs["approval of a waiting text"] = [_timed_render(root)]
    out: dict[str, Any] = {"published_pages": published, "catalog": item["catalog"], "changes": {}}
    for name, rs in runs.items():
        out["changes"][name] = {
            "wall": median([r["wall"] for r in rs]),
            "cpu": median([r["cpu"] for r in rs]),
            "planned": rs[-1]["planned"],
            "reused": rs[-1]["reused"],
            "built": rs[-1]["built"],
            "rewritten": rs[-1]["rewritten"],
        }
    return out


def floor(root: Path, pages: int) -> Any:
    """The floor in a process of its own (render_floor_worker.py)."""
    r = run_process([sys.executable, str(BENCH / "render_floor_worker.py"), str(root), str(pages)])
    r.extra["pages"] = pages
    return r


def run(repeat: int, n: int) -> dict[str, Any]:
    venv = peer_venv()
    root = build(n)
    sphinx = sphinx_project(n, venv)
    site = root / "site"
    sphinx_out = sphinx / "html"

    def ours(plans: bool = False) -> Any:
        """Into an empty site/, every page built; plans made anew unless ``plans``."""
        shutil.rmtree(site, ignore_errors=True)
        if not plans:
            shutil.rmtree(root / ".cache" / "i18n" / "plan", ignore_errors=True)
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

    pages = ours().extra["pages"]
    sides = {
        "i18n render": ours,
        PLANS_CACHED: lambda: ours(plans=True),
        FLOOR: lambda: floor(root, pages),
        "sphinx-build -D language=de": sphinx_build,
    }
    hugo = shutil.which("hugo")
    if hugo:
        hugo_site = hugo_project(root, site)
        hugo_pages = sum(1 for _ in (hugo_site / "content").glob("*/*/*.md"))

        def hugo_build() -> Any:
            shutil.rmtree(hugo_site / "public", ignore_errors=True)
            r = run_process([hugo, "--quiet", "--source", str(hugo_site)])
            r.extra["pages"] = hugo_pages
            return r

        sides[HUGO] = hugo_build
    log(f"render: {n} articles x sample countries vs {', '.join(sides)[12:]}, x{repeat} ...")
    runs = alternate(sides, repeat)
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
            "call": median([r.extra.get("call", 0.0) for r in rs]),
        }
    with stopwatch() as elapsed:
        out["incremental"] = incremental(repeat)
    log(f"incremental renders measured in {elapsed():.0f} s")
    print_table(out)
    return out


def print_table(out: dict[str, Any]) -> None:
    s = out["sides"]
    print(
        f"\n### Render: {out['articles']} articles (copies of the sample) x the sample's "
        "11 countries, identity translations approved\n"
    )
    print("| side | pages | wall (median) | CPU | peak RSS | pages/s | vs floor (wall) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    base = s[FLOOR]["wall"]
    for name, r in s.items():
        ratio = f"{r['wall'] / base:.2f}×" if name in ("i18n render", FLOOR) else "-"
        print(
            f"| {name} | {r['pages']} | {fmt_s(r['wall'])} | {fmt_s(r['cpu'])} "
            f"| {r['rss_mb']:.0f} MiB | {r['pages_per_s']:.0f} | {ratio} |"
        )
    ours, theirs = s["i18n render"]["pages_per_s"], s["sphinx-build -D language=de"]["pages_per_s"]
    f, me = s[FLOOR], s["i18n render"]
    print(
        f"\ni18n / Sphinx pages per second: {ours / theirs:.1f}×; i18n / floor wall: "
        f"{me['wall'] / f['wall']:.2f}×, CPU: {me['cpu'] / f['cpu']:.2f}× "
        f"(floor in-process: {fmt_s(f['call'])} for {f['pages']} pages)"
    )
    if HUGO in s:
        print(f"i18n / Hugo pages per second: {ours / s[HUGO]['pages_per_s']:.2f}×")
    o = out["incremental"]
    print(
        f"\nIncremental renders on the sample project ({o['published_pages']} pages published; "
        "`bench/render_worker.py`, the library call in a process of its own):\n"
    )
    print(
        "| change | wall | CPU | pages planned (from the plan cache) | pages built "
        "| files rewritten |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name, c in o["changes"].items():
        files = ", ".join(f"`{p}`" for p in c["rewritten"])
        print(
            f"| {name} | {fmt_s(c['wall'])} | {fmt_s(c['cpu'])} | {c['planned']} "
            f"({c.get('reused', 0)}) | {c['built']} | {len(c['rewritten'])}: {files} |"
        )


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 3, 12)

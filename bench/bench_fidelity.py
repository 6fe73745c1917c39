"""Fidelity on real documentation: i18n beside mdpo and po4a (issue 15).

    python bench/bench_fidelity.py                 # all three tools and the pseudo-translation
    python bench/bench_fidelity.py --json out.json # also save every figure and every failure

The corpus: every ``.md`` file in the sdists of eight documentation-heavy projects that the
extraction benchmark does not use (``pip download --no-deps --no-binary :all:``, cached in
``bench/.cache/downloads/``). For i18n each file gets generated front matter (slug from the
file name, title from the first heading), as in bench/bench_extract.py; mdpo and po4a get the
original file.

Per tool, in one run:

- **accepted**: documents the tool extracts and renders back without an error (i18n refuses
  some at extract, each with a reason that docs/authors.md names; they are listed);
- **identity round trip**: every entry translated to itself (msgstr = msgid), rendered back;
  the page is identical when the HTML of the result equals the HTML of the original, both
  rendered by markdown-it-py (CommonMark + tables) and normalised for white space (outside
  ``<pre>``). For i18n the result is its own page body (``render_body``); for mdpo and po4a
  it is the Markdown they write, rendered by the same markdown-it. What a page leaves out on
  purpose (HTML comments, soft breaks rendered as spaces, link titles on one line) is left out
  of markdown-it's rendering too, as in tests/test_commonmark_spec.py;
- **blocks differing, by kind**: leaf blocks of the two renderings (paragraph, heading, list
  item, table cell, code block, ...) aligned with difflib; a block that differs or is missing
  on either side counts once, under the kind of the original's block;

and for i18n only (the others have no publish gate), the **pseudo-translation** of a project
holding every accepted document: ``i18n extract``, ``update --locale de``, ``translate
--locale de --provider pseudo``, every draft un-fuzzied as a translator accepting it would,
``approve --all`` by a reviewer of de, ``render --country DE``. Counted: pages withheld for
links broken by drafts (approve refused an entry for its links), and English blocks left on
published pages outside code (a leaf block whose text, code spans and URLs left out, still has
letters and equals the English page's block).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
from common import (
    PEERS,
    REPO,
    WORK,
    download,
    log,
    machine,
    peer_venv,
    save_result,
    sdist_markdown,
    tool_version,
)
from lxml import html as lhtml
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Pinned so that a later run measures the same documents.
SDISTS = (
    "attrs==26.1.0",
    "fastapi==0.165.0",
    "starlette==1.10.0",
    "mkdocstrings==1.0.8",
    "mkdocs-autorefs==1.4.5",
    "sqlmodel==0.0.50",
    "httpx==0.28.1",
    "pydantic-settings==2.16.3",
)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
MDPO = next(p.split("==")[1] for p in PEERS if p.startswith("mdpo"))
LOCALE, COUNTRY, REVIEWER = "de", "DE", "katrin.vogel"  # a reviewer of de in the sample


@dataclass
class Doc:
    slug: str
    package: str
    path: str  # inside the sdist
    text: str  # the original file

    @property
    def front(self) -> str:
        heading = HEADING.search(self.text)
        title = heading.group(1) if heading else Path(self.path).stem
        return f"---\nslug: {self.slug}\ntitle: {json.dumps(title)}\n---\n"


@dataclass
class Side:
    """One tool's figures."""

    name: str
    documents: int = 0
    accepted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # slug -> reason
    identical: list[str] = field(default_factory=list)
    differing: dict[str, Counter[str]] = field(default_factory=dict)  # slug -> kinds
    examples: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (was, is)


def corpus() -> list[Doc]:
    docs: list[Doc] = []
    for spec in SDISTS:
        package = spec.split("==")[0]
        for slug, inner, text in sdist_markdown(download(spec, sdist=True), package):
            docs.append(Doc(slug, package, inner, text))
    return docs


# --- the oracle: markdown-it's page, and its leaf blocks --------------------------------------

_ORACLE = MarkdownIt("commonmark").enable("table")
_ORACLE.add_render_rule("softbreak", lambda *args, **kwargs: " ")


def _is_comment(tok: Token) -> bool:
    return tok.type in ("html_block", "html_inline") and tok.content.lstrip().startswith("<!--")


def markdown_it_page(text: str) -> str:
    """markdown-it's rendering of ``text`` as a page shows it (tests/test_commonmark_spec.py):
    comments left out with the white space they leave at a block's ends, titles on one line."""
    tokens = [t for t in _ORACLE.parse(text) if not _is_comment(t)]
    for tok in tokens:
        children = [c for c in tok.children or [] if not _is_comment(c)]
        if len(children) < len(tok.children or []):
            for index, strip in ((0, str.lstrip), (-1, str.rstrip)):
                if children and children[index].type == "text":
                    children[index] = Token("text", "", 0, content=strip(children[index].content))
        for child in children:
            title = child.attrGet("title")
            if isinstance(title, str):
                child.attrSet("title", re.sub(r"[ \t]*\n[ \t]*", " ", title))
        tok.children = children
    return _ORACLE.renderer.render(tokens, _ORACLE.options, {})


_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)


def normalise(page: str) -> str:
    """White space collapsed outside ``<pre>``, none between tags."""
    parts = _PRE.split(page)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r">\s+<", "><", re.sub(r"\s+", " ", parts[i]))
    return "".join(parts).strip()


_LEAF = {"p": "paragraph", "pre": "code block", "td": "table cell", "th": "table header cell"}
_LEAF |= {f"h{n}": "heading" for n in range(1, 7)} | {"hr": "thematic break"}
_CONTAINERS = {"li": "list item", "blockquote": "block quote"}


def leaf_blocks(page: str) -> list[tuple[str, str, Any]]:
    """(kind, normalised HTML, element) of each leaf block of a page body, in order: the
    block elements with no block inside, a paragraph named by the list item or block quote
    it is in (as extraction names its segments)."""
    if not page.strip():
        return []
    root = lhtml.fragment_fromstring(page, create_parent="div")
    out: list[tuple[str, str, Any]] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        inner_blocks = [
            d for d in el.iterdescendants() if isinstance(d.tag, str) and d.tag in _LEAF
        ]
        if tag in _LEAF or (tag == "li" and not inner_blocks):
            kind = _LEAF.get(tag, "list item")
            if tag == "p":
                for anc in el.iterancestors():
                    if anc.tag in _CONTAINERS:
                        kind = _CONTAINERS[anc.tag]
                        break
            out.append(
                (kind, normalise(lhtml.tostring(el, encoding="unicode", with_tail=False)), el)
            )
    return out


def compare(original: str, result: str) -> tuple[bool, Counter[str], tuple[str, str]]:
    """(identical, kinds of the differing blocks, the first differing pair)."""
    if normalise(original) == normalise(result):
        return True, Counter(), ("", "")
    a, b = leaf_blocks(original), leaf_blocks(result)
    kinds: Counter[str] = Counter()
    first = ("", "")
    matcher = difflib.SequenceMatcher(None, [x[1] for x in a], [x[1] for x in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for kind, _, _ in a[i1:i2] or b[j1:j2]:
            kinds[kind] += 1
        if not first[0] and not first[1]:
            first = (" ".join(x[1] for x in a[i1:i2])[:300], " ".join(x[1] for x in b[j1:j2])[:300])
    if not kinds:  # the same leaf blocks, arranged differently (a list split in two, say)
        kinds["block structure"] += 1
        first = (normalise(original)[:300], normalise(result)[:300])
    return False, kinds, first


def _record(side: Side, slug: str, original: str, result: str) -> None:
    same, kinds, first = compare(original, result)
    if same:
        side.identical.append(slug)
    else:
        side.differing[slug] = kinds
        side.examples[slug] = first


# --- the three tools: identity round trip -----------------------------------------------------


def refusal_reason(message: str) -> str:
    from i18n.formats.article import REFUSALS  # the messages docs/authors.md names

    kind = next((k for k in REFUSALS if message.startswith(k)), None)
    return kind or message.split(":")[0][:80]


def run_i18n(docs: list[Doc]) -> tuple[Side, dict[str, Any]]:
    from i18n.errors import I18nError
    from i18n.formats.article import parse_article
    from i18n.formats.markdown import render_body

    side = Side("i18n", len(docs))
    articles: dict[str, Any] = {}
    for doc in docs:
        try:
            article = parse_article(doc.front + doc.text, f"source/articles/{doc.slug}.md")
        except I18nError as error:
            side.refused[doc.slug] = f"{refusal_reason(error.message)} (line {error.line})"
            continue
        side.accepted.append(doc.slug)
        articles[doc.slug] = article
        _record(side, doc.slug, markdown_it_page(doc.text), render_body(article, lambda c, m: m))
    return side, articles


def run_mdpo(docs: list[Doc], tmp: Path) -> Side:
    side = Side("mdpo", len(docs))
    src, out = tmp / "mdpo-in", tmp / "mdpo-out"
    src.mkdir()
    for doc in docs:
        (src / f"{doc.slug}.md").write_text(doc.text, encoding="utf-8")
    worker = Path(__file__).with_name("fidelity_mdpo_worker.py")
    done = subprocess.run(
        [str(peer_venv() / "python"), str(worker), str(src), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    failed = json.loads(done.stderr.strip().splitlines()[-1])["failed"]
    for doc in docs:
        if doc.slug in failed:
            side.refused[doc.slug] = failed[doc.slug]
            continue
        side.accepted.append(doc.slug)
        result = (out / f"{doc.slug}.md").read_text(encoding="utf-8")
        _record(side, doc.slug, markdown_it_page(doc.text), markdown_it_page(result))
    return side


def _po4a_one(doc: Doc, tmp: Path) -> str | tuple[str]:
    """The round-tripped Markdown, or (error,)."""
    base = tmp / "po4a" / doc.slug
    base.mkdir(parents=True)
    master, po_path, out = base / "in.md", base / "in.po", base / "out.md"
    master.write_text(doc.text, encoding="utf-8")
    common = ["-f", "text", "-o", "markdown", "-M", "UTF-8", "-m", str(master), "-p", str(po_path)]
    step = subprocess.run(["po4a-updatepo", *common], capture_output=True, text=True)
    if step.returncode != 0 or not po_path.is_file():
        return (f"po4a-updatepo: {_po4a_error(step.stderr)}",)
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = entry.msgid
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save(str(po_path))
    cmd = ["po4a-translate", *common, "-L", "UTF-8", "-l", str(out), "-k", "0"]
    step = subprocess.run(cmd, capture_output=True, text=True)
    if step.returncode != 0 or not out.is_file():
        return (f"po4a-translate: {_po4a_error(step.stderr)}",)
    return out.read_text(encoding="utf-8")


def _po4a_error(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip() and "deprecated" not in ln]
    return " ".join(lines)[:200] or "no output"


def run_po4a(docs: list[Doc], tmp: Path) -> Side:
    side = Side("po4a", len(docs))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda d: _po4a_one(d, tmp), docs))
    for doc, result in zip(docs, results, strict=True):
        if isinstance(result, tuple):
            side.refused[doc.slug] = result[0]
            continue
        side.accepted.append(doc.slug)
        _record(side, doc.slug, markdown_it_page(doc.text), markdown_it_page(result))
    return side


# --- i18n only: the pseudo-translation through the publish gate --------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")


def _cli(project: Path, *args: str, key: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if key:
        env["I18N_SIGNING_KEY"] = str(project / "source" / "sample-keys" / REVIEWER)
    cmd = [sys.executable, "-m", "i18n.cli", *args, "--project", str(project)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode not in (0, 1):
        raise RuntimeError(
            f"i18n {' '.join(args)} exited {done.returncode}:\n{done.stderr[-2000:]}"
        )
    return done


def _accept_drafts(project: Path) -> int:
    """What a translator accepting every machine draft does: clear the fuzzy flag."""
    cleared = 0
    for path in sorted((project / "locales" / LOCALE / "LC_MESSAGES").glob("*.po")):
        po = polib.pofile(str(path), wrapwidth=79)
        for entry in po:
            if "fuzzy" in entry.flags and (entry.msgstr or any(entry.msgstr_plural.values())):
                entry.flags.remove("fuzzy")
                cleared += 1
        po.save(str(path))
    return cleared


def _prose(el: Any) -> str:
    """A block's text without its code spans and URLs, white space collapsed."""
    el = copy.deepcopy(el)
    for code in list(el.iter("code")):
        code.drop_tree()
    return _URL.sub(" ", " ".join(el.text_content().split())).strip()


def _body(page: Path) -> str:
    root = lhtml.fromstring(page.read_text(encoding="utf-8"))
    body = root.find_class("article-body")[0]
    return "".join(lhtml.tostring(c, encoding="unicode") for c in body)


def run_pseudo(docs: list[Doc], articles: dict[str, Any], tmp: Path) -> dict[str, Any]:
    from i18n.formats.markdown import render_source_html

    project = tmp / "pseudo"
    shutil.copytree(REPO / "source", project / "source", ignore=shutil.ignore_patterns("*.md"))
    shutil.copy2(REPO / "pyproject.toml", project / "pyproject.toml")
    for doc in docs:
        if doc.slug in articles:
            (project / "source" / "articles" / f"{doc.slug}.md").write_text(
                doc.front + doc.text, encoding="utf-8"
            )
    log(f"pseudo: {len(articles)} articles, extract / update / translate --provider pseudo ...")
    _cli(project, "extract")
    _cli(project, "update", "--locale", LOCALE)
    translated = _cli(project, "translate", "--locale", LOCALE, "--provider", "pseudo")
    accepted = _accept_drafts(project)
    log(f"pseudo: {accepted} drafts accepted; approve --all, render --country {COUNTRY} ...")
    approved = _cli(project, "approve", "--locale", LOCALE, "--all", key=True)
    refused: dict[str, list[str]] = {}
    for line in approved.stderr.splitlines():
        m = re.match(r"refused (\w+) ([\w-]+): (.*)", line)
        if m:
            refused.setdefault(m.group(2), []).append(f"{m.group(1)}: {m.group(3)}")
    site = project / "site-out"
    render = _cli(project, "render", "--country", COUNTRY, "--out", str(site))
    pages = site / COUNTRY.lower() / LOCALE
    withheld: dict[str, str] = {}
    english: dict[str, list[tuple[str, str]]] = {}
    published = 0
    for slug, article in sorted(articles.items()):
        page = pages / f"{slug}.html"
        if not page.is_file():
            why = refused.get(slug, [])
            if any("blocking links" in w for w in why):
                withheld[slug] = "links broken by a draft"
            elif why:
                withheld[slug] = "other QA finding on a draft"
            else:
                withheld[slug] = "other (see the render's table)"
            continue
        published += 1
        source = leaf_blocks(render_source_html(article))
        shown = leaf_blocks(_body(page))
        if len(source) != len(shown):
            english.setdefault(slug, []).append(("block structure", f"{len(source)} blocks"))
            continue
        for (kind, _, was), (_, _, now) in zip(source, shown, strict=True):
            if kind == "code block":
                continue
            text = _prose(was)
            if re.search(r"[^\W\d_]", text) and text == _prose(now):
                english[slug] = [
                    *english.get(slug, []),
                    (kind, " ".join(was.text_content().split())),
                ]
    return {
        "articles": len(articles),
        "translate": translated.stderr.strip().splitlines()[-1:],
        "translate_warnings": [ln for ln in translated.stderr.splitlines() if "warning" in ln],
        "drafts_accepted": accepted,
        "approve": (approved.stdout.strip().splitlines() or [""])[-1],
        "refused": refused,
        "published": published,
        "withheld": withheld,
        "english": english,
        "render_tail": render.stdout.strip().splitlines()[-1:],
    }


# --- the report ---------------------------------------------------------------------------------


def _pct(n: int, d: int) -> str:
    return f"{n / d:.1%}" if d else "-"


def print_report(docs: list[Doc], sides: list[Side], pseudo: dict[str, Any] | None) -> None:
    words = sum(len(d.text.split()) for d in docs)
    print(
        f"\n### Fidelity: {len(docs)} Markdown files, {words:,} words, from "
        + ", ".join(f"`{s}`" for s in SDISTS)
        + "\n"
    )
    ours = set(sides[0].accepted)
    print(
        "| tool | accepted | refused / failed | round trip identical | of accepted "
        "| on i18n's accepted | blocks differing |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for s in sides:
        common = ours & set(s.accepted)
        same = len(common & set(s.identical))
        blocks = sum(sum(k.values()) for k in s.differing.values())
        print(
            f"| {s.name} | {len(s.accepted)} of {s.documents} | {len(s.refused)} "
            f"| {len(s.identical)} | {_pct(len(s.identical), len(s.accepted))} "
            f"| {same} of {len(common)} ({_pct(same, len(common))}) | {blocks} |"
        )
    kinds = sorted({k for s in sides for c in s.differing.values() for k in c})
    if kinds:
        print(
            "\nBlocks differing after the identity round trip, by kind of the original's block:\n"
        )
        print("| block kind | " + " | ".join(s.name for s in sides) + " |")
        print("| --- |" + " --- |" * len(sides))
        for kind in kinds:
            row = [sum(c[kind] for c in s.differing.values()) for s in sides]
            print(f"| {kind} | " + " | ".join(str(n) for n in row) + " |")
    reasons = Counter(v.split(" (line")[0] for v in sides[0].refused.values())
    print("\ni18n refused at extract, by reason (docs/authors.md names each):\n")
    for reason, n in reasons.most_common():
        print(f"- {reason}: {n}")
    for s in sides:
        if s.differing and s.name == "i18n":
            print("\ni18n pages that differ (a target miss):\n")
            for slug, c in s.differing.items():
                print(
                    f"- `{slug}` {dict(c)}: was `{s.examples[slug][0][:160]}`, "
                    f"is `{s.examples[slug][1][:160]}`"
                )
        if s.refused and s.name != "i18n":
            print(f"\n{s.name} failed on:\n")
            for slug, why in s.refused.items():
                print(f"- `{slug}`: {why[:220]}")
    if pseudo is None:
        return
    withheld = Counter(pseudo["withheld"].values())
    english = sum(len(v) for v in pseudo["english"].values())
    print(
        f"\n#### i18n: pseudo-translation ({LOCALE}) of the {pseudo['articles']} accepted "
        f"articles, every draft accepted and approved, rendered for {COUNTRY}\n"
    )
    print(f"- drafts accepted (fuzzy cleared): {pseudo['drafts_accepted']:,}")
    print(f"- approve --all: {pseudo['approve']}")
    print(
        f"- render: {pseudo['render_tail'][0].split(': ', 1)[-1] if pseudo['render_tail'] else ''}"
    )
    print(
        f"- pages published: {pseudo['published']} of {pseudo['articles']}; withheld: "
        + (", ".join(f"{n} for {why}" for why, n in withheld.most_common()) or "none")
    )
    print(f"- English blocks left on published pages, outside code: {english}")
    if pseudo["refused"]:
        print("\nEntries approve refused (blocking QA findings on the drafts):\n")
        for slug, why in sorted(pseudo["refused"].items()):
            for w in why:
                print(f"- `{slug}` {w[:240]}")
    for slug, blocks in sorted(pseudo["english"].items()):
        for kind, text in blocks:
            print(f"- English left: `{slug}` {kind}: {text[:160]}")
    warnings = [w for w in pseudo["translate_warnings"] if "not signed" not in w]
    if warnings:
        print("\n`i18n translate` flagged:\n")
        for w in warnings:
            print(f"- {w[:260]}")
    same = len(sides[0].identical)
    print("\n#### Targets (issue 15)\n")
    print("| target | measured | verdict |")
    print("| --- | --- | --- |")
    n = len(sides[0].accepted)
    print(
        f"| 100 % of accepted documents round-trip identical, refusals documented "
        f"| {same} of {n} ({_pct(same, n)}); {len(sides[0].refused)} refused, each with "
        f"a reason docs/authors.md names | {'met' if same == n else 'missed'} |"
    )
    links = withheld.get("links broken by a draft", 0)
    print(
        f"| 0 pages withheld for links broken by drafts | {links} "
        f"| {'met' if links == 0 else 'missed'} |"
    )
    print(
        f"| 0 English blocks on a pseudo-translated page outside code | {english} "
        f"| {'met' if english == 0 else 'missed'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-pseudo", action="store_true", help="leave out the publish run")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (printed)")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"Machine: {machine()}  \nDate: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC  \n"
        f"Commit: {commit}  \n"
        f"Command: `{' '.join(['python bench/bench_fidelity.py', *sys.argv[1:]])}`  \n"
        f"Peers: mdpo {MDPO}, {tool_version(['po4a', '--version'])}"
    )
    docs = corpus()
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="fidelity-", dir=WORK))
    try:
        log(f"fidelity: {len(docs)} documents; i18n ...")
        ours, articles = run_i18n(docs)
        log("fidelity: mdpo ...")
        mdpo = run_mdpo(docs, tmp)
        log("fidelity: po4a ...")
        po4a = run_po4a(docs, tmp)
        pseudo = None if args.no_pseudo else run_pseudo(docs, articles, tmp)
    finally:
        if args.keep:
            log(f"work folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    sides = [ours, mdpo, po4a]
    print_report(docs, sides, pseudo)
    save_result(
        "fidelity",
        {
            "documents": len(docs),
            "sides": {
                s.name: {
                    "accepted": s.accepted,
                    "refused": s.refused,
                    "identical": s.identical,
                    "differing": {k: dict(v) for k, v in s.differing.items()},
                    "examples": s.examples,
                }
                for s in sides
            },
            "pseudo": pseudo,
        },
    )


if __name__ == "__main__":
    main()

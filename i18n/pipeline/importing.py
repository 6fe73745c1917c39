"""Import Markdown written for other tools (MkDocs, Hugo, Jekyll, Docusaurus, plain READMEs)
as articles of ``source/articles/``.

Each file becomes ``source/articles/<slug>.md``: the slug is the file name (lower-cased, every
character outside ``[a-z0-9-]`` a ``-``); front-matter keys this product knows stay, every other
key moves under ``extra:`` with its value as it is; a missing title is taken from the body's
first ``# heading``, which then leaves the body (the page shows the title as its heading).
Every file is checked with the product's own parser before anything is written, and the import
is all or nothing: one refused file and no file is written.

The library returns data (:class:`ImportPlan`); the command prints it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from i18n.errors import I18nError
from i18n.formats.article import FIELDS, MARKDOWN_SUFFIXES, article_files, parse_article
from i18n.formats.fs import atomic_write_all, read_text, relpath
from i18n.formats.markdown import MD
from i18n.formats.yamlfile import load_yaml_mapping
from i18n.project import Project

_CLOSER = re.compile(r"^(---|\.\.\.)[ \t]*$", re.MULTILINE)
_DATE_KEYS = ("date", "updated", "safety_update")


@dataclass(frozen=True)
class Imported:
    """One file the import accepts: where it goes and what changed."""

    source: str  # the file as given, for messages
    slug: str
    target: Path
    text: str  # the article as it will be written
    moved: tuple[str, ...]  # keys moved under extra:
    title_from_heading: bool


@dataclass(frozen=True)
class Refused:
    source: str
    line: int | None
    reason: str


@dataclass
class ImportPlan:
    accepted: list[Imported] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # filled by write_import


def slug_for(path: Path) -> str:
    """The slug of a file name: ASCII, lower case, runs of other characters one ``-``.

    >>> slug_for(Path("docs/Getting Started_v2.md"))
    'getting-started-v2'
    """
    stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9-]+", "-", stem.lower()).strip("-")


def markdown_files(paths: list[Path]) -> list[Path]:
    """The Markdown files named, folders searched recursively (hidden files skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in MARKDOWN_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise I18nError("no such file or folder", path)
    return found


@dataclass(frozen=True)
class _Converted:
    text: str
    moved: tuple[str, ...]
    title_from_heading: bool
    key_lines: dict[str, int]  # front-matter key of the output -> its line in the source
    body_shift: int  # source line = output body line + body_shift


def _split(text: str, shown: str) -> tuple[str | None, str, int]:
    """(front matter or None, body, source line of the body's first line); ``...`` closes
    front matter as ``---`` does."""
    if text.startswith("+++\n"):
        raise I18nError(
            "TOML front matter ('+++', Hugo) is not read: convert it to YAML between '---' lines",
            shown,
            1,
        )
    if not text.startswith("---\n"):
        return None, text, 1
    end = _CLOSER.search(text, 4)
    if end is None:
        raise I18nError("front matter is not closed by a '---' or '...' line", shown, 1)
    fm = text[4 : end.start()]
    body = text[end.end() :].removeprefix("\n")
    return fm, body, fm.count("\n") + 3


def _title_from(body: str) -> tuple[str, str, int] | None:
    """(title, body without the heading, lines removed) when the body opens with ``# x``."""
    tokens = MD.parse(body, {})
    for i, tok in enumerate(tokens):
        if tok.type == "html_block":
            continue
        if tok.type != "heading_open" or tok.tag != "h1" or not tok.map:
            return None
        title = " ".join(tokens[i + 1].content.split())
        lines = body.split("\n")
        rest = lines[tok.map[1] :]
        while rest and not rest[0].strip():
            rest.pop(0)
        kept = lines[: tok.map[0]]
        return title, "\n".join(kept + rest), len(lines) - len(kept) - len(rest)
    return None


def _convert(text: str, slug: str, shown: str) -> _Converted:
    fm, body, body_line = _split(text, shown)
    meta: dict[str, Any] = {}
    src_lines: dict[tuple[str, ...], int] = {}
    if fm is not None:
        meta, src_lines = load_yaml_mapping(fm, shown, line_offset=1)
    known: dict[str, Any] = {"slug": slug}
    extra: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    moved: list[str] = []
    for key, value in meta.items():
        name = str(key)
        line = src_lines.get((name,), 1)
        if name == "extra" and isinstance(value, dict):
            extra.update(value)
            for sub in value:
                key_lines[f"extra.{sub}"] = src_lines.get((name, str(sub)), line)
        elif name == "slug" and value == slug:
            key_lines["slug"] = line
        elif name in FIELDS and name not in ("slug", "extra"):
            if name in _DATE_KEYS and isinstance(value, dt.datetime):
                value = value.date()  # Hugo's and Jekyll's dates carry a time: the day is kept
            known[name] = value
            key_lines[name] = line
        else:
            extra[name] = value
            key_lines[f"extra.{name}"] = line
            moved.append(name)
    from_heading = False
    removed = 0
    if known.get("title") in (None, ""):
        found = _title_from(body)
        if found is None:
            raise I18nError(
                "no title: the file has no 'title:' in its front matter and does not open "
                "with a '# heading'; add one of them",
                shown,
                1,
            )
        known["title"], body, removed = found
        from_heading = True
    out_meta = {**known, **({"extra": extra} if extra else {})}
    out_fm = yaml.safe_dump(
        out_meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )
    out = f"---\n{out_fm}---\n\n{body.lstrip(chr(10))}"
    blank = len(body) - len(body.lstrip("\n"))
    out_body_line = out_fm.count("\n") + 4  # ---, front matter, ---, one blank line
    return _Converted(
        out,
        tuple(moved),
        from_heading,
        key_lines,
        body_line + blank + removed - out_body_line,
    )


def _source_line(exc: I18nError, conv: _Converted, out_lines: dict[tuple[str, ...], int]) -> int:
    """The line of the source file that an error in the converted article points at."""
    line = exc.line or 1
    fm_end = conv.text.split("\n---\n", 1)[0].count("\n") + 2
    if line > fm_end:
        return max(1, line + conv.body_shift)
    for path, at in out_lines.items():
        if at == line:
            name = ".".join(path[:2]) if path[0] == "extra" else path[0]
            return conv.key_lines.get(name, 1)
    return 1


def plan_import(project: Project, paths: list[Path]) -> ImportPlan:
    """Check every file named (folders: their Markdown files) as an article of ``project``;
    nothing is written. Existing articles are never replaced."""
    plan = ImportPlan()
    folder = project.root / "source" / "articles"
    taken = {p.stem.casefold(): relpath(p, project.root) for p in article_files(project.root)}
    for file in markdown_files(paths):
        shown = file.as_posix()
        slug = slug_for(file)
        target = folder / f"{slug}.md"
        try:
            if slug.casefold() in taken:
                raise I18nError(
                    f"slug '{slug}' is taken by {taken[slug.casefold()]}: rename the file to "
                    "import it (an existing article is never replaced)",
                    shown,
                )
            text = read_text(file, shown)
            conv = _convert(text, slug, shown)
            _, out_lines = load_yaml_mapping(conv.text.split("\n---\n", 1)[0][4:], shown, 1)
            try:
                parse_article(conv.text, shown, stem=slug)
            except I18nError as exc:
                raise I18nError(exc.message, shown, _source_line(exc, conv, out_lines)) from None
        except I18nError as exc:
            plan.refused.append(Refused(shown, exc.line, exc.message))
            continue
        taken[slug.casefold()] = shown
        plan.accepted.append(
            Imported(shown, slug, target, conv.text, conv.moved, conv.title_from_heading)
        )
    return plan


def write_import(project: Project, plan: ImportPlan) -> ImportPlan:
    """Write the accepted articles, all or none; nothing when a file was refused."""
    if plan.refused or not plan.accepted:
        return plan
    for item in plan.accepted:  # a file that appeared since the plan is still never replaced
        if item.target.exists():
            raise I18nError("an article appeared here during the import", item.target)
    atomic_write_all([(item.target, item.text) for item in plan.accepted])
    plan.written = [relpath(item.target, project.root) for item in plan.accepted]
    return plan

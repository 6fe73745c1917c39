"""Extract: articles and site templates -> ``locales/templates/*.pot`` (one POT per article,
and ``site.pot`` for the strings of the site templates). Many articles are parsed in forked
workers; the bytes written are the same as a sequential run's."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import polib
from jinja2 import Environment, TemplateSyntaxError
from jinja2.ext import babel_extract

from i18n.errors import I18nError
from i18n.formats.article import article_files, check_articles, load_article, load_articles
from i18n.formats.fs import WriteReport, atomic_write, read_text
from i18n.formats.po import WRAP, gc_paused, po_text
from i18n.model.article import CALLOUT_CONTEXT, CALLOUT_LABELS
from i18n.pipeline.forked import forked_map, workers_for
from i18n.project import PACKAGE_TEMPLATES, SITE_DOMAIN, Project

if TYPE_CHECKING:  # imported where used, so that `i18n update` does not load the parsers
    from i18n.model.article import Article, Segment
JINJA_EXTENSIONS = ["jinja2.ext.i18n"]
CALLOUT_REF = "i18n/model/article.py"  # where the callout labels are defined


# --- extraction ---------------------------------------------------------------------------


def _creation_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%d %H:%M+0000")


def _pot_header(project: Project, domain: str) -> dict[str, str]:
    return {
        "Project-Id-Version": f"{project.settings.project_name} {domain}",
        "Report-Msgid-Bugs-To": project.settings.bugs_address,
        "POT-Creation-Date": "",
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }


def _add(
    entries: dict[tuple[str | None, str], polib.POEntry],
    msgctxt: str | None,
    msgid: str,
    ref: tuple[str, str],
    comments: Iterable[str],
    flags: Iterable[str] = (),
    msgid_plural: str = "",
) -> None:
    key = (msgctxt, msgid)
    entry = entries.get(key)
    if entry is None:
        entry = polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr="", occurrences=[], flags=[])
        if msgid_plural:
            entry.msgid_plural = msgid_plural
            entry.msgstr_plural = {0: "", 1: ""}
        entry.comment = ""
        entries[key] = entry
    if ref not in entry.occurrences:
        entry.occurrences.append(ref)
    lines = entry.comment.split("\n") if entry.comment else []
    for c in comments:
        if c not in lines:
            lines.append(c)
    entry.comment = "\n".join(lines)
    for f in flags:
        if f not in entry.flags:
            entry.flags.append(f)


def segment_comments(seg: Segment) -> list[str]:
    return [f"type: {seg.kind}", *seg.notes]


def article_pot(project: Project, article: Article) -> polib.POFile:
    """The template of one article: one entry per segment, in source order."""
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    for seg in article.segments:
        _add(
            entries,
            seg.msgctxt,
            seg.msgid,
            (article.path, str(seg.line)),
            segment_comments(seg),
            seg.flags,
        )
    return _make_pot(project, article.slug, entries.values())


def template_files(project: Project) -> list[Path]:
    folder = project.templates_dir
    return sorted(p for p in folder.rglob("*.html") if p.is_file())


def site_pot(project: Project) -> polib.POFile:
    """The template of the site's Jinja2 templates (``{% trans %}`` and ``_()``), and the
    labels of callouts (``msgctxt "callout"``), which article pages show.

    Jinja2's Babel extractor silently yields nothing for a template it cannot parse, so
    each template is first compiled: a syntax error is an error with its line.
    """

    env = Environment(extensions=JINJA_EXTENSIONS)
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    for file in template_files(project):
        shown = _template_ref(project, file)
        source = read_text(file, shown)
        try:
            env.parse(source)
        except TemplateSyntaxError as exc:
            raise I18nError(f"template syntax error: {exc.message}", shown, exc.lineno) from None
        found = babel_extract(
            io.BytesIO(source.encode("utf-8")),
            ("_", "gettext", "ngettext", "pgettext", "npgettext"),
            ["i18n:", "Translators:"],
            {"extensions": ",".join(JINJA_EXTENSIONS), "trimmed": "true"},
        )
        for lineno, func, message, comments in found:
            ctx, msgid, plural = _jinja_message(func, message)
            if not msgid:
                continue
            flags = ["python-format"] if re.search(r"%\(\w+\)[sd]", msgid + plural) else []
            notes = [c.removeprefix("i18n:").removeprefix("Translators:").strip() for c in comments]
            _add(
                entries,
                ctx,
                msgid,
                (shown, str(lineno)),
                ["type: site template", *notes],
                flags,
                plural,
            )
    for kind, label in CALLOUT_LABELS.items():  # the article body's own site strings
        notes = [f"the label above a callout ('> [!{kind.upper()}]') in an article's text"]
        _add(entries, CALLOUT_CONTEXT, label, (CALLOUT_REF, ""), ["type: callout label", *notes])
    return _make_pot(project, SITE_DOMAIN, entries.values())


def _template_ref(project: Project, file: Path) -> str:
    """The reference of a template: the same wherever the project or the package lives
    (the package's own templates are ``i18n/templates/...`` from any project)."""

    resolved = file.resolve()
    for base, prefix in ((PACKAGE_TEMPLATES.resolve(), "i18n/templates/"), (project.root, "")):
        try:
            return prefix + resolved.relative_to(base).as_posix()
        except ValueError:
            continue
    return "templates/" + file.relative_to(project.templates_dir).as_posix()


def _jinja_message(func: str, message: object) -> tuple[str | None, str, str]:
    if isinstance(message, str):
        return None, message, ""
    parts = [m for m in message if isinstance(m, str) or m is None]  # type: ignore[union-attr]
    if func in ("pgettext", "npgettext"):
        ctx = parts[0]
        rest = parts[1:]
    else:
        ctx, rest = None, parts
    return ctx, rest[0] or "", (rest[1] or "") if len(rest) > 1 else ""


def _make_pot(project: Project, domain: str, entries: Iterable[polib.POEntry]) -> polib.POFile:
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = (
        f"Translation template for {domain}.\n"
        "Generated by i18n extract from the canonical English source; do not edit."
    )
    pot.metadata = _pot_header(project, domain)
    pot.metadata_is_fuzzy = ["fuzzy"]
    for e in entries:
        pot.append(e)
    return pot


def _with_date(pot: polib.POFile, path: Path) -> polib.POFile:
    """Keep the existing POT-Creation-Date when nothing else changed."""
    old_date = ""
    if path.exists():
        try:
            old = polib.pofile(str(path), wrapwidth=WRAP)
            old_date = old.metadata.get("POT-Creation-Date", "")
        except (OSError, ValueError):
            old_date = ""
        pot.metadata["POT-Creation-Date"] = old_date
        if old_date and po_text(pot) == path.read_text(encoding="utf-8"):
            return pot
    pot.metadata["POT-Creation-Date"] = _creation_date()
    return pot


def extract(project: Project) -> WriteReport:
    """Articles and templates -> ``locales/templates/*.pot``. Everything is parsed and
    validated before the first file is written, so bad input changes nothing."""
    with gc_paused():  # Markdown token trees and POT entries: many acyclic objects
        return _extract(project)


def _extract(project: Project) -> WriteReport:

    files = article_files(project.root)
    if _parallel_workers(len(files)) > 1:
        texts = _article_pot_texts_parallel(project, files)
    else:
        texts = [(a.slug, _pot_text(project, a)) for a in load_articles(project.root)]
    site = site_pot(project)
    texts.append((SITE_DOMAIN, po_text(_with_date(site, project.pot_path(SITE_DOMAIN)))))
    report = WriteReport()
    keep = set()
    for domain, text in texts:
        path = project.pot_path(domain)
        keep.add(path.name)
        report.record(project.rel(path), atomic_write(path, text))
    if project.pot_dir.is_dir():
        for stale in sorted(project.pot_dir.glob("*.pot")):
            if stale.name not in keep:
                stale.unlink()
                report.removed.append(project.rel(stale))
    return report


def _pot_text(project: Project, article: Article) -> str:
    return po_text(_with_date(article_pot(project, article), project.pot_path(article.slug)))


# Parsing Markdown is most of an extraction: with many articles it runs in forked worker
# processes (one per core, as the render does per country), each returning finished POT
# texts and the article without its token stream. Errors are raised in file order, and the
# rules across articles are checked as load_articles checks them, so the result is the same.
_PARALLEL_MIN_ARTICLES = 24


def _parallel_workers(count: int) -> int:
    if count < _PARALLEL_MIN_ARTICLES:
        return 1
    return workers_for(count // (_PARALLEL_MIN_ARTICLES // 2))


def _load_and_template(project: Project, files: list[Path]) -> list[tuple[object, str | None]]:
    """In a forked worker: (article without tokens, POT text) or (error fields, None)."""
    done: list[tuple[object, str | None]] = []
    for file in files:
        try:
            article = load_article(file, project.root)
            text = _pot_text(project, article)
        except I18nError as exc:
            done.append(((exc.message, exc.path, exc.line), None))
            return done  # later files of this chunk cannot change the first error
        done.append((dataclasses.replace(article, tokens=[], env={}, block_segments={}), text))
    return done


def _article_pot_texts_parallel(project: Project, files: list[Path]) -> list[tuple[str, str]]:
    workers = _parallel_workers(len(files))
    size = -(-len(files) // (workers * 4))  # a few chunks per worker, for balance
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    parts = forked_map(_load_and_template, project, chunks, workers)
    results = [item for part in parts for item in part]
    for article, text in results:
        if text is None:
            message, path, line = article  # type: ignore[misc]
            raise I18nError(message, path, line)
    check_articles([a for a, _ in results])  # type: ignore[misc]
    return [(a.slug, text) for a, text in results if text is not None]  # type: ignore[attr-defined]

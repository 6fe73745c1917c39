"""Extract: articles and site templates -> ``locales/templates/*.pot`` (one POT per article,
and ``site.pot`` for the strings of the site templates). Many articles are parsed in forked
workers; the bytes written are the same as a sequential run's."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import polib
from jinja2 import Environment, TemplateSyntaxError
from jinja2.ext import babel_extract

from i18n.errors import I18nError
from i18n.formats.article import article_files, check_articles, load_article
from i18n.formats.fs import WriteReport, atomic_write, read_text
from i18n.formats.po import WRAP, gc_paused, po_text
from i18n.formats.runcache import RunRecord, code_key, sha256_file
from i18n.model.article import CALLOUT_CONTEXT, CALLOUT_LABELS, Article
from i18n.pipeline.forked import forked_map, workers_for
from i18n.project import PACKAGE_TEMPLATES, SITE_DOMAIN, Project

if TYPE_CHECKING:  # imported where used, so that `i18n update` does not load the parsers
    from i18n.model.article import Segment
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
    try:
        old_text: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old_text = None
    except (OSError, ValueError):
        old_text = ""
    if old_text is not None:
        # the header's date, as polib reads it from a file this code wrote (only then is it
        # kept: the whole text must be the one written)
        found = _DATE_LINE.search(old_text)
        old_date = found.group(1) if found else ""
        pot.metadata["POT-Creation-Date"] = old_date
        if old_date and po_text(pot) == old_text:
            return pot
    pot.metadata["POT-Creation-Date"] = _creation_date()
    return pot


_DATE_LINE = re.compile(r'^"POT-Creation-Date: ([^"\\]*)\\n"$', re.MULTILINE)

# What an article's template depends on besides its source's bytes: the i18n package, these
# libraries and the settings (the record's key, :mod:`i18n.formats.runcache`).
EXTRACT_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pyyaml", "polib")


def extract(project: Project) -> WriteReport:
    """Articles and templates -> ``locales/templates/*.pot``. Everything is parsed and
    validated before the first file is written, so bad input changes nothing.

    An article whose source has the bytes recorded by the last extraction (same code and
    settings), and whose template still has the bytes then written, is not parsed again:
    its template would come out the same."""
    with gc_paused():  # Markdown token trees and POT entries: many acyclic objects
        return _extract(project)


def _extract(project: Project) -> WriteReport:
    record = RunRecord.load(
        project.cache_dir / "extract.json",
        code_key("extract", EXTRACT_LIBRARIES, project.settings),
    )
    files = article_files(project.root)
    known: dict[int, tuple[Article, str]] = {}  # file index -> (its article, its POT's hash)
    sources: dict[str, str] = {}
    for i, file in enumerate(files):
        rel = project.rel(file)
        digest = None if file.is_symlink() else sha256_file(file)
        if digest is None:
            continue
        sources[rel] = digest
        found = _known_article(project, record.entries.get(rel), rel, digest)
        if found is not None:
            known[i] = found
    todo = [f for i, f in enumerate(files) if i not in known]
    if _parallel_workers(len(todo)) > 1:
        parsed = _article_pot_texts_parallel(project, todo)
    else:
        parsed = []
        for file in todo:
            article = load_article(file, project.root)
            parsed.append((article, _pot_text(project, article)))
    done = iter(parsed)
    articles: list[tuple[Article, str | None]] = [
        (known[i][0], None) if i in known else next(done) for i in range(len(files))
    ]
    pot_hashes = {known[i][0].path: known[i][1] for i in known}
    check_articles([a for a, _ in articles])
    site_key = _site_sources_hash(project)
    site_path = project.pot_path(SITE_DOMAIN)
    site_recorded = str(record.entries.get(SITE_ENTRY, "")).split(" ")
    site_text = None
    if site_recorded != [site_key, str(sha256_file(site_path))]:
        site_text = po_text(_with_date(site_pot(project), site_path))
    report = WriteReport()
    keep = set()
    entries: dict[str, str] = {}
    for article, text in articles:
        path = project.pot_path(article.slug)
        keep.add(path.name)
        report.record(project.rel(path), text is not None and atomic_write(path, text))
        if article.path in sources:
            pot_hash = _text_hash(text) if text is not None else pot_hashes[article.path]
            entries[article.path] = _record_entry(article, sources[article.path], pot_hash)
    keep.add(site_path.name)
    report.record(
        project.rel(site_path), site_text is not None and atomic_write(site_path, site_text)
    )
    site_hash = site_recorded[1] if site_text is None else _text_hash(site_text)
    entries[SITE_ENTRY] = f"{site_key} {site_hash}"
    if project.pot_dir.is_dir():
        for stale in sorted(project.pot_dir.glob("*.pot")):
            if stale.name not in keep:
                stale.unlink()
                report.removed.append(project.rel(stale))
    with contextlib.suppress(OSError):  # a record that cannot be written costs speed only
        record.save(entries)
    return report


SITE_ENTRY = "site templates"  # the record's entry for site.pot (no file has this name)


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _site_sources_hash(project: Project) -> str:
    """What site.pot is made from besides the code: each site template's reference and
    bytes."""
    digest = hashlib.sha256()
    for file in template_files(project):
        digest.update(_template_ref(project, file).encode() + b"\0")
        try:
            digest.update(hashlib.sha256(file.read_bytes()).digest())
        except OSError:
            return ""  # matches no record: site_pot reads it and names the error
    return digest.hexdigest()


def _record_entry(article: Article, source_hash: str, pot_hash: str) -> str:
    """What the record keeps of an article: enough for the rules across articles."""
    related = [
        [r, article.meta_lines.get(("related", str(i)), 2)] for i, r in enumerate(article.related)
    ]
    return json.dumps([source_hash, pot_hash, article.slug, related])


def _known_article(
    project: Project, entry: object, rel: str, digest: str
) -> tuple[Article, str] | None:
    """The article of the record's ``entry`` (without tokens or segments: what the rules
    across articles read) and its template's hash, when its source still has the recorded
    bytes and its template those written; else None."""
    if not isinstance(entry, str):
        return None
    try:
        source_hash, pot_hash, slug, related = json.loads(entry)
        if source_hash != digest or sha256_file(project.pot_path(slug)) != pot_hash:
            return None
        lines = {("related", str(i)): int(line) for i, (_, line) in enumerate(related)}
        meta = {"related": [str(r) for r, _ in related]}
    except (ValueError, TypeError):
        return None
    return Article(str(slug), rel, meta, "", meta_lines=lines), pot_hash


def _pot_text(project: Project, article: Article) -> str:
    return po_text(_with_date(article_pot(project, article), project.pot_path(article.slug)))


# Parsing Markdown is most of an extraction: with many articles it runs in forked worker
# processes (one per core, as the render does per country), each returning finished POT
# texts and the article without its token stream. Errors are raised in file order, and the
# rules across articles are checked afterwards over all of them, so the result is the same.
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
        done.append((article.header(), text))
    return done


def _article_pot_texts_parallel(project: Project, files: list[Path]) -> list[tuple[Article, str]]:
    workers = _parallel_workers(len(files))
    size = -(-len(files) // (workers * 4))  # a few chunks per worker, for balance
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    parts = forked_map(_load_and_template, project, chunks, workers)
    results = [item for part in parts for item in part]
    for article, text in results:
        if text is None:
            message, path, line = article  # type: ignore[misc]
            raise I18nError(message, path, line)
    return results  # type: ignore[return-value]

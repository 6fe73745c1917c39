"""The ``i18n`` command: a thin layer over the library.

Each command parses options, calls the library, prints the result and picks the exit code:
0 success, 1 a check found a violation (or a strict render withheld something), 2 bad input
or usage, with one message naming the file and line and no traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from i18n.errors import I18nError

F = Callable[..., Any]


def project_option(func: F) -> F:
    return click.option(
        "--project",
        "project_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help="Project directory (holds source/ and locales/).",
    )(func)


def fail_clearly(func: F) -> F:
    """Turn bad input into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except I18nError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except OSError as exc:  # disk full, permissions: the write was atomic, nothing is torn
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(
                f"error: {where}{exc.strerror or exc}; nothing was half-written, "
                "fix the cause and run the command again",
                err=True,
            )
            sys.exit(2)

    return wrapper


def open_project(project_dir: Path, **overrides: Any) -> Any:
    from i18n.project import Project

    return Project(project_dir, overrides)


def _print_report(report: Any, verb: str) -> None:
    for path in report.written:
        click.echo(f"{verb} {path}")
    for path in report.removed:
        click.echo(f"removed {path}")
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(
        f"{len(report.written)} written, {len(report.unchanged)} unchanged"
        + (f", {len(report.removed)} removed" if report.removed else "")
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="i18n-medical")
def cli() -> None:
    """Localization pipeline for regulated medical content.

    extract -> update -> translate -> (translator edits .po) -> approve -> render -> check
    """


@cli.command()
@project_option
@fail_clearly
def extract(project_dir: Path) -> None:
    """Articles and site templates -> locales/templates/*.pot."""
    from i18n.formats.lock import project_lock
    from i18n.pipeline.extract import extract as do_extract

    project = open_project(project_dir)
    with project_lock(project, "extract"):
        report = do_extract(project)
    _print_report(report, "wrote")


@cli.command()
@project_option
@click.option("--locale", "locales", multiple=True, help="Also create or update this locale.")
@fail_clearly
def update(project_dir: Path, locales: tuple[str, ...]) -> None:
    """Templates -> every locale's catalog, with msgmerge semantics."""
    from i18n.formats.lock import project_lock
    from i18n.pipeline.update import update as do_update

    project = open_project(project_dir)
    with project_lock(project, "update"):
        report = do_update(project, locales)
    _print_report(report, "updated")


@cli.command()
@project_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table")
@fail_clearly
def status(project_dir: Path, fmt: str) -> None:
    """Completeness per locale and article (untranslated, draft, translated, approved)."""
    from i18n.pipeline.status import Counts
    from i18n.pipeline.status import status as do_status

    data = do_status(open_project(project_dir))
    if fmt == "json":
        out = {loc: {dom: c.as_dict() for dom, c in per.items()} for loc, per in data.items()}
        click.echo(json.dumps(out, indent=2, sort_keys=True))
        return
    rows = []
    for loc, per in data.items():
        total = Counts()
        for c in per.values():
            for k, v in c.as_dict().items():
                if k != "total":
                    total.add(k, v)
        rows.append((loc, "(all)", total))
        rows.extend((loc, dom, c) for dom, c in per.items())
    if fmt == "html":
        from i18n.cli.reports import status_html

        click.echo(status_html(rows))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Translation status")
    for col in (
        "locale",
        "catalog",
        "untranslated",
        "draft",
        "rejected",
        "translated",
        "approved",
        "total",
        "approved %",
    ):
        table.add_column(
            col,
            justify="right" if col not in ("locale", "catalog") else "left",
            no_wrap=col == "catalog",
        )
    for loc, dom, c in rows:
        pct = f"{100 * c.approved / c.total:.0f}%" if c.total else "-"
        style = "bold" if dom == "(all)" else None
        table.add_row(loc, dom, *(str(v) for v in c.as_dict().values()), pct, style=style)
    Console(width=140).print(table)


@cli.command()
@project_option
@click.option("--country", help="Render only this country (ISO code, e.g. CH).")
@click.option("--preview", is_flag=True, help="Include drafts, marked, into site-preview/.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: site/, or site-preview/ with --preview).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Check disclaimer validity as of this date (YYYY-MM-DD).",
)
@click.option("--strict", is_flag=True, help="Exit 1 when any page is withheld.")
@fail_clearly
def render(
    project_dir: Path,
    country: str | None,
    preview: bool,
    out: Path | None,
    today: Any,
    strict: bool,
) -> None:
    """The site: approved text only, per country and language (site/<cc>/<lang>/)."""
    from rich.console import Console
    from rich.table import Table

    from i18n.cli.tables import report_rows
    from i18n.formats.lock import project_lock, remove_partial_writes
    from i18n.pipeline.publish.site import render_site

    project = open_project(project_dir)
    with project_lock(project, "render"):
        result = render_site(
            project,
            out=out,
            country=country,
            preview=preview,
            today=today.date() if today else None,
        )
        for debris in remove_partial_writes(result.out):
            click.echo(
                f"note: removed {project.rel(debris)}, left by an interrupted write", err=True
            )
    table = Table(title="Preview" if preview else "Published and withheld pages")
    for col in ("country", "locale", "page", "status", "reason"):
        table.add_column(col, overflow="fold")
    styles = {"published": "green", "withheld": "red", "preview": "yellow"}
    rows = report_rows(result)
    for row in rows:
        table.add_row(*row, style=styles.get(row[3]))
    Console(width=140).print(table)
    published, withheld = result.counts()
    what = "publishable" if preview else "published"
    click.echo(
        f"{result.out}: {published} article pages {what}, {withheld} withheld "
        f"({len(result.written)} files written, {len(result.unchanged)} unchanged"
        + (f", {len(result.removed)} stale pages removed" if result.removed else "")
        + ")"
    )
    for rel in result.foreign:
        click.echo(
            f"warning: {result.out / rel} was not written by a render (no manifest lists "
            "it); left untouched — `i18n check` reports it as a stray page",
            err=True,
        )
    if strict and result.withheld_any:
        sys.exit(1)


REVIEW_STATES = ("untranslated", "draft", "rejected", "translated", "approved")


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@project_option
@click.option("--locale", "locales", multiple=True, help="Only this locale (repeatable).")
@click.option("--article", help="Only this catalog: an article slug, or 'site'.")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice([*REVIEW_STATES, "all"]),
    help="Only items in this state (repeatable). Default: draft, rejected, translated.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "html"]),
    default="table",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="--format html: folder for the review sheets (<locale>.html). Default: print the "
    "page when one --locale is given, else write to <project>/.cache/i18n/review/.",
)
@fail_clearly
def queue(
    project_dir: Path,
    locales: tuple[str, ...],
    article: str | None,
    states: tuple[str, ...],
    fmt: str,
    out: Path | None,
) -> None:
    """The review queue: entries waiting for a reviewer, with QA findings.

    Each item has a stable id (from locale, catalog, msgctxt and msgid) to pass to
    'i18n approve' or 'i18n reject'. A draft whose English source changed shows a word diff
    ([-old-]{+new+}) from the previous source.
    """
    from i18n.pipeline.review import QUEUE_STATES, format_word_diff
    from i18n.pipeline.review import queue as build_queue

    project = open_project(project_dir)
    wanted = REVIEW_STATES if "all" in states else (states or QUEUE_STATES)
    chosen, items = build_queue(project, locales, article, wanted)
    if fmt == "json":
        click.echo(json.dumps([i.as_dict() for i in items], indent=2, ensure_ascii=False))
    elif fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        cols = [
            "id",
            "locale",
            "catalog",
            "msgctxt",
            "msgid",
            "msgstr",
            "state",
            "reason",
            "findings",
            "previous_msgid",
            "diff",
        ]
        writer = csv.DictWriter(buf, cols, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for item in items:
            row = item.as_dict()
            row["findings"] = "; ".join(str(f) for f in item.findings)
            writer.writerow(row)
        click.echo(buf.getvalue(), nl=False)
    elif fmt == "html":
        from i18n.cli.reports import review_sheet
        from i18n.formats.fs import atomic_write

        pages = {loc: review_sheet(loc, [i for i in items if i.locale == loc]) for loc in chosen}
        if out is None and len(chosen) == 1:
            click.echo(pages[chosen[0]], nl=False)
            return
        folder = out if out is not None else project.cache_dir / "review"
        for loc, page in pages.items():
            path = folder / f"{loc}.html"
            atomic_write(path, page)
            n = sum(1 for i in items if i.locale == loc)
            click.echo(f"wrote {path} ({n} items)")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Review queue", show_lines=True)
        for col in ("id", "locale", "catalog", "state", "source", "translation", "findings"):
            table.add_column(col, overflow="fold")
        for item in items:
            source = _short(item.entry.msgid)
            diff = item.diff()
            if diff is not None:
                source += "\nsource changed: " + _short(format_word_diff(diff), 120)
            state = item.state + (f"\n{item.reason}" if item.reason else "")
            findings = "\n".join(f"{f.severity} {f.code}" for f in item.findings)
            table.add_row(
                item.id, item.locale, item.catalog, state, source, _short(item.msgstr), findings
            )
        Console(width=160).print(table)
        click.echo(f"{len(items)} items")


@cli.command()
@project_option
@click.option("--locale", required=True, help="Locale whose entries are signed off.")
@click.option("--reviewer", required=True, help="Name of the person signing off.")
@click.argument("ids", nargs=-1)
@click.option("--article", help="Every translated entry of this catalog.")
@click.option("--all", "all_", is_flag=True, help="Every translated entry of the locale.")
@click.option(
    "--override",
    metavar="REASON",
    help="Approve the named ids despite blocking QA findings; the reason is recorded.",
)
@fail_clearly
def approve(
    project_dir: Path,
    locale: str,
    reviewer: str,
    ids: tuple[str, ...],
    article: str | None,
    all_: bool,
    override: str | None,
) -> None:
    """Sign off translated entries (ID... | --article S | --all).

    Appends one event per entry to locales/<locale>/approvals.jsonl: reviewer, UTC time,
    meaning ("reviewed and approved") and the hash of the exact text. Only translated
    (non-fuzzy, non-empty) entries qualify; entries with a blocking QA finding are refused
    unless --override gives a reason (only with ids: each override is a decision about a
    named entry). The .po files are never changed. Exit code 1 when an entry was refused.
    """
    from i18n.formats.lock import project_lock
    from i18n.pipeline.review import LocaleReview

    if sum([bool(ids), article is not None, all_]) != 1:
        raise click.UsageError("give entry ids, or --article S, or --all (exactly one)")
    if override is not None and not ids:
        raise click.UsageError("--override applies to entries named by id, one decision each")
    project = open_project(project_dir)
    with project_lock(project, "approve"):
        review = LocaleReview.open(project, locale)
        review.ledger.report()
        items = review.find(ids) if ids else review.items(article)
        report = review.approve(items, reviewer, explicit=bool(ids), override=override)
    for name in report.self_review:
        click.echo(
            f"warning: {reviewer} is the Last-Translator of {review.locale}/{name}.po; "
            "a second person should review (ISO 17100)",
            err=True,
        )
    for item in report.approved:
        extra = " (override)" if item.blocking else ""
        click.echo(f"approved {item.id} {item.catalog}: {_short(item.entry.msgid, 60)}{extra}")
    for item, why in report.refused:
        click.echo(f"refused {item.id} {item.catalog}: {why}", err=True)
    click.echo(
        f"{len(report.approved)} approved, {len(report.already)} already approved, "
        f"{len(report.refused)} refused, {len(report.skipped)} not ready (draft or untranslated)"
    )
    if report.refused:
        sys.exit(1)


@cli.command()
@project_option
@click.option("--locale", required=True)
@click.argument("entry_id", metavar="ID")
@click.option("--reason", required=True, help="What the translator must fix.")
@click.option("--reviewer", help="Who sends it back (recorded).")
@fail_clearly
def reject(
    project_dir: Path, locale: str, entry_id: str, reason: str, reviewer: str | None
) -> None:
    """Send an entry back to the translator: fuzzy again, reason as a translator comment."""
    from i18n.formats.lock import project_lock
    from i18n.pipeline.review import LocaleReview

    project = open_project(project_dir)
    with project_lock(project, "reject"):
        review = LocaleReview.open(project, locale)
        review.ledger.report()
        (item,) = review.find([entry_id])
        review.reject(item, reason, reviewer)
    click.echo(f"rejected {item.id} {item.catalog}: {_short(item.entry.msgid, 60)}")


@cli.command()
@project_option
@click.option("--country", help="Check one country (ISO code, e.g. CH).")
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Rendered site to prove (default: site/ when it exists).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Check expiry as of this date (default: today).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@fail_clearly
def check(
    project_dir: Path,
    country: str | None,
    site_dir: Path | None,
    today: Any,
    fmt: str,
    out: Path | None,
) -> None:
    """Regulatory and translation checks: disclaimers, claims, products, rendered output.

    Exit code 0 when clean (warnings allowed), 1 on any violation, 2 on bad input.
    """
    from i18n.cli.reports import check_html, check_text
    from i18n.pipeline.check import run_check

    project = open_project(project_dir)
    if site_dir is not None and not site_dir.is_absolute():
        site_dir = Path.cwd() / site_dir
    report = run_check(
        project, country=country, site=site_dir, today=today.date() if today else None
    )
    if fmt == "json":
        text = json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "html":
        text = check_html(report)
    else:
        text = check_text(report)
    if out is not None:
        from i18n.formats.fs import atomic_write

        atomic_write(out, text)
        click.echo(
            f"wrote {out}: {len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
        )
    else:
        click.echo(text, nl=False)
    sys.exit(1 if report.violations else 0)


@cli.command()
@project_option
@click.option("--locale", required=True, help="Locale whose catalogs get drafts (e.g. de, pt_BR).")
@click.option(
    "--provider",
    type=click.Choice(["memory", "pseudo", "google", "deepl", "microsoft", "libre", "mymemory"]),
    help="Provider after translation memory (default: [tool.i18n] provider, else pseudo).",
)
@click.option("--endpoint", help="LibreTranslate server URL (provider libre).")
@click.option("--article", help="Only this article's catalog (its slug).")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Count entries, characters and requests; send nothing, write nothing.",
)
@click.option(
    "--refresh", is_flag=True, help="Also redo machine drafts that are still fuzzy and unedited."
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    help="Requests in flight at once (default: [tool.i18n] concurrency, 8).",
)
@click.option(
    "--max-requests",
    type=click.IntRange(min=0),
    help="Send at most this many requests in this run (default: [tool.i18n] max_requests).",
)
@fail_clearly
def translate(
    project_dir: Path,
    locale: str,
    provider: str | None,
    endpoint: str | None,
    article: str | None,
    dry_run: bool,
    refresh: bool,
    concurrency: int | None,
    max_requests: int | None,
) -> None:
    """Machine and memory drafts for untranslated entries, written fuzzy for review.

    Keys come from the environment only (DEEPL_API_KEY, MICROSOFT_API_KEY,
    LIBRETRANSLATE_API_KEY). Exit code 0 when done (also when --max-requests stopped the
    run early), 1 when the provider failed (drafts received so far are kept; run again to
    resume from the cache), 2 on bad input or usage, 130 when interrupted.
    """
    from contextlib import nullcontext

    from i18n.formats.lock import project_lock
    from i18n.pipeline.translate import Options
    from i18n.pipeline.translate import translate as do_translate

    opts = Options(
        locale=locale,
        provider=provider,
        endpoint=endpoint,
        article=article,
        dry_run=dry_run,
        refresh=refresh,
        concurrency=concurrency,
        max_requests=max_requests,
    )
    project = open_project(project_dir)
    with nullcontext() if dry_run else project_lock(project, "translate"):
        report = do_translate(project, opts)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if report.dry_run:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"translate --dry-run: {report.locale}")
        for col in ("locale", "provider", "entries", "characters", "requests", "cached"):
            table.add_column(col, justify="left" if col in ("locale", "provider") else "right")
        for row in report.plan:
            table.add_row(
                report.locale,
                row.provider,
                str(row.entries),
                str(row.characters),
                str(row.requests),
                str(row.cached),
            )
        if report.plan:
            Console(width=100).print(table)
        else:
            click.echo(f"{report.locale}: nothing to draft")
        click.echo("dry run: nothing sent, nothing written")
        return
    for line in report.lines:
        click.echo(line)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(report.summary())
    if report.cap_reached:
        click.echo(
            f"note: request cap reached ({report.sent} requests); run again to continue", err=True
        )
    if report.interrupted:
        click.echo("interrupted: drafts received so far are written; run again to resume", err=True)
        sys.exit(130)
    if report.error:
        click.echo(
            f"error: {report.error}; drafts received before the failure are written, "
            "run again to resume",
            err=True,
        )
        sys.exit(1)


def main() -> None:
    cli(prog_name="i18n")


if __name__ == "__main__":
    main()

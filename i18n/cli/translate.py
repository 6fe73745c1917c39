"""``i18n translate``: machine and memory drafts, with a progress bar on a terminal."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from i18n.cli.common import fail_clearly, open_project, plain_console, project_option
from i18n.errors import I18nError
from i18n.formats.ledger import Signing
from i18n.formats.lock import project_lock
from i18n.formats.people import load_people
from i18n.model.settings import PROVIDERS
from i18n.pipeline.signoff import open_signing
from i18n.pipeline.translate import Options
from i18n.pipeline.translate import translate as do_translate
from i18n.project import Project


class ProgressBar:
    """A rich progress bar on stderr (catalogs, entries, requests); off when stderr is not a
    terminal, so logs and pipes get only the result lines."""

    def __init__(self) -> None:
        console = plain_console(stderr=True)
        self.bar = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.tasks: dict[str, TaskID] = {}

    def start(self, tasks: dict[str, tuple[int, int]]) -> None:
        for name, (done, total) in tasks.items():
            self.tasks[name] = self.bar.add_task(name, total=total, completed=done)
        self.bar.start()

    def advance(self, task: str) -> None:
        self.bar.advance(self.tasks[task])

    def stop(self) -> None:
        self.bar.stop()


def _drafts_signer(project: Project) -> Signing | None:
    """Who signs the ``drafted`` events: the translator's key when there is one. Drafts are
    never published, so a run without a key still drafts; its events are unsigned, and
    ``i18n check`` lists them as warnings."""
    try:
        allowed = project.settings.sample_keys
        signing, _ = open_signing(load_people(project), os.environ, sample_keys_allowed=allowed)
    except I18nError as exc:
        project.warn(f"drafted events are not signed: {exc}")
        return None
    return signing


@click.command()
@project_option
@click.option("--locale", required=True, help="Locale whose catalogs get drafts (e.g. de, pt_BR).")
@click.option(
    "--provider",
    type=click.Choice(list(PROVIDERS)),
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
    project_dir: Path | None,
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

    opts = Options(
        locale=locale,
        provider=provider,
        endpoint=endpoint,
        article=article,
        dry_run=dry_run,
        refresh=refresh,
        concurrency=concurrency,
        max_requests=max_requests,
        progress=ProgressBar(),
    )
    project = open_project(project_dir)
    if not dry_run:
        opts.signing = _drafts_signer(project)
    with nullcontext() if dry_run else project_lock(project, "translate"):
        report = do_translate(project, opts)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if report.dry_run:
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
            plain_console(width=100).print(table)
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

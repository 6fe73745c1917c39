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

from .errors import I18nError

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

    return wrapper


def open_project(project_dir: Path, **overrides: Any) -> Any:
    from .project import Project

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
    from .catalogs import extract as do_extract

    _print_report(do_extract(open_project(project_dir)), "wrote")


@cli.command()
@project_option
@click.option("--locale", "locales", multiple=True, help="Also create or update this locale.")
@fail_clearly
def update(project_dir: Path, locales: tuple[str, ...]) -> None:
    """Templates -> every locale's catalog, with msgmerge semantics."""
    from .catalogs import update as do_update

    _print_report(do_update(open_project(project_dir), locales), "updated")


@cli.command()
@project_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table")
@fail_clearly
def status(project_dir: Path, fmt: str) -> None:
    """Completeness per locale and article (untranslated, draft, translated, approved)."""
    from .catalogs import Counts
    from .catalogs import status as do_status

    data = do_status(open_project(project_dir))
    if fmt == "json":
        out = {
            loc: {dom: c.as_dict() for dom, c in per.items()} for loc, per in data.items()
        }
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
        from .reports import status_html

        click.echo(status_html(rows))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Translation status")
    for col in ("locale", "catalog", "untranslated", "draft", "rejected", "translated",
                "approved", "total", "approved %"):
        table.add_column(col, justify="right" if col not in ("locale", "catalog") else "left")
    for loc, dom, c in rows:
        pct = f"{100 * c.approved / c.total:.0f}%" if c.total else "-"
        style = "bold" if dom == "(all)" else None
        table.add_row(loc, dom, *(str(v) for v in c.as_dict().values()), pct, style=style)
    Console(width=120).print(table)


@cli.command()
@project_option
@click.option("--country", help="Render only this country (ISO code, e.g. CH).")
@click.option("--preview", is_flag=True, help="Include drafts, marked, into site-preview/.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: site/, or site-preview/ with --preview).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Check disclaimer validity as of this date (YYYY-MM-DD).")
@click.option("--strict", is_flag=True, help="Exit 1 when any page is withheld.")
@fail_clearly
def render(project_dir: Path, country: str | None, preview: bool, out: Path | None,
           today: Any, strict: bool) -> None:
    """The site: approved text only, per country and language (site/<cc>/<lang>/)."""
    from rich.console import Console
    from rich.table import Table

    from .render import render_site, report_rows

    result = render_site(open_project(project_dir), out=out, country=country, preview=preview,
                         today=today.date() if today else None)
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
        + (f", {len(result.removed)} stale pages removed" if result.removed else "") + ")"
    )
    if strict and result.withheld_any:
        sys.exit(1)


def main() -> None:
    cli(prog_name="i18n")


if __name__ == "__main__":
    main()

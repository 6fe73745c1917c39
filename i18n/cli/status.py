"""``i18n status``: completeness per locale and catalog, as a table, JSON or HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import babel
import click
from rich.table import Table

from i18n.cli.common import fail_clearly, open_project, plain_console, project_option
from i18n.cli.reports import status_html
from i18n.cli.table import box_table
from i18n.pipeline.plurals import MIGRATE_HINT, drifts
from i18n.pipeline.status import Counts
from i18n.pipeline.status import status as do_status


@click.command()
@project_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table")
@fail_clearly
def status(project_dir: Path | None, fmt: str) -> None:
    """Completeness per locale and article (untranslated, draft, translated, approved)."""
    project = open_project(project_dir)
    data = do_status(project)
    _warn_plural_drift(project)
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
        click.echo(status_html(rows))
        return

    body = [
        (
            loc,
            dom,
            *(str(v) for v in c.as_dict().values()),
            f"{100 * c.approved / c.total:.0f}%" if c.total else "-",
        )
        for loc, dom, c in rows
    ]
    console = plain_console(width=WIDTH)
    fast = None if console.is_terminal else box_table(TITLE, COLUMNS, LEFT, body, WIDTH)
    if fast is not None:
        click.echo(fast, nl=False)
        return
    table = Table(title=TITLE)
    for col in COLUMNS:
        table.add_column(col, justify="left" if col in LEFT else "right", no_wrap=col == "catalog")
    for row in body:
        table.add_row(*row, style="bold" if row[1] == "(all)" else None)
    console.print(table)


TITLE = "Translation status"
COLUMNS = (
    "locale",
    "catalog",
    "untranslated",
    "draft",
    "rejected",
    "translated",
    "approved",
    "total",
    "approved %",
)
LEFT = ("locale", "catalog")
WIDTH = 140


def _warn_plural_drift(project: Any) -> None:
    """One warning (on standard error) per locale and rule where catalogs' Plural-Forms
    differ from CLDR's current rule: they keep theirs until migrated."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for d in drifts(project, project.existing_locales()):
        groups.setdefault((d.locale, d.catalog.header, d.cldr.header), []).append(d.path)
    for (locale, ours, cldr), paths in groups.items():
        folder = project.locales_dir / locale / "LC_MESSAGES"
        if len(paths) > 1 and len(paths) == len(list(folder.glob("*.po"))):
            where = f"{project.rel(folder)}/*.po (all {len(paths)} catalogs)"
        else:
            where = ", ".join(paths)
        click.echo(
            f"warning: {where}: Plural-Forms '{ours}' differs from CLDR's rule for {locale} "
            f"(Babel {babel.__version__}) '{cldr}'; the catalogs keep theirs; to migrate: "
            + MIGRATE_HINT.format(locale=locale),
            err=True,
        )

"""``i18n import``: Markdown written for other tools -> source/articles/."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from i18n.cli.common import fail_clearly, open_project, project_option
from i18n.formats.lock import project_lock
from i18n.pipeline.importing import plan_import, write_import


@click.command(name="import")
@project_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@fail_clearly
def import_(project_dir: Path | None, paths: tuple[Path, ...], dry_run: bool) -> None:
    """Markdown from other tools (MkDocs, Hugo, Jekyll...) -> source/articles/."""
    project = open_project(project_dir)
    with project_lock(project, "import"):
        plan = plan_import(project, list(paths))
        if not dry_run:
            write_import(project, plan)
    rows: list[tuple[str, str, str]] = []
    for item in plan.accepted:
        done = []
        if item.title_from_heading:
            done.append("title from '# heading'")
        if item.moved:
            done.append("under extra: " + ", ".join(item.moved))
        rows.append((item.source, f"-> {item.slug}.md", "; ".join(done) or "as it is"))
    for bad in plan.refused:
        where = f"{bad.source}:{bad.line}" if bad.line else bad.source
        rows.append((where, "refused", bad.reason))
    width = [max(len(row[i]) for row in rows) for i in range(2)] if rows else [0, 0]
    for row in rows:
        click.echo(f"{row[0]:<{width[0]}}  {row[1]:<{width[1]}}  {row[2]}")
    accepted, refused = len(plan.accepted), len(plan.refused)
    if refused:
        click.echo(f"{accepted} accepted, {refused} refused: nothing written", err=True)
        sys.exit(2)
    if dry_run:
        click.echo(f"{accepted} accepted; --dry-run: nothing written")
    else:
        click.echo(f"{len(plan.written)} written to source/articles/")

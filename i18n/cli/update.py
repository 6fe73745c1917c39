"""``i18n update``: templates -> every locale's catalog (msgmerge semantics)."""

from __future__ import annotations

from pathlib import Path

import click

from i18n.cli.common import fail_clearly, open_project, print_write_report, project_option
from i18n.formats.lock import project_lock
from i18n.pipeline.update import update as do_update


@click.command()
@project_option
@click.option("--locale", "locales", multiple=True, help="Also create or update this locale.")
@click.option(
    "--migrate-plurals",
    is_flag=True,
    help="Move the --locale catalogs to CLDR's current plural rule (new forms untranslated).",
)
@fail_clearly
def update(project_dir: Path | None, locales: tuple[str, ...], migrate_plurals: bool) -> None:
    """Templates -> every locale's catalog, with msgmerge semantics.

    Each catalog keeps its own Plural-Forms rule; --migrate-plurals moves the catalogs of the
    locales named with --locale to the rule of CLDR (the installed Babel), all or none.
    """
    project = open_project(project_dir)
    with project_lock(project, "update"):
        report = do_update(project, locales, migrate_plurals=migrate_plurals)
    print_write_report(report, "updated")

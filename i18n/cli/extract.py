"""``i18n extract``: articles and site templates -> locales/templates/*.pot."""

from __future__ import annotations

from pathlib import Path

import click

from i18n.cli.common import fail_clearly, open_project, print_write_report, project_option
from i18n.formats.lock import project_lock
from i18n.pipeline.extract import extract as do_extract


@click.command()
@project_option
@fail_clearly
def extract(project_dir: Path | None) -> None:
    """Articles and site templates -> locales/templates/*.pot."""
    project = open_project(project_dir)
    with project_lock(project, "extract"):
        report = do_extract(project)
    print_write_report(report, "wrote")

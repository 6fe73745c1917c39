"""``i18n check``: the regulatory report, as text, JSON or HTML."""

from __future__ import annotations

import contextlib
import datetime
import json
import sys
from pathlib import Path

import click

from i18n.cli.common import DATE, fail_clearly, open_project, project_option
from i18n.cli.reports import check_html, check_text
from i18n.formats.fs import atomic_write
from i18n.formats.localkey import no_records
from i18n.pipeline.check.run import run_check


@click.command()
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
    type=DATE,
    help="Check expiry as of this date (default: today).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--cold",
    is_flag=True,
    help="Read no record in .cache/: verify every signature and run every QA check afresh "
    "(what a CI runner does; for an audit on a working machine).",
)
@fail_clearly
def check(
    project_dir: Path | None,
    country: str | None,
    site_dir: Path | None,
    today: datetime.date | None,
    fmt: str,
    out: Path | None,
    cold: bool,
) -> None:
    """Regulatory and translation checks: disclaimers, claims, products, rendered output.

    Exit code 0 when clean (warnings allowed), 1 on any violation, 2 on bad input.
    """

    project = open_project(project_dir)
    if site_dir is not None and not site_dir.is_absolute():
        site_dir = Path.cwd() / site_dir
    with no_records() if cold else contextlib.nullcontext():
        report = run_check(project, country=country, site=site_dir, today=today)
    if fmt == "json":
        text = json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "html":
        text = check_html(report)
    else:
        text = check_text(report)
    if out is not None:
        atomic_write(out, text)
        click.echo(
            f"wrote {out}: {len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
        )
    else:
        click.echo(text, nl=False)
    sys.exit(1 if report.violations else 0)

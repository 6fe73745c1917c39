"""``i18n render`` (and ``python render.py``): the site, and the table of what was published
and withheld."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import click
from rich.table import Table

from i18n.cli.common import DATE, fail_clearly, open_project, plain_console, project_option
from i18n.cli.table import box_table
from i18n.formats.lock import project_lock, remove_partial_writes
from i18n.pipeline.publish.gate import UNREADABLE
from i18n.pipeline.publish.site import RenderResult, render_site

COLUMNS = ("country", "locale", "page", "status", "reason")
STYLES = {"published": "green", "outdated": "yellow", "withheld": "red", "preview": "yellow"}
WIDTH = 140


@click.command()
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
    type=DATE,
    help="Plan as of this date (YYYY-MM-DD): disclaimer validity, release dates. A date other "
    "than today only plans, unless --out names a folder other than the site's.",
)
@click.option(
    "--plan",
    "plan_only",
    is_flag=True,
    help="Print what would be published and withheld, and why; write nothing (unless --out "
    "names a folder other than the site's).",
)
@click.option("--strict", is_flag=True, help="Exit 1 when any page is withheld.")
@fail_clearly
def render(
    project_dir: Path | None,
    country: str | None,
    preview: bool,
    out: Path | None,
    today: datetime.date | None,
    plan_only: bool,
    strict: bool,
) -> None:
    """The site: approved text only, per country and language (site/<cc>/<lang>/)."""
    project = open_project(project_dir)
    settings = project.settings
    default = project.root / ("site-preview" if preview else "site")
    elsewhere = out is not None and out.resolve() != default.resolve()
    # a date other than today is a look-ahead (or back): never written over the live site
    other_day = today is not None and today != settings.today() and not preview
    dry_run = (plan_only or other_day) and not elsewhere
    with project_lock(project, "render"):
        result = render_site(
            project,
            out=out,
            country=country,
            preview=preview,
            today=today,
            dry_run=dry_run,
        )
        if not dry_run:
            for debris in remove_partial_writes(result.out):
                click.echo(
                    f"note: removed {project.rel(debris)}, left by an interrupted write", err=True
                )
    title = "Preview" if preview else "Published and withheld pages"
    if dry_run:
        title = f"Plan as of {result.plan.today.isoformat()} ({settings.timezone}): nothing written"
    rows = report_rows(result)
    console = plain_console(width=WIDTH)
    fast = None if console.is_terminal else box_table(title, COLUMNS, COLUMNS, rows, WIDTH, True)
    if fast is not None:
        click.echo(fast, nl=False)
    else:
        table = Table(title=title)
        for col in COLUMNS:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*row, style=STYLES.get(row[3]))
        console.print(table)
    published, withheld = result.counts()
    outdated = result.outdated_count()
    as_of = f"as of {result.plan.today.isoformat()} ({settings.timezone})"
    if dry_run:
        click.echo(
            f"plan {as_of}: {published} article pages would be published"
            + (f" ({outdated} outdated)" if outdated else "")
            + f", {withheld} withheld; nothing written"
        )
        if result.removed:
            click.echo(
                f"{len(result.removed)} page(s) now in {project.rel(result.out)}/ would be "
                "removed: " + ", ".join(result.removed)
            )
        if result.removed_sitemaps:
            click.echo(
                f"{len(result.removed_sitemaps)} sitemap(s) now in {project.rel(result.out)}/ "
                "would be removed: " + ", ".join(result.removed_sitemaps)
            )
        click.echo(
            "to write these pages for a look at them, add --out with a folder of its own "
            "(never the live site)"
        )
        if strict and result.withheld_any:
            sys.exit(1)
        return
    what = "publishable" if preview else "published"
    if outdated:
        what += f" ({outdated} outdated, with a notice)"
    click.echo(
        f"{result.out}: {published} article pages {what}, {withheld} withheld "
        f"({len(result.written)} files written, {len(result.unchanged)} unchanged"
        + (f", {len(result.removed)} stale pages removed" if result.removed else "")
        + (f", {len(gone)} stale sitemaps removed" if (gone := result.removed_sitemaps) else "")
        + ")"
    )
    click.echo(f"planned {result.planned} pages, {result.reused} from cache")
    for lp in result.plan.locales:
        if lp.country.code not in result.rendered_countries and any(
            r.startswith(UNREADABLE) for r in lp.reasons
        ):
            click.echo(f"warning: {lp.country.code} {lp.tag} withheld: {lp.reasons[-1]}", err=True)
    for rel in result.foreign:
        click.echo(
            f"warning: {result.out / rel} was not written by a render (no manifest lists "
            "it); left untouched — `i18n check` reports it as a stray page",
            err=True,
        )
    if strict and result.withheld_any:
        sys.exit(1)


def report_rows(result: RenderResult) -> list[tuple[str, str, str, str, str]]:
    """(country, locale, page, status, reason) rows for the table, one row for a locale
    withheld as a whole."""
    plan = result.plan
    rows = []
    for lp in plan.locales:
        if lp.country.code not in result.rendered_countries:
            continue
        cc, tag = lp.country.code, lp.tag
        if lp.reasons and not plan.preview:
            ready = sum(1 for ap in lp.articles.values() if ap.ok)
            rows.append(
                (
                    cc,
                    tag,
                    f"all {len(lp.articles)} articles",
                    "withheld",
                    "; ".join(lp.reasons)
                    + f" (otherwise {ready} of {len(lp.articles)} articles ready)",
                )
            )
            continue
        for slug, ap in lp.articles.items():
            reasons = lp.reasons + ap.reasons
            if plan.preview:
                status = "preview"
                reason = ("not publishable: " + "; ".join(reasons)) if reasons else "approved"
            elif ap.outdated:
                old = ap.outdated
                status = "outdated"
                reason = (
                    f"shows the translation approved on {old.approved_on.isoformat()} of the "
                    f"English of {old.commit[:12]}, with a notice; the current English: "
                    + "; ".join(old.pending)
                )
            elif ap.ok:
                status, reason = "published", ("source text" if lp.source else "approved")
            else:
                status, reason = "withheld", "; ".join(reasons)
            rows.append((cc, tag, slug, status, reason))
    return rows

"""``i18n audit``: per published page, every approved text with its signature, as text, JSON
or a page that prints cleanly."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from i18n.cli.common import fail_clearly, open_project, project_option
from i18n.cli.reports import audit_html
from i18n.formats.fs import atomic_write
from i18n.formats.people import load_people
from i18n.pipeline.audit import AuditReport, allowed_signers
from i18n.pipeline.audit import audit as build_audit


def audit_text(report: AuditReport) -> str:
    lines = [f"Audit trail of {report.site}: {len(report.pages)} published article page(s)"]
    for page in report.pages:
        lines.append("")
        lines.append(f"{page.path}  ({page.country} {page.locale}, article {page.article})")
        d = page.disclaimer
        if d:
            lines.append(
                f"  disclaimer {d['reference']}: approved by {d['approved_by']} on "
                f"{d['approved_on']}, expires {d['expires']}"
            )
        if page.source_text:
            lines.append("  source text (English): no translation to sign")
        for e in page.entries:
            where = e.catalog + (f" [{e.msgctxt}]" if e.msgctxt else "")
            lines.append(f"  {where}: {e.msgstr or e.msgid}")
            lines.append(f"    {e.name} ({e.signer}), {e.time}, {e.meaning}; {e.verified}")
    unverified = sum(p.unverified for p in report.pages)
    lines.append("")
    lines.append(
        f"{sum(len(p.entries) for p in report.pages)} signature(s), {unverified} not verified"
    )
    return "\n".join(lines) + "\n"


@click.command()
@project_option
@click.option("--locale", help="Only pages of this locale (de-CH or de_CH).")
@click.option("--article", help="Only pages of this article (its slug).")
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Rendered site (default: site/).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--allowed-signers",
    "signers",
    is_flag=True,
    help="Instead: the OpenSSH allowed_signers file of people.yaml (for ssh-keygen -Y verify).",
)
@fail_clearly
def audit(
    project_dir: Path | None,
    locale: str | None,
    article: str | None,
    site_dir: Path | None,
    fmt: str,
    out: Path | None,
    signers: bool,
) -> None:
    """Per published page: each approved text, who signed it, when, meaning, verification.

    Exit code 0 when every signature verifies, 1 when one does not, 2 on bad input.
    """
    project = open_project(project_dir)
    if signers:
        text = allowed_signers(load_people(project))
        if out is not None:
            atomic_write(out, text)
        else:
            click.echo(text, nl=False)
        return
    if site_dir is not None and not site_dir.is_absolute():
        site_dir = Path.cwd() / site_dir
    report = build_audit(project, site_dir, locale=locale, article=article)
    if fmt == "json":
        text = json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "html":
        text = audit_html(report)
    else:
        text = audit_text(report)
    if out is not None:
        atomic_write(out, text)
        click.echo(f"wrote {out}: {len(report.pages)} page(s)")
    else:
        click.echo(text, nl=False)
    sys.exit(1 if any(p.unverified for p in report.pages) else 0)

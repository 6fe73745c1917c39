"""``i18n queue``, ``i18n approve`` and ``i18n reject``."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import click
from rich.table import Table

from i18n.cli.common import fail_clearly, open_project, plain_console, project_option, short
from i18n.cli.reports import review_sheet
from i18n.formats.fs import atomic_write
from i18n.formats.ledger import Signing
from i18n.formats.lock import project_lock
from i18n.formats.people import load_people
from i18n.formats.sshsig import SigningError
from i18n.model.people import People, Person
from i18n.model.states import STATES
from i18n.pipeline.review import QUEUE_STATES, LocaleReview, format_word_diff
from i18n.pipeline.review import queue as build_queue
from i18n.pipeline.signoff import KEY_ENV, open_signing
from i18n.project import Project

# A cell a spreadsheet would run as a formula (=, +, -, @, or a tab or carriage return first)
# is written with a leading apostrophe, which spreadsheets show as text (OWASP "CSV
# injection"): a translation or a reason must never become =HYPERLINK(...) in Excel.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """The value as a spreadsheet shows it as text.

    >>> print(spreadsheet_cell('=HYPERLINK("http://x")'), spreadsheet_cell("5 %"))
    '=HYPERLINK("http://x") 5 %
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@click.command()
@project_option
@click.option("--locale", "locales", multiple=True, help="Only this locale (repeatable).")
@click.option("--article", help="Only this catalog: an article slug, or 'site'.")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice([*STATES, "all"]),
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
    project_dir: Path | None,
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

    project = open_project(project_dir)
    wanted = STATES if "all" in states else (states or QUEUE_STATES)
    chosen, items = build_queue(project, locales, article, wanted, keep_findings=True)
    if fmt == "json":
        click.echo(json.dumps([i.as_dict() for i in items], indent=2, ensure_ascii=False))
    elif fmt == "csv":
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
            writer.writerow({key: spreadsheet_cell(value) for key, value in row.items()})
        click.echo(buf.getvalue(), nl=False)
    elif fmt == "html":
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
        table = Table(title="Review queue", show_lines=True)
        for col in ("id", "locale", "catalog", "state", "source", "translation", "findings"):
            table.add_column(col, overflow="fold")
        for item in items:
            source = short(item.entry.msgid)
            diff = item.diff()
            if diff is not None:
                source += "\nsource changed: " + short(format_word_diff(diff), 120)
            state = item.state + (f"\n{item.reason}" if item.reason else "")
            findings = "\n".join(f"{f.severity} {f.code}" for f in item.findings)
            table.add_row(
                item.id, item.locale, item.catalog, state, source, short(item.msgstr), findings
            )
        plain_console(width=160).print(table)
        click.echo(f"{len(items)} items")


def signer(project: Project, people: People) -> tuple[Signing, Person]:
    """The person this command signs as: their key in I18N_SIGNING_KEY or the ssh-agent.
    A passphrase-protected key file asks for its passphrase on the terminal."""
    allowed = project.settings.sample_keys
    try:
        return open_signing(people, os.environ, sample_keys_allowed=allowed)
    except SigningError as exc:
        if "needs a passphrase" not in exc.message or not sys.stdin.isatty():
            raise
    phrase = click.prompt(f"passphrase for {os.environ[KEY_ENV]}", hide_input=True)
    return open_signing(people, os.environ, phrase.encode(), sample_keys_allowed=allowed)


def signed_as(person: Person, signing: Signing) -> str:
    return f"signed as {person.name} ({person.id}, key {signing.key.public_key.fingerprint})"


@click.command()
@project_option
@click.option("--locale", required=True, help="Locale whose entries are signed off.")
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
    project_dir: Path | None,
    locale: str,
    ids: tuple[str, ...],
    article: str | None,
    all_: bool,
    override: str | None,
) -> None:
    """Sign off translated entries (ID... | --article S | --all).

    Appends one signed event per entry to locales/<locale>/approvals.jsonl: the signer (the
    person of source/people.yaml whose key is in I18N_SIGNING_KEY or the ssh-agent), UTC
    time, meaning ("reviewed and approved") and the exact text. Only translated (non-fuzzy,
    non-empty) entries qualify; entries with a blocking QA finding are refused unless
    --override gives a reason (only with ids: each override is a decision about a named
    entry), and so are texts the signer wrote (four eyes). The .po files are never changed.
    Exit code 1 when an entry was refused.
    """
    if sum([bool(ids), article is not None, all_]) != 1:
        raise click.UsageError("give entry ids, or --article S, or --all (exactly one)")
    if override is not None and not ids:
        raise click.UsageError("--override applies to entries named by id, one decision each")
    project = open_project(project_dir)
    people = load_people(project)
    signing, person = signer(project, people)
    with project_lock(project, "approve"):
        review = LocaleReview.open(project, locale, people=people)
        review.keep_findings()
        items = review.find(ids) if ids else review.items(article)
        report = review.approve(items, signing, person, explicit=bool(ids), override=override)
        review.save_findings(complete=False)
    click.echo(signed_as(person, signing), err=True)
    cosigned = {item.id for item in report.cosigned}
    for item in report.approved:
        extra = " (override)" if item.blocking else ""
        if item.id in cosigned:
            extra += f" (co-signed: {item.event.reviewer if item.event else '?'} approved it too)"
        click.echo(f"approved {item.id} {item.catalog}: {short(item.entry.msgid, 60)}{extra}")
    for item, why in report.refused:
        click.echo(f"refused {item.id} {item.catalog}: {why}", err=True)
    if report.unknown_author:
        click.echo(
            f"warning: {len(report.unknown_author)} approved text(s) have no recorded author "
            "(not committed to git): four eyes could not be checked, and the approval says so",
            err=True,
        )
    click.echo(
        f"{len(report.approved)} approved"
        + (f" ({len(report.cosigned)} co-signed)" if report.cosigned else "")
        + f", {len(report.already)} already approved, "
        f"{len(report.refused)} refused, {len(report.skipped)} not ready (draft or untranslated)"
    )
    if report.refused:
        sys.exit(1)


@click.command()
@project_option
@click.option("--locale", required=True)
@click.argument("entry_id", metavar="ID")
@click.option("--reason", required=True, help="What the translator must fix.")
@fail_clearly
def reject(project_dir: Path | None, locale: str, entry_id: str, reason: str) -> None:
    """Send an entry back to the translator: fuzzy again, reason as a translator comment."""
    _decide(project_dir, locale, entry_id, "reject", reason)


@click.command()
@project_option
@click.option("--locale", required=True)
@click.argument("entry_id", metavar="ID")
@click.option("--reason", required=True, help="Why the approval no longer stands.")
@fail_clearly
def revoke(project_dir: Path | None, locale: str, entry_id: str, reason: str) -> None:
    """Withdraw the approval of an entry: its pages are withheld until it is approved again."""
    _decide(project_dir, locale, entry_id, "revoke", reason)


def _decide(project_dir: Path | None, locale: str, entry_id: str, verb: str, reason: str) -> None:
    """Reject or revoke one entry, signed, under the project's lock."""
    project = open_project(project_dir)
    people = load_people(project)
    signing, person = signer(project, people)
    with project_lock(project, verb):
        review = LocaleReview.open(project, locale, people=people)
        (item,) = review.find([entry_id])
        getattr(review, verb)(item, reason, signing, person)
    click.echo(signed_as(person, signing), err=True)
    done = {"reject": "rejected", "revoke": "revoked"}[verb]
    click.echo(f"{done} {item.id} {item.catalog}: {short(item.entry.msgid, 60)}")


@click.command()
@project_option
@click.option("--locale", required=True)
@fail_clearly
def resign(project_dir: Path | None, locale: str) -> None:
    """Migrate a ledger written before signatures: sign its unsigned decisions, vouching."""
    project = open_project(project_dir)
    people = load_people(project)
    signing, person = signer(project, people)
    with project_lock(project, "resign"):
        review = LocaleReview.open(project, locale, people=people)
        events, refused = review.resign(signing, person)
    click.echo(signed_as(person, signing), err=True)
    for number, why in refused:
        click.echo(f"refused {review.ledger.shown}:{number}: {why}", err=True)
    click.echo(
        f"{len(events)} unsigned decision(s) of {review.ledger.shown} vouched for by "
        f"{person.name}, {len(refused)} refused"
    )
    if refused:
        sys.exit(1)

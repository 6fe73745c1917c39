"""What every command shares: the --project option, one error line and exit code 2 for bad
input, the project with warnings printed as they arise, and short excerpts."""

from __future__ import annotations

import datetime
import functools
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from i18n.errors import I18nError
from i18n.project import WAITING, Project, find_root, is_project

if TYPE_CHECKING:  # rich is imported by the commands that print with it, not by update
    from rich.console import Console

F = Callable[..., Any]


def project_option(func: F) -> F:
    return click.option(
        "--project",
        "project_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Project directory (holds source/ and locales/). Default: the project the "
        "current folder is in (this folder or the nearest one above with source/).",
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
        except BrokenPipeError:  # `i18n queue | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except OSError as exc:  # disk full, permissions: the write was atomic, nothing is torn
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(
                f"error: {where}{exc.strerror or exc}; nothing was half-written, "
                "fix the cause and run the command again",
                err=True,
            )
            sys.exit(2)

    return wrapper


def plain_console(**options: Any) -> Console:
    """A rich console that prints text as it is: a translation, a reference or a reason with
    ``[...]`` in it is data, never rich markup (which would swallow words, or crash), and
    ``:M:`` in it is never made an emoji (Ⓜ)."""
    from rich.console import Console  # 16 ms to import, which `i18n update` never needs

    return Console(markup=False, emoji=False, **options)


def _tell(kind: str, text: str) -> None:
    """Messages of the library on stderr as they arise: ``warning: ...``, ``note: ...``, and
    the line saying what the command waits for."""
    click.echo(text if kind == WAITING else f"{kind}: {text}", err=True)


def open_project(project_dir: Path | None, **overrides: Any) -> Any:
    """The project named by --project, else the one the current folder is in."""
    if project_dir is None:
        project_dir = find_root(Path.cwd())
    elif not Path(project_dir).is_dir():
        raise I18nError("project directory does not exist", project_dir)
    elif not is_project(Path(project_dir)):
        raise I18nError(
            "not an i18n project: it has no source/articles/, source/countries/ or "
            "locales/templates/",
            project_dir,
        )

    return Project(project_dir, overrides, on_message=_tell)


def print_write_report(report: Any, verb: str) -> None:
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


def short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class DateParam(click.ParamType):
    """A calendar date written YYYY-MM-DD; an impossible day (2026-02-29) is "not a date",
    not a format mismatch."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime.date):
            return value
        text = str(value)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.fail(f"{text!r} is not written YYYY-MM-DD", param, ctx)
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as exc:
            self.fail(f"{text!r} is not a date ({exc})", param, ctx)


DATE = DateParam()

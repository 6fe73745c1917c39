"""The ``i18n`` command: a thin layer over the library.

Each command parses options, calls the library, prints the result and picks the exit code:
0 success, 1 a check found a violation (or a strict render withheld something), 2 bad input
or usage, with one message naming the file and line and no traceback.

One module per command (``review`` holds queue, approve and reject); each imports the stages
it drives at its top. The group imports a command's module only when that command runs, and
lists the commands in ``i18n --help`` from the summaries below, so that a command loads only
what it uses (``python -X importtime``): ``i18n status`` never loads markdown-it, lxml,
translate-toolkit or deep-translator. A test keeps the summaries equal to the commands'
docstrings.
"""

from __future__ import annotations

import importlib
from typing import Any

import click
from click.utils import make_default_short_help

# command name -> (module of i18n.cli that defines it, the first line of its docstring)
COMMANDS = {
    "extract": ("extract", "Articles and site templates -> locales/templates/*.pot."),
    "update": ("update", "Templates -> every locale's catalog, with msgmerge semantics."),
    "translate": (
        "translate",
        "Machine and memory drafts for untranslated entries, written fuzzy for review.",
    ),
    "queue": ("review", "The review queue: entries waiting for a reviewer, with QA findings."),
    "approve": ("review", "Sign off translated entries (ID... | --article S | --all)."),
    "reject": (
        "review",
        "Send an entry back to the translator: fuzzy again, reason as a translator comment.",
    ),
    "resign": (
        "review",
        "Migrate a ledger written before signatures: sign its unsigned decisions, vouching.",
    ),
    "revoke": (
        "review",
        "Withdraw the approval of an entry: its pages are withheld until it is approved again.",
    ),
    "serve": (
        "serve",
        "The browser review server: sign in, queue, entry, edit, approve and reject.",
    ),
    "import": (
        "importing",
        "Markdown from other tools (MkDocs, Hugo, Jekyll...) -> source/articles/.",
    ),
    "status": (
        "status",
        "Completeness per locale and article (untranslated, draft, translated, approved).",
    ),
    "render": (
        "render",
        "The site: approved text only, per country and language (site/<cc>/<lang>/).",
    ),
    "audit": (
        "audit",
        "Per published page: each approved text, who signed it, when, meaning, verification.",
    ),
    "check": (
        "check",
        "Regulatory and translation checks: disclaimers, claims, products, rendered output.",
    ),
}


def command_in(module: Any, name: str) -> click.Command:
    """The command called ``name`` that ``module`` defines (``import`` is a Python keyword, so a
    command's function may be named otherwise)."""
    for obj in vars(module).values():
        if isinstance(obj, click.Command) and obj.name == name:
            return obj
    raise LookupError(f"{module.__name__} defines no command {name!r}")


class LazyGroup(click.Group):
    """A group whose commands are imported when they are used (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"i18n.cli.{COMMANDS[cmd_name][0]}")
        return command_in(module, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their summaries, as click lists them, without importing them."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, make_default_short_help(COMMANDS[name][1], limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="i18n-medical")
def cli() -> None:
    """Localization pipeline for regulated medical content.

    extract -> update -> translate -> (translator edits .po) -> approve -> render -> check
    """


def main() -> None:
    cli(prog_name="i18n")

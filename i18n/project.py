"""A project directory: its layout, its optional ``[tool.i18n]`` settings, and locale names.

A bare directory with ``source/`` and ``locales/`` is a project; no config file is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from i18n.errors import I18nError
from i18n.formats.fs import located
from i18n.formats.pyproject import read_settings
from i18n.model.locale import normalize_locale
from i18n.model.settings import Settings

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"

# Kinds of messages a command sends to its front end while it runs (Project.tell).
WARNING = "warning"
NOTE = "note"
WAITING = "waiting"  # for another command to release the project's write lock


# a project has one of these folders (catalogs alone are enough for update and review)
MARKERS = ("source/articles", "source/countries", "locales/templates")


def is_project(folder: Path) -> bool:
    return any((folder / marker).is_dir() for marker in MARKERS)


def find_root(start: Path) -> Path:
    """The project ``start`` is in: ``start`` or the nearest parent folder that holds
    ``source/articles/``, ``source/countries/`` or ``locales/templates/`` (as git finds
    ``.git``).

    Commands run from ``docs/`` or ``source/articles/`` work on the project around them,
    never on a new, empty one.
    """
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    raise I18nError(
        f"not inside an i18n project: no source/articles/, source/countries/ or "
        f"locales/templates/ in {here} "
        "or any folder above it (use --project DIR)"
    )


@dataclass
class Project:
    """Paths and settings of one project directory."""

    root: Path
    overrides: dict[str, Any] = field(default_factory=dict)
    # Where messages go as they arise: ``(kind, text)`` with kind WARNING, NOTE or WAITING (a
    # front end prints them, a web server logs or shows them); they are also kept in
    # ``messages``. The library itself never prints.
    on_message: Callable[[str, str], None] | None = field(default=None, repr=False, compare=False)
    messages: list[tuple[str, str]] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        if not self.root.is_dir():
            raise I18nError("project directory does not exist", self.root)

    def tell(self, kind: str, text: str) -> None:
        self.messages.append((kind, text))
        if self.on_message is not None:
            self.on_message(kind, text)

    def warn(self, text: str) -> None:
        """A problem that does not stop the command (a torn ledger line, ...)."""
        self.tell(WARNING, text)

    def note(self, text: str) -> None:
        """Something done besides the command's work (debris of a crash removed, ...)."""
        self.tell(NOTE, text)

    @property
    def warnings(self) -> list[str]:
        return [text for kind, text in self.messages if kind == WARNING]

    @cached_property
    def settings(self) -> Settings:
        """``[tool.i18n]`` of ``pyproject.toml``, checked, with ``overrides`` (a None value:
        not overridden) applied on top."""
        changes = {k: v for k, v in self.overrides.items() if v is not None}
        return read_settings(self.root).replace(**changes)

    @property
    def source_language(self) -> str:
        return self.settings.source_language

    @property
    def articles_dir(self) -> Path:
        return self.root / "source" / "articles"

    @property
    def countries_dir(self) -> Path:
        return self.root / "source" / "countries"

    @property
    def people_file(self) -> Path:
        return self.root / "source" / "people.yaml"

    @property
    def glossary_file(self) -> Path:
        return self.root / "source" / "glossary.yaml"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def pot_dir(self) -> Path:
        return self.locales_dir / "templates"

    @property
    def templates_dir(self) -> Path:
        """Site templates: the project's own ``templates/`` folder if it has one."""
        own = self.root / "templates"
        return own if own.is_dir() else PACKAGE_TEMPLATES

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache" / "i18n"

    def po_path(self, locale: str, domain: str) -> Path:
        return self.locales_dir / locale / "LC_MESSAGES" / f"{domain}.po"

    def pot_path(self, domain: str) -> Path:
        return self.pot_dir / f"{domain}.pot"

    def ledger_path(self, locale: str) -> Path:
        return self.locales_dir / locale / "approvals.jsonl"

    def rel(self, path: Path) -> str:
        """``path`` as shown in messages and references: project-relative, forward slashes
        (a symlink is named where it lies, not where it points)."""

        try:
            return located(path).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def existing_locales(self) -> list[str]:
        """Locales that already have a catalog folder under ``locales/``."""
        if not self.locales_dir.is_dir():
            return []
        found = []
        for d in sorted(self.locales_dir.iterdir()):
            if d.name != "templates" and (d / "LC_MESSAGES").is_dir():
                found.append(normalize_locale(d.name, self.rel(d)))
        return found

    def locale_hint(self, locale: str) -> str:
        """What to type instead of a locale that has no catalogs: its language when that has
        them (``de_DE`` -> ``de``: a German page for Germany, tagged ``de-DE``, takes its text
        from the ``de`` catalogs), else the locales there are."""
        existing = self.existing_locales()
        language = locale.replace("-", "_").split("_")[0]
        if language != locale and language in existing:
            tag = locale.replace("_", "-")
            return (
                f"use --locale {language}: {tag} pages take their text from the {language} "
                f"catalogs (a regional folder such as locales/{locale}/ is only for text "
                "that differs there)"
            )
        return f"locales with catalogs: {', '.join(existing) or 'none yet'}"


SITE_DOMAIN = "site"

"""A project directory: its layout, its optional ``[tool.i18n]`` settings, and locale names.

A bare directory with ``source/`` and ``locales/`` is a project; no config file is needed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from i18n.errors import I18nError
from i18n.model.locale import normalize_locale

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"

DEFAULTS: dict[str, Any] = {
    "source_language": "en",
    "project_name": "INVAMED articles",
    "bugs_address": "",
    "fuzzy_threshold": 70,
    "provider": "pseudo",
    "concurrency": 8,
    "max_requests": 5000,
    "expiry_warning_days": 60,
}


@dataclass
class Project:
    """Paths and settings of one project directory."""

    root: Path
    overrides: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        if not self.root.is_dir():
            raise I18nError("project directory does not exist", self.root)

    @cached_property
    def config(self) -> dict[str, Any]:
        cfg = dict(DEFAULTS)
        pyproject = self.root / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                m = re.search(r"\s*\(at line (\d+), column \d+\)", str(exc))
                problem = str(exc).replace(m.group(0), "") if m else str(exc)
                raise I18nError(
                    f"invalid TOML: {problem}", "pyproject.toml", int(m.group(1)) if m else None
                ) from None
            cfg.update(data.get("tool", {}).get("i18n", {}))
        cfg.update({k: v for k, v in self.overrides.items() if v is not None})
        return cfg

    @property
    def source_language(self) -> str:
        return str(self.config["source_language"])

    @property
    def articles_dir(self) -> Path:
        return self.root / "source" / "articles"

    @property
    def countries_dir(self) -> Path:
        return self.root / "source" / "countries"

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
        from i18n.formats.fs import located

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


SITE_DOMAIN = "site"

"""The ``[tool.i18n]`` table of a project's ``pyproject.toml``, as checked :class:`Settings`.

No file, or no table, gives the defaults. Invalid TOML, a value of the wrong type or range and
an unknown key are each an :class:`~i18n.errors.I18nError` naming ``pyproject.toml``, the line
and the key.

:mod:`tomllib` gives no positions, so the line of a key is found after the fact, with tomllib
itself rather than a second, approximate TOML parser: the key's statement ends on the first
line ``n`` such that the file's first ``n`` lines parse and define ``tool.i18n.<key>``, and it
starts on the line after the longest shorter prefix that parses (a prefix cut inside a
multi-line array or string does not parse). Quoted keys, dotted keys, ``[tool.i18n.x]``
headers and inline tables all fall out of the real grammar. This costs a few parses, and only
when there is an error to report.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from i18n.errors import I18nError
from i18n.model.settings import InvalidSetting, Settings

FILE = "pyproject.toml"
TABLE = "[tool.i18n]"


def read_settings(root: Path) -> Settings:
    """The settings of the project at ``root`` (the defaults without a ``pyproject.toml``)."""
    path = root / FILE
    if not path.is_file():
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        m = re.search(r"\s*\(at line (\d+), column \d+\)", str(exc))
        problem = str(exc).replace(m.group(0), "") if m else str(exc)
        raise I18nError(f"invalid TOML: {problem}", FILE, int(m.group(1)) if m else None) from None
    return settings_from_toml(text, data)


def settings_from_toml(text: str, data: dict[str, Any] | None = None) -> Settings:
    """The settings of a (valid) ``pyproject.toml`` text; ``data`` is its parse, if at hand.

    >>> settings_from_toml('[tool.i18n]\\nconcurrency = 2\\n').concurrency
    2
    >>> settings_from_toml('[tool.i18n]\\n\\n"project_name" = ["a"]\\n')
    Traceback (most recent call last):
    ...
    i18n.errors.I18nError: pyproject.toml:3: [tool.i18n] project_name must be a string, got ['a']
    """
    data = tomllib.loads(text) if data is None else data
    tool = data.get("tool", {})
    table = tool.get("i18n", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise I18nError(f"{TABLE} must be a table, got {table!r}", FILE, table_line(text))
    try:
        return Settings.from_table(table)
    except InvalidSetting as exc:
        raise I18nError(f"{TABLE} {exc.message}", FILE, key_line(text, exc.key)) from None


def key_line(text: str, key: str) -> int | None:
    """The 1-based line where ``tool.i18n.<key>`` is set in the TOML ``text`` (the line of the
    ``[tool.i18n]`` table when the key cannot be placed).

    >>> key_line('[tool.i18n]\\nretries = [\\n  1,\\n]\\n"concurrency" = -1\\n', "concurrency")
    5
    >>> key_line('[tool.i18n]\\nretries = [\\n  1,\\n]\\n', "retries")
    2
    >>> key_line('[tool]\\ni18n = { retries = "x" }\\n', "retries")
    2
    """
    return _defining_line(text, lambda table: key in table, key) or table_line(text)


def table_line(text: str) -> int | None:
    """The 1-based line where the ``tool.i18n`` table starts (None without one)."""
    return _defining_line(text, lambda table: True, "i18n")


def _defining_line(text: str, defined: Any, hint: str) -> int | None:
    """The first line of the statement after which ``defined(tool.i18n)`` holds. The search
    starts at the first line that mentions ``hint`` (if what it looks for is not set before)."""
    lines = text.splitlines(keepends=True)

    def holds(n: int) -> bool | None:  # None: the first n lines are not valid TOML
        try:
            tool = tomllib.loads("".join(lines[:n])).get("tool")
        except tomllib.TOMLDecodeError:
            return None
        table = tool.get("i18n") if isinstance(tool, dict) else None
        return table is not None and bool(defined(table) if isinstance(table, dict) else True)

    first = next((i for i, line in enumerate(lines, 1) if hint in line), 1)
    if holds(first - 1) is not False:
        first = 1  # spelt otherwise (escapes), or no valid prefix to compare with: scan it all
    end = next((n for n in range(first, len(lines) + 1) if holds(n)), None)
    if end is None:
        return None
    start = next((n for n in range(end - 1, 0, -1) if holds(n) is False), 0)
    return start + 1

"""One error type for bad input: it names the file and line, and the CLI maps it to exit code 2."""

from __future__ import annotations

from pathlib import Path


class I18nError(Exception):
    """Bad input or usage.

    >>> str(I18nError("slug must equal the file name", path="source/articles/a.md", line=2))
    'source/articles/a.md:2: slug must equal the file name'
    """

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}" if where else self.message

"""The sign-in credentials of ``i18n serve``: one JSON file, outside the repository, mapping
each person's id (of ``source/people.yaml``) to the argon2 hash of their password.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "credentials.json"
>>> Credentials.read(path).hashes
{}
>>> Credentials(path, {"anna.keller": "$argon2id$v=19$..."}).write()
>>> Credentials.read(path).hashes, oct(path.stat().st_mode & 0o777)
({'anna.keller': '$argon2id$v=19$...'}, '0o600')
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from i18n.errors import I18nError
from i18n.formats.fs import atomic_write

VERSION = 1


@dataclass
class Credentials:
    """Password hashes by person id; :meth:`read` and :meth:`write` are the only paths."""

    path: Path
    hashes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Credentials:
        """The file at ``path``; empty when there is none yet."""
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise I18nError(f"not a credentials file (JSON): {exc}", path) from None
        users = data.get("users") if isinstance(data, dict) else None
        ok = isinstance(users, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in users.items()
        )
        if not ok or data.get("version") != VERSION:
            raise I18nError(
                f'not a credentials file: expected {{"version": {VERSION}, "users": {{id: hash}}}}',
                path,
            )
        return cls(path, dict(users))

    def write(self) -> None:
        """Atomically, readable by its owner only (a new file is created 0600 first)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        text = json.dumps({"version": VERSION, "users": self.hashes}, indent=2, sort_keys=True)
        atomic_write(self.path, text + "\n")

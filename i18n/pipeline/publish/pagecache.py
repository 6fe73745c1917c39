"""The render's page cache: what each page was built from, so that a render builds and writes
only the pages whose content changed.

It lives in ``.cache/i18n/render/<digest of the output folder>.json`` (git-ignored). Per page
it holds the fingerprint of what the page shows (:meth:`Pages.fingerprint`: its template
context, the site strings of its locale, what its body is rendered from) and the size, mtime
and inode the file had once written. A render skips a page only when

- the cache's key is this render's: the code and data of the ``i18n`` package, the versions
  of the libraries that shape a page (markdown-it-py, Jinja2, MarkupSafe, Babel), the
  project's site templates, its settings and the output folder;
- the page's fingerprint is the cached one (anything a page shows, from any input:
  catalogs, approvals, country YAML, people.yaml, glossary, articles, git history, the date,
  changes its context or its body's texts, and so its fingerprint);
- the file on disk still has the recorded size, mtime and inode (a page edited or removed
  by hand is built again).

The file carries a digest of its own content: a truncated, edited or unreadable cache is
not trusted (every page is built, and the cache is written anew). ``i18n check`` never
reads it: the check proves the written site against the plan on its own.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from i18n.formats.fs import atomic_write
from i18n.project import Project

FORMAT = 1
PACKAGE = Path(__file__).parents[2]  # the i18n package: its code, templates and data
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "jinja2", "markupsafe", "babel")

# rel -> [fingerprint, size, mtime_ns, inode]
Entry = list[Any]


def _files_digest(folder: Path, digest: Any) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def render_key(project: Project, out: Path) -> str:
    """What every page of a render depends on besides its own fingerprint."""
    digest = hashlib.sha256(f"page cache {FORMAT}\0{out}\0{project.settings!r}\0".encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\0".encode())
    _files_digest(PACKAGE, digest)
    if project.templates_dir != PACKAGE / "templates":
        _files_digest(project.templates_dir, digest)
    return digest.hexdigest()


def file_state(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino


@dataclass
class PageCache:
    path: Path
    key: str
    pages: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, project: Project, out: Path) -> PageCache:
        """The cache of renders into ``out``, or an empty one when there is none, it was
        made by other code, templates or settings, or it is not intact."""
        name = hashlib.sha256(str(out).encode()).hexdigest()[:24]
        cache = cls(project.cache_dir / "render" / f"{name}.json", render_key(project, out))
        try:
            data = json.loads(cache.path.read_bytes())
            pages = data["pages"]
            intact = data["digest"] == _digest(pages)
            if intact and data["format"] == FORMAT and data["key"] == cache.key:
                cache.pages = {rel: list(entry) for rel, entry in pages.items()}
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no cache, or one that cannot be trusted: every page is built
        return cache

    def fresh(self, out: Path, rel: str, fingerprint: str) -> bool:
        """Whether the page at ``rel`` is the one built from ``fingerprint``, untouched."""
        entry = self.pages.get(rel)
        if not entry or entry[0] != fingerprint:
            return False
        try:
            return list(file_state(out / rel)) == entry[1:]
        except OSError:
            return False

    def save(self, pages: dict[str, Entry]) -> None:
        self.pages = pages
        data = {"format": FORMAT, "key": self.key, "digest": _digest(pages), "pages": pages}
        atomic_write(self.path, json.dumps(data, sort_keys=True))


def _digest(pages: Any) -> str:
    return hashlib.sha256(json.dumps(pages, sort_keys=True).encode()).hexdigest()

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

A locale's pages are not even built when nothing they read can have changed: the cache also
holds, per locale, its key (:func:`.shape.locale_keys`: the digest of the locale's inputs,
of what its pages read from other locales, and of the mode and date) and the paths of its
pages. When the key and the paths are this render's, each of its pages whose file still has
the recorded size, mtime and inode is current (no context, no fingerprint); any other page
is built and checked by its fingerprint as above.

The paths of the pages the last ``manifest.json`` lists (the pages a render may remove when
they are no longer published) are kept beside it, in ``paths/<digest>.json``, with the
manifest's size, mtime and inode: keyed by the output folder only, not by the code, so that
the first render after an upgrade of the tool does not read the last manifest whole (386 MB
at 60,000 pages, 1.45 GiB of memory to parse).

The files are sealed with this machine's cache key (:mod:`i18n.formats.localkey`): a
truncated, edited, forged or unreadable cache is not trusted (every page is built, and the
cache is written anew); without a trustworthy key there is no cache. ``i18n check`` never
reads it: the check proves the written site against the plan on its own.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from i18n.formats.runcache import PACKAGE, RunRecord, code_key, files_digest
from i18n.formats.sitemap import LOCALE as LOCALE_SITEMAP
from i18n.project import Project

FORMAT = 4  # 4: a locale's sitemap is a file of its own (3: spans in bytes)
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "jinja2", "markupsafe", "babel")

# rel -> [fingerprint, size, mtime_ns, inode];
# LOCALE + folder -> [key, [rel, ...], [size, mtime_ns, inode] of its sitemap (None: none),
#   the spans (bytes) of its pages and of its withheld records in manifest.json];
# PART + name -> [size, mtime_ns, inode] of the file as written
Entry = list[Any]
LOCALE = "locale:"
PART = "file:"
PART_FILES = ("manifest.json",)
PATHS_FORMAT = 1  # the record of the paths the last manifest lists (no code in its key)


def render_key(project: Project, out: Path) -> str:
    """What every page of a render depends on besides its own fingerprint."""
    templates = hashlib.sha256()
    if project.templates_dir != PACKAGE / "templates":
        files_digest(project.templates_dir, templates)
    return code_key(
        f"page cache {FORMAT}", LIBRARIES, str(out), project.settings, templates.hexdigest()
    )


def file_state(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino


@dataclass
class PageCache:
    record: RunRecord
    # {"manifest": [size, mtime_ns, inode], "paths": [rel, ...], "sitemaps": [rel, ...]}
    paths: RunRecord

    @property
    def pages(self) -> dict[str, Entry]:
        return self.record.entries

    @classmethod
    def load(cls, project: Project, out: Path) -> PageCache:
        """The cache of renders into ``out``, or an empty one when there is none, it was
        made by other code, templates or settings, or it is not intact."""
        name = hashlib.sha256(str(out).encode()).hexdigest()[:24]
        record = RunRecord.load_sealed(
            project.cache_dir / "render" / f"{name}.json", render_key(project, out), project.root
        )
        if not all(isinstance(entry, list) for entry in record.entries.values()):
            record.entries = {}  # not what this code writes: every page is built
        key = f"page paths {PATHS_FORMAT} {out}"
        paths = RunRecord.load_sealed(
            project.cache_dir / "render" / "paths" / f"{name}.json", key, project.root
        )
        return cls(record, paths)

    def fresh(self, out: Path, rel: str, fingerprint: str) -> bool:
        """Whether the page at ``rel`` is the one built from ``fingerprint``, untouched."""
        entry = self.pages.get(rel)
        if not entry or entry[0] != fingerprint:
            return False
        try:
            return list(file_state(out / rel)) == entry[1:]
        except OSError:
            return False

    def kept(self, out: Path, folder: str, key: str, rels: list[str]) -> dict[str, Entry]:
        """The pages of the locale at ``folder`` (``rels``, in order) that are current without
        being built: all of those whose file is untouched, when the locale's key and pages
        are the last render's; none otherwise."""
        entry = self.pages.get(LOCALE + folder)
        if not isinstance(entry, list) or entry[:2] != [key, rels]:
            return {}
        kept: dict[str, Entry] = {}
        prefix = os.path.join(out, "")  # joined as strings: tens of thousands of pages
        for rel in rels:
            entry = self.pages.get(rel)
            if not isinstance(entry, list) or len(entry) != 4:
                continue
            try:
                st = os.stat(prefix + rel)
            except OSError:
                continue
            if [st.st_size, st.st_mtime_ns, st.st_ino] == entry[1:]:
                kept[rel] = entry
        return kept

    def parts(self, out: Path) -> LastParts:
        """The last render's ``manifest.json``, opened to cut kept locales' parts from
        (:meth:`LastParts.part`); nothing is kept when it does not have the recorded size,
        mtime and inode. Close it after use."""
        files = [self._written(out, name) for name in PART_FILES]
        if any(fh is None for fh in files):
            for fh in files:
                if fh is not None:
                    fh.close()
            return LastParts(self, out, [])
        return LastParts(self, out, files)

    def _written(self, out: Path, name: str) -> BinaryIO | None:
        try:
            fh = (out / name).open("rb")
        except OSError:
            return None
        st = os.fstat(fh.fileno())
        if [st.st_size, st.st_mtime_ns, st.st_ino] != self.pages.get(PART + name):
            fh.close()
            return None
        return fh

    def manifest_paths(self, out: Path) -> set[str] | None:
        """The paths of the pages the last ``manifest.json`` lists, as recorded when it was
        written, while the file has the recorded size, mtime and inode (None otherwise: the
        file is read)."""
        paths = self.paths.entries.get("paths")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            return None
        try:
            if list(file_state(out / "manifest.json")) != self.paths.entries.get("manifest"):
                return None
        except OSError:
            return None
        return set(paths)

    @staticmethod
    def file_states(out: Path, names: tuple[str, ...]) -> dict[str, Entry]:
        """The entries recording the state of files as written now."""
        return {PART + name: list(file_state(out / name)) for name in names}

    def sitemaps(self) -> list[str]:
        """The locale sitemaps the last render wrote, as it recorded them beside the paths of
        its pages (kept through an upgrade, and whatever the index says now)."""
        got = self.paths.entries.get("sitemaps")
        return [rel for rel in got if isinstance(rel, str)] if isinstance(got, list) else []

    def save(self, pages: dict[str, Entry], paths: list[str], sitemaps: list[str]) -> None:
        """Keep the pages' entries, the paths the manifest just written lists (``pages``
        holds its state), and the locale sitemaps written. A record that already holds
        these entries (a render that changed nothing) is not written again."""
        if pages != self.record.entries or not self.record.path.is_file():
            self.record.save(pages)
        listed = {
            "manifest": pages.get(PART + "manifest.json"),
            "paths": paths,
            "sitemaps": sitemaps,
        }
        if listed != self.paths.entries:
            self.paths.save(listed)


@dataclass
class LastParts:
    """The last render's part files, open (none when they cannot be trusted): a locale's
    parts are read from them by their byte spans, one locale at a time, never the whole
    files. A locale's sitemap is a file of its own: kept, not read, while it has the size,
    mtime and inode recorded when it was written."""

    cache: PageCache
    out: Path
    files: list[BinaryIO]  # manifest.json; empty: nothing is kept

    def part(self, folder: str, key: str, rels: list[str]) -> Kept | None:
        """The locale at ``folder`` as the last render left it, when its key and pages are
        this render's and its sitemap is untouched: the state of its sitemap (None: it has
        none), and its pages and withheld records as the manifest holds them; else None."""
        entry = self.cache.pages.get(LOCALE + folder)
        if not self.files or not isinstance(entry, list) or len(entry) != 5:
            return None
        if entry[:2] != [key, rels]:
            return None
        sitemap = entry[2]
        if sitemap is not None:
            try:
                if list(file_state(self.out / folder / LOCALE_SITEMAP)) != sitemap:
                    return None
            except OSError:
                return None
        (manifest,) = self.files
        cut = [_cut(manifest, span) for span in entry[3:]]
        if cut[0] is None or cut[1] is None:
            return None
        return Kept(sitemap, cut[0], cut[1])

    def close(self) -> None:
        for fh in self.files:
            fh.close()
        self.files = []


@dataclass(frozen=True)
class Kept:
    """A locale's sitemap and manifest parts as the last render wrote them."""

    sitemap: list[int] | None  # [size, mtime_ns, inode] of its sitemap; None: it has none
    pages: str  # its page records in the manifest
    withheld: str  # its withheld records


def _cut(fh: BinaryIO, span: Any) -> str | None:
    """The text at a recorded span of bytes; None when it is not one of the file's."""
    if not isinstance(span, list) or len(span) != 2:
        return None
    start, end = span
    size = os.fstat(fh.fileno()).st_size
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= size):
        return None
    fh.seek(start)
    try:
        return fh.read(end - start).decode("utf-8")
    except UnicodeDecodeError:
        return None

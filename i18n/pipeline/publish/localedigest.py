"""The digest of everything one locale's plans read, computed from file bytes without
parsing a catalog or a ledger: when a locale's digest is the last render's, its plans are
taken from its shard of the plan cache (:mod:`.plancache`) as they are, and its catalogs and
ledgers are not opened.

A locale's digest covers

- for each locale of its fallback chain (``de_CH`` then ``de``): the bytes of every catalog
  its plans may read (one per article and the site's), its ledger's bytes, whether any of
  them is a symbolic link (refused when read), and the ledger as the last commit has it
  (a line the working tree lacks breaks the chain of approvals: :mod:`i18n.pipeline.signoff`);
- people.yaml (who may approve), the country's file (products, forbidden wording, outdated
  policy), the site templates (the site strings), every article's path and source hash, the
  git history of the articles (what an outdated page translates), today's date (the render's
  and the project's), the locale's codes and whether it is the source language.

The code, the libraries, the settings and the mode are the plan cache's record key. A digest
that differs in anything makes the locale's plans go through their own keys again (each plan
is still reused when its own inputs are unchanged).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from i18n.formats.filedigests import FileDigests
from i18n.formats.git import git
from i18n.model.article import Article
from i18n.model.locale import fallback_chain
from i18n.pipeline.extract import template_files
from i18n.pipeline.publish.history import History
from i18n.project import SITE_DOMAIN, Project

LEDGER = "approvals.jsonl"


def _feed(digest: hashlib._Hash, name: str, path: str | Path, files: FileDigests | None) -> None:
    """``name``, whether ``path`` is a link, and its bytes' SHA-256 (or that there is none:
    no file, or a link to nothing); with ``files``, a file whose stat is the one recorded is
    not read (one ``lstat`` for a file that is not a link: a locale has a catalog per
    article)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if files is not None:
            files.forget(path)
        digest.update(f"{name}\0-\0".encode())
        return
    except OSError as exc:  # unreadable: a digest that never matches
        _never(digest, name, exc)
        return
    link = stat.S_ISLNK(st.st_mode)
    try:
        sha = _sha256(Path(path)) if files is None else files.sha256(path, None if link else st)
    except OSError as exc:  # unreadable, or gone since the lstat: never matches
        _never(digest, name, exc)
        return
    # a link to nothing is not "no file": the read refuses any link
    digest.update(f"{name}\0{link:d}\0{'-' if sha is None else sha}\0".encode())


def _never(digest: hashlib._Hash, name: str, exc: OSError) -> None:
    digest.update(f"{name}\0!{exc!r}{dt.datetime.now().isoformat()}\0".encode())


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


@dataclass
class LocaleInputs:
    """The digests of one render's locales; what several locales share is read once."""

    project: Project
    articles: list[Article]
    today: dt.date
    history: History | None
    files: FileDigests | None = None  # the files' digests kept by their stat
    _common: str | None = None
    _chain: dict[str, str] = field(default_factory=dict)  # catalog locale -> its files
    _committed: dict[str, str] | None = None  # ledger path -> its blob at HEAD

    def digest(self, country_file: str, code: str, language: str, locale: str, source: bool) -> str:
        """The digest of one (country, language)'s inputs."""
        digest = hashlib.sha256(b"locale 2\0")
        digest.update(f"{self.common()}\0{code}\0{language}\0{locale}\0{source:d}\0".encode())
        _feed(digest, country_file, self.project.root / country_file, self.files)
        for loc in fallback_chain(locale):
            digest.update(f"{loc}\0{self.catalogs(loc)}\0".encode())
        return digest.hexdigest()

    def common(self) -> str:
        """What every locale's plans read: people, templates, articles, history, dates."""
        if self._common is None:
            project = self.project
            digest = hashlib.sha256(b"common 1\0")
            digest.update(f"{self.today}\0{project.settings.today()}\0".encode())
            _feed(digest, "people", project.people_file, self.files)
            for file in template_files(project):
                _feed(digest, project.rel(file), file, self.files)
            for article in self.articles:
                digest.update(f"{article.slug}\0{article.path}\0{article.source_hash}\0".encode())
                if self.history is not None:
                    digest.update(self.history.log_digest(article).encode())
            self._common = digest.hexdigest()
        return self._common

    def catalogs(self, loc: str) -> str:
        """The digest of the catalogs and ledger of one catalog locale (``de``)."""
        if loc not in self._chain:
            project = self.project
            digest = hashlib.sha256(f"catalogs 1\0{loc}\0".encode())
            # joined once, as a string: not a Path per catalog
            folder = os.path.join(project.po_path(loc, SITE_DOMAIN).parent, "")
            for domain in [SITE_DOMAIN, *(a.slug for a in self.articles)]:
                _feed(digest, domain, f"{folder}{domain}.po", self.files)
            ledger = project.ledger_path(loc)
            _feed(digest, LEDGER, ledger, self.files)
            digest.update(f"HEAD\0{self.committed().get(project.rel(ledger))}\0".encode())
            self._chain[loc] = digest.hexdigest()
        return self._chain[loc]

    def committed(self) -> dict[str, str]:
        """The blob of each ledger at the last commit (one ``git ls-tree``; none outside git)."""
        if self._committed is None:
            rel = self.project.rel(self.project.locales_dir)
            listing = git(self.project.root, "ls-tree", "-r", "HEAD", "--", rel)
            self._committed = {}
            for row in (listing or "").splitlines():
                meta, _, path = row.partition("\t")
                if path.endswith(f"/{LEDGER}"):
                    self._committed[path] = meta.split()[-1]
        return self._committed

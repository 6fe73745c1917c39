"""Earlier versions of an article, as git records them: what an outdated page translates.

When an English article changes, a translation approved for an earlier version may stay
published (with a notice) until the new text is approved. That earlier version is read from
the project's git history, never from a previous render, so a clean checkout publishes the
same pages. A version that no longer parses under today's rules is skipped: what cannot be
read is not published. Outside a git repository there are no earlier versions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from i18n.errors import I18nError
from i18n.formats.article import parse_article
from i18n.formats.git import Blobs, folder_history
from i18n.model.article import Article
from i18n.project import Project

# How far back a render looks for the last approved version of an article: each version
# read costs a parse (about 2 ms), for articles that are not approved now in some language.
MAX_VERSIONS = 50


@dataclass(frozen=True)
class Version:
    """An article as one commit had it."""

    commit: str
    committed: dt.datetime  # the commit's time (its committer date)
    article: Article


class History:
    """The committed versions of each article, read once per render: one ``git log`` for the
    articles folder, one ``git cat-file`` process for the versions read. Close it (or use it
    as a context manager) when the render is done."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._commits: dict[str, list[tuple[str, dt.datetime]]] | None = None
        self._parsed: dict[tuple[str, str], Article | None] = {}
        self._blobs = Blobs(project.root)
        self.asked = 0  # questions about earlier versions so far (the plan cache keys on them)

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._blobs.close()

    def _log(self, article: Article) -> list[tuple[str, dt.datetime]]:
        if self._commits is None:
            folder = article.path.rsplit("/", 1)[0]
            self._commits = {
                name: [
                    (commit, dt.datetime.fromisoformat(when))
                    for commit, when in rows[:MAX_VERSIONS]
                ]
                for name, rows in folder_history(self.project.root, folder).items()
            }
        return self._commits.get(article.path, [])

    def log_digest(self, article: Article) -> str:
        """A digest of the commits that touched ``article`` (what :meth:`earlier` and
        :meth:`current_since` read: a commit's content never changes)."""
        return hashlib.sha256(repr(self._log(article)).encode()).hexdigest()

    def version(self, article: Article, commit: str) -> Article | None:
        """``article`` as ``commit`` had it (None: it cannot be read)."""
        return self._parse(article, commit)

    def _parse(self, article: Article, commit: str) -> Article | None:
        key = (article.path, commit)
        if key not in self._parsed:
            data = self._blobs.read(commit, article.path)
            parsed = None
            if data is not None:
                digest = hashlib.sha256(data).hexdigest()
                try:
                    text = data.decode("utf-8")
                    parsed = parse_article(
                        text, f"{article.path}@{commit[:12]}", article.slug, digest
                    )
                except (UnicodeDecodeError, I18nError):
                    parsed = None
            self._parsed[key] = parsed
        return self._parsed[key]

    def earlier(self, article: Article) -> Iterator[Version]:
        """Committed versions of ``article`` whose text differs from the current one, newest
        first (each distinct text once)."""
        self.asked += 1
        seen = {article.source_hash}
        for commit, when in self._log(article):
            parsed = self._parse(article, commit)
            if parsed is not None and parsed.source_hash not in seen:
                seen.add(parsed.source_hash)
                yield Version(commit, when, parsed)

    def current_since(self, article: Article) -> dt.datetime | None:
        """When the current text was committed (None: it is not committed yet)."""
        self.asked += 1
        for commit, when in self._log(article):
            parsed = self._parse(article, commit)
            if parsed is not None and parsed.source_hash == article.source_hash:
                return when
        return None

"""What git records of a project's files: a file as a commit has it, and the commits that
changed it. Every function answers None (or nothing) outside a git repository, so that a
project that is not in git still works (without the checks that need history)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from i18n.errors import I18nError


def git(root: Path, *args: str) -> str | None:
    """Standard output of ``git -C root ARGS``, or None when git fails or is missing."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return proc.stdout if proc.returncode == 0 else None


def in_repository(root: Path) -> bool:
    return git(root, "rev-parse", "--show-toplevel") is not None


def lines_at(root: Path, commit: str, rel: str) -> list[str]:
    """The non-empty lines of ``rel`` at ``commit`` (none when it did not exist there)."""
    text = git(root, "show", f"{commit}:{rel}")
    return [line for line in (text or "").split("\n") if line.strip()]


def changes(root: Path, rel: str) -> list[tuple[str, list[str]]]:
    """(commit, parents) of every commit that changed ``rel``, newest first."""
    log = git(root, "log", "--format=%H %P", "--", rel) or ""
    return [(row.split()[0], row.split()[1:]) for row in log.splitlines() if row.strip()]


def file_at(root: Path, commit: str, rel: str) -> bytes | None:
    """The bytes of ``rel`` (relative to ``root``) at ``commit``, or None."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "show", f"{commit}:./{rel}"],
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    return proc.stdout if proc.returncode == 0 else None


def file_commits(root: Path, rel: str, limit: int) -> list[tuple[str, str]]:
    """(commit, committer time ISO 8601) of the newest ``limit`` commits that changed ``rel``
    (relative to ``root``), newest first; none outside a repository or in a shallow clone's
    missing history."""
    log = git(root, "log", f"--max-count={limit}", "--format=%H %cI", "--", rel) or ""
    return [tuple(row.split(" ", 1)) for row in log.splitlines() if " " in row]  # type: ignore[misc]


def commit(
    root: Path,
    paths: list[Path],
    message: str,
    *,
    author: tuple[str, str],
    committer: tuple[str, str],
) -> str | None:
    """Commit ``paths`` (and only them: other staged or changed files are left as they are)
    with ``author`` and ``committer`` as (name, e-mail). Returns the new commit's hash, None
    when nothing changed; an :class:`~i18n.errors.I18nError` with git's message when git
    refuses."""
    rels = [str(p.resolve().relative_to(root.resolve())) for p in paths]
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": committer[0],
        "GIT_COMMITTER_EMAIL": committer[1],
    }
    for args in (["add", "--", *rels], ["commit", "--quiet", "-m", message, "--", *rels]):
        if (
            args[0] == "commit"
            and git(root, "diff", "--cached", "--quiet", "--", *rels) is not None
        ):
            return None  # staged content equals HEAD's: nothing to record
        proc = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=False
        )
        if proc.returncode != 0:
            raise I18nError(f"git {args[0]} failed: {(proc.stderr or proc.stdout).strip()}")
    return (git(root, "rev-parse", "HEAD") or "").strip() or None

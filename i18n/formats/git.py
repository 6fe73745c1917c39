"""What git records of a project's files: a file as a commit has it, and the commits that
changed it. Every function answers None (or nothing) outside a git repository, so that a
project that is not in git still works (without the checks that need history)."""

from __future__ import annotations

import subprocess
from pathlib import Path


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

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
    text = git(root, "show", f"{commit}:./{rel}")  # ./: relative to root, not the top
    return [line for line in (text or "").split("\n") if line.strip()]


def changes(root: Path, rel: str) -> list[tuple[str, list[str]]]:
    """(commit, parents) of every commit that changed ``rel``, newest first."""
    log = git(root, "log", "--format=%H %P", "--", rel) or ""
    return [(row.split()[0], row.split()[1:]) for row in log.splitlines() if row.strip()]


def folder_history(root: Path, folder: str) -> dict[str, list[tuple[str, str]]]:
    """For every file under ``folder`` (relative to ``root``): (commit, committer time ISO
    8601) of each commit that changed it, newest first; one ``git log`` for the folder. Empty
    outside a repository (or for history a shallow clone lacks)."""
    log = git(root, "log", "--format=%x00%H %cI", "--name-only", "--relative", "--", folder)
    out: dict[str, list[tuple[str, str]]] = {}
    for record in (log or "").split("\0")[1:]:
        head, *names = record.strip("\n").split("\n")
        commit, _, when = head.partition(" ")
        for name in names:
            if name:
                out.setdefault(name, []).append((commit, when))
    return out


class Blobs:
    """File contents at commits, read through one ``git cat-file --batch`` process (a
    ``git show`` per file costs a process each). Use as a context manager."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._proc: subprocess.Popen[bytes] | None = None
        self._prefix = (git(root, "rev-parse", "--show-prefix") or "").strip()

    def __enter__(self) -> Blobs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait()
            self._proc = None

    def read(self, commit: str, rel: str) -> bytes | None:
        """The bytes of ``rel`` (relative to the root) at ``commit``, or None."""
        if "\n" in rel or "\n" in commit:
            return None
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(
                    ["git", "-C", str(self.root), "cat-file", "--batch"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:
                return None
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(f"{commit}:{self._prefix}{rel}\n".encode())
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            return None  # "<name> missing", or not a file
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)  # the newline after the contents
        return data


def file_commits(root: Path, rel: str, limit: int) -> list[tuple[str, str]]:
    """(commit, committer time ISO 8601) of the newest ``limit`` commits that changed ``rel``
    (relative to ``root``), newest first; none outside a repository or in a shallow clone's
    missing history."""
    log = git(root, "log", f"--max-count={limit}", "--format=%H %cI", "--", rel) or ""
    return [tuple(row.split(" ", 1)) for row in log.splitlines() if " " in row]  # type: ignore[misc]


def uncommitted(root: Path, paths: list[Path]) -> list[str]:
    """Which of ``paths`` (relative to ``root``) differ from HEAD, staged or not, or are not
    tracked: changes whose author git does not know yet."""
    rels = [str(p.resolve().relative_to(root.resolve())) for p in paths]
    out = git(root, "status", "--porcelain", "--untracked-files=all", "--", *rels) or ""
    return sorted({line[3:] for line in out.splitlines() if line.strip()})


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
    refuses.

    One ``git commit -- PATHS`` when git knows the files (it takes them from the working
    tree); a file git does not know yet is added first."""
    rels = [str(p.resolve().relative_to(root.resolve())) for p in paths]
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": committer[0],
        "GIT_COMMITTER_EMAIL": committer[1],
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=False
        )

    done = run("commit", "--quiet", "-m", message, "--", *rels)
    if done.returncode != 0:
        if not (git(root, "status", "--porcelain", "--", *rels) or "").strip():
            return None  # the files are as HEAD has them: nothing to record
        for args in (["add", "--", *rels], ["commit", "--quiet", "-m", message, "--", *rels]):
            done = run(*args)
            if done.returncode != 0:
                raise I18nError(f"git {args[0]} failed: {(done.stderr or done.stdout).strip()}")
    return (git(root, "rev-parse", "HEAD") or "").strip() or None


def push(root: Path, remote: str, timeout: float = 300.0) -> None:
    """``git push REMOTE HEAD``: the current branch to the branch of the same name at
    ``remote``, never asking for credentials on a terminal; an
    :class:`~i18n.errors.I18nError` with git's message when it fails."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "push", "--quiet", remote, "HEAD"],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise I18nError(f"git push {remote} failed: {exc}") from None
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise I18nError(f"git push {remote} failed: {' '.join(lines[-2:]) or 'no message'}")

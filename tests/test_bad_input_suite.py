"""The bad-input suite: every case of tests/bad_inputs/cases.yaml, one parametrized test.

A case drops broken files into a copy of the sample project (with its committed catalogs, so
a truncated or rewritten catalog would show) and runs one command. Bad input must give exit
code 2 and exactly one line, ``error: <file>[:<line>]: <message>``, with no traceback, and
leave every byte of the project as it was. Accepted variants (a BOM, CRLF line endings) must
give exit 0 and the very files the original gives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import snapshot

CASES_DIR = Path(__file__).parent / "bad_inputs"
CASES: list[dict[str, Any]] = yaml.safe_load((CASES_DIR / "cases.yaml").read_text("utf-8"))
KEYS = {
    "name",
    "command",
    "where",
    "line",
    "message",
    "exit",
    "generate",
    "transform",
    "files_from",
}
HUGE_BYTES = 50_000_000
RSS_LIMIT_KB = 1_000_000  # 1 GB


def test_the_manifest_and_the_folders_agree() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    assert len(CASES) >= 30
    for case in CASES:
        assert set(case) <= KEYS, (case["name"], set(case) - KEYS)
        assert case.get("exit", 2) == 0 or ("where" in case and "message" in case), case
    folders = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    built = {c["name"] for c in CASES if "generate" in c or "transform" in c or "files_from" in c}
    assert folders == set(names) - built, "every case folder has a manifest entry, and back"


# --- building a case --------------------------------------------------------------------------


def drop_files(case: dict[str, Any], root: Path) -> None:
    source = CASES_DIR / case.get("files_from", case["name"])
    for path in sorted(source.rglob("*")):
        if path.is_file():
            dest = root / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)


def generate(kind: str, root: Path) -> None:
    if kind == "symlink-outside":
        outside = root.parent / "outside"
        outside.mkdir()
        (outside / "evil.md").write_text("---\nslug: evil\ntitle: Evil\n---\nText.\n", "utf-8")
        os.symlink(outside / "evil.md", root / "source/articles/evil.md")
    elif kind == "huge-article":
        para = (
            "Deep vein thrombosis is a blood clot in a deep vein, usually in the leg. " * 12
            + "\n\n"
        ).encode()
        head = b"---\nslug: huge\ntitle: Huge\n---\n\n"
        with (root / "source/articles/huge.md").open("wb") as fh:
            fh.write(head)
            size = len(head)
            while size < HUGE_BYTES:
                chunk = para[: HUGE_BYTES - size]
                fh.write(chunk)
                size += len(chunk)
    else:
        raise AssertionError(f"unknown generator {kind!r}")


def transform(spec: dict[str, Any], root: Path) -> None:
    path = root / spec["file"]
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    if spec.get("crlf"):
        raw = raw.replace(b"\n", b"\r\n")
    if spec.get("bom"):
        raw = b"\xef\xbb\xbf" + raw
    path.write_bytes(raw)


def run_cli(root: Path, command: list[str], *, measure: bool) -> tuple[int, str, str, int]:
    """Run ``i18n`` as a real process; returns (exit code, stdout, stderr, peak RSS in kB of
    that process alone, from wait4)."""
    cmd, *rest = command
    out_path, err_path = root.parent / "stdout", root.parent / "stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "i18n.cli", cmd, "--project", str(root), *rest],
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss if measure else 0
    return (proc.returncode, out_path.read_text("utf-8"), err_path.read_text("utf-8"), rss)


# --- the test ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input(case: dict[str, Any], project: Path, run) -> None:
    command = [str(part) for part in case["command"]]
    expected_exit = case.get("exit", 2)
    if "transform" in case:  # the original's output first: the variant must change nothing
        first = run(project, *command)
        assert first.exit_code == 0, first.output
    if "generate" in case:
        generate(case["generate"], project)
    elif "transform" in case:
        transform(case["transform"], project)
    else:
        drop_files(case, project)
    before = snapshot(project)

    if case.get("generate") == "huge-article":  # a real process, to measure its memory
        code, out, err, rss = run_cli(project, command, measure=True)
        assert rss < RSS_LIMIT_KB, f"peak RSS {rss} kB"
    else:
        result = run(project, *command)
        code, out, err = result.exit_code, result.stdout, result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"uncaught {type(result.exception).__name__}: {result.exception}"
        )

    assert "Traceback" not in out + err
    assert code == expected_exit, out + err
    if expected_exit == 2:
        where = case["where"] + (f":{case['line']}" if "line" in case else "")
        assert err.count("\n") == 1, err
        assert err.startswith(f"error: {where}: "), err
        assert case["message"] in err, err
    else:
        assert "error" not in err, err
    assert snapshot(project) == before, "the command changed the project"
    assert not (project / "pwned").exists()

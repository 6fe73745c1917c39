"""Concurrent runs: two writing commands on one project never interleave.

Real processes (``python -m i18n.cli``). The first command holds the project's write lock
until the test lets it go (the test hook ``I18N_TEST_HOLD_LOCK`` names a file it waits for
once it holds the lock), so the second one meets the lock every time, however slow the
machine: no sleeps, no timing guesses.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import snapshot

from i18n.formats.ledger import Ledger
from i18n.formats.po import read_po, write_po

pytestmark = pytest.mark.slow  # processes racing for the write lock

HOLDER = ".cache/i18n/write.lock.holder"


# The environment a developer may have set that changes what these tests see (the tests sign
# with the key conftest sets in I18N_SIGNING_KEY).
SETTINGS = frozenset({"I18N_LOCK_TIMEOUT", "I18N_TEST_HOLD_LOCK"})


def start(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    cmd, *rest = args
    return subprocess.Popen(
        [sys.executable, "-m", "i18n.cli", cmd, "--project", str(project), *rest],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k not in SETTINGS}, **(env or {})},
    )


def holding(project: Path, *args: str, release: Path) -> subprocess.Popen[str]:
    """Start a command and return once it holds the write lock (it keeps it until
    ``release`` exists)."""
    proc = start(project, *args, env={"I18N_TEST_HOLD_LOCK": str(release)})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if json.loads((project / HOLDER).read_text()).get("pid") == proc.pid:
                return proc
        except (OSError, ValueError):
            pass
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("the first command never took the lock")


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


# A translator's revisions of approved site strings: translated again, waiting for review.
REVISIONS = {"Other languages": "Andere Sprachen", "All countries": "Sämtliche Länder"}


def revise(po_path: Path, revisions: dict[str, str]) -> None:
    po = read_po(po_path)
    for entry in po:
        if entry.msgid in revisions:
            entry.msgstr = revisions[entry.msgid]
    write_po(po_path, po)


def waiting_line(what: str, pid: int) -> re.Pattern[str]:
    return re.compile(
        rf"^waiting for 'i18n {what}' \(pid {pid}, started \d{{4}}-\d\d-\d\dT[\d:]+Z\) to "
        rf"finish \(lock file \.cache/i18n/write\.lock; giving up after 60 s\)$"
    )


def test_two_updates_take_turns(project: Path, tmp_path: Path) -> None:
    release = tmp_path / "release"
    first = holding(project, "update", "--locale", "pt_BR", release=release)
    second = start(project, "update", "--locale", "es")
    line = second.stderr.readline().rstrip("\n")  # blocks until it says why it waits
    assert waiting_line("update", first.pid).match(line), line
    assert second.poll() is None and first.poll() is None
    # while the first holds the lock, the second has written nothing
    assert not (project / "locales/es").exists() and not (project / "locales/pt_BR").exists()
    release.touch()
    code, out, err = finish(second)
    assert code == 0, err
    assert first.poll() is not None  # the second finished only after the first had
    assert finish(first)[0] == 0
    # both did their work: neither lost the other's catalogs
    for loc in ("pt_BR", "es"):
        assert sorted(p.name for p in (project / "locales" / loc / "LC_MESSAGES").iterdir())
    # the second ran after the first and saw its catalogs (unchanged, so not rewritten)
    assert "locales/pt_BR/" not in out
    assert "locales/es/LC_MESSAGES/site.po" in out


@pytest.mark.parametrize("first_cmd", ["translate", "approve"])
def test_translate_and_approve_never_interleave(
    project: Path, tmp_path: Path, first_cmd: str
) -> None:
    """Whichever starts first, the other's ledger events all come after its own."""
    commands = {
        "translate": ("translate", "--locale", "de", "--provider", "pseudo"),
        "approve": ("approve", "--locale", "de", "--all"),
    }
    ledger = project / "locales/de/approvals.jsonl"
    revise(project / "locales/de/LC_MESSAGES/site.po", REVISIONS)  # work for the reviewer
    before = len(Ledger.read(ledger).events)
    release = tmp_path / "release"
    other_cmd = "approve" if first_cmd == "translate" else "translate"
    first = holding(project, *commands[first_cmd], release=release)
    second = start(project, *commands[other_cmd])
    line = second.stderr.readline().rstrip("\n")
    assert waiting_line(first_cmd, first.pid).match(line), line
    release.touch()
    assert finish(first)[0] == 0
    code, _, err = finish(second)
    assert code == 0, err
    events = Ledger.read(ledger).events[before:]
    kinds = [ev.kind for ev in events]
    mine = {"translate": "drafted", "approve": "approved"}
    assert set(kinds) == {"drafted", "approved"}, kinds
    first_kind, second_kind = mine[first_cmd], mine[other_cmd]
    assert kinds == [first_kind] * kinds.count(first_kind) + [second_kind] * kinds.count(
        second_kind
    ), "the two commands' ledger writes interleaved"
    assert kinds.count("approved") == len(REVISIONS)


@pytest.mark.parametrize("source", ["environment", "config"])
def test_waiting_too_long_fails_clearly_and_changes_nothing(
    project: Path, tmp_path: Path, source: str
) -> None:
    env = {}
    if source == "environment":
        env["I18N_LOCK_TIMEOUT"] = "0.5"
    else:
        with (project / "pyproject.toml").open("a", encoding="utf-8") as fh:
            fh.write("lock_timeout = 0.5\n")
    release = tmp_path / "release"
    first = holding(project, "update", release=release)
    files = snapshot(project)
    started = time.monotonic()
    second = start(project, "approve", "--locale", "de", "--all", env=env)
    code, out, err = finish(second)
    took = time.monotonic() - started
    assert first.poll() is None  # it gave up while the first still held the lock
    release.touch()
    assert finish(first)[0] == 0
    assert code == 2, (out, err)
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith(f"waiting for 'i18n update' (pid {first.pid}, ")
    assert lines[1].startswith(
        f"error: gave up after 0.5 s waiting for 'i18n update' (pid {first.pid}, started "
    ), err
    assert lines[1].endswith(
        "to finish (lock file .cache/i18n/write.lock); run again when "
        "it is done, or raise [tool.i18n] lock_timeout"
    )
    assert took < 15
    assert snapshot(project) == files


def test_a_killed_holder_leaves_no_stale_lock(project: Path, tmp_path: Path) -> None:
    first = holding(project, "update", release=tmp_path / "never")
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    code, _, err = finish(start(project, "update", env={"I18N_LOCK_TIMEOUT": "0"}))
    assert code == 0, err
    assert "waiting" not in err


def test_dry_run_and_read_only_commands_do_not_wait(project: Path, tmp_path: Path) -> None:
    release = tmp_path / "release"
    first = holding(project, "update", release=release)
    try:
        for args in (
            ("translate", "--locale", "de", "--dry-run"),
            ("status",),
            ("queue", "--locale", "de"),
        ):
            code, _, err = finish(start(project, *args, env={"I18N_LOCK_TIMEOUT": "0"}))
            assert code == 0, (args, err)
            assert "waiting" not in err
        assert first.poll() is None
    finally:
        release.touch()
        finish(first)


@pytest.mark.parametrize("value", ["soon", "-1", "true"])
def test_bad_lock_timeout_setting_is_one_clear_error(project: Path, run, value: str) -> None:
    pyproject = project / "pyproject.toml"
    with pyproject.open("a", encoding="utf-8") as fh:
        fh.write(f"lock_timeout = {value if value != 'soon' else repr(value)}\n")
    line = pyproject.read_text(encoding="utf-8").count("\n")  # the line just appended
    result = run(project, "update")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(
        f"error: pyproject.toml:{line}: [tool.i18n] lock_timeout must be a number of seconds >= 0"
    ), result.stderr

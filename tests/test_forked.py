"""Forked workers (extraction, render) end with their parent: a render killed mid-way leaves
no process behind still writing pages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from i18n.pipeline.forked import can_fork, forked_map

pytestmark = pytest.mark.skipif(
    not (can_fork() and sys.platform.startswith("linux")), reason="fork and PR_SET_PDEATHSIG"
)


def _square(offset: int, n: int) -> int:
    return offset + n * n


def test_workers_see_the_parents_state_and_keep_the_order() -> None:
    assert forked_map(_square, 100, [1, 2, 3, 4, 5], 2) == [101, 104, 109, 116, 125]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_killing_the_parent_ends_its_workers(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, time
        from pathlib import Path
        from i18n.pipeline.forked import forked_map

        def work(folder, n):
            Path(folder, str(os.getpid())).write_text("")
            time.sleep(60)

        forked_map(work, {str(tmp_path)!r}, [1, 2], 2)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 30
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in tmp_path.iterdir()]
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], "workers outlived their killed parent"

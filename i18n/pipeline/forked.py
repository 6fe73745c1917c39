"""Work spread over forked processes that inherit what the parent has loaded (articles, a
render plan: never pickled) and that end with their parent.

Extraction parses articles this way and the render builds each country's pages this way. A
worker asks the kernel to end it when its parent dies (Linux ``PR_SET_PDEATHSIG``), so a
render killed by a regional team's Ctrl-C or by a CI timeout leaves no process behind
still writing pages.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1
_STATE: Any = None  # what the workers inherit, set only while a map runs
_PARENT = 0
_IN_WORKER = False  # set in each worker as it starts


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def workers_for(items: int) -> int:
    """Worker processes worth starting for ``items`` pieces of work (1: work in-process)."""
    return min(os.cpu_count() or 1, items) if can_fork() else 1


def in_worker() -> bool:
    """Whether this process is a worker of :func:`forked_map` (which forks no further)."""
    return _IN_WORKER


def _die_with_parent() -> None:
    global _IN_WORKER
    _IN_WORKER = True
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != _PARENT:  # the parent died before the request above took effect
        os._exit(1)


def _run(job: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    func, item = job
    return func(_STATE, item)


def forked_map(func: Callable[[S, T], R], state: S, items: Sequence[T], workers: int) -> list[R]:
    """``[func(state, item) for item in items]``, in ``workers`` forked processes that see
    ``state`` as the parent has it. ``func`` must be a module-level function."""
    global _STATE, _PARENT
    _STATE, _PARENT = state, os.getpid()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=mp.get_context("fork"), initializer=_die_with_parent
        ) as pool:
            return list(pool.map(_run, [(func, item) for item in items]))
    finally:
        _STATE = None

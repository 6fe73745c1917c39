"""What every benchmark shares: the cache, real data fetched at run time, the peers' venv,
timing of processes (wall and peak memory) and A B A B alternation.

Nothing downloaded is ever committed: data and peers live in ``bench/.cache/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
DOWNLOADS = CACHE / "downloads"
VENV = CACHE / "venv"
WORK = CACHE / "work"
RESULTS = CACHE / "results"
GNU_TIME = "/usr/bin/time"

# Pinned so that a later run measures the same data and the same peers.
DJANGO = "django==5.2.19"
MARKDOWN_SDISTS = (
    "hatch==1.18.2",
    "pip==26.3",
    "black==26.10.1",
    "pymdown-extensions==13.1.2",
    "markdown==3.11.3",
)
PEERS = ("babel==2.18.0", "mdpo==2.1.4", "sphinx==9.0.4", "myst-parser==5.2.0")


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


# --- data and peers -----------------------------------------------------------------------


def download(spec: str, *, sdist: bool = False) -> Path:
    """``pip download --no-deps`` one pinned package into the cache (once)."""
    name, _, version = spec.partition("==")
    stem = name.replace("-", "_").lower()
    DOWNLOADS.mkdir(parents=True, exist_ok=True)

    def found() -> Path | None:
        for p in sorted(DOWNLOADS.iterdir()):
            low = p.name.lower().replace("-", "_")
            if low.startswith(f"{stem}_{version}") and (
                low.endswith((".tar.gz", ".zip")) if sdist else low.endswith(".whl")
            ):
                return p
        return None

    hit = found()
    if hit:
        return hit
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(DOWNLOADS), spec]
    cmd += ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
    log(f"fetching {spec} ({'sdist' if sdist else 'wheel'}) ...")
    subprocess.run(cmd, check=True)
    hit = found()
    if hit is None:
        raise SystemExit(f"pip download {spec} saved no matching file in {DOWNLOADS}")
    return hit


def peer_venv() -> Path:
    """A throwaway venv with the Python peers (Babel, mdpo, Sphinx + MyST); returns its bin/."""
    bin_dir = VENV / "bin"
    stamp = VENV / "peers.txt"
    if stamp.is_file() and stamp.read_text() == "\n".join(PEERS):
        return bin_dir
    log(f"installing {', '.join(PEERS)} into {VENV} ...")
    if not (bin_dir / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *PEERS], check=True)
    stamp.write_text("\n".join(PEERS))
    return bin_dir


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Run:
    wall: float  # seconds
    rss_mb: float  # peak resident set size of the process, MiB
    cpu: float = 0.0  # user + system seconds of the process (all its threads)
    extra: dict[str, Any] = field(default_factory=dict)


def run_process(
    cmd: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    stdout: Any = subprocess.DEVNULL,
) -> Run:
    """Wall time, CPU time (``os.wait4``) and peak memory (GNU time's %M) of one process.

    A process that runs past ``timeout`` is killed and reported with ``extra['timeout']``.
    """
    full_env = {**os.environ, **(env or {})}
    # Peak memory through GNU time: a child started by this (large) Python process would
    # otherwise report this process's resident set as its own maximum (Linux keeps the
    # high-water mark across exec).
    rss_file = None
    if Path(GNU_TIME).exists():
        fd, rss_file = tempfile.mkstemp(prefix="rss-", suffix=".txt")
        os.close(fd)
        cmd = [GNU_TIME, "-q", "-f", "%M", "-o", rss_file, *cmd]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=full_env, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, start_new_session=True
    )
    timed_out = False
    if timeout is not None:
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)  # the command and GNU time around it
                timed_out = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
    else:
        pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0 and not timed_out:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err[-2000:]}")
    rss_kb = usage.ru_maxrss
    if rss_file is not None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            rss_kb = int(Path(rss_file).read_text().split()[-1])
        os.unlink(rss_file)
    run = Run(wall, rss_kb / 1024, usage.ru_utime + usage.ru_stime)
    if timed_out:
        run.extra["timeout"] = True
    with contextlib.suppress(ValueError):
        # a worker may print one JSON line on stderr with its own figures
        last = err.strip().splitlines()[-1] if err.strip() else ""
        if last.startswith("{"):
            run.extra.update(json.loads(last))
    return run


def alternate(sides: dict[str, Callable[[], Run]], repeat: int) -> dict[str, list[Run]]:
    """Run the sides in turn, A B A B ..., ``repeat`` times each (after one untimed warm-up
    round, so that the page cache holds every input), and return every run."""
    for fn in sides.values():
        fn()
    runs: dict[str, list[Run]] = {name: [] for name in sides}
    for _ in range(repeat):
        for name, fn in sides.items():
            runs[name].append(fn())
    return runs


def median(values: list[float]) -> float:
    return statistics.median(values)


def fmt_s(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.0f} ms"


def fmt_ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "-"


def machine() -> str:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    return (
        f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


@contextlib.contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    t0 = time.perf_counter()
    yield lambda: time.perf_counter() - t0


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return "not installed"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else ""


def save_result(name: str, data: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))


def sdist_markdown(sdist: Path, package: str) -> Iterator[tuple[str, str, str]]:
    """(slug, path inside the sdist, text) of every Markdown file of an sdist, in name order;
    the slug is ``<package>-<path>`` made safe."""
    with tarfile.open(sdist) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if not (member.isfile() and member.name.endswith(".md")):
                continue
            raw = tar.extractfile(member)
            if raw is None:
                continue
            text = raw.read().decode("utf-8", "replace").replace("\r\n", "\n")
            inner = member.name.split("/", 1)[1] if "/" in member.name else member.name
            slug = re.sub(r"[^a-z0-9]+", "-", f"{package}-{inner[:-3]}".lower()).strip("-")
            yield slug, inner, text

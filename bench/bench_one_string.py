"""A one-string change on a built project, in place: a re-render with nothing changed, then one
approved German string edited and approved again, then a render; each render timed in a
process of its own (wall, CPU, peak RSS, the CLI's summary lines).

    python bench/bench_one_string.py $(python bench/scale.py --pages 60000) /tmp/site60k

It edits and signs in the project given (the sample's German reviewer key, as the scale
projects allow): use a built scale project, never a real one.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench_render import _approve, _approved_entry, _edit_string
from common import REPO, log


def render(root: Path, out: str, label: str) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    cmd = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "i18n.cli", "render"]
    r = subprocess.run(
        [*cmd, "--project", str(root), "--out", out], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    peak = int(r.stderr.strip().splitlines()[-1]) / 1024
    summary = " / ".join(r.stdout.splitlines()[-2:])
    print(f"| {label} | {wall:.1f} s | {cpu:.1f} s | {peak:.0f} MiB | {summary} |", flush=True)


def letters(n: int) -> str:
    """``n`` in base 26, written a to z (no digit: a number the source lacks is refused)."""
    out = ""
    while n:
        n, digit = divmod(n, 26)
        out += chr(ord("a") + digit)
    return out or "a"


def main() -> None:
    root, out = Path(sys.argv[1]), sys.argv[2]
    os.environ["I18N_SIGNING_KEY"] = str(REPO / "source" / "sample-keys" / "katrin.vogel")
    print("| render | wall | CPU | peak RSS | summary |\n| --- | --- | --- | --- | --- |")
    render(root, out, "nothing changed")
    t0 = time.perf_counter()
    item = _approved_entry(root)
    _edit_string(root, item, 0, stamp=letters(time.time_ns()))  # a text never approved before
    _approve(root, item)
    log(f"edited and approved one string of {item['catalog']} in {time.perf_counter() - t0:.1f} s")
    render(root, out, "one string changed and approved")


if __name__ == "__main__":
    main()

"""One library merge in a fresh process: read the template and the old catalog, merge, write.

    python bench/merge_worker.py NEW.pot OLD.po OUT.po LOCALE [THRESHOLD]

Prints one JSON line on stderr with the seconds of each step (imports excluded), so the
benchmark reports the library call apart from the interpreter's start-up. The steps run with
Python's cycle collector paused, as :func:`i18n.pipeline.update.update` runs them.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

t_start = time.perf_counter()
from i18n.formats.po import gc_paused, read_po, write_po  # noqa: E402
from i18n.pipeline.update import MergeStats, merge  # noqa: E402

t_imported = time.perf_counter()


def main() -> None:
    pot_path, old_path, out_path, locale = sys.argv[1:5]
    extra = {"threshold": float(sys.argv[5])} if len(sys.argv) > 5 else {}
    with gc_paused():
        t0 = time.perf_counter()
        pot = read_po(Path(pot_path))
        old = read_po(Path(old_path))
        t1 = time.perf_counter()
        stats = MergeStats()
        merged = merge(pot, old, locale, stats=stats, **extra)
        t2 = time.perf_counter()
        write_po(Path(out_path), merged)
        t3 = time.perf_counter()
    print(
        json.dumps(
            {
                "import": t_imported - t_start,
                "read": t1 - t0,
                "merge": t2 - t1,
                "write": t3 - t2,
                "call": t3 - t0,
                "stats": stats.__dict__,
            }
        ),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

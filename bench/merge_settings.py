"""What each matcher setting of ``i18n update`` costs, on both merge scenarios.

    python bench/merge_settings.py [SIZE]

For every fuzzy_threshold and containment slack in the grid (``CONTAINED_SLACK`` of
i18n/pipeline/update.py: an old text whole inside the new one is offered down to this much
below the threshold), one in-process merge of each scenario (bench/scenario.py and
bench/scenario2.py, built by ``python bench/run.py merge`` or here): right, wrong, missed and
guesses on new (scenario.score), and the CPU seconds of the merge call (the best of
``REPEAT``; reading and writing excluded, they do not depend on the setting). Prints a
Markdown table.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench_merge import SCENARIOS
from scenario import LOCALE, score

from i18n.formats.po import gc_paused, read_po, write_po
from i18n.pipeline import update

THRESHOLDS = (60, 65, 70, 75)
SLACKS = (0, 10, 20, 30)
REPEAT = 3


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    scenarios = {name: build(n) for name, build in SCENARIOS.items()}
    catalogs = {name: (read_po(sc.new_pot), read_po(sc.old_po)) for name, sc in scenarios.items()}
    print(
        "| fuzzy_threshold | containment slack | "
        + " | ".join(f"{name}: right / wrong / missed / guesses, merge CPU" for name in scenarios)
        + " |"
    )
    print("| --- | --- | " + " | ".join("---" for _ in scenarios) + " |")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "merged.po"
        for threshold in THRESHOLDS:
            for slack in SLACKS:
                update.CONTAINED_SLACK = slack
                cells = []
                for name, sc in scenarios.items():
                    pot, old = catalogs[name]
                    best = float("inf")
                    for _ in range(REPEAT):
                        with gc_paused():
                            t0 = time.process_time()
                            merged = update.merge(pot, old, LOCALE, threshold=threshold)
                            best = min(best, time.process_time() - t0)
                    write_po(out, merged)
                    q = score(sc, out)
                    cells.append(
                        f"{q.right} / {q.wrong} / {q.missed} / {q.guesses_on_new}, {best:.2f} s"
                    )
                print(f"| {threshold} | {slack} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()

"""The merge (read, merge, write) of an earlier commit's ``i18n/catalogs.py`` beside today's,
in one process on the same scenario files: CPU seconds of each, and whether their output is
byte-identical (the optimisations must not change a byte).

    python bench/before_after.py [COMMIT] [SIZES]      # default: 634401d 3000,10000,30000

Run ``python bench/run.py merge`` once first (it builds the scenarios).
"""

from __future__ import annotations

import importlib.util
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from common import REPO, WORK
from scenario import LOCALE


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def load_old(commit: str):  # noqa: ANN201 - a module
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{commit}:i18n/catalogs.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "catalogs_old.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("i18n.catalogs_old", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n.catalogs_old"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    commit = sys.argv[1] if len(sys.argv) > 1 else "634401d"
    sizes = [int(s) for s in (sys.argv[2] if len(sys.argv) > 2 else "3000,10000,30000").split(",")]
    from types import SimpleNamespace

    from i18n.formats.po import read_po, write_po
    from i18n.pipeline.update import merge

    new = SimpleNamespace(read_po=read_po, write_po=write_po, merge=merge)

    old = load_old(commit)
    print(f"| entries | catalogs.py at {commit} (CPU) | today (CPU) | speed-up | output |")
    print("| --- | --- | --- | --- | --- |")
    for n in sizes:
        folder = WORK / f"merge-{n}"
        results = {}
        for name, mod in (("old", old), ("new", new)):
            best = None
            for _ in range(3):
                t0 = cpu()
                pot = mod.read_po(folder / "new.pot")
                po = mod.read_po(folder / "old.po")
                text = mod.po_text(mod.merge(pot, po, LOCALE))
                spent = cpu() - t0
                best = spent if best is None else min(best, spent)
            results[name] = (best, text)
        same = "identical" if results["old"][1] == results["new"][1] else "DIFFERENT"
        o, t = results["old"][0], results["new"][0]
        print(f"| {n:,} | {o:.2f} s | {t:.2f} s | {o / t:.1f}× | {same} |")


if __name__ == "__main__":
    main()

"""mdpo's extraction, file by file, in one process (run with the peers' venv python):

    python bench/mdpo_worker.py CORPUS_DIR OUT_DIR

One ``md2po`` run over a whole corpus looks every new msgid up in all earlier entries (a
quadratic search that takes minutes on a few hundred files), so the fair peer of i18n's one
template per article is mdpo's own ``markdown_to_pofile`` per file, each saved to its PO file.
Prints one JSON line on stderr with the seconds of the work (imports excluded).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

t0 = time.perf_counter()
from mdpo.md2po import markdown_to_pofile  # noqa: E402

t1 = time.perf_counter()


def main() -> None:
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    entries = 0
    for path in sorted(corpus.glob("*.md")):
        po = markdown_to_pofile(str(path))
        po.save(str(out / f"{path.stem}.po"))
        entries += len(po)
    t2 = time.perf_counter()
    print(json.dumps({"import": t1 - t0, "call": t2 - t1, "entries": entries}), file=sys.stderr)


if __name__ == "__main__":
    main()

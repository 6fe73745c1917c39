"""Extraction in a fresh process: ``ours PROJECT`` runs i18n's extract on a project,
``parse DIR`` parses every ``*.md`` of a folder with a bare markdown-it-py (CommonMark +
tables, as i18n's parser) and does nothing else: the floor any markdown-it-py extractor
stands on.

Prints one JSON line on stderr with the seconds of the call (imports excluded).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    mode, folder = sys.argv[1], Path(sys.argv[2])
    t0 = time.perf_counter()
    if mode == "ours":
        from i18n.pipeline.extract import extract
        from i18n.project import Project

        t1 = time.perf_counter()
        report = extract(Project(folder))
        extra = {"written": len(report.written), "unchanged": len(report.unchanged)}
    else:
        from markdown_it import MarkdownIt

        t1 = time.perf_counter()
        md = MarkdownIt("commonmark").enable("table")
        tokens = 0
        for path in sorted(folder.glob("*.md")):
            tokens += len(md.parse(path.read_text(encoding="utf-8")))
        extra = {"tokens": tokens}
    t2 = time.perf_counter()
    print(json.dumps({"import": t1 - t0, "call": t2 - t1, **extra}), file=sys.stderr)


if __name__ == "__main__":
    main()

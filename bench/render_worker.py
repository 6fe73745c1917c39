"""``i18n render`` through the library, in a process of its own: prints (JSON, on stderr, as
the other workers) the plans made and reused, the pages built, the files written and the
seconds of the call (into the project's site/, or OUT).

    python bench/render_worker.py PROJECT [OUT]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from i18n.cli.common import open_project
from i18n.pipeline.publish.site import render_site


def main() -> None:
    project = open_project(Path(sys.argv[1]))
    t0 = time.perf_counter()
    out = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else None
    result = render_site(project, out=out)
    call = time.perf_counter() - t0
    figures = {
        "planned": result.planned,
        "reused": getattr(result, "reused", 0),  # no plan cache before it was made
        "built": result.built,
        "written": result.written,
        "call": call,
    }
    print(json.dumps(figures), file=sys.stderr)


if __name__ == "__main__":
    main()

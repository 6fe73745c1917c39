"""A CPU-time profile of ``i18n render`` (cProfile with ``time.process_time`` as its timer, so
that other processes on a shared machine do not count), optionally with one page worker so
that page building is in the profile (forked workers are not).

    python bench/profile_render.py [--one] OUT.prof -- render --project DIR --out /tmp/x

Then ``python -c "import pstats; pstats.Stats('OUT.prof').sort_stats('cumulative')
.print_stats(40)"``. Remove ``DIR/.cache/i18n/plan`` first for a render that plans every page.
"""

from __future__ import annotations

import contextlib
import cProfile
import sys
import time


def main() -> None:
    args = sys.argv[1:]
    one = "--one" in args
    if one:
        args.remove("--one")
    out, cli_args = args[0], args[2:]
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    import i18n.pipeline.publish.site as site
    from i18n.cli import main as cli

    if one:
        site.workers_for = lambda n: 1  # type: ignore[assignment]
    sys.argv = ["i18n", *cli_args]
    with contextlib.suppress(SystemExit):
        cli()
    profile.disable()
    profile.dump_stats(out)


if __name__ == "__main__":
    main()

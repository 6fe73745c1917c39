"""Run the benchmarks against their peers and print the tables (Markdown).

    python bench/run.py                      # all of them
    python bench/run.py merge extract        # some of them
    python bench/run.py --repeat 5 --sizes 3000,10000,30000 --babel-repeat 3 --articles 48
    python bench/run.py merge --scenario sphinx --sizes 30000 --no-babel --repeat 3

Data and peers are fetched at run time into bench/.cache/ (git-ignored): Django's wheel and
the sdists of Markdown-heavy packages via ``pip download --no-deps``, Babel, mdpo and Sphinx
into a throwaway venv. Results are also saved as JSON in bench/.cache/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys

from common import REPO, machine, save_result

BENCHES = ("merge", "extract", "render", "mt", "noop")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("benches", nargs="*", choices=[*BENCHES, []], default=[])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per side (median)")
    parser.add_argument("--sizes", default="3000,10000,30000", help="merge: catalog sizes")
    parser.add_argument(
        "--babel-repeat",
        type=int,
        default=3,
        help="merge: runs of pybabel update (each takes up to minutes)",
    )
    parser.add_argument("--no-babel", action="store_true", help="merge: skip pybabel")
    parser.add_argument(
        "--scenario",
        default="django,sphinx",
        help="merge: scenarios, comma-separated: django (bench/scenario.py), "
        "sphinx (bench/scenario2.py)",
    )
    parser.add_argument("--articles", type=int, default=48, help="render: articles")
    args = parser.parse_args()
    chosen = args.benches or list(BENCHES)
    commit = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"Machine: {machine()}  \nDate: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC  \n"
        f"Commit: {commit}  \n"
        f"Command: `{' '.join(['python bench/run.py', *sys.argv[1:]])}`"
    )
    for name in chosen:
        if name == "merge":
            import bench_merge

            sizes = tuple(int(s) for s in args.sizes.split(","))
            scenarios = tuple(args.scenario.split(","))
            unknown = set(scenarios) - set(bench_merge.SCENARIOS)
            if unknown:
                parser.error(f"--scenario: unknown {', '.join(sorted(unknown))}")
            save_result(
                "merge",
                bench_merge.run(
                    sizes, args.repeat, args.babel_repeat, not args.no_babel, scenarios
                ),
            )
        elif name == "extract":
            import bench_extract

            save_result("extract", bench_extract.run(args.repeat))
        elif name == "render":
            import bench_render

            save_result("render", bench_render.run(args.repeat, args.articles))
        elif name == "mt":
            import bench_mt

            save_result("mt", bench_mt.run())
        elif name == "noop":
            import bench_noop

            save_result("noop", bench_noop.run(args.repeat))
        sys.stdout.flush()


if __name__ == "__main__":
    main()

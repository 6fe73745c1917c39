"""Benchmark 4: machine translation against a LibreTranslate-compatible server on 127.0.0.1
(tests/fake_libretranslate.py) that takes 200 ms to answer each request.

On a copy of the sample project, ``i18n translate --locale nl --provider libre`` runs at its
default concurrency: segments per second, requests sent, and the most requests the server
saw in flight at once. Then twice more: on the unchanged result (nothing left to draft) and
after the Dutch catalogs are put back as they were (every answer is in the cache): both
should send no request at all.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import Any

from bench_merge import i18n_script
from common import REPO, WORK, log, run_process

LATENCY = 0.2
LOCALE = "nl"
sys.path.insert(0, str(REPO / "tests"))


class InFlight:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.max = 0

    def __call__(self, _text: str) -> None:
        with self.lock:
            self.now += 1
            self.max = max(self.max, self.now)
        time.sleep(LATENCY)
        with self.lock:
            self.now -= 1


def run() -> dict[str, Any]:
    from fake_libretranslate import FakeLibreTranslate

    root = WORK / "mt" / "project"
    shutil.rmtree(root.parent, ignore_errors=True)
    root.mkdir(parents=True)
    for name in ("source", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    original = root.parent / "nl-original"
    shutil.copytree(root / "locales" / LOCALE, original)

    gauge = InFlight()
    fake = FakeLibreTranslate(on_translate=gauge).start()
    out: dict[str, Any] = {"latency_s": LATENCY, "runs": []}
    try:
        cmd = [
            i18n_script(),
            "translate",
            "--project",
            str(root),
            "--locale",
            LOCALE,
            "--provider",
            "libre",
            "--endpoint",
            fake.url,
        ]
        for label in ("first run", "second run (unchanged)", "after restoring the catalogs"):
            if label.startswith("after"):
                shutil.rmtree(root / "locales" / LOCALE)
                shutil.copytree(original, root / "locales" / LOCALE)
            fake.reset()
            gauge.max = 0
            log(f"mt: {label} ...")
            r = run_process(cmd)
            sent = fake.count("/translate")
            out["runs"].append(
                {
                    "run": label,
                    "wall": r.wall,
                    "requests": sent,
                    "in_flight_max": gauge.max,
                    "segments_per_s": sent / r.wall if sent else 0.0,
                }
            )
    finally:
        fake.stop()
    print_table(out)
    return out


def print_table(out: dict[str, Any]) -> None:
    print(
        f"\n### Machine translation: sample project, locale {LOCALE}, local LibreTranslate "
        f"server answering in {out['latency_s'] * 1000:.0f} ms, default concurrency\n"
    )
    print("| run | wall | requests | most in flight | segments/s |")
    print("| --- | --- | --- | --- | --- |")
    for r in out["runs"]:
        print(
            f"| {r['run']} | {r['wall']:.2f} s | {r['requests']} | {r['in_flight_max']} "
            f"| {r['segments_per_s']:.1f} |"
        )


if __name__ == "__main__":
    run()

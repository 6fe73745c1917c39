"""Does the project's own PO reader still pay for itself? ``i18n.formats.po.parse_po`` beside
``polib.pofile`` (the reader it replaces) on the same catalog text, in one process: best of
N runs each, alternating, and the ratio. Both must give the same entries.

    python bench/bench_po_read.py [ENTRIES] [RUNS]      # default: 30000 entries, 7 runs

The catalog is generated (fixed seed): one- to three-line msgids and msgstrs, references,
a translator comment on every fifth entry, fuzzy flags, plural entries, obsolete entries:
the shapes of the project's catalogs at the size of the merge benchmark.
"""

from __future__ import annotations

import random
import sys
import time

import polib

from i18n.formats.po import parse_po, po_file_text

WORDS = [
    "deep",
    "vein",
    "thrombosis",
    "clot",
    "catheter",
    "stent",
    "iliac",
    "compression",
    "stockings",
    "swelling",
    "pain",
    "leg",
    "blood",
    "flow",
    "treatment",
    "patients",
    "doctor",
    "may",
    "risk",
    "symptoms",
    "days",
    "weeks",
    "months",
    "after",
    "the",
    "of",
]


def catalog(n: int) -> str:
    rng = random.Random(20261202)
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "de",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }

    def sentence(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    for i in range(n):
        entry = polib.POEntry(
            msgid=f"{sentence(rng.randrange(3, 40))} ({i})",
            msgstr=sentence(rng.randrange(3, 45)),
            occurrences=[(f"source/articles/article-{i % 60}.md", str(10 + i % 300))],
            tcomment="check the dose with Dr. Vogel" if i % 5 == 0 else "",
            flags=["fuzzy"] if i % 7 == 0 else [],
            obsolete=i % 41 == 0,
        )
        if i % 97 == 0:
            entry.msgid_plural, entry.msgstr = entry.msgid + " (plural)", ""
            entry.msgstr_plural = {0: sentence(5), 1: sentence(6)}
        po.append(entry)
    return po_file_text(po)


def best(read, text: str) -> float:
    start = time.perf_counter()
    read(text)
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    text = catalog(n)
    ours, theirs = parse_po(text), polib.pofile(text, wrapwidth=79)
    same = len(ours) == len(theirs) and all(
        a.__dict__ == b.__dict__ for a, b in zip(ours, theirs, strict=True)
    )
    times: dict[str, list[float]] = {"parse_po": [], "polib.pofile": []}
    for _ in range(runs):  # alternating, so both see the same machine load
        times["parse_po"].append(best(parse_po, text))
        times["polib.pofile"].append(best(lambda t: polib.pofile(t, wrapwidth=79), text))
    a, b = min(times["parse_po"]), min(times["polib.pofile"])
    print(f"{n} entries, {len(text) / 1e6:.1f} MB, best of {runs}; same entries: {same}")
    print("| reader | seconds | ratio |\n| --- | --- | --- |")
    print(f"| i18n parse_po | {a:.3f} | 1.00 |\n| polib.pofile | {b:.3f} | {b / a:.2f} |")


if __name__ == "__main__":
    main()

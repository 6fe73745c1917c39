"""Sanity check of :func:`i18n.catalogs.merge` on a large catalog: run by hand, never by pytest.

    python tests/perf_merge.py [ENTRIES] [SEED]

Builds a translated catalog of ENTRIES (default 30,000) generated sentences, then a new
template in which 10% of them are edited (one to three words changed), 5% deleted and 5%
added, merges once and prints the wall time and how the fuzzy matcher did: edited entries
matched to their own old version (right), to another entry (wrong) or to nothing (missed),
and added entries that got a draft anyway (spurious).
"""

from __future__ import annotations

import random
import sys
import time

import polib

from i18n.pipeline.update import MergeStats, merge

TERMS = [
    "deep",
    "vein",
    "thrombosis",
    "clot",
    "anticoagulation",
    "compression",
    "stocking",
    "iliac",
    "femoral",
    "popliteal",
    "calf",
    "thigh",
    "pelvis",
    "ultrasound",
    "venogram",
    "catheter",
    "sheath",
    "stent",
    "balloon",
    "thrombectomy",
    "embolism",
    "swelling",
    "pain",
    "ulcer",
    "valve",
    "reflux",
    "obstruction",
    "symptom",
    "patient",
    "physician",
    "nurse",
    "hospital",
    "treatment",
    "recovery",
    "risk",
    "bleeding",
    "dose",
    "tablet",
    "injection",
    "heparin",
    "warfarin",
    "apixaban",
    "rivaroxaban",
    "pregnancy",
    "surgery",
    "travel",
    "immobility",
    "cancer",
    "smoking",
    "exercise",
    "walking",
    "elevation",
]
GLUE = [
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "with",
    "for",
    "and",
    "or",
    "to",
    "may",
    "can",
    "is",
    "are",
    "be",
    "by",
    "after",
    "before",
    "when",
]


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    made = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 11))) for _ in range(size)}
    return sorted(made) + TERMS


def sentence(rng: random.Random, words: list[str]) -> str:
    n = rng.randint(4, 28)
    out = [rng.choice(GLUE if rng.random() < 0.3 else words) for _ in range(n)]
    return " ".join(out).capitalize() + "."


def edit(rng: random.Random, text: str, words: list[str]) -> str:
    toks = text.rstrip(".").split()
    for _ in range(rng.randint(1, min(3, max(1, len(toks) // 4)))):
        toks[rng.randrange(len(toks))] = rng.choice(words)
    return " ".join(toks) + "."


def main(n: int = 30_000, seed: int = 1) -> None:
    rng = random.Random(seed)
    words = vocabulary(rng)
    msgids: list[str] = []
    seen: set[str] = set()
    while len(msgids) < n:
        s = sentence(rng, words)
        if s not in seen:
            seen.add(s)
            msgids.append(s)
    old = polib.POFile()
    for m in msgids:
        old.append(polib.POEntry(msgid=m, msgstr="DE " + m))

    order = list(range(n))
    rng.shuffle(order)
    edited = set(order[: n // 10])
    deleted = set(order[n // 10 : n // 10 + n // 20])
    pot = polib.POFile()
    origin: dict[str, str] = {}  # new msgid -> the old msgid it was edited from
    for i, m in enumerate(msgids):
        if i in deleted:
            continue
        if i in edited:
            new = edit(rng, m, words)
            if new in seen:
                continue
            origin[new] = m
            seen.add(new)
            m = new
        pot.append(polib.POEntry(msgid=m, msgstr=""))
    added: set[str] = set()
    while len(added) < n // 20:
        s = sentence(rng, words)
        if s not in seen:
            seen.add(s)
            added.add(s)
            pot.append(polib.POEntry(msgid=s, msgstr=""))

    stats = MergeStats()
    start = time.perf_counter()
    merged = merge(pot, old, "de", threshold=70, stats=stats)
    seconds = time.perf_counter() - start

    right = wrong = missed = spurious = 0
    for e in merged:
        if e.obsolete:
            continue
        fuzzy = "fuzzy" in e.flags
        if e.msgid in origin:
            if not fuzzy:
                missed += 1
            elif e.previous_msgid == origin[e.msgid]:
                right += 1
            else:
                wrong += 1
        elif e.msgid in added and fuzzy:
            spurious += 1
    print(
        f"entries: {n} old, {len(pot)} new ({len(origin)} edited, {len(deleted)} deleted, "
        f"{len(added)} added)"
    )
    print(
        f"merge: {seconds:.2f} s wall; exact {stats.exact}, fuzzy {stats.fuzzy}, "
        f"new {stats.new}, obsolete {stats.obsolete}"
    )
    print(f"edited: {right} right, {wrong} wrong, {missed} missed; added: {spurious} spurious")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))

"""A second revision scenario for the merge benchmark, built independently of the first
(bench/scenario.py): other data, another edit model, another seed.

The msgids are *translations*: the translator-written msgstrs of Sphinx's catalogs (its
wheel's ``sphinx/locale/*/LC_MESSAGES/sphinx.po``, about 70 languages) and of Django's,
each distinct text once; each old entry's translation is the English message it translated
(plus the tag ``⟨i⟩`` naming the old entry, which :func:`scenario.score` reads). The old
catalog keeps the texts grouped as their catalogs hold them (language by language), as a real
catalog groups the messages of one file.

The revised template then has:

- 10 % of the msgids *edited*, half by a *typo* (character-level: a letter substituted,
  inserted, deleted, doubled or two swapped; one to a text of up to 30 characters, up to two
  to one of up to 80, up to three to a longer one) and half by an *inserted word* (a word of
  another message of the same catalog, put at a word boundary; two words into a text of more
  than twelve words);
- 5 % *deleted*;
- 5 % *added*: distinct translations not in the old catalog, each put next to a random entry;
- the rest *kept*.

Graded by :func:`scenario.score`, the same right / wrong / missed / guesses on new.
"""

from __future__ import annotations

import json
import random
import re
import zipfile
from pathlib import Path

import polib
from common import WORK, log
from scenario import Scenario, load, save

SEED = 20261202
SPHINX = "sphinx==9.0.4"
_PUNCT = ".,:;!?()[]\"'«»„“”‘’¿¡…"
_UNSPACED = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")  # CJK, Hangul, Thai
_MARKUP = re.compile(r"[%{}<>=&/\\$@#|_*`]")


def translation_pool(wheels: list[Path]) -> list[tuple[str, str, str]]:
    """Distinct ``(translation, English msgid, catalog)`` of every catalog in the wheels, in
    catalog order then entry order (singular, translated, not fuzzy)."""
    cache = WORK / f"pool2-{'-'.join(w.stem for w in wheels)}.json"
    if cache.is_file():
        return [tuple(p) for p in json.loads(cache.read_text(encoding="utf-8"))]
    seen: dict[str, tuple[str, str]] = {}
    count = 0
    for wheel in wheels:
        log(f"reading the .po files of {wheel.name} ...")
        with zipfile.ZipFile(wheel) as zf:
            names = sorted(n for n in zf.namelist() if n.endswith(".po"))
            count += len(names)
            for name in names:
                po = polib.pofile(zf.read(name).decode("utf-8"))
                for e in po:
                    if e.obsolete or e.msgid_plural or not e.msgstr or e.fuzzy:
                        continue
                    text = e.msgstr.strip()
                    if len(text) >= 2 and text != e.msgid and text not in seen:
                        seen[text] = (e.msgid, name)
    pool = [(text, msgid, name) for text, (msgid, name) in seen.items()]
    WORK.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(pool, ensure_ascii=False), encoding="utf-8")
    log(f"{count} catalogs, {len(pool)} distinct translations")
    return pool


# --- edits ----------------------------------------------------------------------------------


def typo(text: str, rng: random.Random) -> str:
    """Character-level slips: one to three, by length, each at a letter of the text."""
    count = 1 if len(text) <= 30 else rng.choice((1, 2)) if len(text) <= 80 else rng.randint(1, 3)
    for _ in range(count):
        letters = [i for i, c in enumerate(text) if c.isalpha()]
        if not letters:
            return text + text[-1]
        i = rng.choice(letters)
        alphabet = [c for c in text if c.isalpha()]
        kind = rng.choice(("substitute", "insert", "delete", "double", "swap"))
        if kind == "substitute":
            text = text[:i] + rng.choice(alphabet) + text[i + 1 :]
        elif kind == "insert":
            text = text[:i] + rng.choice(alphabet) + text[i:]
        elif kind == "delete" and len(letters) > 1:
            text = text[:i] + text[i + 1 :]
        elif kind == "swap" and i + 1 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        else:
            text = text[:i] + text[i] + text[i:]
    return text


def insert_word(text: str, rng: random.Random, donors: list[str]) -> str:
    """A word from another message of the same catalog, at a word boundary (two into a text
    of more than twelve words); in a text written without spaces (Chinese, Japanese), two or
    three characters of another message at any place."""
    count = 2 if len(text.split()) > 12 else 1
    for _ in range(count):
        donor = rng.choice(donors)
        if _UNSPACED.search(text) and " " not in text:
            letters = [c for c in donor if c.isalpha()] or ["新"]
            at = rng.randrange(len(text) + 1)
            word = "".join(rng.choice(letters) for _ in range(rng.choice((2, 3))))
            text = text[:at] + word + text[at:]
            continue
        words = [w.strip(_PUNCT) for w in donor.split() if not _MARKUP.search(w)]
        words = [w for w in words if 2 <= len(w) <= 20 and any(c.isalpha() for c in w)]
        word = rng.choice(words or ["neu"])
        gaps = [0, len(text)] + [m.start() for m in re.finditer(r"(?<=\S) (?=\S)", text)]
        at = rng.choice(gaps)
        if at == 0:
            text = f"{word} {text}"
        elif at == len(text):
            text = f"{text} {word}"
        else:
            text = f"{text[:at]} {word}{text[at:]}"
    return text


# --- the scenario ---------------------------------------------------------------------------


def build(pool: list[tuple[str, str, str]], n: int, seed: int = SEED) -> Scenario:
    """Write ``old.po`` (n entries, all translated), ``new.pot`` and ``truth.json`` in
    ``bench/.cache/work/merge2-<n>``."""
    folder = WORK / f"merge2-{n}"
    cached = load(folder, n)
    if cached is not None:
        return cached
    rng = random.Random(seed)
    n_add = n * 5 // 100
    if len(pool) < n + n_add:
        raise SystemExit(f"the pool holds {len(pool)} translations, fewer than {n + n_add}")
    chosen = rng.sample(range(len(pool)), n + n_add)
    old_ids = sorted(chosen[:n])  # catalog by catalog, as the catalogs hold them
    extra = [pool[i][0] for i in chosen[n:]]
    by_catalog: dict[str, list[str]] = {}
    for text, _msgid, catalog in pool:
        by_catalog.setdefault(catalog, []).append(text)
    old = [(pool[i][0], pool[i][1]) for i in old_ids]
    catalogs = [pool[i][2] for i in old_ids]

    fates = ["edited"] * (n * 10 // 100) + ["deleted"] * (n * 5 // 100)
    fates += ["kept"] * (n - len(fates))
    rng.shuffle(fates)
    taken = {t for t, _ in old} | set(extra)
    truth: dict[str, tuple[str, int | None]] = {}
    template: list[str] = []
    for i, ((text, _msgid), fate) in enumerate(zip(old, fates, strict=True)):
        if fate == "deleted":
            continue
        if fate == "kept":
            truth[text] = ("kept", i)
            template.append(text)
            continue
        new = text
        while new == text or new in taken:
            if rng.random() < 0.5:
                new = typo(text, rng)
            else:
                new = insert_word(text, rng, by_catalog[catalogs[i]])
        taken.add(new)
        truth[new] = ("edited", i)
        template.append(new)
    return save(folder, old, template, truth, added=extra, rng=rng)

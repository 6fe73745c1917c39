"""The revision scenario for merge benchmarks, built from Django's translator-written catalogs.

Django's wheel holds about 1,300 ``.po`` files: about 1,000 English msgids, each translated
into up to 99 languages. Their distinct texts (English msgids and translations, singular,
non-empty, not fuzzy) form a pool of real UI strings written by people, with the near
duplicates real catalogs have (``sr`` / ``sr_Latn`` / ``hr`` / ``bs``, ``es`` / ``es_AR`` ...).

A scenario of N entries (fixed seed) takes N pool texts as the old catalog's msgids, each
translated (its msgstr is a text paired with it in Django plus a tag ``⟨i⟩`` naming the old
entry, so any tool's output can be traced back to the old entry it reused). The revised
template then has:

- 10 % of the msgids *edited* as a reviser would: one edit to a text of up to three words, up
  to two to one of up to ten, up to three to a longer one (a typo fixed or made, a word
  inserted, dropped or replaced, punctuation or capitalisation changed), with words and
  letters taken from texts in the same script;
- 5 % *deleted*;
- 5 % *added*: brand-new pool texts, inserted at random places;
- the rest *kept* as they were.

The truth (which new msgid came from which old entry) is recorded with the files, and
:func:`score` grades a merged catalog against it:

- edited entries: *right* (a fuzzy draft from its own old entry), *wrong* (a fuzzy draft
  from another old entry) or *missed* (left untranslated);
- added entries: *guess* when given any fuzzy draft (there is nothing right to give);
- kept entries: *kept* when the old translation is there, not fuzzy.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polib
from common import WORK, log

SEED = 20260901
LOCALE = "de"
TAG_RE = re.compile(r"⟨(\d+)⟩$")
HEADER = {
    "Project-Id-Version": "bench 1.0",
    "Report-Msgid-Bugs-To": "",
    "POT-Creation-Date": "2026-01-01 00:00+0000",
    "PO-Revision-Date": "2026-01-01 00:00+0000",
    "Last-Translator": "",
    "Language-Team": "German",
    "Language": LOCALE,
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


def django_pool(wheel: Path) -> list[tuple[str, str]]:
    """Distinct (text, paired text) from every catalog in Django's wheel, in a stable order."""
    cache = WORK / f"pool-{wheel.stem}.json"
    if cache.is_file():
        return [tuple(p) for p in json.loads(cache.read_text(encoding="utf-8"))]
    log(f"reading the .po files of {wheel.name} ...")
    seen: dict[str, str] = {}
    with zipfile.ZipFile(wheel) as zf:
        names = sorted(n for n in zf.namelist() if n.endswith(".po"))
        for name in names:
            po = polib.pofile(zf.read(name).decode("utf-8"))
            for e in po:
                if e.obsolete or e.msgid_plural or not e.msgstr or e.fuzzy:
                    continue
                for text, pair in ((e.msgid, e.msgstr), (e.msgstr, e.msgid)):
                    text = text.strip()
                    if len(text) >= 2 and text not in seen:
                        seen[text] = pair
    pool = sorted(seen.items())
    WORK.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(pool, ensure_ascii=False), encoding="utf-8")
    log(f"{len(names)} catalogs, {len(pool)} distinct texts")
    return pool


# --- edits ----------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def _typo(text: str, rng: random.Random, donor: str) -> str:
    words = [m for m in _words(text) if len(m.group()) >= 3] or _words(text)
    if not words:
        return text + "."
    m = rng.choice(words)
    w = list(m.group())
    i = rng.randrange(len(w))
    kind = rng.choice(("sub", "ins", "del", "swap"))
    letters = [c for c in donor if c.isalpha()] or list("etaoin")
    if kind == "sub":
        w[i] = rng.choice(letters)
    elif kind == "ins":
        w.insert(i, rng.choice(letters))
    elif kind == "del" and len(w) > 1:
        del w[i]
    elif len(w) > 1:
        j = min(i + 1, len(w) - 1)
        w[i], w[j] = w[j], w[i]
    return text[: m.start()] + "".join(w) + text[m.end() :]


def _donor_word(donor: str, rng: random.Random) -> str:
    words = [m.group() for m in _words(donor) if len(m.group()) >= 3]
    return rng.choice(words) if words else "new"


def _insert_word(text: str, rng: random.Random, donor: str) -> str:
    spaces = [m.start() for m in re.finditer(r" ", text)] + [len(text)]
    at = rng.choice(spaces)
    return text[:at] + " " + _donor_word(donor, rng) + text[at:]


def _drop_word(text: str, rng: random.Random, donor: str) -> str:
    words = _words(text)
    if len(words) < 3:
        return _insert_word(text, rng, donor)
    m = rng.choice(words)
    end = m.end() + 1 if text[m.end() : m.end() + 1] == " " else m.end()
    return text[: m.start()] + text[end:]


def _replace_word(text: str, rng: random.Random, donor: str) -> str:
    words = _words(text)
    if not words:
        return _insert_word(text, rng, donor)
    m = rng.choice(words)
    return text[: m.start()] + _donor_word(donor, rng) + text[m.end() :]


def _punctuation(text: str, rng: random.Random, donor: str) -> str:
    if text.endswith((".", "!", "?", ":")):
        return text[:-1] if rng.random() < 0.5 else text[:-1] + rng.choice(".!?:…")
    return text + rng.choice((".", ":", "!", "…"))


def _case(text: str, rng: random.Random, donor: str) -> str:
    words = [m for m in _words(text) if m.group()[0].isalpha()]
    if not words:
        return _punctuation(text, rng, donor)
    m = rng.choice(words)
    w = m.group()
    return text[: m.start()] + w[0].swapcase() + w[1:] + text[m.end() :]


EDITS = (_typo, _typo, _insert_word, _drop_word, _replace_word, _replace_word, _punctuation, _case)
ONE_WORD_EDITS = (_typo, _typo, _insert_word, _punctuation, _case)


def script(text: str) -> str:
    """The writing system of a text's first letter (LATIN, CYRILLIC, ARABIC, CJK ...)."""
    for ch in text:
        if ch.isalpha():
            return unicodedata.name(ch, "OTHER").split()[0]
    return "OTHER"


def edit(text: str, rng: random.Random, donors: list[str]) -> str:
    """What a reviser does to a message: one edit to a short text, up to three to a long one,
    with words and letters taken from texts in the same script (``donors``)."""
    words = len(_words(text))
    if words < 4:
        count = 1
    elif words <= 10:
        count = rng.choices((1, 2), weights=(6, 4))[0]
    else:
        count = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
    for _ in range(count):
        ops = EDITS if len(_words(text)) >= 2 else ONE_WORD_EDITS
        text = rng.choice(ops)(text, rng, rng.choice(donors))
    return text


# --- the scenario ---------------------------------------------------------------------------


@dataclass
class Scenario:
    n: int
    folder: Path
    old_po: Path
    new_pot: Path
    truth: dict[str, tuple[str, int | None]]  # new msgid -> (kind, old index)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for kind, _ in self.truth.values():
            out[kind] = out.get(kind, 0) + 1
        return out


def _entry(msgid: str, i: int, msgstr: str = "") -> polib.POEntry:
    return polib.POEntry(
        msgid=msgid,
        msgstr=msgstr,
        occurrences=[(f"app/module{i // 40:04d}.py", str(10 + i % 40 * 7))],
    )


def build(pool: list[tuple[str, str]], n: int, seed: int = SEED) -> Scenario:
    """Write ``old.po`` (n entries, all translated), ``new.pot`` and ``truth.json``."""
    folder = WORK / f"merge-{n}"
    cached = load(folder, n)
    if cached is not None:
        return cached
    rng = random.Random(seed)
    order = list(range(len(pool)))
    rng.shuffle(order)
    n_add = n * 5 // 100
    if len(order) < n + n_add:
        raise SystemExit(f"the pool holds {len(order)} texts, fewer than {n + n_add}")
    old = [pool[i] for i in order[:n]]
    extra = [pool[i][0] for i in order[n : n + n_add]]
    donors: dict[str, list[str]] = {}
    for i in order[: n + n_add]:
        donors.setdefault(script(pool[i][0]), []).append(pool[i][0])
    picked = rng.sample(range(n), n * 15 // 100)
    edited = set(picked[: n * 10 // 100])
    deleted = set(picked[n * 10 // 100 :])
    taken = {t for t, _ in old} | set(extra)

    truth: dict[str, tuple[str, int | None]] = {}
    template: list[str] = []
    for i, (text, _pair) in enumerate(old):
        if i in deleted:
            continue
        if i in edited:
            same_script = donors[script(text)]
            new = edit(text, rng, same_script)
            while new == text or new in taken or not new.strip():
                new = edit(text, rng, same_script)
            taken.add(new)
            truth[new] = ("edited", i)
            template.append(new)
        else:
            truth[text] = ("kept", i)
            template.append(text)
    return save(folder, old, template, truth, added=extra, rng=rng)


def load(folder: Path, n: int) -> Scenario | None:
    """The scenario saved in ``folder`` by :func:`save`, if any."""
    truth_file = folder / "truth.json"
    if not truth_file.is_file():
        return None
    raw = json.loads(truth_file.read_text(encoding="utf-8"))
    truth = {k: (v[0], v[1]) for k, v in raw.items()}
    return Scenario(n, folder, folder / "old.po", folder / "new.pot", truth)


def save(
    folder: Path,
    old: list[tuple[str, str]],
    template: list[str],
    truth: dict[str, tuple[str, int | None]],
    *,
    added: list[str],
    rng: random.Random,
) -> Scenario:
    """Write the old catalog (each ``(msgid, paired text)`` translated as the paired text
    tagged with its index), the template (with the ``added`` texts put at random places)
    and the truth into ``folder``."""
    for text in added:
        template.insert(rng.randrange(len(template) + 1), text)
        truth[text] = ("added", None)
    folder.mkdir(parents=True, exist_ok=True)
    po = polib.POFile(wrapwidth=79)
    po.metadata = dict(HEADER)
    for i, (text, pair) in enumerate(old):
        po.append(_entry(text, i, f"{pair} ⟨{i}⟩"))
    po.save(str(folder / "old.po"))
    pot = polib.POFile(wrapwidth=79)
    pot.metadata = {**HEADER, "Language": "", "POT-Creation-Date": "2026-02-01 00:00+0000"}
    index = {t: k for k, t in enumerate(template)}
    for text in template:
        pot.append(_entry(text, index[text]))
    pot.save(str(folder / "new.pot"))
    (folder / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return Scenario(len(old), folder, folder / "old.po", folder / "new.pot", truth)


@dataclass
class Quality:
    right: int = 0
    wrong: int = 0
    missed: int = 0
    guesses_on_new: int = 0
    kept: int = 0
    kept_lost: int = 0
    fuzzy_total: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def score(scenario: Scenario, merged: Path) -> Quality:
    """Grade a merged catalog against the recorded truth."""
    q = Quality()
    po = polib.pofile(str(merged))
    for e in po:
        if e.obsolete or not e.msgid:
            continue
        kind, old_index = scenario.truth.get(e.msgid, ("unknown", None))
        m = TAG_RE.search(e.msgstr or "")
        source = int(m.group(1)) if m else None
        fuzzy = "fuzzy" in e.flags and source is not None
        q.fuzzy_total += fuzzy
        if kind == "edited":
            if source is None:
                q.missed += 1
            elif source == old_index and fuzzy:
                q.right += 1
            else:
                q.wrong += 1
        elif kind == "added":
            q.guesses_on_new += source is not None
        elif kind == "kept":
            if source == old_index and not fuzzy:
                q.kept += 1
            else:
                q.kept_lost += 1
    return q

"""Update: templates -> every locale's catalog, with msgmerge semantics.

New entries are untranslated; an entry whose msgid changed is matched fuzzily (rapidfuzz) and
keeps its old translation as a fuzzy draft with the previous msgid (``#|``); vanished entries
become obsolete (``#~``); translator comments survive.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polib
from babel import Locale
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from i18n.errors import I18nError
from i18n.formats.country import languages
from i18n.formats.fs import WriteReport
from i18n.formats.po import WRAP, gc_paused, plural_rule, read_po, write_pos
from i18n.formats.runcache import RunRecord, code_key, sha256_file
from i18n.model.locale import normalize_locale
from i18n.model.plurals import PluralRule, cldr_rule
from i18n.model.settings import DEFAULTS
from i18n.pipeline.plurals import migrate_catalog
from i18n.project import Project

if TYPE_CHECKING:  # imported where used, so that `i18n update` does not load the parsers
    pass


# What a merge's result depends on besides its inputs and the i18n package (its record key).
MERGE_LIBRARIES = ("polib", "babel", "rapidfuzz")


# --- update (msgmerge semantics) ----------------------------------------------------------


def _key(e: polib.POEntry) -> tuple[str | None, str]:
    return (e.msgctxt, e.msgid)


def _has_translation(e: polib.POEntry) -> bool:
    """Some translation to carry over (one plural form is enough); unlike
    :func:`i18n.model.states.is_translated`, which asks for every form."""
    if e.msgid_plural:
        return any(e.msgstr_plural.values())
    return bool(e.msgstr)


@dataclass
class MergeStats:
    exact: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0


# Below this many (query, choice) pairs, rapidfuzz's extract per query is quicker than
# importing numpy for cdist.
_SMALL_SEARCH = 250_000

# An old text kept whole inside the new one (a word or a clause added, a letter doubled) is
# offered as a draft down to this many points below the threshold: every word of its
# translation is still needed. Measured on both merge scenarios of bench/README.md ("Merge:
# matcher settings tried"): it finds 4-8 % more right drafts, with about as many wrong ones.
CONTAINED_SLACK = 20


def _similar(
    queries: list[str], choices: list[str], cutoff: float, *, shorter_from: float | None = None
) -> list[tuple[int, int, int]]:
    """``(score, query, choice)`` for every pair whose Indel ratio (``fuzz.ratio``) reaches
    ``cutoff``, the score rounded as ``cdist(dtype="uint8")`` rounds it (what a full cdist
    matrix holds, without computing one).

    A length prefilter skips pairs that cannot reach the cutoff: a ratio of at least c needs
    the shorter text to be at least c/(200-c) of the longer one (for c=70, 54 %). With
    ``shorter_from`` (above ``cutoff``), a choice longer than its query is only looked at
    where the pair can reach ``shorter_from``: pairs under it are wanted only for choices
    shorter than the query, and may be missing for longer ones. Large searches run in
    rapidfuzz's ``cdist`` (C++, both cores) over length bands of the queries, each against
    the slice of choices of admissible lengths.
    """
    if len(queries) * len(choices) <= _SMALL_SEARCH:
        return _similar_unbanded(queries, choices, cutoff)
    import numpy as np  # about 120 ms to import: only a large search needs it

    def ratio_to_length(c: float) -> float:
        return c / (200 - c) * 0.999 if c < 200 else 1.0  # slack for rounding

    k = ratio_to_length(cutoff)
    k_longer = ratio_to_length(max(cutoff, shorter_from or 0))
    by_len = sorted(range(len(choices)), key=lambda j: len(choices[j]))
    lengths = np.array([len(choices[j]) for j in by_len])
    sorted_choices = [choices[j] for j in by_len]
    choice_index = np.array(by_len)
    q_order = sorted(range(len(queries)), key=lambda i: len(queries[i]))
    found = []
    start = 0
    while start < len(q_order):
        shortest = len(queries[q_order[start]])
        stop = start
        while stop < len(q_order) and len(queries[q_order[stop]]) <= max(
            shortest * 1.25, shortest + 4
        ):
            stop += 1
        longest = len(queries[q_order[stop - 1]])
        lo = int(np.searchsorted(lengths, shortest * k, "left"))
        hi = int(np.searchsorted(lengths, longest / k_longer if k_longer else np.inf, "right"))
        if hi > lo:
            band = q_order[start:stop]
            matrix = process.cdist(
                [queries[i] for i in band],
                sorted_choices[lo:hi],
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                dtype="uint8",
                workers=-1,
            )
            rows, cols = matrix.nonzero()
            for r, c, s in zip(
                rows.tolist(),
                (choice_index[lo:hi][cols]).tolist(),
                matrix[rows, cols].tolist(),
                strict=True,
            ):
                found.append((s, band[r], c))
        start = stop
    return found


def _similar_unbanded(
    queries: list[str], choices: list[str], cutoff: float
) -> list[tuple[int, int, int]]:
    found = []
    for qi, text in enumerate(queries):
        for _choice, score, ci in process.extract(
            text, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            rounded = int(score + 0.5)  # as cdist(dtype="uint8") rounds: half up
            if rounded:  # as cdist's nonzero entries: a score rounding to 0 is no match
                found.append((rounded, qi, ci))
    return found


def _contained(old: str, new: str) -> bool:
    """Every character of ``old`` is in ``new``, in order (``new`` only adds to it)."""
    extra = len(new) - len(old)
    return extra > 0 and Indel.distance(old, new, score_cutoff=extra) == extra


def _fuzzy_pairs(
    queries: list[polib.POEntry], choices: list[polib.POEntry], cutoff: float
) -> list[tuple[int, int]]:
    """Assign each query at most one choice (and each choice at most once), best score first
    (ties: earlier query, then earlier choice). A pair qualifies when its similarity reaches
    ``cutoff``, or :data:`CONTAINED_SLACK` less when the old text is whole inside the new."""
    if not queries or not choices:
        return []
    new = [e.msgid for e in queries]
    old = [e.msgid for e in choices]
    floor = max(cutoff - CONTAINED_SLACK, 0)
    scored = [
        (s, r, k)
        for s, r, k in _similar(new, old, floor, shorter_from=cutoff)
        # a rounded score may stand for a ratio just under the cutoff: those are checked
        if s - 0.5 >= cutoff or _contained(old[k], new[r]) or fuzz.ratio(new[r], old[k]) >= cutoff
    ]
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs = []
    for _score, r, k in scored:
        if r in used_q or k in used_c:
            continue
        used_q.add(r)
        used_c.add(k)
        pairs.append((r, k))
    return pairs


def merge(
    pot: polib.POFile,
    old: polib.POFile | None,
    locale: str,
    *,
    threshold: float = DEFAULTS.fuzzy_threshold,
    sparse: bool = False,
    stats: MergeStats | None = None,
) -> polib.POFile:
    """Merge a template into a catalog the way ``msgmerge --previous`` does.

    - an entry whose (msgctxt, msgid) is in the old catalog keeps its translation, flags and
      translator comments; references, extracted comments and flags come from the template;
    - a new msgid similar to an old one (same msgctxt) gets the old translation as a fuzzy
      draft with the previous msgid recorded (``#|``);
    - old entries matched by nothing become obsolete (``#~``) when they hold a translation;
    - ``sparse`` (regional catalogs such as de_CH) adds no untranslated entries.
    """
    with gc_paused():
        return _merge(
            pot, old, locale, threshold, sparse, stats if stats is not None else MergeStats()
        )


def _merge(
    pot: polib.POFile,
    old: polib.POFile | None,
    locale: str,
    threshold: float,
    sparse: bool,
    stats: MergeStats,
) -> polib.POFile:
    rule = catalog_rule(old, locale)
    old_entries = [e for e in (old or []) if e.msgid] if old is not None else []
    live = {_key(e): e for e in old_entries if not e.obsolete}
    dead = {_key(e): e for e in old_entries if e.obsolete}
    used: set[int] = set()
    result: list[polib.POEntry | None] = []
    unmatched: list[tuple[int, polib.POEntry]] = []
    live_get, dead_get = live.get, dead.get
    for new in pot:
        if not new.msgid:
            continue
        key = (new.msgctxt, new.msgid)
        kept, gone = live_get(key), dead_get(key)
        if kept is None and gone is None:
            unmatched.append((len(result), new))
            result.append(None)
            continue
        # an exact match wins even when untranslated (as in msgmerge): no fuzzy guess, and
        # the translator's comment on it stays
        if gone is None:  # the common case: one live entry
            prev = kept
            used.add(id(kept))
        else:
            found = [e for e in (kept, gone) if e is not None]
            prev = next((e for e in found if _has_translation(e)), found[0])
            used.update(id(e) for e in found)
        if _has_translation(prev):
            result.append(_carry(new, prev, rule, fuzzy="fuzzy" in prev.flags, previous=prev))
            stats.exact += 1
        else:
            result.append(None if sparse else _fresh(new, rule, prev.tcomment))

    # fuzzy candidates: translated old entries not claimed by an exact match, same msgctxt
    by_ctx_new: dict[str | None, list[tuple[int, polib.POEntry]]] = defaultdict(list)
    for pos, new in unmatched:
        by_ctx_new[new.msgctxt].append((pos, new))
    by_ctx_old: dict[str | None, list[polib.POEntry]] = defaultdict(list)
    for e in old_entries:
        if id(e) not in used and _has_translation(e) and not e.msgid_plural:
            by_ctx_old[e.msgctxt].append(e)
    for ctx, news in by_ctx_new.items():
        cands = by_ctx_old.get(ctx, [])
        pairs = _fuzzy_pairs([n for _, n in news if not n.msgid_plural], cands, threshold)
        singles = [(p, n) for p, n in news if not n.msgid_plural]
        for qi, ci in pairs:
            pos, new = singles[qi]
            prev = cands[ci]
            used.add(id(prev))
            result[pos] = _carry(new, prev, rule, fuzzy=True, previous=prev, record_previous=True)
            stats.fuzzy += 1
    for pos, new in unmatched:
        if result[pos] is None:
            result[pos] = None if sparse else _fresh(new, rule)
            if not sparse:
                stats.new += 1

    out = polib.POFile(wrapwidth=WRAP)
    for entry in result:
        if entry is not None:
            out.append(entry)
    for e in old_entries:
        if id(e) not in used and _has_translation(e):
            gone = _copy(e)
            gone.obsolete = True
            gone.occurrences = []
            gone.comment = ""
            out.append(gone)
            if not e.obsolete:
                stats.obsolete += 1
    out.header = old.header if old is not None and old.header else _po_header_comment(locale)
    out.metadata = _po_metadata(pot, old, locale, rule)
    out.metadata_is_fuzzy = []
    return out


def _copy(e: polib.POEntry) -> polib.POEntry:
    """A new entry with ``e``'s fields (what ``polib.POEntry(msgid=e.msgid, ...)`` builds,
    without its keyword-argument lookups)."""
    c = polib.POEntry.__new__(polib.POEntry)
    c.__dict__ = {
        "msgid": e.msgid,
        "msgstr": e.msgstr,
        "msgid_plural": e.msgid_plural,
        "msgstr_plural": dict(e.msgstr_plural),
        "msgctxt": e.msgctxt,
        "obsolete": e.obsolete,
        "encoding": polib.default_encoding,
        "comment": e.comment,
        "tcomment": e.tcomment,
        "occurrences": list(e.occurrences),
        "flags": list(e.flags),
        "previous_msgctxt": e.previous_msgctxt,
        "previous_msgid": e.previous_msgid,
        "previous_msgid_plural": e.previous_msgid_plural,
        "linenum": None,
    }
    return c


def _carry(
    new: polib.POEntry,
    prev: polib.POEntry,
    rule: PluralRule,
    *,
    fuzzy: bool,
    previous: polib.POEntry,
    record_previous: bool = False,
) -> polib.POEntry:
    """The template's entry with the old entry's translation, translator comment and state."""
    e = _copy(new)
    if bool(new.msgid_plural) != bool(prev.msgid_plural):
        # singular <-> plural: keep the translation as a draft of the first form
        fuzzy = True
        first = prev.msgstr_plural.get(0, "") if prev.msgid_plural else prev.msgstr
        e.msgstr = "" if new.msgid_plural else first
        e.msgstr_plural = _empty_plurals(rule) if new.msgid_plural else {}
        if new.msgid_plural:
            e.msgstr_plural[0] = first
    elif new.msgid_plural:
        e.msgstr_plural = {**_empty_plurals(rule), **prev.msgstr_plural}
    else:
        e.msgstr = prev.msgstr
    e.tcomment = prev.tcomment
    e.flags = [f for f in new.flags if f != "fuzzy"]
    e.previous_msgid = e.previous_msgctxt = e.previous_msgid_plural = None
    if fuzzy:
        e.flags.insert(0, "fuzzy")
        if record_previous:
            e.previous_msgctxt = previous.msgctxt
            e.previous_msgid = previous.msgid
            e.previous_msgid_plural = previous.msgid_plural or None
        elif "fuzzy" in prev.flags:  # an entry that was already fuzzy keeps its previous msgid
            e.previous_msgid = prev.previous_msgid
            e.previous_msgctxt = prev.previous_msgctxt
            e.previous_msgid_plural = prev.previous_msgid_plural
    return e


def _empty_plurals(rule: PluralRule) -> dict[int, str]:
    return {i: "" for i in range(rule.nplurals)}


def catalog_rule(old: polib.POFile | None, locale: str) -> PluralRule:
    """The plural rule a merged catalog keeps: its own header's (authoritative, as in GNU
    msgmerge and Poedit: a newer CLDR changes nothing), CLDR's for a new catalog."""
    if old is not None and "Plural-Forms" in old.metadata:
        return plural_rule(old)
    return cldr_rule(locale)


def _fresh(new: polib.POEntry, rule: PluralRule, tcomment: str = "") -> polib.POEntry:
    """The template's entry, untranslated (keeping a translator comment already on it)."""
    e = _copy(new)
    e.flags = [f for f in new.flags if f != "fuzzy"]
    e.msgstr = ""
    e.tcomment = tcomment
    if new.msgid_plural:
        e.msgstr_plural = _empty_plurals(rule)
    return e


def _po_header_comment(locale: str) -> str:
    name = Locale.parse(locale).english_name
    return (
        f"{name} translation.\n"
        "Translators: edit msgstr lines; approvals are recorded in the ledger."
    )


def _po_metadata(
    pot: polib.POFile, old: polib.POFile | None, locale: str, rule: PluralRule
) -> dict[str, str]:
    loc = Locale.parse(locale)
    created = pot.metadata.get("POT-Creation-Date", "")
    meta = dict(old.metadata) if old is not None else {}
    meta.setdefault("PO-Revision-Date", created)
    meta.setdefault("Last-Translator", "")
    meta.setdefault("Language-Team", f"{loc.english_name}")
    meta.setdefault("Plural-Forms", rule.header)  # an existing catalog's own stays
    meta.update(
        {
            "Project-Id-Version": pot.metadata.get("Project-Id-Version", ""),
            "Report-Msgid-Bugs-To": pot.metadata.get("Report-Msgid-Bugs-To", ""),
            "POT-Creation-Date": created,
            "Language": locale,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
        }
    )
    return meta


def pot_domains(project: Project) -> list[str]:
    if not project.pot_dir.is_dir():
        return []
    return sorted(p.stem for p in project.pot_dir.glob("*.pot"))


def target_locales(project: Project, extra: Iterable[str] = ()) -> list[str]:
    """Languages named by countries, locales that already have catalogs, plus ``extra``."""

    found = set(languages(project)) | set(project.existing_locales())
    found |= {normalize_locale(x) for x in extra}
    found.discard(project.source_language)
    return sorted(found)


def is_regional(locale: str, all_locales: Iterable[str]) -> bool:
    """A regional variant (de_CH) is sparse when its language (de) has catalogs too."""
    return "_" in locale and locale.split("_")[0] in set(all_locales)


def update(
    project: Project, extra_locales: Iterable[str] = (), *, migrate_plurals: bool = False
) -> WriteReport:
    """POTs -> every locale's PO. All inputs are read and checked before anything is written,
    and the catalogs are written all or none (:func:`~i18n.formats.po.write_pos`).

    A regional catalog (``de_CH`` next to ``de``) is sparse: it holds only the entries where
    the variant differs, and every lookup falls back to the language's catalog. Its existing
    files are merged; missing ones are created (holding just the header) only for a locale
    asked for in ``extra_locales``, so a plain update adds no empty files.

    Each catalog keeps its own Plural-Forms rule. ``migrate_plurals`` moves every catalog of
    the locales in ``extra_locales`` to CLDR's current rule (:mod:`i18n.pipeline.plurals`).
    """
    extra_locales = list(extra_locales)
    if migrate_plurals and not extra_locales:
        raise I18nError(
            "--migrate-plurals changes the catalogs of the locales named with --locale: "
            "name them (e.g. i18n update --locale fr --migrate-plurals)"
        )
    with gc_paused():  # catalogs are tens of thousands of acyclic objects: see gc_paused
        return _update(project, extra_locales, migrate_plurals)


def _update(project: Project, extra_locales: Iterable[str], migrate_plurals: bool) -> WriteReport:
    domains = pot_domains(project)
    if not domains:
        raise I18nError("no templates in locales/templates: run 'i18n extract' first")
    locales = target_locales(project, extra_locales)
    asked = {normalize_locale(x) for x in extra_locales}
    threshold = project.settings.fuzzy_threshold
    # A catalog whose merge last time gave back its own bytes, from a template with the same
    # bytes, under the same code and settings, is skipped: the merge would give them again.
    record = RunRecord.load(
        project.cache_dir / "update.json", code_key("update", MERGE_LIBRARIES, threshold)
    )
    pot_hashes = {d: sha256_file(project.pot_path(d)) for d in domains}
    known = {v.split(" ")[0] for v in record.entries.values() if isinstance(v, str)}
    pots: dict[str, polib.POFile] = {}
    for domain, digest in pot_hashes.items():  # checked first, unless known from last time
        if digest is None or digest not in known:
            pots[domain] = read_po(project.pot_path(domain), project.rel(project.pot_path(domain)))
    planned: list[tuple[Path, polib.POFile]] = []
    stamps: list[str | None] = []  # per planned catalog: its record entry, if it is unchanged
    shown: list[tuple[str, int | None]] = []  # the report's order: (catalog, index in planned)
    kept: dict[str, str] = {}
    report = WriteReport()
    for locale in locales:
        sparse = is_regional(locale, locales)
        migrate = migrate_plurals and locale in asked
        folder = project.locales_dir / locale / "LC_MESSAGES"
        orphans = (
            [p for p in sorted(folder.glob("*.po")) if p.stem not in pot_hashes]
            if folder.is_dir()
            else []
        )
        for domain in domains:
            path = project.po_path(locale, domain)
            rel = project.rel(path)
            exists = path.exists()
            if not exists and sparse and locale not in asked:
                continue
            digest = sha256_file(path) if exists and not path.is_symlink() else None
            stamp = f"{pot_hashes[domain]} {int(sparse)} {digest}" if digest else None
            if stamp and not migrate and record.entries.get(rel) == stamp:
                kept[rel] = stamp
                shown.append((rel, None))
                continue
            old = read_po(path, rel) if exists else None
            if old is not None and migrate:
                _migrate(project, path, old, locale, report)
            if domain not in pots:
                pots[domain] = read_po(
                    project.pot_path(domain), project.rel(project.pot_path(domain))
                )
            merged = merge(pots[domain], old, locale, threshold=threshold, sparse=sparse)
            shown.append((rel, len(planned)))
            planned.append((path, merged))
            stamps.append(None if migrate else stamp)
        for orphan in orphans:
            if migrate:  # every catalog of the locale moves to the new rule, or none
                po = read_po(orphan, project.rel(orphan))
                if _migrate(project, orphan, po, locale, report):
                    shown.append((project.rel(orphan), len(planned)))
                    planned.append((orphan, po))
                    stamps.append(None)
                    continue
            report.notes.append(
                f"{project.rel(orphan)}: no template {orphan.stem}.pot; left untouched"
            )
    changed = write_pos(planned)
    for rel, index in shown:
        report.record(rel, index is not None and changed[index])
        if index is not None and not changed[index] and stamps[index]:
            kept[rel] = stamps[index]  # type: ignore[assignment]
    with contextlib.suppress(OSError):  # a record that cannot be written costs speed only
        record.save(kept)
    return report


def _migrate(
    project: Project, path: Path, po: polib.POFile, locale: str, report: WriteReport
) -> bool:
    """Move one catalog to CLDR's rule (in memory), noting what changed; False when it
    already has that rule."""
    done = migrate_catalog(po, locale)
    if done is None:
        report.notes.append(f"{project.rel(path)}: already has CLDR's plural rule")
        return False
    note = f"{project.rel(path)}: Plural-Forms '{done.old.header}' -> '{done.new.header}'"
    if done.entries:
        note += f"; {done.entries} plural entr{'y' if done.entries == 1 else 'ies'} rearranged"
    if done.untranslated:
        note += (
            f", {done.untranslated} with a new form left untranslated "
            "(to translate and approve again)"
        )
    report.notes.append(note)
    return True

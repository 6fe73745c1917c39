"""POT/PO catalogs: extract, update with msgmerge semantics, read, write, statistics.

This is the only module that reads or writes PO files. Output is deterministic: the same
input gives byte-identical files, and a file whose content would not change is not rewritten.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib
from babel import Locale
from babel.messages.plurals import get_plural
from jinja2 import Environment, TemplateSyntaxError
from rapidfuzz import fuzz, process

from .articles import Article, Segment, load_articles
from .errors import I18nError
from .files import atomic_write, read_text
from .project import Project, normalize_locale
from .review import STATES, Ledger, entry_state

SITE_DOMAIN = "site"
WRAP = 79  # GNU gettext's default page width
HEADER_ORDER = (
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)
JINJA_EXTENSIONS = ["jinja2.ext.i18n"]


# --- reading and writing ------------------------------------------------------------------


_PO_STRING = r'"(?:[^"\\]|\\(?:[abfnrtv\\"\'?]|[0-7]{1,3}|x[0-9A-Fa-f]+))*"'
_PO_LINE = re.compile(
    rf"(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])[ \t]*)?{_PO_STRING}"
    rf"(?:[ \t]*{_PO_STRING})*[ \t]*"
)


def _check_syntax(text: str, shown: str) -> None:
    """Refuse what GNU gettext refuses but polib lets through (a string never closed, an
    unknown escape, a stray word), so a broken file is never rewritten from a partial parse.

    >>> _check_syntax('msgid "a"\\nmsgstr "b\\\\q"\\n', "x.po")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    i18n.errors.I18nError: x.po:2: broken PO file: not a keyword and a complete "string": ...
    """
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if line.startswith(("#~", "#|")):
            line = line[2:].lstrip()
            if line.startswith("|"):  # "#~|": previous msgid of an obsolete entry
                line = line[1:].lstrip()
        elif line.startswith("#"):
            continue  # translator, extracted, reference and flag comments: free text
        if line and not _PO_LINE.fullmatch(line):
            raise I18nError(
                f'broken PO file: not a keyword and a complete "string": {raw.strip()!r}',
                shown,
                number,
            )


def _check_entries(po: polib.POFile, shown: str) -> None:
    seen: dict[tuple[str | None, str], int] = {}
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgstr_plural and not entry.msgid_plural:
            raise I18nError("broken PO file: msgstr[n] without msgid_plural", shown, entry.linenum)
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise I18nError(
                f"broken PO file: duplicate message definition (first at line {seen[key]})",
                shown,
                entry.linenum,
            )
        seen[key] = entry.linenum


def read_po(path: Path, shown: str | None = None) -> polib.POFile:
    """Parse a PO/POT file; syntax and encoding errors name the file and line."""
    shown = shown or str(path)
    try:
        text = read_text(path, shown)
    except I18nError as exc:
        if not exc.message.startswith("not valid UTF-8"):
            raise
        declared = re.search(rb"charset=([A-Za-z0-9_.:-]+)", path.read_bytes()[:4096])
        charset = declared.group(1).decode("ascii") if declared else ""
        if charset.lower().replace("-", "") in ("", "utf8"):
            raise
        raise I18nError(
            f"{exc.message}: catalogs must be UTF-8 and this one declares charset={charset}; "
            "convert it with: msgconv --to-code=UTF-8",
            shown,
            exc.line,
        ) from None
    _check_syntax(text, shown)
    try:
        po = polib.pofile(text, wrapwidth=WRAP)
    except (OSError, ValueError) as exc:
        msg = str(exc)
        m = re.search(r"\(line (\d+)\)", msg)
        line = int(m.group(1)) if m else None
        msg = re.sub(r"\s*\(line \d+\)", "", msg)
        raise I18nError(f"broken PO file: {msg}", shown, line) from None
    _check_entries(po, shown)
    _check_plurals(po, shown, text)
    return po


def _check_plurals(po: polib.POFile, shown: str, text: str) -> None:
    header = po.metadata.get("Plural-Forms", "")
    m = re.search(r"nplurals\s*=\s*(\d+)", header)
    if not m:
        return
    nplurals = int(m.group(1))
    lang = po.metadata.get("Language", "").strip()
    if lang:
        try:
            expected = get_plural(normalize_locale(lang)).num_plurals
        except I18nError:
            raise I18nError(f"header declares unknown Language {lang!r}", shown, 1) from None
        if expected != nplurals:
            raise I18nError(
                f"header declares nplurals={nplurals}, "
                f"but {lang} has {expected} plural forms (CLDR)",
                shown,
                _line_of(text, "Plural-Forms"),
            )
    for entry in po:
        live_plural = entry.msgid_plural and not entry.obsolete and entry.msgstr_plural
        if live_plural and len(entry.msgstr_plural) != nplurals:
            raise I18nError(
                    f"entry has {len(entry.msgstr_plural)} plural forms, header says {nplurals}",
                    shown,
                    entry.linenum,
                )


def _line_of(text: str, needle: str) -> int | None:
    idx = text.find(needle)
    return text.count("\n", 0, idx) + 1 if idx >= 0 else None


def po_text(po: polib.POFile) -> str:
    """Serialize deterministically (header fields in GNU order, wrapped like gettext)."""
    po.wrapwidth = WRAP
    ordered = {k: po.metadata[k] for k in HEADER_ORDER if k in po.metadata}
    ordered.update({k: v for k, v in sorted(po.metadata.items()) if k not in ordered})
    po.metadata = ordered
    text = str(po)
    return text if text.endswith("\n") else text + "\n"


def write_po(path: Path, po: polib.POFile) -> bool:
    """Write atomically; False when the file already holds these bytes."""
    return atomic_write(path, po_text(po))


# --- extraction ---------------------------------------------------------------------------


def _creation_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%d %H:%M+0000")


def _pot_header(project: Project, domain: str) -> dict[str, str]:
    return {
        "Project-Id-Version": f"{project.config['project_name']} {domain}",
        "Report-Msgid-Bugs-To": str(project.config.get("bugs_address", "")),
        "POT-Creation-Date": "",
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }


def _add(
    entries: dict[tuple[str | None, str], polib.POEntry],
    msgctxt: str | None,
    msgid: str,
    ref: tuple[str, str],
    comments: Iterable[str],
    flags: Iterable[str] = (),
    msgid_plural: str = "",
) -> None:
    key = (msgctxt, msgid)
    entry = entries.get(key)
    if entry is None:
        entry = polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr="", occurrences=[], flags=[])
        if msgid_plural:
            entry.msgid_plural = msgid_plural
            entry.msgstr_plural = {0: "", 1: ""}
        entry.comment = ""
        entries[key] = entry
    if ref not in entry.occurrences:
        entry.occurrences.append(ref)
    lines = entry.comment.split("\n") if entry.comment else []
    for c in comments:
        if c not in lines:
            lines.append(c)
    entry.comment = "\n".join(lines)
    for f in flags:
        if f not in entry.flags:
            entry.flags.append(f)


def segment_comments(seg: Segment) -> list[str]:
    return [f"type: {seg.kind}", *seg.notes]


def article_pot(project: Project, article: Article) -> polib.POFile:
    """The template of one article: one entry per segment, in source order."""
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    for seg in article.segments:
        _add(entries, seg.msgctxt, seg.msgid, (article.path, str(seg.line)),
             segment_comments(seg), seg.flags)
    return _make_pot(project, article.slug, entries.values())


def template_files(project: Project) -> list[Path]:
    folder = project.templates_dir
    return sorted(p for p in folder.rglob("*.html") if p.is_file())


def site_pot(project: Project) -> polib.POFile:
    """The template of the site's Jinja2 templates (``{% trans %}`` and ``_()``).

    Jinja2's Babel extractor silently yields nothing for a template it cannot parse, so
    each template is first compiled: a syntax error is an error with its line.
    """
    from jinja2.ext import babel_extract

    env = Environment(extensions=JINJA_EXTENSIONS)
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    for file in template_files(project):
        shown = _template_ref(project, file)
        source = read_text(file, shown)
        try:
            env.parse(source)
        except TemplateSyntaxError as exc:
            raise I18nError(f"template syntax error: {exc.message}", shown, exc.lineno) from None
        found = babel_extract(
            io.BytesIO(source.encode("utf-8")),
            ("_", "gettext", "ngettext", "pgettext", "npgettext"),
            ["i18n:", "Translators:"],
            {"extensions": ",".join(JINJA_EXTENSIONS), "trimmed": "true"},
        )
        for lineno, func, message, comments in found:
            ctx, msgid, plural = _jinja_message(func, message)
            if not msgid:
                continue
            flags = ["python-format"] if re.search(r"%\(\w+\)[sd]", msgid + plural) else []
            notes = [c.removeprefix("i18n:").removeprefix("Translators:").strip() for c in comments]
            _add(entries, ctx, msgid, (shown, str(lineno)), ["type: site template", *notes],
                 flags, plural)
    return _make_pot(project, SITE_DOMAIN, entries.values())


def _template_ref(project: Project, file: Path) -> str:
    """The reference of a template: the same wherever the project or the package lives
    (the package's own templates are ``i18n/templates/...`` from any project)."""
    from .project import PACKAGE_TEMPLATES

    resolved = file.resolve()
    for base, prefix in ((PACKAGE_TEMPLATES.resolve(), "i18n/templates/"), (project.root, "")):
        try:
            return prefix + resolved.relative_to(base).as_posix()
        except ValueError:
            continue
    return "templates/" + file.relative_to(project.templates_dir).as_posix()


def _jinja_message(func: str, message: object) -> tuple[str | None, str, str]:
    if isinstance(message, str):
        return None, message, ""
    parts = [m for m in message if isinstance(m, str) or m is None]  # type: ignore[union-attr]
    if func in ("pgettext", "npgettext"):
        ctx = parts[0]
        rest = parts[1:]
    else:
        ctx, rest = None, parts
    return ctx, rest[0] or "", (rest[1] or "") if len(rest) > 1 else ""


def _make_pot(project: Project, domain: str, entries: Iterable[polib.POEntry]) -> polib.POFile:
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = (
        f"Translation template for {domain}.\n"
        "Generated by i18n extract from the canonical English source; do not edit."
    )
    pot.metadata = _pot_header(project, domain)
    pot.metadata_is_fuzzy = ["fuzzy"]
    for e in entries:
        pot.append(e)
    return pot


def _with_date(pot: polib.POFile, path: Path) -> polib.POFile:
    """Keep the existing POT-Creation-Date when nothing else changed."""
    old_date = ""
    if path.exists():
        try:
            old = polib.pofile(str(path), wrapwidth=WRAP)
            old_date = old.metadata.get("POT-Creation-Date", "")
        except (OSError, ValueError):
            old_date = ""
        pot.metadata["POT-Creation-Date"] = old_date
        if old_date and po_text(pot) == path.read_text(encoding="utf-8"):
            return pot
    pot.metadata["POT-Creation-Date"] = _creation_date()
    return pot


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def record(self, shown: str, changed: bool) -> None:
        (self.written if changed else self.unchanged).append(shown)


def extract(project: Project) -> WriteReport:
    """Articles and templates -> ``locales/templates/*.pot``. Everything is parsed and
    validated before the first file is written, so bad input changes nothing."""
    articles = load_articles(project.root)
    pots = [(a.slug, article_pot(project, a)) for a in articles]
    pots.append((SITE_DOMAIN, site_pot(project)))
    report = WriteReport()
    keep = set()
    for domain, pot in pots:
        path = project.pot_path(domain)
        keep.add(path.name)
        _with_date(pot, path)
        report.record(project.rel(path), write_po(path, pot))
    if project.pot_dir.is_dir():
        for stale in sorted(project.pot_dir.glob("*.pot")):
            if stale.name not in keep:
                stale.unlink()
                report.removed.append(project.rel(stale))
    return report


# --- update (msgmerge semantics) ----------------------------------------------------------


def _key(e: polib.POEntry) -> tuple[str | None, str]:
    return (e.msgctxt, e.msgid)


def _is_translated(e: polib.POEntry) -> bool:
    if e.msgid_plural:
        return any(e.msgstr_plural.values())
    return bool(e.msgstr)


@dataclass
class MergeStats:
    exact: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0


def _fuzzy_pairs(
    queries: list[polib.POEntry], choices: list[polib.POEntry], cutoff: float
) -> list[tuple[int, int]]:
    """Assign each query at most one choice (and each choice at most once), best score first.

    rapidfuzz's ``cdist`` computes the similarity matrix in C across cores; a length prefilter
    is implied by the cutoff (an Indel ratio >= c needs lengths within a factor c/(200-c)).
    """
    if not queries or not choices:
        return []
    q = [e.msgid for e in queries]
    c = [e.msgid for e in choices]
    matrix = process.cdist(
        q, c, scorer=fuzz.ratio, score_cutoff=cutoff, dtype="uint8", workers=-1
    )
    rows, cols = matrix.nonzero()
    scored = sorted(
        ((int(matrix[r, k]), int(r), int(k)) for r, k in zip(rows, cols, strict=True)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
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
    threshold: float = 70,
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
    stats = stats if stats is not None else MergeStats()
    old_entries = [e for e in (old or []) if e.msgid] if old is not None else []
    live = {_key(e): e for e in old_entries if not e.obsolete}
    dead = {_key(e): e for e in old_entries if e.obsolete}
    used: set[int] = set()
    result: list[polib.POEntry | None] = []
    unmatched: list[tuple[int, polib.POEntry]] = []
    for new in pot:
        if not new.msgid:
            continue
        found = [e for e in (live.get(_key(new)), dead.get(_key(new))) if e is not None]
        prev = next((e for e in found if _is_translated(e)), found[0] if found else None)
        if prev is None:
            unmatched.append((len(result), new))
            result.append(None)
            continue
        # an exact match wins even when untranslated (as in msgmerge): no fuzzy guess, and
        # the translator's comment on it stays
        used.update(id(e) for e in found)
        if _is_translated(prev):
            result.append(_carry(new, prev, locale, fuzzy="fuzzy" in prev.flags, previous=prev))
            stats.exact += 1
        else:
            result.append(None if sparse else _fresh(new, locale, prev.tcomment))

    # fuzzy candidates: translated old entries not claimed by an exact match, same msgctxt
    by_ctx_new: dict[str | None, list[tuple[int, polib.POEntry]]] = defaultdict(list)
    for pos, new in unmatched:
        by_ctx_new[new.msgctxt].append((pos, new))
    by_ctx_old: dict[str | None, list[polib.POEntry]] = defaultdict(list)
    for e in old_entries:
        if id(e) not in used and _is_translated(e) and not e.msgid_plural:
            by_ctx_old[e.msgctxt].append(e)
    for ctx, news in by_ctx_new.items():
        cands = by_ctx_old.get(ctx, [])
        pairs = _fuzzy_pairs([n for _, n in news if not n.msgid_plural], cands, threshold)
        singles = [(p, n) for p, n in news if not n.msgid_plural]
        for qi, ci in pairs:
            pos, new = singles[qi]
            prev = cands[ci]
            used.add(id(prev))
            result[pos] = _carry(
                new, prev, locale, fuzzy=True, previous=prev, record_previous=True
            )
            stats.fuzzy += 1
    for pos, new in unmatched:
        if result[pos] is None:
            result[pos] = None if sparse else _fresh(new, locale)
            if not sparse:
                stats.new += 1

    out = polib.POFile(wrapwidth=WRAP)
    for entry in result:
        if entry is not None:
            out.append(entry)
    for e in old_entries:
        if id(e) not in used and _is_translated(e):
            gone = _copy(e)
            gone.obsolete = True
            gone.occurrences = []
            gone.comment = ""
            out.append(gone)
            if not e.obsolete:
                stats.obsolete += 1
    out.header = old.header if old is not None and old.header else _po_header_comment(locale)
    out.metadata = _po_metadata(pot, old, locale)
    out.metadata_is_fuzzy = []
    return out


def _copy(e: polib.POEntry) -> polib.POEntry:
    c = polib.POEntry(
        msgid=e.msgid,
        msgstr=e.msgstr,
        msgctxt=e.msgctxt,
        msgid_plural=e.msgid_plural,
        msgstr_plural=dict(e.msgstr_plural),
        occurrences=list(e.occurrences),
        comment=e.comment,
        tcomment=e.tcomment,
        flags=list(e.flags),
        previous_msgid=e.previous_msgid,
        previous_msgctxt=e.previous_msgctxt,
        previous_msgid_plural=e.previous_msgid_plural,
    )
    c.obsolete = e.obsolete
    return c


def _carry(
    new: polib.POEntry,
    prev: polib.POEntry,
    locale: str,
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
        e.msgstr_plural = _empty_plurals(locale) if new.msgid_plural else {}
        if new.msgid_plural:
            e.msgstr_plural[0] = first
    elif new.msgid_plural:
        e.msgstr_plural = {**_empty_plurals(locale), **prev.msgstr_plural}
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


def _empty_plurals(locale: str) -> dict[int, str]:
    return {i: "" for i in range(get_plural(locale).num_plurals)}


def _fresh(new: polib.POEntry, locale: str, tcomment: str = "") -> polib.POEntry:
    """The template's entry, untranslated (keeping a translator comment already on it)."""
    e = _copy(new)
    e.flags = [f for f in new.flags if f != "fuzzy"]
    e.msgstr = ""
    e.tcomment = tcomment
    if new.msgid_plural:
        e.msgstr_plural = _empty_plurals(locale)
    return e


def _po_header_comment(locale: str) -> str:
    name = Locale.parse(locale).english_name
    return (
        f"{name} translation.\n"
        "Translators: edit msgstr lines; approvals are recorded in the ledger."
    )


def _po_metadata(pot: polib.POFile, old: polib.POFile | None, locale: str) -> dict[str, str]:
    loc = Locale.parse(locale)
    plural = get_plural(locale)
    created = pot.metadata.get("POT-Creation-Date", "")
    meta = dict(old.metadata) if old is not None else {}
    meta.setdefault("PO-Revision-Date", created)
    meta.setdefault("Last-Translator", "")
    meta.setdefault("Language-Team", f"{loc.english_name}")
    meta.update(
        {
            "Project-Id-Version": pot.metadata.get("Project-Id-Version", ""),
            "Report-Msgid-Bugs-To": pot.metadata.get("Report-Msgid-Bugs-To", ""),
            "POT-Creation-Date": created,
            "Language": locale,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": f"nplurals={plural.num_plurals}; plural={plural.plural_expr};",
        }
    )
    return meta


def pot_domains(project: Project) -> list[str]:
    if not project.pot_dir.is_dir():
        return []
    return sorted(p.stem for p in project.pot_dir.glob("*.pot"))


def target_locales(project: Project, extra: Iterable[str] = ()) -> list[str]:
    """Languages named by countries, locales that already have catalogs, plus ``extra``."""
    from .countries import languages

    found = set(languages(project)) | set(project.existing_locales())
    found |= {normalize_locale(x) for x in extra}
    found.discard(project.source_language)
    return sorted(found)


def is_regional(locale: str, all_locales: Iterable[str]) -> bool:
    """A regional variant (de_CH) is sparse when its language (de) has catalogs too."""
    return "_" in locale and locale.split("_")[0] in set(all_locales)


def update(project: Project, extra_locales: Iterable[str] = ()) -> WriteReport:
    """POTs -> every locale's PO. All inputs are read and checked before anything is written.

    A regional catalog (``de_CH`` next to ``de``) is sparse: it holds only the entries where
    the variant differs, and every lookup falls back to the language's catalog. Its existing
    files are merged; missing ones are created (holding just the header) only for a locale
    asked for in ``extra_locales``, so a plain update adds no empty files.
    """
    domains = pot_domains(project)
    if not domains:
        raise I18nError("no templates in locales/templates: run 'i18n extract' first")
    locales = target_locales(project, extra_locales)
    asked = {normalize_locale(x) for x in extra_locales}
    pots = {d: read_po(project.pot_path(d), project.rel(project.pot_path(d))) for d in domains}
    threshold = float(project.config.get("fuzzy_threshold", 70))
    planned: list[tuple[Path, polib.POFile]] = []
    report = WriteReport()
    for locale in locales:
        sparse = is_regional(locale, locales)
        for domain in domains:
            path = project.po_path(locale, domain)
            old = read_po(path, project.rel(path)) if path.exists() else None
            if old is None and sparse and locale not in asked:
                continue
            merged = merge(pots[domain], old, locale, threshold=threshold, sparse=sparse)
            planned.append((path, merged))
        folder = project.locales_dir / locale / "LC_MESSAGES"
        if folder.is_dir():
            for orphan in sorted(folder.glob("*.po")):
                if orphan.stem not in pots:
                    report.notes.append(
                        f"{project.rel(orphan)}: no template {orphan.stem}.pot; left untouched"
                    )
    for path, po in planned:
        report.record(project.rel(path), write_po(path, po))
    return report


# --- statistics ---------------------------------------------------------------------------


@dataclass
class Counts:
    untranslated: int = 0
    draft: int = 0
    rejected: int = 0
    translated: int = 0
    approved: int = 0

    @property
    def total(self) -> int:
        return self.untranslated + self.draft + self.rejected + self.translated + self.approved

    def add(self, state: str, n: int = 1) -> None:
        setattr(self, state, getattr(self, state) + n)

    def as_dict(self) -> dict[str, int]:
        d = {s: getattr(self, s) for s in STATES}
        d["total"] = self.total
        return d


def catalog_counts(po: polib.POFile, ledger: Ledger) -> Counts:
    """Count entries by state, as msgfmt does: a fuzzy entry is not translated."""
    approved = ledger.approved_hashes()
    rejected = set(ledger.latest("rejected"))
    counts = Counts()
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        counts.add(entry_state(entry, approved, rejected))
    return counts


def status(project: Project) -> dict[str, dict[str, Counts]]:
    """``{locale: {domain: Counts}}`` for every locale with catalogs."""
    out: dict[str, dict[str, Counts]] = {}
    for locale in project.existing_locales():
        ledger = Ledger.read(project.ledger_path(locale))
        ledger.report()
        per: dict[str, Counts] = {}
        folder = project.locales_dir / locale / "LC_MESSAGES"
        for path in sorted(folder.glob("*.po")):
            per[path.stem] = catalog_counts(read_po(path, project.rel(path)), ledger)
        out[locale] = per
    return out

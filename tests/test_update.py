"""``i18n update`` keeps translators' work the way GNU ``msgmerge --previous`` does, end to end
through the CLI: an edited sentence becomes a fuzzy draft with its previous msgid, a deleted
paragraph becomes obsolete, a re-wrapped paragraph changes nothing, translator comments
survive; ``i18n status`` counts like ``msgfmt --statistics``; regional catalogs are sparse."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from conftest import copy_project, msgfmt_check, snapshot

from i18n.cli import cli

SLUG = "post-thrombotic-syndrome"
ARTICLE = f"source/articles/{SLUG}.md"
POT = f"locales/templates/{SLUG}.pot"
LOCALES = ("ar", "de", "fr", "it", "ja", "nl", "pt", "tr")
TRANSLATED = 24  # the first entries of each catalog get a (fake) translation


def po_path(root: Path, locale: str, domain: str = SLUG) -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / f"{domain}.po"


def run_ok(run, root: Path, *args: str) -> str:
    result = run(root, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def extract_and_update(run, root: Path, *update_args: str) -> None:
    run_ok(run, root, "extract")
    run_ok(run, root, "update", *update_args)


def edit_source(root: Path, old: str, new: str) -> None:
    path = root / ARTICLE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def state(root: Path, locale: str) -> dict[tuple[str | None, str, bool], dict]:
    """Everything a translator owns in a catalog, per (msgctxt, msgid, obsolete)."""
    po = polib.pofile(str(po_path(root, locale)))
    return {
        (e.msgctxt, e.msgid, bool(e.obsolete)): {
            "msgstr": e.msgstr,
            "fuzzy": "fuzzy" in e.flags,
            "previous": (e.previous_msgctxt, e.previous_msgid),
            "tcomment": e.tcomment,
        }
        for e in po
    }


@pytest.fixture(scope="module")
def translated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample after extract + update, with the first entries of one article translated
    in every locale, translator comments on some entries (one of them untranslated).
    Built once; each test works on its own copy (:func:`translated`)."""
    root = copy_project(tmp_path_factory.mktemp("translated") / "proj", locales=False)

    def run(root: Path, *args: str) -> Result:
        cmd, *rest = args
        return CliRunner().invoke(cli, [cmd, "--project", str(root), *rest])

    extract_and_update(run, root)
    for locale in LOCALES:
        path = po_path(root, locale)
        po = polib.pofile(str(path))
        for i, entry in enumerate(po):
            if i < TRANSLATED:
                entry.msgstr = f"[{locale}] {entry.msgid}"
            if i % 5 == 0:
                entry.tcomment = f"checked with the {locale} medical team (entry {i})"
        commented = next(e for i, e in enumerate(po) if i >= TRANSLATED and i % 5 == 0)
        assert not commented.msgstr and commented.tcomment
        po.save(str(path))  # polib's own formatting: update normalizes it once
    run_ok(run, root, "update")
    return root


@pytest.fixture
def translated(translated_template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "proj"
    shutil.copytree(translated_template, dest)
    return dest


def test_translations_and_comments_survive_unchanged_source(translated: Path, run) -> None:
    before = {loc: state(translated, loc) for loc in LOCALES}
    snap = snapshot(translated)
    extract_and_update(run, translated)
    assert snapshot(translated) == snap
    for loc in LOCALES:
        entries = before[loc].values()
        assert sum(bool(e["msgstr"]) for e in entries) == TRANSLATED
        assert sum(bool(e["tcomment"]) for e in entries) > TRANSLATED // 5
        assert any(e["tcomment"] and not e["msgstr"] for e in entries)


def test_edited_sentence_becomes_fuzzy_with_previous_msgid(translated: Path, run) -> None:
    before = {loc: state(translated, loc) for loc in LOCALES}
    pot_before = {(e.msgctxt, e.msgid) for e in polib.pofile(str(translated / POT))}
    edit_source(
        translated,
        "about 5 to 10% develop a severe form",
        "about 5 to 10% go on to develop a severe form",
    )
    extract_and_update(run, translated)

    pot_after = {(e.msgctxt, e.msgid) for e in polib.pofile(str(translated / POT))}
    [(_, old_id)] = pot_before - pot_after
    [(_, new_id)] = pot_after - pot_before
    assert old_id.startswith("Studies report") and "go on to develop" in new_id
    for loc in LOCALES:
        after = state(translated, loc)
        old = before[loc].pop((None, old_id, False))
        new = after.pop((None, new_id, False))
        assert old["msgstr"] and not old["fuzzy"]
        assert new == {**old, "fuzzy": True, "previous": (None, old_id)}
        assert after == before[loc]  # every other entry exactly as it was: none fuzzy
        assert not any(key[2] for key in after)  # nothing obsolete
        assert msgfmt_check(po_path(translated, loc)).returncode == 0


def test_heading_kept_whole_in_a_longer_one_gets_its_draft(translated: Path, run) -> None:
    """Under the threshold (a similarity of 65 and 69 where 70 is asked for), the old text
    kept whole inside the new one is still offered as a fuzzy draft; a rewording is not."""
    before = state(translated, "de")
    longer = "Why post-thrombotic syndrome develops in some people after a clot in the leg"
    edit_source(translated, "## Why post-thrombotic syndrome develops", f"## {longer}")
    edit_source(translated, "## Common symptoms", "## Common complaints")
    extract_and_update(run, translated)

    after = state(translated, "de")
    old = before[(None, "Why post-thrombotic syndrome develops", False)]
    assert old["msgstr"] and not old["fuzzy"]
    assert after[(None, longer, False)] == {
        **old,
        "fuzzy": True,
        "previous": (None, "Why post-thrombotic syndrome develops"),
    }
    assert after[(None, "Common complaints", False)]["msgstr"] == ""
    gone = after[(None, "Common symptoms", True)]
    assert gone["msgstr"] == before[(None, "Common symptoms", False)]["msgstr"] != ""
    assert (None, "Why post-thrombotic syndrome develops", True) not in after
    assert msgfmt_check(po_path(translated, "de")).returncode == 0


def test_fuzzy_draft_stays_fuzzy_until_a_translator_clears_it(translated: Path, run) -> None:
    edit_source(translated, "roughly 20 to 50%", "roughly 20 to 40%")
    extract_and_update(run, translated)
    fuzzy = {loc: state(translated, loc) for loc in LOCALES}
    snap = snapshot(translated)
    extract_and_update(run, translated)
    assert snapshot(translated) == snap
    assert {loc: state(translated, loc) for loc in LOCALES} == fuzzy


def test_deleted_paragraph_becomes_obsolete(translated: Path, run) -> None:
    before = {loc: state(translated, loc) for loc in LOCALES}
    paragraph = (
        "Both problems raise the pressure in the veins of the lower leg, especially when "
        "standing. Over\ntime this *venous hypertension* causes fluid to leak into the tissues "
        "and can damage the skin.\n\n"
    )
    edit_source(translated, paragraph, "")
    extract_and_update(run, translated)
    msgid = " ".join(paragraph.split())
    for loc in LOCALES:
        after = state(translated, loc)
        gone = before[loc].pop((None, msgid, False))
        assert gone["msgstr"]
        assert after.pop((None, msgid, True)) == gone
        assert after == before[loc]
        text = po_path(translated, loc).read_text(encoding="utf-8")
        assert '#~ msgid ""\n#~ "Both problems raise' in text
        check = msgfmt_check(po_path(translated, loc))
        assert check.returncode == 0 and check.stderr == "", check.stderr


def test_deleted_untranslated_entries_leave_nothing(translated: Path, run) -> None:
    """msgmerge drops a vanished entry that holds no translation (even with a translator
    comment); so do we. Here: a table row of three untranslated cells."""
    text = (translated / ARTICLE).read_text(encoding="utf-8")
    row = next(line for line in text.split("\n") if line.startswith("| Weight management"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    before = {loc: state(translated, loc) for loc in LOCALES}
    for loc in LOCALES:
        found = [v for k, v in before[loc].items() if k[1] in cells]
        assert len(found) == 3 and not any(v["msgstr"] for v in found)
        assert any(v["tcomment"] for v in found)
    edit_source(translated, row + "\n", "")
    extract_and_update(run, translated)
    for loc in LOCALES:
        assert state(translated, loc) == {k: v for k, v in before[loc].items() if k[1] not in cells}


def move_word(text: str, line_no: int) -> str:
    """Move the last word of line ``line_no`` (1-based) to the start of the next line,
    keeping the next line's indentation: the paragraph is re-wrapped, its lines counted."""
    lines = text.split("\n")
    head, word = lines[line_no - 1].rsplit(" ", 1)
    nxt = lines[line_no]
    indent = nxt[: len(nxt) - len(nxt.lstrip())]
    lines[line_no - 1] = head
    lines[line_no] = f"{indent}{word} {nxt.lstrip()}"
    return "\n".join(lines)


def test_rewrapped_paragraph_changes_no_file(translated: Path, run) -> None:
    src = translated / ARTICLE
    text = src.read_text(encoding="utf-8")
    lines = text.split("\n")
    para = lines.index(next(x for x in lines if x.startswith("Healthy leg veins"))) + 1
    item = lines.index(next(x for x in lines if x.startswith("- **Venous claudication"))) + 1
    for n in (para, para + 1, para + 3, item):
        text = move_word(text, n)
    # a hard break ("two spaces") is kept: it is not re-wrapping
    assert text != src.read_text(encoding="utf-8")
    snap = snapshot(translated)
    src.write_text(text, encoding="utf-8")
    extract_and_update(run, translated)
    after = snapshot(translated)
    assert {k: v for k, v in after.items() if k != ARTICLE} == {
        k: v for k, v in snap.items() if k != ARTICLE
    }


def test_rewrap_to_fewer_lines_changes_only_references(translated: Path, run) -> None:
    before = {loc: state(translated, loc) for loc in LOCALES}
    snap = snapshot(translated)
    text = (translated / ARTICLE).read_text(encoding="utf-8")
    start = text.index("Healthy leg veins")
    end = text.index("\n\n", start)
    (translated / ARTICLE).write_text(
        text[:start] + " ".join(text[start:end].split()) + text[end:], encoding="utf-8"
    )
    extract_and_update(run, translated)
    after = snapshot(translated)
    for loc in LOCALES:
        assert state(translated, loc) == before[loc]
    for name in sorted(set(after) - {ARTICLE}):
        old = snap[name].decode().split("\n")
        new = after[name].decode().split("\n")
        changed = {x for x in set(old) ^ set(new)}
        assert all(x.startswith("#: ") or "POT-Creation-Date" in x for x in changed), name


# --- status counts like msgfmt -----------------------------------------------------------


def msgfmt_statistics(path: Path) -> dict[str, int]:
    out = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for n, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", out):
        counts[kind] = int(n)
    return counts


def test_status_counts_like_msgfmt(bare_project: Path, run) -> None:
    extract_and_update(run, bare_project)
    catalogs = {"de": SLUG, "ar": "site"}
    for loc, domain in catalogs.items():
        path = po_path(bare_project, loc, domain)
        po = polib.pofile(str(path))
        for i, entry in enumerate(po):
            if entry.msgid_plural:  # every plural form translated
                entry.msgstr_plural = {k: f"form {k}" for k in entry.msgstr_plural}
                continue
            if i % 3 == 0:
                entry.msgstr = f"[{loc}] {entry.msgid}"
            if i % 4 == 0:
                entry.flags.append("fuzzy")  # fuzzy, with or without a msgstr
        po.save(str(path))
        # fuzzy and untranslated obsolete entries count for nothing
        with path.open("a", encoding="utf-8") as fh:
            fh.write(
                '\n#~ msgid "Gone"\n#~ msgstr "Weg"\n\n#, fuzzy\n#~ msgid "Old"\n#~ msgstr "Alt"\n'
            )

    data = json.loads(run_ok(run, bare_project, "status", "--format", "json"))
    for loc, domain in catalogs.items():
        ours = data[loc][domain]
        gnu = msgfmt_statistics(po_path(bare_project, loc, domain))
        assert gnu["translated"] and gnu["fuzzy"] and gnu["untranslated"]
        assert ours["translated"] + ours["approved"] + ours["rejected"] == gnu["translated"]
        assert ours["draft"] == gnu["fuzzy"]
        assert ours["untranslated"] == gnu["untranslated"]
        assert ours["total"] == sum(gnu.values())
    # every catalog is reported, and an untouched one is all untranslated
    for loc in LOCALES:
        for path in po_path(bare_project, loc).parent.glob("*.po"):
            assert path.stem in data[loc]
    untouched = data["fr"][SLUG]
    assert untouched["untranslated"] == untouched["total"] > 0

    # Deliberate difference: msgfmt counts a plural entry as translated as soon as msgstr[0]
    # is (it looks at the first form only); for us an entry missing plural forms is not
    # translated, so it can never be published with a form missing.
    path = po_path(bare_project, "ar", "site")
    po = polib.pofile(str(path))
    plural = next(e for e in po if e.msgid_plural)
    plural.msgstr_plural = {k: (v if k == 0 else "") for k, v in plural.msgstr_plural.items()}
    po.save(str(path))
    gnu = msgfmt_statistics(path)
    ours = json.loads(run_ok(run, bare_project, "status", "--format", "json"))["ar"]["site"]
    assert ours["translated"] == gnu["translated"] - 1
    assert ours["untranslated"] == gnu["untranslated"] + 1

    table = run_ok(run, bare_project, "status")
    row = next(
        line
        for line in table.splitlines()
        if line.split("│")[1:3]
        and line.split("│")[1].strip() == "de"
        and SLUG[:20] in line.split("│")[2]
    )
    cells = [c.strip() for c in row.split("│")[3:8]]
    de = data["de"][SLUG]
    assert cells == [
        str(de[k]) for k in ("untranslated", "draft", "rejected", "translated", "approved")
    ]


# --- regional catalogs ------------------------------------------------------------------


def test_regional_catalog_is_sparse_and_merged(translated: Path, run) -> None:
    run_ok(run, translated, "update", "--locale", "de-CH")
    folder = translated / "locales" / "de_CH" / "LC_MESSAGES"
    pos = sorted(p.stem for p in folder.glob("*.po"))
    assert pos == sorted(p.stem for p in (translated / "locales" / "templates").glob("*.pot"))
    for path in folder.glob("*.po"):
        po = polib.pofile(str(path))
        assert po.metadata["Language"] == "de_CH"
        assert [e for e in po if not e.obsolete] == []  # nothing untranslated
        check = msgfmt_check(path)
        assert check.returncode == 0 and check.stderr == "", check.stderr

    # the Swiss team adds the one entry where Swiss German differs (no "ß")
    path = folder / f"{SLUG}.po"
    pot = polib.pofile(str(translated / POT))
    source = next(e for e in pot if e.msgid.startswith("Studies report"))
    po = polib.pofile(str(path))
    entry = polib.POEntry(
        msgid=source.msgid,
        msgstr="Studien zeigen, dass grössere Anteile",
        tcomment="Swiss spelling",
    )
    po.append(entry)
    po.save(str(path))
    run_ok(run, translated, "update")  # no --locale: de_CH is now a catalog of the project
    po = polib.pofile(str(path))
    [kept] = po
    assert (kept.msgid, kept.msgstr, kept.tcomment) == (source.msgid, entry.msgstr, entry.tcomment)
    assert kept.occurrences == source.occurrences  # references come from the template
    snap = snapshot(translated)
    run_ok(run, translated, "update")
    assert snapshot(translated) == snap

    # the source sentence changes: the Swiss entry becomes a fuzzy draft, still alone
    edit_source(translated, "roughly 20 to 50%", "roughly 20 to 40%")
    extract_and_update(run, translated)
    [draft] = polib.pofile(str(path))
    assert "fuzzy" in draft.flags and draft.previous_msgid == source.msgid
    assert draft.msgstr == entry.msgstr and "20 to 40%" in draft.msgid
    assert state(translated, "de")[(None, draft.msgid, False)]["fuzzy"]

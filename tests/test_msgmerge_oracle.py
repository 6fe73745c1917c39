"""``i18n update`` against GNU ``msgmerge --previous`` on the same POT/PO pair.

The case is a German catalog of an article: 15 translated entries (some with translator
comments, one already fuzzy), and a new template in which three sentences were edited (one
of them a front-matter field with msgctxt), one paragraph was deleted, three were added,
and an entry that was obsolete comes back. Both tools must agree on which entries are
translated, which are fuzzy (and with which previous msgctxt/msgid), which are obsolete,
and on every translation and translator comment.

Where the two deliberately differ, the fixture stays clear of it, and
:func:`test_where_we_differ_from_msgmerge_on_purpose` shows each difference with both tools:

1. msgmerge looks for a fuzzy match across contexts (a ``title`` translation offered for a
   ``keyword``); we only match within the same msgctxt: a front-matter field's draft must
   come from the same field.
2. msgmerge offers a weak guess (its threshold is a similarity of 0.6) to brand-new
   entries; we ask for 70 (rapidfuzz's Indel ratio, ``fuzzy_threshold`` in the config;
   50 when the old text is whole inside the new one): in regulated text a wrong draft
   costs a reviewer more than no draft.
3. msgmerge gives one old translation to every new entry it resembles, even to an entry
   next to the exact match it came from; we give each old translation to one new entry at
   most (the best match), and never one that an exact match already kept.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest

HEADER = {
    "Project-Id-Version": "INVAMED articles case",
    "Report-Msgid-Bugs-To": "",
    "POT-Creation-Date": "2026-11-01 10:00+0000",
    "PO-Revision-Date": "2026-11-02 10:00+0000",
    "Last-Translator": "Anna Translator <anna@example.org>",
    "Language-Team": "German",
    "Language": "de",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


@dataclass(frozen=True)
class E:
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    tcomment: str = ""
    fuzzy: bool = False
    previous: str | None = None
    obsolete: bool = False


OLD = [
    E(
        "Post-Thrombotic Syndrome: The Long-Term Effects of a Leg Clot",
        "Postthrombotisches Syndrom: Die Langzeitfolgen eines Blutgerinnsels im Bein",
        "title",
    ),
    E("Conditions", "Erkrankungen", "category"),
    E(
        "post-thrombotic syndrome",
        "postthrombotisches Syndrom",
        "keyword",
        tcomment="glossary term",
    ),
    E(
        "Studies report that roughly 20 to 50% of people with a DVT in the leg develop some "
        "signs of PTS, usually within 1 to 2 years.",
        "Studien zufolge entwickeln etwa 20 bis 50 % der Menschen mit einer TVT im Bein "
        "innerhalb von 1 bis 2 Jahren Anzeichen eines PTS.",
        tcomment="numbers checked against the source study",
    ),
    E("Why post-thrombotic syndrome develops", "Wie ein postthrombotisches Syndrom entsteht"),
    E(
        "Healthy leg veins rely on thin, one-way valves and the pumping action of the calf "
        "muscles to move blood back towards the heart.",
        "Gesunde Beinvenen sind auf dünne Venenklappen und die Pumpwirkung der Wadenmuskulatur "
        "angewiesen, um das Blut zum Herzen zurückzuführen.",
    ),
    E("Common symptoms", "Häufige Beschwerden"),
    E(
        "**Heaviness and aching:** a tired, dragging feeling in the affected leg.",
        "**Schwere und Schmerzen:** ein müdes, ziehendes Gefühl im betroffenen Bein.",
        tcomment="reviewed by Dr. Weber",
    ),
    E(
        "**Swelling:** often around the ankle and calf, sometimes affecting the whole leg.",
        "**Schwellung:** oft um Knöchel und Wade, manchmal am ganzen Bein.",
    ),
    E(
        "**Venous ulcers:** open wounds, usually on the inner ankle, that are slow to heal.",
        "**Venöse Geschwüre:** offene Wunden, meist am inneren Knöchel, die langsam heilen.",
        fuzzy=True,
        previous="**Venous ulcers:** open wounds, usually on the inner ankle.",
    ),
    E("How it is assessed", "Wie es beurteilt wird"),
    E(
        "Compression stockings were once routinely prescribed to prevent PTS.",
        "Kompressionsstrümpfe wurden früher routinemässig zur Vorbeugung eines PTS verordnet.",
        tcomment="de_CH spelling on purpose? ask the Swiss team",
    ),
    E("Skin care", "Hautpflege"),
    E("Frequently Asked Questions", "Häufig gestellte Fragen"),
    E("Can post-thrombotic syndrome be cured?", "Ist ein postthrombotisches Syndrom heilbar?"),
    E("Weight management"),  # untranslated, with a note: kept untranslated
    E("Ulcer care"),  # untranslated and deleted: dropped
    E("Exercise and leg elevation", "Bewegung und Hochlagern der Beine", obsolete=True),
    E(
        "An obsolete sentence about leg ulcers and their slow healing process.",
        "Ein veralteter Satz über Beingeschwüre.",
        obsolete=True,
    ),
]
TCOMMENT_ON_UNTRANSLATED = ("Weight management", "term: Gewichtskontrolle?")

NEW = [
    # edited front-matter title (same msgctxt)
    E(
        "Post-Thrombotic Syndrome: The Long-Term Effects of a Blood Clot in the Leg",
        msgctxt="title",
    ),
    E("Conditions", msgctxt="category"),
    E("post-thrombotic syndrome", msgctxt="keyword"),
    E("PTS", msgctxt="keyword"),  # added
    # edited numbers
    E(
        "Studies report that roughly 20 to 40% of people with a DVT in the leg develop some "
        "signs of PTS, usually within 1 to 2 years."
    ),
    E("Why post-thrombotic syndrome develops"),
    E(
        "Healthy leg veins rely on thin, one-way valves and the pumping action of the calf "
        "muscles to move blood back towards the heart."
    ),
    E("Common symptoms"),
    # edited wording
    E("**Heaviness and aching:** a tired, heavy feeling in the affected leg, worse at night."),
    E("**Swelling:** often around the ankle and calf, sometimes affecting the whole leg."),
    E("**Venous ulcers:** open wounds, usually on the inner ankle, that are slow to heal."),
    E("How it is assessed"),
    # deleted: "Compression stockings were once routinely prescribed to prevent PTS."
    E("Skin care"),
    E("Weight management"),
    E("Exercise and leg elevation"),  # back from the obsolete entries
    E("Frequently Asked Questions"),
    E("Can post-thrombotic syndrome be cured?"),
    E("Anticoagulation lowers the chance of a second clot."),  # added
    E("Talk to your doctor before stopping any medicine."),  # added
]


def write_po(path: Path, entries: list[E], *, template: bool = False) -> None:
    po = polib.POFile(wrapwidth=79)
    po.metadata = dict(HEADER) if not template else {**HEADER, "Language": ""}
    for e in entries:
        entry = polib.POEntry(
            msgctxt=e.msgctxt,
            msgid=e.msgid,
            msgstr="" if template else e.msgstr,
            tcomment="" if template else e.tcomment,
            flags=["fuzzy"] if e.fuzzy else [],
            previous_msgid=e.previous,
        )
        if not template and e.msgid == TCOMMENT_ON_UNTRANSLATED[0]:
            entry.tcomment = TCOMMENT_ON_UNTRANSLATED[1]
        if not template:
            entry.occurrences = [("source/articles/case.md", "1")]
        else:
            entry.occurrences = [("source/articles/case.md", str(n)) for n in (len(po) + 1,)]
            entry.comment = "type: paragraph"
        entry.obsolete = e.obsolete
        po.append(entry)
    po.save(str(path))


def summary(path: Path) -> dict[tuple[str | None, str, bool], tuple]:
    """What a translator owns, per entry: translation, fuzzy, previous, translator comment."""
    out = {}
    for e in polib.pofile(str(path)):
        out[(e.msgctxt, e.msgid, bool(e.obsolete))] = (
            e.msgstr,
            "fuzzy" in e.flags,
            (e.previous_msgctxt, e.previous_msgid) if "fuzzy" in e.flags else None,
            e.tcomment,
        )
    return out


def classes(s: dict) -> dict[str, set]:
    return {
        "translated": {k for k, v in s.items() if not k[2] and v[0] and not v[1]},
        "fuzzy": {(k, v[2]) for k, v in s.items() if not k[2] and v[1]},
        "untranslated": {k for k, v in s.items() if not k[2] and not v[0]},
        "obsolete": {k for k, v in s.items() if k[2]},
    }


def both(tmp_path: Path, run, old: list[E], new: list[E]) -> tuple[dict, dict]:
    """Merge ``new`` into ``old`` with GNU msgmerge and with ``i18n update``."""
    root = tmp_path / "proj"
    (root / "locales" / "templates").mkdir(parents=True)
    (root / "locales" / "de" / "LC_MESSAGES").mkdir(parents=True)
    pot = root / "locales" / "templates" / "case.pot"
    po = root / "locales" / "de" / "LC_MESSAGES" / "case.po"
    write_po(pot, new, template=True)
    write_po(po, old)
    gnu = tmp_path / "gnu.po"
    subprocess.run(
        ["msgmerge", "--quiet", "--previous", "-o", str(gnu), str(po), str(pot)], check=True
    )
    result = run(root, "update")
    assert result.exit_code == 0, result.output
    return summary(gnu), summary(po)


def test_update_agrees_with_msgmerge(tmp_path: Path, run) -> None:
    gnu, ours = both(tmp_path, run, OLD, NEW)
    g, o = classes(gnu), classes(ours)
    # the case exercises what it claims to
    assert len([e for e in OLD if e.msgstr and not e.obsolete]) == 15
    assert len(g["fuzzy"]) == 4 and len(g["obsolete"]) == 2 and len(g["untranslated"]) == 4
    assert any(k[0] == "title" for k, _ in g["fuzzy"])
    for name in ("translated", "fuzzy", "untranslated", "obsolete"):
        assert o[name] == g[name], name
    assert ours == gnu  # and the same translations and translator comments, entry by entry


def test_the_case_is_realistic_for_msgfmt(tmp_path: Path, run) -> None:
    both(tmp_path, run, OLD, NEW)
    po = tmp_path / "proj" / "locales" / "de" / "LC_MESSAGES" / "case.po"
    check = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert check.returncode == 0 and check.stderr == "", check.stderr


TITLE = "Deep Vein Thrombosis: Causes, Symptoms and Treatment"
DIFFERENCES = {
    "across contexts": (
        [E(TITLE, "Tiefe Venenthrombose: Ursachen, Symptome und Behandlung", "title")],
        [E("Deep Vein Thrombosis: Causes, Symptoms, Treatment", msgctxt="keyword")],
        "Deep Vein Thrombosis: Causes, Symptoms, Treatment",
    ),
    "weak guess": (
        [
            E(
                "Compression stockings may help relieve swelling.",
                "Kompressionsstrümpfe können Schwellungen lindern.",
            )
        ],
        [E("Compression bandages may help heal ulcers.")],
        "Compression bandages may help heal ulcers.",
    ),
    "one translation, many entries": (
        [
            E(
                "Walking every day keeps the calf muscle pump working.",
                "Tägliches Gehen hält die Wadenmuskelpumpe in Gang.",
            )
        ],
        [
            E("Walking every day keeps the calf muscle pump working."),
            E("Walking every day keeps the calf muscle pump working well."),
        ],
        "Walking every day keeps the calf muscle pump working well.",
    ),
}


@pytest.mark.parametrize("name", DIFFERENCES)
def test_where_we_differ_from_msgmerge_on_purpose(tmp_path: Path, run, name: str) -> None:
    old, new, msgid = DIFFERENCES[name]
    gnu, ours = both(tmp_path, run, old, new)
    ctx = next(e.msgctxt for e in new if e.msgid == msgid)
    key = (ctx, msgid, False)
    assert gnu[key][1] and gnu[key][0]  # msgmerge offers a fuzzy draft
    assert ours[key] == ("", False, None, "")  # we leave it untranslated
    assert {k for k in gnu if not k[2]} == {k for k in ours if not k[2]}

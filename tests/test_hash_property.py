"""Property: an approval binds to the entry's content, not to the file's formatting.

For generated catalogs (any characters, contexts, plurals, long lines, embedded newlines),
GNU ``msgcat`` re-wrapping (-w 40, --no-wrap) and re-ordering (--sort-output) keeps every
entry's content hash; changing one character of a msgid or msgstr changes it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n.formats.po import read_po, write_po
from i18n.model.states import content_hash

pytestmark = pytest.mark.slow  # many generated catalogs, each through msgcat

# Printable text incl. RTL, combining marks, ZWJ, emoji; no NUL or other C0 controls
# except newline and tab, which PO escapes.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from(["\n", "\t", " ", '"', "\\", "\u200f", "\u200d", "\u0301", "🩺"]),
    min_size=1,
    max_size=120,
).filter(lambda s: s.strip() != "")


@st.composite
def entries(draw: st.DrawFn) -> list[polib.POEntry]:
    out: dict[tuple[str | None, str], polib.POEntry] = {}
    for _ in range(draw(st.integers(1, 6))):
        ctx = draw(st.none() | st.sampled_from(["title", "keyword", "description"]))
        msgid = draw(TEXT)
        if draw(st.booleans()):
            entry = polib.POEntry(
                msgctxt=ctx,
                msgid=msgid,
                msgid_plural=msgid + " (n)",
                msgstr_plural={0: draw(TEXT), 1: draw(TEXT)},
            )
        else:
            entry = polib.POEntry(msgctxt=ctx, msgid=msgid, msgstr=draw(TEXT))
        entry.tcomment = draw(st.sampled_from(["", "checked with the author"]))
        out[(ctx, msgid)] = entry
    return list(out.values())


def write(path: Path, items: list[polib.POEntry]) -> None:
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Language": "de",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for e in items:
        po.append(e)
    write_po(path, po)


def hashes(path: Path) -> dict[tuple[str | None, str], str]:
    return {(e.msgctxt, e.msgid): content_hash(e) for e in read_po(path) if e.msgid}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=entries())
def test_hash_survives_msgcat_rewrapping_and_reordering(
    tmp_path: Path, items: list[polib.POEntry]
) -> None:
    src = tmp_path / "a.po"
    write(src, items)
    before = hashes(src)
    assert len(before) == len(items)
    for flags in (["-w", "40"], ["--no-wrap"], ["--sort-output", "-w", "60"]):
        out = tmp_path / "b.po"
        subprocess.run(
            ["msgcat", *flags, "-o", str(out), str(src)], check=True, capture_output=True
        )
        assert hashes(out) == before, flags


@settings(max_examples=60, deadline=None)
@given(items=entries(), data=st.data())
def test_one_character_changes_the_hash(items: list[polib.POEntry], data: st.DataObject) -> None:
    entry = items[0]
    before = content_hash(entry)
    field = "msgid" if data.draw(st.booleans()) else "msgstr"
    if field == "msgstr" and entry.msgid_plural:
        text = entry.msgstr_plural[0]
        i = data.draw(st.integers(0, len(text) - 1))
        entry.msgstr_plural[0] = text[:i] + chr(ord(text[i]) ^ 1 or 65) + text[i + 1 :]
    else:
        text = getattr(entry, field)
        i = data.draw(st.integers(0, len(text) - 1))
        setattr(entry, field, text[:i] + chr(ord(text[i]) ^ 1 or 65) + text[i + 1 :])
    assert content_hash(entry) != before

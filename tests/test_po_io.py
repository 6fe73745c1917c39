"""The fast PO reader, writer and fuzzy search give exactly what polib, textwrap and a full
rapidfuzz matrix give.

``i18n.formats.po.parse_po`` / ``po_file_text`` replace ``polib.pofile`` / ``str(po)`` for speed
(bench/README.md); every test here compares them with polib itself, which stays the oracle:
on every catalog of the sample project, on generated catalogs (hypothesis) and on the odd
corners of the format (obsolete entries, previous msgids, plurals, multi-line strings,
wrapping, broken input).
"""

from __future__ import annotations

import random
import subprocess
import textwrap
from pathlib import Path

import polib
import pytest
from conftest import REPO, copy_project
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

import i18n.formats.po as catalogs
import i18n.pipeline.update as update_module
from i18n.errors import I18nError
from i18n.formats.po import WRAP, _parse_common, _parse_lines, parse_po, po_file_text

SAMPLE_FILES = sorted((REPO / "locales").rglob("*.po")) + sorted((REPO / "locales").rglob("*.pot"))

ODD = r"""# Header comment
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: x\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"
"X-Continued: a\n"
" b\n"

# translator comment
##double hash comment
#
#. extracted
#. second extracted line
#: a.py:1 b.py c:d.py:2 :3 x:y
#, fuzzy, python-format
#| msgctxt "old ctx"
#| msgid "old "
#| "id"
msgctxt "ctx"
msgid ""
"multi\n"
"line \"quoted\" \\ back\tslash"
msgstr "t"

msgid "one"
msgid_plural "many"
msgstr[0] "eins"
msgstr[1] "viele"

#: c.py:3
msgid "%(n)s long text that goes well past the width of one line so that polib must wrap "
"it, with hy-phen-ated words"
msgstr "x"

#~ msgid "gone"
#~ msgstr "weg"

#~| msgid "older"
#~ msgid "gone two"
#~ msgstr ""
#~ "weg zwei"
# trailing comment
"""


def assert_same_file(text: str) -> None:
    try:
        ref = polib.pofile(text, wrapwidth=WRAP)
    except OSError as exc:  # polib cannot read it: the fast parser fails the same way
        with pytest.raises(OSError) as got:
            parse_po(text)
        assert str(got.value) == str(exc)
        return
    # both readers: the one-pass reader of gettext's shape (when it takes the file) and the
    # state machine
    for got in (parse_po(text), _parse_lines(text)):
        for attr in ("header", "metadata", "metadata_is_fuzzy", "encoding", "fpath", "wrapwidth"):
            assert getattr(got, attr) == getattr(ref, attr), attr
        assert [vars(e) for e in got] == [vars(e) for e in ref]
    for width in (WRAP, 78, 40, 0):
        ref.wrapwidth = width
        assert po_file_text(ref) == str(ref), width


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_sample_catalogs_read_and_write_as_polib(path: Path) -> None:
    assert_same_file(path.read_text(encoding="utf-8"))


def test_catalogs_written_by_gettext_and_by_us_take_the_one_pass_reader(tmp_path: Path) -> None:
    """The sample's catalogs, a merged one with fuzzy drafts (``#|``) and obsolete entries
    (``#~``, ``#~|``), and what msgmerge writes: all in the shape the quick reader takes."""
    for path in SAMPLE_FILES:
        assert _parse_common(path.read_text(encoding="utf-8")) is not None, path
    old = tmp_path / "old.po"
    new = tmp_path / "new.pot"
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    old.write_text(
        head
        + '# checked\n#: a.md:1\nmsgid "Deep vein thrombosis"\nmsgstr "Tiefe Venenthrombose"\n\n'
        '#: a.md:2\nmsgid "Gone for good"\nmsgstr "Weg"\n\n'
        '#: a.md:3\nmsgid "one clot"\nmsgid_plural "%d clots"\nmsgstr[0] "ein"\nmsgstr[1] "%d"\n',
        encoding="utf-8",
    )
    new.write_text(head + '#: a.md:1\nmsgid "Deep vein thromboses"\nmsgstr ""\n', encoding="utf-8")
    merged = tmp_path / "merged.po"
    subprocess.run(
        ["msgmerge", "--quiet", "--previous", "-o", str(merged), str(old), str(new)], check=True
    )
    text = merged.read_text(encoding="utf-8")
    assert "#| msgid" in text and "#~ msgid" in text and "#~ msgstr[1]" in text
    once = _parse_common(text)
    assert once is not None
    assert [vars(e) for e in once] == [vars(e) for e in _parse_lines(text)]
    ours = po_file_text(once)  # and our own writing of it
    twice = _parse_common(ours)
    assert twice is not None
    assert [vars(e) for e in twice] == [vars(e) for e in _parse_lines(ours)]
    assert_same_file(text)


def test_odd_corners_read_and_write_as_polib() -> None:
    assert_same_file(ODD)
    assert_same_file("\ufeff" + ODD)
    assert_same_file(ODD.replace("\n", "\n\n"))
    assert_same_file("")


@pytest.mark.parametrize(
    "text",
    [
        'msgid "a"\nmsgstr "b"c"\n',  # unescaped quote
        'msgid "a"\n"x"y"\n',
        'msgstr "b"\n',  # msgstr without msgid
        'msgid "a"\nmsgstr[x] "b"\n',
        "#| msgid\n",
        '#| "x"\n',
        '#| foo "x"\n',
        "#~\n",
        "what is this\n",
        'msgid "a"\nmsgid_plural "b"\nmsgid_plural "c"\n',
    ],
)
def test_broken_input_fails_on_the_same_line_as_polib(text: str) -> None:
    with pytest.raises(OSError) as ref:
        polib.pofile(text)
    with pytest.raises(OSError) as got:
        parse_po(text)
    assert str(got.value) == str(ref.value)


_text = st.text(
    alphabet=st.sampled_from(list('abc xyz-ÄÖ€\\"\t\n\r.,:%()日本\u2028\x0c')),
    max_size=120,
)


@st.composite
def catalogs_(draw: st.DrawFn) -> polib.POFile:
    po = polib.POFile(wrapwidth=draw(st.sampled_from([WRAP, 40, 0])))
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    po.header = draw(st.sampled_from(["", "A header\n,flag-like\n:colon"]))
    seen = set()
    for _ in range(draw(st.integers(0, 6))):
        msgid = draw(_text.filter(bool))
        ctx = draw(st.none() | _text)
        if (ctx, msgid) in seen:
            continue
        seen.add((ctx, msgid))
        plural = draw(st.booleans())
        e = polib.POEntry(
            msgid=msgid,
            msgctxt=ctx,
            msgid_plural=draw(_text.filter(bool)) if plural else "",
            msgstr="" if plural else draw(_text),
            msgstr_plural={0: draw(_text), 1: draw(_text)} if plural else {},
            tcomment=draw(st.sampled_from(["", "note", "a long translator comment " * 5])),
            comment=draw(st.sampled_from(["", "type: paragraph", "x " * 60])),
            occurrences=draw(
                st.sampled_from(
                    [
                        [],
                        [("a.md", "3")],
                        [(f"source/articles/a-long-name-{i}.md", str(i)) for i in range(8)],
                    ]
                )
            ),
            flags=draw(st.sampled_from([[], ["fuzzy"], ["fuzzy", "max-length:160"]])),
            previous_msgid=draw(st.none() | _text),
        )
        e.obsolete = draw(st.booleans())
        po.append(e)
    return po


@settings(max_examples=150, deadline=None)
@given(catalogs_())
def test_generated_catalogs_read_and_write_as_polib(po: polib.POFile) -> None:
    assert po_file_text(po) == str(po)
    assert_same_file(str(po))


def test_wrap_is_textwraps_wrap() -> None:
    rng = random.Random(7)
    alphabet = "ab cd  eé—\u00a0x.,!?'\"\\-\tZ9"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 120)))
        width = rng.randrange(1, 40)
        expected = textwrap.wrap(text, width, drop_whitespace=False, break_long_words=False)
        assert catalogs._wrap(text, width) == expected, (text, width)


@pytest.mark.parametrize("small", [True, False], ids=["extract", "banded-cdist"])
@pytest.mark.parametrize("cutoff", [0, 50, 70, 95])
def test_similar_pairs_are_every_pair_above_the_cutoff(
    monkeypatch: pytest.MonkeyPatch, small: bool, cutoff: int
) -> None:
    """Both search paths (and the length prefilter) find exactly the pairs a full cdist
    matrix holds, with the same rounded scores."""
    pytest.importorskip("numpy")
    from rapidfuzz import process

    rng = random.Random(cutoff)
    words = ["vein", "clot", "stent", "iliac", "deep", "the", "a", "of", "thrombosis", "x"]
    queries = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 9))) for _ in range(120)]
    choices = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 9))) for _ in range(150)]
    monkeypatch.setattr(update_module, "_SMALL_SEARCH", 10**9 if small else 0)
    matrix = process.cdist(queries, choices, scorer=fuzz.ratio, score_cutoff=cutoff, dtype="uint8")
    rows, cols = matrix.nonzero()
    expected = sorted((int(matrix[i, j]), int(i), int(j)) for i, j in zip(rows, cols, strict=True))
    assert sorted(update_module._similar(queries, choices, cutoff)) == expected
    # searching lower for choices shorter than their query still finds every pair above
    floor = max(cutoff - 20, 0)
    found = set(update_module._similar(queries, choices, floor, shorter_from=cutoff))
    assert set(expected) <= found
    lower = process.cdist(queries, choices, scorer=fuzz.ratio, score_cutoff=floor, dtype="uint8")
    for i, j in zip(*lower.nonzero(), strict=True):
        if len(choices[j]) < len(queries[i]):
            assert (int(lower[i, j]), int(i), int(j)) in found


# --- escapes polib does not read, GNU gettext does --------------------------------------------


def _entries(po: polib.POFile) -> list[tuple]:
    return [(e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, e.msgstr_plural, e.obsolete) for e in po]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_msgcat_escape_reads_as_the_same_catalog(tmp_path: Path, path: Path) -> None:
    """``msgcat --escape`` (GNU writes every non-ASCII byte as an octal escape) is the same
    catalog: read back, every entry is what the unescaped file holds."""
    escaped = tmp_path / path.name
    subprocess.run(["msgcat", "--escape", "-o", str(escaped), str(path)], check=True)
    text = escaped.read_text(encoding="utf-8")
    original = catalogs.read_po(path)
    assert _entries(catalogs.read_po(escaped)) == _entries(original)
    if any(not e.msgstr.isascii() for e in original):  # the oracle did escape something
        assert "\\3" in text and text.isascii()


def test_every_gnu_escape_is_read() -> None:
    po = parse_po('msgid "a"\nmsgstr "\\a\\\'\\?\\x41\\101\\303\\251\\xc3\\xa9"\n')
    assert po[0].msgstr == "\a'?AAéé"


@pytest.mark.parametrize(
    ("escapes", "why"),
    [("\\303", "are not UTF-8 text"), ("\\x100", "is not one byte"), ("\\377\\376", "UTF-8")],
)
def test_escapes_that_are_not_text_name_the_line(tmp_path: Path, escapes: str, why: str) -> None:
    path = tmp_path / "de.po"
    path.write_text(f'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "x{escapes}"\n', encoding="utf-8")
    with pytest.raises(I18nError) as caught:
        catalogs.read_po(path)
    assert caught.value.line == 5 and why in caught.value.message


def test_an_escaped_catalog_keeps_its_approvals(tmp_path: Path, run) -> None:
    """A translator's ``msgcat --escape`` voids no approval, publishes the same pages, and
    ``update`` writes the characters back as characters."""
    root = copy_project(tmp_path / "proj")
    before = run(root, "render", "--country", "DE", "--out", str(tmp_path / "before"))
    assert before.exit_code == 0, before.output
    path = root / "locales/de/LC_MESSAGES/mechanical-thrombectomy-for-dvt.po"
    original = path.read_bytes()
    subprocess.run(["msgcat", "--escape", "-o", str(path), str(path)], check=True)
    assert path.read_bytes() != original and b"\\303" in path.read_bytes()
    after = run(root, "render", "--country", "DE", "--out", str(tmp_path / "after"))
    assert after.exit_code == 0, after.output

    def summary(output: str) -> str:  # "…: 2 article pages published, …" after the folder
        line = next(ln for ln in output.splitlines() if "article pages published" in ln)
        return line.split(": ", 1)[1]

    assert summary(after.stdout) == summary(before.stdout)
    pages = sorted(p.relative_to(tmp_path / "before") for p in (tmp_path / "before").rglob("*"))
    assert pages == sorted(
        p.relative_to(tmp_path / "after") for p in (tmp_path / "after").rglob("*")
    )
    for page in pages:
        if (tmp_path / "before" / page).is_file():
            assert (tmp_path / "before" / page).read_bytes() == (
                tmp_path / "after" / page
            ).read_bytes(), page
    assert run(root, "update", "--locale", "de").exit_code == 0
    assert path.read_bytes() == original

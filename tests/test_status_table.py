"""``i18n status`` and ``i18n render`` draw their tables themselves when not on a terminal
(rich measures every cell: a minute for a 60,000-page render); what they draw is what rich
would print, cell for cell, or rich prints it."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from i18n.cli import render, status
from i18n.cli.table import box_table

cell = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
TABLES = {
    # columns, left-justified columns, what each column is given (as the commands do)
    "status": (status.COLUMNS, status.LEFT, status.TITLE, status.WIDTH),
    "render": (render.COLUMNS, render.COLUMNS, "Published and withheld pages", render.WIDTH),
}


def rich_text(kind: str, rows: list[tuple[str, ...]]) -> str:
    columns, left, title, width = TABLES[kind]
    table = Table(title=title)
    for col in columns:
        if kind == "render":
            table.add_column(col, overflow="fold")
        else:
            table.add_column(
                col, justify="left" if col in left else "right", no_wrap=col == "catalog"
            )
    for r in rows:
        table.add_row(*r)
    out = io.StringIO()
    Console(file=out, width=width, markup=False, emoji=False).print(table)  # as the CLI's
    return out.getvalue()


@pytest.mark.parametrize("kind", sorted(TABLES))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_box_table_is_what_rich_prints(kind: str, data: st.DataObject) -> None:
    columns, left, title, width = TABLES[kind]
    rows = data.draw(st.lists(st.tuples(*[cell] * len(columns)), max_size=6))
    fast = box_table(title, columns, left, rows, width)
    if fast is not None:
        assert fast == rich_text(kind, rows)


def test_wide_or_non_ascii_tables_are_left_to_rich() -> None:
    columns, left, title, width = TABLES["status"]
    wide = [("de", "x" * 150, *["1"] * 7)]
    assert box_table(title, columns, left, wide, width) is None
    accented = [("de", "résumé", *["1"] * 7)]
    assert box_table(title, columns, left, accented, width) is None
    assert box_table(title, columns, left, [("de", "a", *["1"] * 7)], width) is not None


def test_an_emoji_code_in_a_cell_is_printed_as_it_is() -> None:
    """What hypothesis found: rich turns ``:M:`` into Ⓜ unless told not to; the CLI's
    console prints the text as it is, as the table drawn without rich does."""
    from i18n.cli.common import plain_console

    out = io.StringIO()
    plain_console(file=out, width=40).print(":M: :smile:")
    assert out.getvalue() == ":M: :smile:\n"
    columns, left, title, width = TABLES["status"]
    rows = [("", "", "", "", "", "", "", "", ":M:")]
    assert box_table(title, columns, left, rows, width) == rich_text("status", rows)


# a withheld page's reason: long, with spaces, and often a shortened msgid ("…") or a
# translation's own letters
words = st.text(st.sampled_from("abcdefghij klmnop: \"'.,-…éßøçñ日本語ش"), min_size=0, max_size=12)
long_cell = st.lists(words, max_size=14).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_render_table_wider_than_the_console_is_what_rich_prints(data: st.DataObject) -> None:
    """Rows whose reasons do not fit are drawn with rich's column widths and its wrapping,
    not handed to rich whole (at 10,000 rows rich took 80 % of a render)."""
    columns, _, title, width = TABLES["render"]
    short = st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=12)
    row = st.tuples(short, short, st.one_of(short, long_cell), short, long_cell)
    rows = data.draw(st.lists(row, min_size=1, max_size=6))
    fast = box_table(title, columns, columns, rows, width, fold=True)
    if fast is not None:
        assert fast == rich_text("render", rows)


def test_a_long_reason_is_folded_as_rich_folds_it() -> None:
    columns, _, title, width = TABLES["render"]
    reason = "de.po: 3 of 45 entries not approved: " + "“Die mechanische Thrombektomie …” " * 5
    rows = [("CH", "de-CH", "mechanical-thrombectomy-for-dvt", "withheld", reason)] * 3
    fast = box_table(title, columns, columns, rows, width, fold=True)
    assert fast is not None and fast.count("\n") > 3 + 6  # each reason on two lines or more
    assert fast == rich_text("render", rows)

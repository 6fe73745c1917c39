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

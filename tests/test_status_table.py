"""``i18n status`` draws its table itself when it is not a terminal (rich measures every cell:
seconds for a 40-country library); what it draws is what rich would print, cell for cell."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from i18n.cli.status import COLUMNS, LEFT, TITLE, WIDTH, box_table

cell = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=14)
row = st.tuples(*[cell] * len(COLUMNS))


def rich_text(rows: list[tuple[str, ...]]) -> str:
    table = Table(title=TITLE)
    for col in COLUMNS:
        table.add_column(col, justify="left" if col in LEFT else "right", no_wrap=col == "catalog")
    for r in rows:
        table.add_row(*r)
    out = io.StringIO()
    Console(file=out, width=WIDTH, markup=False).print(table)
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.lists(row, max_size=6))
def test_box_table_is_what_rich_prints(rows: list[tuple[str, ...]]) -> None:
    fast = box_table(TITLE, COLUMNS, LEFT, rows, WIDTH)
    if fast is not None:
        assert fast == rich_text(rows)


def test_wide_or_non_ascii_tables_are_left_to_rich() -> None:
    wide = [("de", "x" * 150, *["1"] * 7)]
    assert box_table(TITLE, COLUMNS, LEFT, wide, WIDTH) is None
    accented = [("de", "résumé", *["1"] * 7)]
    assert box_table(TITLE, COLUMNS, LEFT, accented, WIDTH) is None
    assert box_table(TITLE, COLUMNS, LEFT, [("de", "a", *["1"] * 7)], WIDTH) is not None

"""Tables on a console that is not a terminal, drawn directly when rich would only draw:
rich measures every cell (a minute for the 60,000 rows of a 40-country library's render)."""

from __future__ import annotations

import io
from typing import Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from i18n.cli.common import plain_console


def box_table(
    title: str,
    columns: tuple[str, ...],
    left: tuple[str, ...],
    rows: list[tuple[str, ...]],
    width: int,
    fold: bool = False,
) -> str | None:
    """The text rich prints for this table on a console that is not a terminal (no styles),
    written directly: rich measures every cell, 2.5 s for the 5,300 rows of a 40-country
    library. None when rich would do more than draw (a cell that is not plain ASCII or has
    spaces at an end, a table wider than ``width`` or narrower than its title): rich prints
    those. ``fold``: every column is left-justified with ``overflow="fold"``, and a table
    wider than ``width`` is drawn by :func:`folded_table`.

    >>> text = box_table("T", ("a", "n"), ("a",), [("x", "10")], 40)
    >>> print(text[text.index("┏") :], end="")
    ┏━━━┳━━━━┓
    ┃ a ┃  n ┃
    ┡━━━╇━━━━┩
    │ x │ 10 │
    └───┴────┘
    """
    cells = [columns, *rows]
    if not all(c.isascii() and c.isprintable() and c == c.strip() for row in cells for c in row):
        return folded_table(title, columns, rows, width) if fold else None
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    total = sum(widths) + 3 * len(widths) + 1
    if total > width and fold:
        return folded_table(title, columns, rows, width)
    if total > width or total < len(title):
        return None

    def line(row: tuple[str, ...], bar: str) -> str:
        parts = [
            (c.ljust(w) if name in left else c.rjust(w))
            for c, w, name in zip(row, widths, columns, strict=True)
        ]
        return f"{bar} " + f" {bar} ".join(parts) + f" {bar}\n"

    def rule(a: str, fill: str, mid: str, b: str) -> str:
        return a + mid.join(fill * (w + 2) for w in widths) + b + "\n"

    pad = total - len(title)
    out = [" " * (pad // 2) + title + " " * (pad - pad // 2) + "\n"]
    out.append(rule("┏", "━", "┳", "┓"))
    out.append(line(columns, "┃"))
    out.append(rule("┡", "━", "╇", "┩"))
    out.extend(line(row, "│") for row in rows)
    out.append(rule("└", "─", "┴", "┘"))
    return "".join(out)


def folded_table(
    title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]], width: int
) -> str | None:
    """What rich prints for a table of left-justified columns with ``overflow="fold"``
    whose cells do not fit in ``width`` (a withheld page's reason): rich sets each column's
    width from two figures of its cells alone, the widest line and the widest word, so it
    is given the header and the few rows that hold those, and its widths are read from what
    it draws. Each row is then drawn here; a cell wider than its column is wrapped by rich's
    own :meth:`~rich.text.Text.wrap`. At 10,000 rows this takes a tenth of rich's time.
    None when a cell holds a control character (rich prints the table)."""
    if not all(c.isprintable() for row in rows for c in row):
        return None
    picked: set[int] = set()
    for i in range(len(columns)):
        lines = [max((cell_len(x) for x in row[i].splitlines()), default=0) for row in rows]
        words = [
            max((cell_len(w) for w in row[i].split()), default=n)
            for row, n in zip(rows, lines, strict=True)
        ]
        for figures in (lines, words):
            if figures:
                picked.add(max(range(len(rows)), key=figures.__getitem__))
    console = plain_console(width=width, file=io.StringIO())
    table = Table(title=title)
    for col in columns:
        table.add_column(col, overflow="fold")
    for k in sorted(picked):
        table.add_row(*rows[k])
    console.print(table)
    drawn = console.file.getvalue()  # type: ignore[attr-defined]
    head = drawn[: drawn.index("┏")]
    border = drawn[drawn.index("┏") : drawn.index("\n", drawn.index("┏"))]
    widths = [len(part) - 2 for part in border[1:-1].split("┳")]
    if len(widths) != len(columns):
        return None

    def cell_lines(text: str, w: int) -> list[str]:
        if cell_len(text) <= w and text == text.strip():
            return [text + " " * (w - cell_len(text))]
        wrapped = Text(text).wrap(console, w, justify="left", overflow="fold")
        return [line.plain + " " * (w - cell_len(line.plain)) for line in wrapped] or [" " * w]

    def rule(a: str, fill: str, mid: str, b: str) -> str:
        return a + mid.join(fill * (w + 2) for w in widths) + b + "\n"

    out = [head, border + "\n"]
    out.extend(
        _row_lines([cell_lines(c, w) for c, w in zip(columns, widths, strict=True)], widths, "┃")
    )
    out.append(rule("┡", "━", "╇", "┩"))
    for row in rows:
        out.extend(
            _row_lines([cell_lines(c, w) for c, w in zip(row, widths, strict=True)], widths, "│")
        )
    out.append(rule("└", "─", "┴", "┘"))
    return "".join(out)


def _row_lines(cells: list[list[str]], widths: list[int], bar: str) -> list[str]:
    """One row's lines: each cell's lines, top-aligned, blank below its last."""
    height = max(len(lines) for lines in cells)
    out: list[Any] = []
    for k in range(height):
        parts = [
            lines[k] if k < len(lines) else " " * w for lines, w in zip(cells, widths, strict=True)
        ]
        out.append(f"{bar} " + f" {bar} ".join(parts) + f" {bar}\n")
    return out

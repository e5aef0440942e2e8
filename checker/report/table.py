"""Tables for people: what a table says, drawn by rich on a terminal and as plain text elsewhere.

A `TableSpec` holds a table's title, columns, rows, sections and caption and nothing of rich, so building
one costs nothing. `to_rich` gives the rich Table that draws it (a terminal, `comply fairness`);
`plain_text` draws the very same characters without importing rich, which is a fifth of a cold
`comply check` to a pipe, for every table rich would draw at its natural width: ASCII text, left- or
right-justified columns, the whole table within the width.
For anything else it returns None and the caller lets rich draw it, so the output never depends on
which one ran (tests/report/test_table.py compares the two on generated tables).

The layout is rich's for `Table(show_edge=False)` with the default HEAVY_HEAD box and padding of one:
each column as wide as its widest cell plus a space either side, `┃` between header cells, a `━╇━`
rule under the header, `│` between body cells, a `─┼─` rule after each section; the title above and the
caption below as written (the console prints with soft wrap, which leaves them unjustified and unwrapped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.table import Table

Justify = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Column:
    header: str
    justify: Literal["left", "right"] = "left"
    no_wrap: bool = False


@dataclass
class TableSpec:
    """A table: `sections` holds the indices of the rows a rule follows (rich's `add_section`)."""

    columns: Sequence[Column]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    title: str | None = None
    title_justify: Justify = "center"
    caption: str | None = None
    caption_justify: Justify = "center"
    sections: set[int] = field(default_factory=set)

    def add_row(self, *cells: str) -> None:
        self.rows.append(tuple(cells))

    def add_section(self) -> None:
        if self.rows:
            self.sections.add(len(self.rows) - 1)


def to_rich(spec: TableSpec) -> Table:
    """The rich Table that draws `spec` (cells as literal text: never markup or emoji codes)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=spec.title,
        title_justify=spec.title_justify,
        caption=spec.caption,
        caption_justify=spec.caption_justify,
        show_edge=False,
    )
    for column in spec.columns:
        table.add_column(column.header, justify=column.justify, no_wrap=column.no_wrap)
    for index, row in enumerate(spec.rows):
        table.add_row(*(Text(cell) for cell in row), end_section=index in spec.sections)
    return table


def plain_text(spec: TableSpec, width: int) -> str | None:
    """`spec` as rich draws it on `checker.console.text_console` without colour at `width`, or None when
    rich must draw it."""
    texts = [column.header for column in spec.columns] + [cell for row in spec.rows for cell in row]
    texts += [text for text in (spec.title, spec.caption) if text]
    if not spec.columns or any(len(row) != len(spec.columns) for row in spec.rows) or not all(map(_plain, texts)):
        return None
    widths = [
        max([len(column.header), *(len(row[index]) for row in spec.rows)]) for index, column in enumerate(spec.columns)
    ]
    table_width = sum(widths) + 3 * len(widths) - 1
    if table_width > width:
        return None
    # `text_console` prints with soft wrap, under which rich writes title and caption as they are,
    # whatever their justification and length
    lines = [spec.title] if spec.title else []
    lines.append(_row([column.header for column in spec.columns], spec.columns, widths, "┃"))
    lines.append("╇".join("━" * (width + 2) for width in widths))
    for index, row in enumerate(spec.rows):
        lines.append(_row(row, spec.columns, widths, "│"))
        if index in spec.sections and index != len(spec.rows) - 1:
            lines.append("┼".join("─" * (width + 2) for width in widths))
    if spec.caption:
        lines.append(spec.caption)
    return "".join(line + "\n" for line in lines)


def _plain(text: str) -> bool:
    """Printable ASCII, and not text rich would treat as more than its characters (whitespace runs at the
    ends are trimmed or wrapped by rich)."""
    return text.isascii() and text.isprintable() and text == text.strip() and "  " not in text


def _row(cells: Sequence[str], columns: Sequence[Column], widths: Sequence[int], divider: str) -> str:
    return divider.join(
        f" {cell.rjust(width) if column.justify == 'right' else cell.ljust(width)} "
        for cell, column, width in zip(cells, columns, widths, strict=True)
    )

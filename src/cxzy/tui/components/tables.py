"""Filling a DataTable with columns as wide as their widest cell.

The widths are set here rather than measured by the table when it is idle: a
row drawn before that measurement keeps the narrow width it was first drawn at.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

Cell = str | Text


def fill(
    table: DataTable,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple[str, Sequence[Cell]]],
    max_width: int = 60,
) -> None:
    """Replace the table's columns (key, label) and rows (key, cells); nothing is
    redrawn when they are what the table already shows."""
    shown = (list(columns), [(key, list(cells)) for key, cells in rows])
    if getattr(table, "_cxzy_filled", None) == shown:
        return
    table._cxzy_filled = shown  # type: ignore[attr-defined]
    widths = [cell_len(label) for _, label in columns]
    for _, cells in rows:
        for n, cell in enumerate(cells):
            text = cell.plain if isinstance(cell, Text) else cell
            widths[n] = max(widths[n], cell_len(text))
    table.clear(columns=True)
    for (key, label), width in zip(columns, widths, strict=True):
        table.add_column(label, key=key, width=min(width, max_width))
    for key, cells in rows:
        table.add_row(*cells, key=key)

"""The dashboard's tables: a DataTable that redraws only the cells that changed,
and filling one with columns as wide as their widest cell.

The widths are set here rather than measured by the table when it is idle: a
row drawn before that measurement keeps the narrow width it was first drawn at.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._types import SegmentLines
from textual.cache import LRUCache
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey

from cxzy.literal import literal_line, shortened
from cxzy.tui.components.row_clicks import RowClicks

Cell = str | Text
CELL_CACHE = 20_000  # rendered cells kept: a 200-unit grid has about 2,000
LINE_CACHE = 2_000  # rendered lines kept
# Rows a refill removes one at a time; more, and the table is filled anew: the
# DataTable renumbers every row at each removal (100 removals of 250 rows: 40 ms).
REMOVED_ONE_BY_ONE = 10
FIT_MIN = 10  # the narrowest a column that gives way to the others is made (see fill)


def cut(value: Any) -> Text:
    """A cell's text (:func:`~cxzy.literal.literal`), whole in the cell, drawn cut
    with "…" where its column is narrower (not cut off unsaid)."""
    text = literal_line(value)
    text.overflow = "ellipsis"
    return text


def _content(value: object) -> Hashable | None:
    """What a cell shows, as a cache key; None for renderables not known here."""
    if isinstance(value, str):
        return value
    if isinstance(value, Text):
        return (value.plain, value.style, tuple(value.spans), value.justify, value.overflow)
    return None


class Table(RowClicks, DataTable):
    """A DataTable whose cells and lines are cached by what they show.

    Textual's own caches key every cell and line on a counter that each
    ``update_cell`` and ``add_row`` bumps, so one changed cell re-renders every
    visible cell through Rich (about 0.1 ms each: a tenth of a second for the
    overview at each step). Here a cell or a row's line is rendered again only
    when its content, place, widths or highlight change; everything else about
    drawing is the DataTable's own. (Row cursor, no row labels or fixed rows:
    other tables take the DataTable's own path; fixed columns are drawn here too.)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # before the DataTable's own __init__: its reactives clear the caches
        self._content_cache: LRUCache[tuple[Hashable, ...], SegmentLines] = LRUCache(CELL_CACHE)
        self._content_lines: LRUCache[tuple[Hashable, ...], Strip] = LRUCache(LINE_CACHE)
        super().__init__(*args, **kwargs)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        if row_index < 0 or column_index < 0:  # the header and row labels
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        value = self._data[row_key][self._column_locations.get_key(column_index)]
        content = _content(value)
        if content is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (
            row_index,
            column_index,
            content,
            base_style,
            width,
            self.rows[row_key].height,
            cursor,
            hover,
            self.show_cursor,
            self._show_hover_cursor,
            self._pseudo_class_state,
            self.fixed_columns,
        )
        lines = self._content_cache.get(key)
        if lines is None:
            if self._one_line(value, row_key):
                lines = self._render_one_line(
                    value, row_index, column_index, base_style, width, cursor, hover
                )
            else:
                lines = super()._render_cell(
                    row_index, column_index, base_style, width, cursor, hover
                )
            self._content_cache[key] = lines
        return lines

    @property
    def _unfixed(self) -> bool:
        """No fixed rows (they move the lines; fixed columns only their styles)."""
        return not self.fixed_rows

    def _one_line(self, value: object, row_key: Any) -> bool:
        return (
            isinstance(value, Text)
            and self.rows[row_key].height == 1
            and self._unfixed
            and "\n" not in value.plain
            and "\t" not in value.plain
        )

    def _render_one_line(
        self,
        text: Text,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> SegmentLines:
        """A one-line Text cell as the DataTable renders it (padded, cropped or filled
        to the width, its styles composed with the row's and the cursor's in the same
        order), without Rich's general layout: a tenth of the time."""
        base_style += Style.from_meta({"row": row_index, "column": column_index})
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            column_index < self.fixed_columns,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pad = " " * self.cell_padding
        inner = max(0, width - 2 * self.cell_padding)
        if text.overflow == "ellipsis" and text.cell_len > inner:  # (a name: cut with "…")
            text = Text(shortened(text.plain, inner), style=text.style)
        console = self.app.console
        # Text.render drops the text's own style when it has no spans (Rich's own
        # path joins the line into a span first)
        rendered = (
            list(text.render(console))
            if text.spans
            else [Segment(text.plain, console.get_style(text.style, default=Style.null()))]
        )
        content = Segment.adjust_line_length(rendered, inner)
        line = [Segment(pad), *content, Segment(pad)]
        return [list(Segment.apply_style(line, base_style + component_style, post_style))]

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        key = self._line_key(y, x1, x2, base_style)
        if key is None:
            return super()._render_line(y, x1, x2, base_style)
        strip = self._content_lines.get(key)
        if strip is None:
            strip = super()._render_line(y, x1, x2, base_style)
            self._content_lines[key] = strip
        return strip

    def _line_key(self, y: int, x1: int, x2: int, base_style: Style) -> tuple[Hashable, ...] | None:
        """What one line of a row shows; None where the DataTable's own path draws it."""
        if self.cursor_type != "row" or not self._unfixed or self._labelled_row_exists:
            return None
        try:
            row_key, line_no = self._get_offsets(y)
        except LookupError:
            return None
        if row_key is self._header_row_key:
            return None
        cells = self._data[row_key]
        columns = self.ordered_columns
        content = tuple(_content(cells.get(column.key)) for column in columns)
        if None in content:
            return None
        row = self._row_locations.get(row_key)
        return (
            y,
            x1,
            x2,
            self.size.width,
            base_style,
            row,
            line_no,
            content,
            tuple(column.get_render_width(self) for column in columns),
            self.cursor_coordinate.row == row,
            self.hover_coordinate.row == row,
            self.show_cursor,
            self._show_hover_cursor,
            self._pseudo_class_state,
            self.fixed_columns,
        )

    def update_cells(self, cells: Iterable[tuple[str, str, Cell]]) -> None:
        """Set cells (row key, column key, value) and redraw only their rows.

        ``DataTable.update_cell`` redraws the whole table: every visible line goes
        through the compositor again for one changed cell (most of a live update's
        repaint). Here only the rows that changed are marked dirty."""
        changed: set[RowKey] = set()
        for row, column, value in cells:
            row_key, column_key = RowKey(row), ColumnKey(column)
            if row_key not in self._row_locations or column_key not in self._column_locations:
                raise CellDoesNotExist(
                    f"No cell exists for row_key={row!r}, column_key={column!r}."
                )
            self._data[row_key][column_key] = value
            changed.add(row_key)
        if not changed:
            return
        self._update_count += 1  # the DataTable's own caches key on it
        if not self._unfixed or len(changed) >= self.size.height:
            self.refresh()
            return
        header = self.header_height if self.show_header else 0
        width = max(self.size.width, self.virtual_size.width)
        first_line = {key: y for y, (key, line) in enumerate(self._y_offsets) if line == 0}
        for row_key in changed:
            y = first_line[row_key] + header
            self._refresh_region(Region(0, y, width, self.rows[row_key].height))

    def widen(self, widths: dict[str, int]) -> None:
        """Make columns (key → width) wider in place, the rows kept. Cleared and
        filled again instead, the table measures and draws every row anew: a step of
        the 200-unit grid on which a count gained a digit took 130-147 ms, 103-115 in
        place (the rest is Textual laying the screen out again for the wider grid)."""
        for key, width in widths.items():
            self.columns[ColumnKey(key)].width = width
        self._update_count += 1  # the DataTable's own caches key on it (ours on widths)
        self._update_dimensions([])  # (the virtual size only: no row is new)
        self.refresh()

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._content_cache.clear()
        self._content_lines.clear()

    def notify_style_update(self) -> None:
        self._content_cache.clear()
        self._content_lines.clear()
        super().notify_style_update()


def fill(
    table: DataTable,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple[str, Sequence[Cell]]],
    max_width: int = 60,
    fit: tuple[str, int] | None = None,
) -> None:
    """Replace the table's columns (key, label) and rows (key, cells); nothing is
    redrawn when they are what the table already shows.

    With the same columns, the rows whose keys lead both the old and the new rows
    keep their place and only the cells that changed are set (and, in a
    :class:`Table`, only their rows redrawn, unless a column had to grow); the rows
    after them are removed (up to REMOVED_ONE_BY_ONE, else the table is filled anew)
    or added. The table is not cleared and measured again, and its columns keep
    their widths or grow.

    ``fit``: (a column's key, a width): that column takes what the others leave of
    the width, down to :data:`FIT_MIN` cells, so that all of them fit in it (the
    log's summary, so that who recorded a record is not cut to a surname at the
    screen's edge)."""
    # what each cell shows, its style included (a Text equals another of the same
    # text and spans whatever their styles)
    shown = (
        list(columns),
        [(key, [_content(cell) for cell in cells]) for key, cells in rows],
        fit,
    )
    before = getattr(table, "_cxzy_filled", None)
    if before == shown:
        return
    table._cxzy_filled = shown  # type: ignore[attr-defined]
    widths = [cell_len(label) for _, label in columns]
    for _, cells in rows:
        for n, cell in enumerate(cells):
            text = cell.plain if isinstance(cell, Text) else cell
            widths[n] = max(widths[n], cell_len(text))
    natural, widths = widths, [min(width, max_width) for width in widths]
    if fit is not None:  # (not held to max_width: it takes what the others leave)
        giving = [key for key, _ in columns].index(fit[0])
        others = sum(widths) - widths[giving] + 2 * table.cell_padding * len(widths)
        widths[giving] = max(FIT_MIN, min(natural[giving], fit[1] - others))
    laid_out = getattr(table, "_cxzy_widths", None)
    kept = 0  # the rows that keep their place
    if before is not None and before[0] == shown[0] and before[2] == fit:
        for (old_key, _), (new_key, _) in zip(before[1], shown[1], strict=False):
            if old_key != new_key:
                break
            kept += 1
    grows = laid_out is not None and any(w > o for w, o in zip(widths, laid_out, strict=False))
    if (
        isinstance(table, Table)
        and kept
        and len(before[1]) - kept <= REMOVED_ONE_BY_ONE
        and laid_out is not None
        and not (fit is not None and grows)  # (the column that gives way must narrow)
    ):
        keys = [key for key, _ in columns]
        wider = {
            key: width
            for key, width, shown_width in zip(keys, widths, laid_out, strict=True)
            if width > shown_width
        }
        if wider:  # the columns grow in place (they never narrow: rows keep their place)
            grown = [max(pair) for pair in zip(widths, laid_out, strict=True)]
            table._cxzy_widths = grown  # type: ignore[attr-defined]
            table.widen(wider)
        table.update_cells(
            (row, keys[n], cell)
            for (row, cells), (_, new), (_, old) in zip(
                rows[:kept], shown[1][:kept], before[1][:kept], strict=True
            )
            for n, cell in enumerate(cells)
            if new[n] != old[n]
        )
        for key, _ in before[1][kept:]:
            table.remove_row(key)
        for key, cells in rows[kept:]:
            table.add_row(*cells, key=key)
        return
    table._cxzy_widths = widths  # type: ignore[attr-defined]
    table.clear(columns=True)
    for (key, label), width in zip(columns, widths, strict=True):
        table.add_column(label, key=key, width=width)
    for key, cells in rows:
        table.add_row(*cells, key=key)

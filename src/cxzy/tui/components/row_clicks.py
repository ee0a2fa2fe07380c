"""Clicks on a table of rows: the first highlights a row, a click on the highlighted
row opens it (as Enter does), wherever in the row it lands."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.coordinate import Coordinate


class RowClicks:
    """For a DataTable with a row cursor (put before ``DataTable`` in the bases).

    Textual's DataTable opens a row on a click at the cursor's cell: with a row
    cursor its column still counted, so a second click on the highlighted row
    opened it only in the column of the first (a click on the name, then on a
    figure, did nothing), and a first click on a table that had not the focus
    opened at once the row highlighted there (the alerts' first row, from the
    grid)."""

    _focusing_click = False  # the click under way gave the table the focus

    def focus_on_click(self) -> bool:
        # (asked as the mouse goes down, before the focus moves)
        self._focusing_click = not self.has_focus  # type: ignore[attr-defined]
        return super().focus_on_click()  # type: ignore[misc]

    async def _on_click(self, event: events.Click) -> None:
        table: Any = self
        focusing, self._focusing_click = self._focusing_click, False
        meta = event.style.meta
        row = meta.get("row")
        if table.cursor_type != "row" or not table.show_cursor or row is None or row < 0:
            return  # (a header's click: the DataTable's own)
        event.prevent_default()  # (the DataTable's own handler is not run)
        event.stop()
        table._set_hover_cursor(True)
        again = row == table.cursor_row and not focusing
        table.cursor_coordinate = Coordinate(row, table.cursor_column)
        if again:
            table._post_selected_message()
        table._scroll_cursor_into_view(animate=True)

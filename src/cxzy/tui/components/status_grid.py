"""The overview grid: one row per unit (indented under its parent), one column per phase."""

from __future__ import annotations

import time

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from cxzy.application.dashboard import Snapshot
from cxzy.application.status import UnitStatus
from cxzy.i18n import t
from cxzy.styles import STATE_STYLES

FLASH_SECONDS = 1.5


class StatusGrid(DataTable):
    """Cells keep their place across updates; changed cells flash briefly."""

    DEFAULT_CSS = """
    StatusGrid { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._cells: dict[tuple[str, str], str] = {}
        self._flash: dict[tuple[str, str], float] = {}
        self._columns_for: tuple[str, ...] = ()
        self.filter_text = ""

    def on_mount(self) -> None:
        self.set_interval(0.5, self._unflash)

    def _row(self, unit: UnitStatus, phases: list[str], lang: str) -> dict[str, str | Text]:
        name = Text("  " * unit.depth) + Text(unit.name) + Text(f" {unit.unit}", style="dim")
        cells: dict[str, str | Text] = {"unit": name}
        for key in phases:
            status = unit.phases[key]
            done, total = status.progress
            cells[key] = f"{t(status.status, lang)} {done}/{total}|{status.status}"
        c, r = unit.commitments, unit.rectifications
        cells["grade"] = t(unit.grade, lang) if unit.grade else "-"
        cells["commitments"] = f"{c.closed}/{c.total}/{c.overdue}"
        cells["rectifications"] = (
            f"{r.open}/{r.total}/{r.overdue}/{r.supervised_open}/{r.escalated}"
        )
        cells["awards"] = str(unit.awards)
        return cells

    def _cell_text(self, key: tuple[str, str], value: str | Text) -> Text:
        if isinstance(value, Text):
            return value
        text, _, state = value.partition("|")
        style = STATE_STYLES.get(state, "")
        if self._flash.get(key, 0) > time.monotonic():
            style = f"{style} reverse".strip()
        return Text(text, style=style)

    def show(self, snapshot: Snapshot, lang: str) -> None:
        report = snapshot.report
        phases = [p.key for p in report.template.phases]
        columns = ("unit", *phases, "grade", "commitments", "rectifications", "awards")
        if columns != self._columns_for:
            self.clear(columns=True)
            self.add_column(t("unit", lang), key="unit")
            for phase in report.template.phases:
                self.add_column(phase.short.get(lang, phase.key), key=phase.key)
            self.add_column(t("grade", lang), key="grade")
            self.add_column(t("commitments_short", lang), key="commitments")
            self.add_column(t("rectifications_short", lang), key="rectifications")
            self.add_column(t("awards", lang), key="awards")
            self._columns_for = columns
            self._cells.clear()
        needle = self.filter_text.lower()
        units = [
            u
            for u in report.units
            if not needle or needle in u.unit.lower() or needle in u.name.lower()
        ]
        rows = {u.unit: self._row(u, phases, lang) for u in units}
        now = time.monotonic()
        existing = [str(key.value) for key in self.rows]
        if existing == list(rows):
            for unit, cells in rows.items():
                for column, value in cells.items():
                    key = (unit, column)
                    plain = value.plain if isinstance(value, Text) else value
                    if self._cells.get(key) != plain:
                        if key in self._cells and column != "unit":
                            self._flash[key] = now + FLASH_SECONDS
                        self._cells[key] = plain
                        self.update_cell(unit, column, self._cell_text(key, value))
            return
        cursor = self.cursor_coordinate
        selected = existing[cursor.row] if existing and cursor.row < len(existing) else None
        scroll = self.scroll_offset
        self.clear()
        for unit, cells in rows.items():
            for column, value in cells.items():
                key = (unit, column)
                plain = value.plain if isinstance(value, Text) else value
                if key in self._cells and self._cells[key] != plain and column != "unit":
                    self._flash[key] = now + FLASH_SECONDS
                self._cells[key] = plain
            self.add_row(*(self._cell_text((unit, c), v) for c, v in cells.items()), key=unit)
        if selected in rows:
            self.move_cursor(row=list(rows).index(selected), animate=False)
        elif rows:
            self.cursor_coordinate = Coordinate(min(cursor.row, len(rows) - 1), 0)
        self.scroll_to(scroll.x, scroll.y, animate=False)

    def _unflash(self) -> None:
        now = time.monotonic()
        expired = [key for key, until in self._flash.items() if until <= now]
        for key in expired:
            del self._flash[key]
            unit, column = key
            if unit in self.rows and key in self._cells:
                self.update_cell(unit, column, self._cell_text(key, self._cells[key]))

    @property
    def selected_unit(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

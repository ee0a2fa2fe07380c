"""The overview grid: one row per unit (indented under its parent), one column per phase."""

from __future__ import annotations

import re
import time
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.coordinate import Coordinate

from cxzy.application.dashboard import Snapshot
from cxzy.application.status import StatusReport, UnitStatus
from cxzy.domain.registry import folded_code
from cxzy.i18n import t
from cxzy.literal import unit_label
from cxzy.tui.components.tables import Table

FLASH_SECONDS = 1.5
Row = dict[str, str | Text]  # column → its cell (phase cells are "text|state")


def _plain(value: str | Text) -> str:
    """A cell's text: phase cells carry "text|state"."""
    return value.plain if isinstance(value, Text) else value.partition("|")[0]


#: The key of a unit and the units under it in a filter (the grid's and the log's),
#: in English and Chinese: ``under:CODE``, ``下属:CODE``
UNDER_KEYS = ("under", "下属")
_UNDER = re.compile(rf"(?:^|(?<=\s))(?:{'|'.join(UNDER_KEYS)})[:：](\S*)", re.IGNORECASE)


def under_typed(text: str) -> str | None:
    """What a filter's ``under:`` names, as typed (None: the filter has none)."""
    found = _UNDER.search(text)
    return None if found is None else found[1]


def filter_scope(
    report: StatusReport, text: str, found_as: str | None = None
) -> tuple[list[UnitStatus], str]:
    """The units a filter's ``under:CODE`` leaves (every unit without one; none when
    no unit has that code, in any case or width, or that name as of the day shown,
    nor is ``found_as``: the unit the log found it names, by a name it bore), and
    the filter's other words."""
    found = _UNDER.search(text)
    if found is None:
        return report.units, text
    rest = f"{text[: found.start()]} {text[found.end() :]}".strip()
    wanted = folded_code(found[1])
    top = next((u.unit for u in report.units if folded_code(u.unit) == wanted), None)
    named = [u.unit for u in report.units if u.name == found[1]]
    if top is None and len(named) == 1:  # (下属:第一分局)
        top = named[0]
    top = top or found_as
    return (report.subtree(top) if top and wanted else []), rest


class StatusGrid(Table):
    """Cells keep their place across updates; changed cells flash briefly."""

    DEFAULT_CSS = """
    StatusGrid { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._cells: dict[tuple[str, str], str] = {}
        self._flash: dict[tuple[str, str], float] = {}
        self._values: dict[tuple[str, str], str | Text] = {}
        self._layout: tuple[object, ...] = ()
        self._names: dict[tuple[str, str, int], Text] = {}
        # unit → (its status, language, cells, their widths) as last built, and the
        # cells last put in the table: a live update changes a unit or two of hundreds
        self._built: dict[str, tuple[UnitStatus, str, Row, dict[str, int]]] = {}
        self._shown: dict[str, Row] = {}
        self._view: tuple[object, ...] = ()  # the day and moment last shown
        self.filter_text = ""
        # units the filter also finds: by a name they bore before (DKGS by 地矿公司)
        self.filter_units: frozenset[str] = frozenset()
        self.filter_under: str | None = None  # the unit of under:, by a name it bore
        self._filtered: tuple[object, ...] = ("", frozenset(), None)  # as last shown
        self.shown_units: list[UnitStatus] = []  # the rows, as the filter left them

    def on_mount(self) -> None:
        self.set_interval(0.5, self._unflash)

    def on_resize(self) -> None:
        self._fix_units()

    def watch_virtual_size(self) -> None:
        self._fix_units()

    def _fix_units(self) -> None:
        """When the grid is too wide for its place, the units stay at its left as it
        scrolls: figures scrolled into sight are still read beside their unit."""
        fixed = int(self.virtual_size.width > self.scrollable_content_region.width)
        if self.fixed_columns != fixed:
            self.fixed_columns = fixed
        if fixed and self.scroll_x not in self._stops:
            self.scroll_to(x=self._stop_before(self.scroll_x), animate=False)

    # Beside the fixed units, the grid scrolls a whole column at a time: a column
    # scrolled half out of sight showed "ue 6/7" next to the units.

    @property
    def _stops(self) -> list[int]:
        """Where the grid may be scrolled to: a column's left edge next to the units,
        up to the first that shows the last column whole."""
        widths = [column.get_render_width(self) for column in self.ordered_columns]
        if not self.fixed_columns or len(widths) < 2:
            return [0]
        view, total = self.scrollable_content_region.width, sum(widths)
        stops = [0]
        for width in widths[1:]:
            if stops[-1] + view >= total:
                break
            stops.append(stops[-1] + width)
        return stops

    def _stop_before(self, x: float) -> int:
        return max(stop for stop in self._stops if stop <= max(x, 0))

    @property
    def max_scroll_x(self) -> int:
        return self._stops[-1] if self.fixed_columns else super().max_scroll_x

    def validate_scroll_x(self, value: float) -> float:
        """Wherever the mouse takes it (the scrollbar dragged or clicked, a page), the
        nearest whole column (it scrolled by 4 cells beside the units)."""
        value = super().validate_scroll_x(value)
        if not self.fixed_columns:
            return value
        return min(self._stops, key=lambda stop: (abs(stop - value), stop))

    def _step(self, direction: int) -> bool:
        """The next whole column one way: whether the grid moved."""
        x = self.scroll_x
        if direction > 0:
            stop = next((s for s in self._stops if s > x), None)
        else:
            stop = next((s for s in reversed(self._stops) if s < x), None)
        if stop is None:
            return False
        self.scroll_to(x=stop, animate=False)
        return True

    def action_cursor_right(self) -> None:
        if not self.fixed_columns:
            return super().action_cursor_right()
        self._step(1)

    def action_cursor_left(self) -> None:
        if not self.fixed_columns:
            return super().action_cursor_left()
        self._step(-1)

    # the wheel sideways (shift+wheel, a trackpad): a whole column a turn
    def _scroll_right_for_pointer(self, *args: Any, **kwargs: Any) -> bool:
        if not self.fixed_columns:
            return super()._scroll_right_for_pointer(*args, **kwargs)
        return self._step(1)

    def _scroll_left_for_pointer(self, *args: Any, **kwargs: Any) -> bool:
        if not self.fixed_columns:
            return super()._scroll_left_for_pointer(*args, **kwargs)
        return self._step(-1)

    def _row(self, unit: UnitStatus, phases: list[str], lang: str) -> tuple[Row, dict[str, int]]:
        """A unit's cells and their widths: the same objects as last time when its
        status has not changed."""
        built = self._built.get(unit.unit)
        if built is not None and built[0] == unit and built[1] == lang:
            return built[2], built[3]
        key = (unit.unit, unit.name, unit.depth)
        name = self._names.get(key)
        if name is None:  # names rarely change: built once
            name = unit_label(unit.name, unit.unit, unit.depth)
            self._names[key] = name
        cells: Row = {"unit": name}
        for key in phases:
            status = unit.phases[key]
            done, total = status.progress
            cells[key] = f"{t(status.status, lang)} {done}/{total}|{status.status}"
        c, r = unit.commitments, unit.rectifications
        cells["grade"] = t(unit.grade, lang) if unit.grade else "-"
        cells["commitments"] = c.commitment_cell
        cells["rectifications"] = r.rectification_cell
        cells["awards"] = str(unit.awards)
        widths = {column: cell_len(_plain(value)) for column, value in cells.items()}
        self._built[unit.unit] = (unit, lang, cells, widths)
        return cells, widths

    def _cell_text(self, key: tuple[str, str], value: str | Text) -> Text:
        if isinstance(value, Text):
            return value
        text, _, state = value.partition("|")
        style = self.app.palette.states.get(state, "")  # type: ignore[attr-defined]
        if self._flash.get(key, 0) > time.monotonic():
            style = f"{style} reverse".strip()
        return Text(text, style=style)

    def show(self, snapshot: Snapshot, lang: str) -> None:
        report = snapshot.report
        phases = [p.key for p in report.template.phases]
        labels = {
            "unit": t("unit", lang),
            **{p.key: p.short.get(lang, p.key) for p in report.template.phases},
            "grade": t("grade", lang),
            "commitments": t("commitments_short", lang),
            "rectifications": t("rectifications_short", lang),
            "awards": t("awards", lang),
        }
        scope, words = filter_scope(report, self.filter_text, self.filter_under)
        needle = words.lower()
        built = {u.unit: self._row(u, phases, lang) for u in scope}
        if needle:  # a unit's code or name (or one it bore), or a word its row shows
            searched = ("unit", "grade", *phases)
            # "overdue" also finds the units with a commitment or rectification overdue
            # (the grid shows those as counts, not words)
            overdue = needle in t("overdue", lang).lower()
            late = {
                u.unit for u in report.units if u.commitments.overdue or u.rectifications.overdue
            }
            built = {
                unit: (cells, widths)
                for unit, (cells, widths) in built.items()
                if any(needle in _plain(cells[column]).lower() for column in searched)
                or (overdue and unit in late)
                or unit in self.filter_units
            }
        rows = {unit: cells for unit, (cells, _) in built.items()}
        self.shown_units = [u for u in scope if u.unit in rows]
        applied = (self.filter_text, self.filter_units, self.filter_under)
        refiltered, self._filtered = applied != self._filtered, applied
        # Widths are set here, not measured by the table later: a row drawn before
        # that measurement would otherwise keep its first, too narrow, width.
        # They only grow while the labels stay: a step that shortens a count then keeps
        # the layout, and only the cells that changed are redrawn; one that lengthens
        # it widens its column in place (Table.widen).
        grown = (
            dict(self._layout[2])
            if self._layout and self._layout[0] == tuple(labels.items())
            else {}
        )
        widths = {
            column: max(
                [cell_len(label), grown.get(column, 0)]
                + [row_widths[column] for _, row_widths in built.values()]
            )
            for column, label in labels.items()
        }
        layout = (tuple(labels.items()), tuple(rows), tuple(widths.items()))
        # Cells flash when new records change them, not when the view moves in time
        # (a step changes most of them: flashing all of them says nothing).
        view, self._view = self._view, report.view
        flash = view == self._view
        now = time.monotonic()
        shown, self._shown = self._shown, rows
        if layout[:2] == self._layout[:2] and layout != self._layout:  # a column grew
            before = dict(self._layout[2])
            self.widen({key: width for key, width in widths.items() if width != before[key]})
            self._layout = layout
        if layout == self._layout:
            changed = []
            for unit, cells in rows.items():
                if shown.get(unit) is cells:  # built for the cells in the table
                    continue
                for column, value in cells.items():
                    key = (unit, column)
                    plain = _plain(value)
                    if self._cells.get(key) != plain:
                        if flash and key in self._cells and column != "unit":
                            self._flash[key] = now + FLASH_SECONDS
                        self._cells[key], self._values[key] = plain, value
                        changed.append((unit, column, self._cell_text(key, value)))
            self.update_cells(changed)
            return
        existing = [str(key.value) for key in self.rows]
        cursor = self.cursor_coordinate
        selected = existing[cursor.row] if existing and cursor.row < len(existing) else None
        scroll = self.scroll_offset
        self.clear(columns=True)
        for column, label in labels.items():
            self.add_column(label, key=column, width=widths[column])
        self._layout = layout
        for unit, cells in rows.items():
            for column, value in cells.items():
                key = (unit, column)
                plain = _plain(value)
                if flash and key in self._cells and self._cells[key] != plain and column != "unit":
                    self._flash[key] = now + FLASH_SECONDS
                self._cells[key], self._values[key] = plain, value
            self.add_row(*(self._cell_text((unit, c), v) for c, v in cells.items()), key=unit)
        if selected in rows:
            self.move_cursor(row=list(rows).index(selected), animate=False)
        elif rows and refiltered:  # a new filter: its first match (not the last but one)
            self.cursor_coordinate = Coordinate(0, 0)
            scroll = scroll._replace(y=0)
        elif rows:
            self.cursor_coordinate = Coordinate(min(cursor.row, len(rows) - 1), 0)
        self.scroll_to(scroll.x, scroll.y, animate=False)

    def _unflash(self) -> None:
        now = time.monotonic()
        expired = [key for key, until in self._flash.items() if until <= now]
        for key in expired:
            del self._flash[key]
        self.update_cells(
            (*key, self._cell_text(key, self._values[key]))
            for key in expired
            if key[0] in self.rows and key in self._cells
        )

    def select_unit(self, code: str) -> None:
        """The cursor on ``code``'s row, where the grid shows it."""
        if code in self.rows:
            self.move_cursor(row=self.get_row_index(code), animate=False)

    @property
    def selected_unit(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

"""The dashboard's tables draw exactly what Textual's DataTable draws, and redraw a
changed cell (their caches key on what a cell shows, not on the table's counter)."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from cxzy.tui.components.tables import Table, fill

COLUMNS = [("unit", 14), ("phase", 10), ("note", 8)]
ROWS = [
    ("u1", [Text("局机关党委"), Text("发动 3/4", style="green"), Text("-")]),
    ("u2", [Text("  一四三队", style="bold"), Text("争创 0/9", style="red"), Text("")]),
    (
        "u3",
        [
            Text("  ") + Text("综合普查队") + Text(" u3", style="dim"),
            Text("a much longer cell than its column", style="yellow"),
            Text("宽字符截断了", style="italic"),
        ],
    ),
    ("u4", [Text("plain"), Text("1/2/3"), Text("x", style="reverse")]),
]


class Both(App[None]):
    def __init__(self, fixed_columns: int = 0) -> None:
        super().__init__()
        self.fixed_columns = fixed_columns

    def compose(self) -> ComposeResult:
        for table in (Table(id="ours"), DataTable(id="theirs")):
            table.cursor_type, table.zebra_stripes = "row", True
            table.fixed_columns = self.fixed_columns
            yield table

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            for key, width in COLUMNS:
                table.add_column(key, key=key, width=width)
            for key, cells in ROWS:
                table.add_row(*cells, key=key)


def lines(table: DataTable) -> list[list[tuple[str, object]]]:
    """Each line's cells as (text, style) after merging equal styles."""
    return [
        [(segment.text, segment.style) for segment in table.render_line(y).simplify()]
        for y in range(table.size.height)
    ]


def lines_drawn(table: DataTable) -> list[int]:
    """The lines the table draws from now on, as they are drawn."""
    drawn: list[int] = []
    render_line = table.render_line

    def counting(y: int):  # type: ignore[no-untyped-def]
        drawn.append(y)
        return render_line(y)

    table.render_line = counting  # type: ignore[method-assign]
    return drawn


@pytest.mark.parametrize("fixed_columns", [0, 1])
async def test_a_table_draws_what_the_datatable_draws(fixed_columns: int) -> None:
    app = Both(fixed_columns)
    async with app.run_test(size=(24, 20)) as pilot:  # narrower than the columns
        ours, theirs = app.query_one("#ours", Table), app.query_one("#theirs", DataTable)

        async def shown(table: DataTable, focused: bool) -> list[list[tuple[str, object]]]:
            app.set_focus(table if focused else None)
            await pilot.pause()
            return lines(table)

        for focused in (False, True):
            assert await shown(ours, focused) == await shown(theirs, focused)
        for table in (ours, theirs):
            table.move_cursor(row=2)
        for focused in (True, False):
            assert await shown(ours, focused) == await shown(theirs, focused)
        for table in (ours, theirs):
            table.scroll_to(x=9, animate=False)  # the fixed column stays, the others move
        for focused in (True, False):
            assert await shown(ours, focused) == await shown(theirs, focused)
        assert ours.scroll_x == 9
        assert ("局机关党委" in "".join(t for t, _ in lines(ours)[1])) == bool(fixed_columns)


async def test_a_changed_cell_is_redrawn_and_the_others_are_not() -> None:
    app = Both()
    async with app.run_test(size=(60, 20)) as pilot:
        ours = app.query_one("#ours", Table)
        await pilot.pause()
        before = lines(ours)
        ours.update_cell("u2", "phase", Text("争创 1/9", style="red"))
        await pilot.pause()
        after = lines(ours)
        changed = [y for y, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
        assert changed == [2]  # the header is line 0; u2 is line 2
        assert "争创 1/9" in "".join(text for text, _ in after[2])


async def test_updated_cells_redraw_only_their_rows() -> None:
    app = Both()
    async with app.run_test(size=(60, 20)) as pilot:
        ours = app.query_one("#ours", Table)
        await pilot.pause()
        drawn = lines_drawn(ours)
        ours.update_cells([("u2", "phase", Text("争创 1/9", style="red")), ("u4", "note", "y")])
        await pilot.pause()
        assert sorted(set(drawn)) == [2, 4]  # the header is line 0; u2 is line 2, u4 line 4
        assert ours.get_cell("u2", "phase").plain == "争创 1/9"
        assert "争创 1/9" in "".join(text for text, _ in lines(ours)[2])


class Filled(App[None]):
    def compose(self) -> ComposeResult:
        yield Table(id="ours", cursor_type="row")


FILL_COLUMNS = [("unit", "unit"), ("phase", "phase"), ("note", "note")]


async def filled(app: App[None], pilot: Any) -> tuple[Table, list[int | None]]:
    """The table filled with ROWS and drawn, and its columns' widths."""
    table = app.query_one(Table)
    fill(table, FILL_COLUMNS, ROWS)
    await pilot.pause()
    return table, [column.width for column in table.ordered_columns]


async def test_filling_again_sets_only_the_cells_that_changed() -> None:
    # The alerts are filled again at every step: same columns and rows, other cells.
    app = Filled()
    async with app.run_test(size=(120, 20)) as pilot:
        table, widths = await filled(app, pilot)
        drawn = lines_drawn(table)
        again = [(key, list(cells)) for key, cells in ROWS]
        again[1][1][1] = Text("争创 1/9", style="red")  # other text
        again[3][1][0] = Text("plain", style="green")  # the same text in another style
        fill(table, FILL_COLUMNS, again)
        await pilot.pause()
        assert sorted(set(drawn)) == [2, 4]  # the header is line 0; u2 is line 2, u4 line 4
        assert table.get_cell("u2", "phase").plain == "争创 1/9"
        assert table.get_cell("u4", "unit").style == "green"
        assert [column.width for column in table.ordered_columns] == widths

        # a cell wider than its column widens it, in place: the rows are kept, and
        # every line is drawn with the new width (the others' cells unchanged)
        first = table.rows[RowKey("u1")]
        again[0][1][2] = Text("a note much wider than before")
        fill(table, FILL_COLUMNS, again)
        await pilot.pause()
        assert table.ordered_columns[2].width == len("a note much wider than before")
        assert table.rows[RowKey("u1")] is first
        assert table.get_cell("u1", "note").plain == "a note much wider than before"
        shown = ["".join(text for text, _ in line) for line in lines(table)]
        assert "a note much wider than before" in shown[1]
        assert "宽字符截断了" in shown[3] and "争创 1/9" in shown[2]


async def test_filling_again_with_fewer_or_more_rows_keeps_the_leading_ones() -> None:
    # The alerts are keyed by place: a step that shows fewer or more of them keeps
    # the rows both have (the table is not cleared) and removes or adds the others.
    app = Filled()
    async with app.run_test(size=(60, 20)) as pilot:
        table, widths = await filled(app, pilot)
        first = table.rows[RowKey("u1")]
        fill(table, FILL_COLUMNS, ROWS[:2])
        await pilot.pause()
        assert [str(key.value) for key in table.rows] == ["u1", "u2"]
        fill(table, FILL_COLUMNS, [*ROWS[:2], ("u9", [Text("new"), Text("1/2"), Text("")])])
        await pilot.pause()
        assert [str(key.value) for key in table.rows] == ["u1", "u2", "u9"]
        assert table.get_cell("u9", "unit").plain == "new"
        assert "new" in "".join(text for text, _ in lines(table)[3])
        assert table.rows[RowKey("u1")] is first  # never cleared
        assert [column.width for column in table.ordered_columns] == widths


async def test_filling_again_with_many_fewer_rows_fills_the_table_anew() -> None:
    # The DataTable renumbers every row at each removal: a jump in time that leaves
    # 100 of 250 alert rows took 40 ms to remove them one by one. Past a few, the
    # table is filled anew (its columns as wide as the rows it keeps).
    from cxzy.tui.components.tables import REMOVED_ONE_BY_ONE

    many = [(f"r{n}", [Text(f"unit {n}"), Text(f"{n}/9"), Text("")]) for n in range(60)]
    app = Filled()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(Table)
        fill(table, FILL_COLUMNS, many)
        await pilot.pause()
        removed: list[object] = []
        remove_row = table.remove_row
        table.remove_row = lambda key: removed.append(key) or remove_row(key)  # type: ignore[method-assign]
        fill(table, FILL_COLUMNS, many[: 60 - REMOVED_ONE_BY_ONE])  # a few: one by one
        await pilot.pause()
        assert len(removed) == REMOVED_ONE_BY_ONE
        fill(table, FILL_COLUMNS, many[:5])
        await pilot.pause()
        assert len(removed) == REMOVED_ONE_BY_ONE  # anew, not 45 more removals
        assert [str(key.value) for key in table.rows] == [f"r{n}" for n in range(5)]
        assert table.get_cell("r4", "phase").plain == "4/9"
        assert "unit 4" in "".join(text for text, _ in lines(table)[5])
        assert [column.width for column in table.ordered_columns] == [6, 5, 4]


def test_a_name_on_two_lines_from_an_older_store_keeps_its_units_code_in_sight():
    """Names are refused with line breaks now; a store written before held them, and
    a name on two lines pushed its code out of the grid's and the status's row."""
    from cxzy.literal import literal_line, unit_label

    label = unit_label("一队\n(二分队)\x1b", "U5", depth=1, name_cells=20)
    assert label.plain == "  一队⏎(二分队)^[ U5"
    assert literal_line("第一行\r\n第二行\n").plain == "第一行⏎第二行⏎"

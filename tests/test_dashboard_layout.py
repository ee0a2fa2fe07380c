"""The dashboard's layout on narrow and wide terminals: the alerts' columns, the
header's and the footer's lines, and the grid's filter by a former name."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from cxzy.application.app import open_app
from cxzy.application.store import StoreLocation
from cxzy.tui.app import CxzyApp
from cxzy.tui.components.alerts_panel import AlertsPanel
from cxzy.tui.components.header_bar import HeaderBar
from cxzy.tui.components.key_footer import KeyFooter
from cxzy.tui.components.status_grid import StatusGrid
from tui_helpers import settle

AFTER = date(2026, 12, 6)  # the campaign long over: the alerts' days run to thousands


def dashboard(path: Path, lang: str = "zh", today: date = AFTER) -> CxzyApp:
    app = open_app(StoreLocation("sqlite", str(path)), read_only=True)
    return CxzyApp(app, lang=lang, today=today, live=False)


def lines(widget) -> list[str]:
    """The widget's lines as drawn."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def go_to(pilot, text: str, key: str = "colon") -> None:
    await pilot.press(key, *text, "enter")
    await settle(pilot)


@pytest.mark.parametrize(("lang", "size"), [("en", (80, 24)), ("en", (100, 30)), ("zh", (80, 24))])
async def test_each_alert_shows_its_item_and_the_start_of_its_text(demo_store, lang, size):
    """At 80 and 100 columns the alerts showed when, which unit and half of what
    ("rectif. [sup"): the id, the flags and the text were off the panel, the
    columns padded to the widest words of a day seen before (5531d overdue). The
    fixed columns are now as narrow as what they show, a unit's name is cut with
    "…" where needed, and the text takes the rest."""
    app = dashboard(demo_store, lang)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await go_to(pilot, "2011-05-18")
        panel = app.screen.query_one(AlertsPanel)
        assert panel.display and panel.region.width
        drawn = lines(panel)[1:]  # under the columns' labels
        shown = [line for line in drawn if line.strip()]
        assert len(shown) >= 5, drawn
        for n, (line, alert) in enumerate(zip(shown, app.snapshot.alerts, strict=False)):
            row = panel.get_row_at(n)
            when, unit, text = str(row[0]), str(row[1]), row[3].plain
            # the id, its flags and the text's first two characters
            start = text[: text.index("]") + 3] if "[" in text else text[: len(alert.code) + 3]
            assert line.lstrip().startswith(when), line
            assert unit in line or (unit[:2] in line and "…" in line), line
            assert start in line, (start, line)


async def test_at_200_columns_the_alerts_text_has_the_room_the_columns_leave(demo_store):
    """At 200 columns the text stopped after about 25 columns ("C-ZP-1 落实学习实践活动整")."""
    app = dashboard(demo_store, "en")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await go_to(pilot, "2011-05-18")
        panel = app.screen.query_one(AlertsPanel)
        widths = [c.get_render_width(panel) for c in panel.ordered_columns]
        fixed = sum(widths[:3])
        assert widths[:3] == [11, 18, 9], widths  # "230d late", "地矿开发有限公司", "rectif."
        first = panel.get_row_at(0)[3].plain
        line = lines(panel)[1]
        seen = panel.scrollable_content_region.width - fixed
        assert seen >= 30 and first[: seen // 2] in line, (seen, line)


async def test_the_alerts_keep_when_and_unit_in_sight_when_scrolled_on_a_narrow_panel(demo_store):
    app = dashboard(demo_store, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await go_to(pilot, "2011-05-18")
        panel = app.screen.query_one(AlertsPanel)
        panel.focus()
        await pilot.press("end")
        await settle(pilot)
        assert panel.scroll_x > 0
        when = str(panel.get_row_at(0)[0])
        line = lines(panel)[1]
        assert line.lstrip().startswith(f"{when} ") and "综合普…" in line, line


async def test_the_grid_filter_finds_a_unit_by_a_name_it_bore_before(demo_store):
    """DKGS was 地矿公司 until 2011-03-15: `/地矿公司` said "no unit matches", while
    `:地矿公司`, the log's `unit:地矿公司` and the palette found it."""
    app = dashboard(demo_store, "zh", today=date(2012, 11, 7))
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        await go_to(pilot, "地矿公司", key="slash")
        assert {str(key.value) for key in grid.rows} == {"DKGS"}
        said = app.screen.query_one("#empty", Static).render().plain
        assert said.startswith("筛选“地矿公司”:1 / 10 个单位"), said
        await go_to(pilot, "\b" * 4 + "地矿总公司", key="slash")  # no unit ever bore it
        assert grid.row_count == 0
        await go_to(pilot, "\b" * 5 + "队", key="slash")  # part of names, as before
        assert {str(key.value) for key in grid.rows} == {"133", "145", "149", "ZP"}


@pytest.mark.parametrize(
    ("lang", "size", "keys", "pieces", "left_out"),
    [
        (
            "en",
            (120, 40),
            ("colon", "2011-05-18"),
            ["as of 2011-05-18", "HISTORICAL VIEW", "viewing 2011-05-18", "step: week"],
            "",
        ),
        (
            "en",
            (80, 24),
            ("colon", "2011-05-18"),
            ["as of 2011-05-18", "current phase: Compete and advance", "step: week"],
            "viewing",  # the day again, on a line of its own: left out
        ),
        (
            "zh",
            (120, 40),
            ("k", "2011-05-18T15:00+08:00"),
            ["截至 2011-05-18", "历史视图", "按 2011-05-18T15:00+08:00 时库中所知", "步长:周"],
            "",
        ),
        (
            "zh",
            (80, 24),
            ("k", "2011-05-18T15:00+08:00"),
            ["当前阶段: 全面争创,扎实推进", "按 2011-05-18T15:00+08:00 时库中所知"],
            "",
        ),
    ],
)
async def test_the_header_breaks_between_its_pieces_never_inside_one(
    demo_store, lang, size, keys, pieces, left_out
):
    """At 120 columns "HISTORICAL VIEW  viewing" / "2011-05-18  step: week", and
    "按 2011-05-18T15:00+08:00" / "时库中所知": the header was broken at any space."""
    app = dashboard(demo_store, lang)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await go_to(pilot, keys[1], key=keys[0])
        header = app.screen.query_one(HeaderBar)
        drawn = lines(header)
        for piece in pieces:
            assert any(piece in line for line in drawn), (piece, drawn)
        if left_out:
            assert not any(left_out in line for line in drawn), drawn
        assert drawn[-1].rstrip().endswith("2012-07") or drawn[-1].rstrip().endswith("2012-11"), (
            drawn
        )  # the timeline, whole, under them (no bar after its last phase)


@pytest.mark.parametrize(("lang", "width"), [("zh", 40), ("zh", 60), ("en", 40), ("en", 48)])
async def test_a_narrow_headers_timeline_breaks_between_phases(demo_store, lang, width):
    """At 40 columns the timeline wrapped as "… | 整改" / "2011-07 | 总结 2012-07 |", a
    phase parted from its month, and at 60 a lone "|" took a line. A bar parts two
    phases: none ends a line (one after the last phase parted nothing) or starts one."""
    app = dashboard(demo_store, lang)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        drawn = lines(app.screen.query_one(HeaderBar))
        # (a month, not a day: "as of 2012-11-30" is the line above)
        timeline = [line.strip() for line in drawn if re.search(r"\d{4}-\d{2}(?![\d-])", line)]
        parts = [part.strip() for line in timeline for part in line.split("|") if part.strip()]
        assert len(parts) == 4, drawn  # every phase, each with its month
        assert all(re.fullmatch(r"\S+ \d{4}-\d{2}", part) for part in parts), drawn
        assert not any(line.endswith("|") or line.startswith("|") for line in timeline), drawn


def footer_keys(app: CxzyApp) -> list[str]:
    footer = app.screen_stack[-1].query(KeyFooter) or app.screen_stack[-2].query(KeyFooter)
    return [f"{k.key_display} {k.description}" for k in footer.first().query(FooterKey)]


@pytest.mark.parametrize(
    ("lang", "size", "keys"),
    [
        ("zh", (120, 40), ("l",)),  # the log
        ("zh", (120, 40), ("l", "question_mark")),  # the help over it: its own keys
        ("zh", (80, 24), ()),
        ("en", (80, 24), ()),
        ("en", (100, 30), ()),
        ("zh", (160, 40), ()),
        ("en", (160, 40), ()),
    ],
)
async def test_the_footer_shows_each_key_whole_or_not_at_all(demo_store, lang, size, keys):
    """With the help open over the log the footer ended "l ▏^p   令面板" (命 lost
    under the palette key's edge), and at 80 columns the overview's "space 回放/":
    a key that does not fit is left out, with the ones after it. The help shows its
    own keys (the log's n and p showed under it, and did nothing there)."""
    app = dashboard(demo_store, lang)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        line = app.screen._compositor.render_strips()[-1].text.replace("\xa0", " ")
        shown = footer_keys(app)
        if keys[-1:] == ("question_mark",):
            assert shown == ["esc 返回"], shown
        else:
            assert len(shown) >= 5, shown
        assert all(key in line for key in shown), (shown, line)
        assert line.rstrip().endswith(shown[-1]), line  # nothing cut after it
        assert cell_len(line.rstrip()) <= size[0]
        if size[0] >= 160 and not keys:  # room for every key: the step's too, then ^p
            assert any(key.startswith("s ") for key in shown), shown
            assert shown[-1].startswith("^p"), shown


async def test_the_header_is_as_high_as_its_lines_after_a_resize(demo_store):
    """From 120 to 100 columns the header kept the height of its former lines wrapped
    at the new width: two empty lines under the timeline."""
    app = dashboard(demo_store, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to(pilot, "2011-05-18")
        for width in (100, 90, 120):
            await pilot.resize_terminal(width, 30)
            await settle(pilot)
            drawn = lines(app.screen.query_one(HeaderBar))
            assert all(line.strip() for line in drawn), (width, drawn)


@pytest.mark.parametrize("width", [100, 120, 159, 200])
async def test_the_log_fits_its_columns_the_summary_cut_with_an_ellipsis(demo_store, width):
    """At 120 columns the log's 60-wide summary pushed who recorded a record past
    the screen's edge: 刘继东 read 刘, a surname, and long summaries ended mid-word
    with nothing to say so. The summary takes what the other columns leave (at
    200 more than 60) and is cut with "…"; the other columns are whole."""
    from textual.widgets import DataTable

    app = dashboard(demo_store, "zh")
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await go_to(pilot, "unit:DKGS type:ReviewRecorded", key="slash")
        table = app.screen.query_one(DataTable)
        drawn = lines(table)
        last = {100: "记录人", 120: "记录人", 159: "记录人", 200: "迟报"}[width]
        assert drawn[0].split()[-1] == last, drawn[0]  # (reported late: from 160 on)
        for n in range(table.row_count):
            by = str(table.get_row_at(n)[5])  # (pos, at, type, unit, summary, by, …)
            assert by and by in drawn[n + 1], (by, drawn[n + 1])
        assert max(cell_len(line.rstrip()) for line in drawn) <= width - 2
        # (found by its cell: after its reviewer, the words may be cut from sight)
        (row,) = [n for n in range(table.row_count) if "随机抽查" in str(table.get_row_at(n)[4])]
        summary, long_one = str(table.get_row_at(row)[4]), drawn[row + 1]
        if cell_len(summary) > table.columns[list(table.columns)[4]].width:
            assert "…" in long_one, long_one
        else:
            assert summary in long_one, long_one
        if width == 200:
            assert table.columns[list(table.columns)[4]].width > 60
            await go_to(pilot, "unit:ZP type:CommitmentMade", key="slash")  # one back-filled
            late = [str(table.get_row_at(n)[7]) for n in range(table.row_count)]
            assert any(cell.startswith("迟") and cell.endswith("天") for cell in late), late


async def test_a_long_unit_name_is_cut_in_its_screens_title_its_code_whole(demo_store, tmp_path):
    """At 80 columns the title broke inside the code: `…联合委员会(LONGN` / `AME)`."""
    import json
    import shutil

    from cxzy.cli import main

    store = tmp_path / "long.sqlite3"
    shutil.copy(demo_store, store)
    name = "甘肃煤田地质局第一百四十五地质勘查队下属野外项目部临时党支部联合委员会"
    record = {"type": "UnitRegistered", "at": "2010-06-01", "unit": "LONGNAME", "name": name}
    (tmp_path / "u.jsonl").write_text(
        json.dumps({**record, "kind": "team", "parent": "JU"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert main(["--store", str(store), "import", str(tmp_path / "u.jsonl")]) == 0
    app = dashboard(store, "zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await go_to(pilot, "LONGNAME")
        body = app.screen.query_one("#body", Static)
        title = lines(body)[0].rstrip()
        assert title.endswith("…(LONGNAME)") and title.startswith("甘肃煤田地质局"), title
        assert cell_len(title) <= 80 - 4
        await pilot.resize_terminal(200, 30)
        await settle(pilot)
        assert lines(body)[0].rstrip() == f"{name}(LONGNAME)"

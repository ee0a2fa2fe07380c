"""The dashboard, driven with Textual's Pilot on a real store (the demo history)."""

from __future__ import annotations

import asyncio
import gc
import io
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static
from textual.widgets.data_table import ColumnKey

from cxzy.application.app import open_app
from cxzy.application.collection import DEFERRED
from cxzy.application.dashboard import UnitDetail
from cxzy.application.history import LogQuery
from cxzy.application.importer import Importer
from cxzy.application.store import StoreLocation
from cxzy.domain.schema import TYPES
from cxzy.formats.jsonl import read_records
from cxzy.i18n import code_label, rendered, t
from cxzy.tui import collector
from cxzy.tui.app import CxzyApp
from cxzy.tui.components.alerts_panel import AlertsPanel
from cxzy.tui.components.header_bar import HeaderBar
from cxzy.tui.components.progress_chart import ProgressChart
from cxzy.tui.components.share_line import ShareLine
from cxzy.tui.components.status_grid import StatusGrid
from cxzy.tui.components.totals_bar import TotalsBar
from cxzy.tui.screens.empty import EmptyScreen
from cxzy.tui.screens.help import HelpScreen
from cxzy.tui.screens.log import LogScreen
from cxzy.tui.screens.overview import OverviewScreen
from cxzy.tui.screens.record import RecordScreen
from cxzy.tui.screens.unit import UnitScreen
from tui_helpers import settle

EVENTS = Path(__file__).resolve().parents[1] / "events"
DAY = date(2011, 3, 1)
SIZE = (170, 45)


def location(path: Path) -> StoreLocation:
    return StoreLocation("sqlite", str(path))


def dashboard(path: Path, lang: str = "zh", today: date = DAY, live: bool = False) -> CxzyApp:
    return CxzyApp(open_app(location(path), read_only=True), lang=lang, today=today, live=live)


def cell(app: CxzyApp, unit: str, column: str) -> str:
    grid = app.screen.query_one(StatusGrid)
    return grid.get_cell(unit, column).plain


def plain(widget: Static) -> str:
    """What a Static shows, as plain text (rich renderables included)."""
    console = Console(width=200, file=io.StringIO(), color_system=None)
    content = widget.content
    console.print(content if not isinstance(content, str) else Text(content))
    return console.file.getvalue()


async def unit_body(pilot: Pilot, code: str) -> str:
    """The unit screen of ``code``, opened with ``:`` once the dashboard settled."""
    await settle(pilot)
    await pilot.press("colon", *code, "enter")
    await settle(pilot)
    return plain(pilot.app.screen.query_one("#body", Static))


def screen_text(app: CxzyApp) -> str:
    parts = []
    for widget in app.screen.query(Static):
        parts.append(plain(widget))
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            parts.append(" ".join(str(c) for c in table.get_row_at(row)))
    return "\n".join(parts)


async def test_overview_shows_every_unit_and_phase_on_the_day_shown(demo_store):
    app = dashboard(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        grid = app.screen.query_one(StatusGrid)
        assert grid.row_count == 10
        assert cell(app, "JU", "mobilize") == "完成 4/4"
        assert cell(app, "DKGS", "compete").startswith("有风险")
        assert cell(app, "ZP", "grade") == "后进"
        text = screen_text(app)
        assert "2011-03-01" in text and "全面争创" in text
        assert "预警" in app.screen.query_one("#alerts").border_title


def bottom_line(app: CxzyApp) -> str:
    """The screen's last line as drawn (the footer), spaces as plain spaces."""
    strips = app.screen._compositor.render_strips()
    return strips[-1].text.replace("\xa0", " ")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_footer_shows_each_key_whole_at_any_width(demo_store, lang):
    """The palette key docked on the right of Textual's footer drew over the other
    keys when they did not all fit, and lost the Chinese character under its edge
    ("l ▏^p 令面板" at 100 columns). It is shown only where the keys fit beside it;
    on a narrower terminal the keys end at the edge, each label whole or cut at a
    whole character. At 120 columns `k` (as known at) is shown, last."""
    palette = t("key_palette", lang)
    labels = [t(key, lang) for key in ("key_filter", "key_quit", "key_help", "key_today")]
    app = dashboard(demo_store, lang=lang)
    async with app.run_test(size=(170, 34)) as pilot:
        await settle(pilot)
        line = bottom_line(app)
        assert f"^p {palette}" in line and all(label in line for label in labels)
        await pilot.resize_terminal(120, 34)  # the audit's key: as the store knew it at…
        await settle(pilot)
        assert f"k {t('key_known', lang)}" in bottom_line(app), bottom_line(app)
        for width in (100, 90, 97, 80):
            await pilot.resize_terminal(width, 34)
            await settle(pilot)
            line = bottom_line(app)
            assert palette not in line and "▏" not in line, (width, line)
            assert all(label in line for label in labels), (width, line)
        await pilot.resize_terminal(170, 34)
        await settle(pilot)
        assert f"^p {palette}" in bottom_line(app)


async def test_english_everywhere_with_lang_en(demo_store):
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cell(app, "JU", "mobilize") == "done 4/4"
        assert cell(app, "ZP", "grade") == "lagging"
        text = screen_text(app)
        assert "current phase" in text and "Compete and advance" in text


async def test_the_live_view_moves_to_the_new_day_at_the_campaigns_midnight(demo_store):
    """It went on showing yesterday as live, its figures no longer `cxzy status`'s,
    and `t` went back to yesterday."""
    app = dashboard(demo_store, lang="en", today=date(2012, 6, 29))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._today = date(2012, 6, 30)  # (what the campaign's clock says after midnight)
        app.turn_of_day()
        await settle(pilot)
        assert app.clock.as_of == date(2012, 6, 30) and app.clock.live
        assert "as of 2012-06-30" in plain(app.screen.query_one(HeaderBar))
        await pilot.press("colon", *"2011-03-01", "enter")
        await settle(pilot)
        app._today = date(2012, 7, 1)
        app.turn_of_day()  # a view of another day stays where it is
        await settle(pilot)
        assert (app.clock.as_of, app.clock.today) == (date(2011, 3, 1), date(2012, 7, 1))
        await pilot.press("t")
        await settle(pilot)
        assert app.clock.as_of == date(2012, 7, 1) and app.clock.live


@pytest.mark.parametrize(
    ("today", "lang", "words"),
    [
        (date(2010, 5, 1), "zh", "活动尚未开始"),
        (date(2026, 12, 4), "zh", "活动已结束"),
        (date(2026, 12, 4), "en", "campaign over"),
    ],
)
async def test_the_header_says_whether_the_campaign_has_begun_or_is_over(
    demo_store, today, lang, words
):
    app = dashboard(demo_store, lang=lang, today=today)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = plain(app.screen.query_one("HeaderBar"))
        assert words in header, header


async def test_enter_opens_the_unit_and_escape_comes_back(demo_store):
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        grid.move_cursor(row=grid.get_row_index("ZP"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == "ZP"
        body = plain(app.screen.query_one("#body", Static))
        assert "综合普查队" in body
        assert "R-ZP-1" in body and "rectification verified" in body
        assert "verification: rejected" in body  # the rejected verification, in the history
        assert "Commitments" in body and "Rectifications" in body  # section titles
        assert "lagging" in body and "Party-spirit analysis" in body
        assert "reported late" in body  # the demo was recorded long after it happened
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_units_footer_keeps_its_log_key_on_80_columns(demo_store, lang):
    """A unit's screen at 80 columns: the footer ended at the replay's key and left
    out `l`, the one that shows this unit's records."""
    app = dashboard(demo_store, lang=lang)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        grid.move_cursor(row=grid.get_row_index("ZP"))
        await pilot.press("enter")
        await settle(pilot)
        assert f" l {t('key_log', lang)} " in bottom_line(app), bottom_line(app)
        await pilot.press("l")
        await settle(pilot)
        # the filter in the interface's words ("筛选: unit:ZP" in a Chinese log)
        typed = {"zh": "单位:ZP", "en": "unit:ZP"}[lang]
        assert isinstance(app.screen, LogScreen) and app.screen.filter_text == typed
        assert {
            str(row[3]) for row in map(app.screen.query_one(DataTable).get_row_at, range(3))
        } == {"ZP"}


async def test_screens_opened_and_closed_are_not_kept(demo_store):
    """A unit's screen, the log, and the footers laid out for them, are let go once
    closed, though the day shown does not change (Textual drops a watcher of the
    app's snapshot, or of a footer's ``compact``, only when that next changes): an
    office browsing units on a quiet day grew by about 1 MB a screen."""
    import weakref

    from textual.widgets._footer import FooterKey

    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        visits: list[list[weakref.ref]] = []  # each screen opened, and its footer's keys
        for key in ("enter", "l") * 4:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, (UnitScreen, LogScreen))
            keys = list(app.screen.query(FooterKey))
            assert keys
            visits.append([weakref.ref(app.screen), *map(weakref.ref, keys)])
            await pilot.press("escape")
            await settle(pilot)
        await pilot.pause(1.5)  # (the pass after a paint, timed from the last screen's)
        gc.collect()
        kept = [[ref() for ref in refs if ref() is not None] for refs in visits]
        # a worker's context may hold the last of each kind a moment longer
        assert sum(1 for alive in kept if alive) <= 2, kept


async def test_esc_from_a_unit_opened_by_name_comes_back_to_its_row(demo_store):
    """A unit opened with `:` or the palette: Esc came back to the row the cursor had
    left (the bureau's, 1,500 rows above a unit of a wide branch)."""
    app = dashboard(demo_store, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        assert grid.selected_unit == "JU"
        await pilot.press("colon", *"ZP", "enter")
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen) and grid.selected_unit == "ZP"
        await pilot.press("ctrl+p", *"一四九队")
        await palette_options(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == "149"
        await pilot.press("escape")
        await settle(pilot)
        assert grid.selected_unit == "149"


async def test_the_unit_screen_speaks_the_interface_language(demo_store):
    """Headers, record types and codes in Chinese (the ledger's words), defaults not
    repeated on every commitment, and who made each contact visit."""
    app = dashboard(demo_store, lang="zh", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        body = await unit_body(pilot, "ZP")
        for words in ("阶段", "依据", "整改验收", "验收: 不通过", "措施: 通报批评", "评议类型"):
            assert words in body, words
        assert "群众评议" in body and "领导班子好 2" in body  # review kind and ratings
        assert "批评 · 野外项目部党员组织生活不正常" in body  # an inspection's verdict and note
        assert "优秀共产党员" in body and "局级" in body  # the award's title and level
        assert "走访领导" in body and "任乾" in body  # the leader, not only who recorded it
        for code in ("RectificationVerified", "accepted", "excellent_member", "bureau"):
            assert code not in body, code
        assert "day" not in body.split() and "public" not in body
        await pilot.press("escape", "colon", *"JU", "enter")
        await settle(pilot)
        body = plain(app.screen.query_one("#body", Static))
        assert "来源: 学习实践活动遗留问题" in body and "legacy" not in body


async def test_time_travel_by_step_and_by_typed_date(demo_store):
    app = dashboard(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2011, 2, 22)
        await pilot.press("s", "s")  # week → month → phase
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2011, 7, 1)  # next phase start
        assert "预看" in screen_text(app) and "历史视图" not in screen_text(app)
        await pilot.press("colon")
        await pilot.press(*"2010-07-01", "enter")
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2010, 7, 1)
        assert cell(app, "DKGS", "compete").startswith("有风险")
        assert "历史视图" in screen_text(app)
        await pilot.press("t")
        await settle(pilot)
        assert app.snapshot.report.as_of == DAY and "实时" in screen_text(app)
        await pilot.press("s")  # phase → day (the cycle: day, week, month, phase)
        await settle(pilot)
        assert "步长:日" in screen_text(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.snapshot.report.as_of == DAY - timedelta(days=1)
        await pilot.press("s")
        await settle(pilot)
        assert "步长:周" in screen_text(app)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("overview", OverviewScreen), ("help", HelpScreen), ("TODAY", OverviewScreen)],
)
async def test_the_words_colon_takes_go_where_they_say(demo_store, typed, shown):
    """`:overview`, `:today`, `:help` (README): only `:log` was pinned by a test."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"2010-07-01", "enter", "l")  # a past day, the log over it
        await settle(pilot)
        await pilot.press("colon", *typed, "enter")
        await settle(pilot)
        assert type(app.screen) is shown, app.screen
        if typed == "TODAY":
            assert app.snapshot.report.as_of == DAY
        else:
            assert app.clock.as_of == date(2010, 7, 1)


@pytest.mark.parametrize(("lang", "mark"), [("en", "[esc.]"), ("zh", "[升级]")])
async def test_an_escalated_rectification_is_marked_in_the_alerts(demo_store, lang, mark):
    """R-ZP-2 was escalated (public criticism) on 2011-05-16: its alert says so, as
    a supervised one says [督办]/[sup.]."""
    app = dashboard(demo_store, lang=lang, today=date(2011, 5, 20))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AlertsPanel)
        texts = [panel.get_row_at(r)[3].plain for r in range(panel.row_count)]
        (escalated,) = [text for text in texts if text.startswith("R-ZP-2 ")]
        assert escalated.startswith(f"R-ZP-2 {mark} "), escalated
        assert sum(mark in text for text in texts) == 1, texts


async def test_colon_quit_quits(demo_store):
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"quit", "enter")
        await pilot.pause(0.3)
        assert not app.is_running


async def test_a_day_to_come_as_known_at_a_moment_says_ahead(demo_store):
    """With `k` set, a day still to come was labelled HISTORICAL VIEW, as a past
    day is: it is the deadlines as they stand, as known at that moment."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k", *"2011-02-01 12:00", "enter")
        await settle(pilot)
        await pilot.press("colon", *"2011-07-01", "enter")
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2011, 7, 1) > DAY
        text = screen_text(app)
        assert "AHEAD" in text and "HISTORICAL" not in text, text
        assert "2011-02-01T12:00+08:00" in text, text
        await pilot.press("colon", *"2011-01-01", "enter")  # a past day: historical
        await settle(pilot)
        text = screen_text(app)
        assert "HISTORICAL" in text and "AHEAD" not in text and "2011-02-01T12:00" in text


async def test_a_step_that_cannot_move_says_so(demo_store):
    """Stepping by phase before the first phase's start (or after the campaign's
    end) did nothing, silently: it now says why the day stays."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"2010-04-01", "enter", "s", "s")  # week → month → phase
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.clock.as_of == date(2010, 4, 1)
        said = [n.message for n in app._notifications][-1]
        assert said == "no phase begins or ends before 2010-04-01"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.clock.as_of == date(2010, 5, 11)  # the first phase's start
        await pilot.press("colon", *"2013-01-01", "enter", "right_square_bracket")
        await settle(pilot)
        assert app.clock.as_of == date(2013, 1, 1)
        said = [n.message for n in app._notifications][-1]
        assert said == "no phase begins or ends after 2013-01-01"


async def test_a_notice_does_not_cover_the_bureaus_totals(demo_store):
    from textual.widgets._toast import Toast

    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.notify("a notice of several words, long enough to take two lines " * 2)
        await settle(pilot)
        totals = app.screen.query_one(TotalsBar).region
        toasts = [toast.region for toast in app.screen.query(Toast)]
        assert toasts and not any(toast.overlaps(totals) for toast in toasts), (toasts, totals)


async def test_a_notice_lies_over_no_edge_of_another_widget(demo_store):
    """Textual cuts each line at every widget's edges, those under a notice too, and
    a wide character across a cut is lost (textual#6357): "既不是    或日期" where the
    alerts panel began under a notice. Notices stand at the left, over the grid or
    the log alone."""
    from textual.widgets._toast import Toast, ToastHolder, ToastRack

    app = dashboard(demo_store)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await settle(pilot)
        for screen_key in ("", "l"):
            if screen_key:
                await pilot.press(screen_key)
                await settle(pilot)
            app.notify("XYZ:既不是命令或日期,也不是某单位的代码或名称(: 后可输入的见 ? 帮助)")
            await settle(pilot)
            toasts = [toast.region for toast in app.screen.query(Toast)]
            assert toasts
            under = [
                widget
                for widget in app.screen.query("*")
                if widget.display
                and not isinstance(widget, (Toast, ToastHolder, ToastRack))
                and any(widget.region.overlaps(toast) for toast in toasts)
            ]
            assert under
            for widget in under:
                for toast in toasts:
                    if widget.region.overlaps(toast):
                        assert widget.region.x <= toast.x, (widget, widget.region, toast)
                        assert widget.region.right >= toast.right, (widget, widget.region, toast)
            app.clear_notifications()


async def test_moving_in_time_changes_cells_without_flashing_them(demo_store):
    # Flashing says "new records changed this" (see the live test below); a step in
    # time changes most cells, and flashing all of them would say nothing.
    app = dashboard(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        columns = [str(column.key.value) for column in grid.ordered_columns]
        units = [str(row.value) for row in grid.rows]
        before = {(u, c): cell(app, u, c) for u in units for c in columns}
        await pilot.press("s", "s")  # a phase at a time: many cells change
        await pilot.press("left_square_bracket")
        await settle(pilot)
        changed = [key for key, text in before.items() if cell(app, *key) != text]
        assert len(changed) > 10
        flashing = [key for key in changed if "reverse" in str(grid.get_cell(*key).style)]
        assert flashing == []


async def test_a_typed_date_with_or_without_the_word_date_and_a_date_that_is_none(demo_store):
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"date 2010-07-01", "enter")  # as the help writes it
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2010, 7, 1)
        await pilot.press("colon", *"2011-02-30", "enter")
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2010, 7, 1)
        said = [n.message for n in app._notifications]
        assert said[-1] == "there is no day '2011-02-30': 2011-02 has 28 days", said
        await pilot.press("colon", *"9999-12-31", "enter")
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2010, 7, 1)
        said = [n.message for n in app._notifications]
        assert said[-1] == "'9999-12-31' is outside 1900-01-01 … 2999-12-31", said
        await pilot.press("colon", *"date", "enter")  # it said "no command, date, or unit"
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert said[-1] == "date needs a day: date YYYY-MM-DD", said


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2011/3/1", date(2011, 3, 1)),
        ("date 2011-3-1", date(2011, 3, 1)),
        ("2011年3月1日", date(2011, 3, 1)),
        # an input method's full-width digits were "not a date", or no unit; :DATE as :LOG
        ("２０１１-０３-０１", date(2011, 3, 1)),
        ("２０１１年３月１日", date(2011, 3, 1)),
        ("DATE 2011-03-01", date(2011, 3, 1)),
        ("整改", date(2011, 7, 1)),  # a phase, by its short name: its first day
        ("rectify", date(2011, 7, 1)),
        ("全面争创,扎实推进", date(2010, 6, 1)),
        ("Summarize", date(2012, 7, 1)),
    ],
)
async def test_command_mode_takes_days_as_spreadsheets_spell_them_and_phases(
    demo_store, typed, day
):
    """`:2011/03/01` and `:date 2011-3-1` were refused, though an import reads
    2010/6/20; `:整改` and `:rectify` were "no command, date, or unit"."""
    app = dashboard(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *typed, "enter")
        await settle(pilot)
        assert app.snapshot.report.as_of == day, [n.message for n in app._notifications]


def imported(store: Path, records: list[dict]) -> None:
    """``records`` imported into ``store`` by the command line, as the office does."""
    from contract_helpers import write_jsonl
    from cxzy.cli import main

    path = write_jsonl(store.parent / "records.jsonl", records)
    assert main(["--store", str(store), "import", str(path)]) == 0


async def test_a_unit_named_as_a_phase_is_opened_by_its_name(store):
    """A phase's name took `:` before the units: a unit named 总结 (or coded
    RECTIFY) could no longer be opened by it."""
    records = [{"type": "UnitRegistered", "at": "2012-07-02", "unit": "RECTIFY", "name": "总结",
                "kind": "office", "parent": "JU"}]  # fmt: skip
    imported(store, records)
    app = dashboard(store, today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for typed in ("总结", "rectify"):
            await pilot.press("colon", *typed, "enter")
            await settle(pilot)
            assert isinstance(app.screen, UnitScreen) and app.screen.unit == "RECTIFY", typed
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("colon", *"整改", "enter")  # a phase no unit is named as
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2011, 7, 1)


async def test_command_mode_opens_a_unit_by_code_or_name(demo_store):
    app = dashboard(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"综合普查队", "enter")
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == "ZP"
        await pilot.press("escape", "colon", *"dkgs", "enter")  # a code, any case
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == "DKGS"
        await pilot.press("escape", "colon", *"队", "enter")  # in several names
        await settle(pilot)
        assert not isinstance(app.screen, UnitScreen)
        said = [n.message for n in app._notifications][-1]
        assert (
            said
            == "有多个单位与 队 相符:一三三队 133, 一四五队 145, 一四九队 149, 综合普查队 ZP;请给出单位代码"
        )


async def test_a_name_several_units_bear_lists_them_and_a_code_opens_its_unit(store):
    """In a large tree dozens of groups are 第一党支部: `:第一党支部` opened the first
    of them, unsaid, and its screen did not say which it was. A unit's code is still
    taken before any name."""
    records = [{"type": "UnitRegistered", "at": "2012-07-02", "unit": code, "name": "第一党支部",
                "kind": "office", "parent": parent} for code, parent in
               (("133-1", "133"), ("145-1", "145"))]  # fmt: skip
    records.append({"type": "UnitRegistered", "at": "2012-07-02", "unit": "ZP-1", "name": "133-1",
                    "kind": "office", "parent": "ZP"})  # fmt: skip
    records += [{"type": "CommitmentMade", "at": "2012-07-03", "commitment": f"K-{code}",
                 "unit": code, "due": "2012-08-01", "text": "建立制度"}
                for code in ("133-1", "145-1")]  # fmt: skip
    imported(store, records)
    app = dashboard(store, today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # the alerts say which: a name others bear is followed by the unit's code
        alerts = app.screen.query_one(AlertsPanel)
        named = {str(alerts.get_row_at(r)[1]) for r in range(alerts.row_count)}
        assert {"第一党支部 133-1", "第一党支部 145-1", "局机关"} <= named, named
        await pilot.press("colon", *"第一党支部", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, UnitScreen), app.screen.unit
        said = [n.message for n in app._notifications][-1]
        assert (
            said == "有多个单位与 第一党支部 相符:第一党支部 133-1, 第一党支部 145-1;请给出单位代码"
        )
        await pilot.press("colon", *"133-1", "enter")  # a code, though a unit bears it as name
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == "133-1"
        # which 第一党支部 it is: the screen says where it stands in the tree
        lines = plain(app.screen.query_one("#body", Static)).splitlines()
        assert lines[1].strip() == "隶属:局机关 JU › 一三三队 133", lines[:3]


async def test_commands_in_any_case_and_ctrl_c_says_how_to_quit_in_its_language(demo_store):
    """`:LOG` was "no command, date, phase, or unit's code or name" where `:zp` and
    `:Rectify` worked; Ctrl+C said Textual's English, its markup shown as typed."""
    app = dashboard(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"LOG", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LogScreen)
        await pilot.press("escape", "ctrl+c")
        await settle(pilot)
        said = [(n.title, n.message) for n in app._notifications]
        assert ("要退出吗?", "按 q 退出") in said, said


async def test_command_mode_opens_a_unit_by_a_name_it_bore_before(demo_store):
    """DKGS was 地矿公司 until 2011-03-15: after that, the name still opens it, as
    ``cxzy log --unit 地矿公司`` takes it; a text no unit ever bore is a command
    not understood."""
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"地矿公司", "enter")
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == "DKGS"
        await pilot.press("escape", "colon", *"地矿总公司", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, UnitScreen)
        assert "地矿总公司" in [n.message for n in app._notifications][-1]


async def burst(app: CxzyApp, pilot, text: str) -> None:
    """``text`` typed in one burst (a paste, a script): every key posted at once, as
    the terminal's driver posts them, then the dashboard at rest."""
    from textual import events

    named = {":": "colon", "/": "slash", "\r": "enter", "]": "right_square_bracket"}
    for char in text:
        key = events.Key(named.get(char, char), char)
        key.set_sender(app)
        app._driver.send_message(key)
    await settle(pilot)


async def test_keys_typed_in_one_burst_after_a_prompt_key_reach_the_prompt(demo_store):
    """`:ZP` and Enter pasted (or sent by a script) in one burst: the letters were
    on their way to the screen under the prompt before it opened, and were lost
    (`:today` ran `t`'s own action on the way). The prompt now takes them."""
    app = dashboard(demo_store, lang="en")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(app, pilot, ":ZP\r")
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == "ZP"
        assert [type(s).__name__ for s in app.screen_stack][1:] == ["OverviewScreen", "UnitScreen"]
        await pilot.press("escape")
        await burst(app, pilot, ":2010-07-01\r")
        assert app.clock.as_of == date(2010, 7, 1)
        await burst(app, pilot, "l/unit:ZP\r")
        assert isinstance(app.screen, LogScreen) and app.screen.filter_text == "unit:ZP"
        # the filter shown in the prompt is replaced by what a burst types, as by
        # what is typed slowly (it was added to: "unit:ZPtype:…", refused)
        await burst(app, pilot, "/type:ActivityHeld\r")
        assert app.screen.filter_text == "type:ActivityHeld"
        await pilot.press("/", "u")  # typed slowly, to the field: the same
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.filter_text == "u"


async def keys_at_once(app: CxzyApp, pilot, keys: list[tuple[str, str | None]]) -> None:
    """Keys (name, character) posted at once, as :func:`burst` does."""
    from textual import events

    for key, character in keys:
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)
    await settle(pilot)


@pytest.mark.parametrize("focused", [True, False])
@pytest.mark.parametrize(
    ("keys", "typed"),
    [
        ([("Z", "Z"), ("X", "X"), ("backspace", None), ("P", "P")], "ZP"),
        ([("Z", "Z"), ("left", None), ("P", "P")], "PZ"),
        ([("X", "X"), ("ctrl+u", None), ("Z", "Z"), ("P", "P")], "ZP"),
        ([("Z", "Z"), ("P", "P"), ("home", None), ("delete", None)], "P"),
    ],
)
async def test_editing_keys_typed_quickly_in_a_prompt_act_where_they_were_typed(
    demo_store, keys, typed, focused
):
    """`/`, then `ZX`, Backspace and `P` in one burst gave "ZX"; `Z`, Left, `P` gave
    "ZP"; Ctrl-U then `ZP` left the prompt empty: the field's editing keys are its
    bindings, acted on after the letters behind them. (``focused``: the field has
    the focus before the burst, else the burst comes right after `/`.)"""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if focused:
            await pilot.press("slash")
            await settle(pilot)
            await keys_at_once(app, pilot, keys)
        else:
            await keys_at_once(app, pilot, [("slash", "/"), *keys])
        assert app.screen.query_one(Input).value == typed


async def test_keys_typed_after_a_prompts_enter_in_one_burst_go_to_the_next_screen(demo_store):
    """`:ZP`, Enter and `l` in one burst said "ZPl: neither a command…" (Input's Enter
    is a binding, run after the keys behind it had reached the field); a key after a
    typed day's Enter was typed into the day."""
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 30))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", "Z", "P")  # the field has the focus: its own Enter
        await settle(pilot)
        await burst(app, pilot, "\rl")
        assert isinstance(app.screen, LogScreen) and app.screen.filter_text == "unit:ZP"
        await pilot.press("escape", "escape")
        await settle(pilot)
        await burst(app, pilot, ":2011-03-01\r]")  # a week on from the day typed
        assert isinstance(app.screen, OverviewScreen) and app.clock.as_of == date(2011, 3, 8)
        said = [n.message for n in app._notifications]
        assert not any("neither" in m for m in said), said
        await burst(app, pilot, "/ZP\r\r")  # the filter, then the unit it leaves under the cursor
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == "ZP"


async def test_a_day_typed_in_the_log_is_shown_where_it_changes(demo_store):
    """The log shows no day: a day or moment typed there goes back to the screen
    it changes; steps stay within the days a view may show."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("colon", *"1900-01-01", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen) and app.clock.as_of == date(1900, 1, 1)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.clock.as_of == date(1900, 1, 1)  # no day before the first


async def test_messages_quote_what_was_typed_as_plain_text(demo_store):
    """A message quotes what the user typed (and units' names): ``[/]`` in it is
    text, not markup (it stopped the dashboard), and an escape is written out."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"foo[/]", "enter")
        await settle(pilot)
        assert app.is_running
        said = [n.message for n in app._notifications][-1]
        assert (
            said == "foo[/]: no command, date, phase, or unit's code or name (? lists what : takes)"
        )
        await pilot.press("l", "slash", *"since:[/]", "enter")
        await settle(pilot)
        assert app.is_running
        said = [n.message for n in app._notifications][-1]
        assert said == "'[/]' is not a date (2011-03-01, 2011/3/1 or 2011年3月1日)", said
        app.notify("\x1b[31m[b]x[/b]")
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == "^[[31m[b]x[/b]"
        assert app.is_running


async def test_known_without_a_moment_shows_what_the_store_knows_now(demo_store):
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"known 2010-06-01T18:00", "enter")
        await settle(pilot)
        assert app.clock.known_at is not None and app.clock.as_of == date(2010, 6, 1)
        await pilot.press("colon", *"known", "enter")
        await settle(pilot)
        assert app.clock.known_at is None and app.clock.as_of == date(2010, 6, 1)
        assert app.snapshot.report.known_at is None
        await pilot.press("k", *"2010-06-01T18:00", "enter", "k", "enter")  # the same, by k
        await settle(pilot)
        assert app.clock.known_at is None and app.snapshot.report.known_at is None
        await pilot.press("k")  # the prompt says what it asks, and that empty is now
        await settle(pilot)
        hint = app.screen.query_one(Input).placeholder
        assert (
            hint.startswith("as known at: YYYY-MM-DD") and "empty: what the store knows now" in hint
        )
        await pilot.press("escape")


async def test_filter_narrows_the_grid(demo_store):
    app = dashboard(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"队", "enter")
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        assert 0 < grid.row_count < 10
        assert all("队" in str(grid.get_row_at(r)[0]) for r in range(grid.row_count))
        empty = app.screen.query_one("#empty", Static)
        said = f"筛选“队”:{grid.row_count} / 10 个单位(/ 修改,留空则全部显示)"
        assert empty.display and plain(empty).strip() == said  # the filter stays in sight
        shown = grid.row_count
        await pilot.press("slash", "escape")  # backing out of the prompt cleared it
        await settle(pilot)
        assert grid.row_count == shown and plain(empty).strip() == said
        await pilot.press("slash", *"ZZZ", "enter")
        await settle(pilot)
        assert (
            grid.row_count == 0
            and empty.display
            and "没有单位符合筛选“ZZZ”(/ 修改,留空则全部显示)" in plain(empty)
        )
        await pilot.press("slash", "backspace", "backspace", "backspace", "enter")
        await settle(pilot)
        assert grid.row_count == 10 and not empty.display


@pytest.mark.parametrize(
    ("lang", "word", "units"),
    [
        ("zh", "有风险", {"DKGS"}),
        ("zh", "后进", {"ZP"}),
        ("en", "AT RISK", {"DKGS"}),
        ("en", "overdue", {"ZP"}),  # no phase overdue: two of its commitments are
        ("zh", "已逾期", {"ZP"}),
    ],
)
async def test_the_grid_filters_by_a_status_it_shows(demo_store, lang, word, units):
    app = dashboard(demo_store, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *word, "enter")
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        assert {str(key.value) for key in grid.rows} == units


async def replaying_from_july_2010(pilot, seconds: float) -> None:
    """The replay played from 2010-07-01 for ``seconds``."""
    await settle(pilot)
    await pilot.press("colon", *"2010-07-01", "enter")
    await settle(pilot)
    await pilot.press("space")
    await pilot.pause(seconds)


async def test_replay_plays_forward_and_pauses(demo_store):
    app = dashboard(demo_store, today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await replaying_from_july_2010(pilot, 1.3)
        await pilot.press("space")
        await settle(pilot)
        reached = app.snapshot.report.as_of
        assert date(2010, 7, 1) < reached and not app.clock.playing
        await pilot.pause(0.6)
        assert app.snapshot.report.as_of == reached
        # the header's badge is gone: the pause is said, with where it stopped
        said = [n.message for n in app._notifications][-1]
        assert said == f"回放已暂停于 {app.clock.as_of}(按空格键继续)", said


async def test_a_step_during_a_replay_pauses_it_and_steps(demo_store):
    """`[` while the replay played did nothing that could be seen: the next tick took
    the day on again, unsaid."""
    app = dashboard(demo_store, today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        days = []  # each day the replay reached (one may come as the key is on its way)
        app.watch(app, "clock", lambda clock: days.append(clock.as_of))
        await replaying_from_july_2010(pilot, 1.0)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        reached = max(days)
        assert not app.clock.playing and app.clock.as_of < reached
        stepped = app.clock.as_of
        await pilot.pause(0.8)
        assert app.clock.as_of == stepped == app.snapshot.report.as_of
        said = [n.message for n in app._notifications][-1]
        assert said == f"回放已暂停于 {stepped}(按空格键继续)", said


async def test_a_replay_of_what_was_known_at_a_moment_says_the_moment(demo_store):
    # the header said only "replay" while the grid held what was known at the
    # moment: an auditor saw a campaign where nothing was done, and not why
    app = dashboard(demo_store, today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"2010-06-05", "enter", "k", *"2010-06-05T12:00", "enter")
        await settle(pilot)
        header = app.screen.query_one(HeaderBar)
        assert "按 2010-06-05T12:00+08:00 时库中所知" in plain(header), plain(header)
        await pilot.press("space")
        await pilot.pause(0.5)
        shown = plain(header)
        await pilot.press("space")
        assert "回放" in shown and "按 2010-06-05T12:00+08:00 时库中所知" in shown, shown


async def test_a_replay_stops_at_the_campaigns_end_and_plays_again_from_the_first_day(
    demo_store,
):
    """A replay stops at the campaign's last day, not years later at today, and
    played there starts again at the first."""
    app = dashboard(demo_store, today=date(2026, 12, 5))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"2012-10-20", "enter", "s", "s")  # a step of a month
        await settle(pilot)
        app.clock = replace(app.clock, playing=True)
        app.tick()
        assert app.clock.as_of == date(2012, 11, 7) and not app.clock.playing  # its end
        await pilot.press("space")  # from the first day (a tick may have come since)
        assert app.clock.as_of <= date(2010, 6, 1) and app.clock.playing
        await pilot.press("space")
        await settle(pilot)


async def test_known_at_mode_shows_what_the_store_knew(store):
    app = dashboard(store, today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k", *"2001-01-01T00:00", "enter")
        await settle(pilot)
        assert app.snapshot.report.units == []  # nothing was recorded in 2001
        assert "按" in screen_text(app) and "历史视图" in screen_text(app)
        empty = app.screen.query_one("#empty", Static)
        assert empty.display and "2001-01-01T00:00+08:00 时库中还没有任何记录" in plain(empty)
        await pilot.press("t")
        await settle(pilot)
        assert not empty.display
        await pilot.press("colon", *"2001-01-01", "enter")
        await settle(pilot)
        assert empty.display and "截至 2001-01-01 尚无单位登记" in plain(empty)


async def test_known_at_a_moment_still_to_come_is_refused_and_the_view_kept(store):
    app = dashboard(store, today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.clock
        await pilot.press("k", *"2999-01-01T00:00", "enter")
        await settle(pilot)
        assert app.clock == before and app.snapshot.report.known_at is None
        assert any("尚未到来" in str(n.message) for n in app._notifications)


async def test_k_shows_the_dashboard_as_it_was_at_that_moment(tmp_path):
    """The demo as `cxzy demo` records it (as reported): `k` and a moment from today
    shows that evening's day as the store knew it then: the lagging unit had not
    reported yet. From a day shown before the moment, the day stays."""
    from cxzy.cli.main import load_demo

    path = tmp_path / "demo.sqlite3"
    assert load_demo(location(path)).ok
    app = dashboard(path, today=date(2026, 12, 4))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k", *"2010-06-01 18:00", "enter")
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2010, 6, 1)
        assert cell(app, "ZP", "commitments") == "0/0/0"  # nothing from ZP yet
        assert cell(app, "ZP", "mobilize").endswith("0/4")
        await pilot.press("t", "colon", *"2010-05-20", "enter")
        await settle(pilot)
        await pilot.press("k", *"2010-06-15 18:00", "enter")
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2010, 5, 20)
        assert app.clock.known_at is not None and app.clock.known_at.day == 15
        # a day before any unit was registered, as known when the store held records:
        # no units by that day (it said nothing had been recorded by the moment)
        await pilot.press("t", "colon", *"2010-05-01", "enter")
        await settle(pilot)
        await pilot.press("k", *"2011-03-08 18:00:59", "enter")
        await settle(pilot)
        assert app.snapshot.report.units == [] and app.snapshot.report.position > 0
        said = plain(app.screen.query_one("#empty", Static))
        assert "还没有任何记录" not in said and "2010-05-01" in said, said
        assert "2011-03-08T18:00:59+08:00" in screen_text(app)  # the moment to the second


async def test_log_screen_pages_and_filters(demo_store):
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LogScreen)
        table = app.screen.query_one(DataTable)
        first = int(str(table.get_row_at(0)[0]))
        assert table.row_count == 200 and first == app.snapshot.head
        await pilot.press("n")
        await settle(pilot)
        assert int(str(table.get_row_at(0)[0])) == first - 200
        await pilot.press("p", "slash", *"unit:ZP type:RectificationVerified", "enter")
        await settle(pilot)
        rows = [table.get_row_at(r) for r in range(table.row_count)]
        assert rows and all(
            str(r[2]) == "RectificationVerified" and str(r[3]) == "ZP" for r in rows
        )


async def test_a_log_page_opens_at_its_first_row_and_its_ends_are_said(demo_store):
    """`n` after scrolling to the bottom opened the next page at its bottom (the
    newest rows of the page skimmed past); `n` on the last page and `p` on the first
    did nothing, silently; Home and End scrolled sideways instead of to a row."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        await pilot.press("end")  # the last row of the page
        await settle(pilot)
        assert table.cursor_row == table.row_count - 1 and table.scroll_x == 0
        await pilot.press("n")
        await settle(pilot)
        assert table.cursor_row == 0 and table.scroll_y == 0
        assert int(str(table.get_row_at(0)[0])) == app.snapshot.head - 200
        await pilot.press("home")
        await pilot.press("p", "p")
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == (
            "this is the first page (the newest records)"
        )
        await pilot.press("n", "n")
        await settle(pilot)
        await pilot.press("n")  # 544 records: the third page is the last
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == (
            "this is the last page: no older records"
        )


def _first_and_title(app: CxzyApp) -> tuple[int, str]:
    table = app.screen.query_one(DataTable)
    return int(str(table.get_row_at(0)[0])), plain(app.screen.query_one("#title", Static)).strip()


async def test_o_reads_the_log_from_its_first_record_page_by_page(demo_store):
    """An auditor reads a campaign from its start, as `cxzy log` lists it: the log's
    first records were reached only by paging back from the newest, or by a filter
    (`until:`), and the title said neither."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert _first_and_title(app) == (1, "Event log (oldest first) · page 1 · 200 per page")
        assert [int(str(table.get_row_at(r)[0])) for r in range(3)] == [1, 2, 3]
        await pilot.press("p")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert said[-1] == "this is the first page (the oldest records)"
        for page in (2, 3):
            await pilot.press("n")
            await settle(pilot)
            assert _first_and_title(app)[0] == 200 * (page - 1) + 1
        assert table.row_count == 544 - 400
        await pilot.press("n")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert said[-1] == "this is the last page: no newer records"
        await pilot.press("p")
        await settle(pilot)
        assert _first_and_title(app)[0] == 201
        await pilot.press("slash", *"unit:ZP", "enter")  # a filter keeps the order
        await settle(pilot)
        first, title = _first_and_title(app)
        assert title.startswith("Event log (oldest first) · page 1") and first < 100
        await pilot.press("o")  # and back: the newest first
        await settle(pilot)
        first, title = _first_and_title(app)
        assert title.startswith("Event log (newest first) · page 1 · 200 per page · filter")
        assert first > 500


@pytest.mark.parametrize("oldest", [False, True])
async def test_pages_asked_for_faster_than_they_come_are_each_shown(demo_store, oldest):
    """`n n` typed while the first page still came asked for the same page again,
    and showed it under the next page's number."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", *(["o"] if oldest else []))
        await settle(pilot)
        log = app.screen
        load = log.load
        log.load = lambda: None  # (the second page on its way, as long as need be)
        log.action_next_page()
        log.action_next_page()  # typed before it came
        log.load = load
        log.load()
        await settle(pilot)
        first, title = _first_and_title(app)
        assert title.startswith("Event log (") and " · page 3 · " in title, title
        assert first == (401 if oldest else 544 - 400)


@pytest.mark.parametrize(
    ("size", "lang", "columns", "a_type"),
    [
        (
            (170, 40),
            "zh",
            ["位置", "发生时间", "类型", "单位", "内容", "记录人", "入库时间", "迟报"],
            "开展活动",  # (in words at any width: the name was as wide as 29 cells)
        ),
        ((120, 40), "en", ["pos", "at", "type", "unit", "summary", "by"], "ActivityHeld"),
        ((80, 24), "zh", ["位置", "发生时间", "类型", "单位", "内容"], "开展活动"),
        ((100, 30), "zh", ["位置", "发生时间", "类型", "单位", "内容", "记录人"], "开展活动"),
    ],
)
async def test_a_narrow_log_leaves_out_columns_before_the_summary(
    demo_store, size, lang, columns, a_type
):
    """At 80 columns the summary had about 8 characters: the log now leaves out when
    a record reached the store, then who recorded it (the record screen shows
    both); in Chinese the type is in words."""
    app = dashboard(demo_store, lang=lang, today=date(2012, 11, 7))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [str(c.label) for c in table.ordered_columns] == columns
        assert str(table.get_row_at(0)[2]) == a_type  # the closing meeting, an activity


async def test_a_record_chosen_in_the_log_does_not_open_once_the_log_is_gone(demo_store):
    """`l Enter Esc Esc` typed fast: the selection reached the log after its Esc, and
    its record screen opened over the overview, taking the keys."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        overview = app.screen
        await pilot.press("l")
        await settle(pilot)
        log = app.screen
        table = log.query_one(DataTable)
        chosen = DataTable.RowSelected(table, 0, table.coordinate_to_cell_key((0, 0)).row_key)
        app.pop_screen()
        await pilot.pause()
        log.open_record(chosen)  # handled after the Esc
        await pilot.pause()
        assert app.screen is overview


@pytest.mark.parametrize("downloads", [False, True])
async def test_a_screenshot_goes_to_downloads_else_where_it_was_started(
    demo_store, tmp_path, monkeypatch, downloads
):
    """The palette's screenshot failed on a new account (no ~/Downloads), and when it
    worked its notice showed Textual's markup as text. (The README said "the current
    folder" even where there is a Downloads folder.)"""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "home" / "Downloads" if downloads else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (command,) = [c for c in app.get_system_commands(app.screen) if "creenshot" in c.help]
        command.callback()  # as the palette runs it
        for _ in range(100):
            await pilot.pause(0.05)
            if list(folder.glob("*.svg")):
                break
        await pilot.pause(0.2)
        (shot,) = folder.glob("*.svg")
        assert list(tmp_path.rglob("*.svg")) == [shot]
        said = [n.message for n in app._notifications][-1]
        assert said == f"screenshot saved: {shot}"
        # named by the campaign's clock (the header's day), not this machine's zone
        hour = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=1)
        assert shot.name.startswith(f"cxzy_{hour:%Y-%m-%dT%H}") or shot.name.startswith(
            f"cxzy_{hour + timedelta(minutes=1):%Y-%m-%dT%H}"
        ), shot.name


async def test_the_log_says_it_is_loading_while_a_filter_reads(demo_store):
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert not table.loading
        reading, release = threading.Event(), threading.Event()
        log_page = app.query_.log_page

        def slow(**kwargs):  # a text that matches little, read from disk
            reading.set()
            release.wait(5)
            return log_page(**kwargs)

        app.query_.log_page = slow
        await pilot.press("slash", *"type:ActivityHeld", "enter")
        assert await asyncio.to_thread(reading.wait, 5)
        assert table.loading  # said while it reads…
        release.set()
        await settle(pilot)
        assert not table.loading and table.row_count > 0  # …and gone with the rows


async def test_l_from_a_unit_opens_the_log_of_that_unit(demo_store):
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"ZP", "enter")
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen)
        await pilot.press("l")
        await settle(pilot)
        screen, table = app.screen, app.screen.query_one(DataTable)
        assert isinstance(screen, LogScreen) and screen.filter_text == "unit:ZP"
        units = {str(table.get_row_at(r)[3]) for r in range(table.row_count)}
        assert units == {"ZP"}, units
        summaries = {str(table.get_row_at(r)[4]) for r in range(table.row_count)}
        # the award in words, after the member it names
        assert "孟庆华 · excellent member · bureau level" in summaries, summaries
        assert not any("excellent_member" in s for s in summaries)
        await pilot.press("escape")
        assert isinstance(app.screen, UnitScreen)


async def test_a_long_unit_screen_shows_the_latest_rows_and_every_open_life(
    demo_store, monkeypatch
):
    """A unit's years at a million events are thousands of rows: each section shows
    its latest, and says so; every open commitment stays, the closed ones are cut."""
    import cxzy.tui.screens.unit as unit_screen

    async def zp_screen(lang: str) -> tuple[str, UnitDetail]:
        app = dashboard(demo_store, lang=lang, today=date(2011, 6, 1))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("colon", *"ZP", "enter")
            await settle(pilot)
            body = plain(app.screen.query_one("#body", Static))
            return body, app.query_.unit_detail(app.snapshot.report, "ZP")

    monkeypatch.setattr(unit_screen, "SECTION_ROWS", 2)
    monkeypatch.setattr(unit_screen, "CLOSED_LIVES", 0)
    body, detail = await zp_screen("en")
    assert len(detail.activities) > 2
    assert "the latest 2 of " + str(len(detail.activities)) in body
    assert detail.activities[-1].summary in body
    evidence = {item.evidence.summary for item in detail.items if item.evidence}
    earlier = [a.summary for a in detail.activities[:-2] if a.summary not in evidence]
    assert earlier and not any(summary in body for summary in earlier)
    # C-ZP-2 was fulfilled on 2011-05-28; C-ZP-1 (2011-06-10) and C-ZP-3 are open
    assert "all 2 open and the latest 0 closed of 3" in body
    assert "C-ZP-1" in body and "C-ZP-3" in body and "C-ZP-2" not in body
    # the open ones too, the most urgent first (838 open took 12 s to lay out)
    monkeypatch.setattr(unit_screen, "OPEN_LIVES", 1)
    body, detail = await zp_screen("en")
    assert "the 1 most urgent of 2 open and the latest 0 closed of 3" in body
    first, second = (c["code"] for c in detail.commitments if c["open"])
    assert first in body and second not in body
    monkeypatch.setattr(unit_screen, "OPEN_LIVES", 50)
    monkeypatch.setattr(unit_screen, "SECTION_ROWS", 50)
    monkeypatch.setattr(unit_screen, "CLOSED_LIVES", 20)
    body, _ = await zp_screen("zh")
    assert "C-ZP-2" in body and "最近" not in body and "未办结" not in body  # all shown


async def test_an_items_evidence_is_one_line_however_long_its_title(store):
    """An activity's title of 2,000 characters and 19 line breaks, the evidence of
    its unit's study, filled 30 rows of the checklist."""
    title = "\n".join(["长标题" * 30] * 20)
    imported(
        store,
        [
            {"type": "UnitRegistered", "at": "2010-05-12", "unit": "NEW", "name": "新队",
             "kind": "team", "parent": "JU"},
            {"type": "ActivityHeld", "at": "2010-05-20", "unit": "NEW", "kind": "study",
             "title": title},
        ],
    )  # fmt: skip
    app = dashboard(store, lang="zh", today=date(2010, 6, 1))
    async with app.run_test(size=SIZE) as pilot:
        body = await unit_body(pilot, "NEW")
        # the checklist's row (the activities' section shows the title whole)
        shown = [line for line in body.splitlines() if "2010-05-20 长标题" in line]
        assert len(shown) == 1 and "…" in shown[0], shown  # one row, cut
        after = body.splitlines()[body.splitlines().index(shown[0]) + 1]
        assert "长标题" not in after, after


async def test_the_unit_screen_says_where_each_commitment_and_rectification_stands(
    demo_store,
):
    """Each life says, on its first row, where it stands on the day shown — the
    ledger's word, and while open the days left or over and whether it is supervised
    or escalated — and the open ones come first, the most urgent first."""
    app = dashboard(demo_store, lang="zh", today=date(2011, 5, 18))
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"ZP", "enter")
        await settle(pilot)
        body = plain(app.screen.query_one("#body", Static))
    rows = [line for line in body.splitlines() if "-ZP-" in line]
    firsts = [
        (cells[1].strip(), cells[2].strip())
        for cells in (line.split("│") for line in rows)
        if len(cells) > 2
    ]
    assert firsts == [
        ("C-ZP-1", "逾期未兑现"),  # due 2010-09-30
        ("C-ZP-2", "逾期未兑现"),  # due 2010-12-31
        ("C-ZP-3", "未到期"),  # due 2012-06-30
        ("R-ZP-1", "逾期未销号"),  # deadline 2011-03-31, verification rejected
        ("R-ZP-2", "逾期未销号"),  # 2011-04-30, criticised 05-16, extended only on 05-20
        ("R-ZP-3", "整改中"),  # 2011-06-30
    ]
    assert "逾期 230 天" in body and "逾期 48 天" in body and "剩 43 天" in body
    lines = body.splitlines()
    r1, r2 = (
        next(n for n, line in enumerate(lines) if code in line) for code in ("R-ZP-1", "R-ZP-2")
    )
    assert "督办" in lines[r1 + 2] and "升级" in lines[r2 + 2]


async def test_a_unit_screen_says_a_section_is_empty_and_an_overdue_life_awaits_checking(
    demo_store,
):
    """R-JU-1 was completed on 2010-12-20 with a deadline of 2010-12-31 and verified
    on 2011-01-08: on 2011-01-05 it is overdue and waiting for its verification (it
    said overdue only: the office could not see its backlog of checks). A section
    with no rows says so (it was an empty frame of headers)."""
    app = dashboard(demo_store, lang="zh", today=date(2011, 1, 5))
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"JU", "enter")
        await settle(pilot)
        body = plain(app.screen.query_one("#body", Static))
    lines = body.splitlines()
    at = next(n for n, line in enumerate(lines) if "R-JU-1" in line)
    assert "逾期未销号" in lines[at] and "逾期 5 天" in lines[at + 1]
    assert "待验收" in lines[at + 2]
    assert "表彰  (无)" in body  # JU's first award came later


async def test_the_replay_speed_is_said_while_paused_and_at_its_limits(demo_store):
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"known", "enter")  # live already: said, nothing moves
        assert [n.message for n in app._notifications][-1].startswith(
            "already showing what the store knows now"
        )
        await pilot.press("plus")
        assert [n.message for n in app._notifications][-1] == "replay speed ×2 (space plays)"
        await pilot.press("minus", "minus")
        assert [n.message for n in app._notifications][-1] == "×1 is the slowest replay"
        assert app.clock.speed == 1
        # pressed on, it is not said again beside itself (seven copies covered the grid)
        await pilot.press("minus", "minus", "minus", "minus")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert said.count("×1 is the slowest replay") == 1, said


def test_the_log_filter_reads_keys_in_any_case_and_days_as_spelled_and_refuses_slips():
    """`UNIT:ZP` and `unit:` were searched for as text (nothing found, unsaid); a day
    spelled 2011/3/1 was refused where `:` takes it; since after until found nothing."""
    from cxzy.application.dashboard import SearchWords
    from cxzy.tui.screens.log import BadFilter, parse_filter

    assert parse_filter("UNIT:ZP Type:activityheld") == {"unit": "ZP", "type_": "ActivityHeld"}
    assert parse_filter("since:2011/3/1 until:2011年3月5日") == {
        "since": date(2011, 3, 1),
        "until": date(2011, 3, 5),
    }
    assert parse_filter("since:２０１１-０３-０１") == {"since": date(2011, 3, 1)}
    # words of a search that hold a key's name are searched for (a URL, "sub-type:")
    assert parse_filter("sub-type:x")["words"][0].text == "sub-type:x"
    assert parse_filter("note Since: 2011")["words"][0].text == "note Since: 2011"
    # the keys in Chinese, and the full-width colon of a Chinese input method: they
    # were searched for as text, and found nothing
    assert parse_filter("单位：ZP 类型:作出承诺 自:2011/1/1 至:2011/12/31 迟报:否 督办") == {
        "unit": "ZP",
        "type_": "CommitmentMade",
        "since": date(2011, 1, 1),
        "until": date(2011, 12, 31),
        "late": False,
        "words": [SearchWords("督办", [])],
    }
    assert parse_filter("起:2011/1/1 止:2011/1/2 unit：JU") == {
        "since": date(2011, 1, 1),
        "until": date(2011, 1, 2),
        "unit": "JU",
    }
    assert parse_filter("自选动作")["words"][0].text == "自选动作"
    for typed, said in (
        ("unit:", "unit: needs a value right after the colon (unit:…)"),
        ("单位:", "单位: needs a value right after the colon (单位:…)"),
        (
            "单位:ZP 单位:JU",
            "单位: given twice (单位:ZP and 单位:JU): the filter takes one of each",
        ),
        (
            "迟报:也许",
            "迟报:也许: give yes or no (迟报:yes: only the records reported late;"
            " 迟报:no: those on time)",
        ),
        ("since: 2011-01-01", "since: needs a value right after the colon (since:…)"),
        (
            "since:2012-01-01 until:2011-01-01",
            "since:2012-01-01 is after until:2011-01-01: no record could match (the two swapped?)",
        ),
        # a day no calendar has, spelled (it was "not a date (YYYY-MM-DD)")
        ("since:2011/2/30", "there is no day '2011/2/30': 2011-02 has 28 days"),  # as typed
        ("until:0000/1/1", "'0000/1/1' is not a date (2011-03-01, 2011/3/1 or 2011年3月1日)"),
    ):
        with pytest.raises(BadFilter) as refused:
            parse_filter(typed)
        assert rendered(refused.value.violation, "en") == said


async def test_the_log_filter_shows_the_records_reported_late_as_cxzy_log_late(tmp_path):
    """`cxzy log --late` lists the records reported after the template's days; the
    dashboard's log had no way to: `late:yes` (or 是), and `late:no` for those on time."""
    from cxzy.application.history import LogFilter
    from cxzy.cli.main import load_demo
    from cxzy.tui.screens.log import BadFilter, parse_filter

    demo_store = tmp_path / "demo.sqlite3"  # as `cxzy demo` records it: a few late
    assert load_demo(location(demo_store)).ok

    assert parse_filter("late:是 unit:ZP") == {"late": True, "unit": "ZP"}
    assert parse_filter("LATE:No") == {"late": False}
    with pytest.raises(BadFilter) as refused:
        parse_filter("late:maybe")
    assert rendered(refused.value.violation, "en").startswith("late:maybe: give yes or no")
    app = open_app(location(demo_store), read_only=True)
    try:
        wanted = [e.pos for e in LogQuery(app).entries(LogFilter(late=True))]
    finally:
        app.close()
    assert 0 < len(wanted) < 544
    app = dashboard(demo_store, lang="en", today=date(2026, 12, 4))
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "slash", *"late:yes", "enter")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        shown = [int(str(table.get_row_at(n)[0])) for n in range(table.row_count)]
        assert sorted(shown) == wanted, shown
        assert all(str(table.get_row_at(n)[7]) for n in range(table.row_count))  # each late
        await pilot.press("slash", "end", "ctrl+u", *"late:no", "enter")
        await settle(pilot)
        on_time = {int(str(table.get_row_at(n)[0])) for n in range(table.row_count)}
        assert on_time and not on_time & set(wanted)


async def palette_options(pilot) -> list[str]:
    """What the open command palette lists, once it lists anything (2 s at most)."""
    from textual.command import CommandList

    shown: list[str] = []
    for _ in range(40):
        await pilot.pause(0.05)
        options = pilot.app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        if shown:
            break
    return shown


async def test_the_command_palette_says_no_match_in_chinese(demo_store):
    app = dashboard(demo_store, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"qqqzzz")
        shown = await palette_options(pilot)
        assert any("没有相符的命令" in text for text in shown), shown


@pytest.mark.parametrize(("lang", "typed"), [("en", "replay"), ("zh", "回放")])
async def test_the_palette_finds_the_replay_by_its_name(demo_store, lang, typed):
    """The README says the palette covers replay: typing `replay` found nothing (the
    entry was called play/pause), and the entry for today said only "LIVE"."""
    app = dashboard(demo_store, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = {str(c.title): c.help for c in app.get_system_commands(app.screen)}
        today = t("key_today", lang)  # capitalised in English, as Textual's "Keys"
        assert commands[today[:1].upper() + today[1:]] == t("palette_today", lang)
        await pilot.press("ctrl+p", *typed)
        shown = await palette_options(pilot)
        replay = t("palette_replay", lang)
        assert any(replay[:1].upper() + replay[1:] in text for text in shown), shown
        await pilot.press("enter")
        await settle(pilot)
        assert app.clock.playing


async def test_the_palette_lists_a_unit_whose_name_looks_like_markup_as_written(store):
    """A unit's name is a spreadsheet's text: the palette read its entries as markup,
    so a name holding ``[/]`` closed the dashboard at ctrl+p (MarkupError), and
    ``[bold red]`` coloured the name and hid its code. The unit each is under is
    said beside it, its name as written too."""
    imported(
        store,
        [
            {
                "type": "UnitRegistered",
                "at": "2010-05-12",
                "unit": "D1",
                "name": "重名[/]",
                "kind": "team",
                "parent": "JU",
            },
            {
                "type": "UnitRegistered",
                "at": "2010-05-12",
                "unit": "D2",
                "name": "队[bold red]RICH[/]",
                "kind": "team",
                "parent": "D1",
            },
        ],
    )
    app = dashboard(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"重名")
        shown = await palette_options(pilot)
        assert shown[0].split("\n")[0] == "重名[/] D1", shown
        await pilot.press(*["backspace"] * 2, *"RICH")
        await pilot.pause(0.5)
        shown = await palette_options(pilot)
        assert shown[0].split("\n")[0] == "队[bold red]RICH[/] D2", shown
        # under it, the unit it is under (twelve units of one name in twelve divisions)
        assert shown[0].split("\n")[1] == "打开单位 · 隶属:重名[/] D1", shown
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == "D2"


async def test_the_help_over_the_log_neither_lists_nor_moves_the_day(demo_store):
    """The log shows no day, so `[`/`]` are off there; with the help over it they
    were listed again, and moved the day behind the log."""
    app = dashboard(demo_store, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        clock = app.clock
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "更早" not in bottom_line(app) and "更晚" not in bottom_line(app)
        await pilot.press("right_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert app.clock == clock
        await pilot.press("escape")  # the help
        await settle(pilot)
        # on the log itself they say why nothing moves (they did nothing, silently;
        # k then Enter opened a record)
        for key in ("right_square_bracket", "k", "space"):
            await pilot.press(key)
            await settle(pilot)
            said = [n.message for n in app._notifications]
            assert said and said[-1].startswith("日志列出全部记录,不分日期"), (key, said)
            assert app.clock == clock and isinstance(app.screen, LogScreen), key
        await pilot.press("escape")  # the log: the day again
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen) and "更早" in bottom_line(app)


async def test_the_theme_list_searches_in_chinese(demo_store):
    """The palette's 主题 opened Textual's list of themes with "Search for themes…"."""
    from textual.command import CommandInput, CommandPalette

    app = dashboard(demo_store, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.search_themes()
        await pilot.pause(0.2)
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).placeholder == "搜索配色…"
        await pilot.press(*"nord", "enter")
        await pilot.pause(0.2)
        assert app.theme == "nord"


def type_named(cell: object) -> str:
    """The record type a log's type column shows (its words in Chinese)."""
    words = {code_label("type", name, "zh"): name for name in TYPES}
    return words.get(str(cell), str(cell))


async def test_the_log_screen_finds_the_records_that_name_a_person(demo_store):
    app = dashboard(demo_store, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "slash", *"马国林", "enter")  # a leader: a member, then visits
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(r) for r in range(table.row_count)]
        types = {type_named(r[2]) for r in rows}
        assert {"LeaderAssigned", "ContactPointAssigned", "ContactVisitMade"} <= types, types
        named = [r for r in rows if type_named(r[2]) != "ReviewRecorded"]
        assert all(str(r[4]).startswith("马国林") for r in named), named


async def test_the_log_finds_what_it_shows_the_words_of_a_code_and_a_life(demo_store):
    """A role, an award's title, an escalation, a review's grade or a verdict is
    stored as a code and shown in words: the words find it, in the language shown. A verification without a note
    shows the rectification it is of, and its code finds the whole life."""
    app = dashboard(demo_store, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        async def search(words: str) -> list[list[str]]:
            await pilot.press("slash", "end", "ctrl+u")
            app.screen.query_one(Input).value = words  # (Pilot cannot type "·")
            await pilot.press("enter")
            await settle(pilot)
            table = app.screen.query_one(DataTable)
            rows = [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]
            return [[*row[:2], type_named(row[2]), *row[3:]] for row in rows]

        await pilot.press("l")
        await settle(pilot)
        clock = app.clock  # the log shows no day: the keys that move it are off
        await pilot.press("left_square_bracket", "t", "space")
        assert app.clock == clock and not app.check_action("earlier", ())
        active = app.screen.active_bindings.values()
        footer = " ".join(b.binding.description for b in active if b.enabled)
        assert "更早" not in footer, footer
        # nor `l`, which opens the log: it did nothing here, though the footer listed it
        assert not any(b.binding.key == "l" for b in active if b.enabled), footer
        assert not app.check_action("open_log", ())
        leaders = await search("组长")  # 组长 and 副组长: leader and deputy
        assert {r[2] for r in leaders} == {"LeaderAssigned"}, leaders
        assert any(r[4] == "刘继东 · 组长" for r in leaders), leaders
        assert {r[2] for r in await search("先进基层党组织")} == {"CommendationAwarded"}
        # an activity shows the checklist item it counts for, as the template names it
        # (it showed the title alone), and those words find it
        study = await search("组织学习")
        assert study and {r[2] for r in study} == {"ActivityHeld"}, study
        assert all(r[4].startswith("组织学习 · ") for r in study), study
        life = await search("R-ZP-3")
        assert {r[2] for r in life} >= {"RectificationOpened", "RectificationVerified"}, life
        # (after the person a record names: its owner, its verifier)
        assert all("R-ZP-3" in r[4].split(" · ")[:2] for r in life), life
        shown = next(r[4] for r in life if r[2] == "RectificationProgressed")  # as shown
        assert [r[4] for r in await search(shown)] == [shown]
        assert {r[4] for r in await search("刘继东 · 组长")} == {"刘继东 · 组长"}
        # a verdict in words finds the verifications that did not pass, and only them
        by_words = await search("type:整改验收")  # a type as the column shows it
        assert by_words and {r[2] for r in by_words} == {"RectificationVerified"}, by_words
        rejected = await search("不通过")
        assert {r[2] for r in rejected} == {"RectificationVerified"}, rejected
        assert [r[4].split(" · ")[:3] for r in rejected] == [["任乾", "R-ZP-1", "不通过"]], rejected
        graded = await search("群众评议 · 先进")
        assert graded and {r[2] for r in graded} == {"ReviewRecorded"}, graded
        moved = await search("兑现期限 2011-12-31")  # a due date, as shown
        assert {r[2] for r in moved} == {"CommitmentMade", "CommitmentDueChanged"}, moved
        deadlines = {r[2] for r in await search("整改期限")}  # the name alone: any day
        assert {"RectificationOpened", "RectificationDeadlineExtended"} <= deadlines
        app.lang = "en"
        assert {r[2] for r in await search("office member")} == {"LeaderAssigned"}
        # a mark's field name is not what a record shows: found nowhere
        assert await search("verdict") == [] and await search("grade") == []


@pytest.mark.parametrize("opened", [("question_mark",), ("l", "enter")])
async def test_q_quits_from_the_help_and_the_record_as_help_says(demo_store, opened):
    """Help says `q` or `ctrl+q` quits; on the help and the record it did nothing
    (a modal screen hides the app's keys): the footer still said "esc back"."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in opened:
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, ModalScreen), app.screen
        await pilot.press("q")
        await pilot.pause()
        assert app._exit, "q did not quit"


async def test_sigterm_closes_the_dashboard_as_q_does(demo_store):
    """`kill PID` (a logout, a service manager) ended the dashboard where it stood:
    the terminal was left on its screen, taking the mouse's moves as typed input.
    Now it closes as `q` does (the terminal put back), with SIGTERM's exit code, and
    what SIGTERM did before is put back."""
    import os
    import signal

    before = signal.getsignal(signal.SIGTERM)
    app = CxzyApp(open_app(location(demo_store), read_only=True), lang="en", today=DAY,
                  live=False, signals=True)  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        os.kill(os.getpid(), signal.SIGTERM)
        await pilot.pause()
        await pilot.pause()
        assert app._exit, "SIGTERM did not close it"
    assert app.return_code == 143
    assert signal.getsignal(signal.SIGTERM) == before


async def test_a_log_filter_that_cannot_mean_anything_is_refused_and_none_found_is_said(
    demo_store,
):
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        screen, table = app.screen, app.screen.query_one(DataTable)
        await pilot.press("slash", *"type:activityheld", "enter")  # any case
        await settle(pilot)
        assert table.row_count and all(
            str(table.get_row_at(r)[2]) == "ActivityHeld" for r in range(table.row_count)
        )
        for typed, said in (
            ("since:2011-13-01", "'2011-13-01' names month 13, and there is none"),
            ("until:9999-12-31", "'9999-12-31' is outside 1900-01-01"),
            ("type:Activity", "no record type 'Activity'"),
            # the last one was kept, unsaid: fewer rows than the filter line said
            ("unit:zp unit:145", "unit: given twice (unit:zp and unit:145): the filter takes"),
            ("since:2011-01-01 since:2012-01-01", "since: given twice"),
        ):
            shown = table.row_count
            await pilot.press("slash", "end", "ctrl+u", *typed, "enter")
            await settle(pilot)
            assert [n.message for n in app._notifications][-1].startswith(said)
            assert screen.filter_text == "type:activityheld" and table.row_count == shown
        await pilot.press("slash", "end", "ctrl+u", *"unit:zp", "enter")  # a code, any case
        await settle(pilot)
        assert table.row_count and {str(table.get_row_at(r)[3]) for r in range(3)} == {"ZP"}
        shown = table.row_count
        await pilot.press("slash", "end", "ctrl+u", *"unit:NOPE", "enter")  # as log --unit
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == "unit 'NOPE' is not registered"
        assert screen.filter_text == "unit:zp" and table.row_count == shown
        await pilot.press("slash", "end", "ctrl+u", *"unit:地矿公司", "enter")  # a former name
        await settle(pilot)
        assert table.row_count and {str(table.get_row_at(r)[3]) for r in range(3)} == {"DKGS"}
        await pilot.press("slash", "end", "ctrl+u", *"unit:ZP 没有这样的文字", "enter")
        await settle(pilot)
        assert table.row_count == 0
        title = plain(screen.query_one("#title", Static))
        assert "no records match" in title and "no filter key" not in title, title
        # a key that is none was searched for as text: nothing found, and no word why
        await pilot.press("slash", "end", "ctrl+u", *"type:RectificationVerified 结果:不通过")
        await pilot.press("enter")
        await settle(pilot)
        title = plain(screen.query_one("#title", Static))
        assert table.row_count == 0 and "结果: is no filter key, looked for as text" in title
        # (every key the filter takes, under: too: it was left out)
        assert "the keys: unit: under: type: since: until: late:" in " ".join(title.split())


async def test_enter_in_the_log_shows_the_whole_record_and_where_it_came_from(demo_store):
    """An auditor's drill-down: every field as the file had it, who recorded it,
    when it reached the store, and the file and line it came from."""
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("slash", *"unit:ZP type:RectificationVerified", "enter")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        last = table.row_count - 1  # oldest first at the bottom: the rejected verification
        table.move_cursor(row=last)
        pos = int(str(table.get_row_at(last)[0]))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)
        text = plain(app.screen.query_one("#record", Static))
        assert f"Record #{pos} of the log" in text
        assert "RectificationVerified  rectification verified" in text
        assert "demo-0287" in text and "R-ZP-1" in text and "false" in text and "任乾" in text
        assert "伍宏芝" in text  # who recorded it
        assert "2011-04-12 11:00:00+08:00" in text  # when it happened, campaign time
        assert "reported late" in text  # recorded when the demo was loaded
        assert "demo.jsonl:301" in text  # the file and line it came from
        await pilot.press("question_mark")  # help, as everywhere (it did nothing here)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, LogScreen)


@pytest.mark.parametrize(
    ("lang", "filter_", "shown"),
    [
        (
            "zh",
            "unit:DKGS type:ReviewRecorded 随机抽查",
            ("inspection  督促检查", "random_check  随机抽样检查", "criticize  批评"),
        ),
        ("en", "unit:JU type:ActivityHeld", ("mobilization  Mobilization meeting",)),
    ],
)
async def test_the_record_shows_each_code_with_its_words(demo_store, lang, filter_, shown):
    app = dashboard(demo_store, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("slash", *filter_, "enter")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.row_count - 1)  # the oldest
        await pilot.press("enter")
        await settle(pilot)
        text = plain(app.screen.query_one("#record", Static))
        for words in shown:
            assert words in text, text


async def found_record(pilot, query: str) -> str:
    """From the overview: the log filtered by ``query``, its first row opened; the
    record screen's text."""
    await pilot.press("l", "slash", *query, "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    return plain(pilot.app.screen.query_one("#record", Static))


async def test_the_record_names_its_fields_and_origin_in_the_interface_language(tmp_path):
    """A record's fields are named as the fill-in workbook names them, with the key
    the file has (评议类型 kind); where it came from says the file, its whole SHA-256
    and the line in the interface's language (第 N 行)."""
    import hashlib

    source = tmp_path / "demo.jsonl"
    shutil.copy(EVENTS / "demo.jsonl", source)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    path = tmp_path / "store.sqlite3"
    app = open_app(location(path), create=True)
    assert Importer(app).run(read_records(source), sources={str(source): digest}).ok
    app.close()
    app = dashboard(path, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # the newest: the leader's commentary on 149
        text = await found_record(pilot, "unit:149 type:ReviewRecorded")
    assert "评议类型 kind" in text and "leader_commentary  领导点评" in text
    assert "评议人或评议单位 reviewer" in text and "说明 note" in text
    assert f"sha256:{digest}" in text
    assert re.search(r"第 \d+ 行", text) and "line" not in text


async def test_the_record_says_yes_no_and_ratings_in_chinese_and_keys_in_english(demo_store):
    app = dashboard(demo_store, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        review = await found_record(pilot, "unit:ZP type:ReviewRecorded 年终")
        await pilot.press(
            "escape", "slash", "end", "ctrl+u", *"unit:ZP type:RectificationVerified", "enter"
        )
        await settle(pilot)
        await pilot.press("enter")  # the newest: accepted
        await settle(pilot)
        verified = plain(app.screen.query_one("#record", Static))
    assert "领导班子好 2 党员队伍好 3" in review
    assert "验收是否通过 accepted   true  通过" in re.sub(r" {3,}", "   ", verified)
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        opened = await found_record(pilot, "unit:ZP type:RectificationOpened")
    lines = {line.split()[0] for line in opened.splitlines() if line.strip()}
    assert {"rectification", "supervised", "deadline"} <= lines
    assert "rectification id" not in opened and "true  yes" not in opened


async def test_long_text_wraps_on_a_narrow_terminal(demo_store):
    """An auditor reads every character of a field: at 80 columns a long title wraps
    instead of ending in an ellipsis, in the record screen and the unit screen."""
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")  # the newest record: the closing meeting's long title
        await settle(pilot)
        record = app.screen.query_one("#record", Static)
        console = Console(width=record.content_region.width, file=io.StringIO(), color_system=None)
        console.print(record.content)
        shown = "".join(console.file.getvalue().split())
        assert "…" not in shown and "以优异成绩迎接党的十八大召开" in shown
        await pilot.press("escape", "escape", "colon", *"ZP", "enter")  # the unit screen too
        await settle(pilot)
        body = app.screen.query_one("#body", Static)
        console = Console(width=body.content_region.width, file=io.StringIO(), color_system=None)
        console.print(body.content)
        assert "…" not in console.file.getvalue()  # no cell cut short (no text of ZP has one)


async def test_on_a_narrow_terminal_the_units_stay_beside_the_figures_scrolled_to(demo_store):
    """At 80 columns the grid is wider than the screen: scrolled to the figures, each
    row still begins with its unit (the units scrolled away with the phases)."""
    app = dashboard(demo_store, today=date(2012, 11, 7))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        assert grid.virtual_size.width > grid.size.width  # the figures are out of sight
        await pilot.press("end")
        await settle(pilot)
        assert grid.scroll_x > 0
        row = "".join(segment.text for segment in grid.render_line(5))  # the header is line 0
        unit = grid.get_row_at(4)
        assert row.lstrip().startswith(unit[0].plain.strip()), row
        assert row.rstrip().endswith(unit[-1].plain), row  # the awards, last column
        # a whole column at a time: beside the units, a column's left edge ("ue 6/7" was)
        widths = [column.get_render_width(grid) for column in grid.ordered_columns]
        edges = [sum(widths[1:i]) for i in range(1, len(widths))]
        assert grid.scroll_x in edges, (grid.scroll_x, edges)
        first = edges.index(grid.scroll_x) + 1  # the column shown next to the units
        header = "".join(segment.text for segment in grid.render_line(0))
        label = str(grid.ordered_columns[first].label)
        assert header.split()[1] == label, header  # whole, next to 单位
        await pilot.press("left")
        await settle(pilot)
        assert grid.scroll_x == edges[first - 2], (grid.scroll_x, edges)  # one column back
    wide = dashboard(demo_store, today=date(2012, 11, 7))
    async with wide.run_test(size=(170, 45)) as pilot:  # all in sight: nothing fixed
        await settle(pilot)
        assert wide.screen.query_one(StatusGrid).fixed_columns == 0


def test_a_log_position_past_the_end_has_no_record(demo_store):
    query = LogQuery(open_app(location(demo_store), read_only=True))
    entry, record = query.record(1)
    assert entry.pos == 1 and record["type"] == "CampaignPlanned"
    assert query.record(10**6) is None


async def test_help_lists_the_keys(demo_store):
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(plain(w) for w in app.screen.query(Static))
        for word in ("command", "filter", "earlier", "play/pause", "quit", "palette"):
            assert word in text
        assert "filter units: a code or name, or a status" in text
        assert "filter the log: unit:CODE" in text
        # Tab, the only way into the alerts, was listed nowhere
        assert re.search(r"Tab +move between the grid and the alerts", text), text
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("tab")  # as help says
        await settle(pilot)
        assert isinstance(app.focused, AlertsPanel), app.focused


#: A binding's key as the help writes it
_HELP_NAMES = {
    "colon": ":",
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "plus": "+",
    "minus": "-",
    "escape": "Esc",
    "enter": "Enter",
    "home": "Home",
    "end": "End",
}


def test_every_key_a_screen_binds_is_in_the_help():
    """The help's list is kept by hand beside the screens' bindings: a key bound and
    not listed is one nobody learns of. (A full-width twin of a key, and the keys the
    log binds only to say why they do nothing there, are not keys of their own.)"""
    from cxzy.tui.screens.help import KEYS
    from cxzy.tui.screens.log import LogTable

    listed = {token for keys, _ in KEYS for token in keys.split()}
    checked = []
    for owner in (CxzyApp, OverviewScreen, UnitScreen, LogScreen, LogTable):
        for binding in owner.BINDINGS:
            twin = binding.key.startswith(("fullwidth_", "ideographic_")) or (
                "lenticular" in binding.key
            )
            if twin or binding.action == "no_day":
                continue
            checked.append(binding.key)
            shown = _HELP_NAMES.get(binding.key, binding.key)
            assert shown in listed, (owner.__name__, binding.key, binding.action)
    assert {"colon", "a", "n", "home", "escape"} <= set(checked)


async def test_the_command_palette_speaks_the_interface_language(demo_store):
    from textual.command import CommandPalette
    from textual.widgets import Input

    app = dashboard(demo_store, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {str(command.title) for command in app.get_system_commands(app.screen)}
        assert {"主题", "退出", "截图", "日志"} <= titles, titles
        assert not {"Theme", "Quit", "Screenshot", "Keys"} & titles, titles
        shown = {b.binding.description for b in app.screen.active_bindings.values()}
        assert "命令面板" in shown and "palette" not in shown
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "搜索命令或单位…"


async def test_help_says_what_the_grids_counts_hold_and_the_keys_command_opens_it(demo_store):
    """承诺 3/4/1 was nowhere explained in the dashboard; the palette's 按键面板 opened
    Textual's panel, in English ("Cursor up", "Focus Next")."""
    from cxzy.tui.screens.help import HelpScreen

    app = dashboard(demo_store, lang="zh")
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot)
        (keys,) = [c for c in app.get_system_commands(app.screen) if c.title == "按键面板"]
        keys.callback()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        legend = plain(app.screen.query_one("#legend", Static))
        assert legend.startswith("承诺 = 兑现/总数/逾期;整改事项 = 未销号/总数/逾期/督办/升级"), (
            legend
        )


@pytest.mark.parametrize("width", [80, 60])
async def test_help_wraps_its_long_lines_on_a_narrow_terminal(demo_store, width):
    # at 60 columns its box was 70 wide: its right side, and words, off the screen
    app = dashboard(demo_store, lang="zh")
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        box = app.screen.query_one("VerticalScroll")
        assert box.region.right <= width, box.region
        keys = app.screen.query(Static).first()
        assert keys.region.right <= width, keys.region
        console = Console(width=keys.content_region.width, file=io.StringIO(), color_system=None)
        console.print(keys.content)
        shown = console.file.getvalue()
        assert "…" not in shown and "入库" in shown and "时间)" in shown, shown


@contextmanager
def full_collections() -> Iterator[list[float]]:
    """The moments Python's full garbage collections end, while inside."""
    full: list[float] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(time.monotonic())

    gc.callbacks.append(seen)
    try:
        yield full
    finally:
        gc.callbacks.remove(seen)


async def test_full_collections_wait_until_the_screen_is_idle(demo_store, monkeypatch):
    # Python's full garbage collections (10-20 ms at a million events) are kept out
    # of a time-travel step: deferred while the app runs, run once it has been idle
    # for a moment after a paint (not while the next step is read), and everything
    # is put back when it stops.
    monkeypatch.setattr(collector, "IDLE_SECONDS", 0.5)
    thresholds = gc.get_threshold()
    with full_collections() as full:
        app = dashboard(demo_store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert gc.get_threshold()[2] == DEFERRED and gc.get_freeze_count() > 0
            query = app.query_
            read = query.snapshot
            slow = threading.Event()

            def snapshot(*args, **kwargs):
                if slow.is_set():  # a step on a big store: longer than IDLE_SECONDS
                    time.sleep(1.0)
                return read(*args, **kwargs)

            monkeypatch.setattr(query, "snapshot", snapshot)
            paints: list[float] = []  # when the app told its collector it had painted
            told = app.collector.painted

            def painted(*args) -> None:
                paints.append(time.monotonic())
                told(*args)

            monkeypatch.setattr(app.collector, "painted", painted)

            async def step() -> float:
                """A step (as the terminal posts the key): when it was pressed."""
                expected = app.clock.moved(+1, app.template).as_of
                pressed = time.monotonic()
                app.simulate_key("right_square_bracket")
                for _ in range(200):
                    await pilot.pause(0.02)
                    if app.snapshot.report.as_of == expected:
                        break
                assert app.snapshot.report.as_of == expected
                await pilot.pause()  # painted: its full pass is due IDLE_SECONDS on
                return pressed

            await step()
            slow.set()
            pressed = await step()  # the first step's pass comes due while this one reads
            deadline = time.monotonic() + 5.0  # waited for, not slept: a loaded machine is late
            while not [m for m in full if m > pressed] and time.monotonic() < deadline:
                await pilot.pause(0.05)
            first = min(moment for moment in full if moment > pressed)
            # the pass came after this step's paint, and only once it had been idle
            # (measured from the app's own paint, not from when this test looked)
            before = max(moment for moment in paints if moment < first)
            assert before > pressed and first - before >= 0.4, (pressed, paints, first)
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0


async def test_full_collections_still_run_on_a_screen_that_paints_nothing(demo_store, monkeypatch):
    # On the log or a unit's screen no snapshot is painted: a full pass still runs
    # at least every LONGEST_SECONDS, so a long session's cyclic garbage is freed.
    monkeypatch.setattr(collector, "IDLE_SECONDS", 60)
    monkeypatch.setattr(collector, "LONGEST_SECONDS", 0.3)
    with full_collections() as full:
        app = dashboard(demo_store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("l")  # the log
            started = time.monotonic()
            # two passes 0.3 s apart; a loaded machine may take longer to run them
            # (with IDLE_SECONDS at 60, none would come without the interval)
            deadline = started + 5.0
            while len([m for m in full if m > started]) < 2 and time.monotonic() < deadline:
                await pilot.pause(0.1)
            assert isinstance(app.screen, LogScreen)
            assert len([moment for moment in full if moment > started]) >= 2


def another_writer_imports_an_activity(store: Path, n: int = 1) -> None:
    """WYB's mechanism activity of 2012-11-06 (the ``n``-th), imported by another
    writer (a thread with its own connection) while the dashboard runs."""

    def write() -> None:
        record = {
            "type": "ActivityHeld",
            "at": "2012-11-06T10:00:00+08:00",
            "unit": "WYB",
            "kind": "mechanism",
            "title": "制定长效机制",
            "id": f"live-{n}",
        }
        assert Importer(open_app(location(store))).run([("live:1", record)]).written == 1

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()


async def test_live_events_from_another_writer_appear_without_a_key(store):
    app = dashboard(store, today=date(2012, 11, 7), live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cell(app, "WYB", "summarize").startswith("进行中")
        grid = app.screen.query_one(StatusGrid)
        grid.move_cursor(row=3)

        another_writer_imports_an_activity(store)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not cell(app, "WYB", "summarize").startswith("完成"):
            await pilot.pause(0.1)
        assert cell(app, "WYB", "summarize") == "完成 3/3"
        assert "reverse" in str(grid.get_cell("WYB", "summarize").style)  # flashes
        assert grid.cursor_coordinate.row == 3
        await pilot.pause(2.2)
        assert "reverse" not in str(grid.get_cell("WYB", "summarize").style)


async def test_a_store_read_as_immutable_shows_what_another_user_writes(store, monkeypatch):
    """A store in a folder this user may not write is read as immutable (SQLite could
    not make its -shm file): the office's imports, by a user who may, never showed,
    the header saying LIVE over the figures as they were at the start."""
    from cxzy.application import store as stores

    def read_only_folder(path: Path) -> bool:  # (this user's: the writer's is another)
        shm, wal = (path.with_name(path.name + suffix) for suffix in ("-shm", "-wal"))
        return not shm.exists() and (not wal.exists() or wal.stat().st_size == 0)

    monkeypatch.setattr(stores, "on_read_only_media", read_only_folder)
    app = dashboard(store, today=date(2012, 11, 7), live=True)
    assert app.store is not None and app.store.frozen
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cell(app, "WYB", "summarize").startswith("进行中")
        another_writer_imports_an_activity(store)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not cell(app, "WYB", "summarize").startswith("完成"):
            await pilot.pause(0.1)
        assert cell(app, "WYB", "summarize") == "完成 3/3"
        assert not [n for n in app._notifications if "replaced" in n.message or "替换" in n.message]


async def test_a_filtered_log_reads_only_the_new_records_when_they_come(store, monkeypatch):
    """A live update read the filtered page anew, from the log's end back until it
    was full: a filter that matches little walked the whole log at every record
    (0.05-0.16 s at 500,000 rows). It reads only the records after the page's; a
    record the filter does not take leaves the page as it was."""
    from cxzy.application.dashboard import DashboardQuery

    asked: list[dict] = []
    log_page = DashboardQuery.log_page

    def recorded(self, **kwargs):
        asked.append(kwargs)
        return log_page(self, **kwargs)

    monkeypatch.setattr(DashboardQuery, "log_page", recorded)
    app = dashboard(store, today=date(2012, 11, 7), lang="en", live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "slash", *"unit:WYB", "enter")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        shown = table.row_count
        top = int(str(table.get_row_at(0)[0]))
        head = app.snapshot.head
        asked.clear()
        another_writer_imports_an_activity(store)  # WYB's: the filter takes it
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and int(str(table.get_row_at(0)[0])) == top:
            await pilot.pause(0.1)
        assert int(str(table.get_row_at(0)[0])) == head + 1
        assert table.row_count == shown + 1
        assert asked and all(a.get("after") == head and a.get("oldest_first") for a in asked)
        asked.clear()
        record = {
            "type": "ActivityHeld",
            "at": "2012-11-06T11:00:00+08:00",
            "unit": "ZP",  # not the filter's
            "kind": "mechanism",
            "title": "制定长效机制",
            "id": "live-zp",
        }
        writer = threading.Thread(
            target=lambda: Importer(open_app(location(store))).run([("live:2", record)])
        )
        writer.start()
        writer.join()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not asked:
            await pilot.pause(0.1)
        await settle(pilot)
        assert [a.get("after") for a in asked] == [head + 1]  # the new record alone read
        assert table.row_count == shown + 1 and int(str(table.get_row_at(0)[0])) == head + 1


async def test_the_logs_cursor_stays_on_its_record_when_new_records_come_in(store):
    # New records come in at the top of the log: the cursor stayed on the same row
    # of the screen, so on another record, and Enter opened that one.
    app = dashboard(store, today=date(2012, 11, 7), live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        for _ in range(5):
            await pilot.press("down")
        chosen = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        top = table.row_count and table.coordinate_to_cell_key((0, 0)).row_key.value
        another_writer_imports_an_activity(store)
        deadline = time.monotonic() + 5
        while (
            time.monotonic() < deadline
            and table.coordinate_to_cell_key((0, 0)).row_key.value == top
        ):
            await pilot.pause(0.1)
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == str(int(top) + 1)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == chosen
        # on the newest record, the cursor follows the newest, as a live view does
        table.move_cursor(row=0)
        await pilot.pause()
        another_writer_imports_an_activity(store, 2)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and table.cursor_coordinate.row == 0:
            if table.coordinate_to_cell_key((0, 0)).row_key.value == str(int(top) + 2):
                break
            await pilot.pause(0.1)
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == str(int(top) + 2)
        assert table.cursor_coordinate.row == 0
        table.move_cursor(row=5)
        await pilot.pause()
        chosen = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen) and app.screen.pos == int(chosen)


async def test_changes_pushed_while_a_snapshot_is_read_are_read_once_after_it(store, monkeypatch):
    """What PostgreSQL's notifications do (here pushed by hand): the first change
    starts a reload at once; the changes pushed while it runs start one more after
    it, not one each."""
    app = dashboard(store, today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.query_ is not None
        read = app.query_.snapshot
        started: list[float] = []
        gate = threading.Event()

        def held(*args, **kwargs):
            started.append(time.monotonic())
            gate.wait(10)
            return read(*args, **kwargs)

        monkeypatch.setattr(app.query_, "snapshot", held)

        def push(times: int) -> None:
            thread = threading.Thread(target=lambda: [app._pushed() for _ in range(times)])
            thread.start()
            thread.join()

        push(1)
        deadline = time.monotonic() + 5
        while not started and time.monotonic() < deadline:
            await pilot.pause(0.01)
        assert len(started) == 1  # at once: no interval to wait for
        push(50)
        await pilot.pause(0.3)
        assert len(started) == 1  # not while the first reload runs
        gate.set()
        await settle(pilot)
        assert len(started) == 2  # then once for all of them
        assert app.snapshot is not None and not app._changed


async def test_the_chart_draws_each_share_on_one_scale(demo_store):
    """A bar's height is the share done (0–100 %), the same for every phase: a
    phase at 0 % is not drawn full because all its weeks are alike, and one at 30 %
    not as nothing because it was higher earlier on. A column is the same weeks on
    any day: the weeks still to come are blank (the first week was drawn across the
    whole width)."""
    app = dashboard(demo_store, lang="en", today=date(2011, 3, 1))
    phases = ("mobilize", "compete", "rectify", "summarize")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chart = app.screen.query_one(ProgressChart)
        labels = {key: plain(chart.query_one(f"#label-{key}", Label)).strip("\n") for key in phases}
        lines = {key: chart.query_one(f"#share-{key}", ShareLine) for key in phases}
        whole = {key: line.render().plain for key, line in lines.items()}
        drawn = {key: line.rstrip() for key, line in whole.items()}  # (weeks to come: blank)
        assert labels["mobilize"] == "Mobilize  100%" and drawn["mobilize"].endswith("█")
        # along the campaign's weeks: 2011-03-01 is 42 % of the way to its last day
        start, end = date(2010, 5, 11), date(2012, 11, 7)  # the template's first and last
        share = ((date(2011, 3, 1) - start).days // 7 + 1) / ((end - start).days // 7 + 1)
        width = len(whole["mobilize"])
        assert abs(len(drawn["mobilize"]) - share * width) <= 1.5, (drawn, width)
        assert labels["summarize"] == "Summarize   0%" and set(drawn["summarize"]) == {"▁"}
        rectify = lines["rectify"].data[-1]
        assert 0.2 < rectify < 0.5, labels["rectify"]
        assert drawn["rectify"][-1] == "▁▂▃▄▅▆▇█"[round(rectify * 8) - 1]
        assert len({len(label) for label in labels.values()}) == 1  # the shares aligned
        await pilot.press("colon", *"2010-05-31", "enter")  # not a week's sample day
        await settle(pilot)
        done = sum(u.phases["mobilize"].progress[0] for u in app.snapshot.report.units)
        total = sum(u.phases["mobilize"].progress[1] for u in app.snapshot.report.units)
        label = plain(chart.query_one("#label-mobilize", Label)).strip()
        assert label == f"Mobilize  {done / total:4.0%}", (label, done, total)


async def test_the_chart_is_read_after_the_snapshot_is_painted(demo_store, monkeypatch):
    """The chart's worker (a status per week) would hold the interpreter while the grid
    is drawn: it starts once the new snapshot is on the screen."""
    from textual.screen import Screen

    from cxzy.application.dashboard import DashboardQuery

    order: list[str] = []
    show, progress = OverviewScreen.show, DashboardQuery.progress
    refresh = Screen._compositor_refresh

    def shown(self, snapshot):
        if snapshot is not None:
            order.append("shown")
        show(self, snapshot)

    def painted(self):
        if order and order[-1] == "shown":
            order.append("painted")
        refresh(self)

    def chart(self, *args, **kwargs):
        order.append("chart")
        return progress(self, *args, **kwargs)

    monkeypatch.setattr(OverviewScreen, "show", shown)
    monkeypatch.setattr(Screen, "_compositor_refresh", painted)
    monkeypatch.setattr(DashboardQuery, "progress", chart)
    app = dashboard(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert order[:3] == ["shown", "painted", "chart"]


async def test_event_text_is_shown_literally(store):
    """Markup and escapes in what units send are shown as written: a name or `by` may
    hold markup (not a control character: refused at import, decision 271), a title
    both."""
    writer = open_app(location(store))
    hostile = "[bold]加粗[/bold] [/] \x1b[31m红色 [link=x]y 零宽\u200b空格\n第二行"
    record = {
        "type": "ActivityHeld",
        "at": "2012-11-06",
        "unit": "ZP",
        "kind": "self_chosen",
        "title": hostile,
        "id": "hostile-1",
        "by": "[red]某人[/red]",
    }
    renamed = {"type": "UnitUpdated", "at": "2012-11-06", "unit": "ZP", "name": "[/]ZP[b]"}
    assert Importer(writer).run([("h:1", record), ("h:2", renamed)]).written == 2
    app = dashboard(store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cell(app, "ZP", "unit").strip().startswith("[/]ZP[b]")
        await pilot.press("l")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert "[/]ZP[b]" in str(table.get_row_at(0)[4])  # the renaming, the latest
        row = table.get_row_at(1)
        shown = str(row[4])  # after the activity's kind (decision 210)
        assert shown.startswith("Self-chosen activity · [bold]加粗[/bold]") and "^[[31m" in shown, (
            shown
        )
        # a character that shows nothing, and a line break, written out (README)
        assert "零宽<U+200B>空格⏎第二行" in shown, shown
        assert str(row[5]) == "[red]某人[/red]"
        await pilot.press("escape", "colon", *"ZP", "enter")
        await settle(pilot)
        body = plain(app.screen.query_one("#body", Static))
        assert "[bold]加粗[/bold]" in body and body.startswith("[/]ZP[b]"), body[:40]


async def test_an_empty_store_offers_the_demo(tmp_path):
    path = tmp_path / "empty.sqlite3"
    loaded = []

    def load_demo():
        app = open_app(location(path), create=True)
        Importer(app).run(read_records(EVENTS / "demo.jsonl"))
        loaded.append(True)
        return open_app(location(path), read_only=True)

    app = CxzyApp(None, lang="en", today=DAY, live=False, load_demo=load_demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, EmptyScreen)
        # keys that move in time or open views do nothing before there is a campaign
        # (`[` raised AttributeError here), and the footer does not offer them
        keys = {b.binding.action for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"load_demo", "help", "quit"} <= keys and "earlier" not in keys
        await pilot.press(*"[]tsk+-l", "space", "colon")
        await settle(pilot)
        assert isinstance(app.screen, EmptyScreen) and app.is_running
        await pilot.press("question_mark")  # the help lists this screen's keys only
        await settle(pilot)
        listed = "\n".join(plain(s) for s in app.screen.query(Static))
        assert "load demo" in listed and "earlier" not in listed, listed
        await pilot.press("escape")
        await settle(pilot)
        titles = {str(c.title) for c in app.get_system_commands(app.screen)}
        assert "Load demo" in titles, titles  # the palette offers it too (capitalised)
        await pilot.press("d")
        await settle(pilot)
        assert loaded and isinstance(app.screen, OverviewScreen)
        titles = {str(c.title) for c in app.get_system_commands(app.screen)}
        assert "Load demo" not in titles and "Log" in titles, titles


async def test_no_store_where_one_may_not_be_made_says_so(tmp_path):
    """No store, in a folder this process may not write: it said the store "holds no
    campaign yet, and you may only read it", of a store that was not there."""
    app = CxzyApp(None, lang="en", today=DAY, live=False, load_demo=None, store_name="office")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = " ".join(" ".join(plain(s) for s in app.screen.query(Static)).split())
        assert "There is no store at office yet, and you may not make one there" in said, said
        assert "holds no campaign" not in said and "Press d" not in said, said


async def test_an_empty_store_a_reader_may_not_write_offers_no_demo(tmp_path):
    """(``cxzy`` passes no loader when the store may only be read: a PostgreSQL
    reader's `d` said "read-only for you".)"""
    empty = open_app(StoreLocation("sqlite", str(tmp_path / "s.sqlite3")), create=True)
    app = CxzyApp(empty, lang="en", today=DAY, live=False, load_demo=None, store_name="office")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, EmptyScreen)
        said = "\n".join(plain(s) for s in app.screen.query(Static))
        assert "holds no campaign yet, and you may only read it" in said, said
        assert "Press d" not in said
        keys = {b.binding.action for b in app.screen.active_bindings.values() if b.binding.show}
        assert "load_demo" not in keys and "quit" in keys, keys
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, EmptyScreen) and not list(app._notifications)


@pytest.mark.parametrize("made", [False, True])  # no file yet; a store with no campaign
async def test_an_empty_stores_screen_shows_a_campaign_another_process_imports(tmp_path, made):
    from cxzy.cli.main import opener

    path = tmp_path / "new.sqlite3"
    store = None
    if made:  # as a refused first import leaves it
        open_app(location(path), create=True).close()
        store = open_app(location(path), read_only=True)
    app = CxzyApp(store, lang="en", today=DAY, live=True, open_store=opener(location(path)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert isinstance(app.screen, EmptyScreen)
        writer = open_app(location(path), create=True)  # as `cxzy import` would
        assert Importer(writer).run(read_records(EVENTS / "demo.jsonl")).ok
        writer.close()
        for _ in range(60):  # looked for once a second
            await pilot.pause(0.1)
            if isinstance(app.screen, OverviewScreen):
                break
        assert isinstance(app.screen, OverviewScreen)
        await settle(pilot)
        assert app.screen.query_one(StatusGrid).row_count == 10


def test_the_dashboard_never_writes_to_the_store(demo_store, tmp_path):
    copy = tmp_path / "ro.sqlite3"
    shutil.copy(demo_store, copy)
    copy.chmod(0o444)
    before = copy.read_bytes()

    async def run() -> None:
        app = dashboard(copy, today=date(2012, 11, 7))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("l")
            await settle(pilot)

    import asyncio

    asyncio.run(run())
    assert copy.read_bytes() == before


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_real_terminal_shows_the_dashboard(demo_store, tmp_path):
    session = f"cxzy-test-{id(tmp_path)}"
    command = f"COLORTERM=truecolor {sys.executable} -m cxzy --store {demo_store} --lang en"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "170", "-y", "45", command], check=True
    )
    try:
        screen = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(0.5)
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if "综合普查队" in screen and "Alerts" in screen:
                break
        assert "综合普查队" in screen and "current phase" in screen, screen
        subprocess.run(["tmux", "send-keys", "-t", session, "l"], check=True)
        time.sleep(1.5)
        screen = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
        ).stdout
        assert "Event log" in screen, screen
        subprocess.run(["tmux", "send-keys", "-t", session, "C-q"], check=True)
        time.sleep(1.0)
        alive = subprocess.run(["tmux", "has-session", "-t", session], capture_output=True)
        assert alive.returncode != 0, "ctrl+q did not quit"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


async def test_the_alerts_panel_lists_the_most_urgent_and_counts_the_rest(demo_store, monkeypatch):
    from cxzy.application import dashboard as queries
    from cxzy.application.dashboard import DashboardQuery

    app_store = open_app(location(demo_store), read_only=True)
    everything = DashboardQuery(app_store).snapshot(DAY)
    assert everything.open_total == len(everything.alerts) > 3
    monkeypatch.setattr(queries, "ALERT_ROWS", 3)
    capped = DashboardQuery(app_store).snapshot(DAY)
    assert capped.alerts == everything.alerts[:3]  # the same order: most urgent first
    assert capped.open_total == everything.open_total
    app = CxzyApp(app_store, lang="en", today=DAY, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert f"{everything.open_total - 3} more open…" in screen_text(app)


async def test_an_alert_shows_its_unit_and_enter_opens_it(demo_store):
    from cxzy.tui.components.alerts_panel import AlertsPanel

    app = dashboard(demo_store, lang="en", today=date(2026, 12, 4))  # English: longest words
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AlertsPanel)
        alerts = app.snapshot.alerts
        assert alerts
        # the unit is within the panel's width, before the horizontal scroll
        widths = [column.get_render_width(panel) for column in panel.ordered_columns]
        assert str(panel.ordered_columns[1].label) == "unit"
        assert sum(widths[:2]) <= panel.scrollable_content_region.width, widths
        first = alerts[0]
        name = next(u.name for u in app.snapshot.report.units if u.unit == first.unit)
        assert str(panel.get_row_at(0)[1]) == name
        panel.focus()
        panel.move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == first.unit
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)


def test_alerts_as_known_at_a_moment_equal_the_alerts_shown_then(store):
    # before the import the most urgent come from the open set in deadline order;
    # after it, "as known at" that moment reads every row up to that position
    from datetime import UTC, datetime

    from cxzy.application.dashboard import DashboardQuery

    app = open_app(location(store))
    days = [date(2010, 9, 1), DAY, date(2011, 9, 1), date(2012, 8, 1)]
    before = [DashboardQuery(app).snapshot(day) for day in days]
    moment = datetime.now(UTC)
    record = {
        "type": "RectificationOpened",
        "at": "2010-06-01",
        "rectification": "LATE-1",
        "unit": "145",
        "issue": "补报的整改",
        "deadline": "2010-06-30",
    }
    assert Importer(app).run([("late:1", record)]).ok
    after = [DashboardQuery(app).snapshot(day, known_at=moment) for day in days]
    assert [s.alerts for s in after] == [s.alerts for s in before]
    assert [s.open_total for s in after] == [s.open_total for s in before]
    assert any(s.alerts for s in before)


# -- reading ahead: the next step's snapshot, never a stale one ------------------------

MECHANISM = {
    "type": "ActivityHeld",
    "at": "2012-11-06T10:00:00+08:00",
    "unit": "WYB",
    "kind": "mechanism",
    "title": "制定长效机制",
    "id": "ahead-1",
}


def write_from_another_app(store: Path, record: dict) -> None:
    """Another writer of the same store (its own connection), as another process is."""
    writer = open_app(location(store))
    assert Importer(writer).run([("other:1", record)]).written == 1


def counting_status_reads(query, monkeypatch) -> list[date]:
    """The days a dashboard query reads a status for (each read of the store)."""
    days: list[date] = []
    status_in = query.status.status_in

    def counted(cursor, as_of, *args, **kwargs):
        days.append(as_of)
        return status_in(cursor, as_of, *args, **kwargs)

    monkeypatch.setattr(query.status, "status_in", counted)
    return days


def summarize(snapshot, unit: str = "WYB") -> tuple[int, int]:
    return next(u for u in snapshot.report.units if u.unit == unit).phases["summarize"].progress


def test_a_snapshot_read_ahead_is_handed_out_only_while_the_log_has_not_moved(store, monkeypatch):
    from cxzy.application.dashboard import DashboardQuery

    query = DashboardQuery(open_app(location(store), read_only=True))
    reads = counting_status_reads(query, monkeypatch)
    day = date(2012, 11, 6)
    query.read_ahead(day)
    assert reads == [day]
    ahead = query.snapshot(day)
    assert reads == [day]  # handed out: the store is not read again
    assert query.snapshot(day) is ahead
    assert summarize(ahead) == (2, 3)
    write_from_another_app(store, MECHANISM)
    after = query.snapshot(day)
    assert reads == [day, day]  # the log moved: read again, with the new record
    assert summarize(after) == (3, 3)
    assert after.head == ahead.head + 1
    query.snapshot(day, read_again=True)  # a live update: the log is known to have moved
    assert reads == [day, day, day]


def test_a_view_being_read_ahead_is_waited_for_not_read_twice(store, monkeypatch):
    from cxzy.application.dashboard import DashboardQuery

    query = DashboardQuery(open_app(location(store), read_only=True))
    reads: list[date] = []
    status_in = query.status.status_in

    def slow(cursor, as_of, *args, **kwargs):
        reads.append(as_of)
        time.sleep(0.3)  # a read at a million events, longer than the step's wait below
        return status_in(cursor, as_of, *args, **kwargs)

    monkeypatch.setattr(query.status, "status_in", slow)
    ahead = threading.Thread(target=query.read_ahead, args=(DAY,))
    ahead.start()
    while not reads:  # the read ahead has begun
        time.sleep(0.005)
    shown = query.snapshot(DAY)
    ahead.join()
    assert reads == [DAY]
    assert query.snapshot(DAY) is shown


async def test_the_next_step_is_read_ahead_and_never_stale(store, monkeypatch):
    # a dashboard not following the store (live off): what a step shows is still
    # what the store holds when the key is pressed
    app = dashboard(store, today=date(2012, 11, 20))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.query_ is not None
        reads = counting_status_reads(app.query_, monkeypatch)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        # the step showed 11-13 read ahead after the first paint; it read 11-06
        # ahead (the way it went), and 11-20 is the day it came from, kept
        assert app.snapshot.report.as_of == date(2012, 11, 13)
        assert reads == [date(2012, 11, 6)]
        write_from_another_app(store, MECHANISM)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.snapshot.report.as_of == date(2012, 11, 6)
        assert reads[:2] == [date(2012, 11, 6)] * 2  # read again: the log had moved
        assert cell(app, "WYB", "summarize") == "完成 3/3"


def test_reading_ahead_keeps_what_the_live_day_remembers(store, monkeypatch):
    # A live dashboard keeps the day's alerts and running totals across new records
    # about neither a commitment nor a rectification; the steps read ahead from
    # that day must not push them out.
    from cxzy.application.dashboard import DashboardQuery
    from cxzy.application.totals import RunningTotals

    asked: list[tuple[str, date]] = []
    open_on, figures = RunningTotals.open_on, RunningTotals.figures

    def counted_open_on(self, c, as_of, *args, **kwargs):
        asked.append(("open set", as_of))
        return open_on(self, c, as_of, *args, **kwargs)

    def counted_figures(self, c, day, *args, **kwargs):
        if kwargs.get("units") is None:  # all units: not brought forward
            asked.append(("totals", day))
        return figures(self, c, day, *args, **kwargs)

    monkeypatch.setattr(RunningTotals, "open_on", counted_open_on)
    monkeypatch.setattr(RunningTotals, "figures", counted_figures)
    query = DashboardQuery(open_app(location(store), read_only=True))
    today = date(2012, 11, 7)
    query.snapshot(today)
    for ahead in (date(2012, 10, 31), date(2012, 11, 14)):
        query.read_ahead(ahead)
    asked.clear()
    award = {
        "type": "CommendationAwarded",
        "at": "2012-11-07",
        "unit": "WYB",
        "level": "bureau",
        "title": "advanced_org",
        "id": "award-live",
    }
    write_from_another_app(store, award)
    live = query.snapshot(today, read_again=True)
    assert ("open set", today) not in asked and ("totals", today) not in asked
    assert next(u for u in live.report.units if u.unit == "WYB").awards >= 1


async def test_a_wide_terminal_shows_every_column_of_the_grid_beside_the_alerts(demo_store):
    """At 170 columns the grid is as wide as its columns (in English, the widest
    words, today: no column behind a horizontal scroll) and the alerts and the
    chart take the rest; a day with shorter words gives the alerts more room."""
    for lang in ("en", "zh"):
        app = dashboard(demo_store, lang=lang, today=date(2026, 12, 1))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            grid, side = app.screen.query_one(StatusGrid), app.screen.query_one("#side")
            assert grid.virtual_size.width <= grid.scrollable_content_region.width, lang
            assert grid.size.width + side.size.width == SIZE[0], lang
            assert side.size.width >= 40, lang
            await pilot.press("a")
            await pilot.pause()
            assert grid.size.width == SIZE[0], lang


async def test_a_narrow_terminal_gives_the_grid_the_width_until_a_shows_the_alerts(demo_store):
    """Below 120 columns the alerts and the chart would leave the grid two phases of
    four; they are hidden until `a` (which also hides them on a wide terminal)."""
    app = dashboard(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        side, grid = app.screen.query_one("#side"), app.screen.query_one(StatusGrid)
        assert not side.display
        header = plain(app.screen.query_one(HeaderBar)).splitlines()
        assert header[-1].strip().endswith("总结 2012-07"), header  # by its first month
        assert grid.size.width >= 78
        columns = grid.ordered_columns
        phases = [c.key.value for c in columns].index("summarize") + 1
        assert sum(c.get_render_width(grid) for c in columns[:phases]) <= grid.size.width
        await pilot.press("a")
        await pilot.pause()
        assert side.display and grid.size.width < 60
        await pilot.press("a")
        await pilot.pause()
        assert not side.display
    app = dashboard(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        side = app.screen.query_one("#side")
        assert side.display
        await pilot.press("a")
        await pilot.pause()
        assert not side.display
        await pilot.press("a")  # shown again by hand, then the terminal narrowed:
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not side.display  # the narrow layout, the grid's whole width
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert side.display


async def test_the_grid_takes_the_focus_when_the_alerts_that_had_it_are_hidden(demo_store):
    # Hidden by `a`, or by the terminal narrowed, the alerts kept the focus: nothing
    # showed it and the arrows did nothing until Tab.
    app = dashboard(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid, alerts = app.screen.query_one(StatusGrid), app.screen.query_one("#alerts")
        for hide in ("a", "narrow"):
            await pilot.press("tab")
            await pilot.pause()
            assert app.focused is alerts, hide
            if hide == "a":
                await pilot.press("a")
            else:
                await pilot.resize_terminal(80, 24)
            await pilot.pause()
            await pilot.pause()
            assert not app.screen.query_one("#side").display
            assert app.focused is grid, hide
            row = grid.cursor_coordinate.row
            await pilot.press("down")
            assert grid.cursor_coordinate.row == row + 1, hide
            await pilot.press("a") if hide == "a" else await pilot.resize_terminal(*SIZE)
            await pilot.pause()
            assert app.screen.query_one("#side").display


async def test_on_a_short_terminal_the_chart_gives_way_to_the_alerts(demo_store):
    # At 60x15 `a` showed an alerts box with no rows: the chart below it had the room.
    app = dashboard(demo_store, today=date(2011, 3, 1))
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.pause()
        alerts, chart = app.screen.query_one("#alerts"), app.screen.query_one(ProgressChart)
        assert alerts.row_count and alerts.content_region.height >= 3, alerts.content_region
        assert not chart.display
        await pilot.resize_terminal(60, 40)  # room for both again
        await pilot.pause()
        await pilot.pause()
        assert chart.display and chart.region.height == 6 and alerts.content_region.height >= 3


@pytest.mark.parametrize(("lang", "width"), [("en", 120), ("en", 140), ("zh", 140)])
async def test_where_the_alerts_would_cut_the_grid_the_grid_is_whole_until_a(
    demo_store, lang, width
):
    """Between 120 and about 160 columns the grid was cut at three quarters of the
    width (English lost its rectifications and awards at 140) and the alerts beside
    it showed when and where but not what. The alerts now take their place only
    when they leave the grid whole and have 40 columns."""
    app = dashboard(demo_store, lang=lang)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        side, grid = app.screen.query_one("#side"), app.screen.query_one(StatusGrid)
        assert not side.display
        shown = sum(c.get_render_width(grid) for c in grid.ordered_columns)
        assert shown <= grid.scrollable_content_region.width  # every column, whole
        await pilot.press("a")
        await pilot.pause()
        assert side.display
    app = dashboard(demo_store, lang=lang)
    async with app.run_test(size=(180, 40)) as pilot:  # room for both
        await settle(pilot)
        side, grid = app.screen.query_one("#side"), app.screen.query_one(StatusGrid)
        assert side.display and side.size.width >= 40
        shown = sum(c.get_render_width(grid) for c in grid.ordered_columns)
        assert shown <= grid.scrollable_content_region.width


@pytest.mark.parametrize(("lang", "width"), [("en", 160), ("en", 100), ("en", 70), ("zh", 80)])
async def test_the_totals_bar_breaks_between_its_parts_never_inside_a_count(
    demo_store, lang, width
):
    """At 160 columns in English the bar's last words wrapped as "· log" and, on the
    next line, "position #544"; narrower, a name could be parted from its count."""
    app = dashboard(demo_store, lang=lang)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(width + 1, 30)  # and after a resize as well
        await pilot.pause()
        await pilot.resize_terminal(width, 30)
        await pilot.pause()
        bar = app.screen.query_one(TotalsBar)
        lines = [bar.render_line(y).text.strip() for y in range(bar.size.height)]
        assert all(lines), lines  # as high as its lines: no empty one
        position = f"{t('position', lang)} #{app.snapshot.report.position}"
        assert any(line.replace("\u00a0", " ").endswith(position) for line in lines), lines
        counts = re.compile(r"^[\d/#]")  # a line that starts with a count was broken before it
        assert not any(counts.match(line) for line in lines), lines
        # the dot parts the position from the counts: at 160 columns in English it began
        # the line the position took
        assert not any(line.startswith("·") for line in lines), lines


async def test_loading_the_demo_into_a_store_that_cannot_be_made_says_why(tmp_path):
    """`d` on a folder, a missing schema or a read-only folder: one line, and the
    dashboard goes on (it stopped with a traceback)."""
    folder = tmp_path / "a-folder"
    folder.mkdir()

    def load_demo():
        return open_app(location(folder), create=True)

    app = CxzyApp(None, lang="en", today=DAY, live=False, load_demo=load_demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, EmptyScreen) and app.is_running
        said = [n.message for n in app._notifications][-1]
        assert "a-folder" in said and "folder" in said.replace("a-folder", ""), said


async def test_a_store_damaged_under_the_dashboard_is_said_and_the_last_view_stays(store):
    """Another program damages the file (or drops the schema) while the dashboard
    is open: a line says so, the last view stays, and it goes on running."""
    app = dashboard(store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = app.snapshot
        with open(store, "r+b") as damaged:
            damaged.truncate(100_000)
        await pilot.press("l")
        for _ in range(40):
            await pilot.pause(0.05)
            if app._notifications:
                break
        said = [n.message for n in app._notifications]
        assert app.is_running and app.snapshot is shown
        assert said and "damaged" in said[-1] and str(store.name) in said[-1], said


async def test_a_record_altered_outside_cxzy_is_said_not_a_traceback(store):
    """A row of the log edited with sqlite3, opened from the log: the record
    screen's worker died with the mapper's traceback and took the dashboard with
    it. The damage is said in one line, naming the position, and it goes on."""
    with sqlite3.connect(store) as db:
        db.execute("UPDATE stored_events SET state = x'00ff' WHERE rowid = 100")
    app = dashboard(store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(RecordScreen(100))
        for _ in range(40):
            await pilot.pause(0.05)
            if app._notifications:
                break
        said = [n.message for n in app._notifications]
        assert app.is_running and isinstance(app.screen, RecordScreen)
        assert said and "log position 100 cannot be read" in said[-1], said
        shown = plain(app.screen.query_one("#record", Static))  # not "loading…" for ever
        assert "the record at log position 100 could not be read" in shown, shown
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and not isinstance(app.screen, RecordScreen)


async def test_the_log_opened_from_a_past_moment_says_it_is_the_whole_log(demo_store):
    """In an auditor's view of what the store knew at a moment, `l` shows every
    record, those stored after it too: its title says so."""
    narrow = dashboard(demo_store, lang="en")
    async with narrow.run_test(size=(80, 24)) as pilot:  # cut at 80: "the whole log, records"
        await settle(pilot)
        narrow.run_command("known 2010-06-01 18:00")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        title = narrow.screen.query_one("#title", Static)
        shown = " ".join(
            "".join(segment.text for segment in title.render_line(y)).strip()
            for y in range(title.size.height)
        )
        assert "records stored after 2010-06-01 18:00 included" in shown, shown
    app = dashboard(demo_store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.run_command("known 2010-06-01 18:00")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        title = plain(app.screen.query_one("#title", Static))
        assert "the whole log, records stored after 2010-06-01 18:00 included" in title, title
        await pilot.press("escape")
        app.run_command("known")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert "the whole log" not in plain(app.screen.query_one("#title", Static))


def _board_of(records: list[dict], tmp_path: Path, lang: str, today: date) -> CxzyApp:
    """A dashboard on a new store of these records, on a given day."""
    from contract_helpers import write_jsonl

    path = tmp_path / "board.db"
    app = open_app(location(path), create=True)
    assert Importer(app).run(read_records(write_jsonl(tmp_path / "in.jsonl", records))).ok
    app.close()
    return CxzyApp(open_app(location(path), read_only=True), lang=lang, today=today, live=False)


async def test_phases_whose_windows_overlap_are_both_named_current(tmp_path):
    """A campaign that moved one phase's window over the next (decision 92): on a
    day in both, the header named only the first while the grid showed both active."""
    from contract_helpers import prelude

    records = prelude()
    records[0]["phases"] = [{"key": "compete", "start": "2010-06-01", "end": "2011-08-15"}]
    board = _board_of(records, tmp_path, "en", date(2011, 8, 10))
    async with board.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = "\n".join(plain(s) for s in board.screen.query(Static))
        assert "current phase: Compete / Rectify" in header, header


@pytest.mark.parametrize(("lang", "said"), [("en", "between phases"), ("zh", "两阶段之间")])
async def test_a_day_between_two_phases_is_said_so_in_the_header(tmp_path, lang, said):
    """A campaign whose competing phase ends a month before the rectifying one
    begins (decision 92's own windows): the header names no phase that day."""
    from contract_helpers import prelude

    records = prelude()
    records[0]["phases"] = [{"key": "compete", "start": "2010-06-01", "end": "2011-05-31"}]
    board = _board_of(records, tmp_path, lang, date(2011, 6, 15))
    async with board.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = plain(board.screen.query_one(HeaderBar))
        assert said in header, header


async def test_a_phase_moved_past_the_last_ones_end_is_the_campaigns_end(tmp_path):
    """A campaign whose rectification runs on to the year's end, past the last
    phase's (decision 92): the phase step, the chart and a replay stopped at the
    last phase's end (2012-11-07), as if the campaign ended there."""
    from contract_helpers import prelude

    records = prelude()
    records[0]["phases"] = [{"key": "rectify", "start": "2011-07-01", "end": "2012-12-31"}]
    board = _board_of(records, tmp_path, "en", date(2013, 3, 1))
    async with board.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"2012-07-01", "enter", "s", "s")  # week → month → phase
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert board.clock.as_of == date(2012, 12, 31)
        weeks = (date(2012, 12, 31) - date(2010, 5, 11)).days // 7 + 1
        assert board.series is not None and len(board.series["rectify"]) == weeks
        await pilot.press("colon", *"2012-11-01", "enter", "s", "s", "space")  # by week
        await pilot.pause(2.5)  # a replay's ticks
        assert board.clock.as_of > date(2012, 11, 7)


async def test_a_replay_in_a_campaign_still_running_stops_at_today_and_goes_live(tmp_path):
    """README: a replay stops at today while the campaign is still running (only the
    stop at a campaign's end was pinned), and the view is live again there."""
    from contract_helpers import prelude

    records = prelude()
    records[0]["phases"] = [{"key": "summarize", "start": "2012-07-01", "end": "2013-06-30"}]
    today = date(2012, 12, 10)
    board = _board_of(records, tmp_path, "en", today)
    async with board.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"2012-11-20", "enter")
        await settle(pilot)
        await pilot.press("space")  # a week a tick
        for _ in range(60):
            await pilot.pause(0.1)
            if board.clock.as_of == today:
                break
        await pilot.pause(1.5)  # (ticks that would go on past it)
        await settle(pilot)
        assert board.clock.as_of == today
        assert "LIVE" in plain(board.screen.query_one(HeaderBar))


async def test_a_checklist_item_met_by_a_record_without_words_names_its_type(tmp_path):
    """A mass evaluation recorded without a note met its item: the unit screen said
    'ReviewRecorded', the format's code, where it says what each record is."""
    from contract_helpers import prelude, review

    records = [*prelude(), review("145", "mass_evaluation", "2010-12-01")]
    board = _board_of(records, tmp_path, "zh", date(2011, 1, 5))
    async with board.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"145", "enter")
        await settle(pilot)
        body = plain(board.screen.query_one("#body", Static))
        assert "2010-12-01 评议考核" in body and "ReviewRecorded" not in body, body


async def test_a_count_that_gains_a_digit_widens_its_column_in_place(tmp_path):
    """A step to a day when a unit's rectifications reach ten: the column grows (in
    place, the rows kept, not the table filled anew) and the cell shows whole, the
    cursor still on its unit."""
    from contract_helpers import prelude, rect

    records = [*prelude()] + [
        rect(f"R{n}", "145", "2010-06-01" if n < 9 else "2010-06-10", "2011-12-31")
        for n in range(10)
    ]
    board = _board_of(records, tmp_path, "en", date(2010, 6, 5))
    async with board.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = board.screen.query_one(StatusGrid)
        grid.move_cursor(row=grid.get_row_index("145"))
        before = grid.columns[ColumnKey("rectifications")].width
        await pilot.press("colon", *"2010-06-12", "enter")
        await settle(pilot)
        assert board.snapshot.report.as_of == date(2010, 6, 12)
        lines = [strip.text for strip in board.screen._compositor.render_strips()]
        row = next(line for line in lines if "一四五队" in line)
        assert "10/10/0/0/0" in row, row  # whole, not cut with "…"
        assert grid.columns[ColumnKey("rectifications")].width == before + 2
        assert grid.selected_unit == "145"


def _in_a_terminal(monkeypatch) -> tuple[ModuleType, list[CxzyApp]]:
    """The command line as in a terminal, the dashboard it opens kept, not run:
    ``cxzy.cli.main`` the module (the package's name for it is the function)."""
    import importlib

    main_module = importlib.import_module("cxzy.cli.main")
    opened: list[CxzyApp] = []
    monkeypatch.setattr(main_module.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(main_module.sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(CxzyApp, "run", lambda self, **kwargs: opened.append(self))
    return main_module, opened


def test_a_folder_given_as_the_store_is_refused_before_the_dashboard_opens(
    tmp_path, monkeypatch, capsys
):
    """It showed the empty store's screen, waiting for a campaign, and said the store
    was a folder only when `d` was pressed; `status` and `import` refuse at once."""
    main_module, opened = _in_a_terminal(monkeypatch)
    assert main_module.main(["--lang", "en", "--store", str(tmp_path)]) == 1
    assert opened == []
    assert "is a folder" in capsys.readouterr().err


def test_a_store_whose_kept_template_was_edited_is_said_not_shown_as_empty(
    demo_store, tmp_path, monkeypatch, capsys
):
    """The read model's copy of the template edited with sqlite3 (a phase ending
    before it starts): the dashboard said the store held no campaign yet and offered
    the demo over 544 events; status said the template was broken, not why."""
    path = tmp_path / "edited.sqlite3"
    shutil.copy(demo_store, path)
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE cx_campaign SET template_text = replace(template_text, 'end = 2011-06-30',"
            " 'end = 2010-04-30')"
        )
    db.close()
    main_module, opened = _in_a_terminal(monkeypatch)
    assert main_module.main(["--lang", "en", "--store", str(path)]) == 1
    assert opened == []
    said = capsys.readouterr().err
    assert said == (
        "broken campaign template: template cxzy-2010 (as the store keeps it): phase compete:"
        " ends (2010-04-30) before it starts (2010-06-01); an import checks the template it"
        " keeps, so the read model's copy was edited outside cxzy: cxzy store rebuild makes"
        " it again from the log\n"
    )
    assert main_module.main(["--lang", "en", "--store", str(path), "store", "rebuild"]) == 0
    assert main_module.main(["--lang", "en", "--store", str(path)]) == 0 and opened


async def test_a_store_deleted_then_made_again_is_said_then_shown(demo_store, tmp_path):
    """The dashboard went on reading the deleted file, as live, and never showed
    the store made again under its name (`cxzy status` did)."""
    path = tmp_path / "watched.sqlite3"
    shutil.copy(demo_store, path)
    app = dashboard(path, lang="en", live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.snapshot is not None and app.snapshot.head == 544
        for name in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            name.unlink(missing_ok=True)
        for _ in range(30):
            await pilot.pause(0.1)
            if app._notifications:
                break
        said = [str(n.message) for n in app._notifications]
        assert said == [
            f"the store's file {path} was deleted: showing the state before; "
            "a new store there will be shown"
        ]
        await pilot.pause(0.2)  # the header says so too, once the notice is gone
        header = plain(app.screen.query_one(HeaderBar))
        assert "STORE DELETED" in header and "LIVE" not in header, header
        assert "reconnecting" not in screen_text(app)  # (PostgreSQL's words: no connection)
        part = tmp_path / "part.jsonl"
        part.write_text(
            "".join((EVENTS / "demo.jsonl").read_text(encoding="utf-8").splitlines(True)[:60]),
            encoding="utf-8",
        )
        writer = open_app(location(path), create=True)  # as `cxzy import` would
        written = Importer(writer).run(read_records(part))
        writer.close()
        assert written.ok and 0 < written.position < 544
        for _ in range(30):
            await pilot.pause(0.1)
            if app.snapshot.head != 544:
                break
        await settle(pilot)
        assert app.snapshot.head == written.position
        said = [str(n.message) for n in app._notifications]
        assert f"the store's file {path} was replaced: now showing the new one" in said
        header = plain(app.screen.query_one(HeaderBar))
        assert "LIVE" in header and "DELETED" not in header, header


async def test_the_alerts_keep_when_and_unit_in_sight_when_scrolled(demo_store):
    """End scrolled the alerts right: their deadline went, and the unit's name was
    cut from its left ("管理办公室")."""
    from cxzy.tui.components.alerts_panel import AlertsPanel

    app = dashboard(demo_store, today=date(2026, 12, 4))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AlertsPanel)
        panel.focus()
        await pilot.press("end")
        await settle(pilot)
        assert panel.scroll_x > 0  # (the alerts' text is wider than the panel)
        when, unit = (str(c) for c in panel.get_row_at(0)[:2])
        line = panel.render_line(1).text
        assert line.lstrip().startswith(when) and unit in line, line


async def test_the_commitments_item_counts_commitments_fulfilled(demo_store):
    """ "All commitments fulfilled — 0 of 3 closed": commitments are fulfilled."""
    app = dashboard(demo_store, lang="en", today=date(2011, 7, 15))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"ZP", "enter")
        await settle(pilot)
        body = plain(app.screen.query_one("#body", Static))
        assert re.search(r"commitments fulfilled\s.*\d of \d fulfilled", body), body
        assert not re.search(r"commitments fulfilled\s.*closed", body), body


@pytest.mark.parametrize(
    ("lang", "flags"), [("en", "awaiting verification, sup., esc."), ("zh", "待验收、督办、升级")]
)
def test_a_rectifications_flags_on_its_unit_screen_are_listed_as_each_language_lists(lang, flags):
    # "awaiting verification,sup.": joined by a comma and no space, in either language
    from cxzy.application.dashboard import Standing
    from cxzy.styles import COLOUR
    from cxzy.tui.screens.unit import _standing

    standing = Standing(
        "rectification", "overdue", date(2011, 3, 1), False, -3, "red", True, True, True
    )
    assert _standing(standing, lang, COLOUR).plain.splitlines()[-1] == flags


def test_steps_by_month_keep_the_day_of_the_month_they_began_on():
    """`:2011-01-31`, by month: `] ]` went to 28 February then 28 March, and `[ [`
    back to 28 January, not the day it began on."""
    from dataclasses import replace

    from cxzy.application.templates import load_template
    from cxzy.tui.clock import ViewClock

    template = load_template("cxzy-2010")
    clock = ViewClock(today=date(2026, 12, 6), as_of=date(2011, 1, 31), step="month")
    shown = []
    for direction in (+1, +1, -1, -1, -1):
        clock = clock.moved(direction, template)
        shown.append(clock.as_of)
    assert shown == [
        date(2011, 2, 28),
        date(2011, 3, 31),
        date(2011, 2, 28),
        date(2011, 1, 31),
        date(2010, 12, 31),
    ]
    clock = replace(clock, as_of=date(2011, 5, 15))  # a jump elsewhere: its own day
    assert clock.moved(+1, template).as_of == date(2011, 6, 15)
    clock = clock.moved(+1, template).moved(-1, template)  # kept: the 31st
    clock = replace(clock, as_of=date(2011, 4, 30), month_day=None)  # as `:2011-04-30` does
    assert clock.moved(+1, template).as_of == date(2011, 5, 30)
    day_steps = replace(clock, as_of=date(2011, 2, 27), step="day", month_day=31).moved(
        +1, template
    )
    assert day_steps.month_day is None  # a step by day forgets it: 28 Feb → 28 Mar
    assert replace(day_steps, step="month").moved(+1, template).as_of == date(2011, 3, 28)
    clock = replace(clock, as_of=date(2011, 1, 30), step="week")  # other steps: as they were
    assert clock.moved(+1, template).as_of == date(2011, 2, 6)


@pytest.mark.parametrize("campaign", [False, True])
async def test_the_empty_screen_names_the_store_it_looked_at(tmp_path, campaign):
    """A mistyped --store opened the same screen as an empty store ("the store holds
    no campaign yet"), and `d` made the store there, folders and all, unsaid."""
    name = str(tmp_path / "typo" / "cxzy.sqlite3")
    store = None
    if campaign:  # a store there, without a campaign
        store = open_app(StoreLocation("sqlite", str(tmp_path / "s.db")), create=True)
    never = lambda: pytest.fail("not loaded")  # noqa: E731 (a store that may be written)
    app = CxzyApp(store, lang="en", today=DAY, live=False, store_name=name, load_demo=never)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = plain(app.screen.query_one(Static))
        if campaign:
            assert f"The store {name} holds no campaign yet" in said, said
        else:
            assert f"There is no store at {name} yet. Press d to make one there" in said, said
            assert f"(cxzy --lang en --store {name} import FILE)" in said, said
    if store is not None:
        store.close()


async def test_a_replay_before_the_campaign_begins_says_there_is_no_history(demo_store):
    """A campaign planned to begin after today: `]` to a day ahead, then space went
    back to today without a word (the replay had nothing to play)."""
    app = dashboard(demo_store, lang="en", today=date(2010, 5, 1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"2010-05-20", "enter")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert not app.clock.playing and app.clock.as_of == date(2010, 5, 20)
        said = [n.message for n in app._notifications]
        assert said[-1] == "the campaign begins on 2010-05-11: there is no history to replay yet"


async def test_the_keys_a_chinese_input_method_types_work_as_their_plain_ones(demo_store):
    """With a Chinese input method on, : ? / [ ] type ：？、【】: the dashboard did
    nothing, and the office had to switch it to English to move or filter."""
    from cxzy.tui.screens.help import HelpScreen
    from cxzy.tui.screens.log import LogScreen

    app = dashboard(demo_store, today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("fullwidth_colon", *"2011-03-01", "enter")  # ：
        await settle(pilot)
        assert app.clock.as_of == date(2011, 3, 1)
        await pilot.press("left_black_lenticular_bracket")  # 【
        await settle(pilot)
        assert app.clock.as_of == date(2011, 2, 22)
        await pilot.press("right_black_lenticular_bracket")  # 】
        await settle(pilot)
        assert app.clock.as_of == date(2011, 3, 1)
        await pilot.press("ideographic_comma", *"ZP", "enter")  # 、 (the / of Pinyin)
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        assert grid.row_count == 1 and "ZP" in str(grid.get_row_at(0)[0])
        await pilot.press("fullwidth_question_mark")  # ？
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("fullwidth_question_mark")  # closes it, as ? does
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("l", "fullwidth_solidus", *"unit:ZP", "enter")  # ／ in the log
        await settle(pilot)
        assert isinstance(app.screen, LogScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count and all(
            str(table.get_row_at(n)[3]) == "ZP" for n in range(table.row_count)
        )


async def test_k_at_a_records_recorded_time_says_its_import_was_under_way(store):
    """A record's recorded time, typed into k from the log, is before its import
    committed: the figures without it were shown unsaid (decision 257)."""
    app_ = open_app(location(store), read_only=True)
    try:
        recorded = LogQuery(app_).record(1)[0].recorded
    finally:
        app_.close()
    app = dashboard(store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k", *recorded.isoformat(), "enter")
        await settle(pilot)
        assert app.snapshot.report.known_at == recorded and app.snapshot.report.position == 0
        said = [n.message for n in app._notifications]
        found = [m for m in said if m.startswith("an import was under way at ")]
        assert found and found[0].endswith("counts them)"), said
        moment, rest = found[0].removeprefix("an import was under way at ").split(", ", 1)
        assert datetime.fromisoformat(moment) == recorded, found
        held = datetime.fromisoformat(rest.removeprefix("committed at ").split(": ", 1)[0])
        assert held > recorded, found


async def test_figures_read_as_they_are_are_said_in_the_dashboard(store):
    """A store an older cxzy made, opened by one who may not make it anew: commands
    say so on standard error, which the dashboard's screen hides until it closes."""
    with sqlite3.connect(store) as db:
        db.execute(
            "UPDATE tracking SET application_name = 'cxzy-read-model-v13'"
            " WHERE application_name LIKE 'cxzy-read-model-v%'"
        )
    db.close()
    app = CxzyApp(open_app(location(store), read_only=True), lang="en", today=DAY, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("made by an older cxzy (read model v13)" in m for m in said), said


async def test_the_alerts_cursor_stays_on_its_alert_when_a_more_urgent_one_comes_in(store):
    """An alert more urgent than the one chosen, come in live, moved every alert
    below it down a row under a cursor that kept its row: Enter opened another unit."""
    app = dashboard(store, today=date(2012, 11, 7), lang="en", live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AlertsPanel)
        panel.focus()
        panel.move_cursor(row=3)
        await pilot.pause()
        chosen = (panel.unit_at(3), panel.get_row_at(3)[3].plain)

        def write() -> None:  # a commitment overdue for years: the most urgent
            record = {
                "type": "CommitmentMade",
                "at": "2010-06-01T10:00:00+08:00",
                "commitment": "C-LIVE-1",
                "unit": "149",
                "text": "年内完成",
                "due": "2010-07-01",
            }
            assert Importer(open_app(location(store))).run([("live:1", record)]).written == 1

        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and "C-LIVE-1" not in panel.get_row_at(0)[3].plain:
            await pilot.pause(0.1)
        assert "C-LIVE-1" in panel.get_row_at(0)[3].plain
        row = panel.cursor_row
        assert row == 4 and (panel.unit_at(row), panel.get_row_at(row)[3].plain) == chosen
        await pilot.press("enter")
        await settle(pilot)
        assert chosen[0] is not None and f"({chosen[0]})" in screen_text(app)


async def test_a_live_record_that_leaves_the_alerts_as_they_were_does_not_repaint_them(store):
    """An award changes no alert: the panel kept its rows but set its title again,
    and Textual repaints a widget whose border title is set (6 ms of every live
    update at 100,000 events, PostgreSQL's propagation over its 50 ms)."""
    app = dashboard(store, today=date(2012, 11, 7), lang="en", live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AlertsPanel)
        grid = app.screen.query_one(StatusGrid)
        before = grid.get_cell("149", "awards").plain
        refreshed = []
        real_refresh = panel.refresh
        panel.refresh = lambda *a, **k: refreshed.append(a) or real_refresh(*a, **k)  # type: ignore[method-assign]
        record = {"type": "CommendationAwarded", "at": "2012-11-06", "unit": "149",
                  "title": "advanced_org", "level": "bureau"}  # fmt: skip
        thread = threading.Thread(target=imported, args=(store, [record]))
        thread.start()
        thread.join()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and grid.get_cell("149", "awards").plain == before:
            await pilot.pause(0.1)
        assert grid.get_cell("149", "awards").plain == str(int(before) + 1)
        await settle(pilot)
        assert refreshed == []


async def test_a_units_screen_keeps_the_lines_read_when_records_come_in_above(store):
    """Scrolled down a unit's screen, commitments come in live (their table, above,
    grew and widened): the view kept its place as the lines read moved down. Two
    tables' headers say the same: the view stays with the one read."""
    from textual.containers import VerticalScroll

    from cxzy.tui.screens.unit import UnitScreen

    def painted(screen: UnitScreen, top: int) -> list[str]:
        """The body's lines at the top of the view, as painted, by what they say."""
        body = screen.query_one("#body", Static)
        said = (body.render_line(y).text for y in range(top, top + 4))
        return [" ".join(re.sub("[\u2500-\u257f]", " ", line).split()) for line in said]

    app = dashboard(store, today=date(2012, 11, 7), lang="en", live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"ZP", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, UnitScreen)
        view = screen.query_one(VerticalScroll)
        body = screen.query_one("#body", Static)
        lines = [body.render_line(y).text for y in range(body.size.height)]
        heading = next(n for n, line in enumerate(lines) if "Rectifications" in line)
        # the rectifications' table at the top, below its title: what is in sight
        # begins as the commitments' table above it does
        view.scroll_to(y=heading + 1, animate=False)
        await pilot.pause(0.3)
        top = round(view.scroll_y)
        read = painted(screen, top)
        assert read[1].startswith("id state"), read

        def write() -> None:  # a unit's workbook: many commitments at once
            records = [
                (
                    f"live:{n}",
                    {
                        "type": "CommitmentMade",
                        "at": "2012-11-06T10:00:00+08:00",
                        "commitment": f"C-ZP-LIVE-{n}",
                        "unit": "ZP",
                        "text": "年底前完成区域地质调查报告的最后一项并报送上级",
                        "due": "2012-12-31",
                    },
                )
                for n in range(25)
            ]
            assert Importer(open_app(location(store))).run(records).written == 25

        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and round(view.scroll_y) == top:
            await pilot.pause(0.1)
        await pilot.pause(0.3)
        now = round(view.scroll_y)
        assert now > top and painted(screen, now) == read, (top, now, painted(screen, now))


def test_the_chart_reads_again_only_the_weeks_from_the_first_new_records_day(store):
    """A status a week for the chart: seconds at thousands of units, at every live
    update. The weeks before the first day new records happened on are kept; the
    chart is the one read anew, whatever day the records are of, and as known at a
    past moment nothing recorded since counts."""
    from cxzy.application.dashboard import DashboardQuery

    last = date(2012, 11, 30)
    reader = open_app(location(store), read_only=True)
    query = DashboardQuery(reader)
    read: list[date] = []
    status = query._chart_status.status

    def counted(day, known_at=None):
        read.append(day)
        return status(day, known_at)

    query._chart_status.status = counted  # type: ignore[method-assign]
    moment = datetime.now(ZoneInfo("UTC"))
    before, before_then = query.progress(last), query.progress(last, moment)
    weeks = len(read)
    read.clear()
    assert query.progress(last) == before and query.progress(last, moment) == before_then
    assert read == []  # nothing new: no status read
    writer = open_app(location(store))
    records = [  # an item of the rectification phase, then one of 2010
        {"type": "ActivityHeld", "at": "2011-09-05", "unit": "ZP", "kind": "learn_from_models",
         "title": "学榜样"},
        {"type": "ActivityHeld", "at": "2010-06-20", "unit": "ZP",
         "kind": "party_spirit_analysis", "title": "党性分析"},
    ]  # fmt: skip
    for record in records:
        assert Importer(writer).run([("t", record)]).ok
        shown = query.progress(last)
        assert shown == DashboardQuery(reader).progress(last), record["at"]
        changed = date.fromisoformat(record["at"])
        assert read and min(read) >= changed - timedelta(days=6), (min(read), changed)
        assert len(read) < weeks
        read.clear()
        assert query.progress(last, moment) == before_then and read == []
    assert shown != before  # (the chart did change)
    writer.close()
    reader.close()


async def test_a_units_screen_shows_the_new_day_with_its_figures_not_before(
    demo_store, monkeypatch
):
    """A step on a unit's screen showed the new day in the header at once, over the
    day before's figures, while the unit's were read."""
    from cxzy.application.dashboard import DashboardQuery

    detail = DashboardQuery.unit_detail
    slow = threading.Event()

    def read_slowly(self, report, unit):
        if slow.is_set():
            time.sleep(0.8)
        return detail(self, report, unit)

    monkeypatch.setattr(DashboardQuery, "unit_detail", read_slowly)
    app = dashboard(demo_store, lang="en", today=date(2011, 3, 1))
    async with app.run_test(size=SIZE) as pilot:
        await unit_body(pilot, "ZP")
        header = app.screen.query_one(HeaderBar)
        assert "as of 2011-03-01" in plain(header)
        slow.set()
        await pilot.press("left_square_bracket")
        await pilot.pause(0.4)  # (the snapshot read, the unit's still being read)
        assert app.snapshot.report.as_of == date(2011, 2, 22)
        assert "as of 2011-03-01" in plain(header), plain(header)
        await settle(pilot)
        await pilot.pause(1)
        assert "as of 2011-02-22" in plain(header), plain(header)


# The mouse (a probe of a user who drives the dashboard with it: decision 291)


async def test_a_click_on_the_highlighted_row_opens_it_wherever_in_the_row(demo_store):
    """A click on a unit's name, then on one of its figures, did nothing: the
    DataTable opened a row only on a second click in the same column. In the log
    too."""
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        await pilot.click(grid, offset=(30, 3))
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen) and grid.cursor_row == 2
        unit = grid.selected_unit
        await pilot.click(grid, offset=(60, 3))
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == unit
        await pilot.press("escape", "l")
        await settle(pilot)
        log = app.screen.query_one(DataTable)
        await pilot.click(log, offset=(30, 3))
        await pilot.click(log, offset=(90, 3))
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)


async def test_a_first_click_on_the_alerts_highlights_and_opens_nothing(demo_store):
    """From the grid, a click on the alerts' first row (highlighted, as a table's
    cursor always is) opened its unit at once; a click elsewhere in it only
    highlighted."""
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AlertsPanel)
        assert app.focused is app.screen.query_one(StatusGrid) and panel.cursor_row == 0
        await pilot.click(panel, offset=(3, 2))
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen) and app.focused is panel
        await pilot.click(panel, offset=(40, 2))
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit == panel.unit_at(0)


async def test_the_wheel_sideways_moves_the_grid_a_whole_column(demo_store):
    """Shift+wheel (a trackpad's sideways swipe, a dragged scrollbar) moved the grid
    four cells at a time beside its units: "局机关 JU   e 4/4", a header "ilize"."""
    from textual import events

    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        stops = grid._stops
        assert len(stops) > 1, stops
        await pilot._post_mouse_events([events.MouseScrollDown], grid, (30, 3), shift=True)
        await pilot.pause()
        assert grid.scroll_x == stops[1]
        header = grid.render_line(0).text
        assert "Compete" in header and "ilize" not in header, header
        await pilot._post_mouse_events([events.MouseScrollUp], grid, (30, 3), shift=True)
        await pilot.pause()
        assert grid.scroll_x == 0
        y = grid.region.bottom - 1  # the horizontal scrollbar: dragged 7 cells
        await pilot.mouse_down(offset=(grid.region.x + 20, y))
        await pilot.hover(offset=(grid.region.x + 27, y))
        await pilot.mouse_up(offset=(grid.region.x + 27, y))
        await pilot.pause()
        assert grid.scroll_x in stops and grid.scroll_x > 0


async def test_a_puts_back_maximized_alerts_before_hiding_them(demo_store):
    """The alerts maximized (the palette's Maximize), `a` hid them behind their
    maximized frame and gave the grid the keys: Enter opened a unit nobody saw."""
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AlertsPanel)
        panel.focus()
        app.screen.maximize(panel)
        await pilot.pause()
        assert app.screen.maximized is panel
        await pilot.press("a")
        await settle(pilot)
        grid = app.screen.query_one(StatusGrid)
        assert app.screen.maximized is None and app.focused is grid
        assert not app.screen.query_one("#side").display and grid.region.width > 0


async def test_a_double_click_on_a_footers_key_presses_it_once(demo_store):
    """`esc back` double-clicked on a unit's screen went back, then its second
    click pressed the overview's key at that place (`/ filter`). (As a terminal
    sends them: Pilot's clicks bypass the app's own handling of the mouse.)"""
    from textual import events
    from textual.widgets._footer import FooterKey

    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"ZP", "enter")
        await settle(pilot)
        back = next(k for k in app.screen.query(FooterKey) if k.key == "escape")
        x, y = back.region.x + 1, back.region.y

        def press() -> None:
            for kind in (events.MouseDown, events.MouseUp):
                app.post_message(kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x,
                                      screen_y=y))  # fmt: skip

        press()
        await pilot.pause(0.15)  # (a double click's second, once the first has acted)
        press()
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen), app.screen
        await pilot.pause(app.CLICK_CHAIN_TIME_THRESHOLD + 0.1)
        press()  # a click of its own, later: the key at that place
        await settle(pilot)
        assert not isinstance(app.screen, OverviewScreen)


async def test_a_click_beside_the_help_or_a_record_closes_it(demo_store):
    """The palette closed on a click outside it; the help and a record did not."""
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.click(offset=(60, 20))  # inside its frame: it stays
        assert isinstance(app.screen, HelpScreen)
        await pilot.click(offset=(2, 20))
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("l", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)
        await pilot.click(offset=(1, 20))
        await settle(pilot)
        assert isinstance(app.screen, LogScreen)


async def test_new_records_held_back_from_the_chart_are_read_once_its_time_is_up(
    store, monkeypatch
):
    """The chart is read again for new records at most every SERIES_SECONDS: an
    import that came sooner was left out of it until yet another change came (a
    probe at a million events watched it for 88 s)."""
    from cxzy.tui import app as tui_app

    monkeypatch.setattr(tui_app, "SERIES_SECONDS", 2.0)
    app = dashboard(store, today=date(2012, 11, 7), lang="en", live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.series
        assert before is not None
        # a team with nothing done yet: the last weeks' shares fall
        record = {"type": "UnitRegistered", "at": "2012-10-08", "unit": "NEW1",
                  "name": "新建队", "kind": "team", "parent": "JU"}  # fmt: skip
        thread = threading.Thread(target=imported, args=(store, [record]))
        thread.start()
        thread.join()
        grid = app.screen.query_one(StatusGrid)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "NEW1" not in [u.unit for u in grid.shown_units]:
            await pilot.pause(0.1)
        assert "NEW1" in [u.unit for u in grid.shown_units]
        while time.monotonic() < deadline and app.series == before:
            await pilot.pause(0.1)
        assert app.series != before
        assert app.series["mobilize"][-1] < before["mobilize"][-1]


async def test_a_slow_step_on_a_units_screen_shows_it_is_loading(demo_store, monkeypatch):
    """A busy unit's figures took 0.6-0.9 s a step at a million events, and nothing
    on the screen changed meanwhile (the header waits for them: decision 288): the
    key seemed lost. A step slower than SLOW_SECONDS covers the body with a loading
    sign until they come; a quick one shows none."""
    from textual.containers import VerticalScroll

    from cxzy.application.dashboard import DashboardQuery

    real = DashboardQuery.unit_detail
    delay = {"s": 0.0}

    def slow(self, report, unit):
        time.sleep(delay["s"])
        return real(self, report, unit)

    monkeypatch.setattr(DashboardQuery, "unit_detail", slow)
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"ZP", "enter")
        await settle(pilot)
        body = app.screen.query_one(VerticalScroll)
        seen = []
        app.watch(body, "loading", lambda loading: seen.append(loading), init=False)
        await pilot.press("left_square_bracket")  # quick: no sign
        await settle(pilot)
        assert seen == []
        delay["s"] = 0.8
        shown = app.clock.as_of
        await pilot.press("left_square_bracket")
        await pilot.pause(0.45)  # (past SLOW_SECONDS, a quarter of a second)
        assert body.loading and app.clock.as_of < shown
        await settle(pilot)
        assert not body.loading and seen == [True, False]
        header = plain(app.screen.query_one(HeaderBar))
        assert app.clock.as_of.isoformat() in header, header


async def test_a_units_screen_draws_its_tables_once_a_step(demo_store, monkeypatch):
    """Textual drew the body's Rich tables whole to measure its height, then again
    to paint it: a busy unit's step at a million events spent 0.4-0.5 s drawing
    (0.75 s a step in all; 0.45 s drawn once)."""
    from rich.table import Table as RichTable

    drawn: Counter = Counter()
    real = RichTable.__rich_console__

    def counted(self, console, options):
        drawn[id(self)] += 1
        return real(self, console, options)

    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"ZP", "enter")
        await settle(pilot)
        monkeypatch.setattr(RichTable, "__rich_console__", counted)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert drawn and max(drawn.values()) == 1, drawn


def count_draws(app: CxzyApp) -> list[int]:
    """The terminal updates the app sends from now on, each by its length (Textual
    repaints the regions that changed; a whole screen is one region)."""
    from textual._compositor import CompositorUpdate

    sent: list[int] = []
    real = app._display

    def display(screen, renderable):
        if isinstance(renderable, CompositorUpdate):
            sent.append(len(renderable.render_segments(app.console)))
        return real(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    return sent


async def test_a_step_on_a_units_screen_leaves_the_overview_under_it_alone(demo_store, monkeypatch):
    """Textual repaints the screen on top wherever the one under it changes, hidden
    or not: the overview under a unit's screen, its header, grid and alerts updated
    at each step, had the whole terminal drawn once or twice more a step (64-163 KB
    over SSH), and its work delayed the step. Covered, the overview waits, and shows
    the day shown once it is back on top."""
    from textual.widget import Widget

    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        overview = app.screen
        await pilot.press("colon", *"ZP", "enter")
        await settle(pilot)
        real = Widget.refresh
        hidden: list[str] = []
        stepping = [True]

        def refresh(self, *args, **kwargs):
            if stepping[0] and (self is overview or overview in self.ancestors):
                hidden.append(type(self).__name__)
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Widget, "refresh", refresh)
        for key in ("left_square_bracket", "left_square_bracket", "right_square_bracket"):
            await pilot.press(key)
            await settle(pilot)
        assert hidden == []
        stepped = app.clock.as_of
        assert stepped < date(2012, 11, 7)
        stepping[0] = False
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is overview
        header = plain(overview.query_one(HeaderBar))
        assert f"as of {stepped.isoformat()}" in header, header


@pytest.mark.parametrize("key", ["slash", "colon"])
async def test_a_prompt_left_open_sends_the_terminal_nothing(demo_store, key):
    """The field's cursor blinked, each blink the whole field drawn again: 2.3 KB a
    second to a terminal over SSH while a prompt stood open. It is steady."""
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause(0.3)
        sent = count_draws(app)
        await pilot.pause(1.6)
        assert sent == []
        await pilot.press("escape")


@pytest.mark.parametrize("over", ["unit", "log"])
async def test_a_record_that_comes_while_the_overview_is_covered_shows_once_back(store, over):
    """The overview does no work while a unit's screen or the log covers it
    (decision 302): a record another writer imports meanwhile is on the screen on
    top at once, and in the grid, flashing, as soon as the overview is back."""
    app = dashboard(store, today=date(2012, 11, 7), live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        overview = app.screen
        assert cell(app, "WYB", "summarize").startswith("进行中")
        await pilot.press(*(["colon", *"WYB", "enter"] if over == "unit" else ["l"]))
        await settle(pilot)
        head = app.snapshot.head
        another_writer_imports_an_activity(store)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and app.snapshot.head == head:
            await pilot.pause(0.1)
        await settle(pilot)
        assert app.snapshot.head == head + 1
        if over == "unit":
            assert "制定长效机制" in plain(app.screen.query_one("#body", Static))
        else:
            assert app.screen.query_one(DataTable).get_row_at(0)[0] == str(head + 1)
        grid = overview.query_one(StatusGrid)
        assert grid.get_cell("WYB", "summarize").plain.startswith("进行中")  # (out of sight)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is overview
        assert cell(app, "WYB", "summarize") == "完成 3/3"
        assert "reverse" in str(grid.get_cell("WYB", "summarize").style)  # (flashes)


async def test_a_log_page_the_store_did_not_give_is_read_again(demo_store, monkeypatch):
    """After PostgreSQL's sessions were ended over and over, its pool gave no
    connection for seconds: the log's first page failed, the log stood empty (no
    rows, no title) once the store answered again, and `n` said it was the last
    page of a log of three. A page not read is asked for again shortly, and `n`
    reads it rather than saying there is no other."""
    from eventsourcing.persistence import OperationalError

    from cxzy.application.dashboard import DashboardQuery

    real = DashboardQuery.log_page
    down = [True]

    def log_page(self, **kwargs):
        if down[0]:
            raise OperationalError("couldn't get a connection after 5.00 sec")
        return real(self, **kwargs)

    monkeypatch.setattr(DashboardQuery, "log_page", log_page)
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause(0.5)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 0 and not table.loading
        said = [n.message for n in app._notifications]
        assert t("tui_disconnected", "en") in said, said
        await pilot.press("n")
        await pilot.pause(0.3)
        said = [n.message for n in app._notifications]
        assert t("tui_log_last_page", "en") not in said, said
        down[0] = False
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and table.row_count == 0:
            await pilot.pause(0.1)
        assert table.row_count == 200 and table.get_row_at(0)[0] == "544"
        assert app.screen.pages == [None]  # (the first page: `n` read it, not the next)
        await pilot.press("n")
        await settle(pilot)
        assert table.row_count == 200 and table.get_row_at(0)[0] == "344"


async def test_a_units_figures_the_store_did_not_give_are_read_again(demo_store, monkeypatch):
    """The same for a unit's screen (decision 303): it said "loading…" until the
    store next changed."""
    from eventsourcing.persistence import OperationalError

    from cxzy.application.dashboard import DashboardQuery

    real = DashboardQuery.unit_detail
    down = [True]

    def unit_detail(self, report, unit):
        if down[0]:
            raise OperationalError("couldn't get a connection after 5.00 sec")
        return real(self, report, unit)

    monkeypatch.setattr(DashboardQuery, "unit_detail", unit_detail)
    app = dashboard(demo_store, lang="en", today=date(2012, 11, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"ZP", "enter")
        await pilot.pause(0.5)
        assert plain(app.screen.query_one("#body", Static)).strip() == t("tui_loading", "en")
        down[0] = False
        deadline = time.monotonic() + 5
        body = ""
        while time.monotonic() < deadline and "R-ZP-1" not in body:
            await pilot.pause(0.1)
            body = plain(app.screen.query_one("#body", Static))
        assert "R-ZP-1" in body, body


async def test_a_unit_not_in_the_view_says_why_as_status_does(demo_store):
    """A unit opened on a day before its registration, or at a moment before the
    store had recorded it, said "unit 'ZP' is not registered", as if there were
    none; `cxzy status --unit` says which."""
    app = dashboard(demo_store, lang="en", today=date(2010, 6, 1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"2010-05-10", "enter")
        body = await unit_body(pilot, "ZP")
        assert "unit 'ZP' is not registered by 2010-05-10, the day shown" in body, body
        await pilot.press("escape", "k", *"2010-05-11 10:00", "enter")
        body = await unit_body(pilot, "ZP")
        assert (
            "unit 'ZP' is not registered by 2010-05-10 in what the store had recorded at"
            " 2010-05-11T10:00+08:00" in body
        ), body

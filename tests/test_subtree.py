"""A part of the tree: a division office's units, in `cxzy status` and `cxzy log`
(`--unit CODE --subtree`) and in the dashboard (`under:CODE` in the grid's and the
log's filters), with what they add up to."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from textual.widgets import DataTable

from contract_helpers import Cli, act, commit, ev, rect, unit
from cxzy.application import dashboard
from cxzy.application.app import open_app
from cxzy.application.store import StoreLocation
from cxzy.tui.app import CxzyApp
from cxzy.tui.components.alerts_panel import AlertsPanel
from cxzy.tui.components.status_grid import StatusGrid
from cxzy.tui.components.totals_bar import TotalsBar
from cxzy.tui.screens.log import LogScreen
from tui_helpers import settle

# JU ─┬─ D1 ─┬─ T1 ── S1
#     │      └─ T2
#     └─ T3
TREE = [
    ev("CampaignPlanned", "2010-05-11", campaign="C", title="一个局的活动"),
    unit("JU", "2010-05-11", "局机关", "bureau"),
    unit("D1", "2010-05-11", "第一分局", "office", parent="JU"),
    unit("T1", "2010-05-11", "一队", parent="D1"),
    unit("S1", "2010-06-15", "一队一分队", parent="T1"),
    unit("T2", "2010-05-11", "二队", parent="D1"),
    unit("T3", "2010-05-11", "三队", parent="JU"),
    act("T1", "study", "2010-05-20"),
    act("T3", "study", "2010-05-21"),
    commit("K-S1", "S1", "2010-07-01", "2010-12-31"),  # overdue from 2011
    commit("K-T3", "T3", "2010-07-01", "2010-12-31"),
    rect("R-T2", "T2", "2010-08-01", "2010-10-31", supervised=True),
    rect("R-T3", "T3", "2010-08-01", "2010-10-31"),
    ev("UnitUpdated", "2011-01-01", unit="D1", name="东部分局"),  # (its former name works)
]
D1_PART = ["D1", "T1", "S1", "T2"]  # in the tree's order


@pytest.fixture
def tree(capsys, tmp_path) -> Cli:
    cli = Cli(capsys, tmp_path)
    cli.ok_import(TREE)
    return cli


def test_status_of_a_unit_and_of_its_part_of_the_tree(tree):
    """`--unit` in any case (or by a name), `--subtree` for every level under it, in
    the tree's order; the JSON document keeps its shape."""
    whole = tree.status("2011-03-01")
    part = tree.status("2011-03-01", "--unit", "d1", "--subtree")
    assert [u["unit"] for u in part["units"]] == D1_PART
    assert part.keys() == whole.keys()
    by_code = {u["unit"]: u for u in whole["units"]}
    assert part["units"] == [by_code[code] for code in D1_PART]  # the same figures
    alone = tree.status("2011-03-01", "--unit", "第一分局")
    assert [u["unit"] for u in alone["units"]] == ["D1"]
    # a unit registered after the day shown: its part is not there yet
    before = tree.status("2010-06-01", "--unit", "T1", "--subtree")
    assert [u["unit"] for u in before["units"]] == ["T1"]  # (S1 from 15 June)


def test_the_table_of_a_part_says_what_it_adds_up_to(tree):
    res = tree.run("status", "--as-of", "2011-03-01", "--unit", "D1", "--subtree")
    assert res.code == 0, str(res)
    total = res.out.strip().splitlines()[-1]
    # K-S1 overdue; R-T2 open, overdue and supervised; T3's are not D1's
    assert total.startswith("Together, 4 units:"), total
    assert "commitments 0/1/1" in total and "rectifications 1/1/1/1/0" in total, total
    whole = tree.run("status", "--as-of", "2011-03-01", "--unit", "T2")
    assert "Together" not in whole.out  # one unit: its row says it all
    said = tree.run("status", "--as-of", "2011-03-01", "--unit", "D1", "--subtree", lang="zh")
    assert said.out.strip().splitlines()[-1].startswith("合计 4 个单位:"), said.out


def test_status_of_a_unit_not_there_on_the_day_or_never(tree):
    res = tree.run("status", "--as-of", "2010-06-01", "--unit", "S1")
    assert res.code == 1 and res.out == "", str(res)
    assert "unit 'S1' is not registered by 2010-06-01" in res.err, res.err
    res = tree.run("status", "--unit", "XX", "--subtree")
    assert res.code == 1 and "'XX'" in res.err and "Traceback" not in res.err, str(res)


def test_status_subtree_without_a_unit_and_a_unit_not_known_yet(tree):
    for command in ("status", "log"):  # a usage error (exit 1, where --audit's was 2)
        res = tree.run(command, "--subtree")
        assert res.code == 2 and "--subtree widens --unit" in res.err, str(res)
        assert res.err.startswith("usage: cxzy"), res.err
    res = tree.run(
        "status", "--unit", "D1", "--known-at", "2010-01-01T00:00", "--as-of", "2011-03-01"
    )
    assert res.code == 1 and "in what the store had recorded at 2010-01-01" in res.err, str(res)


def test_the_totals_line_is_whole_where_a_script_reads_it(tree, monkeypatch):
    """Piped, the line was cut at 160 columns: "… awards" on one line, "0" below (a
    province's counts run to three and four digits)."""
    import cxzy.cli.render as render

    real = render.totals_line
    monkeypatch.setattr(render, "totals_line", lambda *a: real(*a).replace("  ", " " * 40))
    res = tree.run("status", "--unit", "JU", "--subtree", "--as-of", "2011-03-01")
    last = res.out.strip().splitlines()[-1]
    assert len(last) > 160 and last.startswith("Together, 6 units:"), last
    assert last.endswith("awards 0"), last


def test_the_log_of_a_part_of_the_tree(tree):
    units = {r.get("unit") for r in tree.log("--unit", "d1", "--subtree")}
    assert units == set(D1_PART)  # the registrations too, each under its own code
    assert {r.get("unit") for r in tree.log("--unit", "D1")} == {"D1"}
    table = tree.run("log", "--unit", "T1", "--subtree")
    assert table.code == 0 and "K-S1" in table.out and "K-T3" not in table.out, str(table)


def app_on(cli: Cli, lang: str = "en") -> CxzyApp:
    store = open_app(StoreLocation("sqlite", str(cli.store)), read_only=True)
    return CxzyApp(store, lang=lang, today=date(2011, 3, 1), live=False)


def rows(app: CxzyApp) -> list[str]:
    grid = app.screen.query_one(StatusGrid)
    return [str(key.value) for key in grid.rows]


def bar(app: CxzyApp) -> str:
    return " ".join(str(app.screen.query_one(TotalsBar).content).split())


async def test_the_grid_filtered_to_a_part_of_the_tree_and_its_totals(tree):
    """`under:CODE` leaves that unit and the units under it; the bar under the grid
    adds up what the grid shows (it said the whole campaign's beside 108 rows), and
    the cursor opens on the filter's first row (it stayed at the place it had, on the
    last row but one found)."""
    app = app_on(tree)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert rows(app) == ["JU", "D1", "T1", "S1", "T2", "T3"]
        assert "filtered" not in bar(app) and "rectifications open 2" in bar(app), bar(app)
        grid = app.screen.query_one(StatusGrid)
        await pilot.press("ctrl+end")  # the last unit, as the help says (a tree of 2,765)
        assert grid.selected_unit == "T3"
        await pilot.press("slash", *"under:d1", "enter")
        await settle(pilot)
        assert rows(app) == D1_PART
        assert grid.selected_unit == "D1"
        said = bar(app)
        assert said.startswith("filtered, 4 units:"), said
        assert "commitments overdue 1" in said and "rectifications open 1" in said, said
        assert "supervised 1" in said, said
        for name in ("东部分局", "第一分局"):  # by its name, or a name it bore
            await pilot.press("slash", "ctrl+u", *f"under:{name}", "enter")
            await settle(pilot)
            assert rows(app) == D1_PART, name
        await pilot.press("slash", "ctrl+u", *"under:T1 一分队", "enter")  # and a word
        await settle(pilot)
        assert rows(app) == ["S1"]
        await pilot.press("slash", "ctrl+u", *"under:XX", "enter")
        await pilot.pause(0.5)  # (not settle: it waits for rows, and the notice goes)
        assert rows(app) == []  # and why, as the log's filter says it
        said = [n.message for n in app._notifications]
        assert any("unit 'XX' is not registered" in m for m in said), said
        await pilot.press("slash", "ctrl+u", "enter")  # every unit, every total again
        await settle(pilot)
        assert len(rows(app)) == 6 and "filtered" not in bar(app), bar(app)


async def test_the_grid_filter_in_chinese_takes_its_key_in_chinese(tree):
    app = app_on(tree, "zh")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"下属:T1", "enter")
        await settle(pilot)
        assert rows(app) == ["T1", "S1"]
        assert bar(app).startswith("筛选内 2 个单位:"), bar(app)


async def test_the_log_screen_filtered_to_a_part_of_the_tree(tree):
    app = app_on(tree)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("slash", *"under:D1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LogScreen)
        table = app.screen.query_one(DataTable)
        shown = {str(table.get_row_at(n)[3]) for n in range(table.row_count)}
        assert shown == set(D1_PART), shown


async def test_a_units_screen_says_what_its_part_adds_up_to(tree):
    """A division's screen said nothing of the units under it."""
    from textual.widgets import Static

    from test_dashboard import plain

    app = app_on(tree)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"D1", "enter")
        await settle(pilot)
        body = " ".join(plain(app.screen.query_one("#body", Static)).split())
        assert "With the units under it, together (4 units; /under:D1" in body, body
        # its row: the phases' units through/behind, then commitments (K-S1 overdue),
        # rectifications (R-T2 open, overdue, supervised) and awards
        assert "│ 0/1/1 │ 1/1/1/1/0 │ 0 │" in body, body
        await pilot.press("escape", "colon", *"T2", "enter")  # none under it: no table
        await settle(pilot)
        body = " ".join(plain(app.screen.query_one("#body", Static)).split())
        assert "together" not in body, body


def alerts(app: CxzyApp) -> list[str]:
    """Each alert's id, the count of the rest, then the units that missed an item."""
    panel = app.screen.query_one(AlertsPanel)
    said = []
    for n in range(panel.row_count):
        text = str(panel.get_row_at(n)[3])
        missed = str(panel.get_row_at(n)[0]) == "missed"
        said.append(f"missed {panel.units[n]}" if missed else text.split(" ")[0])
    return said


async def test_the_alerts_beside_a_filtered_grid_are_of_its_units(tree, monkeypatch):
    """A division filtering its part of the tree saw the campaign's most urgent
    alerts beside it (in a province's, seldom one of its own): they are read for the
    units the grid shows, most urgent first, and the rest of theirs counted."""
    monkeypatch.setattr(dashboard, "ALERT_ROWS", 1)  # the campaign's most urgent: R-T2
    app = app_on(tree)
    async with app.run_test(size=(170, 40)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AlertsPanel)
        every = ["missed " + code for code in ("JU", "D1", "T1", "S1", "T2", "T3")]
        assert alerts(app) == ["R-T2", "3", *every], alerts(app)  # 3 more open
        await pilot.press("slash", *"under:T3", "enter")
        await settle(pilot)
        assert rows(app) == ["T3"]
        assert alerts(app) == ["R-T3", "1", "missed T3"], alerts(app)  # K-T3 the one more
        assert panel.units[0] == "T3" and "filtered" in str(panel.border_title)
        await pilot.press("slash", "ctrl+u", *"under:D1", "enter")
        await settle(pilot)
        d1_missed = ["missed D1", "missed T1", "missed S1", "missed T2"]
        assert alerts(app) == ["R-T2", "1", *d1_missed], alerts(app)  # K-S1 the one more
        await pilot.press("left_square_bracket")  # a step back: read again for the day
        await settle(pilot)
        assert app.clock.as_of < date(2011, 3, 1)
        assert alerts(app)[:2] == ["R-T2", "1"], alerts(app)
        await pilot.press("slash", "ctrl+u", "enter")  # no filter: the campaign's again
        await settle(pilot)
        assert alerts(app) == ["R-T2", "3", *every], alerts(app)
        assert str(panel.border_title) == "Alerts"


async def test_the_alerts_of_a_filter_as_the_store_knew_it_at_a_moment(tree, monkeypatch):
    """As known at a moment, a filter's alerts are those open then among its units
    (R-T3 closed since), not the whole log's."""
    monkeypatch.setattr(dashboard, "ALERT_ROWS", 1)
    moment = datetime.now(UTC)
    tree.ok_import(
        [
            ev("RectificationCompleted", "2011-01-10", rectification="R-T3"),
            ev("RectificationVerified", "2011-01-12", rectification="R-T3", accepted=True),
        ]
    )
    app = app_on(tree)
    async with app.run_test(size=(170, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"under:T3", "enter")
        await settle(pilot)
        assert alerts(app) == ["K-T3", "missed T3"], alerts(app)
        app.clock = replace(app.clock, known_at=moment)
        await settle(pilot)
        assert app.screen.query_one(StatusGrid).row_count == 1
        assert alerts(app) == ["R-T3", "1", "missed T3"], alerts(app)

"""Snapshots of the main screens at a fixed day (textual is pinned to an exact version).

Update the pictures after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cxzy.application.app import open_app
from cxzy.application.store import StoreLocation
from cxzy.tui.app import CxzyApp
from tui_helpers import settle

SIZE = (170, 45)


def make(path: Path, lang: str, day: date) -> CxzyApp:
    location = StoreLocation("sqlite", str(path))
    return CxzyApp(open_app(location, read_only=True), lang=lang, today=day, live=False)


def test_overview_in_chinese(snap_compare, demo_store):
    assert snap_compare(
        make(demo_store, "zh", date(2011, 3, 1)), terminal_size=SIZE, run_before=settle
    )


def test_overview_in_english_at_the_end(snap_compare, demo_store):
    assert snap_compare(
        make(demo_store, "en", date(2012, 11, 7)), terminal_size=SIZE, run_before=settle
    )


def test_unit_screen_of_the_lagging_unit(snap_compare, demo_store):
    async def open_zp(pilot) -> None:
        await settle(pilot)
        await pilot.press("colon", *"ZP", "enter")
        await settle(pilot)

    assert snap_compare(
        make(demo_store, "zh", date(2011, 7, 15)), terminal_size=SIZE, run_before=open_zp
    )


def test_record_screen_from_the_log(snap_compare, tmp_path):
    """Enter on a log row: the whole record, who, when recorded, where from. The demo
    as `cxzy demo` records it, so the recorded times are the same at every run."""
    from cxzy.cli.main import load_demo

    path = tmp_path / "demo.sqlite3"
    assert load_demo(StoreLocation("sqlite", str(path))).ok

    async def open_record(pilot) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("slash", *"unit:ZP type:CommitmentMade", "enter")
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")  # the first, back-filled: late
        await settle(pilot)

    assert snap_compare(
        make(path, "zh", date(2011, 3, 1)), terminal_size=SIZE, run_before=open_record
    )


def test_help_screen(snap_compare, demo_store):
    async def open_help(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(
        make(demo_store, "en", date(2011, 3, 1)), terminal_size=SIZE, run_before=open_help
    )

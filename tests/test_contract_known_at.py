"""`status --known-at T` shows only what the store had recorded by T (DOMAIN.md, decisions 14, 16)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from contract_helpers import (
    SHANGHAI,
    act,
    assert_one_line_error,
    award,
    prelude,
    review,
    unit,
)


@pytest.mark.slow
def test_known_at_a_moment_between_imports_equals_the_status_before_the_second(cli):
    dates = ("2010-07-01", "2011-07-01")
    cli.ok_import([*prelude(), act("145", "mobilization", "2010-05-12")])
    before = {d: cli.status(d) for d in dates}
    time.sleep(1.1)
    moment = datetime.now(UTC).replace(microsecond=0)
    time.sleep(1.1)
    cli.ok_import(
        [
            act("145", "study", "2010-05-13"),
            review("145", "mass_evaluation", "2010-06-01", grade="advanced"),
            award("145", "2010-06-02"),
            unit("146", "2010-06-01", "一四六所", kind="institute", parent="JU"),
            # back-filled: happened before the moment, recorded after it
            act("JU", "mobilization", "2010-05-11"),
        ]
    )
    for d in dates:
        after = cli.status(d)
        assert after["units"] != before[d]["units"], "the second import must matter"

        known = cli.status(d, "--known-at", moment.isoformat())
        assert known["units"] == before[d]["units"], d
        assert known["campaign"] == before[d]["campaign"]
        assert known["as_of"] == d
        echoed = datetime.fromisoformat(known["known_at"])
        assert echoed.tzinfo is not None and echoed == moment

        # without an offset it is campaign-local time, echoed with an offset
        local = moment.astimezone(SHANGHAI).replace(tzinfo=None).isoformat()
        known_local = cli.status(d, "--known-at", local)
        assert known_local["units"] == before[d]["units"], d
        echoed = datetime.fromisoformat(known_local["known_at"])
        assert echoed.tzinfo is not None and echoed == moment

        later = cli.status(d, "--known-at", datetime.now(UTC).isoformat())
        assert later["units"] == after["units"]


def test_known_at_a_moment_while_an_import_ran_is_the_store_before_it(cli, monkeypatch):
    """An import's records carry the moment it took the store (decision 145); at a
    moment after that and before its commit no reader could see them, and "as known
    at" it does not count them (decision 164): not in a copy, nor after a rebuild."""
    from cxzy.application.readmodel import ReadModel

    cli.ok_import([*prelude(), act("145", "mobilization", "2010-05-12")])
    before = cli.status("2010-07-01", "--audit")
    during: list[datetime] = []
    write_running = ReadModel.write_running

    def at_the_end(self, cursor, running):  # (the last write before the commit)
        write_running(self, cursor, running)
        time.sleep(0.01)
        during.append(datetime.now(UTC))
        time.sleep(0.01)

    monkeypatch.setattr(ReadModel, "write_running", at_the_end)
    cli.ok_import([act("145", "study", "2010-05-13"), award("145", "2010-06-02")])
    monkeypatch.undo()
    moment = during[-1].isoformat()
    recorded = [r["recorded"] for r in cli.log()][-2:]
    assert all(datetime.fromisoformat(r) < during[-1] for r in recorded), recorded

    for store in (cli.store, cli.tmp / "copy.sqlite3"):
        if store != cli.store:
            assert cli.run("store", "copy", cli.store, store).code == 0
        res = cli.run(
            "status",
            "--format",
            "json",
            "--as-of",
            "2010-07-01",
            "--audit",
            "--known-at",
            moment,
            store=store,
        )
        known = json.loads(res.out)
        assert known["log"] == before["log"] and known["units"] == before["units"], store
    assert cli.run("store", "rebuild").code == 0
    known = cli.status("2010-07-01", "--audit", "--known-at", moment)
    assert known["log"] == before["log"]
    now = cli.status("2010-07-01", "--audit", "--known-at", datetime.now(UTC).isoformat())
    assert now["log"]["position"] == before["log"]["position"] + 2


def test_known_at_alone_is_as_of_today_and_says_how_to_ask_for_its_own_day(cli):
    """DOMAIN.md: "Default D is today"; --known-at only limits what counts. (It was
    T's day, against the contract.) An earlier T says so on stderr, and how to ask
    for the figures of T's own day; 20:00 UTC on 1 June is 2 June in Shanghai."""
    import json

    cli.ok_import(prelude())
    today = datetime.now(SHANGHAI).date().isoformat()
    moment = datetime.now(UTC).replace(microsecond=0)
    res = cli.run("status", "--format", "json", "--known-at", moment.isoformat())
    assert res.code == 0 and res.err == "", str(res)
    assert json.loads(res.out)["as_of"] == today
    late_evening = "2010-06-01T20:00:00+00:00"
    res = cli.run("status", "--format", "json", "--known-at", late_evening)
    assert json.loads(res.out)["as_of"] == today and res.err == "", str(res)
    assert json.loads(res.out)["units"] == cli.status(today, "--known-at", late_evening)["units"]
    res = cli.run("status", "--known-at", late_evening)  # (the table: said how to ask)
    assert f"figures as of today ({today})" in res.err and "add --as-of 2010-06-02" in res.err, (
        res.err
    )
    res = cli.run("status", "--format", "json", "--known-at", late_evening, "--as-of", "2011-01-01")
    assert json.loads(res.out)["as_of"] == "2011-01-01" and res.err == ""  # a day given
    for command in (("status",), ("export", "ledger")):  # and the help says so (it said
        said = " ".join(cli.run(*command, "-h").out.split())  # "that moment's day")
        assert "(default: today in the campaign's zone, with --known-at alone too)" in said
    said = " ".join(cli.run("status", "-h").out.split())  # (it named no 75, which it exits)
    assert "75 the store busy, its first import not committed yet" in said, said


def test_a_known_at_still_to_come_is_refused_not_answered_with_now(cli):
    cli.ok_import(prelude())
    soon = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    res = cli.run("status", "--format", "json", "--known-at", soon, lang="en")
    assert_one_line_error(res)
    assert "is still to come" in res.err and res.out == ""


@pytest.mark.parametrize(
    "bad",
    [
        "soon",
        "2010-13-01T00:00:00",
        "2024-01-01T25:00:00+08:00",
        "20100701T1800",
        "2010-W26",
        "2010-182",
        "2010-07-01T18",
    ],
)
def test_a_bad_known_at_is_one_line_exit_1(cli, bad):
    cli.ok_import(prelude())
    res = cli.run("status", "--format", "json", "--as-of", "2010-07-01", "--known-at", bad)
    assert_one_line_error(res)


def test_known_at_takes_an_offset_as_date_writes_it(cli):
    # `date +%FT%T%z` writes +0800: "not an ISO 8601 date or datetime", and it is one
    cli.ok_import(prelude())
    wanted = cli.status("2010-07-01", "--known-at", "2010-06-01T18:00:00+08:00")
    for spelled in (
        "2010-06-01T18:00:00+0800",
        "2010-06-01T18:00:00+08",
        "2010-06-01T10:00Z",
        "2010-06-01t10:00z",
    ):
        assert cli.status("2010-07-01", "--known-at", spelled) == wanted, spelled


def test_known_at_before_any_record_says_the_store_held_none(cli):
    """The table showed the campaign's title over an empty grid, unexplained."""
    cli.ok_import(prelude())
    res = cli.run("status", "--known-at", "2000-01-01T00:00:00+08:00")
    assert res.code == 0, str(res)
    said = res.err.strip().splitlines()  # (after the note that D is today)
    assert said[-1] == "the store held no record yet at 2000-01-01T00:00:00+08:00", said
    res = cli.run("status", "--known-at", "2000-01-01T00:00:00+08:00", "--format", "json")
    assert res.code == 0 and res.err == "" and json.loads(res.out)["units"] == [], str(res)
    # the report and the ledger showed the campaign's title over no figures, unsaid
    for command in (
        ["report", "--output", cli.tmp / "r.md"],
        ["export", "ledger", "--format", "csv", "--output", cli.tmp / "ledger"],
    ):
        res = cli.run(*command, "--known-at", "2000-01-01T00:00:00+08:00")
        assert res.code == 0, str(res)
        assert "the store held no record yet at 2000-01-01T00:00:00+08:00" in res.err, str(res)


@pytest.mark.parametrize(
    "typed",
    ["2010/6/1 18:00", "2010年6月1日 18:00", "２０１０-０６-０１T１８:００", "2010-06-01t18:00"],
)
def test_a_moment_is_taken_with_its_day_spelled_as_a_day_is(typed):
    """`k` and --known-at took only ISO 8601, where `:` and --as-of take 2010/6/1 and
    2010年6月1日; and an input method's full-width digits were "not a moment"."""
    from zoneinfo import ZoneInfo

    from cxzy.domain.moments import known_at

    zone = ZoneInfo("Asia/Shanghai")
    expected = datetime(2010, 6, 1, 18, 0, tzinfo=zone)
    assert known_at(typed, zone, datetime(2026, 12, 1, tzinfo=UTC)) == expected

"""Recorded facts: who recorded each event (else the OS user), where it came from
(file, its SHA-256, line), when; and events recorded late are flagged in the log."""

from __future__ import annotations

import getpass
import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta

from contract_helpers import Cli, act, prelude


def origins(cli: Cli) -> list[tuple[str, str | None, str]]:
    with sqlite3.connect(cli.store) as db:
        return db.execute("SELECT record_id, by_whom, origin FROM cx_log ORDER BY pos").fetchall()


def test_by_defaults_to_the_os_user_and_a_given_by_is_kept(cli):
    cli.ok_import([*prelude(), {**act("145", "study", "2010-06-02"), "by": "script.py"}])
    log = cli.log()
    assert [r.get("by") for r in log] == [getpass.getuser()] * 3 + ["script.py"]
    assert [row[1] for row in origins(cli)] == [getpass.getuser()] * 3 + ["script.py"]


def test_the_os_user_does_not_change_the_content_digest(cli, monkeypatch):
    cli.ok_import(prelude())
    record = act("145", "study", "2010-06-02")
    monkeypatch.setattr(getpass, "getuser", lambda: "alice")
    cli.ok_import([record])
    monkeypatch.setattr(getpass, "getuser", lambda: "bob")
    res = cli.ok_import([record])
    assert "imported 0 records, skipped 1" in res.out
    assert cli.log()[-1]["by"] == "alice"


def test_origin_names_the_file_its_sha256_and_the_line(cli):
    path = cli.write(["# a comment", *prelude(), "", act("145", "study", "2010-06-02")])
    assert cli.run("import", path).code == 0
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert [row[2] for row in origins(cli)] == [
        f"{path} sha256:{digest} line {n}" for n in (2, 3, 4, 6)
    ]
    table = cli.run("log").out
    assert f"{path.name}:6 sha256:{digest[:12]}" in table


def test_origin_is_not_part_of_the_jsonl_log_which_stays_importable(cli):
    cli.ok_import(prelude())
    assert all("origin" not in r for r in cli.log())


def _at(delta: timedelta) -> str:
    return (datetime.now(UTC) - delta).isoformat(timespec="seconds")


def test_events_recorded_more_than_the_templates_days_late_are_flagged(cli):
    records = [
        {"type": "CampaignPlanned", "at": "2010-05-11", "campaign": "c", "title": "T"},
        {
            "type": "UnitRegistered",
            "at": _at(timedelta(days=11)),
            "unit": "JU",
            "name": "局",
            "kind": "bureau",
        },
        act("JU", "study", _at(timedelta(days=10)), id="ten-days"),
        act("JU", "mobilization", _at(timedelta(days=6, hours=23)), id="six-days"),
        act("JU", "summary", _at(timedelta(days=7, hours=2)), id="seven-days-and-more"),
    ]
    cli.ok_import(records)
    late = [r["id"] for r in cli.log("--late") if r["type"] == "ActivityHeld"]
    assert late == ["ten-days", "seven-days-and-more"]  # (the unit's registration: +11d)
    table = cli.run("log", "--late").out
    assert "+10d" in table and "+7d" in table and "six" not in table
    full = cli.run("log").out
    assert full.count("+10d") == 1


def test_an_imports_records_are_recorded_at_one_moment(cli):
    """All or nothing: an import's records reach the store together. Each carried
    the moment it was checked, so "as known at" a moment during a long import
    showed the part of the file checked by then, which the store never held."""
    from freezegun import freeze_time

    with freeze_time("2010-06-08T12:00:00+08:00", auto_tick_seconds=1):  # a slow import
        cli.ok_import(
            [*prelude(), act("145", "study", "2010-06-01"), act("JU", "study", "2010-06-02")]
        )
    records = cli.log()
    assert len(records) == len(prelude()) + 2
    assert len({r["recorded"] for r in records}) == 1


def test_the_log_and_the_status_agree_on_lateness_to_the_second(cli):
    """Seven days and half a second: the log flagged it late (exact difference) while
    status --audit counted it on time (whole seconds, as the read model keeps it)."""
    from freezegun import freeze_time

    with freeze_time("2010-06-08T12:00:00.5+08:00"):
        cli.ok_import(
            [
                *prelude()[:2],
                act("JU", "study", "2010-06-01T12:00:00+08:00", id="seven-days-and-a-half-second"),
                act("JU", "summary", "2010-06-01T11:59:59+08:00", id="a-second-more"),
            ]
        )
    late = cli.log("--late")
    res = cli.run("status", "--as-of", "2010-06-08", "--format", "json", "--audit")
    counted = {u["unit"]: u["reported_late"] for u in __import__("json").loads(res.out)["units"]}
    ids = [r["id"] for r in late]
    assert "a-second-more" in ids and "seven-days-and-a-half-second" not in ids
    assert counted["JU"] == sum(1 for r in late if r.get("unit") == "JU")


def test_status_json_with_audit_counts_late_reports_and_names_its_log_position(cli):
    from freezegun import freeze_time

    with freeze_time("2010-06-05T12:00:00+08:00"):
        cli.ok_import(prelude())  # registered 2010-05-01: recorded 35 days late
        cli.ok_import(
            [
                act("145", "study", "2010-06-01T09:00:00+08:00"),
                act("145", "show_badge", "2010-05-20"),
            ]
        )
    res = cli.run("status", "--as-of", "2010-06-05", "--format", "json", "--audit")
    assert res.code == 0, res.err
    document = __import__("json").loads(res.out)
    late = {u["unit"]: u["reported_late"] for u in document["units"]}
    assert late == {
        "JU": 1,
        "145": 2,
    }  # registration and the 16-day-old activity, not the 4-day one
    assert document["log"]["position"] == 5 and len(document["log"]["head"]) == 64
    plain = __import__("json").loads(
        cli.run("status", "--as-of", "2010-06-05", "--format", "json").out
    )
    assert "log" not in plain and "reported_late" not in plain["units"][0]


def test_a_template_with_no_days_grace_marks_a_record_recorded_hours_later(
    cli, monkeypatch, tmp_path
):
    """`late_report_days = 0`: a record recorded six hours after it happened is late
    by no whole day. `cxzy log --late` listed it with an empty late column and the
    dashboard did not mark it, while `status --audit` counted it: one test for all."""
    import json
    from importlib import resources

    from freezegun import freeze_time

    from cxzy.application.app import open_app
    from cxzy.application.dashboard import DashboardQuery
    from cxzy.application.store import StoreLocation

    # the office's own template: the built-in one without a day's grace (decision 259)
    builtin = (resources.files("cxzy") / "templates" / "cxzy-2010.toml").read_text("utf-8")
    assert 'key = "cxzy-2010"\n' in builtin and "late_report_days = 7\n" in builtin
    strict = builtin.replace("late_report_days = 7\n", "late_report_days = 0\n")
    (tmp_path / "own").mkdir()
    (tmp_path / "own" / "strict.toml").write_text(
        strict.replace('key = "cxzy-2010"\n', 'key = "strict"\n'), encoding="utf-8"
    )
    monkeypatch.setenv("CXZY_TEMPLATES", str(tmp_path / "own"))
    planned = {**prelude()[0], "template": "strict"}
    with freeze_time("2010-06-01T15:00:00+08:00"):
        cli.ok_import(
            [
                planned,
                prelude()[1],
                act("JU", "study", "2010-06-01T09:00:00+08:00", id="six-hours"),
                act("JU", "summary", "2010-06-01T15:00:00+08:00", id="at-once"),
            ]
        )
    late = [r["id"] for r in cli.log("--late") if r["type"] == "ActivityHeld"]
    assert late == ["six-hours"]
    row = next(line for line in cli.run("log", "--late").out.splitlines() if "study" in line)
    assert "+0d" in row
    res = cli.run("status", "--as-of", "2010-06-01", "--format", "json", "--audit")
    counted = {u["unit"]: u["reported_late"] for u in json.loads(res.out)["units"]}
    assert counted["JU"] == sum(1 for r in cli.log("--late") if r.get("unit") == "JU")
    app = open_app(StoreLocation("sqlite", str(cli.store)), read_only=True)
    try:
        rows = DashboardQuery(app).log_page(late=True)
        marked = {r.summary: r.late_days for r in rows if r.type == "ActivityHeld"}
        on_time = DashboardQuery(app).log_page(late=False)
    finally:
        app.close()
    assert marked == {"study @ JU": 0}
    assert [r.late_days for r in on_time if r.type == "ActivityHeld"] == [None]


def test_known_at_a_records_recorded_time_says_its_import_was_under_way(cli, tmp_path):
    """A record's `recorded` time is when its import began: as known at it, the
    store did not hold the record yet (decision 164), and an auditor who typed it
    from the log saw the figures without it, unsaid."""
    import json

    from freezegun import freeze_time

    with freeze_time("2010-06-05T12:00:00+08:00"):
        cli.ok_import(prelude())
    with freeze_time("2010-06-08T12:00:00+08:00", auto_tick_seconds=1):  # a slow import
        cli.ok_import([act("145", "study", "2010-06-01"), act("JU", "study", "2010-06-02")])
    recorded = cli.log()[-1]["recorded"]
    res = cli.run("status", "--as-of", "2010-06-08", "--known-at", recorded, "--format", "json")
    assert res.code == 0, str(res)
    note = res.err.strip()
    said = note.removeprefix("note: an import was under way at ").split(" and committed at ")[0]
    assert datetime.fromisoformat(said) == datetime.fromisoformat(recorded), note
    committed = note.split("--known-at ")[-1].split(" counts them")[0]
    assert datetime.fromisoformat(committed) > datetime.fromisoformat(recorded)
    then = cli.run("status", "--as-of", "2010-06-08", "--known-at", committed, "--format", "json")
    now = cli.run("status", "--as-of", "2010-06-08", "--format", "json")
    assert then.err == "" and json.loads(then.out)["units"] == json.loads(now.out)["units"]
    assert json.loads(res.out)["units"] != json.loads(then.out)["units"]  # (without them)
    for command in (
        ("export", "ledger", "--format", "csv", "-o", tmp_path / "ledger"),
        ("report", "-o", tmp_path / "r.md"),
    ):
        said = cli.run(*command, "--as-of", "2010-06-08", "--known-at", recorded)
        assert "an import was under way" in said.err, str(said)

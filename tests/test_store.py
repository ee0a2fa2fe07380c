"""The embedded store: eventsourcing's SQLite persistence with the read model beside it."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from conftest import load_demo_into
from contract_helpers import race_two_imports, run_module, subprocess_env
from cxzy.application import copying, staging
from cxzy.application.app import open_app
from cxzy.application.audit import verify
from cxzy.application.dashboard import DashboardQuery, SearchWords
from cxzy.application.history import LogFilter, LogQuery
from cxzy.application.readmodel import MARKED_FIELDS, READ_MODEL
from cxzy.application.status import StatusQuery
from cxzy.application.store import StoreLocation, default_store_path, resolve_store
from cxzy.cli import main
from cxzy.domain.errors import Violation
from cxzy.i18n import codes_named, rendered

EVENTS = Path(__file__).resolve().parents[1] / "events"
app_module = importlib.import_module("cxzy.application.app")
main_module = importlib.import_module("cxzy.cli.main")  # (cxzy.cli.main is also the function)


def location(path: Path) -> StoreLocation:
    return StoreLocation("sqlite", str(path))


def status_json(path: Path, day: str) -> dict:
    app = open_app(location(path))
    try:
        return StatusQuery(app).status(date.fromisoformat(day)).to_json()
    finally:
        app.close()


def test_store_selection_option_then_environment_then_per_user_default(tmp_path):
    assert resolve_store(str(tmp_path / "a.db"), {}).target == str(tmp_path / "a.db")
    assert resolve_store(None, {"CXZY_STORE": "/x/y.db"}).target == "/x/y.db"
    assert resolve_store(None, {}).target == str(default_store_path())
    pg = resolve_store("postgresql://u:secret@h:5432/db", {})
    assert pg.kind == "postgresql" and "secret" not in pg.display()


def test_a_reports_chart_is_of_the_log_its_figures_were_read_from(store, tmp_path, monkeypatch):
    """An import committed between a report's figures and its chart went into the
    chart alone: the report's checkpoint did not reproduce what it drew."""
    from contract_helpers import act, write_jsonl
    from cxzy.application.dashboard import phase_shares
    from cxzy.application.importer import Importer
    from cxzy.application.summary import SummaryQuery
    from cxzy.formats.jsonl import read_records

    late = write_jsonl(
        tmp_path / "late.jsonl", [act("DKGS", "party_spirit_analysis", "2011-01-05")]
    )
    progress = DashboardQuery.progress

    def after_an_import(self, *args, **kwargs):
        assert Importer(self.app).run(read_records(late)).ok  # (once the figures are read)
        return progress(self, *args, **kwargs)

    monkeypatch.setattr(DashboardQuery, "progress", after_an_import)
    app = open_app(location(store))
    try:
        summary = SummaryQuery(app).summary(date(2012, 11, 7))
        position = summary.ledger.report.position
        assert StatusQuery(app).status(date(2012, 11, 7)).position == position + 1
        chart = summary.progress
        status = StatusQuery(app)
        for n, day in enumerate(chart.days[:-1]):
            shares = phase_shares(status.status_up_to(day, position))
            assert {key: chart.series[key][n] for key in shares} == shares, day
    finally:
        app.close()


def test_the_log_search_finds_percent_and_underscore_as_typed_in_either_case(demo_store):
    """`%` and `_` typed in the dashboard's log filter were LIKE's wildcards: `100%`
    found 18 records, 3 of which said it, and `%` or `_` every record."""
    app = open_app(location(demo_store), read_only=True)
    try:
        query = DashboardQuery(app)
        every = query.log_page(limit=1000)

        def found(typed: str) -> set[int]:
            return {row.pos for row in query.log_page(text=typed, limit=1000)}

        for typed in ("100%", "%"):
            saying = {row.pos for row in every if typed in (row.summary or "")}
            assert found(typed) == saying and saying, typed
        assert found("_") == set() and not any("_" in (row.summary or "") for row in every)
        assert found("chy") == found("CHY") != set()  # (a code in either case)
    finally:
        app.close()


def test_a_units_detail_is_of_the_log_its_report_was_read_at(store, tmp_path):
    """The unit screen read its records from the log as it is now, and the figures
    from the report: a record imported between the two was listed under an item the
    figures still called missed."""
    from contract_helpers import act, write_jsonl
    from cxzy.application.importer import Importer
    from cxzy.formats.jsonl import read_records

    app = open_app(location(store))
    try:
        report = StatusQuery(app).status(date(2012, 11, 7))
        dkgs = next(u for u in report.units if u.unit == "DKGS")
        assert dkgs.phases["compete"].items["party_spirit_analysis"] == "missed"
        late = write_jsonl(
            tmp_path / "late.jsonl", [act("DKGS", "party_spirit_analysis", "2011-01-05")]
        )
        assert Importer(app).run(read_records(late)).ok
        detail = DashboardQuery(app).unit_detail(report, "DKGS")
        assert all(row.pos <= report.position for row in detail.activities)
        item = next(i for i in detail.items if i.item == "party_spirit_analysis")
        assert item.state == "missed" and item.evidence is None
    finally:
        app.close()


def test_the_default_store_is_in_the_users_data_folder_as_the_readme_says(tmp_path):
    """README: `~/.local/share/cxzy/cxzy.sqlite3` (under $XDG_DATA_HOME when set);
    the tests compared the path with the function that makes it."""
    from contract_helpers import act, prelude, write_jsonl

    source = write_jsonl(tmp_path / "h.jsonl", [*prelude(), act("145", "study", "2010-06-02")])
    env = subprocess_env(HOME=str(tmp_path / "home"))
    env.pop("XDG_DATA_HOME", None)
    done = run_module("import", str(source), env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "home" / ".local" / "share" / "cxzy" / "cxzy.sqlite3").is_file()
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    assert run_module("import", str(source), env=env, cwd=tmp_path).returncode == 0
    assert (tmp_path / "data" / "cxzy" / "cxzy.sqlite3").is_file()


def test_one_file_holds_the_log_the_read_model_and_its_tracking(store):
    path = store
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        (events,) = db.execute("SELECT COUNT(*) FROM stored_events").fetchone()
        (tracked,) = db.execute(
            "SELECT notification_id FROM tracking WHERE application_name = ?", (READ_MODEL,)
        ).fetchone()
    assert {"stored_events", "tracking", "cx_log", "cx_entities", "cx_firsts"} <= tables
    assert tracked == events > 500


def read_model_shape(path: Path) -> dict[str, str]:
    """Each read-model table of a SQLite store → how SQLite keeps its rows."""
    with sqlite3.connect(path) as db:
        made = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        shapes = {}
        for name, sql in made:
            if not name.startswith("cx_"):
                continue
            if sql.rstrip().endswith("WITHOUT ROWID"):
                shapes[name] = "in key order"
            elif "pos INTEGER PRIMARY KEY" in sql:
                shapes[name] = "by position"
            else:
                shapes[name] = "with an index beside"  # BIGINT keys, as before v8
    return shapes


def test_each_read_model_row_is_kept_in_one_tree(store):
    """An import writes every row into its table and its indexes: a table keyed by
    position keeps its rows by that position (the rowid), any other in its key's order,
    never with the key as one more index beside the rows."""
    shapes = read_model_shape(store)
    assert {shapes[t] for t in ("cx_log", "cx_chain", "cx_late")} == {"by position"}
    assert set(shapes.values()) == {"by position", "in key order"}, shapes


def test_stored_topics_are_explicit_names_not_module_paths(store):
    path = store
    with sqlite3.connect(path) as db:
        topics = {r[0] for r in db.execute("SELECT DISTINCT topic FROM stored_events")}
        state = json.loads(db.execute("SELECT state FROM stored_events LIMIT 1").fetchone()[0])
    assert topics and all(t.startswith("cxzy:") for t in topics), topics
    assert state["originator_topic"].startswith("cxzy:")
    assert state["stamp"]["_type_"] == "cxzy_stamp"


def test_a_lost_read_model_is_rebuilt_from_the_log_with_the_same_status(store):
    path = store
    before = status_json(path, "2011-07-15")
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM tracking WHERE application_name = ?", (READ_MODEL,))
        db.execute("DELETE FROM cx_firsts")
        db.execute("UPDATE cx_entities SET closed_pos = NULL")
    assert status_json(path, "2011-07-15") == before


def test_a_read_model_of_an_older_shape_is_rebuilt_in_the_new_one(store):
    path = store
    days = ("2010-06-15", "2011-03-01", "2011-07-15", "2012-11-07")
    before = [status_json(path, day) for day in days]
    with sqlite3.connect(path) as db:  # as an older cxzy left it: other tracking, fewer columns
        db.execute(
            "UPDATE tracking SET application_name = 'cxzy-read-model-v3' "
            "WHERE application_name = ?",
            (READ_MODEL,),
        )
        db.execute("ALTER TABLE cx_entities DROP COLUMN deadline_day")
        db.execute("ALTER TABLE cx_log DROP COLUMN person")  # as before v9
        db.execute("DROP TABLE cx_open")  # without the columns a new index is on
        db.execute(OLDER_CX_OPEN)
    assert read_model_shape(path)["cx_open"] == "with an index beside"
    assert [status_json(path, day) for day in days] == before
    assert read_model_shape(path)["cx_open"] == "in key order"
    assert leaders(open_app(location(path), read_only=True)) == LEADERS  # named again
    with sqlite3.connect(path) as db:  # the older version's tracking went with its tables
        names = {row[0] for row in db.execute("SELECT application_name FROM tracking")}
    assert {name for name in names if name.startswith("cxzy-read-model")} == {READ_MODEL}


def integrity(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("PRAGMA integrity_check")]


def firsts_columns(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[1] for row in db.execute("PRAGMA table_info(cx_firsts)")]


# cx_firsts as cxzy made it before: ``day`` before ``pos``, one of the key's columns
OLDER_CX_FIRSTS = """CREATE TABLE cx_firsts (
    unit TEXT NOT NULL, fact TEXT NOT NULL, day TEXT NOT NULL, pos BIGINT NOT NULL,
    PRIMARY KEY (unit, fact, pos)) WITHOUT ROWID"""


def test_sqlite_finds_a_store_sound(store):
    """``PRAGMA integrity_check``, as an auditor or a backup script runs it with
    the sqlite3 shell: SQLite 3.40 (Debian 12's) reported every row of cx_firsts
    as "NULL value in cx_firsts.day", because ``day`` came before a column of
    the table's key."""
    assert integrity(store) == ["ok"]


@pytest.mark.parametrize(
    ("found", "said"),
    [
        (
            "cxzy-store-9",
            "has format 'cxzy-store-9', written by a newer cxzy: upgrade cxzy here (pip"
            " install -U) to read it",
        ),
        (
            "store-x",
            "has format 'store-x', which no version of cxzy writes (changed outside"
            " cxzy?); restore it from a backup",
        ),
    ],
)
def test_a_store_format_this_cxzy_does_not_write_says_what_to_do(store, capsys, found, said):
    """A newer format said only "which this version of cxzy does not read", though the
    README promises "upgrade cxzy"; one no cxzy writes said the same."""
    with sqlite3.connect(store) as db:
        db.execute("UPDATE cx_meta SET value = ? WHERE key = 'store_format'", (found,))
    db.close()
    assert main(["--store", str(store), "--lang", "en", "status"]) == 1
    assert capsys.readouterr().err == f"store {store} {said}\n"


def test_a_store_with_the_older_table_is_found_sound_after_its_rebuild(store):
    """A store written before v11 (cx_firsts with ``day`` before ``pos``) is rebuilt
    by the next command that opens it to write, into the new shape, with the same
    status; a reader leaves it as it is."""
    days = ("2010-06-15", "2011-03-01", "2012-11-07")
    before = [status_json(store, day) for day in days]
    with sqlite3.connect(store) as db:  # as cxzy left it before
        db.execute(
            "UPDATE tracking SET application_name = 'cxzy-read-model-v10' "
            "WHERE application_name = ?",
            (READ_MODEL,),
        )
        db.execute("DROP TABLE cx_firsts")  # (its index with it)
        db.execute(OLDER_CX_FIRSTS)
        db.execute("CREATE INDEX ix_firsts_day ON cx_firsts (unit, fact, day, pos)")
    open_app(location(store), read_only=True).close()
    assert firsts_columns(store) == ["unit", "fact", "day", "pos"]
    assert [status_json(store, day) for day in days] == before  # (opened to write)
    assert firsts_columns(store) == ["unit", "fact", "pos", "day"]
    assert integrity(store) == ["ok"]


# the demo's first leaders as the log names them: (position, person)
LEADERS = [(12, "刘继东"), (13, "任乾"), (14, "张毅")]


def leaders(app) -> list[tuple[int, str | None]]:
    """The first three leader appointments in the log and in the dashboard's log."""
    try:
        entries = LogQuery(app).entries(LogFilter(type="LeaderAssigned"))[:3]
        rows = DashboardQuery(app).log_page(type_="LeaderAssigned", limit=1000)[::-1][:3]
    finally:
        app.close()
    assert [(r.pos, r.person) for r in rows] == [(e.pos, e.person) for e in entries]
    return [(e.pos, e.person) for e in entries]


# a review's reviewer, a verification's verifier, a rectification's owner in the demo,
# named by no other field of their records
NAMED_SINCE_V14 = [
    ("职工群众代表", "ReviewRecorded", 9),
    ("冶美琴", "RectificationVerified", 1),
    ("王立新", "RectificationOpened", 1),
]


def named(app, person: str, type_: str) -> tuple[list, list]:
    """The log's rows of that type naming ``person``: the dashboard's search, and the
    persons ``cxzy log`` shows beside the summary."""
    try:
        found = DashboardQuery(app).log_page(text=person, type_=type_, limit=1000)
        shown = [e for e in LogQuery(app).entries(LogFilter(type=type_)) if e.person == person]
    finally:
        app.close()
    return found, shown


def test_the_log_names_a_reviewer_a_verifier_and_an_owner(store):
    """The log's search found a person a record names in a ``person`` field (a
    leader, a visitor, an awardee) but no review by its reviewer, no verification
    by its verifier, no rectification by its owner: an auditor looking for what one
    person did saw part of it. A store of read model v13 read as it is shows what
    v13 kept, and passes verify; one who may write makes it anew."""
    for person, type_, count in NAMED_SINCE_V14:
        found, shown = named(open_app(location(store)), person, type_)
        assert len(found) == len(shown) == count, (person, found, shown)
        assert {row.person for row in found} == {person}
    with sqlite3.connect(store) as db:  # as v13 kept it
        db.execute(
            "UPDATE tracking SET application_name = 'cxzy-read-model-v13'"
            " WHERE application_name = ?",
            (READ_MODEL,),
        )
        db.execute(
            "UPDATE cx_log SET person = NULL WHERE type IN"
            " ('ReviewRecorded', 'RectificationOpened', 'RectificationVerified')"
        )
    db.close()
    older = open_app(location(store), read_only=True)
    try:
        assert verify(older).broken is None
    finally:
        older.close()
    for person, type_, _ in NAMED_SINCE_V14:
        assert named(open_app(location(store), read_only=True), person, type_) == ([], [])
    for person, type_, count in NAMED_SINCE_V14:  # opened to write: made anew
        found, shown = named(open_app(location(store)), person, type_)
        assert len(found) == len(shown) == count, (person, found, shown)


# cx_open as cxzy-read-model-v5 made it (before the log positions)
OLDER_CX_OPEN = """CREATE TABLE cx_open (month TEXT NOT NULL, entity TEXT NOT NULL,
    kind TEXT NOT NULL, unit TEXT NOT NULL, opened_day TEXT NOT NULL, closed_day TEXT,
    deadline TEXT NOT NULL, deadline_day TEXT NOT NULL, PRIMARY KEY (month, entity))"""


def test_a_read_only_store_of_an_older_shape_is_read_row_by_row(store):
    days = ("2010-06-15", "2011-03-01", "2012-07-05")
    before = [status_json(store, day) for day in days]
    with sqlite3.connect(store) as db:  # an older cxzy's read model, and no right to rebuild it
        db.execute(
            "UPDATE tracking SET application_name = 'cxzy-read-model-v3' "
            "WHERE application_name = ?",
            (READ_MODEL,),
        )
        db.execute("DROP TABLE cx_running")
        db.execute("DROP TABLE cx_open")
        db.execute("ALTER TABLE cx_log DROP COLUMN person")
        # a leader's summary was the role's code (role=leader: leader), and no marks
        db.execute("UPDATE cx_log SET summary = substr(marks, 6) WHERE type = 'LeaderAssigned'")
        db.execute("ALTER TABLE cx_log DROP COLUMN marks")
    app = open_app(location(store), read_only=True)
    try:
        query = StatusQuery(app)
        assert [query.status(date.fromisoformat(day)).to_json() for day in days] == before
        snapshot = DashboardQuery(app).snapshot(date(2011, 3, 1))  # the dashboard too
        assert snapshot.alerts and snapshot.open_total >= len(snapshot.alerts)
    finally:
        app.close()
    # its log is read too, without the persons an older read model did not keep
    older = open_app(location(store), read_only=True)
    assert leaders(older) == [(pos, None) for pos, _ in LEADERS]
    older = open_app(location(store), read_only=True)
    try:  # its filter by text, which looks at the person and the marks where there are
        found = DashboardQuery(older).log_page(text="刘继东", type_="LeaderAssigned")
        words = [SearchWords("不通过", codes_named("不通过", MARKED_FIELDS))]
        rejected = DashboardQuery(older).log_page(words=words)
        # its summary of a leader held the role's code: shown as the mark it is
        roles = DashboardQuery(older).log_page(type_="LeaderAssigned")
    finally:
        older.close()
    assert {r.summary for r in roles} == {None}, roles
    assert {r.marks[0][0] for r in roles} == {"role"} and ("role", "leader") in {
        r.marks[0] for r in roles
    }
    assert found == []  # the summary is the role: nothing names him without the person
    assert rejected == []  # nor a verification's verdict without the marks


def test_a_file_that_is_not_a_store_is_refused_and_left_untouched(tmp_path, capsys):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("meeting notes, not a database\n" * 100)
    foreign = tmp_path / "other.sqlite3"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE customers (id INTEGER)")
    named_alike = tmp_path / "alike.sqlite3"  # (its cx_meta of other columns: SQLite's words)
    with sqlite3.connect(named_alike) as db:
        db.execute("CREATE TABLE cx_meta (k, v)")
    for path in (text_file, foreign, named_alike):
        before = path.read_bytes()
        with pytest.raises(Violation) as error:
            open_app(location(path), create=True)
        assert error.value.code == "not_a_store"
        assert path.read_bytes() == before
        assert main(["--store", str(path), "--lang", "en", "status"]) == 1
        err = capsys.readouterr().err
        assert "not a cxzy store" in err and "Traceback" not in err


@pytest.mark.parametrize("table", ["cx_units", "cx_log"])
def test_a_figures_table_dropped_by_hand_is_said_never_made_again_empty(store, capsys, table):
    """A read-model table dropped outside cxzy was taken for no store at all, and the
    next import made it again empty: status then showed no units, exit 0. It is now
    named, every command refuses the store untouched, and ``store rebuild`` makes the
    figures again from the log (with cx_log gone it could not: it read the log's
    length from there)."""
    before = status_json(store, "2011-07-15")
    with sqlite3.connect(store) as db:
        db.execute(f"DROP TABLE {table}")
    award = EVENTS / "examples" / "CommendationAwarded.jsonl"
    for command in (["status"], ["import", str(award)], ["log"], ["verify"]):
        assert main(["--store", str(store), "--lang", "en", *command]) == 1, command
        err = capsys.readouterr().err
        assert err.strip().splitlines() == [
            f"store {store} lacks tables of its figures ({table}): they were dropped "
            "outside cxzy; nothing was changed. The log is not in them: cxzy store rebuild "
            "makes them again from it"
        ], command
        with sqlite3.connect(store) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        assert table not in tables
    assert main(["--store", str(store), "--lang", "en", "store", "rebuild"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"the figures of {store} made again from the log's 544 events"
    )
    assert status_json(store, "2011-07-15") == before
    assert main(["--store", str(store), "verify", "--figures"]) == 0


def test_the_chains_links_dropped_by_hand_send_to_a_backup_not_to_a_rebuild(store, capsys):
    """cx_chain dropped (after an edit of the log, say) was said as any figure's
    table: "cxzy store rebuild makes them again", which chains the log as it now
    is. Its links vouch for the log: a backup first; a rebuild only failing one,
    after which verify says which links it made."""
    with sqlite3.connect(store) as db:
        db.execute("DROP TABLE cx_chain")
    for command in (["status"], ["verify"]):
        assert main(["--store", str(store), "--lang", "en", *command]) == 1, command
        err = capsys.readouterr().err
        assert err.strip().splitlines() == [
            f"store {store} has lost the links of its hash chain (cx_chain dropped outside "
            "cxzy; nothing was changed): they vouch for the log and cannot be made again "
            "from it. Restore the store from a backup; only if there is none, cxzy store "
            "rebuild chains the log as it now is (verify then says which links it made)"
        ], command
    assert main(["--store", str(store), "--lang", "en", "store", "rebuild"]) == 0
    capsys.readouterr()
    assert main(["--store", str(store), "--lang", "en", "verify"]) == 0
    assert "positions 1–544 were chained when the read model was rebuilt" in capsys.readouterr().err


def test_the_figures_tracking_row_edited_by_hand_is_mended_by_a_rebuild(store, capsys):
    """The read model's row in eventsourcing's tracking table set back (to 100) had
    the records after it projected again: "damaged … must be restored from a
    backup", from every command and from ``store rebuild`` too, on an intact log."""
    before = status_json(store, "2011-07-15")
    with sqlite3.connect(store) as db:
        db.execute("UPDATE tracking SET notification_id = 100 WHERE application_name LIKE 'cxzy%'")
    assert main(["--store", str(store), "--lang", "en", "status"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"store {store}'s figures hold its log up to position 544, but are marked as made "
        "up to 100 (eventsourcing's tracking table, changed outside cxzy); nothing was "
        "changed. The log is not in them: cxzy store rebuild makes them again from it"
    )
    assert main(["--store", str(store), "--lang", "en", "store", "rebuild"]) == 0
    assert status_json(store, "2011-07-15") == before
    assert main(["--store", str(store), "verify", "--figures"]) == 0


def test_figures_an_older_cxzy_wrote_after_an_upgrade_are_said_as_such(store, capsys):
    """An older cxzy's import after the store's upgrade (it had waited through it)
    left its version's tracking beside this one's: "changed outside cxzy", blaming
    someone's hand, where the office needed to upgrade a terminal."""
    from cxzy.application.readmodel import VERSION

    before = status_json(store, "2011-07-15")
    with sqlite3.connect(store) as db:
        db.execute("UPDATE tracking SET notification_id = 541 WHERE application_name LIKE 'cxzy%'")
        db.execute(
            "INSERT INTO tracking (application_name, notification_id) VALUES (?, 544)",
            [f"cxzy-read-model-v{VERSION - 2}"],
        )
    assert main(["--store", str(store), "--lang", "en", "status"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"an older cxzy (its figures version {VERSION - 2}) wrote to {store} after it was "
        "upgraded, so its figures are out of step with its log; nothing was changed: upgrade"
        " cxzy where that was (pip install -U), then cxzy store rebuild makes them again "
        "from the log"
    )
    assert main(["--store", str(store), "--lang", "en", "store", "rebuild"]) == 0
    assert status_json(store, "2011-07-15") == before
    assert main(["--store", str(store), "verify", "--figures"]) == 0


def test_a_log_table_dropped_by_hand_is_said_and_nothing_made(store, capsys):
    with sqlite3.connect(store) as db:
        db.execute("DROP TABLE stored_events")
    for command in (["status"], ["import", str(EVENTS / "demo.jsonl")], ["store", "rebuild"]):
        assert main(["--store", str(store), "--lang", "en", *command]) == 1
        assert capsys.readouterr().err.strip() == (
            f"store {store} has lost the table of its log (stored_events): it was changed "
            "outside cxzy; restore it from a backup (nothing was changed)"
        )
    with sqlite3.connect(store) as db:
        assert not db.execute(
            "SELECT name FROM sqlite_master WHERE name = 'stored_events'"
        ).fetchall()


def test_store_rebuild_mends_edited_figures_and_keeps_the_chain(store, capsys):
    """``verify --figures`` names an edited table; ``store rebuild`` makes it again from
    the log, with the hash chain's links as they were written."""
    assert main(["--store", str(store), "checkpoint"]) == 0
    checkpoint = capsys.readouterr().out.strip()
    before = status_json(store, "2011-03-01")
    with sqlite3.connect(store) as db:
        db.execute("UPDATE cx_grades SET grade = 'advanced'")
    assert status_json(store, "2011-03-01") != before
    assert main(["--store", str(store), "--lang", "en", "verify", "--figures"]) == 1
    assert "cxzy store rebuild makes them again" in capsys.readouterr().err
    assert main(["--store", str(store), "store", "rebuild"]) == 0
    assert status_json(store, "2011-03-01") == before
    capsys.readouterr()
    assert main(["--store", str(store), "verify", "--figures", "--against", checkpoint]) == 0
    assert "rebuil" not in capsys.readouterr().err  # the links are those written with the log


def test_a_copy_into_a_store_that_holds_records_is_refused_and_leaves_it(
    store, demo_store, tmp_path, capsys
):
    """A backup restored over a store that still holds records (README, Backups:
    remove the store first): refused, the store as it was."""
    target = tmp_path / "taken.sqlite3"
    shutil.copy(demo_store, target)
    before = target.read_bytes()
    assert main(["--lang", "en", "store", "copy", str(store), str(target)]) == 1
    assert capsys.readouterr().err == (
        f"the target store {target} is not empty: copy into a new store\n"
    )
    assert target.read_bytes() == before


def test_a_copy_of_a_store_with_edited_figures_is_right_and_says_so(store, tmp_path, capsys):
    """The copy's figures are made from the log: when they differ from the source's
    because those were edited, the copy is kept, and the source's tables named."""
    with sqlite3.connect(store) as db:
        db.execute("UPDATE cx_grades SET grade = 'advanced'")
    target = tmp_path / "copy.sqlite3"
    assert main(["--lang", "en", "store", "copy", str(store), str(target)]) == 0
    out = capsys.readouterr().out
    assert "the logs are identical, but the source's figures are not those its log" in out
    assert "(cx_grades: changed outside cxzy)" in out
    assert main(["--store", str(target), "verify", "--figures"]) == 0
    with sqlite3.connect(store) as db:
        db.execute("DROP TABLE cx_units")
    assert main(["--lang", "en", "store", "copy", str(store), str(tmp_path / "2.sqlite3")]) == 1
    assert "lacks tables of its figures (cx_units)" in capsys.readouterr().err
    assert not (tmp_path / "2.sqlite3").exists()


def test_a_copy_compares_up_to_what_it_copied_while_others_write(
    store, tmp_path, capsys, monkeypatch
):
    """Another process imported while a copy compared its two stores: the copy said
    "the copy does not match the source (log)", exit 1, though it was whole."""
    boundaries = copying._boundaries

    def imported_meanwhile(app):
        late = {"type": "CommendationAwarded", "at": "2012-11-06", "unit": "ZP",
                "title": "advanced_org", "level": "bureau"}  # fmt: skip
        path = tmp_path / "meanwhile.jsonl"
        path.write_text(json.dumps(late) + "\n", encoding="utf-8")
        assert main(["--store", str(store), "import", str(path)]) == 0
        return boundaries(app)

    monkeypatch.setattr(copying, "_boundaries", imported_meanwhile)
    target = tmp_path / "copy.sqlite3"
    assert main(["--lang", "en", "store", "copy", str(store), str(target)]) == 0, (
        capsys.readouterr()
    )
    assert "log and status on 8 days identical" in capsys.readouterr().out


def test_a_copys_message_into_a_file_is_one_line_however_long(store, tmp_path):
    # piped, the output is 160 columns wide: a long store name cut the message in
    # two, a space left at the cut (a cron job's log, a script reading the line)
    folder = tmp_path / ("a-rather-long-folder-name-for-the-office-s-copies-" * 2)
    folder.mkdir()
    target = folder / "copy-of-the-campaign-store.sqlite3"
    env = subprocess_env()
    done = run_module(
        "--lang", "en", "store", "copy", str(store), str(target), env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and len(done.stdout) > 160, done.stdout
    assert done.stdout.startswith("copied 544 events") and "identical" in done.stdout


@pytest.mark.parametrize(
    "tamper",
    [
        "DELETE FROM stored_events WHERE rowid = 300",
        "UPDATE stored_events SET state = replace(state, '组织', '组识') WHERE rowid = 300",
    ],
)
def test_a_copy_of_a_store_whose_log_fails_verify_is_refused(store, tmp_path, capsys, tamper):
    """A copy chains every event anew, as written with it: a source with an event
    removed or edited came out verifying clean, even against the checkpoints the
    tampering broke. The source is verified first."""
    with sqlite3.connect(store) as db:
        db.execute(tamper)
    target = tmp_path / "copy.sqlite3"
    assert main(["--lang", "en", "store", "copy", str(store), str(target)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"the source {store} fails cxzy verify at position 300 ("), err
    assert err.endswith("a copy would chain its log anew, as if whole; nothing was copied")
    assert not target.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE stored_events SET state = x'00ff' WHERE rowid = 100",
        "UPDATE stored_events SET topic = 'cxzy:Bogus' WHERE rowid = 100",
        "UPDATE stored_events SET state = NULL WHERE rowid = 100",
    ],
    ids=["state", "topic", "null"],
)
@pytest.mark.parametrize(
    "command",
    [["log", "--format", "jsonl"], ["export", "ledger", "-o", "L.xlsx"], ["report", "-o", "r.md"]],
    ids=["log", "ledger", "report"],
)
def test_an_event_altered_outside_cxzy_is_said_where_not_an_internal_error(
    store, tmp_path, capsys, monkeypatch, tamper, command
):
    """The log, the ledger and the report read the events back: a row edited with
    sqlite3 gave "internal error (MapperDeserialisationError …), please report it"."""
    with sqlite3.connect(store) as db:
        db.execute(tamper)
    monkeypatch.chdir(tmp_path)
    assert main(["--store", str(store), "--lang", "en", *command]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"store {store} is damaged: the event at log position 100 "), err
    assert "cxzy verify" in err and "internal error" not in err, err


@pytest.mark.parametrize(
    ("tamper", "said"),
    [
        (
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state)"
            " SELECT 545, originator_id || 'x', originator_version, topic, state"
            " FROM stored_events WHERE rowid = 100",
            "the store is damaged: a stored event's aggregate id '",
        ),
        (
            "UPDATE stored_events SET rowid = rowid + 1000 WHERE rowid > 200",
            "is damaged: its events from log position 1201 on break the campaign's rules",
        ),
        (  # its record twice in the log ("UNIQUE constraint failed: cx_log.record_id")
            "UPDATE stored_events SET rowid = 600 WHERE rowid = 4",
            "is damaged: its events from log position 600 on break the campaign's rules",
        ),
    ],
    ids=["not-a-uuid", "moved", "one-moved"],
)
@pytest.mark.parametrize("command", [["status"], ["log"]])
def test_rows_added_or_moved_outside_cxzy_are_said_not_an_internal_error(
    store, capsys, tamper, said, command
):
    """A row whose aggregate id is not a UUID stopped every command, verify too, and
    rows moved up the log stopped status and the log, each with "internal error
    (ValueError …)" or "(AssertionError)"; nothing is written."""
    with sqlite3.connect(store) as db:
        db.execute(tamper)
    before = store.read_bytes()
    assert main(["--store", str(store), "--lang", "en", *command]) == 1
    err = capsys.readouterr().err.strip()
    assert said in err and "restore" in err and "internal error" not in err, err
    assert store.read_bytes() == before


def test_an_import_onto_an_event_altered_outside_cxzy_says_whose(store, tmp_path, capsys):
    """A renaming of unit 133, whose registration's row was edited with sqlite3: the
    import read the unit back and gave "internal error (MapperDeserialisationError)"."""
    with sqlite3.connect(store) as db:
        db.execute("UPDATE stored_events SET state = x'00ff' WHERE rowid = 3")
    before = store.read_bytes()
    path = tmp_path / "rename.jsonl"
    path.write_text('{"type":"UnitUpdated","at":"2011-01-05","unit":"133","name":"新名"}\n')
    assert main(["--store", str(store), "--lang", "en", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"store {store} is damaged: an event of unit code '133' cannot be read" in err, err
    assert "internal error" not in err and store.read_bytes() == before


def test_a_copy_keeps_the_note_that_links_were_chained_by_a_rebuild(store, tmp_path, capsys):
    """Links computed by a rebuild (the chain's table dropped) vouch only as far as a
    checkpoint taken before: the copy said nothing of it, its links passing for
    links written with their events."""
    with sqlite3.connect(store) as db:
        db.execute("DROP TABLE cx_chain")
    assert main(["--store", str(store), "store", "rebuild"]) == 0
    target = tmp_path / "copy.sqlite3"
    assert main(["--lang", "en", "store", "copy", str(store), str(target)]) == 0
    capsys.readouterr()
    assert main(["--store", str(target), "--lang", "en", "verify"]) == 0
    assert "positions 1–544 were chained when the read model was rebuilt" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("edit", "pos"),
    [
        ("origin = 'office.jsonl sha256:aaaa line 1'", 90),
        ("by_whom = '伍宏芝'", 90),
        ("delay = 0", 90),
        ("summary = '另一件事'", 90),
        ("marks = 'accepted=true'", 292),  # a verification that did not pass
        ("unit = 'ZP'", 100),  # `cxzy log --unit ZP` listed another unit's activity
        ("entity = 'c:K-X'", 100),
        ("unit = 'ZP'", 171),  # a commitment's progress, shown under its unit
    ],
)
def test_verify_holds_what_the_log_shows_to_the_stored_event(store, capsys, edit, pos):
    """`cxzy log`, its --late and the record screen read cx_log: an edited origin,
    recorder or lateness passed plain verify (only --figures saw it)."""
    with sqlite3.connect(store) as db:
        assert db.execute(f"SELECT marks FROM cx_log WHERE pos = {pos}").fetchone()[0] != (
            "accepted=true"
        )
        db.execute(f"UPDATE cx_log SET {edit} WHERE pos = {pos}")
    assert main(["--store", str(store), "--lang", "en", "verify"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"log broken at position {pos}: the read model's copy (cx_log"), err
    assert main(["--store", str(store), "store", "rebuild"]) == 0
    assert main(["--store", str(store), "verify"]) == 0


def test_a_store_copied_onto_itself_by_another_path_is_refused_untouched(store, capsys):
    before = store.read_bytes()
    other_path = store.parent / "." / store.name
    assert main(["--lang", "en", "store", "copy", str(store), str(other_path)]) == 1
    err = capsys.readouterr().err
    assert "both the source and the target" in err and "Traceback" not in err, err
    assert store.read_bytes() == before


def test_a_store_with_no_events_is_not_copied_and_no_target_is_made(tmp_path, capsys):
    empty, target = tmp_path / "empty.sqlite3", tmp_path / "copy.sqlite3"
    open_app(StoreLocation("sqlite", str(empty)), create=True).close()
    assert main(["--lang", "en", "store", "copy", str(empty), str(target)]) == 1
    assert "the source store holds no events" in capsys.readouterr().err
    assert not target.exists()


def test_a_store_is_copied_a_batch_at_a_time_into_one_that_verifies_the_same(
    store, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(copying, "COPY_BATCH", 100)  # the demo's 544 events in six batches
    target = tmp_path / "copy.sqlite3"
    assert main(["--lang", "en", "store", "copy", str(store), str(target)]) == 0
    assert "copied 544 events" in capsys.readouterr().out

    def log_and_chain(path: Path) -> tuple[str, str]:
        assert main(["--store", str(path), "log", "--format", "jsonl"]) == 0
        log = capsys.readouterr().out
        assert main(["--lang", "en", "--store", str(path), "verify"]) == 0
        return log, capsys.readouterr().out

    # the same records, recorded times and order, and so the same hash chain
    assert log_and_chain(target) == log_and_chain(store)
    assert status_json(target, "2011-07-15") == status_json(store, "2011-07-15")


def test_a_second_import_waits_for_the_first_and_is_checked_against_it(store):
    first, second, waited = race_two_imports(open_app(location(store)), open_app(location(store)))
    assert waited  # the first holds the store from its first record to its commit
    assert (first.written, first.skipped) == (2, 0)
    assert (second.written, second.skipped, second.ok) == (0, 1, True)  # already there


def test_a_dry_run_against_a_missing_store_creates_nothing(tmp_path, capsys):
    path = tmp_path / "none.sqlite3"
    assert main(["--store", str(path), "import", "--dry-run", str(EVENTS / "demo.jsonl")]) == 0
    assert not path.exists()


def test_a_refused_import_into_a_missing_store_leaves_no_file(tmp_path, capsys):
    """It said "nothing written", and an empty store was left: `status` then showed
    an empty campaign instead of saying there was no store."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "ActivityHeld"}\n', encoding="utf-8")
    path = tmp_path / "new" / "cxzy.sqlite3"
    path.parent.mkdir()  # (a folder that is not there is refused first: decision 285)
    assert main(["--lang", "en", "--store", str(path), "import", str(bad)]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert list(path.parent.iterdir()) == []  # not even an empty store, or its hidden one
    assert main(["--lang", "en", "--store", str(path), "status"]) == 1
    assert "no store at" in capsys.readouterr().err
    assert not path.exists()


def test_a_store_its_disk_will_not_grow_exits_74_as_an_output_would(tmp_path):
    """An import into a store that could not grow (a full disk, a file-size limit)
    exited 1, "input refused", where an output the disk would not take exits 74;
    `verify --figures` said 1, the log broken. The message names SQLite's temporary
    folder too: its work files fill it, not the store's disk."""
    import resource

    from contract_helpers import subprocess_env

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (400 * 1024, 400 * 1024))

    store = tmp_path / "new.sqlite3"
    run = subprocess.run(
        [sys.executable, "-m", "cxzy", "--lang", "en", "--store", str(store), "import",
         str(EVENTS / "demo.jsonl")],
        env=subprocess_env(), capture_output=True, text=True, timeout=120,
        preexec_fn=small_files,
    )  # fmt: skip
    assert run.returncode == 74, (run.returncode, run.stderr)
    assert run.stderr.startswith(f"cannot write store {store} ("), run.stderr
    assert "is its disk full, or that of the temporary folder" in run.stderr, run.stderr
    assert "Nothing was written" in run.stderr and "Traceback" not in run.stderr
    assert not store.exists()


def test_a_refused_import_into_an_empty_file_leaves_it_empty(tmp_path, capsys):
    """`touch cxzy.sqlite3`, a refused import: the empty file became an empty store
    of 147 kB, though "nothing written" was said."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "ActivityHeld"}\n', encoding="utf-8")
    path = tmp_path / "cxzy.sqlite3"
    path.touch()
    assert main(["--store", str(path), "import", str(bad)]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", path.name]
    assert path.stat().st_size == 0
    assert main(["--store", str(path), "import", str(EVENTS / "demo.jsonl")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", path.name]
    assert status_json(path, "2011-07-15")["units"]


def test_an_import_into_a_missing_store_makes_it_whole_under_its_name(tmp_path, capsys):
    path = tmp_path / "cxzy.sqlite3"
    assert main(["--store", str(path), "import", str(EVENTS / "demo.jsonl")]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # nothing hidden left beside it
    assert status_json(path, "2011-07-15")["units"]


def test_a_new_store_is_written_without_a_write_ahead_log_and_left_with_one(
    tmp_path, capsys, monkeypatch
):
    """Nobody reads a store under its hidden name: its import keeps the rollback
    journal in memory (every page written once, not into the log and again into the
    file), and the store it puts in place is in WAL mode, for readers beside a
    writer (decision 147). An import into a store that has its name goes through
    the log as before."""
    seen: list[list[tuple[str, int]]] = []
    append = app_module.ImportTransaction.append

    def watched(self, *args, **kwargs):
        positions = append(self, *args, **kwargs)
        seen.append(sorted((p.name, p.stat().st_size) for p in tmp_path.iterdir()))
        return positions

    monkeypatch.setattr(app_module.ImportTransaction, "append", watched)
    path = tmp_path / "cxzy.sqlite3"
    assert main(["--store", str(path), "import", str(EVENTS / "demo.jsonl")]) == 0
    assert seen and all(not name.endswith("-wal") for files in seen for name, _ in files), seen
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    seen.clear()
    more = tmp_path.parent / f"{tmp_path.name}-more.jsonl"
    more.write_text(
        '{"type": "CommendationAwarded", "at": "2011-07-01", "unit": "145",'
        ' "title": "advanced_org", "level": "bureau"}\n',
        encoding="utf-8",
    )
    assert main(["--store", str(path), "import", str(more)]) == 0
    assert any(name == f"{path.name}-wal" for name, _ in seen[-1]), seen
    assert status_json(path, "2011-07-15")["units"]


@pytest.mark.parametrize("odd", ["device", "pipe"])
@pytest.mark.parametrize("command", ["import", "status", "copy to", "copy from"])
def test_a_store_path_that_names_a_device_or_a_pipe_is_said_to_be_no_file(
    store, tmp_path, capsys, odd, command
):
    """`store copy SRC /dev/null` said "disk I/O error: is the disk full?", and
    `--store /dev/null status` said there was no store to read there."""
    if odd == "device":
        path = Path(os.devnull)
    else:
        path = tmp_path / "fifo"
        os.mkfifo(path)
    argv = {
        "import": ["--store", str(path), "import", str(EVENTS / "demo.jsonl")],
        "status": ["--store", str(path), "status"],
        "copy to": ["store", "copy", str(store), str(path)],
        "copy from": ["store", "copy", str(path), str(tmp_path / "copy.sqlite3")],
    }[command]
    assert main(["--lang", "en", *argv]) == 1
    err = capsys.readouterr().err
    assert err == f"store {path} is not a file (a device or a pipe); give a file path\n", err
    assert not (tmp_path / "copy.sqlite3").exists()


@pytest.mark.parametrize(
    "command", [["status"], ["import", str(EVENTS / "demo.jsonl")], ["store", "rebuild"]]
)
def test_a_store_a_newer_cxzy_wrote_is_refused_not_rebuilt_in_the_older_shape(
    store, capsys, command
):
    """A terminal not yet upgraded made a newer version's read model again in its
    older shape, and the upgraded one made it anew after it: back and forth, a
    minute or two at a million events, the imports waiting."""
    from cxzy.application.readmodel import VERSION

    newer = f"cxzy-read-model-v{VERSION + 1}"
    with closing(sqlite3.connect(store)) as db, db:
        db.execute(
            "UPDATE tracking SET application_name = ? WHERE application_name LIKE 'cxzy-read-%'",
            [newer],
        )
    assert main(["--lang", "en", "--store", str(store), *command]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"{store} was written by a newer cxzy (its figures are version {VERSION + 1}; this "
        f"cxzy makes version {VERSION}): upgrade cxzy here (pip install -U) to read it\n"
    ), err
    with closing(sqlite3.connect(store)) as db:
        names = {name for (name,) in db.execute("SELECT application_name FROM tracking")}
    assert newer in names and READ_MODEL not in names


def test_a_new_store_that_cannot_be_made_is_named_as_given(tmp_path, capsys):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    path = tmp_path / "a-file" / "cxzy.sqlite3"  # a folder that cannot be made
    assert main(["--lang", "en", "--store", str(path), "import", str(EVENTS / "demo.jsonl")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cannot create store {path}: "), err  # not its hidden name


def test_an_import_stopped_before_its_commit_leaves_no_new_store(tmp_path, capsys, monkeypatch):
    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(main_module.Importer, "run", stopped)
    path = tmp_path / "cxzy.sqlite3"
    assert main(["--store", str(path), "import", str(EVENTS / "demo.jsonl")]) == 130
    assert list(tmp_path.iterdir()) == []


def test_a_new_store_stopped_after_its_commit_but_before_its_name_says_nothing_written(
    tmp_path, capsys, monkeypatch
):
    """Committed under the hidden name, then removed: it said the records were
    written and at which position, and there was no store."""
    importer_run = main_module.Importer.run

    def committed_then_stopped(*args, **kwargs):
        importer_run(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(main_module.Importer, "run", committed_then_stopped)
    path = tmp_path / "cxzy.sqlite3"
    assert main(["--lang", "en", "--store", str(path), "import", str(EVENTS / "demo.jsonl")]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "committed" not in err, err
    assert list(tmp_path.iterdir()) == []


def test_the_demo_stopped_before_its_commit_leaves_no_new_store(tmp_path, capsys, monkeypatch):
    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(main_module.Importer, "run", stopped)
    path = tmp_path / "cxzy.sqlite3"
    assert main(["--store", str(path), "demo", "--no-open"]) == 130
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    assert main(["--lang", "en", "--store", str(path), "demo", "--no-open"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_store_made_meanwhile_under_the_name_is_imported_into_not_replaced(
    tmp_path, capsys, monkeypatch
):
    """Two first imports at once: the second to finish finds the first's store
    under the name, and its records are checked against that store instead."""
    path = tmp_path / "cxzy.sqlite3"
    real = staging.Staged.put_in_place

    def rival_first(self):
        load_demo_into(path)  # another process's import, committed a moment before
        return real(self)

    monkeypatch.setattr(staging.Staged, "put_in_place", rival_first)
    assert main(["--lang", "en", "--store", str(path), "import", str(EVENTS / "demo.jsonl")]) == 0
    said = capsys.readouterr()
    assert "imported 0 records, skipped 544 already present" in said.out
    assert "made a new store" not in said.err, said.err  # (the other one made it)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert main(["--lang", "en", "--store", str(path), "verify"]) == 0


def test_only_what_ended_processes_of_this_machine_left_is_removed(tmp_path, capsys):
    """A process killed outright leaves its hidden store; the next import to that
    name removes it, and never one still being made, here or on another machine
    sharing the folder."""
    path = tmp_path / "cxzy.sqlite3"
    host = socket.gethostname()
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    dead = tmp_path / f".cxzy.sqlite3.{host}.{int(ended.stdout)}.new"
    alive = tmp_path / f".cxzy.sqlite3.{host}.{os.getppid()}.new"  # (pytest's parent)
    elsewhere = tmp_path / ".cxzy.sqlite3.another-host.1.new"
    for made in (dead, Path(f"{dead}-wal"), alive, elsewhere):
        made.write_bytes(b"half made")
    # (not written for a minute: a store still being made, and written to, is waited for)
    os.utime(alive, (time.time() - 60, time.time() - 60))
    assert main(["--store", str(path), "import", str(EVENTS / "demo.jsonl")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [path.name, alive.name, elsewhere.name]
    )


def test_an_import_begun_while_another_makes_the_store_waits_for_it(demo_store, tmp_path, capsys):
    """A second import into a store another process was still making (the campaign's
    first records) was checked against an empty store of its own and refused, "no
    campaign planned yet", exit 1: it waits for that store, as for a store's lock."""
    path = tmp_path / "cxzy.sqlite3"
    maker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    making = tmp_path / f".cxzy.sqlite3.{socket.gethostname()}.{maker.pid}.new"
    making.write_bytes(b"being made")

    def made() -> None:  # what the other import puts in place, then ends
        time.sleep(1.0)
        shutil.copy(demo_store, path)
        making.unlink()
        maker.kill()

    other = threading.Thread(target=made)
    other.start()
    one = tmp_path / "one.jsonl"
    record = {"type": "ActivityHeld", "at": "2012-11-06", "unit": "ZP", "kind": "study"}
    one.write_text(json.dumps({**record, "title": "学习"}) + "\n", encoding="utf-8")
    try:
        code = main(["--lang", "en", "--store", str(path), "import", str(one)])
    finally:
        other.join()
        maker.wait()
    out, err = capsys.readouterr()
    assert code == 0 and "imported 1 record" in out, err
    assert "waiting for it" in err, err
    assert open_app(StoreLocation("sqlite", str(path)), read_only=True).head() == 545


def test_no_store_is_made_where_a_write_ahead_log_lies_beside_none(store, tmp_path, capsys):
    """A store removed while a program had it open leaves its -wal: SQLite played it
    onto the next store made under that name (a backup restored with `store copy`
    held what it was to undo). Refused, saying so, and nothing made."""
    path = tmp_path / "cxzy.sqlite3"
    left = tmp_path / "cxzy.sqlite3-wal"
    left.write_bytes(b"frames of a store removed")
    code = main(["--lang", "en", "store", "copy", str(store), str(path)])
    err = capsys.readouterr().err
    assert code == 1 and f"{left} lies beside no store" in err and "nothing was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([store.name, left.name])
    left.unlink()
    assert main(["--lang", "en", "store", "copy", str(store), str(path)]) == 0


def test_a_copy_into_a_new_file_that_is_stopped_leaves_no_file(store, tmp_path, monkeypatch):
    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(copying, "_append", stopped)
    target = tmp_path / "copy.sqlite3"
    assert main(["store", "copy", str(store), str(target)]) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == [store.name]


def test_commands_on_a_sqlite_store_do_not_load_postgresqls_driver(store):
    """PostgreSQL's driver and recorder load only for a PostgreSQL store: they were
    a third of every command's start-up."""
    script = (
        "import sys\n"
        "from cxzy.cli.main import main\n"
        f"code = main(['--store', {str(store)!r}, 'status', '--as-of', '2011-03-01'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'psycopg'"
        " or m == 'eventsourcing.postgres')\n"
        "print('LOADED', code, loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines()[-1] == "LOADED 0 []"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="drops root's file-permission override with setpriv",
)
def test_a_dry_run_against_an_unwritable_store_without_room_for_its_copy_says_so(
    store, tmp_path, capsys, monkeypatch
):
    """SQLite's "disk I/O error" of a copy into a full temporary folder blamed the
    store itself (decision 155): the room needed is said, and where."""
    from cxzy.application import store as store_module

    monkeypatch.setattr(main_module, "writable", lambda path: False)
    monkeypatch.setattr(
        store_module.shutil, "disk_usage", lambda folder: shutil._ntuple_diskusage(1, 1, 1000)
    )  # type: ignore[attr-defined]
    assert (
        main(
            [
                "--lang",
                "en",
                "--store",
                str(store),
                "import",
                "--dry-run",
                str(EVENTS / "demo.jsonl"),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert f"store {store} may not be written, so a dry run checks against a copy" in err, err
    assert "1,000 are free (set TMPDIR to a folder with room)" in err, err


@pytest.mark.parametrize("command", [["status"], ["log"], ["import", "-"], ["verify"]])
def test_a_store_this_user_may_not_read_is_said_so(store, tmp_path, command):
    """A store another user made private (chmod 600): "unable to open database
    file", SQLite's English inside the Chinese message, and no reason given."""
    private = tmp_path / "private.sqlite3"
    shutil.copy(store, private)
    private.chmod(0o000)
    without_override = ["setpriv", "--inh-caps=-dac_override,-dac_read_search"]
    without_override.append("--bounding-set=-dac_override,-dac_read_search")
    for lang, said in (
        ("en", "cannot open store {}: permission denied"),
        ("zh", "无法打开数据库 {}:没有权限"),
    ):
        proc = subprocess.run(
            [*without_override, sys.executable, "-m", "cxzy", "--lang", lang,
             "--store", str(private), *command],
            input="", capture_output=True, text=True, timeout=120, env=subprocess_env(),
        )  # fmt: skip
        assert (proc.returncode, proc.stderr) == (1, said.format(private) + "\n"), proc.stderr


def test_a_store_on_read_only_media_is_read_and_refuses_writes(store, tmp_path):
    """A copy in a folder nobody may write (read-only media): SQLite cannot make the
    WAL's -shm file there, so the store is read as immutable; an import is refused
    in one line. Run as a user without root's override of file permissions."""
    media = tmp_path / "media"
    media.mkdir()
    copy = media / "store.sqlite3"
    shutil.copy(store, copy)
    copy.chmod(0o444)
    media.chmod(0o555)
    without_override = ["setpriv", "--inh-caps=-dac_override,-dac_read_search"]
    without_override.append("--bounding-set=-dac_override,-dac_read_search")

    def cxzy(*args: str, lang: str = "en") -> subprocess.CompletedProcess:
        command = [*without_override, sys.executable, "-m", "cxzy", "--lang", lang]
        return subprocess.run(
            [*command, "--store", str(copy), *args], capture_output=True, text=True, timeout=120
        )

    try:
        status = cxzy("status", "--as-of", "2011-03-01", "--format", "json")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout) == status_json(store, "2011-03-01")
        assert cxzy("log", "--unit", "ZP").returncode == 0
        figures = cxzy("verify", "--figures")  # (it said a PostgreSQL role was needed)
        assert figures.returncode == 1 and "544 events checked" in figures.stdout
        assert "writes " in figures.stderr and "read-only for you" in figures.stderr, figures
        refused = cxzy("import", str(EVENTS / "demo.jsonl"))
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert "(its folder cannot be written: read-only media, or no permission)" in refused.stderr
        refused = cxzy("import", str(EVENTS / "demo.jsonl"), lang="zh")  # all of it in Chinese
        assert (
            refused.returncode == 1 and "(所在文件夹不可写:只读介质或无写权限)" in refused.stderr
        ), refused.stderr
        # a dry run checks against a temporary copy (decision 155): it was refused too
        award = tmp_path / "award.jsonl"
        award.write_text(
            '{"type": "CommendationAwarded", "at": "2011-07-01", "unit": "145",'
            ' "title": "advanced_org", "level": "bureau"}\n',
            encoding="utf-8",
        )
        checked = cxzy("import", "--dry-run", str(EVENTS / "demo.jsonl"), str(award))
        assert checked.returncode == 0, checked.stderr
        assert "would write 1 record, skip 544 already present" in checked.stdout
        # said, as on PostgreSQL (after an upgrade, the copy's rebuild was said as the
        # store's own: "rebuilding it from the log")
        assert checked.stderr.startswith(
            f"{copy} is read-only for you: checking against a temporary copy of it"
        ), checked.stderr
        assert sorted(p.name for p in media.iterdir()) == ["store.sqlite3"]
        assert len(cxzy("log", "--format", "jsonl").stdout.splitlines()) == 544  # (unchanged)
    finally:
        media.chmod(0o755)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="drops root's file-permission override with setpriv",
)
def test_a_read_only_shm_left_beside_a_writable_store_is_named(store, tmp_path):
    """Read while it was chmod 444, the store got a -shm that SQLite made read-only
    too; made writable again, every write was refused as "the file or its folder is
    read-only", both writable. The file to blame is named. Run as a user without
    root's override of file permissions."""
    copy = store
    copy.chmod(0o444)
    without_override = ["setpriv", "--inh-caps=-dac_override,-dac_read_search"]
    without_override.append("--bounding-set=-dac_override,-dac_read_search")

    def cxzy(*args: str) -> subprocess.CompletedProcess:
        command = [*without_override, sys.executable, "-m", "cxzy", "--lang", "en"]
        return subprocess.run(
            [*command, "--store", str(copy), *args], capture_output=True, text=True, timeout=120
        )

    assert cxzy("status").returncode == 0
    shm = tmp_path / "store.sqlite3-shm"
    if not shm.exists():  # (this SQLite read it without one: nothing to name)
        pytest.skip("no -shm made by a read")
    shm.chmod(0o444)  # (as SQLite made it, whatever the umask)
    copy.chmod(0o644)
    refused = cxzy("store", "rebuild")
    assert refused.returncode == 1, refused.stderr
    assert f"{shm} beside it is read-only" in refused.stderr, refused.stderr
    shm.unlink()
    assert cxzy("store", "rebuild").returncode == 0


NO_DB = "postgresql://postgres@127.0.0.1:1/nodb"  # (refused before any connection)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (f"{NO_DB}?schema=", "schema= names no schema (an unset variable?)"),
        (f"{NO_DB}?schema=a&schema=b", "the URL names more than one schema (a, b)"),
        (f"{NO_DB}?schema=information_schema", "one of PostgreSQL's own schemas"),
        (f"{NO_DB}?schema=pg_office", "one of PostgreSQL's own schemas"),
        (f"{NO_DB}?schema=select", "select is a reserved word of SQL"),
        (f"{NO_DB}?schema={'a' * 70}", "at most 63 characters in PostgreSQL (70 given)"),
        (f"{NO_DB}?schema=office#frag", "is not a store URL like postgresql://"),
    ],
)
def test_a_postgresql_url_naming_its_schema_amiss_is_refused_before_connecting(capsys, url, said):
    """An empty schema= (a script's unset variable) took the public schema; a schema
    given twice, the first; information_schema took a store that pg_dump --schema-only
    left out; a reserved word was PostgreSQL's raw syntax error; a 70-letter name was
    "lower-case letters, digits and _ only"."""
    assert main(["--lang", "en", "--store", url, "status"]) == 1
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1, err


def test_a_password_in_a_url_that_is_no_url_is_not_printed(capsys):
    """A password holding / ? or # not percent-encoded made no URL, and the message
    printed it whole (the README says cxzy never prints it)."""
    url = "postgresql://office:top/secret#1@127.0.0.1:1/nodb?schema=office"
    assert main(["--lang", "en", "--store", url, "status"]) == 1
    err = capsys.readouterr().err
    assert "top/secret" not in err and "postgresql://office:***@" in err, err
    assert "# as %23, / as %2F" in err, err  # (how to write it)
    # an @ in it too: urlsplit takes the part before it for the password
    url = "postgresql://office:a@b/c@127.0.0.1:1/nodb?schema=office"
    assert main(["--lang", "en", "--store", url, "status"]) == 1
    err = capsys.readouterr().err
    assert "b/c" not in err and "postgresql://office:***@" in err, err


def test_a_link_to_nowhere_and_an_empty_database_are_not_made_stores(tmp_path, capsys):
    """A store that is a symbolic link to a drive not mounted: a refused import left a
    store file at the link's target, and status said "no campaign". An empty SQLite
    database (made by ``sqlite3 x.db``) was given cxzy's tables by ``log``."""
    demo = str(EVENTS / "demo.jsonl")
    link = tmp_path / "office.db"
    link.symlink_to(tmp_path / "mnt" / "office.db")
    for command in (["import", demo], ["status"]):
        assert main(["--store", str(link), "--lang", "en", *command]) == 1
        assert capsys.readouterr().err.strip() == (
            f"store {link} is a symbolic link to {tmp_path / 'mnt' / 'office.db'}, which does "
            "not exist (a drive not mounted?); nothing was made"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office.db"]
    empty = tmp_path / "empty.db"
    with closing(sqlite3.connect(empty)) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("DROP TABLE t")
    for command in (["log"], ["status"], ["verify"]):
        assert main(["--store", str(empty), "--lang", "en", *command]) == 1, command
        assert "no store at" in capsys.readouterr().err
    with closing(sqlite3.connect(empty)) as db:
        assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone() == (0,)
    assert main(["--store", str(empty), "--lang", "en", "import", demo]) == 0  # (made there)


def test_a_row_added_to_the_logs_read_model_past_its_end_is_found_and_mended(store, capsys):
    """A row of cx_log past the log's end: shown by ``cxzy log``, passed by ``verify``,
    and the next import failed on it with SQLite's words under "cannot open store"."""
    with sqlite3.connect(store) as db:
        db.execute(
            """INSERT INTO cx_log SELECT pos + 1, record_id || 'x', digest, type, unit,
               entity, at, day, recorded, delay, by_whom, origin, 'FAKE', person, marks
               FROM cx_log WHERE pos = 544"""
        )
    assert main(["--store", str(store), "--lang", "en", "verify"]) == 1
    assert capsys.readouterr().err.strip() == (
        "log broken at position 545: the read model shows a record here (cx_log) that the "
        "log does not hold: added outside cxzy (cxzy store rebuild makes the read model "
        "again from the log)"
    )
    awards = store.parent / "award.jsonl"
    awards.write_text(
        '{"type": "CommendationAwarded", "at": "2012-11-06", "unit": "133", '
        '"title": "advanced_org", "level": "province"}\n',
        encoding="utf-8",
    )
    assert main(["--store", str(store), "--lang", "en", "import", str(awards)]) == 1
    err = capsys.readouterr().err
    assert "figures already hold a row this import would write" in err, err
    assert main(["--store", str(store), "--lang", "en", "store", "rebuild"]) == 0
    assert main(["--store", str(store), "--lang", "en", "import", str(awards)]) == 0
    assert main(["--store", str(store), "--lang", "en", "verify"]) == 0


def test_verify_reads_every_page_of_a_sqlite_store_its_indexes_too(store, capsys):
    """A damaged leaf page of an index: ``log --type`` said "damaged … restore it from
    a backup, then run cxzy verify", and verify, reading the tables only, passed."""
    with closing(sqlite3.connect(store)) as db:
        page = db.execute(
            "SELECT pageno FROM dbstat WHERE name = 'ix_log_type' AND pagetype = 'leaf'"
        ).fetchone()[0]
        size = db.execute("PRAGMA page_size").fetchone()[0]
    with open(store, "r+b") as file:
        file.seek((page - 1) * size + 200)
        file.write(bytes(range(256)) * 2)
    assert main(["--store", str(store), "--lang", "en", "verify"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"store {store} is damaged (") and "restore it from a backup" in err
    assert len(err.strip().splitlines()) == 1, err


def test_the_commit_moments_dropped_by_hand_are_said_not_read_around(store, capsys):
    """cx_commits dropped: every command went on, a checkpoint's time changed to the
    records' moment, and "as known at" a moment before an import's commit counted it."""
    with sqlite3.connect(store) as db:
        db.execute("DROP TABLE cx_commits")
    for command in (["checkpoint"], ["status"], ["verify"]):
        assert main(["--store", str(store), "--lang", "en", *command]) == 1, command
        err = capsys.readouterr().err
        assert err.startswith(f"store {store} has lost the moments its imports committed"), err
    assert main(["--store", str(store), "--lang", "en", "store", "rebuild"]) == 0
    assert main(["--store", str(store), "--lang", "en", "checkpoint"]) == 0
    with closing(sqlite3.connect(store)) as db:
        assert db.execute("SELECT COUNT(*) FROM cx_commits").fetchone() == (0,)


def test_events_removed_with_their_links_are_said_removed_not_rows_added(store, capsys):
    """(A review of the check for rows of cx_log past the log's end: events removed
    from the end with their links, their rows left, were said "added outside cxzy",
    with advice to rebuild, which would have hidden the removal.)"""
    with sqlite3.connect(store) as db:
        db.execute("DELETE FROM stored_events WHERE rowid >= 543")
        db.execute("DELETE FROM cx_chain WHERE pos >= 543")
    assert main(["--store", str(store), "--lang", "en", "verify"]) == 1
    assert "events were removed from its end" in capsys.readouterr().err


def test_each_sqlite_store_of_a_process_is_read_by_its_own_shape(demo_store, tmp_path):
    """A new store (v15: cx_campaign keeps the template's text) read before an older
    one in the same process: the older one was asked for the column it lacks, "no
    such column: template_text", so `store copy` of an older read-only store into a
    new file failed. What a recorder has seen of its store's shape is its own."""
    older = tmp_path / "older.sqlite3"
    shutil.copy(demo_store, older)
    with closing(sqlite3.connect(older)) as db, db:
        db.execute("ALTER TABLE cx_campaign DROP COLUMN template_text")
    new = open_app(location(demo_store), read_only=True)
    assert StatusQuery(new).campaign().template.key == "cxzy-2010"
    old = open_app(location(older), read_only=True)
    assert StatusQuery(old).campaign().template == StatusQuery(new).campaign().template
    assert StatusQuery(old).status(date(2011, 3, 1)) == StatusQuery(new).status(date(2011, 3, 1))
    new.close()
    old.close()


def test_a_store_on_a_full_disk_is_said_so_even_to_read_it(demo_store, tmp_path):
    """A read needs room beside the store for SQLite's -shm file: on a full disk every
    command said "cannot open store: disk I/O error", in English in a Chinese
    message, and `verify` looked like a broken log. (The disk is made "full" here by
    a limit on a file's size.)"""
    import resource

    from contract_helpers import subprocess_env

    store = tmp_path / "s.db"
    shutil.copy(demo_store, store)

    def full() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    proc = subprocess.run(
        [sys.executable, "-m", "cxzy", "--store", str(store), "status"],
        capture_output=True, text=True, env=subprocess_env(), preexec_fn=full, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"无法打开数据库 {store}:磁盘读写出错。磁盘是否已满或有故障?"
        "即使只是读取,SQLite 也需要在数据库旁留出少量空间(它的 -shm 文件)"
    ), proc.stderr


def test_sqlites_words_for_a_read_only_file_are_said_in_the_interfaces_language():
    """("无法写入数据库 ro.sqlite3(attempt to write a readonly database)")"""
    from cxzy.application.store import StoreLocation, store_error

    failed = sqlite3.OperationalError("attempt to write a readonly database")
    said = rendered(store_error(StoreLocation("sqlite", "ro.sqlite3"), failed), "zh")
    assert said == "无法写入数据库 ro.sqlite3(文件只读):文件或其所在文件夹为只读", said

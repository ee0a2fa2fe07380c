"""The hash chain: `cxzy verify` catches every direct edit of the SQLite file, and
`cxzy checkpoint` / `verify --against` prove the log still extends a checkpoint."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from pathlib import Path

import pytest

from contract_helpers import Cli, act, assert_one_line_error, full_history

BROKEN = re.compile(r"^log broken at position (\d+): (.+)$")
ALTERED = (
    "the stored event differs from the one chained when it was recorded (altered,"
    " inserted, swapped or moved)"
)
UNCHAINED = (
    "the event has no link in the hash chain (its link was removed, or the event was "
    "added outside cxzy)"
)


@pytest.fixture
def cli(capsys, tmp_path):
    c = Cli(capsys, tmp_path)
    c.ok_import(full_history())
    return c


REBUILDING = (
    "this store's read model is missing or from another version of cxzy: "
    "rebuilding it from the log ({events} events; a minute or two at a million; an older"
    " cxzy refuses the store afterwards)…"
)


def count(store: Path) -> int:
    with sqlite3.connect(store) as db:
        return int(db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0])


def rebuild(cli: Cli) -> None:
    """Open the store as a command does after ``DELETE FROM tracking``: it rebuilds
    the read model from the log, and says so."""
    res = cli.run("status")
    assert res.code == 0 and res.err_lines == [REBUILDING.format(events=count(cli.store))]


def broken_at(cli: Cli, *extra: str) -> tuple[int, str]:
    res = cli.run("verify", *extra)
    assert_one_line_error(res)
    found = BROKEN.match(res.err_lines[0])
    assert found, res.err
    return int(found[1]), found[2]


def edit_state(store: Path, pos: int, change) -> None:
    with sqlite3.connect(store) as db:
        (state,) = db.execute("SELECT state FROM stored_events WHERE rowid = ?", (pos,)).fetchone()
        data = json.loads(state)
        change(data)
        db.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            (json.dumps(data).encode(), pos),
        )


def run_sql(store: Path, *statements: str) -> None:
    with sqlite3.connect(store) as db:
        for statement in statements:
            db.execute(statement)


def test_an_intact_log_verifies_with_the_count_and_head(cli):
    res = cli.run("verify")
    assert res.code == 0, str(res)
    n = count(cli.store)
    found = re.fullmatch(rf"{n} events checked, head ([0-9a-f]{{64}})", res.out.strip())
    assert found, res.out
    with sqlite3.connect(cli.store) as db:
        (head,) = db.execute("SELECT hash FROM cx_chain WHERE pos = ?", (n,)).fetchone()
    assert found[1] == head


def test_an_empty_store_verifies_with_zero_events(capsys, tmp_path):
    from cxzy.application.app import open_app
    from cxzy.application.store import StoreLocation

    c = Cli(capsys, tmp_path)
    c.ok_import(["# nothing yet"])  # (makes no store: decision 232)
    open_app(StoreLocation("sqlite", str(c.store)), create=True).close()  # one made empty
    res = c.run("verify")
    assert res.code == 0, str(res)
    assert res.out.startswith("0 events checked")


def test_the_head_changes_with_every_import_and_the_store_stays_verifiable(cli):
    first = cli.run("verify").out
    cli.ok_import([act("145", "show_badge", "2010-07-02")])
    second = cli.run("verify")
    assert second.code == 0 and second.out != first


def test_editing_an_events_content_is_caught_at_its_position(cli):
    def retitle(data):
        data["title"] = "edited after the fact"

    pos = next(
        p
        for p in range(1, count(cli.store) + 1)
        if "title" in json.loads(_state(cli.store, p)) and p > 5
    )
    edit_state(cli.store, pos, retitle)
    assert broken_at(cli)[0] == pos


def test_editing_the_recorded_time_inside_an_event_is_caught(cli):
    def earlier(data):
        data["timestamp"]["_data_"] = "2010-01-01T00:00:00+00:00"

    edit_state(cli.store, 7, earlier)
    assert broken_at(cli)[0] == 7


def test_editing_topic_or_originator_version_is_caught(cli, tmp_path):
    run_sql(cli.store, "UPDATE stored_events SET topic = 'cxzy:UnitUpdated' WHERE rowid = 9")
    assert broken_at(cli)[0] == 9
    fresh = Cli(cli.capsys, tmp_path, store_name="v.db")
    fresh.ok_import(full_history())
    run_sql(
        fresh.store,
        "UPDATE stored_events SET originator_version = originator_version + 100 WHERE rowid = 12",
    )
    assert broken_at(fresh)[0] == 12


def test_deleting_a_row_in_the_middle_or_at_the_end_is_caught(cli, tmp_path):
    n = count(cli.store)
    run_sql(cli.store, f"DELETE FROM stored_events WHERE rowid = {n}")
    assert broken_at(cli) == (n, "the event at this position was removed")
    run_sql(cli.store, "DELETE FROM stored_events WHERE rowid = 5")
    assert broken_at(cli)[0] == 5


def test_the_last_records_removed_with_their_links_and_rows_are_caught(cli):
    """Removed from the end of the log everywhere it shows (the event, its chain link
    and its cx_log row): the read model's tracking, written with the events, still
    names the last position. verify says so; a write is refused with the reason,
    not eventsourcing's failure to record tracking."""
    n = count(cli.store)
    run_sql(
        cli.store,
        f"DELETE FROM stored_events WHERE rowid >= {n - 1}",
        f"DELETE FROM cx_chain WHERE pos >= {n - 1}",
        f"DELETE FROM cx_log WHERE pos >= {n - 1}",
    )
    assert broken_at(cli) == (
        n - 1,
        f"the log ends at position {n - 2}, but the store had recorded events up to "
        f"position {n}: events were removed from its end",
    )
    _, res = cli.imp([act("U1", "theory_study", "2011-05-03T10:00:00+08:00")])
    assert_one_line_error(res)
    assert res.err_lines == [
        f"store {cli.store} is damaged: its log ends at position {n - 2}, but the store had "
        f"recorded events up to position {n} (events were removed from its end); restore it "
        "from a backup, then run cxzy verify"
    ]
    assert count(cli.store) == n - 2


def test_an_imports_commit_moment_moved_is_caught(cli):
    """cx_commits is outside the chain: held to the log instead. A commit put in the
    future would hide an import "as known at" any moment before the next one; one
    stretched over another import's positions would hide that one."""
    first_import_end = count(cli.store)
    cli.ok_import([act("146", "study", "2011-05-03T10:00:00+08:00")])
    assert cli.run("verify").code == 0
    run_sql(cli.store, "UPDATE cx_commits SET committed = '2999-01-01T00:00:00.000000+00:00'")
    assert broken_at(cli)[0] == 1
    run_sql(
        cli.store,
        "UPDATE cx_commits SET committed = '2020-01-01T00:00:00.000000+00:00'",
        f"UPDATE cx_commits SET first_pos = {first_import_end} "
        f"WHERE last_pos = {first_import_end + 1}",
    )
    assert broken_at(cli) == (
        first_import_end,
        "the moment the import of this position committed (cx_commits) was altered: it does "
        "not fit the log",
    )


def test_swapping_the_contents_of_two_rows_is_caught_at_the_first(cli):
    with sqlite3.connect(cli.store) as db:
        a = db.execute("SELECT * FROM stored_events WHERE rowid = 8").fetchone()
        b = db.execute("SELECT * FROM stored_events WHERE rowid = 20").fetchone()
        db.execute("DELETE FROM stored_events WHERE rowid IN (8, 20)")
        db.execute(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, "
            "topic, state) VALUES (8, ?, ?, ?, ?)",
            b,
        )
        db.execute(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, "
            "topic, state) VALUES (20, ?, ?, ?, ?)",
            a,
        )
    assert broken_at(cli)[0] == 8


def test_reordering_rows_by_renumbering_is_caught(cli):
    run_sql(
        cli.store,
        "UPDATE stored_events SET rowid = -1 WHERE rowid = 15",
        "UPDATE stored_events SET rowid = 15 WHERE rowid = 16",
        "UPDATE stored_events SET rowid = 16 WHERE rowid = -1",
    )
    assert broken_at(cli)[0] == 15


def _forged_row(store: Path) -> tuple:
    """A well-formed new event: an activity copied from an existing one, new ids."""
    with sqlite3.connect(store) as db:
        _oid, version, topic, state = db.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE topic = 'cxzy:ActivityHeld' LIMIT 1"
        ).fetchone()
    data = json.loads(state)
    data["title"] = "forged"
    data["stamp"]["_data_"]["id"] = "forged-1"
    return (uuid.uuid4().hex, version, topic, json.dumps(data).encode())


def test_a_row_appended_outside_cxzy_is_caught(cli):
    n = count(cli.store)
    with sqlite3.connect(cli.store) as db:
        db.execute("INSERT INTO stored_events VALUES (?, ?, ?, ?)", _forged_row(cli.store))
    assert broken_at(cli) == (n + 1, UNCHAINED)
    # any other command brings the read model up to date, chaining it late: still caught
    assert cli.run("status", "--as-of", "2011-01-01").code == 0
    bad, reason = broken_at(cli)
    assert bad == n + 1 and "added outside cxzy" in reason and "chained later" in reason


def test_a_row_inserted_in_the_middle_is_caught(cli):
    n = count(cli.store)
    with sqlite3.connect(cli.store) as db:
        for pos in range(n, 10, -1):
            db.execute(f"UPDATE stored_events SET rowid = {pos + 1} WHERE rowid = {pos}")
        db.execute(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
            "VALUES (11, ?, ?, ?, ?)",
            _forged_row(cli.store),
        )
    assert broken_at(cli) == (11, ALTERED)


def test_editing_the_chain_or_the_read_models_copy_is_caught(cli, tmp_path):
    run_sql(
        cli.store, "UPDATE cx_chain SET hash = replace(hash, substr(hash, 1, 1), 'x') WHERE pos = 6"
    )
    assert broken_at(cli)[0] == 6
    other = Cli(cli.capsys, tmp_path, store_name="rm.db")
    other.ok_import(full_history())
    # backdating the recorded time would change what `--known-at` shows
    run_sql(
        other.store,
        "UPDATE cx_log SET recorded = '2000-01-01T00:00:00.000000+00:00' WHERE pos = 13",
    )
    assert broken_at(other) == (
        13,
        "the read model's copy (cx_log: its id, digest, times, who, origin, summary, unit or"
        " entity) differs from the stored event (cxzy store rebuild makes it again from the"
        " log)",
    )
    third = Cli(cli.capsys, tmp_path, store_name="gap.db")
    third.ok_import(full_history())
    run_sql(third.store, "DELETE FROM cx_chain WHERE pos = 40")
    assert broken_at(third) == (40, UNCHAINED)


def test_figures_edited_outside_cxzy_are_found_by_verify_figures_and_left_as_they_are(cli):
    """The chain covers the log, not what is worked out from it: a grade edited in
    the read model changed what `status` says, and `verify` passed."""
    res = cli.run("verify", "--figures")
    assert res.code == 0 and "the figures are those the log gives" in res.out, res
    with sqlite3.connect(cli.store) as db:
        assert db.execute("UPDATE cx_grades SET grade = 'advanced'").rowcount
    edited = cli.run("status", "--format", "json").out
    assert cli.run("verify").code == 0  # (the log is intact)
    res = cli.run("verify", "--figures")
    assert res.code == 1
    assert res.err_lines[-1].startswith("figures unlike those the log gives, in: cx_grades ("), res
    assert cli.run("status", "--format", "json").out == edited  # checked, not mended


def test_figures_written_by_several_imports_are_those_the_log_gives(capsys, tmp_path):
    """The running totals' weeks were written with their units in the order they
    came: a store imported in parts held the same objects as a rebuild, keys in
    another order, and --figures said they were edited."""
    from conftest import EVENTS

    lines = (EVENTS / "demo.jsonl").read_text(encoding="utf-8").splitlines(True)
    store = Cli(capsys, tmp_path)
    for n, part in enumerate((lines[:200], lines[200:400], lines[400:])):
        path = tmp_path / f"part{n}.jsonl"
        path.write_text("".join(part), encoding="utf-8")
        assert store.run("import", path).code == 0
    res = store.run("verify", "--figures")
    assert res.code == 0 and "the figures are those the log gives" in res.out, res


def test_a_rebuilt_read_model_keeps_the_chain_written_with_the_events(cli):
    before = cli.run("verify").out
    run_sql(cli.store, "DELETE FROM tracking")  # forces a rebuild on the next open
    res = cli.run("verify")
    assert res.code == 0, str(res)
    # the links of the import, not new ones: verify says nothing of a rebuilt chain
    assert res.out == before and res.err_lines == [REBUILDING.format(events=count(cli.store))]
    assert cli.run("verify").err == ""  # rebuilt once
    cli.ok_import([act("145", "show_badge", "2010-07-02")])  # and it goes on from them
    assert cli.run("verify").code == 0


def test_a_lost_chain_is_computed_again_from_the_log_and_verify_says_so(cli):
    before = cli.run("verify").out
    run_sql(cli.store, "DELETE FROM tracking", "DELETE FROM cx_chain")
    res = cli.run("verify")
    assert res.code == 0, str(res)
    assert res.out == before  # same chain: same events, same recorded times
    assert "were chained when the read model was rebuilt" in res.err


def refused_rebuild(cli: Cli, *command: str) -> tuple[int, str]:
    """A rebuild refused for a log its chain does not vouch for: one line after the
    note that it began, naming the position and why; exit 1."""
    res = cli.run(*(command or ("status",)))
    assert res.code == 1, str(res)
    found = re.fullmatch(
        rf"store {re.escape(str(cli.store))}: log broken at position (\d+): (.+); no figures"
        r" are made from events the hash chain does not vouch for: restore the store from a"
        r" backup",
        res.err_lines[-1],
    )
    assert found, res.err
    return int(found[1]), found[2]


def test_links_marked_rebuilt_by_hand_are_said_without_a_time(cli):
    """`cx_chain.rebuilt` set with sqlite3, where no rebuild kept its time: the note
    said the positions were chained when the read model was rebuilt "(None)"."""
    run_sql(cli.store, "UPDATE cx_chain SET rebuilt = 1 WHERE pos <= 5")
    res = cli.run("verify")
    assert res.code == 0 and "None" not in res.err, str(res)
    assert res.err_lines == [
        "note: positions 1–5 are marked as chained when the read model was rebuilt (no"
        " rebuild's time is kept), not as they were imported; only a checkpoint taken"
        " earlier vouches for them"
    ]


def test_a_rebuild_does_not_mend_a_link_removed_from_the_chain(cli):
    run_sql(cli.store, "DELETE FROM cx_chain WHERE pos = 20", "DELETE FROM tracking")
    assert refused_rebuild(cli) == (20, UNCHAINED)
    assert refused_rebuild(cli) == (20, UNCHAINED)  # nothing of it was kept


def test_a_rebuild_refuses_a_log_an_event_was_removed_from(cli):
    run_sql(cli.store, "DELETE FROM stored_events WHERE rowid = 30", "DELETE FROM tracking")
    assert refused_rebuild(cli) == (30, "the event at this position was removed")


def test_store_rebuild_makes_no_figures_of_an_edited_event_and_keeps_the_true_ones(cli):
    """An event edited with sqlite3, then `cxzy store rebuild` (which messages advise
    for figures edited outside cxzy): the rebuild made the figures of the edited
    event, and status, the papers and their head said them as the chain's."""
    shown = cli.status("2010-07-03")
    pos = next(p for p in range(6, 40) if "title" in json.loads(_state(cli.store, p)))
    edit_state(cli.store, pos, lambda data: data.update(title="rewritten"))
    assert refused_rebuild(cli, "store", "rebuild") == (pos, ALTERED)
    assert cli.status("2010-07-03") == shown  # rolled back: the figures of the true log
    assert broken_at(cli)[0] == pos


def test_a_rebuild_chains_an_event_after_the_last_link_and_verify_says_it_came_later(cli):
    n = count(cli.store)
    run_sql(cli.store, f"DELETE FROM cx_chain WHERE pos = {n}", "DELETE FROM tracking")
    rebuild(cli)
    assert broken_at(cli) == (
        n,
        "the event was written without its chain link (added outside cxzy) and chained later",
    )


# -- checkpoints ----------------------------------------------------------------------


def test_checkpoint_is_one_line_and_verify_against_it_passes_as_the_log_grows(cli):
    res = cli.run("checkpoint")
    assert res.code == 0, str(res)
    line = res.out.strip()
    n = count(cli.store)
    found = re.fullmatch(rf"cxzy-checkpoint:{n}:([0-9a-f]{{64}}):(\S+)", line)
    assert found, line
    assert found[1] in cli.run("verify").out
    then = cli.status("2010-07-03")["units"]
    cli.ok_import([act("145", "show_badge", "2010-07-02")])
    assert cli.status("2010-07-03")["units"] != then
    later = cli.run("verify", "--against", line)
    assert later.code == 0, str(later)
    assert f"extends checkpoint {n}" in later.out
    # the checkpoint's time reproduces the figures of that moment
    assert cli.status("2010-07-03", "--known-at", found[2])["units"] == then


def test_verify_against_fails_after_a_rebuild_from_a_tampered_log(cli):
    line = cli.run("checkpoint").out.strip()

    def retitle(data):
        data["title"] = "rewritten"

    pos = next(p for p in range(1, 40) if "title" in json.loads(_state(cli.store, p)))
    edit_state(cli.store, pos, retitle)
    run_sql(cli.store, "DELETE FROM tracking")  # a rebuild keeps the chain: refused
    assert refused_rebuild(cli)[0] == pos
    # hide it: without a chain, the rebuild computes one from the log as it now is
    run_sql(cli.store, "DELETE FROM cx_chain", "DELETE FROM tracking")
    rebuild(cli)
    assert cli.run("verify").code == 0  # the file alone cannot tell…
    bad, reason = broken_at(cli, "--against", line)  # …a checkpoint held elsewhere can
    assert bad == count(cli.store) and "does not extend the checkpoint" in reason


def test_a_checkpoint_whose_time_is_not_the_stores_is_said_so_not_a_broken_log(cli):
    """The right hash with another time said "log broken at position N: … its hash
    or recorded time differs": the log was whole, the line's time was not."""
    line = cli.run("checkpoint").out.strip()
    *prefix, held = line.split(":", 3)
    other = ":".join([*prefix, "2001-01-01T00:00:00.000000+00:00"])
    res = cli.run("verify", "--against", other)
    assert_one_line_error(res)
    n = count(cli.store)
    assert res.err_lines[0] == (
        f"checkpoint not borne out at position {n}: the log holds the checkpoint's hash here,"
        f" but the store held this position at {held}, not at 2001-01-01T00:00:00.000000+00:00"
        " as the checkpoint says: the line's time was changed, or the moments the store keeps"
        " of its imports (cx_commits) were"
    ), res.err
    assert cli.run("verify").code == 0  # (the log is whole)


def test_verify_against_a_checkpoint_beyond_the_log(cli):
    n = count(cli.store)
    line = cli.run("checkpoint").out.strip()
    run_sql(
        cli.store,
        f"DELETE FROM stored_events WHERE rowid = {n}",
        f"DELETE FROM cx_chain WHERE pos = {n}",
        f"DELETE FROM cx_log WHERE pos = {n}",
    )
    bad, reason = broken_at(cli, "--against", line)
    assert bad == n and "before the checkpoint" in reason


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "cxzy-checkpoint:12:abc:2010-01-01T00:00:00+00:00",
        "cxzy-checkpoint:0:" + "0" * 64 + ":2010-01-01T00:00:00+00:00",
        "cxzy-checkpoint:3:" + "a" * 64 + ":yesterday",
        # a position no log holds (an internal error) and one in Arabic-Indic digits
        "cxzy-checkpoint:9223372036854775808:" + "a" * 64 + ":2010-01-01T00:00:00+00:00",
        "cxzy-checkpoint:\u0665\u0664\u0664:" + "a" * 64 + ":2010-01-01T00:00:00+00:00",
    ],
)
def test_a_malformed_checkpoint_is_one_line_exit_1(cli, text):
    res = cli.run("verify", "--against", text)
    assert_one_line_error(res)
    assert "is not a checkpoint" in res.err


def test_a_checkpoint_is_read_in_either_case_and_quoted_whole_when_refused(cli):
    """A hash copied in capitals was "not a checkpoint"; a refused line was quoted cut
    at 100 characters with no "…", its time (where a slip usually is) read as if
    typed short."""
    line = cli.run("checkpoint").out.strip()
    prefix, n, digest, held = line.split(":", 3)
    res = cli.run("verify", "--against", ":".join([prefix, n, digest.upper(), held]))
    assert res.code == 0 and f"extends checkpoint {n}" in res.out, str(res)
    slip = line.replace("+00:00", "+0O:00")
    res = cli.run("verify", "--against", slip)
    assert_one_line_error(res)
    assert f"'{slip}' is not a checkpoint" in res.err, res.err


def test_checkpoint_of_an_empty_or_broken_log_is_refused(cli, capsys, tmp_path):
    empty = Cli(capsys, tmp_path, store_name="empty.db")
    empty.ok_import(["# nothing"])
    res = empty.run("checkpoint")
    assert_one_line_error(res)
    assert "empty" in res.err
    run_sql(cli.store, "DELETE FROM stored_events WHERE rowid = 3")
    res = cli.run("checkpoint")
    assert_one_line_error(res)
    assert res.out == "" and "position 3" in res.err


def test_status_table_and_verify_name_the_same_head(cli):
    res = cli.run("status", "--as-of", "2011-03-01")
    head = cli.run("verify").out.split()[-1]
    assert head in res.out.replace("\n", "").replace(" ", "")


def _state(store: Path, pos: int) -> bytes:
    with sqlite3.connect(store) as db:
        return db.execute("SELECT state FROM stored_events WHERE rowid = ?", (pos,)).fetchone()[0]

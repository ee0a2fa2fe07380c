"""Readers while an import writes: never half an import, never "database is locked"."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from contract_helpers import bench_generator, verify_while_an_import_commits
from cxzy.application.app import open_app
from cxzy.application.history import LogFilter, LogQuery
from cxzy.application.status import StatusQuery
from cxzy.application.store import StoreLocation

generate = bench_generator()


@pytest.mark.slow
def test_verify_while_another_process_imports_checks_what_was_there(store):
    """An import committed while verify walked the log: its rows were "added outside
    cxzy" (exit 1), and so was every backup (store copy) and checkpoint taken while
    the office worked."""
    during, after = verify_while_an_import_commits(StoreLocation("sqlite", str(store)))
    assert during.broken is None and during.checked == 544, during.broken
    assert after.broken is None and after.checked == 545, after.broken


def test_readers_see_all_of_an_import_or_none_of_it(store, tmp_path):
    records = generate.generate(20_000, 50, 7)[1:]  # the demo store already has a campaign
    # re-home the synthetic history onto the demo's campaign and units
    big = tmp_path / "big.jsonl"
    units = {f"U{n}": code for n, code in enumerate(["JU", "133", "145", "149", "ZP"] * 10)}
    with big.open("w", encoding="utf-8") as out:
        for record in records:
            if record["type"] in ("UnitRegistered", "LeaderAssigned"):
                continue
            if "unit" in record:
                record["unit"] = units[record["unit"]]
            for key in ("id", "commitment", "rectification"):
                if key in record:
                    record[key] = f"cc-{record[key]}"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    reader = open_app(StoreLocation("sqlite", str(store)), read_only=True)
    before = reader.head()
    seen: set[int] = set()
    errors: list[BaseException] = []
    reads: list[int] = []
    done = threading.Event()

    def read() -> None:
        query, log = StatusQuery(reader), LogQuery(reader)
        while not done.is_set():
            try:
                seen.add(query.status(date(2012, 11, 7)).position)
                seen.add(len(log.rows(LogFilter())))  # the log's rows, counted in one snapshot
                reads.append(1)
            except BaseException as error:
                errors.append(error)
                return

    thread = threading.Thread(target=read)
    thread.start()
    result = subprocess.run(
        [sys.executable, "-m", "cxzy", "--store", str(store), "import", str(big)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    done.set()
    thread.join()
    assert result.returncode == 0, result.stderr
    after = reader.head()
    assert after > before and not errors, errors
    assert seen <= {before, after}, sorted(seen)  # positions and row counts alike
    assert len(reads) > 10  # the readers really did read while the import ran


def _cxzy(store: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cxzy", "--store", str(store), "--lang", "en", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_commands_opened_while_an_import_writes_read_at_once_and_a_second_import_waits(
    store, tmp_path
):
    """Another process in the middle of its import holds the write lock: status
    and the log open and answer from what is committed; a second import waits for
    the lock and then writes (it used to fail at once, saying the store was held
    too long)."""
    record = {
        "type": "ActivityHeld",
        "id": "second-writer-1",
        "at": "2012-11-08",
        "unit": "ZP",
        "kind": "study",
        "title": "学习",
    }
    extra = tmp_path / "one.jsonl"
    extra.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    before = open_app(StoreLocation("sqlite", str(store)), read_only=True).head()
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # what an import holds from its start to its commit
    try:
        status = _cxzy(store, "status", "--as-of", "2012-11-07", "--format", "json")
        log = _cxzy(store, "log", "--format", "jsonl")
        second = _cxzy(store, "import", str(extra))
        out, err = status.communicate(timeout=20)
        assert status.returncode == 0, err
        assert json.loads(out)["units"]
        out, err = log.communicate(timeout=20)
        assert log.returncode == 0, err
        assert len(out.splitlines()) == before
        time.sleep(1.0)
        assert second.poll() is None, second.communicate()  # still waiting for the lock
    finally:
        holder.rollback()
        holder.close()
    out, err = second.communicate(timeout=30)
    assert second.returncode == 0, err
    # said while it waited (it waited silently: 30 s, then "held too long")
    assert err.startswith(
        "another program is writing into the store (an import, a rebuild…): "
        "waiting for it (at most 30 s)"
    ), err
    assert open_app(StoreLocation("sqlite", str(store)), read_only=True).head() == before + 1


def test_a_write_that_reads_first_waits_for_another_writer(store):
    """The read model's own writes (a catch-up after events written behind cxzy's
    back, a rebuild, new tables) read before they write: begun plainly, such a
    transaction failed at once when another process held the write lock."""
    app = open_app(StoreLocation("sqlite", str(store)))
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    outcome: list[object] = []

    def write() -> None:
        try:
            with app.recorder.write_cursor() as c:  # type: ignore[attr-defined]
                c.execute("SELECT value FROM cx_meta WHERE key = 'store_format'")
                c.execute("INSERT INTO cx_meta (key, value) VALUES ('waited', 'yes')")
            outcome.append("written")
        except Exception as error:  # the failure is the finding
            outcome.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(0.5)
    assert not outcome, outcome  # waiting, not failed
    holder.rollback()
    holder.close()
    thread.join(10)
    assert outcome == ["written"]


def test_an_import_told_to_wait_twice_says_so_once(tmp_path, capsys, monkeypatch):
    """(An import behind several others, on PostgreSQL: waiting as the store opened and
    again for the log's lock, it said "waiting" twice.)"""
    from cxzy.application import recorders
    from cxzy.cli.main import main

    made = recorders.CxzySQLiteRecorder.import_cursor

    def waited_twice(self, **kwargs):
        for _ in range(2):
            recorders.ON_WAIT.get()()
        return made(self, **kwargs)

    monkeypatch.setattr(recorders.CxzySQLiteRecorder, "import_cursor", waited_twice)
    demo = Path(__file__).resolve().parents[1] / "events" / "demo.jsonl"
    assert main(["--store", str(tmp_path / "s.db"), "--lang", "en", "import", str(demo)]) == 0
    err = capsys.readouterr().err
    assert err.count("waiting for it") == 1, err


def _one_activity(tmp_path: Path, record_id: str) -> Path:
    extra = tmp_path / "one.jsonl"
    record = {"type": "ActivityHeld", "id": record_id, "at": "2012-11-08", "unit": "ZP"}
    extra.write_text(json.dumps({**record, "kind": "study", "title": "学习"}) + "\n")
    return extra


@contextmanager
def _lock_held(store: Path) -> Iterator[None]:
    """Another program holding the store's write lock, as an import does."""
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.parametrize(
    "signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)]
)
def test_an_import_waiting_for_the_lock_stops_at_once_when_told(store, tmp_path, signum, code):
    """Ctrl-C or SIGTERM while another writer holds the lock: SQLite's wait was one
    call into C, and the import stopped only once the lock was let go, up to 30 s
    later (a `timeout` or a service manager waited on it as long)."""
    extra = _one_activity(tmp_path, "told-1")
    with _lock_held(store):
        waiting = _cxzy(store, "import", str(extra))
        assert waiting.stderr is not None
        assert "waiting for it" in waiting.stderr.readline()  # (now in its wait)
        waiting.send_signal(signum)
        _out, err = waiting.communicate(timeout=5)  # the lock still held
        assert waiting.returncode == code, err
        assert "nothing was written" in err, err
    assert open_app(StoreLocation("sqlite", str(store)), read_only=True).head() == 544


def test_an_import_under_nohup_goes_on_waiting_through_a_hangup(store, tmp_path):
    """The terminal closed (SIGHUP) under `nohup` (README): the import does not
    stop; it writes once the lock is let go."""
    extra = _one_activity(tmp_path, "nohup-1")
    with _lock_held(store):
        command = [sys.executable, "-m", "cxzy", "--lang", "en", "--store", str(store)]
        waiting = subprocess.Popen(
            [*command, "import", str(extra)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
        )
        assert waiting.stderr is not None
        assert "waiting for it" in waiting.stderr.readline()
        waiting.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting
    _out, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 0, err
    assert open_app(StoreLocation("sqlite", str(store)), read_only=True).head() == 545


def test_a_rebuild_says_it_waits_for_another_writer(store):
    """(A rebuild, or a copy into a store, waited 30 s unsaid, then blamed "another
    import" for holding the store.)"""
    with _lock_held(store):
        rebuild = _cxzy(store, "store", "rebuild")
        assert rebuild.stderr is not None
        said = rebuild.stderr.readline()
        assert said.startswith("another program is writing into the store"), said
        assert rebuild.poll() is None  # waiting
    out, err = rebuild.communicate(timeout=30)
    assert rebuild.returncode == 0, err
    assert "made again from the log's 544 events" in out


def test_an_import_that_gives_up_on_the_lock_exits_75_not_1(store, tmp_path, capsys, monkeypatch):
    """A store held too long by another program is no refusal of the input (exit 1,
    which a script reads as "fix the file"): it exits 75, try again later."""
    from cxzy.application import app as app_module
    from cxzy.cli.main import main

    monkeypatch.setattr(app_module, "WRITE_WAIT_SECONDS", 1)
    extra = _one_activity(tmp_path, "late-1")
    with _lock_held(store):
        code = main(["--lang", "en", "--store", str(store), "import", str(extra)])
    err = capsys.readouterr().err
    assert code == 75, err
    assert "another program has held the store" in err and "nothing was written" in err, err


def test_verify_figures_says_it_waits_for_another_writer_and_that_it_compared_nothing(
    store, capsys, monkeypatch
):
    """It waited 30 s unsaid behind an import, then said "nothing was written" (it
    writes nothing) and exited 75 as an import does."""
    from cxzy.application import app as app_module
    from cxzy.cli.main import main

    monkeypatch.setattr(app_module, "WRITE_WAIT_SECONDS", 1)
    with _lock_held(store):
        code = main(["--lang", "en", "--store", str(store), "verify", "--figures"])
    out, err = capsys.readouterr()
    assert code == 75, err
    assert "544 events checked" in out and "waiting for it" in err, (out, err)
    assert "the figures were not compared, try again" in err and "nothing was written" not in err


def test_an_import_that_waited_while_another_cxzy_made_the_figures_anew_writes_nothing(
    store, tmp_path, capsys
):
    """An older cxzy's import waiting for the lock through a newer one's upgrade (or
    this one's, through a newer's) checked the version on opening only: it wrote its
    figures beside the new ones, and each version then took the store's tracking for
    a log altered outside cxzy ("log broken at position 545")."""
    from cxzy.application.readmodel import READ_MODEL, VERSION
    from cxzy.cli.main import main

    before = open_app(StoreLocation("sqlite", str(store)), read_only=True).head()
    extra = _one_activity(tmp_path, "meanwhile-1")
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another cxzy, making the figures anew
    outcome: list[int] = []
    args = ["--lang", "en", "--store", str(store), "import", str(extra)]
    thread = threading.Thread(target=lambda: outcome.append(main(args)))
    thread.start()
    time.sleep(1.5)
    assert not outcome  # (waiting for the lock)
    newer = f"cxzy-read-model-v{VERSION + 1}"
    holder.execute("UPDATE tracking SET application_name = ? WHERE application_name = ?",
                   [newer, READ_MODEL])  # fmt: skip
    holder.execute("COMMIT")
    holder.close()
    thread.join(40)
    assert outcome == [1]
    err = capsys.readouterr().err
    assert (
        f"while this waited for the store, another cxzy made its figures anew (version"
        f" {VERSION + 1}; this cxzy makes version {VERSION}); nothing was written"
    ) in err, err
    with sqlite3.connect(store) as db:
        names = {name for (name,) in db.execute("SELECT application_name FROM tracking")}
        head = db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0]
    assert newer in names and READ_MODEL not in names and head == before


def test_status_while_a_new_stores_first_import_is_under_way_says_so(tmp_path, capsys):
    """`status` during the first import into a new SQLite store said there was no
    store ("import events first"): the office imported what was being imported. It
    says, as on PostgreSQL, that the first import has not committed yet (75)."""
    from cxzy.application.staging import _prefix
    from cxzy.cli.main import main

    store = tmp_path / "new.sqlite3"
    maker = subprocess.Popen(["sleep", "30"])  # (a process of this machine that runs)
    try:
        (tmp_path / f"{_prefix(store)}{maker.pid}.new").write_bytes(b"SQLite format 3\x00")
        assert main(["--lang", "en", "--store", str(store), "status"]) == 75
        assert capsys.readouterr().err.strip() == (
            f"{store}: its first import is under way and has not committed yet: the campaign"
            " appears when it does (try again in a moment)"
        )
    finally:
        maker.kill()
        maker.wait()
    assert main(["--lang", "en", "--store", str(store), "status"]) == 1  # (its maker gone)
    assert "no store at" in capsys.readouterr().err


# Whether another process may take the write lock on SQLite's shared range of a file:
# refused while any process holds a read transaction in it.
_LOCK_TAKEN = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002, os.SEEK_SET)
    print("taken")
except OSError:
    print("refused")
"""


def _lock_taken_elsewhere(path: Path) -> str:
    return subprocess.run(
        [sys.executable, "-c", _LOCK_TAKEN, str(path)], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_store_opened_again_in_the_process_keeps_the_readers_lock(store):
    """The dashboard opens its store again in the same process (after loading the
    demo, or when a store is made meanwhile). Checking that the file could be read
    opened and closed it, and closing any descriptor drops every POSIX lock the
    process holds on the file: a read under way lost its lock, and an import in
    another process, taking the store for unused, reset the write-ahead log under
    the dashboard's reads ("database disk image is malformed", of a sound store)."""
    reader = open_app(StoreLocation("sqlite", str(store)), read_only=True)
    try:
        with reader.snapshot() as c:
            reader.read_model.head(c)
            assert _lock_taken_elsewhere(store) == "refused"
            open_app(StoreLocation("sqlite", str(store)), read_only=True).close()
            assert _lock_taken_elsewhere(store) == "refused"
    finally:
        reader.close()
    assert _lock_taken_elsewhere(store) == "taken"

"""Faults: an import killed with SIGKILL leaves the store consistent (all of it or
none, `verify` passes, running it again completes it); a read-only, truncated or
foreign store, or a full disk, is one clear line and exit 1, nothing damaged."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_helpers import act, prelude, run_module, subprocess_env
from contract_helpers import write_jsonl as write
from cxzy.application.readmodel import READ_MODEL

ROOT = Path(__file__).resolve().parents[1]
EVENTS = 50_000


def events_in(store: Path) -> int:
    if not store.exists():
        return 0
    with sqlite3.connect(store) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        if "stored_events" not in tables:
            return 0
        return int(db.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0])


def cxzy(store: Path, *args: str) -> subprocess.CompletedProcess:
    return run_module(
        "--lang", "en", "--store", str(store), *args, env=subprocess_env(), cwd=store.parent
    )


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--events",
            str(EVENTS),
            "--units",
            "100",
            "--output",
            str(path),
        ],
        check=True,
    )
    return path


def _start(store: Path, big: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cxzy", "--store", str(store), "import", str(big)],
        env=subprocess_env(),
        cwd=store.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 60) -> bool:
    """SIGKILL the process as soon as ``ready()``; False when it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    raise AssertionError("the import neither ended nor reached the moment to kill it")


def _written_beyond(store: Path, size: int):
    """What the import has written is bigger than ``size``: the store's write-ahead
    log, or the store being made for it under a hidden name (a first import, which
    writes no log: decision 147)."""

    def ready() -> bool:
        for written in (*store.parent.glob(f"*{store.name}*-wal"), *store.parent.glob("*.new")):
            with contextlib.suppress(FileNotFoundError):
                if written.stat().st_size > size:
                    return True
        return False

    return ready


def _after(seconds: float):
    start = time.monotonic()
    return lambda: time.monotonic() - start > seconds


def _assert_consistent(store: Path, allowed: set[int]) -> None:
    if not store.exists():  # a first import: the store appears only when committed
        assert 0 in allowed
        res = cxzy(store, "status")
        assert res.returncode == 1 and "no store at" in res.stderr, res.stderr
        return
    res = cxzy(store, "verify")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith(f"{events_in(store)} events checked"), res.stdout
    assert events_in(store) in allowed, events_in(store)
    with sqlite3.connect(store) as db:
        (logged,) = db.execute("SELECT COUNT(*) FROM cx_log").fetchone()
    assert logged == events_in(store)


@pytest.mark.slow
def test_an_import_killed_at_any_moment_is_all_or_nothing_and_rerunning_completes_it(tmp_path, big):
    store = tmp_path / "store.db"
    moments = {
        "while reading and checking": _after(1.0),
        "while writing the transaction": _written_beyond(store, 5_000_000),
        "while committing": _written_beyond(store, 40_000_000),
    }
    killed = 0
    for moment, ready in moments.items():
        proc = _start(store, big)
        if _kill_when(proc, ready):
            killed += 1
            _assert_consistent(store, {0, EVENTS})
        else:
            assert proc.returncode == 0, moment
            _assert_consistent(store, {EVENTS})
    assert killed >= 2, "the kills came too late to test anything"
    res = cxzy(store, "import", str(big))
    assert res.returncode == 0, res.stderr
    _assert_consistent(store, {EVENTS})
    # what the killed processes left under hidden names was removed by the rerun
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert cxzy(store, "status", "--as-of", "2011-07-01", "--format", "json").returncode == 0


# -- a store that cannot be written -----------------------------------------------------


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder unwritable — even for root (chattr +i) when run as root."""
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("running as root without chattr: cannot make a file read-only")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


def _store_with_history(tmp_path: Path, name: str = "store.db") -> Path:
    store = tmp_path / name
    source = write(tmp_path / "history.jsonl", [*prelude(), act("145", "study", "2010-06-02")])
    assert cxzy(store, "import", str(source)).returncode == 0
    assert cxzy(store, "verify").returncode == 0  # and the WAL is checkpointed on close
    return store


def test_importing_into_a_read_only_store_is_one_line_and_reading_still_works(tmp_path):
    store = _store_with_history(tmp_path)
    more = write(tmp_path / "more.jsonl", [act("145", "show_badge", "2010-07-02")])
    before = store.read_bytes()
    with read_only(store):
        res = cxzy(store, "import", str(more))
        assert res.returncode == 1 and "Traceback" not in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert "read-only" in res.stderr
        status = cxzy(store, "status", "--as-of", "2010-07-01", "--format", "json")
        assert status.returncode == 0, status.stderr
        assert cxzy(store, "verify").returncode == 0
    assert store.read_bytes() == before


def test_a_read_only_store_of_an_older_read_model_is_read_as_it_is(tmp_path):
    """An older cxzy's store on media that may not be written: verify, checkpoint
    and store copy said "attempt to write a readonly database", and every command
    first said it was rebuilding the figures, which it could not."""
    store = _store_with_history(tmp_path)
    with sqlite3.connect(store) as db:  # as v12 kept it: activities without their kind
        db.execute(
            "UPDATE tracking SET application_name = 'cxzy-read-model-v12'"
            f" WHERE application_name = '{READ_MODEL}'"
        )
        db.execute("UPDATE cx_log SET marks = NULL WHERE type = 'ActivityHeld'")
    db.close()
    before = store.read_bytes()
    with read_only(store), read_only(tmp_path):
        for command in (["status"], ["log"], ["verify"], ["checkpoint"]):
            res = cxzy(store, *command)
            assert res.returncode == 0, (command, res.stderr)
            assert "rebuilding" not in res.stderr, (command, res.stderr)
            assert "made by an older cxzy (read model v12)" in res.stderr, res.stderr
        target = tmp_path.parent / f"{tmp_path.name}-copy.db"
        copy = cxzy(store, "store", "copy", str(store), str(target))
        assert copy.returncode == 0 and "rebuilding" not in copy.stderr, copy.stderr
    assert store.read_bytes() == before
    assert cxzy(store, "verify").returncode == 0  # one who may write makes them anew


def test_a_store_in_a_read_only_folder_is_one_line(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    more = write(tmp_path / "more.jsonl", [*prelude()])
    with read_only(folder):
        res = cxzy(folder / "new.db", "import", str(more))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert not (folder / "new.db").exists()


@pytest.mark.parametrize("keep", [0.5, 4096])
def test_a_truncated_store_is_one_line_and_left_as_it_is(tmp_path, keep):
    store = _store_with_history(tmp_path)
    data = store.read_bytes()
    cut = int(len(data) * keep) if keep < 1 else int(keep)
    store.write_bytes(data[:cut])
    for args in (("status",), ("verify",), ("import", str(tmp_path / "history.jsonl"))):
        res = cxzy(store, *args)
        assert res.returncode == 1, (args, res.stdout)
        assert "Traceback" not in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert "damaged" in res.stderr, res.stderr
    assert store.read_bytes() == data[:cut]


def test_an_index_unlike_its_table_is_said_by_verify(tmp_path):
    """Every page sound, and an index that no longer holds its table's keys (a probe
    flipped bytes in the stored events' key index: verify passed, and the next
    import stored a review twice). Here an index's definition is changed beneath
    its entries, the same fault without byte surgery."""
    store = _store_with_history(tmp_path)
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA writable_schema = ON")
        db.execute(
            "UPDATE sqlite_master SET sql = replace(sql, '(recorded)', '(by_whom)')"
            " WHERE name = 'ix_log_recorded'"
        )
    db.close()
    with sqlite3.connect(store) as db:  # (what SQLite's own page check finds)
        assert db.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    db.close()
    res = cxzy(store, "verify")
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert res.stderr.startswith(f"store {store} is damaged (") and "ix_log_recorded" in res.stderr
    assert res.stderr.rstrip().endswith("restore it from a backup, then run cxzy verify")


def test_a_text_whose_bytes_were_damaged_is_said_as_damage(tmp_path):
    """Bytes flipped in a log row's text: "cannot open store …: Could not decode to
    UTF-8 column 'origin' with text '/work/����…'", no word of damage or a backup."""
    store = _store_with_history(tmp_path)
    with sqlite3.connect(store) as db:
        db.execute("UPDATE cx_log SET origin = CAST(x'2f776f726bff' AS TEXT) WHERE pos = 3")
    db.close()
    for args in (("verify",), ("log",)):
        res = cxzy(store, *args)
        assert res.returncode == 1, res.stderr
        assert res.stderr == (
            f"store {store} is damaged (a text of its column origin is not the UTF-8 cxzy"
            " writes); restore it from a backup, then run cxzy verify\n"
        )


def test_a_foreign_file_is_one_line_and_untouched(tmp_path):
    foreign = tmp_path / "photo.db"
    foreign.write_bytes(os.urandom(10_000))
    before = foreign.read_bytes()
    for args in (("status",), ("verify",), ("checkpoint",), ("import", str(foreign))):
        res = cxzy(foreign, *args)
        assert res.returncode == 1 and "Traceback" not in res.stderr
        assert "not a cxzy store" in res.stderr
    assert foreign.read_bytes() == before


def _no_room(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write, do not kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_nothing_is_written(tmp_path, big):
    store = tmp_path / "full.db"
    res = subprocess.run(
        [sys.executable, "-m", "cxzy", "--lang", "en", "--store", str(store), "import", str(big)],
        env=subprocess_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=_no_room(3_000_000),
        timeout=120,
    )
    assert res.returncode == 74 and "Traceback" not in res.stderr  # (the disk's: decision 289)
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "disk full" in res.stderr
    _assert_consistent(store, {0})

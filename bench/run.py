#!/usr/bin/env python3
"""Measure cxzy on a seeded synthetic history, against two baselines, in one run.

    python bench/run.py                      # 1,000,000 events, 200 units
    python bench/run.py --events 100000 --json
    python bench/run.py --postgres postgresql://USER@HOST/DB   # PostgreSQL figures too

Generates the history with ``bench/generate.py`` (it obeys DOMAIN.md), then
measures on this machine, each part in its own process (so peak RSS is its own):

- ``cxzy import FILE`` into a fresh SQLite store (the real command, timed from
  spawn to exit), and the same records written by two baselines, timed the same
  way: plain ``sqlite3`` inserting the JSON lines into a one-column table in one
  transaction, and eventsourcing's own ``Application.save`` of equivalent
  aggregate events (no validation, no read model, no hash chain), one transaction;
  and, as the floor under any import through eventsourcing, the same events made
  stored events beforehand and written by its recorder's ``insert_events`` alone;
- ``StatusQuery.status(D)`` (what ``cxzy status --as-of D`` runs) for 25 dates
  across the campaign, then the same as known at the moment the history's import
  committed (before the live updates' and a day's records, imported after it);
  and the whole command once (after the day's import below);
- the dashboard, headless (``App.run_test``): from opening the store to the grid
  painted with every unit, the progress chart, five time-travel steps (``]``: each
  read ahead by the step before) and five jumps to a typed date (not read ahead);
- live propagation: a dashboard following the store while another process
  imports one event, from that process's commit until the grid's cell is painted;
  on SQLite and, with ``--postgres URL`` (or ``$CXZY_BENCH_POSTGRES``), on
  PostgreSQL, where the history is imported (in one import, or
  ``--postgres-chunk`` lines per import) into a new schema of that database,
  dropped at the end.

Prints a table (figure, value, target, verdict) or, with ``--json``, one object:
``{"events", "units", "seed", "postgres_chunk", "machine", "code",
"figures": {key: number | null}, "targets": {key: [op, value]}, "missed": [key],
"not_measured": {key: reason}}``. The targets are issue 7's, for 1,000,000 events.
``BENCH_STEPS`` in the environment sets the number of time-travel steps (default 5).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import NAMESPACE_URL, UUID, uuid5

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import KINDS, METHODS, at, generate  # noqa: E402

FIRST_DAY = date(2010, 5, 11)
LAST_DAY = date(2012, 11, 30)
DASHBOARD_TODAY = date(2011, 3, 1)  # mid-campaign: the "compete" phase
# days typed after ":" (none a step from the day shown before it: not read ahead)
JUMP_DAYS = (
    date(2010, 7, 1),
    date(2012, 9, 3),
    date(2011, 11, 15),
    date(2010, 12, 20),
    date(2012, 3, 12),
)
SIZE = (170, 45)
STATUS_DATES = 25
STEPS = int(os.environ.get("BENCH_STEPS", "5"))
LIVE_EVENTS = 5
LIVE_UNIT = "U1"
DAY_RECORDS = 1_000  # a day's reports from the units, imported into the N-event store

# The targets of issue 7 at 1,000,000 events on the project's 2-core machine.
TARGETS: dict[str, tuple[str, float]] = {
    "import_events_per_s": (">=", 50_000),
    "import_vs_eventsourcing": (">=", 1.0),
    "sqlite_vs_import": ("<=", 5.0),
    "status_median_ms": ("<=", 50),
    "status_worst_ms": ("<=", 50),
    "status_known_at_median_ms": ("<=", 50),
    "status_known_at_worst_ms": ("<=", 50),
    "dashboard_first_paint_s": ("<=", 1.0),
    "dashboard_step_median_ms": ("<=", 100),
    "dashboard_step_worst_ms": ("<=", 100),
    "live_sqlite_median_ms": ("<=", 250),
    "live_sqlite_worst_ms": ("<=", 250),
    "live_postgresql_median_ms": ("<=", 50),
    "live_postgresql_worst_ms": ("<=", 50),
    "import_rss_mb": ("<=", 250),
    "status_rss_mb": ("<=", 250),
    "dashboard_rss_mb": ("<=", 250),
}

# Every figure, in the order of the table: key → label.
FIGURES: dict[str, str] = {
    "jsonl_mb": "history file (MB)",
    "store_mb": "SQLite store after import (MB)",
    "import_s": "cxzy import: wall time (s)",
    "import_events_per_s": "cxzy import (events/s)",
    "import_startup_s": "cxzy import of an empty file: fixed cost (s)",
    "import_rss_mb": "cxzy import: peak RSS (MB)",
    "import_day_s": "cxzy import of a day's 1,000 more records into the store (s)",
    "import_day_rss_mb": "cxzy import of a day's records: peak RSS (MB)",
    "baseline_sqlite_s": "baseline sqlite3, JSON lines, 1 transaction (s)",
    "baseline_sqlite_events_per_s": "baseline sqlite3 (events/s)",
    "baseline_sqlite_rss_mb": "baseline sqlite3: peak RSS (MB)",
    "baseline_es_s": "baseline eventsourcing save, parse+build+save (s)",
    "baseline_es_save_s": "baseline eventsourcing: app.save() alone (s)",
    "baseline_es_events_per_s": "baseline eventsourcing (events/s)",
    "baseline_es_rss_mb": "baseline eventsourcing: peak RSS (MB)",
    "floor_es_recorder_s": "floor: eventsourcing's recorder alone, stored events made (s)",
    "floor_es_recorder_events_per_s": "floor: eventsourcing's recorder alone (events/s)",
    "import_vs_eventsourcing": "cxzy import / eventsourcing save (speed)",
    "sqlite_vs_import": "sqlite3 / cxzy import (speed)",
    "status_median_ms": "status --as-of D, median (ms)",
    "status_worst_ms": "status --as-of D, worst (ms)",
    "status_known_at_median_ms": "status --as-of D --known-at T, median (ms)",
    "status_known_at_worst_ms": "status --as-of D --known-at T, worst (ms)",
    "status_cli_s": "cxzy status --as-of D, whole command (s)",
    "status_rss_mb": "status: peak RSS (MB)",
    "dashboard_imports_s": "dashboard: Python imports, before the clock starts (s)",
    "dashboard_first_paint_s": "dashboard cold start to first full paint (s)",
    "dashboard_chart_s": "dashboard cold start to progress chart (s)",
    "dashboard_step_median_ms": "time-travel step ], median (ms)",
    "dashboard_step_worst_ms": "time-travel step ], worst (ms)",
    "dashboard_jump_median_ms": "jump to a typed date (not read ahead), median (ms)",
    "dashboard_jump_worst_ms": "jump to a typed date (not read ahead), worst (ms)",
    "dashboard_rss_mb": "dashboard: peak RSS (MB)",
    "live_sqlite_median_ms": "live propagation, SQLite, median (ms)",
    "live_sqlite_worst_ms": "live propagation, SQLite, worst (ms)",
    "import_postgresql_events_per_s": "cxzy import into PostgreSQL (events/s)",
    "live_postgresql_median_ms": "live propagation, PostgreSQL, median (ms)",
    "live_postgresql_worst_ms": "live propagation, PostgreSQL, worst (ms)",
}
POSTGRES_FIGURES = (
    "import_postgresql_events_per_s",
    "live_postgresql_median_ms",
    "live_postgresql_worst_ms",
)
# Ratios: figure → (numerator, denominator) of events/s, shown beside the figure.
RATIOS = {
    "import_vs_eventsourcing": ("import_events_per_s", "baseline_es_events_per_s"),
    "sqlite_vs_import": ("baseline_sqlite_events_per_s", "import_events_per_s"),
}


# -- child processes ---------------------------------------------------------------


# A tiny process between this one and each measured command. On Linux a new
# process's peak RSS starts from that of the process that spawned it (the
# high-water mark survives fork and exec), so measured commands are spawned from
# this ~10 MB launcher, never from the benchmark (which holds the whole history).
LAUNCHER = """
import json, os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
with open(result, "w") as handle:
    json.dump({"exit": os.waitstatus_to_exitcode(status), "wall": wall,
               "maxrss": usage.ru_maxrss}, handle)
"""


def _maxrss_mb(maxrss: int) -> float:
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return round(maxrss * scale / 2**20, 1)


def run_child(
    argv: Sequence[str], workdir: Path, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run a command to its end: its stdout, wall time (from spawn to exit) and peak
    RSS (its own: ``wait4``'s ``ru_maxrss``, spawned from the launcher)."""
    stem = workdir / f"child-{time.monotonic_ns()}"
    out_path, err_path, result_path = (stem.with_suffix(s) for s in (".out", ".err", ".json"))
    with out_path.open("wb") as out, err_path.open("wb") as err:
        subprocess.run(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, str(result_path), *map(str, argv)],
            stdout=out,
            stderr=err,
            env=env,
            check=False,
        )
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    found = json.loads(result_path.read_text()) if result_path.exists() else {"exit": -1}
    for path in (out_path, err_path, result_path):
        path.unlink(missing_ok=True)
    if found["exit"] != 0:
        raise RuntimeError(
            f"{' '.join(map(str, argv))} exited {found['exit']}:\n{stderr[-3000:]}{stdout[-1000:]}"
        )
    return {"stdout": stdout, "wall": found["wall"], "rss_mb": _maxrss_mb(found["maxrss"])}


def role_argv(role: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--role", role, *args]


def cxzy_argv(*args: str) -> list[str]:
    """The real command line: the ``cxzy`` script beside this interpreter, else ``-m cxzy``."""
    script = Path(sys.executable).with_name("cxzy")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script), *args]
    return [sys.executable, "-m", "cxzy", *args]


def child_result(stdout: str) -> dict[str, Any]:
    """A role's result: the last line of its stdout, one JSON object."""
    return json.loads(stdout.strip().splitlines()[-1])


# -- roles (each runs in its own process) ----------------------------------------------


def role_baseline_sqlite(jsonl: str, target: str) -> dict[str, Any]:
    """Plain sqlite3: the same JSON lines into a simple table, one transaction."""
    started = time.perf_counter()
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    with open(jsonl, encoding="utf-8") as handle:
        lines = [(line,) for line in handle if line.strip()]
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO events (body) VALUES (?)", lines)
    connection.execute("COMMIT")
    connection.close()
    return {"seconds": time.perf_counter() - started, "events": len(lines)}


def _es_classes() -> tuple[type, type]:
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    namespace = uuid5(NAMESPACE_URL, "https://cxzy.example/bench")

    class BenchEntity(Aggregate):
        """One entity of the history; its records are its events (no rules)."""

        @staticmethod
        def create_id(key: str, **_: Any) -> UUID:
            return uuid5(namespace, key)

        @event("Created")
        def __init__(self, key: str, type: str, at: datetime, fields: dict[str, Any]) -> None:
            self.last = type

        @event("Recorded")
        def record(self, type: str, at: datetime, fields: dict[str, Any]) -> None:
            self.last = type

    class BareApp(Application):
        name = "bench"

    return BenchEntity, BareApp


_LIFECYCLE_KEYS = ("commitment", "rectification")


def _entity_key(type_: str, record: dict[str, Any]) -> str:
    """The aggregate a record belongs to in both eventsourcing baselines: its
    commitment, rectification or unit, else one of its own."""
    if type_ in ("UnitRegistered", "UnitUpdated"):
        return f"unit:{record['unit']}"
    key = next((f"{k}:{record[k]}" for k in _LIFECYCLE_KEYS if k in record), None)
    return key or f"record:{record['id']}"  # the generator gives every record an id


def role_baseline_es(jsonl: str, target: str) -> dict[str, Any]:
    """eventsourcing's own save of equivalent events: one aggregate per entity (a
    commitment or rectification keeps its events together, every other record is
    its own aggregate, as in cxzy), ``at`` parsed, every other field as given.
    No validation, no read model, no hash chain; one ``app.save`` (one transaction)."""
    entity_class, app_class = _es_classes()
    started = time.perf_counter()
    app = app_class(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": target,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    )
    entities: dict[str, Any] = {}
    count = 0
    with open(jsonl, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            count += 1
            type_ = record.pop("type")
            at = datetime.fromisoformat(record.pop("at"))
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            key = _entity_key(type_, record)
            entity = entities.get(key)
            if entity is None:
                entities[key] = entity_class(key=key, type=type_, at=at, fields=record)
            else:
                entity.record(type=type_, at=at, fields=record)
    built = time.perf_counter()
    app.save(*entities.values())
    saved = time.perf_counter()
    app.close()
    return {"seconds": saved - started, "save_seconds": saved - built, "events": count}


def role_baseline_es_recorder(jsonl: str, target: str) -> dict[str, Any]:
    """The floor under any import through eventsourcing's SQLite persistence: the
    same events, already made stored events (the aggregates and versions of the
    baseline above, each event's state the record's JSON line as it is), written by
    the application recorder's ``insert_events`` in one call (one transaction).
    Nothing is parsed, checked, mapped or projected; only that call is timed."""
    from eventsourcing.persistence import StoredEvent
    from eventsourcing.sqlite import SQLiteFactory
    from eventsourcing.utils import Environment

    namespace = uuid5(NAMESPACE_URL, "https://cxzy.example/bench")
    versions: dict[str, int] = {}
    events: list[StoredEvent] = []
    with open(jsonl, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            key = _entity_key(record["type"], record)
            version = versions[key] = versions.get(key, 0) + 1
            events.append(
                StoredEvent(
                    originator_id=uuid5(namespace, key),
                    originator_version=version,
                    topic=f"bench:{record['type']}",
                    state=line.rstrip("\n").encode("utf-8"),
                )
            )
    env = Environment("bench", {"PERSISTENCE_MODULE": "eventsourcing.sqlite"})
    env["SQLITE_DBNAME"] = target
    recorder = SQLiteFactory(env).application_recorder()
    started = time.perf_counter()
    recorder.insert_events(events)
    return {"seconds": time.perf_counter() - started, "events": len(events)}


def _open_read_only(target: str) -> Any:
    from cxzy.application.app import open_app
    from cxzy.application.store import resolve_store

    return open_app(resolve_store(target), read_only=True)


def status_dates(count: int = STATUS_DATES) -> list[date]:
    span = (LAST_DAY - FIRST_DAY).days
    return [FIRST_DAY + timedelta(days=round(span * i / (count - 1))) for i in range(count)]


def role_status(target: str) -> dict[str, Any]:
    """StatusQuery.status(D) for dates across the campaign, then as known at the
    moment the history's import committed, before the later ones (the live
    updates' and a day's records): what the office knew before the last day's
    imports. (An import's records share one moment, and count from its commit:
    decisions 145, 164. A store without commit moments: as known at the moment
    the middle of the log was recorded.)"""
    from cxzy.application.status import StatusQuery

    app = _open_read_only(target)
    query = StatusQuery(app)
    with app.snapshot() as c:
        commits = app.read_model.commits(c, app.read_model.head(c))
        if len(commits) > 1:
            recorded = commits[0][2]
        else:
            head = app.read_model.head(c)
            (recorded,) = app.read_model.rows(
                c, "SELECT recorded FROM cx_log WHERE pos >= :p ORDER BY pos LIMIT 1", p=head // 2
            )[0]
    known_at = datetime.fromisoformat(recorded)
    plain, known = [], []
    units = 0
    for day in status_dates():
        started = time.perf_counter()
        report = query.status(day)
        plain.append(time.perf_counter() - started)
        units = max(units, len(report.units))
    for day in status_dates():
        started = time.perf_counter()
        query.status(day, known_at)
        known.append(time.perf_counter() - started)
    return {"plain": plain, "known_at": known, "units": units, "known_at_moment": recorded}


async def _wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll a condition every millisecond. (Not with Pilot's ``press`` or ``pause()``:
    they wait until the process looks idle, up to a second, which a worker thread
    busy reading the store defeats; the figures would be the harness's.)"""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.001)
    return True


async def _paint(pilot: Any) -> None:
    """Let the screen handle what is pending, then render it (as Pilot does)."""
    await pilot.pause(0)


def _grid(app: Any) -> Any:
    from cxzy.tui.components.status_grid import StatusGrid

    try:
        return app.screen.query_one(StatusGrid)
    except Exception:  # not mounted yet
        return None


def _painted(app: Any) -> bool:
    grid = _grid(app)
    return app.snapshot is not None and grid is not None and grid.row_count > 0


def _loading(app: Any) -> bool:
    """Whether a snapshot (and the chart after it), or the next step's, is being read;
    the live dashboard's other workers (the poll, PostgreSQL's listener) never count."""
    return any(w.group in ("snapshot", "ahead") and not w.is_finished for w in app.workers)


async def _settle(app: Any, pilot: Any, timeout: float) -> None:
    """Until the chart is there and no snapshot is being read (the dashboard at rest)."""
    await _wait_until(lambda: app.series is not None and not _loading(app), timeout)
    await pilot.pause(0.05)
    await _wait_until(lambda: not _loading(app), timeout)


def role_dashboard(target: str, timeout: float) -> dict[str, Any]:
    """Cold start to first full paint, the chart, then time-travel steps (``]``) and
    jumps to a typed date (what ``:`` does)."""
    began = time.perf_counter()
    from cxzy.tui.app import CxzyApp

    imports = time.perf_counter() - began

    stores: list[Any] = []

    async def run() -> dict[str, Any]:
        started = time.perf_counter()
        store = _open_read_only(target)
        stores.append(store)
        app = CxzyApp(store, today=DASHBOARD_TODAY, live=False)
        async with app.run_test(size=SIZE) as pilot:
            if not await _wait_until(lambda: _painted(app), timeout):
                raise RuntimeError("the dashboard did not paint the grid")
            await _paint(pilot)
            first_paint = time.perf_counter() - started
            rows = _grid(app).row_count
            await _wait_until(lambda: app.series is not None, timeout)
            chart = time.perf_counter() - started
            await _settle(app, pilot, timeout)
            steps = []
            for _ in range(STEPS):
                expected = app.clock.moved(+1, app.template).as_of
                began = time.perf_counter()
                app.simulate_key("right_square_bracket")  # as the terminal driver posts it
                arrived = await _wait_until(
                    lambda d=expected: app.snapshot.report.as_of == d, timeout
                )
                if not arrived:
                    raise RuntimeError("a time-travel step did not arrive")
                await _paint(pilot)
                steps.append(time.perf_counter() - began)
                await _settle(app, pilot, timeout)
            jumps = []
            for day in JUMP_DAYS:
                began = time.perf_counter()
                app.go_to_date(day)  # what ":" and a typed date do
                if not await _wait_until(lambda d=day: app.snapshot.report.as_of == d, timeout):
                    raise RuntimeError("a jump to a date did not arrive")
                await _paint(pilot)
                jumps.append(time.perf_counter() - began)
                await _settle(app, pilot, timeout)
        return {
            "imports": imports,
            "first_paint": first_paint,
            "chart": chart,
            "steps": steps,
            "jumps": jumps,
            "rows": rows,
        }

    try:
        return asyncio.run(run())
    finally:
        _close(stores)


def _close(stores: list[Any]) -> None:
    """Close the stores a dashboard read, once ``asyncio.run`` has returned: it waits
    for the thread workers still reading (a read ahead, the chart). Closed before,
    under a thread's query, the live role died of a segmentation fault (exit -11)."""
    for store in stores:
        store.close()  # (left to the garbage collector, PostgreSQL's pool printed a traceback)


def role_write_one(target: str, number: str, day: str) -> dict[str, Any]:
    """Another writer: one award for LIVE_UNIT; prints the moment it was committed."""
    from cxzy.application.app import open_app
    from cxzy.application.importer import Importer
    from cxzy.application.store import resolve_store

    app = open_app(resolve_store(target))
    record = {
        "type": "CommendationAwarded",
        "at": day,
        "unit": LIVE_UNIT,
        "title": "advanced_org",
        "level": "bureau",
        "id": f"bench-live-{number}-{time.time_ns()}",
    }
    try:
        result = Importer(app, by="bench").run([(f"live:{number}", record)])
        committed = time.time()
    finally:
        app.close()  # (left to the garbage collector, PostgreSQL's pool printed a traceback)
    if result.written != 1:
        raise RuntimeError(f"the live write was not written: {result.problems}")
    return {"committed": committed}


def role_live(target: str, timeout: float, count: int) -> dict[str, Any]:
    """A live dashboard (polling) while another process writes one event at a time:
    from the writer's commit until the grid's cell shows it."""
    from cxzy.tui.app import CxzyApp

    rng = random.Random(7)

    def awards_cell(app: Any) -> str:
        grid = _grid(app)
        return grid.get_cell(LIVE_UNIT, "awards").plain if grid is not None else ""

    stores: list[Any] = []

    async def run() -> list[float]:
        store = _open_read_only(target)
        stores.append(store)
        app = CxzyApp(store, today=DASHBOARD_TODAY, live=True)
        delays = []
        async with app.run_test(size=SIZE) as pilot:
            if not await _wait_until(lambda: _painted(app), timeout):
                raise RuntimeError("the dashboard did not paint the grid")
            await _settle(app, pilot, timeout)
            for number in range(count):
                await asyncio.sleep(rng.uniform(0, 0.5))  # any phase of the poll
                before = awards_cell(app)
                expected = str(int(before) + 1)
                writer = await asyncio.create_subprocess_exec(
                    *role_argv(
                        "write-one",
                        "--store",
                        target,
                        "--number",
                        str(number),
                        "--day",
                        DASHBOARD_TODAY.isoformat(),
                    ),
                    stdout=asyncio.subprocess.PIPE,
                )
                shown = await _wait_until(lambda e=expected: awards_cell(app) == e, timeout)
                await _paint(pilot)
                seen = time.time()
                out, _ = await writer.communicate()
                if writer.returncode != 0 or not shown:
                    raise RuntimeError("the live event was not written or not shown")
                committed = child_result(out.decode())["committed"]
                delays.append(seen - committed)
                # the new head also recomputes the chart: let it finish before the next write
                await _settle(app, pilot, timeout)
        return delays

    try:
        return {"delays": asyncio.run(run())}
    finally:
        _close(stores)


ROLES: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "baseline-sqlite": lambda a: role_baseline_sqlite(a.jsonl, a.store),
    "baseline-es": lambda a: role_baseline_es(a.jsonl, a.store),
    "baseline-es-recorder": lambda a: role_baseline_es_recorder(a.jsonl, a.store),
    "status": lambda a: role_status(a.store),
    "dashboard": lambda a: role_dashboard(a.store, a.timeout),
    "live": lambda a: role_live(a.store, a.timeout, a.count),
    "write-one": lambda a: role_write_one(a.store, a.number, a.day),
}


# -- the run -------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def postgres_support() -> str | None:
    """None when ``open_app`` accepts PostgreSQL URLs, else why not."""
    from cxzy.application.app import open_app
    from cxzy.application.store import StoreLocation
    from cxzy.domain.errors import Violation

    try:
        open_app(StoreLocation("postgresql", "postgresql://bench@127.0.0.1:9/cxzy_bench_probe"))
    except Violation as violation:
        if violation.code == "postgres_not_yet":
            return "n/a (not yet supported)"
    except Exception:  # it tried to connect: URLs are supported
        return None
    return None


@contextmanager
def postgres_schema(url: str, *, keep: bool) -> Iterator[str]:
    """A new, empty schema in the database that ``url`` names: the store's URL with
    ``?schema=``. Dropped afterwards unless ``keep``."""
    import psycopg

    parts = urlsplit(url)
    dsn = urlunsplit(parts._replace(query=""))
    schema = f"cxzy_bench_{os.getpid()}_{time.time_ns() // 1_000_000}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield urlunsplit(parts._replace(query=f"schema={schema}"))
    finally:
        if keep:
            say(f"kept PostgreSQL schema {schema}")
        else:
            with psycopg.connect(dsn, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def code_measured() -> dict[str, Any]:
    """Which cxzy was measured: where it was imported from, and its commit when known."""
    import cxzy

    where = Path(cxzy.__file__).resolve().parent
    found: dict[str, Any] = {"cxzy": str(where), "version": cxzy.__version__}
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--", "."],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        found |= {"commit": commit, "dirty": bool(changes)}
    except (OSError, subprocess.CalledProcessError):
        found |= {"commit": None, "dirty": None}
    return found


def split_history(jsonl: Path, lines: int) -> list[Path]:
    """The history as files of ``lines`` lines each (the last one shorter)."""
    parts: list[Path] = []
    with jsonl.open(encoding="utf-8") as source:
        while True:
            chunk = [line for _, line in zip(range(lines), source, strict=False)]
            if not chunk:
                return parts
            part = jsonl.with_name(f"{jsonl.stem}-part{len(parts) + 1:03d}.jsonl")
            part.write_text("".join(chunk), encoding="utf-8")
            parts.append(part)


def measure_postgres(
    args: argparse.Namespace, jsonl: Path, workdir: Path, figures: dict[str, float | None]
) -> None:
    """Import the history into a new schema (one ``cxzy import`` per ``--postgres-chunk``
    lines), then the live figure on it."""
    n = args.events
    chunk = args.postgres_chunk
    parts = [jsonl] if not chunk or n <= chunk else split_history(jsonl, chunk)
    with postgres_schema(args.postgres, keep=args.keep) as url:
        wall = 0.0
        for part in parts:
            wall += run_child(cxzy_argv("--store", url, "import", str(part)), workdir)["wall"]
        figures["import_postgresql_events_per_s"] = round(n / wall)
        measure_live(args, url, workdir, figures, "postgresql")


def measure_live(
    args: argparse.Namespace, store: str, workdir: Path, figures: dict[str, float | None], name: str
) -> None:
    """A dashboard following the store while another process imports one event."""
    live = run_child(
        role_argv(
            "live",
            "--store",
            store,
            "--timeout",
            str(args.timeout),
            "--count",
            str(args.live_events),
        ),
        workdir,
    )
    delays = child_result(live["stdout"])["delays"]
    figures[f"live_{name}_median_ms"] = _ms(statistics.median(delays))
    figures[f"live_{name}_worst_ms"] = _ms(max(delays))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def a_days_reports(path: Path, count: int = DAY_RECORDS, seed: int = 1) -> list[dict[str, Any]]:
    """What the units send in on the day after the last one in the store: activities,
    reviews, new commitments, progress on open ones and some fulfilled, all valid
    against the store (read here, read-only) and new to it."""
    rng = random.Random(seed)
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        units = [u for (u,) in connection.execute("SELECT unit FROM cx_units WHERE registered = 1")]
        open_ones = [
            code
            for (code,) in connection.execute(
                "SELECT code FROM cx_entities WHERE kind = 'commitment' AND closed_pos IS NULL"
            )
        ]
        last = date.fromisoformat(connection.execute("SELECT MAX(day) FROM cx_log").fetchone()[0])
    day = last + timedelta(days=1)
    rng.shuffle(open_ones)
    # a tenth of the day's records close one each; progress goes to the others
    fulfilled = open_ones[: min(count // 10, len(open_ones) // 2)]
    progressed = open_ones[len(fulfilled) :]
    records: list[dict[str, Any]] = []
    for n in range(count):
        base = {"id": f"day-{day}-{n}", "at": at(day, n * 600 // count)}  # in time order
        roll = n % 10
        if roll == 0 and fulfilled:
            records.append({**base, "type": "CommitmentFulfilled", "commitment": fulfilled.pop()})
        elif roll in (1, 2) and progressed:
            code = progressed[rng.randrange(len(progressed))]
            records.append(
                {**base, "type": "CommitmentProgressed", "commitment": code, "note": "进展"}
            )
        elif roll == 3:
            records.append(
                {
                    **base,
                    "type": "CommitmentMade",
                    "commitment": f"D{day:%Y%m%d}-{n}",
                    "unit": rng.choice(units),
                    "text": "承诺事项",
                    "due": str(day + timedelta(days=rng.randrange(30, 400))),
                }
            )
        elif roll == 4:
            records.append(
                {
                    **base,
                    "type": "ReviewRecorded",
                    "unit": rng.choice(units),
                    "kind": "inspection",
                    "method": rng.choice(METHODS),
                    "verdict": rng.choice(["commend", "ok", "criticize"]),
                }
            )
        else:
            records.append(
                {
                    **base,
                    "type": "ActivityHeld",
                    "unit": rng.choice(units),
                    "kind": rng.choice(KINDS),
                    "title": "活动",
                    "participants": rng.randrange(80),
                }
            )
    return records


def _store_head(path: Path) -> int:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        return int(connection.execute("SELECT MAX(pos) FROM cx_log").fetchone()[0] or 0)


# the stores a run writes in its workdir (an import into one left by an earlier run
# would add to it, and was a traceback: "cxzy import wrote 101005 events")
STORES = (
    "cxzy.sqlite3",
    "empty.sqlite3",
    "baseline-sqlite.sqlite3",
    "baseline-es.sqlite3",
    "floor-es-recorder.sqlite3",
)


def _fresh(workdir: Path) -> None:
    """Remove the stores an earlier run left in ``workdir`` (with --workdir, --keep)."""
    left = [workdir / f"{name}{end}" for name in STORES for end in ("", "-wal", "-shm")]
    left = [path for path in left if path.exists()]
    if left:
        say(f"removing the stores of an earlier run in {workdir}")
    for path in left:
        path.unlink()


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    _fresh(workdir)
    figures: dict[str, float | None] = dict.fromkeys(FIGURES)
    not_measured: dict[str, str] = {}
    n = args.events
    load_before = [round(x, 2) for x in os.getloadavg()]  # others' work skews the figures

    say(f"generating {n:,} events for {args.units} units (seed {args.seed})")
    jsonl = workdir / "history.jsonl"
    records = generate(n, args.units, args.seed)
    with jsonl.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    del records
    figures["jsonl_mb"] = round(jsonl.stat().st_size / 2**20, 1)

    say("cxzy import")
    empty = workdir / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    startup = run_child(
        cxzy_argv("--store", str(workdir / "empty.sqlite3"), "import", str(empty)), workdir
    )
    figures["import_startup_s"] = round(startup["wall"], 3)
    store = workdir / "cxzy.sqlite3"
    imported = run_child(cxzy_argv("--store", str(store), "import", str(jsonl)), workdir)
    if _store_head(store) != n:
        raise RuntimeError(f"cxzy import wrote {_store_head(store)} events, not {n}")
    figures["import_s"] = round(imported["wall"], 3)
    figures["import_events_per_s"] = round(n / imported["wall"])
    figures["import_rss_mb"] = imported["rss_mb"]
    figures["store_mb"] = round(store.stat().st_size / 2**20, 1)

    say("baseline: sqlite3")
    plain = run_child(
        role_argv(
            "baseline-sqlite",
            "--jsonl",
            str(jsonl),
            "--store",
            str(workdir / "baseline-sqlite.sqlite3"),
        ),
        workdir,
    )
    figures["baseline_sqlite_s"] = round(plain["wall"], 3)
    figures["baseline_sqlite_events_per_s"] = round(n / plain["wall"])
    figures["baseline_sqlite_rss_mb"] = plain["rss_mb"]

    say("baseline: eventsourcing save")
    bare = run_child(
        role_argv(
            "baseline-es", "--jsonl", str(jsonl), "--store", str(workdir / "baseline-es.sqlite3")
        ),
        workdir,
    )
    figures["baseline_es_s"] = round(bare["wall"], 3)
    figures["baseline_es_save_s"] = round(child_result(bare["stdout"])["save_seconds"], 3)
    figures["baseline_es_events_per_s"] = round(n / bare["wall"])
    figures["baseline_es_rss_mb"] = bare["rss_mb"]

    say("floor: eventsourcing's recorder alone")
    floor = child_result(
        run_child(
            role_argv(
                "baseline-es-recorder",
                "--jsonl",
                str(jsonl),
                "--store",
                str(workdir / "floor-es-recorder.sqlite3"),
            ),
            workdir,
        )["stdout"]
    )
    figures["floor_es_recorder_s"] = round(floor["seconds"], 3)
    figures["floor_es_recorder_events_per_s"] = round(n / floor["seconds"])
    for key, (top, bottom) in RATIOS.items():
        figures[key] = round(figures[top] / figures[bottom], 2)  # type: ignore[operator]

    say("dashboard")
    board = run_child(
        role_argv("dashboard", "--store", str(store), "--timeout", str(args.timeout)), workdir
    )
    found = child_result(board["stdout"])
    figures["dashboard_imports_s"] = round(found["imports"], 3)
    figures["dashboard_first_paint_s"] = round(found["first_paint"], 3)
    figures["dashboard_chart_s"] = round(found["chart"], 3)
    figures["dashboard_step_median_ms"] = _ms(statistics.median(found["steps"]))
    figures["dashboard_step_worst_ms"] = _ms(max(found["steps"]))
    figures["dashboard_jump_median_ms"] = _ms(statistics.median(found["jumps"]))
    figures["dashboard_jump_worst_ms"] = _ms(max(found["jumps"]))
    figures["dashboard_rss_mb"] = board["rss_mb"]

    say("live propagation (SQLite)")
    measure_live(args, str(store), workdir, figures, "sqlite")

    say(f"cxzy import of a day's {DAY_RECORDS:,} records into the {n:,}-event store")
    day = workdir / "day.jsonl"
    with day.open("w", encoding="utf-8") as handle:
        for record in a_days_reports(store):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    head = _store_head(store)
    added = run_child(cxzy_argv("--store", str(store), "import", str(day)), workdir)
    if _store_head(store) != head + DAY_RECORDS:
        raise RuntimeError(f"a day's import wrote {_store_head(store) - head} events")
    figures["import_day_s"] = round(added["wall"], 3)
    figures["import_day_rss_mb"] = added["rss_mb"]

    say("status")
    status = run_child(role_argv("status", "--store", str(store)), workdir)
    found = child_result(status["stdout"])
    figures["status_median_ms"] = _ms(statistics.median(found["plain"]))
    figures["status_worst_ms"] = _ms(max(found["plain"]))
    figures["status_known_at_median_ms"] = _ms(statistics.median(found["known_at"]))
    figures["status_known_at_worst_ms"] = _ms(max(found["known_at"]))
    figures["status_rss_mb"] = status["rss_mb"]
    whole = run_child(
        cxzy_argv("--store", str(store), "status", "--as-of", "2011-06-30", "--format", "json"),
        workdir,
    )
    figures["status_cli_s"] = round(whole["wall"], 3)

    reason = postgres_support()
    if reason is None and not args.postgres:
        reason = "n/a (no --postgres URL given)"
    if reason is None:
        say("PostgreSQL: cxzy import, then live propagation")
        try:
            measure_postgres(args, jsonl, workdir, figures)
        except Exception as error:  # say why in the figures, keep the rest of the run
            say(f"PostgreSQL failed: {error}")
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            # run_child's message: the command, then what it said
            said = lines[1] if isinstance(error, RuntimeError) and len(lines) > 1 else lines[0]
            reason = f"n/a (failed: {said[:160]})"
    if reason is not None:
        for key in POSTGRES_FIGURES:
            figures[key] = None
            not_measured[key] = reason

    missed = [
        key
        for key, (op, goal) in TARGETS.items()
        if figures.get(key) is not None
        and not (figures[key] >= goal if op == ">=" else figures[key] <= goal)  # type: ignore[operator]
    ]
    return {
        "events": n,
        "units": args.units,
        "seed": args.seed,
        "postgres_chunk": args.postgres_chunk,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version,
            "load_before": load_before,
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "code": code_measured(),
        "figures": figures,
        "targets": {key: [op, goal] for key, (op, goal) in TARGETS.items()},
        "missed": missed,
        "not_measured": not_measured,
    }


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 1000):
        return f"{int(value):,}"
    return f"{value:,}"


def print_table(result: dict[str, Any]) -> None:
    figures, not_measured = result["figures"], result["not_measured"]
    print(
        f"cxzy benchmark: {result['events']:,} events, {result['units']} units, "
        f"seed {result['seed']}, {result['machine']['cpus']} CPUs, "
        f"Python {result['machine']['python']}, SQLite {result['machine']['sqlite']}"
    )
    rows = [("figure", "value", "target", "")]
    for key, label in FIGURES.items():
        value = not_measured.get(key) or _fmt(figures[key])
        target = ""
        verdict = ""
        if key in TARGETS:
            op, goal = TARGETS[key]
            target = f"{'≥' if op == '>=' else '≤'} {_fmt(goal)}"
            if figures[key] is not None:
                verdict = "MISSED" if key in result["missed"] else "ok"
        if key == "import_events_per_s":
            verdict = (
                f"{verdict}  ({figures['import_vs_eventsourcing']}× eventsourcing, "
                f"1/{figures['sqlite_vs_import']} of sqlite3)"
            )
        rows.append((label, value, target, verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for label, value, target, verdict in rows:
        print(
            f"{label:<{widths[0]}}  {value:>{widths[1]}}  {target:<{widths[2]}}  {verdict}".rstrip()
        )
    print("targets are issue 7's, for 1,000,000 events on a 2-core machine")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="size of the history")
    parser.add_argument("--units", type=int, default=200, help="units in the history")
    parser.add_argument("--seed", type=int, default=2010, help="seed of the generator")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--workdir", help="where the history and stores go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("CXZY_BENCH_POSTGRES"),
        help="a PostgreSQL database to measure live propagation in (a new schema, dropped "
        "afterwards; default $CXZY_BENCH_POSTGRES)",
    )
    parser.add_argument(
        "--postgres-chunk",
        type=int,
        default=0,
        metavar="LINES",
        help="import into PostgreSQL LINES lines at a time (default: the whole history "
        "in one import)",
    )
    parser.add_argument("--live-events", type=int, default=LIVE_EVENTS, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=600.0, help=argparse.SUPPRESS)
    # internal: one measurement in its own process
    parser.add_argument("--role", choices=sorted(ROLES), help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--jsonl", help=argparse.SUPPRESS)
    parser.add_argument("--number", default="0", help=argparse.SUPPRESS)
    parser.add_argument("--day", default=DASHBOARD_TODAY.isoformat(), help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=LIVE_EVENTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.role:
        print(json.dumps(ROLES[args.role](args)), flush=True)
        return 0
    if args.events < 300:
        parser.error("--events must be at least 300 (the units and leaders come first)")

    if args.workdir:
        workdir = Path(args.workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        result = measure(args, workdir)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="cxzy-bench-"))
        try:
            result = measure(args, workdir)
        finally:
            if args.keep:
                say(f"kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

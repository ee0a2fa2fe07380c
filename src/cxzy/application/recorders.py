"""eventsourcing recorders that also keep cxzy's read model.

The read model is written in the same transaction as the events it comes from,
with a tracking record of the last position applied (eventsourcing's tracking
table), so a reader never sees the log and the read model disagree, and a
concurrent writer that got there first makes the transaction fail as a whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
    Tracking,
)
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder, SQLiteTransaction
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from cxzy.application.readmodel import (
    READ_MODEL,
    STORE_FORMAT,
    Dialect,
    PostgresDialect,
    ReadModel,
)

MARK_STORE = (
    "INSERT INTO cx_meta (key, value) VALUES ('store_format', "
    f"'{STORE_FORMAT}') ON CONFLICT (key) DO NOTHING"
)


class LogMovedError(IntegrityError):
    """Another writer appended to the log after this import was checked."""


class ReadModelRecorder:
    """The part shared by the SQLite and PostgreSQL recorders."""

    read_model: ReadModel

    def read_cursor(self) -> Any:
        """A read-only transaction in which every query sees the same state."""
        raise NotImplementedError

    def write_cursor(self) -> Any:
        """A transaction that may rewrite the read model (a rebuild)."""
        raise NotImplementedError

    def import_cursor(self) -> Any:
        """A transaction that holds the log against other writers from its start
        (a streamed import checks and writes batch after batch in it)."""
        raise NotImplementedError

    def append_in(
        self,
        c: Any,
        stored: Sequence[StoredEvent],
        events: Sequence[Any],
        digests: Any,
        running: Any,
    ) -> Sequence[int]:
        """Insert events in an :meth:`import_cursor` transaction and project them;
        ``running`` collects the running-total changes, written at the end."""
        ids = self._append(c, stored, cx_events=events, cx_digests=digests, cx_running=running)
        assert ids is not None
        return ids

    def _append(self, c: Any, stored: Sequence[StoredEvent], **kwargs: Any) -> Any:
        """The database's steps of :meth:`append_in`; returns the new positions."""
        raise NotImplementedError

    def stored_events_in(self, c: Any, originator_id: Any) -> list[StoredEvent]:
        """An aggregate's stored events, read in the transaction (its own writes too)."""
        statement, key = self._select_aggregate(originator_id)
        c.execute(statement, [key])
        return [
            StoredEvent(
                originator_id=originator_id,
                originator_version=row[1],
                topic=row[2],
                state=bytes(row[3]),
            )
            for row in c.fetchall()
        ]

    def _select_aggregate(self, originator_id: Any) -> tuple[Any, Any]:
        raise NotImplementedError

    def _apply_read_model(self, c: Any, ids: Sequence[int] | None, **kwargs: Any) -> None:
        events = kwargs.get("cx_events")
        if events is None:
            return
        expected = kwargs.get("expected_head")
        if expected is not None and self.read_model.head(c) != expected:
            raise LogMovedError("the log moved while this import was checked")
        assert ids is not None and len(ids) == len(events)
        stored = kwargs.get("cx_stored")
        assert stored is not None and len(stored) == len(events)
        last = self.read_model.apply(
            c,
            ((pos, e, e.timestamp, s) for pos, e, s in zip(ids, events, stored, strict=True)),
            digests=kwargs.get("cx_digests") or {},
            running=kwargs.get("cx_running"),
        )
        if last is not None:
            self._insert_tracking(c, Tracking(READ_MODEL, last))  # type: ignore[attr-defined]


READ_CACHE_KB = 16_384  # a reader's page cache: SQLite's default is 2 MB
IMPORT_CACHE_KB = 65_536  # an import's: the indexes it inserts into at random (decision 58)
DEFAULT_CACHE_KB = 2_000  # SQLite's
READ_RANDOM_PAGE_COST = 1.1  # PostgreSQL readers: pages are cached, not on a spinning disk


class _ImmediateTransaction(SQLiteTransaction):
    """eventsourcing's SQLite transaction (its errors translated, rolled back on
    failure), begun with the write lock: its plain BEGIN takes the lock only at
    the first write, and an import needs it before its first read."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise OperationalError(error) from error
        return cursor


class CxzySQLiteRecorder(ReadModelRecorder, SQLiteProcessRecorder):
    read_model = ReadModel(Dialect())

    def _create_table(self, c: Any) -> None:
        super()._create_table(c)
        self.read_model.create(c)
        c.execute(MARK_STORE)

    @contextmanager
    def read_cursor(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as c:
            # the indexes a status reads at a million events stay in memory between
            # the dashboard's steps (a quarter of each read, at the default size)
            c.execute(f"PRAGMA cache_size = -{READ_CACHE_KB}")
            yield c

    def write_cursor(self) -> Any:
        return self.datastore.transaction(commit=True)

    @contextmanager
    def import_cursor(self) -> Iterator[Any]:
        with self.datastore.get_connection(commit=True) as conn:
            # With SQLite's 2 MB an import of a million events reads back and writes
            # out again the pages of the indexes it inserts into at random (record
            # ids, entities, aggregate ids): 19 s of system time, half that with
            # 64 MB. The connection is eventsourcing's, kept for later transactions:
            # its cache goes back to SQLite's size after the import.
            conn.cursor().execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KB}")
            try:
                with _ImmediateTransaction(conn, commit=True) as cursor:
                    yield cursor
            finally:
                conn.cursor().execute(f"PRAGMA cache_size = -{DEFAULT_CACHE_KB}")

    def _append(self, c: Any, stored: Sequence[StoredEvent], **kwargs: Any) -> Any:
        return self._insert_events(c, stored, **kwargs)

    def _select_aggregate(self, originator_id: Any) -> tuple[Any, Any]:
        return self.select_events_statement + "ORDER BY originator_version", originator_id.hex

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        self._apply_read_model(c, ids, cx_stored=stored_events, **kwargs)
        return ids


class CxzyPostgresRecorder(ReadModelRecorder, PostgresProcessRecorder):
    """eventsourcing's PostgreSQL recorder, with the read model in the same transaction.

    eventsourcing locks the events table while it inserts (so positions are
    committed in order) and NOTIFYs listeners on commit; the read model is
    applied after the new positions are known, before the commit.
    """

    def __init__(self, datastore: Any, *, events_table_name: str = "cxzy_events") -> None:
        super().__init__(
            datastore, events_table_name=events_table_name, tracking_table_name="cxzy_tracking"
        )
        self.read_model = ReadModel(PostgresDialect(datastore.schema))

    def _create_table(self, curs: Any) -> None:
        super()._create_table(curs)
        self.read_model.create(curs)
        curs.execute(self.read_model.dialect.sql(MARK_STORE))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """eventsourcing's steps (lock, notify, insert, fetch positions) in one plain
        transaction. Its pipelined version keeps an exception raised after the insert
        and commits before re-raising it; a check of ours that fails there (another
        writer was first) must roll everything back instead."""
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return []
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        with curs.connection.cursor(row_factory=tuple_row) as cursor:
            self._apply_read_model(cursor, ids, cx_stored=stored_events, **kwargs)
        return ids

    @contextmanager
    def read_cursor(self) -> Iterator[Any]:
        with self.datastore.get_connection() as conn, conn.transaction(force_rollback=True):
            cursor = conn.cursor(row_factory=tuple_row)
            # The read model's indexes are in memory: with the default cost of a random
            # page (4) the planner hashed all of cx_running rather than probe its key
            # once per unit and kind (a status 17 ms instead of 5 at 100,000 events).
            # (Both settings in one message: one round trip fewer per read.)
            cursor.execute(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
                f"SET LOCAL random_page_cost = {READ_RANDOM_PAGE_COST}"
            )
            yield cursor

    def import_cursor(self) -> Any:
        return self.write_cursor()  # the events table locked from the start

    def _append(self, c: Any, stored: Sequence[StoredEvent], **kwargs: Any) -> Any:
        with c.connection.cursor() as curs:  # eventsourcing's steps read rows as dicts
            self._insert_events(curs, stored, **kwargs)
            self._insert_stored_events(curs, stored, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored, **kwargs)

    def _select_aggregate(self, originator_id: Any) -> tuple[Any, Any]:
        return self.select_events_statement + SQL(" ORDER BY originator_version"), originator_id

    @contextmanager
    def write_cursor(self) -> Iterator[Any]:
        with self.datastore.get_connection() as conn, conn.transaction():
            cursor = conn.cursor(row_factory=tuple_row)
            cursor.execute(
                SQL("LOCK TABLE {0}.{1} IN EXCLUSIVE MODE").format(
                    Identifier(self.datastore.schema), Identifier(self.events_table_name)
                )
            )
            # An import or a rebuild grows the read model's tables from few rows to
            # millions in this one transaction. psycopg prepares a statement run five
            # times, and PostgreSQL then keeps a generic plan made while the tables
            # were empty: DELETE FROM cx_open by its key went through another index on
            # the month alone and read every open item at every call, and a
            # million-event import did not finish in half an hour.
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            yield cursor

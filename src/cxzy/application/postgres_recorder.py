"""eventsourcing's PostgreSQL recorder, keeping cxzy's read model in the same
transaction (see :mod:`cxzy.application.recorders`). A module of its own, so that
commands on a SQLite store do not load PostgreSQL's driver."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.utils import retry
from psycopg.errors import InvalidSchemaName, LockNotAvailable, UndefinedTable
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier, Literal

from cxzy.application.readmodel import PostgresDialect, ReadModel
from cxzy.application.recorders import AT_ONCE_MS, MARK_STORE, ReadModelRecorder

READ_RANDOM_PAGE_COST = 1.1  # readers: pages are cached, not on a spinning disk


class CxzyPostgresRecorder(ReadModelRecorder, PostgresProcessRecorder):
    """eventsourcing's PostgreSQL recorder, with the read model in the same transaction.

    eventsourcing locks the events table while it inserts (so positions are
    committed in order) and NOTIFYs listeners on commit; the read model is
    applied after the new positions are known, before the commit.
    """

    pushes_changes = True

    def __init__(self, datastore: Any, *, events_table_name: str = "cxzy_events") -> None:
        super().__init__(
            datastore, events_table_name=events_table_name, tracking_table_name="cxzy_tracking"
        )
        self.read_model = ReadModel(PostgresDialect(datastore.schema))
        self._first = 0  # where a copy's next insert starts (0: after the last position)

    def _create_table(self, curs: Any) -> None:
        # CREATE INDEX IF NOT EXISTS waits for a writer's lock on the table even when
        # the index is there: as long as a writer waits, then "another import holds
        # the store" (a second import waited for ever, silently)
        self._say_if_waiting(curs.connection, curs)  # (a second import waits here)
        curs.execute(SQL("SET LOCAL lock_timeout = '{0}s'").format(self.datastore.lock_timeout))
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

    def _insert_stored_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        self._first = kwargs.get("cx_first") or 0
        try:
            super()._insert_stored_events(curs, stored_events, **kwargs)
        finally:
            self._first = 0

    def _lock_table(self, curs: Any) -> None:
        """eventsourcing's lock, then the positions go on from the last one: a
        transaction rolled back (an import refused, a dry run, Ctrl-C) had taken
        numbers from the sequence, and they left gaps in the log's positions (the
        hash chain and a checkpoint name positions). Under the lock no other writer
        takes numbers. A copy starts at the source's position instead (``cx_first``)."""
        super()._lock_table(curs)
        table = f'"{self.datastore.schema}"."{self.events_table_name}"'
        curs.execute(
            SQL(
                "SELECT setval(pg_get_serial_sequence({0}, 'notification_id'),"
                " GREATEST(COALESCE((SELECT MAX(notification_id) FROM {1}.{2}), 0) + 1,"
                " %(first)s), false)"
            ).format(
                Literal(table),
                Identifier(self.datastore.schema),
                Identifier(self.events_table_name),
            ),
            {"first": self._first},
        )

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        with curs.connection.cursor(row_factory=tuple_row) as cursor:
            self._apply_read_model(cursor, ids, cx_stored=stored_events, **kwargs)
        return ids

    def _say_if_waiting(self, conn: Any, cursor: Any) -> None:
        """Tell ``on_wait`` when another writer holds eventsourcing's lock, before
        this transaction waits for it."""
        if self.on_wait is not None and not self._locked_at_once(conn, cursor):
            self.on_wait()

    def _locked_at_once(self, conn: Any, cursor: Any) -> bool:
        """Whether eventsourcing's lock is had at once (else another writer holds it)."""
        try:
            with conn.transaction():  # a savepoint: a lock not had leaves nothing behind
                cursor.execute(f"SET LOCAL lock_timeout = '{AT_ONCE_MS}ms'")
                cursor.execute(self.lock_table_statements[-1])
            return True
        except LockNotAvailable:
            return False
        except (UndefinedTable, InvalidSchemaName):  # a new store: nobody to wait for
            return True

    def importing_elsewhere(self, cursor: Any) -> bool:
        table = f'"{self.datastore.schema}"."{self.events_table_name}"'
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'relation'"
            " AND relation = to_regclass(%s) AND mode = 'ExclusiveLock' AND granted"
            " AND pid <> pg_backend_pid() LIMIT 1",
            (table,),
        )
        return cursor.fetchone() is not None

    @contextmanager
    def read_cursor(self) -> Iterator[Any]:
        with self.datastore.get_connection() as conn, conn.transaction(force_rollback=True):
            cursor = conn.cursor(row_factory=tuple_row)
            # The read model's indexes are in memory: with the default cost of a random
            # page (4) the planner scanned whole tables rather than probe their keys
            # (before the totals were kept by week, it hashed all of cx_running: a
            # status 17 ms instead of 5 at 100,000 events).
            # (Both settings in one message: one round trip fewer per read.)
            cursor.execute(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
                f"SET LOCAL random_page_cost = {READ_RANDOM_PAGE_COST}"
            )
            yield cursor

    def import_cursor(self, *, unshared: bool = False) -> Any:
        return self.write_cursor()  # the events table locked from the start

    def _append(self, c: Any, stored: Sequence[StoredEvent], **kwargs: Any) -> Any:
        with c.connection.cursor() as curs:  # eventsourcing's steps read rows as dicts
            self._insert_events(curs, stored, **kwargs)
            self._insert_stored_events(curs, stored, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored, **kwargs)

    def _select_aggregate(self, originator_id: Any) -> tuple[Any, Any]:
        return self.select_events_statement + SQL(" ORDER BY originator_version"), originator_id

    position_column = "notification_id"

    @property
    def events_select(self) -> str:
        return (
            "SELECT notification_id, originator_id, originator_version, topic, state"
            f' FROM "{self.datastore.schema}"."{self.events_table_name}"'
        )

    def convert_originator_id(self, originator_id: Any) -> Any:
        return originator_id  # psycopg gives a UUID

    @contextmanager
    def write_cursor(self) -> Iterator[Any]:
        with self.datastore.get_connection() as conn, conn.transaction():
            cursor = conn.cursor(row_factory=tuple_row)
            # eventsourcing's own lock, with its timeout (POSTGRES_LOCK_TIMEOUT: as long
            # as SQLite's busy timeout, then "another import holds the store"; a LOCK
            # of our own waited for ever, silently)
            self._say_if_waiting(conn, cursor)
            for statement in self.lock_table_statements:
                cursor.execute(statement)
            # An import or a rebuild grows the read model's tables from few rows to
            # millions in this one transaction. psycopg prepares a statement run five
            # times, and PostgreSQL then keeps a generic plan made while the tables
            # were empty: DELETE FROM cx_open by its key went through another index on
            # the month alone and read every open item at every call, and a
            # million-event import did not finish in half an hour.
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            yield cursor

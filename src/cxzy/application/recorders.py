"""eventsourcing recorders that also keep cxzy's read model.

The read model is written in the same transaction as the events it comes from,
with a tracking record of the last position applied (eventsourcing's tracking
table), so a reader never sees the log and the read model disagree, and a
concurrent writer that got there first makes the transaction fail as a whole.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    Notification,
    OperationalError,
    StoredEvent,
    Tracking,
)
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder, SQLiteTransaction

from cxzy.application.readmodel import (
    READ_MODEL,
    STORE_FORMAT,
    VERSION,
    Dialect,
    ReadModel,
)
from cxzy.domain.errors import Violation

MARK_STORE = (
    "INSERT INTO cx_meta (key, value) VALUES ('store_format', "
    f"'{STORE_FORMAT}') ON CONFLICT (key) DO NOTHING"
)


class ReadModelRecorder:
    """The part shared by the SQLite and PostgreSQL recorders
    (:mod:`cxzy.application.postgres_recorder`)."""

    read_model: ReadModel
    #: Whether the store pushes new events to listeners (PostgreSQL's LISTEN/NOTIFY).
    pushes_changes = False

    @property
    def on_wait(self) -> Callable[[], None] | None:
        """Told when a writer must wait for another one's lock (:data:`ON_WAIT`)."""
        return ON_WAIT.get()

    def read_cursor(self) -> Any:
        """A read-only transaction in which every query sees the same state."""
        raise NotImplementedError

    def write_cursor(self) -> Any:
        """A transaction that may rewrite the read model (a rebuild)."""
        raise NotImplementedError

    def import_cursor(self, *, unshared: bool = False) -> Any:
        """A transaction that holds the log against other writers from its start
        (a streamed import checks and writes batch after batch in it); ``unshared``:
        into a store no other process opens yet (decision 147)."""
        raise NotImplementedError

    def append_in(
        self,
        c: Any,
        stored: Sequence[StoredEvent],
        events: Sequence[Any],
        digests: Any,
        carry: Any,
        first: int | None = None,
    ) -> Sequence[int]:
        """Insert events in an :meth:`import_cursor` transaction and project them;
        ``carry`` (a :class:`~cxzy.application.totals.Carryover`) is what one call
        keeps for the next: the running-total changes, written at the end, and the
        open lives. ``first``: the first one's position, when not the next."""
        ids = self._append(
            c, stored, cx_events=events, cx_digests=digests, cx_carry=carry, cx_first=first
        )
        assert ids is not None
        return ids

    def _append(self, c: Any, stored: Sequence[StoredEvent], **kwargs: Any) -> Any:
        """The database's steps of :meth:`append_in`; returns the new positions."""
        raise NotImplementedError

    #: The stored events' columns as a notification has them (:meth:`notifications_at`).
    events_select: str
    position_column: str

    def notifications_at(self, positions: Sequence[int]) -> list[Notification]:
        """The stored events at these log positions (ascending), looked up by their
        positions (:meth:`ReadModel.rows_in`): a unit's records are one in two
        hundred of the log, and reading the whole range between its first and last
        took seconds at a million events."""
        with self.read_cursor() as c:
            rows = sorted(
                self.read_model.rows_in(c, self.events_select, self.position_column, positions)
            )
        return [
            Notification(
                id=row[0],
                originator_id=self.convert_originator_id(row[1]),  # type: ignore[attr-defined]
                originator_version=row[2],
                topic=row[3],
                state=bytes(row[4]),
            )
            for row in rows
        ]

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
        assert ids is not None and len(ids) == len(events)
        self._refuse_another_read_model(c)
        stored = kwargs.get("cx_stored")
        assert stored is not None and len(stored) == len(events)
        last = self.read_model.apply(
            c,
            ((pos, e, e.timestamp, s) for pos, e, s in zip(ids, events, stored, strict=True)),
            digests=kwargs.get("cx_digests") or {},
            carry=kwargs.get("cx_carry"),
        )
        if last is not None:
            self._insert_tracking(c, Tracking(READ_MODEL, last))  # type: ignore[attr-defined]

    def _refuse_another_read_model(self, c: Any) -> None:
        """(In the write's transaction, its lock held.) Refuse to write where another
        cxzy made the read model anew while this one waited for the lock: it checked
        the version on opening, and an older cxzy's import that had waited through
        this one's upgrade wrote its figures beside them, each version's tracking
        taken then for a log altered outside cxzy."""
        others = self.read_model_versions(c) - {VERSION}
        if others:
            raise Violation("read_model_made_meanwhile", version=max(others), ours=VERSION)

    def importing_elsewhere(self, cursor: Any) -> bool:
        """Whether another session holds the log for an import that has not
        committed yet (PostgreSQL's lock on the events table; a SQLite store being
        made is another file until it commits: False)."""
        return False

    def read_model_version(self) -> int | None:
        """The version of the read model the store holds (the latest its tracking
        names: ``cxzy-read-model-v12`` → 12), None when it holds none: a store an
        older cxzy wrote, read by one that may not make it anew, is read as it is."""
        with self.read_cursor() as c:
            return max(self.read_model_versions(c), default=None)

    def read_model_versions(self, c: Any) -> set[int]:
        """The versions of the read model the store's tracking names (one, but where
        an older cxzy wrote after a newer one made the figures anew)."""
        dialect = self.read_model.dialect
        tracking = dialect.table(self.tracking_table_name)  # type: ignore[attr-defined]
        names = self.read_model.rows(
            c,
            f"SELECT application_name FROM {tracking}"
            " WHERE substr(application_name, 1, 16) = 'cxzy-read-model-'",
        )
        return {int(found[1]) for (name,) in names if (found := _VERSION.fullmatch(name))}

    def forget_read_models(self, c: Any) -> None:
        """Delete what every version of the read model tracked, before a read model
        made anew is tracked (the older versions' tables are gone, and this version's
        tracking only moves forward in eventsourcing)."""
        dialect = self.read_model.dialect
        tracking = dialect.table(self.tracking_table_name)  # type: ignore[attr-defined]
        c.execute(
            dialect.sql(
                f"DELETE FROM {tracking} WHERE substr(application_name, 1, 16) = 'cxzy-read-model-'"
            )
        )


_VERSION = re.compile(r"cxzy-read-model-v(\d+)")

READ_CACHE_KB = 16_384  # a reader's page cache: SQLite's default is 2 MB
IMPORT_CACHE_KB = 65_536  # an import's: the indexes it inserts into at random (decision 58)
DEFAULT_CACHE_KB = 2_000  # SQLite's


#: Told when a writer must wait for another one's lock, before it waits (up to the
#: lock's timeout): set by a command around its writing, from the store's opening on
#: (an import said nothing for 30 s, then that the store was held too long).
ON_WAIT: ContextVar[Callable[[], None] | None] = ContextVar("cxzy_on_wait", default=None)


class _ImmediateTransaction(SQLiteTransaction):
    """eventsourcing's SQLite transaction (its errors translated, rolled back on
    failure), begun with the write lock: its plain BEGIN takes the lock only at
    the first write, and an import needs it before its first read. ``on_wait``:
    told when another writer holds the lock, before waiting for it."""

    def __init__(
        self, connection: Any, commit: bool = False, on_wait: Callable[[], None] | None = None
    ) -> None:
        super().__init__(connection, commit=commit)
        self.on_wait = on_wait

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            try:
                _begin(cursor, AT_ONCE_MS)
            except sqlite3.OperationalError as error:
                if not _locked(error):
                    raise
                if self.on_wait is not None:
                    self.on_wait()  # (another writer holds the lock: said, then waited for)
                _begin(cursor)
        except sqlite3.OperationalError as error:
            raise OperationalError(error) from error
        return cursor


def _begin(cursor: Any, within_ms: int | None = None) -> None:
    """BEGIN IMMEDIATE, the lock waited for ``within_ms`` (else the connection's busy
    timeout) and asked for a slice at a time: SQLite's own wait is one call into C,
    and Ctrl-C or SIGTERM was acted on only once the other writer let go, up to 30 s
    later. Raises SQLite's "database is locked" when not had by then."""
    cursor.execute("PRAGMA busy_timeout")
    (waits,) = cursor.fetchone()
    within = waits if within_ms is None else within_ms
    deadline = time.monotonic() + within / 1000
    cursor.execute(f"PRAGMA busy_timeout = {min(WAIT_SLICE_MS, within)}")
    try:
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not _locked(error) or time.monotonic() >= deadline:
                    raise
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {int(waits)}")


def _locked(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


AT_ONCE_MS = 200  # a lock not had by then is another writer's: said, then waited for
WAIT_SLICE_MS = 200  # then waited for this long at a time, a signal acted on between


def _journal_mode(conn: Any, mode: str) -> bool:
    """Set a connection's journal mode; whether it took (SQLite keeps the one it has
    while another connection has the store open)."""
    cursor = conn.cursor()
    cursor.execute(f"PRAGMA journal_mode = {mode}")
    (now,) = cursor.fetchone()
    return bool(now.lower() == mode)


class CxzySQLiteRecorder(ReadModelRecorder, SQLiteProcessRecorder):
    position_column = "rowid"
    tracking_table_name = "tracking"  # eventsourcing's SQLite recorder's, by that name

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        # a read model of its own, as each PostgreSQL recorder has: what it has seen
        # of its store's shape is this store's (one shared by every SQLite store of a
        # process took a new copy's columns for an older source's: "no such column")
        self.read_model = ReadModel(Dialect())
        super().__init__(datastore, **kwargs)

    @property
    def events_select(self) -> str:
        return (
            "SELECT rowid, originator_id, originator_version, topic, state"
            f" FROM {self.events_table_name}"
        )

    def _create_table(self, c: Any) -> None:
        super()._create_table(c)
        self.read_model.create(c)
        c.execute(MARK_STORE)

    def convert_originator_id(self, originator_id: str) -> UUID | str:
        """A stored event's aggregate id, which cxzy writes as a UUID: a row added
        or edited outside cxzy with another is said as the store's damage (it was
        an internal error in every command, ``verify`` too)."""
        try:
            return super().convert_originator_id(originator_id)
        except (ValueError, TypeError, AttributeError):
            raise Violation("event_id_unreadable", id=str(originator_id)[:80]) from None

    @contextmanager
    def read_cursor(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as c:
            # the indexes a status reads at a million events stay in memory between
            # the dashboard's steps (a quarter of each read, at the default size)
            c.execute(f"PRAGMA cache_size = -{READ_CACHE_KB}")
            yield c

    def write_cursor(self) -> Any:
        # The read model's own writes (a catch-up, a rebuild, new tables) are an
        # import's: the write lock from the start (a transaction that reads first and
        # writes after, begun plainly, fails at once when another writer holds the
        # lock, instead of waiting for it), and the page cache for a long rebuild.
        return self.import_cursor()

    def create_table(self) -> None:
        with self.write_cursor() as c:
            self._create_table(c)

    @contextmanager
    def import_cursor(self, *, unshared: bool = False) -> Iterator[Any]:
        """The import's transaction, begun with the write lock. ``unshared``: the
        store is one no other process opens yet (decision 147)."""
        with self.datastore.get_connection(commit=True) as conn:
            # With SQLite's 2 MB an import of a million events reads back and writes
            # out again the pages of the indexes it inserts into at random (record
            # ids, entities, aggregate ids): 19 s of system time, half that with
            # 64 MB. The connection is eventsourcing's, kept for later transactions:
            # its cache goes back to SQLite's size after the import.
            conn.cursor().execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KB}")
            # A new store that nobody reads yet keeps its rollback journal in memory:
            # through the write-ahead log every page was written twice (into the log,
            # then, at the close, into the file), a tenth of an import of a million
            # events. Back to the log once done, for the readers to come.
            # (Were the way back refused, the store would take its name in rollback mode,
            # and be put back in WAL mode by the next process that opens it.)
            try:
                unlogged = unshared and _journal_mode(conn, "memory")
                with _ImmediateTransaction(conn, commit=True, on_wait=self.on_wait) as cursor:
                    yield cursor
                if unlogged:  # (an import that failed leaves its store to be removed)
                    _journal_mode(conn, "wal")
            finally:
                conn.cursor().execute(f"PRAGMA cache_size = -{DEFAULT_CACHE_KB}")

    def _append(self, c: Any, stored: Sequence[StoredEvent], **kwargs: Any) -> Any:
        return self._insert_events(c, stored, **kwargs)

    def _select_aggregate(self, originator_id: Any) -> tuple[Any, Any]:
        return self.select_events_statement + "ORDER BY originator_version", originator_id.hex

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        first = kwargs.get("cx_first")
        if first is not None and stored_events:  # at that position; the rest follow it
            head, *rest = stored_events
            c.execute(
                f"INSERT INTO {self.events_table_name}"
                " (rowid, originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?, ?)",
                (first, head.originator_id.hex, head.originator_version, head.topic, head.state),
            )
            ids = [first, *(super()._insert_events(c, rest) or [])]
        else:
            ids = list(super()._insert_events(c, stored_events) or [])
        self._apply_read_model(c, ids, cx_stored=stored_events, **kwargs)
        return ids

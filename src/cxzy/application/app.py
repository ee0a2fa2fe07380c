"""The campaign application: the only place that touches the store."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Any

from eventsourcing.application import Application, project_aggregate
from eventsourcing.domain import Aggregate, EventSourcingError
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    PersistenceError,
    Tracking,
    Transcoding,
)
from eventsourcing.utils import TopicError

from cxzy.application.chain import content_hash
from cxzy.application.readmodel import (
    MARKS_SINCE,
    PERSON_SINCE,
    READ_MODEL,
    SAME_FIGURES_SINCE,
    TABLES,
    VERSION,
    ReadModel,
)
from cxzy.application.store import (
    WRITE_WAIT_SECONDS,
    StoreLocation,
    check_listening,
    check_postgres_store,
    check_sqlite_file,
    on_read_only_media,
    postgres_env,
    postgres_unreachable,
    sqlite_name,
    store_error,
)
from cxzy.application.templates import campaign_template
from cxzy.application.totals import BrokenLife, Carryover
from cxzy.domain import jsontext
from cxzy.domain.aggregates import AGGREGATES  # registers the stored topics
from cxzy.domain.errors import Coded, Violation
from cxzy.domain.records import Stamp, entity_id
from cxzy.domain.registry import CampaignInfo, Registry

REPLAY_BATCH = 2000
ANALYZE_AFTER = 10_000  # events in one import after which the planner's statistics are renewed
OPEN_ATTEMPTS = 5


def _twice(error: BaseException) -> bool:
    """Whether a write failed on a unique key (not NOT NULL or another constraint):
    SQLite's, PostgreSQL's (SQLSTATE 23505; psycopg is imported only with a
    PostgreSQL store, not for every command), as eventsourcing passes them on."""
    unique = "UNIQUE constraint failed" in str(error)
    if unique and isinstance(error, IntegrityError | sqlite3.IntegrityError):
        return True
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(error, psycopg.errors.UniqueViolation)


# What the mapper raises for a stored event altered outside cxzy (bytes that are not
# its JSON, a topic that names no class, a NULL): not MemoryError, RecursionError
UNREADABLE = (EventSourcingError, TopicError, ValueError, TypeError, KeyError, AttributeError)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return _day(data)


@lru_cache(maxsize=4096)
def _day(text: str) -> date:
    """One date object a day: what reads many records (the ledger, the log) keeps a
    day's date once, not once a record."""
    return date.fromisoformat(text)


class StampAsDict(Transcoding):
    type = Stamp
    name = "cxzy_stamp"

    def encode(self, obj: Stamp) -> dict[str, Any]:
        return {
            "id": obj.record_id,
            "at": obj.at,
            "day": obj.day,
            "by": obj.by,
            "origin": obj.origin,
        }

    def decode(self, data: dict[str, Any]) -> Stamp:
        return Stamp(data["id"], data["at"], data["day"], data.get("by"), data.get("origin"))


class Transcoder(JSONTranscoder):
    """eventsourcing's JSON transcoder, also for subclasses of the registered types
    (a ``datetime`` subclass from a time library, or from freezegun in tests)."""

    def encode(self, obj: Any) -> bytes:
        """What eventsourcing's JSON transcoder writes, byte for byte, written
        faster (see :mod:`cxzy.domain.jsontext`)."""
        return jsontext.compact(obj, default=self._encode_obj)

    def _encode_obj(self, o: Any) -> dict[str, Any]:
        for cls in type(o).__mro__:
            transcoding = self.types.get(cls)
            if transcoding is not None:
                return {"_type_": transcoding.name, "_data_": transcoding.encode(o)}
        return super()._encode_obj(o)


class CampaignApp(Application):
    name = "cxzy"
    aggregates = AGGREGATES
    location: StoreLocation | None = None  # where it was opened (:func:`open_app`)
    # opened as immutable (a SQLite file in a folder this process may not write, with
    # no -shm beside it): SQLite then never looks for what others write into it
    frozen: bool = False

    def construct_transcoder(self) -> Transcoder:
        transcoder = Transcoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(StampAsDict())

    # -- reading ----------------------------------------------------------------

    @property
    def read_model(self) -> ReadModel:
        return self.recorder.read_model  # type: ignore[attr-defined,no-any-return]

    @contextmanager
    def snapshot(self) -> Iterator[Any]:
        """A read transaction: every query inside sees the same state of the store."""
        with self.recorder.read_cursor() as cursor:  # type: ignore[attr-defined]
            yield cursor

    @property
    def pushes_changes(self) -> bool:
        """Whether the store pushes new events (PostgreSQL's LISTEN/NOTIFY)."""
        return bool(getattr(self.recorder, "pushes_changes", False))

    def follow(self, after: int) -> Any:
        """A subscription to the events after a position (a context manager and an
        iterator of notifications); only where :attr:`pushes_changes`."""
        return self.recorder.subscribe(gt=after)

    @property
    def store_name(self) -> str:
        """The store as messages name it (its location, a password hidden)."""
        return self.location.display() if self.location else ""

    @cached_property
    def read_model_version(self) -> int:
        """The version of the read model the store holds: this cxzy's, or an older
        one's, read as it is by one who may not make it anew (0: none)."""
        recorder: Any = self.recorder
        if recorder.max_tracking_id(READ_MODEL) or not recorder.max_notification_id():
            return VERSION
        return recorder.read_model_version() or 0

    @property
    def read_as_is(self) -> bool:
        """Whether the read model is an older cxzy's, read as it is (by one who may
        not make it anew)."""
        return self.read_model_version < VERSION

    @property
    def read_model_current(self) -> bool:
        """Whether the read model has this version's figures (the running totals kept
        by week): an older one's are read row by row."""
        return self.read_model_version >= SAME_FIGURES_SINCE

    @property
    def log_person(self) -> str:
        """What a query of ``cx_log`` selects for the person a record names."""
        return "person" if self.read_model_version >= PERSON_SINCE else "NULL"

    @property
    def log_marks(self) -> str:
        """What a query of ``cx_log`` selects for a record's marks (its codes shown
        with it: a review's grade, a verification's verdict)."""
        return "marks" if self.read_model_version >= MARKS_SINCE else "NULL"

    def totals_answer(self, position: int, head: int) -> bool:
        """Whether the running totals answer for the log up to a position, ``head``
        being the log's last: they hold the whole log, so not for an earlier one ("as
        known at" a past moment)."""
        return position >= head and self.read_model_current

    def head(self) -> int:
        with self.snapshot() as c:
            return self.read_model.head(c)

    def campaign_info(self, cursor: Any) -> CampaignInfo | None:
        row = self.read_model.campaign_row(cursor)
        if row is None:
            return None
        code, template_key, timezone, phases, text = row
        template = campaign_template(template_key, phases, text)
        return CampaignInfo(code=code, template=template, timezone=timezone)

    def registry(self, c: Any) -> tuple[Registry, int]:
        """What an import checks references against, and the log position it reflects."""
        registry = Registry(campaign=self.campaign_info(c))
        for unit, kind, day, parent in self.read_model.rows(
            c, "SELECT unit, kind, day, parent FROM cx_units WHERE registered = 1 ORDER BY pos"
        ):
            registry.units[unit] = kind
            registry.registered_on[unit] = date.fromisoformat(day)
            registry.parents[unit] = parent
        for unit, name in self.read_model.rows(
            c, "SELECT DISTINCT unit, name FROM cx_units WHERE name IS NOT NULL"
        ):
            registry.name_unit(unit, name)
        for person, day in self.read_model.rows(
            c, "SELECT person, MIN(day) FROM cx_people GROUP BY person"
        ):
            registry.people.add(person)
            registry.assigned_on[person] = date.fromisoformat(day)
        return registry, self.read_model.head(c)

    @contextmanager
    def importing(self) -> Iterator[ImportTransaction]:
        """One transaction for a whole import, the log held against other writers
        from the start; it commits unless :meth:`ImportTransaction.discard` was
        called or an exception escapes."""
        try:
            unshared = self.location is not None and self.location.unshared
            with self.recorder.import_cursor(unshared=unshared) as cursor:  # type: ignore[attr-defined]
                transaction = ImportTransaction(self, cursor)
                yield transaction
                if transaction.discarded:
                    raise _Discarded
                self.read_model.write_running(cursor, transaction.carry.changes)
                if transaction.appended >= ANALYZE_AFTER:
                    self.read_model.refresh_statistics(cursor)
                if transaction.commit_noted and transaction.positions is not None:
                    first, last = transaction.positions
                    moment = self.read_model.now(cursor)
                    self.read_model.note_commit(cursor, first, last, moment)
        except _Discarded:
            pass

    def notifications(
        self, positions: Sequence[int] | None = None, start: int = 1
    ) -> Iterator[tuple[int, Any]]:
        """Stored events as (position, domain event), in log order.

        With ``positions`` (ascending), only those: a range read where they lie
        close together (a page of the whole log), else each one by its position
        (a unit's records, spread over the log).
        """
        recorder = self.recorder
        if positions is not None:
            for at in range(0, len(positions), REPLAY_BATCH):
                chunk = positions[at : at + REPLAY_BATCH]
                if chunk[-1] - chunk[0] < 2 * len(chunk):
                    wanted = set(chunk)
                    batch = [
                        n
                        for n in recorder.select_notifications(
                            chunk[0], chunk[-1] - chunk[0] + 1, stop=chunk[-1]
                        )
                        if n.id in wanted
                    ]
                else:
                    batch = recorder.notifications_at(chunk)  # type: ignore[attr-defined]
                for notification in batch:
                    yield notification.id, self.domain_event(notification)
            return
        while True:
            batch = recorder.select_notifications(start, REPLAY_BATCH)
            if not batch:
                return
            for notification in batch:
                yield notification.id, self.domain_event(notification)
            start = batch[-1].id + 1

    def domain_event(self, stored: Any, entity: tuple[str, str] | None = None) -> Any:
        """The domain event of a stored event (a notification, at its log position,
        or one of ``entity``'s, kind and code); a row altered outside cxzy, which the
        mapper cannot read back, is said as such (where ``cxzy verify`` says the
        same), not as a fault of ours."""
        try:
            return self.mapper.to_domain_event(stored)
        except UNREADABLE:
            store = self.store_name
            if entity is not None:
                kind, key = entity
                said = Violation(
                    "entity_unreadable", store=store, kind=Coded("field", kind), key=key
                )
            else:
                said = Violation("event_unreadable", store=store, position=stored.id)
            raise said from None

    # -- writing ----------------------------------------------------------------

    def refuse_newer_read_model(self) -> None:
        """Refuse a store whose read model a newer cxzy made: this one would read its
        tables as its own, or make them again in its older shape (terminals upgraded
        at different times rebuilt the store back and forth, a minute or two at a
        million events, the imports waiting)."""
        found = self.recorder.read_model_version()  # type: ignore[attr-defined]
        if found is not None and found > VERSION:
            raise Violation("store_newer", store=self.store_name, version=found, ours=VERSION)

    def ensure_read_model(self, on_rebuild: Callable[[int], None] | None = None) -> int:
        """Bring the read model up to the end of the log (after an upgrade that
        changed it, or a store copied event by event). ``on_rebuild`` is told how
        many events are to be applied, before a rebuild of the whole read model
        (a minute or two at a million events). Returns events applied."""
        recorder = self.recorder
        tracked = recorder.max_tracking_id(READ_MODEL) or 0  # type: ignore[attr-defined]
        head = recorder.max_notification_id() or 0
        if tracked > head:  # (written in the same transaction as the events they follow)
            raise Violation(
                "store_truncated",
                store=self.store_name,
                head=head,
                tracked=tracked,
            )
        if tracked >= head:
            return 0
        with recorder.write_cursor() as c:  # type: ignore[attr-defined]
            # another command may have brought it up while this one waited for the lock
            tracked = recorder.max_tracking_id(READ_MODEL) or 0  # type: ignore[attr-defined]
            head = recorder.max_notification_id() or 0  # type: ignore[attr-defined]
            if tracked >= head:
                return 0
            held = self.read_model.head(c) if tracked else 0
            older = recorder.read_model_versions(c) - {VERSION}  # type: ignore[attr-defined]
            if held > tracked and older:  # (an older cxzy wrote after the upgrade: "the
                # tracking table changed outside cxzy" blamed someone's hand)
                raise Violation("store_written_by_older", store=self.store_name, version=max(older))
            if held > tracked:  # (the tracking row edited: the log's records after it
                # were projected again, and said to break the rules; even a rebuild was)
                raise Violation(
                    "store_figures_out_of_step", store=self.store_name, tracked=tracked, held=held
                )
            # (said once the tables are dropped: a reader that may not write says
            # nothing of a rebuild it cannot do)
            return self._remake(c, tracked, head, on_start=on_rebuild if tracked == 0 else None)

    def rebuild_read_model(self, on_applied: Callable[[int], None] | None = None) -> int:
        """Make the whole read model again from the log, in one transaction (``cxzy
        store rebuild``: tables dropped or edited outside cxzy); the hash chain's
        links are kept, as by any rebuild. ``on_applied`` is told each batch's size.
        Returns events applied."""
        recorder: Any = self.recorder
        # (this version's tables: PostgreSQL's are emptied, so that readers see the
        # old figures until the new ones are committed)
        in_place = self.read_model.dialect.name == "postgresql"
        with recorder.write_cursor() as c:
            head = recorder.max_notification_id() or 0
            return self._remake(c, 0, head, on_applied, in_place=in_place)

    def _remake(
        self,
        c: Any,
        tracked: int,
        head: int,
        on_applied: Callable[[int], None] | None = None,
        on_start: Callable[[int], None] | None = None,
        *,
        in_place: bool = False,
    ) -> int:
        """The read model brought from ``tracked`` (0: made anew) to ``head`` in the
        transaction ``c``, and tracked there; ``on_start`` is told how many events
        are to be applied once a rebuild has begun; ``in_place``: see
        :meth:`ReadModel.drop`. Returns events applied."""
        recorder: Any = self.recorder
        chained = 0
        if tracked == 0:
            chained = self.read_model.drop(c, head, in_place=in_place)
            if on_start is not None:  # (said once the tables are dropped)
                on_start(head)
        applied, last = self._project(c, tracked, chained, on_applied)
        self.read_model.refresh_statistics(c)
        if tracked == 0:  # what any read model tracked is gone with its tables
            recorder.forget_read_models(c)
        if last:
            recorder._insert_tracking(c, Tracking(READ_MODEL, last))
        return applied

    def _project(
        self, c: Any, tracked: int, chained: int, on_applied: Callable[[int], None] | None = None
    ) -> tuple[int, int]:
        """Apply the log after position ``tracked`` to the read model in the
        transaction ``c`` (all of it into tables made anew when ``tracked`` is 0,
        whose drop kept the hash chain's links up to ``chained``: :meth:`ReadModel.drop`);
        ``on_applied`` is told each batch's size. Returns events applied, and the last
        one's position."""
        applied = 0
        carry = Carryover()
        start = tracked + 1
        while True:
            batch = self.recorder.select_notifications(start, REPLAY_BATCH)
            if not batch:
                break
            if start <= chained:
                self._hold_to_chain(c, batch, start, chained)
            events = [(n.id, self.domain_event(n), n) for n in batch]
            try:
                self.read_model.apply(
                    c,
                    ((pos, e, e.timestamp, n) for pos, e, n in events),
                    rebuilt=True,
                    chained=chained,
                    carry=carry,
                )
            except Exception as error:
                # a life that breaks its rules, or a record twice (events moved, copied
                # or added outside cxzy, which the import would have refused): the
                # log's damage (the write lock is held: no other writer races it)
                if not isinstance(error, BrokenLife) and not _twice(error):
                    raise
                raise Violation(
                    "log_unprojectable", store=self.store_name, first=batch[0].id
                ) from None
            applied += len(events)
            start = batch[-1].id + 1
            if on_applied is not None:
                on_applied(len(events))
        self.read_model.write_running(c, carry.changes)
        return applied, start - 1

    def _hold_to_chain(self, c: Any, batch: Sequence[Any], expected: int, chained: int) -> None:
        """The events a rebuild makes figures of, up to ``chained``, held to the links
        written with them (the links a rebuild keeps: :meth:`ReadModel.drop`): an
        event altered, removed or put in outside cxzy since is refused where
        ``cxzy verify`` finds it, and no figure is made of it (a rebuild made the
        figures of an edited event, and they went out stamped with the head the
        chain had vouched for)."""
        kept = self.read_model.chain_links(c, expected, min(batch[-1].id, chained))
        for stored in batch:
            pos = stored.id
            if pos > chained:
                break
            if pos > expected:  # a gap (PostgreSQL numbers rolled-back inserts too)
                removed = [p for p in range(expected, pos) if p in kept]  # (a link, no event)
                if removed:
                    self._unvouched(removed[0], "chain_missing")
            link = kept.get(pos)
            if link is None:
                self._unvouched(pos, "chain_unchained")
            elif link[0] != content_hash(stored):
                self._unvouched(pos, "chain_altered")
            expected = pos + 1

    def _unvouched(self, position: int, reason: str) -> None:
        raise Violation(
            "rebuild_log_broken",
            store=self.store_name,
            position=position,
            reason=Violation(reason),
        )

    def figures_unlike_the_log(self, on_applied: Callable[[int], None] | None = None) -> list[str]:
        """The read model's tables whose rows are not those the log gives: the whole
        read model is made again from the log in a transaction that is then rolled
        back, and each table compared before and after (the hash chain, kept by a
        rebuild, is checked by :func:`~cxzy.application.audit.verify`). Holds the
        write lock meanwhile: imports wait."""
        recorder: Any = self.recorder
        unlike: list[str] = []
        try:
            with recorder.write_cursor() as c:
                stored = {table: self.read_model.table_digest(c, table) for table in TABLES}
                chained = self.read_model.drop(c, recorder.max_notification_id() or 0)
                self._project(c, 0, chained, on_applied)
                for table, digest in stored.items():
                    if self.read_model.table_digest(c, table) != digest:
                        unlike.append(table)
                raise _Discarded  # (nothing of the rebuild is kept)
        except _Discarded:
            pass
        return unlike


class _Discarded(Exception):
    """Rolls an import transaction back."""


class ImportTransaction:
    """What an import reads and writes, in its one transaction: reads see the
    records it has written so far."""

    def __init__(self, app: CampaignApp, cursor: Any) -> None:
        self.app, self.cursor = app, cursor
        self.discarded = False
        self.carry = Carryover()  # from one batch to the next; its changes written at the end
        self.appended = 0
        self.positions: tuple[int, int] | None = None  # the first and last written
        # whether the commit's moment is kept for these positions (an import of
        # records stamped with the moment it took the store; not a copy, which
        # keeps its source's, nor the demo's, whose records carry their own)
        self.commit_noted = False

    def registry(self) -> tuple[Registry, int]:
        return self.app.registry(self.cursor)

    def now(self) -> datetime:
        """This moment by the store's clock (:meth:`ReadModel.now`)."""
        return self.app.read_model.now(self.cursor)

    def head(self) -> int:
        """The log's last position, as this transaction sees it."""
        return self.app.read_model.head(self.cursor)

    def find_ids(self, ids: Sequence[str]) -> dict[str, tuple[str, int, str]]:
        """Record ids in the log → (content digest, position, origin)."""
        return self.app.read_model.find_ids(self.cursor, ids)

    def existing_entities(self, entities: Sequence[str]) -> set[str]:
        return self.app.read_model.existing_entities(self.cursor, entities)

    def made_by(self, entity: str) -> tuple[int, str] | None:
        """Where an entity ("c:ID", "a:ID", …) was made: its first record's position
        and origin (None: not in the log)."""
        return self.app.read_model.made_by(self.cursor, entity)

    def life_entities(self) -> list[str]:
        """The entity of every commitment and rectification ("c:ID", "r:ID")."""
        return self.app.read_model.life_entities(self.cursor)

    def get_entity(self, kind: str, key: str) -> Aggregate | None:
        """An aggregate as of this transaction, from its stored events."""
        recorder = self.app.recorder
        stored = recorder.stored_events_in(self.cursor, entity_id(kind, key))  # type: ignore[attr-defined]
        if not stored:
            return None
        events = [self.app.domain_event(s, (kind, key)) for s in stored]
        return project_aggregate(None, events)

    def append(
        self, events: Sequence[Any], digests: Mapping[str, str], *, first: int | None = None
    ) -> list[int]:
        """Append new events and project them (committed with the transaction).
        ``first``: the position of the first (a copy keeps the source's positions,
        gaps included: the hash chain links positions); by default the next."""
        if not events:
            return []
        self.appended += len(events)
        stored = [self.app.mapper.to_stored_event(e) for e in events]
        recorder = self.app.recorder
        positions = list(
            recorder.append_in(self.cursor, stored, events, digests, self.carry, first=first)  # type: ignore[attr-defined]
        )
        if positions:
            start = positions[0] if self.positions is None else self.positions[0]
            self.positions = (start, positions[-1])
        return positions

    def discard(self) -> None:
        """Roll everything back at the end (a dry run, or a problem found)."""
        self.discarded = True


# The stores opened in this process, for close_opened (weakly: a closed one goes)
_OPENED: weakref.WeakSet[CampaignApp] = weakref.WeakSet()


@contextmanager
def closing_opened() -> Iterator[None]:
    """Close, at the end of the block, every store opened in it and still held
    (not those opened before: a program calling ``cxzy.cli.main`` keeps its own).
    Left to the garbage collector, a PostgreSQL store was closed from its own
    pool's thread when the collection ran there: psycopg's pool cannot join the
    thread it runs in, and a traceback was printed after a command had done its
    work."""
    before = set(_OPENED)
    try:
        yield
    finally:
        for app in list(_OPENED):
            if app not in before:
                app.close()
                _OPENED.discard(app)


def _construct(env: Mapping[str, str]) -> CampaignApp:
    """A new application on the store; one that fails half made is closed here, on
    this thread: left to the garbage collector (a dashboard's process goes on), a
    PostgreSQL store's pool was closed from its own thread, and psycopg printed
    "cannot join current thread"."""
    app = CampaignApp.__new__(CampaignApp)
    try:
        app.__init__(env=env)  # type: ignore[misc]
    except BaseException:
        with contextlib.suppress(Exception):
            app.close()
        raise
    return app


def open_app(
    location: StoreLocation,
    *,
    create: bool = False,
    read_only: bool = False,
    on_rebuild: Callable[[int], None] | None = None,
    figures_gone: bool = False,
) -> CampaignApp:
    """Open the store; ``create`` makes a new SQLite file, or the tables in a
    PostgreSQL database, if there are none.

    ``read_only`` (the dashboard) neither creates tables nor brings the read
    model up to date: it only reads. ``on_rebuild``: see
    :meth:`CampaignApp.ensure_read_model`.

    Raises :class:`Violation` with a message for the user when the store is
    missing, unreadable or not a cxzy store.
    """
    if location.kind == "sqlite":
        new = check_sqlite_file(
            location, create=create and not read_only, figures_gone=figures_gone
        )
        if not read_only and on_read_only_media(location.path):  # it can only be read
            media = Violation("read_only_media")  # (a reason in the message's language)
            raise Violation("store_read_only", store=location.display(), reason=media)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": sqlite_name(location, read_only=read_only),
            "SQLITE_LOCK_TIMEOUT": str(WRITE_WAIT_SECONDS),
            "APPLICATION_RECORDER_TOPIC": "cxzy.application.recorders:CxzySQLiteRecorder",
            # An existing store has its tables (a new read model is made anew by
            # ensure_read_model): opening it writes nothing, so it needs no write
            # lock, and a status opens at once while another process imports.
            "CREATE_TABLE": "y" if new and not read_only else "n",
        }
    else:
        # how cxzy's sessions show in pg_stat_activity (libpq's variable: eventsourcing
        # passes no application_name; one set by the user stays)
        os.environ.setdefault("PGAPPNAME", "cxzy")
        env = postgres_env(location, create=create and not read_only)
        check_listening(location, env)
        check_postgres_store(location, figures_gone=figures_gone)  # (before eventsourcing
        # makes what it misses)
    for attempt in range(OPEN_ATTEMPTS):
        try:
            app = _construct(env)
            _OPENED.add(app)
            app.location = location
            app.frozen = str(env.get("SQLITE_DBNAME", "")).endswith("immutable=1")
            try:
                app.refuse_newer_read_model()
            except BaseException:
                app.close()
                raise
            if not read_only and not figures_gone:  # (a rebuild makes them all anew)
                try:
                    app.ensure_read_model(on_rebuild)
                except BaseException:  # (its connections too: a reader opens it again)
                    app.close()
                    raise
            return app
        except PersistenceError as error:
            # Two processes creating the same PostgreSQL tables at once: one of them
            # finds the other's half-made catalogue entries; the second try sees them done.
            racing = any(
                sign in str(error)
                for sign in (
                    "already exists",
                    "duplicate key",
                    "concurrently updated",
                    "tracking for __migration__",  # eventsourcing's tracking-table marker
                )
            )
            if location.kind == "postgresql" and "couldn't get a connection" in str(error):
                raise postgres_unreachable(location) from None
            if not racing or attempt == OPEN_ATTEMPTS - 1:
                raise store_error(location, error) from None
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")


#: What opening a store for writing says of one that may only be read (read-only
#: media, a file or folder without write permission, a PostgreSQL role that reads)
READ_ONLY = ("store_read_only", "store_read_only_role")


def open_reading(
    location: StoreLocation,
    on_rebuild: Callable[[int], None] | None = None,
    on_as_is: Callable[[int], None] | None = None,
) -> CampaignApp:
    """The store opened to be read: its read model brought up to date first (made
    anew after an upgrade of cxzy), unless the store may only be read, which is then
    read as it is (an older read model's log shows less: decisions 171, 210);
    ``on_as_is`` is then told that older version."""
    try:
        return open_app(location, on_rebuild=on_rebuild)
    except Violation as violation:
        if violation.code not in READ_ONLY:
            raise
    app = open_app(location, read_only=True)
    if app.read_as_is and on_as_is is not None:
        on_as_is(app.read_model_version)
    return app


def open_when_there(location: StoreLocation) -> CampaignApp | None:
    """The store at ``location`` opened for reading, or None when there is none there
    (yet), or what is there is not a store: a dashboard waiting for a store made by
    another process looks with it."""
    try:
        return open_app(location, read_only=True)
    except (Violation, PersistenceError):
        return None

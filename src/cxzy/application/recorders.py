"""eventsourcing recorders that also keep cxzy's read model.

The read model is written in the same transaction as the events it comes from,
with a tracking record of the last position applied (eventsourcing's tracking
table), so a reader never sees the log and the read model disagree, and a
concurrent writer that got there first makes the transaction fail as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError, StoredEvent, Tracking
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder

from cxzy.application.readmodel import DDL, READ_MODEL, STORE_FORMAT, Dialect, ReadModel


class LogMovedError(IntegrityError):
    """Another writer appended to the log after this import was checked."""


class ReadModelRecorder:
    """The part shared by the SQLite and PostgreSQL recorders."""

    read_model: ReadModel

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
        )
        if last is not None:
            self._insert_tracking(c, Tracking(READ_MODEL, last))  # type: ignore[attr-defined]


class CxzySQLiteRecorder(ReadModelRecorder, SQLiteProcessRecorder):
    read_model = ReadModel(Dialect())

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            *DDL,
            "INSERT INTO cx_meta (key, value) VALUES ('store_format', "
            f"'{STORE_FORMAT}') ON CONFLICT (key) DO NOTHING",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        self._apply_read_model(c, ids, cx_stored=stored_events, **kwargs)
        return ids

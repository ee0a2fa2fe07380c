"""The dashboard's own messages."""

from __future__ import annotations

from textual.message import Message

from cxzy.application.dashboard import Snapshot
from cxzy.tui.clock import ViewClock


class SnapshotReady(Message):
    """A new snapshot of the store has been read (live, time travel or replay);
    ``moved_to``: the view, when the snapshot is for a move in time (its next
    steps are read ahead once it is painted)."""

    def __init__(self, snapshot: Snapshot, moved_to: ViewClock | None = None) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.moved_to = moved_to


class StoreChanged(Message):
    """The store pushed a change (PostgreSQL's LISTEN/NOTIFY); posted from the
    listening thread."""


class OpenUnit(Message):
    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

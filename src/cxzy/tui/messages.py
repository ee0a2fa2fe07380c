"""The dashboard's own messages."""

from __future__ import annotations

from textual.message import Message

from cxzy.application.dashboard import Snapshot


class SnapshotReady(Message):
    """A new snapshot of the store has been read (live, time travel or replay)."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class StoreChanged(Message):
    """The store pushed a change (PostgreSQL's LISTEN/NOTIFY); posted from the
    listening thread."""


class OpenUnit(Message):
    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

"""Public commitments (公开承诺): made → (progressed)* → fulfilled."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from cxzy.domain.errors import Violation
from cxzy.domain.lifecycle import Lifecycle
from cxzy.domain.records import Stamp, entity_id


class Commitment(Lifecycle):
    TOPIC = "cxzy:Commitment"

    class Created(Lifecycle.Created):
        TOPIC = "cxzy:Commitment.Created"

    @staticmethod
    def create_id(commitment: str, **_: Any) -> UUID:
        return entity_id("commitment", commitment)

    @staticmethod
    def check_new(stamp: Stamp, due: date, **_: Any) -> None:
        _check_due(due, stamp.day)

    @event("Made", topic="cxzy:CommitmentMade")
    def __init__(
        self,
        stamp: Stamp,
        commitment: str,
        unit: str,
        text: str,
        due: date,
        public: bool,
        person: str | None,
    ) -> None:
        self.code = commitment
        self.unit = unit
        self.made_day = stamp.day
        self.due = due
        self.fulfilled = False
        self.last_at = stamp.at

    def _check_can_change(self, stamp: Stamp) -> None:
        if self.fulfilled:
            raise self.ended(stamp, "commitment_fulfilled", "fulfilled", commitment=self.code)
        self.check_time(stamp)

    @property
    def finished(self) -> bool:
        return bool(self.fulfilled)

    def progress(self, stamp: Stamp, note: str) -> None:
        self._check_can_change(stamp)
        self._progressed(stamp, commitment=self.code, note=note)

    @event("Progressed", topic="cxzy:CommitmentProgressed")
    def _progressed(self, stamp: Stamp, commitment: str, note: str) -> None:
        self.last_at = stamp.at

    def change_due(self, stamp: Stamp, due: date, reason: str) -> None:
        self._check_can_change(stamp)
        _check_due(due, self.made_day)
        self._due_changed(stamp, commitment=self.code, due=due, reason=reason)

    @event("DueChanged", topic="cxzy:CommitmentDueChanged")
    def _due_changed(self, stamp: Stamp, commitment: str, due: date, reason: str) -> None:
        self.due = due
        self.last_at = stamp.at

    def fulfil(self, stamp: Stamp, note: str | None) -> None:
        self._check_can_change(stamp)
        self._fulfilled(stamp, commitment=self.code, note=note)

    @event("Fulfilled", topic="cxzy:CommitmentFulfilled")
    def _fulfilled(self, stamp: Stamp, commitment: str, note: str | None) -> None:
        self.fulfilled = True
        self.last_at = stamp.at


def _check_due(due: date, made: date) -> None:
    """A commitment is due on the day it is made or later (a day before is a slip of
    the year or the month), as made and as its due date is changed."""
    if due < made:
        raise Violation("due_before_made", due=due.isoformat(), made=made.isoformat())

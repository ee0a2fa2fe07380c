"""Rectifications (整改, §三·㈢2 and §四·㈢ of the plan).

opened → (progressed | deadline extended)* → completed → verified:
accepted closes it, rejected opens it again. Escalation (通报批评, then 问责)
only while not closed and after the deadline has passed.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from cxzy.domain.errors import Coded, Violation
from cxzy.domain.lifecycle import Lifecycle
from cxzy.domain.records import Stamp, entity_id
from cxzy.domain.registry import folded_person

OPEN, COMPLETED, CLOSED = "open", "completed", "closed"
PUBLIC_CRITICISM, ACCOUNTABILITY = "public_criticism", "accountability"


class Rectification(Lifecycle):
    TOPIC = "cxzy:Rectification"

    class Created(Lifecycle.Created):
        TOPIC = "cxzy:Rectification.Created"

    @staticmethod
    def create_id(rectification: str, **_: Any) -> UUID:
        return entity_id("rectification", rectification)

    @staticmethod
    def check_new(stamp: Stamp, deadline: date, **_: Any) -> None:
        """A rectification's deadline is the day it is opened or later."""
        if deadline < stamp.day:
            raise Violation(
                "deadline_before_opened",
                deadline=deadline.isoformat(),
                opened=stamp.day.isoformat(),
            )

    @event("Opened", topic="cxzy:RectificationOpened")
    def __init__(
        self,
        stamp: Stamp,
        rectification: str,
        unit: str,
        issue: str,
        deadline: date,
        source: str | None,
        owner: str | None,
        supervised: bool,
    ) -> None:
        self.code = rectification
        self.unit = unit
        self.deadline = deadline
        self.owner = owner
        self.state = OPEN
        self.escalations: list[str] = []
        self.last_at = stamp.at

    @property
    def finished(self) -> bool:
        return bool(self.state == CLOSED)

    def _check(self, stamp: Stamp, *states: str) -> None:
        if self.state == CLOSED:
            raise self.ended(stamp, "rectification_closed", "closed", rectification=self.code)
        if self.state not in states:
            raise Violation(f"rectification_not_{states[0]}", rectification=self.code)
        self.check_time(stamp)

    def progress(self, stamp: Stamp, note: str) -> None:
        self._check(stamp, OPEN)
        self._progressed(stamp, rectification=self.code, note=note)

    @event("Progressed", topic="cxzy:RectificationProgressed")
    def _progressed(self, stamp: Stamp, rectification: str, note: str) -> None:
        self.last_at = stamp.at

    def extend(self, stamp: Stamp, deadline: date, reason: str) -> None:
        self._check(stamp, OPEN)
        if deadline <= self.deadline:
            raise Violation(
                "deadline_not_later",
                deadline=deadline.isoformat(),
                current=self.deadline.isoformat(),
            )
        self._extended(stamp, rectification=self.code, deadline=deadline, reason=reason)

    @event("DeadlineExtended", topic="cxzy:RectificationDeadlineExtended")
    def _extended(self, stamp: Stamp, rectification: str, deadline: date, reason: str) -> None:
        self.deadline = deadline
        self.last_at = stamp.at

    def complete(self, stamp: Stamp, note: str | None) -> None:
        self._check(stamp, OPEN)
        self._completed(stamp, rectification=self.code, note=note)

    @event("Completed", topic="cxzy:RectificationCompleted")
    def _completed(self, stamp: Stamp, rectification: str, note: str | None) -> None:
        self.state = COMPLETED
        self.last_at = stamp.at

    def verify(self, stamp: Stamp, accepted: bool, verifier: str | None, note: str | None) -> None:
        self._check(stamp, COMPLETED)
        if verifier and self.owner and folded_person(verifier) == folded_person(self.owner):
            if verifier == self.owner:
                raise Violation("verifier_is_owner", verifier=verifier, rectification=self.code)
            raise Violation(  # (written otherwise: 'li ming' for 'Li Ming')
                "verifier_is_owner_as", verifier=verifier, owner=self.owner, rectification=self.code
            )
        self._verified(
            stamp, rectification=self.code, accepted=accepted, verifier=verifier, note=note
        )

    @event("Verified", topic="cxzy:RectificationVerified")
    def _verified(
        self,
        stamp: Stamp,
        rectification: str,
        accepted: bool,
        verifier: str | None,
        note: str | None,
    ) -> None:
        self.state = CLOSED if accepted else OPEN
        self.last_at = stamp.at

    def escalate(self, stamp: Stamp, action: str, note: str | None) -> None:
        self._check(stamp, OPEN, COMPLETED)
        if stamp.day <= self.deadline:
            raise Violation(
                "escalation_before_deadline",
                day=stamp.day.isoformat(),
                deadline=self.deadline.isoformat(),
                action=Coded("action", action),
            )
        if action in self.escalations:
            raise Violation(
                "escalated_already", action=Coded("action", action), rectification=self.code
            )
        if action == ACCOUNTABILITY and PUBLIC_CRITICISM not in self.escalations:
            raise Violation("accountability_first", rectification=self.code)
        self._escalated(stamp, rectification=self.code, action=action, note=note)

    @event("Escalated", topic="cxzy:RectificationEscalated")
    def _escalated(self, stamp: Stamp, rectification: str, action: str, note: str | None) -> None:
        self.escalations.append(action)
        self.last_at = stamp.at

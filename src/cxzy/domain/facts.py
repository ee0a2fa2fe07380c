"""Facts: records that stand alone — an activity held, a review, an award,
a leader's role, a contact point and a visit to it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from cxzy.domain.lifecycle import Fact
from cxzy.domain.records import Stamp, entity_id


class Activity(Fact):
    TOPIC = "cxzy:Activity"
    RECORDED = "Held"

    class Created(Fact.Created):
        TOPIC = "cxzy:Activity.Created"

    @staticmethod
    def create_id(stamp: Stamp, activity: str | None = None, **_: Any) -> UUID:
        return entity_id("activity", activity) if activity else Fact.create_id(stamp)

    @event(RECORDED, topic="cxzy:ActivityHeld")
    def __init__(
        self,
        stamp: Stamp,
        unit: str,
        kind: str,
        title: str,
        participants: int | None,
        activity: str | None,
    ) -> None:
        self.unit = unit
        self.kind = kind


class Review(Fact):
    TOPIC = "cxzy:Review"
    RECORDED = "Recorded"

    class Created(Fact.Created):
        TOPIC = "cxzy:Review.Created"

    @staticmethod
    def create_id(stamp: Stamp, review: str | None = None, **_: Any) -> UUID:
        return entity_id("review", review) if review else Fact.create_id(stamp)

    @event(RECORDED, topic="cxzy:ReviewRecorded")
    def __init__(
        self,
        stamp: Stamp,
        unit: str,
        kind: str,
        review: str | None,
        reviewer: str | None,
        grade: str | None,
        ratings: dict[str, int] | None,
        method: str | None,
        verdict: str | None,
        note: str | None,
    ) -> None:
        self.unit = unit
        self.kind = kind
        self.grade = grade


class Award(Fact):
    TOPIC = "cxzy:Award"
    RECORDED = "Awarded"

    class Created(Fact.Created):
        TOPIC = "cxzy:Award.Created"

    @event(RECORDED, topic="cxzy:CommendationAwarded")
    def __init__(self, stamp: Stamp, unit: str, title: str, level: str, person: str | None) -> None:
        self.unit = unit


class LeaderAssignment(Fact):
    TOPIC = "cxzy:LeaderAssignment"
    RECORDED = "Assigned"

    class Created(Fact.Created):
        TOPIC = "cxzy:LeaderAssignment.Created"

    @event(RECORDED, topic="cxzy:LeaderAssigned")
    def __init__(self, stamp: Stamp, person: str, role: str) -> None:
        self.person = person
        self.role = role


class ContactPoint(Fact):
    TOPIC = "cxzy:ContactPoint"
    RECORDED = "Assigned"

    class Created(Fact.Created):
        TOPIC = "cxzy:ContactPoint.Created"

    @event(RECORDED, topic="cxzy:ContactPointAssigned")
    def __init__(self, stamp: Stamp, person: str, unit: str) -> None:
        self.person = person
        self.unit = unit


class ContactVisit(Fact):
    TOPIC = "cxzy:ContactVisit"
    RECORDED = "Made"

    class Created(Fact.Created):
        TOPIC = "cxzy:ContactVisit.Created"

    @event(RECORDED, topic="cxzy:ContactVisitMade")
    def __init__(self, stamp: Stamp, person: str, unit: str, note: str | None) -> None:
        self.person = person
        self.unit = unit

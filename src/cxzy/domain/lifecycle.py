"""The base of aggregates whose records come in a life: times never go back."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from cxzy.domain.errors import Violation
from cxzy.domain.records import Stamp, entity_id


class Lifecycle(Aggregate):
    """An entity with a life of several records (DOMAIN.md: within one life,
    event times never go backwards)."""

    @property
    def finished(self) -> bool:
        """Whether its life is over (no record may follow)."""
        raise NotImplementedError

    def ended(self, stamp: Stamp, code: str, end: str, **params: Any) -> Violation:
        """Why a record of a life that is over is refused: ``code`` ("nothing may
        follow"), or ``code_before`` for one that happened before the end (a record
        back-filled: the life's order in the log said, with the moment it ended as
        ``end``)."""
        if stamp.at < self.last_at:
            at, ended = stamp.at.isoformat(), self.last_at.isoformat()
            return Violation(f"{code}_before", at=at, **{end: ended}, **params)
        return Violation(code, **params)

    def check_time(self, stamp: Stamp) -> None:
        last_at = self.last_at  # set by each event of the life
        if stamp.at < last_at:
            raise Violation("time_backwards", at=stamp.at.isoformat(), last=last_at.isoformat())


class Fact(Aggregate):
    """A one-record aggregate: an activity, a review, an award, an assignment.

    Its id comes from its record's id, so the same record can only be stored once.
    """

    #: The name of its one event: each fact names it once, for its ``@event`` on
    #: ``__init__`` and for :meth:`recorded`.
    RECORDED: ClassVar[str]

    @staticmethod
    def create_id(stamp: Stamp, **_: Any) -> UUID:
        return entity_id("record", stamp.record_id)

    @classmethod
    def recorded(cls, stamp: Stamp, *, timestamp: datetime, **fields: Any) -> Aggregate.Event:
        """Its one event, as ``cls(stamp=stamp, **fields)`` records it at
        ``timestamp``, made without the aggregate object: a fact keeps no state for a
        later record to break, and an import makes hundreds of thousands of them
        (half the cost of each is building and mutating an object only to collect
        its event). The moment is the caller's: the domain reads no clock."""
        event_class = getattr(cls, cls.RECORDED)
        made: Aggregate.Event = event_class(
            originator_topic=get_topic(cls),
            originator_id=cls.create_id(stamp=stamp, **fields),
            originator_version=cls.INITIAL_VERSION,
            timestamp=timestamp,
            stamp=stamp,
            **fields,
        )
        return made

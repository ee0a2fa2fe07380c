"""Units (基层党组织 of the bureau and its teams, institutes, academies…)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from cxzy.domain.records import Stamp, entity_id


class Unit(Aggregate):
    TOPIC = "cxzy:Unit"

    class Created(Aggregate.Created):
        TOPIC = "cxzy:Unit.Created"

    @staticmethod
    def create_id(unit: str, **_: Any) -> UUID:
        return entity_id("unit", unit)

    @event("Registered", topic="cxzy:UnitRegistered")
    def __init__(
        self,
        stamp: Stamp,
        unit: str,
        name: str,
        kind: str,
        parent: str | None,
        members: int | None,
    ) -> None:
        self.code = unit
        self.name = name
        self.kind = kind
        self.parent = parent
        self.members = members

    def update(self, stamp: Stamp, name: str | None, members: int | None) -> None:
        self._updated(stamp, unit=self.code, name=name, members=members)

    @event("Updated", topic="cxzy:UnitUpdated")
    def _updated(self, stamp: Stamp, unit: str, name: str | None, members: int | None) -> None:
        if name is not None:
            self.name = name
        if members is not None:
            self.members = members

"""The log as users read it: filtered rows of the read model's index, and the
full records behind them in the interchange format."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cxzy.application.app import CampaignApp
from cxzy.domain.schema import public_record


@dataclass(frozen=True)
class LogFilter:
    unit: str | None = None
    type: str | None = None
    since: date | None = None
    until: date | None = None

    def where(self) -> tuple[str, dict[str, Any]]:
        clauses, params = [], {}
        if self.unit:
            clauses.append("unit = :unit")
            params["unit"] = self.unit
        if self.type:
            clauses.append("type = :type")
            params["type"] = self.type
        if self.since:
            clauses.append("day >= :since")
            params["since"] = self.since.isoformat()
        if self.until:
            clauses.append("day <= :until")
            params["until"] = self.until.isoformat()
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class LogQuery:
    def __init__(self, app: CampaignApp) -> None:
        self.app = app

    def rows(self, filters: LogFilter) -> list[tuple[Any, ...]]:
        """(pos, at, type, unit, summary, by, recorded) in log order."""
        where, params = filters.where()
        with self.app.snapshot() as c:
            return self.app.read_model.rows(
                c,
                "SELECT pos, at, type, unit, summary, by_whom, recorded FROM cx_log"
                + where
                + " ORDER BY pos",
                **params,
            )

    def records(self, filters: LogFilter) -> Iterator[dict[str, Any]]:
        """The matching records as interchange-format mappings, each with its
        ``id`` and ``recorded`` time."""
        rows = self.rows(filters)
        recorded = {row[0]: datetime.fromisoformat(row[6]) for row in rows}
        for pos, event in self.app.notifications([row[0] for row in rows]):
            yield public_record(event, recorded[pos])

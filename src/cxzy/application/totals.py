"""Status figures from the running totals, as of a day, over the whole log.

Reads a bounded number of rows whatever the length of the log: the monthly
tallies before the day's month, the records of the day's month up to the day,
and the commitments and rectifications open in that month (``cx_tally`` and
``cx_open``, kept by :class:`cxzy.application.readmodel.ReadModel`).

"As known at" an earlier position cannot use them (they hold the whole log);
:mod:`cxzy.application.status` then reads the rows themselves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from cxzy.application.readmodel import OPEN_NOW, ReadModel


@dataclass(frozen=True)
class OpenEntity:
    """A commitment or rectification open on a day, as it stood that day."""

    kind: str
    code: str
    unit: str
    supervised: bool
    opened_day: date
    opened_pos: int
    escalated: bool
    deadline: date


class RunningTotals:
    def __init__(self, rm: ReadModel) -> None:
        self.rm = rm

    def opened(self, c: Any, day: date, kind: str) -> Counter[str]:
        """Per unit: commitments or rectifications opened (awards given) by the day."""
        counts = self._tally(c, day, kind, "n")
        start, end = _month_start(day), day.isoformat()
        if kind == "award":
            recent = self.rm.rows(
                c,
                """SELECT unit, COUNT(*) FROM cx_awards WHERE day >= :start AND day <= :end
                   GROUP BY unit""",
                start=start,
                end=end,
            )
        else:
            recent = self.rm.rows(
                c,
                """SELECT unit, COUNT(*) FROM cx_entities
                   WHERE kind = :kind AND opened_day >= :start AND opened_day <= :end
                   GROUP BY unit""",
                kind=kind,
                start=start,
                end=end,
            )
        counts.update({unit: int(n) for unit, n in recent})
        return counts

    def escalated(self, c: Any, day: date, kind: str) -> Counter[str]:
        """Per unit: entities of a kind escalated (at least once) by the day."""
        counts = self._tally(c, day, kind, "escalated")
        for unit, n in self.rm.rows(
            c,
            """SELECT unit, COUNT(*) FROM cx_entities
               WHERE escalated_day >= :start AND escalated_day <= :end AND kind = :kind
               GROUP BY unit""",
            kind=kind,
            start=_month_start(day),
            end=day.isoformat(),
        ):
            counts[unit] += int(n)
        return counts

    def open_on(self, c: Any, day: date) -> list[OpenEntity]:
        """Every commitment and rectification open on the day, with the deadline
        in force that day and whether it had been escalated."""
        rows = self.rm.rows(
            c,
            """SELECT e.kind, e.code, e.unit, e.supervised, e.opened_day, e.opened_pos,
                 CASE WHEN e.escalated_day <= :day THEN 1 ELSE 0 END,
                 (SELECT d.deadline FROM cx_deadlines d
                   WHERE d.entity = e.entity AND d.day <= :day
                   ORDER BY d.pos DESC LIMIT 1)
               FROM cx_open o JOIN cx_entities e ON e.entity = o.entity
               WHERE o.month IN (:month, :now) AND e.opened_day <= :day
                 AND (e.closed_day IS NULL OR e.closed_day > :day)""",
            day=day.isoformat(),
            month=day.isoformat()[:7],
            now=OPEN_NOW,
        )
        return [
            OpenEntity(
                kind,
                code,
                unit,
                bool(supervised),
                date.fromisoformat(opened),
                int(pos),
                bool(escalated),
                date.fromisoformat(deadline),
            )
            for kind, code, unit, supervised, opened, pos, escalated, deadline in rows
        ]

    def open_count(self, c: Any, day: date, kind: str, opened_by: date) -> Counter[str]:
        """Per unit: entities of a kind opened by one day and still open on another."""
        return Counter(
            {
                unit: int(n)
                for unit, n in self.rm.rows(
                    c,
                    """SELECT e.unit, COUNT(*) FROM cx_open o JOIN cx_entities e
                         ON e.entity = o.entity
                       WHERE o.month IN (:month, :now) AND e.kind = :kind
                         AND e.opened_day <= :opened AND e.opened_day <= :day
                         AND (e.closed_day IS NULL OR e.closed_day > :day)
                       GROUP BY e.unit""",
                    day=day.isoformat(),
                    month=day.isoformat()[:7],
                    now=OPEN_NOW,
                    kind=kind,
                    opened=opened_by.isoformat(),
                )
            }
        )

    def _tally(self, c: Any, day: date, kind: str, column: str) -> Counter[str]:
        """Per unit: the monthly tallies of the months before the day's month."""
        return Counter(
            {
                unit: int(n)
                for unit, n in self.rm.rows(
                    c,
                    f"""SELECT unit, SUM({column}) FROM cx_tally
                        WHERE kind = :kind AND month < :month GROUP BY unit""",
                    kind=kind,
                    month=day.isoformat()[:7],
                )
            }
        )


def _month_start(day: date) -> str:
    return day.replace(day=1).isoformat()

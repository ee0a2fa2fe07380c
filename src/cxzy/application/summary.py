"""The campaign summary a leading group signs off (``cxzy report``): figures
computed from the ledger and the status report, and the progress over time.

- **Phase completion**: per phase, how many units are through it (``done``,
  ``done_late``), behind (``at_risk``, ``overdue``) or neither yet, and the share
  of checklist items done or late over all units.
- **Who is behind, and why**: every unit behind in some phase, with its missed
  checklist items, its broken commitments and its overdue rectifications.
- **Grade changes**: each unit's graded reviews in time order (by their moment,
  then log order: the order in which ``status`` finds the latest grade).
- **Progress over time**: the share of items done per phase, sampled from the
  first phase's start to the day, or to the campaign's last day when the day is
  after it (weekly, or coarser for long spans: at most :data:`MAX_POINTS`
  points), and then the day itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from cxzy.application.app import CampaignApp
from cxzy.application.dashboard import DashboardQuery
from cxzy.application.ledger import CommitmentRow, Ledger, LedgerQuery, RectificationRow
from cxzy.domain.outcomes import AWAITING, BROKEN, CLOSED, KEPT, KEPT_LATE, OPEN, OVERDUE
from cxzy.domain.status import MISSED, PHASE_BEHIND, PHASE_DONE, PHASE_DONE_LATE

MAX_POINTS = 60


@dataclass(frozen=True)
class PhaseFigures:
    phase: str
    start: date
    end: date
    done: int
    done_late: int
    behind: int
    items_done: int
    items: int

    @property
    def share(self) -> float | None:
        """The share of items done or late; None when there are no items (no units)."""
        return self.items_done / self.items if self.items else None


@dataclass(frozen=True)
class MissedItem:
    phase: str
    item: str
    deadline: date


@dataclass
class BehindUnit:
    unit: str
    name: str
    phases: dict[str, str]  # phase key → status, for the phases it is behind in
    missed: list[MissedItem] = field(default_factory=list)
    commitments: list[CommitmentRow] = field(default_factory=list)  # broken
    rectifications: list[RectificationRow] = field(default_factory=list)  # overdue


@dataclass(frozen=True)
class GradeStep:
    day: date
    grade: str


@dataclass(frozen=True)
class UnitGrades:
    unit: str
    name: str
    steps: list[GradeStep]

    @property
    def changed(self) -> bool:
        return len({s.grade for s in self.steps}) > 1


@dataclass(frozen=True)
class Progress:
    days: list[date]
    series: dict[str, list[float]]  # phase key → share of items done, per day


@dataclass
class Summary:
    ledger: Ledger
    phases: list[PhaseFigures]
    behind: list[BehindUnit]
    grades: list[UnitGrades]
    progress: Progress
    commitments: dict[str, int]  # total, kept, kept_late, broken, open, renegotiated
    rectifications: dict[str, int]  # total, closed, awaiting, open, overdue, supervised, …

    @property
    def keeping_rate(self) -> float | None:
        c = self.commitments
        due = c[KEPT] + c[KEPT_LATE] + c[BROKEN]
        return (c[KEPT] + c[KEPT_LATE]) / due if due else None


class SummaryQuery:
    def __init__(self, app: CampaignApp) -> None:
        self.app = app

    def summary(
        self,
        as_of: date,
        known_at: datetime | None = None,
        on_read: Callable[[int], None] | None = None,
    ) -> Summary:
        """The summary as of a day (as known at a moment); ``on_read``: as for
        :meth:`LedgerQuery.ledger`."""
        ledger = LedgerQuery(self.app).ledger(as_of, known_at, on_read)
        report = ledger.report
        phases = []
        for phase in report.template.phases:
            statuses = [u.phases[phase.key] for u in report.units]
            phases.append(
                PhaseFigures(
                    phase=phase.key,
                    start=phase.start,
                    end=phase.end,
                    done=sum(1 for s in statuses if s.status == PHASE_DONE),
                    done_late=sum(1 for s in statuses if s.status == PHASE_DONE_LATE),
                    behind=sum(1 for s in statuses if s.status in PHASE_BEHIND),
                    items_done=sum(s.progress[0] for s in statuses),
                    items=sum(s.progress[1] for s in statuses),
                )
            )
        return Summary(
            ledger=ledger,
            phases=phases,
            behind=self._behind(ledger),
            grades=self._grades(ledger),
            progress=self._progress(ledger, known_at),
            commitments=self._commitment_figures(ledger),
            rectifications=self._rectification_figures(ledger),
        )

    @staticmethod
    def _behind(ledger: Ledger) -> list[BehindUnit]:
        report = ledger.report
        found = []
        for u in report.units:
            behind = {k: p.status for k, p in u.phases.items() if p.status in PHASE_BEHIND}
            broken = [c for c in ledger.commitments if c.unit == u.unit and c.result == BROKEN]
            late = [r for r in ledger.rectifications if r.unit == u.unit and r.state == OVERDUE]
            if not (behind or broken or late):
                continue
            entry = BehindUnit(u.unit, u.name, behind, commitments=broken, rectifications=late)
            for phase in report.template.phases:
                for item in phase.items_for(u.kind):
                    if u.phases[phase.key].items.get(item.key) == MISSED:
                        entry.missed.append(MissedItem(phase.key, item.key, item.deadline))
            found.append(entry)
        return found

    def _grades(self, ledger: Ledger) -> list[UnitGrades]:
        """Each unit's graded reviews by the day (and position) of the figures, in the
        order ``status`` reads them for the latest grade (``cx_grades`` by day, moment,
        then log position): the last step is the unit's grade. (The ledger's rows
        have the day, not the moment: two reviews on one day that arrived out of
        time order, a back-filled one, were in log order.)"""
        report = ledger.report
        with self.app.snapshot() as c:
            rows = self.app.read_model.rows(
                c,
                """SELECT unit, day, grade FROM cx_grades WHERE day <= :day AND pos <= :pos
                   ORDER BY unit, day, at, pos""",
                day=report.as_of.isoformat(),
                pos=report.position,
            )
        steps: dict[str, list[GradeStep]] = {}
        for unit, day, grade in rows:
            steps.setdefault(str(unit), []).append(
                GradeStep(date.fromisoformat(str(day)), str(grade))
            )
        return [UnitGrades(u.unit, u.name, steps[u.unit]) for u in report.units if u.unit in steps]

    def _progress(self, ledger: Ledger, known_at: datetime | None) -> Progress:
        template = ledger.report.template
        start, until = template.first_day, ledger.as_of
        if until < start:
            return Progress([], {p.key: [] for p in template.phases})
        # sampled up to the campaign's last day at most (the dashboard's chart ends
        # there too); a later day is the last point, drawn at the axis' end
        last = min(until, template.last_day)
        span = (last - start).days
        step = max(7, -(-span // MAX_POINTS))
        # (of the log the figures were read from: an import since is in neither)
        position = None if known_at is not None else ledger.report.position
        series = DashboardQuery(self.app).progress(last, known_at, step=step, position=position)
        days = [
            start + timedelta(days=step * n) for n in range(len(series[template.phases[0].key]))
        ]
        if days[-1] != until:  # end on the day itself, as the report counts it
            for phase in template.phases:
                done = total = 0
                for unit in ledger.report.units:
                    finished, count = unit.phases[phase.key].progress
                    done, total = done + finished, total + count
                series[phase.key].append(done / total if total else 0.0)
            days.append(until)
        return Progress(days, series)

    @staticmethod
    def _commitment_figures(ledger: Ledger) -> dict[str, int]:
        rows = ledger.commitments
        figures = {
            r: sum(1 for c in rows if c.result == r) for r in (KEPT, KEPT_LATE, BROKEN, OPEN)
        }
        figures["total"] = len(rows)
        figures["renegotiated"] = sum(1 for c in rows if c.renegotiated)
        return figures

    @staticmethod
    def _rectification_figures(ledger: Ledger) -> dict[str, int]:
        rows = ledger.rectifications
        figures = {
            s: sum(1 for r in rows if r.state == s) for s in (CLOSED, AWAITING, OPEN, OVERDUE)
        }
        figures["total"] = len(rows)
        figures["supervised"] = sum(1 for r in rows if r.supervised)
        figures["criticised"] = sum(1 for r in rows if r.public_criticism_on)
        figures["accountable"] = sum(1 for r in rows if r.accountability_on)
        return figures

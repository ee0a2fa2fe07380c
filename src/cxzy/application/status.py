"""The status projection: every unit in every phase, as of a day, as known at a moment.

Facts come from the read model's tables (no replay of the log); the rules that
turn them into item and phase states are the domain's (:mod:`cxzy.domain.status`).
The counts come from the running totals (:mod:`cxzy.application.totals`): as
they are for the whole log, or as known at an earlier position
(:mod:`cxzy.application.known`); a read model without them is read row by row.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from typing import Any, Protocol

from cxzy.application.app import CampaignApp
from cxzy.application.known import AfterPosition, KnownAt, read_after
from cxzy.application.readmodel import ALL, late_clause
from cxzy.application.templates import unkept_template
from cxzy.application.totals import Figures, RunningTotals
from cxzy.domain.errors import Violation
from cxzy.domain.moments import iso_moment
from cxzy.domain.registry import CampaignInfo
from cxzy.domain.status import (
    PHASE_BEHIND,
    PHASE_FINISHED,
    ClosedSet,
    PhaseStatus,
    UnitFacts,
    unit_phases,
)
from cxzy.domain.template import Item, Template

ENTITY_KINDS = ("commitment", "rectification")
REMEMBERED_DAYS = 64  # days whose totals a query keeps for one log head
# days asked for without ``remember`` kept at a time: the day a dashboard shows and
# the steps read ahead from it (which must not evict the day shown, live)
LAST_DAYS = 4
RECENT_GRADES = 4  # latest grades per unit read back from a day before any unit's own


def _all_closed_items(info: CampaignInfo) -> Iterator[Item]:
    """The template's items that need every commitment or rectification closed."""
    for phase in info.template.phases:
        yield from (item for item in phase.items if item.all_closed)


@dataclass(frozen=True)
class Counts:
    total: int = 0
    closed: int = 0  # fulfilled / closed
    open: int = 0
    overdue: int = 0
    supervised_open: int = 0
    escalated: int = 0

    @property
    def commitment_cell(self) -> str:
        """Commitments as every table shows them: fulfilled/total/overdue (the
        status legend's order)."""
        return f"{self.closed}/{self.total}/{self.overdue}"

    @property
    def rectification_cell(self) -> str:
        """Rectifications as every table shows them:
        open/total/overdue/supervised/escalated."""
        return f"{self.open}/{self.total}/{self.overdue}/{self.supervised_open}/{self.escalated}"


@dataclass(frozen=True)
class UnitStatus:
    unit: str
    name: str
    kind: str
    parent: str | None
    depth: int
    grade: str | None
    phases: dict[str, PhaseStatus]
    commitments: Counts
    rectifications: Counts
    awards: int
    reported_late: int = 0  # the unit's records recorded more than N days after they happened

    def to_json(self, audit: bool = False) -> dict[str, Any]:
        c, r = self.commitments, self.rectifications
        extra = {"reported_late": self.reported_late} if audit else {}
        return {
            "unit": self.unit,
            "name": self.name,
            "kind": self.kind,
            "parent": self.parent,
            "grade": self.grade,
            "phases": {
                key: {"status": phase.status, "items": dict(phase.items)}
                for key, phase in self.phases.items()
            },
            "commitments": {"total": c.total, "fulfilled": c.closed, "overdue": c.overdue},
            "rectifications": {
                "total": r.total,
                "open": r.open,
                "overdue": r.overdue,
                "supervised_open": r.supervised_open,
                "escalated": r.escalated,
            },
            "awards": self.awards,
            **extra,
        }


@dataclass(frozen=True)
class Totals:
    """What a set of units adds up to as of the report's day: per phase, how many
    are through it (done, or done late) and how many behind (at risk, overdue);
    their commitments and rectifications summed; the units counted."""

    units: int
    through: dict[str, int]  # phase key → units through it
    behind: dict[str, int]  # phase key → units behind in it
    commitments: Counts
    rectifications: Counts
    awards: int

    @classmethod
    def of(cls, units: list[UnitStatus], phases: tuple[str, ...]) -> Totals:
        def summed(counts: list[Counts]) -> Counts:
            return Counts(
                total=sum(c.total for c in counts),
                closed=sum(c.closed for c in counts),
                open=sum(c.open for c in counts),
                overdue=sum(c.overdue for c in counts),
                supervised_open=sum(c.supervised_open for c in counts),
                escalated=sum(c.escalated for c in counts),
            )

        return cls(
            units=len(units),
            through={p: sum(u.phases[p].status in PHASE_FINISHED for u in units) for p in phases},
            behind={p: sum(u.phases[p].status in PHASE_BEHIND for u in units) for p in phases},
            commitments=summed([u.commitments for u in units]),
            rectifications=summed([u.rectifications for u in units]),
            awards=sum(u.awards for u in units),
        )


@dataclass(frozen=True)
class _Figures:
    counts: dict[tuple[str, str], Counts]
    closed_sets: dict[str, dict[str, ClosedSet]]  # unit → item key → its set
    awards: Mapping[str, int]


@dataclass(frozen=True)
class StatusReport:
    campaign: CampaignInfo
    title: str
    as_of: date
    known_at: datetime | None
    position: int  # the last log position the figures include
    units: list[UnitStatus] = field(default_factory=list)
    head_hash: str | None = None  # the hash chain at ``position``: what the figures rest on
    # when an import under way at ``known_at`` committed (its records' recorded time
    # is before the moment, and the store did not hold them yet)
    under_way: datetime | None = None

    @property
    def view(self) -> tuple[date, datetime | None]:
        """The day and moment it shows."""
        return self.as_of, self.known_at

    @property
    def template(self) -> Template:
        return self.campaign.template

    def totals(self, units: list[UnitStatus] | None = None) -> Totals:
        """What ``units`` (every unit of the report by default) add up to."""
        phases = tuple(p.key for p in self.template.phases)
        return Totals.of(self.units if units is None else units, phases)

    def subtree(self, code: str) -> list[UnitStatus]:
        """The unit ``code`` and every unit under it, in the tree's order (empty when
        it is not registered by the report's day)."""
        for index, unit in enumerate(self.units):
            if unit.unit == code:
                rest = self.units[index + 1 :]
                under = next((i for i, u in enumerate(rest) if u.depth <= unit.depth), len(rest))
                return [unit, *rest[:under]]
        return []

    def not_in_view(self, code: str, moment: Callable[[datetime], str] = iso_moment) -> Violation:
        """Why the unit ``code`` is not in the report: not registered by its day, or
        not in what the store had recorded by its moment (written by ``moment``)."""
        day = self.as_of.isoformat()
        if self.known_at is not None:
            return Violation("unit_not_yet_known", unit=code, day=day, at=moment(self.known_at))
        return Violation("unit_not_yet_registered", unit=code, day=day)

    def to_json(self, audit: bool = False) -> dict[str, Any]:
        """The status document of FORMAT.md; ``audit`` adds what the figures rest on
        (log position and head hash) and each unit's count of records reported late."""
        stamp = {"log": {"position": self.position, "head": self.head_hash}} if audit else {}
        return {
            "campaign": {
                "id": self.campaign.code,
                "title": self.title,
                "template": self.campaign.template.key,
            },
            "as_of": self.as_of.isoformat(),
            "known_at": None if self.known_at is None else iso_moment(self.known_at),
            "units": [unit.to_json(audit) for unit in self.units],
            **stamp,
        }


class _Totals(Protocol):
    """What a status asks of the running totals."""

    def figures(self, day: date, *, overdue: bool = True) -> dict[tuple[str, str], Figures]: ...

    def still_open(self, day: date, kind: str, opened_by: date) -> dict[str, int]: ...


class _WholeLog:
    """The running totals as they are: the whole log, whose last position is ``head``."""

    def __init__(self, query: StatusQuery, c: Any, head: int) -> None:
        self.query, self.c, self.head = query, c, head

    def figures(self, day: date, *, overdue: bool = True) -> dict[tuple[str, str], Figures]:
        # without overdue: an item's deadline, asked for at every status after it
        return self.query._running(self.c, day, head=self.head, remember=not overdue)

    def still_open(self, day: date, kind: str, opened_by: date) -> dict[str, int]:
        return RunningTotals(self.query.rm).still_open(self.c, day, kind, opened_by)


class StatusQuery:
    """Answers "status as of D, as known at T" from the read model."""

    def __init__(self, app: CampaignApp) -> None:
        self.app = app
        self.rm = app.read_model
        # the totals on the items' deadlines, and on the last days asked for, as of one
        # log head: a dashboard stepping through days asks for the same deadlines at
        # every step, and a live one for the same day at every new record
        self._remembered_head = -1
        self._chained = False  # the store keeps the hash chain (asked until it does)
        self._remembered: dict[date, dict[tuple[str, str], Figures]] = {}
        self._last_days: list[date] = []  # the oldest first
        # the first day of each unit's checklist facts, up to one log position
        self._firsts: tuple[int, dict[tuple[str, str], date]] = (-1, {})
        # a dashboard's workers are threads, and one cancelled may still be running
        self._remembering = threading.Lock()
        # what the log after the last earlier position asked about changes, as of
        # one log head: ((position, head), it)
        self._after: tuple[tuple[int, int], AfterPosition] | None = None

    def campaign(self) -> CampaignInfo:
        with self.app.snapshot() as c:
            return self._campaign_in(c)

    def template_text(self) -> tuple[str, str, bool, bool]:
        """The text of the template the store's campaign runs on, with its key,
        whether the store keeps it (decision 259; False: a campaign planned before
        stores kept it, run on the built-in file of its key, as this cxzy has it),
        and whether the figures were worked out on another text.

        The text is the campaign's event's, which the hash chain vouches for, not
        the read model's copy that the figures are worked out on (an edit of that
        copy was printed as the campaign's template)."""
        rm = self.app.read_model
        with self.app.snapshot() as c:
            row = rm.campaign_row(c)
            planned = rm.value(c, "SELECT pos FROM cx_campaign")
        if row is None or planned is None:
            raise Violation("store_has_no_campaign")
        key, worked_on = row[1], row[4]
        found = self.app.recorder.select_notifications(int(planned), 1)
        if not found or found[0].id != int(planned):  # (removed outside cxzy)
            removed = Violation(
                "verify_broken", position=planned, reason=Violation("chain_missing")
            )
            raise Violation("store_damaged", store=self.app.store_name, reason=removed)
        text = getattr(self.app.domain_event(found[0]), "template_text", None)
        if text is not None:
            return key, text, True, worked_on != text
        return key, unkept_template(key).text, False, worked_on is not None

    def has_campaign(self) -> bool:
        """Whether the store holds a campaign yet (an empty store, or one whose first
        import is under way, does not); a store whose campaign cannot be read (its
        template broken) is refused as it is by every command."""
        try:
            self.campaign()
        except Violation as violation:
            if violation.code in ("store_has_no_campaign", "store_first_import_under_way"):
                return False
            raise
        return True

    def _campaign_in(self, c: Any) -> CampaignInfo:
        """The store's campaign, read in ``c``; refused when it holds none."""
        info = self.app.campaign_info(c)
        if info is None and self.app.recorder.importing_elsewhere(c):  # type: ignore[attr-defined]
            raise Violation("store_first_import_under_way", store=self.app.store_name)
        if info is None:
            raise Violation("store_has_no_campaign")
        return info

    def status(
        self, as_of: date, known_at: datetime | None = None, *, audit: bool = False
    ) -> StatusReport:
        """Status as of a day, as known at a moment; ``audit`` also counts each
        unit's records reported late (a scan of the log index, so only on request)."""
        with self.app.snapshot() as c:
            return self.status_in(c, as_of, known_at, audit=audit)

    def status_up_to(self, as_of: date, position: int) -> StatusReport:
        """Status as of a day from the log up to a position: what a copy compares of
        its two stores while other processes may write to either."""
        with self.app.snapshot() as c:
            return self._status(c, self._campaign_in(c), as_of, None, position)

    def status_in(
        self, c: Any, as_of: date, known_at: datetime | None = None, *, audit: bool = False
    ) -> StatusReport:
        """:meth:`status` in a read transaction of the caller's."""
        info = self._campaign_in(c)
        if known_at is None:
            return self._status(c, info, as_of, known_at, ALL, audit)
        position, under_way = self.rm.known_position(c, known_at)
        report = self._status(c, info, as_of, known_at, position, audit)
        if under_way is None:
            return report
        return replace(report, under_way=datetime.fromisoformat(under_way))

    def _status(
        self,
        c: Any,
        info: CampaignInfo,
        as_of: date,
        known_at: datetime | None,
        position: int,
        audit: bool = False,
    ) -> StatusReport:
        rm, day, pos = self.rm, as_of.isoformat(), position
        (title,) = rm.rows(c, "SELECT title FROM cx_campaign")[0]
        units = self._units(c, day, pos)
        head = int(rm.value(c, "SELECT MAX(pos) FROM cx_log WHERE pos <= :pos", pos=pos) or 0)
        firsts: dict[str, dict[str, date]] = {}
        for (unit, fact), first in self._first_days(c, head).items():
            if first <= as_of:
                firsts.setdefault(unit, {})[fact] = first
        log_head = head if pos >= ALL else rm.head(c)
        if self.app.totals_answer(head, log_head):
            figures = self._from_totals(info, as_of, _WholeLog(self, c, head))
        elif self.app.read_model_current:  # as known at an earlier position
            cohorts = [item.deadline for item in _all_closed_items(info)]
            # (the totals remembered are the whole log's: for its head, not the position)
            running = partial(self._running, c, head=log_head)
            after = self.after_position(c, head, log_head)
            known = KnownAt(rm, c, head, running, cohorts, after)
            figures = self._from_totals(info, as_of, known)
        else:
            figures = self._from_rows(c, info, as_of, pos)
        # Every record up to a position happened by its frontier: as known at an
        # earlier position, the latest grade by a later day is the latest by the
        # frontier (the index is then read from there, not through every grade
        # recorded after the position).
        graded_by = day if pos >= ALL else min(day, rm.frontier(c, pos) or day)
        grades = self._grades(c, graded_by, pos, [unit for unit, *_ in units])
        late: dict[str, int] = {}
        if audit:
            late = dict(
                rm.rows(
                    c,
                    f"""SELECT unit, COUNT(*) FROM cx_log WHERE day <= :day AND pos <= :pos
                         AND {late_clause(True)} AND unit IS NOT NULL GROUP BY unit""",
                    day=day,
                    pos=pos,
                    late_after=info.template.late_after,
                )
            )
        report_units = []
        for unit, name, kind, parent, depth in units:
            facts = UnitFacts(firsts.get(unit, {}), figures.closed_sets.get(unit, {}))
            report_units.append(
                UnitStatus(
                    unit=unit,
                    name=name,
                    kind=kind,
                    parent=parent,
                    depth=depth,
                    grade=grades.get(unit),
                    phases=unit_phases(info.template, kind, facts, as_of),
                    commitments=figures.counts.get((unit, "commitment"), Counts()),
                    rectifications=figures.counts.get((unit, "rectification"), Counts()),
                    awards=int(figures.awards.get(unit, 0)),
                    reported_late=int(late.get(unit, 0)),
                )
            )
        head_hash = self._head_hash(c, head)
        return StatusReport(info, title, as_of, known_at, head, report_units, head_hash)

    def after_position(self, c: Any, pos: int, head: int) -> AfterPosition:
        """What the records after an earlier position change of the figures up to its
        frontier (:func:`~cxzy.application.known.read_after`), with the log at
        ``head``: kept for the last position asked about. A dashboard showing the
        past as known at a moment asks for it at every step, and a new record (a
        new head) can change it."""
        kept = self._after
        if kept is not None and kept[0] == (pos, head):
            return kept[1]
        after = read_after(self.rm, c, pos)
        self._after = ((pos, head), after)
        return after

    def _grades(self, c: Any, day: str, pos: int, units: list[str]) -> dict[str, str]:
        """Each unit's latest grade by a day (of those up to a position). The latest
        grades of all units are read back from the day, in the order of their days
        (a few pages); only a unit not graded among them is looked for on its own."""
        limit = RECENT_GRADES * len(units)
        recent = self.rm.rows(
            c,
            """SELECT unit, grade FROM cx_grades WHERE day <= :day AND pos <= :pos
               ORDER BY day DESC, at DESC, pos DESC LIMIT :limit""",
            day=day,
            pos=pos,
            limit=limit,
        )
        grades: dict[str, str] = {}
        for unit, grade in recent:
            grades.setdefault(unit, grade)
        missing = [unit for unit in units if unit not in grades]
        if missing and len(recent) == limit:  # (fewer: every grade by the day was read)
            for unit, grade in self.rm.rows_in(
                c,
                """SELECT u.unit, (SELECT g.grade FROM cx_grades g
                     WHERE g.unit = u.unit AND g.day <= :day AND g.pos <= :pos
                     ORDER BY g.day DESC, g.at DESC, g.pos DESC LIMIT 1)
                   FROM (SELECT DISTINCT unit FROM cx_units) AS u""",
                "u.unit",
                missing,
                day=day,
                pos=pos,
            ):
                if grade is not None:
                    grades[unit] = grade
        return grades

    def _from_totals(self, info: CampaignInfo, as_of: date, totals: _Totals) -> _Figures:
        """Counts, "all closed" sets and awards from the running totals (of the whole
        log, or as known at an earlier position)."""
        figures = totals.figures(as_of)
        counts = {
            (unit, kind): Counts(
                total=f.opened,
                closed=f.closed,
                open=f.open,
                overdue=f.overdue,
                supervised_open=f.supervised_open,
                escalated=f.escalated,
            )
            for (unit, kind), f in figures.items()
            if kind in ENTITY_KINDS and f.opened
        }
        closed_sets: dict[str, dict[str, ClosedSet]] = {}
        for item in _all_closed_items(info):
            kind = item.all_closed[:-1]
            if as_of <= item.deadline:  # all those opened by today, closed by today
                for (unit, k), f in figures.items():
                    if k == kind and f.opened:
                        closed_sets.setdefault(unit, {})[item.key] = ClosedSet(
                            f.opened, f.closed, 0
                        )
                continue
            # those opened by the deadline: closed by today, and of them after the deadline
            at_deadline = totals.figures(item.deadline, overdue=False)
            still_open = totals.still_open(as_of, kind, opened_by=item.deadline)
            for (unit, k), f in at_deadline.items():
                if k == kind and f.opened:
                    closed = f.opened - still_open.get(unit, 0)
                    closed_sets.setdefault(unit, {})[item.key] = ClosedSet(
                        f.opened, closed, closed - f.closed
                    )
        awards = {unit: f.opened for (unit, kind), f in figures.items() if kind == "award"}
        return _Figures(counts, closed_sets, awards)

    def _running(
        self, c: Any, day: date, head: int, remember: bool
    ) -> dict[tuple[str, str], Figures]:
        """The whole log's running totals as of a day. Those on the items' deadlines,
        and on the frontier of an earlier position, are asked for again at every step
        of a dashboard: with ``remember``, they are kept for one log head; so are the
        last LAST_DAYS days asked for without it (a live dashboard's day, and the
        steps read ahead from it).

        When the log has grown by a few records, what was kept is read again for the
        units those records touched only: a record changes only its own unit's
        running totals."""
        with self._remembering:
            return self._remembered_figures(c, day, head, remember)

    def _remembered_figures(
        self, c: Any, day: date, head: int, remember: bool
    ) -> dict[tuple[str, str], Figures]:
        if head != self._remembered_head:
            self._follow(c, head)
        if not remember and day not in self._last_days:
            if len(self._last_days) == LAST_DAYS:  # a few such days at a time
                self._remembered.pop(self._last_days.pop(0), None)
            self._last_days.append(day)
        if day not in self._remembered:
            if len(self._remembered) >= REMEMBERED_DAYS:
                self._remembered.clear()
            self._remembered[day] = RunningTotals(self.rm).figures(c, day)
        return self._remembered[day]

    def _follow(self, c: Any, head: int) -> None:
        """Bring what is remembered from its log head to another (a query that fails
        on the way leaves it as it was)."""
        old = self._remembered_head
        touched = self.rm.touched(c, old, head) if 0 <= old < head else None
        if touched is None:  # another log, or many new records: read it all again
            self._remembered = {}
        else:
            totals, units = RunningTotals(self.rm), touched.units
            self._remembered = {
                day: {key: f for key, f in figures.items() if key[0] not in units}
                | totals.figures(c, day, units=units)
                for day, figures in self._remembered.items()
            }
        self._remembered_head = head

    def _first_days(self, c: Any, head: int) -> dict[tuple[str, str], date]:
        """The first day of each checklist fact of each unit in the log up to a
        position. The first by a day is the first of all when it is by that day, so
        the days asked for need no query of their own; and the log only grows, so
        those up to one position never change: kept for the last position asked for,
        and brought forward by the rows after it."""
        with self._remembering:
            known_head, minima = self._firsts
            if not 0 <= known_head <= head:  # a first read, or an earlier position
                known_head, minima = 0, {}
            if known_head < head:
                minima = dict(minima)
                for unit, fact, day in self.rm.rows(
                    c,
                    """SELECT unit, fact, MIN(day) FROM cx_firsts
                       WHERE pos > :after AND pos <= :head GROUP BY unit, fact""",
                    after=known_head,
                    head=head,
                ):
                    first = date.fromisoformat(day)
                    if first < minima.get((unit, fact), date.max):
                        minima[(unit, fact)] = first
                self._firsts = (head, minima)
            return minima

    def _from_rows(self, c: Any, info: CampaignInfo, as_of: date, pos: int) -> _Figures:
        """Counts, "all closed" sets and awards from the rows up to a log position."""
        rm, day = self.rm, as_of.isoformat()
        closed_sets: dict[str, dict[str, ClosedSet]] = {}
        for item in _all_closed_items(info):
            for unit, total, closed, late in rm.rows(
                c,
                """SELECT unit, COUNT(*),
                     SUM(CASE WHEN closed_pos <= :pos AND closed_day <= :day THEN 1 ELSE 0 END),
                     SUM(CASE WHEN closed_pos <= :pos AND closed_day <= :day
                         AND closed_day > :deadline THEN 1 ELSE 0 END)
                   FROM cx_entities
                   WHERE kind = :kind AND opened_day <= :cut AND opened_pos <= :pos
                   GROUP BY unit""",
                kind=item.all_closed[:-1],
                cut=min(item.deadline, as_of).isoformat(),
                deadline=item.deadline.isoformat(),
                day=day,
                pos=pos,
            ):
                closed_sets.setdefault(unit, {})[item.key] = ClosedSet(
                    int(total), int(closed or 0), int(late or 0)
                )
        awards = Counter(
            dict(
                rm.rows(
                    c,
                    """SELECT unit, COUNT(*) FROM cx_awards WHERE day <= :day AND pos <= :pos
                       GROUP BY unit""",
                    day=day,
                    pos=pos,
                )
            )
        )
        return _Figures(self._counts(c, day, pos), closed_sets, awards)

    def _head_hash(self, c: Any, pos: int) -> str | None:
        """The hash chain at a position; None for a store opened read-only whose
        read model predates the chain."""
        # asked, not tried: a failed statement aborts PostgreSQL's read transaction,
        # and the dashboard's next one in it said that, not what failed (a connection
        # lost was no checkpoint, unsaid)
        if not self._chained:
            self._chained = self.rm.dialect.has_column(c, "cx_chain", "hash")
            if not self._chained:
                return None
        found = self.rm.value(c, "SELECT hash FROM cx_chain WHERE pos = :pos", pos=pos)
        return None if found is None else str(found)

    def _units(self, c: Any, day: str, pos: int) -> list[tuple[str, str, str, str | None, int]]:
        """Units registered by the day, named as of the day, in tree order.

        A unit's name is that of its latest record by time (ties: the later in the
        log), its registration included: a renaming back-dated before the
        registration does not outlive it."""
        registered: dict[str, list[Any]] = {}
        names: list[tuple[str, int, str, str]] = []
        for unit, row_pos, at, name, kind, parent, is_registration in self.rm.rows(
            c,
            """SELECT unit, pos, at, name, kind, parent, registered FROM cx_units
               WHERE day <= :day AND pos <= :pos ORDER BY pos""",
            day=day,
            pos=pos,
        ):
            if is_registration:
                registered[unit] = [name, kind, parent]
            if name is not None:
                names.append((at, row_pos, unit, name))
        for _at, _pos, unit, name in sorted(names):
            if unit in registered:
                registered[unit][0] = name
        children: dict[str | None, list[str]] = {}
        for unit, (_name, _kind, parent) in registered.items():
            children.setdefault(parent if parent in registered else None, []).append(unit)
        ordered: list[tuple[str, str, str, str | None, int]] = []

        def walk(parent: str | None, depth: int) -> None:
            for unit in children.get(parent, []):
                name, kind, unit_parent = registered[unit]
                ordered.append((unit, name, kind, unit_parent, depth))
                walk(unit, depth + 1)

        roots = children.get(None, [])
        children[None] = sorted(roots, key=lambda u: registered[u][1] != "bureau")
        walk(None, 0)
        return ordered

    def _counts(self, c: Any, day: str, pos: int) -> dict[tuple[str, str], Counts]:
        counts = {}
        for unit, kind, total, closed, overdue, supervised_open, escalated in self.rm.rows(
            c,
            """SELECT unit, kind, COUNT(*), SUM(closed), SUM(CASE WHEN closed = 0 AND deadline < :day
                 THEN 1 ELSE 0 END), SUM(CASE WHEN closed = 0 AND supervised = 1 THEN 1 ELSE 0 END),
                 SUM(escalated)
               FROM (
                 SELECT e.unit, e.kind, e.supervised,
                   CASE WHEN e.closed_pos <= :pos AND e.closed_day <= :day THEN 1 ELSE 0 END
                     AS closed,
                   CASE WHEN e.escalated_pos <= :pos AND e.escalated_day <= :day THEN 1 ELSE 0 END
                     AS escalated,
                   (SELECT d.deadline FROM cx_deadlines d
                     WHERE d.entity = e.entity AND d.pos <= :pos AND d.day <= :day
                     ORDER BY d.pos DESC LIMIT 1) AS deadline
                 FROM cx_entities e WHERE e.opened_day <= :day AND e.opened_pos <= :pos) AS s
               GROUP BY unit, kind""",
            day=day,
            pos=pos,
        ):
            total, closed = int(total), int(closed or 0)
            counts[(unit, kind)] = Counts(
                total=total,
                closed=closed,
                open=total - closed,
                overdue=int(overdue or 0),
                supervised_open=int(supervised_open or 0),
                escalated=int(escalated or 0),
            )
        return counts

"""Queries behind the dashboard: one snapshot of everything a screen shows.

The dashboard's worker calls :meth:`DashboardQuery.snapshot` for the chosen day
(and moment, in "as known at" mode); live updates, time travel and replay all
go through it, so no screen knows whether it shows live or past data.

After a move in time the dashboard reads ahead (:meth:`DashboardQuery.read_ahead`)
the views the next step would show; a snapshot read before, ahead or not, is
handed out again while the log's head has not moved.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from cxzy.application.app import CampaignApp
from cxzy.application.history import SUBTREE_SQL
from cxzy.application.known import KnownAt, open_at
from cxzy.application.readmodel import (
    ALL,
    Marks,
    late_clause,
    life_code,
    like_text,
    mark_of,
    shown_marks,
)
from cxzy.application.status import StatusQuery, StatusReport, UnitStatus
from cxzy.application.totals import OpenEntity, RunningTotals, most_urgent
from cxzy.domain.alerts import days_left, urgency
from cxzy.domain.outcomes import (
    AWAITING,
    CLOSED,
    KEPT,
    KEPT_LATE,
    OPEN,
    commitment_result,
    rectification_state,
    rectification_step,
)
from cxzy.domain.schema import public_record
from cxzy.domain.status import (
    DONE,
    LATE,
    MISSED,
    campaign_stage,
    current_phases,
)
from cxzy.domain.template import Template


@dataclass(frozen=True)
class Alert:
    kind: str  # "rectification" or "commitment"
    code: str
    unit: str
    text: str
    deadline: date
    days_left: int
    urgency: str
    supervised: bool = False
    escalated: bool = False


@dataclass(frozen=True)
class Missed:
    unit: str
    phase: str
    item: str


@dataclass(frozen=True)
class Snapshot:
    """Everything the overview needs for one day (and moment)."""

    report: StatusReport
    alerts: list[Alert]
    missed: list[Missed]
    head: int  # the last position of the whole log (live)
    phases: tuple[str, ...]  # the phases whose windows hold the day shown (they may overlap)
    open_total: int = 0  # everything open; ``alerts`` holds the most urgent of them
    stage: str = "during"  # before, during, between or after the phases (campaign_stage)

    def missed_among(self, units: Collection[str]) -> list[Missed]:
        """The items missed by some units (those a filter shows)."""
        return [m for m in self.missed if m.unit in units]

    def open_among(self, units: Collection[str]) -> int:
        """How much is open at some units (those a filter shows): their commitments
        and rectifications."""
        return _open_total(u for u in self.report.units if u.unit in units)


def _open_total(units: Iterable[UnitStatus]) -> int:
    return sum(u.commitments.open + u.rectifications.open for u in units)


@dataclass(frozen=True)
class LogRow:
    pos: int
    at: datetime
    day: date
    type: str
    unit: str | None
    summary: str | None
    by: str | None
    recorded: datetime
    person: str | None = None  # whom it names (a leader, an awardee, a reviewer…)
    life: str | None = None  # the commitment or rectification it is of (``R-ZP-3``)
    marks: Marks = ()  # its codes shown with it (a review's grade: ``("grade", "advanced")``)
    late_days: int | None = None  # whole days it took to be recorded, when reported late


@dataclass(frozen=True)
class ItemDetail:
    phase: str
    item: str
    state: str
    evidence: LogRow | None  # the event that satisfied it
    closed: int | None = None  # for "all closed" items
    total: int | None = None


@dataclass(frozen=True)
class Standing:
    """Where a commitment or rectification stands on the day shown, as its records up
    to that day (and moment) leave it: the ledger's result or state
    (:mod:`cxzy.domain.outcomes`), the deadline in force and, while it is open, the
    days left (negative: overdue) and their urgency."""

    kind: str  # commitment or rectification
    outcome: str
    deadline: date
    closed: bool
    days_left: int | None = None
    urgency: str | None = None
    supervised: bool = False
    escalated: bool = False
    awaiting: bool = False  # completed, not yet verified (also when overdue meanwhile)


def standing(kind: str, history: Sequence[dict[str, Any]], as_of: date) -> Standing:
    """A life's standing on ``as_of`` from its records up to that day, in log order
    (``kind``: ``commitment`` or ``rectification``)."""
    first = history[0]
    if kind == "commitment":
        due, fulfilled_on = date.fromisoformat(first["due"]), None
        for record in history[1:]:
            if record["type"] == "CommitmentDueChanged":
                due = date.fromisoformat(record["due"])
            elif record["type"] == "CommitmentFulfilled":
                fulfilled_on = record["day"]
        outcome = commitment_result(due, fulfilled_on, as_of)
        closed, supervised, escalated = outcome in (KEPT, KEPT_LATE), False, False
        awaiting = False
    else:
        due, state, escalated = date.fromisoformat(first["deadline"]), OPEN, False
        for record in history[1:]:
            type_ = record["type"]
            state = rectification_step(state, type_, record.get("accepted"))
            if type_ == "RectificationDeadlineExtended":
                due = date.fromisoformat(record["deadline"])
            escalated = escalated or type_ == "RectificationEscalated"
        outcome = rectification_state(state, due, as_of)
        closed, supervised = outcome == CLOSED, bool(first["supervised"])
        awaiting = state == AWAITING
    if closed:
        return Standing(kind, outcome, due, closed=True, supervised=supervised, escalated=escalated)
    return Standing(
        kind,
        outcome,
        due,
        closed=False,
        days_left=days_left(due, as_of),
        urgency=urgency(due, as_of),
        supervised=supervised,
        escalated=escalated,
        awaiting=awaiting,
    )


def _most_urgent_first(life: dict[str, Any]) -> tuple[Any, ...]:
    """Open lives first, earliest deadline, escalated then supervised first among
    equals (as the alerts rank them); the closed after them, in the order made."""
    s: Standing = life["standing"]
    if s.closed:
        return (True,)
    return (False, s.deadline, not s.escalated, not s.supervised, life["code"])


@dataclass
class UnitDetail:
    unit: str
    items: list[ItemDetail] = field(default_factory=list)
    commitments: list[dict[str, Any]] = field(default_factory=list)
    rectifications: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    activities: list[LogRow] = field(default_factory=list)
    awards: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    visits: list[tuple[LogRow, str]] = field(default_factory=list)  # and the leader who went


ALERT_ROWS = 100  # the alerts panel lists the most urgent; the rest are counted
CHART_STEP = 7  # days between the chart's samples (:meth:`DashboardQuery.progress`)
KEPT_SNAPSHOTS = 4  # views whose snapshots are kept (read ahead, or shown lately)
AHEAD_WAIT_SECONDS = 5.0  # a view being read ahead is waited for, not read twice


def samples(start: date, until: date, step: int = CHART_STEP) -> int:
    """How many of the chart's samples (:meth:`DashboardQuery.progress`, one every
    ``step`` days from ``start``) fall on or before ``until``."""
    return (until - start).days // step + 1


View = tuple[date, datetime | None]  # a day, and the moment of the store (None: now)

_LOG_COLUMNS = (
    "pos, at, day, type, unit, summary, by_whom, recorded, {person}, entity, {marks}, delay"
)


def _log_row(row: tuple[Any, ...], template: Template) -> LogRow:
    """A log row, and how late it was reported by the campaign's template."""
    pos, at, day, type_, unit, summary, by, recorded, person, entity, marks, delay = row
    shown, summary = shown_marks(type_, summary, marks)
    return LogRow(
        int(pos),
        datetime.fromisoformat(at),
        date.fromisoformat(day),
        type_,
        unit,
        summary,
        by,
        datetime.fromisoformat(recorded),
        person,
        life_code(entity),
        shown,
        template.days_late(int(delay)),
    )


# cx_log's columns a log search looks in (entity: "r:R-ZP-3", the code of a life), and
# the person a record names
_SEARCHED = ("summary", "by_whom", "unit", "entity")


class SearchWords(NamedTuple):
    """Words looked for in the log, and the (record type, field, code) of the codes
    whose words, in the language shown, hold them (组长 → a leader's ``role``
    ``leader``)."""

    text: str
    coded: Sequence[tuple[str, str, str | bool | None]] = ()


def phase_shares(report: StatusReport) -> dict[str, float]:
    """Per phase, the share of the units' checklist items done (on time or late)."""
    shares = {}
    for phase in report.template.phases:
        done = total = 0
        for unit in report.units:
            finished, count = unit.phases[phase.key].progress
            done += finished
            total += count
        shares[phase.key] = done / total if total else 0.0
    return shares


def _put_last(kept: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    """Keep a value as the newest, dropping the oldest past KEPT_SNAPSHOTS."""
    kept[key] = value
    kept.move_to_end(key)
    while len(kept) > KEPT_SNAPSHOTS:
        kept.popitem(last=False)


class DashboardQuery:
    """Read-only queries for the dashboard."""

    def __init__(self, app: CampaignApp) -> None:
        self.app = app
        self.rm = app.read_model
        self.status = StatusQuery(app)
        # the progress chart's own: it asks for a status a week, in a worker of its
        # own, and would otherwise push out what the snapshots remember
        self._chart_status = StatusQuery(app)
        # its weeks' shares, by the moment known at (None: the whole log), each with
        # the log's head they were read at
        self._kept_weeks: OrderedDict[datetime | None, tuple[int, dict[date, dict[str, float]]]]
        self._kept_weeks = OrderedDict()
        # the whole log's alerts of the last days asked for, each at one log head (the
        # day shown and those read ahead: reading ahead must not evict the live day's)
        self._kept_alerts: OrderedDict[date, tuple[int, list[Alert]]] = OrderedDict()
        # snapshots kept by view, the oldest first, and the views being read ahead
        self._kept: OrderedDict[View, Snapshot] = OrderedDict()
        self._reading: dict[View, threading.Event] = {}
        self._keeping = threading.Lock()

    @property
    def log_columns(self) -> str:
        """The columns of ``cx_log`` a :class:`LogRow` is made from."""
        return _LOG_COLUMNS.format(person=self.app.log_person, marks=self.app.log_marks)

    def head(self) -> int:
        return self.app.head()

    def snapshot(
        self, as_of: date, known_at: datetime | None = None, *, read_again: bool = False
    ) -> Snapshot:
        """Everything a screen shows for a day (and moment), read in one transaction:
        the figures, the alerts and the head agree. A snapshot of the same view read
        before (or being read ahead) is handed out when the log has not moved since:
        one index probe instead of the whole read; ``read_again`` when the caller
        knows it has moved (a live update)."""
        view = (as_of, known_at)
        if read_again:
            return self._keep(view, self._read(as_of, known_at))
        with self._keeping:
            reading = self._reading.get(view)
        if reading is not None:
            reading.wait(AHEAD_WAIT_SECONDS)
        kept = self._kept_for(view)
        if kept is not None and kept.head == self.head():
            return kept
        return self._keep(view, self._read(as_of, known_at))

    def read_ahead(self, as_of: date, known_at: datetime | None = None) -> None:
        """Read the snapshot of a view a screen may ask for next (the next step in
        time) and keep it for :meth:`snapshot`, unless it is kept and still current."""
        view = (as_of, known_at)
        with self._keeping:
            if view in self._reading:
                return
            done = self._reading[view] = threading.Event()
        try:
            kept = self._kept_for(view)
            if kept is None or kept.head != self.head():
                self._keep(view, self._read(as_of, known_at))
        finally:
            with self._keeping:
                del self._reading[view]
            done.set()

    def _kept_for(self, view: View) -> Snapshot | None:
        with self._keeping:
            kept = self._kept.get(view)
            if kept is not None:
                self._kept.move_to_end(view)
            return kept

    def _keep(self, view: View, snapshot: Snapshot) -> Snapshot:
        with self._keeping:
            _put_last(self._kept, view, snapshot)
        return snapshot

    def _read(self, as_of: date, known_at: datetime | None) -> Snapshot:
        with self.app.snapshot() as c:
            report = self.status.status_in(c, as_of, known_at)
            head = report.position if known_at is None else self.rm.head(c)
            if self.app.totals_answer(report.position, head):
                alerts = self._alerts_of_whole_log(c, as_of, head)
            else:
                alerts = self._alerts(c, as_of, self._open_at(c, as_of, report.position, head))
        missed = [
            Missed(unit.unit, phase, item)
            for unit in report.units
            for phase, status in unit.phases.items()
            for item, state in status.items.items()
            if state == MISSED
        ]
        open_total = _open_total(report.units)
        return Snapshot(
            report,
            alerts,
            missed,
            head,
            tuple(p.key for p in current_phases(report.template, as_of)),
            open_total,
            campaign_stage(report.template, as_of),
        )

    def alerts_among(self, report: StatusReport, units: Collection[str]) -> list[Alert]:
        """The most urgent of what is open among some units (those a filter shows) on
        the report's day, as the log stood at its position: the alerts of the figures
        beside them, whatever was recorded since."""
        as_of, pos = report.as_of, report.position
        with self.app.snapshot() as c:
            head = self.rm.head(c)
            if self.app.totals_answer(pos, head):
                still_open = RunningTotals(self.rm).open_on(c, as_of, ALERT_ROWS, units)
            else:
                still_open = self._open_at(c, as_of, pos, head, units)
            return self._alerts(c, as_of, still_open)

    def _open_at(
        self, c: Any, as_of: date, pos: int, head: int, units: Collection[str] | None = None
    ) -> list[OpenEntity]:
        """What was open on a day as the log stood at an earlier position (of some
        units only, if given): the most urgent, from the running totals, or every one
        from a read model without them."""
        if self.app.read_model_current:
            known = KnownAt(self.rm, c, pos, after=self.status.after_position(c, pos, head))
            return known.most_urgent(as_of, ALERT_ROWS, units)
        found = open_at(self.rm, c, as_of, pos)
        if units is None:
            return found
        wanted = set(units)
        return [e for e in found if e.unit in wanted]

    def _alerts_of_whole_log(self, c: Any, as_of: date, head: int) -> list[Alert]:
        """The most urgent of what is open on a day, in the whole log. Only the records
        of commitments and rectifications change them: a live dashboard's new records
        about neither (activities, reviews, awards: most of them) keep the alerts of
        the day shown, without reading the open set again."""
        kept, alerts = self._kept_alerts.get(as_of), None
        if kept is not None and kept[0] <= head:
            touched = self.rm.touched(c, kept[0], head)
            if touched is not None and not touched.lives:
                alerts = kept[1]
        if alerts is None:
            alerts = self._alerts(c, as_of, RunningTotals(self.rm).open_on(c, as_of, ALERT_ROWS))
        with self._keeping:
            _put_last(self._kept_alerts, as_of, (head, alerts))
        return alerts

    def _alerts(self, c: Any, as_of: date, still_open: list[OpenEntity]) -> list[Alert]:
        """The most urgent of what is open (at most ALERT_ROWS), with their texts."""
        ranked = most_urgent(still_open, ALERT_ROWS)
        texts = dict(
            self.rm.rows_in(
                c,
                "SELECT pos, summary FROM cx_log",
                "pos",
                [e.opened_pos for e in ranked],
            )
        )
        return [
            Alert(
                kind=e.kind,
                code=e.code,
                unit=e.unit,
                text=texts.get(e.opened_pos) or "",
                deadline=e.deadline,
                days_left=days_left(e.deadline, as_of),
                urgency=urgency(e.deadline, as_of),
                supervised=e.supervised,
                escalated=e.escalated,
            )
            for e in ranked
        ]

    # -- the unit screen --------------------------------------------------------------

    def unit_detail(self, report: StatusReport, unit: str) -> UnitDetail:
        # the log as the report read it (a record since would be listed beside
        # figures that do not count it: live, the report's position is the head then)
        as_of, day, pos = report.as_of, report.as_of.isoformat(), report.position
        found = next((u for u in report.units if u.unit == unit), None)
        detail = UnitDetail(unit)
        if found is None:
            return detail
        with self.app.snapshot() as c:
            for phase in report.template.phases:
                for item in phase.items_for(found.kind):
                    state = found.phases[phase.key].items[item.key]
                    evidence, closed, total = None, None, None
                    if item.fact and state in (DONE, LATE):
                        rows = self.rm.rows(
                            c,
                            f"""SELECT {self.log_columns} FROM cx_log WHERE pos = (
                                  SELECT pos FROM cx_firsts WHERE unit = :unit AND fact = :fact
                                    AND day <= :day AND pos <= :pos
                                  ORDER BY day, pos LIMIT 1)""",
                            unit=unit,
                            fact=item.fact,
                            day=day,
                            pos=pos,
                        )
                        evidence = _log_row(rows[0], report.template) if rows else None
                    elif item.all_closed:
                        cut = min(item.deadline, as_of).isoformat()
                        total, closed = self.rm.rows(
                            c,
                            """SELECT COUNT(*), SUM(CASE WHEN closed_pos <= :pos
                                 AND closed_day <= :day THEN 1 ELSE 0 END)
                               FROM cx_entities WHERE unit = :unit AND kind = :kind
                                 AND opened_day <= :cut AND opened_pos <= :pos""",
                            unit=unit,
                            kind=item.all_closed[:-1],
                            cut=cut,
                            day=day,
                            pos=pos,
                        )[0]
                        total, closed = int(total), int(closed or 0)
                    detail.items.append(
                        ItemDetail(phase.key, item.key, state, evidence, closed, total)
                    )
            rows = [
                _log_row(r, report.template)
                for r in self.rm.rows(
                    c,
                    f"""SELECT {self.log_columns} FROM cx_log
                        WHERE unit = :unit AND day <= :day AND pos <= :pos ORDER BY at, pos""",
                    unit=unit,
                    day=day,
                    pos=pos,
                )
            ]
            entities = {
                pos_: entity
                for pos_, entity in self.rm.rows(
                    c,
                    """SELECT pos, entity FROM cx_log
                       WHERE unit = :unit AND entity IS NOT NULL AND pos <= :pos""",
                    unit=unit,
                    pos=pos,
                )
            }
            contacts = self.rm.rows(
                c,
                """SELECT person FROM cx_contacts WHERE unit = :unit AND day <= :day
                   AND pos <= :pos ORDER BY pos""",
                unit=unit,
                day=day,
                pos=pos,
            )
            detail.contacts = [person for (person,) in contacts]
            # closed as of the day (and as known at the position): the screen shows
            # every open one, and only the latest of the rest
            closed = {
                entity
                for entity, is_closed in self.rm.rows_in(
                    c,
                    """SELECT entity, CASE WHEN closed_pos <= :pos AND closed_day <= :day
                         THEN 1 ELSE 0 END FROM cx_entities""",
                    "entity",
                    sorted(set(entities.values())),
                    day=day,
                    pos=pos,
                )
                if is_closed
            }
        wanted = [r.pos for r in rows if r.type != "ActivityHeld"]
        records = {p: public_record(e) for p, e in self.app.notifications(sorted(wanted))}
        lives: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row.type == "ActivityHeld":
                detail.activities.append(row)
            elif row.type == "ContactVisitMade":
                detail.visits.append((row, records[row.pos]["person"]))
            elif row.type == "ReviewRecorded":
                detail.reviews.append({**records[row.pos], "day": row.day, "by": row.by})
            elif row.type == "CommendationAwarded":
                detail.awards.append({**records[row.pos], "day": row.day})
            elif row.pos in entities and row.pos in records:
                entity = entities[row.pos]
                life = lives.setdefault(
                    entity, {"code": entity[2:], "open": entity not in closed, "history": []}
                )
                life["history"].append({**records[row.pos], "day": row.day, "by": row.by})
        for entity, life in lives.items():
            kind = "commitment" if entity.startswith("c:") else "rectification"
            life["standing"] = standing(kind, life["history"], as_of)
            target = detail.commitments if kind == "commitment" else detail.rectifications
            target.append(life)
        # sorted() keeps the order made among the closed
        detail.commitments.sort(key=_most_urgent_first)
        detail.rectifications.sort(key=_most_urgent_first)
        return detail

    # -- the log screen ---------------------------------------------------------------

    def log_page(
        self,
        *,
        before: int | None = None,
        after: int | None = None,
        oldest_first: bool = False,
        limit: int = 200,
        unit: str | None = None,
        under: str | None = None,
        type_: str | None = None,
        text: str | None = None,
        since: date | None = None,
        until: date | None = None,
        words: Sequence[SearchWords] = (),
        late: bool | None = None,
    ) -> list[LogRow]:
        """Newest first, one window at a time: rows with position below ``before``;
        or, ``oldest_first``, the oldest after ``after`` (as ``cxzy log`` lists them);
        ``late``: only those reported late (after the template's days), or on time;
        ``under``: only those of that unit and the units under it.

        ``text`` is looked for in the summary, who recorded, the unit, the person and
        the entity's code; so is each of ``words``, all of which must be found (the
        parts of a summary as shown: ``R-ZP-3 · 不通过``), each also as the marks
        whose words hold it."""
        if oldest_first:
            clauses, params = ["pos > :after"], {"after": after or 0, "limit": limit}
        else:
            clauses, params = ["pos < :before"], {"before": before or ALL, "limit": limit}
        if unit:
            clauses.append("unit = :unit")
            params["unit"] = unit
        if under:  # a unit and the units under it
            clauses.append(f"unit IN ({SUBTREE_SQL})")
            params["under"] = under
        if type_:
            clauses.append("type = :type")
            params["type"] = type_
        searched = [*words, *([SearchWords(text)] if text else [])]
        # the text as typed, in either case, on either database
        like = f"{self.rm.dialect.like} :{{}} ESCAPE '\\'"
        for part, (looked_for, codes) in enumerate(searched):
            typed = like_text(looked_for)
            found = [f"{column} {like.format(f'text{part}')}" for column in _SEARCHED]
            found.append(f"{self.app.log_person} {like.format(f'text{part}')}")
            # a mark's value typed bare (a day: 2011-03-31), not its field's name
            found.append(f"{self.app.log_marks} {like.format(f'value{part}')}")
            params[f"value{part}"] = f"%={typed}%"
            for n, (type_of, field_of, code) in enumerate(codes):
                found.append(
                    f"(type = :coded_type{part}_{n}"
                    f" AND ' ' || {self.app.log_marks} || ' ' {like.format(f'coded{part}_{n}')})"
                )
                params[f"coded_type{part}_{n}"] = type_of
                # (a code of None: the field with any value)
                mark = (
                    f"{like_text(field_of)}=%"
                    if code is None
                    else f"{like_text(mark_of(field_of, code))} "
                )
                params[f"coded{part}_{n}"] = f"% {mark}%"
            clauses.append(f"({' OR '.join(found)})")
            params[f"text{part}"] = f"%{typed}%"
        if since:
            clauses.append("day >= :since")
            params["since"] = since.isoformat()
        if until:
            clauses.append("day <= :until")
            params["until"] = until.isoformat()
        with self.app.snapshot() as c:
            info = self.app.campaign_info(c)
            if info is None:  # (the campaign is a log's first record: no rows before it)
                return []
            if late is not None:  # reported late: as `cxzy log --late` and the late column
                clauses.append(late_clause(late))
                params["late_after"] = info.template.late_after
            return [
                _log_row(r, info.template)
                for r in self.rm.rows(
                    c,
                    f"SELECT {self.log_columns} FROM cx_log WHERE {' AND '.join(clauses)}"
                    f" ORDER BY pos {'ASC' if oldest_first else 'DESC'} LIMIT :limit",
                    **params,
                )
            ]

    # -- the chart ----------------------------------------------------------------------

    def progress(
        self,
        until: date,
        known_at: datetime | None = None,
        step: int = CHART_STEP,
        *,
        position: int | None = None,
    ) -> dict[str, list[float]]:
        """Share of checklist items done (on time or late) per phase, week by week.

        A status a week: seconds at thousands of units. The weeks read before are
        kept, and read again only from the first day new records happened on
        (status as of a day depends on the records of that day and before, and "as
        known at" a past moment on none recorded since). ``position``: of the log
        as it stood there (a report's chart, of the log its figures were read
        from; an import committed meanwhile is not in it), read anew."""
        template = self.status.campaign().template
        if position is not None:
            return self._series(
                template,
                until,
                step,
                {},
                lambda day: self._chart_status.status_up_to(day, position),
            )
        with self.app.snapshot() as c:
            head = self.rm.head(c)
            kept_head, kept = self._kept_weeks.get(known_at, (head, {}))
            since = None if known_at is not None else self.rm.first_day_after(c, kept_head, head)
        if since is not None:  # (the weeks before it stand)
            kept = {day: shares for day, shares in kept.items() if day < since}
        series = self._series(
            template, until, step, kept, lambda day: self._chart_status.status(day, known_at)
        )
        with self._keeping:  # (as of the head read first: a record since is read again)
            _put_last(self._kept_weeks, known_at, (head, kept))
        return series

    @staticmethod
    def _series(
        template: Template,
        until: date,
        step: int,
        kept: dict[date, dict[str, float]],
        status_of: Callable[[date], StatusReport],
    ) -> dict[str, list[float]]:
        """The shares of each ``step`` days from the campaign's first to ``until``:
        those ``kept``, the others read (and kept)."""
        series: dict[str, list[float]] = {p.key: [] for p in template.phases}
        day = template.first_day
        while day <= until:
            shares = kept.get(day)
            if shares is None:
                shares = kept[day] = phase_shares(status_of(day))
            for key, share in shares.items():
                series[key].append(share)
            day += timedelta(days=step)
        return series

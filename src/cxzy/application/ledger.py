"""The special ledger (专项台帐, §三·㈣ of the plan) as of a day: plain rows.

Everything comes from the application's queries — the status report (phase
and item states, counts, grade, the log position and head hash the figures
rest on) and the records of the log up to the day, read once — so the ledger
always agrees with ``cxzy status`` for the same day and moment, and names the
same evidence for each item as the dashboard's unit screen. Values are codes (``kept``,
``overdue``, ``mass_evaluation``…); adapters translate them for people.

Each commitment's result and each rectification's state as of day D are
:mod:`cxzy.domain.outcomes`'s. A commitment is also said to be ``renegotiated``
when its due date was changed at least once. A unit's promise-keeping rate is
(kept + kept late) / (kept + kept late + broken); the on-time rate is kept / the
same; both are empty while nothing is due.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cxzy.application.app import CampaignApp
from cxzy.application.audit import Checkpoint
from cxzy.application.collection import young_collections_only
from cxzy.application.history import LogFilter, LogQuery
from cxzy.application.readmodel import utc_text
from cxzy.application.status import StatusQuery, StatusReport
from cxzy.domain.outcomes import (
    BROKEN,
    COMMITMENT_RESULTS,
    KEPT,
    KEPT_LATE,
    OPEN,
    commitment_result,
    rectification_state,
    rectification_step,
)
from cxzy.domain.schema import RATING_KEYS, record_of
from cxzy.domain.status import DONE, LATE

#: a unit's checklist fact → the day of its first record and that record's text
_Firsts = dict[tuple[str, str], tuple[date, str | None]]

READ_STEP = 1_000  # records read between two reports of how far (LedgerQuery.ledger)


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    unit: str
    name: str
    phase: str
    phase_status: str
    item: str
    deadline: date
    state: str
    done_on: date | None  # the day it was satisfied (the record, or the last closing)
    evidence: str | None  # "has" items: that record's title, text or note
    closed: int | None = None  # "all closed" items: how many of how many
    total: int | None = None


@dataclass(slots=True)
class CommitmentRow:
    commitment: str
    unit: str
    name: str
    text: str
    public: bool
    person: str | None
    made_on: date
    first_due: date
    due: date  # in force as of the day
    changes: list[tuple[date, date, str]] = field(default_factory=list)  # (day, new due, reason)
    fulfilled_on: date | None = None
    note: str | None = None  # the fulfilment note, else the latest progress note
    result: str = OPEN

    @property
    def renegotiated(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True, slots=True)
class KeepingRow:
    """A unit's promise keeping as of the day."""

    unit: str
    name: str
    total: int
    kept: int
    kept_late: int
    broken: int
    open: int
    renegotiated: int

    @property
    def due(self) -> int:
        return self.kept + self.kept_late + self.broken

    @property
    def rate(self) -> float | None:
        """(kept + kept late) / due; None while nothing is due."""
        return (self.kept + self.kept_late) / self.due if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        return self.kept / self.due if self.due else None


@dataclass(slots=True)
class RectificationRow:
    rectification: str
    unit: str
    name: str
    issue: str
    source: str | None
    owner: str | None
    supervised: bool
    opened_on: date
    first_deadline: date
    deadline: date  # in force as of the day
    extensions: list[tuple[date, date, str]] = field(default_factory=list)  # (day, to, reason)
    public_criticism_on: date | None = None
    accountability_on: date | None = None
    completed_on: date | None = None  # the latest completion
    verifications: list[tuple[date, bool, str | None, str | None]] = field(
        default_factory=list
    )  # (day, accepted, verifier, note)
    closed_on: date | None = None  # 销号: the accepting verification
    progress: str | None = None  # the latest progress note
    state: str = OPEN

    @property
    def verifier(self) -> str | None:
        accepted = [v for v in self.verifications if v[1]]
        return accepted[-1][2] if accepted else None


@dataclass(frozen=True, slots=True)
class ReviewRow:
    day: date
    unit: str
    name: str
    kind: str
    method: str | None
    reviewer: str | None
    grade: str | None
    ratings: dict[str, int]
    verdict: str | None
    note: str | None
    review: str | None
    at: datetime  # the moment: two reviews of a day in the order they were held


@dataclass(frozen=True, slots=True)
class ActivityRow:
    day: date
    unit: str
    name: str
    kind: str
    title: str
    participants: int | None
    activity: str | None
    by: str | None


@dataclass(frozen=True, slots=True)
class AwardRow:
    day: date
    unit: str
    name: str
    title: str
    level: str
    person: str | None


@dataclass
class Ledger:
    """The ledger as of a day (and, for audits, as known at a moment)."""

    report: StatusReport
    checklist: list[ChecklistRow] = field(default_factory=list)
    commitments: list[CommitmentRow] = field(default_factory=list)
    keeping: list[KeepingRow] = field(default_factory=list)
    rectifications: list[RectificationRow] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    awards: list[AwardRow] = field(default_factory=list)
    #: ``cxzy-checkpoint:…`` of the log up to the figures' position: ``cxzy verify
    #: --against`` it proves the log they rest on unchanged, whatever came after
    checkpoint: str | None = None

    @property
    def as_of(self) -> date:
        return self.report.as_of


class LedgerQuery:
    """Builds the ledger from the status report, the unit details and the log."""

    def __init__(self, app: CampaignApp) -> None:
        self.app = app

    def ledger(
        self,
        as_of: date,
        known_at: datetime | None = None,
        on_read: Callable[[int], None] | None = None,
    ) -> Ledger:
        """The ledger as of a day (as known at a moment). ``on_read`` is told how far
        along the log the reading went since it was last told (log positions), every
        :data:`READ_STEP` records."""
        report = StatusQuery(self.app).status(as_of, known_at)
        ledger = Ledger(report, checkpoint=self._checkpoint(report))
        firsts: _Firsts = {}
        # the rows grow to hundreds of thousands: each full collection would walk them all
        with young_collections_only():
            self._records(ledger, self._events(report, firsts, on_read))
            self._checklist(ledger, firsts)
        return ledger

    def _checkpoint(self, report: StatusReport) -> str | None:
        if report.head_hash is None or report.position == 0:
            return None
        with self.app.snapshot() as c:
            # the moment its import committed, as `cxzy checkpoint` prints it: "as known
            # at" it is this position (at its records' own moment, the store before it)
            held = self.app.read_model.held_at(c, report.position)
        if held is None:
            return None
        moment = utc_text(datetime.fromisoformat(held))
        return str(Checkpoint(report.position, report.head_hash, moment))

    def _events(
        self,
        report: StatusReport,
        firsts: _Firsts,
        on_read: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[str, Any, dict[str, Any]]]:
        """(type, stamp, fields) of every record up to the day (and position), in log
        order, read once and a page at a time; on the way, the first record of each
        unit's checklist facts goes into ``firsts`` (the first of the earliest day)."""
        upto = LogFilter(until=report.as_of, until_pos=report.position)
        told = 0  # the log position on_read was last told of
        for n, (entry, event) in enumerate(LogQuery(self.app).events(upto), start=1):
            if on_read is not None and n % READ_STEP == 0:
                on_read(entry.pos - told)
                told = entry.pos
            type_, stamp, f = record_of(event)
            fact, text = None, None
            if type_ == "ActivityHeld":
                fact, text = f"activity:{f['kind']}", f["title"]
            elif type_ == "ReviewRecorded":
                fact, text = f"review:{f['kind']}", f["note"]
            elif type_ == "CommitmentMade" and f["public"]:
                fact, text = "commitment:public", f["text"]
            if fact is not None:
                key = (f["unit"], fact)
                if key not in firsts or stamp.day < firsts[key][0]:
                    firsts[key] = (stamp.day, text)
            yield type_, stamp, f

    def _checklist(self, ledger: Ledger, firsts: _Firsts) -> None:
        """Every item of every unit: its state (the status report's) and what
        satisfied it — the earliest record of its kind (the dashboard's evidence), or
        for "all closed" items how many of the set are closed and the last closing day."""
        report, as_of = ledger.report, ledger.as_of
        for unit in report.units:
            for phase in report.template.phases:
                status = unit.phases[phase.key]
                for item in phase.items_for(unit.kind):
                    state = status.items[item.key]
                    done_on, evidence, closed, total = None, None, None, None
                    if item.all_closed:
                        cut = min(item.deadline, as_of)
                        ends: list[date | None]
                        if item.all_closed == "commitments":
                            ends = [
                                c.fulfilled_on
                                for c in ledger.commitments
                                if c.unit == unit.unit and c.made_on <= cut
                            ]
                        else:
                            ends = [
                                r.closed_on
                                for r in ledger.rectifications
                                if r.unit == unit.unit and r.opened_on <= cut
                            ]
                        total = len(ends)
                        done = [d for d in ends if d is not None]
                        closed = len(done)
                        if done and closed == total:
                            done_on = max(done)
                    elif state in (DONE, LATE) and item.fact is not None:
                        done_on, evidence = firsts.get((unit.unit, item.fact), (None, None))
                    ledger.checklist.append(
                        ChecklistRow(
                            unit=unit.unit,
                            name=unit.name,
                            phase=phase.key,
                            phase_status=status.status,
                            item=item.key,
                            deadline=item.deadline,
                            state=state,
                            done_on=done_on,
                            evidence=evidence,
                            closed=closed,
                            total=total,
                        )
                    )

    def _records(self, ledger: Ledger, events: Iterable[tuple[str, Any, dict[str, Any]]]) -> None:
        report, as_of = ledger.report, ledger.as_of
        names = {u.unit: u.name for u in report.units}
        order = {u.unit: n for n, u in enumerate(report.units)}
        commitments: dict[str, CommitmentRow] = {}
        rectifications: dict[str, RectificationRow] = {}
        # Values that recur across hundreds of thousands of rows (unit codes, kinds,
        # who recorded…) are decoded afresh for each record: the rows keep one copy
        # of each (with one date object a day, a fifth of the ledger's memory at a
        # million events).
        share: Callable[[Any], Any] = {}.setdefault
        for type_, stamp, f in events:
            day = stamp.day
            if type_ == "CommitmentMade":
                commitments[f["commitment"]] = CommitmentRow(
                    commitment=f["commitment"],
                    unit=f["unit"],
                    name=names.get(f["unit"], f["unit"]),
                    text=f["text"],
                    public=bool(f["public"]),
                    person=f["person"],
                    made_on=day,
                    first_due=f["due"],
                    due=f["due"],
                )
            elif type_ in ("CommitmentProgressed", "CommitmentDueChanged", "CommitmentFulfilled"):
                c = commitments.get(f["commitment"])
                if c is None:  # made after the day: not in this ledger
                    continue
                if type_ == "CommitmentProgressed":
                    c.note = f["note"]
                elif type_ == "CommitmentDueChanged":
                    c.changes.append((day, f["due"], f["reason"]))
                    c.due = f["due"]
                else:
                    c.fulfilled_on = day
                    c.note = f["note"] or c.note
            elif type_ == "RectificationOpened":
                rectifications[f["rectification"]] = RectificationRow(
                    rectification=f["rectification"],
                    unit=f["unit"],
                    name=names.get(f["unit"], f["unit"]),
                    issue=f["issue"],
                    source=f["source"],
                    owner=f["owner"],
                    supervised=bool(f["supervised"]),
                    opened_on=day,
                    first_deadline=f["deadline"],
                    deadline=f["deadline"],
                )
            elif type_.startswith("Rectification"):
                r = rectifications.get(f["rectification"])
                if r is not None:
                    self._rectification_step(r, type_, day, f)
            elif type_ == "ReviewRecorded":
                ledger.reviews.append(
                    ReviewRow(
                        day=day,
                        unit=share(f["unit"], f["unit"]),
                        name=names.get(f["unit"], f["unit"]),
                        kind=share(f["kind"], f["kind"]),
                        method=share(f["method"], f["method"]),
                        reviewer=share(f["reviewer"], f["reviewer"]),
                        grade=share(f["grade"], f["grade"]),
                        ratings={k: v for k, v in (f["ratings"] or {}).items() if k in RATING_KEYS},
                        verdict=f["verdict"],
                        note=f["note"],
                        review=f["review"],
                        at=stamp.at,
                    )
                )
            elif type_ == "ActivityHeld":
                ledger.activities.append(
                    ActivityRow(
                        day=day,
                        unit=share(f["unit"], f["unit"]),
                        name=names.get(f["unit"], f["unit"]),
                        kind=share(f["kind"], f["kind"]),
                        title=f["title"],
                        participants=f["participants"],
                        activity=f["activity"],
                        by=share(stamp.by, stamp.by),
                    )
                )
            elif type_ == "CommendationAwarded":
                ledger.awards.append(
                    AwardRow(
                        day=day,
                        unit=f["unit"],
                        name=names.get(f["unit"], f["unit"]),
                        title=f["title"],
                        level=f["level"],
                        person=f["person"],
                    )
                )
        for c in commitments.values():
            c.result = commitment_result(c.due, c.fulfilled_on, as_of)
        for r in rectifications.values():
            r.state = rectification_state(r.state, r.deadline, as_of)

        def by_unit(row: Any) -> tuple[int, date, str]:
            return (order.get(row.unit, len(order)), row.day, "")

        ledger.commitments = sorted(
            commitments.values(), key=lambda c: (order.get(c.unit, len(order)), c.made_on)
        )
        ledger.rectifications = sorted(
            rectifications.values(), key=lambda r: (order.get(r.unit, len(order)), r.opened_on)
        )
        # by unit, day and moment (a review back-filled after a later one of its day
        # comes first, as the grade it gave: status takes the latest by moment)
        ledger.reviews.sort(key=lambda r: (order.get(r.unit, len(order)), r.day, r.at))
        ledger.activities.sort(key=by_unit)
        ledger.awards.sort(key=lambda a: (a.day, order.get(a.unit, len(order))))
        mine: dict[str, list[CommitmentRow]] = {}
        for c in ledger.commitments:
            mine.setdefault(c.unit, []).append(c)
        ledger.keeping = [self._keeping(u.unit, u.name, mine.get(u.unit, [])) for u in report.units]

    @staticmethod
    def _rectification_step(r: RectificationRow, type_: str, day: date, f: dict[str, Any]) -> None:
        r.state = rectification_step(r.state, type_, f.get("accepted"))
        if type_ == "RectificationProgressed":
            r.progress = f["note"]
        elif type_ == "RectificationDeadlineExtended":
            r.extensions.append((day, f["deadline"], f["reason"]))
            r.deadline = f["deadline"]
        elif type_ == "RectificationCompleted":
            r.completed_on = day
        elif type_ == "RectificationVerified":
            r.verifications.append((day, bool(f["accepted"]), f["verifier"], f["note"]))
            if f["accepted"]:
                r.closed_on = day
        elif type_ == "RectificationEscalated":
            if f["action"] == "public_criticism":
                r.public_criticism_on = day
            else:
                r.accountability_on = day

    @staticmethod
    def _keeping(unit: str, name: str, mine: list[CommitmentRow]) -> KeepingRow:
        """A unit's promise keeping, from its commitments."""
        count = {
            result: sum(1 for c in mine if c.result == result) for result in COMMITMENT_RESULTS
        }
        return KeepingRow(
            unit=unit,
            name=name,
            total=len(mine),
            kept=count[KEPT],
            kept_late=count[KEPT_LATE],
            broken=count[BROKEN],
            open=count[OPEN],
            renegotiated=sum(1 for c in mine if c.renegotiated),
        )

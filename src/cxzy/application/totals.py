"""Running totals: status figures as of any day from a bounded number of rows.

Every commitment, rectification and award *changes* per-unit counts on the days
the change takes effect: +1 opened on the day it was opened, +1 closed on the
day it closed, +1 overdue on the day after its deadline (−1 when the deadline
moves or it closes), and so on. ``cx_running`` holds, per kind, unit and day
with a change, the counts as of the end of that day; a count as of any day is
the row of the last such day. A record reported late adds its change to its day
and to the rows after it.

The rows are kept by week (the Monday of their day), and ``cx_weeks`` holds, for
every week, what it opens with: the counts of every kind and unit as of the
Sunday before it, carried over (one row of JSON per week). The counts of every
unit as of any day are then that row and one range of rows, the day's week up
to the day — a few dozen pages read together, whatever the length of the log,
where a probe per unit and kind read as many pages as there are units (a status
after a pause reads them from disk). Weeks are carried over up to the latest
record's; a change dated after it (when what is open will become overdue) waits
in ``cx_ahead`` until a record of its week comes.

Besides the three kinds, the totals keep one *cohort* per "all closed" item of
the campaign's template: of a kind, those opened by the item's deadline
(``commitment@2012-06-30``: ``opened`` those opened by then, ``closed`` those of
them closed), for the days after it (changes by the deadline are dated the day
after). What is still open of them on a later day is then a row, not a count of
the month's open set.

``cx_open`` lists, for each month, what was open at some time in it (one row
per month of a closed one's life, one row under ``OPEN_NOW`` for each not
closed yet): the alerts panel's most urgent read it.

The totals hold the whole log. "As known at" an earlier position takes them off
by what the records after it changed (:mod:`cxzy.application.known`); for that,
``cx_open`` keeps the positions of the opening, the closing and the last deadline.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cxzy.application.templates import campaign_template
from cxzy.domain.template import Template

if TYPE_CHECKING:
    from cxzy.application.readmodel import ReadModel

OPEN_NOW = "9999-99"  # cx_open's month for what is not closed yet
LAST_DAY = "9999-12-31"  # later than any deadline (text order is date order)
PENDING_LIMIT = 20_000  # (day, kind, unit) changes an import keeps before writing them
LIVES_LIMIT = 20_000  # open lives an import keeps between batches (all dropped past it)
COLUMNS = ("opened", "closed", "escalated", "supervised_open", "overdue")
_NAMES = ", ".join(COLUMNS)
_COLUMN_DDL = ", ".join(f"{c} BIGINT NOT NULL" for c in COLUMNS)

# what an index needs to say whether a row was open at a log position, and whose
_AT_POSITION = "opened_pos, closed_pos, deadline_pos, unit, kind"

DDL = [
    # week: the Monday of the row's day, or of the week a carried-over row opens
    f"""CREATE TABLE IF NOT EXISTS cx_running (week TEXT NOT NULL, kind TEXT NOT NULL,
        unit TEXT NOT NULL, day TEXT NOT NULL, {_COLUMN_DDL},
        PRIMARY KEY (week, kind, unit, day))""",
    # per week and kind, the counts it opens with: {unit: [COLUMNS]} as of the Sunday
    # before it; every week from the first change's to the latest record's has a row
    # of kind '' (and one of each kind with a row before it)
    """CREATE TABLE IF NOT EXISTS cx_weeks (week TEXT NOT NULL, kind TEXT NOT NULL,
        carried TEXT NOT NULL, PRIMARY KEY (week, kind))""",
    # the rows of days after the last week carried over (the latest record's): a day
    # after a deadline not come yet, when what is open becomes overdue
    f"""CREATE TABLE IF NOT EXISTS cx_ahead (kind TEXT NOT NULL, unit TEXT NOT NULL,
        day TEXT NOT NULL, {_COLUMN_DDL}, PRIMARY KEY (kind, unit, day))""",
    # deadline: the last recorded (in force from deadline_day); closed_day: for the
    # rows of a closed one's months
    # *_pos: the log positions of the opening, the closing and the last deadline, for
    # "as known at" an earlier position (cxzy.application.known)
    """CREATE TABLE IF NOT EXISTS cx_open (month TEXT NOT NULL, entity TEXT NOT NULL,
        kind TEXT NOT NULL, unit TEXT NOT NULL, opened_day TEXT NOT NULL, closed_day TEXT,
        deadline TEXT NOT NULL, deadline_day TEXT NOT NULL, opened_pos BIGINT NOT NULL,
        closed_pos BIGINT, deadline_pos BIGINT NOT NULL, PRIMARY KEY (month, entity))""",
    # covering: the alerts read a month's open set in deadline order from the index
    # alone, and so do the counts of what was open at an earlier log position whose
    # deadline falls in a range (cxzy.application.known)
    f"""CREATE INDEX IF NOT EXISTS ix_open_deadline
        ON cx_open (month, deadline, deadline_day, opened_day, closed_day, entity,
        {_AT_POSITION})""",
    # partial: only those whose deadline moved (about one in fifteen at a million
    # events) can have had another deadline in force on an earlier day, or at an
    # earlier position
    f"""CREATE INDEX IF NOT EXISTS ix_open_moved
        ON cx_open (month, deadline_day, opened_day, closed_day, entity, {_AT_POSITION})
        WHERE deadline_day > opened_day""",
]
TABLES = ("cx_running", "cx_weeks", "cx_ahead", "cx_open")
KINDS = ("commitment", "rectification", "award")

COHORT = "@"  # a cohort's kind: "commitment@2010-12-31"

# The deadline in force on :day: the last one recorded, unless that was recorded
# after the day (then the last one recorded by the day).
DEADLINE_ON_DAY = """CASE WHEN e.deadline_day <= :day THEN e.deadline ELSE
    (SELECT d.deadline FROM cx_deadlines d WHERE d.entity = e.entity AND d.day <= :day
     ORDER BY d.pos DESC LIMIT 1) END"""


def _latest(table: str, where: str, postgres: bool) -> str:
    """Per kind and unit, the last of the rows of a table that a condition keeps
    (up to :day): one range of the key per kind asked. SQLite takes the other
    columns from the row of the MAX (its bare columns); PostgreSQL says it with
    DISTINCT ON."""
    where = f"{where}kind IN ({{kinds}}) AND day <= :day {{only}}"
    if postgres:
        return f"""SELECT DISTINCT ON (kind, unit) kind, unit, day, {_NAMES} FROM {table}
            WHERE {where} ORDER BY kind, unit, day DESC"""
    return f"SELECT kind, unit, MAX(day), {_NAMES} FROM {table} WHERE {where} GROUP BY kind, unit"


_CARRIED = """SELECT week, kind, carried FROM cx_weeks
    WHERE week = (SELECT MAX(week) FROM cx_weeks WHERE week <= :week)
      AND kind IN ('', {kinds})"""

# A cx_open row of the day's month (or of OPEN_NOW) that was open on :day
_OPEN_ROW = "opened_day <= :day AND (closed_day IS NULL OR closed_day > :day)"


# -- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Of one kind ("commitment", "rectification", "award"), in one unit, as of a day."""

    opened: int = 0
    closed: int = 0
    escalated: int = 0
    supervised_open: int = 0
    overdue: int = 0

    @property
    def open(self) -> int:
        return self.opened - self.closed


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

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> OpenEntity:
        """From (kind, code, unit, supervised, opened day, opened position,
        escalated, deadline) as the queries select them."""
        kind, code, unit, supervised, opened, pos, escalated, deadline = row
        return cls(
            kind,
            code,
            unit,
            bool(supervised),
            date.fromisoformat(opened),
            int(pos),
            bool(escalated),
            date.fromisoformat(deadline),
        )


def most_urgent(entities: Iterable[OpenEntity], limit: int) -> list[OpenEntity]:
    """The ``limit`` most urgent: earliest deadline in force first; escalated, then
    supervised, first among equals."""
    return sorted(
        entities, key=lambda e: (e.deadline, not e.escalated, not e.supervised, e.unit, e.code)
    )[:limit]


class RunningTotals:
    """Queries of the running totals (each as of the whole log)."""

    def __init__(self, rm: ReadModel) -> None:
        self.rm = rm

    def figures(
        self, c: Any, day: date, units: Collection[str] | None = None
    ) -> dict[tuple[str, str], Figures]:
        """(unit, kind) → its figures as of the day; of some units only, if given."""
        return self._as_of(c, day, KINDS, units)

    def _as_of(
        self, c: Any, day: date, kinds: Collection[str], units: Collection[str] | None = None
    ) -> dict[tuple[str, str], Figures]:
        """(unit, kind) → figures of some kinds (or cohorts) as of the day."""
        params = {f"k{n}": kind for n, kind in enumerate(kinds)}
        only = ""
        if units is not None:  # (a few: the units that new records touched)
            names = {f"u{n}": unit for n, unit in enumerate(sorted(units))}
            only = f"AND unit IN ({', '.join(f':{name}' for name in names) or 'NULL'})"
            params |= names
        text, week = day.isoformat(), week_of(day.isoformat())
        named = ", ".join(f":k{n}" for n in range(len(kinds)))
        kept = self.rm.rows(c, _CARRIED.format(kinds=named), week=week, **params)
        if not kept:  # before the first change
            return {}
        found, wanted = kept[0][0], set(units) if units is not None else None
        figures = {
            (unit, kind): Figures(*values)
            for _, kind, carried in kept
            if kind  # (kind '': the week's own row)
            for unit, values in json.loads(carried).items()
            if wanted is None or unit in wanted
        }
        postgres = self.rm.dialect.name == "postgresql"
        fill = {"kinds": named, "only": only}
        in_week = _latest("cx_running", "week = :week AND ", postgres).format(**fill)
        rows = self.rm.rows(c, in_week, week=found, day=text, **params)
        if found < week:  # a day after the last week carried over: the rows ahead too
            ahead = _latest("cx_ahead", "", postgres).format(**fill)
            rows += self.rm.rows(c, ahead, day=text, **params)
        for kind, unit, _, *values in rows:  # (a row ahead comes after its week's)
            figures[(unit, kind)] = Figures(*(int(v) for v in values))
        return figures

    def open_on(
        self, c: Any, day: date, limit: int, units: Collection[str] | None = None
    ) -> list[OpenEntity]:
        """The most urgent commitments and rectifications open on the day (earliest
        deadline in force; escalated, then supervised, first among equals); of some
        units only, if given (a filter's).

        Reads, in the day's month and in the open set, those whose deadline is at
        most the ``limit``-th earliest (ties included: all of them when there are
        fewer), in deadline order, plus the few whose deadline moved after the day;
        one statement (one round trip) for all four."""
        among = self.rm.among("unit", units) if units is not None else None
        of_units = f" AND {among.sql}" if among is not None else ""
        # NOT (... > ...): SQLite would otherwise read the month through the
        # deadline_day index and sort it, not the deadline index in order
        in_force = f"month = {{m}} AND NOT (deadline_day > :day) AND {_OPEN_ROW}{of_units}"
        parts = []
        for m in (":month", ":now"):
            parts.append(
                f"""SELECT entity FROM cx_open WHERE {in_force.format(m=m)}
                      AND deadline <= COALESCE((SELECT deadline FROM cx_open
                        WHERE {in_force.format(m=m)} ORDER BY deadline LIMIT 1 OFFSET :nth),
                        '{LAST_DAY}')"""
            )
            # a deadline recorded after the day: another one was in force (the last
            # term says what follows from the others, so that the partial index serves)
            parts.append(
                f"SELECT entity FROM cx_open WHERE month = {m} AND deadline_day > :day"
                f" AND {_OPEN_ROW} AND deadline_day > opened_day{of_units}"
            )
        params = _open_params(day) | (among.params if among is not None else {})
        candidates = {
            entity
            for (entity,) in self.rm.rows(c, " UNION ALL ".join(parts), nth=limit - 1, **params)
        }
        rows = self.rm.rows_in(
            c,
            f"""SELECT e.kind, e.code, e.unit, e.supervised, e.opened_day, e.opened_pos,
                  CASE WHEN e.escalated_day <= :day THEN 1 ELSE 0 END, {DEADLINE_ON_DAY}
                FROM cx_entities e""",
            "e.entity",
            sorted(candidates),
            day=params["day"],
        )
        return most_urgent((OpenEntity.from_row(row) for row in rows), limit)

    def still_open(self, c: Any, day: date, kind: str, opened_by: date) -> dict[str, int]:
        """Per unit: entities of a kind opened by one day and still open on a later one."""
        deadline = opened_by.isoformat()
        if day > opened_by and deadline in tracked_cohorts(self.rm, c).get(kind, ()):
            cohort = cohort_kind(kind, deadline)
            return {
                unit: f.open for (unit, _), f in self._as_of(c, day, (cohort,)).items() if f.open
            }
        # not a cohort of the campaign's (none asks for one): the month's open set
        return {
            unit: int(n)
            for unit, n in self.rm.rows(
                c,
                f"""SELECT unit, COUNT(*) FROM cx_open
                    WHERE month IN (:month, :now) AND kind = :kind AND opened_day <= :opened
                      AND {_OPEN_ROW}
                    GROUP BY unit""",
                kind=kind,
                opened=deadline,
                **_open_params(day),
            )
        }


def cohort_kind(kind: str, deadline: str) -> str:
    return f"{kind}{COHORT}{deadline}"


Cohorts = dict[str, tuple[str, ...]]  # kind → the deadlines of its cohorts


def cohorts_of(template: Template) -> Cohorts:
    """The cohorts the totals keep for a campaign: per kind, the deadlines of the
    template's items that need every one of that kind closed."""
    found: dict[str, set[str]] = {}
    for phase in template.phases:
        for item in phase.items:
            if item.all_closed:
                found.setdefault(item.all_closed[:-1], set()).add(item.deadline.isoformat())
    return {kind: tuple(sorted(deadlines)) for kind, deadlines in found.items()}


def tracked_cohorts(model: ReadModel, cursor: Any) -> Cohorts:
    """The cohorts of the store's campaign (none before it is planned)."""
    row = model.campaign_row(cursor)
    if row is None:
        return {}
    _, template, _, phases, text = row
    return _cohorts(template, phases, text)


@lru_cache(maxsize=16)
def _cohorts(template: str, phases: str | None, text: str | None) -> Cohorts:
    return cohorts_of(campaign_template(template, phases, text))


@lru_cache(maxsize=4096)
def week_of(day: str) -> str:
    """The week a day's running row is kept in: its Monday."""
    moment = date.fromisoformat(day)
    return (moment - timedelta(days=moment.weekday())).isoformat()


@lru_cache(maxsize=4096)
def _weeks(first: str, last: str) -> tuple[str, ...]:
    """The weeks (Mondays) from one to another, both included."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return tuple(
        (start + timedelta(weeks=n)).isoformat() for n in range((end - start).days // 7 + 1)
    )


def _open_params(day: date) -> dict[str, str]:
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "now": OPEN_NOW}


# -- writing ---------------------------------------------------------------------------


def months(first: str, last: str) -> Iterator[str]:
    """The months ("YYYY-MM") from one to another, both included."""
    year, month = int(first[:4]), int(first[5:7])
    while f"{year:04d}-{month:02d}" <= last:
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


class BrokenLife(Exception):
    """A life in the log that breaks the rules every import enforces (a record before
    its opening, one after its close): the log was altered outside cxzy (events
    moved, copied or added), not a fault of the running totals."""


@dataclass
class Life:
    """What the totals need to know of a commitment or rectification."""

    unit: str
    kind: str
    opened_day: str
    supervised: bool
    escalated: bool
    overdue_from: str | None  # overdue from this day on unless it changes; None: closed
    deadline: str
    deadline_day: str
    opened_pos: int
    deadline_pos: int


Changes = dict[tuple[str, str, str], list[int]]  # (day, kind, unit) → COLUMNS
Lives = dict[str, Life]  # entity ("c:…", "r:…") → what the totals know of it


@dataclass
class Carryover:
    """What a transaction that applies events batch after batch (an import, a
    rebuild) keeps from one batch to the next: the running-total changes not
    written yet (written when there are many, and at its end: each write rewrites
    the rows after the first change), and what the totals know of the lives still
    open (so that a batch does not read back what an earlier one wrote)."""

    changes: Changes = field(default_factory=dict)
    lives: Lives = field(default_factory=dict)


class TotalsWriter:
    """The changes one batch of events makes to the running totals; :meth:`write`
    adds them up into the tables (in the transaction that writes the events)."""

    def __init__(self, model: ReadModel, cursor: Any, carry: Carryover | None = None) -> None:
        self.model, self.cursor = model, cursor
        self.carry = carry
        self.lives: Lives = {} if carry is None else carry.lives  # read or made so far
        self.changes: Changes = {}
        self.touched: set[str] = set()  # entities whose overdue_from changed
        self.open_now: set[str] = set()  # opened, or deadline moved, and open
        self.no_longer_open: list[str] = []
        self.month_rows: list[tuple[str, str]] = []  # (month, entity) of closed ones
        self.closed_days: dict[str, tuple[str, int]] = {}  # entity → (day, position)
        self.cohorts = tracked_cohorts(model, cursor)

    def planned(self, template: str, phases: str | None, text: str | None) -> None:
        """The campaign is planned (before any commitment: the registry's rule):
        its cohorts are kept from now on."""
        self.cohorts = _cohorts(template, phases, text)

    def _in_cohorts(self, life: Life, day: str, column: str) -> None:
        """A change to the cohorts a commitment or rectification belongs to. Their
        counts are asked for only after their deadline: a change by it is dated the
        day after (one row for all of them)."""
        for deadline in self.cohorts.get(life.kind, ()):
            if life.opened_day <= deadline:
                on = day if day > deadline else _day_after(deadline)
                self._change(on, cohort_kind(life.kind, deadline), life.unit, column)

    def of(self, entity: str) -> Life:
        life = self.lives.get(entity)
        if life is None:
            row = self.model._row(
                self.cursor,
                """SELECT unit, kind, opened_day, supervised, escalated_pos IS NOT NULL,
                     overdue_from, deadline, deadline_day, opened_pos, deadline_pos
                   FROM cx_entities WHERE entity = :e""",
                {"e": entity},
            )
            if row is None:  # (the aggregates ensure it: a log altered outside cxzy)
                raise BrokenLife(f"{entity} has no opening record")
            unit, kind, opened, supervised, escalated, overdue_from, deadline, moved, *at = row
            life = Life(
                unit,
                kind,
                opened,
                bool(supervised),
                bool(escalated),
                overdue_from,
                deadline,
                moved,
                *(int(pos) for pos in at),
            )
            self.lives[entity] = life
        return life

    def _change(self, day: str, kind: str, unit: str, column: str, by: int = 1) -> None:
        counts = self.changes.setdefault((day, kind, unit), [0] * len(COLUMNS))
        counts[COLUMNS.index(column)] += by

    def awarded(self, unit: str, day: str) -> None:
        self._change(day, "award", unit, "opened")

    def opened(
        self,
        entity: str,
        kind: str,
        unit: str,
        day: str,
        deadline: str,
        supervised: bool,
        pos: int,
    ) -> str:
        """Returns the day it is overdue from, unless its deadline moves or it closes."""
        overdue_from = max(day, _day_after(deadline))
        self.lives[entity] = Life(
            unit, kind, day, supervised, False, overdue_from, deadline, day, pos, pos
        )
        self._change(day, kind, unit, "opened")
        self._in_cohorts(self.lives[entity], day, "opened")
        self._change(overdue_from, kind, unit, "overdue")
        if supervised:
            self._change(day, kind, unit, "supervised_open")
        self.open_now.add(entity)
        return overdue_from

    def _stop_overdue(self, life: Life, day: str) -> None:
        if life.overdue_from is None:  # (not closed: the aggregates ensure it)
            raise BrokenLife("a record after its life's close")
        # overdue from overdue_from until the day; if that had not come yet, never
        self._change(max(day, life.overdue_from), life.kind, life.unit, "overdue", -1)

    def deadline_moved(self, entity: str, day: str, deadline: str, pos: int) -> None:
        life = self.of(entity)
        self.touched.add(entity)
        self._stop_overdue(life, day)
        life.overdue_from = max(day, _day_after(deadline))
        life.deadline, life.deadline_day, life.deadline_pos = deadline, day, pos
        self._change(life.overdue_from, life.kind, life.unit, "overdue")
        self.open_now.add(entity)

    def closed(self, entity: str, day: str, pos: int) -> None:
        life = self.of(entity)
        if life.overdue_from is None:
            return
        self._stop_overdue(life, day)
        life.overdue_from = None
        self.touched.add(entity)
        self._change(day, life.kind, life.unit, "closed")
        self._in_cohorts(life, day, "closed")
        if life.supervised:
            self._change(day, life.kind, life.unit, "supervised_open", -1)
        self.open_now.discard(entity)
        self.no_longer_open.append(entity)
        self.month_rows.extend((month, entity) for month in months(life.opened_day[:7], day[:7]))
        self.closed_days[entity] = (day, pos)

    def escalated(self, entity: str, day: str) -> None:
        life = self.of(entity)
        if not life.escalated:
            life.escalated = True
            self._change(day, life.kind, life.unit, "escalated")

    def write(self) -> None:
        model, cursor = self.model, self.cursor
        if self.carry is None:
            model.write_running(cursor, self.changes)
        else:
            pending = self.carry.changes
            for key, counts in self.changes.items():
                total = pending.setdefault(key, [0] * len(COLUMNS))
                for n, value in enumerate(counts):
                    total[n] += value
            if len(pending) > PENDING_LIMIT:
                model.write_running(cursor, pending)
        model._run(
            cursor,
            "UPDATE cx_entities SET overdue_from = :overdue_from WHERE entity = :entity",
            [
                {"entity": entity, "overdue_from": self.lives[entity].overdue_from}
                for entity in self.touched
            ],
        )
        model._run(
            cursor,
            "DELETE FROM cx_open WHERE month = :month AND entity = :entity",
            [{"month": OPEN_NOW, "entity": entity} for entity in self.no_longer_open],
        )
        rows = [(OPEN_NOW, entity) for entity in self.open_now] + self.month_rows
        model._run(
            cursor,
            """INSERT INTO cx_open (month, entity, kind, unit, opened_day, closed_day,
                 deadline, deadline_day, opened_pos, closed_pos, deadline_pos)
               VALUES (:month, :entity, :kind, :unit, :opened, :closed, :deadline,
                 :deadline_day, :opened_pos, :closed_pos, :deadline_pos)
               ON CONFLICT (month, entity) DO UPDATE SET deadline = excluded.deadline,
                 deadline_day = excluded.deadline_day, deadline_pos = excluded.deadline_pos""",
            [
                {
                    "month": month,
                    "entity": entity,
                    "kind": (life := self.lives[entity]).kind,
                    "unit": life.unit,
                    "opened": life.opened_day,
                    "closed": (closed := self.closed_days.get(entity, (None, None)))[0],
                    "deadline": life.deadline,
                    "deadline_day": life.deadline_day,
                    "opened_pos": life.opened_pos,
                    "closed_pos": closed[1],
                    "deadline_pos": life.deadline_pos,
                }
                for month, entity in rows
            ],
        )
        if self.carry is not None:  # keep those that may take more records
            for entity in self.no_longer_open:
                self.lives.pop(entity, None)
            if len(self.lives) > LIVES_LIMIT:
                self.lives.clear()


def write_running(model: ReadModel, cursor: Any, changes: Changes, latest: str | None) -> None:
    """Add changes to the running rows of their day and of every later day: the
    counts later weeks open with, and the rows ahead, included.

    The weeks are carried over up to the latest record's: a change after it is kept
    ahead (``cx_ahead``) until a record of its week comes, so that a change does not
    rewrite the counts of every week up to the furthest deadline. ``latest``: the
    latest record's day (None: no record in the log yet)."""
    if not changes:
        # records that change no count (activities, reviews) still move the latest
        # record's day: the weeks up to it are carried over and the rows ahead of
        # them brought in, as a rebuild of the same log does (it differed, and
        # `verify --figures` said the read model was changed outside cxzy)
        if latest is not None and model._one(cursor, "SELECT MAX(week) FROM cx_weeks"):
            weeks = _Weeks(model, cursor)
            weeks.extend(week_of(latest), week_of(latest))
            weeks.write()
        return
    weeks = _Weeks(model, cursor)
    earliest = min(day for day, _, _ in changes)
    horizon = weeks.extend(week_of(latest or earliest), week_of(earliest))
    # (a pair's rows are looked for up to the last week with any: none in a new store)
    filled = model._one(cursor, "SELECT MAX(week) FROM cx_running") or ""
    by_pair: dict[tuple[str, str], dict[str, list[int]]] = {}
    for (day, kind, unit), counts in changes.items():
        by_pair.setdefault((kind, unit), {})[day] = counts
    weekly: list[dict[str, Any]] = []
    ahead: list[dict[str, Any]] = []
    for (kind, unit), days in by_pair.items():
        first = min(days)
        pair = {"kind": kind, "unit": unit, "first": first}
        span = _weeks(week_of(first), horizon) if week_of(first) <= horizon else ()
        # the counts as of the day before the first change: the row before it in its
        # week, else what the week opened with; after the horizon, the row ahead
        # before it, else the counts at the end of the horizon's week
        if span:
            before = model._row(
                cursor,
                f"""SELECT {_NAMES} FROM cx_running WHERE week = :week AND kind = :kind
                    AND unit = :unit AND day < :first ORDER BY day DESC LIMIT 1""",
                pair | {"week": span[0]},
            ) or weeks.carried(span[0], kind, unit)
        else:
            before = (
                model._row(
                    cursor,
                    f"""SELECT {_NAMES} FROM cx_ahead WHERE kind = :kind AND unit = :unit
                        AND day < :first ORDER BY day DESC LIMIT 1""",
                    pair,
                )
                or model._row(
                    cursor,
                    f"""SELECT {_NAMES} FROM cx_running WHERE week = :week AND kind = :kind
                        AND unit = :unit ORDER BY day DESC LIMIT 1""",
                    pair | {"week": horizon},
                )
                or weeks.carried(horizon, kind, unit)
            )
        stored: dict[tuple[str, str], Any] = {}
        if span and span[0] <= filled:
            filled_span = [week for week in span if week <= filled]
            in_weeks = ", ".join(f":w{n}" for n in range(len(filled_span)))
            for week, day, *values in model.rows(
                cursor,
                f"""SELECT week, day, {_NAMES} FROM cx_running WHERE week IN ({in_weeks})
                    AND kind = :kind AND unit = :unit AND day >= :first""",
                **pair,
                **{f"w{n}": week for n, week in enumerate(filled_span)},
            ):
                stored[(day, week)] = values
        for day, *values in model.rows(
            cursor,
            f"""SELECT day, {_NAMES} FROM cx_ahead WHERE kind = :kind AND unit = :unit
                AND day >= :first""",
            **pair,
        ):
            stored[(day, _AHEAD_WEEK)] = values
        old = list(before) if before else [0] * len(COLUMNS)  # as of the day before
        added = [0] * len(COLUMNS)
        current = old
        # what each later week opens with: the counts as of the Sunday before it
        # (before the first change, the pair's own; new to the week, the same)
        opening, next_week = span[1:], 0
        for day, week in sorted(stored.keys() | {(d, _week_kept(d, horizon)) for d in days}):
            while next_week < len(opening) and _day_before(opening[next_week]) < day:
                weeks.carry(opening[next_week], kind, unit, current)
                next_week += 1
            old = stored.get((day, week), old)
            change = days.get(day)
            if change is not None:
                added = [a + b for a, b in zip(added, change, strict=True)]
            current = [o + a for o, a in zip(old, added, strict=True)]
            if week == _AHEAD_WEEK:
                ahead.append(_row(None, kind, unit, day, current))
            else:
                weekly.append(_row(week, kind, unit, day, current))
        for week in opening[next_week:]:
            weeks.carry(week, kind, unit, current)
    _upsert(model, cursor, weekly)
    _upsert(model, cursor, ahead, table="cx_ahead")
    weeks.write()


_AHEAD_WEEK = "~"  # (sorts after every week)


def _week_kept(day: str, horizon: str) -> str:
    """The week a day's row is kept in, or ahead."""
    week = week_of(day)
    return week if week <= horizon else _AHEAD_WEEK


Carried = dict[str, dict[str, list[int]]]  # kind → unit → COLUMNS


class _Weeks:
    """``cx_weeks`` in one write: what each week opens with, read once and written
    back at the end (the rows of the kinds whose counts changed)."""

    def __init__(self, model: ReadModel, cursor: Any) -> None:
        self.model, self.cursor = model, cursor
        self.read: dict[str, Carried] = {}
        self.changed: set[tuple[str, str]] = set()
        self.new: set[str] = set()

    def of(self, week: str) -> Carried:
        found = self.read.get(week)
        if found is None:
            found = self.read[week] = {
                kind: json.loads(carried)
                for kind, carried in self.model.rows(
                    self.cursor, "SELECT kind, carried FROM cx_weeks WHERE week = :week", week=week
                )
                if kind
            }
        return found

    def carried(self, week: str, kind: str, unit: str) -> list[int] | None:
        return self.of(week).get(kind, {}).get(unit)

    def carry(self, week: str, kind: str, unit: str, values: list[int]) -> None:
        self.of(week).setdefault(kind, {})[unit] = values
        self.changed.add((week, kind))

    def extend(self, latest: str, earliest: str) -> str:
        """Make the weeks from the earliest change's (or the first kept) to the
        latest record's (or the last kept), every kind and unit carried over into
        the new ones at the end (and the rows ahead of them brought into their
        weeks). Returns the last week kept: the horizon."""
        model, cursor = self.model, self.cursor
        kept = model._row(cursor, "SELECT MIN(week), MAX(week) FROM cx_weeks")
        first, last = kept if kept is not None else (None, None)
        if first is None:  # nothing carried yet: every week opens with nothing
            for week in _weeks(min(earliest, latest), latest):
                self._make(week, {})
            return latest
        for week in _weeks(earliest, first)[:-1] if earliest < first else ():
            self._make(week, {})  # (nothing happened before the first week kept)
        if latest <= last:
            return last
        state = {kind: dict(units) for kind, units in self.of(last).items()}
        for kind, unit, *values in model.rows(
            cursor,
            f"SELECT kind, unit, {_NAMES} FROM cx_running WHERE week = :week"
            " ORDER BY kind, unit, day",
            week=last,
        ):
            state.setdefault(kind, {})[unit] = values
        end = _day_after_week(latest)
        arriving = model.rows(
            cursor,
            f"SELECT day, kind, unit, {_NAMES} FROM cx_ahead WHERE day < :end ORDER BY day",
            end=end,
        )
        moved, n = [], 0
        for week in _weeks(last, latest)[1:]:
            carried = _day_before(week)
            while n < len(arriving) and arriving[n][0] <= carried:
                day, kind, unit, *values = arriving[n]
                moved.append(_row(week_of(day), kind, unit, day, values))
                state.setdefault(kind, {})[unit] = values
                n += 1
            self._make(week, {kind: dict(units) for kind, units in state.items()})
        moved += (_row(week_of(r[0]), r[1], r[2], r[0], list(r[3:])) for r in arriving[n:])
        _upsert(model, cursor, moved)
        model._run(cursor, "DELETE FROM cx_ahead WHERE day < :end", [{"end": end}])
        return latest

    def _make(self, week: str, carried: Carried) -> None:
        self.read[week] = carried
        self.new.add(week)

    def write(self) -> None:
        self.model._run(
            self.cursor,
            "INSERT INTO cx_weeks (week, kind, carried) VALUES (:week, :kind, :carried)",
            [
                {"week": week, "kind": kind, "carried": json.dumps(units, sort_keys=True)}
                for week in sorted(self.new)
                for kind, units in [("", {}), *sorted(self.read[week].items())]
            ],
        )
        self.model._run(
            self.cursor,
            """INSERT INTO cx_weeks (week, kind, carried) VALUES (:week, :kind, :carried)
               ON CONFLICT (week, kind) DO UPDATE SET carried = excluded.carried""",
            [
                {
                    "week": week,
                    "kind": kind,
                    "carried": json.dumps(self.read[week][kind], sort_keys=True),
                }
                for week, kind in sorted(self.changed)
                if week not in self.new
            ],
        )


def _day_after_week(week: str) -> str:
    return (date.fromisoformat(week) + timedelta(days=7)).isoformat()


@lru_cache(maxsize=4096)
def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def _row(week: str | None, kind: str, unit: str, day: str, values: list[int]) -> dict[str, Any]:
    return {"week": week, "kind": kind, "unit": unit, "day": day} | dict(
        zip(COLUMNS, values, strict=True)
    )


def _upsert(
    model: ReadModel, cursor: Any, rows: list[dict[str, Any]], table: str = "cx_running"
) -> None:
    key = "week, kind, unit, day" if table == "cx_running" else "kind, unit, day"
    sets = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS)
    model._run(
        cursor,
        f"""INSERT INTO {table} ({key}, {_NAMES})
            VALUES ({", ".join(f":{c}" for c in key.split(", "))},
              {", ".join(f":{c}" for c in COLUMNS)})
            ON CONFLICT ({key}) DO UPDATE SET {sets}""",
        rows,
    )

"""Status figures as the log stood at an earlier position, from the running totals.

The running totals (:mod:`cxzy.application.totals`) hold the whole log. As known at
position P, the figures as of day D differ from them only by what the records after
P did on days up to D. Let Φ, the *frontier* at P, be the latest day of the records
up to P. Every record up to P happened by Φ. A record after P that happened by Φ is
one of those right after P that happened on Φ itself (before the first record of a
later day), or it is *late*: it happened before the latest day of the records
before it (``cx_late`` lists those). So, with D' the earlier of D and Φ:

- opened, closed, escalated, supervised open and awards as of D are those as of D'
  (nothing up to P happened after Φ): the totals as of D', less what the records
  after P that happened by D' changed. Those records touch few entities; each is
  evaluated as the whole log has it and as P had it, and the difference is taken
  off. Overdue as of D ≤ Φ is corrected the same way.
- The "all closed" items' cohorts still open on D > Φ are those still open on Φ
  (all that were open then, for a cohort opened by Φ or later).
- Overdue as of D > Φ is what was open on Φ (the corrected totals) less what was
  not due by D; or, for D within NEAR_DAYS of Φ, what was overdue on Φ and what
  fell due since. The few that fell due since (or that are not due yet) are
  counted in one range of the open set's deadline index: ``cx_open``'s rows of Φ's
  month and those open now, by their positions. Those whose deadline was
  recorded again after P are looked up (the deadline then in force), and so are
  the entities above. (One closed after P by a late record may have no row of
  Φ's month: it is among them.)

The work is bounded by one day's records, the late records after P and one range
of the open set at P, not by the length of the log. ``StatusQuery._from_rows``
reads every row up to P instead; property tests compare the two. What the records
after P change (:class:`AfterPosition`) is read once for a position and a log
head: a dashboard showing a past moment asks about every day at the same position.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cxzy.application.readmodel import ALL, ReadModel
from cxzy.application.totals import (
    COLUMNS,
    OPEN_NOW,
    Figures,
    OpenEntity,
    RunningTotals,
    most_urgent,
)

OVERDUE = COLUMNS.index("overdue")
AWARDED = "CommendationAwarded"
_LAST_DAY = "9999-12-31"
_PREFIX = {"commitment": "c:", "rectification": "r:"}
# a day at most this far after the frontier: count those falling due in between,
# else those not due by the day (the shorter range, for most of the open set's
# deadlines lie within a few months of their opening)
NEAR_DAYS = 90
_NO_DAY = "9999-99-99"  # after every deadline (text order is date order)
# a cx_open row open at :pos
_OPEN_AT_POSITION = "opened_pos <= :pos AND (closed_pos IS NULL OR closed_pos > :pos)"

# An open-set row's deadline in force at :pos (its own, unless one was recorded after)
_DEADLINE_AT_POSITION = """CASE WHEN o.deadline_pos <= :pos THEN o.deadline ELSE
    (SELECT d.deadline FROM cx_deadlines d WHERE d.entity = o.entity
      AND d.pos <= :pos ORDER BY d.pos DESC LIMIT 1) END"""

# What was open on :day as the log stood at :pos, each as it stood then, read from the
# entities (every one of them without a restriction on ``o.entity``)
OPEN_AT = """SELECT kind, code, unit, supervised, opened_day, opened_pos, escalated, deadline
  FROM (SELECT e.entity, e.kind, e.code, e.unit, e.supervised, e.opened_day, e.opened_pos,
      CASE WHEN e.escalated_pos <= :pos AND e.escalated_day <= :day THEN 1 ELSE 0 END
        AS escalated,
      (SELECT d.deadline FROM cx_deadlines d
        WHERE d.entity = e.entity AND d.pos <= :pos AND d.day <= :day
        ORDER BY d.pos DESC LIMIT 1) AS deadline
    FROM cx_entities e
    WHERE e.opened_day <= :day AND e.opened_pos <= :pos
      AND NOT (e.closed_pos IS NOT NULL AND e.closed_pos <= :pos AND e.closed_day <= :day)
  ) AS o"""

# Those open at :pos as the open set lists them (its rows of the frontier's month and
# those open now) whose deadline in force then is at most the (:nth + 1)-th earliest
_URGENT_AT_POSITION = f"""WITH s AS (
      SELECT o.entity, {_DEADLINE_AT_POSITION} AS deadline FROM cx_open o
      WHERE o.month IN (:month, :now) AND o.opened_pos <= :pos
        AND (o.closed_pos IS NULL OR o.closed_pos > :pos){{of_units}})
    SELECT entity FROM s WHERE deadline <= COALESCE(
      (SELECT deadline FROM s ORDER BY deadline LIMIT 1 OFFSET :nth), '{_LAST_DAY}')"""

Mark = tuple[str, int] | None  # (day, position) of a change; None: it never happened


def _by(mark: Mark, day: str, pos: int) -> bool:
    return mark is not None and mark[0] <= day and mark[1] <= pos


@dataclass(frozen=True)
class _Life:
    """A commitment's or rectification's changes, with their days and positions."""

    kind: str
    unit: str
    supervised: bool
    opened: tuple[str, int]
    closed: Mark
    escalated: Mark
    deadlines: tuple[tuple[int, str, str], ...]  # (position, day, deadline), in log order

    def deadline(self, day: str, pos: int) -> str | None:
        """The last recorded by the day, up to the position."""
        found = None
        for at, on, deadline in self.deadlines:
            if at <= pos and on <= day:
                found = deadline
        return found

    def figures(self, day: str, pos: int) -> list[int]:
        """What it adds to its unit's figures (COLUMNS) as of a day, up to a position
        (as ``StatusQuery._counts`` counts it)."""
        if not _by(self.opened, day, pos):
            return [0] * len(COLUMNS)
        closed = _by(self.closed, day, pos)
        deadline = self.deadline(day, pos)
        overdue = not closed and deadline is not None and deadline < day
        escalated = _by(self.escalated, day, pos)
        return [1, int(closed), int(escalated), int(self.supervised and not closed), int(overdue)]

    def still_open(self, day: str, pos: int, opened_by: str) -> bool:
        return _by(self.opened, opened_by, pos) and not _by(self.closed, day, pos)

    def listed_open_at(self, pos: int, month: str) -> bool:
        """Whether the reading of ``cx_open``'s rows of a month and of those open now
        finds it open at a position."""
        closed = self.closed
        listed = closed is None or self.opened[0][:7] <= month <= closed[0][:7]
        return listed and self.opened[1] <= pos and not (closed is not None and closed[1] <= pos)


@dataclass
class AfterPosition:
    """What the log after a position changes of the figures up to its frontier: the
    awards and the lives of the entities its records touched, read once for a
    position and a log head (a dashboard in the past asks for every day at one
    position); and what was worked out from them, day by day."""

    frontier: str | None
    awards: tuple[tuple[str, str], ...]  # (day, unit) after the position, by the frontier
    lives: dict[str, _Life]
    # day → (near, counts) of :meth:`KnownAt._deadlines_between`
    due: dict[str, tuple[bool, dict[tuple[str, str], int]]] = field(default_factory=dict)
    # day → figures of :meth:`KnownAt._known_by`
    known: dict[str, dict[tuple[str, str], tuple[int, ...]]] = field(default_factory=dict)
    # :meth:`KnownAt._moved_after_position` (the same for every day)
    moved: list[tuple[tuple[str, str], str | None]] | None = None


def read_after(rm: ReadModel, c: Any, pos: int) -> AfterPosition:
    """The frontier at a position, the records after it that happened by the
    frontier, and the lives of the entities they touch."""
    frontier = rm.frontier(c, pos)
    if frontier is None:
        return AfterPosition(None, (), {})
    later = rm.value(
        c,
        "SELECT pos FROM cx_log WHERE pos > :pos AND day > :day ORDER BY pos LIMIT 1",
        pos=pos,
        day=frontier,
    )
    found: dict[int, tuple[str, str, str | None, str | None]] = {}
    for at, *record in rm.rows(
        c,
        "SELECT pos, day, type, unit, entity FROM cx_log WHERE pos > :pos AND pos < :later",
        pos=pos,
        later=ALL if later is None else int(later),
    ):
        found[int(at)] = tuple(record)  # type: ignore[assignment]
    late = rm.rows(  # (not joined: the planner might read the log after pos instead)
        c, "SELECT pos FROM cx_late WHERE pos > :pos AND day <= :day", pos=pos, day=frontier
    )
    for at, *record in rm.rows_in(
        c, "SELECT pos, day, type, unit, entity FROM cx_log", "pos", [p for (p,) in late]
    ):
        found[int(at)] = tuple(record)  # type: ignore[assignment]
    entities = set()
    awards: list[tuple[str, str]] = []  # (day, unit) after pos, by the frontier
    lives: dict[str, _Life] = {}
    for day, type_, unit, entity in found.values():
        if type_ == AWARDED:
            awards.append((day, str(unit)))
        elif entity is not None and entity[:2] in ("c:", "r:"):
            entities.add(entity)
    if not entities:
        return AfterPosition(frontier, tuple(awards), {})
    ordered = sorted(entities)
    deadlines: dict[str, list[tuple[int, str, str]]] = {}
    for entity, at, day, deadline in rm.rows_in(
        c, "SELECT entity, pos, day, deadline FROM cx_deadlines", "entity", ordered
    ):
        deadlines.setdefault(entity, []).append((int(at), day, deadline))
    for row in rm.rows_in(
        c,
        """SELECT entity, kind, unit, supervised, opened_day, opened_pos, closed_day,
             closed_pos, escalated_day, escalated_pos FROM cx_entities""",
        "entity",
        ordered,
    ):
        entity, kind, unit, supervised, opened, opened_pos, closed, closed_pos, *escalated = row
        lives[entity] = _Life(
            kind,
            unit,
            bool(supervised),
            (opened, int(opened_pos)),
            None if closed_pos is None else (closed, int(closed_pos)),
            None if escalated[1] is None else (escalated[0], int(escalated[1])),
            tuple(sorted(deadlines.get(entity, []))),
        )
    return AfterPosition(frontier, tuple(awards), lives)


class KnownAt:
    """The running totals' questions (figures as of a day, cohorts still open), as
    the log stood at an earlier position ``pos``.

    ``running(day, remember=…)`` gives the whole log's figures as of a day (the
    running totals, by default read each time; those on the frontier and the
    cohorts' days are asked for again and again, so worth remembering);
    ``cohorts`` are the days by which the cohorts asked about by
    :meth:`still_open` were opened (the "all closed" items' deadlines)."""

    def __init__(
        self,
        rm: ReadModel,
        c: Any,
        pos: int,
        running: Callable[..., dict[tuple[str, str], Figures]] | None = None,
        cohorts: Iterable[date] = (),
        after: AfterPosition | None = None,
    ) -> None:
        self.rm, self.c, self.pos = rm, c, pos
        self.running = running or (lambda day, remember=False: RunningTotals(rm).figures(c, day))
        self.cohorts = sorted({day.isoformat() for day in cohorts})
        self.after = after if after is not None else read_after(rm, c, pos)
        self.frontier = self.after.frontier
        self.awards = self.after.awards
        self.lives = self.after.lives

    def figures(self, day: date, *, overdue: bool = True) -> dict[tuple[str, str], Figures]:
        """(unit, kind) → its figures as of the day; without ``overdue``, that count
        is left out (0)."""
        if self.frontier is None:
            return {}
        on = day.isoformat()
        rows = {key: list(row) for key, row in self._known_by(min(on, self.frontier)).items()}
        if not overdue:
            for row in rows.values():
                row[OVERDUE] = 0
        elif on > self.frontier:  # the totals as of the frontier do not know it
            near, counted = self._deadlines_between(on)
            for key, row in rows.items():
                if key[1] not in _PREFIX:  # (awards are never overdue)
                    row[OVERDUE] = 0
                elif near:  # overdue on the frontier, and those falling due since
                    row[OVERDUE] += counted.get(key, 0)
                else:  # open, less those not due yet
                    row[OVERDUE] = row[0] - row[1] - counted.get(key, 0)
        return {key: Figures(*row) for key, row in rows.items()}

    def _known_by(self, upto: str) -> dict[tuple[str, str], tuple[int, ...]]:
        """The whole log's figures as of a day by the frontier, less what the records
        after the position changed (every day after the frontier asks for the
        frontier's: a status after the "all closed" items' deadline asks for it up to
        five times, each a pass over the lives touched after the position)."""
        known = self.after.known.get(upto)
        if known is not None:
            return known
        rows = {
            key: [f.opened, f.closed, f.escalated, f.supervised_open, f.overdue]
            for key, f in self.running(
                date.fromisoformat(upto), remember=upto in (self.frontier, *self.cohorts)
            ).items()
        }
        for life in self.lives.values():
            whole, known_then = life.figures(upto, ALL), life.figures(upto, self.pos)
            row = rows.setdefault((life.unit, life.kind), [0] * len(COLUMNS))
            for n in range(len(COLUMNS)):
                row[n] -= whole[n] - known_then[n]
        for awarded, unit in self.awards:
            if awarded <= upto:
                rows.setdefault((unit, "award"), [0] * len(COLUMNS))[0] -= 1
        known = self.after.known[upto] = {key: tuple(row) for key, row in rows.items()}
        return known

    def still_open(self, day: date, kind: str, opened_by: date) -> dict[str, int]:
        """Per unit: entities of a kind opened by one day and still open on a later one."""
        if self.frontier is None:
            return {}
        on, cohort = day.isoformat(), opened_by.isoformat()
        if on > self.frontier:  # nothing known at the position happened after it
            frontier = date.fromisoformat(self.frontier)
            if opened_by < frontier:
                return self.still_open(frontier, kind, opened_by)
            return {  # every one opened by then: all those open on the frontier
                unit: f.open
                for (unit, k), f in self.figures(frontier, overdue=False).items()
                if k == kind and f.open
            }
        found = Counter(RunningTotals(self.rm).still_open(self.c, day, kind, opened_by))
        for life in self.lives.values():
            if life.kind == kind:
                whole = life.still_open(on, ALL, cohort)
                found[life.unit] -= int(whole) - int(life.still_open(on, self.pos, cohort))
        return dict(found)

    def most_urgent(
        self, day: date, limit: int, units: Collection[str] | None = None
    ) -> list[OpenEntity]:
        """The ``limit`` most urgent commitments and rectifications open on the day,
        as the log stood at the position (as :func:`open_at` and
        :func:`~cxzy.application.totals.most_urgent` would pick them from every one);
        of some units only, if given.

        Only the lives touched after the position can stand otherwise than the open
        set says, so the ``limit`` plus that many most urgent by the open set, and
        those lives, hold the answer; each is then read as it stood. Up to the
        frontier the open set is the whole log's on the day; after it, what was open
        at the position, with the deadlines in force then (nothing up to the
        position happened later than the frontier)."""
        if self.frontier is None:
            return []
        on, wanted = day.isoformat(), limit + len(self.lives)
        if on <= self.frontier:
            ranked = RunningTotals(self.rm).open_on(self.c, day, wanted, units)
            found = {_PREFIX[e.kind] + e.code for e in ranked}
        else:
            among = self.rm.among("o.unit", units) if units is not None else None
            found = {
                entity
                for (entity,) in self.rm.rows(
                    self.c,
                    _URGENT_AT_POSITION.format(
                        of_units=f" AND {among.sql}" if among is not None else ""
                    ),
                    pos=self.pos,
                    month=self.frontier[:7],
                    now=OPEN_NOW,
                    nth=wanted - 1,
                    **(among.params if among is not None else {}),
                )
            }
        lives = self.lives.keys()
        if units is not None:
            lives = {entity for entity, life in self.lives.items() if life.unit in units}
        entities = sorted(found | lives)
        return most_urgent(open_at(self.rm, self.c, day, self.pos, entities), limit)

    def _deadlines_between(self, on: str) -> tuple[bool, dict[tuple[str, str], int]]:
        """For a day after the frontier: of what was open at the position, per (unit,
        kind), how many have their deadline in force then from the frontier to the
        day before ``on`` (``near``: they fell due since the frontier), or else on
        ``on`` or later (not due yet). The shorter range of the deadline index is
        read: what was open is known from the totals, so either says how many are
        overdue."""
        due = self.after.due
        if on in due:
            return due[on]
        assert self.frontier is not None
        frontier = self.frontier
        near = (date.fromisoformat(on) - date.fromisoformat(frontier)).days <= NEAR_DAYS
        low, high = (frontier, on) if near else (on, _NO_DAY)

        def between(deadline: str | None) -> bool:
            return deadline is not None and low <= deadline < high

        counted = self._listed_between(low, high)
        for key, deadline in self._moved_after_position():
            counted[key] += int(between(deadline))
        for life in self.lives.values():  # as they were at the position, not as listed
            latest = life.deadlines[-1] if life.deadlines else None  # (position, day, deadline)
            read = (  # as the listing counted it
                life.listed_open_at(self.pos, frontier[:7])
                and latest is not None
                and latest[0] <= self.pos
                and between(latest[2])
            )
            at_frontier, on_day = life.figures(frontier, self.pos), life.figures(on, self.pos)
            if near:  # fell due since the frontier
                truth = on_day[OVERDUE] - at_frontier[OVERDUE]
            else:  # open, and not due yet
                truth = at_frontier[0] - at_frontier[1] - on_day[OVERDUE]
            counted[(life.unit, life.kind)] += truth - int(read)
        due[on] = (near, dict(counted))
        return due[on]

    def _listed_between(self, low: str, high: str) -> Counter[tuple[str, str]]:
        """Per (unit, kind): those the open set lists as open at the position, with
        the deadline last recorded by then, from ``low`` to the day before ``high``
        (one range of the deadline index in the frontier's month, one in the open
        set)."""
        assert self.frontier is not None
        counted_sql = f"""SELECT unit, kind, COUNT(*) FROM cx_open
            WHERE month = :{{m}} AND deadline >= :low AND deadline < :high
              AND {_OPEN_AT_POSITION} AND deadline_pos <= :pos
            GROUP BY unit, kind"""
        counted: Counter[tuple[str, str]] = Counter()
        for unit, kind, n in self._in_open_set(counted_sql, low=low, high=high):
            counted[(unit, kind)] += int(n)
        return counted

    def _moved_after_position(self) -> list[tuple[tuple[str, str], str | None]]:
        """Those the open set lists as open at the position whose deadline was
        recorded again after it, but not by a record among the lives: each was
        recorded again after the frontier, so the partial index of moved deadlines
        lists it. (unit, kind) and the deadline in force at the position, each."""
        assert self.frontier is not None
        if self.after.moved is not None:
            return self.after.moved
        moved_sql = f"""SELECT entity, unit, kind FROM cx_open
            WHERE month = :{{m}} AND deadline_day > :frontier AND deadline_day > opened_day
              AND {_OPEN_AT_POSITION} AND deadline_pos > :pos"""
        moved = {
            entity: (unit, kind)
            for entity, unit, kind in self._in_open_set(moved_sql, frontier=self.frontier)
            if entity not in self.lives  # (those are read as they stood)
        }
        in_force: dict[str, tuple[int, str]] = {}  # the last recorded up to the position
        for entity, at, deadline in self.rm.rows_in(
            self.c, "SELECT entity, pos, deadline FROM cx_deadlines", "entity", sorted(moved)
        ):
            if int(at) <= self.pos and int(at) > in_force.get(entity, (-1, ""))[0]:
                in_force[entity] = (int(at), deadline)
        found = [(key, in_force.get(entity, (0, None))[1]) for entity, key in moved.items()]
        self.after.moved = found
        return found

    def _in_open_set(self, select: str, **params: Any) -> list[tuple[Any, ...]]:
        """A query of ``cx_open`` (``:{m}`` its month) run on the frontier's month
        and on the rows open now, each partition a range of its own; ``:pos`` is the
        position."""
        assert self.frontier is not None
        return self.rm.rows(
            self.c,
            f"{select.format(m='month')} UNION ALL {select.format(m='now')}",
            pos=self.pos,
            month=self.frontier[:7],
            now=OPEN_NOW,
            **params,
        )


def open_at(
    rm: ReadModel, c: Any, day: date, pos: int, entities: list[str] | None = None
) -> list[OpenEntity]:
    """The commitments and rectifications open on a day as the log stood at a
    position (of ``entities`` only, when given), each as it stood then."""
    params = {"day": day.isoformat(), "pos": pos}
    if entities is None:
        rows: Iterable[tuple[Any, ...]] = rm.rows(c, OPEN_AT, **params)
    else:
        rows = rm.rows_in(c, OPEN_AT, "o.entity", entities, **params)
    return [OpenEntity.from_row(row) for row in rows]

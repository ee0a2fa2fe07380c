"""The log as users read it: filtered rows of the read model's index, and the
full records behind them in the interchange format."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from cxzy.application.app import CampaignApp
from cxzy.application.readmodel import Marks, late_clause, life_code, shown_marks
from cxzy.domain.errors import Violation
from cxzy.domain.jsontext import storable
from cxzy.domain.registry import folded_code
from cxzy.domain.schema import public_record

RECORDS_PAGE = 5_000  # log rows read at a time when records are read in order


@dataclass(frozen=True)
class LogFilter:
    unit: str | None = None
    type: str | None = None
    since: date | None = None
    until: date | None = None
    late: bool = False  # only records recorded more than the template's N days late
    pos: int | None = None  # only the record at this log position
    under: str | None = None  # only the records of this unit and the units under it
    until_pos: int | None = None  # only records up to this log position

    def where(self) -> tuple[str, dict[str, Any]]:
        clauses, params = [], {}
        if self.pos is not None:
            clauses.append("pos = :pos")
            params["pos"] = self.pos
        if self.until_pos is not None:
            clauses.append("pos <= :until_pos")
            params["until_pos"] = self.until_pos
        if self.unit:
            clauses.append("unit = :unit")
            params["unit"] = self.unit
        if self.under:
            clauses.append(f"unit IN ({SUBTREE_SQL})")
            params["under"] = self.under
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


@dataclass(frozen=True)
class LogEntry:
    """One row of the log as the table shows it, with its recorded facts."""

    pos: int
    at: datetime
    type: str
    unit: str | None
    summary: str | None
    by: str | None
    recorded: datetime
    origin: str | None
    late_days: int | None  # whole days between ``at`` and ``recorded`` when reported late
    person: str | None = None  # whom it names (a leader, an awardee, a reviewer…)
    life: str | None = None  # the commitment or rectification it is of (``R-ZP-3``)
    marks: Marks = ()  # its codes shown with it (a review's grade: ``("grade", "advanced")``)


_UNIT_CODES = "SELECT DISTINCT unit FROM cx_units"
_UNITS_BY_NAME = "SELECT DISTINCT unit FROM cx_units WHERE name = :name"
# a unit and the units registered under it (units keep their parent: the whole log's tree)
SUBTREE_SQL = """WITH RECURSIVE subtree(code) AS (
    SELECT :under UNION
    SELECT u.unit FROM cx_units u JOIN subtree ON u.parent = subtree.code
    WHERE u.registered = 1) SELECT code FROM subtree"""


class LogQuery:
    def __init__(self, app: CampaignApp) -> None:
        self.app = app

    def unit_code(self, typed: str) -> str | None:
        """The code of the unit the log registered as ``typed``, in any case (``zp`` →
        ``ZP``, as the dashboard takes it; the exact one first), or by a name it
        bore that no other unit did (综合普查队 → ``ZP``); None for none (a
        ``--unit`` filter's check: a mistyped code is not "no records"). A name
        that several units bore is refused, naming their codes."""
        if not typed.strip() or storable(typed) != typed:
            return None  # (bytes not in UTF-8 from a terminal: no unit's, not an error)
        rows = self.app.read_model.rows
        with self.app.snapshot() as c:
            # in any case and width, ＺＰ and äq too, as the registry takes a code (SQLite's
            # LOWER folds ASCII alone: `--unit äq` was unknown there, found on PostgreSQL)
            folded = folded_code(typed)
            codes = sorted(code for (code,) in rows(c, _UNIT_CODES) if folded_code(code) == folded)
            named = sorted(code for (code,) in rows(c, _UNITS_BY_NAME, name=typed.strip()))
        if typed in codes:
            return typed
        if codes:
            return codes[0]
        if len(named) > 1:
            raise Violation("unit_name_ambiguous", name=typed, codes=", ".join(named))
        return named[0] if named else None

    def filter_unit(self, typed: str) -> str:
        """The unit a filter names (:meth:`unit_code`); one the log never registered
        is refused, not shown as "no records"."""
        code = self.unit_code(typed)
        if code is None:
            raise Violation("unknown_unit", unit=typed)
        return code

    def sender_unit(self, typed: str) -> str:
        """The unit that sent a file in (``--unit`` of ``import`` and ``template``), as
        :meth:`filter_unit` takes it; one not registered is said as the sender."""
        try:
            return self.filter_unit(typed)
        except Violation as violation:
            if violation.code == "unknown_unit":
                raise Violation("unknown_sender", unit=typed) from None
            raise

    def entries(self, filters: LogFilter) -> list[LogEntry]:
        """The matching rows with who recorded them, where they came from and how late."""
        return self._page(filters)[0]

    def _page(
        self, filters: LogFilter, after: int = 0, limit: int | None = None
    ) -> tuple[list[LogEntry], int | None]:
        """The matching rows after a position (``limit`` of them), and the last
        position read (None: none left, as when fewer than ``limit`` matched: a
        filter by day is read to the end of the log, which is not read a second time
        to find nothing)."""
        where, params = filters.where()
        where += (" AND" if where else " WHERE") + " pos > :after"
        with self.app.snapshot() as c:
            info = self.app.campaign_info(c)
            if info is None:  # (the campaign is a log's first record: no rows before it)
                return [], None
            template = info.template
            if filters.late:
                where += f" AND {late_clause(True)}"
                params["late_after"] = template.late_after
            rows = self.app.read_model.rows(
                c,
                "SELECT pos, at, type, unit, summary, by_whom, recorded, origin,"
                f" {self.app.log_person}, entity, {self.app.log_marks}, delay FROM cx_log"
                + where
                + " ORDER BY pos"
                + ("" if limit is None else f" LIMIT {int(limit)}"),
                after=after,
                **params,
            )
        found = []
        for row in rows:
            pos, at, type_, unit, summary, by, recorded, origin, person, entity, marks, delay = row
            shown, summary = shown_marks(type_, summary, marks)
            found.append(
                LogEntry(
                    pos,
                    datetime.fromisoformat(at),
                    type_,
                    unit,
                    summary,
                    by,
                    datetime.fromisoformat(recorded),
                    origin,
                    template.days_late(int(delay)),
                    person,
                    life_code(entity),
                    shown,
                )
            )
        more = limit is not None and len(rows) == limit
        return found, (rows[-1][0] if more else None)

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

    def record(self, pos: int) -> tuple[LogEntry, dict[str, Any]] | None:
        """The record at a log position: its row (who, when recorded, where from, how
        late) and the record as the format writes it. None past the log's end."""
        entries = self.entries(LogFilter(pos=pos))
        if not entries:
            return None
        entry = entries[0]
        for _, event in self.app.notifications([pos]):
            return entry, public_record(event, entry.recorded)
        return None

    def pages(self, filters: LogFilter) -> Iterator[list[LogEntry]]:
        """The matching rows in log order, a page at a time (none empty; memory stays
        flat however long the log), up to ``filters.until_pos`` or else the log's head
        when the first page is read."""
        if filters.until_pos is None:
            with self.app.snapshot() as c:
                filters = replace(filters, until_pos=self.app.read_model.head(c))
        after: int | None = 0
        while after is not None:
            entries, after = self._page(filters, after, RECORDS_PAGE)
            if entries:
                yield entries

    def events(self, filters: LogFilter) -> Iterator[tuple[LogEntry, Any]]:
        """The matching rows with their domain events (:meth:`pages`)."""
        for entries in self.pages(filters):
            by_pos = {entry.pos: entry for entry in entries}
            for pos, event in self.app.notifications(list(by_pos)):
                yield by_pos[pos], event

    def records(self, filters: LogFilter) -> Iterator[dict[str, Any]]:
        """The matching records as interchange-format mappings, each with its
        ``id`` and ``recorded`` time (:meth:`events`: a page at a time)."""
        for entry, event in self.events(filters):
            yield public_record(event, entry.recorded)

"""The day the dashboard shows, and how it moves: by day, week, month or phase."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from cxzy.domain.moments import FIRST_DAY, LAST_DAY
from cxzy.domain.template import Template

STEPS = ("day", "week", "month", "phase")


def shown_moment(moment: datetime) -> str:
    """A moment of the store as the dashboard says it: to the minute, or to the
    second (and below) when it names one (``k 2010-06-10T03:59:59Z`` was shown as
    11:59, a minute earlier than the moment asked for)."""
    if moment.microsecond:
        return moment.isoformat(timespec="microseconds")
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _on_month_day(day: date, month_day: int) -> date:
    """The day of ``day``'s month that is ``month_day``, or its last if shorter."""
    return day.replace(day=min(month_day, calendar.monthrange(day.year, day.month)[1]))


def step(day: date, unit: str, direction: int, template: Template) -> date:
    """The day one step earlier (-1) or later (+1)."""
    if unit == "day":
        return day + timedelta(days=direction)
    if unit == "week":
        return day + timedelta(weeks=direction)
    if unit == "month":
        return add_months(day, direction)
    starts = sorted({p.start for p in template.phases} | {template.last_day})
    if direction > 0:
        return next((s for s in starts if s > day), day)
    return next((s for s in reversed(starts) if s < day), day)


@dataclass(frozen=True)
class ViewClock:
    """What the dashboard shows: a day, maybe a moment of the store, and how it moves."""

    today: date
    as_of: date
    known_at: datetime | None = None
    step: str = "week"
    playing: bool = False
    speed: int = 1  # steps per tick
    # the day of the month steps by month keep (31: a step from 31 January to 28
    # February and back came to 28 January); None, or one the day shown does not
    # agree with (a jump elsewhere since), is the day shown's
    month_day: int | None = None

    @property
    def view(self) -> tuple[date, datetime | None]:
        """The day and moment it shows (what a step changes; not how it moves)."""
        return self.as_of, self.known_at

    @property
    def live(self) -> bool:
        return self.as_of == self.today and self.known_at is None and not self.playing

    def moved(self, direction: int, template: Template) -> ViewClock:
        """A step earlier or later, within the days a view may show."""
        if self.step == "month":
            kept = self.month_day
            if kept is None or _on_month_day(self.as_of, kept) != self.as_of:
                kept = self.as_of.day
            day = _on_month_day(add_months(self.as_of.replace(day=1), direction), kept)
            return replace(self, as_of=min(max(day, FIRST_DAY), LAST_DAY), month_day=kept)
        day = step(self.as_of, self.step, direction, template)
        return replace(self, as_of=min(max(day, FIRST_DAY), LAST_DAY), month_day=None)

    def next_step(self) -> ViewClock:
        return replace(self, step=STEPS[(STEPS.index(self.step) + 1) % len(STEPS)])

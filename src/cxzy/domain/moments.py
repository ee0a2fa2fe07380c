"""Days and moments users type: a day to show, the moment of the store to show it
"as known at", and the days a record may name."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from cxzy.domain.errors import Violation

# The days a record, a ``--as-of`` or a dashboard may name. Python's dates end at
# 9999-12-31, and a deadline's day after or a moment's offset would run past it; a
# campaign's records lie far inside these bounds (decision 86).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)

# Names in the zone database that name no place but the machine reading the store
# (its own zone) or nothing: a campaign's days would change with the machine
MACHINE_ZONES = frozenset({"localtime", "posixrules", "Factory"})

# What a user types for a day or a moment: ISO 8601's extended form, as the help
# says, not every form Python reads (``20110301``, a week ``2026-W49`` or a day of
# the year ``2011-060``, which nobody means to type and few would read back)
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # (a record's dates too)
_DAY_FIRST = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?=$|[T ])")  # a moment's day
_MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    # an offset as `date +%FT%T%z` writes it too (+0800), or in hours (+08)
    r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?"
)


def missing_day(text: str, option: bool = False, **params: str) -> Violation | None:
    """Why ``text``, which begins as YYYY-MM-DD, names no day: no such month, or no
    such day in its month (2011-02-29: "not a date (YYYY-MM-DD)" read as if the form
    were wrong); None when it names one, or is not of that form. ``option``: said of
    a command's option (else of a record's field, named in ``params``)."""
    found = _DAY_FIRST.match(text)  # (2011-02-290 is not read as 2011-02-29)
    if found is None:
        return None
    year, month, day = (int(part) for part in found.group().split("-"))
    suffix = "_option" if option else ""
    if not 1 <= month <= 12:
        return Violation(f"no_such_month{suffix}", value=text, month=f"{month:02d}", **params)
    if year < 1:  # (no calendar of year 0: the form's other message)
        return None
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        shown = found.group()  # (the day: a moment's time of day is beside the point)
        return Violation(f"no_such_day{suffix}", value=shown, month=shown[:7], days=days, **params)
    return None


# a day as people write it: 2010/6/20, 2010.6.20, 2010-6-20, 2010年6月20日
_SPELLED_DAY = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?")


# the full-width forms of ASCII (U+FF01–U+FF5E) and the ideographic space, as a
# spreadsheet's code cell is read (cxzy.formats.cells, decision 94), and a day or a
# moment typed with an input method in its full-width mode (２０１１-０３-０１)
_HALFWIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}


def halfwidth(text: str) -> str:
    """``text`` with full-width ASCII forms and the ideographic space as ASCII."""
    return text.translate(_HALFWIDTH)


def spelled_as_day(text: str) -> str | None:
    """``2010/6/20``, ``2010.6.20``, ``2010-6-20``, ``2010年6月20日`` → ``2010-06-20``,
    whether or not a calendar has that day (``2010/6/31`` → ``2010-06-31``, which
    :func:`missing_day` says why no day is); None: not spelled as a day."""
    found = _SPELLED_DAY.fullmatch(text)
    if found is None:
        return None
    return f"{found[1]}-{int(found[2]):02d}-{int(found[3]):02d}"


def any_day(text: str) -> date:
    """The day ``text`` names, in ISO 8601 or spelled as people write it
    (:func:`spelled_as_day`); raises as :func:`typed_day` does (a day no calendar
    has, ``2011/2/30``, said as such)."""
    typed, text = text, halfwidth(text)
    spelled = spelled_as_day(text)
    try:
        return typed_day(spelled or text)
    except Violation as violation:
        if "value" not in violation.params or (spelled is None and text == typed):
            raise
        # (named as typed: "there is no day '2010/6/31'", not its rewritten form)
        raise violation.altered(value=typed) from None


def iso_moment(moment: datetime) -> str:
    """``moment`` in ISO 8601 as strict readers take it (RFC 3339): an offset in
    hours and minutes. A zone's old local mean time has seconds in its offset
    (Shanghai's +08:05:43 before 1901), written as the same moment in UTC."""
    offset = moment.utcoffset()
    if offset is not None and offset.seconds % 60:
        moment = moment.astimezone(UTC)
    return moment.isoformat()


def within_days(day: date) -> bool:
    """Whether a day lies within :data:`FIRST_DAY` … :data:`LAST_DAY`."""
    return FIRST_DAY <= day <= LAST_DAY


def campaign_zone(name: str) -> ZoneInfo:
    """The zone a campaign's days are in, by its name (``Asia/Shanghai``). Raises
    what :class:`ZoneInfo` raises for a name it does not know, and
    :class:`Violation` for one of :data:`MACHINE_ZONES`."""
    if name in MACHINE_ZONES:
        raise Violation("machine_timezone", timezone=name)
    return ZoneInfo(name)


def in_zone(moment: datetime, zone: tzinfo) -> datetime | None:
    """``moment`` as a time in ``zone`` (taken to be in it when it names no
    offset); None when its day, as written or in ``zone``, lies outside
    :data:`FIRST_DAY` … :data:`LAST_DAY` (checked first as written: the offset
    could run past Python's last day)."""
    if not within_days(moment.date()):
        return None
    local = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
    return local if within_days(local.date()) else None


def happened_by(day: date, today: date) -> None:
    """A record says what has happened: raises :class:`Violation` when its day is
    after ``today``, the day it reaches the store in the campaign's zone (a time
    later that same day is taken: clocks differ, and the day is what counts)."""
    if day > today:
        raise Violation("not_happened_yet", day=day.isoformat(), today=today.isoformat())


def typed_day(text: str) -> date:
    """The day ``text`` names (ISO 8601); raises :class:`Violation` when it names
    none, or one outside :data:`FIRST_DAY` … :data:`LAST_DAY`."""
    try:
        if not ISO_DAY.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise missing_day(text, option=True) or Violation("bad_date_option", value=text) from None
    if not within_days(day):
        raise Violation("day_out_of_range", value=text, first=FIRST_DAY, last=LAST_DAY)
    return day


def known_at(text: str, zone: tzinfo, now: datetime) -> datetime:
    """The moment ``text`` names (ISO 8601, a day or a time, in ``zone`` when it
    names no offset), as a time in ``zone``.

    Raises :class:`Violation` when it is not a moment, or when it is still to come
    at ``now``: the store can say what it had recorded by a moment up to now, and
    the figures of now given "as known at" a later one would claim to know it."""
    try:
        written = halfwidth(text).upper()  # (RFC 3339 lets "t" and "z" be written small)
        day, gap, rest = written.partition(" ")  # a day as `:` takes it: 2010/6/1 18:00
        if (spelled := spelled_as_day(day)) is not None:
            written = spelled + gap + rest
        if not _MOMENT.fullmatch(written):
            raise ValueError(text)
        moment = datetime.fromisoformat(written)
    except ValueError:
        missing = missing_day(text, option=True)
        raise missing or Violation("bad_moment_option", value=text) from None
    local = in_zone(moment, zone)
    if local is None:
        raise Violation("day_out_of_range", value=text, first=FIRST_DAY, last=LAST_DAY)
    if local > now:
        raise Violation("future_moment_option", value=text)
    return local

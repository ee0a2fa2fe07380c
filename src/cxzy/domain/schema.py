"""The interchange format of FORMAT.md: which fields each record type has, and
how a raw mapping (from JSON Lines, CSV or a spreadsheet) becomes a checked,
normalised :class:`~cxzy.domain.records.Record`."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from cxzy.domain import jsontext
from cxzy.domain.characters import code_points, unseen_in
from cxzy.domain.errors import Choices, Violation
from cxzy.domain.moments import (
    FIRST_DAY,
    ISO_DAY,
    LAST_DAY,
    happened_by,
    in_zone,
    missing_day,
    within_days,
)
from cxzy.domain.records import Record, Stamp
from cxzy.domain.template import REVIEW_KINDS, UNIT_KINDS

MAX_ID = 200  # an id's or a code's characters (a unit's, a person's: CODE_FIELDS, `by`)
# free text's (a title, a note, a unit's name): a pasted report of a few pages; a title of five
# million characters was taken, and `cxzy log` printed it for three minutes
MAX_TEXT = 20_000
MAX_WHOLE = 2**31 - 1  # a count: also what any SQL INTEGER column holds
RATING_KEYS = ("leadership", "members", "mechanism", "performance", "reputation")
ROLES = ("leader", "deputy", "member", "office_director", "office_deputy", "office_member")
GRADES = ("advanced", "middle", "lagging")
METHODS = ("report_meeting", "symposium", "supervision", "tour", "random_check")
VERDICTS = ("commend", "ok", "criticize")
ESCALATIONS = ("public_criticism", "accountability")
AWARD_TITLES = ("advanced_org", "excellent_member", "model")
AWARD_LEVELS = ("bureau", "province", "central")

#: Text fields that name something (a code, a template's key, a person): compared
#: exactly, so a space at either end would make another unit, or let a rectification's
#: owner verify it under "王五 ". Refused there; spreadsheets trim them (decision 30).
CODE_FIELDS = frozenset(
    {
        *("campaign", "template", "timezone", "unit", "parent", "commitment"),
        *("rectification", "activity", "review", "kind", "person", "reviewer"),
        *("verifier", "owner"),
    }
)

#: Fields every record may carry. ``recorded`` is written by ``cxzy log`` and
#: ignored on import (a store records its own time), once it is a moment.
COMMON_FIELDS = ("type", "at", "id", "by", "recorded")


@dataclass(frozen=True)
class Field:
    kind: str  # text, date, int, bool, enum, ratings, phases
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()


#: The campaign template a plan that names none follows (built in: the 2010 plan's)
DEFAULT_TEMPLATE = "cxzy-2010"


def _req(kind: str, choices: tuple[str, ...] = ()) -> Field:
    return Field(kind, required=True, choices=choices)


def _opt(kind: str, default: Any = None, choices: tuple[str, ...] = ()) -> Field:
    return Field(kind, default=default, choices=choices)


TEXT, DATE, INT, BOOL, ENUM, RATINGS, PHASES = (
    "text",
    "date",
    "int",
    "bool",
    "enum",
    "ratings",
    "phases",
)

#: The record types and their own fields, as in FORMAT.md.
TYPES: dict[str, dict[str, Field]] = {
    "CampaignPlanned": {
        "campaign": _req(TEXT),
        "title": _req(TEXT),
        "template": _opt(TEXT, DEFAULT_TEMPLATE),
        "timezone": _opt(TEXT, "Asia/Shanghai"),
        "phases": _opt(PHASES),
    },
    "UnitRegistered": {
        "unit": _req(TEXT),
        "name": _req(TEXT),
        "kind": _req(ENUM, UNIT_KINDS),
        "parent": _opt(TEXT),
        "members": _opt(INT),
    },
    "UnitUpdated": {"unit": _req(TEXT), "name": _opt(TEXT), "members": _opt(INT)},
    "LeaderAssigned": {"person": _req(TEXT), "role": _req(ENUM, ROLES)},
    "ContactPointAssigned": {"person": _req(TEXT), "unit": _req(TEXT)},
    "ContactVisitMade": {"person": _req(TEXT), "unit": _req(TEXT), "note": _opt(TEXT)},
    "CommitmentMade": {
        "commitment": _req(TEXT),
        "unit": _req(TEXT),
        "text": _req(TEXT),
        "due": _req(DATE),
        "public": _opt(BOOL, True),
        "person": _opt(TEXT),
    },
    "CommitmentProgressed": {"commitment": _req(TEXT), "note": _req(TEXT)},
    "CommitmentDueChanged": {"commitment": _req(TEXT), "due": _req(DATE), "reason": _req(TEXT)},
    "CommitmentFulfilled": {"commitment": _req(TEXT), "note": _opt(TEXT)},
    "ActivityHeld": {
        "unit": _req(TEXT),
        "kind": _req(TEXT),
        "title": _req(TEXT),
        "participants": _opt(INT),
        "activity": _opt(TEXT),
    },
    "ReviewRecorded": {
        "unit": _req(TEXT),
        "kind": _req(ENUM, REVIEW_KINDS),
        "review": _opt(TEXT),
        "reviewer": _opt(TEXT),
        "grade": _opt(ENUM, choices=GRADES),
        "ratings": _opt(RATINGS),
        "method": _opt(ENUM, choices=METHODS),
        "verdict": _opt(ENUM, choices=VERDICTS),
        "note": _opt(TEXT),
    },
    "RectificationOpened": {
        "rectification": _req(TEXT),
        "unit": _req(TEXT),
        "issue": _req(TEXT),
        "deadline": _req(DATE),
        "source": _opt(TEXT),
        "owner": _opt(TEXT),
        "supervised": _opt(BOOL, False),
    },
    "RectificationProgressed": {"rectification": _req(TEXT), "note": _req(TEXT)},
    "RectificationDeadlineExtended": {
        "rectification": _req(TEXT),
        "deadline": _req(DATE),
        "reason": _req(TEXT),
    },
    "RectificationCompleted": {"rectification": _req(TEXT), "note": _opt(TEXT)},
    "RectificationVerified": {
        "rectification": _req(TEXT),
        "accepted": _req(BOOL),
        "verifier": _opt(TEXT),
        "note": _opt(TEXT),
    },
    "RectificationEscalated": {
        "rectification": _req(TEXT),
        "action": _req(ENUM, ESCALATIONS),
        "note": _opt(TEXT),
    },
    "CommendationAwarded": {
        "unit": _req(TEXT),
        "title": _req(ENUM, AWARD_TITLES),
        "level": _req(ENUM, AWARD_LEVELS),
        "person": _opt(TEXT),
    },
}


class RecordError(Exception):
    """One record's problems, each a :class:`Violation`."""

    def __init__(self, where: str, problems: list[Violation]) -> None:
        super().__init__(where)
        self.where = where
        self.problems = problems


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def parse_date(value: Any, name: str) -> date:
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            missing = missing_day(value, field=name)
            raise missing or Violation("bad_date", field=name, value=_show(value)) from None
    else:
        _unquoted_date(value, name)
        raise Violation("bad_date", field=name, value=_show(value))
    return _within_days(day, value, name)


def _unquoted_date(value: Any, name: str) -> None:
    """A date written as a JSON number (``"at": 20100601``) is said to be one: it was
    "not an ISO 8601 date", and the same digits in quotes are one."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits, day = str(value), "2010-06-01"  # (an example, unless it spells one)
        if isinstance(value, int) and len(digits) == 8:
            with contextlib.suppress(ValueError):
                day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()
        raise Violation("date_is_number", field=name, value=_show(value), day=day)


def _within_days(day: date, value: Any, name: str) -> date:
    if not within_days(day):
        raise _out_of_range(value, name)
    return day


def _out_of_range(value: Any, name: str) -> Violation:
    return Violation(
        "date_out_of_range", field=name, value=_show(value), first=FIRST_DAY, last=LAST_DAY
    )


def parse_at(value: Any, zone: tzinfo, name: str = "at") -> datetime:
    """``at``: a datetime with offset, a local datetime, or a local date."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            if len(text) == 10:
                moment = datetime.combine(parse_date(text, name), time())
            else:  # (RFC 3339 lets "t" and "z" be written small, as --known-at takes them)
                moment = datetime.fromisoformat(text.upper())
        except ValueError:
            missing = missing_day(text, field=name)
            raise missing or Violation("bad_datetime", field=name, value=_show(value)) from None
    else:
        _unquoted_date(value, name)
        raise Violation("bad_datetime", field=name, value=_show(value))
    local = in_zone(moment, zone)  # the campaign's day is what is stored
    if local is None:
        raise _out_of_range(value, name)
    # Its wall time in the zone, with the offset it has there as its own: two times
    # of one zone are compared (and hashed) by their wall time alone, so the repeated
    # hour when clocks go back (01:30 at -04:00, then at -05:00) was one moment, and
    # the later of two records could read as the earlier
    return local.replace(tzinfo=timezone(local.utcoffset() or timedelta()))


def _text(value: Any, name: str, most: int = MAX_TEXT) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):  # ("id": 1234: it
        raise Violation("unquoted_text", field=name, value=_show(value))  # is not empty)
    if not isinstance(value, str) or not value.strip():
        raise Violation("bad_text", field=name)
    if "\x00" in value:  # (PostgreSQL's text cannot hold it: the store could not be copied)
        raise Violation("nul_in_text", field=name)
    if len(value) > most:
        raise Violation("too_long", field=name, max=f"{most:,}", length=f"{len(value):,}")
    return value


#: A line break in free text as Windows writes it ("\r\n": a quoted CSV cell, a
#: script's JSON) or an old Mac (a lone "\r"): one line break, "\n", as a workbook's
#: cell holds it, so that a row's copies from both are one record (decision 305)
_LINE_END = re.compile(r"\r\n?")


def _free_text(value: Any, name: str) -> str:
    """Free text (a title, a note), its line breaks all ``\\n``."""
    if isinstance(value, str) and "\r" in value:
        value = _LINE_END.sub("\n", value)
    return _text(value, name)


def _code(value: Any, name: str) -> str:
    """A text naming something: taken as written, so it must begin and end with what
    it names (a code from a spreadsheet is trimmed before it comes here)."""
    text = _text(value, name, MAX_ID)
    if text != text.strip():
        raise Violation("spaced_code", field=name, value=json.dumps(text, ensure_ascii=False))
    _seen_whole(text, name)
    return text


#: Free text that heads a row, and must be one line: a unit's name.
ONE_LINE_FIELDS = frozenset({"name"})


def _seen_whole(text: str, name: str) -> None:
    """A code, an id, a person or a unit's name holds only what can be seen and
    typed (:mod:`cxzy.domain.characters`)."""
    found = unseen_in(text)
    if found:
        raise Violation("unseen_in_code", field=name, value=_show(text), chars=code_points(found))


# a whole number or a truth value as JSON writes it (a spreadsheet's cell of digits is
# read as a number before: one that reaches here is too long to be one)
_BARE_WHOLE = re.compile(r"\s*([0-9]{1,18})\s*")
_BARE_TRUTH = re.compile(r"\s*(true|false)\s*")


def _quoted(value: Any, name: str, bare: re.Pattern[str]) -> None:
    """A number or true/false written in quotes (``"participants": "5"``) is text:
    said so, not "'5' is not a whole number" (it looks like one)."""
    if isinstance(value, str) and (found := bare.fullmatch(value)):
        shown = json.dumps(value, ensure_ascii=False)
        raise Violation("quoted_value", field=name, value=shown, bare=found[1])


def _int(value: Any, name: str) -> int:
    _quoted(value, name, _BARE_WHOLE)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Violation("bad_int", field=name, value=_show(value), min=0)
    if value > MAX_WHOLE:
        raise Violation("too_large", field=name, value=_show(value), max=MAX_WHOLE)
    return value


def _bool(value: Any, name: str) -> bool:
    _quoted(value, name, _BARE_TRUTH)
    if not isinstance(value, bool):
        raise Violation("bad_bool", field=name, value=_show(value))
    return value


def _ratings(value: Any, name: str) -> dict[str, int] | None:
    """The ratings given; none (``{}``) is the field left out, so that a review
    from a script that writes ``"ratings": {}`` and the same review from a sheet
    without ratings columns are one record (decision 216)."""
    if not isinstance(value, Mapping):
        raise Violation("bad_object", field=name)
    ratings: dict[str, int] = {}
    for key, rating in value.items():
        if key not in RATING_KEYS:
            raise Violation(
                "unknown_field",
                field=f"{name}.{key}",
                type="ratings",
                allowed=", ".join(RATING_KEYS),
            )
        _quoted(rating, f"{name}.{key}", _BARE_WHOLE)
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise Violation("bad_rating", field=f"{name}.{key}", value=_show(rating))
        ratings[key] = rating
    return {k: ratings[k] for k in RATING_KEYS if k in ratings} or None


def _phases(value: Any, name: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise Violation("bad_list", field=name)
    phases = []
    # each phase named as a sheet's columns name it, from 1 (phases.1.end): a sheet
    # was told of a "phases[0].end" it had no column for
    for index, raw in enumerate(value, start=1):
        where = f"{name}.{index}"
        if not isinstance(raw, Mapping):
            raise Violation("bad_list", field=name)
        extra = set(raw) - {"key", "start", "end"}
        if extra:
            raise Violation(
                "unknown_field",
                field=f"{where}.{sorted(extra)[0]}",
                type="phases",
                allowed="key, start, end",
            )
        for part in ("key", "start", "end"):
            if part not in raw:
                raise Violation("missing_field", field=f"{where}.{part}")
        start = parse_date(raw["start"], f"{where}.start")
        end = parse_date(raw["end"], f"{where}.end")
        if end < start:
            raise Violation("bad_window", phase=raw["key"], start=start, end=end)
        key = _code(raw["key"], f"{where}.key")
        if any(phase["key"] == key for phase in phases):  # which window would hold?
            raise Violation("phase_twice", field=f"{where}.key", phase=key)
        phases.append({"key": key, "start": start, "end": end})
    return phases


_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    TEXT: _text,
    DATE: parse_date,
    INT: _int,
    BOOL: _bool,
    RATINGS: _ratings,
    PHASES: _phases,
}


def _value(spec: Field, value: Any, name: str, type_: str = "") -> Any:
    if spec.kind == ENUM:
        if value not in spec.choices:
            allowed = Choices(type_, name, spec.choices)
            raise Violation("bad_enum", field=name, value=_show(value), allowed=allowed)
        return value
    if spec.kind == TEXT and name in CODE_FIELDS:
        return _code(value, name)
    if spec.kind == TEXT and name in ONE_LINE_FIELDS:
        text = _text(value, name)
        _seen_whole(text, name)
        return text
    if spec.kind == TEXT:
        return _free_text(value, name)
    return _PARSERS[spec.kind](value, name)


#: Per record type, the names a record of it may carry.
_ALLOWED = {type_: frozenset((*COMMON_FIELDS, *specs)) for type_, specs in TYPES.items()}


def canonical(value: Any) -> Any:
    """JSON-ready form of a field value (dates as ISO strings)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def digest_of(type_: str, at: datetime, fields: Mapping[str, Any]) -> str:
    """SHA-256 of a record's content: type, instant and own fields (not id, by)."""
    content = {
        "type": type_,
        "at": at.astimezone(UTC).isoformat(),
        "fields": {k: v for k, v in fields.items() if v is not None},
    }
    return hashlib.sha256(jsontext.compact(content, sort_keys=True, default=_iso)).hexdigest()


def _iso(value: Any) -> str:
    """Dates and moments in a digest: ISO text, as :func:`canonical` gives them."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def parse_record(
    raw: Any,
    where: str,
    zone_for: Callable[[str, Mapping[str, Any]], tzinfo],
    origin: str | None = None,
    default_by: str | None = None,
    now: datetime | None = None,
) -> Record:
    """Check one raw record; raise :class:`RecordError` naming every problem.

    ``zone_for(type, raw)`` gives the time zone in which ``at`` without an
    offset is read (the campaign's; a ``CampaignPlanned`` names its own).
    ``default_by`` is who recorded it when the record does not say (``by`` is
    not content: it does not change the digest). ``now``: the moment it reaches
    the store; a record that happened on a later day is refused (decision 148).
    """
    if not isinstance(raw, Mapping):
        raise RecordError(where, [Violation("not_object")])
    problems: list[Violation] = []
    type_ = raw.get("type")
    if type_ is None:
        raise RecordError(where, [Violation("missing_field", field="type")])
    if not isinstance(type_, str) or type_ not in TYPES:
        raise RecordError(
            where, [Violation("unknown_type", type=_show(type_), types=", ".join(TYPES))]
        )
    specs = TYPES[type_]
    if not _ALLOWED[type_].issuperset(raw):
        allowed = (*COMMON_FIELDS, *specs)
        for name in raw:
            if name not in allowed:
                problems.append(
                    Violation(  # (cut: a key of 300,000 characters was one line of message)
                        "unknown_field", field=_show(name), type=type_, allowed=", ".join(allowed)
                    )
                )
    at: datetime | None = None
    if raw.get("at") is None:
        problems.append(Violation("missing_field", field="at"))
    else:
        try:
            zone = zone_for(type_, raw)
            at = parse_at(raw["at"], zone)
            if now is not None:
                happened_by(at.date(), now.astimezone(zone).date())
        except Violation as problem:
            problems.append(problem)
    record_id = raw.get("id")
    if record_id is not None:
        try:
            _code(record_id, "id")
        except Violation as problem:
            problems.append(problem)
    if raw.get("recorded") is not None:  # ignored (a store records its own time), but
        try:  # a value that is no moment is a slip like any other
            parse_at(raw["recorded"], zone_for(type_, raw), "recorded")
        except Violation as problem:
            problems.append(problem)
    by = raw.get("by")
    if by is not None:
        try:
            _code(by, "by")
        except Violation as problem:
            problems.append(problem)
    fields: dict[str, Any] = {}
    for name, spec in specs.items():
        value = raw.get(name)
        if value is None:
            if spec.required:
                problems.append(Violation("missing_field", field=name))
            fields[name] = spec.default
            continue
        try:
            fields[name] = _value(spec, value, name, type_)
        except Violation as problem:
            problems.append(problem)
    inspection = type_ == "ReviewRecorded" and fields.get("kind") == "inspection"
    if inspection and "method" not in raw:
        problems.append(Violation("method_required"))
    if problems or at is None:
        raise RecordError(where, problems)
    digest = digest_of(type_, at, fields)
    stamp = Stamp(
        record_id=record_id or f"auto-{digest[:24]}",
        at=at,
        day=at.date(),  # ``at`` is already in the campaign's zone
        by=by or default_by or None,
        origin=origin,
    )
    return Record(
        type=type_,
        stamp=stamp,
        fields=fields,
        digest=digest,
        where=where,
        formers=_formers(type_, at, raw, fields, record_id, digest),
        id_given=bool(record_id),
    )


def _formers(
    type_: str,
    at: datetime,
    raw: Mapping[str, Any],
    fields: Mapping[str, Any],
    record_id: str | None,
    digest: str,
) -> tuple[tuple[str, str], ...]:
    """The ids and digests the same record may have in a store an earlier version
    wrote: an empty ``ratings`` kept as ``{}`` (before decision 216), and free text's
    line breaks kept as written (before decision 305), or as Windows writes them
    (the CSV copy of a row that now comes from a workbook). Each apart and both."""
    broken = [
        name
        for name, spec in TYPES[type_].items()
        if spec.kind == TEXT and isinstance(fields.get(name), str) and "\n" in fields[name]
    ]
    lines: list[dict[str, Any]] = [{}]  # (as read now)
    if broken:
        lines.append({name: raw[name] for name in broken})
        lines.append({name: fields[name].replace("\n", "\r\n") for name in broken})
    ratings: list[dict[str, Any]] = [{}]
    if isinstance(raw.get("ratings"), Mapping) and not raw["ratings"]:
        ratings.append({"ratings": {}})
    formers: dict[str, str] = {}  # digest → id
    for line in lines:
        for rating in ratings:
            if line or rating:
                old = digest_of(type_, at, {**fields, **line, **rating})
                formers.setdefault(old, record_id or f"auto-{old[:24]}")
    formers.pop(digest, None)  # (text written with "\n" already: as read now)
    return tuple((rid, old) for old, rid in formers.items())


def record_of(event: Any) -> tuple[str, Stamp, dict[str, Any]]:
    """The record type, stamp and fields of a stored domain event."""
    type_ = type(event).TOPIC.partition(":")[2]
    return type_, event.stamp, {name: getattr(event, name, None) for name in TYPES[type_]}


def public_record(event: Any, recorded: datetime | None = None) -> dict[str, Any]:
    """A stored event in the interchange format (what ``cxzy log --format jsonl`` writes)."""
    type_, stamp, fields = record_of(event)
    out: dict[str, Any] = {"type": type_, "at": stamp.at.isoformat(), "id": stamp.record_id}
    out.update({k: canonical(v) for k, v in fields.items() if v is not None})
    if stamp.by:
        out["by"] = stamp.by
    if recorded is not None:
        out["recorded"] = recorded.isoformat()
    return out

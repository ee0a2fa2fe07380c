"""Spreadsheet rows → interchange-format mappings (CSV and XLSX alike).

A table of records has a header row of field names (``type`` and ``at``
first; ``ratings.leadership`` style for nested fields, ``phases.1.start`` for
the items of a list) and one record per row; an empty cell means the field is
absent. Cells arrive as text (CSV) or typed (XLSX: numbers, booleans, dates).
:func:`coerce_row` turns one row into the mapping the JSON format would have
had — the one place that knows Excel's habits — and leaves every judgement
to :func:`cxzy.domain.schema.parse_record`: a value it cannot convert is
passed on unchanged, so the schema reports it with its own message.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from cxzy.domain.errors import Listed, Violation
from cxzy.domain.moments import missing_day, spelled_as_day
from cxzy.domain.registry import activity_kind_key, folded_code, halfwidth
from cxzy.domain.schema import (
    BOOL,
    CODE_FIELDS,
    COMMON_FIELDS,
    DATE,
    ENUM,
    INT,
    PHASES,
    RATING_KEYS,
    RATINGS,
    TEXT,
    TYPES,
)
from cxzy.i18n import FALSE_WORDS, TRUE_WORDS, code_named, field_named, type_named
from cxzy.literal import clipped

#: What a reader yields: where the record is, and the mapping or why it is not one.
Item = tuple[str, Mapping[str, Any] | Violation]

# a verification's outcome, as the log and the dashboard say it, or as a unit puts it
VERDICT_WORDS = {"通过": True, "accepted": True, "合格": True}
VERDICT_WORDS |= {"不通过": False, "rejected": False, "不合格": False}
#: What Excel shows, and saves, in a cell whose formula failed: a value of no field
#: (#N/A was stored as a title, and one in a row's first cell made it a note)
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
    | {"#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)
NOTE_MARKS = ("#", "\uff03")  # a note's first character: # or ＃ (a Chinese input method's)
_MOMENT_FIELDS = ("at", "recorded")
_TEXT_FIELDS = ("type", "id", "by")
# fields whose values are codes of a fixed vocabulary or a unit's code: typed with a
# Chinese input method they come full-width (ＪＵ, １４５, ２０１０－０５－１６) and are
# read as their ASCII forms (decision 94); names, ids and free text are kept as typed
_FOLDED_CODES = frozenset({"campaign", "template", "timezone", "unit", "parent", "kind"})

_TIME_TEXT = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]{1,6})?)?")
# a time of day's half as Chinese Excel (上午 9:30) or English writes it (9:30 PM)
_HALF_DAY = re.compile(r"^(?:上午|早上|中午|下午|晚上)\s*|\s*(?:上午|下午)$|\s*[AP]\.?M\.?$", re.I)
_AFTERNOON = {"下午", "晚上", "PM", "中午"}
_CHINESE_CLOCK = re.compile(
    r"([0-9]{1,2})\s*[时点]\s*(?:([0-9]{1,2})\s*分\s*(?:([0-9]{1,2})\s*秒)?)?"
)
_DAY_THEN_CLOCK = re.compile(r"日(?=\s*[0-9上下中晚早])")
# 年, 月 and 日 with spaces around them (2012 年 11 月 11 日), and 号 for 日 after a number
_SPACED_DAY = re.compile(r"\s*([年月日])\s*|(?<=[0-9])\s*(号)")
_WEEKDAYS = {name: number for number, name in enumerate("一二三四五六日")} | {"天": 6}
_WEEKDAY = re.compile(r"[(（]?\s*(?:星期|礼拜|周)([一二三四五六日天])\s*[)）]?")
_OFFSET_TEXT = re.compile(r"Z|[+-]\d{2}:?\d{2}")
MAX_INT_DIGITS = 4000  # Python reads at most 4,300 digits as a number
_INT_TEXT = re.compile(r"[+-]?\d+(?:\.0*)?|[+-]?\d{1,3}(?:,\d{3})+", re.ASCII)
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_EPOCH_1904 = datetime(1904, 1, 1)


@dataclass(frozen=True)
class Unsaved:
    """A cell a formula fills whose result the file never saved."""

    formula: str


def column_letter(index: int) -> str:
    """Column ``index`` (0-based) as a spreadsheet names it: A, B, …, Z, AA, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- one value ---------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    """A naive datetime from a spreadsheet: a date when it is midnight."""
    if moment.time() == time() and moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.isoformat(timespec="seconds" if not moment.microsecond else "microseconds")


def _serial(value: float, date1904: bool) -> datetime | None:
    """An Excel serial day number (a date cell without its date format)."""
    if isinstance(value, bool) or not 1 <= value < 2958466:
        return None
    epoch = _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH
    return epoch + timedelta(milliseconds=round(value * 86_400_000))


def _clock(text: str) -> tuple[int, int, int, str] | None:
    """Hour, minute, second and fraction of a time of day as Chinese Excel and
    people write it: ``9:30``, ``09:30:15``, ``下午 3:30``, ``3:30 PM``, ``9时30分``,
    ``9点``."""
    half = _HALF_DAY.search(text)
    if half is not None:
        text = (text[: half.start()] + text[half.end() :]).strip()
    chinese = _CHINESE_CLOCK.fullmatch(text)
    if chinese is not None:
        text = f"{chinese[1]}:{chinese[2] or '00'}:{chinese[3] or '00'}"
    found = _TIME_TEXT.fullmatch(text)
    if found is None:
        return None
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    if half is not None:
        marker = half.group().strip().upper().replace(".", "")
        if hour > 12 or hour == 0:
            return None  # "下午 15:30", "0:30 AM": not a 12-hour time
        if marker in _AFTERNOON and hour < 12:
            hour += 12
        elif marker not in _AFTERNOON and hour == 12 and marker != "中午":
            hour = 0  # 12:30 AM, 上午 12:30
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second, found[4] or ""


def _moment_text(text: str) -> str:
    """Date and time text as Excel writes it (``2010/6/20 9:30``) or people type it
    (``2012 年 11 月 11 号 星期日``) → ISO 8601.

    Anything else is returned unchanged (ISO text already is; the rest is the
    schema's to refuse). A day of the week that is not the day's: refused."""
    original = text
    text = _SPACED_DAY.sub(lambda found: found[1] or "日", text)
    weekday = _WEEKDAY.search(text)  # 2012年11月11日 星期日, 2012-11-11(周日)
    if weekday is not None:
        text = (text[: weekday.start()] + " " + text[weekday.end() :]).strip()
    text = _DAY_THEN_CLOCK.sub("日 ", text)  # 2010年6月1日9:30
    parts = text.replace("T", " ", 1).split(None, 1)
    day = spelled_as_day(parts[0]) if parts else None
    if day is None:
        return original
    missing = missing_day(day)  # (2010/6/31 was "not a date", as if its form were wrong)
    if missing is not None:  # (named as typed: the cell holds no 2010-06-31)
        raise missing.altered(value=parts[0])
    try:
        named = date.fromisoformat(day)
    except ValueError:  # (year 0: the schema's to refuse)
        return original
    if weekday is not None:
        number = named.weekday()
        if _WEEKDAYS[weekday[1]] != number:
            said = Violation(f"weekday.{number}")  # (its words, in each language)
            raise Violation("weekday_mismatch", value=original, day=day, weekday=said)
    if len(parts) == 1:
        return day
    rest = parts[1].strip()
    offset = _OFFSET_TEXT.search(rest)
    clock = rest[: offset.start()].strip() if offset else rest
    found = _clock(clock)
    if found is None or (offset is not None and offset.end() != len(rest)):
        return original
    hour, minute, second, fraction = found
    moment = f"{day}T{hour:02d}:{minute:02d}:{second:02d}{fraction}"
    if offset is not None:
        zone = offset.group()
        if zone != "Z" and ":" not in zone:
            zone = f"{zone[:3]}:{zone[3:]}"
        moment += zone
    return moment


def _as_text(value: Any) -> Any:
    """A text field: numbers typed into a text cell become their digits."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def _digits_lost(value: Any) -> bool:
    """A whole number of more than 15 digits in a number cell: a spreadsheet keeps 15,
    so the rest are not what was typed (an ID-card number, 110101199003077777, came
    in as 110101199003077792)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    # (a 16-digit card number is stored without an exponent: read as an int)
    return float(value).is_integer() and abs(value) >= 10**15


def _became_date(path: Sequence[str], value: Any) -> bool:
    """A date or a time in an id's, a code's or ``by``'s cell: what a spreadsheet
    makes of an id typed as 3-1 or 1/2 (the 1st of March, the 2nd of January of the
    year it was typed) or 9:30, stored as a day no one typed. A code is text in every
    record type."""
    return (
        len(path) == 1
        and (path[0] in ("id", "by") or path[0] in CODE_FIELDS)
        and isinstance(value, date | time)
    )


def _as_moment(value: Any, date1904: bool) -> Any:
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = _serial(value, date1904)
        return _iso(moment) if moment is not None else value
    if isinstance(value, str):
        return _moment_text(value.strip())
    return value


def _as_date(value: Any, date1904: bool) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = _serial(value, date1904)
        if moment is None:
            return value
        value = moment
    if isinstance(value, datetime):
        return _iso(value)  # a time of day other than midnight stays, and is refused
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = _moment_text(value.strip())
        if text.endswith("T00:00:00"):
            return text[:10]
        return text
    return value


def _as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if _INT_TEXT.fullmatch(text):
            digits = text.replace(",", "").split(".")[0]  # (a decimal part is all zeros)
            # past Python's limit for reading a number, it goes to the schema as text
            return int(digits) if len(digits) <= MAX_INT_DIGITS else text
        return text
    return value


def _as_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return value.strip()
    return value


def _as_json(value: Any) -> Any:
    """An object or list typed into one cell as JSON text (``{"leadership": 5}``)."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _plain(value: Any) -> Any:
    """Whatever the schema may show in a message: JSON types only."""
    if value is None or isinstance(value, str | bool | int | float | list | dict):
        return value
    return _as_text(value) if isinstance(value, date | time) else str(value)


def record_type(name: str) -> str | None:
    """The record type a sheet's or a CSV file's name gives, if any: its case,
    surrounding spaces and full-width forms aside (``activityheld ``). A copy's name
    (``ActivityHeld (2)``, ``ActivityHeld - 副本``) gives none: a unit keeps its
    drafts so, and they must not go in beside the sheet they copy."""
    wanted = halfwidth(name).strip().casefold()
    return next((type_ for type_ in TYPES if type_.casefold() == wanted), None)


#: What many systems' CSV exports (and cxzy's own ledger) put before a value to keep
#: it text, as Excel's own prefix, which a CSV file cannot hold: '007, '2010-06-15
TEXT_MARK = "'"
# what a text's mark keeps from running as a formula (ledger_xlsx.FORMULA_STARTS)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def unmarked(value: Any, free_text: bool = False) -> Any:
    """A CSV cell's value without the apostrophe put before it to keep it text; free
    text keeps one unless a formula's first character follows it (a title may begin
    with a quote: '三严三实'学习)."""
    if not isinstance(value, str) or not value.lstrip().startswith(TEXT_MARK):
        return value
    rest = value.lstrip()[1:]
    if free_text and not rest.startswith(_FORMULA_STARTS):
        return value
    return rest


# a copy's name as Excel, WPS, Windows and browsers make it: "ActivityHeld (2)",
# "ActivityHeld - 副本", "CommitmentFulfilled (1)" (a second download)
_COPY = re.compile(r"(?P<name>.+?)\s*(\(\d+\)|[-–—]?\s*(副本|copy)(\s*\(?\d+\)?)?)", re.I)


def almost_a_type(name: str) -> tuple[str, str] | None:
    """How a sheet's or a CSV file's name that gives no record type (:func:`record_type`)
    names one all the same: ``("copy", type)`` for a copy's name of a type's, ``("words",
    type)`` for a type's words (开展活动); None for any other."""
    copied = _COPY.fullmatch(name.strip())
    if copied is not None and (copy_of := record_type(copied["name"])) is not None:
        return "copy", copy_of
    named = type_named(name)
    return None if named is None else ("words", named)


def coerce_value(
    type_: str | None,
    path: Sequence[str],
    value: Any,
    date1904: bool = False,
    marked: bool = False,
) -> Any:
    """The JSON value of one cell, for the field at ``path`` of a ``type_`` record.
    ``marked``: a leading apostrophe marks the value as text (a CSV file's), and is
    no part of it (:func:`unmarked`)."""
    name = path[0]
    spec = TYPES.get(type_ or "", {}).get(name)
    if marked and (spec is not None or name in _MOMENT_FIELDS or name in _TEXT_FIELDS):
        free = spec is not None and spec.kind == TEXT and name not in CODE_FIELDS
        value = unmarked(value, free_text=free)
    if isinstance(value, str) and (
        name in _MOMENT_FIELDS
        or name == "type"
        or name in _FOLDED_CODES
        or (spec is not None and spec.kind != TEXT)
    ):
        value = halfwidth(value)
    if name in _MOMENT_FIELDS and len(path) == 1:
        return _plain(_as_moment(value, date1904))
    if name in _TEXT_FIELDS and len(path) == 1:
        return _plain(_as_text(_trimmed(value)))
    if spec is None:
        return _plain(value)
    kind = spec.kind
    if kind == RATINGS:
        return _plain(_as_int(value) if len(path) > 1 else _as_json(value))
    if kind == PHASES:
        if len(path) == 1:
            return _plain(_as_json(value))
        if path[-1] in ("start", "end"):
            return _plain(_as_date(value, date1904))
        return _plain(_trimmed(_as_text(value)))  # a phase's key
    if kind == DATE:
        return _plain(_as_date(value, date1904))
    if kind == INT:
        return _plain(_as_int(value))
    if kind == BOOL:
        if name == "accepted" and isinstance(value, str):  # (as the log says it: 通过)
            said = VERDICT_WORDS.get(value.strip().lower())
            if said is not None:
                return said
        return _plain(_as_bool(value))
    if kind == TEXT and name not in CODE_FIELDS:  # (codes are trimmed: decision 30)
        return _plain(_as_text(value))  # free text, kept as written
    if kind == ENUM and isinstance(value, str) and value.strip() not in spec.choices:
        # typed in words, as the template's notes and the interface show them (先进)
        return code_named(type_ or "", name, value.strip()) or _plain(_trimmed(value))
    return _plain(_trimmed(_as_text(value)))


def activity_kinds_named(items: Iterable[Item], words: Mapping[str, str]) -> Iterator[Item]:
    """The records with an ``ActivityHeld`` kind typed in its words (the campaign
    template's item name, 组织学习 or Study: ``words`` maps :func:`activity_kind_key`
    of each to its code) given as the code. Other values are left as they are, for
    the import to refuse with the kinds there are."""
    for where, raw in items:
        if isinstance(raw, Mapping) and raw.get("type") == "ActivityHeld":
            kind = raw.get("kind")
            code = words.get(activity_kind_key(kind)) if isinstance(kind, str) else None
            if code is not None and code != kind:
                raw = {**raw, "kind": code}
        yield where, raw


#: The fields of a record that name a unit by its code.
UNIT_FIELDS = ("unit", "parent")


def unit_codes_named(items: Iterable[Item], codes: Mapping[str, str]) -> Iterator[Item]:
    """The records with a unit typed in another case than it was registered in
    (``zp`` for ``ZP``: ``codes`` maps :func:`folded_code` of each registered code to
    it) given as registered: no two units' codes differ only so (decision 124).
    Other values are left as they are, for the import to check."""
    for where, raw in items:
        if isinstance(raw, Mapping):
            # (a unit registered is its own code: one alike is refused as such)
            fields = ("parent",) if raw.get("type") == "UnitRegistered" else UNIT_FIELDS
            named = {
                field: codes[folded_code(value)]
                for field in fields
                if isinstance(value := raw.get(field), str) and folded_code(value) in codes
            }
            if any(raw[field] != code for field, code in named.items()):
                raw = {**raw, **named}
        yield where, raw


def _trimmed(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


# -- one row -------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    """A cell left empty: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _place(record: dict[str, Any], path: list[str], value: Any, column: str) -> None:
    """Put a value at a dotted path; numeric parts index lists (1-based)."""
    node: Any = record
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        key: Any = part
        if part.isdigit() and depth > 0:
            key = int(part)
            if key < 1:
                raise Violation("bad_column", column=column)
        if not isinstance(node, dict):
            raise Violation("column_conflict", column=column)
        if last:
            if key in node:
                raise Violation("column_conflict", column=column)
            node[key] = value
        else:
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                raise Violation("column_conflict", column=column)
            node = child


def _lists(node: Any) -> Any:
    """Mappings keyed by list positions (from ``phases.1.key`` headers) → lists."""
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        return [_lists(node[k]) for k in sorted(node)]
    return {k: _lists(v) for k, v in node.items()}


def coerce_row(
    cells: Mapping[str, Any],
    sheet_type: str | None = None,
    date1904: bool = False,
    marked: bool = False,
) -> dict[str, Any]:
    """One row (header → cell value, empty cells left out) as a JSON-format record.

    ``sheet_type`` is the record type of a sheet named after it: rows there may
    leave out the ``type`` column. Raises :class:`Violation` for a row that cannot
    be laid out as a record (a type that contradicts its sheet, clashing columns).
    ``marked``: a leading apostrophe marks a value as text (:func:`coerce_value`).
    """
    given = unmarked(cells.get("type")) if marked else cells.get("type")
    type_ = _as_text(halfwidth(given).strip() if isinstance(given, str) else given)
    if isinstance(type_, str):  # in any case (as a sheet's name), or in its words (开展活动)
        type_ = type_named(type_) or type_
    if sheet_type is not None:
        if type_ is not None and type_ != sheet_type:
            raise Violation("sheet_type_mismatch", type=str(type_), sheet=sheet_type)
        type_ = sheet_type
    record: dict[str, Any] = {}
    for column, value in cells.items():
        path = column.split(".")
        if any(not part for part in path):
            raise Violation("bad_column", column=column)
        if any(".".join(path[:n]) in cells for n in range(1, len(path))):
            raise Violation("column_conflict", column=column)  # "ratings" and "ratings.x"
        if _digits_lost(value):
            raise Violation("number_too_long", column=column, number=f"{value:.15g}")
        if _became_date(path, value):
            raise Violation("code_became_date", column=column, value=_as_text(value))
        try:
            converted = coerce_value(
                type_ if isinstance(type_, str) else None, path, value, date1904, marked
            )
        except Violation as refused:  # (said of its column: a day of the week not the day's)
            if "field" in refused.params:
                raise
            raise refused.altered(field=column) from None
        _place(record, path, converted, column)
    if sheet_type is not None or (isinstance(type_, str) and type_ in TYPES):
        record = {"type": type_, **{k: v for k, v in record.items() if k != "type"}}
    return _lists(record)


# -- a table ------------------------------------------------------------------------


def is_comment(values: Sequence[Any]) -> bool:
    """A row whose first filled cell starts with ``#`` or ``＃`` (like a JSON Lines
    comment), unless it is Excel's error value (``#N/A``: a failed formula)."""
    first = next((v for v in values if not is_empty(v)), None)
    return is_note(first) and not excel_error(first)


def is_note(text: Any) -> bool:
    """Text that begins as a note: ``#`` or ``＃``."""
    return isinstance(text, str) and text.lstrip().startswith(NOTE_MARKS)


def excel_error(value: Any) -> bool:
    """Whether a cell holds Excel's error value (``#VALUE!``, ``#N/A``, …)."""
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def records_from_rows(
    rows: Iterable[tuple[int, Sequence[Any] | Violation]],
    where: Callable[[int], str],
    sheet_type: str | None = None,
    date1904: bool = False,
    untyped: str | None = None,
    marked: bool = False,
) -> Iterator[Item]:
    """The records of one table: its first filled row is the header of field
    names (a first row of one cell, a form's title, is said as such); blank rows,
    notes above the header and rows filled only in notes columns are skipped, and a
    ``#`` row that fills other columns is refused; row numbers are kept as given.

    ``sheet_type``: every row's type (a sheet named after it); ``untyped``: the
    type of the rows when the header has no ``type`` column (a CSV file named
    after it, which may also hold a ``type`` column of any types); ``marked``: a
    leading apostrophe marks a value as text, and is no part of it (a CSV file's)."""
    header: list[str] | None = None
    unknown: tuple[int, Violation] | None = None  # a column the type lacks: said at a record
    # a first row of one cell that names no field (a form's title above its header):
    # where, and what the header would have said of it, until the next row tells
    title: tuple[int, str, Violation] | None = None
    notes: set[int] = set()  # the header's notes columns (``#备注``), by index
    for number, values in rows:
        if isinstance(values, Violation):  # a row its reader could not split into cells
            yield where(number), values
            if header is None:
                return
            continue
        if all(is_empty(v) for v in values):
            continue
        if header is None:
            if is_comment(values) and not _names_fields(values):
                continue  # a note above the header (one whose first cell is a notes
                # column's name, ``#序号``, is the header)
            header = [_column_name(v) for v in values]
            if "type" not in header:
                sheet_type = sheet_type or untyped
            problem = _header_problem(header, sheet_type)
            notes = {index for index, name in enumerate(header) if is_note(name)}
            if title is not None:  # the row under a title: the header, or no table at all
                said = Violation("title_above_header", title=title[1], row=number)
                yield where(title[0]), said if _names_a_field(header) else title[2]
                return
            filled = [v for v in values if not is_empty(v)]
            if problem is not None and problem.code == "header_needs_at" and len(filled) == 1:
                title, header = (number, clipped(str(_as_text(filled[0])), 40), problem), None
                continue
            if problem is not None and problem.code in ("unknown_column", "unknown_column_any"):
                unknown = (number, problem)  # (a sheet left empty is no problem)
            elif problem is not None:
                yield where(number), problem
                return
            continue
        if unknown is not None:
            yield where(unknown[0]), unknown[1]
            return
        # the cells outside the unit's own notes columns: a row with none is a note
        filled = [i for i, value in enumerate(values) if i not in notes and not is_empty(value)]
        if not filled:
            continue
        if is_comment(values):
            first = next(i for i, v in enumerate(values) if not is_empty(v))
            others = [_column_label(header, i) for i in filled if i != first]
            if not others:
                continue  # a note row: only its note
            # a record whose first cell begins with "#" (a title "#喜迎十八大#…"), or
            # one a note was made of: which, only the unit knows (it was left out)
            column = _column_label(header, first)
            yield where(number), Violation("note_row_filled", column=column, fields=Listed(others))
            continue
        try:
            cells: dict[str, Any] = {}
            for index in filled:
                value = values[index]
                if isinstance(value, Unsaved):
                    raise Violation(
                        "formula_unsaved", column=column_letter(index), formula=value.formula[:40]
                    )
                name = header[index] if index < len(header) else ""
                if not name:
                    raise Violation("cell_without_header", column=column_letter(index))
                if excel_error(value):
                    raise Violation("excel_error", column=column_letter(index), value=value.strip())
                cells[name] = value
            yield where(number), coerce_row(cells, sheet_type, date1904, marked)
        except Violation as violation:
            yield where(number), violation
    if title is not None:  # (one cell, and nothing under it)
        yield where(title[0]), title[2]


_ANY_FIELD = frozenset(COMMON_FIELDS).union(*TYPES.values())  # of some record type


def _names_fields(values: Sequence[Any]) -> bool:
    """Whether a row whose first filled cell begins with ``#`` is a header whose first
    column is a notes column's (``#序号``): that cell a name (no space, no colon: not
    a note, ``# columns: type,at``), and a record's fields named after it."""
    names = [_column_name(v) for v in values if not is_empty(v)]
    return bool(names) and bool(_NOTES_COLUMN.fullmatch(names[0])) and _names_a_field(names[1:])


def _names_a_field(names: Sequence[str]) -> bool:
    """Whether column names name a field of some record type (a header, not a title)."""
    return any(_column_field(name) in _ANY_FIELD for name in names if name)


def _column_label(header: Sequence[str], index: int) -> str:
    """A column as a message names it: its header's name, else its letter."""
    return header[index] if index < len(header) and header[index] else column_letter(index)


_NOTES_COLUMN = re.compile(r"[#＃][^\s:：]+")


def _column_name(cell: Any) -> str:
    """A header cell's field name: full-width forms as ASCII, spaces around it
    dropped, and in any case (``Type``, ``AT``: every field's name is lower-case)."""
    if is_empty(cell):
        return ""
    name = halfwidth(str(_as_text(cell))).strip()
    lowered = name.lower()
    return lowered if lowered in _ANY_FIELD or _NESTED_COLUMN.fullmatch(lowered) else name


_FIELD_NAMES = sorted(_ANY_FIELD)  # (for the closest to a slip)


# the nested columns a record may have: any other column with a dot names no field
_NESTED_COLUMN = re.compile(
    rf"ratings\.(?:{'|'.join(RATING_KEYS)})|phases\.[0-9]+\.(?:key|start|end)"
)


def _column_field(name: str) -> str:
    """The field a column fills (``ratings`` for ``ratings.members``); a column with
    a dot that fills none stays as it is, and is said to be unknown even when its
    cells are empty (``ratings.leadrship`` passed then, where ``extra`` did not)."""
    head, dot, _ = name.partition(".")
    return head if not dot or _NESTED_COLUMN.fullmatch(name) else name


def _header_problem(header: list[str], sheet_type: str | None) -> Violation | None:
    names = [n for n in header if n and not n.startswith("#")]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return Violation("duplicate_column", column=name)
        seen.add(name)
    shown = ", ".join(names)[:80]
    if "at" not in seen:  # (``fields``: how many columns name one: none on a summary sheet)
        # a header written in the workbook notes' words (发生时间, 单位, …): each named
        in_words = [
            (n, field_named(n, sheet_type)) for n in names if _column_field(n) not in _ANY_FIELD
        ]
        fields = sum(_column_field(name) in _ANY_FIELD for name in names)
        # (of two columns or more: a row of one cell is a title above the header)
        if len(names) >= 2 and any(field is not None for _, field in in_words):
            named = ", ".join(f"'{n}' → {field or '?'}" for n, field in in_words)
            return Violation("header_in_words", named=named, fields=fields)
        return Violation("header_needs_at", header=shown, fields=fields)
    if "type" not in seen and sheet_type is None:
        return Violation("header_needs_type", header=shown)
    if sheet_type is not None:  # every row of one type: the columns it lacks, said once
        allowed = (*COMMON_FIELDS, *TYPES[sheet_type])
        lacking = [name for name in names if _column_field(name) not in allowed]
        if lacking:
            shown, more = _some(lacking)
            fields = "', '".join([*shown, more.strip()] if more else shown)
            return Violation(
                "unknown_column", field=fields, type=sheet_type, allowed=", ".join(allowed)
            )
        return None
    # rows of several types: a column no type has is a slip in the header, said once
    # (it was said on every row that filled it); one some types lack, on their rows
    unknown = [name for name in names if _column_field(name) not in _ANY_FIELD]
    if unknown:  # all of them at once: not one import to fix each
        said = []
        shown, more = _some(unknown)
        for name in shown:
            close = difflib.get_close_matches(name, _FIELD_NAMES, n=1)
            said.append(f"'{name}'" + (f" → {close[0]}" if close else ""))
        return Violation("unknown_column_any", fields="; ".join(said) + more)
    return None


#: Unknown columns a refusal names, and the characters of each: a sheet of 495 of
#: them, or a header cell of 10,000 characters, was one line of thousands
SOME_COLUMNS, COLUMN_CHARS = 10, 60


def _some(names: list[str]) -> tuple[list[str], str]:
    """The first of ``names``, each cut, and what says how many more there are."""
    more = len(names) - SOME_COLUMNS
    return [clipped(name, COLUMN_CHARS) for name in names[:SOME_COLUMNS]], (
        f" … (+{more})" if more > 0 else ""
    )

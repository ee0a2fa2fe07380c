"""The one place that turns spreadsheet cells into JSON-format values
(:mod:`cxzy.formats.cells`): what it converts, and what it leaves to the schema."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from cxzy.domain.errors import Violation
from cxzy.formats.cells import coerce_row, column_letter, records_from_rows
from cxzy.i18n import rendered


def row(**cells):
    return coerce_row({k.replace("__", "."): v for k, v in cells.items()})


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2010-06-20", "2010-06-20"),
        ("2010/6/20", "2010-06-20"),
        ("2010.06.20", "2010-06-20"),
        ("2010年6月20日", "2010-06-20"),
        (" 2010/6/20 ", "2010-06-20"),
        ("2010/6/20 0:00", "2010-06-20"),
        (date(2010, 6, 20), "2010-06-20"),
        (datetime(2010, 6, 20), "2010-06-20"),
        (40349, "2010-06-20"),  # an Excel day number
        ("6/20/2010", "6/20/2010"),
        (datetime(2010, 6, 20, 9, 30), "2010-06-20T09:30:00"),  # refused as a date
    ],
)
def test_dates(cell, expected):
    record = row(type="CommitmentDueChanged", at="2010-06-01", due=cell)
    assert record["due"] == expected


def test_a_day_spelled_that_no_calendar_has_is_said_as_such():
    """It was left as typed, and the schema said "not a date (YYYY-MM-DD)", as if
    its form were wrong (decision 241)."""
    with pytest.raises(Violation) as refused:
        row(type="CommitmentDueChanged", at="2010-06-01", due="2010/6/31")
    assert refused.value.code == "no_such_day"
    assert (
        rendered(refused.value, "en")
        == "field 'due': there is no day '2010/6/31': 2010-06 has 30 days"
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2010-06-20T09:30:00+08:00", "2010-06-20T09:30:00+08:00"),
        ("2010-06-30T17:00:00Z", "2010-06-30T17:00:00Z"),
        ("2010/6/20 9:30", "2010-06-20T09:30:00"),
        ("2010-06-20 09:30:15", "2010-06-20T09:30:15"),
        ("2010/6/20 9:30 +0800", "2010-06-20T09:30:00+08:00"),
        (datetime(2010, 6, 20, 9, 30, 0, 250000), "2010-06-20T09:30:00.250000"),
        (datetime(2010, 6, 20), "2010-06-20"),
        (40349.5, "2010-06-20T12:00:00"),
        ("yesterday", "yesterday"),
        (time(9, 30), "09:30:00"),
        # what Chinese Excel writes for a 12-hour format, and how people write times
        ("2010/6/1 上午 9:30", "2010-06-01T09:30:00"),
        ("2010/6/1 下午 3:30", "2010-06-01T15:30:00"),
        ("2010/6/1 3:30 PM", "2010-06-01T15:30:00"),
        ("2010/6/1 12:05 AM", "2010-06-01T00:05:00"),
        ("2010年6月1日9:30", "2010-06-01T09:30:00"),
        ("2010年6月1日 9时30分", "2010-06-01T09:30:00"),
        ("2010年6月1日 9点", "2010-06-01T09:00:00"),
        ("2010/6/1 下午 15:30", "2010/6/1 下午 15:30"),  # not a 12-hour time: the schema's
    ],
)
def test_moments(cell, expected):
    assert row(type="ActivityHeld", at=cell)["at"] == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("38", 38),
        (" 38 ", 38),
        ("38.0", 38),
        (38.0, 38),
        ("1,234", 1234),
        ("-3", -3),  # the schema refuses it
        ("三十", "三十"),
        (38.5, 38.5),
        ("9" * 400 + ".0", int("9" * 400)),  # exactly (through a float it was infinity)
        ("9" * 5000, "9" * 5000),  # past what Python reads: the schema refuses the text
    ],
)
def test_whole_numbers(cell, expected):
    assert row(type="ActivityHeld", at="2010-06-01", participants=cell)["participants"] == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("否", False),
        ("TRUE", True),
        ("False", False),
        ("1", True),
        ("0", False),
        (1, True),
        (True, True),
        ("也许", "也许"),
    ],
)
def test_booleans(cell, expected):
    record = row(type="RectificationOpened", at="2010-06-01", supervised=cell)
    assert record["supervised"] is expected if isinstance(expected, bool) else True
    assert record["supervised"] == expected


def test_text_fields_keep_numbers_as_their_digits():
    record = row(type="ActivityHeld", at="2010-06-01", unit=145, title=2010.0, id=7, by=1.5)
    assert record == {
        "type": "ActivityHeld",
        "at": "2010-06-01",
        "unit": "145",
        "title": "2010",
        "id": "7",
        "by": "1.5",
    }


def test_codes_are_trimmed_and_free_text_kept_as_written():
    """A space typed after a unit's code is not part of it (decision 30)."""
    got = row(
        type=" CommitmentMade ",
        id=" C77-1 ",
        unit="145 ",
        commitment=" C77 ",
        person=" 王五",
        text="  两个带头  ",
        due=" 2010/12/31",
    )
    assert got == {
        "type": "CommitmentMade",
        "id": "C77-1",
        "unit": "145",
        "commitment": "C77",
        "person": "王五",
        "text": "  两个带头  ",
        "due": "2010-12-31",
    }
    activity = row(type="ActivityHeld", kind=" study ", title=" 学习 ", unit=" 145")
    assert activity == {"type": "ActivityHeld", "kind": "study", "title": " 学习 ", "unit": "145"}
    planned = row(type="CampaignPlanned", campaign=" c1 ", phases__1__key=" compete ")
    assert planned["campaign"] == "c1" and planned["phases"] == [{"key": "compete"}]


def test_nested_fields_from_dotted_headers():
    record = row(
        type="ReviewRecorded",
        at="2010-06-01",
        ratings__leadership="5",
        ratings__members=4.0,
    )
    assert record["ratings"] == {"leadership": 5, "members": 4}
    plan = row(
        type="CampaignPlanned",
        at="2010-05-11",
        phases__2__key="compete",
        phases__1__key="mobilize",
        phases__1__start="2010/5/11",
        phases__1__end=date(2010, 5, 31),
        phases__2__start="2010-06-01",
        phases__2__end="2011-06-30",
    )
    assert plan["phases"] == [
        {"key": "mobilize", "start": "2010-05-11", "end": "2010-05-31"},
        {"key": "compete", "start": "2010-06-01", "end": "2011-06-30"},
    ]


def test_objects_and_lists_as_json_text_in_one_cell():
    record = row(type="ReviewRecorded", at="2010-06-01", ratings='{"leadership": 5}')
    assert record["ratings"] == {"leadership": 5}
    broken = row(type="ReviewRecorded", at="2010-06-01", ratings="{leadership: 5")
    assert broken["ratings"] == "{leadership: 5"  # the schema says it is not an object


def test_clashing_and_malformed_columns():
    with pytest.raises(Violation) as found:
        row(type="ReviewRecorded", at="2010-06-01", ratings='{"a": 1}', ratings__members=4)
    assert found.value.code == "column_conflict"
    with pytest.raises(Violation) as found:
        coerce_row({"type": "ReviewRecorded", "at": "2010-06-01", "ratings..x": 1})
    assert found.value.code == "bad_column"


def test_the_sheet_gives_the_type():
    assert coerce_row({"at": "2010-06-01"}, sheet_type="ActivityHeld")["type"] == "ActivityHeld"
    assert coerce_row({"type": "ActivityHeld", "at": "x"}, "ActivityHeld")["type"] == "ActivityHeld"
    with pytest.raises(Violation) as found:
        coerce_row({"type": "ReviewRecorded", "at": "x"}, sheet_type="ActivityHeld")
    assert found.value.code == "sheet_type_mismatch"


def test_unknown_types_and_fields_pass_through_for_the_schema():
    assert row(type="Nonsense", at="2010-06-01", x=datetime(2010, 1, 1)) == {
        "type": "Nonsense",
        "at": "2010-06-01",
        "x": "2010-01-01",
    }


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_a_table_skips_blank_and_comment_rows_and_keeps_row_numbers():
    rows = [
        (1, ["", None]),
        (2, ["# made by hand"]),
        (3, ["type", "at", "unit"]),
        (4, ["UnitUpdated", "2010-06-01", "145"]),
        (5, [None, "   ", None]),
        (6, ["UnitUpdated", "2010-06-02", "145", "extra"]),
    ]
    items = list(records_from_rows(rows, lambda n: f"f:{n}"))
    assert items[0] == ("f:4", {"type": "UnitUpdated", "at": "2010-06-01", "unit": "145"})
    assert items[1][0] == "f:6" and items[1][1].code == "cell_without_header"
    assert len(items) == 2

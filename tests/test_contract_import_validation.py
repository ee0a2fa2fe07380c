"""`cxzy import` refuses bad input (FORMAT.md "Events", DOMAIN.md "Lifecycles").

Every refusal: exit 1, a `FILE:LINE: message` line on stderr naming the field or
rule (with --lang en), no traceback, and nothing of the input written.
"""

from __future__ import annotations

import codecs
import json
import re

import pytest
from freezegun import freeze_time

from contract_helpers import (
    act,
    assert_no_traceback,
    assert_refused,
    commit,
    ev,
    prelude,
    rect,
    review,
    unit,
)
from cxzy.application import importer


@pytest.fixture
def seeded(cli):
    """A store holding the prelude only."""
    cli.ok_import(prelude())
    return cli


FILLER = act("JU", "study", "2010-05-15", title="filler, must not be written")


def f(name: str) -> str:
    """A regex matching a field name as a word."""
    return rf"\b{name}\b"


def _without(record: dict, key: str) -> dict:
    return {k: v for k, v in record.items() if k != key}


ACT = act("145", "study", "2010-05-12", title="学习")
CM = commit("K1", "145", "2010-05-20", "2010-12-31")
RO = rect("R1", "145", "2011-01-10", "2011-03-01", owner="王五")
REV = review("145", "mass_evaluation", "2010-12-01")

# (bad record, setup records before it in the same file, regexes the message must match)
SCHEMA_CASES = [
    pytest.param(
        '{"type": "ActivityHeld", "at": "2010-05-12", "unit": "145"',
        [],
        ["json"],
        id="invalid-json",
    ),
    pytest.param('["ActivityHeld", "2010-05-12"]', [], [], id="json-not-an-object"),
    pytest.param("just some words", [], ["json"], id="not-json-at-all"),
    pytest.param(_without(CM, "due"), [], [f("due")], id="missing-due"),
    pytest.param(_without(CM, "text"), [], [f("text")], id="missing-text"),
    pytest.param(
        _without(unit("147", "2010-06-01", "x", parent="JU"), "kind"),
        [],
        [f("kind")],
        id="missing-kind",
    ),
    pytest.param(_without(ACT, "title"), [], [f("title")], id="missing-title"),
    pytest.param(_without(ACT, "type"), [], [f("type")], id="missing-type"),
    pytest.param(_without(ACT, "at"), [], [f("at")], id="missing-at"),
    pytest.param({**ACT, "recorded": "garbage"}, [], [f("recorded")], id="recorded-not-a-moment"),
    pytest.param(
        {**ACT, "participants": "5"},
        [],
        [f("participants"), r'"5" is text in quotes; write it without them: 5$'],
        id="number-in-quotes",
    ),
    pytest.param(
        {**CM, "public": " false"},
        [],
        [f("public"), r'" false" is text in quotes; write it without them: false$'],
        id="boolean-in-quotes",
    ),
    pytest.param(
        {**ACT, "participants": "５"},  # (a bare ５ is no JSON: not advised)
        [],
        [f("participants"), "'５' is not a whole number"],
        id="full-width-digit-in-quotes",
    ),
    pytest.param(
        {**ACT, "participants": "true"},  # (true is no whole number: not advised)
        [],
        [f("participants"), "'true' is not a whole number"],
        id="truth-in-quotes-for-a-number",
    ),
    pytest.param(
        {**REV, "ratings": {"leadership": "4"}},
        [],
        [r"ratings\.leadership", r'"4" is text in quotes'],
        id="rating-in-quotes",
    ),
    pytest.param({**ACT, "recorded": 12}, [], [f("recorded")], id="recorded-a-number"),
    pytest.param(
        {**ACT, "at": 20100512},  # ("20100512" in quotes is one: "not ISO 8601" misled)
        [],
        [f("at"), r"20100512 is a number, not a date: write the date, 2010-05-12 \(in JSON"],
        id="at-a-number",
    ),
    pytest.param(
        {**CM, "due": 20101231},
        [],
        [f("due"), r"20101231 is a number, not a date: write the date, 2010-12-31"],
        id="due-a-number",
    ),
    pytest.param(
        ev(
            "RectificationDeadlineExtended", "2011-02-01", rectification="R1", deadline="2011-05-01"
        ),
        [RO],
        [f("reason")],
        id="missing-reason",
    ),
    pytest.param(
        ev("RectificationVerified", "2011-02-02", rectification="R1", verifier="李四"),
        [RO, ev("RectificationCompleted", "2011-02-01", rectification="R1")],
        [f("accepted")],
        id="missing-accepted",
    ),
    pytest.param(
        _without(
            ev("CommendationAwarded", "2011-07-01", unit="145", title="model", level="bureau"),
            "level",
        ),
        [],
        [f("level")],
        id="missing-level",
    ),
    # days a campaign's records cannot have (decision 86): Python's dates end at 9999,
    # and a deadline's day after or an offset would run past it
    pytest.param({**ACT, "at": "0001-01-01"}, [], [f("at"), "outside"], id="at-year-1"),
    pytest.param(
        {**ACT, "at": "9999-12-31T23:59:59-12:00"}, [], [f("at"), "outside"], id="at-year-9999"
    ),
    pytest.param({**CM, "due": "9999-12-31"}, [], [f("due"), "outside"], id="due-9999"),
    pytest.param(  # 3000-01-01 in the campaign's zone: what would be stored
        {**ACT, "at": "2999-12-31T23:59:59-12:00"}, [], [f("at"), "outside"], id="at-3000-local"
    ),
    pytest.param(
        {**RO, "deadline": "3000-01-01"}, [], [f("deadline"), "outside"], id="deadline-3000"
    ),
    pytest.param(
        '{"type": "ActivityHeld", "at": "2010-05-12", "title": ' + "[" * 100_000,
        [],
        ["json", "nested too deeply"],
        id="json-nested-too-deeply",
    ),
    pytest.param(
        '{"type": "ActivityHeld", "at": "2010-05-12", "participants": ' + "9" * 5000 + "}",
        [],
        ["json", "digits"],
        id="json-number-too-long",
    ),
    pytest.param(  # read by the standard library; no store could hold it (was an internal error)
        '{"type": "ActivityHeld", "at": "2010-05-12", "title": "\\ud800"}',
        [],
        ["json", "lone surrogate"],
        id="json-lone-surrogate",
    ),
    pytest.param(  # the last one won: a typo vanished silently
        '{"type": "ActivityHeld", "at": "2010-05-12", "unit": "145", "kind": "study", '
        '"title": "学习", "title" : "讨论"}',
        [],
        [f("title"), "twice"],
        id="json-field-twice",
    ),
    pytest.param(
        '{"type": "ReviewRecorded", "at": "2010-12-01", "unit": "145", '
        '"kind": "mass_evaluation", "ratings": {"members": 5, "members": 1}}',
        [],
        [f("members"), "twice"],
        id="json-field-twice-inside",
    ),
    # codes and names are compared as written: a space at an end made another unit
    pytest.param({**ACT, "unit": "145 "}, [], [f("unit"), "space"], id="unit-code-spaced"),
    pytest.param({**ACT, "id": " a-1"}, [], [f("id"), "space"], id="id-spaced"),
    pytest.param({**ACT, "by": "刘宏 "}, [], [f("by"), "space"], id="by-spaced"),
    pytest.param({**ACT, "by": ""}, [], [f("by"), "non-empty"], id="by-empty"),
    pytest.param(  # it was "must be non-empty text": a number is not empty
        {**ACT, "id": 1234}, [], [f("id"), 'in quotes, "1234"'], id="id-a-number"
    ),
    # what no one sees or types: `x` and `x\u200b` were two units that read alike, a
    # code held an escape, and a name on two lines hid its unit's code in the grid
    pytest.param(
        unit("x\u200b", "2010-05-12", "零宽", parent="JU"),
        [],
        [f("unit"), r"U\+200B", "no one can see or type"],
        id="unit-code-zero-width",
    ),
    pytest.param({**ACT, "unit": "1\x1b[2J45"}, [], [f("unit"), r"U\+001B"], id="unit-code-escape"),
    pytest.param({**ACT, "id": "a\n1"}, [], [f("id"), r"U\+000A"], id="id-line-break"),
    pytest.param({**ACT, "by": "刘\u202e宏"}, [], [f("by"), r"U\+202E"], id="by-direction"),
    pytest.param(
        unit("146", "2010-05-12", "一四六队\n(二分队)", parent="JU"),
        [],
        [f("name"), r"U\+000A", "one line"],
        id="unit-name-two-lines",
    ),
    pytest.param(
        ev("UnitUpdated", "2010-06-02", unit="145", name="一四五\t队"),
        [],
        [f("name"), r"U\+0009"],
        id="unit-renamed-with-a-tab",
    ),
    pytest.param(  # SQLite kept it; PostgreSQL could not, and said so naming no line
        {**ACT, "title": "a\x00b"}, [], [f("title"), "NUL"], id="nul-in-text"
    ),
    pytest.param({**ACT, "titel": "typo"}, [], ["unknown field", f("titel")], id="unknown-field"),
    pytest.param(
        {**CM, "Due": "2011-01-01"}, [], ["unknown field", f("Due")], id="unknown-field-case"
    ),
    pytest.param(
        {**ACT, "type": "ActivityHold"}, [], [r"\btype\b|ActivityHold"], id="unknown-type"
    ),
    pytest.param({**ACT, "type": ["ActivityHeld"]}, [], [r"\btype\b"], id="type-a-list"),
    pytest.param({**ACT, "type": {"a": 1}}, [], [r"\btype\b"], id="type-an-object"),
    # bad enum values
    pytest.param(
        unit("147", "2010-06-01", "x", kind="squad", parent="JU"),
        [],
        [f("kind")],
        id="enum-unit-kind",
    ),
    pytest.param(
        ev("LeaderAssigned", "2010-05-05", person="张毅", role="boss"),
        [],
        [f("role")],
        id="enum-role",
    ),
    pytest.param({**REV, "grade": "excellent"}, [], [f("grade")], id="enum-grade"),
    pytest.param(
        review("145", "peer_review", "2010-12-01"), [], [f("kind")], id="enum-review-kind"
    ),
    pytest.param({**REV, "verdict": "praise"}, [], [f("verdict")], id="enum-verdict"),
    pytest.param(
        review("145", "inspection", "2010-12-01", method="phone_call"),
        [],
        [f("method")],
        id="enum-method",
    ),
    pytest.param(
        ev("CommendationAwarded", "2011-07-01", unit="145", title="hero", level="bureau"),
        [],
        [f("title")],
        id="enum-award-title",
    ),
    pytest.param(
        ev("CommendationAwarded", "2011-07-01", unit="145", title="model", level="county"),
        [],
        [f("level")],
        id="enum-award-level",
    ),
    pytest.param(act("145", "dancing", "2010-06-01"), [], [f("kind")], id="enum-activity-kind"),
    pytest.param(
        ev("RectificationEscalated", "2011-04-01", rectification="R1", action="fine"),
        [RO],
        [f("action")],
        id="enum-escalation-action",
    ),
    # bad dates
    pytest.param(  # (each said as what is wrong: "not a date (YYYY-MM-DD)" read as the form)
        {**ACT, "at": "2010-13-01"},
        [],
        [f("at"), "names month 13, and there is none"],
        id="at-month-13",
    ),
    pytest.param({**ACT, "at": "yesterday"}, [], [f("at")], id="at-word"),
    pytest.param({**ACT, "at": ""}, [], [f("at")], id="at-empty"),
    pytest.param({**ACT, "at": 20100512}, [], [f("at")], id="at-number"),
    pytest.param({**ACT, "at": "2010-05-12T25:00:00+08:00"}, [], [f("at")], id="at-hour-25"),
    pytest.param(
        {**CM, "due": "2010-02-30"},
        [],
        [f("due"), "no day '2010-02-30': 2010-02 has 28 days"],
        id="due-feb-30",
    ),
    pytest.param(
        {**ACT, "at": "2012-02-30T09:00"},
        [],
        [f("at"), "no day '2012-02-30': 2012-02 has 29 days"],
        id="at-moment-feb-30-of-a-leap-year",
    ),
    pytest.param({**CM, "due": "2010/12/31"}, [], [f("due")], id="due-slashes"),
    pytest.param({**CM, "due": "2010-W52-5"}, [], [f("due")], id="due-iso-week-date"),
    pytest.param({**CM, "due": "20101231"}, [], [f("due")], id="due-without-dashes"),
    pytest.param({**RO, "deadline": "31.12.2010"}, [], [f("deadline")], id="deadline-dotted"),
    pytest.param(
        ev("CommitmentDueChanged", "2010-06-01", commitment="K1", due="soon", reason="r"),
        [CM],
        [f("due")],
        id="due-change-bad-date",
    ),
    pytest.param(
        ev(
            "RectificationDeadlineExtended",
            "2011-02-01",
            rectification="R1",
            deadline="2011-02-29",
            reason="r",
        ),
        [RO],
        [f("deadline"), "2011-02 has 28 days"],
        id="extension-bad-date",
    ),
    # wrong types
    pytest.param(
        unit("147", "2010-06-01", "x", parent="JU", members="ten"),
        [],
        [f("members")],
        id="members-string",
    ),
    pytest.param(
        unit("147", "2010-06-01", "x", parent="JU", members=-1),
        [],
        [f("members")],
        id="members-negative",
    ),
    pytest.param(
        unit("147", "2010-06-01", "x", parent="JU", members=True),
        [],
        [f("members")],
        id="members-bool",
    ),
    pytest.param(
        unit("147", "2010-06-01", "x", parent="JU", members=3.5),
        [],
        [f("members")],
        id="members-float",
    ),
    pytest.param(
        unit("147", "2010-06-01", "x", parent="JU", members=2**31),
        [],
        [f("members"), "larger than 2147483647"],
        id="members-beyond-a-count",
    ),
    pytest.param(
        unit("147", "2010-06-01", "x", parent="JU", members=10**30),
        [],
        [f("members"), r"1000000000000000000000000000000 is larger than 2147483647"],
        id="members-beyond-64-bits",
    ),
    pytest.param(
        ev("UnitUpdated", "2010-06-01", unit="145", members="ten"),
        [],
        [f("members")],
        id="update-members-string",
    ),
    pytest.param({**ACT, "participants": -1}, [], [f("participants")], id="participants-negative"),
    pytest.param(
        {**ACT, "participants": "many"}, [], [f("participants")], id="participants-string"
    ),
    pytest.param({**CM, "public": "yes"}, [], [f("public")], id="public-string"),
    pytest.param({**RO, "supervised": 1}, [], [f("supervised")], id="supervised-int"),
    pytest.param(
        ev("RectificationVerified", "2011-02-02", rectification="R1", accepted="true"),
        [RO, ev("RectificationCompleted", "2011-02-01", rectification="R1")],
        [f("accepted")],
        id="accepted-string",
    ),
    pytest.param({**REV, "ratings": {"leadership": 6}}, [], [r"ratings|leadership"], id="rating-6"),
    pytest.param({**REV, "ratings": {"leadership": 0}}, [], [r"ratings|leadership"], id="rating-0"),
    pytest.param(
        {**REV, "ratings": {"members": "5"}}, [], [r"ratings|members"], id="rating-string"
    ),
    pytest.param(
        {**REV, "ratings": {"beauty": 3}}, [], [r"ratings|beauty"], id="rating-unknown-key"
    ),
    pytest.param({**REV, "ratings": "good"}, [], [f("ratings")], id="ratings-not-object"),
    pytest.param({**ACT, "title": 42}, [], [f("title")], id="title-number"),
    pytest.param({**ACT, "id": 123}, [], [f("id")], id="id-number"),
    pytest.param({**ACT, "id": "x" * 201}, [], [f("id")], id="id-too-long"),
    # a title of five million characters was taken, and `cxzy log` printed it for minutes
    pytest.param(
        {**ACT, "title": "长" * 20_001},
        [],
        [r"field 'title' is 20,001 characters long, more than the 20,000 it may have"],
        id="text-too-long",
    ),
    pytest.param(
        {**ACT, "unit": "U" * 201},
        [],
        [r"field 'unit' is 201 characters long, more than the 200"],
        id="code-too-long",
    ),
    pytest.param(
        review("145", "inspection", "2010-12-01", verdict="ok"),
        [],
        [f("method")],
        id="inspection-without-method",
    ),
]


# codes a Chinese input method types full-width: a spreadsheet reads ＪＵ as JU
SCHEMA_CASES += [
    pytest.param(
        unit("Ｔ１", "2010-05-20", "全角队", "team", parent="JU"),
        [],
        ["unit code 'Ｔ１' has full-width characters", "register it as 'T1'"],
        id="full-width-unit-code",  # its workbook's cells, read as T1, never named it
    ),
    pytest.param(
        unit("ju", "2010-05-20", "小写", "team", parent="JU"),
        [],
        ["unit 'ju' differs from the registered unit 'JU' only in case or width"],
        id="unit-code-in-another-case",
    ),
    pytest.param(
        act("１４５", "study", "2010-05-20", title="学习"),
        [],
        ["unit '１４５' is not registered; the registered unit '145' differs from it only"],
        id="full-width-reference",  # (a bare "not registered" hid the near match)
    ),
    # a unit's name in its code's cell: "not registered" was false, and named no code
    pytest.param(
        act("局机关", "study", "2010-05-20", title="学习"),
        [],
        ["'局机关' is not a unit's code but a unit's name \\(code 'JU'\\): a record names a unit"],
        id="unit-name-for-its-code",
    ),
    pytest.param(
        unit("T9", "2010-05-20", "新队", "team", parent="一四五队"),
        [],
        ["'一四五队' is not a unit's code but a unit's name \\(code '145'\\)"],
        id="parent-name-for-its-code",
    ),
    pytest.param(
        act("一四五钻探队", "study", "2010-05-21", title="学习"),
        [ev("UnitUpdated", "2010-05-20", unit="145", name="一四五钻探队")],
        ["'一四五钻探队' is not a unit's code but a unit's name \\(code '145'\\)"],
        id="new-name-for-its-code",  # (renamed earlier in the same file)
    ),
    # a commitment or rectification id as a clerk retypes it (c-133-1 for C-133-1)
    pytest.param(
        commit("k1", "145", "2010-05-21", "2010-12-31"),
        [CM],
        ["commitment 'k1' differs from the commitment 'K1' only in case or width"],
        id="commitment-id-in-another-case",
    ),
    pytest.param(
        rect("Ｒ1", "145", "2011-01-11", "2011-03-01"),
        [RO],
        ["rectification 'Ｒ1' differs from the rectification 'R1' only in case or width"],
        id="rectification-id-in-another-width",
    ),
]


def test_ids_alike_to_stored_ones_are_refused_and_named_with_the_one_meant(seeded):
    """A sheet's row `c-133-1` beside the stored C-133-1 made a second commitment (the
    unit's total went from 4 to 5); a progress of `c-133-1` said only "never made"."""
    seeded.ok_import([CM, RO])
    before = seeded.log_text()
    path, res = seeded.imp(
        [
            commit("k1", "145", "2010-05-22", "2010-12-31"),
            ev("CommitmentProgressed", "2010-06-01", commitment="k1", note="n"),
            ev("CommitmentFulfilled", "2010-06-02", commitment="Ｋ1"),
            rect("r1", "145", "2011-01-12", "2011-03-01"),
            ev("RectificationProgressed", "2011-01-13", rectification="r1", note="n"),
            ev("CommitmentProgressed", "2010-06-01", commitment="K9", note="n"),
        ]
    )
    assert res.code == 1, str(res)
    assert res.messages(path, 1) == [
        "commitment 'k1' differs from the commitment 'K1' only in case or width: use 'K1'"
        " for its records, or an id of its own"
    ], str(res)
    assert res.messages(path, 3) == [
        "commitment 'Ｋ1' was never made; the commitment 'K1' differs from it only in case"
        " or width: use 'K1'"
    ], str(res)
    assert "differs from the rectification 'R1'" in res.messages(path, 4)[0], str(res)
    assert res.messages(path, 6) == ["commitment 'K9' was never made"], str(res)
    assert seeded.log_text() == before
    # the ids as stored are taken, and a new id that is alike to none
    seeded.ok_import(
        [
            ev("CommitmentProgressed", "2010-06-01", commitment="K1", note="n"),
            commit("K1-2", "145", "2010-05-22", "2010-12-31"),
        ]
    )


def test_a_parent_alike_to_a_unit_or_the_unit_itself_is_said_so(seeded):
    """A parent typed `ju` or `ＪＵ` was "must be registered first", where a record's
    unit so typed is told the code meant (and a CSV's cell is read as JU); a unit
    naming itself as parent, the same."""
    path, res = seeded.imp(
        [
            unit("G1", "2010-05-20", "第一党小组", parent="ju"),
            unit("G2", "2010-05-20", "第二党小组", parent="ＪＵ"),
            unit("G3", "2010-05-20", "第三党小组", parent="G3"),
        ]
    )
    assert res.code == 1, str(res)
    for line, typed in ((1, "ju"), (2, "ＪＵ")):
        assert res.messages(path, line) == [
            f"parent unit '{typed}' is not registered; the registered unit 'JU' differs from"
            " it only in case or width: use 'JU'"
        ], str(res)
    assert res.messages(path, 3) == ["unit 'G3' cannot be its own parent"], str(res)


@pytest.mark.parametrize(("bad", "setup", "patterns"), SCHEMA_CASES)
def test_bad_record_is_refused_with_its_line_and_field(seeded, bad, setup, patterns):
    before = seeded.log_text()
    path, res = seeded.imp([FILLER, *setup, bad])
    assert_refused(res, path, 2 + len(setup), *patterns)
    assert seeded.log_text() == before, "a refused import wrote something"


def test_the_valid_neighbours_of_the_schema_cases_are_accepted(seeded):
    """The other side of each boundary: these must all be written."""
    good = [
        unit("147", "2010-06-01", "零人队", parent="JU", members=0),
        ev("UnitUpdated", "2010-06-02", unit="147", members=5),
        ev("UnitUpdated", "2010-06-03", unit="147", name="一四七队"),
        {**ACT, "participants": 0},
        act("145", "self_chosen", "2010-06-05", title="长" * 20_000),  # the longest text
        {**CM, "public": False},
        commit("K-LAST", "145", "2010-05-21", "2999-12-31"),  # the last day a record may name
        {**RO, "supervised": True},
        {
            **REV,
            "ratings": {"leadership": 1, "members": 5},
            "grade": "lagging",
            "verdict": "criticize",
            "reviewer": "张毅",
            "review": "RV-1",
            "note": "n",
        },
        review("145", "inspection", "2010-12-02", method="random_check"),
        {**ACT, "at": "2010-05-12T09:30:00", "title": "local time without offset"},
        {**ACT, "at": "2010-05-12T09:30:00Z", "title": "utc"},
        {**ACT, "id": "x" * 200, "title": "longest id"},
        {**ACT, "by": "刘宏", "title": "with by"},
        {**ACT, "recorded": "2026-12-05T19:32:01.123456+00:00", "title": "as cxzy log writes"},
        {**ACT, "title": 'a title that says "title": twice, "title":'},  # (not keys)
        # free text may run on lines; a code may hold spaces and any script
        {**ACT, "title": "两行的\n标题\t及制表符"},
        unit("PL.01 B-2", "2010-06-01", "𠀀队 (一) ❤️", parent="JU"),
    ]
    before = len(seeded.log())
    res = seeded.ok_import(good)
    assert res.code == 0
    assert len(seeded.log()) == before + len(good)


# --- lifecycle rules ---------------------------------------------------------

K1_MADE = commit("K1", "145", "2010-06-10", "2010-12-31")
K1_DONE = ev("CommitmentFulfilled", "2010-07-01", commitment="K1")
R1_OPEN = rect("R1", "145", "2011-01-10", "2011-04-30", owner="王五")
R1_DONE = ev("RectificationCompleted", "2011-02-01", rectification="R1")
R1_OK = ev(
    "RectificationVerified", "2011-02-05", rectification="R1", accepted=True, verifier="李四"
)
LEADER = ev("LeaderAssigned", "2010-05-05", person="张毅", role="member")


def _verified_by(verifier: str) -> dict:
    return ev(
        "RectificationVerified", "2011-02-05", rectification="R1", accepted=True, verifier=verifier
    )


LIFECYCLE_CASES = [
    # a due date or deadline before the life began: a slip of the year or the month
    pytest.param(
        [],
        commit("K8", "145", "2010-05-20", "2010-05-19"),
        [r"due date 2010-05-19 is before the commitment was made \(2010-05-20\)"],
        id="due-before-made",
    ),
    pytest.param(
        [K1_MADE],
        ev("CommitmentDueChanged", "2010-07-02", commitment="K1", due="2009-12-31", reason="r"),
        [r"due date 2009-12-31 is before the commitment was made"],
        id="due-changed-to-before-made",
    ),
    pytest.param(
        [],
        rect("R8", "145", "2011-01-10", "2010-01-31"),
        [r"deadline 2010-01-31 is before the rectification was opened \(2011-01-10\)"],
        id="deadline-before-opened",
    ),
    pytest.param(
        [],
        ev("CommitmentFulfilled", "2010-07-01", commitment="K9"),
        [r"commitment|K9"],
        id="fulfil-unknown-commitment",
    ),
    pytest.param(
        [],
        ev("CommitmentProgressed", "2010-07-01", commitment="K9", note="n"),
        [r"commitment|K9"],
        id="progress-unknown-commitment",
    ),
    pytest.param(
        [K1_MADE, K1_DONE],
        ev("CommitmentProgressed", "2010-07-02", commitment="K1", note="n"),
        [r"fulfil"],
        id="progress-after-fulfilled",
    ),
    pytest.param(
        [K1_MADE, K1_DONE],
        ev("CommitmentDueChanged", "2010-07-02", commitment="K1", due="2011-01-31", reason="r"),
        [r"fulfil"],
        id="due-change-after-fulfilled",
    ),
    pytest.param(
        [K1_MADE, K1_DONE],
        ev("CommitmentFulfilled", "2010-07-02", commitment="K1", note="again"),
        [r"fulfil"],
        id="fulfilled-twice",
    ),
    pytest.param(
        [K1_MADE],
        {**K1_MADE, "text": "another promise"},
        [r"K1|commitment|conflict|exist|already"],
        id="commitment-id-reused",
    ),
    pytest.param(
        [R1_OPEN],
        ev("RectificationVerified", "2011-02-05", rectification="R1", accepted=True),
        [r"complet"],
        id="verify-before-completed",
    ),
    pytest.param(
        [],
        ev("RectificationCompleted", "2011-02-01", rectification="R9"),
        [r"rectification|R9"],
        id="complete-unknown-rectification",
    ),
    pytest.param(
        [R1_OPEN, R1_DONE, R1_OK],
        ev("RectificationProgressed", "2011-02-06", rectification="R1", note="n"),
        [r"clos|verif"],
        id="progress-after-closed",
    ),
    pytest.param(
        [R1_OPEN, R1_DONE],
        ev(
            "RectificationDeadlineExtended",
            "2011-02-02",
            rectification="R1",
            deadline="2011-06-30",
            reason="r",
        ),
        [r"complet|open"],
        id="extend-after-completed",
    ),
    pytest.param(
        [R1_OPEN],
        ev(
            "RectificationDeadlineExtended",
            "2011-02-02",
            rectification="R1",
            deadline="2011-04-01",
            reason="r",
        ),
        [r"deadline|later|earlier"],
        id="extend-to-earlier-date",
    ),
    pytest.param(
        [R1_OPEN],
        ev(
            "RectificationDeadlineExtended",
            "2011-02-02",
            rectification="R1",
            deadline="2011-04-30",
            reason="r",
        ),
        [r"deadline|later|earlier"],
        id="extend-to-same-date",
    ),
    pytest.param(
        [R1_OPEN],
        ev("RectificationEscalated", "2011-03-01", rectification="R1", action="public_criticism"),
        [r"deadline"],
        id="escalate-before-deadline",
    ),
    pytest.param(
        [R1_OPEN],
        ev(
            "RectificationEscalated",
            "2011-04-30T23:00:00+08:00",
            rectification="R1",
            action="public_criticism",
        ),
        [r"deadline"],
        id="escalate-on-deadline-day",
    ),
    pytest.param(
        [R1_OPEN],
        ev("RectificationEscalated", "2011-05-02", rectification="R1", action="accountability"),
        [r"public_criticism|criticism"],
        id="accountability-without-criticism",
    ),
    pytest.param(
        [
            R1_OPEN,
            ev(
                "RectificationEscalated",
                "2011-05-02",
                rectification="R1",
                action="public_criticism",
            ),
        ],
        ev("RectificationEscalated", "2011-05-03", rectification="R1", action="public_criticism"),
        [r"public_criticism|once|already"],
        id="criticism-twice",
    ),
    pytest.param(
        [R1_OPEN, R1_DONE, R1_OK],
        ev("RectificationEscalated", "2011-05-02", rectification="R1", action="public_criticism"),
        [r"clos|verif"],
        id="escalate-after-closed",
    ),
    pytest.param([R1_OPEN, R1_DONE], _verified_by("王五"), [r"own|verif"], id="verifier-is-owner"),
    pytest.param(  # the owner under another spelling: it was accepted
        [R1_OPEN, R1_DONE],
        _verified_by("王五 "),
        [f("verifier"), "space"],
        id="verifier-is-owner-with-a-space",
    ),
    pytest.param(
        [K1_MADE],
        ev("CommitmentProgressed", "2010-06-09", commitment="K1", note="n"),
        [r"backward|earlier|before|after|order|\bat\b"],
        id="commitment-at-backwards",
    ),
    pytest.param(
        [commit("K1", "145", "2010-05-20T01:00:00Z", "2010-12-31")],
        ev("CommitmentProgressed", "2010-05-20T08:30:00+08:00", commitment="K1", note="n"),
        [r"backward|earlier|before|after|order|\bat\b"],
        id="commitment-at-backwards-by-instant",
    ),
    pytest.param(
        [R1_OPEN],
        ev("RectificationCompleted", "2011-01-09", rectification="R1"),
        [r"backward|earlier|before|after|order|\bat\b"],
        id="rectification-at-backwards",
    ),
    pytest.param([], act("999", "study", "2010-06-01"), [r"unit|999"], id="unregistered-unit"),
    pytest.param(
        [],
        commit("K5", "999", "2010-06-01", "2010-12-31"),
        [r"unit|999"],
        id="commitment-for-unregistered-unit",
    ),
    pytest.param(
        [], unit("147", "2010-06-01", "x", parent="XX"), [r"parent|XX"], id="parent-not-registered"
    ),
    pytest.param(
        [], unit("JU2", "2010-06-01", "第二局", kind="bureau"), [r"bureau"], id="second-bureau"
    ),
    pytest.param(
        [],
        unit("145", "2010-06-01", "另一个队", parent="JU"),
        [r"145|already|registered|duplicate"],
        id="duplicate-unit-code",
    ),
    pytest.param(  # one unit to whoever reads the grid, two to the store
        [],
        unit("jU", "2010-06-01", "另一个局机关", parent="JU"),
        [r"'jU'.*'JU'.*case"],
        id="unit-code-differs-only-in-case",
    ),
    pytest.param(
        [],
        unit("１４５", "2010-06-01", "全角代码", parent="JU"),
        [r"'１４５'.*'145'.*width"],
        id="unit-code-differs-only-in-width",
    ),
    pytest.param(
        [],
        ev("UnitUpdated", "2010-06-01", unit="999", name="x"),
        [r"unit|999"],
        id="update-unregistered-unit",
    ),
    pytest.param(
        [],
        ev("ContactPointAssigned", "2010-06-01", person="无名", unit="145"),
        [r"person|leader|无名"],
        id="contact-point-without-leader",
    ),
    pytest.param(
        [LEADER],
        ev("ContactPointAssigned", "2010-06-01", person="张毅", unit="999"),
        [r"unit|999"],
        id="contact-point-unregistered-unit",
    ),
    pytest.param(
        [],
        ev("CampaignPlanned", "2010-05-02", campaign="c2", title="other"),
        [r"campaign"],
        id="second-campaign",
    ),
]


@pytest.mark.parametrize(("setup", "bad", "patterns"), LIFECYCLE_CASES)
def test_lifecycle_break_is_refused_with_its_line(seeded, setup, bad, patterns):
    before = seeded.log_text()
    path, res = seeded.imp([FILLER, *setup, bad])
    assert_refused(res, path, 2 + len(setup), *patterns)
    assert seeded.log_text() == before, "a refused import wrote something"


def test_a_second_campaign_after_the_one_this_import_plans_is_said_so(cli):
    # "this store already holds campaign 'c1'" misled where there was no store: the
    # first campaign came from an earlier file of the same import
    first = cli.write(prelude(), name="setup.jsonl")
    second = cli.write([ev("CampaignPlanned", "2010-05-02", campaign="c2", title="x")])
    res = cli.run("import", first, second)
    assert_refused(
        res, second, 1, r"this import already plans campaign 'c1' \(at .*setup.jsonl:1\)"
    )
    assert "already holds" not in res.err and not cli.store.exists(), str(res)
    cli.ok_import(prelude())  # in a store that holds it: as before
    path, res = cli.imp([ev("CampaignPlanned", "2010-05-02", campaign="c2", title="x")])
    assert_refused(res, path, 1, "this store already holds campaign 'c1', not 'c2'")


def test_lifecycle_is_checked_against_the_store_too(seeded):
    seeded.ok_import([K1_MADE, K1_DONE, R1_OPEN])
    before = seeded.log_text()
    path, res = seeded.imp(
        [
            FILLER,
            ev("CommitmentProgressed", "2010-07-02", commitment="K1", note="after fulfilled"),
            ev("RectificationVerified", "2011-02-05", rectification="R1", accepted=True),
            unit("145", "2010-06-01", "重复", parent="JU"),
        ]
    )
    assert_refused(res, path, 2, "fulfil")
    assert_refused(res, path, 3, "complet")
    assert_refused(res, path, 4)
    assert seeded.log_text() == before


def test_a_record_does_not_happen_before_the_unit_or_person_it_names(seeded):
    """Checked in the log's order only, a unit registered on 1 June took an
    activity of 12 May, and a child of 15 May a parent of 1 June: status as of 20
    May counted that activity and named a parent it did not list."""
    seeded.ok_import(
        [
            unit("T6", "2010-06-01T10:00:00+08:00", "六月队", parent="JU"),
            ev("LeaderAssigned", "2010-06-01", person="王", role="member"),
        ]
    )
    before = seeded.log_text()
    later = [
        act("T6", "study", "2010-05-12"),  # of a unit in the store, before its day
        unit("P", "2010-06-10", "上级", kind="office"),
        unit("C", "2010-06-09", "下级", parent="P"),
        act("145", "study", "2010-05-02"),  # (registered 1 May: fine)
        ev("ContactPointAssigned", "2010-05-31", person="王", unit="145"),
    ]
    path = seeded.write(later, None)
    res = seeded.run("import", path, lang="zh")
    assert_refused(res, path, 1, "'T6'", "2010-06-01", "登记之前")
    assert_refused(res, path, 3, "'P'", "2010-06-10")
    assert_refused(res, path, 5, "'王'", "2010-06-01")
    assert f"{path}:4" not in res.err, res.err
    assert seeded.log_text() == before
    # on the day itself, at any time of it, they may
    seeded.ok_import(
        [
            act("T6", "study", "2010-06-01"),
            ev("ContactPointAssigned", "2010-06-01", person="王", unit="T6"),
        ]
    )
    # and before the campaign's first day, the history it took over: a problem left
    # from the year before, of a unit registered when the campaign began
    seeded.ok_import([rect("R-OLD", "145", "2009-11-01", "2010-12-31", source="legacy")])
    # but not of a unit or a person that came after that day: a team registered in
    # June took its "mobilization" of 9 May in, and status counted it done
    before = seeded.log_text()
    path, res = seeded.imp(
        [
            act("T6", "mobilization", "2010-05-09"),
            ev("ContactPointAssigned", "2010-05-09", person="王", unit="145"),
        ]
    )
    assert_refused(res, path, 1, "'T6'", "2010-06-01")
    assert_refused(res, path, 2, "'王'", "2010-06-01")
    assert seeded.log_text() == before


def test_valid_lifecycles_at_their_boundaries_are_accepted(seeded):
    records = [
        # equal `at` within one entity is fine; forward by instant though the text sorts back
        commit("K1", "145", "2010-05-20T07:00:00+08:00", "2010-12-31"),
        ev("CommitmentProgressed", "2010-05-19T23:30:00Z", commitment="K1", note="07:30 local"),
        ev("CommitmentProgressed", "2010-05-19T23:30:00Z", commitment="K1", note="same time"),
        # a due change after the due date passed, to an earlier date (any new date allowed)
        ev("CommitmentDueChanged", "2011-01-05", commitment="K1", due="2010-11-30", reason="r"),
        ev("CommitmentFulfilled", "2011-01-06", commitment="K1"),
        rect("R1", "145", "2011-01-10", "2011-04-30", owner="王五", supervised=True),
        ev(
            "RectificationDeadlineExtended",
            "2011-02-01",
            rectification="R1",
            deadline="2011-05-01",
            reason="r",
        ),
        ev("RectificationProgressed", "2011-02-02", rectification="R1", note="n"),
        # 2011-05-01T16:30Z is 2011-05-02 in Shanghai: the day after the deadline
        ev(
            "RectificationEscalated",
            "2011-05-01T16:30:00Z",
            rectification="R1",
            action="public_criticism",
        ),
        ev("RectificationEscalated", "2011-05-03", rectification="R1", action="accountability"),
        ev("RectificationCompleted", "2011-05-04", rectification="R1"),
        ev(
            "RectificationVerified",
            "2011-05-05",
            rectification="R1",
            accepted=False,
            verifier="李四",
        ),
        ev("RectificationProgressed", "2011-05-06", rectification="R1", note="reopened"),
        ev("RectificationCompleted", "2011-05-07", rectification="R1"),
        ev(
            "RectificationVerified",
            "2011-05-08",
            rectification="R1",
            accepted=True,
            verifier="李四",
        ),
        rect("R2", "145", "2011-01-10", "2011-04-30"),
        ev("RectificationCompleted", "2011-01-11", rectification="R2"),
        ev(
            "RectificationVerified",
            "2011-01-12",
            rectification="R2",
            accepted=True,
            verifier="王五",
        ),
        # due, or to be done, on the day the life begins (a moment late that day too)
        commit("K3", "145", "2010-06-10T23:00:00+08:00", "2010-06-10"),
        ev("CommitmentDueChanged", "2010-06-20", commitment="K3", due="2010-06-10", reason="r"),
        rect("R3", "145", "2011-01-10T22:00:00+08:00", "2011-01-10"),
        # back-filled history across entities, a unit whose parent came earlier in the file
        act("145", "mobilization", "2010-05-12"),
        unit("147", "2010-06-01", "一四七队", parent="145"),
        LEADER,
        ev("LeaderAssigned", "2010-05-06", person="张毅", role="office_member"),
        ev("ContactPointAssigned", "2010-06-01", person="张毅", unit="147"),
        ev("ContactVisitMade", "2010-06-02", person="张毅", unit="147"),
    ]
    before = len(seeded.log())
    seeded.ok_import(records)
    assert len(seeded.log()) == before + len(records)


def test_a_time_written_with_small_t_and_z_is_the_same_moment(cli):
    """RFC 3339 lets "t" and "z" be written small: `--known-at` took both, and a
    record's `at` took "t" but refused "z"."""
    cli.ok_import(
        [
            *prelude(),
            act("145", "mobilization", "2010-05-12t04:00:00z", id="small"),
            act("145", "study", "2010-05-12T04:00:00Z", id="large"),
        ]
    )
    ats = {r["id"]: r["at"] for r in cli.log() if r["id"] in ("small", "large")}
    assert ats["small"] == ats["large"], ats


@pytest.mark.parametrize(
    ("extra", "patterns"),
    [
        pytest.param(
            {"timezone": "Mars/Olympus"},
            [r"timezone|time zone|Mars/Olympus"],
            id="unknown-timezone",
        ),
        pytest.param(  # the machine's own: "today" and lateness moved with the machine
            {"timezone": "localtime"},
            [r"'localtime' is the zone of whichever machine reads the store"],
            id="the-machines-own-timezone",
        ),
        pytest.param({"template": "cxzy-2099"}, [r"template"], id="unknown-template"),
        pytest.param(
            {"phases": [{"key": "nosuch", "start": "2010-06-01", "end": "2010-06-20"}]},
            [r"phase|nosuch"],
            id="unknown-phase-key",
        ),
        pytest.param(
            {"phases": [{"key": "mobilize", "start": "2010-06-20", "end": "2010-06-01"}]},
            [r"start|end|before|after"],
            id="phase-ends-before-it-starts",
        ),
        pytest.param(
            {"phases": [{"key": "mobilize", "start": "June", "end": "2010-06-20"}]},
            [r"start|phase"],
            id="phase-bad-date",
        ),
        pytest.param(
            {
                "phases": [
                    {"key": "mobilize", "start": "2010-05-11", "end": "2010-05-31"},
                    {"key": "mobilize", "start": "2010-05-20", "end": "2010-06-30"},
                ]
            },
            [r"phases\.2\.key", "twice"],
            id="phase-twice",
        ),
    ],
)
def test_bad_campaign_settings_are_refused(cli, extra, patterns):
    path, res = cli.imp([{**prelude()[0], **extra}, *prelude()[1:]])
    assert_refused(res, path, 1, *patterns)
    assert cli.run("status", "--format", "json", "--as-of", "2010-06-01").code == 1


def test_a_campaign_planned_after_its_last_day_is_refused(cli):
    """A 2019 campaign that left out its template ran on the 2010 one: accepted, every
    phase shown overdue, years before it was planned. Its own windows make it good."""
    planned = {**prelude()[0], "at": "2019-06-01T09:00:00+08:00", "title": "主题教育"}
    path, res = cli.imp([planned, *prelude()[1:3]])
    assert_refused(
        res,
        path,
        1,
        re.escape(
            "a campaign planned on 2019-06-01, after the last day of template 'cxzy-2010''s"
            ' windows (2012-11-07): give this campaign\'s own windows ("phases": [{"key": …,'
        ),
    )
    # the records after it: the plan refused, not "the first record must be the plan"
    assert_refused(res, path, 2, re.escape(f"no campaign: its plan ({path}:1) was refused"))
    assert "must be CampaignPlanned" not in res.err, res.err
    assert not cli.store.exists()
    windows = [
        {"key": "mobilize", "start": "2019-06-01", "end": "2019-06-30"},
        {"key": "compete", "start": "2019-07-01", "end": "2019-12-31"},
        {"key": "rectify", "start": "2020-01-01", "end": "2020-06-30"},
        {"key": "summarize", "start": "2020-07-01", "end": "2020-08-31"},
    ]
    cli.ok_import([{**planned, "phases": windows}])


def test_first_record_of_an_empty_store_must_plan_the_campaign(cli):
    path, res = cli.imp([prelude()[1], prelude()[0]])
    assert_refused(res, path, 1, "campaign")
    status = cli.run("status", "--format", "json", "--as-of", "2010-06-01")
    assert status.code == 1
    assert_no_traceback(status)


# --- all or nothing, every bad record reported -------------------------------


def test_every_bad_record_is_reported_with_its_physical_line(seeded):
    before = seeded.log_text()
    path, res = seeded.imp(
        [
            "# a comment line",
            _without(CM, "due"),
            "",
            act("145", "study", "2010-05-12", title="good"),
            {**REV, "grade": "excellent"},
            "   ",
            act("145", "study", "2010-05-13", title="good too"),
        ]
    )
    assert_refused(res, path, 2, f("due"))
    assert_refused(res, path, 5, f("grade"))
    for good_line in (1, 3, 4, 6, 7):
        assert not res.messages(path, good_line), str(res)
    assert seeded.log_text() == before


def test_bad_json_does_not_hide_later_bad_records(seeded):
    path, res = seeded.imp(
        [
            act("145", "study", "2010-05-12"),
            '{"type": "ActivityHeld", "at": ',
            {**ACT, "titel": "typo"},
        ]
    )
    assert_refused(res, path, 2)
    assert_refused(res, path, 3, "unknown field")


def test_why_a_line_is_not_json_is_said_in_the_interface_language(seeded):
    path = seeded.write(['{"type": "ActivityHeld" "at": 1}', "{bad}", "[1,]"])
    res = seeded.run("import", path, lang=None)  # Chinese, the default
    assert res.code == 1
    assert res.messages(path, 1) == ["不是有效的 JSON:缺少英文逗号 ','(第 25 列)"]
    assert res.messages(path, 2) == ["不是有效的 JSON:字段名须用英文双引号括起(第 2 列)"]
    assert res.messages(path, 3) == ["不是有效的 JSON:缺少值(第 4 列)"]
    res = seeded.run("import", path)
    assert res.messages(path, 3) == ["not valid JSON: Expecting value (column 4)"]


def test_a_line_that_ends_before_its_record_is_said_to_lack_its_closing_brace(seeded):
    """A line cut before its `}` was said to lack a comma ("Expecting ','")."""
    cut_lines = [
        '{"type": "ActivityHeld", "at": "2010-05-12", "unit": "145"',
        '{"type": "ActivityHeld", "tags": [1, 2',
        '{"type": "ActivityHeld", "at": ',
    ]
    path = seeded.write([*cut_lines, '{"type": "ActivityHeld" "at": 1}'])
    res = seeded.run("import", path)
    for number, line in enumerate(cut_lines, start=1):
        assert res.messages(path, number) == [
            "not valid JSON: the line ends before the record does: a closing '}' or ']' (or a "
            f"value) is missing (column {len(line.rstrip()) + 1})"
        ]
    # a comma missing inside: said as before
    assert res.messages(path, 4) == ["not valid JSON: Expecting ',' delimiter (column 25)"]
    res = seeded.run("import", path, lang="zh")
    assert res.messages(path, 2) == [
        "不是有效的 JSON:该行在记录结束前就结束了:缺少结尾的 '}' 或 ']'(或某个值)(第 39 列)"
    ]


def test_reasons_come_in_the_order_of_the_file(small_batches):
    """Rules are checked a batch at a time, after the lines read with them; the
    reasons are still listed line by line (a person reads the first ones first)."""
    path, res = small_batches.imp(
        [
            act("NOPE", "study", "2010-05-12"),  # a rule: checked with its batch
            '{"type": "ActivityHeld", "at": ',  # read before that batch is checked
            {**ACT, "titel": "typo"},
            ev("CommitmentFulfilled", "2010-07-01", commitment="NOPE"),
            FILLER,
        ]
    )
    lines = [int(m.split(":")[1]) for m in res.err.splitlines() if m.startswith(f"{path}:")]
    assert lines == [1, 2, 3, 4], str(res)


def test_a_bad_last_record_leaves_the_store_exactly_as_before(seeded):
    seeded.ok_import([act("145", "mobilization", "2010-05-12"), CM])
    dates = ("2010-05-31", "2010-07-01", "2011-07-01")
    before = seeded.snapshot(*dates)
    good = [
        act("145", "study", "2010-05-13"),
        act("JU", "mobilization", "2010-05-14"),
        unit("146", "2010-06-01", "一四六所", kind="institute", parent="JU"),
        ev("CommitmentFulfilled", "2010-07-01", commitment="K1"),
        review("145", "mass_evaluation", "2010-12-01", grade="advanced"),
        rect("R1", "146", "2011-01-10", "2011-03-01", supervised=True),
    ]
    path, res = seeded.imp([*good, {**ACT, "at": "2010-02-30"}])
    assert_refused(res, path, len(good) + 1, f("at"))
    assert seeded.snapshot(*dates) == before
    # and the same records without the bad one are all new
    seeded.ok_import(good)
    assert len(seeded.log()) == len(before[0].splitlines()) + len(good)


def test_a_bad_record_in_a_second_file_refuses_the_whole_import(seeded):
    before = seeded.log_text()
    a = seeded.write([act("145", "study", "2010-05-13")], name="a.jsonl")
    b = seeded.write([act("JU", "study", "2010-05-13"), {**ACT, "kind": "dancing"}], name="b.jsonl")
    res = seeded.run("import", a, b)
    assert_refused(res, b, 2, f("kind"))
    assert seeded.log_text() == before


def test_reasons_name_each_file_as_given(seeded, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeded.write([{**ACT, "participants": -1}], name="first.jsonl")
    seeded.write([FILLER, _without(CM, "text")], name="second.jsonl")
    res = seeded.run("import", "first.jsonl", "./second.jsonl")
    assert_refused(res, "first.jsonl", 1, f("participants"))
    assert_refused(res, "./second.jsonl", 2, f("text"))


def test_later_records_may_build_on_earlier_files_of_the_same_import(seeded):
    a = seeded.write([unit("146", "2010-06-01", "一四六所", kind="institute", parent="JU")])
    b = seeded.write(
        [act("146", "study", "2010-06-02"), commit("K7", "146", "2010-06-03", "2010-12-31")]
    )
    res = seeded.run("import", a, b)
    assert res.code == 0, str(res)
    assert {r.get("unit") for r in seeded.log()} >= {"146"}


def test_a_bureau_under_a_unit_and_an_owner_written_otherwise_are_refused(cli):
    """From an audit of DOMAIN.md: the bureau (the top unit) registered under a team
    was listed under it, and the owner of a rectification verified it as 'li ming'."""
    campaign = ev("CampaignPlanned", "2010-05-11", campaign="C", title="T")
    path, res = cli.imp(
        [
            campaign,
            unit("T1", "2010-05-11", "一队"),
            unit("JU", "2010-05-11", "局", "bureau", parent="T1"),
        ]
    )
    assert_refused(res, path, 3, "'JU' is the bureau, the top unit: it has no parent \\('T1'\\)")
    assert cli.run("log").out.strip() == "", "nothing written"
    cli.ok_import([campaign, unit("JU", "2010-05-11", "局", "bureau")])
    opened = rect("R1", "JU", "2010-06-01", "2010-12-31", owner="Li Ming")
    done = ev("RectificationCompleted", "2010-06-02", rectification="R1")
    checked = ev(
        "RectificationVerified",
        "2010-06-03",
        rectification="R1",
        accepted=True,
        verifier="li  ming",
    )
    path, res = cli.imp([opened, done, checked])
    assert_refused(res, path, 3, "'li  ming' is 'Li Ming', who owns rectification 'R1'")


def test_a_person_written_otherwise_is_told_how_the_store_writes_the_name(cli):
    """'wang  wu' for 'Wang Wu': refused as having no role, with no word of the one
    who has it (a verifier's name is compared so; a contact's is told so)."""
    campaign = ev("CampaignPlanned", "2010-05-11", campaign="C", title="T")
    cli.ok_import(
        [
            campaign,
            unit("JU", "2010-05-11", "局", "bureau"),
            ev("LeaderAssigned", "2010-05-11", person="Wang Wu", role="member"),
        ]
    )
    path, res = cli.imp(
        [
            ev("ContactVisitMade", "2010-05-12", person="wang  wu", unit="JU"),
            ev("ContactVisitMade", "2010-05-12", person="Li", unit="JU"),
        ]
    )
    assert_refused(res, path, 1, "'Wang Wu', who has one, differs only in case, width or spaces")
    assert_refused(res, path, 2, "'Li' has no LeaderAssigned record yet")


def test_files_saved_with_a_bom_and_joined_with_cat_are_read(seeded, tmp_path):
    """Notepad saves UTF-8 with a BOM; two such files joined with `cat` hold one at
    the start of a line in the middle: it was "not valid JSON: Unexpected UTF-8 BOM
    (decode using utf-8-sig)"."""
    lines = [
        json.dumps(act("145", "study", day), ensure_ascii=False)
        for day in ("2010-06-01", "2010-06-02")
    ]
    joined = tmp_path / "joined.jsonl"
    joined.write_bytes(b"".join(codecs.BOM_UTF8 + f"{line}\n".encode() for line in lines))
    res = seeded.run("import", joined)
    assert res.code == 0 and "imported 2" in res.out, str(res)


def test_a_step_refused_after_another_step_of_the_same_life_names_that_one(seeded):
    """A verification refused (its owner verifying), the completion after it said only
    "completed and awaits verification": where to look was not said."""

    def verified(day: str, accepted: bool, verifier: str) -> dict:
        return ev(
            "RectificationVerified", day, rectification="R1", accepted=accepted, verifier=verifier
        )

    def completed(day: str) -> dict:
        return ev("RectificationCompleted", day, rectification="R1")

    opened = [{**RO, "owner": "王五"}, completed("2011-02-05")]
    path, res = seeded.imp(
        [
            *opened,
            verified("2011-02-06", False, "王五"),
            completed("2011-02-07"),
            verified("2011-02-08", True, "李四"),
        ]
    )
    assert res.code == 1, str(res)
    assert res.messages(path, 3) == ["'王五' owns rectification 'R1' and may not verify it"]
    assert res.messages(path, 4) == [
        f"rectification 'R1' is completed and awaits verification ({path}:3, the record before"
        " it about rectification id 'R1', was refused: this one may have followed it)"
    ], str(res)
    assert len(res.err_lines) == 3, str(res)  # (the fifth is fine after the second)
    # a step taken between them: that one is the record before, not the refused one
    path, res = seeded.imp(
        [
            *opened,
            verified("2011-02-06", False, "李四"),
            verified("2011-02-07", True, "王五"),
            completed("2011-02-08"),
            completed("2011-02-09"),
        ]
    )
    assert len(res.messages(path, 4)) == 1 and not res.messages(path, 5), str(res)
    assert res.messages(path, 6) == ["rectification 'R1' is completed and awaits verification"], (
        str(res)
    )


def test_lines_ended_by_a_carriage_return_alone_are_said_as_such(seeded, tmp_path):
    """An old Mac's line ends (CR alone) made the file one line: "not valid JSON:
    Extra data (column 83)". CR LF, as Windows writes them, is read."""
    lines = [
        json.dumps(act("145", "study", day), ensure_ascii=False)
        for day in ("2010-06-01", "2010-06-02")
    ]
    mac = tmp_path / "mac.jsonl"
    mac.write_bytes("".join(f"{line}\r" for line in lines).encode())
    res = seeded.run("import", mac)
    assert res.code == 1, str(res)
    (said,) = res.messages(mac, 1)
    assert said.startswith("its lines end in a carriage return (CR) alone"), str(res)
    assert "LF or CR LF" in said and len(res.err_lines) == 2, str(res)
    windows = tmp_path / "windows.jsonl"
    windows.write_bytes("".join(f"{line}\r\n" for line in lines).encode())
    res = seeded.run("import", windows)
    assert res.code == 0 and "imported 2" in res.out, str(res)


def test_a_utf16_file_is_refused_in_one_line_saying_so(seeded):
    """Notepad's "Unicode": each line was "not UTF-8" or "Expecting value"."""
    path = seeded.tmp / "notepad.jsonl"
    text = '{"type": "ActivityHeld", "at": "2010-05-12", "unit": "145", "kind": "study", '
    path.write_text(f'{text}"title": "学习"}}\n{text}"title": "讨论"}}\n', encoding="utf-16")
    res = seeded.run("import", path)
    assert res.code == 1, str(res)
    assert res.err_lines == [
        f'{path}: the file is UTF-16 text (Notepad\'s "Unicode"); JSON Lines must be UTF-8: '
        "save it as UTF-8"
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_excels_unicode_text_is_told_to_be_named_csv(seeded, encoding):
    """Excel's "Save As: Unicode text" is a .txt of UTF-16, its columns separated by
    tabs: it was told to be saved as UTF-8 (then "this is CSV"), where naming it .csv
    reads it as it is, as a UTF-8 CSV named .txt is told (decision 305)."""
    rows = ["type\tat\tunit\tkind\ttitle", "ActivityHeld\t2010-05-12\t145\tstudy\t学习"]
    path = seeded.tmp / "导出.txt"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode(encoding))
    res = seeded.run("import", path)
    assert res.code == 1, str(res)
    assert res.err_lines == [
        f'{path}: this is Excel\'s "Unicode text" (UTF-16, its columns separated by tabs), not '
        "JSON Lines: its first line is a header (type, at, unit, kind, title); import it as a "
        "file named .csv, as it is (a file named otherwise, and standard input, are read as "
        "JSON Lines)"
    ], str(res)
    renamed = path.rename(path.with_suffix(".csv"))
    res = seeded.run("import", renamed)
    assert res.code == 0 and "imported 1" in res.out, str(res)
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode(encoding))
    zh = seeded.run("import", path, lang="zh")
    assert "Excel 的\u201cUnicode 文本\u201d" in zh.err and "改为 .csv" in zh.err, str(zh)


def test_a_file_that_is_not_utf8_is_refused_without_traceback(seeded):
    path = seeded.tmp / "latin1.jsonl"
    path.write_bytes(
        b'{"type": "ActivityHeld", "at": "2010-05-12", "unit": "145", '
        b'"kind": "study", "title": "caf\xe9"}\n'
    )
    before = seeded.log_text()
    res = seeded.run("import", path)
    assert res.code == 1, str(res)
    assert_no_traceback(res)
    assert str(path) in res.err
    assert seeded.log_text() == before


# --- imports longer than one batch (records are checked and written a batch at a time)


@pytest.fixture
def small_batches(seeded, monkeypatch):
    from cxzy.application import importer

    monkeypatch.setattr(importer, "BATCH", 2)
    return seeded


def test_problems_past_what_is_held_are_all_said_in_the_inputs_order(small_batches, monkeypatch):
    """A file whose every line is refused: its problems were held as objects, 1.3 kB
    each, a million of them 1.3 GB, and memory ran out before one was said. Past a
    few, the problems go to disk in sorted runs: the same lines are said, in the same
    order (a batch's rules after the lines read with it), every one, and the count."""
    from cxzy.application import problems

    records = []
    for n in range(12):
        records += [
            act("NOPE", "study", "2010-05-12", title=f"unit {n}"),  # a batch's rule
            '{"type": "ActivityHeld", "at": ',  # a line that is no JSON
            {**ACT, "titel": f"typo {n}"},  # a field no record has
            ev("CommitmentFulfilled", "2010-07-01", commitment=f"LATER-{n}"),  # said better
            act("145", "study", "2010-05-13", title=f"good {n}"),
        ]
    records.append(commit("LATER-3", "145", "2010-05-20", "2010-12-31"))
    path = small_batches.write(records)
    held = small_batches.run("import", path)
    monkeypatch.setattr(problems, "HELD", 4)
    monkeypatch.setattr(problems, "CHUNK", 3)
    spilled = small_batches.run("import", path)
    assert spilled.code == held.code == 1
    assert spilled.err == held.err, (spilled.err, held.err)
    lines = held.err.splitlines()
    assert (
        len(lines) == 12 * 4 + 1 and lines[-1] == "import refused: 48 bad records, nothing written"
    )
    (later,) = [line for line in lines if "LATER-3" in line]
    assert "made only later in this import" in later, later  # (said of it, read from disk)
    wheres = [int(line.split(":")[1]) for line in lines[:-1]]
    assert wheres == sorted(wheres)


def test_problems_are_held_when_the_temporary_folder_takes_no_run(small_batches, monkeypatch):
    """A temporary folder full (or not writable) when the problems would go to disk:
    they are held, as before runs were written, and said the same; no traceback."""
    from cxzy.application import problems

    records = [act("NOPE", "study", "2010-05-12", title=f"unit {n}") for n in range(10)]
    path = small_batches.write(records)
    held = small_batches.run("import", path)
    monkeypatch.setattr(problems, "HELD", 3)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(problems.tempfile, "TemporaryFile", full)
    res = small_batches.run("import", path)
    assert res.code == 1 and res.err == held.err, (res.err, held.err)
    assert_no_traceback(res)


def test_a_problem_of_any_kind_is_said_the_same_from_disk():
    """A broken template's problem, made by its own ``__init__`` (its place, then
    why), could not be read back from a run on disk: the import would have failed
    where a file of 20,000 problems named a broken template too."""
    import pickle

    from cxzy.domain.errors import Choices, Listed, TemplateError, Violation
    from cxzy.i18n import rendered

    for violation in (
        TemplateError((Violation("tpl.named", text="x.toml"),), "tpl.needs_phases"),
        Violation(
            "bad_enum", field="kind", value="x", allowed=Choices("ActivityHeld", "kind", ("a",))
        ),
        Violation("unknown_phase", phase="p", template="t", known=Listed(["a", "b"])),
    ):
        back = pickle.loads(pickle.dumps(violation))
        assert type(back) is type(violation) and back.code == violation.code
        for lang in ("en", "zh"):
            assert rendered(back, lang) == rendered(violation, lang)


def test_lifecycles_span_batches(small_batches):
    records = [
        CM,
        act("145", "study", "2010-05-21"),
        ev("CommitmentProgressed", "2010-06-01", commitment="K1", note="过半"),
        act("JU", "study", "2010-06-02"),
        ev("CommitmentFulfilled", "2010-07-01", commitment="K1"),
    ]
    small_batches.ok_import(records)
    path, res = small_batches.imp(
        [
            commit("K2", "145", "2010-05-20", "2010-12-31"),
            FILLER,
            ev("CommitmentFulfilled", "2010-07-01", commitment="K2"),
            act("JU", "study", "2010-07-02"),
            ev("CommitmentFulfilled", "2010-07-03", commitment="K2"),  # again
        ]
    )
    assert_refused(res, path, 5, "K2")


def test_a_bad_record_after_many_batches_leaves_the_store_exactly_as_before(small_batches):
    before = small_batches.log_text()
    good = [act("145", "study", f"2010-05-{day}") for day in range(12, 22)]
    path, res = small_batches.imp([*good, {**ACT, "at": "2010-02-30"}])
    assert_refused(res, path, len(good) + 1, f("at"))
    assert small_batches.log_text() == before


def test_a_repeated_record_in_a_later_batch_is_skipped_or_a_conflict(small_batches):
    first = act("145", "study", "2010-05-13", title="同一条", id="same-1")
    records = [first, FILLER, act("JU", "study", "2010-05-14"), first]
    path, res = small_batches.imp(records)
    assert res.code == 0, str(res)
    assert "imported 3 records, skipped 0 already present" in res.out
    assert res.err.endswith("if they are two things, give each its own id\n"), res.err
    changed = {**first, "title": "改过的"}
    path, res = small_batches.imp([FILLER, act("JU", "study", "2010-05-15"), changed])
    assert_refused(res, path, 3, "same-1", r"log #\d+")
    late = act("145", "study", "2010-05-16", id="same-2")
    path, res = small_batches.imp(
        [late, FILLER, act("JU", "study", "2010-05-17"), {**late, "title": "x"}]
    )
    assert_refused(res, path, 4, "same-2", rf"{path.name}:1\b")


def test_counts_of_one_are_said_in_the_singular(seeded):
    """ "imported 1 record", "1 bad record" (it said "1 records", "record(s)")."""
    res = seeded.ok_import([act("145", "study", "2010-05-13")])
    assert "imported 1 record, skipped 0 already present" in res.out, str(res)
    bad = seeded.write([act("145", "bogus", "2010-05-14")])
    res = seeded.run("import", bad)
    assert "import refused: 1 bad record, nothing written" in res.err, str(res)
    res = seeded.run("import", "--dry-run", seeded.write([act("JU", "study", "2010-05-15")]))
    assert "valid: would write 1 record, skip 0 already present" in res.out, str(res)
    res = seeded.run("import", seeded.write([act("JU", "study", "2010-05-16")]), lang="zh")
    assert "已导入 1 条" in res.out, str(res)


def test_a_record_a_batch_before_its_commitments_opening_says_so(small_batches):
    """Across batches too, and only the one awaited is named (not every opening)."""
    progress = ev("CommitmentProgressed", "2010-06-01", commitment="K1", note="过半")
    other = commit("K2", "JU", "2010-05-21", "2010-12-31")
    path, res = small_batches.imp([progress, FILLER, act("JU", "study", "2010-05-14"), other, CM])
    assert_refused(
        res, path, 1, rf"commitment 'K1' is made only later in this import \({path}:5, on "
    )
    assert "K2" not in res.err and "never" not in res.err, str(res)


def test_a_record_of_a_unit_registered_later_or_refused_says_so(small_batches):
    """ "unit 'C' is not registered", where the file registers it a batch later, or
    registered it in a record that was refused (its parent registered after it)."""
    path, res = small_batches.imp(
        [
            act("T7", "study", "2010-06-12"),
            FILLER,
            unit("T7", "2010-05-15", "七队", parent="JU"),
            unit("P", "2010-06-10", "上级", kind="office"),
            unit("C", "2010-06-09", "下级", parent="P"),
            act("C", "study", "2010-06-12"),
        ]
    )
    assert_refused(
        res,
        path,
        1,
        rf"unit 'T7' is registered only later in this import \({path}:3, on 2010-05-15\)",
    )
    assert_refused(res, path, 5, "'P'", "2010-06-10")
    assert_refused(
        res, path, 6, rf"unit 'C' was never registered: the record that registers it \({path}:5\)"
    )


def test_a_contact_of_a_person_assigned_later_or_refused_says_so(small_batches):
    """ "'丙' has no LeaderAssigned record yet", where the file gives the role a batch
    later, or in a record that was refused."""
    path, res = small_batches.imp(
        [
            ev("ContactPointAssigned", "2010-06-01", person="丙", unit="145"),
            FILLER,
            ev("LeaderAssigned", "2010-05-20", person="丙", role="member"),
            ev("LeaderAssigned", "2010-05-21", person="丁", role="boss"),
            ev("ContactVisitMade", "2010-06-02", person="丁", unit="145"),
        ]
    )
    assert_refused(
        res,
        path,
        1,
        rf"'丙' is given a role in the leading group only later in this import \({path}:3,"
        " on 2010-05-20",
    )
    assert_refused(res, path, 4, "boss")
    assert_refused(res, path, 5, rf"'丁' was never given a role .* \({path}:4\) was refused")


def test_a_record_of_a_commitment_whose_making_was_refused_says_so(small_batches):
    """Not "never made" as if the file did not make it: the making was refused (a bad
    field, or a rule broken), and the records after it wait on that one."""
    bad_field = commit("K1", "JU", "2010-05-21", "2010-13-31")
    bad_rule = rect("R9", "NOBODY", "2010-05-22", "2010-12-31")
    path, res = small_batches.imp(
        [
            bad_field,
            ev("CommitmentProgressed", "2010-06-01", commitment="K1", note="过半"),
            bad_rule,
            FILLER,
            ev("RectificationCompleted", "2010-06-02", rectification="R9"),
            ev("CommitmentFulfilled", "2010-06-03", commitment="K2"),
        ]
    )
    assert_refused(res, path, 1, "2010-13-31")
    assert_refused(
        res,
        path,
        2,
        rf"commitment 'K1' was never made: the record that makes it \({path}:1\) "
        "was refused",
    )
    assert_refused(res, path, 3, "NOBODY")
    assert_refused(
        res,
        path,
        5,
        rf"rectification 'R9' was never opened: the record that opens it "
        rf"\({path}:3\) was refused",
    )
    assert_refused(res, path, 6, r"^commitment 'K2' was never made$")


def test_records_are_read_as_they_are_checked_not_all_at_once(seeded, monkeypatch):
    from cxzy.application import importer
    from cxzy.application.app import ImportTransaction, open_app
    from cxzy.application.store import StoreLocation

    monkeypatch.setattr(importer, "BATCH", 3)
    consumed, at_append = 0, []
    original = ImportTransaction.append

    def append(self, events, digests):
        at_append.append(consumed)
        return original(self, events, digests)

    monkeypatch.setattr(ImportTransaction, "append", append)

    def records():
        nonlocal consumed
        for day in range(12, 22):
            consumed += 1
            yield f"gen:{consumed}", act("145", "study", f"2010-05-{day}")

    app = open_app(StoreLocation("sqlite", str(seeded.store)))
    result = importer.Importer(app).run(records())
    assert result.ok and result.written == 10
    assert at_append == [3, 6, 9, 10]  # each batch written before the next is read


def _totals_tables(store) -> dict[str, list[tuple]]:
    import sqlite3

    with sqlite3.connect(store) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
            for table in ("cx_entities", "cx_open", "cx_running")
        }


@pytest.mark.parametrize("lives_kept", [20_000, 5], ids=["lives-kept", "lives-dropped-often"])
def test_running_totals_written_in_parts_give_the_same_status(
    cli, tmp_path, monkeypatch, lives_kept
):
    from pathlib import Path

    from cxzy.application import importer, totals

    demo = Path(__file__).resolve().parents[1] / "events" / "demo.jsonl"
    days = ("2010-06-15", "2011-03-01", "2011-07-15", "2012-07-05", "2012-11-07")
    assert cli.run("import", demo).code == 0
    whole = [cli.status(day) for day in days]
    tables = _totals_tables(cli.store)
    monkeypatch.setattr(importer, "BATCH", 37)
    monkeypatch.setattr(totals, "PENDING_LIMIT", 25)  # written many times during the import
    # the open lives kept from one batch to the next, or read back again and again
    monkeypatch.setattr(totals, "LIVES_LIMIT", lives_kept)
    parts = tmp_path / "parts.db"
    assert cli.run("import", demo, store=parts).code == 0
    assert _totals_tables(parts) == tables
    cli.store = parts
    assert [cli.status(day) for day in days] == whole


# -- messages in the interface's language, saying what is wrong --------------------


def test_an_id_taken_earlier_in_the_same_import_names_that_record(seeded):
    """ "already exists, made by another record" sent the clerk looking in the store
    for a commitment that another file of the same import made: it names it, in this
    batch or an earlier one; one of the log, by its position."""
    first = seeded.write([CM])
    second = seeded.write([commit("K1", "145", "2010-05-21", "2011-06-30")])
    res = seeded.run("import", first, second)
    assert_refused(
        res,
        second,
        1,
        rf"commitment id 'K1' is made by an earlier record of this import \({first}:1\)",
    )
    filler = [
        act("145", "study", f"2010-05-{d:02d}", title=f"t{n}") for n, d in enumerate([20] * 5)
    ]
    with pytest.MonkeyPatch.context() as patch:  # (the first record written a batch before)
        patch.setattr(importer, "BATCH", 2)
        res = seeded.run("import", first, seeded.write(filler), second)
    assert_refused(res, second, 1, rf"made by an earlier record of this import \({first}:1\)")
    assert not any(r["type"] == "CommitmentMade" for r in seeded.log())


def test_a_record_years_before_the_campaign_is_refused_at_its_line(seeded):
    typo = act("145", "study", "2001-11-16", title="a year typed wrong")
    path = seeded.write([typo])
    res = seeded.run("import", path)
    assert_refused(res, path, 1, r"2001-11-16 is more than 366 days before the campaign's first")


def test_messages_name_codes_in_the_interfaces_language(seeded):
    """A clash names a 承诺编号, an escalation its own action (通报批评, not 问责)."""
    seeded.ok_import([CM, RO])
    changed = commit("K1", "145", "2010-05-20", "2011-06-30")
    path = seeded.write([changed])
    res = seeded.run("import", path, lang="zh")
    assert_refused(res, path, 1, r"承诺编号 'K1' 已由日志位置 \d+ 的记录建立")
    # the same content under another id is no copy sent again: a second commitment
    again = seeded.write([{**CM, "id": "another-id"}])
    res = seeded.run("import", again)
    assert_refused(
        res,
        again,
        1,
        r"commitment id 'K1' already exists, made by the record at log position \d+ \(another "
        r"one needs a new code; a record sent again is skipped only under its own id\)",
    )
    early = ev(
        "RectificationEscalated", "2011-02-01", rectification="R1", action="public_criticism"
    )
    path = seeded.write([early])
    res = seeded.run("import", path, lang="zh")
    assert_refused(res, path, 1, r"2011-02-01 的通报批评无效:期限 2011-03-01 尚未过去")
    res = seeded.run("import", path)
    assert_refused(res, path, 1, r"public criticism on 2011-02-01: the deadline 2011-03-01")


def test_a_record_before_the_opening_in_the_same_import_says_so(seeded):
    """Not "never opened": the rectification is right there, later in the file."""
    progress = ev("RectificationProgressed", "2011-01-05", rectification="R1", note="进展")
    path = seeded.write([progress, RO])
    res = seeded.run("import", path)
    assert_refused(
        res,
        path,
        1,
        rf"rectification 'R1' is opened only later in this import \({path}:2, on 2011-01-10\)",
    )
    assert "never opened" not in res.err


def test_excels_lock_file_and_a_non_workbook_are_named_for_what_they_are(seeded, tmp_path):
    lock = tmp_path / "~$一四五队.xlsx"
    lock.write_bytes(b"\x06\x00owner name" + b"\x00" * 150)
    res = seeded.run("import", lock, lang="zh")
    assert res.code == 1 and "Excel 打开工作簿时生成的临时锁定文件" in res.err, str(res)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    res = seeded.run("import", fake, lang="zh")
    assert res.code == 1 and "这是文本文件,不是工作簿" in res.err and "zip" not in res.err, str(res)


def test_a_refused_record_is_not_kept_alive_by_its_problem(seeded):
    """Each problem's exception kept the frames it was raised through, and with them
    the record read: refusing 200,000 records took 640 MB."""
    import gc
    import weakref

    from cxzy.application import importer
    from cxzy.application.app import open_app
    from cxzy.application.store import StoreLocation

    class Raw(dict):  # (a dict that can be watched)
        pass

    watched = []

    def records():
        for n, raw in enumerate(
            [
                Raw({**ACT, "at": "not-a-date"}),  # the schema's
                Raw(ev("CommitmentFulfilled", "2010-06-01", commitment="never-made")),  # a rule's
            ]
        ):
            watched.append(weakref.ref(raw))
            yield f"gen:{n + 1}", raw

    app = open_app(StoreLocation("sqlite", str(seeded.store)))
    result = importer.Importer(app).run(records())
    app.close()
    assert len(result.problems) == 2
    gc.collect()
    assert [ref() for ref in watched] == [None, None]


def test_a_record_dated_after_the_day_it_is_imported_is_refused(seeded):
    """A record says what has happened: a year typed 2101 for 2011, or an activity
    entered before it was held, is refused with the day it names and today's (in the
    campaign's zone). A time later the same day is taken: clocks differ."""
    before = seeded.log_text()
    later_today = act("145", "study", "2011-07-01T23:30:00", title="这天晚些")
    with freeze_time("2011-07-01T02:00:00Z"):  # 10:00 in Shanghai
        path, res = seeded.imp(
            [
                later_today,
                act("JU", "study", "2011-07-02", title="明天"),
                commit("K9", "145", "2101-07-01", "2101-12-31"),
                {**act("JU", "study", "2011-08-01", title="又一次"), "participants": "5"},
            ]
        )
        assert_refused(res, path, 2, "2011-07-02", r"today \(2011-07-01\)", "happened")
        assert_refused(res, path, 3, "2101-07-01", r"today \(2011-07-01\)")
        # said with the record's other slips, not after they are mended
        assert_refused(res, path, 4, "2011-08-01", "participants")
        assert "line 1" not in res.err and ":1:" not in res.err, res.err
        assert seeded.log_text() == before
        seeded.ok_import([later_today])


def test_a_code_not_in_its_list_is_refused_with_each_codes_words_in_chinese(seeded):
    """A unit typing 优秀 read "not one of advanced, middle, lagging": what 先进 is
    was nowhere."""
    bad = review("145", "mass_evaluation", "2011-03-01", grade="优秀")
    path = seeded.write([bad], None)
    res = seeded.run("import", path, lang="zh")
    said = assert_refused(res, path, 1, "grade")
    assert "advanced(先进)、middle(中间)、lagging(后进)" in said, said
    path, res = seeded.imp([bad])
    assert "is not one of advanced, middle, lagging" in assert_refused(res, path, 1), res

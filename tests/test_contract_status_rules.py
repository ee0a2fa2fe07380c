"""Status at a date (DOMAIN.md "Status at a date", template cxzy-2010).

Windows: mobilize 2010-05-11..05-31, compete 2010-06-01..2011-06-30 (party_spirit_analysis
due 2010-06-30), rectify 2011-07-01..2012-06-30, summarize 2012-07-01..2012-11-07.
"""

from __future__ import annotations

import json

import pytest
from freezegun import freeze_time

from contract_helpers import (
    Cli,
    act,
    assert_refused,
    award,
    commit,
    ev,
    prelude,
    rect,
    review,
    unit,
)


def phase(cli: Cli, as_of: str, code: str, key: str) -> tuple[str, dict]:
    cell = cli.unit(as_of, code)["phases"][key]
    return cell["status"], cell["items"]


# --- mobilize -----------------------------------------------------------------


@pytest.fixture
def mobilize(cli):
    cli.ok_import(
        [
            *prelude(),
            unit("146", "2010-05-01", "一四六所", kind="institute", parent="JU"),
            act("145", "mobilization", "2010-05-11"),
            act("145", "implementation_plan", "2010-05-31T23:30:00+08:00"),
            commit("K1", "145", "2010-05-20", "2010-12-31"),
            act("145", "study", "2010-06-01"),
            commit("K2", "146", "2010-05-20", "2010-12-31", public=False),
        ]
    )
    return cli


@pytest.mark.parametrize(
    ("as_of", "status", "items"),
    [
        (
            "2010-05-10",
            "pending",
            {
                "mobilization": "open",
                "implementation_plan": "open",
                "public_commitment": "open",
                "study": "open",
            },
        ),
        (
            "2010-05-11",
            "active",
            {
                "mobilization": "done",
                "implementation_plan": "open",
                "public_commitment": "open",
                "study": "open",
            },
        ),
        (
            "2010-05-31",
            "active",
            {
                "mobilization": "done",
                "implementation_plan": "done",
                "public_commitment": "done",
                "study": "open",
            },
        ),
        (
            "2010-06-01",
            "done_late",
            {
                "mobilization": "done",
                "implementation_plan": "done",
                "public_commitment": "done",
                "study": "late",
            },
        ),
        (
            "2012-12-31",
            "done_late",
            {
                "mobilization": "done",
                "implementation_plan": "done",
                "public_commitment": "done",
                "study": "late",
            },
        ),
    ],
)
def test_mobilize_items_and_phase_at_window_edges(mobilize, as_of, status, items):
    assert phase(mobilize, as_of, "145", "mobilize") == (status, items)


@pytest.mark.parametrize(
    ("as_of", "status", "state"),
    [
        ("2010-05-11", "active", "open"),
        ("2010-05-31", "active", "open"),
        ("2010-06-01", "overdue", "missed"),
    ],
)
def test_mobilize_with_nothing_done(mobilize, as_of, status, state):
    got_status, items = phase(mobilize, as_of, "JU", "mobilize")
    assert got_status == status
    assert items == dict.fromkeys(
        ("mobilization", "implementation_plan", "public_commitment", "study"), state
    )


def test_a_non_public_commitment_does_not_satisfy_public_commitment(mobilize):
    assert phase(mobilize, "2010-05-31", "146", "mobilize")[1]["public_commitment"] == "open"
    assert phase(mobilize, "2010-06-01", "146", "mobilize")[1]["public_commitment"] == "missed"
    mobilize.ok_import([commit("K3", "146", "2010-06-02", "2010-12-31", public=True)])
    assert phase(mobilize, "2010-06-02", "146", "mobilize")[1]["public_commitment"] == "late"


def test_a_phase_done_before_its_window_is_done_not_pending(cli):
    cli.ok_import(
        [
            *prelude(),
            act("JU", "mobilization", "2010-05-05"),
            act("JU", "implementation_plan", "2010-05-05"),
            act("JU", "study", "2010-05-05"),
            commit("K1", "JU", "2010-05-05", "2010-12-31"),
        ]
    )
    assert phase(cli, "2010-05-05", "JU", "mobilize")[0] == "done"
    assert phase(cli, "2010-05-04", "JU", "mobilize")[0] == "pending"


# --- compete and the party_spirit_analysis deadline ---------------------------


@pytest.fixture
def compete(cli):
    cli.ok_import(
        [
            *prelude(),
            unit("146", "2010-05-01", "一四六所", kind="institute", parent="JU"),
            unit("147", "2010-05-01", "一四七队", parent="JU"),
            # 2010-06-30T23:59+08:00 is still 2010-06-30 in Shanghai
            act("145", "party_spirit_analysis", "2010-06-30T23:59:00+08:00"),
            # 2010-06-30T17:00Z is 2010-07-01 01:00 in Shanghai
            act("JU", "party_spirit_analysis", "2010-06-30T17:00:00Z"),
            # 147 does every compete item on time; mass_evaluation is a review
            act("147", "party_spirit_education", "2010-06-01"),
            act("147", "party_spirit_analysis", "2010-06-02"),
            review("147", "mass_evaluation", "2010-06-03"),
            act("147", "post_dedication", "2010-06-04"),
            act("147", "serve_masses", "2010-06-05"),
            act("147", "show_badge", "2010-06-06"),
            act("147", "org_innovation", "2010-06-07"),
            # 146 has no party_spirit_analysis at all; a leader_commentary is not a mass_evaluation
            review("146", "leader_commentary", "2010-06-03", grade="middle"),
        ]
    )
    return cli


def test_party_spirit_analysis_on_the_evening_of_the_deadline_is_done(compete):
    assert phase(compete, "2010-06-30", "145", "compete")[1]["party_spirit_analysis"] == "done"
    assert phase(compete, "2010-07-01", "145", "compete")[1]["party_spirit_analysis"] == "done"


def test_party_spirit_analysis_at_17h_utc_on_the_deadline_is_late(compete):
    # not yet happened on 2010-06-30 local
    assert phase(compete, "2010-06-30", "JU", "compete")[1]["party_spirit_analysis"] == "open"
    assert phase(compete, "2010-07-01", "JU", "compete")[1]["party_spirit_analysis"] == "late"


@pytest.mark.parametrize(
    ("as_of", "status", "state"),
    [
        ("2010-05-31", "pending", "open"),
        ("2010-06-01", "active", "open"),
        ("2010-06-30", "active", "open"),
        ("2010-07-01", "at_risk", "missed"),
        ("2011-06-30", "at_risk", "missed"),
        ("2011-07-01", "overdue", "missed"),
    ],
)
def test_missing_party_spirit_analysis_puts_compete_at_risk(compete, as_of, status, state):
    got_status, items = phase(compete, as_of, "146", "compete")
    assert (got_status, items["party_spirit_analysis"]) == (status, state)


def test_other_compete_items_are_due_at_the_end_of_the_window(compete):
    items = phase(compete, "2011-06-30", "146", "compete")[1]
    assert items["mass_evaluation"] == "open"
    assert items["serve_masses"] == "open"
    items = phase(compete, "2011-07-01", "146", "compete")[1]
    assert items["mass_evaluation"] == "missed"
    assert items["serve_masses"] == "missed"


def test_compete_done_and_done_late(compete):
    assert phase(compete, "2010-06-06", "147", "compete")[0] == "active"
    status, items = phase(compete, "2010-06-07", "147", "compete")
    assert status == "done"
    assert set(items.values()) == {"done"}
    compete.ok_import(
        [
            act("145", "party_spirit_education", "2010-06-01"),
            review("145", "mass_evaluation", "2011-07-05"),
            act("145", "post_dedication", "2010-06-04"),
            act("145", "serve_masses", "2010-06-05"),
            act("145", "show_badge", "2010-06-06"),
            act("145", "org_innovation", "2011-06-30T23:00:00+08:00"),
        ]
    )
    assert phase(compete, "2011-06-30", "145", "compete")[0] == "active"
    status, items = phase(compete, "2011-07-01", "145", "compete")
    assert (status, items["mass_evaluation"], items["org_innovation"]) == (
        "overdue",
        "missed",
        "done",
    )
    status, items = phase(compete, "2011-07-05", "145", "compete")
    assert (status, items["mass_evaluation"]) == ("done_late", "late")


def test_activities_of_one_unit_do_not_count_for_another(compete):
    items = phase(compete, "2010-06-10", "145", "compete")[1]
    assert items["party_spirit_education"] == "open"
    assert items["mass_evaluation"] == "open"


def test_campaign_timezone_decides_the_day(cli):
    cli.ok_import(
        [
            {**prelude()[0], "timezone": "UTC"},
            *prelude()[1:],
            # 2010-06-30T17:00Z in UTC is 2010-06-30, on time; in Shanghai it would be late
            act("145", "party_spirit_analysis", "2010-07-01T01:00:00+08:00"),
        ]
    )
    assert phase(cli, "2010-06-30", "145", "compete")[1]["party_spirit_analysis"] == "done"


def test_the_hour_repeated_when_clocks_go_back_is_two_hours_in_one_import(cli):
    """A campaign in a zone with daylight saving: 01:30 at -04:00, then at -05:00 an
    hour later. In one file they were one moment (times of one zone compare by their
    wall time): the log's copy of the second said the first's, and `verify` called
    the fresh store altered; the earlier review's grade was the latest; a later
    record of a commitment was refused as going back in time, an earlier taken."""
    records = [
        {**prelude()[0], "timezone": "America/New_York"},
        *prelude()[1:],
        review("145", "leader_commentary", "2010-11-07T01:30:00-05:00", grade="advanced"),
        review("145", "leader_commentary", "2010-11-07T01:30:00-04:00", grade="lagging"),
        commit("CD", "145", "2010-11-07T01:50:00-04:00", "2010-11-30"),
        ev("CommitmentProgressed", "2010-11-07T01:10:00-05:00", commitment="CD", note="later"),
    ]
    cli.ok_import(records)
    res = cli.run("verify")
    assert res.code == 0, str(res)
    grades = {u["unit"]: u["grade"] for u in cli.status("2010-11-08")["units"]}
    assert grades["145"] == "advanced"
    backwards = [
        commit("CC", "145", "2010-11-07T01:10:00-05:00", "2010-11-30"),
        ev("CommitmentProgressed", "2010-11-07T01:50:00-04:00", commitment="CC", note="before"),
    ]
    path, res = cli.imp(backwards)
    assert_refused(res, path, 2, "time goes backwards")


def test_campaign_phases_override_template_windows(cli):
    cli.ok_import(
        [
            {
                **prelude()[0],
                "phases": [{"key": "mobilize", "start": "2010-06-01", "end": "2010-06-20"}],
            },
            *prelude()[1:],
            act("145", "mobilization", "2010-06-10"),
        ]
    )
    assert phase(cli, "2010-05-31", "145", "mobilize")[0] == "pending"
    status, items = phase(cli, "2010-06-10", "145", "mobilize")
    assert (status, items["mobilization"], items["study"]) == ("active", "done", "open")
    status, items = phase(cli, "2010-06-21", "145", "mobilize")
    assert (status, items["mobilization"], items["study"]) == ("overdue", "done", "missed")


@freeze_time("2010-06-30T17:00:00Z")
def test_status_defaults_to_today_in_the_campaign_zone(compete):
    res = compete.run("status", "--format", "json")
    assert res.code == 0, str(res)
    status = json.loads(res.out)
    assert status["as_of"] == "2010-07-01"
    units = {u["unit"]: u for u in status["units"]}
    assert units["146"]["phases"]["compete"]["status"] == "at_risk"
    assert units["146"]["phases"]["compete"]["items"]["party_spirit_analysis"] == "missed"


@freeze_time("2010-06-30T15:59:00Z")
def test_status_default_date_just_before_local_midnight(compete):
    res = compete.run("status", "--format", "json")
    assert res.code == 0, str(res)
    status = json.loads(res.out)
    assert status["as_of"] == "2010-06-30"
    units = {u["unit"]: u for u in status["units"]}
    assert units["146"]["phases"]["compete"]["items"]["party_spirit_analysis"] == "open"


# --- rectify --------------------------------------------------------------------


@pytest.fixture
def rectify(cli):
    cli.ok_import(
        [
            *prelude(),
            unit("146", "2010-05-01", "一四六所", kind="institute", parent="JU"),
            # 145: nothing to close, learns from models on the first day of the window
            act("145", "learn_from_models", "2011-07-01"),
            # JU: a rectification closed after the rectify deadline
            rect("R1", "JU", "2011-01-10", "2011-03-01"),
            ev("RectificationCompleted", "2011-02-01", rectification="R1"),
            ev("RectificationVerified", "2012-07-05", rectification="R1", accepted=True),
            act("JU", "learn_from_models", "2011-08-01"),
            # 146: a commitment fulfilled on the last day
            commit("K1", "146", "2010-05-20", "2010-12-31"),
            ev("CommitmentFulfilled", "2012-06-30", commitment="K1"),
            act("146", "learn_from_models", "2011-07-02"),
        ]
    )
    return cli


def test_rectify_with_empty_sets_is_done_on_its_first_day(rectify):
    status, items = phase(rectify, "2011-06-30", "145", "rectify")
    assert status == "pending"
    assert items == {
        "learn_from_models": "open",
        "rectifications_closed": "done",
        "commitments_fulfilled": "done",
    }
    status, items = phase(rectify, "2011-07-01", "145", "rectify")
    assert status == "done"
    assert set(items.values()) == {"done"}


@pytest.mark.parametrize(
    ("as_of", "status", "closed"),
    [
        ("2011-01-09", "pending", "done"),
        ("2011-01-10", "pending", "open"),
        ("2012-06-30", "active", "open"),
        ("2012-07-01", "overdue", "missed"),
        ("2012-07-05", "done_late", "late"),
    ],
)
def test_rectifications_closed_after_the_deadline(rectify, as_of, status, closed):
    got_status, items = phase(rectify, as_of, "JU", "rectify")
    assert (got_status, items["rectifications_closed"]) == (status, closed)


def test_commitments_fulfilled_on_the_last_day_is_done(rectify):
    status, items = phase(rectify, "2012-06-29", "146", "rectify")
    assert (status, items["commitments_fulfilled"]) == ("active", "open")
    status, items = phase(rectify, "2012-06-30", "146", "rectify")
    assert (status, items["commitments_fulfilled"]) == ("done", "done")


def test_only_rectifications_opened_by_the_deadline_count(rectify):
    rectify.ok_import(
        [
            rect("R9", "145", "2012-07-02", "2012-09-30"),
            commit("K9", "145", "2012-07-02", "2012-09-30"),
        ]
    )
    status, items = phase(rectify, "2012-08-01", "145", "rectify")
    assert status == "done"
    assert items["rectifications_closed"] == "done"
    assert items["commitments_fulfilled"] == "done"


def test_one_opened_on_the_deadline_day_counts(rectify):
    rectify.ok_import([rect("R7", "145", "2012-06-30", "2012-09-30")])
    for as_of in ("2012-07-01", "2012-08-01"):
        status, items = phase(rectify, as_of, "145", "rectify")
        assert (status, items["rectifications_closed"]) == ("overdue", "missed"), as_of
    rectify.ok_import(
        [
            ev("RectificationCompleted", "2012-08-10", rectification="R7"),
            ev("RectificationVerified", "2012-08-11", rectification="R7", accepted=True),
        ]
    )
    status, items = phase(rectify, "2012-08-11", "145", "rectify")
    assert (status, items["rectifications_closed"]) == ("done_late", "late")


def test_one_opened_after_the_deadline_leaves_the_earlier_ones_closed_late(rectify):
    # JU's R1 (opened before the deadline) closed late; R8, opened after it, stays open
    rectify.ok_import([rect("R8", "JU", "2012-07-02", "2012-09-30")])
    for as_of in ("2012-07-05", "2012-08-01", "2013-01-01"):
        status, items = phase(rectify, as_of, "JU", "rectify")
        assert (status, items["rectifications_closed"]) == ("done_late", "late"), as_of


def test_a_rejected_verification_does_not_close(cli):
    cli.ok_import(
        [
            *prelude(),
            act("145", "learn_from_models", "2011-07-01"),
            rect("R1", "145", "2011-08-01", "2011-12-31"),
            ev("RectificationCompleted", "2011-09-01", rectification="R1"),
            ev("RectificationVerified", "2011-09-02", rectification="R1", accepted=False),
            ev("RectificationCompleted", "2012-03-01", rectification="R1"),
            ev("RectificationVerified", "2012-03-02", rectification="R1", accepted=True),
        ]
    )
    assert phase(cli, "2011-09-01", "145", "rectify")[1]["rectifications_closed"] == "open"
    assert phase(cli, "2011-09-02", "145", "rectify")[1]["rectifications_closed"] == "open"
    assert phase(cli, "2012-03-02", "145", "rectify") == (
        "done",
        {
            "learn_from_models": "done",
            "rectifications_closed": "done",
            "commitments_fulfilled": "done",
        },
    )


# --- summarize and the bureau-only exhibition -------------------------------------


def test_summarize_items_and_exhibition_only_for_the_bureau(cli):
    cli.ok_import(
        [
            *prelude(),
            act("145", "summary", "2012-07-01"),
            review("145", "superior_assessment", "2012-11-07"),
            act("145", "mechanism", "2012-11-07T23:59:00+08:00"),
            act("JU", "summary", "2012-07-01"),
            review("JU", "superior_assessment", "2012-07-02"),
            act("JU", "mechanism", "2012-07-03"),
        ]
    )
    status, items = phase(cli, "2012-06-30", "JU", "summarize")
    assert status == "pending"
    assert set(items) == {"summary", "superior_assessment", "mechanism", "exhibition"}
    status, items = phase(cli, "2012-06-30", "145", "summarize")
    assert status == "pending"
    assert set(items) == {"summary", "superior_assessment", "mechanism"}

    assert phase(cli, "2012-07-01", "145", "summarize")[0] == "active"
    assert phase(cli, "2012-11-06", "145", "summarize")[0] == "active"
    assert phase(cli, "2012-11-07", "145", "summarize") == (
        "done",
        {"summary": "done", "superior_assessment": "done", "mechanism": "done"},
    )

    assert phase(cli, "2012-11-07", "JU", "summarize") == (
        "active",
        {
            "summary": "done",
            "superior_assessment": "done",
            "mechanism": "done",
            "exhibition": "open",
        },
    )
    assert phase(cli, "2012-11-08", "JU", "summarize") == (
        "overdue",
        {
            "summary": "done",
            "superior_assessment": "done",
            "mechanism": "done",
            "exhibition": "missed",
        },
    )
    cli.ok_import([act("JU", "exhibition", "2012-11-09")])
    assert phase(cli, "2012-11-09", "JU", "summarize")[0] == "done_late"


def test_exhibition_is_listed_for_the_bureau_in_no_other_phase(cli):
    cli.ok_import(prelude())
    units = cli.status("2011-01-01")["units"]
    assert {u["kind"] for u in units} > {"bureau"}  # the bureau and units of other kinds
    for u in units:
        for key, cell in u["phases"].items():
            listed = "exhibition" in cell["items"]
            assert listed == (key == "summarize" and u["kind"] == "bureau"), (u["unit"], key)


# --- commitments, rectifications, grade, awards ----------------------------------------


def test_commitment_counts_and_due_change(cli):
    cli.ok_import(
        [
            *prelude(),
            commit("K1", "145", "2010-05-20", "2010-12-31"),
            commit("K2", "145", "2010-06-01", "2010-09-30"),
            ev("CommitmentFulfilled", "2010-09-15", commitment="K2"),
            commit("K3", "145", "2010-07-01", "2011-06-30", public=False),
            ev("CommitmentDueChanged", "2011-01-15", commitment="K1", due="2011-03-31", reason="r"),
        ]
    )
    expected = {
        "2010-05-19": (0, 0, 0),
        "2010-06-01": (2, 0, 0),
        "2010-09-30": (3, 1, 0),
        "2010-12-31": (3, 1, 0),  # due date itself is not overdue
        "2011-01-01": (3, 1, 1),
        "2011-01-15": (3, 1, 0),  # the due change counts from its day
        "2011-03-31": (3, 1, 0),
        "2011-04-01": (3, 1, 1),
        "2011-07-01": (3, 1, 2),
    }
    for as_of, (total, fulfilled, overdue) in expected.items():
        got = cli.unit(as_of, "145")["commitments"]
        assert got == {"total": total, "fulfilled": fulfilled, "overdue": overdue}, as_of
    assert cli.unit("2011-07-01", "JU")["commitments"] == {"total": 0, "fulfilled": 0, "overdue": 0}


def test_rectification_counts_extension_and_escalation(cli):
    cli.ok_import(
        [
            *prelude(),
            rect("R1", "145", "2011-01-10", "2011-03-01", supervised=True, owner="王五"),
            rect("R2", "145", "2011-01-20", "2011-06-30"),
            ev(
                "RectificationDeadlineExtended",
                "2011-03-05",
                rectification="R1",
                deadline="2011-04-30",
                reason="r",
            ),
            ev(
                "RectificationEscalated",
                "2011-05-01",
                rectification="R1",
                action="public_criticism",
            ),
            # a second escalation of the same one: it counts once (FORMAT.md: at least one)
            ev(
                "RectificationEscalated",
                "2011-05-08",
                rectification="R1",
                action="accountability",
            ),
            ev("RectificationCompleted", "2011-05-10", rectification="R1"),
            ev(
                "RectificationVerified",
                "2011-05-15",
                rectification="R1",
                accepted=False,
                verifier="李四",
            ),
            ev("RectificationCompleted", "2011-05-20", rectification="R1"),
            ev(
                "RectificationVerified",
                "2011-05-25",
                rectification="R1",
                accepted=True,
                verifier="李四",
            ),
            ev("RectificationCompleted", "2011-06-01", rectification="R2"),
        ]
    )
    keys = ("total", "open", "overdue", "supervised_open", "escalated")
    expected = {
        "2011-01-09": (0, 0, 0, 0, 0),
        "2011-01-15": (1, 1, 0, 1, 0),
        "2011-03-01": (2, 2, 0, 1, 0),  # deadline day is not overdue
        "2011-03-02": (2, 2, 1, 1, 0),
        "2011-03-05": (2, 2, 0, 1, 0),  # extended
        "2011-05-01": (2, 2, 1, 1, 1),
        "2011-05-12": (2, 2, 1, 1, 1),  # completed is not closed
        "2011-05-16": (2, 2, 1, 1, 1),  # rejected
        "2011-05-25": (2, 1, 0, 0, 1),  # closed, still counted as escalated
        "2011-07-01": (2, 1, 1, 0, 1),  # R2 completed but never verified
    }
    for as_of, values in expected.items():
        got = cli.unit(as_of, "145")["rectifications"]
        assert got == dict(zip(keys, values, strict=True)), as_of


def test_grade_is_the_latest_graded_review_by_at(cli):
    cli.ok_import(
        [
            *prelude(),
            review("145", "mass_evaluation", "2010-12-01", grade="middle"),
            review("145", "superior_assessment", "2011-06-01", grade="advanced"),
            review("145", "leader_commentary", "2011-02-01"),  # no grade
        ]
    )
    # back-filled later: an older review recorded after the newer one
    cli.ok_import(
        [
            review("145", "leader_commentary", "2011-01-01", grade="lagging"),
            review("145", "inspection", "2011-07-01", method="tour", verdict="ok"),
        ]
    )
    expected = {
        "2010-11-30": None,
        "2010-12-01": "middle",
        "2010-12-31": "middle",
        "2011-01-01": "lagging",
        "2011-02-01": "lagging",
        "2011-06-01": "advanced",
        "2011-07-01": "advanced",
    }
    for as_of, grade in expected.items():
        assert cli.unit(as_of, "145")["grade"] == grade, as_of
    assert cli.unit("2011-07-01", "JU")["grade"] is None


def test_grade_ties_are_won_by_the_later_record(cli):
    cli.ok_import(
        [
            *prelude(),
            review("JU", "mass_evaluation", "2011-03-01T10:00:00+08:00", grade="advanced"),
            review("JU", "leader_commentary", "2011-03-01T02:00:00Z", grade="lagging"),
            review("145", "mass_evaluation", "2011-03-01", grade="lagging"),
        ]
    )
    cli.ok_import([review("145", "superior_assessment", "2011-03-01", grade="advanced")])
    assert cli.unit("2011-03-01", "JU")["grade"] == "lagging"
    assert cli.unit("2011-03-01", "145")["grade"] == "advanced"


def test_a_grade_long_before_the_other_units_many_is_still_the_latest(cli):
    # (a status reads the latest grades back from the day, a few per unit, and looks
    # for a unit not among them on its own)
    kinds = ("mass_evaluation", "leader_commentary", "superior_assessment")
    cli.ok_import(
        [
            *prelude(),
            review("145", "mass_evaluation", "2010-12-01", grade="lagging"),
            *(
                review("JU", kinds[n % 3], f"2011-{n:02d}-01", grade="advanced")
                for n in range(1, 13)
            ),
        ]
    )
    assert cli.unit("2011-12-31", "145")["grade"] == "lagging"
    assert cli.unit("2011-12-31", "JU")["grade"] == "advanced"
    assert cli.unit("2010-11-30", "145")["grade"] is None


def test_awards_are_counted_up_to_the_date(cli):
    cli.ok_import(
        [
            *prelude(),
            award("145", "2011-07-01", "advanced_org", "province"),
            award("145", "2012-07-01", "excellent_member", "bureau", person="赵六"),
            award("JU", "2012-07-01", "model", "central"),
        ]
    )
    assert [cli.unit(d, "145")["awards"] for d in ("2011-06-30", "2011-07-01", "2012-07-01")] == [
        0,
        1,
        2,
    ]
    assert cli.unit("2012-07-01", "JU")["awards"] == 1


# --- units at a date ---------------------------------------------------------------------


def test_units_registered_after_the_date_are_absent_and_names_are_as_of_the_date(cli):
    cli.ok_import(
        [
            *prelude(),
            unit("146", "2010-08-01", "一四六所", kind="institute", parent="JU"),
            ev("UnitUpdated", "2011-01-01", unit="146", name="一四六研究所"),
        ]
    )
    assert [u["unit"] for u in cli.status("2010-07-31")["units"]] == ["JU", "145"]
    units = {u["unit"]: u for u in cli.status("2010-08-01")["units"]}
    assert set(units) == {"JU", "145", "146"}
    assert units["146"]["name"] == "一四六所"
    assert units["146"]["parent"] == "JU"
    assert units["146"]["kind"] == "institute"
    assert cli.unit("2010-12-31", "146")["name"] == "一四六所"
    assert cli.unit("2011-01-01", "146")["name"] == "一四六研究所"


def test_a_renaming_reported_late_takes_its_place_in_time(cli):
    """The name as of a day is that of the unit's latest record by time, its
    registration included, whatever order they were imported in; a renaming dated
    before the registration is refused (decision 199: it outlived the registration
    here, when it was taken)."""
    cli.ok_import(
        [
            *prelude(),
            unit("146", "2010-08-01", "一四六所", kind="institute", parent="JU"),
            ev("UnitUpdated", "2011-01-01", unit="146", name="一四六研究所"),
        ]
    )
    cli.ok_import([ev("UnitUpdated", "2010-09-01", unit="146", name="筹备组")])  # reported late
    assert cli.unit("2010-08-01", "146")["name"] == "一四六所"
    assert cli.unit("2010-12-31", "146")["name"] == "筹备组"
    assert cli.unit("2011-01-01", "146")["name"] == "一四六研究所"
    before = cli.log_text()
    path, res = cli.imp([ev("UnitUpdated", "2010-07-01", unit="146", name="更早")])
    assert_refused(res, path, 1, "2010-08-01")
    assert cli.log_text() == before


def test_units_are_listed_in_tree_order(cli):
    cli.ok_import(
        [
            *prelude(),
            unit("146", "2010-05-02", "一四六所", kind="institute", parent="JU"),
            unit("145A", "2010-05-03", "一分队", kind="office", parent="145"),
            unit("146A", "2010-05-04", "所办", kind="office", parent="146"),
            unit("140", "2010-05-05", "一四〇队", parent="JU"),
        ]
    )
    assert [u["unit"] for u in cli.status("2010-06-01")["units"]] == [
        "JU",
        "145",
        "145A",
        "146",
        "146A",
        "140",
    ]


def test_the_bureau_is_listed_first_even_when_registered_after_a_root_unit(cli):
    campaign, bureau, team = prelude()
    cli.ok_import(
        [
            campaign,
            unit("300", "2010-05-01", "独立队"),
            bureau,
            team,
        ]
    )
    assert [u["unit"] for u in cli.status("2010-06-01")["units"]] == ["JU", "145", "300"]


def test_as_of_and_known_at_are_echoed(cli):
    cli.ok_import(prelude())
    status = cli.status("2011-02-03")
    assert status["as_of"] == "2011-02-03"
    assert status["known_at"] is None

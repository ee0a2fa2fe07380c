"""The status JSON has exactly the shape of FORMAT.md "Status: cxzy status --format json"."""

from __future__ import annotations

import pytest

from contract_helpers import (
    PHASES,
    act,
    award,
    commit,
    expected_items,
    full_history,
    prelude,
    rect,
    review,
)
from cxzy.domain import status as status_rules

PHASE_STATUSES = {"done", "done_late", "pending", "at_risk", "active", "overdue"}
ITEM_STATES = {"done", "late", "open", "missed"}
UNIT_KEYS = {
    "unit",
    "name",
    "kind",
    "parent",
    "grade",
    "phases",
    "commitments",
    "rectifications",
    "awards",
}


def test_the_domain_knows_exactly_the_states_format_md_names():
    """The words a script reads (FORMAT.md) are the domain's own, none more, none
    fewer: a state added to the rules must be added to the contract too."""
    assert set(status_rules.PHASE_STATES) == PHASE_STATUSES
    assert set(status_rules.ITEM_STATES) == ITEM_STATES


def test_status_json_of_a_small_history_exactly(cli):
    cli.ok_import(
        [
            *prelude(),
            act("145", "mobilization", "2010-05-12"),
            act("145", "implementation_plan", "2010-05-20"),
            commit("K1", "145", "2010-05-21", "2010-06-30"),
            act("145", "study", "2010-06-02"),
            act("145", "party_spirit_analysis", "2010-06-25"),
            review("145", "mass_evaluation", "2010-06-28", grade="middle"),
            rect("R1", "145", "2010-06-10", "2010-06-30", supervised=True),
            award("JU", "2010-06-29"),
        ]
    )
    compete_open = dict.fromkeys(
        (
            "party_spirit_education",
            "mass_evaluation",
            "post_dedication",
            "serve_masses",
            "show_badge",
            "org_innovation",
        ),
        "open",
    )
    expected = {
        "campaign": {"id": "c1", "title": "T", "template": "cxzy-2010"},
        "as_of": "2010-07-01",
        "known_at": None,
        "units": [
            {
                "unit": "JU",
                "name": "局机关",
                "kind": "bureau",
                "parent": None,
                "grade": None,
                "phases": {
                    "mobilize": {
                        "status": "overdue",
                        "items": dict.fromkeys(
                            ("mobilization", "implementation_plan", "public_commitment", "study"),
                            "missed",
                        ),
                    },
                    "compete": {
                        "status": "at_risk",
                        "items": {**compete_open, "party_spirit_analysis": "missed"},
                    },
                    "rectify": {
                        "status": "pending",
                        "items": {
                            "learn_from_models": "open",
                            "rectifications_closed": "done",
                            "commitments_fulfilled": "done",
                        },
                    },
                    "summarize": {
                        "status": "pending",
                        "items": dict.fromkeys(
                            ("summary", "superior_assessment", "mechanism", "exhibition"), "open"
                        ),
                    },
                },
                "commitments": {"total": 0, "fulfilled": 0, "overdue": 0},
                "rectifications": {
                    "total": 0,
                    "open": 0,
                    "overdue": 0,
                    "supervised_open": 0,
                    "escalated": 0,
                },
                "awards": 1,
            },
            {
                "unit": "145",
                "name": "一四五队",
                "kind": "team",
                "parent": "JU",
                "grade": "middle",
                "phases": {
                    "mobilize": {
                        "status": "done_late",
                        "items": {
                            "mobilization": "done",
                            "implementation_plan": "done",
                            "public_commitment": "done",
                            "study": "late",
                        },
                    },
                    "compete": {
                        "status": "active",
                        "items": {
                            **compete_open,
                            "party_spirit_analysis": "done",
                            "mass_evaluation": "done",
                        },
                    },
                    "rectify": {
                        "status": "pending",
                        "items": {
                            "learn_from_models": "open",
                            "rectifications_closed": "open",
                            "commitments_fulfilled": "open",
                        },
                    },
                    "summarize": {
                        "status": "pending",
                        "items": dict.fromkeys(
                            ("summary", "superior_assessment", "mechanism"), "open"
                        ),
                    },
                },
                "commitments": {"total": 1, "fulfilled": 0, "overdue": 1},
                "rectifications": {
                    "total": 1,
                    "open": 1,
                    "overdue": 1,
                    "supervised_open": 1,
                    "escalated": 0,
                },
                "awards": 0,
            },
        ],
    }
    assert cli.status("2010-07-01") == expected


@pytest.mark.parametrize("as_of", ["2010-05-01", "2010-07-01", "2011-07-01", "2012-11-08"])
def test_status_json_shape_for_every_unit(cli, as_of):
    cli.ok_import(full_history())
    status = cli.status(as_of)
    assert set(status) == {"campaign", "as_of", "known_at", "units"}
    assert status["campaign"] == {"id": "c1", "title": "T", "template": "cxzy-2010"}
    assert status["as_of"] == as_of
    assert status["known_at"] is None
    assert isinstance(status["units"], list) and status["units"]
    for u in status["units"]:
        assert set(u) == UNIT_KEYS, u["unit"]
        assert isinstance(u["unit"], str) and isinstance(u["name"], str)
        assert u["parent"] is None or isinstance(u["parent"], str)
        assert u["grade"] in (None, "advanced", "middle", "lagging")
        assert set(u["phases"]) == set(PHASES)
        for key, cell in u["phases"].items():
            assert set(cell) == {"status", "items"}
            assert cell["status"] in PHASE_STATUSES, (u["unit"], key, cell)
            assert set(cell["items"]) == expected_items(key, u["kind"]), (u["unit"], key)
            assert set(cell["items"].values()) <= ITEM_STATES, (u["unit"], key, cell)
        assert set(u["commitments"]) == {"total", "fulfilled", "overdue"}
        assert set(u["rectifications"]) == {
            "total",
            "open",
            "overdue",
            "supervised_open",
            "escalated",
        }
        for value in [*u["commitments"].values(), *u["rectifications"].values(), u["awards"]]:
            assert type(value) is int and value >= 0


def test_status_of_the_full_history_in_2011(cli):
    cli.ok_import(full_history())
    units = {u["unit"]: u for u in cli.status("2011-07-01")["units"]}
    assert list(units) == ["JU", "145", "145A", "146"]
    u145 = units["145"]
    assert u145["grade"] == "middle"
    assert u145["commitments"] == {"total": 1, "fulfilled": 1, "overdue": 0}
    assert u145["rectifications"] == {
        "total": 1,
        "open": 1,
        "overdue": 1,
        "supervised_open": 1,
        "escalated": 1,
    }
    assert u145["awards"] == 1
    assert u145["phases"]["compete"]["items"]["party_spirit_analysis"] == "late"
    assert units["JU"]["phases"]["compete"]["items"]["party_spirit_analysis"] == "done"
    assert units["JU"]["grade"] == "advanced"
    assert units["JU"]["commitments"] == {"total": 1, "fulfilled": 0, "overdue": 1}
    assert units["146"]["name"] == "一四六研究所"
    assert units["146"]["rectifications"]["overdue"] == 0
    assert units["146"]["commitments"] == {"total": 1, "fulfilled": 0, "overdue": 1}
    assert units["145A"]["parent"] == "145"


def test_status_table_format_runs(cli):
    cli.ok_import(prelude())
    res = cli.run("status", "--format", "table", "--as-of", "2010-07-01")
    assert res.code == 0, str(res)
    assert "局机关" in res.out
    assert "Traceback" not in res.err

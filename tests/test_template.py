"""The campaign template is data: loaded, checked, and enough for a new campaign."""

from __future__ import annotations

import copy
import tomllib
from datetime import date
from importlib import resources

import pytest

from cxzy.application.templates import load_template
from cxzy.domain.errors import TemplateError
from cxzy.domain.status import UnitFacts, campaign_stage, unit_phases
from cxzy.domain.template import parse_template
from cxzy.i18n import rendered


def builtin() -> dict:
    text = (resources.files("cxzy") / "templates" / "cxzy-2010.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_builtin_template_has_the_plans_phases_and_items():
    template = load_template("cxzy-2010")
    assert [p.key for p in template.phases] == ["mobilize", "compete", "rectify", "summarize"]
    compete = template.phase("compete")
    assert (compete.start, compete.end) == (date(2010, 6, 1), date(2011, 6, 30))
    deadlines = {i.key: i.deadline for i in compete.items}
    assert deadlines["party_spirit_analysis"] == date(2010, 6, 30)
    assert deadlines["post_dedication"] == date(2011, 6, 30)
    summarize = template.phase("summarize")
    assert [i.key for i in summarize.items_for("team")] == [
        "summary",
        "superior_assessment",
        "mechanism",
    ]
    assert "exhibition" in [i.key for i in summarize.items_for("bureau")]
    assert "study" in template.activity_kinds and "self_chosen" not in template.activity_kinds


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.pop("key"), "missing 'key'"),
        (lambda d: d["phases"][1].update(start="2010-13-01"), "phase compete"),
        (lambda d: d["phases"][1].update(end=date(2010, 1, 1)), "ends"),
        (lambda d: d["phases"][2].update(start=date(2011, 6, 1)), "starts before"),
        (lambda d: d["phases"][0]["items"][0].update(has="meeting"), "mobilization"),
        (lambda d: d["phases"][0]["items"][0].pop("kind"), "needs a 'kind'"),
        (lambda d: d["phases"][1]["items"][1].update(deadline=date(2012, 1, 1)), "outside"),
        (lambda d: d["phases"][1]["items"].append(dict(d["phases"][0]["items"][0])), "used twice"),
        (lambda d: d["phases"][3]["items"][3].update(scope="planet"), "scope"),
        (lambda d: d["phases"][0]["items"][0].update(colour="red"), "unknown setting"),
        (lambda d: d.update(timezone="Mars/Olympus"), "time zone"),
        # the zone of whichever machine reads the store: the days would change with it
        (lambda d: d.update(timezone="localtime"), "whichever machine"),
    ],
)
def test_a_broken_template_is_refused_naming_the_place(change, where):
    data = copy.deepcopy(builtin())
    change(data)
    with pytest.raises(TemplateError) as broken:
        parse_template(data, "template test.toml")
    assert where in rendered(broken.value, "en")


def test_a_campaign_of_the_same_shape_needs_no_code():
    # 党史学习教育 2021: three phases, different items — only data changes.
    data = {
        "key": "dangshi-2021",
        "title": {"zh": "党史学习教育", "en": "Party history education"},
        "phases": [
            {
                "key": "study",
                "start": date(2021, 2, 20),
                "end": date(2021, 6, 30),
                "items": [
                    {"key": "special_study", "has": "activity", "kind": "special_study"},
                    {"key": "public_commitment", "has": "public_commitment"},
                ],
            },
            {
                "key": "practice",
                "start": date(2021, 7, 1),
                "end": date(2021, 11, 30),
                "items": [
                    {"key": "serve", "has": "activity", "kind": "serve_masses"},
                    {"key": "kept", "all_closed": "commitments"},
                ],
            },
        ],
    }
    template = parse_template(data)
    facts = UnitFacts(firsts={"activity:special_study": date(2021, 3, 1)}, closed_sets={})
    phases = unit_phases(template, "team", facts, as_of=date(2021, 7, 2))
    assert phases["study"].items == {"special_study": "done", "public_commitment": "missed"}
    assert phases["study"].status == "overdue"
    assert phases["practice"].status == "active"


def test_campaign_windows_move_default_deadlines_and_explicit_ones_keep_their_day():
    template = load_template("cxzy-2010").with_windows(
        {"compete": (date(2010, 6, 1), date(2011, 5, 31))}
    )
    deadlines = {i.key: i.deadline for i in template.phase("compete").items}
    assert deadlines["post_dedication"] == date(2011, 5, 31)
    assert deadlines["party_spirit_analysis"] == date(2010, 6, 30)


def test_a_campaigns_span_is_its_earliest_start_to_its_latest_end():
    """A campaign's own windows need not keep the template's order (decision 92):
    its first day is no longer the first phase's start, nor its last the last's end."""
    template = load_template("cxzy-2010").with_windows(
        {
            "mobilize": (date(2010, 6, 5), date(2010, 6, 20)),
            "rectify": (date(2011, 7, 1), date(2012, 12, 31)),
        }
    )
    assert (template.first_day, template.last_day) == (date(2010, 6, 1), date(2012, 12, 31))


@pytest.mark.parametrize(
    ("window", "deadline"),
    [
        ((date(2019, 6, 10), date(2020, 6, 30)), date(2019, 6, 30)),  # 七一前夕, 2019
        ((date(2019, 7, 5), date(2020, 12, 31)), date(2020, 6, 30)),  # the next 30 June
        ((date(2019, 7, 5), date(2020, 5, 31)), date(2020, 5, 31)),  # none: the last day
    ],
)
def test_an_explicit_deadline_is_that_day_of_the_year_in_a_moved_window(window, deadline):
    """A 2019 campaign on the 2010 template: the party-spirit analysis is due on the
    eve of 1 July 2019, not 2010 (it was "missed" before its phase began)."""
    template = load_template("cxzy-2010").with_windows({"compete": window})
    item = next(i for i in template.phase("compete").items if i.key == "party_spirit_analysis")
    assert item.deadline == deadline


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (date(2010, 5, 10), "before"),
        (date(2010, 5, 11), "during"),
        (date(2011, 6, 1), "during"),
        (date(2011, 6, 15), "between"),  # compete ends 06-10 below, rectify starts 07-01
        (date(2012, 11, 7), "during"),
        (date(2012, 11, 8), "after"),
    ],
)
def test_a_day_outside_every_phase_is_before_between_or_after_them(day, stage):
    template = load_template("cxzy-2010").with_windows(
        {"compete": (date(2010, 6, 1), date(2011, 6, 10))}
    )
    assert campaign_stage(template, day) == stage

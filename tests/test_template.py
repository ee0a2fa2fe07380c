"""The campaign template is data: loaded, checked, and enough for a new campaign."""

from __future__ import annotations

import copy
import tomllib
from datetime import date, datetime
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
        # TOML's date with a time is a date to Python: it was "internal error (TypeError)"
        (lambda d: d["phases"][1].update(start=datetime(2010, 6, 1, 8)), "without a time of day"),
        # a number of days past SQLite's integers failed every read of the log
        (lambda d: d.update(late_report_days=2**63 - 1), "late_report_days must be a whole"),
        (lambda d: d.update(history_days=100_000), "from 0 to 3,660"),
        # phases and items a script names: "" was taken, a status JSON key
        (lambda d: d["phases"][1].update(key=""), "phase 2: needs a key"),
        (lambda d: d["phases"][1].update(key="com pete"), "without spaces"),
        (lambda d: d["phases"][0]["items"][0].update(key="mobi\tlization"), "without spaces"),
        # names: shown on one line, in a language of the interface, not blank
        (lambda d: d["phases"][0].update(short={"zh": "学\n习\x1b[31m"}), "U+000A, U+001B"),
        (lambda d: d["phases"][0].update(name={"fr": "Étude"}), "fr is no language"),
        (lambda d: d["phases"][0].update(name=" "), "name is empty"),
        (lambda d: d.update(title=2021), "title must be a string"),
        # a phase named by a sentence, without a short name, made a grid column 46 wide
        (lambda d: d["phases"][1].pop("short"), "name 'Compete and advance' is too long to head"),
        (
            lambda d: d["phases"][1].update(short="全面争创扎实推进中"),
            "short '全面争创扎实推进中' is",
        ),
        # more phases or items than a screen or a checklist holds (2,000 were taken)
        (
            lambda d: d["phases"].extend(_later_phases(d, 17)),
            "21 phases: a campaign has at most 20",
        ),
        (lambda d: d["phases"][0]["items"].extend(_items(47)), "51 items: a phase has at most 50"),
    ],
)
def test_a_broken_template_is_refused_naming_the_place(change, where):
    data = copy.deepcopy(builtin())
    change(data)
    with pytest.raises(TemplateError) as broken:
        parse_template(data, "template test.toml")
    assert where in rendered(broken.value, "en")


def _later_phases(data: dict, count: int) -> list[dict]:
    """``count`` phases of a day each after the template's last, each with one item."""
    last = data["phases"][-1]["end"]
    first = date(last.year + 1, 1, 1)
    return [
        {
            "key": f"extra{n}",
            "start": first.replace(day=n + 1),
            "end": first.replace(day=n + 1),
            "items": [{"key": f"extra_item{n}", "has": "activity", "kind": f"extra{n}"}],
        }
        for n in range(count)
    ]


def _items(count: int) -> list[dict]:
    return [{"key": f"more{n}", "has": "activity", "kind": f"more{n}"} for n in range(count)]


def test_a_kind_two_items_count_is_refused_where_a_unit_has_both():
    """A has-item is met by the unit's first such record, whenever held (DOMAIN.md):
    the same kind in a later phase was met by the earlier phase's record, months
    before that phase began (a probe's template reusing 集中学习)."""
    data = copy.deepcopy(builtin())
    again = {"key": "study_again", "has": "activity", "kind": "study"}
    data["phases"][2]["items"].append(again)
    with pytest.raises(TemplateError) as broken:
        parse_template(data, "template test.toml")
    said = rendered(broken.value, "en")
    assert "phase rectify" in said and "'study_again'" in said, said
    assert "(activity study) as item 'study' of phase mobilize" in said, said
    # a public commitment asked for twice, a review kind twice: the same
    data = copy.deepcopy(builtin())
    data["phases"][3]["items"].append(
        {"key": "eval_again", "has": "review", "kind": "mass_evaluation"}
    )
    with pytest.raises(TemplateError, match=r"tpl\.same_records"):
        parse_template(data, "template test.toml")
    # items no unit has both of (the bureau's, the teams') may count the same kind
    data = copy.deepcopy(builtin())
    data["phases"][3]["items"][3]["scope"] = "bureau"
    data["phases"][2]["items"].append(
        {"key": "team_exhibition", "has": "activity", "kind": "exhibition", "scope": "team"}
    )
    template = parse_template(data, "template test.toml")
    assert [i.key for i in template.phase("rectify").items_for("team")][-1] == "team_exhibition"


def test_a_kept_template_is_read_without_what_planning_refuses_as_form():
    """A store planned before these checks keeps its template: it is still read (a
    later, stricter cxzy reads the stores planned before it)."""
    data = copy.deepcopy(builtin())
    data["phases"][2]["items"].append({"key": "study_again", "has": "activity", "kind": "study"})
    data["phases"][0]["name"] = {"fr": "Mobilisation"}
    data["phases"][1]["key"] = "com pete"
    data["late_report_days"] = 400
    data["phases"].extend(_later_phases(data, 17))
    template = parse_template(data, "template test.toml", strict=False)
    assert len(template.phases) == 21 and template.late_report_days == 400
    assert template.phases[1].key == "com pete"


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

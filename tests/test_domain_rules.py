"""The aggregates enforce the lifecycles of DOMAIN.md where events are created."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from cxzy.application.app import CampaignApp
from cxzy.domain.commitments import Commitment
from cxzy.domain.errors import Violation
from cxzy.domain.facts import Activity, Award, ContactPoint, ContactVisit, LeaderAssignment, Review
from cxzy.domain.moments import known_at
from cxzy.domain.records import Stamp
from cxzy.domain.rectifications import Rectification
from cxzy.domain.registry import Registry
from cxzy.i18n import rendered

ZONE = ZoneInfo("Asia/Shanghai")


def stamp(day: str, hour: int = 9, rid: str = "r") -> Stamp:
    at = datetime.fromisoformat(day).replace(hour=hour, tzinfo=ZONE)
    return Stamp(record_id=f"{rid}-{day}-{hour}", at=at, day=at.date())


def rectification(deadline: str = "2011-03-31", owner: str | None = "王建新") -> Rectification:
    return Rectification(
        stamp=stamp("2011-03-01"),
        rectification="R1",
        unit="ZP",
        issue="学习制度不落实",
        deadline=date.fromisoformat(deadline),
        source="legacy",
        owner=owner,
        supervised=True,
    )


def codes(error: pytest.ExceptionInfo[Violation]) -> str:
    return error.value.code


def test_a_commitment_takes_nothing_after_it_is_fulfilled():
    c = Commitment(
        stamp=stamp("2010-05-20"),
        commitment="C1",
        unit="145",
        text="完成钻探",
        due=date(2010, 12, 31),
        public=True,
        person=None,
    )
    c.change_due(stamp("2010-06-01"), due=date(2011, 3, 31), reason="设备延误")
    assert c.due == date(2011, 3, 31)
    c.fulfil(stamp("2011-03-01"), note=None)
    for attempt in (
        lambda: c.progress(stamp("2011-03-02"), note="x"),
        lambda: c.change_due(stamp("2011-03-02"), due=date(2011, 4, 1), reason="x"),
        lambda: c.fulfil(stamp("2011-03-02"), note=None),
    ):
        with pytest.raises(Violation) as error:
            attempt()
        assert codes(error) == "commitment_fulfilled"
    # back-filled before the fulfilment: said as the order it breaks ("nothing may
    # follow" named no reason for a note dated before it)
    with pytest.raises(Violation) as error:
        c.progress(stamp("2010-09-01"), note="x")
    assert codes(error) == "commitment_fulfilled_before"
    assert "2010-09-01T09:00:00+08:00, before then" in rendered(error.value, "en")
    assert len(c.collect_events()) == 3


def test_times_never_go_backwards_within_a_life():
    c = Commitment(
        stamp=stamp("2010-05-20"),
        commitment="C1",
        unit="145",
        text="t",
        due=date(2010, 12, 31),
        public=True,
        person=None,
    )
    c.progress(stamp("2010-05-20"), note="same moment is fine")
    with pytest.raises(Violation) as error:
        c.progress(stamp("2010-05-19"), note="earlier")
    assert codes(error) == "time_backwards"


def test_rectification_full_life_with_a_rejected_verification():
    r = rectification()
    r.progress(stamp("2011-03-10"), note="整改中")
    r.extend(stamp("2011-03-20"), deadline=date(2011, 4, 30), reason="需时更长")
    r.complete(stamp("2011-04-20"), note=None)
    with pytest.raises(Violation) as error:
        r.progress(stamp("2011-04-21"), note="x")
    assert codes(error) == "rectification_not_open"
    r.verify(stamp("2011-04-25"), accepted=False, verifier="刘宏", note="未达标")
    assert r.state == "open"
    r.complete(stamp("2011-05-10"), note=None)
    r.verify(stamp("2011-05-12"), accepted=True, verifier="刘宏", note=None)
    assert r.state == "closed"
    with pytest.raises(Violation) as error:
        r.escalate(stamp("2011-06-01"), action="public_criticism", note=None)
    assert codes(error) == "rectification_closed"
    with pytest.raises(Violation) as error:  # back-filled before the closing
        r.progress(stamp("2011-05-11"), note="x")
    assert codes(error) == "rectification_closed_before"
    said = rendered(error.value, "zh")
    assert "已于 2011-05-12T09:00:00+08:00 销号" in said and "2011-05-11T09:00:00+08:00" in said


def test_verification_waits_for_completion_and_not_by_the_owner():
    r = rectification()
    with pytest.raises(Violation) as error:
        r.verify(stamp("2011-03-05"), accepted=True, verifier="刘宏", note=None)
    assert codes(error) == "rectification_not_completed"
    r.complete(stamp("2011-03-06"), note=None)
    with pytest.raises(Violation) as error:
        r.verify(stamp("2011-03-07"), accepted=True, verifier="王建新", note=None)
    assert codes(error) == "verifier_is_owner"
    for written in ("王 建新", "王建新 ", "王　建新"):  # (its owner's name written otherwise)
        with pytest.raises(Violation) as error:
            r.verify(stamp("2011-03-07"), accepted=False, verifier=written, note=None)
        assert codes(error) == "verifier_is_owner_as"
        assert error.value.params["owner"] == "王建新"
    latin = rectification(owner="Li Ming")
    latin.complete(stamp("2011-03-06"), note=None)
    for written in ("li ming", "ＬＩ　ＭＩＮＧ", "LiMing"):
        with pytest.raises(Violation) as error:
            latin.verify(stamp("2011-03-07"), accepted=True, verifier=written, note=None)
        assert codes(error) == "verifier_is_owner_as"
    latin.verify(stamp("2011-03-07"), accepted=True, verifier="Li Mingyu", note=None)
    unowned = rectification(owner=None)
    unowned.complete(stamp("2011-03-06"), note=None)
    unowned.verify(stamp("2011-03-07"), accepted=True, verifier="王建新", note=None)


def test_extension_must_be_later():
    r = rectification()
    with pytest.raises(Violation) as error:
        r.extend(stamp("2011-03-02"), deadline=date(2011, 3, 31), reason="same day")
    assert codes(error) == "deadline_not_later"


def test_escalation_only_after_the_deadline_and_in_order():
    r = rectification(deadline="2011-03-31")
    with pytest.raises(Violation) as error:
        r.escalate(stamp("2011-03-31", hour=23), action="public_criticism", note=None)
    assert codes(error) == "escalation_before_deadline"
    with pytest.raises(Violation) as error:
        r.escalate(stamp("2011-04-01"), action="accountability", note=None)
    assert codes(error) == "accountability_first"
    r.escalate(stamp("2011-04-01"), action="public_criticism", note="通报批评")
    with pytest.raises(Violation) as error:
        r.escalate(stamp("2011-04-02"), action="public_criticism", note=None)
    assert codes(error) == "escalated_already"
    r.escalate(stamp("2011-04-15"), action="accountability", note="问责")
    assert r.escalations == ["public_criticism", "accountability"]


def test_registry_refuses_unknown_units_parents_and_a_second_bureau():
    registry = Registry()
    day = date(2010, 5, 11)
    with pytest.raises(Violation) as error:
        registry.register_unit("JU", "bureau", None, day)
    assert codes(error) == "no_campaign"
    from cxzy.application.templates import load_template
    from cxzy.domain.registry import CampaignInfo

    registry.plan_campaign(
        CampaignInfo("c", load_template("cxzy-2010"), "Asia/Shanghai"), date(2010, 5, 11)
    )
    registry.register_unit("JU", "bureau", None, date(2010, 6, 1))
    for args, code in (
        (("JU", "team", None, day), "unit_registered"),
        (("145", "team", "XX", day), "unknown_parent"),
        (("J2", "bureau", None, day), "second_bureau"),
        (("145", "team", "JU", date(2010, 5, 31)), "parent_registered_later"),
    ):
        with pytest.raises(Violation) as error:
            registry.register_unit(*args)
        assert codes(error) == code
    topless = Registry(campaign=registry.campaign)  # a bureau is the top unit
    topless.register_unit("145", "team", None, day)
    with pytest.raises(Violation) as error:
        topless.register_unit("JU", "bureau", "145", day)
    assert codes(error) == "bureau_with_parent"
    assert "JU" not in topless.units
    with pytest.raises(Violation) as error:
        registry.require_activity_kind("picnic")
    assert codes(error) == "unknown_activity_kind"
    registry.require_activity_kind("self_chosen")


def test_a_record_does_not_happen_before_its_unit_or_its_person():
    """A unit registered on 1 June, an activity of it on 12 May: status as of 20
    May counted the activity for a unit it did not list (and a child under a
    parent it did not list)."""
    from cxzy.application.templates import load_template
    from cxzy.domain.registry import CampaignInfo

    registry = Registry()
    registry.plan_campaign(
        CampaignInfo("c", load_template("cxzy-2010"), "Asia/Shanghai"), date(2010, 5, 11)
    )
    registry.register_unit("JU", "bureau", None, date(2010, 6, 1))
    registry.require_unit("JU", date(2010, 6, 1))  # the same day: any time of it
    with pytest.raises(Violation) as error:
        registry.require_unit("JU", date(2010, 5, 31))
    assert codes(error) == "unit_registered_later"
    assert error.value.params["registered"] == "2010-06-01"
    registry.add_person("王", date(2010, 6, 1))
    registry.add_person("王", date(2010, 5, 20))  # a second role: the first counts
    registry.require_person("王", date(2010, 5, 20))
    with pytest.raises(Violation) as error:
        registry.require_person("王", date(2010, 5, 19))
    assert codes(error) == "person_assigned_later"
    # before the campaign's first day (2010-05-11), the history it took over: a
    # legacy rectification of the year before, of a unit registered on that day
    registry.register_unit("ZP", "team", None, date(2010, 5, 11))
    registry.require_unit("ZP", date(2009, 11, 1))
    registry.add_person("李", date(2010, 5, 11))
    registry.require_person("李", date(2010, 5, 10))
    # but none of a unit or a person that came later (a unit of June, "mobilized" in 2009)
    with pytest.raises(Violation) as error:
        registry.require_unit("JU", date(2009, 11, 1))
    assert codes(error) == "unit_registered_later"
    with pytest.raises(Violation) as error:
        registry.require_person("王", date(2010, 5, 10))
    assert codes(error) == "person_assigned_later"
    with pytest.raises(Violation) as error:  # but never a unit before its parent
        registry.register_unit("145", "team", "JU", date(2010, 5, 10))
    assert codes(error) == "parent_registered_later"


def test_every_violation_has_both_languages():
    from cxzy.i18n import MESSAGES

    for code, texts in MESSAGES.items():
        assert texts.get("zh") and texts.get("en"), code


def test_every_message_names_the_same_values_in_both_languages_and_formats():
    """A lone brace in a message (a closing '}' said in words) was an internal error
    when the message was said; a value named in one language only goes unsaid."""
    import string

    from cxzy.i18n import LABELS, MESSAGES

    for code, texts in [*MESSAGES.items(), *LABELS.items()]:
        named = {}
        for lang in ("zh", "en"):
            if lang in texts:
                parsed = string.Formatter().parse(texts[lang])  # (raises on a lone brace)
                named[lang] = {field for _, field, _, _ in parsed if field}
        assert len(set(map(frozenset, named.values()))) <= 1, (code, named)


FACTS = [
    (
        Activity,
        {"unit": "ZP", "kind": "study", "title": "学习", "participants": 3, "activity": None},
    ),
    (
        Review,
        {
            "unit": "ZP",
            "kind": "inspection",
            "review": None,
            "reviewer": "王",
            "grade": "advanced",
            "ratings": {"leadership": 5},
            "method": "tour",
            "verdict": "ok",
            "note": None,
        },
    ),
    (Award, {"unit": "ZP", "title": "model", "level": "bureau", "person": "李"}),
    (LeaderAssignment, {"person": "李", "role": "leader"}),
    (ContactPoint, {"person": "李", "unit": "ZP"}),
    (ContactVisit, {"person": "李", "unit": "ZP", "note": "走访"}),
]


@pytest.mark.parametrize(("cls", "fields"), FACTS, ids=[c.__name__ for c, _ in FACTS])
def test_a_facts_event_made_without_its_aggregate_is_the_one_the_aggregate_records(cls, fields):
    """The import makes a fact's one event directly (Fact.recorded): stored, it
    must be byte for byte what the aggregate records."""
    mapper = CampaignApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper
    with freeze_time("2026-12-01 08:00:00"):
        made = cls(stamp=stamp("2011-03-01"), **fields).collect_events()
    direct = cls.recorded(stamp("2011-03-01"), timestamp=made[0].timestamp, **fields)
    assert len(made) == 1 and type(direct) is type(made[0])
    assert mapper.to_stored_event(direct) == mapper.to_stored_event(made[0])


def test_a_known_at_moment_is_read_in_the_campaign_zone_and_never_still_to_come():
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime(2011, 3, 1, 10, 0, tzinfo=zone)
    assert known_at("2011-03-01T09:00", zone, now) == datetime(2011, 3, 1, 9, tzinfo=zone)
    assert known_at("2011-03-01T01:00+00:00", zone, now).utcoffset() == zone.utcoffset(now)
    assert known_at("2011-02-28", zone, now) == datetime(2011, 2, 28, tzinfo=zone)
    # nanoseconds, as `date -Ins` prints them, were "not an ISO 8601 moment": cut to
    # microseconds (never rounded up past the moment typed)
    nanos = known_at("2011-03-01T01:00:00.123456789+00:00", zone, now)
    assert nanos == datetime(2011, 3, 1, 9, 0, 0, 123456, tzinfo=zone)
    for text, code in (("2011-03-01T10:01", "future_moment_option"), ("soon", "bad_moment_option")):
        with pytest.raises(Violation) as refused:
            known_at(text, zone, now)
        assert refused.value.code == code


def test_a_moment_is_written_with_an_offset_in_hours_and_minutes():
    """Known at 1900-01-01 in Shanghai, status JSON said +08:05:43 (local mean
    time), which strict ISO 8601 readers (JavaScript's Date) refuse."""
    from cxzy.domain.moments import iso_moment

    zone = ZoneInfo("Asia/Shanghai")
    old = datetime(1900, 1, 1, tzinfo=zone)
    assert iso_moment(old) == "1899-12-31T15:54:17+00:00"
    assert datetime.fromisoformat(iso_moment(old)) == old
    later = datetime(2011, 3, 1, 9, tzinfo=zone)
    assert iso_moment(later) == "2011-03-01T09:00:00+08:00"


def test_a_record_years_before_the_campaign_is_refused_as_a_year_typed_wrong(tmp_path):
    """An activity of 2001-11-16 (for 2011) went in, exit 0, into a log that keeps it
    for good; a rectification of the year before the campaign is still history it
    takes over (decision 211), within the template's history_days."""
    from cxzy.application.templates import load_template
    from cxzy.domain.registry import CampaignInfo
    from cxzy.domain.template import TemplateError, parse_template

    registry = Registry()
    template = load_template("cxzy-2010")
    registry.plan_campaign(CampaignInfo("c", template, "Asia/Shanghai"), date(2010, 5, 11))
    registry.require_since_history(date(2009, 5, 11))  # (366 days before 2010-05-11)
    with pytest.raises(Violation) as refused:
        registry.require_since_history(date(2001, 11, 16))
    assert rendered(refused.value, "en") == (
        "2001-11-16 is more than 366 days before the campaign's first day, 2010-05-11: "
        "a year typed wrong? (how many days of history a campaign takes over is its"
        " template's history_days)"
    )
    assert template.history_days == 366
    with pytest.raises(TemplateError) as broken:
        parse_template({"key": "x", "history_days": -1, "phases": []}, "x.toml")
    assert "history_days must be a whole number" in rendered(broken.value, "en")


@pytest.mark.parametrize(
    ("left", "colour"),
    [(21, "green"), (20, "yellow"), (11, "yellow"), (10, "orange"), (0, "orange"), (-1, "red")],
)
def test_an_alerts_colour_is_by_the_days_left_as_the_readme_says(left, colour):
    """Green with more than 20 days left, yellow from 20, orange from 10, red once
    overdue (the deadline's own day is not overdue yet)."""
    from cxzy.domain.alerts import urgency

    day = date(2011, 3, 15)
    assert urgency(day + timedelta(days=left), day) == colour

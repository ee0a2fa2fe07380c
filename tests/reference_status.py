"""A deliberately naive reference model of DOMAIN.md's status rules.

Written from ../shared/DOMAIN.md and ../shared/FORMAT.md alone (the phase table of
template ``cxzy-2010``), without reading cxzy's own domain or read-model code: its
value is that it is independent. It loops over the event records (dicts in the
FORMAT.md JSON Lines shape) for every question it answers, with no caching.

``reference_units(records, day)`` is the ``units`` list of
``cxzy status --as-of DAY --format json`` for a store holding those records, in
that log order.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

CAMPAIGN_ZONE = ZoneInfo("Asia/Shanghai")

# DOMAIN.md, "Phases of the built-in template cxzy-2010" (the windows may be
# overridden by CampaignPlanned's ``phases``, FORMAT.md):
# phase key -> (first day, last day, [(item key, predicate, argument, explicit deadline)])
PHASES: dict[str, tuple[date, date, list[tuple[str, str, str, date | None]]]] = {
    "mobilize": (
        date(2010, 5, 11),
        date(2010, 5, 31),
        [
            ("mobilization", "activity", "mobilization", None),
            ("implementation_plan", "activity", "implementation_plan", None),
            ("public_commitment", "public_commitment", "", None),
            ("study", "activity", "study", None),
        ],
    ),
    "compete": (
        date(2010, 6, 1),
        date(2011, 6, 30),
        [
            ("party_spirit_education", "activity", "party_spirit_education", None),
            ("party_spirit_analysis", "activity", "party_spirit_analysis", date(2010, 6, 30)),
            ("mass_evaluation", "review", "mass_evaluation", None),
            ("post_dedication", "activity", "post_dedication", None),
            ("serve_masses", "activity", "serve_masses", None),
            ("show_badge", "activity", "show_badge", None),
            ("org_innovation", "activity", "org_innovation", None),
        ],
    ),
    "rectify": (
        date(2011, 7, 1),
        date(2012, 6, 30),
        [
            ("learn_from_models", "activity", "learn_from_models", None),
            ("rectifications_closed", "all_closed", "rectifications", None),
            ("commitments_fulfilled", "all_closed", "commitments", None),
        ],
    ),
    "summarize": (
        date(2012, 7, 1),
        date(2012, 11, 7),
        [
            ("summary", "activity", "summary", None),
            ("superior_assessment", "review", "superior_assessment", None),
            ("mechanism", "activity", "mechanism", None),
            ("exhibition", "activity", "exhibition", None),  # the bureau only
        ],
    ),
}
BUREAU_ONLY_ITEMS = {"exhibition"}


def moment(at: str) -> datetime:
    """The moment an ``at`` names, in the campaign's zone: a date is local midnight,
    a datetime without offset is local time."""
    if len(at) == 10:
        parsed = datetime.fromisoformat(at + "T00:00:00")
    else:
        parsed = datetime.fromisoformat(at)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=CAMPAIGN_ZONE)
    return parsed.astimezone(CAMPAIGN_ZONE)


def local_day(at: str) -> date:
    """The campaign-local date an ``at`` falls on."""
    return moment(at).date()


def counts(record: dict[str, Any], day: date) -> bool:
    """Whether a record counts as of ``day`` (its ``at`` is on or before it)."""
    return local_day(record["at"]) <= day


# --- the lives of commitments and rectifications ------------------------------


def fulfilment_day(records: list[dict[str, Any]], code: str, day: date) -> date | None:
    """The day commitment ``code`` was fulfilled, if it was by ``day``."""
    for r in records:
        if r["type"] == "CommitmentFulfilled" and r["commitment"] == code and counts(r, day):
            return local_day(r["at"])
    return None


def date_as_of(records: list[dict[str, Any]], kind: str, code: str, field: str, day: date) -> date:
    """A commitment's due date or a rectification's deadline (``field``) as its
    records by ``day`` last set it (a life's records are in time order)."""
    found = None
    for r in records:
        if r.get(kind) == code and field in r and counts(r, day):
            found = date.fromisoformat(r[field])
    assert found is not None
    return found


def closing_day(records: list[dict[str, Any]], code: str, day: date) -> date | None:
    """The day rectification ``code`` was closed, if it was closed as of ``day``: its
    latest verification by then was accepted (a rejection reopens it)."""
    latest = None
    for r in records:
        if r["type"] == "RectificationVerified" and r["rectification"] == code and counts(r, day):
            latest = r
    if latest is not None and latest["accepted"]:
        return local_day(latest["at"])
    return None


# --- items and phases ---------------------------------------------------------


def satisfaction(
    records: list[dict[str, Any]],
    unit: str,
    predicate: str,
    argument: str,
    deadline: date,
    day: date,
) -> tuple[bool, date | None]:
    """(satisfied, satisfying date) of an item for a unit as of ``day``."""
    if predicate in ("activity", "review", "public_commitment"):
        days = []
        for r in records:
            if not counts(r, day) or r.get("unit") != unit:
                continue
            if predicate == "activity" and r["type"] == "ActivityHeld" and r["kind"] == argument:
                days.append(local_day(r["at"]))
            if predicate == "review" and r["type"] == "ReviewRecorded" and r["kind"] == argument:
                days.append(local_day(r["at"]))
            if (
                predicate == "public_commitment"
                and r["type"] == "CommitmentMade"
                and r.get("public", True)
            ):
                days.append(local_day(r["at"]))
        if not days:
            return False, None
        return True, min(days)
    assert predicate == "all_closed"
    closings: list[date] = []
    for r in records:
        if not counts(r, day) or r.get("unit") != unit:
            continue
        if local_day(r["at"]) > deadline:
            continue  # opened or made after the item's deadline: not in the set
        if argument == "commitments" and r["type"] == "CommitmentMade":
            closed = fulfilment_day(records, r["commitment"], day)
        elif argument == "rectifications" and r["type"] == "RectificationOpened":
            closed = closing_day(records, r["rectification"], day)
        else:
            continue
        if closed is None:
            return False, None
        closings.append(closed)
    return True, max(closings) if closings else None


def item_state(satisfied: bool, when: date | None, deadline: date, day: date) -> str:
    if satisfied:
        return "done" if when is None or when <= deadline else "late"
    return "open" if day <= deadline else "missed"


def phase_status(items: dict[str, str], first: date, last: date, day: date) -> str:
    states = list(items.values())
    if all(s == "done" for s in states):
        return "done"
    if all(s in ("done", "late") for s in states):
        return "done_late"
    if day < first:
        return "pending"
    if day <= last and "missed" in states:
        return "at_risk"
    if day <= last:
        return "active"
    return "overdue"


# --- units --------------------------------------------------------------------


def latest_grade(records: list[dict[str, Any]], unit: str, day: date) -> str | None:
    """The grade of the latest graded review by ``at``; ties: the later in the log."""
    best = None
    for r in records:
        if r["type"] != "ReviewRecorded" or r["unit"] != unit or not counts(r, day):
            continue
        if r.get("grade") is None:
            continue
        if best is None or moment(r["at"]) >= moment(best["at"]):
            best = r
    return None if best is None else best["grade"]


def unit_status(records: list[dict[str, Any]], registered: dict[str, Any], day: date) -> dict:
    code = registered["unit"]
    name = registered["name"]
    latest_rename = None
    for r in records:
        if r["type"] != "UnitUpdated" or r["unit"] != code or "name" not in r:
            continue
        if counts(r, day) and (
            latest_rename is None or moment(r["at"]) >= moment(latest_rename["at"])
        ):
            latest_rename = r
    if latest_rename is not None:
        name = latest_rename["name"]

    phases = {}
    for key, (_, _, items) in PHASES.items():
        first, last = windows(records)[key]
        states = {}
        for item, predicate, argument, explicit in items:
            if item in BUREAU_ONLY_ITEMS and registered["kind"] != "bureau":
                continue
            deadline = last if explicit is None else moved_deadline(explicit, key, first, last)
            satisfied, when = satisfaction(records, code, predicate, argument, deadline, day)
            states[item] = item_state(satisfied, when, deadline, day)
        phases[key] = {"status": phase_status(states, first, last, day), "items": states}

    commitments = {"total": 0, "fulfilled": 0, "overdue": 0}
    rectifications = {"total": 0, "open": 0, "overdue": 0, "supervised_open": 0, "escalated": 0}
    awards = 0
    for r in records:
        if not counts(r, day):
            continue
        if r["type"] == "CommitmentMade" and r["unit"] == code:
            commitments["total"] += 1
            if fulfilment_day(records, r["commitment"], day) is not None:
                commitments["fulfilled"] += 1
            elif date_as_of(records, "commitment", r["commitment"], "due", day) < day:
                commitments["overdue"] += 1
        if r["type"] == "RectificationOpened" and r["unit"] == code:
            rid = r["rectification"]
            rectifications["total"] += 1
            if closing_day(records, rid, day) is None:
                rectifications["open"] += 1
                if date_as_of(records, "rectification", rid, "deadline", day) < day:
                    rectifications["overdue"] += 1
                if r.get("supervised", False):
                    rectifications["supervised_open"] += 1
            escalations = [
                e
                for e in records
                if e["type"] == "RectificationEscalated"
                and e["rectification"] == rid
                and counts(e, day)
            ]
            if escalations:
                rectifications["escalated"] += 1
        if r["type"] == "CommendationAwarded" and r["unit"] == code:
            awards += 1

    return {
        "unit": code,
        "name": name,
        "kind": registered["kind"],
        "parent": registered.get("parent"),
        "grade": latest_grade(records, code, day),
        "phases": phases,
        "commitments": commitments,
        "rectifications": rectifications,
        "awards": awards,
    }


def windows(records: list[dict[str, Any]]) -> dict[str, tuple[date, date]]:
    """Each phase's window: the template's, or as the CampaignPlanned record's
    ``phases`` override it (an item's explicit deadline stays as the table names it)."""
    found = {key: (first, last) for key, (first, last, _) in PHASES.items()}
    for r in records:
        if r["type"] == "CampaignPlanned":
            assert r.get("template", "cxzy-2010") == "cxzy-2010"
            for phase in r.get("phases", []):
                found[phase["key"]] = (
                    date.fromisoformat(phase["start"]),
                    date.fromisoformat(phase["end"]),
                )
    return found


def moved_deadline(explicit: date, phase: str, first: date, last: date) -> date:
    """An item's own deadline when its phase's window is the campaign's own: not in
    DOMAIN.md but in docs/decisions.md 166 — the first date of the same month and
    day within the new window, or the window's last day when it holds none; a window
    left as the template's leaves it where it is."""
    if (first, last) == PHASES[phase][:2]:
        return explicit
    day = first
    while day <= last:
        if (day.month, day.day) == (explicit.month, explicit.day):
            return day
        day += timedelta(days=1)
    return last


def reference_units(records: list[dict[str, Any]], day: date) -> list[dict[str, Any]]:
    """The status ``units`` of the units registered on or before ``day``, by unit code."""
    units = [r for r in records if r["type"] == "UnitRegistered" and counts(r, day)]
    return sorted((unit_status(records, u, day) for u in units), key=lambda u: u["unit"])

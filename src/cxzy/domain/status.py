"""Status at a date (DOMAIN.md, "Status at a date"): item states and phase
(cell) status, from the facts the read model finds for a unit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from cxzy.domain.template import Item, Phase, Template

DONE, LATE, OPEN, MISSED = "done", "late", "open", "missed"
ITEM_STATES = (DONE, LATE, OPEN, MISSED)
PHASE_DONE, PHASE_DONE_LATE, PENDING, AT_RISK, ACTIVE, OVERDUE = (
    "done",
    "done_late",
    "pending",
    "at_risk",
    "active",
    "overdue",
)
PHASE_STATES = (PHASE_DONE, PHASE_DONE_LATE, PENDING, AT_RISK, ACTIVE, OVERDUE)
PHASE_FINISHED = (PHASE_DONE, PHASE_DONE_LATE)  # a unit is through the phase
PHASE_BEHIND = (AT_RISK, OVERDUE)  # a unit is behind in the phase


@dataclass(frozen=True)
class ClosedSet:
    """The entities an "all closed" item looks at, as of a date."""

    total: int
    closed: int
    late: int  # of those closed, how many after the item's deadline

    @property
    def satisfied(self) -> bool:
        return self.closed == self.total


EMPTY_SET = ClosedSet(0, 0, 0)


@dataclass(frozen=True)
class UnitFacts:
    """What the read model knows of one unit as of a date."""

    firsts: Mapping[str, date]  # fact key ("activity:study") → earliest day ≤ as-of
    closed_sets: Mapping[str, ClosedSet]  # item key → its set as of the date


@dataclass(frozen=True)
class PhaseStatus:
    status: str
    items: dict[str, str]  # item key → item state, in template order

    @property
    def progress(self) -> tuple[int, int]:
        """(items done or late, items)."""
        finished = sum(1 for s in self.items.values() if s in (DONE, LATE))
        return finished, len(self.items)


def item_state(satisfied: bool, satisfied_on: date | None, deadline: date, as_of: date) -> str:
    if satisfied:
        return DONE if satisfied_on is None or satisfied_on <= deadline else LATE
    return OPEN if as_of <= deadline else MISSED


def evaluate_item(item: Item, facts: UnitFacts, as_of: date) -> str:
    if item.all_closed:
        # all closed by the deadline: done; all closed, some after it: late
        found = facts.closed_sets.get(item.key, EMPTY_SET)
        if found.satisfied:
            return LATE if found.late else DONE
        return OPEN if as_of <= item.deadline else MISSED
    first = facts.firsts.get(item.fact or "")
    return item_state(first is not None, first, item.deadline, as_of)


def phase_status(phase: Phase, states: list[str], as_of: date) -> str:
    if all(s == DONE for s in states):
        return PHASE_DONE
    if all(s in (DONE, LATE) for s in states):
        return PHASE_DONE_LATE
    if as_of < phase.start:
        return PENDING
    if as_of <= phase.end:
        return AT_RISK if MISSED in states else ACTIVE
    return OVERDUE


def unit_phases(
    template: Template, unit_kind: str, facts: UnitFacts, as_of: date
) -> dict[str, PhaseStatus]:
    """Every phase's status and item states for one unit as of a date."""
    result: dict[str, PhaseStatus] = {}
    for phase in template.phases:
        items = {item.key: evaluate_item(item, facts, as_of) for item in phase.items_for(unit_kind)}
        result[phase.key] = PhaseStatus(phase_status(phase, list(items.values()), as_of), items)
    return result


def current_phases(template: Template, as_of: date) -> list[Phase]:
    """The phases whose windows hold the date (windows may overlap: decision 92)."""
    return [p for p in template.phases if p.start <= as_of <= p.end]


def campaign_stage(template: Template, as_of: date) -> str:
    """Where a date falls in the campaign: ``during`` a phase, ``before`` the first,
    ``after`` the last, or ``between`` two (windows may leave gaps)."""
    if current_phases(template, as_of):
        return "during"
    if as_of < template.first_day:
        return "before"
    if as_of > template.last_day:
        return "after"
    return "between"

"""What a file a unit sent in may hold (``cxzy import --unit``, decision 311).

Records about the unit or a unit under it, and of those only what the unit itself
reports: not the acts of its superiors or of the office (a rectification's
verification and escalation, an award, a superior's review, a leader's role or
contact point), which they record themselves. A unit's file that verified its own
rectification or awarded itself a commendation went in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cxzy.domain.errors import Coded, Violation
from cxzy.domain.registry import Registry

# records the office (or a superior) makes, never a unit about itself
OFFICE_TYPES = frozenset(
    {
        "CampaignPlanned",
        "LeaderAssigned",
        "ContactPointAssigned",
        "RectificationVerified",
        "RectificationEscalated",
        "CommendationAwarded",
    }
)
# reviews made by superiors (DOMAIN.md: assessment, commentary, inspection); a unit
# reports its own mass evaluation
SUPERIORS_REVIEWS = frozenset({"superior_assessment", "leader_commentary", "inspection"})


def superiors_record(type_: str, fields: Mapping[str, Any]) -> bool:
    """Whether a record is the office's or a superior's, never a unit's own."""
    if type_ == "ReviewRecorded":
        return fields.get("kind") in SUPERIORS_REVIEWS
    return type_ in OFFICE_TYPES


# what refuses a record of a unit's file whatever its life's other records
SENDER_CODES = frozenset({"outside_sender", "outside_sender_top", "sender_superiors_record"})


def require_from_sender(
    registry: Registry,
    sender: str,
    type_: str,
    fields: Mapping[str, Any],
    unit_of_life: Callable[[], str],
) -> None:
    """A record of a file unit ``sender`` sent in is its own to send: not one the
    office or a superior records, and about ``sender`` or a unit under it: by the
    unit it names, for a later step of a commitment's or rectification's life by
    its unit (``unit_of_life``), for a unit registered by its parent. A unit not
    registered is left to the record's own rules to say."""
    if superiors_record(type_, fields):
        kind = fields["kind"] if type_ == "ReviewRecorded" else None
        what = Coded("type", type_) if kind is None else Coded("review_kind", kind)
        raise Violation("sender_superiors_record", sender=sender, what=what)
    if type_ == "UnitRegistered":
        if fields["parent"] is None:  # (a unit at the top is under no one)
            raise Violation("outside_sender_top", sender=sender, unit=fields["unit"])
        unit = fields["parent"]
    else:
        unit = fields["unit"] if fields.get("unit") is not None else unit_of_life()
    if unit in registry.units and not registry.is_under(unit, sender):
        raise Violation("outside_sender", sender=sender, unit=unit)


# fields a unit's own records fill more narrowly than the format allows:
# (type, field) → (required, codes left out)
_UNITS_OWN_FIELDS: dict[tuple[str, str], tuple[bool | None, frozenset[str]]] = {
    ("ReviewRecorded", "kind"): (None, SUPERIORS_REVIEWS),
    ("UnitRegistered", "kind"): (None, frozenset({"bureau"})),  # (the office's, at the top)
    ("UnitRegistered", "parent"): (True, frozenset()),  # (a unit registers one under it)
}


def units_own_field(
    type_: str, name: str, required: bool, choices: tuple[str, ...]
) -> tuple[bool, tuple[str, ...]]:
    """(required, codes) of a field as a unit's own records fill it (the fill-in
    workbook made for one unit)."""
    narrowed, left_out = _UNITS_OWN_FIELDS.get((type_, name), (None, frozenset()))
    kept = tuple(c for c in choices if c not in left_out)
    return (required if narrowed is None else narrowed), kept

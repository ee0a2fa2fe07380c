"""What a file a unit sent in may hold (``cxzy import --unit``, decision 311).

Records about the unit or a unit under it, and of those only what the unit itself
reports: not the acts of its superiors or of the office (a rectification's
verification and escalation, an award, a superior's review, a leader's role or
contact point), which they record themselves. A unit's file that verified its own
rectification or awarded itself a commendation went in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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

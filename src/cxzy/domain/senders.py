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

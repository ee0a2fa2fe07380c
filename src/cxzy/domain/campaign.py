"""The campaign: planned once, on a template (kept with it), in a time zone."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from cxzy.domain.records import Stamp, entity_id


class Campaign(Aggregate):
    TOPIC = "cxzy:Campaign"

    class Created(Aggregate.Created):
        TOPIC = "cxzy:Campaign.Created"

    @staticmethod
    def create_id(campaign: str, **_: Any) -> UUID:
        return entity_id("campaign", campaign)

    @event("Planned", topic="cxzy:CampaignPlanned")
    def __init__(
        self,
        stamp: Stamp,
        campaign: str,
        title: str,
        template: str,
        timezone: str,
        phases: list[dict[str, Any]] | None,
        template_text: str | None = None,
    ) -> None:
        # template_text: the template as planned on, kept with the campaign so that
        # its rules stay those it was planned on (decision 259; not a record's field)
        self.code = campaign
        self.title = title
        self.template = template
        self.timezone = timezone
        self.phases = phases

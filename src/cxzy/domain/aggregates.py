"""Every aggregate of cxzy. Importing this module registers the explicit topics
(``cxzy:CommitmentMade`` …) under which events are stored, so any process that
reads the store can resolve them."""

from cxzy.domain.campaign import Campaign
from cxzy.domain.commitments import Commitment
from cxzy.domain.facts import Activity, Award, ContactPoint, ContactVisit, LeaderAssignment, Review
from cxzy.domain.rectifications import Rectification
from cxzy.domain.units import Unit

AGGREGATES = (
    Campaign,
    Unit,
    Commitment,
    Rectification,
    Activity,
    Review,
    Award,
    LeaderAssignment,
    ContactPoint,
    ContactVisit,
)

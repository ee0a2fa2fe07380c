"""Where a commitment or a rectification stands on a day: the words of the special
ledger (专项台帐) and of a unit's screen, from the records of its life up to that day.

Commitments, against the due date in force (after any change): ``kept`` fulfilled
on or before it; ``kept_late`` fulfilled after it; ``broken`` not fulfilled and
the due date is before the day (what ``status`` counts as overdue); ``open`` not
fulfilled and not yet due.

Rectifications: ``closed`` (verified and accepted: 销号), ``overdue`` (not closed,
deadline before the day), ``awaiting`` (completed, waiting for verification),
``open``.
"""

from __future__ import annotations

from datetime import date

KEPT, KEPT_LATE, BROKEN, OPEN = "kept", "kept_late", "broken", "open"
COMMITMENT_RESULTS = (KEPT, KEPT_LATE, BROKEN, OPEN)
CLOSED, OVERDUE, AWAITING = "closed", "overdue", "awaiting"


def commitment_result(due: date, fulfilled_on: date | None, as_of: date) -> str:
    """A commitment's result on ``as_of``, with the due date in force then."""
    if fulfilled_on is not None:
        return KEPT if fulfilled_on <= due else KEPT_LATE
    return BROKEN if due < as_of else OPEN


def rectification_step(state: str, type_: str, accepted: bool | None = None) -> str:
    """A rectification's state after one more record of its life (``accepted``: a
    verification's verdict). Progress, extensions and escalations leave it as it was."""
    if type_ == "RectificationCompleted":
        return AWAITING
    if type_ == "RectificationVerified":
        return CLOSED if accepted else OPEN
    return state


def rectification_state(state: str, deadline: date, as_of: date) -> str:
    """Its state on ``as_of``, from the state its records left it in and the deadline
    in force: not closed and past its deadline is overdue."""
    return OVERDUE if state != CLOSED and deadline < as_of else state

"""Moments users type: the moment of the store to show it "as known at"."""

from __future__ import annotations

from datetime import datetime, tzinfo

from cxzy.domain.errors import Violation


def known_at(text: str, zone: tzinfo, now: datetime) -> datetime:
    """The moment ``text`` names (ISO 8601, a day or a time, in ``zone`` when it
    names no offset), as a time in ``zone``.

    Raises :class:`Violation` when it is not a moment, or when it is still to come
    at ``now``: the store can say what it had recorded by a moment up to now, and
    the figures of now given "as known at" a later one would claim to know it."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Violation("bad_moment_option", value=text) from None
    moment = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
    if moment > now:
        raise Violation("future_moment_option", value=text)
    return moment

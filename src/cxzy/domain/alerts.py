"""Urgency of open deadlines: the ladder the office reads at a glance."""

from __future__ import annotations

from datetime import date

GREEN, YELLOW, ORANGE, RED = "green", "yellow", "orange", "red"
YELLOW_DAYS, ORANGE_DAYS = 20, 10


def days_left(deadline: date, as_of: date) -> int:
    """Whole days from the day shown to the deadline (negative once overdue)."""
    return (deadline - as_of).days


def urgency(deadline: date, as_of: date) -> str:
    """green while more than 20 days remain, yellow at 20 or fewer, orange at 10
    or fewer, red once overdue (the deadline is before the day shown)."""
    left = days_left(deadline, as_of)
    if left < 0:
        return RED
    if left <= ORANGE_DAYS:
        return ORANGE
    if left <= YELLOW_DAYS:
        return YELLOW
    return GREEN

"""Colours for states, shared by the tables and the dashboard: always paired with a word,
so every screen reads without colour."""

from __future__ import annotations

STATE_STYLES = {
    "done": "green",
    "late": "yellow",
    "done_late": "yellow",
    "open": "cyan",
    "active": "cyan",
    "pending": "dim",
    "at_risk": "bold red",
    "missed": "red",
    "overdue": "red",
}
URGENCY_STYLES = {
    "green": "green",
    "yellow": "yellow",
    "orange": "dark_orange",
    "red": "bold red",
}

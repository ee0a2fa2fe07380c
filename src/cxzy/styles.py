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
# yellow and orange as colours of their own: the dashboard's theme draws the terminal's
# "yellow" orange, so ≤ 20 and ≤ 10 days left looked the same
URGENCY_STYLES = {
    "green": "green",
    "yellow": "#e6db74",
    "orange": "#ff8700",
    "red": "bold red",
}

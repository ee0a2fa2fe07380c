"""Styles for states, shared by the tables and the dashboard: always paired with a word,
so every screen reads without colour. One palette per kind of terminal: colour is not
all a terminal has, and a colour's meaning must survive the terminal's own palette."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

COLOUR_SYSTEMS_OF_16 = ("standard", "windows")  # (Rich's names: 8 or 16 colours)


@dataclass(frozen=True)
class Palette:
    """What each kind of text looks like on one kind of terminal."""

    states: Mapping[str, str]  # a phase's or an item's state (done, overdue, …)
    urgency: Mapping[str, str]  # a deadline's nearness (domain.alerts' colours)
    late: str  # reported late; a commitment kept late
    kept: str  # a commitment kept in time
    flags: str  # [督办] and the like beside an alert or a rectification
    badges: Mapping[str, str]  # the header's word for the view (live, past, replay, …)
    past: str  # the header's day or moment in the past
    ahead: str  # the header's day to come


COLOUR = Palette(
    states={
        "done": "green",
        "late": "yellow",
        "done_late": "yellow",
        "open": "cyan",
        "active": "cyan",
        "pending": "dim",
        "at_risk": "bold red",
        "missed": "red",
        "overdue": "red",
    },
    # yellow and orange as colours of their own: the dashboard's theme draws the
    # terminal's "yellow" orange, so ≤ 20 and ≤ 10 days left looked the same
    urgency={"green": "green", "yellow": "#e6db74", "orange": "#ff8700", "red": "bold red"},
    late="yellow",
    kept="green",
    flags="bold magenta",
    badges={
        "replay": "black on magenta",
        "ahead": "black on cyan",
        "historical": "black on yellow",
        "gone": "white on red",
        "offline": "white on red",
        "live": "black on green",
    },
    past="yellow",
    ahead="cyan",
)

# A terminal of 16 colours draws the terminal's own colours (the dashboard's theme
# "ansi-dark"): a colour given by its value was taken to the nearest of the 16 there,
# and orange (≤ 10 days left) became the terminal's red, red (overdue) its magenta.
SIXTEEN = replace(
    COLOUR,
    urgency={"green": "green", "yellow": "yellow", "orange": "bold yellow", "red": "bold red"},
)

# NO_COLOR: the dashboard draws every colour as a grey of its brightness, and red's grey
# on the dark background could hardly be seen (1.3:1), the most urgent states the
# faintest text on the screen. Without colour the text keeps the foreground's, and
# what is urgent stands out by weight and a line under it.
MONO = Palette(
    states={
        "done": "",
        "late": "italic",
        "done_late": "italic",
        "open": "",
        "active": "",
        "pending": "dim",
        "at_risk": "bold",
        "missed": "bold underline",
        "overdue": "bold underline",
    },
    urgency={"green": "", "yellow": "", "orange": "bold", "red": "bold underline"},
    late="italic",
    kept="",
    flags="bold",
    badges=dict.fromkeys(COLOUR.badges, "bold reverse"),
    past="bold",
    ahead="bold",
)


def palette_for(no_color: bool, color_system: str | None) -> Palette:
    """The palette of a terminal: NO_COLOR set, or no colour known (None), or 16
    colours, or more (Rich's ``Console.color_system``)."""
    if no_color or color_system is None:
        return MONO
    if color_system in COLOUR_SYSTEMS_OF_16:
        return SIXTEEN
    return COLOUR

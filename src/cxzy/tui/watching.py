"""Watchers of a long-lived node's reactives, set by nodes that come and go.

Textual keeps a watcher of another object's reactive (``self.watch(self.app, …)``,
and every ``data_bind``) in that object until the attribute next changes, and
only then drops those of closed nodes (textual#6666). The app's snapshot changes
only when the day shown or the store does, and a footer's ``compact`` never: on a
quiet day every unit or log screen opened and closed stayed alive with all its
widgets, and every key of every footer laid out again (each change of the keys a
screen offers), 1–4 MB a visit. A screen that watches the app forgets its
watchers when it is unmounted (it is closing by then), and the footer forgets its
removed keys' when it lays its keys out again: both drop what Textual would.
"""

from __future__ import annotations

from typing import Any

# where Textual keeps an object's watchers of its reactives (textual.reactive._watch)
_WATCHERS = "__watchers"


def forget_closed_watchers(watched: Any) -> None:
    """Drop the watchers of ``watched``'s reactives set by nodes closing or closed
    (what Textual does when the attribute changes)."""
    for found in getattr(watched, _WATCHERS, {}).values():
        found[:] = [(owner, callback) for owner, callback in found if not owner._closing]

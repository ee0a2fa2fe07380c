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

A screen watches the app only while it is in sight (:class:`InSightScreen`):
covered by another screen, it keeps the last value and shows it once back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events, on
from textual.screen import Screen

# where Textual keeps an object's watchers of its reactives (textual.reactive._watch)
_WATCHERS = "__watchers"

#: What a screen read and the store did not give (its connection lost; said by the
#: app) is asked for again after this many seconds, until it comes
READ_AGAIN_SECONDS = 1.0


def forget_closed_watchers(watched: Any) -> None:
    """Drop the watchers of ``watched``'s reactives set by nodes closing or closed
    (what Textual does when the attribute changes)."""
    for found in getattr(watched, _WATCHERS, {}).values():
        found[:] = [(owner, callback) for owner, callback in found if not owner._closing]


def covered(screen: Screen[Any]) -> bool:
    """Whether a screen of the dashboard's own lies over ``screen`` and hides it (a
    unit's, the log); a dialog over it leaves it in sight (Textual paints what lies
    under a modal screen)."""
    stack = screen.app.screen_stack
    if screen not in stack:
        return False
    return any(not above.is_modal for above in stack[stack.index(screen) + 1 :])


class InSightScreen(Screen[None]):
    """A screen that follows the app's reactives only while it is in sight.

    Textual repaints the screen on top wherever the screen under it changes, even
    where the one on top hides it: each step on a unit's screen redrew the whole
    terminal once more for the overview's header, alerts and grid updated out of
    sight (and read and laid them out: time a step waited for). Covered, only the
    last value is kept, and shown when the screen is back on top."""

    def __init__(self) -> None:
        super().__init__()
        self._held: dict[str, tuple[Any, Callable[[Any], None]]] = {}

    def watch_in_sight(
        self, obj: Any, attribute: str, callback: Callable[[Any], None], *, init: bool = True
    ) -> None:
        """``self.watch(obj, attribute, callback)``, held while the screen is covered."""

        def called(value: Any) -> None:
            if covered(self):
                self._held[attribute] = (obj, callback)
            else:
                self._held.pop(attribute, None)
                callback(value)

        self.watch(obj, attribute, called, init=init)

    @on(events.ScreenResume)
    def _show_held(self) -> None:
        held, self._held = self._held, {}
        for attribute, (obj, callback) in held.items():
            callback(getattr(obj, attribute))

"""Python's full garbage collections, moved to where nobody waits for the screen.

A full pass walks every object the dashboard keeps (its widgets, styles, the cells
and lines its tables have drawn, the totals a status query remembers): 10-20 ms at
a million events, which Python starts whenever enough objects have survived, so
in the middle of a time-travel step as often as not. Here:

- what is alive once the first screen is drawn lives as long as the app: it is
  frozen out of every full pass (``gc.freeze``);
- Python's own full passes are deferred (young generations are still collected,
  and refcounting frees all the rest as it always does);
- a full pass is run when the dashboard has been idle for a moment after a paint,
  or right after a paint when none has run for a while (a replay never idles),
  and at least that often whatever the screen (the log, a unit) is doing; a
  snapshot that starts being read is not idle: a pass due then waits for its paint.

Everything is put back when the app stops: tests run many apps in one process.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from cxzy.application.collection import defer_full_collections

IDLE_SECONDS = 1.0  # after the last paint, a full pass
LONGEST_SECONDS = 30.0  # never longer without one


class IdleCollector:
    """Full collections at idle moments of one app (see the module's doc)."""

    def __init__(self) -> None:
        self._restore: Callable[[], None] | None = None  # Python's own passes back
        self._timer: Any = None
        self._every: Any = None
        self._last = time.monotonic()

    def start(self, app: Any) -> None:
        """Once the first screen is drawn."""
        if self._restore is not None:
            return
        gc.freeze()
        self._restore = defer_full_collections()
        self._every = app.set_interval(LONGEST_SECONDS, self._when_due)

    def _when_due(self) -> None:
        if time.monotonic() - self._last >= LONGEST_SECONDS:
            self.collect()

    def painted(self, app: Any) -> None:
        """After a paint: a full pass soon, unless another paint comes first."""
        if self._restore is None:
            return
        if self._timer is not None:
            self._timer.stop()
        if time.monotonic() - self._last > LONGEST_SECONDS:
            self.collect()
        else:
            self._timer = app.set_timer(IDLE_SECONDS, self.collect)

    def busy(self) -> None:
        """A snapshot is being read (a step, a live update): the pass due after the
        last paint waits for the next one."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def collect(self) -> None:
        self._timer = None
        self._last = time.monotonic()
        gc.collect()

    def stop(self) -> None:
        for timer in (self._timer, self._every):
            if timer is not None:
                timer.stop()
        self._timer = self._every = None
        if self._restore is not None:
            self._restore()
            self._restore = None
            gc.unfreeze()

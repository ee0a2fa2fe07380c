"""Helpers for driving the dashboard with Textual's Pilot."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from textual.worker import WorkerCancelled


def _ready(app: Any) -> bool:
    """The worker's snapshot and chart have arrived and the grid shows them."""
    if app.query_ is None:  # the empty-store screen: nothing to load
        return not app.workers
    if app.snapshot is None or app.series is None or app.workers:
        return False
    units = app.snapshot.report.units
    # (a filter may leave no row)
    return all(
        grid.row_count > 0 or not units or grid.filter_text
        for grid in app.screen.query("StatusGrid")
    )


async def settle(pilot: Any) -> None:
    """Wait until the screen shows the current snapshot, then until it is idle."""
    app = pilot.app
    for _ in range(200):
        await pilot.pause(0.05)
        # an exclusive worker (the live poll) replaced by a newer one is cancelled:
        # normal, not a failure; the loop waits for the newer one
        with suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        if _ready(app):
            break
    else:  # (a screen that never shows its snapshot: the test would go on against it)
        raise AssertionError("the dashboard did not show its snapshot within 10 s")
    for _ in range(3):
        await pilot.pause()
    await pilot.pause(0.1)

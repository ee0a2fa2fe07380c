"""Helpers for driving the dashboard with Textual's Pilot."""

from __future__ import annotations

from typing import Any


async def settle(pilot: Any) -> None:
    """Wait until the worker's snapshot and chart are on screen, then a little more."""
    app = pilot.app
    for _ in range(100):
        await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        started = app.query_ is not None
        if not app.workers and (not started or (app.snapshot and app.series is not None)):
            break
    await pilot.pause(0.2)
    await app.workers.wait_for_complete()
    await pilot.pause(0.2)

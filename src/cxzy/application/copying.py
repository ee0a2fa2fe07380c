"""Copy a whole store to another (SQLite ↔ PostgreSQL), and prove the copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cxzy.application.app import CampaignApp
from cxzy.application.history import LogFilter, LogQuery
from cxzy.application.status import StatusQuery
from cxzy.domain.errors import Violation


@dataclass(frozen=True)
class CopyResult:
    events: int
    days_compared: int


def copy_store(source: CampaignApp, target: CampaignApp) -> CopyResult:
    """Copy every event, in order, with its record id and recorded time, in one
    transaction (all or nothing); then check that both stores give the same log
    and the same status on every phase boundary."""
    if target.head() != 0:
        raise Violation("copy_target_not_empty")
    events = [event for _, event in source.notifications()]
    if not events:
        raise Violation("copy_source_empty")
    target.record(events, expected_head=0)
    days = _boundaries(source)
    left, right = StatusQuery(source), StatusQuery(target)
    for day in days:
        if left.status(day).to_json() != right.status(day).to_json():
            raise Violation("copy_differs", what=f"status {day}")
    if list(LogQuery(source).records(LogFilter())) != list(LogQuery(target).records(LogFilter())):
        raise Violation("copy_differs", what="log")
    return CopyResult(events=len(events), days_compared=len(days))


def _boundaries(app: CampaignApp) -> list[date]:
    template = StatusQuery(app).campaign().template
    return sorted({d for p in template.phases for d in (p.start, p.end)})

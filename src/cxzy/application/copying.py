"""Copy a whole store to another (SQLite ↔ PostgreSQL), and prove the copy."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import zip_longest
from pathlib import Path
from typing import Any, TypeVar

from cxzy.application.app import CampaignApp, ImportTransaction, open_app
from cxzy.application.audit import verify
from cxzy.application.history import LogFilter, LogQuery
from cxzy.application.status import StatusQuery
from cxzy.application.store import StoreLocation, failures_named
from cxzy.domain.errors import Violation

T = TypeVar("T")
_END: Any = object()
COPY_BATCH = 5_000  # events read from the source and written to the target at a time


@dataclass(frozen=True)
class CopyResult:
    events: int
    days_compared: int
    #: the source's read-model tables whose figures are not those its log gives (the
    #: copy's are made from the log: its status was then not compared to theirs)
    source_unlike: tuple[str, ...] = ()


@contextmanager
def sqlite_copy(location: StoreLocation) -> Iterator[StoreLocation]:
    """A copy of the store at ``location`` in a temporary SQLite file, removed at the
    end (messages name the store): what a dry run checks against when it may read a
    PostgreSQL store but not write it (the office's read-only role). Made and proven
    as by ``cxzy store copy``."""
    with tempfile.TemporaryDirectory(prefix="cxzy-dry-run-") as folder:
        copy = StoreLocation("sqlite", str(Path(folder) / "copy.sqlite3"))
        source = open_app(location, read_only=True)
        try:
            target = open_app(copy, create=True)
            try:
                copy_store(source, target)
            finally:
                target.close()
        finally:
            source.close()
        yield StoreLocation("sqlite", copy.target, shown=location.display())


def copy_store(
    source: CampaignApp,
    target: CampaignApp,
    on_copied: Callable[[int], None] | None = None,
    on_verified: Callable[[int], None] | None = None,
) -> CopyResult:
    """Verify the source's log (a copy of a broken one is refused; ``on_verified``
    is told how many more events were checked). Copy every event up to the source's
    head when the copy begins, in order,
    at its position, with its record id and recorded time, in one transaction of the target (all or
    nothing, other writers held off); then check that both stores give the same log
    and the same status on every phase boundary. The events go a batch at a time,
    so memory stays flat however long the log; ``on_copied`` is told how many more
    were written, a batch at a time."""
    with failures_named(source.location):
        head = source.head()
    if head == 0:
        raise Violation("copy_source_empty")
    # The copy chains every event anew, as written with it: a source whose log fails
    # verify would come out whole (an edited, removed or added event then verified
    # against the checkpoints it broke), and links computed by a rebuild would pass
    # for links written with their events.
    with failures_named(source.location):
        checked = verify(source, on_checked=on_verified)
    if not checked.ok:
        assert checked.broken is not None
        raise Violation(
            "copy_source_broken",
            store=source.location.display() if source.location else "?",
            position=checked.broken.position,
            reason=Violation(checked.broken.reason, **checked.broken.params),
        )
    copied = 0
    with failures_named(target.location), target.importing() as transaction:
        if transaction.head() != 0:
            raise Violation("copy_target_not_empty", store=target.location.display())
        # Each event keeps its position: the hash chain links positions, and a store
        # that had a transaction rolled back (PostgreSQL, before cxzy reused the
        # numbers) has gaps in them. A batch ends at a gap; the next one says where
        # it starts.
        batch: list[Any] = []
        first = 1
        for pos, event in _read(source, source.notifications()):
            if pos > head:
                break
            if batch and (len(batch) == COPY_BATCH or pos != first + len(batch)):
                copied += _append(transaction, batch, first, on_copied)
                batch = []
            if not batch:
                first = pos
            batch.append(event)
        copied += _append(transaction, batch, first, on_copied)
        if checked.rebuilt is not None:
            target.read_model.mark_rebuilt(transaction.cursor, *checked.rebuilt, checked.rebuilt_at)
        with failures_named(source.location), source.snapshot() as c:
            commits = source.read_model.commits(c, head)
        target.read_model.carry_commits(transaction.cursor, commits)
    with failures_named(source.location):
        days = _boundaries(source)
    left, right = StatusQuery(source), StatusQuery(target)
    unlike: list[str] = []
    for day in days:
        with failures_named(source.location):
            theirs_then = left.status_up_to(day, head).to_json()
        with failures_named(target.location):  # (up to the copy's last: an import into
            ours_then = right.status_up_to(day, head).to_json()  # either since is not it)
        if theirs_then != ours_then:
            # The copy's figures are made from the log; the source's may have been
            # edited outside cxzy (what verify --figures finds): then the copy is
            # right, and says so. Else the copy is wrong.
            with failures_named(source.location):
                unlike = source.figures_unlike_the_log()
            if not unlike:
                raise Violation("copy_differs", what=f"status {day}")
            break
    theirs = _read(source, LogQuery(source).records(LogFilter(until_pos=head)))
    ours = _read(target, LogQuery(target).records(LogFilter(until_pos=head)))
    if any(a != b for a, b in zip_longest(theirs, ours)):
        raise Violation("copy_differs", what="log")
    compared = 0 if unlike else len(days)
    return CopyResult(events=copied, days_compared=compared, source_unlike=tuple(unlike))


def _read(app: CampaignApp, rows: Iterable[T]) -> Iterator[T]:
    """``rows`` read from ``app``, a failure said as that store's."""
    found = iter(rows)
    while True:
        with failures_named(app.location):
            row = next(found, _END)
        if row is _END:
            return
        yield row  # type: ignore[misc]


def _append(
    transaction: ImportTransaction,
    batch: list[Any],
    first: int,
    on_copied: Callable[[int], None] | None,
) -> int:
    written = len(transaction.append(batch, {}, first=first))
    if on_copied is not None:
        on_copied(written)
    return written


def _boundaries(app: CampaignApp) -> list[date]:
    template = StatusQuery(app).campaign().template
    return sorted({d for p in template.phases for d in (p.start, p.end)})

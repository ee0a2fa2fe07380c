"""Audit: verify the hash chain against the stored events, and checkpoints.

``verify`` recomputes the chain (:mod:`cxzy.application.chain`) from
``stored_events`` in notification order and compares, position by position,
with the chain and the log index the read model keeps (``cx_chain``,
``cx_log``). The first position where they part is reported with the reason.

A *checkpoint* is one line — ``cxzy-checkpoint:POSITION:HASH:RECORDED`` — to hand
to a superior body; ``verify(against=…)`` proves the log still extends it. Its
time is the recorded time of the event at POSITION, so ``--known-at RECORDED``
reproduces every figure as of the checkpoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cxzy.application.app import CampaignApp
from cxzy.application.chain import GENESIS, content_hash, link
from cxzy.application.readmodel import (
    MARKS_SINCE,
    READ_MODEL,
    VERSION,
    delay_seconds,
    is_life,
    log_entity,
    log_marks,
    log_person,
    log_summary,
    utc_text,
)
from cxzy.domain.errors import Violation
from cxzy.domain.schema import digest_of, record_of
from cxzy.literal import clipped

BATCH = 2000
PREFIX = "cxzy-checkpoint"
# (ASCII digits: \d took ٥٤٤ for 544; at most 18 of them, as a log position is
# stored: a longer one was an internal error, "too large to convert to SQLite")
# (the hash in either case: copied from a report that printed it in capitals)
_CHECKPOINT = re.compile(rf"{PREFIX}:([0-9]{{1,18}}):([0-9a-fA-F]{{64}}):(\S+)")


@dataclass(frozen=True)
class Checkpoint:
    position: int
    hash: str
    # when the store held the event at ``position``, ISO 8601 UTC: the commit of the
    # import that wrote it, or where that is not kept (decision 164), its recorded time
    recorded: str

    def __str__(self) -> str:
        return f"{PREFIX}:{self.position}:{self.hash}:{self.recorded}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint line; raise :class:`Violation` when it is not one."""
        found = _CHECKPOINT.fullmatch(text.strip())
        # (quoted whole: a checkpoint is about 125 characters; cut at 100 with no "…",
        # its time, where a slip usually is, read as if typed short)
        refused = Violation("bad_checkpoint", value=clipped(text.strip(), 160))
        if found is None or int(found[1]) < 1:
            raise refused
        try:
            recorded = datetime.fromisoformat(found[3])
        except ValueError:
            raise refused from None
        if recorded.tzinfo is None:
            raise refused
        return cls(int(found[1]), found[2].lower(), utc_text(recorded))


@dataclass(frozen=True)
class Break:
    """The first position where the log and its chain part, and why (a message code)."""

    position: int
    reason: str
    params: dict[str, Any]


@dataclass
class VerifyReport:
    checked: int = 0
    position: int = 0  # the last position checked
    head: str = GENESIS  # the recomputed hash at ``position``
    recorded: str = ""  # the recorded time at ``position``
    committed: str | None = None  # when the import of ``position`` committed, if kept
    broken: Break | None = None
    rebuilt: tuple[int, int] | None = None  # positions chained by a rebuild, not on import
    rebuilt_at: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def checkpoint(self) -> Checkpoint:
        """ "As known at" its time, the store holds its position (its records carry
        the moment their import took the store, before the commit)."""
        return Checkpoint(self.position, self.head, self.committed or self.recorded)


class _Stop(Exception):
    def __init__(self, position: int, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.brk = Break(position, reason, params)


def verify(
    app: CampaignApp,
    against: Checkpoint | None = None,
    on_checked: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Recompute the chain from the stored events and compare; never raises for a
    broken log (the report says where), only for an unreadable store.
    ``on_checked`` is told how many more events were checked, a batch at a time."""
    report = VerifyReport()
    try:
        _verify(app, report, against, on_checked)
    except _Stop as stop:
        report.broken = stop.brk
    return report


def _verify(
    app: CampaignApp,
    report: VerifyReport,
    against: Checkpoint | None,
    on_checked: Callable[[int], None] | None = None,
) -> None:
    recorder: Any = app.recorder
    rm = app.read_model
    with app.snapshot() as c:
        if rm.dialect.name == "sqlite":  # every page, indexes too: a damaged index page
            # passed verify, where the command that read it said "damaged … run verify";
            # and each index held to its table (quick_check does not: an index that had
            # lost a stored event's key passed, and the next import stored it twice)
            found = rm.rows(c, "PRAGMA integrity_check(1)")
            if found and found[0][0] != "ok":
                said = found[0][0].splitlines()[-1]  # (after "*** in database main ***")
                raise Violation("store_damaged", store=app.store_name, reason=said)
        chain_head = int(rm.value(c, "SELECT MAX(pos) FROM cx_chain") or 0)
        # the log's rows when the check began: an import committed since (the office
        # goes on working) is not a row "added outside cxzy" past the events checked
        log_head = rm.head(c)
        rebuilt_at = rm.value(c, "SELECT value FROM cx_meta WHERE key = 'chain_rebuilt'")
        # a checkpoint's time: its record's, or its import's commit (checkpoints now)
        held_at = rm.committed_at(c, against.position) if against is not None else None
    # the last position the read model was brought to, written with the events: a
    # log that ends before it lost events from its end (none when the read model is
    # an older version's, or made anew since)
    tracked = recorder.max_tracking_id(READ_MODEL) or 0
    # an older read model, read as it is by one who may not make it anew: held to
    # what that version kept
    version = app.read_model_version or VERSION
    if version < MARKS_SINCE:
        raise Violation("read_model_too_old", store=app.store_name, version=version)
    stop = max(chain_head, recorder.max_notification_id() or 0)
    previous, last_recorded, expected = GENESIS, "", 1
    seen_import = False
    rebuilt_first = rebuilt_last = None
    lives: dict[str, str] = {}  # commitment or rectification → its unit, for its later records
    while expected <= stop:
        batch = recorder.select_notifications(expected, BATCH, stop=stop)
        if not batch:
            break
        high = batch[-1].id
        with app.snapshot() as c:
            chain = rm.chain_links(c, expected, high)
            # what the log shows of each record (when, who, from where, how late, its
            # summary): read from cx_log, so held to the stored event here too (an edited
            # origin or lateness passed verify, and cxzy log showed it)
            index = {
                int(row[0]): tuple(row[1:])
                for row in rm.rows(
                    c,
                    """SELECT pos, record_id, digest, recorded, type, at, day, delay, by_whom,
                         origin, summary, person, marks, unit, entity FROM cx_log
                       WHERE pos >= :lo AND pos <= :hi""",
                    lo=expected,
                    hi=high,
                )
            }
        for stored in batch:
            pos = stored.id
            # Positions may have gaps (PostgreSQL numbers rolled-back inserts too); an
            # event is missing when the chain has a link where the log has none. (Only
            # looked for past a gap: for every event, it was half of a verify's time.)
            if pos > expected:
                gap = [p for p in chain if expected <= p < pos]
                if gap:
                    raise _Stop(min(gap), "chain_missing")
            try:
                event = app.mapper.to_domain_event(stored)
                type_, stamp, fields = record_of(event)
                recorded = max(utc_text(event.timestamp), last_recorded)
                digest = digest_of(type_, stamp.at, fields)
            except Exception:  # whatever a tampered row makes the decoder raise
                raise _Stop(pos, "chain_unreadable") from None
            content = content_hash(stored)
            previous = link(previous, pos, recorded, content)
            kept = chain.get(pos)
            if kept is None:
                raise _Stop(pos, "chain_unchained")
            if kept[0] != content:
                raise _Stop(pos, "chain_altered")
            if kept[1] != previous:
                raise _Stop(pos, "chain_link_altered")
            if kept[2]:
                if seen_import:
                    raise _Stop(pos, "chain_outside")
                rebuilt_first = rebuilt_first or pos
                rebuilt_last = pos
            else:
                seen_import = True
            shown = (
                stamp.record_id,
                digest,
                recorded,
                type_,
                utc_text(stamp.at),
                stamp.day.isoformat(),
                delay_seconds(stamp.at, datetime.fromisoformat(recorded)),
                stamp.by,
                stamp.origin,
                log_summary(type_, fields),
                log_person(type_, fields, version),
                log_marks(type_, fields, version),
                *_unit_and_entity(type_, fields, lives),
            )
            if index.get(pos) != shown:
                raise _Stop(pos, "chain_readmodel")
            if against is not None and pos == against.position:
                if previous != against.hash:
                    raise _Stop(pos, "checkpoint_differs")
                if against.recorded not in (recorded, held_at):  # (the hash is the log's)
                    held = held_at or recorded
                    raise _Stop(pos, "checkpoint_time_differs", time=against.recorded, held=held)
            last_recorded = recorded
            report.checked += 1
            report.position, report.head, report.recorded = pos, previous, recorded
            expected = pos + 1
        if on_checked is not None:
            on_checked(len(batch))
    if chain_head >= expected:
        raise _Stop(expected, "chain_missing")
    if against is not None and against.position > report.position:
        raise _Stop(report.position + 1, "checkpoint_beyond", checkpoint=against.position)
    if tracked > report.position:
        raise _Stop(report.position + 1, "chain_truncated", end=report.position, last=tracked)
    # a row of cx_log past what the log and the read model's tracking hold: added (shown
    # by cxzy log; an import failed on it); within them, events removed are said above
    with app.snapshot() as c:
        beyond = rm.value(
            c,
            "SELECT MIN(pos) FROM cx_log WHERE pos > :end AND pos <= :head",
            end=max(report.position, tracked),
            head=log_head,
        )
    if beyond is not None:
        raise _Stop(int(beyond), "chain_readmodel_added")
    report.committed = _check_commits(app, report.position)
    if rebuilt_first is not None and rebuilt_last is not None:
        report.rebuilt = (rebuilt_first, rebuilt_last)
        report.rebuilt_at = rebuilt_at


def _unit_and_entity(
    type_: str, fields: Mapping[str, Any], lives: dict[str, str]
) -> tuple[str | None, str | None]:
    """The unit and the entity the log shows a record under (``cxzy log --unit``
    lists it by them): a life's later records under its first one's unit."""
    entity = log_entity(type_, fields)
    unit = fields.get("unit")
    if is_life(entity):
        assert entity is not None
        if unit is None:
            unit = lives.get(entity)
        else:
            lives[entity] = unit
    return unit, entity


def _check_commits(app: CampaignApp, head: int) -> str | None:
    """The imports' commit moments (``cx_commits``, outside the chain) hold to the
    chained log: each names positions of one import (one recorded moment), none
    overlap, and none was committed in the future (a day's leeway: this machine's
    clock may be behind the importer's). An edited one could only hide an import
    "as known at" a moment before the next import took the store (what "as known
    at" reads it for); made earlier, it shows the import as its records' moment
    does (a writer's clock behind the one before it can make that so). Returns
    when the import of ``head`` committed (None: not kept)."""
    rm = app.read_model
    with app.snapshot() as c:
        now = utc_text(rm.now(c) + timedelta(days=1))
        commits = rm.commits(c, head)
        previous = 0
        for last, first, committed in commits:
            moments = rm.rows(
                c,
                """SELECT MIN(recorded), MAX(recorded), MIN(pos) FROM cx_log
                   WHERE pos >= :first AND pos <= :last""",
                first=first,
                last=last,
            )
            low, high, lowest = moments[0] if moments else (None, None, None)
            if (
                first <= previous
                or first > last
                or lowest != first
                or low != high
                or committed > now
            ):
                raise _Stop(first, "commit_altered")
            previous = last
        return commits[-1][2] if commits and commits[-1][0] == head else None

"""Imports: check every record and write them all in one transaction, or none.

Records are checked in order against the store and against the records before
them in the same import. Every problem is collected (not only the first). A
record already in the store (same id, same content) is skipped; the same id
with other content is a conflict.

The import streams: records are read, checked and written a batch at a time,
all in one transaction that holds the log against other writers from its
start (a second writer waits for it), so memory stays flat however long the
file. When any problem is found, or for a dry run, the transaction is rolled
back at the end: nothing is written.
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventsourcing.domain import Aggregate

from cxzy.application.app import CampaignApp, ImportTransaction
from cxzy.application.collection import young_collections_only
from cxzy.application.problems import Problems
from cxzy.application.readmodel import LIFE_KINDS, entity_key, life_of, log_entity
from cxzy.application.templates import find_template
from cxzy.domain.campaign import Campaign
from cxzy.domain.commitments import Commitment
from cxzy.domain.errors import Coded, Listed, Violation
from cxzy.domain.facts import Activity, Award, ContactPoint, ContactVisit, LeaderAssignment, Review
from cxzy.domain.jsontext import storable
from cxzy.domain.lifecycle import Lifecycle
from cxzy.domain.moments import campaign_zone
from cxzy.domain.records import Record
from cxzy.domain.rectifications import Rectification
from cxzy.domain.registry import CampaignInfo, Registry, folded_code
from cxzy.domain.schema import RecordError, parse_record
from cxzy.domain.senders import SENDER_CODES, require_from_sender
from cxzy.domain.units import Unit

DEFAULT_ZONE = "Asia/Shanghai"
# An import's memory: a batch of records with their events and rows, the aggregates
# kept between batches, the running-total changes kept (totals.PENDING_LIMIT) and
# SQLite's page cache (recorders.IMPORT_CACHE_KB). Smaller batches and caches cost
# no time at a million events and leave room for the page cache (decision 58).
BATCH = 5_000  # records checked and written at a time
ENTITY_CACHE = 20_000  # open commitments and rectifications kept between batches

#: What a record's rule gives: the aggregate it made or changed, or the one event of
#: a fact (made without its aggregate: :meth:`Fact.recorded`).
Touched = Aggregate | list[Any]

#: A raw record from a file adapter: where it is, and the mapping or the reason
#: it could not be read (a line that is not JSON, say).
RawItem = tuple[str, Mapping[str, Any] | Violation]


@dataclass(frozen=True)
class Problem:
    where: str
    violation: Violation
    order: int = field(default=0, compare=False)  # the record's place in the input

    def __post_init__(self) -> None:
        # a raised Violation keeps the frames it was raised through, and with them
        # the record being read: 3 kB a problem, 640 MB for 200,000 refused records
        self.violation.__traceback__ = None


@dataclass
class ImportResult:
    written: int = 0
    skipped: int = 0  # already present: in the store, or earlier in these files
    repeats: int = 0  # of those, the new records that repeat one earlier in these files
    first_repeat: tuple[str, str] | None = None  # (where, where the record came first)
    repeats_by_id: bool = False  # the first repeat is of a record with its own ``id``
    records: int = 0
    position: int = 0
    problems: Problems = field(default_factory=Problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def refused(self) -> int:
        """How many records had a problem (a record may have several)."""
        return self.problems.refused

    @property
    def present(self) -> int:
        """The records skipped as the store held them before the import (the
        repeats of new ones are said apart)."""
        return self.skipped - self.repeats


def _zone(name: Any) -> tzinfo:
    try:
        return ZoneInfo(name) if isinstance(name, str) else ZoneInfo(DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


# Entity keys (as in the read model's ``cx_log.entity``) of creating records.
_CREATING = {
    "CommitmentMade": ("commitment", "c:"),
    "RectificationOpened": ("rectification", "r:"),
    "ActivityHeld": ("activity", "a:"),
    "ReviewRecorded": ("review", "v:"),
}


# What a record that names it waits for, when it is unknown: the record that makes
# a commitment, opens a rectification, registers a unit or gives a person a role in
# the leading group (type → the field and kind)
_OPENING = {
    "CommitmentMade": "commitment",
    "RectificationOpened": "rectification",
    "UnitRegistered": "unit",
    "LeaderAssigned": "person",  # (a contact point's, a visit's)
}


def _awaited(violation: Violation) -> tuple[str, str] | None:
    """The commitment, rectification, unit or person a violation says is unknown
    (kind, code)."""
    kind = violation.code.removeprefix("unknown_")
    key = violation.params.get(kind) if kind in _OPENING.values() else None
    return None if key is None else (kind, str(key))


def _life_named(record: Record) -> tuple[str, str] | None:
    """The commitment or rectification a later step of its life names (kind, id)."""
    if record.type in _CREATING:
        return None
    return life_of(log_entity(record.type, record.fields))


def _repeated(result: ImportResult, record: Record, first: str) -> None:
    """Count a record that repeats one earlier in the same import (a row pasted twice,
    a file given twice): taken once, and said, not only "already present"."""
    result.repeats += 1
    if result.first_repeat is None:
        result.first_repeat = (record.where, first)
        result.repeats_by_id = record.id_given


def os_user() -> str | None:
    """The operating-system user running this process (None when unknown)."""
    try:
        return storable(getpass.getuser()) or None
    except (OSError, KeyError, ImportError):
        return None


_ORIGIN = re.compile(r"(?P<label>.*) sha256:(?P<sha>[0-9a-f]{64}) (?:line|row) (?P<line>\d+)")


class Origin(NamedTuple):
    label: str  # the file as named to the import (``FILE``, ``FILE[SHEET]``, ``<stdin>``)
    sha256: str  # of the whole file, hex
    line: int  # its line (JSON Lines) or row (CSV, a workbook's sheet)


def origin_parts(origin: str | None) -> Origin | None:
    """The parts of an origin written by :func:`origin_of` (None for any other)."""
    found = _ORIGIN.fullmatch(origin or "")
    return Origin(found["label"], found["sha"], int(found["line"])) if found else None


def where_of(origin: str | None) -> str:
    """``FILE:LINE`` back from an origin written by :func:`origin_of`."""
    parts = origin_parts(origin)
    return f"{parts.label}:{parts.line}" if parts else origin or "?"


def origin_of(where: str, sources: Mapping[str, str]) -> str:
    """Where a record came from: ``FILE sha256:HEX line N`` when the file's
    SHA-256 is known (``sources``: file label → hex digest), else ``where``."""
    label, _, line = where.rpartition(":")
    digest = sources.get(label)
    if digest is None or not line.isdigit():
        return where
    return f"{label} sha256:{digest} line {line}"


class Importer:
    """Checks records against the store and writes them all-or-nothing.

    ``by`` is who recorded the records that do not name anyone themselves: by
    default the operating-system user running the import. ``sender``, a unit's
    code, is the unit that sent the records in: each must be about it or a unit
    under it (``cxzy import --unit``).
    """

    def __init__(
        self, app: CampaignApp, *, by: str | None = None, sender: str | None = None
    ) -> None:
        self.app = app
        self.by = by if by is not None else os_user()
        self.sender = sender

    def run(
        self,
        items: Iterable[RawItem],
        *,
        dry_run: bool = False,
        on_record: Callable[[], None] | None = None,
        sources: Mapping[str, str] | None = None,
        recorded_at: Callable[[Record], datetime] | None = None,
    ) -> ImportResult:
        """Parse, check and (unless ``dry_run``) write. ``on_record`` ticks progress;
        ``sources`` maps each file label to its SHA-256 (hex), for the records' origin.
        ``recorded_at`` (the demo's history only, never users' files: decision 6)
        gives the moment each record is taken to have reached the store, instead of
        now; the read model keeps those moments non-decreasing along the log."""
        with young_collections_only(), self.app.importing() as transaction:
            transaction.commit_noted = recorded_at is None
            check = _Check(transaction, self.by, sources or {}, recorded_at, self.sender)
            result = check.run(items, on_record)
            if not result.ok or dry_run:
                transaction.discard()
                result.position = check.head
        return result


@dataclass(frozen=True)
class _Sayings:
    """What the whole input told of a problem, kept apart from the pass (and its
    store's transaction) for the problems read after it: where the campaign was
    planned, where its plan was refused, where each awaited opening came, which
    openings were refused."""

    planned: str | None
    plan_refused: str | None
    awaited: Mapping[tuple[str, str], tuple[str, date] | None]
    refused_openings: Mapping[tuple[str, str], str]

    def __call__(self, problem: Problem) -> Problem:
        """A commitment or rectification "never made" that this import opens later
        (a record dated before its opening, or put before it in the file), or whose
        opening it refused: say so. A second campaign where this import planned the
        first: said so (the store "already held" one it did not hold)."""
        if problem.violation.code == "second_campaign" and self.planned is not None:
            said = problem.violation.altered("second_campaign_here", where=self.planned)
            return replace(problem, violation=said)
        if problem.violation.code == "no_campaign" and self.plan_refused is not None:
            # (each record after a plan refused said the store's first record must be
            # the plan, which it was)
            said = Violation("no_campaign_plan_refused", where=self.plan_refused)
            return replace(problem, violation=said)
        awaited = _awaited(problem.violation)
        if awaited is None:
            return problem
        (kind, key), opened = awaited, self.awaited.get(awaited)
        if opened is not None:
            where, day = opened
            later = Violation(f"{kind}_opened_later", key=key, where=where, day=day.isoformat())
            return replace(problem, violation=later)
        refused = self.refused_openings.get(awaited)
        if refused is not None and refused != problem.where:
            said = Violation(f"{kind}_opening_refused", key=key, where=refused)
            return replace(problem, violation=said)
        alike = problem.violation.params.get("alike")
        if alike is not None:  # never made as typed; one alike was
            said = Violation(f"unknown_{kind}_alike", key=key, existing=alike)
            return replace(problem, violation=said)
        return problem


class _Check:
    """One pass over an import's records, a batch at a time."""

    def __init__(
        self,
        transaction: ImportTransaction,
        by: str | None,
        sources: Mapping[str, str],
        recorded_at: Callable[[Record], datetime] | None = None,
        sender: str | None = None,
    ) -> None:
        self.store = transaction
        self.by = by
        self.sender = sender
        self.sources = sources
        self.recorded_at = recorded_at
        # One moment for the whole import, taken once it holds the store: its records
        # reached the store together (all or nothing), so "as known at" a moment while
        # a long import ran shows all of it or none, never the part checked by then
        # (each event's own creation moment spread a 20,000-record file over a second)
        self.moment = transaction.now()
        self.registry: Registry
        self.registry, self.head = transaction.registry()
        # Aggregates that may take more records (None: known not to exist): units and
        # open lives are kept between batches (all dropped past ENTITY_CACHE), others
        # are read again from the transaction when needed.
        self.entities: dict[tuple[str, str], Aggregate | None] = {}
        self.problems = Problems()  # (every one, in bounded memory)
        self.order: dict[str, int] = {}  # where → place in the input, for the batch's records
        # (kind, code) said to be unknown so far → where and on which day this import
        # opened it later (an unknown one is said before its opening is checked: only
        # those are kept, not every opening of a million-event import)
        self.awaited: dict[tuple[str, str], tuple[str, date] | None] = {}
        # (kind, code) of a commitment or rectification whose opening this import
        # refused → where: what names it later is said to wait on that record
        self.refused_openings: dict[tuple[str, str], str] = {}
        # (kind, id) of a commitment or rectification → where this import last refused
        # a later step of its life
        self.refused_steps: dict[tuple[str, str], str] = {}
        # where this import planned the campaign, when the store held none before
        self.planned: str | None = None
        # where this import's plan of the campaign was refused
        self.plan_refused: str | None = None
        # (kind, folded id) → the id of each commitment and rectification the store
        # holds or this import made, for ids alike: read once, when first needed
        self._ids: dict[tuple[str, str], str] | None = None
        # (kind, id) → where each entity the batch being checked made was made
        self.batch_made: dict[tuple[str, str], str] = {}
        # each plan's record id → whether it gave its time zone (or took FORMAT.md's)
        self.zone_given: dict[str, bool] = {}

    # -- the pass -------------------------------------------------------------------

    def zone_for(self, type_: str, raw: Mapping[str, Any]) -> tzinfo:
        if type_ == "CampaignPlanned":
            return _zone(raw.get("timezone", DEFAULT_ZONE))
        return _zone(self.zone_name)

    def run(self, items: Iterable[RawItem], on_record: Callable[[], None] | None) -> ImportResult:
        result = ImportResult(position=self.head)
        batch: list[Record] = []
        campaign = self.registry.campaign
        self.zone_name = campaign.timezone if campaign else DEFAULT_ZONE
        for where, raw in items:
            result.records += 1
            if on_record:
                on_record()
            if isinstance(raw, Violation):
                self.problems.append(Problem(where, raw, result.records))
                continue
            try:
                record = parse_record(
                    raw,
                    where,
                    self.zone_for,
                    origin=origin_of(where, self.sources),
                    default_by=self.by,
                    now=self.moment,
                )
            except RecordError as error:
                self.problems.extend(Problem(where, v, result.records) for v in error.problems)
                if isinstance(raw, Mapping):
                    self._opening_refused(raw.get("type"), raw, where)
                continue
            if record.type == "CampaignPlanned":
                self.zone_given[record.stamp.record_id] = "timezone" in raw
                if campaign is None:  # later records read local times here
                    self.zone_name = record.fields["timezone"]
            batch.append(record)
            self.order[where] = result.records
            if len(batch) == BATCH:
                self._batch(batch, result)
                batch = []
        self._batch(batch, result)
        # in the input's order: a batch's records are checked after the lines read with them
        # (read in the input's order, once all are in; not through the pass, which
        # holds the store's transaction: a result kept held it open)
        self.problems.said = _Sayings(
            self.planned, self.plan_refused, dict(self.awaited), dict(self.refused_openings)
        )
        result.problems = self.problems
        if self.problems:
            result.written = 0
        return result

    def _batch(self, records: list[Record], result: ImportResult) -> None:
        """Check a batch and write its events (even after a problem elsewhere: the
        records after it are checked against what the ones before it did)."""
        fresh = self._drop_known(records, result)
        self._load_existing(fresh)
        events: list[Any] = []
        for record in fresh:
            try:
                made = self._apply(record)
            except Violation as violation:
                self._problem(record, self._after_refused(record, violation))
                self._opening_refused(record.type, record.fields, record.where)
                continue
            life = _life_named(record)
            if life is not None:  # (a refused step before it is no longer the one before)
                self.refused_steps.pop(life, None)
            if record.type == "CampaignPlanned" and self.planned is None and not self.head:
                self.planned = record.where
            kind = _OPENING.get(record.type)
            opening = (kind, record.fields.get(kind)) if kind else None
            if opening in self.awaited and self.awaited[opening] is None:
                self.awaited[opening] = (record.where, record.stamp.day)
            if self.recorded_at is not None:
                moment = self.recorded_at(record)
                made = [replace(event, timestamp=moment) for event in made]
            else:
                # an aggregate's events carry the clock eventsourcing read when its
                # @event method ran (a fact's has the moment already): the import's
                # moment set on each frozen event, not copied, at 0.1 µs each
                for event in made:
                    object.__setattr__(event, "timestamp", self.moment)
            events.extend(made)
        digests = {r.stamp.record_id: r.digest for r in fresh}
        positions = self.store.append(events, digests)
        if positions:
            result.position = positions[-1]
        result.written += len(events)
        # keep what may take more records: units, and lives not over yet
        self.entities = {
            key: entity
            for key, entity in self.entities.items()
            if isinstance(entity, Unit) or (isinstance(entity, Lifecycle) and not entity.finished)
        }
        if len(self.entities) > ENTITY_CACHE:
            self.entities.clear()
        self.order.clear()
        self.batch_made.clear()

    def _after_refused(self, record: Record, violation: Violation) -> Violation:
        """A step of a commitment's or rectification's life refused after another
        step of it was refused in this import: said, as what it likely followed (a
        verification refused, the completion after it said only "awaits
        verification")."""
        life = _life_named(record)
        if life is None or violation.code in SENDER_CODES:  # (refused whatever came before)
            return violation
        earlier = self.refused_steps.get(life)
        self.refused_steps[life] = record.where
        if earlier is None or _awaited(violation) is not None:
            return violation
        kind, key = life
        return Violation(
            "after_refused", said=violation, where=earlier, kind=Coded("field", kind), key=key
        )

    def _opening_refused(self, type_: Any, fields: Mapping[str, Any], where: str) -> None:
        """Keep where an opening of a commitment or rectification, a unit's
        registration or a person's role was refused; and the campaign's plan."""
        if type_ == "CampaignPlanned" and self.plan_refused is None:
            self.plan_refused = where
        kind = _OPENING.get(type_) if isinstance(type_, str) else None
        if kind is None:
            return
        code = fields.get(kind)
        if isinstance(code, str) and code:
            self.refused_openings.setdefault((kind, code), where)

    def _problem(self, record: Record, violation: Violation) -> None:
        awaited = _awaited(violation)
        if awaited is not None:
            self.awaited.setdefault(awaited, None)
        self.problems.append(Problem(record.where, violation, self.order.get(record.where, 0)))

    def _drop_known(self, records: list[Record], result: ImportResult) -> list[Record]:
        """Skip records already present; refuse ids reused for other content."""
        seen: dict[str, Record] = {}
        ids = [r.stamp.record_id for r in records]
        stored = self.store.find_ids(ids + [rid for r in records for rid, _ in r.formers])
        fresh = []
        for record in records:
            if any(stored.get(rid, ("",))[0] == old for rid, old in record.formers):
                # present as a store written before decision 216 or 305 holds it
                result.skipped += 1
                continue
            rid = record.stamp.record_id
            earlier = seen.get(rid)
            if earlier is not None:
                if earlier.digest == record.digest:
                    result.skipped += 1
                    # a copy of a record the store held is present, in any batch
                    if not (rid in stored and stored[rid][1] <= self.head):
                        _repeated(result, record, earlier.where)
                else:
                    self._problem(record, Violation("conflict", id=rid, where=earlier.where))
                continue
            seen[rid] = record
            if rid in stored:
                digest, pos, origin = stored[rid]
                if digest == record.digest:
                    result.skipped += 1
                    if pos > self.head:  # (written by this import: a batch before)
                        _repeated(result, record, where_of(origin))
                else:
                    # an earlier record of this import, or one of the log
                    if pos > self.head:
                        clash = Violation("conflict", id=rid, where=where_of(origin))
                    else:
                        clash = Violation("conflict_stored", id=rid, pos=pos)
                    self._problem(record, clash)
                continue
            fresh.append(record)
        return fresh

    def _load_existing(self, records: list[Record]) -> None:
        """Load the entities that creating records name and the store already has,
        so that creating one again is caught as a conflict."""
        keys = {}
        for record in records:
            spec = _CREATING.get(record.type)
            if spec and record.fields.get(spec[0]):
                keys[spec[1] + record.fields[spec[0]]] = spec[0]
        for key in self.store.existing_entities(list(keys)) if keys else ():
            kind = keys[key]
            self.entities[(kind, key[2:])] = self.store.get_entity(kind, key[2:])

    # -- the rules, record by record --------------------------------------------------

    def _entity(self, kind: str, key: str) -> Any:
        if (kind, key) not in self.entities:
            self.entities[(kind, key)] = self.store.get_entity(kind, key)
        found = self.entities[(kind, key)]
        if found is None:
            raise Violation(f"unknown_{kind}", **{kind: key}, alike=self._alike(kind, key))
        return found

    def _alike(self, kind: str, key: str) -> str | None:
        """The commitment or rectification whose id differs from ``key`` only in case
        or width, that the store holds or this import made (None: there is none): a
        slip, as a unit's code alike is (later records name them by their ids)."""
        if kind not in LIFE_KINDS:
            return None
        if self._ids is None:  # (one scan of their table, at the first that needs it)
            lives = filter(None, map(life_of, self.store.life_entities()))
            self._ids = {(life, folded_code(code)): code for life, code in lives}
        found = self._ids.get((kind, folded_code(key)))
        return found if found != key else None

    def _apply(self, record: Record) -> list[Any]:
        """The record's events, once its rules hold."""
        handler = getattr(self, f"_on_{record.type}")
        if self.sender is not None:  # (a later step's unit: its life's, in the store or here)
            require_from_sender(
                self.registry,
                self.sender,
                record.type,
                record.fields,
                lambda: self._unit_of(record),
            )
        if record.type != "CampaignPlanned":
            self.registry.require_since_history(record.stamp.day)
        touched = handler(record, record.stamp, record.fields)
        if isinstance(touched, list):  # a fact's one event, made without its aggregate
            return touched
        return list(touched.collect_events())

    def _unit_of(self, record: Record) -> str:
        """The unit of the commitment or rectification a later step of its life names."""
        life = _life_named(record)
        assert life is not None  # (every other record that names no unit is the office's)
        unit: str = self._entity(*life).unit
        return unit

    def _on_CampaignPlanned(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        self.registry.require_new_campaign(f["campaign"])  # (before its template is looked for)
        found = find_template(f["template"])
        template = found.template
        try:
            campaign_zone(f["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise Violation("bad_timezone", timezone=f["timezone"]) from None
        windows = {}
        if template.timezone != f["timezone"] and not self.zone_given.get(stamp.record_id):
            # (the template's zone was checked, never used: days cut 7 hours off, unsaid)
            raise Violation(
                "template_zone_not_given",
                template=template.key,
                zone=template.timezone,
                default=f["timezone"],
            )
        keys = [p.key for p in template.phases]
        for phase in f["phases"] or []:
            if phase["key"] not in keys:
                raise Violation(
                    "unknown_phase", phase=phase["key"], template=template.key, known=Listed(keys)
                )
            windows[phase["key"]] = (phase["start"], phase["end"])
        info = CampaignInfo(f["campaign"], template.with_windows(windows), f["timezone"])
        self.registry.plan_campaign(info, stamp.day)
        return Campaign(stamp=stamp, **f, template_text=found.text)

    def _on_UnitRegistered(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        self.registry.register_unit(f["unit"], f["kind"], f["parent"], stamp.day)
        self.registry.name_unit(f["unit"], f["name"])
        unit = Unit(stamp=stamp, **f)
        self.entities[("unit", f["unit"])] = unit
        return unit

    def _on_UnitUpdated(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        self.registry.require_unit(f["unit"], stamp.day)
        unit = self._entity("unit", f["unit"])
        unit.update(stamp, name=f["name"], members=f["members"])
        self.registry.name_unit(f["unit"], f["name"])
        return unit

    def _on_LeaderAssigned(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Touched:
        self.registry.add_person(f["person"], stamp.day)
        return [LeaderAssignment.recorded(stamp, timestamp=self.moment, **f)]

    def _on_ContactPointAssigned(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Touched:
        self.registry.require_person(f["person"], stamp.day)
        self.registry.require_unit(f["unit"], stamp.day)
        return [ContactPoint.recorded(stamp, timestamp=self.moment, **f)]

    def _on_ContactVisitMade(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Touched:
        self.registry.require_person(f["person"], stamp.day)
        self.registry.require_unit(f["unit"], stamp.day)
        return [ContactVisit.recorded(stamp, timestamp=self.moment, **f)]

    def _create(
        self, kind: str, cls: type[Aggregate], stamp: Any, f: Mapping[str, Any]
    ) -> Aggregate:
        """A new entity named by the users: its id must be new."""
        key = f[kind]
        if self.entities.get((kind, key)) is not None:
            raise self._made_before(kind, key)
        alike = self._alike(kind, key)
        if alike is not None:  # (the grid, the log and a unit's clerk read them as one)
            raise Violation(f"{kind}_look_alike", key=key, existing=alike)
        self.registry.require_unit(f["unit"], stamp.day)
        check_new = getattr(cls, "check_new", None)  # (a life's first record's own rules)
        if check_new is not None:
            check_new(stamp, **f)
        entity = cls(stamp=stamp, **f)
        self.entities[(kind, key)] = entity
        self.batch_made[(kind, key)] = where_of(stamp.origin)
        if self._ids is not None:
            self._ids.setdefault((kind, folded_code(key)), key)
        return entity

    def _made_before(self, kind: str, key: str) -> Violation:
        """A new entity's id taken: by which record, of this import (where) or of the
        log (its position): "already exists" sent the clerk looking in the store for
        a commitment that an earlier row of the same workbook made."""
        shown = Coded("field", kind)
        where = self.batch_made.get((kind, key))
        if where is None:
            made = self.store.made_by(entity_key(kind, key))
            if made is None:
                return Violation("entity_conflict", kind=shown, key=key)
            pos, origin = made
            if pos <= self.head:
                return Violation("entity_conflict_stored", kind=shown, key=key, pos=pos)
            where = where_of(origin)
        return Violation("entity_conflict_here", kind=shown, key=key, where=where)

    def _on_CommitmentMade(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        return self._create("commitment", Commitment, stamp, f)

    def _on_CommitmentProgressed(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        commitment = self._entity("commitment", f["commitment"])
        commitment.progress(stamp, note=f["note"])
        return commitment

    def _on_CommitmentDueChanged(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        commitment = self._entity("commitment", f["commitment"])
        commitment.change_due(stamp, due=f["due"], reason=f["reason"])
        return commitment

    def _on_CommitmentFulfilled(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        commitment = self._entity("commitment", f["commitment"])
        commitment.fulfil(stamp, note=f["note"])
        return commitment

    def _on_ActivityHeld(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Touched:
        self.registry.require_unit(f["unit"], stamp.day)
        self.registry.require_activity_kind(f["kind"])
        if f["activity"]:  # named: kept, so that the name is not taken twice
            return self._create("activity", Activity, stamp, f)
        return [Activity.recorded(stamp, timestamp=self.moment, **f)]

    def _on_ReviewRecorded(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Touched:
        self.registry.require_unit(f["unit"], stamp.day)
        if f["review"]:
            return self._create("review", Review, stamp, f)
        return [Review.recorded(stamp, timestamp=self.moment, **f)]

    def _on_RectificationOpened(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        return self._create("rectification", Rectification, stamp, f)

    def _rectification(self, f: Mapping[str, Any]) -> Rectification:
        found: Rectification = self._entity("rectification", f["rectification"])
        return found

    def _on_RectificationProgressed(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        rectification = self._rectification(f)
        rectification.progress(stamp, note=f["note"])
        return rectification

    def _on_RectificationDeadlineExtended(
        self, r: Record, stamp: Any, f: Mapping[str, Any]
    ) -> Aggregate:
        rectification = self._rectification(f)
        rectification.extend(stamp, deadline=f["deadline"], reason=f["reason"])
        return rectification

    def _on_RectificationCompleted(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        rectification = self._rectification(f)
        rectification.complete(stamp, note=f["note"])
        return rectification

    def _on_RectificationVerified(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        rectification = self._rectification(f)
        rectification.verify(stamp, accepted=f["accepted"], verifier=f["verifier"], note=f["note"])
        return rectification

    def _on_RectificationEscalated(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Aggregate:
        rectification = self._rectification(f)
        rectification.escalate(stamp, action=f["action"], note=f["note"])
        return rectification

    def _on_CommendationAwarded(self, r: Record, stamp: Any, f: Mapping[str, Any]) -> Touched:
        self.registry.require_unit(f["unit"], stamp.day)
        return [Award.recorded(stamp, timestamp=self.moment, **f)]

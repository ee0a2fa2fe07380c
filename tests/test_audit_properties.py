"""Properties over generated valid histories (bench/generate.py, seeded by hypothesis):

- status as of D from the whole log equals status from only the events that
  happened on or before D;
- import → log → import into an empty store reproduces the status, the records
  and their content digests, and both stores verify;
- status is the same whatever order independent entities' records arrive in, and in
  however many imports;
- ``--known-at`` a moment before an import equals the status before that import;
- as known at any log position, the status from the running totals (corrected by
  the records after it, :mod:`cxzy.application.known`) equals the status read row by
  row, on histories in order and with records arriving late.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_helpers import bench_generator, local_day
from cxzy.application import known
from cxzy.application.app import CampaignApp, open_app
from cxzy.application.audit import verify
from cxzy.application.dashboard import DashboardQuery
from cxzy.application.history import LogFilter, LogQuery
from cxzy.application.importer import Importer
from cxzy.application.known import KnownAt, open_at
from cxzy.application.readmodel import ALL
from cxzy.application.status import StatusQuery
from cxzy.application.store import StoreLocation
from cxzy.application.totals import RunningTotals, most_urgent

generate = bench_generator()

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def store_with(records: list[dict[str, Any]]) -> Iterator[CampaignApp]:
    with tempfile.TemporaryDirectory() as folder:
        app = open_app(StoreLocation("sqlite", str(Path(folder) / "s.db")), create=True)
        try:
            items = [(f"gen:{n}", record) for n, record in enumerate(records, start=1)]
            result = Importer(app, by="property").run(items)
            assert result.ok, result.problems[:3]
            yield app
        finally:
            app.close()


def status(app: CampaignApp, day: date) -> dict[str, Any]:
    return StatusQuery(app).status(day).to_json()


def history(seed: int, events: int) -> list[dict[str, Any]]:
    return generate.generate(events, 4, seed)


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    events=st.integers(20, 160),
    day=st.dates(date(2010, 5, 1), date(2012, 12, 31)),
)
def test_status_as_of_d_depends_only_on_events_that_happened_by_d(seed, events, day):
    records = history(seed, events)
    before = [r for r in records if local_day(r["at"]) <= day]
    with store_with(records) as whole:
        expected = status(whole, day)
    if not before:
        return
    with store_with(before) as prefix:
        assert status(prefix, day) == expected


@SETTINGS
@given(seed=st.integers(0, 10_000), events=st.integers(20, 160))
def test_import_log_import_reproduces_status_records_and_content_digests(seed, events):
    records = history(seed, events)
    with store_with(records) as first:
        exported = list(LogQuery(first).records(LogFilter()))
        days = [date(2010, 6, 30), date(2011, 6, 30), date(2012, 11, 7)]
        expected = [status(first, d) for d in days]
        digests = _digests(first)
        assert verify(first).ok
    with store_with(exported) as second:
        assert [status(second, d) for d in days] == expected
        assert _digests(second) == digests
        again = list(LogQuery(second).records(LogFilter()))
        assert [_drop_recorded(r) for r in again] == [_drop_recorded(r) for r in exported]
        assert verify(second).ok


def _digests(app: CampaignApp) -> list[tuple[Any, ...]]:
    with app.snapshot() as c:
        return app.read_model.rows(c, "SELECT record_id, digest FROM cx_log ORDER BY pos")


def _drop_recorded(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "recorded"}


_PRELUDE_TYPES = ("CampaignPlanned", "UnitRegistered", "LeaderAssigned")


def _groups(
    records: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """The prelude, then each entity's records as one group (a lone record is its own group)."""
    prelude = [r for r in records if r["type"] in _PRELUDE_TYPES]
    groups: dict[str, list[dict[str, Any]]] = {}
    for n, record in enumerate(records):
        if record["type"] in _PRELUDE_TYPES:
            continue
        key = record.get("commitment") or record.get("rectification") or f"#{n}"
        groups.setdefault(key, []).append(record)
    return prelude, list(groups.values())


def _split(records: list[dict[str, Any]], cut: float) -> tuple[list[dict], list[dict]]:
    """The records of a share of the entities (and the prelude), and the rest."""
    prelude, groups = _groups(records)
    first_groups = groups[: int(len(groups) * cut)]
    first = prelude + [r for g in first_groups for r in g]
    return first, [r for g in groups[len(first_groups) :] for r in g]


def _import_later(app: CampaignApp, later: list[dict[str, Any]]) -> None:
    items = [(f"later:{n}", record) for n, record in enumerate(later, start=1)]
    assert Importer(app, by="property").run(items).ok


def _interleaved(records: list[dict[str, Any]], randoms: Any) -> list[dict[str, Any]]:
    """The prelude, then the entities' groups interleaved at random, each group
    keeping its own order (so many records arrive after records of later days)."""
    prelude, groups = _groups(records)
    queues = [list(g) for g in groups]
    shuffled: list[dict[str, Any]] = list(prelude)
    while queues:
        queue = randoms.choice(queues)
        shuffled.append(queue.pop(0))
        if not queue:
            queues.remove(queue)
    return shuffled


# a history whose records arrive in an order drawn at random, and a day to ask about
ARRIVING = {
    "seed": st.integers(0, 10_000),
    "events": st.integers(20, 160),
    "randoms": st.randoms(),
    "day": st.dates(date(2010, 5, 1), date(2012, 12, 31)),
}


@SETTINGS
@given(**ARRIVING)
def test_status_is_the_same_whatever_order_and_imports_records_arrive_in(
    seed, events, randoms, day
):
    records = history(seed, events)
    prelude, groups = _groups(records)
    shuffled = _interleaved(records, randoms)
    days = [date(2010, 6, 30), date(2011, 6, 30), date(2012, 11, 7), day]
    with store_with(records) as ordered:
        expected = [status(ordered, d) for d in days]
    # ... and in several imports: each adds its changes to running totals already stored
    cuts = sorted(randoms.sample(range(len(prelude) + 1, len(shuffled)), k=min(3, len(groups) - 1)))
    with store_with(shuffled[: cuts[0]] if cuts else shuffled) as arrived:
        for start, end in zip(cuts, [*cuts[1:], len(shuffled)], strict=True):
            items = [(f"part:{n}", r) for n, r in enumerate(shuffled[start:end], start=1)]
            assert Importer(arrived, by="property").run(items).ok
        assert [status(arrived, d) for d in days] == expected
        assert arrived.figures_unlike_the_log() == []  # the rows a rebuild makes


def test_records_that_change_no_count_carry_the_weeks_over_as_a_rebuild_does():
    """An import of an activity only, dated after an open commitment's due day,
    moved the latest record's day but not the weeks carried over: `verify --figures`
    then said the read model had been changed outside cxzy."""
    first = [
        {"type": "CampaignPlanned", "at": "2010-05-11T08:30:00+08:00", "campaign": "p",
         "title": "P"},
        {"type": "UnitRegistered", "at": "2010-05-11T09:00:00+08:00", "unit": "JU",
         "name": "局机关", "kind": "bureau"},
        {"type": "CommitmentMade", "at": "2010-05-20", "commitment": "C1", "unit": "JU",
         "text": "c1", "due": "2010-06-30"},
    ]  # fmt: skip
    later = {"type": "ActivityHeld", "at": "2010-09-01", "unit": "JU", "kind": "self_chosen",
             "title": "later"}  # fmt: skip
    with store_with(first) as app:
        assert Importer(app, by="property").run([("later:1", later)]).ok
        assert app.figures_unlike_the_log() == []
        assert status(app, date(2010, 9, 1))["units"][0]["commitments"]["overdue"] == 1


@SETTINGS
@given(**ARRIVING)
def test_the_running_totals_kept_by_week_answer_as_the_rows_on_every_kind_of_day(
    seed, events, randoms, day
):
    """Imported in several parts, late records among them: the counts, "all
    closed" items and awards from the totals (each week's rows, carried over from
    the week before) are those counted from the records, on a week's first and
    last day, before the first record and long after the last."""
    records = history(seed, events)
    shuffled = _interleaved(records, randoms)
    cuts = sorted(randoms.sample(range(1, len(shuffled)), k=3))
    monday = day - timedelta(days=day.weekday())
    days = [monday, monday - timedelta(days=1), day, date(2010, 4, 1), date(2026, 12, 1)]
    days += [date(2012, 6, 30), date(2012, 7, 1)]  # (the "all closed" items' deadline)
    with store_with(shuffled[: cuts[0]]) as app:
        for start, end in zip(cuts, [*cuts[1:], len(shuffled)], strict=True):
            items = [(f"part:{n}", r) for n, r in enumerate(shuffled[start:end], start=1)]
            assert Importer(app, by="property").run(items).ok
            for d in days:
                whole = _status_at(app, d, ALL, rows=False)
                assert whole == _status_at(app, d, ALL, rows=True), d


# a history split in two imports at a share of its entities
SPLIT = {"seed": st.integers(0, 10_000), "events": st.integers(20, 160), "cut": st.floats(0.1, 0.9)}


@SETTINGS
@given(**SPLIT, day=st.dates(date(2010, 5, 1), date(2012, 12, 31)))
def test_known_at_a_moment_before_an_import_equals_the_status_before_it(seed, events, cut, day):
    # Before the import, status comes from the running totals (the whole log); after
    # it, "as known at" that moment reads the rows up to that position: both agree.
    first, later = _split(history(seed, events), cut)
    days = [date(2010, 6, 30), date(2011, 6, 30), date(2012, 11, 7), day]
    with store_with(first) as app:
        before = [status(app, d)["units"] for d in days]
        moment = datetime.now(UTC)
        _import_later(app, later)
        query = StatusQuery(app)
        assert [query.status(d, moment).to_json()["units"] for d in days] == before


@SETTINGS
@given(**SPLIT, day=st.dates(date(2011, 7, 1), date(2012, 12, 31)))
def test_a_query_kept_open_across_an_import_answers_as_a_new_one(seed, events, cut, day):
    # The dashboard keeps one query for its whole life; what it remembers of the
    # totals on the items' deadlines must not outlive the log it was read from.
    first, later = _split(history(seed, events), cut)
    days = [date(2012, 11, 7), day]
    with store_with(first) as app:
        kept = StatusQuery(app)
        assert [kept.status(d).to_json() for d in days] == [status(app, d) for d in days]
        moment = datetime.now(UTC)  # and as known at a moment before the rest
        _import_later(app, later[: len(later) // 2])
        known = [kept.status(d, moment).to_json() for d in days]
        assert known == [StatusQuery(app).status(d, moment).to_json() for d in days]
        _import_later(app, later[len(later) // 2 :])
        known = [kept.status(d, moment).to_json() for d in days]
        assert known == [StatusQuery(app).status(d, moment).to_json() for d in days]
        assert [kept.status(d).to_json() for d in days] == [status(app, d) for d in days]
        # back to the moment after the whole log was read (the dashboard's `k`)
        known = [kept.status(d, moment).to_json() for d in days]
        assert known == [StatusQuery(app).status(d, moment).to_json() for d in days]


def test_a_query_kept_open_as_known_at_a_moment_leaves_out_late_records_imported_since():
    """Records imported after a moment that happened before its frontier (reported
    late: an award, a commitment made and one overdue by the day asked) are in the
    totals but were not known then. A query kept open (a dashboard showing that
    moment) must leave them out after each import, as a new query does: what it
    keeps of the records after the moment's position is the log's as of one head."""
    with store_with(history(1, 400)) as app:
        kept = StatusQuery(app)
        moment = datetime.now(UTC)
        days = [date(2010, 9, 1), date(2012, 11, 7)]
        before = [kept.status(d, moment).to_json() for d in days]
        late = [
            {"type": "CommendationAwarded", "at": "2010-07-01T10:00:00+08:00", "unit": "U1"}
            | {"title": "advanced_org", "level": "bureau"},
            {"type": "CommitmentMade", "at": "2010-07-02T10:00:00+08:00", "unit": "U2"}
            | {"commitment": "LATE-1", "text": "迟报的承诺", "due": "2010-08-01"},
        ]
        for record in late:
            _import_later(app, [record])
            known = [kept.status(d, moment).to_json() for d in days]
            assert known == before == [StatusQuery(app).status(d, moment).to_json() for d in days]
        assert kept.status(days[0]).to_json() != before[0]  # (the log itself has them)


@contextmanager
def arriving_a_few_at_a_time(seed: int, events: int, randoms: Any) -> Iterator[Any]:
    """A store with the first records of a history in a random order, and an
    iterator that imports the rest one to five at a time, yielding how many
    records are in the store before each import and at the end."""
    shuffled = _interleaved(history(seed, events), randoms)
    prelude, _ = _groups(shuffled)
    start = randoms.randint(len(prelude) + 1, len(shuffled) - 1)
    with store_with(shuffled[:start]) as app:

        def states() -> Iterator[int]:
            nonlocal start
            while True:
                yield start
                if start == len(shuffled):
                    return
                end = min(len(shuffled), start + randoms.choice((1, 1, 2, 5)))
                _import_later(app, shuffled[start:end])
                start = end

        yield app, states()


@SETTINGS
@given(**ARRIVING)
def test_a_query_kept_open_while_records_arrive_a_few_at_a_time_answers_as_a_new_one(
    seed, events, randoms, day
):
    # A live dashboard keeps one query while records arrive, in any order (late ones
    # too): what it remembers of the totals is read again for the units the new
    # records touched only, and must then equal what a new query reads.
    days = [day, date(2011, 6, 30), date(2012, 11, 7)]
    with arriving_a_few_at_a_time(seed, events, randoms) as (app, states):
        kept = StatusQuery(app)
        for records in states:
            for d in days:
                assert kept.status(d).to_json() == status(app, d), (records, d)


@SETTINGS
@given(**ARRIVING)
def test_a_dashboard_kept_open_while_records_arrive_shows_the_alerts_a_new_one_shows(
    seed, events, randoms, day
):
    # The alerts of the day shown are kept while new records are about neither a
    # commitment nor a rectification: after each few records, in any order, they
    # must equal what a new dashboard reads.
    with arriving_a_few_at_a_time(seed, events, randoms) as (app, states):
        kept = {d: DashboardQuery(app) for d in (day, date(2011, 6, 30))}  # one day each
        for records in states:
            for d, query in kept.items():
                assert query.snapshot(d).alerts == DashboardQuery(app).snapshot(d).alerts, records


def _status_at(app: CampaignApp, day: date, pos: int, *, rows: bool) -> dict[str, Any]:
    """Status as of a day with the log up to a position: from the running totals, or
    (``rows``) read row by row, as for a read model without them."""
    app.__dict__["read_model_current"] = not rows  # a cached property
    try:
        query = StatusQuery(app)
        with app.snapshot() as c:
            info = app.campaign_info(c)
            assert info is not None
            return query._status(c, info, day, None, pos, audit=True).to_json(audit=True)
    finally:
        del app.__dict__["read_model_current"]


def _positions_and_days(
    app: CampaignApp, randoms: Any, share: float, day: date
) -> Iterator[tuple[int, list[date]]]:
    """Positions worth asking "as known at" about, each with days worth asking:
    a share of the log; just before a record that counts (a commitment's, a
    rectification's, an award) of the same day as the one before it; just before a
    deadline moves. The days: the one drawn, every two months of the campaign, and
    those on either side of the position's frontier."""
    rm = app.read_model
    with app.snapshot() as c:
        days_at = rm.rows(
            c,
            """SELECT pos, day, type = 'CommendationAwarded' OR entity LIKE 'c:%'
                 OR entity LIKE 'r:%' FROM cx_log ORDER BY pos""",
        )
        moved = rm.rows(
            c,
            """SELECT d.pos - 1 FROM cx_deadlines d JOIN cx_entities e
               ON e.entity = d.entity WHERE d.pos > e.opened_pos""",
        )
    positions = {round(len(days_at) * share)}
    same_day = [
        p - 1
        for (p, d, counts), (_, before, _) in zip(days_at[1:], days_at[:-1], strict=True)
        if d == before and counts
    ]
    for candidates in (same_day, [p for (p,) in moved]):
        if candidates:
            positions.add(randoms.choice(candidates))
    for pos in sorted(positions):
        with app.snapshot() as c:
            frontier = rm.frontier(c, pos)
        days = [day] + [date(2010, 5, 1) + timedelta(days=61 * n) for n in range(19)]
        if frontier is not None:
            on = date.fromisoformat(frontier)
            days += [on - timedelta(days=1), on, on + timedelta(days=1)]
        yield pos, days


# a history (whose records of many entities may arrive after records of later days),
# a share of the log and a day, to ask "as known at" about
KNOWN_AT_CASES = given(
    seed=st.integers(0, 10_000),
    events=st.integers(20, 200),
    late=st.booleans(),
    randoms=st.randoms(),
    share=st.floats(0, 1),
    day=st.dates(date(2010, 5, 1), date(2013, 6, 30)),
)


@contextmanager
def _known_at_store(seed: int, events: int, late: bool, randoms: Any) -> Iterator[CampaignApp]:
    records = history(seed, events)
    if late:
        records = _interleaved(records, randoms)
    with store_with(records) as app:
        yield app


@SETTINGS
@KNOWN_AT_CASES
def test_known_at_any_position_from_the_totals_equals_the_rows(
    seed, events, late, randoms, share, day
):
    """Also for a day after the position's frontier, whichever range of deadlines
    is counted there (those falling due since it, or those not due yet)."""
    with _known_at_store(seed, events, late, randoms) as app:
        for pos, days in _positions_and_days(app, randoms, share, day):
            for d in days:
                rows = _status_at(app, d, pos, rows=True)
                for near_days in (known.NEAR_DAYS, -1, 10**6):
                    with patch.object(known, "NEAR_DAYS", near_days):
                        assert _status_at(app, d, pos, rows=False) == rows, (pos, d, near_days)


def test_known_at_before_a_deadline_was_moved_counts_the_deadline_then_in_force():
    """As known at the end of the day before a deadline was recorded again, a later
    day counts the deadline then in force: one that has passed is overdue, whichever
    range of deadlines is counted (the open set's row holds the later deadline)."""
    checked = 0
    for seed in range(4):
        with store_with(history(seed, 600)) as app:
            rm = app.read_model
            with app.snapshot() as c:
                moves = rm.rows(
                    c,
                    """SELECT d.day, p.deadline, p.pos, e.closed_pos,
                         (SELECT MAX(l.pos) FROM cx_log l WHERE l.day < d.day)
                       FROM cx_deadlines d JOIN cx_entities e ON e.entity = d.entity
                       JOIN cx_deadlines p ON p.entity = d.entity AND p.pos = (SELECT
                         MAX(q.pos) FROM cx_deadlines q WHERE q.entity = d.entity AND q.pos < d.pos)
                       WHERE d.pos > e.opened_pos""",
                )
            for day, before, before_pos, closed, pos in moves:
                if pos is None or not before_pos <= pos or (closed is not None and closed <= pos):
                    continue  # the deadline before was not in force at that moment
                with app.snapshot() as c:
                    frontier = rm.frontier(c, pos)
                after = date.fromisoformat(before) + timedelta(days=1)
                if frontier is None or frontier >= day or after.isoformat() <= frontier:
                    continue
                for d in (after, after + timedelta(days=120)):
                    rows = _status_at(app, d, pos, rows=True)
                    for near_days in (known.NEAR_DAYS, -1, 10**6):
                        with patch.object(known, "NEAR_DAYS", near_days):
                            assert _status_at(app, d, pos, rows=False) == rows, (seed, pos, d)
                checked += 1
    assert checked >= 5


@SETTINGS
@KNOWN_AT_CASES
def test_the_most_urgent_as_known_at_any_position_are_those_of_every_row(
    seed, events, late, randoms, share, day
):
    # the dashboard's alerts "as known at" a past moment: from the open set and the
    # few lives touched after the position, as if picked from every row up to it
    with _known_at_store(seed, events, late, randoms) as app:
        for pos, days in _positions_and_days(app, randoms, share, day):
            with app.snapshot() as c:
                known = KnownAt(app.read_model, c, pos)
                for d in days:
                    every = open_at(app.read_model, c, d, pos)
                    for limit in range(1, min(len(every), 12) + 2):  # each cut, and all
                        expected = most_urgent(every, limit)
                        assert known.most_urgent(d, limit) == expected, (pos, d, limit)


@SETTINGS
@KNOWN_AT_CASES
def test_the_most_urgent_among_some_units_are_those_of_their_rows(
    seed, events, late, randoms, share, day
):
    # the alerts of a filter's units (a division's are seldom among the campaign's
    # most urgent): read for them, as of the whole log and as known at any position,
    # as if picked from every row of theirs
    with _known_at_store(seed, events, late, randoms) as app:
        rm = app.read_model
        with app.snapshot() as c:
            codes = sorted(code for (code,) in rm.rows(c, "SELECT unit FROM cx_units"))
            head = rm.head(c)
        units = set(randoms.sample(codes, randoms.randint(1, len(codes))))
        for pos, days in [*_positions_and_days(app, randoms, share, day), (head, [day])]:
            with app.snapshot() as c:
                known = KnownAt(app.read_model, c, pos)
                for d in days:
                    theirs = [e for e in open_at(rm, c, d, pos) if e.unit in units]
                    for limit in (1, 3, len(theirs) + 1):
                        expected = most_urgent(theirs, limit)
                        assert known.most_urgent(d, limit, units) == expected, (pos, d, limit)
                        if pos == head:
                            found = RunningTotals(rm).open_on(c, d, limit, units)
                            assert found == expected, (d, limit)

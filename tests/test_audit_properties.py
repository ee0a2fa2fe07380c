"""Properties over generated valid histories (bench/generate.py, seeded by hypothesis):

- status as of D from the whole log equals status from only the events that
  happened on or before D;
- import → log → import into an empty store reproduces the status, the records
  and their content digests, and both stores verify.
"""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_helpers import local_day
from cxzy.application.app import CampaignApp, open_app
from cxzy.application.audit import verify
from cxzy.application.history import LogFilter, LogQuery
from cxzy.application.importer import Importer
from cxzy.application.status import StatusQuery
from cxzy.application.store import StoreLocation

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

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

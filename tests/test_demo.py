"""The demo history: loads once, tells its story, and survives a log round trip."""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cxzy.application.app import open_app
from cxzy.application.history import LogFilter, LogQuery
from cxzy.application.store import StoreLocation
from cxzy.cli import main
from cxzy.domain.schema import TYPES

EVENTS = Path(__file__).resolve().parents[1] / "events"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def status(capsys, store: Path, *extra: str) -> dict:
    code, out, err = run(capsys, "--store", str(store), "status", "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


def unit(report: dict, code: str) -> dict:
    return next(u for u in report["units"] if u["unit"] == code)


@pytest.fixture
def demo(tmp_path, capsys) -> Path:
    store = tmp_path / "demo.sqlite3"
    code, out, err = run(capsys, "--store", str(store), "--lang", "en", "demo", "--no-open")
    assert code == 0, err
    assert "demo history loaded" in out
    return store


def test_demo_loads_once(demo, capsys):
    code, out, _ = run(capsys, "--store", str(demo), "--lang", "en", "demo", "--no-open")
    assert code == 0
    assert "0 new records" in out


def test_the_demo_on_a_store_that_may_only_be_read_opens_it_as_it_is(demo, capsys, monkeypatch):
    """A reader's `cxzy demo` on the office's store (it holds the demo, or its own
    campaign) was refused, "cannot write", exit 1, where plain `cxzy` opens it."""
    cli_main = sys.modules["cxzy.cli.main"]  # (the package's `main` is the function)
    before = demo.read_bytes()
    monkeypatch.setattr(cli_main, "may_write", lambda location: False)
    code, out, err = run(capsys, "--store", str(demo), "--lang", "en", "demo")
    assert code == 0, err
    assert f"you may only read the store {demo}: the demo is not loaded" in err, err
    assert "Comprehensive Survey Team" in out or "ZP" in out, out  # (piped: the table)
    assert demo.read_bytes() == before


def test_the_demo_into_another_campaigns_store_is_refused_in_one_line(tmp_path, capsys):
    """Each of the demo's 544 records was refused after its campaign was: one line
    says why, and where the demo goes instead."""
    store = tmp_path / "other.sqlite3"
    other = tmp_path / "plan.jsonl"
    other.write_text(
        '{"type": "CampaignPlanned", "at": "2010-05-11", "campaign": "OTHER", "title": "T"}\n',
        encoding="utf-8",
    )
    assert run(capsys, "--store", str(store), "import", str(other))[0] == 0
    before = store.read_bytes()
    code, out, err = run(capsys, "--store", str(store), "--lang", "en", "demo", "--no-open")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{store} holds campaign 'OTHER'; the demo is a campaign of its own: load it into a"
        " store of its own: cxzy --store demo.sqlite3 demo"
    ]
    assert store.read_bytes() == before


def test_demo_tells_the_story_of_the_lagging_unit(demo, capsys):
    end = status(capsys, demo, "--as-of", "2012-11-07")
    assert end["units"][0]["unit"] == "JU"
    assert len(end["units"]) >= 10
    zp_2011 = unit(status(capsys, demo, "--as-of", "2011-01-15"), "ZP")
    assert zp_2011["grade"] == "lagging"
    assert zp_2011["rectifications"]["supervised_open"] >= 1
    zp_end = unit(end, "ZP")
    assert zp_end["grade"] == "advanced"
    assert zp_end["rectifications"]["open"] == 0
    assert zp_end["rectifications"]["escalated"] == 1
    statuses = {p["status"] for u in end["units"] for p in u["phases"].values()}
    assert {"done", "done_late"} <= statuses and statuses & {"overdue", "active", "at_risk"}


def test_demo_log_round_trips_into_an_empty_store(demo, tmp_path, capsys):
    code, out, _ = run(capsys, "--store", str(demo), "log", "--format", "jsonl")
    assert code == 0
    dump = tmp_path / "dump.jsonl"
    dump.write_text(out, encoding="utf-8")
    copy = tmp_path / "copy.sqlite3"
    code, _, err = run(capsys, "--store", str(copy), "import", str(dump))
    assert code == 0, err
    for day in ("2010-05-31", "2010-07-01", "2011-06-30", "2012-06-30", "2012-11-07"):
        assert status(capsys, copy, "--as-of", day) == status(capsys, demo, "--as-of", day), day
    code, again, _ = run(capsys, "--store", str(copy), "log", "--format", "jsonl")
    strip = [
        {k: v for k, v in json.loads(line).items() if k != "recorded"}
        for line in again.splitlines()
    ]
    original = [
        {k: v for k, v in json.loads(line).items() if k != "recorded"} for line in out.splitlines()
    ]
    assert strip == original


def test_every_example_file_imports_alone_and_all_together(tmp_path, capsys):
    files = sorted((EVENTS / "examples").glob("*.jsonl"))
    assert {p.stem for p in files} == set(TYPES)
    together = tmp_path / "all.sqlite3"
    for n, path in enumerate(files):
        code, _, err = run(capsys, "--store", str(tmp_path / f"{n}.sqlite3"), "import", str(path))
        assert code == 0, (path.name, err)
        code, _, err = run(capsys, "--store", str(together), "import", str(path))
        assert code == 0, (path.name, err)


def test_the_demo_is_recorded_as_it_was_reported_so_audits_have_a_past(demo, capsys):
    """Each demo record is taken as entered two hours after it happened, in the
    file's (reporting) order: the back-filled ones are the only records reported
    late, and as known on 1 June 2010 the lagging unit had reported nothing yet."""
    code, out, err = run(capsys, "--store", str(demo), "log", "--late", "--format", "jsonl")
    assert code == 0, err
    late = [json.loads(line) for line in out.splitlines()]
    assert len(late) == 17  # of 544: "the seventeen records back-filled" (README)
    assert {"ZP", "KCY", "DKGS"} <= {r["unit"] for r in late}
    first = next(r for r in late if r["unit"] == "ZP")
    assert first["at"].startswith("2010-05-21") and first["recorded"].startswith("2010-06-10")
    code, out, _ = run(capsys, "--store", str(demo), "log", "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    recorded = [r["recorded"] for r in records]
    assert recorded == sorted(recorded) and recorded[-1] < "2012-11-08"
    # two hours after it happened, or with the newer records it was written after
    last = datetime.min.replace(tzinfo=UTC)
    for r in records:
        last = max(last, datetime.fromisoformat(r["at"]) + timedelta(hours=2))
        assert datetime.fromisoformat(r["recorded"]) == last, r["id"]

    as_of = unit(status(capsys, demo, "--as-of", "2010-06-01"), "ZP")
    known = unit(
        status(capsys, demo, "--as-of", "2010-06-01", "--known-at", "2010-06-01T18:00:00+08:00"),
        "ZP",
    )
    assert as_of["commitments"]["total"] == 3 and known["commitments"]["total"] == 0
    whole = status(capsys, demo, "--as-of", "2012-11-07")
    known = status(capsys, demo, "--as-of", "2012-11-07", "--known-at", "2012-11-08T00:00+08:00")
    assert known["units"] == whole["units"]  # by the campaign's end everything was known


def test_the_demos_records_name_their_file_with_its_sha256(demo, capsys):
    """As every imported file's do (the record screen shows it): the demo's said
    only demo.jsonl:LINE."""
    digest = hashlib.sha256((EVENTS / "demo.jsonl").read_bytes()).hexdigest()
    app = open_app(StoreLocation("sqlite", str(demo)), read_only=True)
    try:
        (entry,) = LogQuery(app).entries(LogFilter(until_pos=1))
    finally:
        app.close()
    assert entry.origin is not None and entry.origin.startswith(f"demo.jsonl sha256:{digest} line ")


def test_the_packaged_demo_is_the_file_of_events_byte_for_byte():
    """The installed package carries the demo as a file of its own (a symbolic link
    to events/ was packaged as its 26-byte target by a checkout without links, and
    `cxzy demo` then refused it as JSON); the two copies must stay the same."""
    from cxzy.cli.main import demo_file

    packaged = demo_file()
    assert packaged.parent.name == "demo" and not packaged.is_symlink()
    assert packaged.read_bytes() == (EVENTS / "demo.jsonl").read_bytes()

"""Readers while an import writes: never half an import, never "database is locked"."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from cxzy.application.app import open_app
from cxzy.application.history import LogFilter, LogQuery
from cxzy.application.status import StatusQuery
from cxzy.application.store import StoreLocation

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


@pytest.mark.slow
def test_readers_see_all_of_an_import_or_none_of_it(store, tmp_path):
    records = generate.generate(20_000, 50, 7)[1:]  # the demo store already has a campaign
    # re-home the synthetic history onto the demo's campaign and units
    big = tmp_path / "big.jsonl"
    units = {f"U{n}": code for n, code in enumerate(["JU", "133", "145", "149", "ZP"] * 10)}
    with big.open("w", encoding="utf-8") as out:
        for record in records:
            if record["type"] in ("UnitRegistered", "LeaderAssigned"):
                continue
            if "unit" in record:
                record["unit"] = units[record["unit"]]
            for key in ("id", "commitment", "rectification"):
                if key in record:
                    record[key] = f"cc-{record[key]}"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    reader = open_app(StoreLocation("sqlite", str(store)), read_only=True)
    before = reader.head()
    seen: set[int] = set()
    errors: list[BaseException] = []
    reads: list[int] = []
    done = threading.Event()

    def read() -> None:
        query, log = StatusQuery(reader), LogQuery(reader)
        while not done.is_set():
            try:
                seen.add(query.status(date(2012, 11, 7)).position)
                seen.add(len(log.rows(LogFilter())))  # the log's rows, counted in one snapshot
                reads.append(1)
            except BaseException as error:
                errors.append(error)
                return

    thread = threading.Thread(target=read)
    thread.start()
    result = subprocess.run(
        [sys.executable, "-m", "cxzy", "--store", str(store), "import", str(big)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    done.set()
    thread.join()
    assert result.returncode == 0, result.stderr
    after = reader.head()
    assert after > before and not errors, errors
    assert seen <= {before, after}, sorted(seen)  # positions and row counts alike
    assert len(reads) > 10  # the readers really did read while the import ran

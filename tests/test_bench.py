"""The benchmark runs end to end on a small history and reports every figure.

No timing is asserted here: the figures are the benchmark's business, not the suite's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from cxzy.domain.schema import TYPES

RUN = Path(__file__).resolve().parents[1] / "bench" / "run.py"
GENERATE = RUN.parent / "generate.py"


@pytest.mark.slow
def test_the_benchmark_prints_every_figure_as_json(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CXZY_BENCH_POSTGRES"}
    done = subprocess.run(
        [sys.executable, str(RUN), "--events", "2000", "--json", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)

    sys.path.insert(0, str(RUN.parent))
    try:
        from run import FIGURES, POSTGRES_FIGURES, TARGETS
    finally:
        sys.path.remove(str(RUN.parent))

    assert result["events"] == 2000 and result["units"] == 200
    figures, not_measured = result["figures"], result["not_measured"]
    assert set(figures) == set(FIGURES)
    for key, value in figures.items():
        if key in not_measured:
            assert value is None and not_measured[key].startswith("n/a"), key
        else:
            assert isinstance(value, int | float) and not isinstance(value, bool), key
            assert value >= 0, key
    # without a PostgreSQL URL, only PostgreSQL's figures are missing
    assert set(not_measured) == set(POSTGRES_FIGURES)
    assert set(result["targets"]) == set(TARGETS) and set(result["missed"]) <= set(TARGETS)
    # the run measured the history it generated
    assert figures["import_events_per_s"] > 0 and figures["store_mb"] > 0


def test_too_small_a_history_is_refused():
    done = subprocess.run(
        [sys.executable, str(RUN), "--events", "10"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "--events" in done.stderr


def test_the_benchmark_history_has_every_record_type_and_is_imported_whole(tmp_path):
    """Issue 7's "realistic mix of all event types": each one FORMAT.md defines, in
    a history that cxzy imports without a refusal (it obeys DOMAIN.md)."""
    history = tmp_path / "h.jsonl"
    subprocess.run(
        [sys.executable, str(GENERATE), "--events", "20000", "--output", str(history)],
        check=True,
        timeout=120,
    )
    records = [json.loads(line) for line in history.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 20000
    counts = Counter(record["type"] for record in records)
    assert set(counts) == set(TYPES)
    assert counts.most_common(1)[0][0] == "ActivityHeld"  # the mix: activities the most
    done = subprocess.run(
        [sys.executable, "-m", "cxzy", "--store", str(tmp_path / "s.db"), "import", str(history)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]

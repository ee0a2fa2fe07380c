"""Progress on standard error: a bar for a person watching a long step, nothing
for a script; and the steps report how far they went."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date

import pytest
from rich.console import Console

from contract_helpers import bench_generator, on_terminal, subprocess_env
from cxzy.application import ledger as ledger_module
from cxzy.application.app import open_app
from cxzy.application.audit import verify
from cxzy.application.copying import copy_store
from cxzy.application.ledger import LedgerQuery
from cxzy.application.store import StoreLocation
from cxzy.cli.progress import MIN_STEPS, progress

generate = bench_generator()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def shown(file: io.StringIO, total: int | None) -> str:
    err = Console(file=file, force_terminal=file.isatty(), width=80)
    with progress(err, "checking the demo", total) as done:
        for _ in range(3):
            done(1_000)
    return file.getvalue()


def test_a_long_step_shows_a_bar_to_a_person_and_nothing_to_a_script():
    assert "checking the demo" in shown(Terminal(), MIN_STEPS)
    assert "checking the demo" in shown(Terminal(), None)  # a step of unknown length
    assert shown(io.StringIO(), MIN_STEPS) == ""  # redirected: no bar, no codes
    assert shown(Terminal(), MIN_STEPS - 1) == ""  # too short to be worth one


def sqlite(path) -> StoreLocation:
    return StoreLocation("sqlite", str(path))


def test_verify_copy_and_ledger_say_how_far_they_went(demo_store, tmp_path, monkeypatch):
    source = open_app(sqlite(demo_store), read_only=True)
    target = open_app(sqlite(tmp_path / "copy.sqlite3"), create=True)
    try:
        head = source.head()
        checked: list[int] = []
        assert verify(source, on_checked=checked.append).checked == sum(checked) == head
        copied: list[int] = []
        assert copy_store(source, target, copied.append).events == sum(copied) == head
        assert len(copied) > 0
        monkeypatch.setattr(ledger_module, "READ_STEP", 100)
        read: list[int] = []
        LedgerQuery(source).ledger(date(2012, 11, 7), on_read=read.append)
        assert len(read) == 5 and 500 <= sum(read) <= head  # 544 records read, by 100
    finally:
        source.close()
        target.close()


@pytest.mark.slow
def test_every_long_command_shows_its_bar_on_a_terminal_and_none_redirected(tmp_path):
    """The README's list of commands that show a bar (import, verify, checkpoint,
    store copy, export ledger, report, and a rebuild), each run on a store of more
    than MIN_STEPS events with its standard error on a terminal: each shows its
    step's words; redirected, the same commands write no bar and no codes."""
    history = tmp_path / "history.jsonl"
    records = generate.generate(MIN_STEPS + 500, 20, 7)
    history.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    store = tmp_path / "big.db"
    env = subprocess_env(CXZY_STORE=str(store))
    commands = {
        "checking": ["import", str(history)],
        "verifying the chain": ["verify"],
        "recomputing the figures from the log": ["verify", "--figures"],
        "verifying and copying events": ["store", "copy", str(store), str(tmp_path / "c.db")],
        "making the figures again": ["store", "rebuild"],
        "reading the log": ["export", "ledger", "--output", str(tmp_path / "ledger.xlsx")],
    }
    for words, argv in commands.items():
        code, shown = on_terminal("--lang", "en", *argv, env=env, cwd=tmp_path, stream="stderr")
        assert code == 0, (argv, shown)
        assert words in shown, (argv, shown)
    for argv in (["checkpoint"], ["report", "--output", str(tmp_path / "r.md")]):
        code, shown = on_terminal("--lang", "en", *argv, env=env, cwd=tmp_path, stream="stderr")
        assert code == 0 and ("verifying the chain" in shown or "reading the log" in shown), shown
    for argv in (["verify"], ["export", "ledger", "--output", str(tmp_path / "l2.xlsx")]):
        said = subprocess.run(
            [sys.executable, "-m", "cxzy", "--lang", "en", *argv],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert said.returncode == 0, said.stderr
        assert "\x1b" not in said.stderr and "verifying" not in said.stderr, said.stderr

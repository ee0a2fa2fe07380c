"""Shared helpers for the black-box contract tests.

The tests written with these helpers check the public contract only
(../shared/FORMAT.md, ../shared/DOMAIN.md, docs/decisions.md): the command
line, its exit codes, its stderr lines and the status JSON. They never import
anything from cxzy except the entry point ``cxzy.cli.main``.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

PHASES = ("mobilize", "compete", "rectify", "summarize")
ITEMS = {
    "mobilize": {"mobilization", "implementation_plan", "public_commitment", "study"},
    "compete": {
        "party_spirit_education",
        "party_spirit_analysis",
        "mass_evaluation",
        "post_dedication",
        "serve_masses",
        "show_badge",
        "org_innovation",
    },
    "rectify": {"learn_from_models", "rectifications_closed", "commitments_fulfilled"},
    "summarize": {"summary", "superior_assessment", "mechanism"},
}
BUREAU_ONLY = {"summarize": {"exhibition"}}

_PRELUDE = [
    {"type": "CampaignPlanned", "at": "2010-05-01", "campaign": "c1", "title": "T"},
    {
        "type": "UnitRegistered",
        "at": "2010-05-01",
        "unit": "JU",
        "name": "局机关",
        "kind": "bureau",
    },
    {
        "type": "UnitRegistered",
        "at": "2010-05-01",
        "unit": "145",
        "name": "一四五队",
        "kind": "team",
        "parent": "JU",
    },
]


def prelude() -> list[dict]:
    """Campaign c1, the bureau JU and the team 145 (a fresh copy every call)."""
    return copy.deepcopy(_PRELUDE)


def expected_items(phase: str, kind: str) -> set[str]:
    keys = set(ITEMS[phase])
    if kind == "bureau":
        keys |= BUREAU_ONLY.get(phase, set())
    return keys


# --- record builders -------------------------------------------------------


def ev(type_: str, at: str, **fields: Any) -> dict:
    return {"type": type_, "at": at, **fields}


def unit(code: str, at: str, name: str, kind: str = "team", **fields: Any) -> dict:
    return ev("UnitRegistered", at, unit=code, name=name, kind=kind, **fields)


def act(unit_: str, kind: str, at: str, **fields: Any) -> dict:
    fields.setdefault("title", f"{kind} @ {unit_}")
    return ev("ActivityHeld", at, unit=unit_, kind=kind, **fields)


def review(unit_: str, kind: str, at: str, **fields: Any) -> dict:
    return ev("ReviewRecorded", at, unit=unit_, kind=kind, **fields)


def commit(cid: str, unit_: str, at: str, due: str, **fields: Any) -> dict:
    fields.setdefault("text", f"promise {cid}")
    return ev("CommitmentMade", at, commitment=cid, unit=unit_, due=due, **fields)


def rect(rid: str, unit_: str, at: str, deadline: str, **fields: Any) -> dict:
    fields.setdefault("issue", f"issue {rid}")
    return ev("RectificationOpened", at, rectification=rid, unit=unit_, deadline=deadline, **fields)


def award(
    unit_: str, at: str, title: str = "advanced_org", level: str = "bureau", **f: Any
) -> dict:
    return ev("CommendationAwarded", at, unit=unit_, title=title, level=level, **f)


def full_history() -> list[dict]:
    """A valid history using every event type of FORMAT.md."""
    return [
        *prelude(),
        {
            **unit("146", "2010-08-01", "一四六所", "institute", parent="JU", members=12),
            "by": "ops",
        },
        unit("145A", "2010-08-02", "一四五队一分队", "office", parent="145", members=0),
        ev("UnitUpdated", "2011-01-01", unit="146", name="一四六研究所", members=14),
        ev("LeaderAssigned", "2010-05-05", person="刘继东", role="leader", id="L-1"),
        ev("LeaderAssigned", "2010-05-05", person="伍宏芝", role="office_director"),
        ev("ContactPointAssigned", "2010-05-06", person="刘继东", unit="145"),
        ev(
            "ContactVisitMade",
            "2010-06-10T10:00:00+08:00",
            person="刘继东",
            unit="145",
            note="座谈",
        ),
        act("145", "mobilization", "2010-05-12T09:30:00+08:00", participants=40, id="A-1"),
        act("145", "implementation_plan", "2010-05-20"),
        act("145", "study", "2010-06-02", by="script.py"),
        act("145", "party_spirit_analysis", "2010-06-30T17:00:00Z", activity="psa-145"),
        act("145", "self_chosen", "2010-09-09", title="义务植树", participants=0),
        act("JU", "mobilization", "2010-05-11"),
        act("JU", "party_spirit_analysis", "2010-06-30T23:59:00+08:00"),
        act("JU", "exhibition", "2012-10-01"),
        commit("K1", "145", "2010-05-20", "2010-12-31", person="张三"),
        ev("CommitmentProgressed", "2010-09-01", commitment="K1", note="过半"),
        ev("CommitmentDueChanged", "2010-12-20", commitment="K1", due="2011-03-31", reason="冬季"),
        ev("CommitmentFulfilled", "2011-03-01", commitment="K1", note="完成"),
        commit("K2", "146", "2010-08-05", "2011-06-30", public=False),
        commit("K3", "JU", "2010-05-21", "2010-10-31", public=True),
        review(
            "145",
            "mass_evaluation",
            "2010-12-01",
            review="Rv1",
            reviewer="群众",
            grade="middle",
            ratings={"leadership": 4, "members": 3, "reputation": 5},
        ),
        review(
            "145",
            "inspection",
            "2011-02-01",
            method="tour",
            verdict="criticize",
            note="台帐不全",
        ),
        review("JU", "leader_commentary", "2011-02-02", grade="advanced", verdict="commend"),
        review("145", "superior_assessment", "2012-08-01", grade="advanced"),
        rect("R1", "145", "2011-02-05", "2011-04-30", source="Rv1", owner="王五", supervised=True),
        ev("RectificationProgressed", "2011-03-01", rectification="R1", note="进行中"),
        ev(
            "RectificationDeadlineExtended",
            "2011-04-20",
            rectification="R1",
            deadline="2011-05-31",
            reason="设备",
        ),
        ev("RectificationEscalated", "2011-06-05", rectification="R1", action="public_criticism"),
        ev("RectificationEscalated", "2011-06-20", rectification="R1", action="accountability"),
        ev("RectificationCompleted", "2011-07-10", rectification="R1", note="已改"),
        ev(
            "RectificationVerified",
            "2011-07-20",
            rectification="R1",
            accepted=False,
            verifier="李四",
        ),
        ev("RectificationCompleted", "2011-08-01", rectification="R1"),
        ev(
            "RectificationVerified",
            "2011-08-10",
            rectification="R1",
            accepted=True,
            verifier="李四",
        ),
        rect("R2", "146", "2011-03-01", "2011-09-30", source="legacy"),
        award("145", "2011-07-01", "advanced_org", "province"),
        award("146", "2011-07-01", "model", "bureau", person="赵六"),
    ]


# --- files -----------------------------------------------------------------


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    """One record per line; a str entry is written verbatim (bad JSON, comments, blanks)."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def local_day(at: str, tz: ZoneInfo = SHANGHAI) -> date:
    if len(at) == 10:
        return date.fromisoformat(at)
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(tz).date()


# --- running the command line ----------------------------------------------


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    def messages(self, file: Path | str, line: int) -> list[str]:
        """The messages of the `FILE:LINE: message` lines for that file and line."""
        prefix = f"{file}:{line}:"
        return [e[len(prefix) :].strip() for e in self.err_lines if e.startswith(prefix)]

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout ---\n{self.out}\n--- stderr ---\n{self.err}"


def assert_no_traceback(res: Result) -> None:
    assert "Traceback" not in res.err, str(res)
    assert "Traceback" not in res.out, str(res)


def assert_one_line_error(res: Result) -> None:
    assert res.code == 1, str(res)
    assert_no_traceback(res)
    assert len(res.err_lines) == 1, str(res)


def assert_refused(res: Result, file: Path | str, line: int, *patterns: str) -> str:
    """Exit 1, a `FILE:LINE:` reason, each regex pattern found in it; returns the message."""
    assert res.code == 1, str(res)
    assert_no_traceback(res)
    msgs = res.messages(file, line)
    assert msgs, f"no reason for {file}:{line}\n{res}"
    text = " | ".join(msgs)
    for pattern in patterns:
        assert re.search(pattern, text, re.IGNORECASE), f"{pattern!r} not in {text!r}"
    return text


class Cli:
    """Runs `cxzy.cli.main` in-process against one store, capturing output with capsys."""

    def __init__(self, capsys: Any, tmp_path: Path, store_name: str = "store.db") -> None:
        self.capsys = capsys
        self.tmp = tmp_path
        self.store = tmp_path / store_name
        self._files = 0

    def run(self, *args: Any, store: Path | str | None = None, lang: str | None = "en") -> Result:
        from cxzy.cli import main

        argv: list[str] = []
        if store != "":
            argv += ["--store", str(self.store if store is None else store)]
        if lang:
            argv += ["--lang", lang]
        argv += [str(a) for a in args]
        self.capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors (exit 2)
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = self.capsys.readouterr()
        return Result(code, out, err)

    def write(self, records: list[dict | str], name: str | None = None) -> Path:
        self._files += 1
        return write_jsonl(self.tmp / (name or f"in{self._files}.jsonl"), records)

    def imp(self, records: list[dict | str], *extra: Any, name: str | None = None) -> tuple:
        """Write records to a new file and import it; returns (path, Result)."""
        path = self.write(records, name)
        return path, self.run("import", path, *extra)

    def ok_import(self, records: list[dict | str], *extra: Any) -> Result:
        _, res = self.imp(records, *extra)
        assert res.code == 0, str(res)
        assert_no_traceback(res)
        return res

    def status(self, as_of: str, *extra: Any) -> dict:
        res = self.run("status", "--format", "json", "--as-of", as_of, *extra)
        assert res.code == 0, str(res)
        return json.loads(res.out)

    def unit(self, as_of: str, code: str) -> dict:
        units = {u["unit"]: u for u in self.status(as_of)["units"]}
        assert code in units, f"unit {code} not in status as of {as_of}: {sorted(units)}"
        return units[code]

    def log_text(self, *extra: Any) -> str:
        res = self.run("log", "--format", "jsonl", *extra)
        assert res.code == 0, str(res)
        return res.out

    def log(self, *extra: Any) -> list[dict]:
        return [json.loads(line) for line in self.log_text(*extra).splitlines() if line.strip()]

    def snapshot(self, *dates: str) -> tuple:
        """The whole observable state: the log and the status JSON at the given dates."""
        return (self.log_text(), [self.status(d) for d in dates])


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for `python -m cxzy` that finds the same cxzy package as the tests."""
    import cxzy

    env = dict(os.environ)
    env.pop("CXZY_STORE", None)
    env.pop("CXZY_LANG", None)
    env.pop("CXZY_TEMPLATES", None)
    src = str(Path(cxzy.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    env.update(extra)
    return env


def run_module(
    *args: str, env: dict[str, str], cwd: Path, input: str | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cxzy", *args],
        env=env,
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )


def read_terminal(reader: int, seconds: float) -> str:
    """What a program wrote on the terminal whose reading end is ``reader`` (closed
    here), until it closed its end, or for ``seconds`` at most (a full-screen program
    drawn waits for keys)."""
    import select
    import time

    chunks = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not select.select([reader], [], [], 0.5)[0]:
            continue
        try:
            chunk = os.read(reader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(reader)
    return b"".join(chunks).decode(errors="replace")


def on_terminal(
    *args: str,
    env: dict[str, str],
    cwd: Path,
    stream: str = "stdout",
    columns: int = 80,
    codes: bool = False,
) -> tuple[int, str]:
    """`python -m cxzy ARGS` with ``stream`` on a terminal ``columns`` wide (the
    other stream discarded): its exit code and what the terminal showed, without
    rich's colours (``codes``: with them)."""
    import fcntl
    import pty
    import struct
    import termios

    reader, writer = pty.openpty()
    fcntl.ioctl(writer, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: writer}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxzy", *args],
        env={k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")},
        cwd=cwd,
        stdout=streams["stdout"],
        stderr=streams["stderr"],
    )
    os.close(writer)
    shown = read_terminal(reader, seconds=60)
    code = proc.wait(timeout=60)
    return code, shown if codes else re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)


RACE_RECORD = {
    "type": "ActivityHeld",
    "at": "2012-08-01",
    "unit": "145",
    "kind": "self_chosen",
    "title": "并发写入",
    "id": "race-1",
}


def race_two_imports(app: Any, rival: Any) -> tuple[Any, Any, bool]:
    """One import holds the store (paused at its first record) while a rival
    imports one of its records; returns both results and whether the rival was
    still waiting when the first was let go."""
    import threading

    from cxzy.application.importer import Importer

    started, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def pause() -> None:
        if not started.is_set():
            started.set()
            release.wait(10)

    mine = [
        ("y:1", {**RACE_RECORD, "id": "race-2", "title": "本次导入"}),
        ("y:2", RACE_RECORD),
    ]
    first = threading.Thread(
        target=lambda: results.update(first=Importer(app).run(mine, on_record=pause))
    )
    second = threading.Thread(
        target=lambda: results.update(second=Importer(rival).run([("x:1", RACE_RECORD)]))
    )
    first.start()
    assert started.wait(10)
    second.start()
    second.join(0.5)
    waited = second.is_alive()
    release.set()
    first.join(30)
    second.join(30)
    return results["first"], results["second"], waited


def verify_while_an_import_commits(location: Any) -> tuple[Any, Any]:
    """``cxzy verify``'s check of the store at ``location`` (a StoreLocation), with
    another writer's import committed while it runs (after its first batch);
    returns the report and the verify of the store after."""
    from cxzy.application.app import open_app
    from cxzy.application.audit import verify
    from cxzy.application.importer import Importer

    reader = open_app(location, read_only=True)
    writer = open_app(location)
    committed: list[Any] = []

    def import_once(_checked: int) -> None:
        if not committed:
            committed.append(Importer(writer).run([("x:1", RACE_RECORD)]))

    try:
        during = verify(reader, on_checked=import_once)
        assert committed and committed[0].ok, committed
        return during, verify(reader)
    finally:
        reader.close()
        writer.close()


def read_records_of(path: Path) -> list[Any]:
    """A file's records as an import reads them (origin, record)."""
    from cxzy.formats.jsonl import read_records

    return list(read_records(path))


def bench_generator() -> Any:
    """bench/generate.py as a module: the benchmark's seeded generator of valid
    histories (``generate(events, units, seed)``), which some tests draw on."""
    path = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

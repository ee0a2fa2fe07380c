"""What the office is handed (report, ledger, fill-in workbook) appears whole or not
at all: a write that fails half way leaves the file that was there, says so in one
line, and shows no traceback. The failure is real: the command runs in a process
that may not write past a few kilobytes (RLIMIT_FSIZE, as on a full disk)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from contract_helpers import subprocess_env

LIMIT = 6_000  # bytes: less than any of the outputs below


def _small_files() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _run_limited(store: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    # the store's shared-memory file is made by this process's reader, not the child
    with closing(sqlite3.connect(store)) as keep:
        keep.execute("SELECT COUNT(*) FROM cx_log").fetchall()
        return subprocess.run(
            [sys.executable, "-m", "cxzy", "--store", str(store), *args],
            env=subprocess_env(),
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=_small_files,
        )


def _one_line_refusal(proc: subprocess.CompletedProcess, name: str) -> None:
    """Said in one line, with the exit of a failure of the machine's (74), not of
    a refusal (1: a script of `cxzy verify` reads it as a broken log)."""
    assert proc.returncode == 74, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and name in lines[0] and "超出此处允许的文件大小" in lines[0], lines


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("总结报告.html", ["report", "--as-of", "2012-11-07", "--force", "--output"]),
        ("总结报告.md", ["report", "--as-of", "2012-11-07", "--force", "--output"]),
        ("专项台帐.xlsx", ["export", "ledger", "--as-of", "2012-11-07", "--force", "--output"]),
        ("填报工作簿.xlsx", ["template", "--force", "--output"]),
    ],
)
def test_a_failed_write_keeps_the_file_there_before(demo_store, tmp_path, name, args):
    before = b"last quarter's copy, already handed in"
    (tmp_path / name).write_bytes(before)
    proc = _run_limited(demo_store, tmp_path, *args, name)
    _one_line_refusal(proc, name)
    assert (tmp_path / name).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no part file left


def test_a_failed_csv_ledger_keeps_every_file_of_the_folder(demo_store, tmp_path):
    folder = tmp_path / "台帐"
    folder.mkdir()
    (folder / "units.csv").write_text("old units", encoding="utf-8")
    args = ["export", "ledger", "--format", "csv", "--force", "-o", "台帐"]
    proc = _run_limited(demo_store, tmp_path, *args)
    _one_line_refusal(proc, "台帐")
    assert [p.name for p in folder.iterdir()] == ["units.csv"]
    assert (folder / "units.csv").read_text(encoding="utf-8") == "old units"


def test_a_failed_csv_ledger_leaves_no_folder_it_made(demo_store, tmp_path):
    proc = _run_limited(demo_store, tmp_path, "export", "ledger", "--format", "csv", "-o", "新")
    _one_line_refusal(proc, "新")
    assert list(tmp_path.iterdir()) == []


def test_template_does_not_replace_a_workbook_without_force(cli, demo_store, tmp_path):
    filled = tmp_path / "填报工作簿.xlsx"
    filled.write_bytes(b"a unit's filled-in workbook")
    res = cli.run("template", "--output", filled, store=demo_store)
    assert res.code == 1 and "--force" in res.err and "填报工作簿.xlsx" in res.err, str(res)
    assert filled.read_bytes() == b"a unit's filled-in workbook"
    res = cli.run("template", "--force", "--output", filled, store=demo_store)
    assert res.code == 0, str(res)
    assert filled.read_bytes()[:2] == b"PK"  # a workbook now


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_ctrl_c_while_a_workbook_is_written_keeps_the_old_file_and_shows_no_traceback(
    tmp_path, capfd, monkeypatch
):
    """Interrupted half way through the zip file, openpyxl's workbook complained as
    it was collected ("Exception ignored in ZipFile.__del__"); the file there
    before stays."""
    import gc
    import zipfile

    from cxzy.cli.spreadsheets import _written
    from cxzy.formats.ledger_tables import Table
    from cxzy.formats.ledger_xlsx import write_tables_xlsx

    real_writestr = zipfile.ZipFile.writestr
    written: list[str] = []

    def interrupted_writestr(self, name, data, *args, **kwargs):
        written.append(str(name))
        if len(written) == 3:  # Ctrl-C, a few parts into the file
            raise KeyboardInterrupt
        return real_writestr(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", interrupted_writestr)
    target = tmp_path / "ledger.xlsx"
    target.write_bytes(b"the ledger handed in last week")
    table = Table("units", "Units", ["name", "n"], [[f"row {n}", n] for n in range(100)])
    interrupted = False
    try:
        _written(str(target), lambda: write_tables_xlsx([table], target))
    except KeyboardInterrupt:
        interrupted = True
    gc.collect()  # (out of the except clause: what the frames held is let go)
    err = capfd.readouterr().err
    assert interrupted and len(written) == 3
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert target.read_bytes() == b"the ledger handed in last week"
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.xlsx"]


def test_a_ledger_replaces_a_ledger_but_not_a_units_workbook_without_force(
    cli, demo_store, tmp_path
):
    """The next day's ledger over the last one, as ever; over a workbook a unit filled
    in (not a cxzy export), only with --force."""
    ledger = tmp_path / "专项台帐.xlsx"
    for _ in range(2):
        res = cli.run("export", "ledger", "-o", ledger, store=demo_store)
        assert res.code == 0, str(res)
    unit = tmp_path / "一四五队.xlsx"
    res = cli.run("template", "-o", unit, store=demo_store)  # what a unit sends back
    before = unit.read_bytes()
    res = cli.run("export", "ledger", "-o", unit, store=demo_store)
    assert res.code == 1 and "--force" in res.err, str(res)
    assert unit.read_bytes() == before
    res = cli.run("export", "ledger", "--force", "-o", unit, store=demo_store)
    assert res.code == 0 and unit.read_bytes() != before, str(res)


_TERMINATED_WHILE_WRITING = """
import os, signal, sys, zipfile
from cxzy.cli.main import main

real_writestr = zipfile.ZipFile.writestr
parts = []

def writestr(self, name, data, *args, **kwargs):
    parts.append(name)
    if len(parts) == 3:  # a few parts into the file: `kill PID`, or the terminal gone
        os.kill(os.getpid(), getattr(signal, os.environ["SIGNAL"]))
    return real_writestr(self, name, data, *args, **kwargs)

zipfile.ZipFile.writestr = writestr
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_sigterm_while_a_ledger_is_written_keeps_the_old_file_and_says_so(
    demo_store, tmp_path, name
):
    """`kill` (a service manager, a scheduled job's timeout) stopped the process where
    it stood: a `.part` file was left beside the ledger, and nothing was said. So did
    SIGHUP (an SSH session dropped), until it was taken as SIGTERM is."""
    target = tmp_path / "专项台帐.xlsx"
    target.write_bytes(b"the ledger handed in last week")
    args = ["--store", str(demo_store), "export", "ledger", "--force", "--output", target.name]
    proc = subprocess.run(
        [sys.executable, "-c", _TERMINATED_WHILE_WRITING, *args],
        env=subprocess_env(SIGNAL=name),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 128 + getattr(signal, name), (proc.returncode, proc.stderr)
    assert proc.stderr.strip() == f"收到终止信号({name})已停止,未写入任何内容", proc.stderr
    assert target.read_bytes() == b"the ledger handed in last week"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no part file left


_TERMINATED_AFTER_THE_COMMIT = """
import importlib, os, signal, sys
cli = importlib.import_module("cxzy.cli.main")  # (cxzy.cli.main is also the function)

def said(self, *args, **kwargs):  # the import is committed: it says what it wrote
    try:
        os.kill(os.getpid(), signal.SIGTERM)
    except KeyboardInterrupt:
        if os.environ.get("SWALLOW"):  # as a library's cleanup or a destructor may
            return
        raise

cli._Output.print = said
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("swallowed", [False, True])
def test_sigterm_after_an_import_committed_does_not_say_nothing_was_written(tmp_path, swallowed):
    """Killed while saying what it did, the import said "nothing was written" of a
    store that held every record (and a second import then skipped them all). A
    signal that code on the way lets go of still stops the command, at its end."""
    store = tmp_path / "s.db"
    demo = Path(__file__).parent.parent / "events" / "demo.jsonl"
    args = ["--lang", "en", "--store", str(store), "import", str(demo)]
    proc = subprocess.run(
        [sys.executable, "-c", _TERMINATED_AFTER_THE_COMMIT, *args],
        env=subprocess_env(**({"SWALLOW": "1"} if swallowed else {})),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 128 + signal.SIGTERM, (proc.returncode, proc.stderr)
    assert "nothing was written" not in proc.stderr, proc.stderr
    assert "after the writing was done and committed (log position 544)" in proc.stderr
    with closing(sqlite3.connect(store)) as db:
        assert db.execute("SELECT COUNT(*) FROM cx_log").fetchone() == (544,)


# -- the CSV ledger is one paper: every file of its folder replaced, or none ---------

_ONE_FILE_LOCKED = """
import errno, os, signal, sys
from cxzy.cli.main import main

real_replace = os.replace

def replace(src, dst, *args, **kwargs):  # reviews.csv is open in Excel: it cannot be moved
    if "reviews.csv" in (os.path.basename(src), os.path.basename(dst)):
        if os.environ["HOW"] == "locked":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), src, None, dst)
        os.kill(os.getpid(), signal.SIGTERM)  # `kill PID` half way through the renames
    return real_replace(src, dst, *args, **kwargs)

os.replace = replace
sys.exit(main(sys.argv[1:]))
"""


def _folder(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize(
    ("how", "code", "said"),
    [
        ("locked", 1, "无法写入 台帐/reviews.csv:没有权限"),
        ("terminated", 128 + signal.SIGTERM, "收到终止信号(SIGTERM)已停止,未写入任何内容"),
    ],
)
def test_a_csv_file_that_cannot_be_replaced_leaves_the_whole_folder_as_it_was(
    demo_store, tmp_path, how, code, said
):
    """With reviews.csv locked, the next day's export replaced cover, units, checklist,
    … and stopped there: a folder of two days. Now the files already moved are put
    back, and the message names the file, not the folder."""
    args = ["--store", str(demo_store), "export", "ledger", "--format", "csv", "-o", "台帐"]
    proc = subprocess.run(
        [sys.executable, "-m", "cxzy", *args, "--as-of", "2011-03-01"],
        env=subprocess_env(), cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    before = _folder(tmp_path / "台帐")
    proc = subprocess.run(
        [sys.executable, "-c", _ONE_FILE_LOCKED, *args, "--as-of", "2012-03-01"],
        env=subprocess_env(HOW=how), cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (proc.returncode, proc.stderr.strip()) == (code, said), proc.stderr
    assert _folder(tmp_path / "台帐") == before  # the same files, the same bytes: no .part, .old
    assert [p.name for p in tmp_path.iterdir()] == ["台帐"]


# -- a file cxzy did not write is replaced only with --force -----------------------


@pytest.mark.parametrize("name", ["notes.md", "mine.html"])
def test_a_report_replaces_a_report_but_not_the_users_own_file_without_force(
    cli, demo_store, tmp_path, name
):
    """`report --output notes.md` silently replaced a hand-written notes.md."""
    mine = tmp_path / name
    mine.write_text("# 我的笔记\n\n下周一交材料。\n", encoding="utf-8")
    res = cli.run("report", "-o", mine, store=demo_store, lang="zh")
    assert res.code == 1 and res.err.strip() == (
        f"{mine} 已存在且不是 cxzy 生成的;请换一个名称,或加 --force 覆盖它"
    ), str(res)
    assert mine.read_text(encoding="utf-8") == "# 我的笔记\n\n下周一交材料。\n"
    assert cli.run("report", "--force", "-o", mine, store=demo_store).code == 0
    assert "我的笔记" not in mine.read_text(encoding="utf-8")
    for day in ("2011-03-01", "2012-03-01"):  # the next day's report over its own: no --force
        res = cli.run("report", "--as-of", day, "-o", mine, store=demo_store)
        assert res.code == 0, str(res)
        assert day in mine.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["report"], "v.md"),
        (["report"], "v.html"),
        (["export", "ledger"], "v.xlsx"),
        (["template"], "v.xlsx"),
        (["export", "ledger", "--format", "csv"], "units.csv"),
    ],
)
def test_the_store_itself_is_never_written_over_even_with_force(
    cli, demo_store, tmp_path, args, name
):
    """A store named v.md: `report --store v.md -o v.md --force` wrote the report over
    it, exit 0, and every record was gone ("not a cxzy store")."""
    folder = tmp_path / "out"
    folder.mkdir()
    store = folder / name
    shutil.copy(demo_store, store)
    before = store.read_bytes()
    output = folder if "csv" in args else store
    for shown in (output, tmp_path / "linked.xlsx"):  # by its name, and by a hard link
        if shown.name == "linked.xlsx":
            if args != ["export", "ledger"]:
                continue
            os.link(store, shown)
        res = cli.run(*args, "--force", "-o", shown, store=store)
        assert res.code == 1 and "is the store" in res.err and str(store) in res.err, str(res)
        assert_one_line(res.err)
    assert store.read_bytes() == before
    assert cli.run("verify", store=store).code == 0


def assert_one_line(said: str) -> None:
    assert said.count("\n") == 1 and "Traceback" not in said, said


@pytest.mark.parametrize("args", [["report"], ["export", "ledger"]])
def test_an_output_that_is_a_pipe_is_not_read_to_see_whose_it_is(cli, demo_store, tmp_path, args):
    # a FIFO (or a link to a device) under the output's name was read to its end to
    # find cxzy's mark: the command hung, or ran out of memory
    import os

    suffix = ".html" if args == ["report"] else ".xlsx"
    pipe = tmp_path / f"pipe{suffix}"
    os.mkfifo(pipe)
    res = cli.run(*args, "-o", pipe, store=demo_store)
    assert res.code == 1 and "exists" in res.err and "--force" in res.err, str(res)


def test_a_csv_ledger_replaces_its_own_files_but_not_a_users_without_force(
    cli, demo_store, tmp_path
):
    folder = tmp_path / "台帐"
    folder.mkdir()
    (folder / "units.csv").write_text("我们自己的单位表", encoding="utf-8")
    res = cli.run("export", "ledger", "--format", "csv", "-o", folder, store=demo_store)
    assert res.code == 1 and "--force" in res.err and str(folder / "units.csv") in res.err
    assert [p.name for p in folder.iterdir()] == ["units.csv"]
    assert (folder / "units.csv").read_text(encoding="utf-8") == "我们自己的单位表"
    res = cli.run("export", "ledger", "--format", "csv", "--force", "-o", folder, store=demo_store)
    assert res.code == 0, str(res)
    for day in ("2011-03-01", "2012-03-01"):  # the next day's folder over its own: no --force
        args = ["export", "ledger", "--format", "csv", "--as-of", day, "-o", folder]
        assert cli.run(*args, store=demo_store).code == 0
        assert day in (folder / "cover.csv").read_text(encoding="utf-8-sig")
    assert len(list(folder.iterdir())) == 9


# -- the output's slips, said before the log is read -----------------------------------


def test_a_csv_ledger_is_not_written_into_a_folder_named_as_a_file(cli, demo_store, tmp_path):
    """`--format csv --output y.xlsx` made a folder y.xlsx full of CSV files."""
    for name in ("y.xlsx", "台帐.csv", ".html"):
        res = cli.run(
            "export", "ledger", "--format", "csv", "-o", tmp_path / name, store=demo_store
        )
        assert res.code == 1 and "--format csv writes a folder" in res.err, str(res)
    assert list(tmp_path.iterdir()) == []
    res = cli.run(
        "export", "ledger", "--format", "csv", "-o", tmp_path / "台帐.2011", store=demo_store
    )
    assert res.code == 0, str(res)  # a dot in a folder's name is no extension of a paper


@pytest.mark.parametrize(
    "args",
    [
        ["export", "ledger", "--format", "csv", "-o", "无此文件夹/台帐/"],
        ["export", "ledger", "-o", "无此文件夹/台帐.xlsx"],
        ["report", "-o", "无此文件夹/报告.html"],
        ["report", "-o", "无此文件夹/报告.md"],
        ["template", "-o", "无此文件夹/填报.xlsx"],
    ],
)
def test_every_form_refuses_a_missing_folder_alike(cli, demo_store, tmp_path, monkeypatch, args):
    """The CSV ledger made the missing folders above its own; the other forms refused."""
    monkeypatch.chdir(tmp_path)
    res = cli.run(*args, store=demo_store, lang="zh")
    assert res.code == 1 and res.err.strip() == f"无法写入 {args[-1]}:文件夹或文件不存在", str(res)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def read_only():
    """Makes a folder no file can be made in (for root too: immutable), undone after."""
    made: list[Path] = []

    def make(folder: Path) -> None:
        folder.mkdir()
        made.append(folder)
        if os.geteuid() != 0:
            folder.chmod(0o555)
        elif not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)]).returncode:
            pytest.skip("no folder is read-only for root here (chattr +i failed)")

    yield make
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(0o755)


def _a_unit_workbook(cli, demo_store, tmp_path):
    unit = tmp_path / "一四五队.xlsx"
    assert cli.run("template", "-o", unit, store=demo_store).code == 0
    return unit


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["export", "ledger", "-o", "无此文件夹/台帐.xlsx"], "cannot write"),
        (["export", "ledger", "--format", "csv", "-o", "无此文件夹/台帐"], "cannot write"),
        (["export", "ledger", "-o", "一四五队.xlsx"], "--force"),
        (["report", "-o", "无此文件夹/报告.html"], "cannot write"),
        (["report", "-o", "一四五队.xlsx.md"], "--force"),
        (["export", "ledger", "--format", "csv", "-o", "read-only/台帐"], "permission denied"),
        (["report", "-o", "read-only/报告.html"], "permission denied"),
    ],
)
def test_a_slip_in_the_output_is_said_before_the_log_is_read(
    cli, demo_store, tmp_path, monkeypatch, read_only, args, said
):
    """It was said after the whole log had been read: 8 s at 200,000 events,
    minutes at a million."""
    from cxzy.application.ledger import LedgerQuery
    from cxzy.application.summary import SummaryQuery

    def read(*_args, **_kwargs):
        raise AssertionError("the log was read before the output was looked at")

    monkeypatch.chdir(tmp_path)
    _a_unit_workbook(cli, demo_store, tmp_path)
    (tmp_path / "一四五队.xlsx.md").write_text("a unit's notes", encoding="utf-8")
    if "read-only" in args[-1]:
        read_only(tmp_path / "read-only")
    monkeypatch.setattr(LedgerQuery, "ledger", read)
    monkeypatch.setattr(SummaryQuery, "summary", read)
    res = cli.run(*args, store=demo_store)
    assert res.code == 1 and said in res.err and "the log was read" not in res.err, str(res)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["export", "ledger", "-o", ".xlsx"], ".xlsx: the file's name is missing"),
        (["report", "-o", "out/.md"], "out/.md: the file's name is missing"),
        (["template", "-o", ".XLSX"], ".XLSX: the file's name is missing"),
    ],
)
def test_an_output_without_a_name_is_said_so(cli, demo_store, tmp_path, monkeypatch, args, said):
    """`--output .xlsx` was told "the output must end in .xlsx", which it does."""
    monkeypatch.chdir(tmp_path)
    res = cli.run(*args, store=demo_store)
    assert res.code == 1 and res.err.startswith(said), str(res)


# -- text from events in the files written -------------------------------------------


def test_control_characters_from_events_are_written_out_not_acted_on(cli, tmp_path):
    """An ESC in a campaign's title (and a unit's name, which may no longer hold one:
    decision 271) went raw into the report (to the terminal of whoever runs `cat` on
    it), into the CSV ledger, and into the workbook's properties, which Excel then
    could not open; the fill-in workbook was an internal error."""
    from openpyxl import load_workbook

    from contract_helpers import ev

    cli.ok_import(
        [
            ev("CampaignPlanned", "2010-05-11T08:30:00+08:00", campaign="esc",
               title="创先争优\x1b[31m局\x1b[2J机\u200b关"),
            ev("UnitRegistered", "2010-05-11T09:00:00+08:00", unit="JU",
               name="局机关", kind="bureau"),
        ]
    )  # fmt: skip
    for name in ("report.md", "report.html"):
        assert cli.run("report", "--as-of", "2010-06-01", "-o", tmp_path / name).code == 0
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "\x1b" not in text and "局^[" in text, name
        # (in HTML the marker of a zero-width space is text, not a tag a browser hides)
        marker = "&lt;U+200B&gt;" if name.endswith(".html") else "<U+200B>"
        assert f"机{marker}关" in text, name
    res = cli.run("export", "ledger", "--as-of", "2010-06-01", "--format", "csv", "-o",
                  tmp_path / "ledger")  # fmt: skip
    assert res.code == 0, str(res)
    for path in (tmp_path / "ledger").iterdir():
        assert "\x1b" not in path.read_text(encoding="utf-8-sig"), path.name
    res = cli.run("export", "ledger", "--as-of", "2010-06-01", "-o", tmp_path / "ledger.xlsx")
    assert res.code == 0, str(res)
    book = load_workbook(tmp_path / "ledger.xlsx")  # (it was not a workbook: Excel said so)
    assert "\x1b" not in book.properties.title and book.properties.title.startswith("创先争优")
    res = cli.run("template", "-o", tmp_path / "fill-in.xlsx")
    assert res.code == 0, str(res)
    book = load_workbook(tmp_path / "fill-in.xlsx")
    assert "\x1b" not in book.properties.title
    assert cli.run("import", tmp_path / "fill-in.xlsx").code == 0  # (a workbook, empty)


def test_long_names_a_file_may_hold_work_and_longer_ones_are_one_line(cli, tmp_path):
    """A store named in 80 Chinese characters (240 bytes, a name may hold 255) was an
    internal error: the hidden name it is made under ran past 255. So was a report
    named in 252 bytes (its part file), and any name longer than a file's may be."""
    demo = Path(__file__).resolve().parents[1] / "events" / "demo.jsonl"
    store = tmp_path / ("台帐" * 40 + ".db")
    res = cli.run("import", demo, store=store)
    assert res.code == 0 and store.exists(), str(res)
    report = tmp_path / ("c" * 249 + ".md")
    res = cli.run("report", "--as-of", "2012-11-07", "--output", report, store=store)
    assert res.code == 0 and report.exists(), str(res)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([store.name, report.name])
    too_long = tmp_path / ("台帐" * 43 + ".db")  # 261 bytes
    for args in (["import", demo], ["status"]):
        res = cli.run(*args, store=too_long)
        assert res.code == 1 and len(res.err_lines) == 1, str(res)
        assert "its name is too long (a file's name holds at most 255 bytes" in res.err
    no_room = tmp_path / ("党" * 83 + ".db")  # 252 bytes: no room for SQLite's -wal
    res = cli.run("import", demo, store=no_room)  # (it was made, then never opened again)
    assert res.code == 1 and "a store's name holds at most 247 bytes" in res.err, str(res)
    res = cli.run("report", "--output", tmp_path / ("c" * 300 + ".md"), store=store)
    assert res.code == 1 and "internal error" not in res.err and "name is too long" in res.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([store.name, report.name])

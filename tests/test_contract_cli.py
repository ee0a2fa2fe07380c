"""The command line: store selection, option placement, user mistakes (FORMAT.md, decision 17)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from rich.cells import cell_len

from contract_helpers import (
    act,
    assert_no_traceback,
    assert_one_line_error,
    on_terminal,
    prelude,
    read_terminal,
    run_module,
    subprocess_env,
    write_jsonl,
)


def test_main_returns_the_exit_code(cli, tmp_path):
    from cxzy.cli import main

    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    code = main(["--store", str(cli.store), "import", str(path)])
    assert code == 0
    assert isinstance(code, int)
    code = main(["--store", str(cli.store), "status", "--format", "json", "--as-of", "2099-99-99"])
    assert code == 1


def test_store_and_lang_are_accepted_after_the_command(cli, tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    res = cli.run("import", path, "--store", cli.store, "--lang", "en", store="", lang=None)
    assert res.code == 0, str(res)
    res = cli.run(
        "status",
        "--store",
        cli.store,
        "--format",
        "json",
        "--as-of",
        "2010-06-01",
        store="",
        lang=None,
    )
    assert res.code == 0, str(res)
    assert [u["unit"] for u in json.loads(res.out)["units"]] == ["JU", "145"]
    bad = write_jsonl(tmp_path / "bad.jsonl", [{**act("145", "study", "2010-06-01"), "x": 1}])
    res = cli.run("import", bad, "--lang", "en", "--store", cli.store, store="", lang=None)
    assert res.code == 1
    assert "unknown field" in res.err.lower()


def test_cxzy_store_environment_selects_the_store(cli, tmp_path, monkeypatch):
    env_store = tmp_path / "from-env.db"
    monkeypatch.setenv("CXZY_STORE", str(env_store))
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    res = cli.run("import", path, store="")
    assert res.code == 0, str(res)
    assert env_store.exists()
    assert not cli.store.exists()
    res = cli.run("status", "--format", "json", "--as-of", "2010-06-01", store="")
    assert res.code == 0, str(res)
    assert json.loads(res.out)["campaign"]["id"] == "c1"
    # --store wins over the environment
    res = cli.run("status", "--format", "json", "--as-of", "2010-06-01")
    assert res.code == 1
    assert_no_traceback(res)


def test_a_blank_cxzy_store_is_said_not_looked_for_as_a_store_named_blank(
    cli, tmp_path, monkeypatch
):
    """CXZY_STORE=" " was taken as a path (the store "  " was not there); --store " "
    was refused as empty. Set to nothing, it is not set: the per-user store."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CXZY_STORE", "  ")
    res = cli.run("status", store="")
    assert res.code == 1 and res.err.startswith("CXZY_STORE is empty: give"), str(res)
    res = cli.run("status", store=cli.store)  # --store wins: its own refusal (no store there)
    assert res.code == 1 and "CXZY_STORE" not in res.err, str(res)
    monkeypatch.setenv("CXZY_STORE", "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    res = cli.run("import", write_jsonl(tmp_path / "p.jsonl", prelude()), store="")
    assert res.code == 0 and list((tmp_path / "data").rglob("*.sqlite3")), str(res)


@pytest.mark.parametrize(
    "url", ["sqlite:///store.db", "sqlite://store.db", "mysql://me:secret@db/c", "postgresq://db/c"]
)
def test_a_store_url_of_another_database_is_refused_not_made_a_folder(
    cli, tmp_path, monkeypatch, url
):
    # taken as a path, "sqlite:///store.db" made a store in a folder named "sqlite:"
    monkeypatch.chdir(tmp_path)
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    res = cli.run("import", path, store=url)
    assert_one_line_error(res)
    assert "neither a file's path nor a postgresql:// URL" in res.err
    assert "secret" not in res.err
    monkeypatch.setenv("CXZY_STORE", url)
    res = cli.run("status", "--format", "json", store="")
    assert_one_line_error(res)
    assert res.out == ""
    assert [p.name for p in tmp_path.iterdir()] == ["p.jsonl"]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql:/postgres:secret@127.0.0.1:5432/test",
        "postgresql:postgres:secret@db/c",
        "postgresql//postgres:secret@db/c",
        " postgresql://postgres:secret@db/c",
        "POSTGRESQL://postgres:secret@db/c",
    ],
)
def test_a_mistyped_postgresql_url_is_refused_not_made_a_sqlite_store(
    cli, tmp_path, monkeypatch, url
):
    # taken as a path, "postgresql:/postgres@…/test" made a store in new folders
    # named after it, and the import said it was done
    monkeypatch.chdir(tmp_path)
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    res = cli.run("import", path, store=url)
    assert_one_line_error(res)
    assert "looks like a PostgreSQL URL but is not one" in res.err, res.err
    assert "secret" not in res.err and "***" in res.err
    assert [p.name for p in tmp_path.iterdir()] == ["p.jsonl"]


def test_a_relative_store_from_a_folder_deleted_under_the_shell_is_said_so(
    cli, tmp_path, monkeypatch
):
    # it was "read-only" (import), and an internal error (store copy)
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    for args in (("import", str(path)), ("store", "copy", str(path), "there.sqlite3")):
        res = cli.run(*args, store="rel.sqlite3")
        assert_one_line_error(res)
        assert "is named from the current folder, which is no longer there" in res.err, res.err


def test_paths_longer_than_the_system_takes_are_said_so(cli, tmp_path):
    # each of its names fits, the path does not: an internal error (a glob, a stat),
    # or "a file's name holds at most 255 bytes"
    long = tmp_path.joinpath(*["a"] * 2100, "x")
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    assert cli.run("import", path).code == 0
    for args, store in (
        (("import", path), f"{long}.sqlite3"),
        (("status",), f"{long}.sqlite3"),
        (("import", f"{long}.jsonl"), None),
        (("report", "-o", f"{long}.md"), None),
        (("export", "ledger", "-o", f"{long}.xlsx"), None),
    ):
        res = cli.run(*args, store=store) if store else cli.run(*args)
        assert_one_line_error(res)
        assert "its path is too long (a path holds at most 4,095 bytes)" in res.err, res.err
        assert len(res.err) < 300, res.err


def test_a_file_where_a_folder_of_the_stores_path_should_be_is_named(cli, tmp_path):
    (tmp_path / "afile").write_text("")
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    res = cli.run("import", path, store=tmp_path / "afile" / "s.sqlite3")
    assert_one_line_error(res)
    assert "a part of its path is a file, not a folder" in res.err, res.err


def test_an_empty_output_name_is_said_and_nothing_is_written_here(cli, tmp_path, monkeypatch):
    # `-o "$OUT"` with nothing in it: ":must end in .xlsx", with no name; and the CSV
    # ledger wrote its nine files into the current folder (Path("") is ".")
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    assert cli.run("import", path).code == 0
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    for args in (
        ("export", "ledger", "-o", ""),
        ("export", "ledger", "--format", "csv", "-o", ""),
        ("export", "ledger", "--format", "csv", "-o", " "),
        ("report", "-o", ""),
        ("template", "-o", ""),
    ):
        res = cli.run(*args)
        assert_one_line_error(res)
        assert res.err.startswith("the output's name (-o) is empty: give "), res.err
    assert list(here.iterdir()) == []


def test_a_store_ending_in_a_slash_or_a_loop_of_links_is_refused_for_what_it_is(
    cli, tmp_path, monkeypatch
):
    # "newdir/" made a file named newdir; a loop of links was "a link to nothing
    # (a drive not mounted?)"
    monkeypatch.chdir(tmp_path)
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    res = cli.run("import", path, store="newdir/")
    assert_one_line_error(res)
    assert "store newdir/ is a folder" in res.err, res.err
    (tmp_path / "loop1").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop1")
    res = cli.run("import", path, store="loop1")
    assert_one_line_error(res)
    assert "whose links lead back round in a loop" in res.err, res.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop1", "loop2", "p.jsonl"]


def test_a_new_store_in_a_folder_that_is_not_there_is_refused_not_made_with_it(
    cli, tmp_path, monkeypatch
):
    # a path typed wrong, or on a drive not mounted, made its folders and a new store
    # there, apart from the office's; the per-user default's folders are still made
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    for args in (("import", path), ("demo", "--no-open")):
        res = cli.run(*args, store=tmp_path / "nonexist" / "dir" / "s.sqlite3")
        assert_one_line_error(res)
        assert f"its folder {tmp_path / 'nonexist' / 'dir'} is not there" in res.err, res.err
        assert not (tmp_path / "nonexist").exists()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    res = cli.run("import", path, store="")
    assert res.code == 0 and list((tmp_path / "data").rglob("*.sqlite3")), str(res)


def test_importing_a_missing_file(cli, tmp_path):
    cli.ok_import(prelude())
    before = cli.log_text()
    res = cli.run("import", tmp_path / "no-such-file.jsonl")
    assert_one_line_error(res)
    assert "no-such-file.jsonl" in res.err
    assert cli.log_text() == before


def test_importing_a_directory(cli, tmp_path):
    cli.ok_import(prelude())
    folder = tmp_path / "a-folder"
    folder.mkdir()
    res = cli.run("import", folder)
    assert_one_line_error(res)
    assert "a-folder" in res.err


def test_a_file_that_is_not_a_store(cli, tmp_path):
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("这不是数据库\nplain text, not a store\n", encoding="utf-8")
    content = not_a_store.read_bytes()
    res = cli.run("status", "--format", "json", "--as-of", "2010-06-01", store=not_a_store)
    assert_one_line_error(res)
    assert "not a cxzy store" in res.err
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    res = cli.run("import", path, store=not_a_store)
    assert_one_line_error(res)
    assert "not a cxzy store" in res.err
    res = cli.run("log", "--format", "jsonl", store=not_a_store)
    assert_one_line_error(res)
    assert not_a_store.read_bytes() == content


@pytest.mark.parametrize(
    "bad", ["2010-13-45", "tomorrow", "2010/07/32", "2010-02-30", "", "20100701", "2010-W26"]
)
def test_a_bad_as_of_date(cli, bad):
    cli.ok_import(prelude())
    res = cli.run("status", "--format", "json", "--as-of", bad)
    assert_one_line_error(res)
    assert res.out.strip() == ""


@pytest.mark.parametrize(
    ("option", "bad", "said"),
    [
        ("--as-of", "2010-02-30", "there is no day '2010-02-30': 2010-02 has 28 days"),
        ("--as-of", "2012-04-31", "there is no day '2012-04-31': 2012-04 has 30 days"),
        ("--as-of", "2010-13-01", "'2010-13-01' names month 13, and there is none (01 to 12)"),
        ("--known-at", "2011-02-29T18:00", "there is no day '2011-02-29': 2011-02 has 28 days"),
        (
            "--as-of",
            "2011-02-290",
            "'2011-02-290' is not a date (2011-03-01, 2011/3/1 or 2011年3月1日)",
        ),  # (not 02-29)
    ],
)
def test_a_day_no_calendar_has_is_said_as_such(cli, option, bad, said):
    """`--as-of 2011-02-29` said "not a date (YYYY-MM-DD)", as if its form were wrong;
    the message begins with the option it is of (it named none)."""
    cli.ok_import(prelude())
    res = cli.run("status", option, bad)
    assert_one_line_error(res)
    assert res.err.strip() == f"{option}: {said}", str(res)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("log", "--since", "2011-02-30"), "--since: there is no day '2011-02-30'"),
        (
            ("log", "--until", "x"),
            "--until: 'x' is not a date (2011-03-01, 2011/3/1 or 2011年3月1日)",
        ),
        (("report", "--as-of", "x", "--output", "r.md"), "--as-of: 'x' is not a date"),
        (("status", "--known-at", "2999-01-01"), "--known-at: '2999-01-01' is still to come"),
    ],
)
def test_a_bad_day_or_moment_names_its_option(cli, args, said):
    cli.ok_import(prelude())
    res = cli.run(*args)
    assert_one_line_error(res)
    assert res.err.startswith(said), str(res)
    res = cli.run(*args, lang="zh")
    assert res.err.startswith(args[args.index(said.split(":")[0])] + ":"), str(res)


def test_status_of_a_missing_store(cli):
    res = cli.run("status", "--format", "json", "--as-of", "2010-06-01")
    assert_one_line_error(res)


def test_status_of_a_store_without_campaign(cli, tmp_path):
    refused = write_jsonl(tmp_path / "r.jsonl", [prelude()[1]])
    assert cli.run("import", refused).code == 1
    res = cli.run("status", "--format", "json", "--as-of", "2010-06-01")
    assert_one_line_error(res)


@pytest.mark.slow
def test_python_dash_m_cxzy_with_cxzy_store(tmp_path):
    store = tmp_path / "env-store.db"
    env = subprocess_env(CXZY_STORE=str(store))
    write_jsonl(tmp_path / "p.jsonl", [*prelude(), act("145", "mobilization", "2010-05-12")])
    write_jsonl(
        tmp_path / "bad.jsonl", ["# header", {**act("145", "study", "2010-05-13"), "members": 3}]
    )

    proc = run_module("import", "p.jsonl", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert store.exists()
    # a new store is said (a mistyped --store made one unseen), once
    assert proc.stderr == f"新建了数据库 {store}\n", proc.stderr
    proc = run_module("import", "p.jsonl", env=env, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr

    proc = run_module("--lang", "en", "import", "bad.jsonl", env=env, cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert any(line.startswith("bad.jsonl:2:") for line in proc.stderr.splitlines()), proc.stderr

    proc = run_module("status", "--format", "json", "--as-of", "2010-05-12", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    status = json.loads(proc.stdout)
    units = {u["unit"]: u for u in status["units"]}
    assert units["145"]["phases"]["mobilize"]["items"]["mobilization"] == "done"

    proc = run_module("log", "--format", "jsonl", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len([line for line in proc.stdout.splitlines() if line.strip()]) == 4


# Ctrl-C while Python is still loading cxzy's modules, made certain: the loader of
# cxzy.cli.main raises KeyboardInterrupt, as a Ctrl-C in the first tenths of a
# second did (the command's own handling is not in place yet).
_INTERRUPTED_WHILE_LOADING = """
import runpy, sys

class Interrupting:
    def find_spec(self, name, path=None, target=None):
        if name == "cxzy.cli.main":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupting())
runpy.run_module("cxzy", run_name="__main__")
"""


def test_ctrl_c_while_cxzy_is_loading_ends_quietly_with_130(tmp_path):
    """`cxzy status` stopped 0.05-0.3 s after it began printed a Python traceback
    (KeyboardInterrupt), exit 130 by the signal; now nothing but the exit code."""
    proc = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_WHILE_LOADING, "status"],
        env=subprocess_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 130 and proc.stderr == "" and proc.stdout == "", proc
    # and the installed command is that entry point
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="cxzy")
    assert script.value == "cxzy.__main__:run"


def test_memory_running_out_while_cxzy_loads_is_one_line_and_75(tmp_path):
    """Under a tight `ulimit -v`, memory ran out while Python loaded cxzy's modules:
    a traceback and exit 1 (memory running out later is one line and 75)."""
    loader = _INTERRUPTED_WHILE_LOADING.replace("KeyboardInterrupt", "MemoryError")
    proc = subprocess.run(
        [sys.executable, "-c", loader, "import", "x.jsonl"],
        env=subprocess_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 75 and proc.stdout == "", proc
    assert proc.stderr.splitlines() == [
        "cxzy: 内存不足,未能启动,未写入任何内容(请放宽限制后重新运行)/ cxzy ran out of memory"
        " while starting; nothing was written (raise the limit and run it again)"
    ]
    assert list(tmp_path.iterdir()) == []


def test_records_piped_to_import_dash_are_checked_and_written_with_their_origin(tmp_path):
    """`script | cxzy import -`: JSON Lines from standard input, named <stdin> in
    reasons and in each record's origin (with the SHA-256 of the bytes read)."""
    import hashlib

    from cxzy.application.app import open_app
    from cxzy.application.history import LogFilter, LogQuery
    from cxzy.application.store import StoreLocation

    store, spool = tmp_path / "s.db", tmp_path / "tmp"
    spool.mkdir()
    env = subprocess_env(CXZY_STORE=str(store), TMPDIR=str(spool))
    records = [*prelude(), act("145", "mobilization", "2010-05-12")]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    bad = text + json.dumps(act("NOPE", "study", "2010-05-13")) + "\n"

    proc = run_module("--lang", "en", "import", "-", env=env, cwd=tmp_path, input=bad)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith(f"<stdin>:{len(records) + 1}: unit 'NOPE'"), proc.stderr

    proc = run_module("--lang", "en", "import", "-", env=env, cwd=tmp_path, input=text)
    assert proc.returncode == 0 and f"imported {len(records)}" in proc.stdout, proc.stderr
    digest = hashlib.sha256(text.encode()).hexdigest()
    entries = LogQuery(open_app(StoreLocation("sqlite", str(store)))).entries(LogFilter())
    assert [e.origin for e in entries] == [
        f"<stdin> sha256:{digest} line {n}" for n in range(1, len(records) + 1)
    ]
    proc = run_module("import", "-", env=env, cwd=tmp_path, input=text)  # again: nothing new
    assert proc.returncode == 0 and f"跳过已存在 {len(records)} 条" in proc.stdout, proc.stdout

    # a CSV piped in: said once, as CSV (each of its lines was "not valid JSON")
    csv_text = "type,at,unit,kind,title\n" + "ActivityHeld,2010-06-01,145,study,学习\n" * 50
    proc = run_module("--lang", "en", "import", "-", env=env, cwd=tmp_path, input=csv_text)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines()[0] == (
        "<stdin>:1: this is CSV, not JSON Lines: its first line is a header "
        "(type,at,unit,kind,title); import it as a file named .csv (a file named otherwise, "
        "and standard input, are read as JSON Lines)"
    ), proc.stderr
    assert len(proc.stderr.splitlines()) == 2, proc.stderr  # and the summary
    # a first line that is nearly a header: not JSON, said at once (a pattern matching
    # headers took a minute on it)
    nearly = "type, at" + " , " * 18 + " !\n"
    proc = run_module("--lang", "en", "import", "-", env=env, cwd=tmp_path, input=nearly)
    assert proc.returncode == 1 and "<stdin>:1: not valid JSON" in proc.stderr, proc.stderr

    proc = run_module("--lang", "en", "import", "-", "-", env=env, cwd=tmp_path, input=text)
    assert proc.returncode == 1 and "standard input" in proc.stderr, proc.stderr
    assert not list(spool.iterdir())  # the copy of standard input is gone


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_file_named_in_bytes_that_are_not_utf8_is_imported_with_its_name_escaped(
    tmp_path, suffix
):
    """A zip a unit made on Chinese Windows unpacks here with GBK file names: the
    import said "internal error" (the name, in the records' origin, could not be
    stored). Now it is imported, its name's odd bytes written as \\xNN."""
    from cxzy.application.app import open_app
    from cxzy.application.history import LogFilter, LogQuery
    from cxzy.application.store import StoreLocation

    store = tmp_path / "s.db"
    records = [*prelude(), act("145", "mobilization", "2010-05-12")]
    if suffix == ".jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    else:  # the activity only, into the store the JSON Lines made
        run_module("import", "-", env=subprocess_env(CXZY_STORE=str(store)), cwd=tmp_path,
                   input="".join(json.dumps(r) + "\n" for r in records[:-1]))  # fmt: skip
        text = "type,at,unit,kind,title\nActivityHeld,2010-05-12,145,mobilization,动员\n"
    name = "一四五队活动".encode("gbk") + suffix.encode()
    (tmp_path / os.fsdecode(name)).write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "cxzy", "--lang", "en", "--store", str(store), "import", name],
        env=subprocess_env(), cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0 and "imported" in proc.stdout, proc.stderr
    shown = name.decode("utf-8", "backslashreplace")  # (some pairs are UTF-8 by chance)
    assert shown.startswith("һ\\xcb\\xc4")
    last = LogQuery(open_app(StoreLocation("sqlite", str(store)))).entries(LogFilter())[-1]
    assert last.origin.startswith(f"{shown} sha256:"), last.origin
    proc = subprocess.run(
        [sys.executable, "-m", "cxzy", "--lang", "en", "--store", str(store), "import", name],
        env=subprocess_env(), cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0 and "imported 0 records" in proc.stdout, proc.stdout


def test_a_pipe_given_as_a_file_is_read_once_and_imported_with_its_origin(tmp_path):
    """`cxzy import <(my-script)` or a named pipe: the file was read twice (its
    SHA-256 first, then its records), and the second read waited for ever."""
    import hashlib
    import threading

    from cxzy.application.app import open_app
    from cxzy.application.history import LogFilter, LogQuery
    from cxzy.application.store import StoreLocation

    store, spool = tmp_path / "s.db", tmp_path / "tmp"
    spool.mkdir()
    records = [*prelude(), act("145", "mobilization", "2010-05-12")]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    pipe = tmp_path / "from-the-script.jsonl"
    os.mkfifo(pipe)
    writer = threading.Thread(
        target=pipe.write_text, args=(text,), kwargs={"encoding": "utf-8"}, daemon=True
    )
    writer.start()
    env = subprocess_env(CXZY_STORE=str(store), TMPDIR=str(spool))
    proc = run_module("--lang", "en", "import", pipe.name, env=env, cwd=tmp_path)
    writer.join(5)
    assert proc.returncode == 0 and f"imported {len(records)}" in proc.stdout, proc.stderr
    digest = hashlib.sha256(text.encode()).hexdigest()
    entries = LogQuery(open_app(StoreLocation("sqlite", str(store)))).entries(LogFilter())
    assert [e.origin for e in entries] == [
        f"{pipe.name} sha256:{digest} line {n}" for n in range(1, len(records) + 1)
    ]
    assert not list(spool.iterdir())  # the copy is gone


def test_days_are_taken_as_the_dashboard_takes_them(cli):
    """The dashboard's `:` took 2011/3/1 and 2011年3月1日 (as a unit's sheet writes
    them), and `status --as-of` refused them: they name the same day everywhere; a
    day no calendar has is said as typed."""
    cli.ok_import([*prelude(), act("145", "mobilization", "2010-05-12")])
    iso = cli.run("status", "--as-of", "2010-06-01", "--format", "json")
    for spelled in ("2010/6/1", "2010年6月1日", "2010.6.1"):
        res = cli.run("status", "--as-of", spelled, "--format", "json")
        assert res.code == 0 and res.out == iso.out, (spelled, str(res))
    res = cli.run("log", "--since", "2010/5/12", "--until", "2010年5月12日", "--format", "jsonl")
    assert res.code == 0 and [json.loads(line)["at"][:10] for line in res.out.splitlines()] == [
        "2010-05-12"
    ], str(res)
    res = cli.run("status", "--as-of", "2011/2/30")
    assert res.code == 1 and "--as-of: there is no day '2011/2/30'" in res.err, str(res)
    # the papers take them too
    for paper, spelled, name in (
        ("export", "2010年6月1日", "l.xlsx"),
        ("report", "2010/6/1", "r.md"),
    ):
        output = cli.tmp / name
        command = ("export", "ledger") if paper == "export" else ("report",)
        res = cli.run(*command, "--as-of", spelled, "-o", output)
        assert res.code == 0 and "as of 2010-06-01 written" in res.out + res.err, str(res)
        assert output.exists()


def test_a_scripts_output_given_as_a_file_is_named_a_pipe_not_a_descriptor(tmp_path):
    """`cxzy import <(my-script)`: the shell passes /dev/fd/63, and the log's origin
    said "63:1", a refusal "/dev/fd/63:1:": a number that names nothing to whoever
    reads it later. It is `<pipe>`, as standard input is `<stdin>`; several are
    numbered in the order given."""
    from cxzy.application.app import open_app
    from cxzy.application.history import LogFilter, LogQuery
    from cxzy.application.store import StoreLocation

    store = tmp_path / "s.db"
    write_jsonl(tmp_path / "p.jsonl", prelude())
    (tmp_path / "bad.jsonl").write_text("{bad\n", encoding="utf-8")
    env = subprocess_env(CXZY_STORE=str(store))
    cxzy = f"{sys.executable} -m cxzy --lang en import"
    proc = subprocess.run(
        ["bash", "-c", f"{cxzy} <(cat p.jsonl)"], env=env, cwd=tmp_path, capture_output=True
    )
    assert proc.returncode == 0, proc.stderr
    entries = LogQuery(open_app(StoreLocation("sqlite", str(store)))).entries(LogFilter())
    assert {e.origin.partition(" sha256:")[0] for e in entries} == {"<pipe>"}, entries[0]
    proc = subprocess.run(
        ["bash", "-c", f"{cxzy} <(cat bad.jsonl) <(cat bad.jsonl)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("<pipe 1>:1: not valid JSON"), lines
    assert lines[1].startswith("<pipe 2>:1: not valid JSON"), lines


@pytest.mark.slow
def test_python_dash_m_cxzy_user_mistakes_exit_1_without_traceback(tmp_path):
    env = subprocess_env(CXZY_STORE=str(tmp_path / "s.db"))
    write_jsonl(tmp_path / "p.jsonl", prelude())
    assert run_module("import", "p.jsonl", env=env, cwd=tmp_path).returncode == 0
    for args in (
        ["status", "--as-of", "2010-13-45"],
        ["import", "missing.jsonl"],
        ["status", "--known-at", "never"],
        ["status", "--as-of", "9999-12-31"],  # past the last day (decision 86)
        ["status", "--known-at", "0001-01-01T00:00:00+14:00"],
        ["report", "--as-of", "9999-12-31", "--output", "r.html"],
    ):
        proc = run_module(*args, env=env, cwd=tmp_path)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr, (args, proc.stderr)
        assert len([x for x in proc.stderr.splitlines() if x.strip()]) == 1, (args, proc.stderr)


# -- the command line's own words in the interface language (decision 69) -------------


def test_help_speaks_chinese_by_default_and_english_with_lang_en(cli):
    res = cli.run("-h", lang=None)
    assert res.code == 0, str(res)
    assert res.out.startswith("用法:cxzy ")
    assert "导入 JSON Lines、CSV 或 XLSX 文件" in res.out
    assert "显示本帮助并退出" in res.out
    assert "usage:" not in res.out and "show this help" not in res.out
    res = cli.run("import", "-h", lang=None)
    assert "只检查,不写入" in res.out and "位置参数" in res.out
    res = cli.run("import", "-h")  # --lang en before the command
    assert res.code == 0
    assert res.out.startswith("usage: cxzy import ")
    assert "check only, write nothing" in res.out
    assert "用法" not in res.out


def test_the_version_names_the_figures_version_terminals_sharing_a_store_must_agree_on(cli):
    """Every version said "cxzy 0.1.0": an office could not tell which terminal was
    older, before the store refused one (its figures a newer version)."""
    from cxzy import __version__
    from cxzy.application.readmodel import VERSION

    res = cli.run("--version", lang="en")
    assert res.code == 0
    assert res.out.strip() == f"cxzy {__version__} (store figures version {VERSION})"


def test_memory_running_out_is_said_as_such_not_as_a_bug_to_report(cli, monkeypatch):
    """`ulimit -v` or a full machine: "internal error (MemoryError), please report
    this", exit 1; it is the moment's, as a busy store is (75)."""
    from cxzy.application.status import StatusQuery

    cli.ok_import(prelude())

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(StatusQuery, "status", exhausted)
    res = cli.run("status", "--as-of", "2010-07-01")
    assert res.code == 75, str(res)
    assert res.err.strip() == (
        "cxzy ran out of memory; nothing it had not committed was written: close other"
        " programs or raise the limit (ulimit -v), and run it again"
    )


def test_no_folder_for_temporary_files_is_said_not_an_internal_error(cli, monkeypatch):
    """`import -` copies standard input into a temporary folder: with none that may be
    written, "internal error (FileNotFoundError: No usable temporary directory…)"."""
    import errno
    import io
    import tempfile

    def none_usable() -> str:
        raise FileNotFoundError(errno.ENOENT, "No usable temporary directory found in ['/tmp']")

    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(tempfile, "_get_default_tempdir", none_usable)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    res = cli.run("import", "-")
    assert_one_line_error(res)
    assert res.err.startswith("no folder for temporary files can be written (TMPDIR"), res.err


def test_a_ledger_whose_work_files_find_no_room_names_them_not_the_ledger(
    cli, tmp_path, monkeypatch
):
    """openpyxl's work files in a full $TMPDIR: "cannot write ledger.xlsx: no space
    left on the disk", with 76 GB free beside it."""
    import errno

    from cxzy.formats import ledger_xlsx

    cli.ok_import(prelude())
    work = str(tmp_path / "tmp" / "openpyxl.xml")

    def no_room(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", work)

    monkeypatch.setattr(ledger_xlsx, "write_tables_xlsx", no_room)
    output = tmp_path / "ledger.xlsx"
    res = cli.run("export", "ledger", "-o", output)
    assert res.code == 74, str(res)
    assert res.err.strip() == f"cannot write {work}: no space left on the disk", res.err
    assert not output.exists()


def test_two_languages_are_a_usage_error_and_one_twice_is_taken(cli):
    """`--lang en status --lang zh` printed Chinese: the last was kept, unsaid."""
    cli.ok_import(prelude())
    res = cli.run("--lang", "en", "status", "--lang", "zh", lang=None)
    assert res.code == 2 and "参数 --lang:给出了不止一次:只取一个值" in res.err, res.err
    res = cli.run("status", "--lang=zh", lang="en")
    assert res.code == 2 and not res.out
    res = cli.run("status", "--lang", "en", "--format", "json", lang="en")  # (an alias's)
    assert res.code == 0, res.err


def test_what_was_typed_is_shown_not_acted_on_in_a_usage_error(cli):
    """An unknown argument or --type of ESC [2J cleared the terminal."""
    for args in (("log", "--type", "\x1b[2J"), ("status", "\x1b[2J")):
        res = cli.run(*args)
        assert res.code == 2 and "\x1b" not in res.err and "^[[2J" in res.err, res.err


def test_spaces_around_a_day_a_moment_or_a_unit_are_left_out(cli):
    """'2011-03-01 ' was taken, ' 2011-03-01' refused; 'ZP ' was "not registered"."""
    cli.ok_import(prelude())
    plain = cli.run("status", "--format", "json", "--as-of", "2010-07-01")
    assert plain.code == 0, plain.err
    for args in (
        ("--as-of", " 2010-07-01 "),
        ("--as-of", "2010-07-01", "--known-at", f" {datetime.now(UTC).isoformat()} "),
    ):
        res = cli.run("status", "--format", "json", *args)
        assert res.code == 0, res.err
    res = cli.run("status", "--as-of", "2010-07-01", "--unit", " JU ")
    assert res.code == 0, res.err


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["verify"], "recompute the hash chain"),
        (["checkpoint"], "print the log's position, head hash and time"),
        (["status"], "status of every unit in every phase"),
        (["store", "copy"], "copy every event of SRC into an empty DST"),
        (["export", "ledger"], "the ledger as of a day"),
        (["template"], "write the fill-in workbook"),
    ],
)
def test_each_commands_own_help_says_what_it_does(cli, command, says):
    res = cli.run(*command, "-h")
    assert res.code == 0, str(res)
    rest = res.out.partition("\n\n")[2]  # after the usage lines
    assert rest.lstrip().startswith(says), res.out


def test_slips_get_the_advice_that_applies_to_them(cli, tmp_path):
    """From a probe of the English interface: `log --unit ""` said "unit '' is not
    registered"; `export ledger -o Lcsv` that the output must end in .xlsx, not how
    to have CSV files; `store copy` of a store not there told to import events."""
    cli.ok_import(prelude())
    res = cli.run("log", "--unit", "")
    assert res.code == 2 and "argument --unit: empty: give a unit's code" in res.err, str(res)
    res = cli.run("export", "ledger", "--output", tmp_path / "Lcsv")
    assert_one_line_error(res)
    assert "for a folder of CSV files, add --format csv" in res.err, str(res)
    assert not (tmp_path / "Lcsv").exists()
    res = cli.run("store", "copy", tmp_path / "nope.db", tmp_path / "copy.db")
    assert_one_line_error(res)
    assert res.err.strip() == f"no store at {tmp_path / 'nope.db'} to copy: is SRC right?"
    assert not (tmp_path / "copy.db").exists()


def test_cxzy_lang_in_the_environment_chooses_the_language_unless_lang_is_given(cli, monkeypatch):
    monkeypatch.setenv("CXZY_LANG", "en")
    res = cli.run("status", "-h", lang=None)
    assert res.out.startswith("usage: cxzy status "), res.out
    res = cli.run("status", "--bogus", lang=None)
    assert "unrecognized arguments: --bogus" in res.err
    res = cli.run("status", lang=None)  # an empty store: the refusal in English
    assert res.code == 1 and "import events first" in res.err, str(res)
    res = cli.run("status", lang="zh")
    assert res.code == 1 and "请先导入" in res.err, str(res)
    for named in ("EN", "en_US.UTF-8", "en-GB"):  # any case, a locale's name (EN gave Chinese)
        monkeypatch.setenv("CXZY_LANG", named)
        assert cli.run("status", "-h", lang=None).out.startswith("usage: cxzy status "), named
    monkeypatch.setenv("CXZY_LANG", "zh_CN.UTF-8")
    assert cli.run("status", "-h", lang=None).out.startswith("用法:cxzy status ")
    monkeypatch.setenv("CXZY_LANG", "fr")  # not one: the default
    assert cli.run("status", "-h", lang=None).out.startswith("用法:cxzy status ")


def test_usage_errors_speak_the_interface_language(cli):
    import argparse
    import gettext

    res = cli.run("status", "--bogus", lang=None)
    assert res.code == 2  # said by the command's parser, with its usage (it was the top's)
    assert "cxzy status:错误:无法识别的参数:--bogus" in res.err
    assert res.err.startswith("用法:cxzy status "), res.err
    res = cli.run("store", "copy", "a.db", "b.db", "--bogus", lang="en")
    assert res.code == 2 and res.err.startswith("usage: cxzy store copy "), res.err
    assert "cxzy store copy: error: unrecognized arguments: --bogus" in res.err
    res = cli.run("--bogus", "status", lang="en")  # given to cxzy, before the command
    assert res.code == 2 and "cxzy: error: unrecognized arguments: --bogus" in res.err, res.err
    res = cli.run("store", "--bogus", "copy", "a.db", "b.db", lang="en")
    assert "cxzy store: error: unrecognized arguments: --bogus" in res.err, res.err
    res = cli.run("status", "--format", "xml", lang=None)
    assert res.code == 2
    assert "cxzy status:错误:参数 --format:" in res.err and "'xml'" in res.err
    res = cli.run("import", lang=None)
    assert res.code == 2 and "缺少必需的参数:FILE" in res.err
    # --lang=en after the command: the errors are English from the start
    res = cli.run("status", "--lang=en", "--bogus", lang=None)
    assert res.code == 2
    assert "error: unrecognized arguments: --bogus" in res.err and "错误" not in res.err
    # argparse is left as it was for whoever else uses it in the process
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext


def test_a_long_usage_lines_up_under_its_first_argument_in_chinese(cli, monkeypatch):
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")
    for lang, head in (("zh", "用法:cxzy status "), ("en", "usage: cxzy status ")):
        first, second = cli.run("status", "-h", lang=lang).out.splitlines()[:2]
        assert first.startswith(head + "[-h]")
        assert second.startswith(" " * cell_len(head) + "[")  # not two columns to the left


@pytest.mark.parametrize(
    ("argv", "lang"),
    [
        ([], "zh"),
        (["--lang", "en"], "en"),
        (["status", "--lang=en"], "en"),
        (["--lang", "en", "status", "--lang", "zh"], "zh"),  # the last one wins
        (["--lang", "fr"], "zh"),  # refused by the parser, in the default language
        (["import", "--", "--lang", "en"], "zh"),  # a file named --lang
        (["log", "--unit", "--lang"], "zh"),
    ],
)
def test_the_language_is_read_before_the_parser_is_built(argv, lang):
    from cxzy.cli.usage import lang_in

    assert lang_in(argv) == lang


@pytest.mark.slow
def test_python_dash_m_cxzy_usage_error_in_chinese(tmp_path):
    proc = run_module("status", "--bogus", env=subprocess_env(), cwd=tmp_path)
    assert proc.returncode == 2
    assert "cxzy status:错误:无法识别的参数:--bogus" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_a_long_list_of_problems_is_cut_on_a_terminal_and_whole_when_redirected(tmp_path):
    """Scripts read every problem; a person at a terminal sees the first hundred
    (often the cause of the rest) and how many more there are (decision 71)."""
    (tmp_path / "bad.jsonl").write_text("not json\n" * 150, encoding="utf-8")
    env = subprocess_env(CXZY_STORE=str(tmp_path / "s.db"))
    piped = run_module("--lang", "en", "import", "bad.jsonl", env=env, cwd=tmp_path)
    assert piped.returncode == 1
    assert sum("not valid JSON" in line for line in piped.stderr.splitlines()) == 150
    assert "bad.jsonl:100: not valid JSON" in piped.stderr  # not "bad.jsonl💯"
    assert "more problems" not in piped.stderr

    code, shown = on_terminal(
        "--lang", "en", "import", "bad.jsonl", env=env, cwd=tmp_path, stream="stderr"
    )
    assert code == 1
    lines = shown.splitlines()
    assert sum("not valid JSON" in line for line in lines) == 100
    assert lines[0].startswith("bad.jsonl:1: not valid JSON")
    assert "… and 50 more problems not listed" in lines[-2]
    assert lines[-1].startswith("import refused: 150 bad records")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_status_on_an_80_column_terminal_shows_every_figure_whole(tmp_path, lang):
    """One table at 80 columns cut the rectifications' counts, the awards, the
    phases' progress and the legend: the phases and the figures come one table
    after the other, the units' names (not codes) giving way."""
    from conftest import load_demo_into

    store = tmp_path / "demo.db"
    load_demo_into(store)
    env = subprocess_env(CXZY_STORE=str(store))
    args = ("--lang", lang, "status", "--as-of", "2011-06-30")
    code, shown = on_terminal(*args, env=env, cwd=tmp_path, columns=80)
    assert code == 0, shown
    lines = shown.splitlines()
    assert max(cell_len(line) for line in lines) <= 80, shown
    figures = json.loads(run_module(*args, "--format", "json", env=env, cwd=tmp_path).stdout)
    for unit in figures["units"]:
        rows = [line for line in lines if re.search(rf"\s{re.escape(unit['unit'])}\s", line)]
        assert len(rows) == 2, (unit["unit"], shown)  # its phases, then its figures
        r = unit["rectifications"]
        counts = f"{r['open']}/{r['total']}/{r['overdue']}/{r['supervised_open']}/{r['escalated']}"
        assert counts in rows[1] and rows[1].rstrip(" │").endswith(str(unit["awards"]))
        progress = [
            f"{sum(s in ('done', 'late') for s in p['items'].values())}/{len(p['items'])}"
            for p in unit["phases"].values()
        ]
        assert re.findall(r"\d+/\d+", rows[0]) == progress, (unit["unit"], rows[0])
    assert re.search(r"(^| )[0-9a-f]{64}$", lines[-1]), shown  # the legend, whole
    assert any(line.startswith(("commit. = ", "承诺 = ")) for line in lines), shown

    piped = run_module(*args, env=env, cwd=tmp_path)  # a file gets one table, as before
    assert sum(" DKGS " in line for line in piped.stdout.splitlines()) == 1, piped.stdout


@pytest.mark.slow
def test_without_colour_an_overdue_phase_stands_out_on_the_terminal(tmp_path):
    """NO_COLOR took the red off an overdue phase and left it as plain as one done:
    it is bold and underlined, a phase done late in italics, and no colour is sent."""
    from conftest import load_demo_into

    store = tmp_path / "demo.db"
    load_demo_into(store)
    env = subprocess_env(CXZY_STORE=str(store), NO_COLOR="1", TERM="xterm-256color")
    args = ("status", "--as-of", "2012-11-07")
    code, shown = on_terminal(*args, env=env, cwd=tmp_path, columns=200, codes=True)
    assert code == 0, shown
    assert re.search(r"\x1b\[1;4m已逾期 \d+/\d+", shown), shown
    assert re.search(r"\x1b\[3m逾期完成 \d+/\d+", shown), shown
    assert not re.search(r"\x1b\[[0-9;]*\b3[0-7]\b", shown), shown  # (no foreground colour)


@pytest.mark.slow
def test_a_terminal_that_cannot_draw_the_dashboard_gets_the_status_table(tmp_path):
    """TERM=dumb (an editor's shell, a serial console) was sent the dashboard's
    full-screen escapes: it gets the status table, and a line on why."""
    import pty

    from conftest import load_demo_into

    store = tmp_path / "demo.db"
    load_demo_into(store)
    env = subprocess_env(CXZY_STORE=str(store), TERM="dumb", COLUMNS="200")
    reader, writer = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxzy", "--lang", "en"],
        env=env,
        cwd=tmp_path,
        stdin=writer,
        stdout=writer,
        stderr=subprocess.PIPE,
    )
    os.close(writer)
    shown = read_terminal(reader, seconds=30)  # (a dashboard drawn would wait for keys)
    proc.kill()
    code = proc.wait()
    said = proc.stderr.read().decode()
    assert code == 0, (shown, said)
    assert "\x1b" not in shown and " DKGS " in shown, shown
    assert said.strip() == (
        "this terminal (TERM=dumb) cannot draw the dashboard: the status table instead"
    ), said


def _on_a_terminal(tmp_path, argv: list[str], columns: int, stdin: Any = None, **env: str):
    """cxzy run with its output on a terminal ``columns`` wide: (code, shown, said)."""
    import fcntl
    import pty
    import struct
    import termios

    from conftest import load_demo_into

    store = tmp_path / "demo.db"
    load_demo_into(store)
    reader, writer = pty.openpty()
    fcntl.ioctl(writer, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxzy", "--lang", "en", *argv],
        env=subprocess_env(CXZY_STORE=str(store), **env),
        cwd=tmp_path,
        stdin=writer if stdin is None else stdin,
        stdout=writer,
        stderr=subprocess.PIPE,
    )
    os.close(writer)
    shown = read_terminal(reader, seconds=30)
    proc.kill()
    return proc.wait(), shown, proc.stderr.read().decode()


def test_the_status_table_takes_the_terminals_width_whatever_term_or_columns_say(tmp_path):
    """TERM=dumb laid the table out for 80 columns on a terminal of 200 (two tables);
    COLUMNS=0 printed nothing."""
    for env in ({"TERM": "dumb"}, {"COLUMNS": "0"}):
        code, shown, said = _on_a_terminal(
            tmp_path, ["status", "--as-of", "2011-03-01"], 200, **env
        )
        assert code == 0, said
        header = next(line for line in shown.splitlines() if "Mobilize" in line)
        assert "Summarize" in header and "awards" in header, shown


def test_no_dashboard_for_an_input_that_is_not_a_terminal_is_said(tmp_path):
    """`cxzy </dev/null` on a terminal printed the status table without a word."""
    code, shown, said = _on_a_terminal(tmp_path, [], 200, stdin=subprocess.DEVNULL)
    assert code == 0 and "甘肃煤田地质局" in shown, said
    assert said.strip() == (
        "the standard input is not a terminal (redirected, or closed): the dashboard reads"
        " its keys there; the status table instead"
    ), said


def test_a_unit_with_a_very_long_name_leaves_its_figures_in_sight(cli, monkeypatch):
    """A name (or code) as long as a sentence is cut with …, not the phases' cells."""
    from contract_helpers import prelude, unit

    monkeypatch.setenv("COLUMNS", "120")
    long_name = "甘肃省煤田地质局第一百四十五勘探队机关第三党支部临时党小组"
    code = "LONGCODE-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789"  # past any office's codes
    cli.ok_import([*prelude(), unit(code, "2010-05-10", long_name)])
    res = cli.run("status", "--as-of", "2010-06-15", lang="zh")
    assert res.code == 0, str(res)
    (row,) = [line for line in res.out.splitlines() if "LONGCODE" in line]
    assert "甘肃省煤田地质局第一百…" in row and "LONGCODE-ABCDEFGHIJKLMNOPQRSTUVWXYZ-012…" in row
    assert "已逾期 0/4" in row  # the mobilisation phase, with its progress


def test_codes_deep_in_a_tree_are_shown_whole_and_names_cut_as_each_row_needs(cli, monkeypatch):
    """Two groups' codes `PL.01-01B01-G1` and `-G2` were both `PL.01-01B01…` (codes
    cut at 12 cells), and at 90 columns every name was cut as far as the deepest
    row of the longest code needed (`第…`), the bureau's too."""
    from contract_helpers import prelude, unit

    monkeypatch.setenv("COLUMNS", "100")
    tree = [unit("PL", "2010-05-10", "平凉煤田地质分局", parent="JU")]
    tree.append(unit("PL.01-01B01", "2010-05-10", "机关党支部", parent="PL"))
    for group in ("G1", "G2"):
        tree.append(unit(f"PL.01-01B01-{group}", "2010-05-10", "第一党小组",
                         parent="PL.01-01B01"))  # fmt: skip
    cli.ok_import([*prelude(), *tree])
    res = cli.run("status", "--as-of", "2010-06-15", lang="zh")
    assert res.code == 0, str(res)
    lines = res.out.splitlines()
    for group in ("G1", "G2"):
        assert any(f"第一党小组 PL.01-01B01-{group} " in line for line in lines), res.out
    assert any("平凉煤田地质分局 PL " in line for line in lines), res.out


def test_output_that_cannot_be_written_is_said_not_reported_as_a_bug(tmp_path):
    """`cxzy status > /dev/full`: the disk, not an internal error; `cxzy log | head`
    ends as having done its work (rich exited 1, saying nothing)."""
    from conftest import load_demo_into
    from contract_helpers import subprocess_env

    store = load_demo_into(tmp_path / "demo.db")
    env = subprocess_env()
    # (verify's 1 says the log is broken: 74; the help and the version were lost
    # unsaid, exit 0)
    for command in ("status", "verify", "--help", "--version", "status -h"):
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "cxzy", "--store", str(store), *command.split()],
                stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60,
            )  # fmt: skip
        assert proc.returncode == 74 and proc.stderr.strip() == "无法写入 标准输出:磁盘空间不足"
    reader = subprocess.Popen(
        [sys.executable, "-m", "cxzy", "--store", str(store), "log"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert reader.stdout is not None and reader.stdout.readline()
    reader.stdout.close()  # as `head -1` does
    assert reader.wait(60) == 0 and reader.stderr.read() == b""


def test_sqlites_memory_store_is_refused(cli):
    """Imported into nothing that lasts, with exit 0: refused as not a file's path."""
    res = cli.run("--store", ":memory:", "status", store="")
    assert res.code == 1 and "in memory" in res.err, str(res)


def test_a_damaged_source_of_a_copy_is_named_not_the_default_store(cli, tmp_path):
    from conftest import load_demo_into

    source = load_demo_into(tmp_path / "source.db")
    with open(source, "r+b") as damaged:
        damaged.seek(200_000)
        damaged.write(b"\xde\xad\xbe\xef" * 256)
    res = cli.run("store", "copy", source, tmp_path / "copy.db", store="")
    assert res.code == 1 and f"store {source} is damaged" in res.err, str(res)


def _closed(*args: str, closing: str, env: dict, cwd) -> subprocess.CompletedProcess:
    """`python -m cxzy ARGS` run by a shell with ``closing`` (``>&-``, ``2>&-``)."""
    command = " ".join(["exec", sys.executable, "-m", "cxzy", *args, closing])
    return subprocess.run(
        ["sh", "-c", command], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_a_closed_standard_output_or_error_is_no_traceback_and_nothing_is_lost(tmp_path):
    """`cxzy import FILE >&-` from cron gave a traceback (Python has None for a closed
    stream) and wrote nothing; with standard error closed, the reasons went to the
    output a script reads."""
    from conftest import load_demo_into

    store = load_demo_into(tmp_path / "demo.db")
    env = subprocess_env()
    award = {"type": "CommendationAwarded", "at": "2011-07-01", "unit": "145",
             "title": "advanced_org", "level": "bureau"}  # fmt: skip
    path = write_jsonl(tmp_path / "award.jsonl", [award])

    def logged() -> int:
        log = run_module("--store", str(store), "log", "--format", "jsonl", env=env, cwd=tmp_path)
        return len(log.stdout.splitlines())

    before = logged()
    run = _closed("--store", str(store), "import", str(path), closing=">&-", env=env, cwd=tmp_path)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert logged() == before + 1
    bad = _closed(
        "--store", str(store), "status", "--as-of", "bad", closing="2>&-", env=env, cwd=tmp_path
    )
    assert bad.returncode == 1 and bad.stdout == "", bad.stdout


def test_an_import_of_a_closed_standard_input_is_refused_not_done(tmp_path):
    """`producer | cxzy import -` whose producer closed it (`<&-`) was "imported 0
    records", exit 0: a script's failure unnoticed."""
    env = subprocess_env()
    store = tmp_path / "s.sqlite3"
    run = _closed("--lang", "en", "--store", str(store), "import", "-", closing="<&-", env=env,
                  cwd=tmp_path)  # fmt: skip
    assert run.returncode == 1, run
    assert run.stderr.startswith("- (standard input) is closed"), run.stderr
    assert not store.exists()


def test_an_import_whose_summary_cannot_be_printed_says_it_was_written_and_exits_0(tmp_path):
    """`cxzy import FILE > /dev/full` exited 1 saying only that the output could not
    be written: a script took the import for refused, though it was committed."""
    from conftest import load_demo_into

    store = load_demo_into(tmp_path / "demo.db")
    award = {"type": "CommendationAwarded", "at": "2011-07-02", "unit": "145",
             "title": "advanced_org", "level": "bureau"}  # fmt: skip
    path = write_jsonl(tmp_path / "award.jsonl", [award])
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "cxzy", "--lang", "en", "--store", str(store), "import",
             str(path)],
            stdout=full, stderr=subprocess.PIPE, text=True, env=subprocess_env(), timeout=60,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "cannot write the standard output: no space left on the disk",
        "imported 1 record, skipped 0 already present (log position 545)",
    ]
    again = {**award, "at": "2011-07-03"}  # `>> log 2>&1` on a full disk: both streams
    path = write_jsonl(tmp_path / "again.jsonl", [again])
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "cxzy", "--store", str(store), "import", str(path)],
            stdout=full, stderr=full, env=subprocess_env(), timeout=60,
        )  # fmt: skip
    assert proc.returncode == 0


@pytest.mark.parametrize(
    ("args", "done"),
    [
        (("store", "copy", "{store}", "{dir}/copy.db"), "copied 544 events from"),
        (("export", "ledger", "--output", "{dir}/ledger.xlsx"), "ledger as of 2012-11-07 written"),
        (("report", "--output", "{dir}/report.md"), "report as of 2012-11-07 written"),
        (("store", "rebuild"), "the figures of"),
    ],
)
def test_work_done_whose_summary_cannot_be_printed_exits_0(tmp_path, args, done):
    """As an import does (above): a copy made, a ledger written, whose one line could
    not be printed, exited 74; a script that tried again found the copy's target "not
    empty", or took the ledger for not written."""
    from conftest import load_demo_into

    store = load_demo_into(tmp_path / "demo.db")
    argv = [a.format(store=store, dir=tmp_path) for a in args]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "cxzy", "--lang", "en", "--store", str(store), *argv,
             *(["--as-of", "2012-11-07"] if args[0] in ("export", "report") else [])],
            stdout=full, stderr=subprocess.PIPE, text=True, env=subprocess_env(), timeout=120,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    said = proc.stderr.splitlines()
    assert said[-2] == "cannot write the standard output: no space left on the disk", said
    assert said[-1].startswith(done), said


def test_an_empty_store_option_is_refused_not_taken_for_the_default(tmp_path):
    """`--store "$STORE"` with STORE unset imported into the per-user store."""
    env = subprocess_env(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"))
    path = write_jsonl(tmp_path / "p.jsonl", prelude())
    res = run_module("--lang", "en", "--store", "", "import", str(path), env=env, cwd=tmp_path)
    assert res.returncode == 1
    assert res.stderr.startswith("--store is empty"), res.stderr
    assert not (tmp_path / "home").exists() and not (tmp_path / "data").exists()
    copy = run_module("--lang", "en", "store", "copy", "", "x.db", env=env, cwd=tmp_path)
    assert copy.returncode == 1 and copy.stderr.startswith("SRC is empty"), copy.stderr
    copy = run_module("--lang", "en", "store", "copy", "x.db", "", env=env, cwd=tmp_path)
    assert copy.returncode == 1 and copy.stderr.startswith("DST is empty"), copy.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("log", "--type", "UnitRegistered", "--type", "UnitUpdated"),
        ("log", "--unit", "ZP", "--unit", "JU"),
        ("log", "--since", "2010-06-01", "--since=2010-07-01"),
        ("status", "--as-of", "2011-01-01", "--as-of", "2011-02-01"),
        ("status", "--known-at", "2011-01-01", "--known-at", "2011-02-01"),
        # (these kept the last, and wrote it: "the same way" as status, the README says)
        ("report", "-o", "r.md", "--as-of", "2011-01-01", "--as-of", "2011-02-01"),
        ("export", "ledger", "-o", "l.xlsx", "--known-at", "2011-01-01", "--known-at", "x"),
        ("report", "--output", "a.md", "--output", "b.md"),
        ("verify", "--against", "a", "--against", "b"),
        # (before the command and after it: the one after was read, saying nothing)
        ("status", "--store", "other.db"),
        ("store", "rebuild", "--store", "other.db"),  # (after a command's own, too)
        # (with a default: the last was kept, a table printed for json asked first)
        ("status", "--format", "json", "--format", "table"),
        ("log", "--format", "jsonl", "--format", "table"),
        ("import", "x.csv", "--encoding", "gbk", "--encoding", "utf-8"),
    ],
    ids=[
        "type",
        "unit",
        "since",
        "as-of",
        "known-at",
        "report",
        "ledger",
        "output",
        "against",
        "store",
        "store-nested",
        "format",
        "log-format",
        "encoding",
    ],
)
def test_an_option_of_one_value_given_twice_is_a_usage_error(cli, args):
    """argparse kept the last: `log --type A --type B` listed B's records alone, exit 0."""
    cli.ok_import(prelude())
    option = args[-2] if args[-2].startswith("--") else args[-1].partition("=")[0]
    option = {"--output": "--output/-o"}.get(option, option)
    res = cli.run(*args, lang=None)
    assert res.code == 2 and not res.out
    assert f"参数 {option}:给出了不止一次:只取一个值" in res.err, res.err
    res = cli.run(*args, lang="en")
    assert res.code == 2
    assert f"argument {option}: given more than once: it takes one value" in res.err, res.err


BUSY = "75 the store busy, its first import not committed yet, or its PostgreSQL"
READING_COMMANDS = (
    "status",
    "log",
    "checkpoint",
    "store template",
    "template",
    "export ledger",
    "report",
)


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("import", "exit status: 0 written (or all already present); 1 input refused"),
        ("import", "75 another program held the store too long, its PostgreSQL server not"),
        # (the commands that write a store name 74 and every meaning of 75: a probe
        # of the documentation found them exit so, unsaid)
        *(
            (command, says)
            for command in ("import", "demo", "store copy", "store rebuild")
            for says in (
                "74 the store's disk (or SQLite's temporary folder) full, nothing written",
                "not answering, or memory running out, nothing written: try again later",
            )
        ),
        ("status", "exit status: 0 shown; 1 not possible"),
        ("verify", "exit status: 0 the log is intact; 1 a record was altered"),
        ("log", "exit status: 0 shown; 1 not possible"),
        ("checkpoint", "exit status: 0 shown; 1 not possible"),
        ("demo", "exit status: 0 loaded (or loaded before); 1 not possible"),
        ("template", "exit status: 0 written; 1 not written"),
        ("export ledger", "exit status: 0 written; 1 not written"),
        ("report", "exit status: 0 written; 1 not written"),
        ("store copy", "exit status: 0 done; 1 not done, nothing written"),
        ("store rebuild", "exit status: 0 done; 1 not done, nothing written"),
        # (the commands of commands, and cxzy's own: they said none)
        ("store", "exit status: 0 done; 1 not done, nothing written"),
        ("export", "exit status: 0 written; 1 not written"),
        # (the commands that read a store name 75 too: they returned it unsaid)
        *((command, BUSY) for command in READING_COMMANDS),
        ("verify", "75 an import held the store past the 30 s wait"),
        ("", "exit status: each command's, in its help (cxzy COMMAND -h); 2 usage error;"),
        ("", "130, 143, 129 stopped by Ctrl-C, SIGTERM, SIGHUP"),
    ],
)
def test_the_help_of_what_scripts_run_says_its_exit_statuses(cli, command, says):
    """A script's author reads `-h`, not the README: FORMAT.md's exit statuses are
    there (`log`, `demo`, `template`, `export` and `report` said none)."""
    command = command.split()
    res = cli.run(*command, "-h", lang="en")
    assert res.code == 0, str(res)
    assert says in " ".join(res.out.split()), res.out
    res = cli.run(*command, "-h", lang=None)
    assert "退出码:" in res.out and (";1 " in res.out or "为 1" in res.out), res.out


@pytest.mark.parametrize("encoding", ["ascii", "gbk"])
def test_an_output_encoding_without_every_character_gives_escapes_not_an_internal_error(
    tmp_path, encoding
):
    """PYTHONIOENCODING=ascii, or a GBK locale and a name of CJK Extension B (𠮷):
    "internal error", itself unreadable. JSON is now the same JSON, escaped as JSON
    escapes (a surrogate pair beyond the BMP), and tables are written with escapes."""
    from conftest import load_demo_into

    store = load_demo_into(tmp_path / "demo.db")
    env = subprocess_env()
    unit = {"type": "UnitRegistered", "at": "2010-05-12", "unit": "XX", "name": "𠮷野队",
            "kind": "team", "by": "𠮷田"}  # fmt: skip
    path = write_jsonl(tmp_path / "unit.jsonl", [unit])
    assert (
        run_module("--store", str(store), "import", str(path), env=env, cwd=tmp_path).returncode
        == 0
    )
    escaped = subprocess_env(PYTHONIOENCODING=encoding)

    def run_escaped(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cxzy", "--lang", "en", "--store", str(store), *args],
            env=escaped, cwd=tmp_path, capture_output=True, encoding=encoding, timeout=60,
        )  # fmt: skip

    def values(text: str, lines: bool) -> list:
        return [json.loads(line) for line in text.splitlines()] if lines else [json.loads(text)]

    for args, lines in (
        (("status", "--as-of", "2011-07-01", "--format", "json"), False),
        (("log", "--format", "jsonl", "--unit", "XX"), True),
    ):
        plain = run_module("--store", str(store), *args, env=env, cwd=tmp_path)
        other = run_escaped(*args)
        assert other.returncode == 0, other.stderr
        assert other.stdout.isascii() and "\\ud842\\udfb7" in other.stdout, other.stdout
        assert values(other.stdout, lines) == values(plain.stdout, lines)
    table = run_escaped("status", "--as-of", "2011-07-01")
    assert table.returncode == 0 and "internal" not in table.stderr, table.stderr
    bad = run_escaped("status", "--as-of", "bad")
    assert bad.returncode == 1 and "internal" not in bad.stderr and "bad" in bad.stderr


def test_audit_without_json_is_a_usage_error_not_ignored(cli):
    """`status --audit` with the table said nothing of the log position it promises."""
    cli.ok_import(prelude())
    res = cli.run("status", "--audit", lang="en")
    assert res.code == 2 and not res.out
    assert "cxzy status: error: --audit needs --format json" in res.err, res.err
    assert "usage: cxzy status " in res.err  # (the command's own usage, not cxzy's)
    res = cli.run("status", "--audit", lang=None)
    assert res.code == 2 and "--audit 只用于 --format json" in res.err, res.err
    assert cli.run("status", "--audit", "--format", "json").code == 0


def test_names_in_messages_of_success_show_their_control_characters(cli, tmp_path):
    """A store or output named with a line break or an escape sequence (a script's
    slip) was printed raw by "made a new store at", the report's "written" and
    the like, where every refusal showed it: the terminal acted on it."""
    demo = tmp_path / "prelude.jsonl"
    demo.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in prelude()))
    store = tmp_path / "bad\nname\x1b[31m.db"
    res = cli.run("import", demo, store=store)
    assert res.code == 0, str(res)
    assert "made a new store at" in res.err and "bad⏎name^[[31m.db" in res.err, res.err
    report = tmp_path / "r\x1b[2J.md"
    res = cli.run("report", "--output", report, store=store)
    assert res.code == 0 and "r^[[2J.md" in res.out and "\x1b" not in res.out + res.err, str(res)


def test_standard_input_that_the_temporary_folder_cannot_hold_is_said_as_that(tmp_path):
    """`cxzy import -` copies what it reads into $TMPDIR before checking it: a full
    folder was said as "cannot write the standard output" (`-`) or as the pipe's
    "cannot read". (The copy is cut off here by a limit on a file's size.)"""
    import resource

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    line = json.dumps({"type": "ActivityHeld", "id": "x" * 200}) + "\n"
    proc = subprocess.run(
        [sys.executable, "-m", "cxzy", "--lang", "en", "--store", str(tmp_path / "s.db"),
         "import", "-"],
        input=line * 8000, capture_output=True, text=True, env=subprocess_env(TMPDIR=str(tmp_path)),
        preexec_fn=small_files, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 74, proc.stderr
    assert proc.stderr.startswith(
        f"cannot copy <stdin> into the temporary folder {tmp_path} to check it first:"
    ), proc.stderr
    assert "nothing was written" in proc.stderr
    assert not (tmp_path / "s.db").exists()


def test_a_stream_copied_first_is_refused_at_once_or_before_the_disk_is_full(tmp_path, monkeypatch):
    """`cxzy import /dev/zero` (or `- < /dev/urandom`) was copied into $TMPDIR until
    the disk was full, then refused; an endless pipe (`yes |`) filled the disk for
    every program on it. A stream read as JSON Lines that begins as no text is
    refused at its first chunk; a copy stops while the disk keeps a tenth free."""
    import collections
    import importlib
    import io

    from cxzy.cli.exits import EXIT_UNWRITABLE, exit_for
    from cxzy.domain.errors import Violation
    from cxzy.i18n import rendered

    main = importlib.import_module("cxzy.cli.main")  # (the module: cxzy.cli.main is its main)

    endless = io.BytesIO(bytes(8 << 20))
    with pytest.raises(Violation) as refused:
        main._spool(endless, tmp_path / "0.jsonl", "<stdin>")
    assert refused.value.code == "jsonl_not_text" and endless.tell() == 1 << 20
    assert (tmp_path / "0.jsonl").stat().st_size == 0  # (nothing copied first)

    Usage = collections.namedtuple("Usage", "total used free")
    monkeypatch.setattr(main, "SPOOL_ROOM_EVERY", 2 << 20)
    monkeypatch.setattr(main.shutil, "disk_usage", lambda path: Usage(100 << 30, 0, 9 << 30))
    text = io.BytesIO(b'{"type": "ActivityHeld"}\n' * 400_000)  # (10 MB of text)
    with pytest.raises(Violation) as full:
        main._spool(text, tmp_path / "1.jsonl", "<stdin>")
    assert exit_for(full.value) == EXIT_UNWRITABLE
    said = rendered(full.value, "en")
    assert said.startswith("cannot copy <stdin> into the temporary folder") and "space" in said
    assert (tmp_path / "1.jsonl").stat().st_size <= 3 << 20  # (stopped at the first look)
    # with room, the same text is copied whole
    monkeypatch.setattr(main.shutil, "disk_usage", lambda path: Usage(100 << 30, 0, 50 << 30))
    text.seek(0)
    main._spool(text, tmp_path / "2.jsonl", "<stdin>")
    assert (tmp_path / "2.jsonl").stat().st_size == len(text.getvalue())

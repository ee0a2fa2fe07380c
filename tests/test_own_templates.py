"""An office's own campaign template: a file in its folder, kept by the store it
plans a campaign in (decision 259)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from importlib import resources

import pytest

from contract_helpers import act, assert_no_traceback, assert_refused, ev, unit

TEMPLATE = """
key = "dangshi-2021"
title = { zh = "党史学习教育", en = "Party history education" }
late_report_days = 3

[[phases]]
key = "learn"
name = { zh = "学史明理", en = "Learn history" }
start = 2021-02-20
end = 2021-06-30
items = [
  { key = "special_study", has = "activity", kind = "special_study", name = { zh = "专题学习", en = "Special study" } },
]

[[phases]]
key = "practice"
name = { zh = "办实事", en = "Practical deeds" }
start = 2021-07-01
end = 2021-11-30
items = [
  { key = "deeds", has = "activity", kind = "practical_deeds", name = { zh = "我为群众办实事", en = "Deeds for the masses" } },
]
"""


def history() -> list[dict]:
    return [
        ev(
            "CampaignPlanned",
            "2021-02-20T09:00:00+08:00",
            campaign="DS-2021",
            title="党史学习教育",
            template="dangshi-2021",
        ),
        unit("JU", "2021-02-20T10:00:00+08:00", "局机关", kind="bureau"),
        unit("145", "2021-02-20T10:00:00+08:00", "一四五队", parent="JU"),
        ev(
            "ActivityHeld",
            "2021-03-01T10:00:00+08:00",
            unit="145",
            kind="special_study",
            title="党史专题学习",
        ),
    ]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The office's templates folder, named by $CXZY_TEMPLATES, holding its template."""
    path = tmp_path / "templates"
    path.mkdir()
    (path / "dangshi-2021.toml").write_text(TEMPLATE, encoding="utf-8")
    monkeypatch.setenv("CXZY_TEMPLATES", str(path))
    return path


def items(cli, code: str, as_of: str) -> dict:
    return cli.unit(as_of, code)["phases"]["learn"]["items"]


def test_a_campaign_is_planned_on_a_template_from_the_offices_folder(cli, folder):
    cli.ok_import(history())
    assert items(cli, "145", "2021-03-05") == {"special_study": "done"}
    assert items(cli, "JU", "2021-03-05") == {"special_study": "open"}
    status = cli.status("2021-03-05")
    assert status["campaign"]["template"] == "dangshi-2021"
    assert status["units"][0]["phases"].keys() == {"learn", "practice"}


def test_the_store_keeps_the_rules_it_was_planned_on(cli, folder, monkeypatch):
    """The file edited after the campaign was planned (its first phase cut short),
    then gone: the store's figures stay those it was planned on, rebuilt or not, and
    the store is read where the file never was (an auditor's machine)."""
    cli.ok_import(history())
    before = cli.status("2021-03-05")
    edited = TEMPLATE.replace("end = 2021-06-30", "end = 2021-03-02")
    (folder / "dangshi-2021.toml").write_text(edited, encoding="utf-8")
    assert cli.status("2021-03-05") == before
    (folder / "dangshi-2021.toml").unlink()
    monkeypatch.delenv("CXZY_TEMPLATES")
    assert cli.status("2021-03-05") == before
    rebuilt = cli.run("store", "rebuild")
    assert rebuilt.code == 0, str(rebuilt)
    assert cli.status("2021-03-05") == before
    assert cli.run("verify").code == 0
    # later records are held to the kept rules too: a kind the file gone had is taken…
    cli.ok_import([act("145", "special_study", "2021-03-10")])
    # …and one a file of the same key names now, which the kept rules lack, is not
    newer = folder.parent / "newer"
    newer.mkdir()
    (newer / "dangshi-2021.toml").write_text(
        'activity_kinds = ["red_tour"]\n' + TEMPLATE, encoding="utf-8"
    )
    monkeypatch.setenv("CXZY_TEMPLATES", str(newer))
    _, res = cli.imp([act("145", "red_tour", "2021-03-11")])
    assert res.code == 1 and "red_tour" in res.err, str(res)


def test_activity_kinds_add_kinds_records_may_give(cli, folder):
    """A template's activity_kinds: kinds a record may name beyond its items' (a
    unit's red tour, counted for no item)."""
    _, res = cli.imp([*history(), act("145", "red_tour", "2021-03-02")])
    assert res.code == 1 and "activity kind 'red_tour'" in res.err, str(res)
    (folder / "dangshi-2021.toml").write_text(
        'activity_kinds = ["red_tour"]\n' + TEMPLATE, encoding="utf-8"
    )
    cli.ok_import([*history(), act("145", "red_tour", "2021-03-02")])
    assert any(r.get("kind") == "red_tour" for r in cli.log())


def test_a_copy_carries_the_template_its_campaign_was_planned_on(cli, folder, monkeypatch):
    """The copy is read where the template's file never was (an auditor's machine):
    the template comes with the store."""
    cli.ok_import(history())
    before = cli.status("2021-03-05")
    copied = cli.tmp / "copy.db"
    res = cli.run("store", "copy", cli.store, copied, store="")
    assert res.code == 0, str(res)
    (folder / "dangshi-2021.toml").unlink()
    monkeypatch.delenv("CXZY_TEMPLATES")
    template = cli.run("store", "template", store=copied)
    assert template.code == 0 and template.out == TEMPLATE, str(template)
    shown = cli.run("status", "--format", "json", "--as-of", "2021-03-05", store=copied)
    assert shown.code == 0 and json.loads(shown.out) == before, str(shown)


def test_a_template_not_found_says_where_one_goes(cli):
    path, res = cli.imp(history())
    assert_refused(
        res,
        path,
        1,
        r"unknown template 'dangshi-2021' \(known: cxzy-2010\); a template of your own is a"
        r" file dangshi-2021.toml in \S+no-templates, or in a folder \$CXZY_TEMPLATES names",
    )
    assert not cli.store.exists()


def test_a_broken_template_of_ones_own_is_named_by_its_path(cli, folder):
    (folder / "dangshi-2021.toml").write_text(
        TEMPLATE.replace("start = 2021-07-01", "start = 2021-06-01"), encoding="utf-8"
    )
    _, res = cli.imp(history())
    assert res.code == 1 and not cli.store.exists()
    assert_no_traceback(res)
    where = folder / "dangshi-2021.toml"
    assert f"{where}: phase practice: starts before the previous phase ends" in res.err, res.err


def test_a_broken_template_is_said_in_the_interfaces_language(cli, folder):
    """The template's mistakes were said in English inside a Chinese message."""
    (folder / "dangshi-2021.toml").write_text(
        TEMPLATE.replace('kind = "practical_deeds"', 'kind = "practical_deeds", scope = "队"'),
        encoding="utf-8",
    )
    path = cli.write(history())
    res = cli.run("import", path, lang="zh")
    assert res.code == 1 and not cli.store.exists()
    where = folder / "dangshi-2021.toml"
    said = (
        f"活动模板有误:{where}:阶段 practice,第 1 项(deeds):scope 须为 'all' 或"
        "单位类型(bureau、team、institute、academy、company、office),实为 '队'"
    )
    assert said in res.err, res.err


def test_a_setting_misspelt_is_refused_not_taken_for_none(cli, folder):
    """`late_report_day = 3` was taken for no setting: 7 days, unsaid."""
    (folder / "dangshi-2021.toml").write_text(
        TEMPLATE.replace("late_report_days = 3", "late_report_day = 3"), encoding="utf-8"
    )
    _, res = cli.imp(history())
    assert res.code == 1 and not cli.store.exists()
    assert "unknown setting(s) late_report_day (known: key, title, timezone," in res.err, res.err
    assert res.err.startswith(f"{cli.tmp / 'in1.jsonl'}:1: broken campaign template: template")


def test_a_store_planned_before_stores_kept_templates_reads_the_file(cli, folder):
    """A campaign planned by an earlier cxzy has no template text in its store: its
    template is the file of its key, as it always was."""
    cli.ok_import(history())
    with sqlite3.connect(cli.store) as db:
        db.execute("UPDATE cx_campaign SET template_text = NULL")
    db.close()
    assert items(cli, "JU", "2021-03-05") == {"special_study": "open"}
    edited = TEMPLATE.replace("end = 2021-06-30", "end = 2021-03-02")
    (folder / "dangshi-2021.toml").write_text(edited, encoding="utf-8")
    assert items(cli, "JU", "2021-03-05") == {"special_study": "missed"}


async def test_the_dashboard_reads_the_store_by_its_own_template(cli, folder, monkeypatch):
    """Opened where the file is not: the phases are the campaign's, its help offers
    a phase of its own (it offered :整改, which this campaign has not), and `:` goes
    to that phase's first day."""
    from datetime import date

    from textual.widgets import Static

    from cxzy.application.app import open_app
    from cxzy.application.store import StoreLocation
    from cxzy.tui.app import CxzyApp
    from tui_helpers import settle

    cli.ok_import(history())
    (folder / "dangshi-2021.toml").unlink()
    board = CxzyApp(
        open_app(StoreLocation("sqlite", str(cli.store)), read_only=True),
        lang="zh",
        today=date(2021, 8, 1),
        live=False,
    )
    async with board.run_test(size=(170, 45)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        shown = "\n".join(str(s.render()) for s in board.screen.query(Static))
        assert "阶段(如 学史明理,到其首日)" in shown, shown
        await pilot.press("escape", "colon", *"学史明理", "enter")
        await settle(pilot)
        assert board.clock.as_of == date(2021, 2, 20)


def test_a_template_of_ones_own_may_not_take_a_built_in_key(cli, folder):
    """An office's cxzy-2010.toml beside the built-in one: which would a campaign run
    on? It is refused, naming the file; the demo too, in the dashboard's `d`."""
    from contract_helpers import prelude

    own = folder / "cxzy-2010.toml"
    own.write_text(TEMPLATE.replace('"dangshi-2021"', '"cxzy-2010"'), encoding="utf-8")
    path, res = cli.imp(prelude())
    assert_refused(
        res,
        path,
        1,
        rf"template {own}: 'cxzy-2010' is a built-in template's key: give yours a key of its"
        r" own \(its file's name and its key =\), or take it out of the folder",
    )
    assert not cli.store.exists()


def test_a_store_planned_before_stores_kept_templates_is_read_by_the_built_in_one(cli, folder):
    """A store of an earlier cxzy keeps no text: it was planned on the built-in
    template of its key, the only kind there was, and is read by it, whatever an
    office's folder holds (it was read by the first file found, every time)."""
    from contract_helpers import prelude

    cli.ok_import(prelude())
    before = cli.status("2010-09-01")
    with sqlite3.connect(cli.store) as db:
        db.execute("UPDATE cx_campaign SET template_text = NULL")
    db.close()
    builtin = resources.files("cxzy") / "templates" / "cxzy-2010.toml"
    moved = builtin.read_text("utf-8").replace("end = 2011-06-30", "end = 2010-07-15")
    (folder / "cxzy-2010.toml").write_text(moved, encoding="utf-8")
    assert cli.status("2010-09-01") == before


def test_a_template_saved_with_a_byte_order_mark_is_read(cli, folder):
    """Windows' Notepad starts a UTF-8 file with a mark: TOML called it a mistake."""
    (folder / "dangshi-2021.toml").write_text("\ufeff" + TEMPLATE, encoding="utf-8")
    cli.ok_import(history())


def test_a_folder_that_cannot_be_looked_in_is_named(cli, folder, monkeypatch):
    """A $CXZY_TEMPLATES folder without the right to look in it: "internal error,
    please report it", for the built-in template too."""
    from pathlib import Path

    from contract_helpers import prelude

    real = Path.is_file

    def denied(self: Path) -> bool:
        if folder in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "is_file", denied)
    path, res = cli.imp(prelude())
    assert_refused(
        res, path, 1, rf"template {folder / 'cxzy-2010.toml'}: cannot be read: .*permission"
    )


def test_a_second_campaign_is_said_so_before_its_template_is_looked_for(cli, folder):
    cli.ok_import(history())
    other = {**history()[0], "campaign": "OTHER", "template": "zhuti-2019"}
    path, res = cli.imp([other])
    assert_refused(res, path, 1, "this store already holds campaign 'DS-2021', not 'OTHER'")
    assert "unknown template" not in res.err


async def test_the_demo_refused_by_a_template_is_said_in_the_dashboard(tmp_path, folder):
    """`d` on an empty store, an office's cxzy-2010.toml in the way: a traceback."""
    from cxzy.application.store import StoreLocation
    from cxzy.cli.main import demo_loader
    from cxzy.tui.app import CxzyApp
    from tui_helpers import settle

    (folder / "cxzy-2010.toml").write_text(
        TEMPLATE.replace('"dangshi-2021"', '"cxzy-2010"'), encoding="utf-8"
    )
    location = StoreLocation("sqlite", str(tmp_path / "empty.db"))
    board = CxzyApp(None, lang="en", load_demo=demo_loader(location), live=False)
    async with board.run_test(size=(170, 45)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        said = [n.message for n in board._notifications]
        assert any("is a built-in template's key" in m for m in said), said
    assert not (tmp_path / "empty.db").exists()


def test_a_kept_template_is_read_without_what_planning_refuses_harmlessly(cli, folder):
    """A later cxzy that refuses more of a template (a setting it does not know, as
    this one began to) still reads the stores planned before it."""
    cli.ok_import(history())
    before = cli.status("2021-03-05")
    with sqlite3.connect(cli.store) as db:
        db.execute("UPDATE cx_campaign SET template_text = 'colour = \"red\"' || template_text")
    db.close()
    assert cli.status("2021-03-05") == before


def test_the_workbook_of_a_store_without_a_campaign_says_whose_it_is(cli, folder, monkeypatch):
    """`cxzy template` before the campaign is planned made the 2010 workbook, unsaid,
    for an office about to plan its own campaign on its own template."""
    res = cli.run("template", "--output", cli.tmp / "wb.xlsx")
    assert res.code == 0, str(res)
    assert (
        "no campaign planned yet: the workbook is for the built-in template cxzy-2010; to"
        " make it for a template of your own (dangshi-2021), import the campaign's"
        " CampaignPlanned first"
    ) in res.err, res.err
    cli.ok_import(history())
    res = cli.run("template", "--output", cli.tmp / "wb2.xlsx")
    assert res.code == 0 and "no campaign planned" not in res.err, str(res)
    monkeypatch.delenv("CXZY_TEMPLATES")
    res = cli.run("template", "--output", cli.tmp / "wb3.xlsx", store=cli.tmp / "none.db")
    assert res.code == 0 and "no campaign planned" not in res.err, str(res)


def test_the_store_gives_the_template_its_campaign_runs_on(cli, folder):
    """What an auditor holds the figures to: the text the campaign was planned on,
    not the file as it is now (edited since); a store that kept none says so."""
    cli.ok_import(history())
    (folder / "dangshi-2021.toml").write_text(
        TEMPLATE.replace("end = 2021-06-30", "end = 2021-03-02"), encoding="utf-8"
    )
    res = cli.run("store", "template")
    assert res.code == 0 and res.err == "", str(res)
    assert res.out == TEMPLATE
    with sqlite3.connect(cli.store) as db:  # as a store planned by an earlier cxzy
        db.execute("UPDATE cx_campaign SET template_text = NULL")
        (state,) = db.execute("SELECT state FROM stored_events WHERE rowid = 1").fetchone()
        planned = json.loads(state)
        del planned["template_text"]
        db.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = 1", (json.dumps(planned).encode(),)
        )
    db.close()
    res = cli.run("store", "template")
    assert res.code == 0 and "keeps no template text" in res.err, str(res)
    assert res.out == (folder / "dangshi-2021.toml").read_text(encoding="utf-8")
    empty = cli.run("store", "template", store=cli.tmp / "none.db")
    assert empty.code == 1 and "Traceback" not in empty.err


def test_the_template_given_is_the_logs_and_a_copy_edited_beside_it_is_said(cli, folder):
    """The read model's copy of the text, which the figures are worked out on,
    edited with sqlite3: `store template` printed the edit as the campaign's
    template, and nothing objected. It prints the text the log holds (the hash
    chain vouches for it), says the figures were not worked out on it, exit 1."""
    cli.ok_import(history())
    with sqlite3.connect(cli.store) as db:
        db.execute("UPDATE cx_campaign SET template_text = replace(template_text, '= 3', '= 400')")
    db.close()
    res = cli.run("store", "template")
    assert res.code == 1 and res.out == TEMPLATE, str(res)
    assert res.err_lines == [
        f"the figures of store {cli.store} are worked out on another text than this, its"
        " log's (the read model's copy was edited outside cxzy): cxzy verify --figures"
        " names the table, cxzy store rebuild makes them again"
    ]
    assert cli.run("store", "rebuild").code == 0
    assert cli.run("store", "template").code == 0


def test_templates_are_looked_for_in_cxzy_templates_folders_then_the_users_folder(tmp_path):
    """README: `$CXZY_TEMPLATES` may name several folders, looked in first, then the
    per-user folder (`~/.local/share/cxzy/templates`, under $XDG_DATA_HOME): the
    tests' own setup keeps that folder out, so neither was pinned."""
    from contract_helpers import run_module, subprocess_env, write_jsonl

    data = tmp_path / "data"
    (data / "cxzy" / "templates").mkdir(parents=True)
    (data / "cxzy" / "templates" / "dangshi-2021.toml").write_text(TEMPLATE, encoding="utf-8")
    source = write_jsonl(tmp_path / "h.jsonl", history())
    env = subprocess_env(XDG_DATA_HOME=str(data), HOME=str(tmp_path))

    def planned(store: str, **extra: str) -> str:
        done = run_module(
            "--store", store, "import", str(source), env={**env, **extra}, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        shown = run_module("--store", store, "store", "template", env=env, cwd=tmp_path)
        assert shown.returncode == 0, shown.stderr
        return shown.stdout

    assert planned("a.db") == TEMPLATE  # the per-user folder
    empty, office = tmp_path / "empty", tmp_path / "office"
    empty.mkdir()
    office.mkdir()
    theirs = TEMPLATE.replace("late_report_days = 3", "late_report_days = 5")
    (office / "dangshi-2021.toml").write_text(theirs, encoding="utf-8")
    folders = os.pathsep.join([str(empty), str(office)])
    assert planned("b.db", CXZY_TEMPLATES=folders) == theirs  # before the user's


def test_the_template_of_a_log_whose_campaign_event_was_removed_is_refused(cli, folder):
    """The campaign's event deleted with sqlite3: the next event's text was taken
    for the template's (an unpacking of none, had there been none)."""
    cli.ok_import(history())
    with sqlite3.connect(cli.store) as db:
        db.execute("DELETE FROM stored_events WHERE rowid = 1")
    db.close()
    res = cli.run("store", "template")
    assert res.code == 1 and res.out == "", str(res)
    assert res.err_lines == [
        f"store {cli.store} is damaged (log broken at position 1: the event at this position"
        " was removed); restore it from a backup, then run cxzy verify"
    ]


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("DANGSHI-2021", "unknown template 'DANGSHI-2021': did you mean 'dangshi-2021'?"),
        ("dangshi-2021.toml", "unknown template 'dangshi-2021.toml': did you mean 'dangshi-2021'?"),
        ("../x", "'../x' is no template's key: a key, and its file's name, are written in Latin"),
    ],
)
def test_a_key_mistyped_is_told_the_key_meant(cli, folder, key, said):
    """A key in capitals, or a file's name, was told to make a file KEY.toml (a
    `dangshi-2021.toml.toml`), and `../x` a file `../x.toml`."""
    path, res = cli.imp([{**history()[0], "template": key}])
    assert_refused(res, path, 1, re.escape(said))


def test_a_template_that_is_no_file_is_said_so(cli, folder):
    """A link to nothing (a drive not mounted) under the template's name: it was
    "unknown", and listed as known."""
    (folder / "dangshi-2021.toml").unlink()
    (folder / "dangshi-2021.toml").symlink_to(folder / "gone" / "dangshi-2021.toml")
    path, res = cli.imp(history()[:1])
    assert_refused(
        res,
        path,
        1,
        re.escape(
            f"template {folder / 'dangshi-2021.toml'}: not a file (a link to nothing, a drive"
            " not mounted, a folder?)"
        ),
    )


def test_a_templates_folder_that_is_none_is_named(cli, folder, monkeypatch):
    """$CXZY_TEMPLATES naming the template's file itself: ignored, unsaid."""
    monkeypatch.setenv("CXZY_TEMPLATES", str(folder / "dangshi-2021.toml"))
    path, res = cli.imp(history()[:1])
    assert_refused(
        res,
        path,
        1,
        re.escape(
            f"unknown template 'dangshi-2021': $CXZY_TEMPLATES names"
            f" {folder / 'dangshi-2021.toml'}, which is not a folder"
        ),
    )


def test_a_kept_template_is_the_files_text_line_ends_and_all(cli, folder):
    """Kept with its line ends made LF, the text no longer matched the office's
    file: an auditor's checksum of it differed."""
    (folder / "dangshi-2021.toml").write_bytes(TEMPLATE.replace("\n", "\r\n").encode("utf-8"))
    cli.ok_import(history())
    from cxzy.cli import main

    assert main(["--store", str(cli.store), "store", "template"]) == 0
    assert (
        cli.capsys.readouterr().out.encode("utf-8") == (folder / "dangshi-2021.toml").read_bytes()
    )


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            lambda text: text.replace("late_report_days = 3", "late_report_days = "),
            "TOML 写法有误(第 4 行第 20 列):Invalid value",
        ),
        (
            lambda text: text.replace("end = 2021-11-30", 'end = "2021-11-31"'),
            "阶段 practice:end:'2021-11-31' 不是有效日期(YYYY-MM-DD)",
        ),
        (
            lambda text: text.replace('key = "practice"\n', ""),
            "第 2 个阶段:缺少 'key',或 key 无效",
        ),
    ],
)
def test_a_templates_mistake_says_where_in_chinese(cli, folder, change, said):
    (folder / "dangshi-2021.toml").write_text(change(TEMPLATE), encoding="utf-8")
    path = cli.write(history()[:1])
    res = cli.run("import", path, lang="zh")
    assert res.code == 1 and said in res.err, res.err


def test_the_demo_refused_by_a_template_is_said_in_one_line(cli, folder):
    """An office's cxzy-2010.toml in the way: its refusal, then 543 that followed."""
    (folder / "cxzy-2010.toml").write_text(
        TEMPLATE.replace('"dangshi-2021"', '"cxzy-2010"'), encoding="utf-8"
    )
    res = cli.run("demo", "--no-open")
    assert res.code == 1 and len(res.err.splitlines()) == 1, res.err
    assert "'cxzy-2010' is a built-in template's key" in res.err


def test_a_template_key_in_chinese_is_told_how_keys_are_written(cli, folder):
    """A file 党史2021.toml with key = "党史2021": "unknown template '党史2021': did you
    mean '党史2021'?", the list of known ones naming it too."""
    (folder / "党史2021.toml").write_text(
        TEMPLATE.replace('"dangshi-2021"', '"党史2021"'), encoding="utf-8"
    )
    path, res = cli.imp([{**history()[0], "template": "党史2021"}])
    said = assert_refused(res, path, 1, "'党史2021' is no template's key: a key, and its file's")
    assert "did you mean" not in said and "(known: cxzy-2010 and dangshi-2021)" in said


def test_a_template_in_a_zone_of_its_own_is_planned_in_it_by_name(cli, folder):
    """The template's `timezone` was checked and never used: a campaign planned on a
    Berlin template without `timezone` kept Shanghai's days, unsaid."""
    (folder / "dangshi-2021.toml").write_text(
        'timezone = "Europe/Berlin"\n' + TEMPLATE, encoding="utf-8"
    )
    path, res = cli.imp(history()[:1])
    assert_refused(
        res,
        path,
        1,
        re.escape(
            "template 'dangshi-2021' is for time zone Europe/Berlin, and this plan gives none,"
            " so the campaign would keep Asia/Shanghai's days (the format's default): give"
            ' "timezone": "Europe/Berlin"'
        ),
    )
    assert not cli.store.exists() or cli.run("log").out.strip() == ""
    planned = {**history()[0], "timezone": "Europe/Berlin", "at": "2021-02-20T09:00:00+01:00"}
    cli.ok_import([planned])
    logged = json.loads(cli.run("log", "--format", "jsonl").out.splitlines()[0])
    assert logged["timezone"] == "Europe/Berlin", logged


def test_a_campaign_planned_again_is_told_how_to_plan_it_otherwise(cli, folder):
    """Its windows moved in a second plan of the same code: "already exists, made by
    another record (another one needs a new code…)", and with a new code "already
    holds campaign": the way out (a new store) unsaid."""
    cli.ok_import(history())
    moved = {
        **history()[0],
        "phases": [{"key": "learn", "start": "2021-03-01", "end": "2021-06-30"}],
    }
    path, res = cli.imp([moved])
    assert_refused(
        res,
        path,
        1,
        "campaign 'DS-2021' is already planned, by another record: a store keeps the plan",
        re.escape("start a new store: write the records out (cxzy log --format jsonl)"),
    )
    wrong = {
        **history()[0],
        "phases": [{"key": "learning", "start": "2021-03-01", "end": "2021-06-30"}],
    }
    path = cli.write([wrong])
    res = cli.run("import", path, store=cli.tmp / "other.db")
    assert_refused(
        res,
        path,
        1,
        re.escape(
            "phase 'learning' is not in template 'dangshi-2021' (its phases: learn and practice)"
        ),
    )


def test_a_template_too_large_is_refused_naming_it(cli, folder):
    """51 MB of comments were taken, kept in the store and read by every command."""
    big = TEMPLATE + ("# " + "x" * 98 + "\n") * 10_001
    (folder / "dangshi-2021.toml").write_text(big, encoding="utf-8")
    path, res = cli.imp(history()[:1])
    assert_refused(res, path, 1, r"1,0\d\d,\d+ bytes: a template is at most 1,000,000")


def test_ten_phases_are_shown_in_tables_that_fit_the_terminal(cli, folder):
    """Ten phases at 80 columns: the units' column and every short-named phase
    squeezed to nothing, and at 200 the last phases ran off the edge."""
    import io
    from datetime import date

    from rich.cells import cell_len
    from rich.console import Console

    from cxzy.application.app import open_app
    from cxzy.application.status import StatusQuery
    from cxzy.application.store import StoreLocation
    from cxzy.cli.render import status_tables

    names = [
        "学习动员",
        "专题学习",
        *(f"第{n}阶段总结" for n in range(3, 11)),
    ]
    phases = "".join(
        f'[[phases]]\nkey = "p{n}"\nname = "{name}"\nstart = 2021-03-{n:02}\nend = 2021-03-{n:02}\n'
        f'items = [ {{ key = "k{n}", has = "activity", kind = "k{n}" }} ]\n'
        for n, name in enumerate(names, start=1)
    )
    (folder / "ten.toml").write_text(f'key = "ten"\ntitle = "十段"\n{phases}', encoding="utf-8")
    planned = {**history()[0], "template": "ten"}
    cli.ok_import([planned, *history()[1:3], act("145", "k1", "2021-03-01")])
    app = open_app(StoreLocation("sqlite", str(cli.store)))
    try:
        report = StatusQuery(app).status(date(2021, 3, 20))
    finally:
        app.close()
    for columns in (80, 120, 200):
        console = Console(file=io.StringIO(), width=columns, color_system=None)
        for table in status_tables(report, "zh", console):
            console.print(table)
        out = console.file.getvalue()
        lines = out.splitlines()
        assert max(cell_len(line) for line in lines) <= columns, out
        headers = " ".join(line for line in lines if line.startswith("┃单位"))
        assert all(name in headers for name in names[2:]), (columns, out)
        rows = [line for line in lines if " 145 " in line]
        # each table of phases, and the figures', has the unit's code whole
        assert len(rows) == headers.count("┃单位") >= (1 if columns == 200 else 3), out
        assert sum(row.count("/1") for row in rows) == 10, out  # every phase's cell
        assert "完成 1/1" in rows[0], out


async def test_the_charts_shares_stay_in_sight_beside_long_short_names(cli, folder):
    """A template's short names may take 16 cells; the chart's labels were 14 wide,
    and a name over 9 pushed every phase's share out of sight."""
    from datetime import date

    from rich.cells import cell_len
    from textual.widgets import Label

    from cxzy.application.app import open_app
    from cxzy.application.store import StoreLocation
    from cxzy.tui.app import CxzyApp
    from cxzy.tui.components.progress_chart import ProgressChart
    from tui_helpers import settle

    long_short = TEMPLATE.replace(
        'name = { zh = "学史明理", en = "Learn history" }',
        'name = { zh = "学史明理", en = "Learn history" }\nshort = "学史明理学史增信"',
    )
    (folder / "dangshi-2021.toml").write_text(long_short, encoding="utf-8")
    cli.ok_import(history())
    app = open_app(StoreLocation("sqlite", str(cli.store)), read_only=True)
    board = CxzyApp(app, lang="zh", today=date(2021, 3, 20), live=False)
    async with board.run_test(size=(170, 45)) as pilot:
        await settle(pilot)
        chart = board.screen.query_one(ProgressChart)
        shown = {key: chart.query_one(f"#label-{key}", Label) for key in ("learn", "practice")}
        labels = {key: str(label.render()).rstrip() for key, label in shown.items()}
        assert labels == {"learn": "学史明理学史增信  50%", "practice": "办实事             0%"}
        for key, label in shown.items():  # drawn whole, the share too
            assert label.size.width >= cell_len(labels[key]), (key, label.size)

"""``cxzy template``: the fill-in workbook for units, filled in with openpyxl the
way a unit would, imports unchanged."""

from __future__ import annotations

import json
from datetime import date, datetime

from openpyxl import load_workbook

from conftest import load_demo_into
from contract_helpers import (
    Cli,
    assert_one_line_error,
    run_module,
    subprocess_env,
    write_jsonl,
)
from cxzy.domain.schema import TYPES
from spreadsheet_helpers import log_without_recorded

DEMO_UNITS = ["JU", "133", "145", "149", "ZP", "YJS", "KCY", "DKGS", "CHY", "WYB"]


def _template(cli: Cli, store, tmp_path, *extra: str, lang: str = "zh"):
    path = tmp_path / "填报.xlsx"
    res = cli.run("template", "--output", path, *extra, store=store, lang=lang)
    assert res.code == 0, str(res)
    return path


def _validations(sheet) -> dict[str, tuple[str, str | None, str | None]]:
    """Column letter → (type, list formula, error style) of its data validation."""
    found = {}
    for dv in sheet.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = (
                dv.type,
                dv.formula1,
                dv.errorStyle,
            )
    return found


def _list_values(book, formula: str) -> list[str]:
    sheet_name, cells = formula.rsplit("!", 1)
    sheet = book[sheet_name.strip("'")]
    first, last = (c.replace("$", "") for c in cells.split(":"))
    return [c.value for (c,) in sheet[first:last]]


def test_one_sheet_per_type_with_notes_lists_and_formats(cli, store, tmp_path):
    book = load_workbook(_template(cli, store, tmp_path))
    assert book.sheetnames == ["#填报说明", *TYPES, "#lists"]
    assert book["#lists"].sheet_state == "hidden"
    for type_ in TYPES:
        header = [c.value for c in book[type_][1]]
        assert header[0] == "at" and header[-2:] == ["id", "by"], type_
        assert "type" not in header
        for cell in book[type_][1]:
            assert cell.comment is not None and cell.comment.text.strip(), (type_, cell.value)
    review = book["ReviewRecorded"]
    header = [c.value for c in review[1]]
    assert header == [
        "at", "unit", "kind", "review", "reviewer", "grade", "ratings.leadership",
        "ratings.members", "ratings.mechanism", "ratings.performance", "ratings.reputation",
        "method", "verdict", "note", "id", "by",
    ]  # fmt: skip
    assert "群众评议" in review["C1"].comment.text
    assert "必填" in review["A1"].comment.text
    checks = _validations(review)
    assert _list_values(book, checks["B"][1]) == DEMO_UNITS  # the store's unit codes
    assert checks["B"][2] == "warning"
    assert _list_values(book, checks["C"][1]) == list(TYPES["ReviewRecorded"]["kind"].choices)
    assert _list_values(book, checks["F"][1]) == ["advanced", "middle", "lagging"]
    assert _list_values(book, checks["L"][1]) == list(TYPES["ReviewRecorded"]["method"].choices)
    assert _list_values(book, checks["M"][1]) == ["commend", "ok", "criticize"]
    assert checks["G"][0] == "whole"
    assert review.column_dimensions["A"].number_format == "yyyy-mm-dd hh:mm"
    assert review.column_dimensions["B"].number_format == "@"
    opened = book["RectificationOpened"]
    header = [c.value for c in opened[1]]
    letter = {name: opened.cell(1, n + 1).column_letter for n, name in enumerate(header)}
    assert opened.column_dimensions[letter["deadline"]].number_format == "yyyy-mm-dd"
    supervised = _validations(opened)[letter["supervised"]]
    assert _list_values(book, supervised[1]) == ["是", "否"]
    activity = book["ActivityHeld"]
    kinds = _list_values(book, _validations(activity)["C"][1])
    assert kinds[0] == "mobilization" and kinds[-1] == "self_chosen"
    assert "exhibition" in kinds
    readme = book["#填报说明"]
    texts = [c.value for row in readme.iter_rows() for c in row if c.value]
    assert "开展活动" in texts and "ZP" in texts


def test_the_filled_template_imports_like_the_same_records_in_json_lines(
    cli, store, tmp_path, capsys
):
    path = _template(cli, store, tmp_path)
    book = load_workbook(path)

    def fill(type_: str, **values):
        sheet = book[type_]
        header = [c.value for c in sheet[1]]
        row = sheet.max_row + 1
        for name, value in values.items():
            sheet.cell(row=row, column=header.index(name) + 1, value=value)

    fill("ActivityHeld", at=datetime(2012, 11, 1, 9, 30), unit="145", kind="self_chosen",
         title="义务植树", participants=30, id="tpl-a1")  # fmt: skip
    fill("CommitmentMade", at=date(2012, 9, 1), commitment="145-2012-9", unit="145",
         text="年底前完成钻探 3 万米", due=date(2012, 12, 31), public="否")  # fmt: skip
    fill("CommitmentProgressed", at=date(2012, 10, 8), commitment="145-2012-9",
         note="已完成 2 万米")  # fmt: skip
    fill("ReviewRecorded", at=datetime(2012, 10, 20, 15, 0), unit="145", kind="inspection",
         method="random_check", verdict="commend", grade="advanced", **{"ratings.leadership": 5,
         "ratings.reputation": 4}, reviewer="局督导组")  # fmt: skip
    fill("RectificationOpened", at=date(2012, 9, 5), rectification="R-145-9", unit="145",
         issue="党员活动室台账不全", deadline=date(2012, 10, 31), owner="王海峰",
         supervised="是")  # fmt: skip
    fill("RectificationDeadlineExtended", at=date(2012, 10, 25), rectification="R-145-9",
         deadline=date(2012, 11, 30), reason="野外施工")  # fmt: skip
    fill("RectificationCompleted", at=date(2012, 11, 2), rectification="R-145-9")
    fill("RectificationVerified", at=date(2012, 11, 5), rectification="R-145-9", accepted="是",
         verifier="王建新")  # fmt: skip
    fill("UnitUpdated", at=date(2012, 9, 3), unit="145", members=170)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    res = cli.run("import", filled, store=store)
    assert res.code == 0, str(res)
    assert "imported 9 records" in res.out

    same = [
        {"type": "CommitmentMade", "at": "2012-09-01", "commitment": "145-2012-9", "unit": "145",
         "text": "年底前完成钻探 3 万米", "due": "2012-12-31", "public": False},
        {"type": "UnitUpdated", "at": "2012-09-03", "unit": "145", "members": 170},
        {"type": "RectificationOpened", "at": "2012-09-05", "rectification": "R-145-9",
         "unit": "145", "issue": "党员活动室台账不全", "deadline": "2012-10-31", "owner": "王海峰",
         "supervised": True},
        {"type": "CommitmentProgressed", "at": "2012-10-08", "commitment": "145-2012-9",
         "note": "已完成 2 万米"},
        {"type": "ReviewRecorded", "at": "2012-10-20T15:00:00", "unit": "145",
         "kind": "inspection", "reviewer": "局督导组", "grade": "advanced",
         "ratings": {"leadership": 5, "reputation": 4}, "method": "random_check",
         "verdict": "commend"},
        {"type": "RectificationDeadlineExtended", "at": "2012-10-25",
         "rectification": "R-145-9", "deadline": "2012-11-30", "reason": "野外施工"},
        {"type": "ActivityHeld", "at": "2012-11-01T09:30:00", "unit": "145", "kind": "self_chosen",
         "title": "义务植树", "participants": 30, "id": "tpl-a1"},
        {"type": "RectificationCompleted", "at": "2012-11-02", "rectification": "R-145-9"},
        {"type": "RectificationVerified", "at": "2012-11-05", "rectification": "R-145-9",
         "accepted": True, "verifier": "王建新"},
    ]  # fmt: skip
    fresh = load_demo_into(tmp_path / "fresh.sqlite3")  # the demo again, for the JSON Lines
    jsonl = write_jsonl(tmp_path / "same.jsonl", same)
    res = cli.run("import", jsonl, store=fresh)
    assert res.code == 0, str(res)
    for day in ("2012-10-01", "2012-11-07"):
        a = cli.run("status", "--format", "json", "--as-of", day, store=store)
        b = cli.run("status", "--format", "json", "--as-of", day, store=fresh)
        assert json.loads(a.out) == json.loads(b.out)
    log_a = log_without_recorded(cli.run("log", "--format", "jsonl", store=store).out)
    log_b = log_without_recorded(cli.run("log", "--format", "jsonl", store=fresh).out)
    assert log_a == log_b  # the sheets were checked in time order: the same log, line by line


def test_an_empty_template_imports_nothing_and_needs_no_store(cli, tmp_path):
    path = tmp_path / "blank.xlsx"
    res = cli.run("template", "--output", path, lang="en")
    assert res.code == 0, str(res)
    assert not cli.store.exists()
    # said (a mistyped --store made a workbook without the units' codes, unsaid)
    assert res.err.strip() == (
        f"no store at {cli.store}: the workbook lists no unit codes"
        " (the store that holds the units lists them: is it named right?)"
    ), str(res)  # (it said "give --store", to one who had given it)
    # the per-user store, named by no one: a new campaign's first steps, or --store
    env = subprocess_env(HOME=str(tmp_path / "home"))
    proc = run_module("--lang", "en", "template", "-o", "b2.xlsx", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc
    assert "(a new campaign: fill its UnitRegistered sheet, import it after" in proc.stderr
    assert "a store elsewhere: give --store)" in proc.stderr, proc
    book = load_workbook(path)
    assert book.sheetnames[0] == "#README"
    assert "B" not in _validations(book["ActivityHeld"])  # no store: no unit list
    supervised = [c.value for c in book["RectificationOpened"][1]].index("supervised")
    letter = book["RectificationOpened"].cell(1, supervised + 1).column_letter
    assert _list_values(book, _validations(book["RectificationOpened"])[letter][1]) == [
        "TRUE",
        "FALSE",
    ]
    write_jsonl(tmp_path / "p.jsonl", [])
    res = cli.run("import", path)
    assert res.code == 0, str(res)
    assert "imported 0" in res.out
    # sent back unfilled: said, not an error (a script's empty file imports as ever)
    assert f"note: {path} held no records" in res.err, str(res)
    env = subprocess_env(CXZY_STORE=str(cli.store))  # standard input, by its name
    proc = run_module("--lang", "en", "import", "-", env=env, cwd=tmp_path, input="")
    assert proc.returncode == 0 and "note: <stdin> held no records" in proc.stderr, proc
    # into a store that is not there yet: no empty store is made of it (a dashboard
    # waiting there said "no store yet" beside the file it made)
    assert not cli.store.exists() and "made a new store" not in res.err + proc.stderr


def test_template_mistakes_are_one_line(cli, tmp_path):
    res = cli.run("template", "--output", tmp_path / "t.csv")
    assert_one_line_error(res)
    res = cli.run("template", "--output", tmp_path / "t.xlsx", store=tmp_path)  # a folder
    assert_one_line_error(res)
    assert "is a folder" in res.err and not (tmp_path / "t.xlsx").exists(), str(res)
    res = cli.run("template", "--output", tmp_path / "no" / "such" / "t.xlsx")
    assert_one_line_error(res)


def test_a_units_workbook_lists_its_part_of_the_tree_and_imports_held_to_it(cli, store, tmp_path):
    """`cxzy template --unit` (decision 311): the codes of the unit and those under it,
    no sheet of a record about no unit, who it is for; filled and sent back, it is
    imported with `--unit`, which refuses a row about another unit."""
    sub = cli.write(
        [{"type": "UnitRegistered", "at": "2012-09-01", "unit": "145-1", "name": "一分队",
          "kind": "team", "parent": "145"}]
    )  # fmt: skip
    assert cli.run("import", sub, store=store).code == 0
    path = _template(cli, store, tmp_path, "--unit", "一四五队")
    book = load_workbook(path)
    office = ("CampaignPlanned", "LeaderAssigned", "ContactPointAssigned",
              "RectificationVerified", "RectificationEscalated", "CommendationAwarded")  # fmt: skip
    assert book.sheetnames == ["#填报说明", *(t for t in TYPES if t not in office), "#lists"]
    activity = book["ActivityHeld"]
    assert _list_values(book, _validations(activity)["B"][1]) == ["145", "145-1"]
    (warning,) = [dv.error for dv in activity.data_validations.dataValidation if dv.type == "list"
                  and str(dv.sqref).startswith("B")]  # fmt: skip
    assert warning.startswith("不是 145 或其下属单位的代码")
    # no choice that the import refuses: a superior's review, a second bureau, a unit
    # registered at the top
    review = book["ReviewRecorded"]
    assert _list_values(book, _validations(review)["C"][1]) == ["mass_evaluation"]
    registered = book["UnitRegistered"]
    header = [c.value for c in registered[1]]
    letter = {name: registered.cell(1, n + 1).column_letter for n, name in enumerate(header)}
    assert "bureau" not in _list_values(book, _validations(registered)[letter["kind"]][1])
    assert "必填" in registered[f"{letter['parent']}1"].comment.text
    readme = book["#填报说明"]
    assert "本工作簿供 145 一四五队 填报" in readme["A2"].value
    assert "cxzy import --unit 145" in readme["A2"].value

    sheet = book["ActivityHeld"]
    header = [c.value for c in sheet[1]]
    for n, unit in enumerate(["145-1", "ZP"], start=2):
        for name, value in {"at": date(2012, 11, 1), "unit": unit, "kind": "study",
                            "title": "学习"}.items():  # fmt: skip
            sheet.cell(row=n, column=header.index(name) + 1, value=value)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    res = cli.run("import", "--unit", "145", filled, store=store)
    assert res.code == 1, str(res)
    assert res.messages(f"{filled}[ActivityHeld]", 3) == [
        "a file sent in by unit '145' (--unit) may hold only records about it or a unit"
        " under it: this one is about 'ZP'"
    ]
    assert not res.messages(f"{filled}[ActivityHeld]", 2)


def test_a_units_workbook_for_a_unit_not_registered_is_one_line(cli, store, tmp_path):
    res = cli.run("template", "-o", tmp_path / "t.xlsx", "--unit", "146", store=store)
    assert res.code == 1 and len(res.err_lines) == 1, str(res)
    assert res.err.startswith("--unit: unit '146' is not registered in the store"), str(res)
    assert not (tmp_path / "t.xlsx").exists()
    res = cli.run("template", "-o", tmp_path / "t.xlsx", "--unit", "145", store=tmp_path / "n.db")
    assert res.code == 1 and res.err_lines == [
        f"no store at {tmp_path / 'n.db'}, so no unit '145' (--unit) in it: is the store right?"
    ], str(res)
    assert not (tmp_path / "t.xlsx").exists() and not (tmp_path / "n.db").exists()

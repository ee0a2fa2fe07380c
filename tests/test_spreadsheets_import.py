"""Importing CSV and XLSX: the same records, rules and guarantees as JSON Lines
(FORMAT.md, "CSV and XLSX carry the same records"; decisions 18 and 28–33)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from contextlib import closing
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from contract_helpers import (
    Cli,
    act,
    assert_no_traceback,
    assert_one_line_error,
    assert_refused,
    prelude,
    subprocess_env,
    unit,
)
from spreadsheet_helpers import (
    EVENTS,
    csv_text,
    log_without_recorded,
    read_jsonl,
    write_csv,
    write_sheets,
    write_table,
    write_xlsx,
    write_xlsx_by_type,
)

EXAMPLES = sorted((EVENTS / "examples").glob("*.jsonl"))
DEMO_DAYS = ("2010-05-31", "2010-07-01", "2011-03-01", "2011-07-01", "2012-11-07")
EXAMPLE_DAYS = ("2010-06-01", "2011-07-01", "2012-11-07")


def _observe(
    cli: Cli, days: tuple[str, ...], any_order: bool = False
) -> tuple[list[dict], list[dict]]:
    """The log (records without their recorded time) and the status on each day.
    ``any_order``: a workbook of several sheets is checked in time order, so its
    log holds the same records in another order."""
    log = log_without_recorded(cli.log_text())
    if any_order:
        log.sort(key=lambda r: r["id"])
    return log, [cli.status(d) for d in days]


def _imported(capsys, tmp_path: Path, name: str, path: Path, *extra: str) -> Cli:
    cli = Cli(capsys, tmp_path, store_name=f"{name}.db")
    res = cli.run("import", path, *extra)
    assert res.code == 0, str(res)
    assert_no_traceback(res)
    return cli


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_reads_the_same_from_xlsx_and_csv(example, capsys, tmp_path):
    records = read_jsonl(example)
    jsonl = _imported(capsys, tmp_path, "jsonl", example)
    expected = _observe(jsonl, EXAMPLE_DAYS)
    xlsx = write_xlsx(tmp_path / f"{example.stem}.xlsx", records)
    assert _observe(_imported(capsys, tmp_path, "xlsx", xlsx), EXAMPLE_DAYS) == expected
    by_type = write_xlsx_by_type(tmp_path / f"{example.stem}-sheets.xlsx", records)
    sheets = _imported(capsys, tmp_path, "sheets", by_type)
    assert _observe(sheets, EXAMPLE_DAYS, True) == _observe(jsonl, EXAMPLE_DAYS, True)
    csv = write_csv(tmp_path / f"{example.stem}.csv", records)
    assert _observe(_imported(capsys, tmp_path, "csv", csv), EXAMPLE_DAYS) == expected


def test_the_demo_reads_the_same_from_xlsx_csv_and_a_sheet_per_type(capsys, tmp_path):
    records = read_jsonl(EVENTS / "demo.jsonl")
    jsonl = _imported(capsys, tmp_path, "jsonl", EVENTS / "demo.jsonl")
    for name, path in (
        ("xlsx", write_xlsx(tmp_path / "demo.xlsx", records)),
        ("sheets", write_xlsx_by_type(tmp_path / "demo-sheets.xlsx", records)),
        ("csv", write_csv(tmp_path / "demo.csv", records)),
        ("gbk", write_csv(tmp_path / "demo-gbk.csv", records, encoding="gbk")),
    ):
        any_order = name == "sheets"
        found = _observe(_imported(capsys, tmp_path, name, path), DEMO_DAYS, any_order)
        assert found == _observe(jsonl, DEMO_DAYS, any_order), name


def test_a_spreadsheet_import_is_idempotent_and_keeps_its_origin(cli, tmp_path):
    records = [*prelude(), act("145", "study", "2010-05-20", title="学习")]
    path = write_xlsx(tmp_path / "u.xlsx", records, sheet="五月")
    res = cli.run("import", path)
    assert res.code == 0, str(res)
    assert "4" in res.out
    again = cli.run("import", path)
    assert again.code == 0, str(again)
    assert "skipped 4" in again.out
    table = cli.run("log").out
    assert "u.xlsx[五月]:5" in table  # the origin names the sheet and the row


# -- bad rows, by sheet and row -------------------------------------------------------


def test_bad_rows_are_reported_with_sheet_and_row_and_nothing_is_written(cli, tmp_path):
    cli.ok_import(prelude())
    before = cli.log_text()
    book = Workbook()
    sheet = book.active
    sheet.title = "ActivityHeld"
    sheet.append(["at", "unit", "kind", "title", "participants"])
    sheet.append([datetime(2010, 5, 20, 9, 30), "145", "study", "学习", 30])  # row 2: fine
    sheet.append([date(2010, 5, 21), "145", "study", "学习", "三十"])  # row 3: not a number
    sheet.append([])  # row 4: blank, skipped
    sheet.append(["2010-13-01", "145", "study", "学习"])  # row 5: no such month
    sheet.append([date(2010, 5, 22), "999", "study", "学习"])  # row 6: unknown unit
    reviews = book.create_sheet("评议")
    reviews.append(["type", "at", "unit", "kind", "grade", "ratings.leadership"])
    reviews.append(["ReviewRecorded", date(2010, 12, 1), "145", "mass_evaluation", "best", 9])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    res = cli.run("import", path)
    assert res.code == 1, str(res)
    assert_no_traceback(res)
    assert res.messages(f"{path}[ActivityHeld]", 3) == [
        "field 'participants': '三十' is not a whole number ≥ 0"
    ]
    assert res.messages(f"{path}[ActivityHeld]", 5) == [
        "field 'at': '2010-13-01' names month 13, and there is none (01 to 12)"
    ]
    assert res.messages(f"{path}[ActivityHeld]", 6) == ["unit '999' is not registered"]
    assert not res.messages(f"{path}[ActivityHeld]", 2)
    assert sorted(res.messages(f"{path}[评议]", 2)) == [
        "field 'grade': 'best' is not one of advanced, middle, lagging",
        "field 'ratings.leadership': '9' is not a whole number from 1 to 5",
    ]
    assert "4 bad records" in res.err
    assert cli.log_text() == before


NONSENSE = "activity kind 'nonsense' is not in the campaign's template as planned"


def _refused_at(cli: Cli, path: Path, text: str, row: int) -> list[str]:
    """The reasons a CSV file of ``text``, refused, gives for its row ``row``."""
    path.write_text(text, encoding="utf-8")
    res = cli.run("import", path)
    assert res.code == 1, str(res)
    return [m.split(" (")[0] for m in res.messages(path, row)]


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(cli, tmp_path):
    cli.ok_import(prelude())
    text = (
        "type,at,unit,kind,title\r\n"
        'ActivityHeld,2010/5/20,145,study,"两行\r\n标题"\r\n'
        "ActivityHeld,2010/5/21,145,nonsense,学习\r\n"
        ",,,,\r\n"
        "\r\n"
    )
    assert _refused_at(cli, tmp_path / "rows.csv", text, 3) == [NONSENSE]


def test_a_csv_copy_of_a_workbook_row_with_a_line_break_is_present(cli, tmp_path):
    """A quoted CSV cell keeps Windows' "\r\n" where the workbook's cell holds "\n":
    the row had two derived ids, and both copies went in (decision 305)."""
    cli.ok_import(prelude())
    header = ["type", "at", "unit", "kind", "title"]
    book = write_table(
        tmp_path / "a.xlsx",
        [header, ["ActivityHeld", "2010-06-09", "145", "study", "学习\n第二次"]],
    )
    text = 'type,at,unit,kind,title\r\nActivityHeld,2010-06-09,145,study,"学习\r\n第二次"\r\n'
    (tmp_path / "a.csv").write_bytes(text.encode("utf-8"))
    assert "imported 1 record" in cli.run("import", book).out
    res = cli.run("import", tmp_path / "a.csv")
    assert res.code == 0 and "imported 0 records, skipped 1 already present" in res.out, str(res)
    assert [r["title"] for r in cli.log() if r["type"] == "ActivityHeld"] == ["学习\n第二次"]


def test_a_csv_value_kept_as_text_by_an_apostrophe_is_read_without_it(cli, tmp_path):
    """Many systems' CSV exports (and cxzy's own ledger) put ' before a value to keep
    it text: '007 was the commitment '007, and a later 007 "never made"; '145 was a
    unit not registered (decision 305). Free text keeps one, unless it keeps a
    formula's first character from running."""
    cli.ok_import(prelude())
    made = tmp_path / "CommitmentMade.csv"
    made.write_text(
        "at,commitment,unit,text,due,public\n"
        "'2010-06-15,'007,'145,'-台帐不全,'2010/12/31,'是\n"
        "2010-06-16,008,145,'三严三实'学习,2010-12-31,否\n",
        encoding="utf-8",
    )
    held = tmp_path / "held.csv"
    held.write_text(
        "type,at,unit,kind,title,participants\n'ActivityHeld,2010-06-15,'145,'study,学习,'12\n",
        encoding="utf-8",
    )
    res = cli.run("import", made, held)
    assert res.code == 0 and "imported 3" in res.out, str(res)
    kept = tmp_path / "CommitmentFulfilled.csv"
    kept.write_text("at,commitment\n2010-07-01,007\n", encoding="utf-8")
    assert cli.run("import", kept).code == 0
    log = {r["type"] + r.get("commitment", ""): r for r in cli.log()}
    assert log["CommitmentMade007"]["unit"] == "145" and log["CommitmentMade007"]["text"] == (
        "-台帐不全"
    )
    assert log["CommitmentMade007"]["due"] == "2010-12-31" and "CommitmentFulfilled007" in log
    assert log["CommitmentMade008"]["text"] == "'三严三实'学习"
    assert log["ActivityHeld"]["participants"] == 12 and log["ActivityHeld"]["at"].startswith(
        "2010-06-15"
    )


def test_a_quote_never_closed_is_refused_at_its_row_not_read_to_the_end(cli, tmp_path):
    """The rows after it went into its cell: one record imported where two were
    sent, exit 0."""
    cli.ok_import(prelude())
    text = (
        "type,at,unit,kind,title\n"
        'ActivityHeld,2010-05-20,145,study,"学习\n'
        "ActivityHeld,2010-05-21,145,study,讨论\n"
    )
    assert _refused_at(cli, tmp_path / "open.csv", text, 2) == [
        "not a readable CSV row: the row that begins on line 2 opens a quote that is never closed"
    ]
    glued = 'type,at,unit,kind,title\nActivityHeld,2010-05-20,145,study,"学习"讨论\n'
    assert _refused_at(cli, tmp_path / "glued.csv", glued, 2) == [
        "not a readable CSV row: text follows a closing quote in the row that begins on line 2"
    ]
    assert cli.log_text().count("ActivityHeld") == 0


def test_a_cell_longer_than_the_csv_modules_limit_is_refused_by_the_fields(cli, tmp_path):
    # 140,000 characters: "field larger than field limit (131072)", in English in
    # a Chinese message, where JSON Lines said the title's limit
    cli.ok_import(prelude())
    text = "type,at,unit,kind,title\n" + "ActivityHeld,2010-05-20,145,study," + "学" * 140_000
    path = tmp_path / "long.csv"
    path.write_text(text + "\n", encoding="utf-8")
    res = cli.run("import", path, lang="zh")
    assert res.code == 1 and "field limit" not in res.err, str(res)
    assert "long.csv:2: 字段 'title' 有 140,000 个字符,超过上限 20,000" in res.err, str(res)


def test_a_csv_file_named_after_a_record_type_needs_no_type_column(cli, tmp_path):
    cli.ok_import(prelude())
    text = "at,unit,kind,title\n2010/5/20,145,study,学习\n"
    named = tmp_path / "ActivityHeld.csv"
    named.write_text(text, encoding="utf-8")
    res = cli.run("import", named)
    assert res.code == 0, str(res)
    assert cli.log()[-1]["type"] == "ActivityHeld" and cli.log()[-1]["title"] == "学习"
    other = tmp_path / "activities.csv"
    other.write_text(text, encoding="utf-8")
    res = cli.run("import", other)
    assert res.code == 1 and "the CSV file) after the record type" in res.err, str(res)
    typed = tmp_path / "UnitUpdated.csv"  # its own type column says: any types
    typed.write_text("type,at,unit,members\nUnitUpdated,2010/5/21,145,30\n", encoding="utf-8")
    assert cli.run("import", typed).code == 0


def test_a_number_of_thousands_of_digits_in_a_cell_is_refused_on_its_row(cli, tmp_path):
    cli.ok_import(prelude())
    path = tmp_path / "big.csv"
    rows = [f"ActivityHeld,2010-05-12,145,study,a,{n}" for n in ("9" * 5000, "9" * 400 + ".0")]
    path.write_text("type,at,unit,kind,title,participants\n" + "\n".join(rows) + "\n")
    res = cli.run("import", path)
    assert res.code == 1 and "internal error" not in res.err, str(res)
    assert len(res.messages(path, 2)) == 1 and len(res.messages(path, 3)) == 1, str(res)
    assert max(len(line) for line in res.err_lines) < 200  # the value quoted short


def test_a_type_on_the_wrong_sheet_and_cells_without_a_header(cli, tmp_path):
    cli.ok_import(prelude())
    path = write_table(
        tmp_path / "t.xlsx",
        [
            ["at", "unit", "kind", "title", None],
            [date(2010, 5, 20), "145", "study", "学习", "多余"],
        ],
        sheet="ActivityHeld",
    )
    res = cli.run("import", path)
    assert res.messages(f"{path}[ActivityHeld]", 2) == [
        "column E has a value but no field name in the header row"
    ]
    path = write_table(
        tmp_path / "u.xlsx",
        [["type", "at", "unit", "kind", "title"], ["ReviewRecorded", date(2010, 5, 20), "145"]],
        sheet="ActivityHeld",
    )
    res = cli.run("import", path)
    assert res.messages(f"{path}[ActivityHeld]", 2) == [
        "type 'ReviewRecorded' on the sheet of ActivityHeld records"
    ]


def test_header_problems_are_one_line_at_the_header(cli, tmp_path):
    cli.ok_import(prelude())
    cases = {
        "no-at.csv": ("type,when,unit\r\nActivityHeld,2010-05-20,145\r\n", "no 'at' column"),
        "no-type.csv": ("at,unit\r\n2010-05-20,145\r\n", "no 'type' column"),
        "twice.csv": ("type,at,at\r\nActivityHeld,2010-05-20,x\r\n", "appears twice"),
        # the workbook notes' words for the fields (it said only "no 'at' column")
        "ActivityHeld.csv": (
            "发生时间,单位,活动类型,activity title\r\n2010-05-20,145,study,学习\r\n",
            "the header row names fields in words ('发生时间' → at, '单位' → ?,"
            " '活动类型' → kind, 'activity title' → title): the first row must hold the"
            " fields' names",
        ),
        "mixed.csv": (
            "type,记录类型,发生时间,兑现期限\r\nActivityHeld,x,2010-05-20,x\r\n",
            "in words ('记录类型' → type, '发生时间' → at, '兑现期限' → due)",
        ),
        "one.csv": (  # one field in words among names: the likeliest slip
            "type,发生时间,unit,kind,title\r\nActivityHeld,2010-05-20,145,study,x\r\n",
            "names fields in words ('发生时间' → at)",
        ),
    }
    for name, (text, reason) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        res = cli.run("import", path)
        assert res.code == 1
        assert reason in " ".join(res.messages(path, 1)), str(res)
        assert len(res.err_lines) == 2  # the reason, and "import refused"


# -- Excel's realities ------------------------------------------------------------------


def test_gbk_and_bom_csv_files_are_read(cli, tmp_path):
    records = [*prelude(), act("145", "study", "2010-05-20", title="组织学习《实施方案》")]
    text = csv_text(records)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(text.encode("gbk"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(text.encode("utf-8-sig"))
    res = cli.run("import", gbk)
    assert res.code == 0, str(res)
    other = Cli(cli.capsys, tmp_path, store_name="bom.db")
    assert other.run("import", bom).code == 0
    assert log_without_recorded(other.log_text()) == log_without_recorded(cli.log_text())
    titles = [r.get("title") for r in cli.log()]
    assert "组织学习《实施方案》" in titles


def test_gb18030_and_utf16_byte_order_marks_are_not_part_of_the_header(cli, tmp_path):
    """Excel's "Unicode text" (UTF-16, tabs) and a GB18030 file with its BOM."""
    records = [*prelude(), act("145", "study", "2010-05-20", title="组织学习《实施方案》")]
    gb = tmp_path / "gb18030.csv"
    gb.write_bytes(b"\x84\x31\x95\x33" + csv_text(records).encode("gb18030"))
    res = cli.run("import", gb)
    assert res.code == 0, str(res)
    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes(csv_text(records, delimiter="\t").encode("utf-16"))  # with its BOM
    res = cli.run("import", utf16)
    assert res.code == 0 and "skipped 4" in res.out, str(res)
    # without its mark, either end first (its header was "t^@y^@p^@e^@, ^@a^@t^@…"),
    # a Chinese note above the header too
    for ending in ("le", "be"):
        bare = tmp_path / f"bare-{ending}.csv"
        text = "# 一四五队填报,请勿改动表头\n" + csv_text(records, delimiter="\t")
        bare.write_bytes(text.encode(f"utf-16-{ending}"))
        res = cli.run("import", bare)
        assert res.code == 0 and "skipped 4" in res.out, str(res)
        res = cli.run("import", "--encoding", "utf-16", bare)  # told so: the same
        assert res.code == 0 and "skipped 4" in res.out, str(res)


def test_a_csv_file_of_utf8_and_gbk_lines_is_refused_not_read_as_gbk(cli, tmp_path):
    """Lines pasted from a GBK file into a UTF-8 one (or the reverse): read as GB18030,
    the UTF-8 学习 would be stored as 瀛︿範. Refused in one line naming a line of each."""
    cli.ok_import(prelude())
    header, utf8_row = csv_text([act("145", "study", "2010-05-20", title="学习")]).splitlines()
    gbk_row = csv_text([act("145", "study", "2010-05-21", title="学习党章")]).splitlines()[1]
    for name, lines in (
        ("utf8-then-gbk.csv", [header.encode(), utf8_row.encode(), gbk_row.encode("gbk")]),
        ("gbk-then-utf8.csv", [header.encode(), gbk_row.encode("gbk"), utf8_row.encode()]),
    ):
        path = tmp_path / name
        path.write_bytes(b"\r\n".join(lines) + b"\r\n")
        before = cli.log_text()
        res = cli.run("--lang", "en", "import", path)
        assert_one_line_error(res)
        utf8, other = (2, 3) if name.startswith("utf8") else (3, 2)
        assert f"line {utf8} is UTF-8 text but line {other} is not" in res.err, str(res)
        assert cli.log_text() == before
    # A GBK file whose Chinese cells are one character each (each of which is valid
    # UTF-8 as two bytes, a Latin or Cyrillic letter) is still GBK, and so is the
    # same file with an explicit --encoding.
    short = [
        act("145", "study", "2010-05-22", title="学"),  # D1 A7: valid UTF-8 (Cyrillic ѧ)
        act("145", "study", "2010-05-23", title="好"),  # BA C3: not UTF-8
    ]
    gbk = tmp_path / "short-gbk.csv"
    gbk.write_bytes(csv_text(short).encode("gbk"))
    assert _valid_utf8("学".encode("gbk")) and not _valid_utf8("好".encode("gbk"))
    res = cli.run("import", gbk)
    assert res.code == 0, str(res)
    assert {"学", "好"} <= {r.get("title") for r in cli.log()}
    # When all of it is valid UTF-8 too (学习一 is the Cyrillic ѧϰһ), nothing says
    # which: refused, naming both readings, until --encoding says (it was stored as
    # Cyrillic, exit 0)
    either = tmp_path / "either.csv"
    either.write_bytes(csv_text([act("145", "study", "2010-05-24", title="学习一")]).encode("gbk"))
    assert _valid_utf8(either.read_bytes())
    before = cli.log_text()
    res = cli.run("--lang", "en", "import", either)
    assert_one_line_error(res)
    assert "either.csv:2: reads as UTF-8 ('ѧϰһ" in res.err, str(res)
    assert "and as GBK ('学习一" in res.err and "--encoding gbk" in res.err, str(res)
    res = cli.run("import", either, lang="zh")  # (scripts grep FILE:LINE: in either language)
    assert "either.csv:2: 按 UTF-8 读是" in res.err, str(res)
    assert cli.log_text() == before
    assert cli.run("import", "--encoding", "gbk", either).code == 0
    assert "学习一" in {r.get("title") for r in cli.log()}
    # and a UTF-8 file with Chinese in it is UTF-8, though its other lines could be
    # either (Ré is also valid GBK)
    both = tmp_path / "utf8-latin.csv"
    rows = [
        act("145", "study", "2010-05-25", title="Ré"),
        act("145", "study", "2010-05-26", title="学习"),
    ]
    both.write_bytes(csv_text(rows).encode())
    assert cli.run("import", both).code == 0
    assert "Ré" in {r.get("title") for r in cli.log()}
    # Bytes that are neither: the first line that is not UTF-8.
    neither = tmp_path / "neither.csv"
    neither.write_bytes(header.encode() + b"\r\n" + b"ActivityHeld,\x80\x80\r\n")
    res = cli.run("--lang", "en", "import", neither)
    assert_one_line_error(res)
    assert "line 2 is neither UTF-8 nor GBK text" in res.err, str(res)


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_full_width_codes_dates_and_numbers_read_as_typed_with_an_ascii_keyboard(cli, tmp_path):
    """What a Chinese input method gives (ＪＵ, １４５, ２０１０－０５－２０); names and free
    text stay as typed, and digits of other scripts are not numbers."""
    cli.ok_import(prelude())
    rows = [
        ["type", "at", "unit", "kind", "title", "participants"],
        [
            "ＡｃｔｉｖｉｔｙＨｅｌｄ",
            "２０１０－０５－２０",
            "１４５",
            "ｓｔｕｄｙ",
            "学习（一）",
            "８６",
        ],
    ]
    path = write_table(tmp_path / "full.xlsx", rows)
    res = cli.run("import", path)
    assert res.code == 0, str(res)
    (record,) = [r for r in cli.log() if r["type"] == "ActivityHeld"]
    assert (record["at"][:10], record["unit"], record["kind"]) == ("2010-05-20", "145", "study")
    assert (record["title"], record["participants"]) == ("学习（一）", 86)
    rows[1][5] = "٣٠"  # Arabic-Indic digits
    res = cli.run("import", write_table(tmp_path / "other.xlsx", rows))
    assert res.code == 1 and "participants" in res.err, str(res)


def test_a_csv_typed_with_full_width_commas_says_so(cli, tmp_path):
    """Cells separated by ，(a Chinese input method's comma) were read as one cell: a
    row was "of unknown type 'ActivityHeld,2010-06-02,…'", with the commas it did not
    have, and a header "had no 'at' column (found: type,at,unit,…)". Each such row
    is said as it is; a comma inside a cell's text is text."""
    cli.ok_import(prelude())
    path = tmp_path / "一四五队.csv"
    path.write_text(
        "# 本表由各单位填写，请勿改动表头\n"  # a comment's text is its own
        "type,at,unit,kind,title\n"
        "ActivityHeld,2010-06-01,145,study,学习，讨论\n"  # (in the text: fine)
        "ActivityHeld，2010-06-02，145，study，座谈\n",
        encoding="utf-8",
    )
    before = cli.log_text()
    said = assert_refused(cli.run("import", path), path, 4, "separated by the full-width comma")
    assert "'ActivityHeld，2010-06-02，145，study，座谈'" in said, said
    assert cli.log_text() == before
    header = tmp_path / "header.csv"
    header.write_text(
        "ｔｙｐｅ，at，unit，kind，title\nActivityHeld，2010-06-01\n", encoding="utf-8"
    )
    res = cli.run("import", header, lang="zh")
    assert res.code == 1 and f"{header}:1: 单元格之间用的是全角逗号" in res.err, str(res)
    assert "ｔｙｐｅ，at" in res.err and res.err.count("全角逗号") == 1, str(res)  # (the header)
    typed_again = "ActivityHeld,2010-06-02,145,study,座谈\n"
    kept = "".join(path.read_text(encoding="utf-8").splitlines(True)[:3])
    path.write_text(kept + typed_again, encoding="utf-8")
    assert cli.run("import", path).code == 0
    titles = {r.get("title") for r in cli.log()}
    assert {"学习，讨论", "座谈"} <= titles, titles


def test_a_code_typed_in_its_words_is_read_as_the_code(cli, tmp_path):
    """A unit typing 先进 or 群众评议 in a sheet, as the template's notes and the
    dashboard show them, was refused: "'先进' is not one of advanced, middle, …"."""
    cli.ok_import(prelude())
    rows = [
        ["type", "at", "unit", "kind", "grade", "verdict", "method"],
        ["ReviewRecorded", "2010-06-01", "145", "群众评议", "先进", "", ""],
        ["ReviewRecorded", "2010-06-02", "145", "督促检查", "Lagging", "通报表扬", "巡回检查"],
    ]
    assert cli.run("import", write_table(tmp_path / "words.xlsx", rows)).code == 0
    found = [
        (r["kind"], r.get("grade"), r.get("verdict"), r.get("method"))
        for r in cli.log()
        if r["type"] == "ReviewRecorded"
    ]
    assert found == [
        ("mass_evaluation", "advanced", None, None),
        ("inspection", "lagging", "commend", "tour"),
    ], found
    rows[1][4] = "优秀"  # words of no code: refused, naming the codes
    res = cli.run("import", write_table(tmp_path / "other.xlsx", rows))
    assert res.code == 1 and "'优秀'" in res.err and "advanced" in res.err, str(res)


def test_codes_types_and_units_are_read_in_any_case_and_in_the_plans_words(cli, tmp_path):
    """`Tour` and `Mass_Evaluation` were refused where `OK` and `ADVANCED` were taken
    (only an English word equal to the code was); DOMAIN.md's own 中间状态 and 点评
    were refused; a `type` cell 开展活动 or activityheld was refused though a sheet so
    named is read; a unit typed `zp` was refused though no other unit can be zp.
    JSON Lines keep the codes exactly, as scripts write them."""
    cli.ok_import([*prelude(), unit("ZP", "2010-05-12", "综合普查队", parent="JU")])
    csv = tmp_path / "units.csv"
    csv.write_text(
        "type,at,unit,kind,method,verdict,grade,title\n"
        "ReviewRecorded,2010-06-01,ZP,inspection,Tour,OK,ADVANCED,\n"
        "ReviewRecorded,2010-06-02,zp,Mass_Evaluation,,,中间状态,\n"
        "ReviewRecorded,2010-06-03,ｚｐ,点评,,,middle,\n"
        "开展活动,2010-06-04,Zp,STUDY,,,,学习\n"
        "activityheld,2010-06-05,zP,study,,,,学习二\n",
        "utf-8",
    )
    res = cli.run("import", csv)
    assert res.code == 0 and "imported 5 records" in res.out, str(res)
    found = [
        (r["type"], r["unit"], r["kind"], r.get("method"), r.get("verdict"), r.get("grade"))
        for r in cli.log()[-5:]
    ]
    assert found == [
        ("ReviewRecorded", "ZP", "inspection", "tour", "ok", "advanced"),
        ("ReviewRecorded", "ZP", "mass_evaluation", None, None, "middle"),
        ("ReviewRecorded", "ZP", "leader_commentary", None, None, "middle"),
        ("ActivityHeld", "ZP", "study", None, None, None),
        ("ActivityHeld", "ZP", "study", None, None, None),
    ], found
    assert cli.run("import", csv).out.startswith("imported 0 records, skipped 5")
    jsonl = tmp_path / "script.jsonl"
    jsonl.write_text(json.dumps(act("zp", "study", "2010-06-06")) + "\n", "utf-8")
    res = cli.run("import", jsonl)
    assert res.code == 1 and "unit 'zp' is not registered" in res.err, str(res)
    # a unit registered is its own code: one alike is said as such, not as "ZP" again
    csv.write_text("type,at,unit,name,kind,parent\nUnitRegistered,2010-06-07,zp,又一个,team,ju\n",
                   "utf-8")  # fmt: skip
    res = cli.run("import", csv)
    assert res.code == 1 and "unit 'zp'" in res.err and "'ZP'" in res.err, str(res)
    assert "already registered" not in res.err, res.err


def test_an_activity_kind_typed_in_its_words_is_read_as_the_kind(cli, tmp_path):
    """The campaign template names each activity kind (组织学习, Study): a unit
    typing the name in its sheet was refused with a list of codes. JSON Lines keep
    the codes, as scripts write them."""
    cli.ok_import(prelude())
    rows = [
        ["type", "at", "unit", "kind", "title"],
        ["ActivityHeld", "2010-06-01", "145", "组织学习", "学习会"],
        ["ActivityHeld", "2010-06-02", "145", " study ", "英文代码"],
        ["ActivityHeld", "2010-06-03", "145", "党性分析报告（七一前夕）", "全角括号"],
        ["ActivityHeld", "2010-06-04", "145", "Serving the Masses", "英文名称"],
        ["ActivityHeld", "2010-06-05", "145", "自选动作", "自选"],
    ]
    assert cli.run("import", write_table(tmp_path / "kinds.xlsx", rows)).code == 0
    csv = tmp_path / "kinds.csv"
    csv.write_text("type,at,unit,kind,title\nActivityHeld,2010-06-06,145,岗位奉献,岗位\n", "utf-8")
    assert cli.run("import", csv).code == 0
    found = [r["kind"] for r in cli.log() if r["type"] == "ActivityHeld"]
    assert found[-6:] == [
        "study",
        "study",
        "party_spirit_analysis",
        "serve_masses",
        "self_chosen",
        "post_dedication",
    ], found
    words = {"type": "ActivityHeld", "at": "2010-06-07", "unit": "145", "kind": "组织学习"}
    jsonl = tmp_path / "words.jsonl"
    jsonl.write_text(json.dumps(words | {"title": "t"}, ensure_ascii=False) + "\n", "utf-8")
    res = cli.run("import", jsonl, lang="zh")  # said to be a name, not listed as allowed
    assert res.code == 1 and "'组织学习' 是活动类型 study 的名称" in res.err, str(res)
    assert "可用" not in res.err, res.err
    for typed, code in (("自选动作", "self_chosen"), ("Ｓｔｕｄｙ", "study")):
        jsonl.write_text(json.dumps(words | {"kind": typed, "title": "t"}) + "\n", "utf-8")
        res = cli.run("import", jsonl, lang="zh")
        assert f"是活动类型 {code} 的名称" in res.err, res.err
    rows[1][3] = "学习会"  # a name of no kind: refused with the kinds and their names
    res = cli.run("import", write_table(tmp_path / "other.xlsx", rows), lang="zh")
    assert res.code == 1 and "'学习会'" in res.err, str(res)
    assert "mobilization(党员大会动员部署)" in res.err and "self_chosen(自选动作)" in res.err
    res = cli.run("import", tmp_path / "other.xlsx")  # in English the names it takes too
    assert "serve_masses (Serving the masses)" in res.err, res.err
    assert "self_chosen (Self-chosen activity)" in res.err, res.err  # (it had no words)


def test_several_workbooks_are_read_together_in_time_order(cli, tmp_path):
    # a unit's monthly workbooks: `import *.xlsx` gives 十一月 before 十月, and
    # November's fulfilment of October's commitment was "made only later"
    cli.ok_import(prelude())
    october = write_sheets(
        tmp_path / "十月.xlsx",
        {
            "CommitmentMade": [
                ["at", "commitment", "unit", "text", "due"],
                ["2010-10-20", "C-20", "145", "t", "2010-12-31"],
            ]
        },
    )
    november = write_sheets(
        tmp_path / "十一月.xlsx",
        {"CommitmentFulfilled": [["at", "commitment"], ["2010-11-20", "C-20"]]},
    )
    res = cli.run("import", november, october)
    assert res.code == 0 and "imported 2" in res.out, str(res)
    assert [r["type"] for r in cli.log()[-2:]] == ["CommitmentMade", "CommitmentFulfilled"]


def test_csv_files_named_after_types_are_read_together_in_time_order(cli, tmp_path):
    """Per-type CSV files are a workbook's sheets written apart: `import *.csv`
    gives CommitmentFulfilled.csv before CommitmentMade.csv, and the fulfilment was
    "made only later in this import", where the same sheets of a workbook went in."""
    cli.ok_import(prelude())
    made = tmp_path / "CommitmentMade.csv"
    made.write_text("at,commitment,unit,text,due\n2010-06-01,ZZ,145,t,2010-12-31\n", "utf-8")
    done = tmp_path / "CommitmentFulfilled.csv"
    done.write_text("at,commitment\n2010-12-01,ZZ\n2010-12-02,YY\n", "utf-8")
    other = tmp_path / "YY.csv"  # not named after a type: a type column (decision 273)
    other.write_text(
        "type,at,commitment,unit,text,due\nCommitmentMade,2010-06-02,YY,145,t,2010-12-31\n", "utf-8"
    )
    res = cli.run("import", done, other, made)
    assert res.code == 0, str(res)
    found = [(r["type"], r["commitment"]) for r in cli.log() if "commitment" in r]
    assert found == [
        ("CommitmentMade", "ZZ"),
        ("CommitmentMade", "YY"),
        ("CommitmentFulfilled", "ZZ"),
        ("CommitmentFulfilled", "YY"),
    ], found
    assert cli.run("import", done, made).out.count("skipped 3") == 1  # the same again


def test_a_header_in_capitals_is_read_and_a_workbook_named_csv_is_said(cli, tmp_path):
    """`Type,AT,Unit` was refused as unknown columns; a workbook renamed .csv was
    "line 1 is neither UTF-8 nor GBK text"."""
    cli.ok_import(prelude())
    path = tmp_path / "caps.csv"
    path.write_text("Type,AT,Unit,Kind,Title\nActivityHeld,2010-06-01,145,study,学习\n", "utf-8")
    assert cli.run("import", path).code == 0
    assert "学习" in {r.get("title") for r in cli.log()}
    book = write_table(tmp_path / "book.xlsx", [["type", "at"], ["ActivityHeld", "2010-06-01"]])
    renamed = tmp_path / "一四五队.csv"
    book.rename(renamed)
    res = cli.run("import", renamed)
    assert_one_line_error(res)
    assert "一四五队.csv: this is a workbook (an Excel or WPS file), not CSV text" in res.err
    # named without .xlsx, or piped in, it is read as JSON Lines: it was a line each,
    # "not UTF-8", hundreds for a small workbook
    bare = tmp_path / "一四五队填报"
    renamed.rename(bare)
    res = cli.run("import", bare, lang="zh")
    assert_one_line_error(res)
    assert "一四五队填报:这是工作簿(Excel 或 WPS 文件),不是 JSON Lines" in res.err, res.err
    with bare.open("rb") as piped:
        command = [sys.executable, "-m", "cxzy", "--lang", "en", "--store", str(cli.store)]
        proc = subprocess.run(
            [*command, "import", "-"],
            stdin=piped,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 1 and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("<stdin>: this is a workbook"), proc.stderr


def test_sheets_named_after_a_type_loosely_but_not_a_copy(cli, tmp_path):
    """A sheet named 'activityheld ' is typed; a copy of a sheet or file (what Windows
    and Excel name 'ActivityHeld (2)', 'ActivityHeld - 副本': a unit's draft) is not,
    so it does not go in beside the one it copies."""
    cli.ok_import(prelude())
    rows = [["at", "unit", "kind", "title"], ["2010-05-20", "145", "study", "学习"]]
    res = cli.run("import", write_table(tmp_path / "a.xlsx", rows, sheet="activityheld "))
    assert res.code == 0 and "imported 1" in res.out, str(res)
    rows[1][3] = "草稿"
    for name in ("ActivityHeld (2).csv", "ActivityHeld - 副本.csv"):
        path = tmp_path / name
        path.write_text("\n".join(",".join(row) for row in rows), encoding="utf-8")
        res = cli.run("import", path)
        assert res.code == 1 and "type" in res.err, str(res)
    res = cli.run("import", write_table(tmp_path / "b.xlsx", rows, sheet="ActivityHeld (2)"))
    assert res.code == 1 and "type" in res.err, str(res)
    # said to be a copy, and which type's; a sheet named in a type's words, which
    # (it was "name the sheet after the record type, e.g. ActivityHeld")
    assert "sheet 'ActivityHeld (2)' is a copy of sheet ActivityHeld" in res.err, str(res)
    book = write_table(tmp_path / "c.xlsx", rows, sheet="ActivityHeld - 副本")
    assert "is a copy of sheet ActivityHeld" in cli.run("import", book).err
    book = write_table(tmp_path / "d.xlsx", rows, sheet="开展活动")
    res = cli.run("import", book, lang="zh")
    assert "工作表 '开展活动' 用的是 ActivityHeld 的中文名" in res.err, str(res)


def test_a_csv_file_named_almost_after_a_type_is_told_which(cli, tmp_path):
    """A second download (CommitmentFulfilled (1).csv), a draft or a file named in a
    type's words (开展活动.csv) without a 'type' column was told to be named after
    the record type, which it nearly was; a sheet so named is told which (decision 305)."""
    cli.ok_import(prelude())
    rows = "at,unit,kind,title\n2010-05-20,145,study,学习\n"
    said = {}
    for name in ("CommitmentFulfilled (1).csv", "ActivityHeld - 副本.csv", "开展活动.csv"):
        (tmp_path / name).write_text(rows, encoding="utf-8")
        res = cli.run("import", tmp_path / name)
        assert res.code == 1 and len(res.err_lines) == 2, str(res)
        (said[name],) = res.messages(tmp_path / name, 1)
    assert said["CommitmentFulfilled (1).csv"] == (
        "file 'CommitmentFulfilled (1).csv' is named as a copy of CommitmentFulfilled.csv (a "
        "second download, or a draft?), and has no 'type' column: its rows are not read as "
        "CommitmentFulfilled; if it is that file, name it CommitmentFulfilled.csv; if a draft, "
        "leave it out"
    )
    assert said["ActivityHeld - 副本.csv"].startswith(
        "file 'ActivityHeld - 副本.csv' is named as a copy of ActivityHeld.csv"
    )
    assert said["开展活动.csv"] == (
        "file '开展活动.csv' is named in the words of ActivityHeld and has no 'type' column: "
        "name it ActivityHeld.csv so that its rows are of that type, or add a 'type' column"
    )
    res = cli.run("import", tmp_path / "开展活动.csv", lang="zh")
    assert "文件 '开展活动.csv' 用的是 ActivityHeld 的中文名" in res.err, str(res)
    other = tmp_path / "活动记录.csv"  # (no type's name: told as before)
    other.write_text(rows, encoding="utf-8")
    assert "no 'type' column" in cli.run("import", other).err
    assert cli.log_text().count("ActivityHeld") == 0


def test_an_empty_sheet_with_an_added_column_refuses_nothing(cli, tmp_path):
    """Units add a 备注 column to every sheet of the template, the empty ones too."""
    cli.ok_import(prelude())
    sheets = {
        "ActivityHeld": [["at", "unit", "kind", "title"], ["2010-05-20", "145", "study", "学习"]],
        "CommitmentMade": [["at", "unit", "commitment", "text", "due", "备注"]],
    }
    res = cli.run("import", write_sheets(tmp_path / "extra.xlsx", sheets))
    assert res.code == 0 and "imported 1" in res.out, str(res)


def test_a_hidden_sheet_with_records_is_refused(cli, tmp_path):
    """A unit hides what it does not mean to send; the template's hidden #lists is
    no such sheet, and a hidden empty sheet refuses nothing."""
    cli.ok_import(prelude())
    sheets = {
        "ActivityHeld": [["at", "unit", "kind", "title"], ["2010-05-20", "145", "study", "学习"]],
        "CommitmentMade": [
            ["at", "unit", "commitment", "text", "due"],
            ["2010-05-21", "145", "K9", "已作废", "2010-12-31"],
        ],
        "Sheet3": [],
        # the lists a unit's drop-downs read, and a sheet of headings: hidden beside the
        # records, and said to hold records
        "Lists": [["145"], ["JU"], ["133"]],
        "Notes": [["备注", "说明"]],
    }
    hidden = {"CommitmentMade", "Sheet3", "Lists", "Notes"}
    path = write_sheets(tmp_path / "hidden.xlsx", sheets, hidden=hidden)
    res = cli.run("import", path, lang="zh")
    assert res.code == 1, str(res)
    assert "hidden.xlsx[CommitmentMade]:2: 此工作表已隐藏,但其中有记录" in res.err, res.err
    assert len(res.err_lines) == 2, res.err  # (and the line saying it was refused)
    write_sheets(path, {**sheets, "Lists": [], "Notes": []}, hidden={"Sheet3"})
    assert cli.run("import", path).code == 0
    write_sheets(
        path, {"ActivityHeld": sheets["ActivityHeld"], "Lists": sheets["Lists"]}, ["Lists"]
    )
    assert cli.run("import", path).code == 0


def test_records_on_hidden_or_vertically_merged_rows_are_refused(cli, tmp_path):
    """Excel shows a merged cell's value on each row it covers, the file holds it on
    the first: the second row went in without participants, recorded by the
    account's user. A hidden (or filtered-out) row went in unseen."""
    from openpyxl import load_workbook

    cli.ok_import(prelude())
    rows = [
        ["at", "unit", "kind", "title", "participants", "by"],
        ["2010-05-20", "145", "study", "学习", 30, "张三"],
        ["2010-05-21", "145", "study", "讨论", None, None],
        ["2010-05-22", "145", "study", "交流", 5, "李四"],
        ["2010-05-23", "145", "study", "总结", 5, "李四"],
    ]
    path = write_sheets(tmp_path / "laid-out.xlsx", {"ActivityHeld": rows})
    book = load_workbook(path)
    sheet = book["ActivityHeld"]
    sheet.merge_cells("F2:F3")
    sheet.merge_cells("E2:E3")
    sheet.merge_cells("A7:D7")  # (one row, no record: nothing to say)
    sheet.row_dimensions[5].hidden = True
    book.save(path)
    res = cli.run("import", path)
    assert res.code == 1, str(res)
    merged = (
        "cells E2:E3, F2:F3 are merged over several rows: the file holds their value "
        "on the first row only; unmerge them and fill in each row"
    )
    assert res.messages(f"{path}[ActivityHeld]", 2) == [merged]
    assert res.messages(f"{path}[ActivityHeld]", 3) == [merged]
    assert res.messages(f"{path}[ActivityHeld]", 4) == []
    assert [m.split(" (")[0] for m in res.messages(f"{path}[ActivityHeld]", 5)] == [
        "this row is hidden"
    ]
    assert "3 bad records" in res.err
    book = load_workbook(path)
    sheet = book["ActivityHeld"]
    for cells in ("E2:E3", "F2:F3"):
        sheet.unmerge_cells(cells)
    sheet["E3"], sheet["F3"] = 30, "张三"
    sheet.row_dimensions[5].hidden = False
    book.save(path)
    assert cli.run("import", path).code == 0


def test_a_summary_sheet_of_the_units_own_is_told_how_to_keep_it_out(cli, tmp_path):
    """A unit added a 汇总 sheet to the template's workbook: "no 'at' column", and no
    word of the # that keeps a sheet out, as extra columns and hidden sheets get."""
    cli.ok_import(prelude())
    rows = [["at", "unit", "kind", "title"], ["2010-05-20", "145", "study", "学习"]]
    sheets = {"ActivityHeld": rows, "汇总": [["单位", "活动次数"], ["145", 1]]}
    path = write_sheets(tmp_path / "with-summary.xlsx", sheets)
    res = cli.run("import", path)
    assert res.code == 1, str(res)
    assert res.messages(f"{path}[汇总]", 1) == [
        "sheet '汇总' holds no records: its header names no field (found: 单位, 活动次数); "
        "if the sheet is your own, begin its name with # ('#汇总') and it is not read"
    ]
    sheets["ActivityHeld (汇总)"] = [["单位", "at"], ["145", "2010-05-20"]]  # names a field:
    del sheets["汇总"]  # the old message stands
    res = cli.run("import", write_sheets(tmp_path / "other.xlsx", sheets))
    assert res.code == 1 and "no 'type' column" in res.err, str(res)
    # headed in the notes' words: records, or the unit's own? both ways out are said
    sheets = {"ActivityHeld": rows, "汇总": [["单位", "活动名称", "发生时间"], ["145", "x", 1]]}
    path = write_sheets(tmp_path / "in-words.xlsx", sheets)
    res = cli.run("import", path)
    assert res.messages(f"{path}[汇总]", 1) == [
        "sheet '汇总' is headed in words ('单位' → ?, '活动名称' → title, '发生时间' → at): to"
        " import its rows, write the fields' names in its first row, as the fill-in workbook's"
        " header row does; if the sheet is your own, begin its name with # ('#汇总') and it is"
        " not read"
    ], str(res)
    sheets = {"ActivityHeld": rows, "#汇总": [["单位", "活动次数"], ["145", 1]]}
    res = cli.run("import", write_sheets(tmp_path / "kept-out.xlsx", sheets))
    assert res.code == 0 and "imported 1 record" in res.out, str(res)


def test_merged_cells_that_hold_no_value_or_only_a_note_are_not_refused(cli, tmp_path):
    """A unit merged its empty `by` cells, or its own notes (a `#` column, never
    read), over two rows: the whole workbook was refused ("unmerge them"), though
    no value of a record was lost. A merge that holds a record's value still is."""
    from openpyxl import load_workbook

    cli.ok_import(prelude())
    rows = [
        ["at", "unit", "kind", "title", "by", "#备注"],
        ["2010-05-20", "145", "study", "学习", None, "两次学习合并说明"],
        ["2010-05-21", "145", "study", "讨论", None, None],
        ["2010-05-22", "145", "study", "交流", "李四", None],
        ["2010-05-23", "145", "study", "总结", None, None],
    ]
    path = write_sheets(tmp_path / "merged.xlsx", {"ActivityHeld": rows})
    book = load_workbook(path)
    sheet = book["ActivityHeld"]
    sheet.merge_cells("E2:E3")  # empty
    sheet.merge_cells("F2:F3")  # the unit's note
    sheet.merge_cells("E4:F5")  # 李四 for two records, and a note
    book.save(path)
    res = cli.run("import", path)
    assert res.code == 1, str(res)
    assert res.messages(f"{path}[ActivityHeld]", 2) == []
    assert res.messages(f"{path}[ActivityHeld]", 3) == []
    said = (
        "cells E4:F5 are merged over several rows: the file holds their value "
        "on the first row only; unmerge them and fill in each row"
    )
    assert res.messages(f"{path}[ActivityHeld]", 4) == [said]
    assert res.messages(f"{path}[ActivityHeld]", 5) == [said]
    book = load_workbook(path)
    book["ActivityHeld"].unmerge_cells("E4:F5")
    book.save(path)
    res = cli.run("import", path)
    assert res.code == 0 and "imported 4 records" in res.out, str(res)


def test_a_value_in_a_hidden_column_is_refused_as_a_hidden_row_is(cli, tmp_path):
    # hidden rows and sheets were refused (the office cannot see what it sends); a
    # hidden column's values went in unseen
    from openpyxl import load_workbook

    cli.ok_import(prelude())
    rows = [
        ["at", "unit", "kind", "title", "participants"],
        ["2010-05-20", "145", "study", "学习", 30],
        ["2010-05-21", "145", "study", "讨论", None],
    ]
    path = write_sheets(tmp_path / "cols.xlsx", {"ActivityHeld": rows})
    book = load_workbook(path)
    book["ActivityHeld"].column_dimensions["E"].hidden = True
    book["ActivityHeld"].column_dimensions["G"].hidden = True  # (empty: nothing to say)
    book.save(path)
    res = cli.run("import", path)
    assert res.messages(f"{path}[ActivityHeld]", 2) == [
        "this row has a value in hidden column E: show the column to send it, or clear "
        "the cell if it is not to be imported"
    ], str(res)
    assert res.messages(f"{path}[ActivityHeld]", 3) == [] and "1 bad record" in res.err
    book = load_workbook(path)
    book["ActivityHeld"].column_dimensions["E"].hidden = False
    book.save(path)
    assert cli.run("import", path).code == 0
    assert {r.get("participants") for r in cli.log() if r.get("title") == "学习"} == {30}


def test_hidden_columns_the_header_does_not_name_as_fields_are_not_looked_at(cli, tmp_path):
    # a hidden "#" column is the unit's notes (never read): its record went in before
    # and must still; a header's own problem is said, not "a value in a hidden
    # column" of the header's row; columns hidden as one range are each looked at
    from openpyxl import load_workbook

    cli.ok_import(prelude())
    rows = [
        ["at", "unit", "kind", "title", "#备注", "participants", "by"],
        ["2010-05-20", "145", "study", "学习", "已上报", 30, "张三"],
    ]
    path = write_sheets(tmp_path / "notes.xlsx", {"ActivityHeld": rows})
    book = load_workbook(path)
    book["ActivityHeld"].column_dimensions.group("E", "E", hidden=True)
    book.save(path)
    assert cli.run("import", path).code == 0
    rows = [[*rows[0], "bogus"], [*rows[1], None]]
    path = write_sheets(tmp_path / "header.xlsx", {"ActivityHeld": rows})
    book = load_workbook(path)
    book["ActivityHeld"].column_dimensions.group("E", "H", hidden=True)  # F, G: fields
    book.save(path)
    res = cli.run("import", path, lang="zh")
    said = res.messages(f"{path}[ActivityHeld]", 1)
    assert res.code == 1 and said and "bogus" in said[0], str(res)
    assert "隐藏" not in res.err, str(res)
    book = load_workbook(path)
    book["ActivityHeld"]["H1"] = None
    book.save(path)
    res = cli.run("import", path, lang="zh")
    assert res.messages(f"{path}[ActivityHeld]", 2) == [
        "此行在已隐藏的 F、G 列中有内容:要导入就取消隐藏这些列,不导入就清空这些单元格"
    ], str(res)


def test_an_unknown_column_of_a_typed_sheet_is_said_once_and_a_hash_column_is_notes(cli, tmp_path):
    """One line at the header (it was one per row: up to the template's 1,000), and
    a column whose name begins with # is the unit's own notes."""
    cli.ok_import(prelude())
    rows = [["at", "unit", "kind", "title", "备注"]]
    rows += [[f"2010-05-{d:02d}", "145", "study", f"学习{d}", "已上报"] for d in range(12, 32)]
    res = cli.run("import", write_table(tmp_path / "extra.xlsx", rows, sheet="ActivityHeld"))
    assert res.code == 1 and len(res.err_lines) == 2, str(res)  # the problem and "refused"
    assert "extra.xlsx[ActivityHeld]:1: unknown field '备注' for ActivityHeld" in res.err
    rows[0] = [*rows[0][:4], "备注", "参加人数"]  # every one at once
    rows[1:] = [[*row[:5], 30] for row in rows[1:]]
    res = cli.run("import", write_table(tmp_path / "two.xlsx", rows, sheet="ActivityHeld"))
    assert "unknown field '备注', '参加人数' for ActivityHeld" in res.err, str(res)
    rows = [[*row[:5]] for row in rows]
    rows[0][4] = "#备注"
    res = cli.run("import", write_table(tmp_path / "notes.xlsx", rows, sheet="ActivityHeld"))
    assert res.code == 0 and "imported 20" in res.out, str(res)


def test_many_or_long_unknown_columns_are_said_in_a_line_a_reader_can_read(cli, tmp_path):
    """A sheet of 495 unknown columns, or a header cell of 10,000 characters, was
    named whole: one line of thousands of characters. The first ten, each cut, and
    how many more."""
    cli.ok_import(prelude())
    extra = [f"列{n}" for n in range(30)] + ["长" * 10_000]
    rows = [["at", "unit", "kind", "title", *extra], ["2010-05-12", "145", "study", "学习"]]
    res = cli.run("import", write_table(tmp_path / "wide.xlsx", rows, sheet="ActivityHeld"))
    assert res.code == 1 and len(res.err_lines) == 2, str(res)
    assert "unknown field '列0', '列1', " in res.err and "'列9', '… (+21)' for" in res.err
    assert max(map(len, res.err_lines)) < 400, str(res)
    path = tmp_path / "typed.csv"
    row = ["ActivityHeld", "2010-05-12", "145", "study", "学习"] + [""] * len(extra)
    header = ["type", "at", "unit", "kind", "title", *extra]
    path.write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    res = cli.run("import", path)
    assert "'列9' … (+21); a column kept as notes" in res.err, str(res)
    assert max(map(len, res.err_lines)) < 400, str(res)
    key = "Z" * 300_000  # and a JSON key
    _, res = cli.imp([{**act("145", "study", "2010-05-20", title="t"), key: 1}])
    assert res.code == 1 and "unknown field 'ZZZ" in res.err and len(res.err) < 1_000


def test_the_campaign_is_checked_first_whatever_the_sheets_or_files_order(cli, tmp_path):
    """The records others refer to came first, but in the order given: a workbook
    whose units' sheet came before its campaign's (or `*.xlsx` and `*.csv` sorting
    单位 before 活动计划) was refused, "no campaign planned yet", on a new store."""
    campaign = [["campaign", "title", "at"], ["c1", "创先争优", "2010-05-10"]]
    units = [["at", "unit", "name", "kind"], ["2010-05-10", "JU", "局机关", "bureau"]]
    book = write_sheets(
        tmp_path / "setup.xlsx", {"UnitRegistered": units, "CampaignPlanned": campaign}
    )
    res = cli.run("import", book)
    assert res.code == 0 and "imported 2 records" in res.out, str(res)
    (tmp_path / "a").mkdir()
    write_table(tmp_path / "a" / "单位.xlsx", units, sheet="UnitRegistered")
    write_table(tmp_path / "a" / "活动计划.xlsx", campaign, sheet="CampaignPlanned")
    res = cli.run("import", tmp_path / "a" / "单位.xlsx", tmp_path / "a" / "活动计划.xlsx",
                  "--dry-run", store=tmp_path / "other.db")  # fmt: skip
    assert res.code == 0 and "would write 2 records" in res.out, str(res)


def test_csv_files_with_a_type_column_are_checked_together_in_time_order(cli, tmp_path):
    """A month's records in a CSV with a type column each: `*.csv` gives 十一月 before
    十月, and the fulfilment was refused as made only later, where the same tables
    as workbooks went in (only CSV files named after a type were put in order)."""
    cli.ok_import(prelude())
    october = tmp_path / "十月.csv"
    october.write_text(
        "type,at,commitment,unit,text,due\nCommitmentMade,2010-10-08,C-9,145,十月承诺,2010-12-31\n",
        encoding="utf-8",
    )
    november = tmp_path / "十一月.csv"
    november.write_text(
        "type,at,commitment,note\nCommitmentFulfilled,2010-11-20,C-9,已兑现\n", encoding="utf-8"
    )
    res = cli.run("import", november, october)
    assert res.code == 0 and "imported 2 records" in res.out, str(res)


def test_a_column_of_no_type_in_a_file_with_a_type_column_is_said_once(cli, tmp_path):
    """A misspelt header in a CSV of several types was said on every row that filled
    it (200 rows, 200 lines); a column only some types have is still said per row."""
    cli.ok_import(prelude())
    rows = [["type", "at", "unit", "kind", "title", "participnts"]]
    rows += [
        ["ActivityHeld", f"2010-05-{d:02d}", "145", "study", f"学习{d}", 30] for d in range(12, 32)
    ]
    path = tmp_path / "units.csv"
    path.write_text("\n".join(",".join(map(str, row)) for row in rows) + "\n", encoding="utf-8")
    res = cli.run("import", path)
    assert res.code == 1 and len(res.err_lines) == 2, str(res)  # the problem and "refused"
    assert "units.csv:1: columns that are a field of no record type" in res.err
    assert "'participnts' → participants" in res.err
    typos = [[*rows[0][:4], "titel", "participnts"], *rows[1:]]  # every one, at once
    path.write_text("\n".join(",".join(map(str, row)) for row in typos) + "\n", encoding="utf-8")
    res = cli.run("import", path)
    assert "'titel' → title; 'participnts' → participants" in res.err, str(res)
    path.write_text(",".join(rows[0]) + "\n", encoding="utf-8")  # no records: nothing wrong
    assert cli.run("import", path).code == 0
    mixed = [["type", "at", "unit", "kind", "title", "grade"]]
    mixed += [["ActivityHeld", "2010-05-12", "145", "study", "学习", "advanced"]] * 2
    path.write_text("\n".join(",".join(row) for row in mixed) + "\n", encoding="utf-8")
    res = cli.run("import", path)  # grade: a review's field, not an activity's
    assert res.code == 1 and "units.csv:2:" in res.err and "units.csv:3:" in res.err, str(res)


def test_a_formula_whose_result_was_never_saved_is_named_not_taken_as_empty(cli, tmp_path):
    """A workbook written by a program keeps formulas without their results: a
    required one read as missing, an optional one (participants) was dropped."""
    cli.ok_import(prelude())
    rows = [
        ["type", "at", "unit", "kind", "title", "participants"],
        ["ActivityHeld", "2010-05-20", "145", "study", "学习", "=30+6"],
    ]
    res = cli.run("import", write_table(tmp_path / "formulas.xlsx", rows), lang="zh")
    assert res.code == 1, str(res)
    assert "formulas.xlsx[Sheet]:2: 单元格 F 是公式(=30+6),文件中没有保存其计算结果" in res.err


def test_invisible_characters_in_a_cell_are_shown_in_the_message(cli, tmp_path):
    cli.ok_import(prelude())
    rows = [
        ["type", "at", "unit", "kind", "title"],
        ["ActivityHeld", "2010-05-20", "145", "study\u200b", "学"],
    ]
    res = cli.run("import", write_table(tmp_path / "zw.xlsx", rows))
    assert res.code == 1 and "'study<U+200B>'" in res.err, str(res)


def test_encoding_can_be_given_and_a_wrong_one_is_one_clear_line(cli, tmp_path):
    records = [*prelude(), act("145", "study", "2010-05-20", title="学习")]
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(csv_text(records).encode("gbk"))
    res = cli.run("import", "--encoding", "gbk", gbk)
    assert res.code == 0, str(res)
    other = Cli(cli.capsys, tmp_path, store_name="other.db")
    res = other.run("import", "--encoding", "utf-8", gbk)
    assert_one_line_error(res)
    # (it did not say what to do; GBK is not claimed: the fallback reads Big5 too)
    assert "is not utf-8 text (--encoding utf-8); give the file's own encoding (without" in (
        res.err
    )
    utf16 = tmp_path / "utf16.csv"  # what it is, when that is sure
    utf16.write_bytes(csv_text(records).encode("utf-16"))
    res = other.run("import", "--encoding", "utf-8", utf16)
    assert_one_line_error(res)
    assert "(--encoding utf-8); the file is UTF-16: import it without --encoding" in res.err
    res = other.run("import", "--encoding", "klingon", gbk)
    assert_one_line_error(res)
    assert "unknown encoding 'klingon'" in res.err
    lines = other.write(records)  # JSON Lines: UTF-8 by contract, not silently re-read
    res = other.run("import", "--encoding", "gbk", lines)
    assert_one_line_error(res)
    assert "--encoding gbk applies to CSV files, and none is given" in res.err
    assert not other.store.exists() or other.log_text() == ""


def test_utf_16_given_for_a_file_without_its_mark_and_codecs_not_of_text(cli, tmp_path):
    # "--encoding utf-16" on a file without a byte-order mark (how Windows writes
    # UTF-16 for many programs) was an internal error, and so were base64, rot13 and
    # zip (codecs, not encodings of text) and punycode's failure
    records = [*prelude(), act("145", "study", "2010-05-20", title="学习")]
    bare = tmp_path / "u16.csv"
    bare.write_bytes(csv_text(records).encode("utf-16-le"))
    other = Cli(cli.capsys, tmp_path, store_name="other.db")
    for name in ("base64", "rot13", "zip"):
        res = other.run("import", "--encoding", name, bare)
        assert_one_line_error(res)
        assert f"'{name}' is not an encoding of text" in res.err, str(res)
    res = other.run("import", "--encoding", "punycode", bare)
    assert_one_line_error(res)
    assert "is not punycode text" in res.err, str(res)
    # a bad character's line counted in characters (上 is 0x4E0A: a line of its own)
    broken = tmp_path / "broken.csv"
    lines = csv_text([*records[:3], act("145", "study", "2010-05-21", title="上上")])
    broken.write_bytes(lines.encode("utf-16-le") + b"\x00\xd8")  # half a surrogate pair
    res = other.run("import", "--encoding", "utf-16", broken)
    assert_one_line_error(res)
    assert f"line {lines.count(chr(10)) + 1} is not utf-16 text" in res.err, str(res)
    assert not other.store.exists() or other.log_text() == ""
    res = cli.run("import", "--encoding", "utf-16", bare)
    assert res.code == 0, str(res)
    assert "imported 4 records" in res.out, str(res)


def test_semicolons_and_tabs_separate_too(cli, tmp_path):
    records = prelude()
    for n, delimiter in enumerate((";", "\t")):
        store = Cli(cli.capsys, tmp_path, store_name=f"d{n}.db")
        path = write_csv(tmp_path / f"d{n}.csv", records, delimiter=delimiter)
        res = store.run("import", path)
        assert res.code == 0, str(res)
        assert [u["unit"] for u in store.status("2010-06-01")["units"]] == ["JU", "145"]


def test_a_first_line_naming_the_delimiter_is_excels_not_a_row(cli, tmp_path):
    """Excel reads "sep=;" as the delimiter and does not show that line: the
    header was taken to be "sep=;" and the file refused."""
    cli.ok_import(prelude())
    text = (
        "sep=|\r\n"
        "type|at|unit|kind|title\r\n"
        "ActivityHeld|2010-05-20|145|study|学习,讨论\r\n"
        "ActivityHeld|2010-05-21|145|nonsense|学习\r\n"
    )
    path = tmp_path / "sep.csv"
    assert _refused_at(cli, path, text, 3) == [NONSENSE]  # the row as Excel numbers it
    path.write_text(text.replace("nonsense", "study").replace("05-21", "05-22"), encoding="utf-8")
    res = cli.run("import", path)
    assert res.code == 0, str(res)
    titles = [r["title"] for r in cli.log() if r["type"] == "ActivityHeld"]
    assert "学习,讨论" in titles


def test_numbers_and_dates_stored_as_text_and_booleans_in_words(cli, tmp_path):
    cli.ok_import(prelude())
    path = write_table(
        tmp_path / "words.xlsx",
        [
            ["type", "at", "commitment", "unit", "text", "due", "public"],
            ["CommitmentMade", "2010年5月20日", 145, 145, "承诺", "2010/12/31", "否"],
            ["CommitmentMade", "2010-05-20 10:00", "K2", "145", "承诺", 40543, "TRUE"],
            ["CommitmentMade", datetime(2010, 5, 20, 11), "K3", "145", "承诺", "2010-12-31", 1],
        ],
    )
    res = cli.run("import", path)
    assert res.code == 0, str(res)
    made = {r["commitment"]: r for r in cli.log() if r["type"] == "CommitmentMade"}
    assert made["145"]["public"] is False
    assert made["145"]["at"] == "2010-05-20T00:00:00+08:00"
    assert made["K2"]["due"] == "2010-12-31"  # an Excel date number without its format
    assert made["K2"]["public"] is True
    assert made["K3"]["at"] == "2010-05-20T11:00:00+08:00"
    assert made["K3"]["public"] is True


def test_a_number_longer_than_a_spreadsheet_keeps_is_refused_not_given_other_digits(cli, tmp_path):
    """An ID-card number typed in a number cell (110101199003077777; the workbook
    keeps 1.101011990030778e+17) was imported as "110101199003077792"."""
    cli.ok_import(prelude())
    header = ["type", "at", "unit", "kind", "title", "participants"]
    long = ["ActivityHeld", "2010-05-12", "145", "study", 110101199003077777, 30]
    kept = ["ActivityHeld", "2010-05-13", "145", "study", 123456789012345, 30]  # 15 digits
    card = ["ActivityHeld", "2010-05-14", "145", "study", 6222021234567891, 30]  # no exponent
    path = write_table(tmp_path / "long.xlsx", [header, long, kept, card])
    res = cli.run("import", path)
    assert res.code == 1, str(res)
    (said,) = res.messages(f"{path}[Sheet]", 2)
    assert "'title'" in said and "1.10101199003078e+17" in said and "Text" in said, said
    assert not res.messages(f"{path}[Sheet]", 3), str(res)
    (said,) = res.messages(f"{path}[Sheet]", 4)  # (a bank card's 16 digits, read as an int)
    assert "6.22202123456789e+15" in said, said
    assert cli.log("--type", "ActivityHeld") == []  # nothing written
    assert cli.run("import", write_table(tmp_path / "ok.xlsx", [header, kept])).code == 0
    assert [r["title"] for r in cli.log("--type", "ActivityHeld")] == ["123456789012345"]


def test_an_id_a_spreadsheet_turned_into_a_date_is_refused_not_stored_as_the_day(cli, tmp_path):
    """A commitment's id typed as 3-1 in a general cell is saved by Excel as the 1st
    of March of that year: it was imported as "2010-03-01", an id no one typed, which
    the unit's next workbook (3-1, typed as text) did not find. A date in a text
    field that is not an id stays its day."""
    cli.ok_import(prelude())
    header = ["type", "at", "commitment", "unit", "text", "due"]
    made = ["CommitmentMade", "2010-05-12", datetime(2010, 3, 1), "145", "争当先锋", "2010-12-31"]
    path = write_table(tmp_path / "made.xlsx", [header, made])
    res = cli.run("import", path)
    assert res.code == 1, str(res)
    (said,) = res.messages(f"{path}[Sheet]", 2)
    assert "'commitment'" in said and "2010-03-01" in said and "Text" in said, said
    assert cli.log("--type", "CommitmentMade") == []  # nothing written
    by = ["type", "at", "unit", "kind", "title", "by"]  # who recorded it: a time typed
    path = write_table(
        tmp_path / "by.xlsx",
        [by, ["ActivityHeld", "2010-05-12", "145", "study", "学", time(9, 30)]],
    )
    res = cli.run("import", path)
    (said,) = res.messages(f"{path}[Sheet]", 2)
    assert res.code == 1 and "'by'" in said and "a date or a time, 09:30:00" in said, said
    made[4] = date(2010, 6, 1)  # a text that is a day: kept as the day
    made[2] = "3-1"
    assert cli.run("import", write_table(tmp_path / "ok.xlsx", [header, made])).code == 0
    (record,) = cli.log("--type", "CommitmentMade")
    assert (record["commitment"], record["text"]) == ("3-1", "2010-06-01")


def test_trailing_blank_rows_and_leading_blank_rows_keep_row_numbers(cli, tmp_path):
    cli.ok_import(prelude())
    path = write_table(
        tmp_path / "gaps.xlsx",
        [
            [None, None],
            ["type", "at", "unit", "kind", "title"],
            ["ActivityHeld", date(2010, 5, 20), "145", "study", "学习"],
            ["# a comment row"],
            ["ActivityHeld", date(2010, 5, 20), "145", "study", None],
            *([[None, None, None]] * 30),
        ],
    )
    res = cli.run("import", path)
    assert res.code == 1
    assert res.messages(f"{path}[Sheet]", 5) == ["field 'title' is required"]
    assert len(res.err_lines) == 2


def _zip(path, *parts):
    with zipfile.ZipFile(path, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "what", "said"),
    [
        ("store.jsonl", "sqlite", "a SQLite database, not records to import: a cxzy store is "
         "named with --store"),
        ("store.sqlite3", "sqlite", "a SQLite database"),
        ("报告.pdf", "pdf", "a PDF document, not records to import"),
        ("报告.csv", "pdf", "a PDF document, not records to import"),
        ("报告.docx", "word", "a Word document, not records to import"),
        ("报告.xlsx", "word", "a Word document, not records to import"),
        ("records.zip", "archive", "a compressed archive, not records to import: unpack it"),
        ("旧表.xlsx", "ole", "an old Office file (.xls, .doc, .et), not records to import: save it"),
        ("表.xlsx", "ods", "an OpenDocument file (LibreOffice, WPS), not records to import"),
        ("photo.csv", "png", "an image, not records to import"),
        ("a.jsonl", "nul", "not UTF-8 text (it holds NUL bytes: a binary file, or UTF-16 without"),
        ("加密.xlsx", "encrypted", "a workbook locked with a password, not records to import: "
         "remove its password"),
    ],
)  # fmt: skip
def test_a_file_that_holds_no_records_is_said_what_it_is_in_one_line(
    cli, tmp_path, name, what, said
):
    """The store given to import by mistake was 1,088 lines of "not UTF-8"; a PDF 251;
    a Word document named .xlsx "(File contains no valid workbook part)", in English
    inside the Chinese message; a Word document "a workbook: name it .xlsx"."""
    path = tmp_path / name
    content = {
        "sqlite": lambda: _store_bytes(tmp_path),
        "pdf": lambda: b"%PDF-1.7\n" + b"\x00\xff" * 2000 + b"\n" * 300,
        "word": lambda: _zip(path, "[Content_Types].xml", "word/document.xml"),
        "archive": lambda: _zip(path, "records/a.jsonl"),
        "ole": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "ods": lambda: _zip(path, "mimetype", "content.xml"),
        "png": lambda: b"\x89PNG\r\n\x1a\n" + bytes(100),
        "nul": lambda: b'{"type": "ActivityHeld"}\n' + bytes(40) + b"\n",
        "encrypted": lambda: (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + bytes(1000)
            + "EncryptedPackage".encode("utf-16-le")
            + bytes(100)
        ),
    }[what]()
    path.write_bytes(content)
    res = cli.run("import", path)
    assert_one_line_error(res)
    assert res.err.startswith(f"{path}: "), res.err
    assert said in res.err, res.err
    res = cli.run("import", path, lang="zh")
    assert_one_line_error(res)
    assert "不是" in res.err and "this is" not in res.err, res.err
    assert not cli.store.exists() or cli.log_text() == ""


def test_a_workbook_whose_parts_are_named_otherwise_is_read_as_a_workbook(cli, tmp_path):
    """A workbook is a zip whose content types say so, whatever its parts are named
    (a program that writes `xl/book.xml`): it was said to be an archive to unpack."""
    cli.ok_import(prelude())
    rows = [["at", "unit", "kind", "title"], ["2010-05-20", "145", "study", "学习"]]
    made = write_sheets(tmp_path / "made.xlsx", {"ActivityHeld": rows})
    renamed = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(renamed, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            name = item.filename.replace("workbook.xml", "book.xml")  # (and its rels)
            if item.filename in ("[Content_Types].xml", "_rels/.rels"):
                data = data.replace(b"xl/workbook.xml", b"xl/book.xml")
            target.writestr(name, data)
    res = cli.run("import", renamed)
    assert res.code == 0 and "imported 1 record" in res.out, str(res)


def _store_bytes(tmp_path):
    store = tmp_path / "made.sqlite3"
    with closing(sqlite3.connect(store)) as db:
        db.execute("CREATE TABLE stored_events (state BLOB)")
    return store.read_bytes()


def test_old_excel_and_broken_workbooks_are_one_line(cli, tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    res = cli.run("import", old)
    assert_one_line_error(res)
    assert "save it as .xlsx" in res.err
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    res = cli.run("import", broken)
    assert_one_line_error(res)
    assert "not a readable .xlsx workbook (the workbook is cut short or damaged" in res.err
    assert not cli.store.exists() or cli.log_text() == ""
    # each said for what it is (all were "its content is not that of a workbook")
    said = {
        b"": "the file is empty (0 bytes)",
        "type,at,unit\nActivityHeld,2010-05-20,学习\n".encode("gbk"): "a CSV file named .xlsx?",
        b"<html><body><table><tr><td>at</td></tr></table>": "it is a web page (HTML or XML)",
        b'{"type": "ActivityHeld"}\n': "it is JSON Lines text, not a workbook: rename it .jsonl",
        b'# the office\'s notes\n\n{"type": "ActivityHeld"}\n': "rename it .jsonl",  # (as demo.jsonl)
        bytes(range(256)): "its content is not that of a workbook",
    }
    for n, (content, words) in enumerate(said.items()):
        named = tmp_path / f"named{n}.xlsx"
        named.write_bytes(content)
        res = cli.run("import", named)
        assert_one_line_error(res)
        assert words in res.err, (words, res.err)


def test_a_file_read_as_json_lines_for_its_name_says_so(cli, tmp_path):
    """notes.txt said "not valid JSON", unexplained: a file that is not .csv or .xlsx
    is read as JSON Lines, and its first line that is no JSON says so. An empty
    JSON Lines file was told it held "only a header", which JSON Lines has not."""
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting notes\nmore notes\n", encoding="utf-8")
    res = cli.run("import", notes)
    assert_refused(res, notes, 1, r"a \.txt file is read as JSON Lines .*\.csv, \.xlsx")
    (second,) = res.messages(notes, 2)
    assert "JSON Lines" not in second, second  # (said once)
    records = cli.write(prelude(), name="records.jsonl")
    records.write_text("nope\n" + records.read_text(encoding="utf-8"), encoding="utf-8")
    res = cli.run("import", records)
    (said,) = res.messages(records, 1)
    assert res.code == 1 and "JSON Lines" not in said, said  # named as one: no more said
    empty = tmp_path / "empty.jsonl"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    res = cli.run("import", empty)
    assert (
        res.code == 0
        and f"note: {empty} held no records (only comments or blank lines?)" in res.err
    )


def test_json_lines_keep_working_beside_spreadsheets(cli, tmp_path):
    first = cli.write(prelude(), name="first.jsonl")
    second = write_csv(tmp_path / "second.csv", [act("145", "study", "2010-05-20")])
    res = cli.run("import", first, second)
    assert res.code == 0, str(res)
    assert [r["type"] for r in cli.log()][-1] == "ActivityHeld"


def test_the_import_help_names_the_formats(cli):
    from cxzy.cli.main import build_parser

    assert "JSON Lines, CSV or XLSX" in build_parser("en").format_help()
    assert "JSON Lines、CSV 或 XLSX" in build_parser().format_help()


def test_a_workbook_of_several_sheets_is_checked_in_time_order(cli, tmp_path):
    """Sheets cannot say which record came first: a rectification criticised and
    then extended, on two sheets, is checked in the order of its times."""
    cli.ok_import(prelude())
    records = [
        {
            "type": "RectificationOpened",
            "at": "2011-01-05",
            "rectification": "R1",
            "unit": "145",
            "issue": "台帐不全",
            "deadline": "2011-03-31",
        },
        {
            "type": "RectificationEscalated",
            "at": "2011-04-10",
            "rectification": "R1",
            "action": "public_criticism",
        },
        {
            "type": "RectificationDeadlineExtended",
            "at": "2011-04-20",
            "rectification": "R1",
            "deadline": "2011-06-30",
            "reason": "返工",
        },
        {"type": "RectificationCompleted", "at": "2011-06-01", "rectification": "R1"},
        {
            "type": "RectificationVerified",
            "at": "2011-06-10",
            "rectification": "R1",
            "accepted": False,
        },
        {"type": "RectificationCompleted", "at": "2011-06-20", "rectification": "R1"},
        {
            "type": "RectificationVerified",
            "at": "2011-06-25",
            "rectification": "R1",
            "accepted": True,
        },
    ]
    path = write_xlsx_by_type(tmp_path / "r.xlsx", records)
    res = cli.run("import", path)
    assert res.code == 0, str(res)
    assert cli.unit("2011-07-01", "145")["rectifications"]["open"] == 0


def test_records_of_one_life_on_one_day_are_checked_in_the_order_a_life_allows(cli, tmp_path):
    """Dates without a time put several records of a life at the same moment: the
    sheets' own order (extension before escalation, verification before completion)
    would refuse what the same records in a JSON Lines file's order give."""
    cli.ok_import(prelude())
    opened = {
        "type": "RectificationOpened",
        "at": "2010-06-02",
        "rectification": "R1",
        "unit": "145",
        "issue": "台帐不全",
        "deadline": "2010-06-30",
    }
    same_day = [
        {
            "type": "RectificationDeadlineExtended",  # its sheet comes first
            "at": "2010-07-10",
            "rectification": "R1",
            "deadline": "2010-08-30",
            "reason": "返工",
        },
        {"type": "RectificationVerified", "at": "2010-07-10", "rectification": "R1"}
        | {"accepted": True},
        {"type": "RectificationCompleted", "at": "2010-07-10", "rectification": "R1"},
        {
            "type": "RectificationEscalated",
            "at": "2010-07-10",
            "rectification": "R1",
            "action": "public_criticism",
        },
    ]
    path = write_xlsx_by_type(tmp_path / "r.xlsx", [opened, *same_day])
    res = cli.run("import", path)
    assert res.code == 0, str(res)
    rectifications = cli.unit("2010-07-11", "145")["rectifications"]
    assert rectifications["escalated"] == 1 and rectifications["open"] == 0


def test_dry_run_of_a_spreadsheet_writes_nothing(cli, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", prelude())
    res = cli.run("import", "--dry-run", path)
    assert res.code == 0, str(res)
    assert not cli.store.exists()


def test_a_status_after_spreadsheet_import_is_the_same_json_shape(cli, tmp_path):
    path = write_csv(tmp_path / "p.csv", prelude())
    cli.run("import", path)
    document = cli.status("2010-06-01")
    assert json.dumps(document)  # plain JSON
    assert {u["unit"] for u in document["units"]} == {"JU", "145"}


def test_a_copy_of_a_spreadsheet_under_another_name_is_the_same_records(cli, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", prelude())
    copy = tmp_path / "b.xlsx"
    shutil.copy(path, copy)
    assert cli.run("import", path).code == 0
    res = cli.run("import", copy)
    assert res.code == 0
    assert "skipped 3" in res.out


def test_a_csv_files_records_are_read_as_they_are_checked_not_all_at_once(
    cli, tmp_path, monkeypatch
):
    """A CSV file of 300,000 rows held whole as records took 484 MB (its JSON Lines
    twin 175 MB): each batch is now written before the next is read from the file."""
    from cxzy.application import importer
    from cxzy.application.app import ImportTransaction
    from cxzy.formats import cells

    cli.ok_import(prelude())
    monkeypatch.setattr(importer, "BATCH", 3)
    made, at_append = 0, []
    coerce_row, append = cells.coerce_row, ImportTransaction.append

    def counted(*args, **kwargs):
        nonlocal made
        made += 1
        return coerce_row(*args, **kwargs)

    def watched(self, *args, **kwargs):
        at_append.append(made)
        return append(self, *args, **kwargs)

    monkeypatch.setattr(cells, "coerce_row", counted)
    monkeypatch.setattr(ImportTransaction, "append", watched)
    records = [act("145", "study", f"2010-05-{day}", title=f"第{day}次") for day in range(12, 22)]
    path = write_csv(tmp_path / "many.csv", records)
    res = cli.run("import", path)
    assert res.code == 0, str(res)
    assert at_append == [3, 6, 9, 10]  # (all ten made before the first batch, before)
    assert len(cli.log()) == len(prelude()) + 10


def test_a_workbook_without_formulas_is_read_once(cli, tmp_path, monkeypatch):
    """Its formulas were read in a second pass over every sheet, to find results
    never saved (decision 100): a third of a large workbook's import. A sheet
    typed by hand holds none; one that holds a formula is still read for it."""
    from cxzy.formats import xlsx_records

    cli.ok_import(prelude())
    passes: list[bool] = []
    opened = xlsx_records._open

    def counted(data, name, *, formulas=False):
        passes.append(formulas)
        return opened(data, name, formulas=formulas)

    monkeypatch.setattr(xlsx_records, "_open", counted)
    plain = write_xlsx(tmp_path / "plain.xlsx", [act("145", "study", "2010-05-20", title="学习")])
    assert cli.run("import", plain).code == 0
    assert passes == [False]
    passes.clear()
    rows = [
        ["type", "at", "unit", "kind", "title", "participants"],
        ["ActivityHeld", "2010-05-21", "145", "study", "学习", "=30+6"],
    ]
    res = cli.run("import", write_table(tmp_path / "formulas.xlsx", rows), lang="en")
    assert res.code == 1 and "formula" in res.err, str(res)
    assert passes == [False, True]


def test_a_dotted_column_that_names_no_field_is_refused_even_when_empty(cli, tmp_path):
    """`ratings.leadrship` or `note.x` with empty cells passed, where `extra` was
    refused at the header: a typo in a rating's column lost nothing then, but the
    next unit to fill it would be told on every row."""
    cli.ok_import(prelude())
    path = tmp_path / "reviews.csv"
    path.write_text(
        "type,at,unit,kind,ratings.leadrship,note.x,ratings.members\n"
        "ReviewRecorded,2010-12-01,145,mass_evaluation,,,\n",
        encoding="utf-8",
    )
    res = cli.run("import", path, lang="en")
    assert res.code == 1, str(res)
    said = res.messages(path, 1)
    assert len(said) == 1 and "'ratings.leadrship'" in said[0] and "'note.x' → note" in said[0]
    assert "ratings.members" not in said[0]
    path.write_text(
        "type,at,unit,kind,ratings.members,phases.1.start\n"
        "ReviewRecorded,2010-12-01,145,mass_evaluation,,\n",
        encoding="utf-8",
    )
    assert cli.run("import", path).code == 0


def test_excel_error_values_are_refused_not_taken_for_notes_or_text(cli, tmp_path):
    # a failed formula's #N/A in a row's first cell made the row a note (dropped,
    # exit 0); #REF! in a title was stored as the title
    cli.ok_import(prelude())
    rows = [
        ["at", "unit", "kind", "title", "#备注"],
        ["#N/A", "145", "study", "学习", None],
        ["2010-05-21", "145", "study", "#REF!", None],
        ["2010-05-22", "145", "study", "讨论", "#N/A"],  # (a note column: never read)
    ]
    path = write_sheets(tmp_path / "errors.xlsx", {"ActivityHeld": rows})
    res = cli.run("import", path)
    assert res.messages(f"{path}[ActivityHeld]", 2) == [
        "cell A holds Excel's error #N/A (its formula failed): correct the formula, or type "
        "the value"
    ], str(res)
    assert "cell D holds Excel's error #REF!" in res.messages(f"{path}[ActivityHeld]", 3)[0]
    assert res.messages(f"{path}[ActivityHeld]", 4) == [] and "2 bad records" in res.err
    saved = tmp_path / "ActivityHeld.csv"  # Excel saves the error's text in a CSV
    saved.write_text("at,unit,kind,title\n#N/A,145,study,学习\n", encoding="utf-8")
    res = cli.run("import", saved)
    assert res.code == 1 and "cell A holds Excel's error #N/A" in res.err, str(res)


def test_excel_habits_a_return_yes_and_no_and_a_full_width_note(cli, tmp_path):
    # a carriage return the file holds as _x000D_ went into the log as those letters;
    # the English template's yes/no were refused; a note begun with ＃ (a Chinese
    # input method's) was read as a record, and a sheet named so as records
    cli.ok_import(prelude())
    rows = [
        ["at", "commitment", "unit", "text", "due", "public"],
        ["＃ 填表说明:每行一条承诺"],
        ["2010-06-01", "C-1", "145", "第一条_x000D_\n第二条", "2010-12-31", "yes"],
        ["2010-06-02", "C-2", "145", "另一条", "2010-12-31", "No"],
    ]
    drafts = [["at", "unit"], ["草稿", "145"]]
    path = write_sheets(tmp_path / "habits.xlsx", {"CommitmentMade": rows, "＃我的草稿": drafts})
    res = cli.run("import", path)
    assert res.code == 0 and "imported 2" in res.out, str(res)
    made = {r["commitment"]: r for r in cli.log() if r["type"] == "CommitmentMade"}
    # (one line break, as any other; decision 305)
    assert made["C-1"]["text"] == "第一条\n第二条" and made["C-1"]["public"] is True
    assert made["C-2"]["public"] is False


def _as_shared_strings(path: Path) -> Path:
    """The workbook with its text cells held as Excel holds them: in the shared
    strings (openpyxl writes each in its cell), each as its cell held it."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    held: list[str] = []

    def shared(found: re.Match[str]) -> str:
        held.append(found[2])
        return f'<c r="{found[1]}" t="s"><v>{len(held) - 1}</v></c>'

    inline = re.compile(r'<c r="(\w+)" t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', re.S)
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = inline.sub(shared, parts[sheet].decode()).encode()
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in held)
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(held)}" uniqueCount="{len(held)}">{items}</sst>'
    ).encode()
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    types = parts["[Content_Types].xml"].decode()
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'
    parts["[Content_Types].xml"] = types.replace("</Types>", override).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rel = (
        '<Relationship Id="rIdShared" Target="sharedStrings.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", rel).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("shared", [True, False], ids=["shared strings", "in the cell"])
def test_text_typed_as_an_escape_is_read_as_typed(cli, tmp_path, shared):
    """Excel holds text typed as report_x0041_.doc as report_x005F_x0041_.doc (its
    "_" escaped): openpyxl takes "x005F_" out of shared strings, and the rest was
    read again as an escape, reportA.doc (decision 305). Escaped characters (a tab,
    a carriage return) are read as themselves, as before."""
    cli.ok_import(prelude())
    held_typed = {
        "report_x005F_x0041_.doc": "report_x0041_.doc",
        "_x005F_x005F_": "_x005F_",
        "甲_x0009_乙": "甲\t乙",
        "第一条_x000D_\n第二条": "第一条\n第二条",
        "x_x005F_y": "x_y",
    }
    rows = [["at", "unit", "kind", "title"]]
    rows += [[f"2010-06-{n:02d}", "145", "study", text] for n, text in enumerate(held_typed, 1)]
    path = write_sheets(tmp_path / "escapes.xlsx", {"ActivityHeld": rows})
    if shared:
        _as_shared_strings(path)
        with zipfile.ZipFile(path) as archive:
            assert "report_x005F_x0041_.doc" in archive.read("xl/sharedStrings.xml").decode()
    res = cli.run("import", path)
    assert res.code == 0 and "imported 5" in res.out, str(res)
    titles = [r["title"] for r in cli.log() if r["type"] == "ActivityHeld"]
    assert titles == list(held_typed.values())


def test_a_date_typed_as_a_number_in_a_sheet_is_told_the_date_it_spells(cli, tmp_path):
    # it was told "a date is text in quotes", which no cell of a sheet is
    cli.ok_import(prelude())
    rows = [["at", "unit", "kind", "title"], [20100520, "145", "study", "学习"]]
    path = write_sheets(tmp_path / "number.xlsx", {"ActivityHeld": rows})
    res = cli.run("import", path, lang="zh")
    assert res.messages(f"{path}[ActivityHeld]", 2) == [
        "字段 'at':20100520 是数字,不是日期:请写成日期 2010-05-20(JSON Lines 中要加引号)"
    ], str(res)


def test_a_phase_s_field_is_named_as_its_column(cli, tmp_path):
    # "missing required field 'phases[0].end'": the sheet has no such column, and
    # counts its phases from 1
    path = tmp_path / "plan.csv"
    path.write_text(
        "type,at,campaign,title,phases.1.key,phases.1.start,phases.1.end,phases.2.key,"
        "phases.2.start,phases.2.end\n"
        "CampaignPlanned,2010-05-01,c1,创先争优,mobilize,2010-05-01,2010-06-30,study,"
        "2010-07-01,\n",
        encoding="utf-8",
    )
    res = cli.run("import", path)
    assert res.messages(path, 2) == ["field 'phases.2.end' is required"], str(res)


@pytest.mark.parametrize(
    ("encoding", "ending"), [("utf-8", "\r"), ("utf-16", "\n"), ("utf-8", "\r\n")]
)
def test_a_csv_files_rows_are_counted_for_progress_as_read(tmp_path, encoding, ending):
    """The progress bar's total: a file with lines ended by CR alone counted 1, and
    UTF-16 text of 上 (a 0x0A byte) twice its lines."""
    from cxzy.formats.readers import read_file

    rows = ["type,at,unit,kind,title"] + [
        f"ActivityHeld,2010-05-12,145,study,上{n}" for n in range(200)
    ]
    path = tmp_path / "rows.csv"
    path.write_bytes(ending.join(rows).encode(encoding))
    _, _, count = read_file(path)
    assert 200 <= count <= 202, count


# -- how units' clerks fill workbooks in (a probe of stop 37: decision 234) --------


def _rezipped(path: Path, part: str, change: Callable[[str], str]) -> Path:
    """The workbook with one part's text changed."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    parts[part] = change(parts[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _results_saved(path: Path, results: dict[str, tuple[str, str]]) -> Path:
    """Formulas' results saved into the first sheet as Excel saves them (cell →
    (type, value): ``("str", "")`` for an empty text); openpyxl saves none."""

    def saved(text: str) -> str:
        for ref, (kind, value) in results.items():
            found = re.search(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v ?/>', text)
            assert found is not None, ref
            typed = "" if kind == "n" else f' t="{kind}"'
            cell = f'<c r="{ref}"{found[1]}{typed}><f>{found[2]}</f><v>{value}</v>'
            text = text[: found.start()] + cell + text[found.end() :]
        return text

    return _rezipped(path, "xl/worksheets/sheet1.xml", saved)


def test_a_formula_whose_saved_result_is_empty_text_is_an_empty_cell(cli, tmp_path):
    """=IF(D3="","",10) dragged below the records: Excel saves its empty result as
    empty text, which read as a result never saved, and saving again in Excel could
    not help. A formula in a notes column is not read at all."""
    cli.ok_import(prelude())
    rows = [
        ["type", "at", "unit", "kind", "title", "participants", "#序号"],
        ["ActivityHeld", "2010-05-20", "145", "study", "学习", '=IF(D2="","",10)', "=ROW()-1"],
        [None, None, None, None, None, '=IF(D3="","",10)', "=ROW()-1"],
    ]
    path = write_table(tmp_path / "dragged.xlsx", rows)
    res = cli.run("import", "--dry-run", path)  # never calculated: said, row by row
    assert res.code == 1 and "dragged.xlsx[Sheet]:3: cell F holds a formula" in res.err, str(res)
    assert "cell G" not in res.err  # (the notes column's formula is not looked at)
    _results_saved(path, {"F2": ("n", "10"), "F3": ("str", "")})
    res = cli.run("import", path)
    assert res.code == 0 and "imported 1 record" in res.out, str(res)
    assert [r["participants"] for r in cli.log() if r["type"] == "ActivityHeld"] == [10]


def test_notes_columns_first_and_rows_of_notes_only_are_not_records(cli, tmp_path):
    """A 序号 column first (#序号): its header was taken for a note, the first record
    for the header. A row filled only in notes columns, or a note under the table,
    was a record missing every field."""
    cli.ok_import(prelude())
    rows = [
        ["#序号", "at", "unit", "kind", "title"],
        [1, "2010-05-20", "145", "study", "学习一"],
        [2, "2010-05-21", "145", "study", "学习二"],
        [3],  # (numbered ahead)
        [None, None, None, None, None],
        ["#以上为五月记录"],
    ]
    res = cli.run("import", write_table(tmp_path / "numbered.xlsx", rows, sheet="ActivityHeld"))
    assert res.code == 0 and "imported 2 records" in res.out, str(res)
    csv_path = tmp_path / "numbered.csv"
    csv_path.write_text(
        "#序号,type,at,unit,kind,title\n1,ActivityHeld,2010-05-22,145,study,学习三\n2\n",
        encoding="utf-8",
    )
    res = cli.run("import", csv_path)
    assert res.code == 0 and "imported 1 record" in res.out, str(res)
    noted = tmp_path / "noted.csv"  # (a note above the header that names columns is a note)
    noted.write_text(
        "# columns: type,at,unit,kind,title\ntype,at,unit,kind,title\n"
        "ActivityHeld,2010-05-23,145,study,学习四\n",
        encoding="utf-8",
    )
    res = cli.run("import", noted)
    assert res.code == 0 and "imported 1 record" in res.out, str(res)


def test_a_row_beginning_with_hash_that_fills_fields_is_refused_not_dropped(cli, tmp_path):
    """A title "#喜迎十八大# 主题学习" in a unit's first column made its row a note:
    dropped without a word, or the only record, "held no records". Which it is (a
    record, or one made a note) only the unit knows: refused, saying so."""
    cli.ok_import(prelude())
    rows = [
        ["title", "at", "unit", "kind"],
        ["#喜迎十八大# 主题学习", "2010-05-20", "145", "study"],
        ["#一条备注"],
        ["党课", "2010-05-21", "145", "study"],
    ]
    path = write_table(tmp_path / "tags.xlsx", rows, sheet="ActivityHeld")
    res = cli.run("import", path)
    assert_refused(res, f"{path}[ActivityHeld]", 2, r"first cell \(title\) begins with '#'")
    assert "fills at, unit and kind" in res.err and ":3:" not in res.err, str(res)
    assert not cli.store.exists() or "党课" not in cli.log_text()
    res = cli.run("import", path, lang="zh")
    assert "本行第一个单元格(title)以“#”开头" in res.err, str(res)


def test_a_title_row_above_the_header_is_said_as_such(cli, tmp_path):
    """A form's title in row 1 (一三三队创先争优活动登记表) was read as the header:
    "holds no records … if the sheet is your own, begin its name with #", advice
    that would have kept its records out."""
    cli.ok_import(prelude())
    rows = [
        ["一四五队创先争优活动登记表"],
        ["at", "unit", "kind", "title"],
        ["2010-05-20", "145", "study", "学习"],
    ]
    path = write_table(tmp_path / "form.xlsx", rows, sheet="ActivityHeld")
    res = cli.run("import", path)
    assert_refused(res, f"{path}[ActivityHeld]", 1, r"first row holds a title \('一四五队创先争优")
    assert "field names on row 2: delete the title row" in res.err
    untyped = [["一四五队活动登记表"], ["at", "unit", "kind", "title"], ["2010-05-20", "145"]]
    path = write_table(tmp_path / "untyped.xlsx", untyped)  # (a sheet not named after a type)
    res = cli.run("import", path)
    assert_refused(res, f"{path}[Sheet]", 1, r"first row holds a title \('一四五队活动登记表'\)")
    alone = [["一四五队创先争优活动登记表"]]  # (nothing under it: as before)
    res = cli.run("import", write_table(tmp_path / "alone.xlsx", alone, sheet="ActivityHeld"))
    assert res.code == 1 and "title row" not in res.err, str(res)


def test_a_strict_open_xml_workbook_and_one_its_reader_trips_on_are_one_line(cli, tmp_path):
    """Strict Open XML (one of Excel's "Save as" types) read as a workbook without
    sheets: "held no records", exit 0, and a warning of openpyxl's on the screen.
    An empty chart sheet made openpyxl fail: "internal error"."""
    records = [*prelude(), act("145", "study", "2010-05-20", title="学习")]
    path = write_xlsx(tmp_path / "strict.xlsx", records)
    transitional = (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    )
    strict = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
    _rezipped(path, "_rels/.rels", lambda text: text.replace(transitional, strict))
    res = cli.run("import", path)
    assert_one_line_error(res)
    assert 'strict.xlsx: a workbook saved as "Strict Open XML"' in res.err, str(res)
    book = Workbook()
    book.create_chartsheet("Chart")
    book.save(tmp_path / "chart.xlsx")
    res = cli.run("import", tmp_path / "chart.xlsx")
    assert_one_line_error(res)
    assert "chart.xlsx: not a readable .xlsx workbook (the reader failed on a part" in res.err
    assert "internal error" not in res.err
    assert not cli.store.exists() or cli.log_text() == ""


def test_excel_text_formulas_in_a_csv_are_their_text(cli, tmp_path):
    """="007" is how a program keeps a code's zeros or a date as typed when Excel
    opens its CSV (Excel shows 007): it read as a unit '="149"' never registered."""
    cli.ok_import(prelude())
    path = tmp_path / "texts.csv"
    path.write_text(
        "type,at,unit,kind,title,participants\n"
        'ActivityHeld,="2010-05-20",="145",study,1+1=2,="12"\n',
        encoding="utf-8",
    )
    res = cli.run("import", path)
    assert res.code == 0, str(res)
    held = [r for r in cli.log() if r["type"] == "ActivityHeld"]
    assert [(h["at"][:10], h["unit"], h["participants"]) for h in held] == [
        ("2010-05-20", "145", 12)
    ]
    assert held[0]["title"] == "1+1=2"  # (text with "=" in it is text)


def test_encoding_given_for_a_file_that_is_plainly_utf8_is_refused_not_garbled(cli, tmp_path):
    """--encoding gbk given for an import of several CSV files read a unit's UTF-8
    file as GBK: 党员大会 stored as 鍏氬憳澶т細, exit 0."""
    records = [*prelude(), act("145", "study", "2010-05-20", title="党员大会")]
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(csv_text(records), encoding="utf-8")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(csv_text(records).encode("gbk"))
    res = cli.run("import", "--encoding", "gbk", gbk, utf8)
    assert res.code == 1, str(res)
    assert "utf8.csv:3: the file is UTF-8 ('局机关" in res.err, str(res)  # (its first unit)
    assert "import it without --encoding" in res.err
    res = cli.run("import", "--encoding", "gbk", gbk, utf8, lang="zh")  # FILE:LINE: as in English
    assert "utf8.csv:3: 该文件是 UTF-8 编码" in res.err, str(res)
    bom = tmp_path / "bom.csv"
    bom.write_text(csv_text(prelude()), encoding="utf-8-sig")
    res = cli.run("import", "--encoding", "gbk", bom)
    assert res.code == 1 and "bom.csv:1: the file is UTF-8" in res.err, str(res)
    assert not cli.store.exists() or cli.log_text() == ""
    assert cli.run("import", gbk, utf8).code == 0  # (each read in its own)
    assert "党员大会" in cli.log_text()


def test_dates_typed_with_spaces_hao_or_a_day_of_the_week(cli, tmp_path):
    """2012 年 11 月 11 日, 11号, 星期日 and (周日) after the day are as people type
    them; a day of the week that is not the day's is refused (which was meant?)."""
    cli.ok_import(prelude())
    typed = ["2010 年 5 月 20 日", "2010年5月21号", "2010年5月23日 星期日", "2010-05-24(周一) 9:30"]
    rows = [["at", "unit", "kind", "title"]]
    rows += [[day, "145", "study", f"学习{n}"] for n, day in enumerate(typed)]
    res = cli.run("import", write_table(tmp_path / "days.xlsx", rows, sheet="ActivityHeld"))
    assert res.code == 0, str(res)
    held = [r["at"] for r in cli.log() if r["type"] == "ActivityHeld"]
    assert held == [
        "2010-05-20T00:00:00+08:00",
        "2010-05-21T00:00:00+08:00",
        "2010-05-23T00:00:00+08:00",
        "2010-05-24T09:30:00+08:00",
    ]
    wrong = [["at", "unit", "kind", "title"], ["2010年5月25日 星期一", "145", "study", "学"]]
    path = write_table(tmp_path / "wrong.xlsx", wrong, sheet="ActivityHeld")
    res = cli.run("import", path)
    assert_refused(res, f"{path}[ActivityHeld]", 2, r"field 'at': .*2010-05-25 is a Tuesday, not")
    res = cli.run("import", path, lang="zh")
    assert "字段 'at':'2010年5月25日 星期一':2010-05-25 是星期二,与所写的星期不符" in res.err


def test_a_day_no_calendar_has_spelled_as_people_write_it_is_said_as_such(cli, tmp_path):
    """2010/6/31 and 2010年2月30日 were "not a date or a date and time (e.g.
    2011-03-01…)", as if their form were wrong; 2010-06-31 was said precisely."""
    cli.ok_import(prelude())
    typed = ["2010/6/31", "2010年2月30日", "2010/13/1 9:30", "2010-05-20"]
    rows = [["at", "unit", "kind", "title"]]
    rows += [[day, "145", "study", f"学习{n}"] for n, day in enumerate(typed)]
    path = write_table(tmp_path / "days.xlsx", rows, sheet="ActivityHeld")
    res = cli.run("import", path)
    where = f"{path}[ActivityHeld]"
    assert_refused(res, where, 2, r"field 'at': there is no day '2010/6/31': 2010-06 has 30 days")
    assert_refused(res, where, 3, r"there is no day '2010年2月30日': 2010-02 has 28 days")
    assert_refused(res, where, 4, r"'2010/13/1' names month 13, and there is none")
    assert not res.messages(where, 5), str(res)
    csv_path = tmp_path / "ActivityHeld.csv"
    csv_path.write_text("at,unit,kind,title\n2011/2/29,145,study,学\n", encoding="utf-8")
    res = cli.run("import", csv_path, lang="zh")
    assert_refused(res, str(csv_path), 2, r"没有 '2011/2/29' 这一天:2011-02 只有 28 天")


def test_a_verification_in_the_logs_words_and_a_yes_or_no_message(cli, tmp_path):
    """通过 / 不通过, as the log and the dashboard say a verification went, were "not
    true or false"; the message now names what a spreadsheet may hold."""
    cli.ok_import(prelude())
    header = ["type", "at", "rectification", "unit", "issue", "deadline", "note"]
    header += ["accepted", "verifier"]

    def step(type_: str, day: str, **cells: str) -> list[str | None]:
        return [
            type_,
            day,
            "R1",
            *(cells.get(name) for name in header[3:]),
        ]

    rows = [
        header,
        step("RectificationOpened", "2010-05-20", unit="145", issue="问题", deadline="2010-12-31"),
        step("RectificationCompleted", "2010-05-21", note="完成"),
        step(
            "RectificationVerified", "2010-05-22", note="复查", accepted="不通过", verifier="刘继东"
        ),
        step("RectificationCompleted", "2010-05-23", note="再次完成"),
        step(
            "RectificationVerified", "2010-05-24", note="复查", accepted="通过", verifier="刘继东"
        ),
    ]
    res = cli.run("import", write_table(tmp_path / "words.xlsx", rows))
    assert res.code == 0, str(res)
    verified = [r["accepted"] for r in cli.log() if r["type"] == "RectificationVerified"]
    assert verified == [False, True]
    maybe = [header, step("RectificationVerified", "2010-05-25", accepted="也许", verifier="刘")]
    res = cli.run("import", write_table(tmp_path / "maybe.xlsx", maybe))
    assert "'也许' is not true or false (in a spreadsheet: 是/否, yes/no" in res.err, str(res)


def test_openpyxls_warnings_about_a_file_are_not_shown(cli, tmp_path):
    """A date cell holding a number past any date made openpyxl warn, a Python
    warning and its source line on the screen, beside the one line of its problem."""
    cli.ok_import(prelude())
    book = Workbook()
    sheet = book.active
    sheet.title = "ActivityHeld"
    sheet.append(["at", "unit", "kind", "title"])
    sheet.append([99999999, "145", "study", "学"])
    sheet["A2"].number_format = "yyyy-mm-dd"
    book.save(tmp_path / "far.xlsx")
    argv = ["--lang", "en", "--store", str(cli.store), "import", str(tmp_path / "far.xlsx")]
    proc = subprocess.run(  # (pytest keeps warnings to itself: the command as run)
        [sys.executable, "-m", "cxzy", *argv],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )
    assert proc.returncode == 1 and "far.xlsx[ActivityHeld]:2:" in proc.stderr, proc.stderr
    assert "Warning" not in proc.stderr and len(proc.stderr.splitlines()) == 2, proc.stderr


def test_a_message_quoting_a_cell_typed_on_two_lines_is_one_line(cli, tmp_path):
    """Scripts read one reason per line: a value with a line break in it (Alt+Enter
    in Excel) is shown with ⏎."""
    cli.ok_import(prelude())
    rows = [
        ["at", "unit", "kind", "title", "participants"],
        ["2010-05-20", "145", "study", "学", "3\n0"],
    ]
    res = cli.run("import", write_table(tmp_path / "nl.xlsx", rows, sheet="ActivityHeld"))
    assert res.code == 1 and len(res.err_lines) == 2, str(res)
    assert "'3⏎0' is not a whole number" in res.err


def test_the_store_given_as_its_own_file_to_import_is_refused_before_it_is_opened(
    cli, store, tmp_path, monkeypatch
):
    """`cxzy --store S import S` (or a link to it): reading the store as a file to
    import opened and closed it under the import's own connection, and closing any
    descriptor of the file drops the process's locks on it (decision 301). Said as
    any store given to import is, before the store is opened."""
    from cxzy.cli import writing

    link = tmp_path / "records.jsonl"
    link.symlink_to(store)
    opened: list[object] = []
    monkeypatch.setattr(writing, "open_app", lambda *a, **k: opened.append(a))
    for given in (store, link):
        res = cli.run("import", given, store=store)
        assert_one_line_error(res)
        assert res.err.startswith(f"{given}: this is a SQLite database, not records"), res.err
    assert opened == []

"""``cxzy export ledger``: the special ledger (专项台帐) for a known small history,
read back cell by cell; text from events never runs as a formula."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from conftest import EVENTS
from contract_helpers import act, assert_one_line_error, commit, prelude, rect
from cxzy.formats.ledger_tables import Cell, Table
from cxzy.formats.ledger_xlsx import write_tables_xlsx
from spreadsheet_helpers import AS_OF, INJECTIONS, history


@pytest.fixture
def book(cli, tmp_path):
    cli.ok_import(history())
    path = tmp_path / "ledger.xlsx"
    res = cli.run("export", "ledger", "--as-of", AS_OF, "--output", path, lang="zh")
    assert res.code == 0, str(res)
    assert "日志位置" in res.out
    return load_workbook(path)


def rows(sheet) -> list[tuple]:
    return [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]


def day(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_sheets_in_order_with_frozen_filtered_headers(book):
    assert book.sheetnames == [
        "封面",
        "单位汇总",
        "阶段清单",
        "承诺",
        "承诺兑现率",
        "整改台帐",
        "评议",
        "活动",
        "表彰",
    ]
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        last = sheet.max_row - (1 if name == "承诺兑现率" else 0)  # (its total row: below)
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{last}"
        assert sheet["A1"].font.b
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(w and w >= 6 for w in widths), name


def test_the_cover_is_stamped_with_what_the_figures_rest_on(book, cli):
    audit = cli.status(AS_OF, "--audit")["log"]
    cover = {
        row[0]: row[1] for row in book["封面"].iter_rows(min_row=3, values_only=True) if row[0]
    }
    assert cover["截至日期"] == day(AS_OF)
    assert cover["日志位置"] == audit["position"]
    assert cover["链头哈希"] == audit["head"]
    assert cover["活动代码"] == "c1"
    assert book["封面"]["A1"].value == "T 专项台帐"
    # the generation time in the campaign's zone, as every other time (was UTC)
    assert cover["生成时间"].endswith("+08:00"), cover["生成时间"]


def test_the_covers_checkpoint_proves_the_log_after_more_records(book, cli):
    """The cover said: run cxzy verify and compare its head, which the next import
    changed; its checkpoint line goes to ``verify --against`` whatever came after."""
    cover = {
        row[0]: row[1] for row in book["封面"].iter_rows(min_row=3, values_only=True) if row[0]
    }
    checkpoint = cover["检查点"]
    assert checkpoint.startswith(f"cxzy-checkpoint:{cover['日志位置']}:{cover['链头哈希']}:")
    # the line `cxzy checkpoint` prints (the moment the import committed, not its
    # records' own, before it): its moment, as known at, gives back these figures
    said = cli.run("checkpoint")
    assert said.code == 0 and said.out.strip() == checkpoint, (said.out, checkpoint)
    moment = checkpoint.split(":", 3)[3]
    assert (
        cli.status(AS_OF, "--audit", "--known-at", moment)["log"]["position"] == (cover["日志位置"])
    )
    cli.ok_import([act("145", "study", "2012-11-06", title="后来的记录")])
    res = cli.run("verify", "--against", checkpoint)
    assert res.code == 0, str(res)


def test_a_ledger_of_a_moment_before_any_record_has_no_checkpoint_to_check(cli, tmp_path):
    """Known at a moment before the first record, the log is empty: the cover says
    there is no checkpoint, and no longer tells how to check one."""
    cli.ok_import(history())
    path = tmp_path / "early.xlsx"
    res = cli.run("export", "ledger", "--known-at", "2000-01-01T00:00", "--output", path, lang="en")
    assert res.code == 0, str(res)
    cover = {
        row[0]: row[1]
        for row in load_workbook(path)["Cover"].iter_rows(min_row=3, values_only=True)
        if row[0]
    }
    assert cover["checkpoint"] == "none (the log held no record then)"
    assert not any(str(key).startswith("check:") for key in cover)


def test_commitments_kept_late_broken_renegotiated(book):
    assert rows(book["承诺"]) == [
        ("K4", "JU", "局机关", INJECTIONS["K4"], "是", None, day("2010-05-23"), day("2011-12-31"),
         None, day("2011-12-31"), None, "未到期", "否", None),
        ("K1", "145", "一四五队", "完成勘查项目", "是", None, day("2010-05-20"), day("2010-12-31"),
         "2010-12-20 → 2011-03-31 (冬季)", day("2011-03-31"), day("2011-03-01"), "按期兑现", "是", "完成"),
        ("K2", "145", "一四五队", "办实事", "是", "张三", day("2010-05-21"), day("2010-10-31"),
         None, day("2010-10-31"), day("2010-11-15"), "逾期兑现", "否", None),
        ("K3", "145", "一四五队", "建活动室", "否", None, day("2010-05-22"), day("2011-01-31"),
         None, day("2011-01-31"), None, "逾期未兑现", "否", "选址"),
    ]  # fmt: skip
    fills = {
        row[0].value: row[11].fill.start_color.rgb for row in book["承诺"].iter_rows(min_row=2)
    }
    assert fills["K3"].endswith("FFC7CE")  # broken: red
    assert fills["K1"].endswith("C6EFCE")  # kept: green


def test_promise_keeping_rate_per_unit(book):
    sheet = book["承诺兑现率"]
    assert rows(sheet) == [
        ("JU", "局机关", 1, 0, 0, 0, 1, 0, None, None),
        ("145", "一四五队", 3, 1, 1, 1, 0, 1, 2 / 3, 1 / 3),
        ("合计", None, 4, 1, 1, 1, 1, 1, 2 / 3, 1 / 3),
    ]
    assert sheet["I3"].number_format == "0.0%"  # (rounded once, where it is shown)


def test_a_rate_is_rounded_once_as_the_report_rounds_it(cli, demo_store, tmp_path):
    """15 of 19 kept on time is 78.9 %: the ledger rounded it to four places, then
    to one (79.0 %), where the report and the rule say 78.9 % (the demo's 合计 on
    2011-12-15)."""
    folder = tmp_path / "ledger"
    args = ("export", "ledger", "--as-of", "2011-12-15", "--format", "csv", "--output", folder)
    assert cli.run(*args, store=demo_store).code == 0
    with (folder / "keeping.csv").open(encoding="utf-8-sig", newline="") as handle:
        total = list(csv.reader(handle))[-1]
    assert total[2:] == ["30", "15", "3", "1", "11", "1", "94.7%", "78.9%"]


def test_the_total_row_stays_out_of_the_filter_and_is_bold(book):
    """Sorting the promise-keeping sheet by its rate moved 合计 among the units."""
    sheet = book["承诺兑现率"]
    assert sheet.auto_filter.ref == "A1:J3"  # the header and the two units
    assert sheet["A4"].value == "合计"
    assert all(cell.font.b for cell in sheet[4])
    assert not any(cell.font.b for cell in sheet[3])


def test_rectifications_ledger(book):
    assert rows(book["整改台帐"]) == [
        ("R3", "JU", "局机关", "制度不全", None, None, "否", day("2011-03-01"), day("2011-09-30"),
         None, day("2011-09-30"), None, None, day("2011-06-28"), None, None, None, "待验收", None),
        ("R1", "145", "一四五队", "台帐不全", "Rv1", "王五", "是", day("2011-02-05"), day("2011-04-30"),
         "2011-04-20 → 2011-05-31 (设备)", day("2011-05-31"), day("2011-06-05"), None,
         day("2011-06-20"), "2011-06-15 不通过 (李四: 返工); 2011-06-25 通过 (李四)", "李四",
         day("2011-06-25"), "已销号", None),
        ("R2", "145", "一四五队", INJECTIONS["R2"], None, None, "否", day("2011-03-01"),
         day("2011-06-30"), None, day("2011-06-30"), None, None, None, None, None, None,
         "逾期未销号", "推进中"),
    ]  # fmt: skip


def test_the_legacy_source_is_in_words_and_free_text_as_it_is(cli, tmp_path):
    cli.ok_import(
        [
            *prelude(),
            rect("R8", "JU", "2010-05-20", "2010-12-31", source="legacy"),
            rect("R9", "JU", "2010-05-21", "2010-12-31", source="群众来信"),
        ]
    )
    for lang, words in (
        ("zh", "学习实践活动遗留问题"),
        ("en", "left over from the earlier campaign"),
    ):
        path = tmp_path / f"ledger-{lang}.xlsx"
        assert cli.run("export", "ledger", "--output", path, lang=lang).code == 0
        sheet = load_workbook(path).worksheets[5]  # rectifications
        assert [row[4] for row in rows(sheet)] == [words, "群众来信"], lang


def test_reviews_activities_awards(book):
    assert rows(book["评议"]) == [
        (day("2011-02-01"), "JU", "局机关", "督促检查", "巡回检查", None, None, None, None, None,
         None, None, "批评", INJECTIONS["inspection"], None),
        (day("2010-12-01"), "145", "一四五队", "群众评议", None, "群众", "中间", 4, 3, None, None,
         None, None, None, "Rv1"),
    ]  # fmt: skip
    activities = rows(book["活动"])
    assert activities == [
        (day("2010-05-15"), "JU", "局机关", "组织学习", INJECTIONS["study"], None, None, "刘宏"),
        (day("2010-05-12"), "145", "一四五队", "党员大会动员部署", INJECTIONS["mobilization"], 40,
         None, activities[1][7]),
    ]  # fmt: skip
    assert rows(book["表彰"]) == [
        (day("2011-06-28"), "145", "一四五队", "先进基层党组织", "省级", None)
    ]


def test_units_and_checklist_agree_with_status(book, cli):
    status = {u["unit"]: u for u in cli.status(AS_OF)["units"]}
    units = {row[0]: row for row in rows(book["单位汇总"])}
    assert set(units) == {"JU", "145"}
    u145 = units["145"]
    assert u145[:5] == ("145", "一四五队", "队", "JU", "中间")
    c, r = status["145"]["commitments"], status["145"]["rectifications"]
    assert u145[9:] == (
        c["total"],
        c["fulfilled"],
        c["overdue"],
        r["total"],
        r["open"],
        r["overdue"],
        r["supervised_open"],
        r["escalated"],
        status["145"]["awards"],
    )
    assert status["145"]["phases"]["mobilize"]["status"] == "overdue"
    checklist = rows(book["阶段清单"])
    expected_items = sum(len(p["items"]) for u in status.values() for p in u["phases"].values())
    assert len(checklist) == expected_items
    mobilization = next(r for r in checklist if r[0] == "145" and r[4] == "党员大会动员部署")
    assert mobilization == (
        "145",
        "一四五队",
        "发动",
        "已逾期",  # no implementation plan, no study by the end of the phase
        "党员大会动员部署",
        day("2010-05-31"),
        "完成",
        day("2010-05-12"),
        INJECTIONS["mobilization"],
    )
    closed = next(r for r in checklist if r[0] == "145" and r[4] == "整改全部销号")
    assert closed[6] == "待完成" and closed[8] == "已销号 1/2"


@pytest.mark.parametrize(("lang", "words"), [("zh", "已兑现 2/3"), ("en", "2 of 3 fulfilled")])
def test_the_checklist_says_commitments_are_fulfilled_not_closed(cli, tmp_path, lang, words):
    """As the dashboard's unit screen says it: a commitment is fulfilled (兑现), a
    rectification closed (销号)."""
    cli.ok_import(history())
    path = tmp_path / "ledger.xlsx"
    assert cli.run("export", "ledger", "--as-of", AS_OF, "-o", path, lang=lang).code == 0
    checklist = rows(load_workbook(path).worksheets[2])
    item = "承诺全部兑现" if lang == "zh" else "All commitments fulfilled"
    (fulfilled,) = [r for r in checklist if r[0] == "145" and r[4] == item]
    assert fulfilled[8] == words


def test_text_from_events_is_never_a_formula(book):
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in INJECTIONS.values():
                    found[cell.value] = cell
    assert set(found) == set(INJECTIONS.values())
    for text, cell in found.items():
        assert cell.data_type == "s", text
        assert cell.quotePrefix, text


def test_csv_ledger_into_a_folder(cli, tmp_path):
    cli.ok_import(history())
    folder = tmp_path / "ledger"
    res = cli.run("export", "ledger", "--as-of", AS_OF, "--format", "csv", "--output", folder)
    assert res.code == 0, str(res)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        f"{k}.csv"
        for k in (
            "cover",
            "units",
            "checklist",
            "commitments",
            "keeping",
            "rectifications",
            "reviews",
            "activities",
            "awards",
        )
    )
    raw = (folder / "keeping.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Chinese right
    with (folder / "keeping.csv").open(encoding="utf-8-sig", newline="") as handle:
        keeping = list(csv.reader(handle))
    assert keeping[0][:3] == ["unit", "unit name", "commitments"]
    assert keeping[2] == ["145", "一四五队", "3", "1", "1", "1", "0", "1", "66.7%", "33.3%"]
    with (folder / "commitments.csv").open(encoding="utf-8-sig", newline="") as handle:
        texts = [row[3] for row in csv.reader(handle)]
    assert "'" + INJECTIONS["K4"] in texts


def test_english_sheet_names(cli, tmp_path):
    cli.ok_import(history())
    path = tmp_path / "en.xlsx"
    assert cli.run("export", "ledger", "--as-of", AS_OF, "--output", path).code == 0
    book = load_workbook(path)
    assert book.sheetnames[:4] == ["Cover", "Units", "Checklist", "Commitments"]
    assert book["Commitments"]["L2"].value == "not yet due"


def test_mistakes_are_one_line(cli, tmp_path):
    res = cli.run("export", "ledger", "--output", tmp_path / "x.xlsx")
    assert_one_line_error(res)  # no store yet
    cli.ok_import(prelude())
    res = cli.run("export", "ledger", "--output", tmp_path / "ledger.txt")
    assert_one_line_error(res)
    assert ".xlsx" in res.err
    res = cli.run("export", "ledger", "--output", tmp_path / "missing" / "dir" / "x.xlsx")
    assert_one_line_error(res)
    assert "cannot write" in res.err
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    res = cli.run("export", "ledger", "--format", "csv", "--output", afile)
    assert_one_line_error(res)
    res = cli.run("export", "ledger", "--as-of", "2011-02-30", "--output", tmp_path / "y.xlsx")
    assert_one_line_error(res)
    assert cli.run("export", "ledger", "--output", tmp_path / "z.xlsx").code == 0
    assert not list(tmp_path.rglob("*.part"))  # a workbook appears whole, or not at all


def test_known_at_limits_the_ledger(cli, tmp_path):
    cli.ok_import(prelude())
    moment = datetime.now(UTC).isoformat()  # (after its commit: decision 164)
    cli.ok_import([commit("K9", "145", "2010-05-20", "2010-12-31")])
    path = tmp_path / "then.xlsx"
    res = cli.run("export", "ledger", "--as-of", AS_OF, "--known-at", moment, "--output", path)
    assert res.code == 0, str(res)
    book = load_workbook(path)
    assert rows(book["Commitments"]) == []
    cover = {r[0]: r[1] for r in book["Cover"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert cover["log position"] == 3


@pytest.fixture(scope="module")
def demo_in_two_parts(tmp_path_factory):
    """The demo's first 300 records imported on 2012-01-01, the rest on 2013-01-01."""
    from freezegun import freeze_time

    from cxzy.application.app import open_app
    from cxzy.application.importer import Importer
    from cxzy.application.store import StoreLocation
    from cxzy.formats.readers import read_records

    folder = tmp_path_factory.mktemp("parts")
    lines = (EVENTS / "demo.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    first = folder / "first.jsonl"
    first.write_text("".join(lines[:300]), encoding="utf-8")
    path = folder / "demo.sqlite3"
    for moment, part in (("2012-01-01", first), ("2013-01-01", EVENTS / "demo.jsonl")):
        with freeze_time(moment):
            app = open_app(StoreLocation("sqlite", str(path)), create=True)
            assert Importer(app).run(read_records(part)).ok
            app.close()
    return path


@pytest.mark.parametrize(
    "as_of, known_at",
    [
        ("2010-09-01", None),
        ("2011-05-18", None),
        ("2011-07-01", None),
        ("2012-12-31", None),
        ("2012-12-31", "2012-06-01T12:00:00+08:00"),  # the first part only
    ],
)
def test_the_unit_screen_says_what_the_ledger_says_of_each_life(demo_in_two_parts, as_of, known_at):
    """Each commitment's result and rectification's state on a unit's screen is the
    ledger's, for the same day and moment (one rule for both: cxzy.domain.outcomes)."""
    from datetime import date, datetime

    from cxzy.application.app import open_app
    from cxzy.application.dashboard import DashboardQuery
    from cxzy.application.ledger import LedgerQuery
    from cxzy.application.store import StoreLocation

    app = open_app(StoreLocation("sqlite", str(demo_in_two_parts)), read_only=True)
    try:
        moment = datetime.fromisoformat(known_at) if known_at else None
        ledger = LedgerQuery(app).ledger(date.fromisoformat(as_of), moment)
        expected = {c.commitment: (c.result, c.due) for c in ledger.commitments}
        expected |= {r.rectification: (r.state, r.deadline) for r in ledger.rectifications}
        shown = {}
        for unit in ledger.report.units:
            detail = DashboardQuery(app).unit_detail(ledger.report, unit.unit)
            for life in detail.commitments + detail.rectifications:
                shown[life["code"]] = (life["standing"].outcome, life["standing"].deadline)
        assert shown == expected and len({outcome for outcome, _ in shown.values()}) > 1
    finally:
        app.close()


@pytest.mark.parametrize("as_of", ["2010-06-15", "2011-03-01", "2012-11-07"])
def test_the_checklist_names_the_dashboards_evidence(demo_store, as_of):
    from datetime import date

    from cxzy.application.app import open_app
    from cxzy.application.dashboard import DashboardQuery
    from cxzy.application.ledger import LedgerQuery
    from cxzy.application.store import StoreLocation

    app = open_app(StoreLocation("sqlite", str(demo_store)), read_only=True)
    try:
        ledger = LedgerQuery(app).ledger(date.fromisoformat(as_of))
        rows = {(r.unit, r.item): r for r in ledger.checklist}
        dashboard = DashboardQuery(app)
        expected = 0
        for unit in ledger.report.units:
            for item in dashboard.unit_detail(ledger.report, unit.unit).items:
                row = rows[(unit.unit, item.item)]
                expected += 1
                assert (row.phase, row.state, row.closed, row.total) == (
                    item.phase,
                    item.state,
                    item.closed,
                    item.total,
                )
                if item.evidence is not None:
                    assert (row.done_on, row.evidence) == (item.evidence.day, item.evidence.summary)
                elif item.total is None:
                    assert row.done_on is None
        assert len(rows) == expected == len(ledger.checklist)
    finally:
        app.close()


def test_the_ledger_imported_by_mistake_is_refused_in_one_line(cli, tmp_path):
    cli.ok_import(history())
    before = cli.log()
    path = tmp_path / "ledger.xlsx"
    assert cli.run("export", "ledger", "--output", path).code == 0
    res = cli.run("import", path)
    assert_one_line_error(res)
    assert "ledger exported by cxzy" in res.err, str(res)
    assert cli.log() == before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_papers_cxzy_writes_imported_by_mistake_are_said_in_one_line(cli, tmp_path, lang):
    """The CSV ledger's sheets were each told their header was "words instead of
    the fields' names" (inviting the clerk to mend a ledger), a report (HTML or
    Markdown) was a line of "not valid JSON" per line, and so was a page saved from
    a browser."""
    cli.ok_import(history())
    before = cli.log()
    folder = tmp_path / "台帐"
    assert cli.run("export", "ledger", "--format", "csv", "--output", folder).code == 0
    said = {
        "en": ("a sheet of a ledger exported by cxzy (CSV)", "a report cxzy wrote", "a web page"),
        "zh": ("cxzy 导出的台帐(CSV)中的一张表", "cxzy 生成的总结报告", "网页(HTML)"),
    }[lang]
    for sheet in sorted(folder.glob("*.csv")):
        res = cli.run("import", sheet, lang=lang)
        assert_one_line_error(res)
        assert said[0] in res.err, str(res)
    for name in ("报告.html", "报告.md"):
        assert cli.run("report", "--output", tmp_path / name).code == 0
        res = cli.run("import", tmp_path / name, lang=lang)
        assert_one_line_error(res)
        assert said[1] in res.err, str(res)
    page = tmp_path / "saved.jsonl"
    page.write_bytes(b"\xef\xbb\xbf\n <!DOCTYPE html>\n<html><body>records</body></html>\n")
    res = cli.run("import", page, lang=lang)
    assert_one_line_error(res)
    assert said[2] in res.err, str(res)
    assert cli.log() == before
    # a CSV of the user's own beside a ledger's cover is read as records (refused here
    # for its content, not as a ledger's sheet)
    own = folder / "mine.csv"
    own.write_text("type,at,unit,kind,title\nActivityHeld,2010-06-09,145,study,学习\n")
    res = cli.run("import", own, lang="en")
    assert "ledger exported by cxzy" not in res.err, str(res)


def test_every_kind_of_value_reads_back_as_written(tmp_path):
    """The workbook writer hands openpyxl plain values where it can (its fast path)
    and cells where a value needs more: both read back the same. Text that Excel
    would take for an error code or a formula stays text; characters a workbook
    cannot hold are replaced, not lost with the row."""
    values = [
        "普通文字",
        "#N/A",
        "#DIV/0!",
        "=1+1",
        "a\x01b",
        7,
        True,
        None,
        Cell("完成", "done"),
        Cell("无色", "no-such-state"),
        Cell("=2+2"),
    ]
    path = tmp_path / "values.xlsx"
    write_tables_xlsx(
        [Table("values", "值", [f"c{n}" for n in range(len(values))], [values])], path
    )
    (row,) = load_workbook(path)["值"].iter_rows(min_row=2)
    assert [c.value for c in row] == [
        "普通文字", "#N/A", "#DIV/0!", "=1+1", "a^Ab", 7, True, None, "完成", "无色", "=2+2",
    ]  # fmt: skip
    texts = [c for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in texts)
    assert [c.quotePrefix for c in texts] == [False, False, False, True, False, False, False, True]
    assert row[8].fill.fgColor.rgb.endswith("C6EFCE")
    assert row[9].fill.fgColor.rgb == "00000000"

"""`cxzy log`: filters, and `--format jsonl` written back in the import format (FORMAT.md)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from rich.cells import cell_len
from rich.console import Console

from contract_helpers import (
    SHANGHAI,
    Cli,
    act,
    assert_one_line_error,
    ev,
    full_history,
    local_day,
    prelude,
    run_module,
    subprocess_env,
    unit,
)
from cxzy.application import history
from cxzy.application.app import open_app
from cxzy.application.history import LogEntry, LogFilter, LogQuery
from cxzy.application.store import StoreLocation
from cxzy.cli import render
from cxzy.cli.render import log_tables
from cxzy.i18n import t

DATES = (
    "2010-05-10",
    "2010-05-31",
    "2010-07-01",
    "2011-03-01",
    "2011-07-01",
    "2012-07-01",
    "2012-11-08",
)
LIFECYCLE_TYPES = {
    "CommitmentProgressed",
    "CommitmentDueChanged",
    "CommitmentFulfilled",
    "RectificationProgressed",
    "RectificationDeadlineExtended",
    "RectificationCompleted",
    "RectificationVerified",
    "RectificationEscalated",
}


@pytest.fixture
def full(cli):
    cli.ok_import(full_history())
    return cli


def _instant(at: str) -> datetime:
    if len(at) == 10:
        return datetime.fromisoformat(at).replace(tzinfo=SHANGHAI)
    moment = datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def test_jsonl_log_holds_every_record_in_order_with_id_and_recorded(full):
    source = full_history()
    log = full.log()
    assert len(log) == len(source)
    recorded = []
    for src, out in zip(source, log, strict=True):
        assert out["type"] == src["type"]
        assert isinstance(out["id"], str) and out["id"]
        if "id" in src:
            assert out["id"] == src["id"]
        recorded.append(datetime.fromisoformat(out["recorded"]))
        assert _instant(out["at"]) == _instant(src["at"]), (src, out)
        for key, value in src.items():
            if key not in ("at", "id"):
                assert out.get(key) == value, (key, src, out)
    assert recorded == sorted(recorded), "recorded times must not go backwards along the log"


@pytest.mark.parametrize("filters", [(), ("--unit", "145"), ("--type", "ActivityHeld")])
def test_jsonl_is_written_a_page_at_a_time_with_the_same_records(full, monkeypatch, filters):
    from cxzy.application import history

    whole = full.log_text(*filters)
    monkeypatch.setattr(history, "RECORDS_PAGE", 3)  # many pages, some with nothing kept
    assert full.log_text(*filters) == whole


def test_jsonl_stops_at_the_head_the_log_had_when_it_began(full):
    from cxzy.application.app import open_app
    from cxzy.application.history import LogFilter, LogQuery
    from cxzy.application.store import StoreLocation

    app = open_app(StoreLocation("sqlite", str(full.store)))
    before = len(full.log())
    written = LogQuery(app).records(LogFilter())
    first = next(written)  # begun: the head is read
    full.ok_import(
        [
            {
                "type": "ActivityHeld",
                "at": "2012-11-08",
                "unit": "145",
                "kind": "summary",
                "title": "after the export began",
            }
        ]
    )
    assert len(full.log()) == before + 1
    assert 1 + len(list(written)) == before and first["type"] == "CampaignPlanned"


def test_log_filter_by_type(full):
    log = full.log()
    want = [r["id"] for r in log if r["type"] == "ActivityHeld"]
    assert len(want) == 8
    assert [r["id"] for r in full.log("--type", "ActivityHeld")] == want


def test_a_unit_typed_in_bytes_not_utf8_is_no_unit_not_an_internal_error(full):
    # a GBK terminal's 综 reaches the command line as bytes Python keeps as
    # surrogates: "internal error (UnicodeEncodeError …)"
    gbk = "综".encode("gbk").decode("utf-8", "surrogateescape")
    env = subprocess_env()
    command = ("--lang", "en", "--store", str(full.store), "log", "--unit", gbk)
    res = run_module(*command, env=env, cwd=full.tmp)
    assert res.returncode == 1 and "is not registered" in res.stderr, res.stderr
    assert "internal error" not in res.stderr


def test_the_chinese_log_table_names_types_in_words_and_type_takes_them(full):
    """The zh table showed `Rectification…` for every rectification's record at 80
    columns, and `--type 作出承诺` was an invalid choice, where the dashboard's log
    shows and takes the words."""
    want = [r["id"] for r in full.log() if r["type"] == "ActivityHeld"]
    for given in ("开展活动", "activityheld", "ActivityHeld"):
        assert [r["id"] for r in full.log("--type", given)] == want, given
    table = full.run("log", "--type", "整改验收", lang="zh")
    assert table.code == 0 and "整改验收" in table.out and "Rectification" not in table.out
    res = full.run("log", "--type", "整改完了", lang="zh")
    assert res.code == 2 and "没有 '整改完了' 这种记录" in res.err and "作出承诺" in res.err
    assert "RectificationVerified" in full.run("log", "--type", "整改验收", lang="en").out
    # a type that is none is a usage error whatever the store holds, none at all too
    missing = full.tmp / "none.db"
    res = full.run("log", "--type", "Bogus", store=missing)
    assert res.code == 2 and "no record type 'Bogus'" in res.err, str(res)
    assert not missing.exists()


def test_log_filter_by_unit(full):
    log = full.log()
    by_id = {r["id"]: r for r in log}
    got = full.log("--unit", "145")
    got_ids = [r["id"] for r in got]
    must = [r["id"] for r in log if r.get("unit") == "145"]
    assert len(must) >= 10
    assert set(must) <= set(got_ids)
    assert got_ids == [i for i in (r["id"] for r in log) if i in set(got_ids)], "log order kept"
    own = {("commitment", "K1"), ("rectification", "R1")}
    for r in got:
        assert by_id[r["id"]]["type"] not in ("CampaignPlanned", "LeaderAssigned"), r
        if "unit" in r:
            assert r["unit"] == "145", r
        else:
            assert r["type"] in LIFECYCLE_TYPES, r
            assert {(k, r.get(k)) for k in ("commitment", "rectification")} & own, r


@pytest.mark.parametrize("typed", ["äq", "ÄQ", "Äq", "ＡＢ", "ab"])
def test_log_unit_takes_a_code_in_any_case_and_width_beyond_ascii(cli, typed):
    """SQLite's LOWER folds ASCII alone: `--unit äq` said ÄQ was never registered,
    where the registry (and PostgreSQL) take it as the same code."""
    cli.ok_import(
        [
            *prelude(),
            unit("ÄQ", "2010-05-12", "Ä队", parent="JU"),
            unit("AB", "2010-05-12", "AB队", parent="JU"),
            act("ÄQ", "study", "2010-06-02"),
            act("AB", "study", "2010-06-03"),
        ]
    )
    code = "ÄQ" if "ä" in typed.casefold() else "AB"
    got = cli.log("--unit", typed)
    assert got and all(r["unit"] == code for r in got if "unit" in r), got


@pytest.mark.parametrize("fmt", ["jsonl", "table"])
def test_log_of_a_unit_never_registered_is_refused_not_empty(full, fmt):
    res = full.run("log", "--unit", "147", "--format", fmt)  # 145 and 146 are registered
    assert_one_line_error(res)
    assert "147" in res.err and "not registered" in res.err, str(res)
    assert res.out == ""


def test_the_log_table_shows_coded_summaries_in_words(full):
    res = full.run("log", "--type", "CommendationAwarded", lang="zh")
    assert res.code == 0, str(res)
    assert "先进典型" in res.out and "model" not in res.out, res.out
    res = full.run("log", "--type", "LeaderAssigned", lang="zh")
    assert "组长" in res.out and "leader" not in res.out, res.out
    # in English an award's level is said as a level, not as the code (province)
    rows = _summaries(full.run("log", "--type", "CommendationAwarded", lang="en").out)
    assert rows == ["advancedorganisation·provincial", "赵六·rolemodel·bureaulevel"], rows


def test_a_since_after_the_until_is_refused_as_the_slip_it_is(full):
    """`--since 2012-11-01 --until 2010-01-01` printed "(no matching records)", exit 0."""
    for fmt in ("table", "jsonl"):
        res = full.run("log", "--since", "2012-11-01", "--until", "2010-01-01", "--format", fmt)
        assert res.code == 1 and res.out == "", str(res)
        assert res.err.strip() == (
            "--since 2012-11-01 is after --until 2010-01-01: no record could match"
            " (the two swapped?)"
        ), str(res)
    assert full.run("log", "--since", "2010-05-10", "--until", "2010-05-10").code == 0


def test_a_log_with_no_matching_record_says_so_under_its_headers(full):
    """The sentence sat in the type column's cell, every other column collapsed to
    its header's width: "pos ┃ at ┃ type ┃ …" over "│ │ (no matching records) │"."""
    for lang in ("en", "zh"):
        res = full.run("log", "--since", "2030-01-01", lang=lang)
        assert res.code == 0, str(res)
        lines = res.out.rstrip("\n").splitlines()
        assert lines[-1] == t("log_empty", lang), res.out
        assert "│" not in res.out and t("log_header_type", lang) in lines[0], res.out


def _summaries(out: str) -> list[str]:
    """The log table's summaries, a wrapped one joined, without spaces."""
    rows: list[str] = []
    for line in out.splitlines():
        cells = line.split("│")
        if len(cells) > 4:
            if cells[0].strip():
                rows.append("")
            rows[-1] += "".join(cells[4].split())
    return rows


def test_the_log_table_shows_what_a_review_found_and_whether_a_verification_passed(full):
    """A verification's verdict and a review's grade are codes, not the note: a
    verification or a review without a note showed nothing of what it decided; a
    due date moved showed its reason, not the new date."""
    res = full.run("log", "--type", "RectificationVerified", lang="zh")
    assert res.code == 0, str(res)
    # (after the verifier, the person it names: decision 238)
    assert _summaries(res.out) == ["李四·R1·不通过", "李四·R1·通过"], res.out
    res = full.run("log", "--type", "ReviewRecorded", lang="en")
    assert res.code == 0, str(res)
    rows = _summaries(res.out)
    assert rows[0].startswith("群众·massevaluation·middle"), res.out  # (its reviewer first)
    # in words an auditor reads, not the codes (commend, criticize)
    assert "leadercommentary·advanced·commended" in rows, res.out
    assert any(r.startswith("inspection·touringinspection·criticised") for r in rows), res.out
    # a new due date or deadline is what such a record says: with its reason
    res = full.run("log", "--type", "CommitmentDueChanged", lang="zh")
    assert _summaries(res.out) == ["K1·兑现期限2011-03-31·冬季"], res.out
    res = full.run("log", "--type", "RectificationDeadlineExtended", lang="en")
    assert _summaries(res.out) == ["R1·newdeadline2011-05-31·设备"], res.out


def test_the_log_table_names_the_checklist_item_an_activity_counts_for(full):
    """An activity showed its title alone: which item of the checklist it met (its
    kind) was in the JSON only. The template's name for it comes first."""
    zh = _summaries(full.run("log", "--type", "ActivityHeld", lang="zh").out)
    en = _summaries(full.run("log", "--type", "ActivityHeld", lang="en").out)
    assert any(s.startswith("组织学习·") for s in zh), zh
    assert any(s.startswith("Study·") for s in en), en
    assert len([s for s in zh if s.startswith("组织学习·")]) == len(
        [r for r in full.log("--type", "ActivityHeld") if r["kind"] == "study"]
    )


def test_a_long_text_is_cut_in_the_log_table_and_whole_in_jsonl(full):
    """A pasted report of 20,000 characters ran to hundreds of lines of the table."""
    long_title = "长" * 20_000
    full.ok_import([act("145", "self_chosen", "2010-09-10", title=long_title)])
    res = full.run(
        "log", "--type", "ActivityHeld", "--since", "2010-09-10", "--until", "2010-09-10"
    )
    assert res.code == 0, str(res)
    (summary,) = [s for s in _summaries(res.out) if "长" in s]
    shown = "Self-chosen activity · "  # the activity's kind, then its title: 500 characters in all
    assert summary == shown.replace(" ", "") + "长" * (499 - len(shown)) + "…", len(summary)
    res = full.run("log", "--type", "ActivityHeld", "--format", "jsonl")
    assert long_title in {json.loads(line)["title"] for line in res.out.splitlines()}


def test_the_log_table_names_the_person_a_record_is_about(full):
    res = full.run("log", "--type", "LeaderAssigned", lang="zh")
    assert res.code == 0, str(res)
    assert "刘继东 · 组长" in res.out and "伍宏芝 · 办公室主任" in res.out, res.out
    # and a review's reviewer, a rectification's owner, a verification's verifier
    for type_, shown in (
        ("ReviewRecorded", "群众 · 群众评议"),
        ("RectificationOpened", "王五 · R1"),
        ("RectificationVerified", "李四 · R1"),
    ):
        res = full.run("log", "--type", type_, lang="zh")
        assert res.code == 0 and shown in res.out, (type_, res.out)


def test_log_filter_by_unit_and_type(full):
    want = [r["id"] for r in full.log() if r["type"] == "ActivityHeld" and r.get("unit") == "145"]
    assert len(want) == 5
    assert [r["id"] for r in full.log("--unit", "145", "--type", "ActivityHeld")] == want


@pytest.mark.parametrize(
    ("since", "until"),
    [("2010-06-15", "2011-01-31"), ("2011-01-31", None), (None, "2010-06-15")],
)
def test_log_filter_by_day(full, since, until):
    log = full.log()
    lo = date.fromisoformat(since) if since else date.min
    hi = date.fromisoformat(until) if until else date.max
    want = [r["id"] for r in log if lo <= local_day(r["at"]) <= hi]
    assert 0 < len(want) < len(log)
    args = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    assert [r["id"] for r in full.log(*args)] == want


def test_log_day_filters_include_both_ends_and_use_the_campaign_zone(full):
    by_id = {r["id"]: r for r in full.log()}
    june_30 = full.log("--since", "2010-06-30", "--until", "2010-06-30")
    assert [(r["type"], r["unit"]) for r in june_30] == [("ActivityHeld", "JU")]
    assert by_id[june_30[0]["id"]]["kind"] == "party_spirit_analysis"
    july_1 = full.log("--since", "2010-07-01", "--until", "2010-07-01")
    assert [(r["type"], r["unit"], r["kind"]) for r in july_1] == [
        ("ActivityHeld", "145", "party_spirit_analysis")
    ]


def test_log_table_format_lists_every_record_under_a_chinese_header(full):
    res = full.run("log", "--format", "table", lang=None)  # (the default: Chinese)
    assert res.code == 0, str(res)
    lines = res.out.splitlines()
    assert "位置" in lines[0] and "内容" in lines[0]
    rows = [line for line in lines if line.split("│")[0].strip().isdigit()]
    assert [int(row.split("│")[0]) for row in rows] == list(range(1, len(full.log()) + 1))


def test_a_log_of_many_pages_prints_as_one_table_with_every_record_once(full, monkeypatch):
    monkeypatch.setattr(history, "RECORDS_PAGE", 7)  # the log is read a page at a time…
    monkeypatch.setattr(render, "TABLE_ROWS", 3)  # …and drawn a few rows at a time
    res = full.run("log", "--format", "table", lang="en")
    assert res.code == 0, str(res)
    lines = res.out.splitlines()
    assert sum("summary" in line for line in lines) == 1  # one header
    rows = [line for line in lines if line.split("│")[0].strip().isdigit()]
    assert [int(row.split("│")[0]) for row in rows] == list(range(1, len(full.log()) + 1))
    # every page's columns where the first page put them
    bars = {tuple(cell_len(row[:i]) for i, c in enumerate(row) if c == "│") for row in rows}
    assert len(bars) == 1, bars


@pytest.mark.parametrize("fmt", ["table", "jsonl"])
def test_a_log_stopped_with_ctrl_c_after_its_first_rows_says_only_that_it_stopped(
    full, monkeypatch, fmt
):
    """Stopped half way (Ctrl-C), `cxzy log` said "interrupted; nothing was written"
    under the rows it had printed, as if they were lost: it writes nothing."""
    monkeypatch.setattr(history, "RECORDS_PAGE", 7)
    monkeypatch.setattr(render, "TABLE_ROWS", 3)
    pages = history.LogQuery._page  # (the next page, read while rows are out)
    read = []

    def page_then_stopped(self, *args, **kwargs):
        read.append(1)
        if len(read) == 3:
            raise KeyboardInterrupt
        return pages(self, *args, **kwargs)

    monkeypatch.setattr(history.LogQuery, "_page", page_then_stopped)
    res = full.run("log", "--format", fmt, lang="en")
    assert res.code == 130, str(res)
    assert res.out.strip(), "rows were printed before the stop"
    assert res.err.strip() == "interrupted", res.err


def test_the_log_table_gives_the_summary_room_and_leaves_columns_out_on_a_narrow_line(full):
    wide = full.run("log", "--type", "LeaderAssigned", lang="en").out.splitlines()
    assert wide[0].split() == [
        "pos", "┃", "at", "┃", "type", "┃", "unit", "┃", "summary", "┃", "by", "┃",
        "recorded", "┃", "late", "┃", "origin",
    ]  # fmt: skip
    assert any("刘继东 · leader" in line for line in wide)
    app = open_app(StoreLocation("sqlite", str(full.store)), read_only=True)
    try:
        pages = LogQuery(app).pages(LogFilter(type="LeaderAssigned"))
        console = Console(file=io.StringIO(), width=80)
        for table in log_tables(pages, SHANGHAI, "en", console.width):
            console.print(table)
    finally:
        app.close()
    narrow = console.file.getvalue().splitlines()
    header = narrow[0].split()
    assert header[:9] == ["pos", "┃", "at", "┃", "type", "┃", "unit", "┃", "summary"]
    assert "origin" not in header and "recorded" not in header  # left out first
    assert all(cell_len(line) <= 80 for line in narrow)
    assert any("刘继东 · leader" in line for line in narrow)
    # and said, under the table (they were left out unsaid)
    said = " ".join(line.strip() for line in narrow[-2:])  # (wrapped at 80)
    assert said == (
        "(columns not shown at this width: origin, recorded, late; a wider terminal shows them)"
    ), narrow[-2:]
    assert not any("not shown" in line for line in wide)


def test_jsonl_round_trip_into_an_empty_store_gives_the_same_status(full, capsys, tmp_path):
    exported = full.write([full.log_text().rstrip("\n")], name="exported.jsonl")
    copy = Cli(capsys, tmp_path, store_name="copy.db")
    res = copy.run("import", exported)
    assert res.code == 0, str(res)
    for as_of in DATES:
        assert copy.status(as_of) == full.status(as_of), as_of

    def strip(records):
        return [{k: v for k, v in r.items() if k != "recorded"} for r in records]

    assert strip(copy.log()) == strip(full.log())


def test_jsonl_output_reimported_into_the_same_store_is_all_skipped(full):
    text = full.log_text()
    exported = full.write([text.rstrip("\n")], name="exported.jsonl")
    res = full.run("import", exported)
    assert res.code == 0, str(res)
    assert full.log_text() == text


def test_control_characters_from_the_files_never_reach_the_terminal(cli):
    """Titles, names and ids come from the units' spreadsheets: an escape sequence in
    one is written out (``^[``), in the log, the status table and an import's refusal
    alike; ``--format jsonl`` keeps it, escaped by JSON. A name or a code may not hold
    one (refused, the refusal showing it written out); a title may."""

    title = "a\x1b[31mred\x9b2J"
    cli.ok_import([*prelude(), act("145", "study", "2010-05-20", title=title, id="esc-1")])
    for args in (("log",), ("status", "--as-of", "2010-05-21")):
        res = cli.run(*args)
        assert res.code == 0, str(res)
        assert "\x1b" not in res.out and "\x07" not in res.out and "\x9b" not in res.out
    assert "a^[[31mred<U+009B>2J" in cli.run("log").out
    assert cli.log()[-1]["title"] == title  # the record itself is kept as written
    _, res = cli.imp([ev("UnitUpdated", "2010-05-21", unit="145", name="\x1b]0;pwned\x07x")])
    assert res.code == 1 and "\x1b" not in res.err and "^[]0;pwned^Gx" in res.err, str(res)
    _, res = cli.imp([act("\x1b[2J145", "study", "2010-05-21", title="t")])
    assert res.code == 1 and "\x1b" not in res.err and "^[[2J145" in res.err, str(res)


def test_a_text_on_several_lines_is_one_line_of_the_log_table(cli):
    """A title pasted with its line breaks printed a line of the table per line (a
    summary of line breaks, hundreds): each is shown ⏎, the record kept as written."""
    title = "第一行\n第二行\r\n" + "\n" * 600 + "末行"
    cli.ok_import([*prelude(), act("145", "study", "2010-05-20", title=title, id="nl-1")])
    out = cli.run("log", "--unit", "145").out
    (row,) = [line for line in out.splitlines() if "第一行" in line]
    assert "第一行⏎第二行⏎⏎" in row and "末行" not in out, out  # (cut at 500 characters)
    assert len(out.splitlines()) < 60, out  # (the 500 wrapped in their column; 600 before)
    assert cli.log()[-1]["title"] == title.replace("\r\n", "\n")  # (decision 305)


def test_positions_past_the_first_pages_digits_are_shown_whole():
    """The columns are laid out on the first page: past 9,999 records the positions
    were cut to ``100…``, the one column an auditor cites."""
    moment = datetime(2011, 8, 23, 9, 0, tzinfo=SHANGHAI)

    def entry(pos: int) -> LogEntry:
        return LogEntry(pos, moment, "ActivityHeld", "U1", "活动", "root", moment, None, None)

    console = Console(file=io.StringIO(), width=120)
    for table in log_tables(
        [[entry(9_998), entry(9_999)], [entry(10_000)]], SHANGHAI, "en", 120, 10_000
    ):
        console.print(table)
    rows = [line.split("│")[0].strip() for line in console.file.getvalue().splitlines()[2:]]
    assert rows == ["9998", "9999", "10000"]


def test_the_unit_filter_takes_a_code_in_any_case(full):
    """As the dashboard's ``unit:`` and ``:`` do; an unknown code is still refused."""
    upper = full.run("log", "--unit", "145", "--format", "jsonl").out
    res = full.run("log", "--unit", "ju", "--format", "jsonl")
    assert res.code == 0 and res.out == full.run("log", "--unit", "JU", "--format", "jsonl").out
    assert res.out and upper
    assert full.run("log", "--unit", "nosuch").code == 1
    wide = full.run("log", "--unit", "ｊｕ", "--format", "jsonl")  # (as an import reads it)
    assert wide.code == 0 and wide.out == res.out, str(wide)


def test_the_unit_filter_takes_a_units_name(full):
    """As the dashboard's ``:`` does (it said a registered 一四五队 was not registered)."""
    by_code = full.run("log", "--unit", "145", "--format", "jsonl")
    by_name = full.run("log", "--unit", "一四五队", "--format", "jsonl")
    assert by_name.code == 0 and by_name.out == by_code.out and by_code.out, str(by_name)
    assert full.run("log", "--unit", "一四五").code == 1  # a part of a name is not one
    # (it printed the whole log; then "unit '' is not registered"): a usage error, as --type
    assert full.run("log", "--unit", "").code == 2


def test_a_name_several_units_bore_asks_for_a_code(full):
    full.ok_import([unit("X1", "2012-10-20", "一四五队", kind="institute", parent="JU")])
    res = full.run("log", "--unit", "一四五队")
    assert res.code == 1, str(res)
    assert "several units bore the name '一四五队' (145, X1): give a unit's code" in res.err


def test_a_store_without_a_campaign_is_said_so_in_either_format(cli):
    # the table said why (exit 1), JSON Lines printed nothing, exit 0. (An import of
    # no records makes no store: decision 232. One made empty by the application.)
    open_app(StoreLocation("sqlite", str(cli.store)), create=True).close()
    assert cli.store.exists()
    for extra in ((), ("--format", "jsonl")):
        res = cli.run("log", *extra)
        assert res.code == 1 and "no campaign" in res.err and not res.out, (extra, str(res))

"""Importing is idempotent; ids conflict; --dry-run writes nothing (FORMAT.md, decisions 4-6)."""

from __future__ import annotations

import re

import pytest

from contract_helpers import (
    act,
    assert_no_traceback,
    assert_refused,
    commit,
    ev,
    prelude,
    rect,
)


def _numbers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\d+", text)}


def test_importing_the_same_file_twice_writes_once(cli):
    records = [
        *prelude(),
        act("145", "mobilization", "2010-05-12"),
        act("145", "study", "2010-05-13", id="S-1"),
        commit("K1", "145", "2010-05-20", "2010-12-31"),
        ev("CommitmentFulfilled", "2010-07-01", commitment="K1"),
    ]  # 7 records
    path = cli.write(records)
    first = cli.run("import", path)
    assert first.code == 0, str(first)
    assert 7 in _numbers(first.out), f"summary should mention 7 written: {first.out!r}"
    log_after_first = cli.log_text()
    assert len(log_after_first.splitlines()) == 7

    second = cli.run("import", path)
    assert second.code == 0, str(second)
    assert_no_traceback(second)
    assert 7 in _numbers(second.out), f"summary should mention 7 skipped: {second.out!r}"
    assert "skip" in second.out.lower(), second.out
    assert cli.log_text() == log_after_first


def test_a_file_named_twice_in_one_import_is_read_once_and_said(cli):
    """`import a.jsonl a.jsonl` said "imported 7" and nothing else, where `import
    a.jsonl ./a.jsonl` said the repeats: the same slip, said alike now."""
    path = cli.write([*prelude(), act("145", "study", "2010-05-13")])
    res = cli.run("import", path, path)
    assert res.code == 0 and "imported 4 records, skipped 0" in res.out, str(res)
    said = f"note: {path} was given more than once: its records were read once"
    assert res.err.splitlines()[0] == said, str(res)  # (then: a new store was made)
    res = cli.run("import", path)  # (once: no note)
    assert res.code == 0 and res.err == "", str(res)


def test_summary_counts_written_and_skipped_separately(cli):
    cli.ok_import(prelude())
    res = cli.ok_import(
        [
            *prelude(),  # 3 already present
            act("145", "study", "2010-05-13"),
            act("145", "mobilization", "2010-05-14"),
            act("JU", "study", "2010-05-13"),
            act("JU", "mobilization", "2010-05-14"),
            act("JU", "implementation_plan", "2010-05-15"),  # 5 new
        ]
    )
    assert {3, 5} <= _numbers(res.out), res.out
    assert len(cli.log()) == 8


def test_a_record_without_id_twice_in_one_file_is_recorded_once_and_said(cli, monkeypatch):
    """Recorded once, as FORMAT.md asks; it was also counted as "already present",
    though the store held neither: two meetings of one day and title were taken
    for one without a word. Now the first repeat is named, also across batches,
    and the repeats are not counted as already present (a new store said "skipped
    51 already present")."""
    from cxzy.application import importer

    record = act("145", "study", "2010-05-13")
    other = act("145", "study", "2010-05-14")
    path, res = cli.imp([*prelude(), record, other, record, other])
    assert len(cli.log()) == 5
    assert res.out.startswith("imported 5 records, skipped 0 already present"), res.out
    assert res.err.splitlines()[-1] == (
        f"note: 2 records of this import repeated an earlier one exactly, taken once "
        f"({path}:6 repeats {path}:4); if they are two things, give them another time or title"
    ), res.err
    monkeypatch.setattr(importer, "BATCH", 2)  # the first in one batch, its repeat in another
    _, res = cli.imp([record, act("145", "study", "2010-05-15"), act("145", "study", "2010-05-15")])
    assert res.code == 0 and "imported 1 record, skipped 1 already" in res.out, str(res)
    assert "note: 1 record of this import repeated" in res.err, res.err
    _, res = cli.imp([record])  # present in the store: no repeat to say
    assert res.code == 0 and res.err == "", res.err
    # twice, present in the store: both present, in one batch as across two (a
    # repeat in one batch was said as one, across two it was not)
    for batch in (2, 1):
        monkeypatch.setattr(importer, "BATCH", batch)
        _, res = cli.imp([record, record])
        assert res.out.startswith("imported 0 records, skipped 2 already present"), res.out
        assert res.err == "", res.err


def test_a_record_without_id_in_two_imports_is_recorded_once(cli):
    record = act("145", "study", "2010-05-13")
    cli.ok_import([*prelude(), record])
    res = cli.ok_import([record, act("145", "mobilization", "2010-05-14")])
    assert res.code == 0
    log = cli.log()
    assert len(log) == 5
    assert [r["type"] for r in log].count("ActivityHeld") == 2


def test_derived_ids_ignore_by_and_the_spelling_of_the_same_instant(cli):
    cli.ok_import(prelude())
    variants = [
        {**act("145", "study", "2010-05-13"), "by": "刘宏"},
        {**act("145", "study", "2010-05-13T00:00:00+08:00"), "by": "import.py"},
        act("145", "study", "2010-05-12T16:00:00Z"),
        act("145", "study", "2010-05-13T00:00:00"),
        commit("K1", "145", "2010-05-20", "2010-12-31"),
        commit("K1", "145", "2010-05-20", "2010-12-31", public=True),
        rect("R1", "145", "2011-01-10", "2011-03-01"),
        rect("R1", "145", "2011-01-10", "2011-03-01", supervised=False),
        # a script's empty ratings, and a sheet's review without ratings columns
        ev("ReviewRecorded", "2010-06-02", unit="145", kind="mass_evaluation", ratings={}),
        ev("ReviewRecorded", "2010-06-02", unit="145", kind="mass_evaluation"),
    ]
    cli.ok_import(variants)
    log = cli.log()
    assert len(log) == 3 + 4, [r["type"] for r in log]
    ids = [r["id"] for r in log[3:]]
    assert all(re.fullmatch(r"auto-[0-9a-f]{24}", i) for i in ids), ids
    assert len(set(ids)) == 4
    assert "ratings" not in log[-1], log[-1]


@pytest.mark.parametrize("with_id", [True, False])
def test_a_review_with_empty_ratings_a_store_holds_from_before_is_still_present(
    cli, monkeypatch, with_id
):
    # Before decision 216 an empty ratings object was kept as {} (its digest and
    # derived id with it): the same file imported again into such a store was
    # refused ("id already used by a different record"), or went in twice.
    from cxzy.domain import schema

    cli.ok_import(prelude())
    review = ev("ReviewRecorded", "2010-06-02", unit="145", kind="mass_evaluation", ratings={})
    if with_id:
        review["id"] = "rev-1"
    as_before = schema._PARSERS[schema.RATINGS]
    with monkeypatch.context() as before:  # the store as that version wrote it
        before.setitem(schema._PARSERS, schema.RATINGS, lambda v, n: as_before(v, n) or {})
        cli.ok_import([review])
    assert cli.log()[-1]["ratings"] == {}
    res = cli.ok_import([review])
    assert "imported 0 records, skipped 1" in res.out, str(res)
    assert len(cli.log()) == 4
    assert cli.run("verify").code == 0


def test_a_line_break_is_one_whatever_wrote_it(cli):
    # Decision 304: a title's line break as Windows writes it ("\r\n") and as a
    # workbook's cell holds it ("\n") gave two derived ids, and both went in
    cli.ok_import(prelude())
    titles = ["学习\r\n第二次", "学习\n第二次", "学习\r第二次"]
    res = cli.ok_import([act("145", "study", "2010-06-09", title=t) for t in titles])
    assert "imported 1 record" in res.out, str(res)
    assert cli.log()[-1]["title"] == "学习\n第二次"
    res = cli.ok_import([commit("K1", "145", "2010-06-09", "2010-12-31", text="甲\n乙", id="K1")])
    again = cli.ok_import(
        [commit("K1", "145", "2010-06-09", "2010-12-31", text="甲\r\n乙", id="K1")]
    )
    assert "imported 0 records, skipped 1" in again.out, str(again)


@pytest.mark.parametrize("with_id", [True, False])
@pytest.mark.parametrize("written", ["before 216", "before 304"])
@pytest.mark.parametrize("now", ["\r\n", "\n"])
def test_a_record_with_windows_line_breaks_a_store_holds_from_before_is_still_present(
    cli, monkeypatch, with_id, written, now
):
    # Before decision 305 free text kept "\r\n" as written (its digest and derived
    # id with it); before 216 an empty ratings object was kept too. The same record,
    # from the same file or from a workbook's copy of it ("\n"), imported into such a
    # store is present: not refused as a conflict, not written twice.
    from cxzy.domain import schema

    cli.ok_import(prelude())

    def review(note: str) -> dict:
        record = ev("ReviewRecorded", "2010-06-02", unit="145", kind="mass_evaluation", note=note)
        return {**record, "ratings": {}, **({"id": "rev-1"} if with_id else {})}

    as_before = schema._PARSERS[schema.RATINGS]
    with monkeypatch.context() as before:  # the store as that version wrote it
        before.setattr(schema, "_free_text", schema._text)
        if written == "before 216":
            before.setitem(schema._PARSERS, schema.RATINGS, lambda v, n: as_before(v, n) or {})
        cli.ok_import([review("甲\r\n乙")])
    assert cli.log()[-1]["note"] == "甲\r\n乙"
    res = cli.ok_import([review(f"甲{now}乙")])
    assert "imported 0 records, skipped 1" in res.out, str(res)
    assert len(cli.log()) == 4
    assert cli.run("verify").code == 0


def test_explicit_ids_are_kept_in_the_log(cli):
    cli.ok_import([*prelude(), act("145", "study", "2010-05-13", id="my-own-id/1")])
    assert cli.log()[-1]["id"] == "my-own-id/1"


def test_same_id_other_content_in_a_later_import_is_a_conflict(cli):
    cli.ok_import([*prelude(), act("145", "study", "2010-05-13", id="X1", title="A")])
    before = cli.log_text()
    path, res = cli.imp(
        [
            act("JU", "study", "2010-05-13"),
            act("145", "study", "2010-05-13", id="X1", title="B"),
        ]
    )
    assert_refused(res, path, 2, r"X1|conflict")
    assert cli.log_text() == before


def test_same_id_other_content_within_one_file_is_a_conflict(cli):
    cli.ok_import(prelude())
    before = cli.log_text()
    path, res = cli.imp(
        [
            act("145", "study", "2010-05-13", id="X1", title="A"),
            act("JU", "study", "2010-05-13"),
            act("145", "study", "2010-05-14", id="X1", title="A"),
        ]
    )
    assert_refused(res, path, 3, r"X1|conflict")
    assert not res.messages(path, 1)
    assert cli.log_text() == before


def test_same_explicit_id_same_content_twice_in_one_file_is_recorded_once(cli):
    record = act("145", "study", "2010-05-13", id="X1")
    cli.ok_import([*prelude(), record, record])
    assert [r["id"] for r in cli.log()].count("X1") == 1


def test_dry_run_writes_nothing(cli):
    cli.ok_import(prelude())
    before = cli.snapshot("2010-06-01")
    res = cli.ok_import(
        [
            act("145", "mobilization", "2010-05-12"),
            act("145", "study", "2010-05-13"),
        ],
        "--dry-run",
    )
    assert res.code == 0
    assert cli.snapshot("2010-06-01") == before
    # the same file imported for real afterwards is written in full
    cli.ok_import([act("145", "mobilization", "2010-05-12"), act("145", "study", "2010-05-13")])
    assert len(cli.log()) == 5


def test_dry_run_into_a_new_store_creates_no_campaign(cli):
    res = cli.ok_import(prelude(), "--dry-run")
    assert res.code == 0
    status = cli.run("status", "--format", "json", "--as-of", "2010-06-01")
    assert status.code == 1, str(status)
    assert_no_traceback(status)


def test_dry_run_reports_bad_records_like_a_real_import(cli):
    cli.ok_import(prelude())
    before = cli.log_text()
    path, res = cli.imp(
        [act("145", "study", "2010-05-13"), act("145", "dancing", "2010-05-13")], "--dry-run"
    )
    assert_refused(res, path, 2, r"\bkind\b")
    assert cli.log_text() == before

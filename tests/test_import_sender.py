"""`cxzy import --unit U`: a file a unit sent in holds only records about that unit
or a unit under it (decision 311). A `CommitmentFulfilled` names no unit, so without
it one unit's file could close another's commitment.

Every refusal: exit 1, a `FILE:LINE: message` line on stderr for each record, and
nothing of the file written.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from contract_helpers import (
    act,
    assert_refused,
    commit,
    ev,
    prelude,
    rect,
    subprocess_env,
    unit,
    write_jsonl,
)


@pytest.fixture
def office(cli):
    """The prelude (JU, 145 under it), 149 under JU and 145-1 under 145, each unit
    with a commitment and a rectification."""
    cli.ok_import(
        [
            *prelude(),
            unit("149", "2010-05-01", "一四九队", parent="JU"),
            unit("145-1", "2010-05-01", "一分队", parent="145"),
            *(commit(f"C-{u}", u, "2010-05-20", "2010-12-31") for u in ("145", "149", "145-1")),
            *(rect(f"R-{u}", u, "2010-05-20", "2010-12-31") for u in ("145", "149")),
        ]
    )
    return cli


def written(cli) -> int:
    return len(cli.log())


def test_a_units_own_records_and_those_of_units_under_it_go_in(office):
    records = [
        act("145", "study", "2010-06-02", title="学习"),
        act("145-1", "study", "2010-06-02", title="学习"),
        ev("CommitmentFulfilled", "2010-06-03", commitment="C-145"),
        ev("CommitmentProgressed", "2010-06-03", commitment="C-145-1", note="进展"),
        ev("RectificationCompleted", "2010-06-03", rectification="R-145"),
        ev("ReviewRecorded", "2010-06-03", unit="145", kind="mass_evaluation", grade="middle"),
        unit("145-2", "2010-06-04", "二分队", parent="145-1"),
        act("145-2", "study", "2010-06-05", title="新分队学习"),  # registered by this file
    ]
    before = written(office)
    _, res = office.imp(records, "--unit", "145")
    assert res.code == 0, str(res)
    assert written(office) == before + len(records)


@pytest.mark.parametrize(
    ("record", "named"),
    [
        (ev("CommitmentFulfilled", "2010-06-03", commitment="C-149"), "'149'"),
        (ev("RectificationCompleted", "2010-06-03", rectification="R-149"), "'149'"),
        (act("149", "study", "2010-06-02", title="学习"), "'149'"),
        (act("JU", "study", "2010-06-02", title="学习"), "'JU'"),  # above it
        (unit("149-1", "2010-06-04", "另一分队", parent="149"), "'149'"),
        (unit("X", "2010-06-04", "顶层", kind="office"), "registers 'X' at the top"),
        # the office's or a superior's own records, even about the unit itself
        (ev("LeaderAssigned", "2010-06-02", person="某人", role="member"), "leader assigned"),
        (ev("CampaignPlanned", "2010-06-02", campaign="c2", title="T2"), "campaign planned"),
        (
            ev("RectificationVerified", "2010-06-03", rectification="R-145", accepted=True),
            r"\(rectification verified\): the office or a superior records it",
        ),
        (
            ev(
                "RectificationEscalated",
                "2011-01-03",
                rectification="R-145",
                action="public_criticism",
            ),
            r"\(escalation\)",
        ),
        (
            ev("CommendationAwarded", "2010-06-03", unit="145", title="model", level="central"),
            "commendation",
        ),
        (ev("ContactPointAssigned", "2010-06-03", person="某人", unit="145"), "contact point"),
        (
            ev(
                "ReviewRecorded",
                "2010-06-03",
                unit="145",
                kind="superior_assessment",
                grade="advanced",
            ),
            r"\(superior assessment\)",
        ),
        (
            ev("ReviewRecorded", "2010-06-03", unit="145", kind="inspection", method="tour"),
            r"\(inspection\)",
        ),
    ],
)
def test_a_record_about_another_unit_or_none_is_refused_and_nothing_written(office, record, named):
    before = written(office)
    good = act("145", "study", "2010-06-02", title="学习, must not be written")
    path, res = office.imp([good, record], "--unit", "145")
    assert_refused(res, path, 2, r"unit '145' \(--unit\)", named)
    assert not res.messages(path, 1)
    assert written(office) == before


def test_every_record_outside_is_said_and_the_unit_may_be_named_by_its_name(office):
    records = [
        ev("CommitmentFulfilled", "2010-06-03", commitment="C-149"),
        act("145", "study", "2010-06-02", title="学习"),
        act("JU", "study", "2010-06-02", title="学习"),
    ]
    path, res = office.imp(records, "--unit", "一四五队")
    assert_refused(res, path, 1, "'149'")
    assert_refused(res, path, 3, "'JU'")
    assert not res.messages(path, 2)
    assert "2 bad records" in res.err


def test_a_record_of_a_unit_not_registered_says_that_rather(office):
    path, res = office.imp([act("NOPE", "study", "2010-06-02", title="学习")], "--unit", "145")
    text = assert_refused(res, path, 1, "'NOPE' is not registered")
    assert "--unit" not in text


def test_a_sender_not_registered_is_one_line_and_nothing_written(office):
    before = written(office)
    _, res = office.imp([act("145", "study", "2010-06-02", title="学习")], "--unit", "146")
    assert res.code == 1 and len(res.err_lines) == 1, str(res)
    assert res.err.startswith("--unit: unit '146' is not registered in the store"), str(res)
    assert written(office) == before
    missing = office.tmp / "missing.db"  # (a mistyped --store: said so, and no file made)
    res = office.run("import", office.write([act("145", "study", "2010-06-02", title="x")]),
                     "--unit", "145", store=missing)  # fmt: skip
    assert res.code == 1 and res.err_lines == [
        f"no store at {missing}, so no unit '145' (--unit) in it: is the store right?"
    ], str(res)
    assert not missing.exists()


def test_records_already_in_the_store_are_skipped_not_refused(office):
    records = [act("149", "study", "2010-06-02", title="学习", id="a-149")]
    office.ok_import(records)  # the office imported it itself
    _, res = office.imp(records, "--unit", "145")
    assert res.code == 0 and "skipped 1" in res.out + res.err, str(res)


def test_without_unit_any_unit_s_records_go_in_as_before(office):
    office.ok_import([ev("CommitmentFulfilled", "2010-06-03", commitment="C-149")])


def test_the_command_line_takes_it_for_a_workbook_too(tmp_path):
    """The real command, in Chinese, on CSV (the same rule for every format)."""
    store = tmp_path / "s.db"
    env = subprocess_env()

    def cxzy(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "cxzy", "--store", str(store), *args]
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)

    plan = write_jsonl(
        tmp_path / "plan.jsonl", [*prelude(), unit("149", "2010-05-01", "一四九队", parent="JU")]
    )
    assert cxzy("import", str(plan)).returncode == 0
    sheet = tmp_path / "145.csv"
    sheet.write_text(
        "type,at,unit,kind,title\n"
        "ActivityHeld,2010-06-02,145,study,学习\n"
        "ActivityHeld,2010-06-02,149,study,学习\n",
        encoding="utf-8",
    )
    done = cxzy("import", "--unit", "145", str(sheet))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert (
        "145.csv:3: 单位 '145' 报来的文件(--unit)只能有关于它及其下属单位的记录:这条关于 '149'"
        in done.stderr
    )
    assert f"{sheet}:2" not in done.stderr
    assert cxzy("import", "--unit", "149", str(sheet)).returncode == 1  # line 2 then
    assert "--unit" in cxzy("import", "--help").stdout


def test_steps_of_another_units_life_are_each_refused_on_their_own(office):
    """Not as "the record before it was refused: this one may have followed it":
    fixing the first would not let the second in."""
    records = [
        ev("RectificationProgressed", "2010-06-02", rectification="R-149", note="进展"),
        ev("RectificationCompleted", "2010-06-03", rectification="R-149"),
    ]
    path, res = office.imp(records, "--unit", "145")
    for line in (1, 2):
        text = assert_refused(res, path, line, "this one is about '149'")
        assert "followed" not in text and str(path) + ":1" not in text

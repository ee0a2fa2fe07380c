"""``cxzy report``: the campaign summary as HTML (parsed back) and Markdown."""

from __future__ import annotations

import csv
import re
import unicodedata
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from contract_helpers import act, assert_one_line_error, commit, ev, prelude, rect, review
from spreadsheet_helpers import AS_OF, history

EVIL_TITLE = '<script>alert("x")</script> & <b>粗</b>'
EVIL_TEXT = "承诺 <img src=x onerror=alert(1)>"


class Page(HTMLParser):
    """Tags, attributes, text, and the tagged figures of a report."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.figures: dict[str, str] = {}
        self._figure: str | None = None
        self._section: str | None = None
        self.sections: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        found = dict(attrs)
        if tag == "span" and "data-key" in found:
            self._figure = found["data-key"]
        if tag == "section":
            self._section = found.get("id")

    def handle_endtag(self, tag):
        if tag == "span":
            self._figure = None

    def handle_data(self, data):
        self.text.append(data)
        if self._figure:
            self.figures[self._figure] = data
        if self._section:
            self.sections.setdefault(self._section, []).append(data)

    def section(self, name: str) -> str:
        return " ".join(self.sections.get(name, []))

    def prose(self, name: str) -> str:
        """A section's text as read: its pieces joined, blanks made one space."""
        return re.sub(r"\s+", " ", "".join(self.sections.get(name, [])))


def parse(path: Path) -> Page:
    parsed = Page()
    parsed.feed(path.read_text(encoding="utf-8"))
    parsed.close()
    return parsed


def html_report(cli, path: Path, as_of: str, lang: str = "en") -> Page:
    res = cli.run("report", "--as-of", as_of, "--output", path, lang=lang)
    assert res.code == 0, str(res)
    return parse(path)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells of a table of the report."""
    table = re.search(rf'<table id="{table_id}">.*?</table>', html, re.S).group(0)
    body = table.split("<tbody>", 1)[1]
    return [
        [unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


@pytest.fixture
def page(cli, tmp_path) -> Page:
    records = [
        *history(),
        act("JU", "self_chosen", "2011-05-01", title=EVIL_TITLE),
        commit("K5", "JU", "2011-05-02", "2011-06-01", text=EVIL_TEXT),
    ]
    cli.ok_import(records)
    path = tmp_path / "report.html"
    res = cli.run("report", "--as-of", AS_OF, "--output", path, lang="zh")
    assert res.code == 0, str(res)
    parsed = Page()
    parsed.feed(path.read_text(encoding="utf-8"))
    parsed.close()
    return parsed


def test_the_report_is_stamped_with_day_position_and_head(page, cli):
    audit = cli.status(AS_OF, "--audit")["log"]
    assert page.figures["stamp.as_of"] == AS_OF
    assert page.figures["stamp.position"] == str(audit["position"])
    assert page.figures["stamp.head"] == audit["head"]
    text = " ".join(page.text)
    checkpoint = f"cxzy-checkpoint:{audit['position']}:{audit['head']}:"
    assert f"cxzy verify --against '{checkpoint}" in text  # how a reader proves it
    assert re.search(r"于 \S+\+08:00 生成", text), text[-300:]  # in the campaign's zone


def test_commitment_and_rectification_figures(page):
    f = page.figures
    assert (f["commitments.total"], f["commitments.kept"], f["commitments.kept_late"]) == (
        "5",
        "1",
        "1",
    )
    assert (f["commitments.broken"], f["commitments.open"], f["commitments.renegotiated"]) == (
        "2",
        "1",
        "1",
    )
    assert f["commitments.rate"] == "50.0%"  # (1 + 1) / (1 + 1 + 2)
    assert (f["rectifications.total"], f["rectifications.closed"]) == ("3", "1")
    assert (f["rectifications.awaiting"], f["rectifications.overdue"]) == ("1", "1")
    assert (f["rectifications.supervised"], f["rectifications.criticised"]) == ("1", "1")
    assert f["rectifications.accountable"] == "0"
    assert f["phase.mobilize.behind"] == "2"  # both units overdue in the first phase


def test_who_is_behind_and_why(page):
    behind = page.section("behind")
    assert "一四五队 (145)" in behind and "局机关 (JU)" in behind
    assert "制定实施方案:期限 2010-05-31 已过,未完成" in behind
    assert "承诺 K3「建活动室」:期限 2011-01-31 已过,未兑现" in behind
    assert "整改 R2「+1 问题」:期限 2011-06-30 已过,未销号" in behind
    assert f"承诺 K5「{EVIL_TEXT}」" in behind  # shown as text


def test_grades_awards_and_the_chart(page):
    grades = page.section("grades")
    assert "一四五队 (145)" in grades and "中间 (2010-12-01)" in grades
    assert "先进基层党组织" in page.section("awards")
    assert page.tags.count("svg") == 1
    assert page.tags.count("polyline") == 4  # one line per phase


def test_event_text_is_escaped_and_nothing_is_fetched(page):
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags
    assert EVIL_TITLE not in " ".join(page.text)  # activities are not listed…
    assert any(EVIL_TEXT in t for t in page.text)  # …but this commitment is, as text
    assert not [a for a in page.attrs if a[0] in ("src", "href")]


def test_markdown_report(cli, tmp_path):
    cli.ok_import([*history(), commit("K5", "JU", "2011-05-02", "2011-06-01", text=EVIL_TEXT)])
    path = tmp_path / "report.md"
    res = cli.run("report", "--as-of", AS_OF, "--output", path)
    assert res.code == 0, str(res)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# T — campaign summary")
    assert f"log position {cli.status(AS_OF, '--audit')['log']['position']} ·" in text
    assert "(data:image/svg+xml;base64," in text
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "| 一四五队 (145) |" in text
    assert "50.0%" in text and "\\." not in text  # figures as they are, not "50\.0%"


def test_a_report_known_at_a_moment_is_of_what_the_store_held_then(cli, tmp_path):
    """`report --known-at`: the figures, the stamp and the tables of the store as it
    was at the moment, not of records recorded since (only the notes around it were
    pinned)."""
    from datetime import UTC, datetime

    cli.ok_import(history())
    then = cli.status(AS_OF, "--audit")["log"]["position"]
    moment = datetime.now(UTC).isoformat()  # (after its commit: decision 164)
    cli.ok_import([commit("K7", "145", "2011-04-01", "2011-06-30", text="记在之后的承诺")])
    now, known = tmp_path / "now.md", tmp_path / "known.md"
    assert cli.run("report", "--as-of", AS_OF, "--output", now).code == 0
    res = cli.run("report", "--as-of", AS_OF, "--known-at", moment, "--output", known)
    assert res.code == 0, str(res)
    text = known.read_text(encoding="utf-8")
    assert f"log position {then} ·" in text and "as the store knew it at" in text
    assert "记在之后的承诺" in now.read_text(encoding="utf-8") and "记在之后的承诺" not in text


def test_markdown_escapes_what_would_start_a_list_and_nothing_else():
    from cxzy.formats.report import md_escape

    assert md_escape("1. 第一条") == "1\\. 第一条" and md_escape("2)") == "2\\)"
    assert md_escape("100.0%") == "100.0%" and md_escape("2011.5") == "2011.5"


def test_report_mistakes_are_one_line(cli, tmp_path):
    res = cli.run("report", "--output", tmp_path / "r.html")
    assert_one_line_error(res)  # no store
    cli.ok_import(prelude())
    res = cli.run("report", "--output", tmp_path / "r.pdf")
    assert_one_line_error(res)
    res = cli.run("report", "--as-of", "2010-06-01", "--output", tmp_path / "r.html")
    assert res.code == 0, str(res)


def test_grade_changes_are_in_time_order_and_end_on_the_status_grade(cli, tmp_path):
    """Two graded reviews on one day, the earlier back-filled after the later: the
    table orders them by their moment (as status finds the latest grade), so its
    last step is the grade the status, the phase table and the ledger give."""
    cli.ok_import(
        [
            *prelude(),
            review("145", "mass_evaluation", "2010-11-01", grade="middle"),
            review("145", "mass_evaluation", "2010-12-01T15:00", grade="advanced"),
            review("145", "superior_assessment", "2010-12-01T09:00", grade="lagging"),
            # at the same moment the later in the log is the latest
            review("JU", "mass_evaluation", "2010-12-01T10:00", grade="lagging"),
            review("JU", "superior_assessment", "2010-12-01T10:00", grade="middle"),
        ]
    )
    as_of = "2011-01-01"
    html = tmp_path / "r.html"
    page = html_report(cli, html, as_of)
    assert "middle (2010-11-01) → lagging (2010-12-01) → advanced (2010-12-01)" in page.section(
        "grades"
    )
    status = {u["unit"]: u["grade"] for u in cli.status(as_of)["units"]}
    assert status == {"145": "advanced", "JU": "middle"}
    grade_rows = table_rows(html.read_text(encoding="utf-8"), "grade-table")
    assert {row[0]: (row[1].rsplit(" → ", 1)[-1], row[2]) for row in grade_rows} == {
        "一四五队 (145)": ("advanced (2010-12-01)", "advanced"),
        "局机关 (JU)": ("middle (2010-12-01)", "middle"),
    }
    phase_rows = table_rows(html.read_text(encoding="utf-8"), "phase-table")
    assert {row[0].strip("\u3000"): row[5] for row in phase_rows} == {
        "局机关 (JU)": "middle",
        "一四五队 (145)": "advanced",
    }
    res = cli.run("export", "ledger", "--as-of", as_of, "--format", "csv", "-o", tmp_path / "l")
    assert res.code == 0, str(res)
    with (tmp_path / "l" / "units.csv").open(encoding="utf-8-sig") as f:
        ledger = {row["unit"]: row["grade"] for row in csv.DictReader(f)}
    assert ledger == {"JU": "middle", "145": "advanced"}
    with (tmp_path / "l" / "reviews.csv").open(encoding="utf-8-sig") as f:
        graded = [(row["unit"], row["grade"]) for row in csv.DictReader(f) if row["grade"]]
    # the ledger's reviews of a day in the order they were held too (the log's order
    # put the back-filled 09:00 review of 145 last, as if its grade were the latest)
    assert graded == [
        ("JU", "lagging"),
        ("JU", "middle"),
        ("145", "middle"),
        ("145", "lagging"),
        ("145", "advanced"),
    ]
    md = tmp_path / "r.md"
    assert cli.run("report", "--as-of", as_of, "--output", md).code == 0
    text = md.read_text(encoding="utf-8")
    assert "→ advanced (2010-12-01) | advanced |" in text
    assert "| 局机关 (JU) | lagging (2010-12-01) → middle (2010-12-01) | middle |" in text


def _texts(svg: str) -> list[tuple[float, str, str]]:
    """(x, anchor, text) of each text of an SVG."""
    found = []
    for attrs, text in re.findall(r"<text ([^>]*)>([^<]*)</text>", svg):
        x = float(re.search(r'\bx="([-\d.]+)"', attrs).group(1))
        anchor = re.search(r'text-anchor="(\w+)"', attrs)
        found.append((x, anchor.group(1) if anchor else "start", unescape(text)))
    return found


def _width(text: str) -> float:
    """A generous width at 11 px: an em for a Chinese character, 0.6 em for others."""
    return sum(11 if unicodedata.east_asian_width(c) in "WF" else 6.6 for c in text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chart_fits_its_labels_and_ends_with_the_campaign(cli, tmp_path, lang):
    cli.ok_import(history())
    points = {}
    for as_of in ("2010-06-01", "2011-03-01", "2012-11-07", "2020-01-01"):
        html = tmp_path / f"{as_of}.html"
        assert html_report(cli, html, as_of, lang).tags.count("svg") == 1
        svg = re.search(r"<svg.*?</svg>", html.read_text(encoding="utf-8"), re.S).group(0)
        width = float(re.search(r'width="(\d+)"', svg).group(1))
        for x, anchor, text in _texts(svg):
            left = {"start": x, "middle": x - _width(text) / 2, "end": x - _width(text)}[anchor]
            assert left >= 0 and left + _width(text) <= width, (as_of, text, x, anchor)
        months = [text for _, _, text in _texts(svg) if re.fullmatch(r"\d{4}-\d\d", text)]
        points[as_of] = [
            line.split() for line in re.findall(r'<polyline[^>]*points="([^"]*)"', svg)
        ]
        if as_of == "2011-03-01":
            assert months[-1] == "2011-03"  # the day's month, whole
        if as_of == "2020-01-01":  # the axis ends on the campaign's last day
            assert months[-1] == "2012-10" and "2012-07" in months, months
            ends = {float(line[-1].split(",")[0]) for line in points[as_of]}
            assert ends == {width - 16}  # the day's figures at the axis' end
            # sampled as on the campaign's last day (not more thinly over 2020)
            assert [line[:-1] for line in points[as_of]] == [
                line[:-1] for line in points["2012-11-07"]
            ]


def test_papers_with_no_units_say_so(cli, tmp_path):
    cli.ok_import(prelude())
    as_of = "2010-04-30"  # the units are registered on 2010-05-01
    page = html_report(cli, tmp_path / "r.html", as_of)
    assert {page.figures[f"phase.{p}.share"] for p in ("mobilize", "summarize")} == {"—"}
    assert "No units yet." in page.section("phases")
    assert "commitments = " not in page.section("phases")  # no legend of no table
    assert "No rectifications yet." in page.prose("rectifications")
    assert "The table lists" not in page.prose("rectifications")
    assert "svg" not in page.tags and "Nothing to chart yet." in page.section("chart")
    md = tmp_path / "r.md"
    assert cli.run("report", "--as-of", as_of, "--output", md).code == 0
    text = md.read_text(encoding="utf-8")
    assert "items done —" in text and "items done 0.0%" not in text
    assert "No units yet." in text and "commitments = " not in text
    assert "No rectifications yet." in text and "The table lists" not in text
    assert "data:image/svg" not in text and "Nothing to chart yet." in text


def test_the_rectifications_table_says_what_it_lists(cli, tmp_path):
    cli.ok_import(
        [
            *prelude(),
            commit("K1", "145", "2010-05-20", "2010-12-31"),
            rect("R1", "145", "2010-06-01", "2010-09-30"),
            ev("RectificationCompleted", "2010-09-01", rectification="R1"),
            ev("RectificationVerified", "2010-09-10", rectification="R1", accepted=True),
        ]
    )
    page = html_report(cli, tmp_path / "r.html", "2010-12-01")
    text = page.prose("rectifications")
    assert "1 rectification: 1 closed," in text  # one, not "1 rectifications"
    assert "1 commitment: " in page.prose("commitments")
    assert "No rectification is open, supervised, or escalated: 1 closed one is" in text
    assert "rectification-table" not in dict(page.attrs).values()


def test_english_words_are_the_ledgers(cli, tmp_path):
    cli.ok_import(history())
    page = html_report(cli, tmp_path / "r.html", AS_OF)
    res = cli.run(
        "export", "ledger", "--as-of", AS_OF, "--format", "csv", "--output", tmp_path / "l"
    )
    assert res.code == 0, str(res)
    with (tmp_path / "l" / "units.csv").open(encoding="utf-8-sig") as f:
        ledger_header = next(csv.reader(f))
    assert "fulfilled" in ledger_header  # the count of fulfilled commitments, late or not
    phases = page.section("phases")
    assert "commitments fulfilled/total/overdue" in phases and "kept/" not in phases
    assert "1 supervised, 1 publicly criticised, 0 held accountable" in page.prose("rectifications")
    # "open" is the table's word for every one not closed, overdue ones too: the
    # sentence's count of those on time says "in progress" (整改中), as in Chinese
    assert re.search(r"\d+ in progress, \d+ overdue", page.prose("rectifications"))
    assert not re.search(r"\d+ open, \d+ overdue", page.prose("rectifications"))
    # every rectification is listed: no "other 0" left to the ledger
    assert "that is all of them" in page.prose("rectifications")
    # "broken" said of a commitment only overdue (kept later, maybe); "not closed,
    # supervised, or escalated" read as none of the three; "done" meant on time here
    # and late or not in the ledger
    commitments = page.prose("commitments")
    assert "1 overdue and not fulfilled" in commitments and "broken" not in commitments
    assert "every rectification that is open, supervised or escalated" in page.prose(
        "rectifications"
    )
    assert "done on time, " in page.prose("overview"), page.prose("overview")
    assert "the other 0" not in page.prose("rectifications")
    grades = page.section("grades")
    assert grades.startswith("Grade changes")  # the heading, as every heading
    assert "unit name grade changes grade" in grades  # the column, as every column


def test_ten_phases_names_in_the_chart_do_not_run_over_each_other():
    """A campaign of its own with ten phases: the legend's names were set a tenth
    of the width apart and ran over each other, the bands' names too, and six
    colours made lines alike."""
    from datetime import date, timedelta

    from cxzy.formats.svg_chart import progress_svg

    names = ["学习动员", "专题学习", *(f"第{n}阶段总结" for n in range(3, 11))]
    start = date(2021, 3, 1)
    windows = {
        f"p{n}": (start + timedelta(days=21 * n), start + timedelta(days=21 * n + 20))
        for n in range(10)
    }
    days = [start + timedelta(days=7 * w) for w in range(31)]
    series = {key: [min(1.0, w / 30) for w in range(31)] for key in windows}
    labels = {f"p{n}": name for n, name in enumerate(names)}
    svg = progress_svg(days, series, labels, windows, "十段")
    width = float(re.search(r'width="(\d+)"', svg).group(1))
    height = float(re.search(r'height="(\d+)"', svg).group(1))
    placed = []  # (left, right, y) of each text
    for attrs, text in re.findall(r"<text ([^>]*)>([^<]*)</text>", svg):
        x = float(re.search(r'\bx="([-\d.]+)"', attrs).group(1))
        y = float(re.search(r'\by="([-\d.]+)"', attrs).group(1))
        anchor = re.search(r'text-anchor="(\w+)"', attrs)
        shown = unescape(text)
        left = x - _width(shown) / 2 if anchor and anchor.group(1) == "middle" else x
        assert left >= 0 and left + _width(shown) <= width and 0 < y <= height, shown
        placed.append((left, left + _width(shown), y, shown))
    for n, (left, right, y, shown) in enumerate(placed):
        for other_left, other_right, other_y, other in placed[n + 1 :]:
            if y == other_y:
                assert right <= other_left or other_right <= left, (shown, other)
    legend = [shown for *_, shown in placed if shown.endswith("%") and not shown[0].isdigit()]
    assert [name.rsplit(" ", 1)[0] for name in legend] == names  # every phase named
    lines = re.findall(r'<polyline fill="none" stroke="(#\w+)"', svg)
    assert len(set(lines)) == 10

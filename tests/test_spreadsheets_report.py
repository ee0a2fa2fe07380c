"""``cxzy report``: the campaign summary as HTML (parsed back) and Markdown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from contract_helpers import act, assert_one_line_error, commit, prelude
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

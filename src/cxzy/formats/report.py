"""The campaign summary as one HTML file (the chart an inline SVG) or as
Markdown (the chart an SVG ``data:`` image). Nothing is fetched to view
either. Every text that comes from events is escaped: in HTML with
:func:`html.escape`, in Markdown also its table and emphasis characters."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from cxzy import __version__
from cxzy.application.summary import Summary
from cxzy.domain.template import Template
from cxzy.formats.svg_chart import progress_svg
from cxzy.i18n import code_label, t
from cxzy.literal import visible

STATE_COLOURS = {
    "done": "#c6efce",
    "late": "#ffeb9c",
    "done_late": "#ffeb9c",
    "open": "#ddebf7",
    "active": "#ddebf7",
    "pending": "#ededed",
    "at_risk": "#ffc7ce",
    "missed": "#ffc7ce",
    "overdue": "#ffc7ce",
    "kept": "#c6efce",
    "kept_late": "#ffeb9c",
    "broken": "#ffc7ce",
    "closed": "#c6efce",
    "awaiting": "#ddebf7",
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


@dataclass(frozen=True)
class _Cell:
    text: str
    state: str | None = None


@dataclass(frozen=True)
class _Table:
    headers: list[str]
    rows: list[list[Any]]


class _View:
    """The report's content in the reader's language, laid out by a writer."""

    def __init__(self, summary: Summary, lang: str, now: datetime) -> None:
        self.s = summary
        self.lang = lang
        self.now = now
        self.report = summary.ledger.report
        self.template: Template = self.report.template

    def phase(self, key: str) -> str:
        return self.template.phase(key).short.get(self.lang, key)

    def item(self, phase: str, key: str) -> str:
        item = next(i for i in self.template.phase(phase).items if i.key == key)
        return item.name.get(self.lang, key)

    def title(self) -> str:
        return t("report.title", self.lang, title=self.report.title)

    def stamp_params(self) -> dict[str, str]:
        return {
            "as_of": self.report.as_of.isoformat(),
            "position": str(self.report.position),
            "head": self.report.head_hash or "—",
        }

    def check(self) -> str:
        """How a reader proves the log behind the report unchanged ("" when unknown)."""
        checkpoint = self.s.ledger.checkpoint
        return t("report.check", self.lang, checkpoint=checkpoint) if checkpoint else ""

    def generated(self) -> str:
        return t(
            "report.generated",
            self.lang,
            version=__version__,
            at=self.now.isoformat(timespec="seconds"),
        )

    def figures(self) -> dict[str, dict[str, Any]]:
        c, r = self.s.commitments, self.s.rectifications
        return {
            "commitments": {**c, "rate": _pct(self.s.keeping_rate)},
            "rectifications": dict(r),
        }

    def phase_lines(self) -> list[dict[str, Any]]:
        return [
            {
                "phase": self.template.phase(p.phase).name.get(self.lang, p.phase),
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "done": p.done,
                "late": p.done_late,
                "behind": p.behind,
                "share": _pct(p.share),
                "key": p.phase,
            }
            for p in self.s.phases
        ]

    def phases_table(self) -> _Table:
        lang = self.lang
        headers = [
            t("unit", lang),
            *(self.phase(p.key) for p in self.template.phases),
            t("grade", lang),
            t("report.col.commitments", lang),  # the ledger's words: fulfilled, not kept
            t("rectifications", lang),
            t("awards", lang),
        ]
        rows = []
        for u in self.report.units:
            cells: list[Any] = [f"{'　' * u.depth}{u.name} ({u.unit})"]
            for p in self.template.phases:
                status = u.phases[p.key]
                done, total = status.progress
                cells.append(_Cell(f"{t(status.status, lang)} {done}/{total}", status.status))
            c, r = u.commitments, u.rectifications
            cells.append(code_label("grade", u.grade, lang) or "—")
            cells.append(c.commitment_cell)
            cells.append(r.rectification_cell)
            cells.append(str(u.awards))
            rows.append(cells)
        return _Table(headers, rows)

    def behind(self) -> list[tuple[str, list[str], list[str]]]:
        """(unit heading, phases behind, reasons)."""
        lang = self.lang
        found = []
        for b in self.s.behind:
            phases = [f"{self.phase(k)}: {t(v, lang)}" for k, v in b.phases.items()]
            reasons = [
                t(
                    "report.missed_item",
                    lang,
                    phase=self.phase(m.phase),
                    item=self.item(m.phase, m.item),
                    deadline=m.deadline.isoformat(),
                )
                for m in b.missed
            ]
            reasons += [
                t(
                    "report.broken_commitment",
                    lang,
                    ref=c.commitment,
                    text=c.text,
                    due=c.due.isoformat(),
                )
                for c in b.commitments
            ]
            for r in b.rectifications:
                line = t(
                    "report.overdue_rectification",
                    lang,
                    ref=r.rectification,
                    issue=r.issue,
                    deadline=r.deadline.isoformat(),
                )
                marks = []
                if r.supervised:
                    marks.append(t("tui_supervised", lang))
                if r.public_criticism_on:
                    marks.append(code_label("action", "public_criticism", lang))
                if r.accountability_on:
                    marks.append(code_label("action", "accountability", lang))
                reasons.append(line + (f" [{', '.join(marks)}]" if marks else ""))
            found.append((f"{b.name} ({b.unit})", phases, reasons))
        return found

    def keeping_table(self) -> _Table:
        lang = self.lang
        headers = [
            t("col.name", lang),
            t("col.c_total", lang),
            t("col.kept", lang),
            t("col.kept_late", lang),
            t("col.broken", lang),
            t("col.not_due", lang),
            t("col.renegotiated", lang),
            t("col.rate", lang),
        ]
        rows = [
            [
                f"{k.name} ({k.unit})",
                str(k.total),
                str(k.kept),
                str(k.kept_late),
                _Cell(str(k.broken), "broken" if k.broken else None),
                str(k.open),
                str(k.renegotiated),
                _pct(k.rate),
            ]
            for k in self.s.ledger.keeping
            if k.total
        ]
        return _Table(headers, rows)

    def rectifications_table(self) -> _Table:
        lang = self.lang
        headers = [
            t("col.rectification", lang),
            t("col.name", lang),
            t("col.issue", lang),
            t("col.owner", lang),
            t("col.deadline", lang),
            t("col.supervised", lang),
            t("col.public_criticism", lang),
            t("col.accountability", lang),
            t("col.state", lang),
        ]
        rows = [
            [
                r.rectification,
                f"{r.name} ({r.unit})",
                r.issue,
                r.owner or "",
                r.deadline.isoformat(),
                t("yes" if r.supervised else "no", lang),
                r.public_criticism_on.isoformat() if r.public_criticism_on else "",
                r.accountability_on.isoformat() if r.accountability_on else "",
                _Cell(code_label("rect_state", r.state, lang), r.state),
            ]
            for r in self._rectifications_listed()
        ]
        return _Table(headers, rows)

    def _rectifications_listed(self) -> list[Any]:
        return [
            r
            for r in self.s.ledger.rectifications
            if r.state != "closed" or r.public_criticism_on or r.supervised
        ]

    def rectifications_listed(self) -> str:
        """What the rectifications' table lists and leaves out, said above it (or
        that there is no table)."""
        listed = len(self._rectifications_listed())
        others = len(self.s.ledger.rectifications) - listed
        if not listed:
            key = "report.rectifications_all_closed" if others else "report.no_rectifications"
        else:
            key = "report.rectifications_listed" if others else "report.rectifications_all_listed"
        return t(key, self.lang, listed=listed, others=others)

    def grades_table(self) -> _Table:
        lang = self.lang
        headers = [t("col.name", lang), t("report.col.grade_changes", lang), t("col.grade", lang)]
        rows = []
        for g in self.s.grades:
            path = " → ".join(
                f"{code_label('grade', s.grade, lang)} ({s.day.isoformat()})" for s in g.steps
            )
            last = g.steps[-1].grade
            rows.append(
                [f"{g.name} ({g.unit})", path, _Cell(code_label("grade", last, lang), last)]
            )
        return _Table(headers, rows)

    def awards_table(self) -> _Table:
        lang = self.lang
        headers = [
            t("col.day", lang),
            t("col.name", lang),
            t("col.award_title", lang),
            t("col.level", lang),
            t("col.awardee", lang),
        ]
        rows = [
            [
                a.day.isoformat(),
                f"{a.name} ({a.unit})",
                code_label("award_title", a.title, lang),
                code_label("award_level", a.level, lang),
                a.person or "",
            ]
            for a in self.s.ledger.awards
        ]
        return _Table(headers, rows)

    def chart(self) -> str | None:
        """The chart's SVG; None when there is nothing to chart (a day before the
        campaign's start, or no units: no items to count)."""
        progress = self.s.progress
        if not progress.days or not self.report.units:
            return None
        labels = {p.key: p.short.get(self.lang, p.key) for p in self.template.phases}
        windows = {p.key: (p.start, p.end) for p in self.template.phases}
        return progress_svg(
            progress.days, progress.series, labels, windows, t("report.chart", self.lang)
        )


# -- HTML ------------------------------------------------------------------------------

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em auto;
       max-width: 72em; color: #222; line-height: 1.5; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.stamp { font-family: monospace; color: #444; word-break: break-all; }
.generated { color: #777; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.92em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
figure { margin: 0; }
figcaption { color: #555; font-size: 0.9em; }
"""


def _html_cell(value: Any, tag: str = "td") -> str:
    if isinstance(value, _Cell):
        style = STATE_COLOURS.get(value.state or "")
        attrs = f' class="state-{escape(value.state)}"' if value.state else ""
        if style:
            attrs += f' style="background:{style}"'
        return f"<{tag}{attrs}>{escape(value.text)}</{tag}>"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def _html_table(table: _Table, table_id: str) -> str:
    if not table.rows:
        return ""
    head = "".join(_html_cell(h, "th") for h in table.headers)
    body = "".join("<tr>" + "".join(_html_cell(v) for v in row) + "</tr>" for row in table.rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


class _Marker:
    """A value's place in a message, formatted as a marker to replace later; it
    equals the value, so that English words agree with it ("1 rectification")."""

    def __init__(self, marker: str, value: Any) -> None:
        self.marker, self.value = marker, value

    def __format__(self, spec: str) -> str:
        return self.marker

    def __str__(self) -> str:
        return self.marker

    def __eq__(self, other: object) -> bool:
        return bool(self.value == other)

    __hash__ = None  # type: ignore[assignment]


def _message(key: str, lang: str, values: Mapping[str, Any], tags: Mapping[str, str]) -> str:
    """A message as HTML: all of it escaped; the values named in ``tags`` wrapped in
    ``<span class="figure" data-key="…">`` (for scripts and tests that read figures)."""
    markers = {name: f"\x00{n}\x00" for n, name in enumerate(values)}
    params = {name: _Marker(marker, values[name]) for name, marker in markers.items()}
    text = escape(t(key, lang, **params))
    for name, marker in markers.items():
        value = escape(str(values[name]))
        if name in tags:
            value = f'<span class="figure" data-key="{escape(tags[name])}">{value}</span>'
        text = text.replace(marker, value)
    return text


def _now(summary: Summary) -> datetime:
    """Now, in the campaign's zone, as every other time of the report."""
    return datetime.now(ZoneInfo(summary.ledger.report.campaign.timezone))


_MARKER = re.compile(r"<(U\+[0-9A-F]{4,6})>")  # what visible() writes for an invisible one


def report_html(summary: Summary, lang: str, now: datetime | None = None) -> str:
    view = _View(summary, lang, now or _now(summary))
    report = view.report
    title = view.title()
    stamp_values = view.stamp_params()
    stamp = _message("report.stamp", lang, stamp_values, {k: f"stamp.{k}" for k in stamp_values})
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        '<head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="stamp">{stamp}</p>',
    ]
    if report.known_at is not None:
        out.append(
            f'<p class="stamp">{escape(t("report.known_at", lang, moment=report.known_at.isoformat()))}</p>'
        )
    if view.check():
        out.append(f'<p class="generated">{escape(view.check())}</p>')
    out.append(f'<p class="generated">{escape(view.generated())}</p></header>')
    figures = view.figures()
    out.append(f'<section id="overview"><h2>{escape(t("report.overview", lang))}</h2>')
    out.append(f"<p>{escape(t('report.units_count', lang, n=len(report.units)))}</p><ul>")
    for line in view.phase_lines():
        key = line.pop("key")
        tags = {k: f"phase.{key}.{k}" for k in ("done", "late", "behind", "share")}
        out.append(f"<li>{_message('report.phase_line', lang, line, tags)}</li>")
    out.append("</ul></section>")
    chart = view.chart()
    out.append(
        f'<section id="chart"><h2>{escape(t("report.chart", lang))}</h2><figure>'
        f"{chart}<figcaption>{escape(t('report.chart_alt', lang))}</figcaption>"
        "</figure></section>"
        if chart is not None
        else f'<section id="chart"><h2>{escape(t("report.chart", lang))}</h2>'
        f"<p>{escape(t('report.no_chart', lang))}</p></section>"
    )
    out.append(f'<section id="phases"><h2>{escape(t("report.phases", lang))}</h2>')
    if report.units:
        out.append(f"<p>{escape(t('report.legend', lang))}</p>")
        out.append(_html_table(view.phases_table(), "phase-table") + "</section>")
    else:
        out.append(f"<p>{escape(t('report.no_units', lang))}</p></section>")
    out.append(f'<section id="behind"><h2>{escape(t("report.behind", lang))}</h2>')
    behind = view.behind()
    if not behind:
        out.append(f"<p>{escape(t('report.nobody_behind', lang))}</p>")
    else:
        out.append("<ul>")
        for heading, phases, reasons in behind:
            items = "".join(f"<li>{escape(r)}</li>" for r in reasons)
            phases_text = "; ".join(phases)
            out.append(
                f"<li><strong>{escape(heading)}</strong>"
                + (f" — {escape(phases_text)}" if phases_text else "")
                + (f"<ul>{items}</ul>" if items else "")
                + "</li>"
            )
        out.append("</ul>")
    out.append("</section>")
    out.append(f'<section id="commitments"><h2>{escape(t("report.commitments", lang))}</h2>')
    out.append(
        "<p>"
        + _message(
            "report.commitment_figures",
            lang,
            figures["commitments"],
            {k: f"commitments.{k}" for k in figures["commitments"]},
        )
        + "</p>"
    )
    out.append(_html_table(view.keeping_table(), "keeping-table") + "</section>")
    out.append(f'<section id="rectifications"><h2>{escape(t("report.rectifications", lang))}</h2>')
    out.append(
        "<p>"
        + _message(
            "report.rectification_figures",
            lang,
            figures["rectifications"],
            {k: f"rectifications.{k}" for k in figures["rectifications"]},
        )
        + "</p>"
    )
    out.append(f"<p>{escape(view.rectifications_listed())}</p>")
    out.append(_html_table(view.rectifications_table(), "rectification-table") + "</section>")
    out.append(f'<section id="grades"><h2>{escape(t("report.grades", lang))}</h2>')
    grades = view.grades_table()
    out.append(
        _html_table(grades, "grade-table")
        if grades.rows
        else f"<p>{escape(t('report.no_grades', lang))}</p>"
    )
    out.append("</section>")
    out.append(f'<section id="awards"><h2>{escape(t("report.awards", lang))}</h2>')
    awards = view.awards_table()
    out.append(
        _html_table(awards, "award-table")
        if awards.rows
        else f"<p>{escape(t('report.no_awards', lang))}</p>"
    )
    out.append("</section></body></html>\n")
    # (an ESC from a unit's name: ^[, as on a terminal; a zero-width space's <U+200B>
    # escaped, else a browser reads it as a tag)
    return _MARKER.sub(r"&lt;\1&gt;", visible("\n".join(out)))


# -- Markdown ----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+-])")
_MD_NUMBERED = re.compile(r"^(\s*\d{1,9})([.)])(?=[ \t]|$)")  # "1. ": a list; "100.0%": not


def md_escape(text: str) -> str:
    """Text shown literally in Markdown (and in the HTML it becomes): no markup,
    no tags, no links, no table breaks, no line that starts a list or heading."""
    text = re.sub(r"\s*[\r\n]+\s*", " ", text)
    text = escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(r"\1\\\2", text)
    return _MD_NUMBERED.sub(r"\1\\\2", text)


def _md_cell(value: Any) -> str:
    return md_escape(value.text if isinstance(value, _Cell) else str(value))


def _md_table(table: _Table) -> list[str]:
    if not table.rows:
        return []
    lines = [
        "| " + " | ".join(_md_cell(h) for h in table.headers) + " |",
        "|" + "|".join(" --- " for _ in table.headers) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in table.rows]
    return [*lines, ""]


def report_markdown(summary: Summary, lang: str, now: datetime | None = None) -> str:
    view = _View(summary, lang, now or _now(summary))
    report = view.report
    md: Callable[[str], str] = md_escape
    out = [f"# {md(view.title())}", ""]
    out.append(md(t("report.stamp", lang, **view.stamp_params())))
    out.append("")
    if report.known_at is not None:
        out += [md(t("report.known_at", lang, moment=report.known_at.isoformat())), ""]
    if view.check():
        out += [md(view.check()), ""]
    out += [md(view.generated()), ""]
    out += [f"## {md(t('report.overview', lang))}", ""]
    out += [md(t("report.units_count", lang, n=len(report.units))), ""]
    for line in view.phase_lines():
        line.pop("key")
        out.append(f"- {md(t('report.phase_line', lang, **line))}")
    out.append("")
    out += [f"## {md(t('report.chart', lang))}", ""]
    chart = view.chart()
    if chart is not None:
        svg = base64.b64encode(chart.encode()).decode()
        out += [f"![{md(t('report.chart_alt', lang))}](data:image/svg+xml;base64,{svg})", ""]
    else:
        out += [md(t("report.no_chart", lang)), ""]
    out += [f"## {md(t('report.phases', lang))}", ""]
    if report.units:
        out += [md(t("report.legend", lang)), ""]
        out += _md_table(view.phases_table())
    else:
        out += [md(t("report.no_units", lang)), ""]
    out += [f"## {md(t('report.behind', lang))}", ""]
    behind = view.behind()
    if not behind:
        out += [md(t("report.nobody_behind", lang)), ""]
    for heading, phases, reasons in behind:
        head = f"- **{md(heading)}**" + (f" — {md('; '.join(phases))}" if phases else "")
        out.append(head)
        out += [f"  - {md(r)}" for r in reasons]
    out.append("")
    figures = view.figures()
    out += [f"## {md(t('report.commitments', lang))}", ""]
    out += [md(t("report.commitment_figures", lang, **figures["commitments"])), ""]
    out += _md_table(view.keeping_table())
    out += [f"## {md(t('report.rectifications', lang))}", ""]
    out += [md(t("report.rectification_figures", lang, **figures["rectifications"])), ""]
    out += [md(view.rectifications_listed()), ""]
    out += _md_table(view.rectifications_table())
    out += [f"## {md(t('report.grades', lang))}", ""]
    grades = view.grades_table()
    out += _md_table(grades) if grades.rows else [md(t("report.no_grades", lang)), ""]
    out += [f"## {md(t('report.awards', lang))}", ""]
    awards = view.awards_table()
    out += _md_table(awards) if awards.rows else [md(t("report.no_awards", lang)), ""]
    return visible("\n".join(out)) + "\n"

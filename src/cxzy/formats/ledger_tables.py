"""The ledger as tables for people: sheet names, headers and words in their
language, one row per line of the ledger. The XLSX and CSV writers lay these
tables out; they add nothing of their own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cxzy import __version__
from cxzy.application.ledger import Ledger, RectificationRow
from cxzy.domain.schema import RATING_KEYS
from cxzy.domain.template import ALL_COMMITMENTS_FULFILLED, Template
from cxzy.i18n import code_label, t

COVER = "cover"
#: The tables' keys in order (the CSV ledger's file names): known before the ledger
#: is read, so that an export can look at the folder it will write first.
SHEET_KEYS = (
    COVER,
    "units",
    "checklist",
    "commitments",
    "keeping",
    "rectifications",
    "reviews",
    "activities",
    "awards",
)


@dataclass(frozen=True)
class Cell:
    """A value with a state code, which the writers show in its colour."""

    value: Any
    state: str | None = None


@dataclass
class Table:
    key: str  # stable, English: the CSV file's name
    title: str  # the sheet's name, in the reader's language
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    total_row: bool = False  # the last row sums the others: kept out of a sheet's filter

    @property
    def cover(self) -> bool:
        return self.key == COVER


def _yes(value: bool, lang: str) -> str:
    return t("yes" if value else "no", lang)


def _changes(changes: Iterable[tuple[date, date, str]]) -> str:
    return "; ".join(f"{day.isoformat()} → {to.isoformat()} ({why})" for day, to, why in changes)


def _verifications(r: RectificationRow, lang: str) -> str:
    parts = []
    for day, accepted, verifier, note in r.verifications:
        words = t("accepted" if accepted else "rejected", lang)
        extra = ": ".join(x for x in (verifier, note) if x)
        parts.append(f"{day.isoformat()} {words}" + (f" ({extra})" if extra else ""))
    return "; ".join(parts)


def _cover(ledger: Ledger, lang: str, sheets: list[str], now: datetime) -> Table:
    report = ledger.report
    title = t("ledger_title", lang, title=report.title)
    known = report.known_at.isoformat() if report.known_at else t("cover.live", lang)
    rows: list[list[Any]] = [
        [t("cover.campaign", lang), report.campaign.code],
        [t("cover.template", lang), report.template.title.get(lang, report.template.key)],
        [t("cover.as_of", lang), report.as_of],
        [t("cover.known_at", lang), known],
        [t("cover.position", lang), report.position],
        [t("cover.head", lang), report.head_hash or ""],
        [t("cover.generated", lang), now.isoformat(timespec="seconds")],
        [t("cover.program", lang), f"cxzy {__version__}"],
        [t("cover.sheets", lang), " · ".join(sheets)],
        [t("cover.checkpoint", lang), ledger.checkpoint or t("cover.no_checkpoint", lang)],
        # (how to check it: only when there is one to check against)
        *([[t("cover.check", lang), ""]] if ledger.checkpoint else []),
    ]
    return Table(COVER, t("sheet.cover", lang), [title, ""], rows)


def ledger_tables(ledger: Ledger, lang: str, now: datetime | None = None) -> list[Table]:
    """The cover and the ledger's sheets, in order."""
    report, template = ledger.report, ledger.report.template

    def phase_name(key: str) -> str:
        return template.phase(key).short.get(lang, key)

    def item_name(phase: str, key: str) -> str:
        item = next(i for i in template.phase(phase).items if i.key == key)
        return item.name.get(lang, key)

    units = Table(
        "units",
        t("sheet.units", lang),
        [
            t("col.unit", lang),
            t("col.name", lang),
            t("col.kind", lang),
            t("col.parent", lang),
            t("col.grade", lang),
            *(phase_name(p.key) for p in template.phases),
            t("col.c_total", lang),
            t("col.c_fulfilled", lang),
            t("col.c_overdue", lang),
            t("col.r_total", lang),
            t("col.r_open", lang),
            t("col.r_overdue", lang),
            t("col.r_supervised", lang),
            t("col.r_escalated", lang),
            t("col.awards", lang),
        ],
    )
    for u in report.units:
        phases = []
        for p in template.phases:
            status = u.phases[p.key]
            done, total = status.progress
            phases.append(Cell(f"{t(status.status, lang)} {done}/{total}", status.status))
        c, r = u.commitments, u.rectifications
        units.rows.append(
            [
                u.unit,
                u.name,
                code_label("unit_kind", u.kind, lang),
                u.parent or "",
                Cell(code_label("grade", u.grade, lang), u.grade) if u.grade else "",
                *phases,
                c.total,
                c.closed,
                c.overdue,
                r.total,
                r.open,
                r.overdue,
                r.supervised_open,
                r.escalated,
                u.awards,
            ]
        )

    checklist = Table(
        "checklist",
        t("sheet.checklist", lang),
        [
            t("col.unit", lang),
            t("col.name", lang),
            t("col.phase", lang),
            t("col.phase_status", lang),
            t("col.item", lang),
            t("col.deadline", lang),
            t("col.state", lang),
            t("col.done_on", lang),
            t("col.evidence", lang),
        ],
    )
    for row in ledger.checklist:
        evidence = row.evidence or ""
        if row.total is not None:
            # as the dashboard's unit screen says it: commitments are fulfilled, not closed
            fulfilled = _all_closed(template, row.phase, row.item) == ALL_COMMITMENTS_FULFILLED
            words = "tui_fulfilled_of" if fulfilled else "tui_closed_of"
            evidence = t(words, lang, closed=row.closed, total=row.total)
        checklist.rows.append(
            [
                row.unit,
                row.name,
                phase_name(row.phase),
                Cell(t(row.phase_status, lang), row.phase_status),
                item_name(row.phase, row.item),
                row.deadline,
                Cell(t(row.state, lang), row.state),
                row.done_on or "",
                evidence,
            ]
        )

    commitments = Table(
        "commitments",
        t("sheet.commitments", lang),
        [
            t("col.commitment", lang),
            t("col.unit", lang),
            t("col.name", lang),
            t("col.text", lang),
            t("col.public", lang),
            t("col.person", lang),
            t("col.made_on", lang),
            t("col.first_due", lang),
            t("col.due_changes", lang),
            t("col.due", lang),
            t("col.fulfilled_on", lang),
            t("col.result", lang),
            t("col.renegotiated", lang),
            t("col.note", lang),
        ],
    )
    for c in ledger.commitments:
        commitments.rows.append(
            [
                c.commitment,
                c.unit,
                c.name,
                c.text,
                _yes(c.public, lang),
                c.person or "",
                c.made_on,
                c.first_due,
                _changes(c.changes),
                c.due,
                c.fulfilled_on or "",
                Cell(code_label("result", c.result, lang), c.result),
                _yes(c.renegotiated, lang),
                c.note or "",
            ]
        )

    keeping = Table(
        "keeping",
        t("sheet.keeping", lang),
        [
            t("col.unit", lang),
            t("col.name", lang),
            t("col.c_total", lang),
            t("col.kept", lang),
            t("col.kept_late", lang),
            t("col.broken", lang),
            t("col.not_due", lang),
            t("col.renegotiated", lang),
            t("col.rate", lang),
            t("col.on_time_rate", lang),
        ],
        total_row=True,
    )
    sums = [0] * 6
    for k in ledger.keeping:
        figures = [k.total, k.kept, k.kept_late, k.broken, k.open, k.renegotiated]
        sums = [a + b for a, b in zip(sums, figures, strict=True)]
        keeping.rows.append([k.unit, k.name, *figures, _rate(k.rate), _rate(k.on_time_rate)])
    due = sums[1] + sums[2] + sums[3]
    keeping.rows.append(
        [
            t("total_row", lang),
            "",
            *sums,
            _rate((sums[1] + sums[2]) / due if due else None),
            _rate(sums[1] / due if due else None),
        ]
    )

    rectifications = Table(
        "rectifications",
        t("sheet.rectifications", lang),
        [
            t("col.rectification", lang),
            t("col.unit", lang),
            t("col.name", lang),
            t("col.issue", lang),
            t("col.source", lang),
            t("col.owner", lang),
            t("col.supervised", lang),
            t("col.opened_on", lang),
            t("col.first_deadline", lang),
            t("col.extensions", lang),
            t("col.deadline_now", lang),
            t("col.public_criticism", lang),
            t("col.accountability", lang),
            t("col.completed_on", lang),
            t("col.verifications", lang),
            t("col.verifier", lang),
            t("col.closed_on", lang),
            t("col.state", lang),
            t("col.progress", lang),
        ],
    )
    for r in ledger.rectifications:
        rectifications.rows.append(
            [
                r.rectification,
                r.unit,
                r.name,
                r.issue,
                code_label("source", r.source, lang),
                r.owner or "",
                _yes(r.supervised, lang),
                r.opened_on,
                r.first_deadline,
                _changes(r.extensions),
                r.deadline,
                r.public_criticism_on or "",
                r.accountability_on or "",
                r.completed_on or "",
                _verifications(r, lang),
                r.verifier or "",
                r.closed_on or "",
                Cell(code_label("rect_state", r.state, lang), _RECT_COLOURS[r.state]),
                r.progress or "",
            ]
        )

    reviews = Table(
        "reviews",
        t("sheet.reviews", lang),
        [
            t("col.day", lang),
            t("col.unit", lang),
            t("col.name", lang),
            t("col.review_kind", lang),
            t("col.method", lang),
            t("col.reviewer", lang),
            t("col.grade", lang),
            *(t(f"rating.{key}", lang) for key in RATING_KEYS),
            t("col.verdict", lang),
            t("col.note", lang),
            t("col.review", lang),
        ],
    )
    for v in ledger.reviews:
        reviews.rows.append(
            [
                v.day,
                v.unit,
                v.name,
                code_label("review_kind", v.kind, lang),
                code_label("method", v.method, lang),
                v.reviewer or "",
                Cell(code_label("grade", v.grade, lang), v.grade) if v.grade else "",
                *(v.ratings.get(key, "") for key in RATING_KEYS),
                Cell(code_label("verdict", v.verdict, lang), _VERDICT_COLOURS.get(v.verdict or ""))
                if v.verdict
                else "",
                v.note or "",
                v.review or "",
            ]
        )

    activities = Table(
        "activities",
        t("sheet.activities", lang),
        [
            t("col.day", lang),
            t("col.unit", lang),
            t("col.name", lang),
            t("col.activity_kind", lang),
            t("col.title", lang),
            t("col.participants", lang),
            t("col.activity", lang),
            t("col.by", lang),
        ],
    )
    for a in ledger.activities:
        activities.rows.append(
            [
                a.day,
                a.unit,
                a.name,
                template.kind_label(a.kind, lang),
                a.title,
                a.participants if a.participants is not None else "",
                a.activity or "",
                a.by or "",
            ]
        )

    awards = Table(
        "awards",
        t("sheet.awards", lang),
        [
            t("col.day", lang),
            t("col.unit", lang),
            t("col.name", lang),
            t("col.award_title", lang),
            t("col.level", lang),
            t("col.awardee", lang),
        ],
    )
    for w in ledger.awards:
        awards.rows.append(
            [
                w.day,
                w.unit,
                w.name,
                code_label("award_title", w.title, lang),
                code_label("award_level", w.level, lang),
                w.person or "",
            ]
        )

    sheets = [
        units,
        checklist,
        commitments,
        keeping,
        rectifications,
        reviews,
        activities,
        awards,
    ]
    # in the campaign's zone, as every other time of the ledger (was the machine's: UTC)
    now = now or datetime.now(ZoneInfo(ledger.report.campaign.timezone))
    cover = _cover(ledger, lang, [s.title for s in sheets], now)
    return [cover, *sheets]


def _all_closed(template: Template, phase: str, key: str) -> str | None:
    return next(i for i in template.phase(phase).items if i.key == key).all_closed


def _rate(value: float | None) -> float | str:
    """A rate as it is: rounded once, where it is shown (the workbook's ``0.0%``, the
    CSV's one decimal). Rounded here to four places first, 15/19 read 79.0 % where
    the report, and the rule, read 78.9 %."""
    return "" if value is None else value


#: Colours of the ledger's own states, by the state word they read like.
_RECT_COLOURS = {"closed": "done", "overdue": "overdue", "awaiting": "active", "open": "active"}
_VERDICT_COLOURS = {"commend": "done", "ok": "pending", "criticize": "overdue"}

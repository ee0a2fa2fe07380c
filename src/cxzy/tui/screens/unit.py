"""One unit: why each checklist item is where it is, and everything it did."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from cxzy.application.dashboard import LogRow, Snapshot, UnitDetail
from cxzy.application.history import late_days
from cxzy.i18n import t
from cxzy.styles import STATE_STYLES
from cxzy.tui.components.header_bar import HeaderBar
from cxzy.tui.keys import localize_bindings


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, expand=True)
    for column in columns:
        table.add_column(column)
    return table


def _lit(value: Any) -> Text:
    """Text from events, shown literally: no markup, no escape codes."""
    return Text(str(value if value is not None else "").replace("\x1b", "^["))


class UnitScreen(Screen[None]):
    DEFAULT_CSS = """
    UnitScreen VerticalScroll { height: 1fr; padding: 0 1; }
    UnitScreen .section { margin: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape", "back", "back")]

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.lang)  # type: ignore[attr-defined]
        yield HeaderBar(t("tui_loading", self.app.lang))  # type: ignore[attr-defined]
        with VerticalScroll():
            yield Static(t("tui_loading", self.app.lang), id="body")  # type: ignore[attr-defined]
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "snapshot", self.refresh_detail, init=True)

    def refresh_detail(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            self.query_one(HeaderBar).show(snapshot, self.app.clock, self.app.lang)  # type: ignore[attr-defined]
            self.load(snapshot)

    @work(thread=True, exclusive=True, group="unit")
    def load(self, snapshot: Snapshot) -> None:
        detail = self.app.query_.unit_detail(snapshot.report, self.unit)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.render_detail, snapshot, detail)

    def render_detail(self, snapshot: Snapshot, detail: UnitDetail) -> None:
        lang = self.app.lang  # type: ignore[attr-defined]
        report = snapshot.report
        unit = next((u for u in report.units if u.unit == self.unit), None)
        if unit is None:
            self.query_one("#body", Static).update(Text(t("unknown_unit", lang, unit=self.unit)))
            return
        parts: list[Any] = [
            Text(t("tui_unit_title", lang, name=unit.name, unit=unit.unit), style="bold"),
            Text(
                f"{t('grade', lang)}: {t(unit.grade, lang) if unit.grade else '-'}   "
                f"{t('tui_contact', lang)}: {', '.join(detail.contacts) or t('tui_none', lang)}"
            ),
        ]
        checklist = _table(t("tui_checklist", lang), "", "", "", t("tui_evidence", lang))
        items = {i.key: i for p in report.template.phases for i in p.items}
        phases = {p.key: p for p in report.template.phases}
        for item in detail.items:
            spec = items[item.item]
            if item.evidence is not None:
                ev = item.evidence
                why = _lit(f"{ev.day} {ev.summary or ev.type} ({ev.by or '-'})")
                if late_days(ev.at, ev.recorded, report.template.late_report_days):
                    why.append(f" {t('tui_reported_late', lang)}", style="yellow")
            elif item.total is not None:
                why = Text(t("tui_closed_of", lang, closed=item.closed, total=item.total))
            elif item.state == "missed":
                why = Text(t("tui_why_missed", lang, deadline=spec.deadline))
            else:
                why = Text(t("tui_why_open", lang, deadline=spec.deadline))
            checklist.add_row(
                phases[item.phase].short.get(lang, item.phase),
                spec.name.get(lang, item.item),
                Text(t(item.state, lang), style=STATE_STYLES.get(item.state, "")),
                why,
            )
        parts.append(checklist)
        parts.append(self._lives(t("tui_commitment", lang), detail.commitments))
        parts.append(self._lives(t("tui_rectification", lang), detail.rectifications))
        reviews = _table(t("tui_reviews", lang), *("day", "kind", "grade", "ratings", "note"))
        for review in detail.reviews:
            ratings = review.get("ratings") or {}
            reviews.add_row(
                str(review["day"]),
                _lit(review["kind"]),
                _lit(t(review["grade"], lang) if review.get("grade") else "-"),
                _lit(" ".join(f"{k[:4]}={v}" for k, v in ratings.items())),
                _lit(review.get("note") or review.get("verdict") or ""),
            )
        parts.append(reviews)
        limit = report.template.late_report_days
        late_mark = t("tui_reported_late", lang)

        def late(row: LogRow) -> Text:
            """Recorded more than the template's days after it happened (an auditor's fact)."""
            return (
                Text(late_mark, style="yellow")
                if late_days(row.at, row.recorded, limit)
                else Text("")
            )

        activities = _table(t("tui_activities", lang), *("day", "title", "by", ""))
        for row in detail.activities:
            activities.add_row(str(row.day), _lit(row.summary), _lit(row.by), late(row))
        parts.append(activities)
        awards = _table(t("tui_awards_title", lang), *("day", "title", "level", "person"))
        for award in detail.awards:
            awards.add_row(
                str(award["day"]),
                _lit(award["title"]),
                _lit(award["level"]),
                _lit(award.get("person")),
            )
        parts.append(awards)
        visits = _table(t("tui_visits", lang), *("day", "note", "by", ""))
        for row in detail.visits:
            visits.add_row(str(row.day), _lit(row.summary), _lit(row.by), late(row))
        parts.append(visits)
        self.query_one("#body", Static).update(Group(*parts))

    @staticmethod
    def _lives(title: str, lives: list[dict[str, Any]]) -> Table:
        table = _table(title, *("id", "day", "record", "detail"))
        for life in lives:
            for n, record in enumerate(life["history"]):
                detail = {
                    k: v
                    for k, v in record.items()
                    if k
                    not in ("type", "at", "id", "day", "by", "commitment", "rectification", "unit")
                }
                table.add_row(
                    _lit(life["code"]) if n == 0 else Text(""),
                    str(record["day"]),
                    _lit(record["type"]),
                    _lit(", ".join(f"{k}={v}" for k, v in detail.items())),
                )
        return table

    def action_back(self) -> None:
        self.app.pop_screen()

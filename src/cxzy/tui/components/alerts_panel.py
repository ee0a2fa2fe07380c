"""Open rectifications and unfulfilled commitments, most urgent first, and missed items."""

from __future__ import annotations

from rich.text import Text

from cxzy.application.dashboard import Snapshot
from cxzy.i18n import t
from cxzy.literal import literal
from cxzy.styles import URGENCY_STYLES
from cxzy.tui.components.tables import Cell, Table, fill


class AlertsPanel(Table):
    DEFAULT_CSS = """
    AlertsPanel { height: 1fr; }
    AlertsPanel > .datatable--fixed { background: $surface; }  /* as the other cells */
    """

    def __init__(self, **kwargs: object) -> None:
        # when and which unit stay in sight as the alert's text is scrolled (End
        # scrolled them away, the unit's name cut from its left)
        super().__init__(cursor_type="row", fixed_columns=2, **kwargs)  # type: ignore[arg-type]
        self._shown: tuple[object, ...] = ()
        self.units: list[str | None] = []  # each row's unit, by place (Enter opens it)

    def show(self, snapshot: Snapshot, lang: str) -> None:
        names = {u.unit: u.name for u in snapshot.report.units}
        shown = (lang, snapshot.alerts, snapshot.missed, snapshot.open_total, names)
        if shown == self._shown:  # most live updates leave the alerts as they were
            return
        self._shown = shown
        # the unit second: on a narrow panel it is what an alert must show
        columns = [(key, t(f"tui_col_{key}", lang)) for key in ("when", "unit", "what", "text")]
        rows: list[tuple[str, list[Cell]]] = []  # keyed by place: a step keeps the rows
        units: list[str | None] = []
        for alert in snapshot.alerts:
            style = URGENCY_STYLES[alert.urgency]
            if alert.days_left < 0:
                when = t("tui_days_over", lang, n=-alert.days_left)
            else:
                when = t("tui_days_left", lang, n=alert.days_left)
            flags = []
            if alert.supervised:
                flags.append(t("tui_flag_supervised", lang))
            if alert.escalated:
                flags.append(t("tui_flag_escalated", lang))
            what = Text(t(f"tui_{alert.kind}", lang))
            if flags:
                what.append(" [" + ",".join(flags) + "]", style="bold magenta")
            rows.append(
                (
                    f"row-{len(rows)}",
                    [
                        Text(when, style=style),
                        literal(names.get(alert.unit, alert.unit)),
                        what,
                        literal(f"{alert.code} {alert.text}"),
                    ],
                )
            )
            units.append(alert.unit)
        more = snapshot.open_total - len(snapshot.alerts)
        if more > 0:
            rows.append((f"row-{len(rows)}", ["", "", "", Text(t("tui_more_open", lang, n=more))]))
            units.append(None)
        missed_by_unit: dict[str, list[str]] = {}
        template = snapshot.report.template
        item_names = {i.key: i.name.get(lang, i.key) for p in template.phases for i in p.items}
        for missed in snapshot.missed:
            missed_by_unit.setdefault(missed.unit, []).append(
                item_names.get(missed.item, missed.item)
            )
        for unit, items in missed_by_unit.items():
            rows.append(
                (
                    f"row-{len(rows)}",
                    [
                        Text(t("missed", lang), style="red"),
                        literal(names.get(unit, unit)),
                        Text(t("tui_missed", lang)),
                        Text(", ".join(items)),
                    ],
                )
            )
            units.append(unit)
        self.units = units
        fill(self, columns, rows)

    def unit_at(self, row: int) -> str | None:
        """The unit of the alert at that row (None for the count of the rest)."""
        return self.units[row] if 0 <= row < len(self.units) else None

"""Open rectifications and unfulfilled commitments, most urgent first, and missed items."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.widgets.data_table import ColumnKey

from cxzy.application.dashboard import Alert, Snapshot
from cxzy.i18n import t
from cxzy.literal import literal_line
from cxzy.tui.components.tables import Cell, Table, cut, fill

COLUMNS = ("when", "unit", "what", "text")
#: What the text column keeps in sight before a unit's name is cut: an id and the
#: start of what the alert is about ("R-ZP-1 [督办] 党组…").
TEXT_MIN = 16
#: A unit's name is never cut shorter than this ("综合普…").
UNIT_MIN = 7
#: The text column's widest: what lies beyond is seen by scrolling, up to here.
TEXT_MAX = 120


@dataclass(frozen=True)
class Among:
    """The alerts of the units a filter shows (read for them, not picked from the
    campaign's most urgent: a division's are seldom among those)."""

    units: frozenset[str]
    alerts: list[Alert]


@dataclass(frozen=True)
class _Row:
    when: Text
    unit: str  # the unit's name, whole
    what: Text
    text: Text
    code: str | None  # the unit (Enter opens it); None for the count of the rest
    key: str  # which alert it is, whatever its place (the cursor stays on it)


class AlertsPanel(Table):
    DEFAULT_CSS = """
    AlertsPanel { height: 1fr; scrollbar-size-vertical: 1; }
    AlertsPanel > .datatable--fixed { background: $surface; }  /* as the other cells */
    """

    def __init__(self, **kwargs: object) -> None:
        # when and which unit stay in sight as the alert's text is scrolled (End
        # scrolled them away, the unit's name cut from its left)
        super().__init__(cursor_type="row", fixed_columns=2, **kwargs)  # type: ignore[arg-type]
        self._shown: tuple[object, ...] = ()
        self._title: str | None = None  # the border's, as last set
        self._rows: list[_Row] = []
        self._labels: list[str] = []
        self._laid_out: tuple[object, ...] = ()
        self.units: list[str | None] = []  # each row's unit, by place (Enter opens it)
        self._keys: list[str] = []  # each row's alert, by place, as last filled

    def show(self, snapshot: Snapshot, lang: str, among: Among | None = None) -> None:
        """The snapshot's alerts, or those among a filter's units (read for them)."""
        names = _names(snapshot)
        alerts, missed, open_total = snapshot.alerts, snapshot.missed, snapshot.open_total
        if among is not None:
            alerts = among.alerts
            missed = snapshot.missed_among(among.units)
            open_total = snapshot.open_among(among.units)
        title = t("tui_alerts", lang)
        if among is not None:
            title = f"{title} · {t('tui_alerts_filtered', lang)}"
        if title != self._title:  # (setting it repaints the whole panel: 6 ms a live update)
            self._title = self.border_title = title
        shown = (lang, alerts, missed, open_total, names)
        if shown == self._shown:  # most live updates leave the alerts as they were
            return
        self._shown = shown
        palette = self.app.palette  # type: ignore[attr-defined]
        rows: list[_Row] = []
        for alert in alerts:
            style = palette.urgency[alert.urgency]
            if alert.days_left < 0:
                when = t("tui_alert_over", lang, n=-alert.days_left)
            else:
                when = t("tui_alert_left", lang, n=alert.days_left)
            # the flags follow the id: in sight whenever it is
            text = literal_line(alert.code)
            flags = []
            if alert.supervised:
                flags.append(t("tui_flag_supervised", lang))
            if alert.escalated:
                flags.append(t("tui_flag_escalated", lang))
            if flags:
                text.append(" [" + ",".join(flags) + "]", style=palette.flags)
            text.append_text(literal_line(f" {alert.text}"))
            name = names.get(alert.unit, alert.unit)
            what = Text(t(f"tui_alert_{alert.kind}", lang))
            key = f"{alert.kind}:{alert.code}"
            rows.append(_Row(Text(when, style=style), name, what, text, alert.unit, key))
        more = open_total - len(alerts)
        if more > 0:
            more_text = Text(t("tui_more_open", lang, n=more))
            rows.append(_Row(Text(), "", Text(), more_text, None, "more"))
        missed_by_unit: dict[str, list[str]] = {}
        template = snapshot.report.template
        item_names = {i.key: i.name.get(lang, i.key) for p in template.phases for i in p.items}
        for one in missed:
            missed_by_unit.setdefault(one.unit, []).append(item_names.get(one.item, one.item))
        for unit, items in missed_by_unit.items():
            when = Text(t("missed", lang), style=palette.states["missed"])
            what = Text(t("tui_alert_missed", lang))
            missed_row = _Row(
                when, names.get(unit, unit), what, Text(", ".join(items)), unit, f"missed:{unit}"
            )
            rows.append(missed_row)
        self._rows = rows
        self._labels = [t(f"tui_col_{key}", lang) for key in COLUMNS]
        self.units = [row.code for row in rows]
        self._lay_out()

    def on_resize(self) -> None:
        if self._rows or self._laid_out:  # the unit's and the text's room follow the width
            self._lay_out()

    def _lay_out(self) -> None:
        """The columns as narrow as what they show; the text gets the rest of the
        panel. A unit's name is cut (with "…") only where it would leave the text
        less than ``TEXT_MIN`` columns."""
        rows, labels = self._rows, self._labels
        # the room for the columns: the vertical scrollbar's is kept whether or not
        # it shows (it comes and goes with the number of alerts, not the width)
        room = self.content_region.width - self.styles.scrollbar_size_vertical
        pad = 2 * self.cell_padding

        def widest(label: str, cells: list[str]) -> int:
            return max([cell_len(label), *(cell_len(cell) for cell in cells)])

        when = widest(labels[0], [row.when.plain for row in rows])
        what = widest(labels[2], [row.what.plain for row in rows])
        unit = widest(labels[1], [row.unit for row in rows])
        if room > 0:  # (its cell keeps the whole name: it is drawn cut, with "…")
            unit = min(unit, max(room - when - what - 4 * pad - TEXT_MIN, UNIT_MIN))
        longest = widest(labels[3], [row.text.plain for row in rows])
        text = max(min(longest, TEXT_MAX), room - when - unit - what - 4 * pad)
        widths = {"when": when, "unit": unit, "what": what, "text": text}
        laid_out = (room, tuple(widths.items()), self._shown)
        if laid_out == self._laid_out:
            return
        self._laid_out = laid_out
        cells: list[tuple[str, list[Cell]]] = [  # keyed by place: a step keeps the rows
            (f"row-{n}", [row.when, cut(row.unit), row.what, row.text])
            for n, row in enumerate(rows)
        ]
        # the alert under the cursor, to keep it there: an alert more urgent, come in
        # live, moved the rest down a row, and Enter opened another unit than chosen
        chosen = None
        if (self.has_focus or self.cursor_row > 0) and self.cursor_row < len(self._keys):
            chosen = self._keys[self.cursor_row]
        fill(self, list(zip(COLUMNS, labels, strict=True)), cells, max_width=TEXT_MAX)
        self._keys = [row.key for row in rows]
        if chosen in self._keys and self._keys.index(chosen) != self.cursor_row:
            self.move_cursor(row=self._keys.index(chosen), animate=False)
        # fill's columns only grow (rows keep their place): here they are as wide as
        # what they show now, narrower too after a day with longer words
        changed = {
            key: width
            for key, width in widths.items()
            if self.columns[ColumnKey(key)].width != width
        }
        if changed:
            self.widen(changed)

    def unit_at(self, row: int) -> str | None:
        """The unit of the alert at that row (None for the count of the rest)."""
        return self.units[row] if 0 <= row < len(self.units) else None


def _names(snapshot: Snapshot) -> dict[str, str]:
    """Each unit as the alerts name it: by its name, and its code too where other
    units bear that name (dozens of 第一党支部 in a large tree: which was behind?)."""
    units = snapshot.report.units
    bearing = Counter(u.name for u in units)
    return {u.unit: u.name if bearing[u.name] == 1 else f"{u.name} {u.unit}" for u in units}

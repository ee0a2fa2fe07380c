"""The overview: header, the unit × phase grid, alerts, totals and the progress chart."""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from cxzy.application.dashboard import Snapshot, phase_shares, samples
from cxzy.application.history import LogQuery
from cxzy.domain.errors import Violation
from cxzy.i18n import rendered, t
from cxzy.tui.clock import shown_moment
from cxzy.tui.components.alerts_panel import AlertsPanel, Among
from cxzy.tui.components.header_bar import HeaderBar
from cxzy.tui.components.key_footer import KeyFooter
from cxzy.tui.components.progress_chart import ProgressChart
from cxzy.tui.components.status_grid import StatusGrid, under_typed
from cxzy.tui.components.totals_bar import TotalsBar
from cxzy.tui.keys import localize_bindings, with_full_width
from cxzy.tui.messages import OpenUnit
from cxzy.tui.watching import InSightScreen

#: Terminals at least this wide show the alerts and the chart beside the grid when
#: it leaves them ``SIDE_MIN`` columns; a narrower one gives the grid the whole width
#: (a unit and four phases need about 80 columns) until ``a`` shows them.
WIDE = 120
#: What the alerts need beside the grid: an alert's when, unit and what (decision 118).
SIDE_MIN = 40
#: (Shown by ``a`` on a narrow terminal, the alerts take at least 48 columns: an
#: alert's when, unit, what, and its id and the start of its text.)
#: The alerts' rows, with their border and header, below which the chart gives way
#: to them (on a short terminal the chart took the room and the alerts showed none).
ALERTS_MIN = 6


class OverviewScreen(InSightScreen):
    DEFAULT_CSS = """
    OverviewScreen #main { height: 1fr; }
    OverviewScreen StatusGrid { width: 1fr; }
    OverviewScreen.-wide StatusGrid { width: auto; scrollbar-gutter: stable; }
    OverviewScreen.-wide.-side-hidden StatusGrid { width: 1fr; max-width: 100%; }
    OverviewScreen #side { width: 1fr; }
    OverviewScreen.-narrow #side { display: none; }
    OverviewScreen.-narrow.-side-shown #side { display: block; min-width: 48; }
    OverviewScreen.-wide.-side-hidden #side { display: none; }
    OverviewScreen AlertsPanel { border: round $warning; min-height: 6; }  /* ALERTS_MIN */
    OverviewScreen #notice { height: auto; color: $warning; padding: 0 1; }
    OverviewScreen #empty { height: auto; color: $text-muted; padding: 0 1; display: none; }
    """
    BINDINGS = with_full_width(
        [
            Binding("slash", "filter", "filter"),
            Binding("enter", "open_unit", "open unit", show=False),
            Binding("a", "toggle_side", "alerts"),
        ]
    )

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.lang)  # type: ignore[attr-defined]
        lang = self.app.lang  # type: ignore[attr-defined]
        template = self.app.template  # type: ignore[attr-defined]
        yield HeaderBar(t("tui_loading", lang))
        yield Static("", id="notice")
        yield Static("", id="empty")
        with Horizontal(id="main"):
            yield StatusGrid(id="grid")
            with Vertical(id="side"):
                alerts = AlertsPanel(id="alerts")
                alerts.border_title = t("tui_alerts", lang)
                yield alerts
                yield ProgressChart(
                    t("tui_chart", lang),
                    [(p.key, p.short.get(lang, p.key)) for p in template.phases],
                    id="chart",
                )
        yield TotalsBar("")
        yield KeyFooter()

    def action_toggle_side(self) -> None:
        """Show or hide the alerts and the chart (whatever the width made them); the
        alerts maximized (the palette's Maximize) are put back first: hidden behind
        them, the grid took the keys, and Enter opened a unit nobody could see."""
        if self.maximized is not None:
            self.minimize()
        shown = self.query_one("#side").display
        self.set_class(shown, "-side-hidden")
        self.set_class(not shown, "-side-shown")
        self.call_after_refresh(self._keep_focus)

    def _keep_focus(self) -> None:
        """The alerts hidden (by ``a`` or a narrower terminal) while they had the
        focus: the grid takes it (Textual took it from them, gave it to nothing, and
        the arrows did nothing)."""
        side = self.query_one("#side")
        if not side.display and (self.focused is None or side in self.focused.ancestors):
            self.query_one(StatusGrid).focus()

    _wide: bool | None = None
    _grid_width = 0  # the widest the grid has been, with its gutter
    _said = ""  # what the line above the grid says (nothing, as composed)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)
        self.call_after_refresh(self._fit_chart)

    def _fit_chart(self) -> None:
        """The chart below the alerts where it leaves them ``ALERTS_MIN`` rows (their
        CSS keeps them so when a line above the grid comes: the chart is cut)."""
        chart = self.query_one(ProgressChart)
        rows = len(chart.phases) + chart.styles.gutter.height  # (its border)
        chart.display = self.query_one("#main").size.height >= rows + ALERTS_MIN

    def _fit(self, width: int | None = None) -> None:
        """The grid whole, and the alerts beside it when they have room: ``-wide``
        when the grid, as wide as it has been, leaves them ``SIDE_MIN`` columns
        (the grid widens as counts gain digits: kept, it does not go back and forth).
        Across that line, each width's own layout again: alerts shown by ``a`` at
        180 columns would otherwise cover all but one phase at 80."""
        grid = self.query_one(StatusGrid)
        gutter = grid.styles.scrollbar_size_vertical + grid.styles.gutter.width
        self._grid_width = max(self._grid_width, grid.virtual_size.width + gutter)
        width = self.size.width if width is None else width
        wide = width >= max(WIDE, self._grid_width + SIDE_MIN)
        if wide != self._wide:
            self._wide = wide
            self.set_class(wide, "-wide")
            self.set_class(not wide, "-narrow")
            self.remove_class("-side-shown", "-side-hidden")
            self.call_after_refresh(self._keep_focus)

    def on_mount(self) -> None:
        self.watch(self.query_one(StatusGrid), "virtual_size", lambda _: self._fit(), init=False)
        self.watch_in_sight(self.app, "snapshot", self.show)
        self.watch_in_sight(self.app, "series", self.show_series)
        self.watch(self.app, "connected", self.show_connection, init=True)
        self.query_one(StatusGrid).focus()

    def show(self, snapshot: Snapshot | None) -> None:
        if snapshot is None:
            return
        app = self.app
        lang = app.lang  # type: ignore[attr-defined]
        self.query_one(HeaderBar).show(snapshot, app.clock, lang)  # type: ignore[attr-defined]
        self.show_grid(snapshot)
        self.show_series(app.series)  # type: ignore[attr-defined]

    def show_grid(self, snapshot: Snapshot) -> None:
        """The grid, and why it has no rows when it has none: nothing recorded yet at
        the moment shown, no unit registered by the day shown, or none matching the
        filter; or the filter that narrows it."""
        lang = self.app.lang  # type: ignore[attr-defined]
        grid = self.query_one(StatusGrid)
        grid.show(snapshot, lang)
        report = snapshot.report
        # the totals of what the grid shows: a filter's units, not the campaign's
        narrowed = grid.filter_text and len(grid.shown_units) != len(report.units)
        self.query_one(TotalsBar).show(snapshot, lang, grid.shown_units if narrowed else None)
        # and the alerts of its units: read for them, the panel keeps what it shows
        # until they come (no flash of the campaign's)
        if narrowed:
            self._read_alerts_among(snapshot, frozenset(u.unit for u in grid.shown_units))
        else:
            self.workers.cancel_group(self, "alerts")
            self.query_one(AlertsPanel).show(snapshot, lang)
        text = ""
        if not report.units and report.known_at is not None and report.position == 0:
            text = t("tui_nothing_known", lang, moment=shown_moment(report.known_at))
        elif not report.units:
            text = t("tui_no_units", lang, day=report.as_of.isoformat())
        elif grid.row_count == 0:
            text = t("tui_no_match", lang, text=grid.filter_text)
        elif grid.filter_text:  # a filter narrows the grid: say so, and how to undo it
            shown, total = grid.row_count, len(report.units)
            text = t("tui_filtered", lang, text=grid.filter_text, shown=shown, total=total)
        if text != self._said:  # (a live update seldom changes it: no layout then)
            self._said = text
            empty = self.query_one("#empty", Static)
            empty.update(Text(text))
            empty.display = bool(text)

    @work(thread=True, exclusive=True, group="alerts")
    def _read_alerts_among(self, snapshot: Snapshot, units: frozenset[str]) -> None:
        query = self.app.query_  # type: ignore[attr-defined]
        with self.app.store_reads():  # type: ignore[attr-defined]
            alerts = query.alerts_among(snapshot.report, units)
            self.app.call_from_thread(self._show_alerts_among, snapshot, Among(units, alerts))

    def _show_alerts_among(self, snapshot: Snapshot, among: Among) -> None:
        # (not once another snapshot, or another filter, is shown)
        shown = frozenset(u.unit for u in self.query_one(StatusGrid).shown_units)
        if snapshot is self.app.snapshot and shown == among.units:  # type: ignore[attr-defined]
            lang = self.app.lang  # type: ignore[attr-defined]
            self.query_one(AlertsPanel).show(snapshot, lang, among)

    def show_connection(self, connected: bool) -> None:
        lang = self.app.lang  # type: ignore[attr-defined]
        notice = self.query_one("#notice", Static)
        notice.update("" if connected else t("tui_disconnected", lang))
        notice.display = not connected  # else an empty line above the grid

    def show_series(self, series: dict[str, list[float]] | None) -> None:
        snapshot = self.app.snapshot  # type: ignore[attr-defined]
        if not series or snapshot is None:
            return
        template = snapshot.report.template
        start = template.first_day
        weeks = max(1, samples(start, snapshot.report.as_of))
        lang = self.app.lang  # type: ignore[attr-defined]
        labels = {p.key: p.short.get(lang, p.key) for p in template.phases}
        # the weeks up to the day shown, then the day itself (a week's sample can be
        # six days behind it)
        today = phase_shares(snapshot.report)
        shown = {k: [*v[: weeks - 1], today[k]] for k, v in series.items()}
        # along the whole campaign: a column is the same weeks on any day (a first
        # week was drawn across the whole width, as if it were the campaign)
        span = samples(start, template.last_day)
        self.query_one(ProgressChart).show(shown, labels, span)

    @on(DataTable.RowSelected, "#grid")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if self.is_current:  # (not when a screen was opened over it since)
            self.post_message(OpenUnit(str(event.row_key.value)))

    @on(DataTable.RowSelected, "#alerts")
    def _alert_selected(self, event: DataTable.RowSelected) -> None:
        unit = self.query_one(AlertsPanel).unit_at(event.cursor_row)
        if unit and self.is_current:
            self.post_message(OpenUnit(unit))

    def action_open_unit(self) -> None:
        unit = self.query_one(StatusGrid).selected_unit
        if unit:
            self.post_message(OpenUnit(unit))

    def action_filter(self) -> None:
        from cxzy.tui.screens.prompt import PromptScreen

        grid = self.query_one(StatusGrid)

        def apply(text: str | None) -> None:
            if text is None:  # Esc: the filter on stays on (an empty answer clears it)
                return
            grid.filter_text = text.strip()
            grid.filter_units = frozenset()
            grid.filter_under = None
            if self.app.snapshot is not None:  # type: ignore[attr-defined]
                self.show_grid(self.app.snapshot)  # type: ignore[attr-defined]
            if grid.filter_text:
                self._find_former_name(grid.filter_text)

        prompt = PromptScreen(t("tui_grid_filter_help", self.app.lang), "/", grid.filter_text)  # type: ignore[attr-defined]
        self.app.push_screen(prompt, prompt.then(apply))

    @work(thread=True, exclusive=True, group="filter")
    def _find_former_name(self, text: str) -> None:
        """The unit the filter names by a name it bore before, as ``:`` and ``cxzy log
        --unit`` take it (地矿公司 finds DKGS, renamed since): the log knows it. The
        unit of ``under:`` is looked for so too, and one the log never registered,
        or a name several units bore, is said (as the log's filter says it)."""
        store = self.app.store  # type: ignore[attr-defined]
        if store is None:
            return
        under = under_typed(text)
        with self.app.store_reads():  # type: ignore[attr-defined]
            try:
                code = LogQuery(store).unit_code(text if under is None else under)
            except Violation as violation:  # a name several units bore
                if under is not None:
                    self.app.call_from_thread(self._not_found, text, violation)
                return  # (else the text finds what it shows)
        if code is None and under is not None:
            self.app.call_from_thread(self._not_found, text, Violation("unknown_unit", unit=under))
        elif code is not None:
            self.app.call_from_thread(self._also_find, text, code, under is not None)

    def _also_find(self, text: str, code: str, under: bool) -> None:
        grid = self.query_one(StatusGrid)
        if grid.filter_text != text:  # (another filter since)
            return
        if under:
            grid.filter_under = code
        else:
            grid.filter_units = frozenset({code})
        if self.app.snapshot is not None:  # type: ignore[attr-defined]
            self.show_grid(self.app.snapshot)  # type: ignore[attr-defined]

    def _not_found(self, text: str, violation: Violation) -> None:
        if self.query_one(StatusGrid).filter_text == text:
            self.notify(rendered(violation, self.app.lang), severity="error")  # type: ignore[attr-defined]

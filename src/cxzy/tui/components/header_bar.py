"""Campaign, the day shown, the current phase, the mode, and a phase timeline."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual.widgets import Static

from cxzy.application.dashboard import Snapshot
from cxzy.application.status import StatusReport
from cxzy.i18n import t
from cxzy.literal import one_line
from cxzy.tui.clock import ViewClock, shown_moment


class HeaderBar(Static):
    DEFAULT_CSS = """
    HeaderBar { height: auto; min-height: 3; padding: 0 1; background: $boost; }
    """

    _shown = Text()
    _last: tuple[Snapshot, ViewClock, str] | None = None
    #: whether the store is reachable (a PostgreSQL connection lost: not "LIVE")
    connected = True
    #: whether the store's file was deleted (the state before shown: not "LIVE")
    store_gone = False

    def on_resize(self) -> None:
        if self._last is not None:  # the timeline's form depends on the width
            # (and the height Textual gave it: the lines before, wrapped at the new width)
            self.show(*self._last, resized=True)

    def on_mount(self) -> None:
        if hasattr(self.app, "connected"):  # (the dashboard's: told of each change)
            self.watch(self.app, "connected", self.show_connected)
            self.watch(self.app, "store_gone", self.show_gone)

    def show_gone(self, gone: bool) -> None:
        """The store's file deleted, or one there again: the mode says so (it said
        "LIVE" over the state before once the notice was gone)."""
        self.store_gone = gone
        if self._last is not None:
            self.show(*self._last)

    def show_connected(self, connected: bool) -> None:
        """The store reachable again, or not: the mode says so (it said "LIVE" while
        the dashboard reconnected, showing the state before)."""
        self.connected = connected
        if self._last is not None:
            self.show(*self._last)

    def _timeline(self, report: StatusReport, lang: str) -> Text:
        """The phases and their months; on a narrow terminal their first months only,
        so that every phase still shows, and narrower still on lines broken between
        phases (Textual's wrapping parted "整改" from its month)."""
        room = self.content_region.width
        for form in ("{start:%Y-%m}~{end:%Y-%m}", "{start:%Y-%m}"):
            pieces = []
            for phase in report.template.phases:
                when = form.format(start=phase.start, end=phase.end)
                if phase.end < report.as_of:
                    style = "dim"
                elif phase.start <= report.as_of:
                    style = "reverse bold"
                else:
                    style = ""
                part = Text().append(f" {phase.short.get(lang, phase.key)} {when} ", style=style)
                # a bar between two phases (after the last, it parted nothing)
                pieces.append(_Piece(Text("|", style="dim") if pieces else Text(), part))
            timeline = Text().join(piece.before + piece.text for piece in pieces)
            if room <= 0 or timeline.cell_len <= room:
                return timeline
        return Text("\n").join(_in_lines(pieces, room))

    def show(self, snapshot: Snapshot, clock: ViewClock, lang: str, resized: bool = False) -> None:
        self._last = (snapshot, clock, lang)
        palette = self.app.palette  # type: ignore[attr-defined]
        report = snapshot.report
        template = report.template
        current = [p for p in template.phases if p.key in snapshot.phases]
        if len(current) > 1:  # windows that overlap: each, by its short name
            phase_name = " / ".join(p.short.get(lang, p.key) for p in current)
        elif current:
            phase_name = current[0].name.get(lang, current[0].key)
        else:  # not begun, over, or between two phases' windows
            phase_name = t(f"tui_stage_{snapshot.stage}", lang)
        phase = Text(f"{t('tui_current_phase', lang)}: ")
        phase.append(phase_name, style="bold")
        # the line's pieces, each with what parts it from the one before (dropped at
        # the start of a line) and whether it says again what another says (the day
        # shown is "as of D" already): left out where it would take a line of its own
        pieces = [
            _Piece(Text(), Text(one_line(report.title), style="bold")),
            _Piece(Text(_GAP), Text(f"{t('as_of', lang)} {report.as_of.isoformat()}")),
            _Piece(Text(_GAP), phase),
        ]

        def badge(text: str, style: str) -> None:
            pieces.append(_Piece(Text(_GAP), Text(f" {text} ", style=style)))

        def detail(text: str, style: str, repeats: bool = False) -> None:
            pieces.append(_Piece(Text(" ", style=style), Text(text, style=style), repeats))

        if clock.playing:
            badge(t("tui_replay", lang, speed=clock.speed), palette.badges["replay"])
        elif clock.as_of > clock.today:  # days to come: the deadlines as they stand
            badge(t("tui_ahead", lang), palette.badges["ahead"])  # (as known at a moment too)
            detail(t("tui_ahead_day", lang, day=clock.as_of.isoformat()), palette.ahead)
        elif clock.known_at is not None:
            badge(t("tui_historical", lang), palette.badges["historical"])
        elif clock.as_of != clock.today:
            badge(t("tui_historical", lang), palette.badges["historical"])
            detail(t("tui_past_day", lang, day=clock.as_of.isoformat()), palette.past, repeats=True)
        elif self.store_gone:
            badge(t("tui_store_gone", lang), palette.badges["gone"])
        elif not self.connected:
            badge(t("tui_offline", lang), palette.badges["offline"])
        else:
            badge(t("tui_live", lang), palette.badges["live"])
        if clock.known_at is not None:  # (a replay of what was known then too)
            detail(t("tui_known_at", lang, moment=shown_moment(clock.known_at)), palette.past)
        step = t("tui_step", lang, step=t("tui_" + clock.step, lang))
        pieces.append(_Piece(Text(_GAP, style="dim"), Text(step, style="dim")))
        room = self.content_region.width
        lines = _in_lines(pieces, room)
        needed = [piece for piece in pieces if not piece.repeats]
        if len(needed) < len(pieces) and len(_in_lines(needed, room)) < len(lines):
            lines = _in_lines(needed, room)
        shown = Text("\n").join([*lines, self._timeline(report, lang)])
        # its height follows its lines: a layout pass only when their number changed,
        # or after a resize
        relayout = resized or shown.plain.count("\n") != self._shown.plain.count("\n")
        if shown != self._shown or resized:  # a live update seldom changes it
            self.update(shown, layout=relayout)
            self._shown = shown


_GAP = "  "  # between the header's pieces


class _Piece(NamedTuple):
    before: Text  # what parts it from the piece before it on its line
    text: Text
    repeats: bool = False  # says again what another piece says


def _in_lines(pieces: list[_Piece], room: int) -> list[Text]:
    """The pieces on lines, a new line where the next would not fit (never inside a
    piece: "按 2011-05-18T15:00+08:00" and "时库中所知" were parted); on one
    line before the header is laid out."""
    lines = [Text()]
    for before, text, _ in pieces:
        if not lines[-1]:
            lines[-1].append_text(text)
        elif room > 0 and lines[-1].cell_len + before.cell_len + text.cell_len > room:
            lines.append(Text().append_text(text))
        elif before.style == text.style and not text.spans:  # one span, as drawn
            lines[-1].append(before.plain + text.plain, style=text.style)
        else:
            lines[-1].append_text(before).append_text(text)
    return lines

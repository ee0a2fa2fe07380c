"""Campaign, the day shown, the current phase, the mode, and a phase timeline."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cxzy.application.dashboard import Snapshot
from cxzy.application.status import StatusReport
from cxzy.i18n import t
from cxzy.literal import visible
from cxzy.tui.clock import ViewClock


class HeaderBar(Static):
    DEFAULT_CSS = """
    HeaderBar { height: 3; padding: 0 1; background: $boost; }
    """

    _shown = Text()
    _last: tuple[Snapshot, ViewClock, str] | None = None

    def on_resize(self) -> None:
        if self._last is not None:  # the timeline's form depends on the width
            self.show(*self._last)

    def _timeline(self, report: StatusReport, lang: str) -> Text:
        """The phases and their months; on a narrow terminal their first months only,
        so that every phase still shows."""
        room = self.content_region.width
        for form in ("{start:%Y-%m}~{end:%Y-%m}", "{start:%Y-%m}"):
            timeline = Text()
            for phase in report.template.phases:
                when = form.format(start=phase.start, end=phase.end)
                if phase.end < report.as_of:
                    style = "dim"
                elif phase.start <= report.as_of:
                    style = "reverse bold"
                else:
                    style = ""
                timeline.append(f" {phase.short.get(lang, phase.key)} {when} ", style=style)
                timeline.append("|", style="dim")
            if room <= 0 or timeline.cell_len <= room:
                break
        return timeline

    def show(self, snapshot: Snapshot, clock: ViewClock, lang: str) -> None:
        self._last = (snapshot, clock, lang)
        report = snapshot.report
        line = Text()
        line.append(visible(report.title), style="bold")
        line.append(f"  {t('as_of', lang)} {report.as_of.isoformat()}  ")
        template = report.template
        current = [p for p in template.phases if p.key in snapshot.phases]
        if len(current) > 1:  # windows that overlap: each, by its short name
            phase_name = " / ".join(p.short.get(lang, p.key) for p in current)
        elif current:
            phase_name = current[0].name.get(lang, current[0].key)
        else:  # not begun, over, or between two phases' windows
            phase_name = t(f"tui_stage_{snapshot.stage}", lang)
        line.append(f"{t('tui_current_phase', lang)}: ")
        line.append(phase_name, style="bold")
        line.append("  ")
        if clock.playing:
            line.append(f" {t('tui_replay', lang, speed=clock.speed)} ", style="black on magenta")
        elif clock.known_at is not None:
            moment = clock.known_at.isoformat(timespec="minutes")
            line.append(f" {t('tui_historical', lang)} ", style="black on yellow")
            line.append(" " + t("tui_known_at", lang, moment=moment), style="yellow")
        elif clock.as_of > clock.today:  # days to come: the deadlines as they stand
            line.append(f" {t('tui_ahead', lang)} ", style="black on cyan")
            line.append(" " + t("tui_ahead_day", lang, day=clock.as_of.isoformat()), style="cyan")
        elif clock.as_of != clock.today:
            line.append(f" {t('tui_historical', lang)} ", style="black on yellow")
            line.append(" " + t("tui_past_day", lang, day=clock.as_of.isoformat()), style="yellow")
        else:
            line.append(f" {t('tui_live', lang)} ", style="black on green")
        line.append(f"  {t('tui_step', lang, step=t('tui_' + clock.step, lang))}", style="dim")
        shown = Text("\n").join([line, self._timeline(report, lang)])
        if shown != self._shown:  # a live update seldom changes it: no repaint then
            self.update(shown, layout=False)  # its height is fixed
            self._shown = shown

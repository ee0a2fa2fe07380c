"""Bureau totals: units done / behind per phase, overdue and open counts."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from cxzy.application.dashboard import Snapshot
from cxzy.application.status import UnitStatus
from cxzy.i18n import t


class TotalsBar(Static):
    DEFAULT_CSS = """
    TotalsBar { height: auto; padding: 0 1; background: $boost; }
    """

    _shown = ""
    _parts: tuple[str, ...] = ()

    def show(self, snapshot: Snapshot, lang: str, units: list[UnitStatus] | None = None) -> None:
        """The totals of every unit, or of ``units`` (those a filter shows)."""
        report = snapshot.report
        totals = report.totals(units)
        parts = [
            f"{phase.short.get(lang, phase.key)}{_NBSP}{totals.through[phase.key]}"
            f"/{totals.behind[phase.key]}"
            for phase in report.template.phases
        ]
        c, r = totals.commitments, totals.rectifications
        said = t(
            "tui_totals",
            lang,
            phases=" ".join(parts),
            c_overdue=c.overdue,
            r_open=r.open,
            r_overdue=r.overdue,
            r_sup=r.supervised_open,
            r_esc=r.escalated,
        )
        if units is not None:  # (what the filter shows: not the whole campaign's)
            said = f"{t('tui_totals_filtered', lang, units=totals.units)}{_GAP}{said}"
        # its parts (two spaces apart), each kept on one line
        self._parts = (
            *said.split(_GAP),
            f"{_POSITION_DOT}{t('position', lang)}{_NBSP}#{report.position}",
        )
        self._fill()

    def on_resize(self) -> None:
        if self._parts:  # (the height was worked out for the text at the new width)
            self._fill(relayout=True)

    def _fill(self, relayout: bool = False) -> None:
        """The parts on as many lines as the width needs, broken between parts (a part
        longer than a line, between its words; never between a name and its
        count): a line broken anywhere read "· log" and, below, "position #544"."""
        width = self.content_region.width
        if not width:  # (not laid out yet)
            text = _GAP.join(self._parts)
        else:
            pieces = [
                piece
                for part in self._parts
                for piece in (
                    _in_lines(part.split(" "), " ", width) if cell_len(part) > width else [part]
                )
            ]
            # the log's position on a line of its own without the dot that parts it
            lines = [line.removeprefix(_POSITION_DOT) for line in _in_lines(pieces, _GAP, width)]
            text = "\n".join(lines)
        if text != self._shown:
            # the bar's height follows its text: a layout pass only when the width,
            # the text's length or its lines changed
            lines_changed = text.count("\n") != self._shown.count("\n")
            relayout = relayout or lines_changed or len(text) != len(self._shown)
            self.update(Text(text), layout=relayout)
            self._shown = text


_GAP = "  "  # between the bar's parts
_NBSP = "\u00a0"  # between a name and its count: never broken there
_POSITION_DOT = "· "  # before the log's position, after the counts


def _in_lines(words: list[str], gap: str, width: int) -> list[str]:
    """``words`` joined by ``gap``, a line each time the next one would not fit."""
    lines = [words[0]]
    for word in words[1:]:
        joined = f"{lines[-1]}{gap}{word}"
        if cell_len(joined) > width:
            lines.append(word)
        else:
            lines[-1] = joined
    return lines

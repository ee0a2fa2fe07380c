"""Bureau totals: units done / behind per phase, overdue and open counts."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cxzy.application.dashboard import Snapshot
from cxzy.domain.status import PHASE_BEHIND, PHASE_FINISHED
from cxzy.i18n import t


class TotalsBar(Static):
    DEFAULT_CSS = """
    TotalsBar { height: auto; padding: 0 1; background: $boost; }
    """

    _shown = ""

    def show(self, snapshot: Snapshot, lang: str) -> None:
        report = snapshot.report
        parts = []
        for phase in report.template.phases:
            statuses = [u.phases[phase.key].status for u in report.units]
            done = sum(s in PHASE_FINISHED for s in statuses)
            behind = sum(s in PHASE_BEHIND for s in statuses)
            parts.append(f"{phase.short.get(lang, phase.key)} {done}/{behind}")
        units = report.units
        text = Text(
            t(
                "tui_totals",
                lang,
                phases=" ".join(parts),
                c_overdue=sum(u.commitments.overdue for u in units),
                r_open=sum(u.rectifications.open for u in units),
                r_overdue=sum(u.rectifications.overdue for u in units),
                r_sup=sum(u.rectifications.supervised_open for u in units),
                r_esc=sum(u.rectifications.escalated for u in units),
            )
            + f"  · {t('position', lang)} #{report.position}"
        )
        if text.plain != self._shown:
            # the bar's height follows its text: a layout pass only when its length changed
            self.update(text, layout=len(text.plain) != len(self._shown))
            self._shown = text.plain

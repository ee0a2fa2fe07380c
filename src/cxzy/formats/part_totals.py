"""What a part of the tree adds up to, in one line of words (the command line's
``status --unit U --subtree``, the unit screen of a unit with units under it)."""

from __future__ import annotations

from cxzy.application.status import StatusReport, UnitStatus
from cxzy.i18n import t


def totals_line(report: StatusReport, lang: str, units: list[UnitStatus] | None = None) -> str:
    """What ``units`` (the report's, by default) add up to, their figures as the
    status table's columns show them: units through and behind each phase,
    commitments fulfilled/total/overdue, rectifications
    open/total/overdue/supervised/escalated, awards."""
    totals = report.totals(units)
    c, r = totals.commitments, totals.rectifications
    phases = " ".join(
        f"{p.short.get(lang, p.key)} {totals.through[p.key]}/{totals.behind[p.key]}"
        for p in report.template.phases
    )
    return t(
        "status_totals",
        lang,
        units=totals.units,
        phases=phases,
        commitments=f"{c.closed}/{c.total}/{c.overdue}",
        rectifications=f"{r.open}/{r.total}/{r.overdue}/{r.supervised_open}/{r.escalated}",
        awards=totals.awards,
    )

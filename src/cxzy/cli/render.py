"""Tables for the terminal (rich): status and log."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text

from cxzy.application.history import LogEntry
from cxzy.application.status import StatusReport
from cxzy.i18n import summary_label, t
from cxzy.styles import STATE_STYLES


def status_table(report: StatusReport, lang: str) -> Table:
    template = report.template
    title = f"{report.title} — {t('as_of', lang)} {report.as_of.isoformat()}"
    if report.known_at is not None:
        title += f" · {t('known_at', lang)} {report.known_at.isoformat()}"
    caption = f"{t('status_legend', lang)} · {t('position', lang)} #{report.position}"
    if report.head_hash:
        caption += f" · {t('head_hash', lang)} {report.head_hash}"
    table = Table(title=title, caption=caption, show_lines=False, pad_edge=False)
    table.add_column(t("unit", lang), no_wrap=True, ratio=3)
    for phase in template.phases:
        table.add_column(phase.short.get(lang, phase.key), no_wrap=True, min_width=8)
    table.add_column(t("grade", lang), no_wrap=True, min_width=4)
    table.add_column(t("commitments_short", lang), justify="right", no_wrap=True, min_width=5)
    table.add_column(t("rectifications_short", lang), justify="right", no_wrap=True, min_width=9)
    table.add_column(t("awards", lang), justify="right", no_wrap=True, min_width=2)
    for unit in report.units:
        name = Text("  " * unit.depth) + Text(unit.name) + Text(f" {unit.unit}", style="dim")
        cells: list[Any] = [name]
        for phase in template.phases:
            status = unit.phases[phase.key]
            done, total = status.progress
            cells.append(
                Text(
                    f"{t(status.status, lang)} {done}/{total}",
                    style=STATE_STYLES.get(status.status, ""),
                )
            )
        cells.append(Text(t(unit.grade, lang) if unit.grade else "—"))
        c, r = unit.commitments, unit.rectifications
        cells.append(Text(f"{c.closed}/{c.total}/{c.overdue}"))
        cells.append(Text(f"{r.open}/{r.total}/{r.overdue}/{r.supervised_open}/{r.escalated}"))
        cells.append(Text(str(unit.awards)))
        table.add_row(*cells)
    if not report.units:
        table.add_row(t("no_units", lang))
    return table


_ORIGIN = re.compile(r"(?P<file>.*) sha256:(?P<sha>[0-9a-f]{64}) (?:line|row) (?P<n>\d+)")


def short_origin(origin: str | None) -> str:
    """An origin for the table: the file's name, line, and 12 hex digits of its SHA-256
    (the full origin stays in the store)."""
    found = _ORIGIN.fullmatch(origin or "")
    if found is None:
        return origin or ""
    name = found["file"].replace("\\", "/").rsplit("/", 1)[-1]
    return f"{name}:{found['n']} sha256:{found['sha'][:12]}"


def log_table(entries: Iterable[LogEntry], zone: Any, lang: str) -> Table:
    table = Table(show_lines=False)
    for key in ("pos", "at", "type", "unit", "summary", "by", "recorded", "late", "origin"):
        table.add_column(t(f"log_header_{key}", lang), no_wrap=key != "summary")
    count = 0
    for e in entries:
        local = e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        stored = e.recorded.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        late = Text(t("late_days", lang, days=e.late_days), style="yellow") if e.late_days else ""
        table.add_row(
            str(e.pos),
            local,
            e.type,
            Text(e.unit or ""),
            Text(summary_label(e.type, e.summary, lang, e.person)),
            Text(e.by or ""),
            stored,
            late,
            Text(short_origin(e.origin), style="dim"),
        )
        count += 1
    if not count:
        table.add_row("", "", t("log_empty", lang), "", "", "", "", "", "")
    return table

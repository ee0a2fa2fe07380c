"""Tables for the terminal (rich): status and log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cxzy.application.history import LogEntry
from cxzy.application.importer import origin_parts
from cxzy.application.status import StatusReport, UnitStatus
from cxzy.domain.template import SHORT_CELLS, Phase
from cxzy.i18n import summary_label, t, type_shown
from cxzy.literal import (
    NAME_CELLS,
    WHOLE_NAME_CELLS,
    clipped,
    literal_line,
    one_line,
    shortened,
    unit_label,
    visible,
)
from cxzy.styles import COLOUR, Palette, palette_for


def status_tables(report: StatusReport, lang: str, console: Console) -> list[Table | Text]:
    """The status as one table when it fits the console's width; else the phases
    (in as many tables as it takes: ten phases at 80 columns squeezed the units'
    column to nothing), then the figures, each led by the units, and the legend
    under them in lines of its own (one table at 80 columns cut the counts, the
    phases' progress and the legend)."""
    palette = console_palette(console)
    for name_cells in (WHOLE_NAME_CELLS, NAME_CELLS):  # names whole where there is room
        whole = status_table(report, lang, legend=True, name_cells=name_cells, palette=palette)
        if _excess(console, whole) <= 0:
            return [whole]
    groups = _phase_groups(report, lang, console, palette)
    tables = [
        _fitted(report, lang, console, palette, figures=False, phases=group, titled=not n)
        for n, group in enumerate(groups)
    ]
    tables.append(_fitted(report, lang, console, palette, phases=()))
    return [*tables, *(Text(line) for line in _legend(report, lang))]


def _phase_groups(
    report: StatusReport, lang: str, console: Console, palette: Palette
) -> list[tuple[Phase, ...]]:
    """The phases in runs that each fit the console's width beside the units'
    codes (their names cut to "…" at the most), in the template's order; a phase
    too wide even alone has a table of its own. Each phase's column is measured
    once (a table's columns take their own widths when nothing is cut)."""

    def wide(phases: tuple[Phase, ...]) -> int:
        table = status_table(
            report, lang, figures=False, phases=phases, label_cells=0, palette=palette
        )
        return _excess(console, table) + console.width

    units = wide(())
    groups: list[tuple[Phase, ...]] = []
    group: tuple[Phase, ...] = ()
    width = units
    for phase in report.template.phases:
        column = wide((phase,)) - units
        if group and width + column > console.width:
            groups.append(group)
            group, width = (), units
        group, width = (*group, phase), width + column
    return [*groups, group]


def console_palette(console: Console) -> Palette:
    """The palette of the terminal the console writes to (NO_COLOR: none)."""
    return palette_for(console.no_color, console.color_system)


def _fitted(
    report: StatusReport, lang: str, console: Console, palette: Palette, **columns: Any
) -> Table:
    """One of the tables (see :func:`status_table` for ``columns``), the units' names cut (not their codes, nor the
    figures) as far as it takes to fit the console's width, each as far as its own
    row needs (one cut for all, sized for the deepest row of the longest code, left
    every name `第…` at 80 columns), down to "…" before a code is cut."""
    table = status_table(report, lang, palette=palette, **columns)
    excess = _excess(console, table)
    if excess <= 0:
        return table
    widest = max((_unit_label(unit).cell_len for unit in report.units), default=0)
    return status_table(report, lang, label_cells=widest - excess, palette=palette, **columns)


def _excess(console: Console, table: Table) -> int:
    """How many cells wider than the console the table would be drawn."""
    unbounded = console.options.update_width(10_000)  # (a measure stops at the width)
    return console.measure(table, options=unbounded).maximum - console.width


def _unit_label(
    unit: UnitStatus, name_cells: int | None = None, label_cells: int | None = None
) -> Text:
    return unit_label(unit.name, unit.unit, unit.depth, name_cells, label_cells)


def _legend(report: StatusReport, lang: str) -> list[str]:
    """What the figures' columns hold, and the log position (and head) they are of."""
    where = f"{t('position', lang)} #{report.position}"
    if report.head_hash:
        where += f" · {t('head_hash', lang)} {report.head_hash}"
    return [t("status_legend", lang), where]


def status_table(
    report: StatusReport,
    lang: str,
    *,
    phases: Sequence[Phase] | None = None,
    figures: bool = True,
    titled: bool = True,
    legend: bool = False,
    name_cells: int | None = None,
    label_cells: int | None = None,
    palette: Palette = COLOUR,
) -> Table:
    """The status of every unit; ``phases`` (None: every one) and ``figures`` choose
    the columns after the unit's (the title goes with the first phases: ``titled``);
    ``legend`` puts the legend in the caption; ``name_cells`` and ``label_cells`` cut
    the units' names (see :func:`unit_label`); ``palette``: the terminal's."""
    shown = report.template.phases if phases is None else tuple(phases)
    title = None
    if shown and titled:
        title = f"{one_line(report.title)} — {t('as_of', lang)} {report.as_of.isoformat()}"
        if report.known_at is not None:
            title += f" · {t('known_at', lang)} {report.known_at.isoformat()}"
    caption = " · ".join(_legend(report, lang)) if legend else None
    table = Table(title=title, caption=caption, show_lines=False, pad_edge=False)
    table.add_column(t("unit", lang), no_wrap=True, ratio=3)
    rows: list[list[Any]] = []
    for unit in report.units:
        cells: list[Any] = [_unit_label(unit, name_cells, label_cells)]
        for phase in shown:
            status = unit.phases[phase.key]
            done, total = status.progress
            style = palette.states.get(status.status, "")
            cells.append(Text(f"{t(status.status, lang)} {done}/{total}", style=style))
        if figures:
            cells.append(Text(t(unit.grade, lang) if unit.grade else "-"))  # (as the dashboard)
            c, r = unit.commitments, unit.rectifications
            cells.append(Text(c.commitment_cell))
            cells.append(Text(r.rectification_cell))
            cells.append(Text(str(unit.awards)))
        rows.append(cells)
    for i, phase in enumerate(shown, start=1):  # a narrow table cuts the units' names first
        widest = max(8, max((row[i].cell_len for row in rows), default=0))
        # a phase's name as long as a sentence (a template kept from before short
        # names were asked for) is cut: the figures, not the name, set the width
        heading = shortened(one_line(phase.short.get(lang, phase.key)), max(widest, SHORT_CELLS))
        table.add_column(heading, no_wrap=True, min_width=widest)
    if figures:
        table.add_column(t("grade", lang), no_wrap=True, min_width=4)
        table.add_column(t("commitments_short", lang), justify="right", no_wrap=True, min_width=5)
        table.add_column(
            t("rectifications_short", lang), justify="right", no_wrap=True, min_width=9
        )
        table.add_column(t("awards", lang), justify="right", no_wrap=True, min_width=2)
    for cells in rows:
        table.add_row(*cells)
    if not report.units:
        table.add_row(t("no_units", lang))
    return table


def totals_line(report: StatusReport, lang: str, units: list[UnitStatus] | None = None) -> str:
    """What ``units`` (the report's, by default) add up to, their figures as the
    status table's columns show them: units through and behind each phase,
    commitments fulfilled/total/overdue, rectifications
    open/total/overdue/supervised/escalated, awards."""
    totals = report.totals(units)
    phases = " ".join(
        f"{p.short.get(lang, p.key)} {totals.through[p.key]}/{totals.behind[p.key]}"
        for p in report.template.phases
    )
    return t(
        "status_totals",
        lang,
        units=totals.units,
        phases=phases,
        commitments=totals.commitments.commitment_cell,
        rectifications=totals.rectifications.rectification_cell,
        awards=totals.awards,
    )


def short_origin(origin: str | None) -> str:
    """An origin for the table: the file's name, line, and 12 hex digits of its SHA-256
    (the full origin stays in the store)."""
    parts = origin_parts(origin)
    if parts is None:
        return origin or ""
    name = parts.label.replace("\\", "/").rsplit("/", 1)[-1]
    return f"{name}:{parts.line} sha256:{parts.sha256[:12]}"


_LOG_COLUMNS = ("pos", "at", "type", "unit", "summary", "by", "recorded", "late", "origin")
# the widest a column other than the summary is made (its longer cells are cut with …)
_LOG_MAX_WIDTH = {"unit": 12, "by": 16, "origin": 44}
# when the line is short, the columns given up first, and how narrow they may get…
_LOG_SHRINK = {"origin": 12, "type": 14, "by": 6, "unit": 4, "late": 4}
# …and then those left out, in this order (the file's own line keeps them all)
_LOG_DROP = ("origin", "recorded", "late", "by")
_SUMMARY_MIN_WIDTH = 24
# rows drawn at a time: rich lays a table out whole, about a millisecond a row
TABLE_ROWS = 500


#: The characters of a summary the log table shows (a row of a pasted report ran to
#: hundreds of lines); `--format jsonl` and the dashboard's record screen have it all.
SUMMARY_MOST = 500


def _log_cells(
    e: LogEntry,
    zone: Any,
    lang: str,
    kinds: Mapping[str, Mapping[str, str]] | None = None,
    palette: Palette = COLOUR,
) -> dict[str, Text]:
    late = "" if e.late_days is None else t("late_days", lang, days=e.late_days)
    return {
        "pos": Text(str(e.pos)),
        "at": Text(e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")),
        "type": Text(type_shown(e.type, lang)),  # as the dashboard's log
        "unit": literal_line(e.unit),
        "summary": literal_line(
            clipped(
                summary_label(e.type, e.summary, lang, e.person, e.life, e.marks, kinds),
                SUMMARY_MOST,
            )
        ),
        "by": literal_line(e.by),
        "recorded": Text(e.recorded.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")),
        "late": Text(late, style=palette.late),
        "origin": Text(visible(short_origin(e.origin)), style="dim"),
    }


def _log_widths(headers: dict[str, str], rows: list[dict[str, Text]], width: int) -> dict[str, int]:
    """The columns shown and their widths: each as wide as its header and its cells
    in the first page (some capped), narrower in :data:`_LOG_SHRINK`'s order when
    the line is short, then some left out (:data:`_LOG_DROP`); the summary gets what
    is left of the line. Every page lines up, and the summary is never the column
    squeezed to nothing."""
    natural = {
        key: min(
            max([cell_len(header), *(cell_len(row[key].plain) for row in rows)]),
            _LOG_MAX_WIDTH.get(key, width),
        )
        for key, header in headers.items()
        if key != "summary"
    }
    dropped: list[str] = []
    while True:
        widths = {key: w for key, w in natural.items() if key not in dropped}
        rules = 3 * len(widths)  # padding and "│" between two columns
        excess = sum(widths.values()) + rules + _SUMMARY_MIN_WIDTH - width
        for key, narrowest in _LOG_SHRINK.items():
            if key in widths and excess > 0:
                given = min(excess, max(0, widths[key] - max(narrowest, cell_len(headers[key]))))
                widths[key] -= given
                excess -= given
        if excess <= 0 or len(dropped) == len(_LOG_DROP):
            break
        dropped.append(_LOG_DROP[len(dropped)])
    widths["summary"] = max(width - rules - sum(widths.values()), 10)
    return {key: widths[key] for key in headers if key in widths}


def log_tables(
    pages: Iterable[list[LogEntry]],
    zone: Any,
    lang: str,
    width: int,
    last_position: int = 0,
    kinds: Mapping[str, Mapping[str, str]] | None = None,
    palette: Palette = COLOUR,
) -> Iterator[Table | Text]:
    """The log as tables of :data:`TABLE_ROWS` rows each, printed one after another
    as one table: the header above the first, the same columns and widths in all (a
    million records are printed as they are read, in flat memory, the first at once).
    ``width``: the line's; ``last_position``: the log's, whose digits the position
    column must hold on every page (it was as wide as the first page's: ``100…``);
    ``kinds``: the campaign template's activity kinds with their names; ``palette``:
    the terminal's."""
    headers = {key: t(f"log_header_{key}", lang) for key in _LOG_COLUMNS}
    widths: dict[str, int] | None = None
    chunks = (page[i : i + TABLE_ROWS] for page in pages for i in range(0, len(page), TABLE_ROWS))
    for chunk in chunks:
        rows = [_log_cells(e, zone, lang, kinds, palette) for e in chunk]
        first = widths is None
        if widths is None:
            widest = {"pos": Text(str(max(last_position, chunk[-1].pos)))}
            widths = _log_widths(headers, [*rows, {**rows[0], **widest}], width)
        table = Table(show_edge=False, show_header=first, pad_edge=False, width=width)
        for key, column_width in widths.items():
            summary = key == "summary"
            table.add_column(
                headers[key],
                width=column_width,
                no_wrap=not summary,
                overflow="fold" if summary else "ellipsis",
                justify="right" if key == "pos" else "left",
            )
        for row in rows:
            table.add_row(*(row[key] for key in widths))
        yield table
    left_out = [headers[key] for key in _LOG_DROP if widths is not None and key not in widths]
    if left_out:  # (said, not dropped unsaid: who recorded it, when, from where)
        yield Text(t("log_columns_left_out", lang, columns=", ".join(left_out)), style="dim")
    if widths is None:
        # the headers, then the sentence under them (in the type column it parted
        # every column but that one from its header)
        table = Table(show_edge=False, pad_edge=False)
        for header in headers.values():
            table.add_column(header, no_wrap=True)
        yield table
        yield Text(t("log_empty", lang))

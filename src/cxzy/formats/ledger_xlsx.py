"""Write ledger tables to an XLSX workbook: a cover sheet, then one sheet per
table with a frozen, filtered header row, widths that fit Chinese text, dates
as dates, rates as percentages and states in colour.

No text is ever a formula: every text cell is written as a string, and one
that begins with ``=`` ``+`` ``-`` ``@`` or a tab also carries Excel's quote
prefix (the apostrophe), so editing the cell keeps it text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cxzy.formats.ledger_tables import Cell, Table
from cxzy.formats.output_files import replacing
from cxzy.formats.xlsx_records import EXPORT_KEYWORD
from cxzy.literal import written_out

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32_767
MAX_WIDTH, MIN_WIDTH = 48, 6
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"

#: Fill colours (Excel's light "good / neutral / bad" family) by state code.
FILLS = {
    "done": "C6EFCE",
    "kept": "C6EFCE",
    "advanced": "C6EFCE",
    "late": "FFEB9C",
    "done_late": "FFEB9C",
    "kept_late": "FFEB9C",
    "middle": "FFEB9C",
    "open": "DDEBF7",
    "active": "DDEBF7",
    "pending": "EDEDED",
    "at_risk": "FFC7CE",
    "missed": "FFC7CE",
    "overdue": "FFC7CE",
    "broken": "FFC7CE",
    "lagging": "FFC7CE",
}
HEADER_FILL = "D9D9D9"


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: two for a Chinese character."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def safe_text(text: str) -> str:
    """Text that a workbook can hold: no control characters (written out as the report
    and the terminal show them, ESC as ``^[``: they were each "\ufffd", and the
    ledger and the report disagreed), at most 32,767 long."""
    text = ILLEGAL_CHARACTERS_RE.sub(written_out, text)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def put(sheet: Any, value: Any) -> WriteOnlyCell:
    """One value as a cell of a write-only sheet; text always as text (never a formula)."""
    state = None
    if isinstance(value, Cell):
        value, state = value.value, value.state
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, float):
        cell.value = value
        cell.number_format = PERCENT_FORMAT
    else:
        cell.value = value
    if state in FILLS:
        cell.fill = _fill(FILLS[state])
    return cell


def plain_or_put(sheet: Any, value: Any) -> Any:
    """What a row of a write-only sheet takes for one value: the value itself where
    openpyxl writes it exactly as :func:`put` would (no style, text that is neither
    a formula, an error code nor in need of cleaning), else :func:`put`'s cell.
    openpyxl takes a cell handed to it only after failing to take it as a value (an
    exception for each cell): a sixth of a ledger's time at 200,000 events."""
    if value is None or type(value) is int:
        return value
    if (
        type(value) is str
        and not value.startswith(FORMULA_STARTS)
        and value not in ERROR_CODES
        and safe_text(value) == value
    ):
        return value
    if isinstance(value, Cell) and value.state not in FILLS:
        return plain_or_put(sheet, value.value)
    return put(sheet, value)


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=colour, end_color=colour)


def _shown(value: Any) -> str:
    if isinstance(value, Cell):
        value = value.value
    if isinstance(value, date):
        return "2010-05-11"
    if isinstance(value, float):
        return "100.0%"
    return "" if value is None else str(value)


def fit_widths(sheet: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> set[int]:
    """Column widths from the widest value (Chinese counted double), set before any
    row is written; the columns whose long text wraps (0-based) are returned."""
    wrapped = set()
    for index, header in enumerate(headers):
        widest = display_width(header) + 3  # room for the filter button
        for row in rows:
            if index < len(row):
                widest = max(
                    widest, max(map(display_width, _shown(row[index]).splitlines() or [""]))
                )
        width = max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
        if widest + 2 > MAX_WIDTH:
            wrapped.add(index)
    return wrapped


def _table_sheet(book: Workbook, table: Table) -> None:
    sheet = book.create_sheet(table.title)
    wrapped = fit_widths(sheet, table.headers, table.rows)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(table.headers))
    # a total row stays out of the filter: sorting or filtering would move or hide it
    filtered = len(table.rows) - (1 if table.total_row and table.rows else 0)
    sheet.auto_filter.ref = f"A1:{last}{filtered + 1}"
    _printable(sheet)
    bold, fill, middle = Font(bold=True), _fill(HEADER_FILL), Alignment(vertical="center")
    header = []
    for text in table.headers:
        cell = put(sheet, text)
        cell.font, cell.fill, cell.alignment = bold, fill, middle
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(table.rows, start=1):
        total = table.total_row and number == len(table.rows)
        cells = [
            put(sheet, value) if total or index in wrapped else plain_or_put(sheet, value)
            for index, value in enumerate(row)
        ]
        for index in wrapped:
            if index < len(cells):
                cells[index].alignment = wrap
        if total:
            for cell in cells:
                cell.font = bold
        sheet.append(cells)


def _printable(sheet: Any) -> None:
    """Printed: landscape, as wide as the page, the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"


def _cover_sheet(book: Workbook, table: Table) -> None:
    """Title, then label and value rows; a row with an empty value is a note
    spanning both columns."""
    sheet = book.create_sheet(table.title)
    labels = [str(r[0]) for r in table.rows if r[1] != ""]
    sheet.column_dimensions["A"].width = min(MAX_WIDTH, max(map(display_width, labels)) + 4)
    sheet.column_dimensions["B"].width = 72
    _printable(sheet)
    title = put(sheet, table.headers[0])
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append([])
    for number, row in enumerate(table.rows, start=3):
        label = put(sheet, row[0])
        if row[1] == "":
            sheet.merged_cells.add(f"A{number}:B{number}")
            label.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[number].height = 30
            sheet.append([label])
            continue
        label.font = Font(bold=True)
        value = put(sheet, row[1])
        value.alignment = Alignment(horizontal="left", wrap_text=True)
        sheet.append([label, value])


def write_tables_xlsx(tables: Sequence[Table], path: Path, title: str = "") -> None:
    """Save the tables as one workbook (the cover first). Raises ``OSError``.

    The workbook is written as it is built (openpyxl's write-only mode): a ledger
    of a million events has hundreds of thousands of rows, and a workbook held
    whole in memory took 2.4 GB."""
    with replacing(path) as (part,), part.open("wb") as out:
        # (a folder that is not there fails here, before any sheet)
        book = Workbook(write_only=True)
        for table in tables:
            if table.cover:
                _cover_sheet(book, table)
            else:
                _table_sheet(book, table)
        book.properties.creator = "cxzy"
        # (a control character in the campaign's title made the workbook one Excel
        # cannot open: the properties' XML is not a cell's, openpyxl checks it not)
        book.properties.title = safe_text(title or (tables[0].headers[0] if tables else ""))
        book.properties.keywords = EXPORT_KEYWORD  # not records: an import refuses it
        book.save(out)

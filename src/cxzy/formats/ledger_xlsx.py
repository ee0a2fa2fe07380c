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
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cxzy.formats.ledger_tables import Cell, Table
from cxzy.formats.xlsx_records import EXPORT_KEYWORD

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
    """Text that a workbook can hold: no control characters, at most 32,767 long."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write one value; text always as text (never a formula)."""
    state = None
    if isinstance(value, Cell):
        value, state = value.value, value.state
    cell = sheet.cell(row=row, column=column)
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
        cell.fill = PatternFill("solid", start_color=FILLS[state], end_color=FILLS[state])
    return cell


def _shown(value: Any) -> str:
    if isinstance(value, Cell):
        value = value.value
    if isinstance(value, date):
        return "2010-05-11"
    if isinstance(value, float):
        return "100.0%"
    return "" if value is None else str(value)


def fit_widths(sheet: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Column widths from the widest value (Chinese counted double); long text wraps."""
    for index, header in enumerate(headers):
        widest = display_width(header) + 3  # room for the filter button
        for row in rows:
            if index < len(row):
                widest = max(
                    widest, max(map(display_width, _shown(row[index]).splitlines() or [""]))
                )
        width = max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = width
        if widest + 2 > MAX_WIDTH:
            for (cell,) in sheet.iter_rows(
                min_row=2, min_col=index + 1, max_col=index + 1, max_row=len(rows) + 1
            ):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _table_sheet(book: Workbook, table: Table) -> None:
    sheet = book.create_sheet(table.title)
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    for column, header in enumerate(table.headers, start=1):
        cell = put(sheet, 1, column, header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
    for number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            put(sheet, number, column, value)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(table.headers))
    sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    fit_widths(sheet, table.headers, table.rows)
    _printable(sheet)


def _printable(sheet: Any) -> None:
    """Printed: landscape, as wide as the page, the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"


def _cover_sheet(book: Workbook, table: Table) -> None:
    """Title, then label and value rows; a row with an empty value is a note
    spanning both columns."""
    sheet = book.create_sheet(table.title)
    title = put(sheet, 1, 1, table.headers[0])
    title.font = Font(bold=True, size=14)
    labels = [str(r[0]) for r in table.rows if r[1] != ""]
    for number, row in enumerate(table.rows, start=3):
        label = put(sheet, number, 1, row[0])
        if row[1] == "":
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=2)
            label.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[number].height = 30
            continue
        label.font = Font(bold=True)
        value = put(sheet, number, 2, row[1])
        value.alignment = Alignment(horizontal="left", wrap_text=True)
    sheet.column_dimensions["A"].width = min(MAX_WIDTH, max(map(display_width, labels)) + 4)
    sheet.column_dimensions["B"].width = 72
    _printable(sheet)


def write_tables_xlsx(tables: Sequence[Table], path: Path, title: str = "") -> None:
    """Save the tables as one workbook (the cover first). Raises ``OSError``."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        if table.cover:
            _cover_sheet(book, table)
        else:
            _table_sheet(book, table)
    book.properties.creator = "cxzy"
    book.properties.title = title or (tables[0].headers[0] if tables else "")
    book.properties.keywords = EXPORT_KEYWORD  # not records: an import refuses it
    book.save(path)

"""Write ledger tables as CSV files into a folder, one file per table
(``cover.csv``, ``units.csv``, ``checklist.csv``, …), UTF-8 with a BOM so that
Excel shows Chinese text. Dates are ``YYYY-MM-DD``, rates ``85.7%``. A text
that begins with ``=`` ``+`` ``-`` ``@`` or a tab gets a leading apostrophe, as
Excel itself writes text that must not run as a formula: CSV has no other way
to say "this is text"."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from cxzy.formats.ledger_tables import Cell, Table
from cxzy.formats.ledger_xlsx import FORMULA_STARTS
from cxzy.formats.output_files import replacing


def csv_value(value: Any) -> str:
    if isinstance(value, Cell):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


def write_tables_csv(tables: Sequence[Table], folder: Path) -> list[Path]:
    """One CSV per table in ``folder`` (created if missing). Raises ``OSError``.

    Every file is written before any replaces the one of its name: a run that
    fails leaves the folder's files as they were."""
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{table.key}.csv" for table in tables]
    try:
        with replacing(*paths) as parts:
            for table, part in zip(tables, parts, strict=True):
                with part.open("w", encoding="utf-8-sig", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow([csv_value(h) for h in table.headers])
                    for row in table.rows:
                        writer.writerow([csv_value(v) for v in row])
    except OSError:
        if made:
            folder.rmdir()  # made for this run, and left empty
        raise
    return paths

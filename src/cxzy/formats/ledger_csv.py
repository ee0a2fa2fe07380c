"""Write ledger tables as CSV files into a folder, one file per table
(``cover.csv``, ``units.csv``, ``checklist.csv``, …), UTF-8 with a BOM so that
Excel shows Chinese text. Dates are ``YYYY-MM-DD``, rates ``85.7%``. A text
that begins with ``=`` ``+`` ``-`` ``@`` or a tab gets a leading apostrophe, as
Excel itself writes text that must not run as a formula: CSV has no other way
to say "this is text".

The folder is one paper: every file of it is replaced, or none (a file open in
Excel that cannot be replaced leaves the whole folder as it was)."""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from cxzy.formats.ledger_tables import COVER, SHEET_KEYS, Cell, Table
from cxzy.formats.ledger_xlsx import FORMULA_STARTS, safe_text
from cxzy.formats.output_files import not_written, replacing
from cxzy.i18n import t

#: The cover's row that says which program wrote the folder (in either language).
_PROGRAM_LABELS = {t("cover.program", "zh"), t("cover.program", "en")}
_COVER_READ = 64 * 1024  # bytes of a cover.csv looked at: a cover is a few hundred


def csv_value(value: Any) -> str:
    if isinstance(value, Cell):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, str):  # (control characters as the workbook has them: an ESC
        value = safe_text(value)  # from a unit's name acted on by `cat`)
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


def csv_names(keys: Sequence[str] = SHEET_KEYS) -> list[str]:
    """The files' names in the folder, in the tables' order."""
    return [f"{key}.csv" for key in keys]


def is_csv_export(folder: Path) -> bool:
    """Whether ``folder`` holds a CSV ledger cxzy wrote: its ``cover.csv`` names cxzy
    as the program that wrote it. Anything unreadable is not one."""
    try:
        with (folder / f"{COVER}.csv").open(encoding="utf-8-sig", newline="") as handle:
            text = handle.read(_COVER_READ)
    except (OSError, UnicodeDecodeError):
        return False
    try:
        rows = list(csv.reader(text.splitlines()))
    except csv.Error:
        return False
    return any(
        len(row) >= 2 and row[0] in _PROGRAM_LABELS and row[1].startswith("cxzy ") for row in rows
    )


def write_tables_csv(tables: Sequence[Table], folder: Path) -> list[Path]:
    """One CSV per table in ``folder`` (created if missing; its parent must exist).

    All or nothing (:func:`~cxzy.formats.output_files.replacing`): a failure leaves
    the folder's files as they were, and the ``OSError`` names the file that failed
    (its ``filename``)."""
    made = not folder.exists()
    if made:
        folder.mkdir()  # (not its parents: a folder missing above it is the user's slip)
    paths = [folder / name for name in csv_names([table.key for table in tables])]
    try:
        with replacing(*paths) as parts:
            for table, path, part in zip(tables, paths, parts, strict=True):
                try:
                    with part.open("w", encoding="utf-8-sig", newline="") as handle:
                        writer = csv.writer(handle)
                        writer.writerow([csv_value(h) for h in table.headers])
                        for row in table.rows:
                            writer.writerow([csv_value(v) for v in row])
                except OSError as error:
                    raise not_written(path, error) from None
    except BaseException:
        if made:
            with contextlib.suppress(OSError):  # something else is in it now: left as it is
                folder.rmdir()  # made for this run
        raise
    return paths

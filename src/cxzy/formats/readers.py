"""Pick the reader of an import file by its extension.

``.csv`` → CSV, ``.xlsx`` / ``.xlsm`` → a workbook, anything else (``.jsonl``,
``.json``, …) → JSON Lines, as before spreadsheets were read. ``.xls`` (the
Excel 97–2003 format) is refused with a hint to save the file as ``.xlsx``.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable, Mapping
from datetime import tzinfo
from pathlib import Path

from cxzy.domain.errors import Violation
from cxzy.domain.jsontext import storable
from cxzy.formats.cells import Item, activity_kinds_named, unit_codes_named
from cxzy.formats.csv_records import read_csv_records, utf16_without_mark
from cxzy.formats.jsonl import csv_header, read_records
from cxzy.formats.report_mark import is_report
from cxzy.formats.sniffing import SNIFFED, sniffed
from cxzy.formats.xlsx_records import read_xlsx_records

CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
OLD_EXCEL_SUFFIXES = (".xls", ".et")
TEXT_START = 4096  # bytes looked at for a NUL, which no text file holds
# the files said not to be records with what to do instead (i18n "file_advice_…")
_ADVICE = frozenset({"sqlite", "ole", "archive", "xlsb", "opendocument", "encrypted"})
# Windows Notepad's "Unicode" (UTF-16, little or big end first), UTF-32's too
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def file_format(path: Path) -> str:
    """``jsonl``, ``csv`` or ``xlsx``; :class:`Violation` for an old Excel file."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix in OLD_EXCEL_SUFFIXES:
        raise Violation("old_excel", file=storable(str(path)))
    return "jsonl"


def read_file(
    path: Path,
    label: str | None = None,
    *,
    encoding: str | None = None,
    zone: tzinfo | None = None,
    kind_words: Mapping[str, str] | None = None,
    unit_codes: Mapping[str, str] | None = None,
) -> tuple[Iterable[Item], dict[str, str], int]:
    """The records of one file, the SHA-256 of the bytes for each label its records
    carry (``FILE``, or ``FILE[SHEET]`` for a workbook's sheets), and about how
    many records there are (for progress).

    JSON Lines is read as the records are consumed (a file of millions of records
    is never held whole): its hash and line count come from a first pass over the
    bytes. A CSV file's text is decoded whole (its encoding is told from all its
    lines), and its records are made as they are consumed; a workbook's are all
    made first (records of several sheets are put in time order). ``encoding`` applies to CSV (JSON Lines is UTF-8 by contract); ``zone``
    reads local times when a workbook's sheets are put in time order; ``kind_words``
    reads a spreadsheet's activity kinds typed in words (:func:`activity_kinds_named`;
    JSON Lines keep the codes, as scripts write them), and ``unit_codes`` its units'
    codes typed in another case (:func:`unit_codes_named`). Raises
    ``OSError`` when the file cannot be read, :class:`Violation` when it cannot be
    decoded."""
    name = label or str(path)
    kind = file_format(path)
    _refuse_other_files(path, name, kind)
    digest = hashlib.sha256()
    if kind == "jsonl":
        lines = 0
        with path.open("rb") as handle:
            # (a line each was refused, hundreds for a workbook)
            check_text_start(handle.peek(TEXT_START)[:TEXT_START], name)
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                lines += chunk.count(b"\n")
        return read_records(path, label=name), {name: digest.hexdigest()}, lines
    if kind == "csv":
        records, rows = read_csv_records(path, name, digest, encoding)
        return _named(records, kind_words, unit_codes), {name: digest.hexdigest()}, rows
    items = read_xlsx_records(path, name, digest, zone)
    hex_digest = digest.hexdigest()
    sources = {name: hex_digest}
    for where, _raw in items:
        sources.setdefault(where.rpartition(":")[0], hex_digest)
    return _named(items, kind_words, unit_codes), sources, len(items)


def check_text_start(start: bytes, name: str) -> None:
    """Refuse JSON Lines that begin as no UTF-8 text does: UTF-16 (with its mark, or
    Excel's "Unicode text"), or bytes holding a NUL (a binary file, ``/dev/zero``).
    ``start``: the first :data:`TEXT_START` bytes (a stream's first chunk too, before
    it is copied: ``/dev/zero`` filled the temporary folder's disk first)."""
    if start.startswith(_UTF16_BOMS):
        _unicode_text(start, name)
        raise Violation("jsonl_utf16", file=name)
    if b"\x00" in start:  # (no JSON text holds one)
        _unicode_text(start, name)
        raise Violation("jsonl_not_text", file=name)


def _unicode_text(start: bytes, name: str) -> None:
    """Refuse Excel's "Unicode text" (Save As: UTF-16, its columns separated by tabs,
    named .txt) as what it is: a table whose first line is a header, to be named .csv,
    as a UTF-8 one is told (jsonl_is_csv). It was told to be saved as UTF-8, which
    made it no JSON Lines either."""
    codec = "utf-16" if start.startswith(_UTF16_BOMS) else utf16_without_mark(start)
    if codec is None:
        return
    text = start[: len(start) // 2 * 2].decode(codec, "replace").removeprefix("\ufeff")
    lines = [line.strip() for line in text.splitlines()[:-1] or text.splitlines()]
    first = next((line for line in lines if line and not line.startswith("#")), "")
    if csv_header(first):
        header = ", ".join(part.strip() for part in first.split("\t"))
        raise Violation("jsonl_is_unicode_text", file=name, header=header[:60])


def _refuse_other_files(path: Path, name: str, kind: str) -> None:
    """One line for a file that holds no records in any format (a store, a PDF, a
    Word document, a workbook named as text): each of its lines was refused."""
    if kind == "xlsx" and Path(name).name.startswith("~$"):
        return  # (Excel's lock file, said as such by the workbook's reader)
    if kind != "xlsx" and is_report(path):  # (its lines were each "not valid JSON")
        raise Violation("file_is_report", file=name)
    if kind == "csv" and (path.parent / "cover.csv").is_file():
        # a ledger's sheet (each was "headed in words", inviting the clerk to mend it);
        # its module only then (it reads the store's ledger, which an import does not)
        from cxzy.formats.ledger_csv import csv_names, is_csv_export

        if path.name in csv_names() and is_csv_export(path.parent):
            raise Violation("csv_is_export", file=name)
    with path.open("rb") as handle:
        what = sniffed(path, handle.read(SNIFFED))
    if what is None or (what in ("workbook", "html") and kind == "xlsx"):
        return  # (a web page named .xlsx, as systems export tables: the reader says how)
    if what == "workbook":
        raise Violation(f"{kind}_is_workbook", file=name)
    kind_of = Violation(f"file_kind_{what}")
    if what not in _ADVICE:
        raise Violation("file_is_not_records", file=name, what=kind_of)
    advice = Violation(f"file_advice_{what}")
    raise Violation("file_is_not_records_yet", file=name, what=kind_of, advice=advice)


def _named(
    items: Iterable[Item],
    kind_words: Mapping[str, str] | None,
    unit_codes: Mapping[str, str] | None,
) -> Iterable[Item]:
    if kind_words:
        items = activity_kinds_named(items, kind_words)
    return unit_codes_named(items, unit_codes) if unit_codes else items

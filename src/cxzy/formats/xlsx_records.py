"""XLSX workbooks: the records of every sheet (see :mod:`cxzy.formats.cells`).

- Every sheet is read, in workbook order, except those whose name starts with
  ``#`` (instructions, drop-down lists). A hidden sheet that holds records is
  refused (decision 94): a unit hides what it does not mean to send.
- A sheet named after a record type (``ActivityHeld``) may leave out the
  ``type`` column: its rows are of that type (a ``type`` cell there must agree).
- A record on a hidden row (hidden by hand, or filtered out) is refused, as a
  hidden sheet's are; so is one on a row that cells merged over several rows
  cover: Excel shows their value on each row, the file holds it on the first
  only (decision 127). So is a record with a value in a hidden column
  (decision 219).
- Records on a single sheet are checked in row order, like the lines of a JSON
  Lines file. When records come from several sheets (the fill-in template has
  one per type), the sheets cannot say which record came first, so they are
  checked in this order: first the records others refer to — ``CampaignPlanned``,
  ``UnitRegistered``, ``LeaderAssigned`` — in workbook order, then all the others
  in the order of their ``at``. Every commitment's and rectification's life is
  then in order, since its times never go backwards. Records of one life at the
  same moment (dates without a time, as spreadsheets mostly have them) go in the
  order a life allows (:data:`SAME_MOMENT_ORDER`: an escalation, which needs the
  deadline passed, before an extension of it; a completion before its
  verification), then in workbook order.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from datetime import datetime, tzinfo
from itertools import zip_longest
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree.ElementTree import ParseError, iterparse
from zoneinfo import ZoneInfo

from cxzy.domain.errors import Listed, Violation
from cxzy.formats.cells import (
    Item,
    Unsaved,
    almost_a_type,
    is_comment,
    is_empty,
    is_note,
    record_type,
    records_from_rows,
)
from cxzy.formats.sniffing import ZIP_MAGIC

#: The workbook keyword that marks what cxzy exports (the ledger): a report, not
#: records; imported by mistake, it is refused in one line.
EXPORT_KEYWORD = "cxzy-export"

#: Records that others refer to: checked first when a workbook has several sheets.
SETUP_TYPES = ("CampaignPlanned", "UnitRegistered", "LeaderAssigned")
_SETUP_RANK = {type_: rank for rank, type_ in enumerate(SETUP_TYPES)}
DEFAULT_ZONE = "Asia/Shanghai"
#: Records of one life at the same moment on different sheets: checked in this order
#: (the sheets' own order put the extension of a deadline before the escalation of
#: the rectification that had missed it, which then had a deadline still to come).
SAME_MOMENT_ORDER = {
    type_: rank
    for rank, type_ in enumerate(
        (
            "CommitmentMade",
            "CommitmentProgressed",
            "CommitmentDueChanged",
            "CommitmentFulfilled",
            "RectificationOpened",
            "RectificationProgressed",
            "RectificationEscalated",
            "RectificationDeadlineExtended",
            "RectificationCompleted",
            "RectificationVerified",
        )
    )
}


def is_export(path: Path) -> bool:
    """Whether the workbook at ``path`` is one cxzy exported (:data:`EXPORT_KEYWORD`)."""
    book = _open(path.read_bytes(), str(path))
    try:
        return bool(book.properties.keywords == EXPORT_KEYWORD)
    finally:
        book.close()


def sheet_label(name: str, sheet: str) -> str:
    return f"{name}[{sheet}]"


def _open(data: bytes, name: str, *, formulas: bool = False) -> Any:
    """The workbook's saved values, or with ``formulas`` the formulas themselves."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not formulas and _strict(data):  # (openpyxl found no sheet in it: "held no
        # records", exit 0; the formulas' second reading follows the first)
        raise Violation("xlsx_strict", file=name)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=not formulas)
    except MemoryError:
        raise
    except Exception as error:  # a file from anywhere, parsed by a library: any failure
        # of its reader says the file is not one it reads (an empty chart sheet made
        # openpyxl fail with an AttributeError, shown as cxzy's internal error)
        if Path(name).name.startswith("~$"):
            raise Violation("xlsx_lock_file", file=name) from None
        if isinstance(error, zipfile.BadZipFile | InvalidFileException):
            raise Violation("xlsx_unreadable", file=name, reason=_not_zip(data)) from None
        reason: Any = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        if not isinstance(error, _MALFORMED):  # (an odd part of it the library trips on)
            reason = Violation("xlsx_reader_failed", error=reason)
        raise Violation("xlsx_unreadable", file=name, reason=reason) from None


def _not_zip(data: bytes) -> Violation:
    """Why a file named as a workbook is not one, as far as its bytes tell: empty, a
    workbook cut short (a download or an attachment not complete), text (a CSV file
    renamed), or something else (all were "its content is not that of a workbook")."""
    if not data:
        return Violation("xlsx_empty_file")
    if data.startswith(ZIP_MAGIC):
        return Violation("xlsx_cut_short")
    head = data[:4096]
    if b"\x00" not in head and any(_decodes(head, codec) for codec in ("utf-8-sig", "gb18030")):
        # (a web page is what many systems export as an "Excel" file: Excel opens it)
        lines = [line.strip() for line in head.removeprefix(b"\xef\xbb\xbf").splitlines()]
        lines = [line for line in lines if line]
        record = next((line for line in lines if not line.startswith(b"#")), b"")
        if record.startswith(b"{"):  # (records of JSON Lines, after their notes perhaps)
            return Violation("xlsx_is_jsonl")
        markup = bool(lines) and lines[0].startswith(b"<")
        return Violation("xlsx_is_html" if markup else "xlsx_is_text")
    return Violation("not_zip")


def _decodes(head: bytes, codec: str) -> bool:
    """Whether the file's first bytes are text in ``codec`` (a character may be cut
    at their end)."""
    try:
        head.decode(codec)
    except UnicodeDecodeError as error:
        return error.start > len(head) - 4
    return True


# What openpyxl raises for a file whose content is malformed (any other failure is
# its own, on a part of the file it does not expect)
_MALFORMED = (KeyError, ValueError, EOFError, ParseError, OSError)


# The relationship "Strict Open XML" (one of Excel's "Save as" types) names its
# workbook with, where every other workbook names it with schemas.openxmlformats.org
_STRICT = b"purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"


def _strict(data: bytes) -> bool:
    """Whether the file is a workbook in Strict Open XML, which openpyxl reads as one
    without sheets."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _STRICT in archive.read("_rels/.rels")
    except MemoryError:
        raise
    except Exception:  # (a part compressed or encrypted otherwise: the reader says why)
        return False


def _rows(sheet: Any, *, saved_empty: bool = False) -> Iterator[tuple[int, Sequence[Any]]]:
    """The sheet's rows of values. ``saved_empty``: a formula's result saved as an
    empty text (``=IF(D4="","",10)`` dragged below the records) reads as ``""``,
    not as no value (which a formula's cell has when its result was never saved)."""
    sheet.reset_dimensions()  # the stored size may be wrong (files from other programs)
    if not saved_empty:
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, [_unescaped(value) for value in values]
        return
    for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1):
        yield number, [_saved_value(cell) for cell in cells]


def _saved_value(cell: Any) -> Any:
    value = cell.value
    if value is None and getattr(cell, "data_type", None) == "str":
        return ""  # (t="str" with an empty <v>: Excel's saved empty result)
    return _unescaped(value)


# A character the file's XML may not hold as itself, as the file format writes it
# (a carriage return pasted from Word is _x000D_; _x005F_ is "_" itself, and text
# typed as _x0041_ is held as _x005F_x0041_): read back in one pass, from the text
# as the file holds it (:func:`_shared_strings_as_held`)
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescaped(cell: Any) -> Any:
    if isinstance(cell, str) and "_x" in cell:
        return _ESCAPED.sub(lambda found: chr(int(found[1], 16)), cell)
    return cell


_SHARED_ESCAPE = b"x005F_"  # (what openpyxl takes out of shared strings)


def _shared_strings_as_held(archive: zipfile.ZipFile, book: Any) -> None:
    """Give the sheets of ``book`` (read only) the workbook's shared strings as the
    file holds them, escapes and all, when one holds an escaped ``_``: openpyxl takes
    every ``x005F_`` out of them (so text typed as ``report_x0041_.doc``, which Excel
    holds as ``report_x005F_x0041_.doc``, came to :func:`_unescaped` as
    ``report_x0041_.doc`` and went in as ``reportA.doc``), and leaves the other escapes
    (``_x000D_``) as they are. A text cell of its own (``inlineStr``, as openpyxl
    writes them) and a formula's text result come as held already."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import fromstring

    sheets = [sheet for sheet in book.worksheets if hasattr(sheet, "_shared_strings")]
    if not sheets:
        return
    found = Manifest.from_tree(fromstring(archive.read("[Content_Types].xml"))).find(SHARED_STRINGS)
    if found is None or not _holds(archive, found.PartName[1:], _SHARED_ESCAPE):
        return
    main = f"{{{SHEET_MAIN_NS}}}"
    held: list[str] = []
    with archive.open(found.PartName[1:]) as part:
        for _, node in iterparse(part):
            if node.tag == f"{main}si":  # its text, and its runs' (not the phonetic)
                texts = [
                    node.find(f"{main}t"),
                    *(r.find(f"{main}t") for r in node.findall(f"{main}r")),
                ]
                held.append("".join(t.text or "" for t in texts if t is not None))
                node.clear()
    read = sheets[0]._shared_strings
    if len(held) != len(read) or any(
        text.replace("x005F_", "") != given for text, given in zip(held, read, strict=True)
    ):
        return  # (not read as openpyxl reads them: its own, as before)
    for sheet in sheets:
        sheet._shared_strings = held


def _holds(archive: zipfile.ZipFile, name: str, mark: bytes) -> bool:
    """Whether the part ``name`` holds ``mark``, read a piece at a time."""
    with archive.open(name) as part:
        tail = b""
        while piece := part.read(1 << 20):
            if mark in tail + piece:
                return True
            tail = piece[-len(mark) :]
    return False


def _sheet_xml(archive: zipfile.ZipFile, sheet: Any) -> bytes | None:
    """The sheet's XML as stored (None when the reader does not say where it is)."""
    path = getattr(sheet, "_worksheet_path", None)
    return None if path is None else archive.read(path)


def _may_hold_formulas(data: bytes | None) -> bool:
    """Whether the sheet's XML may hold a formula (an ``<f>`` element, with or without
    a namespace prefix): a sheet typed by hand has none, and its formulas need not be
    read in a second pass over it (a third of a large sheet's import). A text cell
    that happens to hold ``:f `` only costs that pass."""
    return data is None or any(mark in data for mark in (b"<f>", b"<f ", b":f>", b":f "))


class Merge(NamedTuple):
    """Cells merged over several rows: only the first row holds the value."""

    ref: str  # E2:F3
    columns: range  # indexes, from 0
    rows: range  # numbers, from 1


class Layout(NamedTuple):
    """What a sheet hides or merges, read from its XML."""

    hidden: set[int]  # rows
    merged: dict[int, list[Merge]]  # first row → the cells merged from it over several rows
    columns: list[tuple[int, int]]  # hidden columns: ranges of indexes (from 0), inclusive


def _layout(data: bytes | None) -> Layout:
    """The sheet's hidden rows and columns, and for each row that cells merged over
    several rows cover, those ranges. Read from the sheet's XML, which the
    read-only reader does not parse for them (not at all when it has none)."""
    from openpyxl.utils.cell import range_boundaries

    if data is None:
        return Layout(set(), {}, [])
    if b"hidden=" not in data and b"<mergeCell " not in data and b":mergeCell " not in data:
        return Layout(set(), {}, [])
    hidden: set[int] = set()
    columns: list[tuple[int, int]] = []
    merged: dict[int, list[Merge]] = {}
    number = 0
    for _, element in iterparse(io.BytesIO(data)):
        tag = element.tag.rpartition("}")[2]
        if tag == "row":
            number = int(element.get("r") or number + 1)
            if element.get("hidden") in ("1", "true"):
                hidden.add(number)
            element.clear()  # (its cells: read by the reader)
        elif tag == "col" and element.get("hidden") in ("1", "true"):
            first = int(element.get("min", 1))
            columns.append((first - 1, int(element.get("max", first)) - 1))
        elif tag == "mergeCell":
            ref = element.get("ref", "")
            left, first, right, last = range_boundaries(ref)
            if first is not None and last is not None and last > first:
                span = range((left or 1) - 1, right or left or 1)
                merged.setdefault(first, []).append(Merge(ref, span, range(first, last + 1)))
    return Layout(hidden, merged, columns)


def _merged_with_values(
    rows: Iterator[tuple[int, Sequence[Any]]],
    merged: dict[int, list[Merge]],
    found: dict[int, list[Merge]],
) -> Iterator[tuple[int, Sequence[Any]]]:
    """The rows, passed on; ``found``: each row that cells merged over several rows
    cover → those merges, when they hold a value the rows below the first would
    lose (read empty there). An empty merge loses nothing, and one in the unit's
    notes columns (headed ``#``) is never read."""
    notes: set[int] | None = None  # the header's columns of notes, once it is read
    for number, cells in rows:
        if notes is None and not all(is_empty(c) for c in cells) and not is_comment(cells):
            notes = {i for i, c in enumerate(cells) if not is_empty(c) and is_note(str(c))}
        for merge in merged.get(number, ()):
            first = merge.columns.start
            filled = first < len(cells) and not is_empty(cells[first])
            if filled and (notes is None or not set(merge.columns) <= notes):
                for row in merge.rows:
                    found.setdefault(row, []).append(merge)
        yield number, cells


def _filled_where_hidden(
    rows: Iterator[tuple[int, Sequence[Any]]],
    columns: list[tuple[int, int]],
    found: dict[int, list[str]],
) -> Iterator[tuple[int, Sequence[Any]]]:
    """The rows, passed on; ``found``: each row after the header with a value in a
    hidden column that the header names as a field → those columns' letters. (A
    column whose name begins with ``#`` is the unit's notes: never read.)"""
    from openpyxl.utils.cell import get_column_letter

    read: list[int] | None = None  # the hidden columns the header names, by index
    for number, cells in rows:
        if read is None:
            if not all(is_empty(cell) for cell in cells) and not is_comment(cells):
                read = [
                    index
                    for first, last in columns
                    for index in range(first, min(last, len(cells) - 1) + 1)
                    if not is_empty(cells[index]) and not is_note(str(cells[index]))
                ]
        else:
            filled = [i for i in read if i < len(cells) and not is_empty(cells[i])]
            if filled:
                found[number] = [get_column_letter(index + 1) for index in filled]
        yield number, cells


def _named_sheet(items: list[Item], title: str) -> list[Item]:
    """A sheet without a ``type`` column whose name is a copy's of a type's sheet,
    or a type's words (承诺兑现): said so, where "name the sheet after the record
    type" left the clerk to guess which. A sheet whose header names no field (a
    summary of the unit's own) is told how to keep it out of the import."""
    if not items or not isinstance(items[0][1], Violation):
        return items
    first = items[0][1]
    if first.code == "header_needs_at" and not first.params.get("fields"):
        # a sheet of the unit's own (汇总): no column names a field of a record
        said = Violation("sheet_not_records", sheet=title, header=first.params["header"])
        return [(items[0][0], said), *items[1:]]
    if first.code == "header_in_words" and not first.params["fields"]:
        # records headed in words, or a sheet of the unit's own: only the unit knows
        said = Violation("sheet_in_words", sheet=title, named=first.params["named"])
        return [(items[0][0], said), *items[1:]]
    almost = almost_a_type(title) if first.code == "header_needs_type" else None
    if almost is None:
        return items
    how, type_ = almost
    said = Violation(
        "sheet_is_copy" if how == "copy" else "sheet_named_in_words", sheet=title, type=type_
    )
    return [(items[0][0], said), *items[1:]]


def _laid_out(
    items: list[Item],
    hidden: set[int],
    merged: dict[int, list[Merge]],
    hidden_cells: dict[int, list[str]],
) -> list[Item]:
    """Records on hidden rows, rows under cells merged over several rows that hold a
    value, or with a value in a hidden column, refused."""
    if not hidden and not merged and not hidden_cells:
        return items
    out: list[Item] = []
    for label, raw in items:
        row = int(label.rpartition(":")[2])
        if row in hidden:
            raw = Violation("hidden_row")
        elif row in merged:
            refs = sorted(merged[row], key=lambda merge: merge.columns.start)
            raw = Violation("merged_rows", cells=", ".join(merge.ref for merge in refs))
        elif row in hidden_cells:
            letters = hidden_cells[row]
            code = "hidden_column" if len(letters) == 1 else "hidden_columns"
            raw = Violation(code, columns=Listed(letters))
        out.append((label, raw))
    return out


def _formula(cell: Any) -> str | None:
    text = getattr(cell, "text", cell)  # an array formula keeps its text apart
    return text if isinstance(text, str) and text.startswith("=") else None


def _first_record(
    rows: Iterator[tuple[int, Sequence[Any]]], sheet_type: str | None, date1904: bool
) -> int | None:
    """The row of a hidden sheet's first record; None when it holds none: nothing
    under its header, or no column naming a field (the lists a sheet's drop-downs
    read, hidden beside it, were said to hold records)."""
    kept = list(rows)
    filled = sum(
        isinstance(values, Violation) or not all(is_empty(value) for value in values)
        for _, values in kept
    )
    if filled < 2:  # (a header alone, or nothing)
        return None
    first = next(records_from_rows(iter(kept), str, sheet_type, date1904), None)
    if first is None:
        return None
    where, problem = first
    no_field = isinstance(problem, Violation) and problem.code == "header_needs_at"
    return None if no_field and not problem.params.get("fields") else int(where)


def _with_unsaved(
    rows: Iterator[tuple[int, Sequence[Any]]], formulas: Iterator[tuple[int, Sequence[Any]]]
) -> Iterator[tuple[int, Sequence[Any]]]:
    """The rows, a cell a formula fills but whose result the file never saved (a
    workbook written by a program, or calculated by hand) as :class:`Unsaved`: its
    value is unknown, not empty (it read as a missing field, or an optional one
    was dropped without a word)."""
    for (number, values), (_, cells) in zip(rows, formulas, strict=False):
        if any(v is None and _formula(f) for v, f in zip(values, cells, strict=False)):
            values = [
                Unsaved(str(_formula(f))) if v is None and _formula(f) else v
                for v, f in zip_longest(values, cells)
            ]
        yield number, values


def _instant(raw: Any, zone: tzinfo) -> float | None:
    """When a record happened, for ordering (None when its ``at`` is unreadable)."""
    at = raw.get("at") if isinstance(raw, dict) else None
    if not isinstance(at, str):
        return None
    try:
        moment = datetime.fromisoformat(at if len(at) != 10 else at + "T00:00:00")
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.timestamp()


def in_time_order(sheets: list[list[Item]], zone: tzinfo | None = None) -> list[Item]:
    """The records of several sheets (or of CSV files named after types) in one
    list: the campaign, units and people first, then the rest by when they
    happened (records of one moment in the order a life most often takes); one
    sheet's as they are. ``zone`` reads local times (default: the campaign's
    default zone)."""
    zone = zone or ZoneInfo(DEFAULT_ZONE)
    filled = [items for items in sheets if items]
    if len(filled) <= 1:
        return [item for items in filled for item in items]
    setup: list[tuple[int, Item]] = []
    timed: list[tuple[float, int, int, Item]] = []
    for item in (item for items in filled for item in items):
        raw = item[1]
        if isinstance(raw, Violation) or raw.get("type") in SETUP_TYPES:
            # the campaign first, then the units, then the people, each in the order
            # given (a sheet or file of units given first was "no campaign planned yet")
            setup.append((0 if isinstance(raw, Violation) else _SETUP_RANK[raw["type"]], item))
            continue
        instant = _instant(raw, zone)
        rank = SAME_MOMENT_ORDER.get(raw.get("type"), 0)  # type: ignore[arg-type]
        timed.append((float("inf") if instant is None else instant, rank, len(timed), item))
    timed.sort(key=lambda entry: entry[:3])
    setup.sort(key=lambda entry: entry[0])  # (stable: in the order given within each type)
    return [entry[1] for entry in setup] + [entry[3] for entry in timed]


def read_xlsx_records(
    path: Path, label: str | None = None, digest: Any = None, zone: tzinfo | None = None
) -> list[Item]:
    """Each record row as ("FILE[SHEET]:ROW", mapping) — or the reason it is not one.

    Raises ``OSError`` when the file cannot be read and :class:`Violation` when it
    is not a workbook. ``digest`` (a :mod:`hashlib` object) is fed the bytes read.
    ``zone`` reads local times when ordering records of several sheets (only
    needed when some times carry an offset and others do not). openpyxl's warnings
    about the file (parts it drops, a date cell out of its range) are not shown:
    what matters is said one line per problem."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _read_xlsx_records(path, label, digest, zone)


def _read_xlsx_records(
    path: Path, label: str | None, digest: Any, zone: tzinfo | None
) -> list[Item]:
    name = label or str(path)
    data = path.read_bytes()
    if digest is not None:
        digest.update(data)
    book = _open(data, name)
    formulas = None  # the workbook's formulas, read only when a sheet holds some
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        if book.properties.keywords == EXPORT_KEYWORD:
            raise Violation("xlsx_is_export", file=name)
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        date1904 = book.epoch == CALENDAR_MAC_1904
        _shared_strings_as_held(archive, book)
        sheets: list[list[Item]] = []
        for sheet in book.worksheets:
            if is_note(sheet.title):
                continue
            sheet_type = record_type(sheet.title)
            label_ = sheet_label(name, sheet.title)
            xml = _sheet_xml(archive, sheet)  # (as big as the sheet: not kept)
            layout, with_formulas = _layout(xml), _may_hold_formulas(xml)
            del xml
            rows = _rows(sheet, saved_empty=with_formulas)
            if with_formulas:
                formulas = formulas or _open(data, name, formulas=True)
                rows = _with_unsaved(rows, _rows(formulas[sheet.title]))
            hidden_cells: dict[int, list[str]] = {}
            if layout.columns:
                rows = _filled_where_hidden(rows, layout.columns, hidden_cells)
            merged: dict[int, list[Merge]] = {}
            if layout.merged:
                rows = _merged_with_values(rows, layout.merged, merged)
            if sheet.sheet_state != "visible":
                # a unit hides what it does not mean to send (a cancelled commitment):
                # its rows are refused, at the first one, unless the sheet holds none
                first = _first_record(rows, sheet_type, date1904)
                if first is not None:
                    sheets.append([(f"{label_}:{first}", Violation("hidden_sheet"))])
                continue
            items = records_from_rows(
                rows, lambda row, label_=label_: f"{label_}:{row}", sheet_type, date1904
            )
            laid_out = _laid_out(list(items), layout.hidden, merged, hidden_cells)
            sheets.append(_named_sheet(laid_out, sheet.title))
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, ParseError) as error:
        reason = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        raise Violation("xlsx_unreadable", file=name, reason=reason) from None
    finally:
        book.close()
        if formulas is not None:
            formulas.close()
        archive.close()
    return in_time_order(sheets, zone)

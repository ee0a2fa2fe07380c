"""CSV: records as rows under a header of field names (see :mod:`cxzy.formats.cells`).

Excel writes CSV in the encoding of the machine: UTF-8 (often with a BOM) on a
new one, GBK on an older Chinese one. Without an explicit encoding the file is
read as UTF-8 and, when that fails, as GB18030 (a superset of GBK and GB2312),
unless some of its lines are UTF-8 (:func:`_mixed_lines`);
a file that starts with UTF-16's byte-order mark (Excel's "Unicode text", tab
separated) as UTF-16. A byte-order mark is never part of the first field.
The delimiter is the one of ``,`` ``;`` or a tab that the header row uses most,
or the one a first line ``sep=;`` names (Excel's way; that line is not a row).
Row numbers are those a spreadsheet shows (a quoted cell spanning several
lines is still one row). A file named after a record type (``ActivityHeld.csv``)
may leave out the ``type`` column: its rows are then of that type.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cxzy.domain.errors import Violation
from cxzy.formats.cells import (
    Item,
    almost_a_type,
    is_comment,
    is_note,
    record_type,
    records_from_rows,
)
from cxzy.literal import clipped
from cxzy.os_errors import os_reason

FALLBACK_ENCODING = "gb18030"
DELIMITERS = (",", ";", "\t")


def check_encoding(name: str) -> str:
    """The codec's name, or :class:`Violation` when Python knows no such encoding
    of text (``base64``, ``rot13`` and ``zip`` are codecs of bytes or of text)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise Violation("bad_encoding", encoding=name) from None
    if not getattr(info, "_is_text_encoding", True):
        raise Violation("not_text_encoding", encoding=name)
    return info.name


#: Encodings whose reader wants a byte-order mark: a file without one is read as
#: Windows writes them, little-endian (as Python decodes it whole).
_BOM_OR_LITTLE_ENDIAN = {
    "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
}


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _mixed_lines(data: bytes) -> tuple[int, int] | None:
    """The first line that is UTF-8 text and the first that is not, when a file has both.

    Read as GB18030, most UTF-8 Chinese is valid but other characters (学习 becomes
    瀛︿範), so a file with lines of both is refused rather than guessed. A line is
    taken for UTF-8 only with a character of three bytes or more (every Chinese one):
    GBK's two-byte characters can pass for UTF-8's two-byte ones (Latin, Greek,
    Cyrillic), and a GBK line passes for three-byte UTF-8 only by rare chance."""
    utf8 = other = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            other = other or number
        else:
            if not utf8 and any(ord(char) >= 0x800 for char in text):
                utf8 = number
        if utf8 and other:
            return utf8, other
    return None


def codec_of(data: bytes, name: str, encoding: str | None = None) -> str:
    """The codec a CSV file's bytes are read in: ``encoding``, or UTF-8 (BOM or
    not), else GB18030; UTF-16 when it starts with its byte-order mark.

    Raises :class:`Violation` naming the first line that cannot be decoded."""
    if encoding is not None:
        codec = check_encoding(encoding)
        if codec in _BOM_OR_LITTLE_ENDIAN and not data.startswith(_BOM_OR_LITTLE_ENDIAN[codec]):
            # (its reader refused a file without the mark: "internal error")
            told = utf16_without_mark(data) if codec == "utf-16" else None
            codec = told or codec + "-le"
        if not codec.startswith("utf"):
            _not_utf8(data, name, codec, encoding)
        try:
            return _decodable(data, codec, name, encoding)
        except Violation as refused:
            _read_without(data, name, refused)
            raise
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        return _decodable(data, "utf-16", name, "UTF-16")
    bare = utf16_without_mark(data)
    if bare is not None:
        return _decodable(data, bare, name, "UTF-16")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as first:
        mixed = _mixed_lines(data)
        if mixed is not None:
            utf8, other = mixed
            raise Violation("csv_mixed_encodings", file=name, utf8=utf8, other=other) from None
        try:
            data.decode(FALLBACK_ENCODING)
        except UnicodeDecodeError:
            raise Violation("csv_not_text", file=name, line=_line_of(data, first.start)) from None
        return FALLBACK_ENCODING
    either = _either_encoding(data)
    if either is not None:
        line, utf8, gbk = either
        raise Violation("csv_either_encoding", file=name, line=line, utf8=utf8, gbk=gbk)
    return "utf-8"


#: the encodings a file is told to be in without ``--encoding``: surely (UTF-8
#: decodes, UTF-16 by its mark or its NUL bytes), not by the fallback to GB18030,
#: which decodes almost any bytes (Big5 and Shift-JIS too, garbled)
_SURELY = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}


def _read_without(data: bytes, name: str, refused: Violation) -> None:
    """A file that is not in the ``--encoding`` given is refused saying what it is
    in, when that is sure (a UTF-16 file given as UTF-8); one that is not UTF-8 is
    told that without the option it would be read as GBK, not that it is."""
    try:
        found = codec_of(data, name)
    except Violation:
        return
    if found in _SURELY:
        raise refused.altered("csv_bad_bytes_other", found=_SURELY[found]) from None
    if codecs.lookup(refused.params["encoding"]).name == "utf-8":
        raise refused.altered("csv_bad_bytes_not_utf8") from None


def _not_utf8(data: bytes, name: str, codec: str, encoding: str) -> None:
    """Refuse a file that is plainly UTF-8 for an ``--encoding`` that is not (given
    for all the files of an import, a unit's UTF-8 file among GBK ones came in
    garbled, 党员大会 as 鍏氬憳澶т細): it starts with UTF-8's byte-order mark, or
    a line holds a character of three UTF-8 bytes (every Chinese one), which other
    text holds only by rare chance (:func:`_mixed_lines`)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    bom = data.startswith(codecs.BOM_UTF8)
    for number, line in enumerate(text.split("\n"), start=1):
        if any(ord(char) >= 0x800 for char in line) or (bom and number == 1):
            raw = line.encode("utf-8")
            as_given = (codecs.BOM_UTF8 + raw if bom and number == 1 else raw).decode(
                codec, "replace"
            )
            seen = _non_ascii(line) if not line.isascii() else line[:12]
            shown = _non_ascii(as_given) if not as_given.isascii() else as_given[:12]
            raise Violation(
                "csv_is_utf8",
                file=name,
                line=number,
                encoding=encoding,
                utf8=repr(seen),
                other=repr(shown),
            )


def _decodable(data: bytes, codec: str, name: str, shown: str) -> str:
    """``codec``, once the whole file decodes in it; else :class:`Violation` naming
    the first line that does not (counted in characters: 上 holds a 0x0A byte in
    UTF-16; punycode's failure says no place: line 1)."""
    try:
        data.decode(codec)
    except UnicodeError as error:
        start = getattr(error, "start", 0)
        line = data[:start].decode(codec, "replace").count("\n") + 1
        raise Violation("csv_bad_bytes", file=name, line=line, encoding=shown) from None
    return codec


def utf16_without_mark(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` for UTF-16 text without its byte-order mark, told by
    where its NUL bytes fall: the high byte of each ASCII character (a header's
    names, commas; read as UTF-8 they were ``t^@y^@p^@e^@``). UTF-8 and GBK text
    holds no NUL; a Chinese character's low byte may be one (一 is 0x4E00)."""
    start = data[: min(len(data), 512) // 2 * 2]
    even, odd = start[0::2].count(0), start[1::2].count(0)
    units = len(start) // 2
    if units < 2:
        return None
    if odd * 4 >= units and odd > 2 * even:
        return "utf-16-le"
    if even * 4 >= units and even > 2 * odd:
        return "utf-16-be"
    return None


def _either_encoding(data: bytes) -> tuple[int, str, str] | None:
    """The first line that is not ASCII, as UTF-8 and as GBK, when UTF-8 is only a
    guess: no line has a character of three bytes or more (every Chinese one) and
    the file reads as GB18030 too, into Chinese. GBK's two-byte characters pass for
    UTF-8's (学习一 in GBK is the Cyrillic ѧϰһ): a unit's short GBK file was
    stored as Cyrillic, with exit 0."""
    try:
        text = data.decode("utf-8")
        other = data.decode(FALLBACK_ENCODING)
    except UnicodeDecodeError:
        return None
    if text.isascii() or any(ord(char) >= 0x800 for char in text):
        return None
    if not any(ord(char) >= 0x800 for char in other):
        return None
    for number, (line, read_other) in enumerate(
        zip(text.split("\n"), other.split("\n"), strict=False), start=1
    ):
        if not line.isascii():
            return number, repr(_non_ascii(line)), repr(_non_ascii(read_other))
    return None


def _non_ascii(line: str, around: int = 12) -> str:
    """The part of a line from its first character that is not ASCII (a few more)."""
    start = next(n for n, char in enumerate(line) if not char.isascii())
    return line[start : start + around].strip()


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


# Excel's first line naming the delimiter ("sep=;"): Excel does not show it as a row
_SEP_LINE = re.compile(r"sep=([^\r\n])\r?\n")


def _rows(lines: Iterator[str]) -> Iterator[tuple[int, list[Any] | Violation]]:
    """The rows of the file's lines (read with ``newline=""``), numbered; a row
    typed with the full-width comma ，between its cells (a Chinese input method's)
    as the :class:`Violation` that says so: read as one cell, it was said to be of
    an unknown type, its text shown with the commas it did not have."""
    columns = 0  # the header's
    for row, cells in _split_rows(lines):
        if is_comment(cells):  # (its text is its own: a ，in it is no separator)
            yield row, cells
            continue
        # (a file of one column may hold it in its text; no field's name holds it)
        if len(cells) == 1 and columns != 1 and _FULL_WIDTH_COMMA in cells[0]:
            yield row, Violation("csv_full_width_comma", cell=clipped(cells[0], 40))
            continue
        if not columns and any(cell.strip() for cell in cells):
            columns = len(cells)
        yield row, [_excel_text(cell) for cell in cells]


_FULL_WIDTH_COMMA = "\uff0c"
# A cell written as a formula that gives its text (="007", ="2012-11-12"): how a
# program makes Excel keep a code's zeros or a date as typed; Excel shows the text
_EXCEL_TEXT = re.compile(r'\s*="((?:[^"]|"")*)"\s*')


def _excel_text(cell: str) -> str:
    """The text of a cell written ="…" (its quotes doubled inside), else the cell."""
    if not cell.startswith(("=", " ")):
        return cell
    found = _EXCEL_TEXT.fullmatch(cell)
    return cell if found is None else found[1].replace('""', '"')


def _split_rows(lines: Iterator[str]) -> Iterator[tuple[int, list[Any]]]:
    """The rows of the file's lines, split by its delimiter, numbered."""
    first = next(lines, "").removeprefix("\ufeff")  # (a byte-order mark is no text)
    named = _SEP_LINE.fullmatch(first)
    head = [] if named is not None else [first]  # lines read ahead, to be read again
    # up to the first line that is neither blank nor a note: the header, whose
    # delimiter is the file's (a note above a tab-separated header made it ",")
    while not (head and head[-1].strip() and not is_note(head[-1])):
        line = next(lines, None)
        if line is None:
            break
        head.append(line)
    delimiter = named[1] if named is not None else _delimiter(head[-1] if head else "")
    # strict: a quote never closed was read to the end of the file as one cell,
    # swallowing the rows after it, and text after a closing quote was glued on
    reader = csv.reader(itertools.chain(head, lines), delimiter=delimiter, strict=True)
    # a cell longer than the csv module's 131,072 characters is read, and refused by
    # the field's own limit, in words ("field larger than field limit" was English)
    if csv.field_size_limit() < CELL_LIMIT:
        csv.field_size_limit(CELL_LIMIT)
    row, begins = 0, 1  # (the line the row being read begins on)
    try:
        for row, cells in enumerate(reader, start=1):
            yield row, cells
            begins = reader.line_num + 1
    except csv.Error as error:
        begins += 1 if named is not None else 0  # (a line of the file, "sep=" counted)
        known = next((key for part, key in _REASONS.items() if part in str(error)), None)
        reason = Violation(known, begins=begins, most=f"{CELL_LIMIT:,}") if known else str(error)
        raise Violation("csv_broken", line=row + 1, reason=reason) from None


# what the csv module says → why, in the interface's language
_REASONS = {
    "unexpected end of data": "csv_unclosed_quote",
    "expected after '\"'": "csv_after_quote",
    "field larger than field limit": "csv_cell_too_long",
}
CELL_LIMIT = 1 << 24  # characters in a cell (16 M): past it the file is refused


def _named_file(items: Iterator[Item], file: str) -> Iterator[Item]:
    """A file without a ``type`` column named as a copy of a type's file (a second
    download, ``CommitmentFulfilled (1).csv``, or a draft) or in a type's words
    (``开展活动.csv``): said so, as a sheet is (it was "name the CSV file after the
    record type", which it nearly was)."""
    for where, raw in items:
        if isinstance(raw, Violation) and raw.code == "header_needs_type":
            almost = almost_a_type(Path(file).stem)
            if almost is not None:
                how, type_ = almost
                code = "csv_file_is_copy" if how == "copy" else "csv_file_named_in_words"
                raw = Violation(code, file=file, type=type_)
        yield where, raw


def read_csv_records(
    path: Path, label: str | None = None, digest: Any = None, encoding: str | None = None
) -> tuple[Iterator[Item], int]:
    """Each record row as ("FILE:ROW", mapping) — or the reason it is not one —
    read as they are consumed, and about how many there are (its lines).

    Raises ``OSError`` when the file cannot be read and :class:`Violation` when it
    is not text in a known encoding, before any record is read. ``digest`` (a
    :mod:`hashlib` object) is fed the bytes read."""
    name = label or str(path)
    data = path.read_bytes()
    if digest is not None:
        digest.update(data)
    codec = codec_of(data, name, encoding)
    text = data.decode(codec)  # (counted as read: UTF-16 has other line bytes, and CR alone)
    lines = max(text.count("\n"), text.count("\r")) + 1
    del text
    return _records(path, codec, name, record_type(Path(name).stem)), lines


def _records(path: Path, codec: str, name: str, file_type: str | None) -> Iterator[Item]:
    """The rows' records, one at a time, read from the file in ``codec`` (its whole
    text, held as records, took 484 MB for 300,000 rows; as text 190 MB)."""
    try:
        with path.open(encoding=codec, newline="") as text:
            rows = _rows(text)
            items = records_from_rows(
                rows, lambda row: f"{name}:{row}", untyped=file_type, marked=True
            )
            yield from _named_file(items, Path(name).name)
    except Violation as violation:  # (the file is broken at that row: nothing after it)
        line = violation.params.pop("line", None)
        yield f"{name}:{line}", violation
    except (OSError, UnicodeError) as error:  # (the file changed since it was read)
        reason = os_reason(error) if isinstance(error, OSError) else str(error)
        yield f"{name}:0", Violation("file_unreadable", file=name, reason=reason)

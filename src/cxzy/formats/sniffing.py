"""What a file given to an import really is, told from its first bytes: a store, a
PDF, a Word document or an image named as records is said in one line (a store
given by mistake was 1,088 lines of "not UTF-8", a Word document renamed .xlsx
"File contains no valid workbook part")."""

from __future__ import annotations

import zipfile
from pathlib import Path

ZIP_MAGIC = b"PK\x03\x04"  # how a workbook (a zip file) begins

# first bytes → what the file is (a key of the message "file_is_not_records")
_MAGIC = (
    (b"SQLite format 3\x00", "sqlite"),
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # Office 97–2003: .xls, .doc, .et, .wps
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),  # JPEG
    (b"GIF8", "image"),
    (b"Rar!\x1a\x07", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"\x1f\x8b", "archive"),  # gzip
)
# a zip's part → what the zip is, when it is not a workbook (a workbook names its
# parts as it likes: its content types say it is one)
_ZIP_PARTS = (
    ("xl/workbook.bin", "xlsb"),
    ("word/document.xml", "word"),
    ("ppt/presentation.xml", "powerpoint"),
    ("content.xml", "opendocument"),
)
_CONTENT_TYPES = "[Content_Types].xml"
_SPREADSHEET = b"spreadsheetml"  # (the main part's content type, .xlsx and .xlsm alike)
# Excel's password-protected workbook: an Office 97 container holding the encrypted zip
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
SNIFFED = 16  # bytes enough to tell
# how a web page begins (a page saved from a browser, or a report of another program)
_HTML = (b"<!doctype", b"<html")


def other_format(start: bytes) -> bool:
    """Whether a file beginning with ``start`` is one :func:`sniffed` names (a
    workbook, a store, a PDF…): said as what it is, once read whole."""
    return start.startswith(ZIP_MAGIC) or any(start.startswith(m) for m, _ in _MAGIC)


def sniffed(path: Path, start: bytes) -> str | None:
    """What the file at ``path``, beginning with ``start`` (:data:`SNIFFED` bytes), is
    when it is none of the formats records come in (``workbook`` for a zip that is
    an Excel workbook); None for anything else (text, or bytes to be read as such)."""
    for magic, what in _MAGIC:
        if start.startswith(magic):
            if what == "ole" and _ENCRYPTED in _head(path):
                return "encrypted"
            return what
    if start.removeprefix(b"\xef\xbb\xbf").lstrip().lower().startswith(_HTML):
        return "html"
    if not start.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if _CONTENT_TYPES in names and _SPREADSHEET in archive.read(_CONTENT_TYPES):
                return "workbook"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return None  # (a workbook cut short: its reader says so)
    for part, what in _ZIP_PARTS:
        if part in names:
            return what
    return "archive"


def _head(path: Path) -> bytes:
    """The first bytes of an Office 97 container, where it lists its streams."""
    with path.open("rb") as handle:
        return handle.read(_DIRECTORY)


_DIRECTORY = 1 << 16

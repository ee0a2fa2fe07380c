"""The mark at the end of a report cxzy wrote: the next report of its name replaces
it without --force, and an import given it says what it is."""

from __future__ import annotations

import re
from pathlib import Path

from cxzy import __version__

#: The line that marks a report as one cxzy wrote: a comment at its end, which no
#: reader shows.
REPORT_MARK = "<!-- cxzy report: written by cxzy {version} -->"
_REPORT_MARKED = re.compile(r"<!-- cxzy report: [^\n]*-->\s*\Z")
_REPORT_TAIL = 512  # bytes of a file's end looked at for the mark


def is_report(path: Path) -> bool:
    """Whether a file is a report cxzy wrote, not the user's own page or notes."""
    if not path.is_file():  # (a device or a pipe: read for ever, or out of memory)
        return False
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - _REPORT_TAIL))
            tail = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return False
    return _REPORT_MARKED.search(tail) is not None


def marked_report(text: str) -> str:
    """The report's text with the mark after it."""
    return text.rstrip("\n") + "\n\n" + REPORT_MARK.format(version=__version__) + "\n"

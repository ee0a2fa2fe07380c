"""Characters no one can see or type, which text that names or heads something may
not hold."""

from __future__ import annotations

import unicodedata

#: Controls (line breaks and tabs among them), format characters (zero-width spaces
#: and joiners, direction marks) and the line and paragraph separators: ``x`` and
#: ``x\u200b`` were two units that read alike, and a unit's name on two lines hid
#: its code in the grid.
UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def unseen_in(text: str) -> list[str]:
    """The characters of ``text`` no one can see or type, each once, in order."""
    if text.isprintable():  # (C's test, for the common case; it also fails on spaces
        return []  # other than ' ', private use and unassigned characters, which may stay)
    return list(dict.fromkeys(c for c in text if unicodedata.category(c) in UNSEEN_CATEGORIES))


def code_points(chars: list[str], most: int = 5) -> str:
    """Characters as a message shows them: ``U+200B, U+000A``."""
    return ", ".join(f"U+{ord(c):04X}" for c in chars[:most])


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: two for a wide character (Chinese),
    one for any other."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

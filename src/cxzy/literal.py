"""Text from events and input files, shown literally on a terminal: no markup, no
control characters acted on (an escape sequence in a unit's spreadsheet could
otherwise recolour, retitle or clear the office's terminal)."""

from __future__ import annotations

import re
from typing import Any

from rich.cells import cell_len
from rich.text import Text

# C0 controls but tab and newline, DEL, and the C1 controls (U+0080–U+009F: U+009B
# starts a sequence on some terminals as ESC [ does); and the characters that show
# nothing but change what text means or how it reads: zero-width spaces and joiners,
# direction marks and overrides, the word joiner, invisible operators, the BOM
# (``study\u200b`` is not ``study``, and a message that showed it so misled)
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def written_out(match: re.Match[str]) -> str:
    """A control character matched, as it is shown: caret notation below U+0020 and
    for DEL (ESC as ``^[``), else ``<U+…>``."""
    code = ord(match.group())
    if code < 0x20 or code == 0x7F:
        return "^" + chr(code ^ 0x40)  # caret notation: ESC as ^[, DEL as ^?
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """``text`` with its control characters written out (``^[`` for ESC)."""
    return _CONTROL.sub(written_out, text)


def one_line(text: str) -> str:
    """``text`` made :func:`visible`, its line breaks shown as ``⏎``: a message quoting
    a cell typed on two lines is still one line (scripts read one per problem)."""
    return visible(text.replace("\r\n", "\n")).replace("\n", "⏎")


def literal(value: Any) -> Text:
    """``value`` as plain text (None as empty), its control characters made visible."""
    return Text(visible(str(value if value is not None else "")))


def literal_line(value: Any) -> Text:
    """:func:`literal` on one line (:func:`one_line`): a row's cell, a title, a unit's
    label (a summary of line breaks was hundreds of lines of ``cxzy log``, and a name
    on two lines pushed its unit's code out of the grid)."""
    return Text(one_line(str(value if value is not None else "")))


def clipped(text: str, most: int) -> str:
    """``text`` cut to at most ``most`` characters, with "…" where it was cut (a
    message's or a table's share of a text that may run to pages)."""
    return text if len(text) <= most else text[: most - 1] + "…"


def shortened(text: str, cells: int) -> str:
    """``text`` cut to at most ``cells`` terminal cells, with "…" where it was cut
    (a unit's name or code as long as a sentence must not push its figures away)."""
    if cell_len(text) <= cells:
        return text
    kept, width = [], 1
    for char in text:
        width += cell_len(char)
        if width > cells:
            break
        kept.append(char)
    return "".join(kept) + "…"


NAME_CELLS = 24  # a unit's name in the status tables (the demo's longest: 16)
WHOLE_NAME_CELLS = 80  # a name where there is room (`cxzy status` on a wide terminal)
# A code identifies its unit: cut only past what no office types (`PL.01-01B01-G1`
# and `-G2` were both `PL.01-01B01…` at 12)
CODE_CELLS = 40


def unit_label(
    name: str,
    code: str,
    depth: int = 0,
    name_cells: int | None = None,
    label_cells: int | None = None,
) -> Text:
    """A unit in the status tables: indented by its depth, its name, its code dimmed;
    the name cut to ``name_cells`` (else :data:`NAME_CELLS`), or so that the whole
    label takes at most ``label_cells`` (a narrow terminal: a unit high in the tree,
    or of a short code, keeps more of its name than one deep down)."""
    shown = f" {shortened(one_line(code), CODE_CELLS)}"
    indent = "  " * depth
    if label_cells is not None:  # (down to "…" before the code is cut: it identifies)
        name_cells = max(1, label_cells - cell_len(indent) - cell_len(shown))
    return (
        Text(indent)
        + Text(shortened(one_line(name), name_cells or NAME_CELLS))
        + Text(shown, style="dim")
    )

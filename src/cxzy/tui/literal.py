"""Text from events, shown literally on every screen: no markup, no escape codes."""

from __future__ import annotations

from typing import Any

from rich.text import Text


def literal(value: Any) -> Text:
    """``value`` as plain text (None as empty), its escape characters made visible."""
    return Text(str(value if value is not None else "").replace("\x1b", "^["))

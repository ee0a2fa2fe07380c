"""One phase's share of items done, week by week, on a fixed 0–100 % scale.

Textual's ``Sparkline`` stretches each line between its own lowest and highest
value, so a phase at 7 % drew as full as one at 100 %; here a bar's height is
the share itself, and each column shows the share at the end of the weeks it
stands for (not the highest of them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

BARS = "▁▂▃▄▅▆▇█"


def share_bars(values: Sequence[float], width: int) -> list[tuple[str, float]]:
    """``width`` columns of (bar, share) for shares in 0…1, oldest first."""
    count = len(values)
    if count == 0:
        return [(BARS[0], 0.0)] * max(width, 0)
    columns = []
    for column in range(max(width, 0)):
        share = min(max(values[min(count - 1, ((column + 1) * count - 1) // width)], 0.0), 1.0)
        # the bar whose height (1/8 … 8/8) is nearest the share; none lower than ▁
        columns.append((BARS[max(round(share * len(BARS)) - 1, 0)], share))
    return columns


class ShareLine(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"share-line--low", "share-line--high"}
    DEFAULT_CSS = """
    ShareLine { height: 1; }
    ShareLine > .share-line--high { color: $primary; }
    ShareLine > .share-line--low { color: $primary 30%; }
    """

    data: reactive[tuple[float, ...]] = reactive(tuple)

    def render(self) -> Text:
        _, base = self.background_colors
        low = base + self.get_component_styles("share-line--low").color
        high = base + self.get_component_styles("share-line--high").color
        text = Text(no_wrap=True, overflow="crop")
        for bar, share in share_bars(self.data, self.size.width):
            text.append(bar, Style(color=low.blend(high, share).rich_color))
        return text

"""One phase's share of items done, week by week, on a fixed 0–100 % scale, along
the campaign's weeks (those still to come blank).

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


def share_bars(values: Sequence[float], width: int, span: int = 0) -> list[tuple[str, float]]:
    """``width`` columns of (bar, share) for shares in 0…1, oldest first, over
    ``span`` weeks (at least as many as there are values): the columns of weeks
    still to come are blank, so that a column is the same weeks whatever the day."""
    count = len(values)
    if count == 0:
        return [(BARS[0], 0.0)] * max(width, 0)
    span = max(span, count)
    columns = []
    for column in range(max(width, 0)):
        if column * span // width >= count:  # (its first week is still to come)
            columns.append((" ", 0.0))
            continue
        share = min(max(values[min(count - 1, ((column + 1) * span - 1) // width)], 0.0), 1.0)
        # the bar whose height (1/8 … 8/8) is nearest the share; none lower than ▁
        columns.append((BARS[max(round(share * len(BARS)) - 1, 0)], share))
    return columns


class ShareLine(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"share-line--low", "share-line--high"}
    DEFAULT_CSS = """
    ShareLine { height: 1; }
    ShareLine > .share-line--high { color: $primary; }
    ShareLine > .share-line--low { color: $primary 30%; }
    /* NO_COLOR: a grey as bright as the primary's was faint (3:1 at most); the bar's
       height says the share, in the text's own colour */
    ShareLine:nocolor > .share-line--high { color: $foreground; }
    ShareLine:nocolor > .share-line--low { color: $foreground; }
    """

    data: reactive[tuple[float, ...]] = reactive(tuple)
    span: reactive[int] = reactive(0)  # the weeks the line's width stands for

    def render(self) -> Text:
        _, base = self.background_colors
        low = base + self.get_component_styles("share-line--low").color
        high = base + self.get_component_styles("share-line--high").color
        text = Text(no_wrap=True, overflow="crop")
        for bar, share in share_bars(self.data, self.size.width, self.span):
            text.append(bar, Style(color=low.blend(high, share).rich_color))
        return text

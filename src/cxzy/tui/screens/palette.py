"""Textual's command palette, speaking the interface's language throughout."""

from __future__ import annotations

from typing import Any

from rich.align import Align
from rich.text import Text
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets.option_list import Option

from cxzy.i18n import t


class Palette(CommandPalette):
    """The command palette; "no matches" in the interface's language (Textual's
    says it in English, under a Chinese search box)."""

    def __init__(
        self, lang: str, placeholder_key: str = "tui_palette_search", **kwargs: Any
    ) -> None:
        super().__init__(placeholder=t(placeholder_key, lang), **kwargs)
        self.lang = lang

    def on_mount(self) -> None:
        # a steady cursor, as the prompt's: each blink redrew the search box, 2.3 KB/s
        # to a terminal over SSH while the palette stood open
        self.query_one(CommandInput).cursor_blink = False

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual 8.2.8's method (pinned in pyproject.toml), with the text translated
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("tui_palette_none", self.lang), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)

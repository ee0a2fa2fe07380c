"""Every key of the dashboard, in the interface's language."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from cxzy.i18n import t
from cxzy.tui.components.key_footer import KeyFooter
from cxzy.tui.keys import localize_bindings, with_full_width
from cxzy.tui.screens.dialog import Dialog

KEYS = [  # the keys of a campaign's screens
    ("?", "key_help"),
    (":", "key_command"),
    ("/", "key_filter"),
    ("Enter", "key_open_help"),
    ("click", "key_click"),
    ("Tab", "key_next_panel"),
    ("Esc", "key_back"),
    ("[  ]", "key_earlier"),
    ("s", "key_step"),
    ("t", "key_today"),
    ("k", "key_known"),
    ("space", "key_play"),
    ("+  -", "key_faster"),
    ("a", "key_side_help"),
    ("l", "key_log_help"),
    ("n  p", "key_next_page"),
    ("o", "key_log_order"),
    ("Home  End", "key_first_last"),
    ("ctrl+Home  ctrl+End", "key_first_last_unit"),
    ("←  →", "key_scroll_grid"),
    ("ctrl+p", "key_palette"),
    ("q  ctrl+q", "key_quit"),
]
# an empty store's screen: the demo, and no view to move
EMPTY_STORE_KEYS = [
    ("?", "key_help"),
    ("d", "key_load_demo"),
    ("ctrl+p", "key_palette"),
    ("q  ctrl+q", "key_quit"),
]


class HelpScreen(Dialog):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen VerticalScroll { width: 70; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $panel; padding: 1 2; }
    """
    BINDINGS = with_full_width(
        [
            Binding("escape", "close", "back"),
            Binding("question_mark", "close", "back", show=False),
            # a modal screen hides the app's own q: help says q quits, everywhere
            Binding("q", "app.quit", "quit", show=False),
        ]
    )

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.lang)  # type: ignore[attr-defined]
        lang = self.app.lang  # type: ignore[attr-defined]
        table = Table(title=t("tui_help_title", lang), show_header=False, box=None)
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")  # a long line wraps on a narrow terminal
        shown = self.app.query_ is not None  # type: ignore[attr-defined]
        for key, label in KEYS if shown else EMPTY_STORE_KEYS:
            text = t(label, lang)
            if label == "key_earlier":
                text = f"{t('key_earlier', lang)} / {t('key_later', lang)}"
            if label == "key_faster":
                text = f"{t('key_faster', lang)} / {t('key_slower', lang)}"
            if label == "key_next_page":
                text = f"{t('key_next_page', lang)} / {t('key_prev_page', lang)}"
            table.add_row(key, text)
        with VerticalScroll():
            yield Static(table)
            if shown:  # what the grid's counts hold (承诺 3/4/1: kept, total, overdue)
                yield Static(t("status_legend", lang), markup=False, id="legend")
                yield Static(self.app.command_help(), markup=False)  # type: ignore[attr-defined]
                yield Static(t("tui_grid_filter_help", lang), markup=False)
                yield Static(t("tui_log_filter_help", lang), markup=False)
        yield KeyFooter()  # its own keys (the screen's under it showed through)

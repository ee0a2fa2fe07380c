"""Key labels in the interface's language (footer and help)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding

from cxzy.i18n import t

ACTION_LABELS = {
    "quit": "key_quit",
    "app.quit": "key_quit",  # (on the modal screens, which hide the app's own)
    "help": "key_help",
    "app.help": "key_help",  # (the record screen's, which hides the app's own)
    "command": "key_command",
    "earlier": "key_earlier",
    "later": "key_later",
    "today": "key_today",
    "cycle_step": "key_step",
    "play": "key_play",
    "open_log": "key_log",
    "app.open_log": "key_log",  # (a screen's own key for it)
    "filter": "key_filter",
    "back": "key_back",
    "cancel": "key_back",
    "close": "key_back",
    "next_page": "key_next_page",
    "previous_page": "key_prev_page",
    "toggle_order": "key_order",
    "load_demo": "key_load_demo",
    "open_unit": "key_open",
    "known_at": "key_known",
    "toggle_side": "key_side",
    "command_palette": "key_palette",  # Textual's own binding (ctrl+p)
}


#: what a Chinese input method types for the dashboard's punctuation keys (: ? / [ ]),
#: taken as the keys themselves: the office need not switch it to English first
FULL_WIDTH = {
    "colon": ("fullwidth_colon",),  # ：
    "question_mark": ("fullwidth_question_mark",),  # ？
    "slash": ("fullwidth_solidus", "ideographic_comma"),  # ／ and 、
    "left_square_bracket": ("left_black_lenticular_bracket",),  # 【
    "right_square_bracket": ("right_black_lenticular_bracket",),  # 】
}


def with_full_width(bindings: list[Binding]) -> list[Binding]:
    """``bindings``, and for each of a punctuation key, the same action on what a
    Chinese input method types for it (not in the footer)."""
    extra = [
        Binding(key, b.action, b.description, show=False, priority=b.priority)
        for b in bindings
        for key in FULL_WIDTH.get(b.key, ())
    ]
    return [*bindings, *extra]


def localize_bindings(node: Any, lang: str) -> None:
    """Give a screen's or the app's key bindings descriptions in ``lang``."""
    bindings = node._bindings.key_to_bindings
    for key, found in list(bindings.items()):
        bindings[key] = [
            replace(b, description=t(ACTION_LABELS[b.action], lang))
            if b.action in ACTION_LABELS
            else b
            for b in found
        ]

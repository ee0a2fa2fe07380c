"""Key labels in the interface's language (footer and help)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cxzy.i18n import t

ACTION_LABELS = {
    "quit": "key_quit",
    "app.quit": "key_quit",  # (on the modal screens, which hide the app's own)
    "help": "key_help",
    "command": "key_command",
    "earlier": "key_earlier",
    "later": "key_later",
    "today": "key_today",
    "cycle_step": "key_step",
    "play": "key_play",
    "open_log": "key_log",
    "filter": "key_filter",
    "back": "key_back",
    "cancel": "key_back",
    "close": "key_back",
    "next_page": "key_next_page",
    "previous_page": "key_prev_page",
    "load_demo": "key_load_demo",
    "open_unit": "key_open",
    "known_at": "key_known",
    "toggle_side": "key_side",
    "command_palette": "key_palette",  # Textual's own binding (ctrl+p)
}


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

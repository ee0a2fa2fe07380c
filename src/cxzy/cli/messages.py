"""A command's one-line messages on the console."""

from __future__ import annotations

from rich.console import Console


def say(console: Console, text: str) -> None:
    """One message, on one line however long (a file or pipe gets 160 columns: a
    store's name cut a message in two, a trailing space at the cut)."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)

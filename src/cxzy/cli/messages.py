"""A command's one-line messages on the console."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console

from cxzy.domain.moments import iso_moment
from cxzy.i18n import t
from cxzy.literal import one_line


def say(console: Console, text: str) -> None:
    """One message, on one line however long (a file or pipe gets 160 columns: a
    store's name cut a message in two, a trailing space at the cut), what it quotes
    (a file's name) with its control characters shown, not acted on."""
    console.print(one_line(text), markup=False, highlight=False, soft_wrap=True)


def say_known_nothing(err: Console, lang: str, position: int, moment: datetime | None) -> None:
    """A view as known at a moment before the store held any record: said (the
    campaign's name, which names the store, is shown all the same: decision 220)."""
    if position == 0 and moment is not None:
        err.print(t("known_nothing", lang, moment=iso_moment(moment)), highlight=False)

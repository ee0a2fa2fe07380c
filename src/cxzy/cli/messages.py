"""A command's one-line messages on the console."""

from __future__ import annotations

import contextlib
from datetime import datetime

from rich.console import Console

from cxzy.cli.exits import OUTPUT_ERRORS, unwritable
from cxzy.domain.moments import iso_moment
from cxzy.i18n import rendered, t
from cxzy.literal import one_line


def say(console: Console, text: str) -> None:
    """One message, on one line however long (a file or pipe gets 160 columns: a
    store's name cut a message in two, a trailing space at the cut), what it quotes
    (a file's name) with its control characters shown, not acted on."""
    console.print(one_line(text), markup=False, highlight=False, soft_wrap=True)


def say_done(out: Console, err: Console, lang: str, text: str) -> None:
    """What a command did (its work done: written, committed), on the standard
    output, else, when that cannot be written (``> /dev/full``), on standard error
    with why, the command still exiting 0: a script retrying on 74 found the copy's
    target "not empty", and took a ledger written for one not written."""
    try:
        say(out, text)
    except OSError as error:
        if error.errno not in OUTPUT_ERRORS:
            raise
        with contextlib.suppress(OSError):  # (`>> log 2>&1` on a full disk: nowhere to say it)
            err.print(rendered(unwritable(t("stdout", lang), error), lang))
            say(err, text)


def say_known_nothing(err: Console, lang: str, position: int, moment: datetime | None) -> None:
    """A view as known at a moment before the store held any record: said (the
    campaign's name, which names the store, is shown all the same: decision 220)."""
    if position == 0 and moment is not None:
        err.print(t("known_nothing", lang, moment=iso_moment(moment)), highlight=False)


def say_under_way(
    err: Console, lang: str, moment: datetime | None, committed: datetime | None
) -> None:
    """A view as known at a moment an import was under way (``committed``: when it
    committed): its records' recorded time is before the moment, though the store
    did not hold them; said, with the moment that counts them (decision 257)."""
    if committed is not None and moment is not None:
        held = committed.astimezone(moment.tzinfo)  # (in the zone the moment was given in)
        said = t("known_under_way", lang, moment=iso_moment(moment), committed=iso_moment(held))
        say(err, said)

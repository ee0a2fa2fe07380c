"""Commands that write a store: a new SQLite store made whole before it takes its
name (:mod:`cxzy.application.staging`), and the writing watched for an
interruption (:func:`~cxzy.cli.interrupts.watch_writes`)."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console

from cxzy.application.app import WRITE_WAIT_SECONDS, CampaignApp, open_app
from cxzy.application.recorders import ON_WAIT
from cxzy.application.staging import staged
from cxzy.application.store import StoreLocation
from cxzy.cli.interrupts import watch_writes
from cxzy.i18n import t

Done = TypeVar("Done")


def write_into(
    location: StoreLocation,
    run: Callable[[CampaignApp], Done],
    *,
    kept: Callable[[Done], bool] = lambda done: True,
    on_rebuild: Callable[[int], None] | None = None,
    args: argparse.Namespace | None = None,
    on_made: Callable[[], None] | None = None,
) -> Done:
    """``run`` on the store at ``location``, made if missing. A SQLite store that
    does not exist yet appears only once ``run`` is done and what it did is
    ``kept`` (decision 117): made under a hidden name, then put in place; if a
    store was made there meanwhile, ``run`` runs again on that one, as if it had
    waited for it. ``args``: the command whose writing an interruption must not
    deny. ``on_made``: told when this run made the store (not another process)."""

    def watch(store: CampaignApp | StoreLocation | None, before: int | None = None) -> None:
        if args is not None:
            args.watched = None
            if store is not None:
                watch_writes(args, store, before)

    with staged(location) as new:
        app = open_app(new.staging if new else location, create=True, on_rebuild=on_rebuild)
        watch(None if new else app)  # (what the hidden store holds is removed if stopped)
        done = run(app)
        if new and kept(done):
            app.close()
            watch(location, 0)  # (from the moment it has its name)
            if new.put_in_place():
                if on_made is not None:
                    on_made()
            else:
                watch(None)
                app = open_app(location, create=True, on_rebuild=on_rebuild)
                watch(app)
                done = run(app)
    return done


@contextmanager
def waiting_said(err: Console, lang: str) -> Iterator[None]:
    """While a command writes: when another process holds the store's write lock,
    said once, before waiting for it (a rebuild or a copy waited 30 s unsaid, then
    said that the store was held too long)."""
    said: list[bool] = []

    def waiting() -> None:
        if said:  # (once: an import behind several others was told twice)
            return
        said.append(True)
        with contextlib.suppress(OSError):
            err.print(t("store_waiting", lang, seconds=WRITE_WAIT_SECONDS), highlight=False)

    told = ON_WAIT.set(waiting)  # from the store's opening on (PostgreSQL's waits there)
    try:
        yield
    finally:
        ON_WAIT.reset(told)

"""Ctrl-C, SIGTERM and SIGHUP while a command runs: the command stops where it is, its
transaction rolls back, and what it says is true of what it wrote."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

from rich.console import Console

from cxzy.application.app import CampaignApp, open_app
from cxzy.application.store import StoreLocation
from cxzy.i18n import message

EXIT_INTERRUPTED = 128 + signal.SIGINT
# Commands that only show what the store holds: stopped, they have nothing to say
# about writing (``cxzy log`` stopped after its rows were printed wrote nothing, and
# "nothing was written" read as if those rows were lost).
SHOWING = frozenset({"status", "log", "verify", "checkpoint"})


def watch_writes(
    args: argparse.Namespace, store: CampaignApp | StoreLocation, before: int | None = None
) -> None:
    """Note the store a command writes (open, or where it is) and its head before
    (``before``, else its head now): an interruption that comes after the commit
    (while the command says what it did, or checks a copy) must not say that
    nothing was written."""
    if before is None:
        assert isinstance(store, CampaignApp)
        before = store.head()
    args.watched = (store, before)


def written_anyway(args: argparse.Namespace) -> int | None:
    """The head of the store the command wrote when it moved on (None: it did not, or
    it cannot be read now)."""
    watched = getattr(args, "watched", None)
    if watched is None:
        return None
    store, before = watched
    try:
        if isinstance(store, StoreLocation):  # (a new store, put in place)
            with closing(open_app(store, read_only=True)) as app:
                head = int(app.head())
        else:
            head = int(store.head())
    except Exception:  # (an interruption is said in any case)
        return None
    return head if head > before else None


def say_stopped(args: argparse.Namespace, err: Console, stop: KeyboardInterrupt) -> int:
    """Say that Ctrl-C, SIGTERM or SIGHUP stopped the command, and whether its
    writing had been committed by then; the exit code (130, 143 for SIGTERM, 129
    for SIGHUP)."""
    signum = stop.signum if isinstance(stop, Terminated) else None
    key = "interrupted" if signum is None else "terminated"
    said = {} if signum is None else {"signal": signal.Signals(signum).name}
    written = written_anyway(args)
    if written is None and getattr(args, "command", None) in SHOWING:
        err.print(message(f"{key}_showing", args.lang, **said))
    elif written is None:
        err.print(message(key, args.lang, **said))
    else:
        err.print(message(f"{key}_after", args.lang, position=written, **said))
    return EXIT_INTERRUPTED if signum is None else 128 + signum


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a service manager, a CI timeout) or SIGHUP (the terminal or
    the SSH session gone) raised where the command is, as Ctrl-C is: transactions
    roll back, files half written are removed (SIGHUP left a stopped import's copy
    of its standard input, and a workbook's ``.part``)."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def terminate_as_interrupt(wanted: bool) -> Iterator[None]:
    """While a command runs (not the dashboard: Textual has its own ways), SIGTERM
    and SIGHUP raise :class:`Terminated` instead of ending the process where it
    stands (SIGHUP left alone where it is ignored: under ``nohup``)."""
    if not wanted or threading.current_thread() is not threading.main_thread():
        yield
        return

    received: list[int] = []

    def terminate(signum: int, frame: Any) -> None:
        received.append(signum)
        raise Terminated(signum)

    watched = [signal.SIGTERM]
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        watched.append(signal.SIGHUP)
    before = {signum: signal.signal(signum, terminate) for signum in watched}
    try:
        yield
        if received:  # raised where it was lost (a destructor, a library's cleanup):
            raise Terminated(received[0])  # the command went on to its end; it stops here
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)

"""Progress on standard error for the steps that take a while at scale (a million
events: an import, a verify, a copy, a ledger), shown only to a person watching."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console

#: Below this many steps (about a second's import) a bar would only flicker.
MIN_STEPS = 10_000

Advance = Callable[..., None]  # advance(n=1): n more steps done


def is_terminal(console: Console) -> bool:
    """Whether a person reads the stream (not rich's guess, which FORCE_COLOR sways)."""
    try:
        return console.file.isatty()
    except (AttributeError, ValueError):
        return False


def _nothing(n: int = 1) -> None:
    return None


@contextmanager
def progress(err: Console, label: str, total: int | None = None) -> Iterator[Advance]:
    """A bar of ``total`` steps (or, with None, one that only says the step is
    going on), gone when the step ends; on a stream no one watches, or for fewer
    than :data:`MIN_STEPS` steps, nothing. Yields ``advance(n=1)``."""
    if not is_terminal(err) or (total is not None and total < MIN_STEPS):
        yield _nothing
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance

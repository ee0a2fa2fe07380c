"""Python's full garbage collections, deferred where they would walk, again and
again, many objects that live a while: an import's (decision 56), a dashboard's
between two idle moments (decision 63). The young generations are still
collected, and refcounting frees all the rest as it always does."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DEFERRED = 2**30  # the old generation's threshold while full collections are deferred


def defer_full_collections() -> Callable[[], None]:
    """Stop Python's own full collections; returns what puts its thresholds back."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, DEFERRED)
    return lambda: gc.set_threshold(young, middle, old)


@contextmanager
def young_collections_only() -> Iterator[None]:
    """Python's cycle collector, for the length of the block, collects only its
    young generations.

    An import keeps many objects alive for a while (the aggregates of lives not
    over yet, the running-total changes of many days) and drops them as it goes;
    each of Python's full collections walks every one of them again: 12.7 s of a
    106-s import of a million events. Cycles that outlive the young generations
    wait for the first full collection after it."""
    restore = defer_full_collections()
    try:
        yield
    finally:
        restore()

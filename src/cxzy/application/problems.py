"""An import's problems, every one of them, in the input's order, in bounded memory.

A file whose every line is refused (another campaign's, a store's units missing) is
as many problems as lines: held as objects, 1.3 kB each, a million of them took
1.3 GB, and memory ran out before one was said. Past :data:`HELD` problems, the
ones held are sorted and pickled to a temporary file of their own (a run); reading
merges the runs and those held, in the input's order, as the problems were found
(so that every one is said, as scripts read them, not the first thousands)."""

from __future__ import annotations

import contextlib
import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import IO, Any, overload

HELD = 20_000  # problems held in memory before they go to a run on disk
CHUNK = 1_000  # problems pickled at once


def _order(problem: Any) -> int:
    return problem.order


class Problems(Sequence[Any]):
    """The problems of an import (:class:`~cxzy.application.importer.Problem`), each
    read through ``said`` (what the whole input told of it: a commitment "never
    made" that it opened later) once all are in."""

    def __init__(self) -> None:
        self._held: list[Any] = []
        self._runs: list[tuple[IO[bytes], int]] = []  # (file, how many)
        self._count = 0
        self._refused = bytearray()  # a bit for each record refused, by its place
        self._unplaced: set[str] = set()  # where a problem of no place was
        self._spilling = True  # (until the temporary folder would not take a run)
        self.said: Callable[[Any], Any] = lambda problem: problem

    def append(self, problem: Any) -> None:
        self._held.append(problem)
        self._count += 1
        place = problem.order
        if place > 0:
            byte = place >> 3
            if byte >= len(self._refused):
                self._refused.extend(bytes(byte + 1 - len(self._refused)))
            self._refused[byte] |= 1 << (place & 7)
        else:
            self._unplaced.add(problem.where)
        if self._spilling and len(self._held) >= HELD:
            self._spill()

    def extend(self, problems: Iterator[Any] | Sequence[Any]) -> None:
        for problem in problems:
            self.append(problem)

    def _spill(self) -> None:
        held = sorted(self._held, key=_order)
        run: IO[bytes] | None = None
        try:
            run = tempfile.TemporaryFile()  # noqa: SIM115 (kept open: read when said; gone with the process)
            for start in range(0, len(held), CHUNK):
                pickle.dump(held[start : start + CHUNK], run, protocol=pickle.HIGHEST_PROTOCOL)
            run.flush()
        except OSError:  # (a temporary folder full or not writable: held, as before runs)
            if run is not None:
                with contextlib.suppress(OSError):
                    run.close()
            self._spilling = False
            return
        self._runs.append((run, len(held)))
        self._held = []

    @staticmethod
    def _read(run: IO[bytes], count: int) -> Iterator[Any]:
        run.seek(0)
        while count > 0:
            chunk = pickle.load(run)
            count -= len(chunk)
            yield from chunk

    @property
    def refused(self) -> int:
        """How many records had a problem (a record may have several)."""
        return sum(bin(byte).count("1") for byte in self._refused) + len(self._unplaced)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        held = sorted(self._held, key=_order)
        if not self._runs:
            return map(self.said, held)
        # (a run's file is read by one reader at a time: a second pass reads anew)
        runs = [self._read(run, count) for run, count in self._runs]
        return map(self.said, heapq.merge(*runs, held, key=_order))

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            return list(islice(iter(self), start, stop, step))
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return next(islice(iter(self), index, None))

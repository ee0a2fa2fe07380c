"""Files the office is handed (the ledger, the report, the fill-in workbook): each
appears whole or not at all, and the one there before stays until it does (a full
disk, a folder gone, an interrupted run leave the old file as it was)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def part_of(path: Path) -> Path:
    """Where ``path`` is written before it replaces the file of that name."""
    return path.with_name(path.name + ".part")


@contextmanager
def replacing(*paths: Path) -> Iterator[Sequence[Path]]:
    """Files beside ``paths`` to write in the block: when it ends without an error
    they replace ``paths`` (each rename is atomic, and needs no room on the disk);
    otherwise they are removed and ``paths`` are left as they were."""
    parts = [part_of(path) for path in paths]
    try:
        yield parts
        for part, path in zip(parts, paths, strict=True):
            part.replace(path)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)

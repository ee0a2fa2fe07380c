"""Files the office is handed (the ledger, the report, the fill-in workbook): each
appears whole or not at all, and the one there before stays until it does (a full
disk, a folder gone, an interrupted run leave the old file as it was). Several
files (the CSV ledger's folder) are one paper: all of them are replaced, or none."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cxzy.file_names import digest_of_name, fits


def part_of(path: Path) -> Path:
    """Where ``path`` is written before it replaces the file of that name."""
    return _beside(path, ".part")


def aside(path: Path) -> Path:
    """Where the file there before is kept until every new file is in place."""
    return _beside(path, ".old")


def _beside(path: Path, suffix: str) -> Path:
    """``path`` with ``suffix``, or for a name too long to take it (a report named at
    252 bytes could not be written), a hidden name of its digest."""
    if fits(path.name, len(suffix)):
        return path.with_name(path.name + suffix)
    return path.with_name(f".{digest_of_name(path.name, 32)}{suffix}")


def not_written(path: Path, error: OSError) -> OSError:
    """``error`` said of ``path`` (its ``filename``): the file that could not be
    written, not its part file or the folder."""
    return type(error)(error.errno, error.strerror, str(path))


@contextmanager
def replacing(*paths: Path) -> Iterator[Sequence[Path]]:
    """Files beside ``paths`` to write in the block: when it ends without an error
    they replace ``paths``, all of them or none; otherwise they are removed and
    ``paths`` are left as they were.

    Each file there before is moved aside (``NAME.old``) and the new one renamed into
    its place (each rename is atomic, and needs no room on the disk); when a move
    fails (a file locked, Ctrl-C), those already made are undone, and the
    ``OSError`` names the file (:func:`not_written`). The old files go once every new
    one is in place."""
    parts = [part_of(path) for path in paths]
    try:
        yield parts
        _move_into_place(paths)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def _move_into_place(paths: Sequence[Path]) -> None:
    # each file: its old one's place aside (None: none, or left where it was), and
    # whether the new one is in place
    placed: list[tuple[Path, Path | None, bool]] = []
    try:
        for path in paths:
            try:
                if path.is_dir():
                    raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
                kept = None
                if len(paths) > 1 and (path.exists() or path.is_symlink()):
                    kept = aside(path)
                    path.replace(kept)  # a file that cannot be moved (locked) fails here
                placed.append((path, kept, False))
                part_of(path).replace(path)  # (one file: the old one replaced at once)
                placed[-1] = (path, kept, True)
            except OSError as error:
                raise not_written(path, error) from None
    except BaseException:
        _put_back(placed)
        raise
    for _, kept, _ in placed:
        if kept is not None:
            kept.unlink(missing_ok=True)


def _put_back(placed: Sequence[tuple[Path, Path | None, bool]]) -> None:
    """Undo the moves made so far, latest first. A file that cannot be put back
    stays under its ``.old`` name (never removed): nothing of the user's is lost."""
    for path, kept, new in reversed(placed):
        try:
            if kept is not None:
                kept.replace(path)
            elif new:  # there was none before
                path.unlink(missing_ok=True)
        except OSError:
            continue

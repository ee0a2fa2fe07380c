"""A new SQLite store made whole before it appears under its name.

An import (or a copy) into a store that does not exist yet writes a new file
under a hidden name beside it, and links it to its own name only once the
records are committed, the store closed (its write-ahead log copied into it)
and kept (decision 117). A refused import, a copy that fails its check or a
command stopped by Ctrl-C or SIGTERM leaves no file behind: ``cxzy status``
goes on saying there is no store.

The link never replaces a file, except an empty one (``touch``: no store yet, and
a refused import left an empty store in it): if another process made a store
under that name meanwhile (a second import started at the same moment), the
made one is dropped and the caller writes into that store instead, as if it had
waited for it. One that begins while another process is making the store waits
for it, as for a store's lock (a second import was checked against an empty
store of its own, and refused: "no campaign planned yet").

Folders made for the store are removed again with it when it is not put in
place: a refused import into ``new/cxzy.sqlite3`` leaves no ``new`` behind.

A process killed outright (SIGKILL) leaves its hidden file behind, as big as
what it had written; the next import or copy to that name removes what
processes of this machine that no longer run left there.
"""

from __future__ import annotations

import contextlib
import glob
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cxzy.application.recorders import ON_WAIT
from cxzy.application.store import WRITE_WAIT_SECONDS, StoreLocation, refuse_missing_folder
from cxzy.domain.errors import Violation
from cxzy.file_names import SQLITE_COMPANIONS, SQLITE_SUFFIX, digest_of_name, fits


@dataclass(frozen=True)
class Staged:
    """A store being made: ``staging`` now, ``location`` once put in place."""

    location: StoreLocation
    staging: StoreLocation

    def put_in_place(self) -> bool:
        """Give the made store its name (the store must be closed); False when a
        store appeared under that name meanwhile (the made one is left to
        :meth:`discard`)."""
        made, path = self.staging.path, self.location.path
        for suffix in ("-wal", "-journal"):
            companion = made.with_name(made.name + suffix)
            if companion.exists() and companion.stat().st_size > 0:  # not all in the file
                reason = f"{companion.name} was left beside it"
                raise Violation("store_unwritable", store=self.location.display(), reason=reason)
        try:
            os.link(made, path)
        except FileExistsError:
            if not _empty_file(path):
                return False
            os.replace(made, path)  # an empty file (`touch`) is no store: taken
            return True
        except OSError:  # a file system without hard links: nearly as safe
            if os.path.lexists(path):
                return False
            os.rename(made, path)
            return True
        made.unlink()
        return True

    def discard(self) -> None:
        """Remove the made store under its hidden name (a store put in place keeps
        its own name)."""
        made = self.staging.path
        for path in _with_companions(made):
            with contextlib.suppress(OSError):  # (never made: its folder could not be)
                path.unlink()


@contextlib.contextmanager
def staged(location: StoreLocation | None) -> Iterator[Staged | None]:
    """A :class:`Staged` store when ``location`` is a SQLite file that does not
    exist (None otherwise: the store is written in place); whatever was not put
    in place is removed at the end of the block, however it ends."""
    if location is None or location.kind != "sqlite" or location.target == ":memory:":
        yield None
        return
    path = Path(location.target)
    for stale in _left_by_the_dead(path):  # (also when a store was made since)
        Staged(location, StoreLocation("sqlite", str(stale))).discard()
    _wait_for_the_living(path, location)
    if _a_store_at(path):
        yield None
        return
    _no_log_left_beside(path, location)
    refuse_missing_folder(location)
    hidden = path.with_name(f"{_prefix(path)}{os.getpid()}.new")
    staging = StoreLocation("sqlite", str(hidden), shown=location.display(), unshared=True)
    made = Staged(location, staging)
    made.discard()  # left by an ended process that had this one's id
    folders = _made_folders(path.parent)
    try:
        yield made
    finally:
        made.discard()
        for folder in folders:  # (deepest first; one that holds anything stays)
            with contextlib.suppress(OSError):
                folder.rmdir()


def _no_log_left_beside(path: Path, location: StoreLocation) -> None:
    """Refuse to make a store where a write-ahead log lies beside no store (the store
    removed, its log left by a program killed while it had it open): SQLite would
    play that log onto the new store under the name, and a backup restored there
    held what it was to undo."""
    left = path.with_name(path.name + "-wal")
    with contextlib.suppress(OSError):
        if left.stat().st_size > 0:
            raise Violation("store_wal_left", store=location.display(), wal=str(left))


def _made_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and the missing ones above it; those made, deepest first
    (none when it cannot be made: opening the store says why)."""
    made = []
    for each in reversed([folder, *folder.parents]):  # (from the top)
        if each.exists():
            continue
        try:
            each.mkdir()
        except FileExistsError:  # (made meanwhile by another: not ours to remove)
            continue
        except OSError:
            break
        made.append(each)
    return made[::-1]


def _empty_file(path: Path) -> bool:
    """A file of no bytes (made by `touch`, or by a tool that failed): SQLite takes it
    for a new database, and a refused import made it an empty store."""
    try:
        return path.is_file() and not path.is_symlink() and path.stat().st_size == 0
    except OSError:
        return False


def _prefix(path: Path) -> str:
    """The hidden names of the stores being made for ``path`` on this machine begin
    so (the process's id follows: a folder shared between machines may hold
    another's). A name too long to take them (a file's name holds 255 bytes) is
    named by its digest instead: a store named in 80 Chinese characters was an
    internal error ("File name too long")."""
    prefix = f".{path.name}.{socket.gethostname()}."
    if not fits(prefix, _AFTER_PREFIX):
        prefix = f".{digest_of_name(path.name)}.{socket.gethostname()[:64]}."
    return prefix


# what follows the prefix: a process id (up to 10 digits), ".new" and SQLite's own
_AFTER_PREFIX = 10 + len(".new") + SQLITE_SUFFIX


def _being_made(path: Path) -> Iterator[tuple[Path, int]]:
    """The stores processes of this machine began making for ``path``, each with
    the id of the process that began it."""
    prefix = _prefix(path)
    for made in path.parent.glob(glob.escape(prefix) + "*.new"):
        pid = made.name.removeprefix(prefix).removesuffix(".new")
        if pid.isdigit():
            yield made, int(pid)


def _with_companions(made: Path) -> tuple[Path, ...]:
    """A store's file and the files SQLite keeps beside it."""
    return (made, *(made.with_name(made.name + suffix) for suffix in SQLITE_COMPANIONS))


def _a_store_at(path: Path) -> bool:
    """Whether a store has the name ``path`` (an empty file is none)."""
    return os.path.lexists(path) and not _empty_file(path)


def _left_by_the_dead(path: Path) -> Iterator[Path]:
    """Stores that processes of this machine began making for ``path`` and that
    ended without removing them (killed with SIGKILL, or the machine stopped)."""
    return (made for made, pid in _being_made(path) if not _running(pid))


def _wait_for_the_living(path: Path, location: StoreLocation) -> None:
    """While another process of this machine makes the store (an import of the
    campaign's first records), wait for it, as a writer waits for another's lock:
    a second import checked its records against a store of its own, empty, and was
    refused ("no campaign planned yet") for a moment's difference. Returns once the
    store has its name or its maker has ended (its import refused, say); raises
    ``store_busy`` after :data:`WRITE_WAIT_SECONDS`."""
    deadline = None
    while not _a_store_at(path) and made_by_the_living(path):
        if deadline is None:
            deadline = time.monotonic() + WRITE_WAIT_SECONDS
            told = ON_WAIT.get()
            if told is not None:
                told()  # ("waiting for it (at most 30 s)…", as for a lock)
        elif time.monotonic() > deadline:
            raise Violation("store_busy", store=location.display())
        time.sleep(WAIT_STEP)


WAIT_STEP = 0.1  # seconds between two looks at a store another process is making


def made_by_the_living(path: Path) -> bool:
    """Whether another process of this machine that still runs is making ``path``,
    and has written to it lately (a process id is used again: one that took the id
    of a maker killed long ago is not waited for)."""
    return any(
        pid != os.getpid() and _running(pid) and _written_within(made, WRITE_WAIT_SECONDS)
        for made, pid in _being_made(path)
    )


def _written_within(made: Path, seconds: float) -> bool:
    """Whether the store being made, or its journal, was written in the last ``seconds``."""
    latest = 0.0
    for each in _with_companions(made):
        with contextlib.suppress(OSError):
            latest = max(latest, each.stat().st_mtime)
    return time.time() - latest < seconds


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (another user's process: it runs)
        return True
    return True

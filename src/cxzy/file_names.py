"""File names as long as a file system takes them: a file's name holds 255 bytes
(Linux and macOS; Windows' NTFS 255 UTF-16 units), and the names cxzy makes beside
a file (its part while written, a store's hidden name while made, SQLite's
``-journal``) must fit too."""

from __future__ import annotations

import hashlib
import os

NAME_MAX = 255  # bytes in a file's or a folder's name
PATH_MAX = 4096  # bytes in a path given to the system, its closing zero byte included
#: What SQLite keeps beside a store while it is open: the write-ahead log's index, the
#: log, a rollback journal
SQLITE_COMPANIONS = ("-shm", "-wal", "-journal")
SQLITE_SUFFIX = max(map(len, SQLITE_COMPANIONS))  # the longest name SQLite makes beside one


def fits(name: str, extra: int = 0) -> bool:
    """Whether ``name`` with ``extra`` more bytes after it is a name a file may have."""
    return len(os.fsencode(name)) + extra <= NAME_MAX


def path_fits(path: str) -> bool:
    """Whether the system takes ``path`` whole (each of its names may fit, and the
    path still not)."""
    return len(os.fsencode(path)) < PATH_MAX


def digest_of_name(name: str, length: int = 24) -> str:
    """A short stand-in for a name too long to take more after it (hex of its digest)."""
    return hashlib.sha256(os.fsencode(name)).hexdigest()[:length]

"""Where the store is: a SQLite file (the embedded default) or a PostgreSQL URL."""

from __future__ import annotations

import errno
import getpass
import os
import re
import shutil
import socket
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.persistence import PersistenceError
from platformdirs import user_data_dir

from cxzy.application.readmodel import READ_MODEL, STORE_FORMAT, TABLES
from cxzy.domain.errors import Violation
from cxzy.file_names import SQLITE_COMPANIONS, SQLITE_SUFFIX, fits, path_fits
from cxzy.literal import clipped
from cxzy.os_errors import os_reason

ENV_VAR = "CXZY_STORE"


@dataclass(frozen=True)
class StoreLocation:
    """A store named by ``--store``, ``CXZY_STORE`` or the per-user default."""

    kind: str  # "sqlite" or "postgresql"
    target: str  # file path or URL
    # the name messages give it, when not its own (a store made under a hidden name)
    shown: str | None = field(default=None, compare=False)
    # a store no other process opens yet (made under a hidden name): an import writes
    # it without the write-ahead log that readers beside a writer need (decision 147)
    unshared: bool = field(default=False, compare=False)

    @property
    def path(self) -> Path:
        return Path(self.target)

    def exists(self) -> bool:
        """Whether there is a store here already (a server is assumed to exist)."""
        if self.kind != "sqlite":
            return True
        return self.path.is_file() and self.path.stat().st_size > 0

    def display(self) -> str:
        """For messages: the path, or the URL without its password."""
        if self.shown is not None:
            return self.shown
        return self.target if self.kind == "sqlite" else without_password(self.target)


# How long a writer waits for another's transaction (an import holds the store from
# its start to its commit) before giving up with "store_busy", in SQLite and PostgreSQL.
WRITE_WAIT_SECONDS = 30

# ``scheme://user:`` up to the URL's last ``@``: a password, however it is written (one
# with a / ? or # not percent-encoded is no URL's, and was printed whole)
_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:).*@")


def without_password(url: str) -> str:
    """A URL for messages: its password, if any, as ``***``."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        parts, password = None, None
    if parts is not None and password is not None and "@" not in url.partition(parts.netloc)[2]:
        netloc = parts.netloc.replace(f":{password}@", ":***@", 1)
        return parts._replace(netloc=netloc).geturl()
    # none that urlsplit saw whole (cut at a / ? or #, or holding an @ after one):
    # whatever follows user: up to the last @ (more hidden than needed when the
    # query holds one: never less)
    return _PASSWORD.sub(r"\1***@", url)


def default_store_path() -> Path:
    return Path(user_data_dir("cxzy", appauthor=False)) / "cxzy.sqlite3"


# ``scheme://``: a URL, not a file's path (a drive letter has no slashes after it)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# a PostgreSQL URL mistyped: its scheme in capitals, one slash or none, spaces before it
_ALMOST_POSTGRES = re.compile(r"^\s*postgres(ql)?\s*(:|//)", re.IGNORECASE)
# in such a URL, whatever stands between a name and an @ (more hidden than needed
# where it is cut oddly: never less)
_USER_PASSWORD = re.compile(r"([^:/@\s]+):[^@/]*@")


def resolve_store(
    option: str | None, environ: dict[str, str] | None = None, *, named: str = "--store"
) -> StoreLocation:
    """The store named by ``--store``, else ``CXZY_STORE``, else the per-user file.

    A URL of any other database (``sqlite:///…`` as SQLAlchemy writes it, a
    misspelt ``postgresql``) is refused: taken as a path it would make a store
    in a folder named after its scheme."""
    environ = dict(os.environ) if environ is None else environ
    if option is not None and not option.strip():  # `--store "$STORE"` with nothing in it
        raise Violation("store_option_empty", option=named)
    from_environ = environ.get(ENV_VAR)
    if option is None and from_environ and not from_environ.strip():
        # (blank, as `CXZY_STORE=" $STORE"` leaves it: a store named " " was looked for;
        # set to nothing it is not set, as for most programs)
        raise Violation("store_option_empty", option=ENV_VAR)
    target = option or from_environ or str(default_store_path())
    if target.startswith(("postgresql://", "postgres://")):
        return StoreLocation("postgresql", target)
    if _ALMOST_POSTGRES.match(target):  # (taken as a path, it was a store made in
        # ./postgresql:/postgres@host:5432/, and the command said it was done)
        raise Violation("store_url_misspelt", store=_USER_PASSWORD.sub(r"\1:***@", target))
    if _URL.match(target):
        raise Violation("store_not_a_path", store=without_password(target))
    if target == ":memory:" or target.startswith("file:"):  # SQLite's own names, not paths
        raise Violation(
            "store_in_memory" if target == ":memory:" else "store_not_a_path", store=target
        )
    if target.endswith(("/", os.sep)):  # (Path drops it: a file "newdir" was made)
        raise Violation("store_is_dir", store=target)
    path = Path(target).expanduser()
    if not path_fits(str(path)):  # (its names may fit: the path does not)
        shown = clipped(target, 80)
        raise Violation("store_unreadable", store=shown, reason=Violation("os.path_too_long"))
    if not path.is_absolute() and not _folder_here():
        raise Violation("store_folder_gone", store=target)
    if not all(fits(part) for part in path.parts):
        # (said before an import's work: its store was to take the name at the end)
        raise Violation("store_unreadable", store=target, reason=Violation("os.name_too_long"))
    if not fits(path.name, SQLITE_SUFFIX):  # (made, then not opened again: no room for
        # SQLite's -wal and -journal beside it)
        raise Violation("store_unreadable", store=target, reason=Violation("store_name_too_long"))
    return StoreLocation("sqlite", str(path))


def _folder_here() -> bool:
    """Whether the current folder is still there (a shell's folder deleted under it:
    a relative store was "read-only", a copy's an internal error)."""
    try:
        os.getcwd()
    except FileNotFoundError:
        return False
    return True


def _unwritable_companion(location: StoreLocation) -> str | None:
    """A ``-shm``, ``-wal`` or ``-journal`` beside a SQLite store that this user may not
    write, while the store and its folder may be: SQLite made it so when it read the
    store while the store was read-only (``chmod 444``), and every write failed after
    the store was made writable again, blamed on the store and its folder."""
    path = location.path
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return None
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists() and not os.access(companion, os.W_OK):
            return str(companion)
    return None


def on_read_only_media(path: Path) -> bool:
    """A store in a folder we cannot write (a copy on read-only media), with no
    ``-shm`` file beside it and nothing in its WAL: SQLite would try to make the
    ``-shm`` file to read it, and fail ("attempt to write a readonly database").
    Nobody writes to it then (a writer makes those files)."""
    shm, wal = (path.with_name(path.name + suffix) for suffix in ("-shm", "-wal"))
    return (
        not os.access(path.parent, os.W_OK)
        and not shm.exists()
        and (not wal.exists() or wal.stat().st_size == 0)
    )


def reading_uri(path: Path) -> str:
    """The URI SQLite opens ``path`` by to read it without writing (as immutable on
    read-only media, where it could not make its ``-shm`` file)."""
    mode = "immutable=1" if on_read_only_media(path) else "mode=ro"
    return f"{path.resolve().as_uri()}?{mode}"


def writable(path: Path) -> bool:
    """Whether this process may write the SQLite store at ``path``: the file (not
    made read-only or immutable) and its folder (where SQLite keeps its journal)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def may_write(location: StoreLocation) -> bool:
    """Whether this process (this PostgreSQL role) may write the store, or make it
    where it is not yet: the dashboard offers to load the demo only then (a
    reader's `d` said "read-only for you"). True when it cannot tell."""
    if location.kind == "sqlite":
        path = location.path
        if path.exists():
            return writable(path)
        folder = next((p for p in path.parents if p.exists()), None)
        return folder is None or os.access(folder, os.W_OK)
    import psycopg

    schema = postgres_env(location, create=False)["POSTGRES_SCHEMA"] or "public"
    try:
        with _connect(location) as connection:
            found = connection.execute(_PG_MAY_WRITE, {"schema": schema}).fetchone()
    except (psycopg.OperationalError, OSError):  # (unreachable: opening it says why)
        return True
    return bool(found and found[0])


# whether the role may append to the log, or make it: in the schema, or the schema
_PG_MAY_WRITE = """SELECT CASE
    WHEN to_regclass(format('%%I.cxzy_events', %(schema)s::text)) IS NOT NULL
        THEN has_table_privilege(to_regclass(format('%%I.cxzy_events', %(schema)s::text)), 'INSERT')
    WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %(schema)s::text)
        THEN has_schema_privilege(%(schema)s::text, 'CREATE')
    ELSE has_database_privilege(current_database(), 'CREATE') END"""


@contextmanager
def snapshot(location: StoreLocation) -> Iterator[StoreLocation]:
    """A copy of the SQLite store at ``location`` in a temporary folder, removed at
    the end; messages name the store. Made by SQLite's backup (what the store
    holds, its write-ahead log's records too), for a dry run against a store this
    process may not write (an archived copy, read-only media): the dry run writes
    its records into the copy and rolls them back."""
    check_sqlite_file(location, create=False)  # (a file that is no cxzy store: said as such)
    path = location.path
    with tempfile.TemporaryDirectory(prefix="cxzy-dry-run-") as folder:
        copy = Path(folder) / path.name
        wal = path.with_name(path.name + "-wal")
        needed = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        free = shutil.disk_usage(folder).free
        if free < needed:  # (said as such: SQLite's own words blame the store)
            raise Violation(
                "dry_run_no_room", store=location.display(), folder=folder, needed=needed, free=free
            )
        try:
            with (
                closing(sqlite3.connect(reading_uri(path), uri=True)) as source,
                closing(sqlite3.connect(copy)) as target,
            ):
                source.backup(target)
        except sqlite3.Error as error:
            raise store_error(location, error) from None
        yield StoreLocation("sqlite", str(copy), shown=location.display())


def sqlite_name(location: StoreLocation, *, read_only: bool) -> str:
    """The name eventsourcing opens (it takes URIs): the file, or, for reading a
    store on read-only media, the file as immutable."""
    if read_only and on_read_only_media(location.path):
        return f"{location.path.resolve().as_uri()}?immutable=1"
    return str(location.path)


def _in_a_loop(path: Path) -> bool:
    """Whether following ``path``'s links comes back round (ELOOP)."""
    try:
        os.stat(path)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def sqlite_temp_folder() -> str:
    """Where SQLite keeps its work files (a sort, an index made, a large
    transaction's spill) on this system: the first of its folders it may write."""
    for folder in (os.environ.get("SQLITE_TMPDIR"), os.environ.get("TMPDIR"), "/var/tmp",
                   "/usr/tmp", "/tmp"):  # fmt: skip
        if folder and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            return folder
    return "."


def refuse_no_file(location: StoreLocation) -> None:
    """Refuse a SQLite store's path that names a folder, a device (``/dev/null``) or
    a pipe: SQLite's own words were "disk I/O error", or "no store" for reading."""
    path = location.path
    try:
        if path.is_symlink() and not path.exists():  # (to a drive not mounted, say: a
            # store made there, or left there by a refused import, was not the office's)
            target = os.readlink(path)
            if _in_a_loop(path):  # (said as a link to nothing: "a drive not mounted?")
                raise Violation("store_link_loop", store=location.display(), target=target)
            raise Violation("store_dangling_link", store=location.display(), target=target)
        if path.is_dir():
            raise Violation("store_is_dir", store=location.display())
        if path.exists() and not path.is_file():
            raise Violation("store_not_a_file", store=location.display())
    except OSError as error:  # (a name too long: "internal error")
        raise Violation(
            "store_unreadable", store=location.display(), reason=os_reason(error)
        ) from None


#: SQLite's words for the disk's failures (a store's file on a full or failing disk, or
#: read-only), said in the interface's language too; others are shown as SQLite has them
_SQLITE_REASONS = {
    "disk i/o error": "sqlite.io_error",
    "database or disk is full": "os.full",
    "attempt to write a readonly database": "os.read_only_file",
}


def sqlite_reason(reason: str) -> Violation | str:
    """SQLite's reason for a failure, as a message parameter (see :func:`os_reason`)."""
    known = _SQLITE_REASONS.get(reason.strip().lower())
    return Violation(known) if known else reason


def refuse_missing_folder(location: StoreLocation) -> None:
    """The folder of a new store named by ``--store`` or ``CXZY_STORE`` must be there:
    a path typed wrong, or on a drive not mounted, made its folders and a new store
    there, apart from the office's (the per-user default's folders are made). A file
    where a folder should be is left for making the folder to say."""
    folder = location.path.parent
    if folder.is_dir() or folder == default_store_path().parent:
        return
    there = next(p for p in (folder, *folder.parents) if os.path.lexists(p))
    if there.is_dir():
        raise Violation("store_folder_missing", store=location.display(), folder=str(folder))


def _unreadable(path: Path) -> OSError | None:
    """Why this user may not read the store's file, asked without opening it: POSIX
    locks are the process's, and closing any descriptor of the file drops every lock
    this process's SQLite connections hold on it. A dashboard that opened the store
    again (the demo loaded, a store made meanwhile) lost its readers' lock, and an
    import in another process, taking the store for unused when it closed, reset
    the write-ahead log under their reads: "database disk image is malformed", said
    of a sound store."""
    if path.is_dir():
        return IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not os.access(path, os.R_OK, effective_ids=os.access in os.supports_effective_ids):
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    return None


def check_sqlite_file(location: StoreLocation, *, create: bool, figures_gone: bool = False) -> bool:
    """Check that a SQLite store exists and is a cxzy store; return True when new.

    A missing file is an error unless ``create``; a file that is not SQLite, or a
    SQLite database that is not a cxzy store, is never touched.
    """
    path = location.path
    refuse_no_file(location)
    if not path.exists() or path.stat().st_size == 0:
        if not create:
            from cxzy.application.staging import made_by_the_living

            if made_by_the_living(path):  # (an import of its first records under way: the
                # store appears when it commits, as on PostgreSQL; "no store" sent the
                # office to import what was being imported)
                raise Violation("store_first_import_under_way", store=location.display())
            raise Violation("no_store", store=location.display())
        refuse_missing_folder(location)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            # (a file of the folder's name there: "File exists", of a store that was not)
            reason = Violation("os.not_dir") if isinstance(error, FileExistsError) else None
            raise Violation(
                "store_unwritable", store=location.display(), reason=reason or os_reason(error)
            ) from None
        return True
    unreadable = _unreadable(path)  # (SQLite's words: "unable to open database file")
    if unreadable is not None:
        reason = os_reason(unreadable)
        raise Violation("store_unreadable", store=location.display(), reason=reason) from None
    try:
        with closing(sqlite3.connect(reading_uri(path), uri=True)) as connection:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "cx_meta" not in tables:
                if tables:
                    raise Violation("not_a_store", store=location.display())
                if not create:  # (an empty database: a command that reads made its tables)
                    raise Violation("no_store", store=location.display())
                return True

            def value_of(table: str, column: str, key: str, value: str) -> Any:
                found = connection.execute(
                    f"SELECT {column} FROM {table} WHERE {key} = ?", [value]
                ).fetchone()
                return found[0] if found else None

            check_store(location, tables, value_of, figures_gone=figures_gone)
    except sqlite3.DatabaseError as error:
        reason = str(error)
        if "disk i/o error" in reason.lower():  # (a full disk: no room for the -shm file)
            raise Violation("store_disk_error", store=location.display()) from None
        if "not a database" in reason:
            raise Violation("not_a_store", store=location.display()) from None
        if "malformed" in reason:  # a SQLite file, cut short or overwritten in part
            raise Violation("store_damaged", store=location.display(), reason=reason) from None
        if "no such column" in reason:  # (a cx_meta made by hand, of other columns)
            raise Violation("not_a_store", store=location.display()) from None
        said = sqlite_reason(reason)
        raise Violation("store_unreadable", store=location.display(), reason=said) from None
    return False


#: eventsourcing's tables of the log and of what its processes have tracked, by store kind
LOG_TABLES = {
    "sqlite": ("stored_events", "tracking"),
    "postgresql": ("cxzy_events", "cxzy_tracking"),
}


def check_store(
    location: StoreLocation,
    present: set[str],
    value_of: Callable[[str, str, str, str], Any],
    *,
    figures_gone: bool = False,
) -> None:
    """Raise unless a store (it has ``cx_meta``) is of this version's format and has
    its tables (:func:`check_tables`; ``figures_gone``: a store to rebuild may lack
    its figures'). ``value_of(table, column, key column, key)`` reads one value of
    the store's database (None: no such row)."""
    found = value_of("cx_meta", "value", "key", "store_format")
    if found != STORE_FORMAT:
        newer = re.fullmatch(r"cxzy-store-(\d+)", str(found or ""))
        if newer and int(newer[1]) > int(STORE_FORMAT.rsplit("-", 1)[1]):
            raise Violation("store_format_newer", store=location.display(), found=found)
        raise Violation("store_format", store=location.display(), found=found or "?")
    tracking = LOG_TABLES[location.kind][1]
    tracked = tracking in present and value_of(
        tracking, "notification_id", "application_name", READ_MODEL
    )
    check_tables(location, present, tracked=bool(tracked) and not figures_gone)


def check_tables(location: StoreLocation, present: set[str], *, tracked: bool) -> None:
    """Raise when a store (it has ``cx_meta``) lacks tables of its own: ``present``
    are the tables there; ``tracked``: whether the read model of this version has
    been made (an older store lacks the tables a newer read model adds, until the
    rebuild that makes them). A table dropped outside cxzy was taken for a store
    never made, or made again empty by the next import: figures wrong, exit 0."""
    gone = [table for table in LOG_TABLES[location.kind] if table not in present]
    if gone:
        raise Violation("store_log_missing", store=location.display(), tables=", ".join(gone))
    gone = [table for table in TABLES if table not in present]
    if gone and tracked:
        # the chain's links vouch for the log, and a rebuild can only chain it as it
        # now is: "rebuild makes them again" sent the office to re-chain an edited log
        code = "store_chain_missing" if "cx_chain" in gone else "store_figures_missing"
        raise Violation(code, store=location.display(), tables=", ".join(gone))
    if tracked and "cx_commits" not in present:  # (made with the read model, kept by a
        # rebuild: dropped, "as known at" and checkpoints read the records' moments instead)
        raise Violation("store_commits_missing", store=location.display())


_MISSING_SCHEMA = re.compile(r'schema "(?P<name>[^"]*)" does not exist')
_MISSING_TABLE = re.compile(r'relation "(?:[^"]*\.)?(?:cxzy|cx)_[a-z_]+" does not exist')


def is_store_failure(error: BaseException) -> bool:
    """Whether an error is the database's (eventsourcing's, SQLite's or psycopg's: a
    file damaged, a schema dropped, a connection lost), not a fault of cxzy's."""
    return isinstance(error, PersistenceError | sqlite3.Error) or type(error).__module__.startswith(
        "psycopg"
    )


_LOST = (
    "terminating connection",
    "server closed the connection",
    "connection is closed",
    "connection is lost",
    "consuming input failed",
    "connection has been closed",
    "couldn't get a connection",  # (the pool's wait, while the server is unreachable)
)


def connection_lost(error: BaseException) -> bool:
    """Whether a failure is a PostgreSQL connection dropped under a read (the server
    restarted, an administrator ended the session): the pool opens another one."""
    said = str(error)
    return any(sign in said for sign in _LOST)


@contextmanager
def failures_named(location: StoreLocation | None) -> Iterator[None]:
    """A failure of the database inside, said as this store's (a copy reads one
    store and writes another: a damaged source was said to be the default store)."""
    try:
        yield
    except PersistenceError as error:
        if location is None:
            raise
        raise store_error(location, error) from None


#: Python's sqlite3 on a text that is not UTF-8: "Could not decode to UTF-8 column
#: 'origin' with text '…'" (the text, damaged, quoted is no use to the user)
_UNDECODED = re.compile(r"column '(?P<column>[^']*)'")


def store_error(location: StoreLocation, error: BaseException) -> Violation:
    """A failure of the database as one line for the user: read-only, full, or other."""
    reason = (str(error).strip().splitlines() or [""])[0]  # PostgreSQL adds the SQL below
    lowered = reason.lower()
    missing = _MISSING_SCHEMA.search(reason)
    if missing:
        name = missing["name"]
        return Violation(
            "no_schema", store=location.display(), schema=name, create=f"CREATE SCHEMA {name}"
        )
    if _MISSING_TABLE.search(reason):  # a PostgreSQL database or schema cxzy has not used yet
        schema = _schema_not_there(location)  # (reading: the schema may be gone too)
        if schema is not None:
            create = f"CREATE SCHEMA {schema}"
            return Violation("no_schema", store=location.display(), schema=schema, create=create)
        return Violation("no_store", store=location.display())
    if location.kind == "postgresql" and connection_lost(error):  # (it was "cannot open")
        if "couldn't get a connection" in reason:  # the pool's wait: PostgreSQL's reason
            heard = postgres_unreachable(location)  # (a role's CONNECTION LIMIT reached)
            if heard.code != "store_unreadable":
                return heard
        return Violation("store_connection_lost", store=location.display(), reason=reason)
    if "permission denied" in lowered or "must be owner" in lowered:
        return Violation("store_read_only_role", store=location.display())
    if "readonly" in lowered or "read-only" in lowered or "during recovery" in lowered:
        # (a PostgreSQL hot standby: "cannot execute LOCK TABLE during recovery"; a
        # session read-only by default_transaction_read_only: no file to blame)
        if location.kind == "postgresql" and "during recovery" in lowered:
            return Violation("pg_standby", store=location.display())
        if location.kind == "postgresql":
            return Violation("store_read_only_role", store=location.display())
        if (companion := _unwritable_companion(location)) is not None:
            return Violation("store_companion_read_only", store=location.display(), file=companion)
        return Violation("store_read_only", store=location.display(), reason=sqlite_reason(reason))
    if "database is locked" in lowered or "lock timeout" in lowered:
        return Violation("store_busy", store=location.display())
    if "disk is full" in lowered or "disk i/o error" in lowered:
        return Violation(
            "store_full",
            store=location.display(),
            reason=sqlite_reason(reason),
            temp=sqlite_temp_folder(),
        )
    if "unable to open database file" in lowered:
        return Violation("store_read_only", store=location.display(), reason=reason)
    if "not a database" in lowered or "malformed" in lowered:
        return Violation("store_damaged", store=location.display(), reason=reason)
    if "could not decode to utf-8" in lowered:  # a text's bytes damaged (cxzy writes UTF-8)
        where = _UNDECODED.search(reason)
        column = where["column"] if where else "?"
        said = Violation("store_text_damaged", column=column)
        return Violation("store_damaged", store=location.display(), reason=said)
    if _FIGURES_CLASH.search(reason):  # (the log is held against other writers: not a race)
        return Violation("store_figures_ahead", store=location.display())
    return Violation("store_unreadable", store=location.display(), reason=sqlite_reason(reason))


# A write refused because the figures already hold its row: cx_log holds a position
# or a record id the log does not (a row added outside cxzy)
_FIGURES_CLASH = re.compile(
    r'UNIQUE constraint failed: cx_log\.|duplicate key value violates unique constraint "cx_log_'
)


PG_WAIT_SECONDS = 5  # for a connection: the pool's wait, and the handshake's

_PG_REASONS = (  # what PostgreSQL or the network said → our message
    (re.compile(r'role "(?P<name>[^"]*)" does not exist'), "pg_no_role"),
    (re.compile(r'database "(?P<name>[^"]*)" does not exist'), "pg_no_database"),
    (re.compile(r"password authentication failed|no password supplied"), "pg_password"),
    (re.compile(r"failed to resolve host '(?P<name>[^']*)'"), "pg_no_host"),
    (
        re.compile(r"Connection refused|could not connect|accepting TCP/IP|timeout expired"),
        "pg_down",
    ),
    (re.compile(r'too many connections for role "(?P<name>[^"]*)"'), "pg_role_limit"),
    (re.compile(r"too many clients already|remaining connection slots"), "pg_server_full"),
)


def _connect(location: StoreLocation) -> Any:
    """One connection of our own to a ``postgresql://`` store (not eventsourcing's
    pool, which hides why it got none)."""
    import psycopg

    env = postgres_env(location, create=False)
    return psycopg.connect(
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        dbname=env["POSTGRES_DBNAME"],
        connect_timeout=3,
    )


def _schema_not_there(location: StoreLocation) -> str | None:
    """The URL's schema when the database has none of that name (a reader of a
    schema never made, or dropped, was told to import first, which cannot work
    there); None when it is there, or cannot be asked."""
    if location.kind != "postgresql":
        return None
    import psycopg

    schema = postgres_env(location, create=False)["POSTGRES_SCHEMA"]
    if not schema:
        return None
    try:
        with _connect(location) as connection:
            found = connection.execute(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [schema]
            ).fetchone()
    except psycopg.Error:
        return None
    return None if found else schema


def check_listening(location: StoreLocation, env: dict[str, str]) -> None:
    """Raise at once when nothing listens where a ``postgresql://`` URL points
    (``env``: its :func:`postgres_env`): eventsourcing's pool tries again and again
    for its 5 s before it says it got no connection. Only a TCP handshake, closed
    before a byte is sent (PostgreSQL logs nothing for it). A missing database or
    role, or a wrong password, is still found by the pool, and told after its wait."""
    host = env["POSTGRES_HOST"]
    if host.startswith("/"):  # the directory of a Unix socket: no port to try
        return
    try:
        socket.create_connection((host, int(env["POSTGRES_PORT"])), timeout=PG_WAIT_SECONDS).close()
    except OSError:
        raise postgres_unreachable(location) from None


def postgres_unreachable(location: StoreLocation) -> Violation:
    """Why no connection could be had: eventsourcing's pool waits, then says only
    that it got none ("couldn't get a connection after 5.00 sec"); one connection
    of our own hears PostgreSQL's reason (no such role or database, a wrong
    password, no server there)."""
    import psycopg

    try:
        _connect(location).close()
    except psycopg.Error as error:
        return _refused(location, error)
    return Violation("store_unreadable", store=location.display(), reason="no connection")


def _refused(location: StoreLocation, error: BaseException) -> Violation:
    """What PostgreSQL or the network said when a connection was refused, as one line."""
    env = postgres_env(location, create=False)
    said = str(error)
    for pattern, code in _PG_REASONS:
        found = pattern.search(said)
        if found:
            name = found.groupdict().get("name", "")
            if code == "pg_no_database":  # (said in the SQL that makes it)
                name = sql_name(name)
            where = f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}"
            return Violation(code, store=location.display(), name=name, server=where)
    reason = (said.strip().splitlines() or [""])[-1].strip()
    return Violation("store_unreadable", store=location.display(), reason=reason)


_PG_TABLES = """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %s AND c.relkind IN ('r', 'p')"""


_PG_UNREADABLE = """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND c.relname = ANY(%s)
      AND NOT has_table_privilege(c.oid, 'SELECT')"""


def check_postgres_store(location: StoreLocation, *, figures_gone: bool = False) -> bool:
    """What a ``postgresql://`` store's catalogue says before eventsourcing opens it
    (which makes the tables it misses): True when cxzy's tables are there. Raises
    when the database cannot be reached (at once, with PostgreSQL's reason: the
    pool waited its 5 s first), when tables of cxzy's names are someone else's,
    when the role may not read cxzy's tables, or when some of them are gone
    (:func:`check_tables`, unless ``figures_gone``: a store to rebuild). The
    catalogue is read whatever the role's rights."""
    import psycopg

    env = postgres_env(location, create=False)
    schema = env["POSTGRES_SCHEMA"] or "public"
    try:
        with _connect(location) as connection:
            present = {name for (name,) in connection.execute(_PG_TABLES, [schema])}
            if "cx_meta" not in present:
                ours = sorted(n for n in present if n.startswith(("cx_", "cxzy_")))
                if ours:
                    raise Violation(
                        "pg_foreign_tables", store=location.display(), tables=", ".join(ours)
                    )
                return False
            # every table of cxzy's own, not another application's cx_… in a shared
            # schema (a grant revoked on one, or tables a superuser's rebuild left its
            # own, failed later as "read-only for you")
            ours = [*TABLES, "cx_meta", "cx_commits", *LOG_TABLES["postgresql"]]
            unreadable = connection.execute(_PG_UNREADABLE, [schema, ours]).fetchall()
            if unreadable:
                raise Violation(
                    "pg_no_read",
                    store=location.display(),
                    user=sql_name(env["POSTGRES_USER"]),
                    schema=schema,
                )

            def value_of(table: str, column: str, key: str, value: str) -> Any:
                found = connection.execute(
                    f'SELECT {column} FROM "{schema}".{table} WHERE {key} = %s', [value]
                ).fetchone()
                return found[0] if found else None

            check_store(location, present, value_of, figures_gone=figures_gone)
    except psycopg.Error as error:
        if "permission denied for database" in str(error):  # (CONNECT revoked: the
            # grants on the tables it was told to ask for would not let it in)
            raise Violation(
                "pg_no_connect",
                store=location.display(),
                user=sql_name(env["POSTGRES_USER"]),
                database=sql_name(env["POSTGRES_DBNAME"]),
            ) from None
        if "permission denied" in str(error):
            raise Violation(
                "pg_no_read",
                store=location.display(),
                user=sql_name(env["POSTGRES_USER"]),
                schema=schema,
            ) from None
        raise _refused(location, error) from None
    return True


_PLAIN_SCHEMA = re.compile(r"[a-z_][a-z0-9_]*")


def sql_name(name: str) -> str:
    """A role's, a database's name as the SQL a message suggests must write it: in
    double quotes unless plain ("GRANT … TO Probe Reader" would not run)."""
    if _PLAIN_SCHEMA.fullmatch(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def _schema(location: StoreLocation, given: list[str] | None) -> str:
    """The schema a URL names ("": PostgreSQL's own, ``public``, when it names none):
    once, not empty (a script's unset variable took the public schema), a name
    eventsourcing writes as it is, and none of PostgreSQL's own."""
    if given is None:
        return ""
    shown = location.display()
    if len(given) > 1:
        raise Violation("schema_twice", store=shown, schemas=", ".join(given))
    schema = given[0]
    if not schema:
        raise Violation("schema_empty", store=shown)
    if len(schema) > _SCHEMA_MOST:
        raise Violation("schema_too_long", store=shown, length=len(schema), most=_SCHEMA_MOST)
    if not _PLAIN_SCHEMA.fullmatch(schema):
        # eventsourcing finds its types in a schema of plain lower-case letters only
        # (with capitals, created quoted, its imports failed: "Composite type not found")
        raise Violation("schema_name", store=shown, schema=schema)
    if schema == "information_schema" or schema.startswith("pg_"):
        # (information_schema took a store, and pg_dump --schema-only left it out)
        raise Violation("schema_system", store=shown, schema=schema)
    if schema in _RESERVED:  # written unquoted by eventsourcing: a syntax error
        raise Violation("schema_reserved", store=shown, schema=schema)
    return schema


_SCHEMA_MOST = 63  # PostgreSQL's longest name
# PostgreSQL's reserved key words (and those only a function or type may be named):
# not a schema's name unquoted
_RESERVED = frozenset(
    """all analyse analyze and any array as asc asymmetric authorization binary both case
    cast check collate collation column concurrently constraint create cross
    current_catalog current_date current_role current_schema current_time
    current_timestamp current_user default deferrable desc distinct do else end except
    false fetch for foreign freeze from full grant group having ilike in initially inner
    intersect into is isnull join lateral leading left like limit localtime
    localtimestamp natural not notnull null offset on only or order outer overlaps
    placing primary references returning right select session_user similar some
    symmetric system_user table tablesample then to trailing true union unique user
    using variadic verbose when where window with""".split()  # noqa: SIM905 (as the manual lists them)
)


def postgres_env(location: StoreLocation, *, create: bool) -> dict[str, str]:
    """eventsourcing's ``POSTGRES_*`` settings for a ``postgresql://`` URL (it has no DSN
    setting): ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?schema=NAME]``."""
    parts = urlsplit(location.target)
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"schema"}
    dbname = unquote(parts.path.lstrip("/"))
    if unknown and dbname:  # sslmode, say: eventsourcing takes no libpq options
        raise Violation(
            "store_url_options", store=location.display(), names=", ".join(sorted(unknown))
        )
    if not dbname or parts.fragment:
        raise Violation("bad_store_url", store=location.display())
    schema = _schema(location, query.get("schema"))
    try:
        port = parts.port or 5432
    except ValueError:
        raise Violation("bad_store_url", store=location.display()) from None
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname or "localhost",
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or "") or getpass.getuser(),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_CONNECT_TIMEOUT": str(PG_WAIT_SECONDS),
        # An import works out its read model inside the insert transaction: a large
        # one is busy longer than eventsourcing's default idle-in-transaction limit.
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "0",
        "POSTGRES_LOCK_TIMEOUT": str(WRITE_WAIT_SECONDS),
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "4",
        # A connection is tried before it is handed out (a round trip): a server's
        # idle_session_timeout ends the pool's idle ones, and the dashboard's next
        # read or listen failed on one, "connection lost" every few seconds.
        "POSTGRES_PRE_PING": "y",
        "APPLICATION_RECORDER_TOPIC": "cxzy.application.postgres_recorder:CxzyPostgresRecorder",
        "CREATE_TABLE": "y" if create else "n",
    }

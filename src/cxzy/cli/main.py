"""``cxzy``: parse the command line, run one command, map mistakes to exit 1."""

from __future__ import annotations

import argparse
import codecs
import contextlib
import errno
import functools
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.persistence import PersistenceError
from rich.console import Console
from rich.text import Text

from cxzy import __version__
from cxzy.application.app import (
    CampaignApp,
    closing_opened,
    open_app,
    open_reading,
    open_when_there,
)
from cxzy.application.copying import sqlite_copy
from cxzy.application.history import LogFilter, LogQuery
from cxzy.application.importer import Importer, ImportResult, RawItem
from cxzy.application.readmodel import VERSION as READ_MODEL_VERSION
from cxzy.application.status import StatusQuery
from cxzy.application.store import (
    StoreLocation,
    check_postgres_store,
    check_sqlite_file,
    may_write,
    refuse_no_file,
    resolve_store,
    snapshot,
    store_error,
    writable,
)
from cxzy.cli import audit, spreadsheets, store_commands
from cxzy.cli.exits import (
    EXIT_BUSY,
    EXIT_OK,
    EXIT_REFUSED,
    OUTPUT_ERRORS,
    exit_for,
    unwritable,
)
from cxzy.cli.interrupts import Terminated, say_stopped, terminate_as_interrupt
from cxzy.cli.messages import say, say_done, say_known_nothing, say_under_way
from cxzy.cli.progress import is_terminal, progress
from cxzy.cli.usage import (
    UNPRINTED,
    Once,
    Parser,
    given_twice,
    lang_in,
    langs_given,
    speaking,
    unit_arg,
)
from cxzy.cli.writing import waiting_said, write_into
from cxzy.domain.errors import Violation
from cxzy.domain.jsontext import storable
from cxzy.domain.moments import any_day, known_at
from cxzy.domain.records import Record
from cxzy.file_names import path_fits
from cxzy.formats.csv_records import check_encoding
from cxzy.formats.jsonl import read_records, write_records
from cxzy.formats.readers import (
    CSV_SUFFIXES,
    TEXT_START,
    check_text_start,
    file_format,
    read_file,
)
from cxzy.formats.sniffing import other_format
from cxzy.formats.xlsx_records import in_time_order
from cxzy.i18n import DEFAULT_LANG, LANGS, message, rendered, t, type_named
from cxzy.literal import clipped
from cxzy.os_errors import os_reason

PROBLEMS_ON_TERMINAL = 100  # problem lines an import shows on a terminal (all when redirected)
DEMO_FILE = "demo.jsonl"


@contextlib.contextmanager
def _said_of(option: str) -> Iterator[None]:
    """A value an option refuses, said of that option (``--as-of: there is no day…``)."""
    try:
        yield
    except Violation as violation:
        raise Violation("option_value", option=option, reason=violation) from None


def _date_arg(value: str, option: str) -> date:
    """A day given to ``option`` (``--as-of``), in ISO 8601 or as the dashboard's
    ``:`` takes it (2011/3/1, 2011年3月1日: copied from a unit's sheet)."""
    with _said_of(option):  # (spaces around it: copied from a sheet, a script's quotes)
        return any_day(value.strip())


def _type_arg(lang: str) -> Callable[[str], str]:
    """``--type``: a record type's name in any case, or its words as the log shows
    them (作出承诺); another is a usage error saying what it takes."""

    def named(value: str) -> str:
        found = type_named(value)
        if found is None:
            raise argparse.ArgumentTypeError(t("unknown_type_option", lang, value=value))
        return found

    return named


# where --store given after the command goes, and after a command's own
STORES_AFTER = ("store_after_command", "store_after_subcommand")


def _moment_arg(value: str, zone: ZoneInfo) -> datetime:
    """A ``--known-at`` moment (see :func:`cxzy.domain.moments.known_at`)."""
    with _said_of("--known-at"):
        return known_at(value.strip(), zone, datetime.now(UTC))


def _common(
    parser: argparse.ArgumentParser,
    *,
    top: bool,
    lang: str = DEFAULT_LANG,
    nested: bool = False,
    store: bool = True,
) -> None:
    """``--store`` (unless not ``store``: ``store copy`` names its two) and ``--lang``,
    before the command (``top``), after it, or after a command's own (``nested``:
    ``store copy``, ``export ledger``)."""
    default = None if top else argparse.SUPPRESS
    # (each level its own name: argparse let `--store a status --store b` read b)
    dest = "store" if top else STORES_AFTER[nested]
    if store:
        parser.add_argument(
            "--store",
            dest=dest,
            metavar="STORE",
            default=default,
            action=Once,
            help=t("cli.store", lang),
        )
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=lang if top else argparse.SUPPRESS,  # $CXZY_LANG or the default
        help=t("cli.lang", lang),
    )


def build_parser(lang: str = DEFAULT_LANG) -> argparse.ArgumentParser:
    """The command line, its help in ``lang`` (argparse's own words too, while
    :func:`cxzy.cli.usage.speaking` that language)."""
    parser = Parser(
        prog="cxzy", description=t("cli.description", lang), epilog=t("cli.top_exit", lang)
    )
    parser.add_argument(
        "--version",
        action="version",
        # (with the version of the figures it keeps: terminals that share a store
        # must agree on it, and the package's number alone told them apart too late)
        version=t("cli.version_line", lang, version=__version__, figures=READ_MODEL_VERSION),
        help=t("cli.version", lang),
    )
    common = functools.partial(_common, lang=lang)
    common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.commands = commands

    p = commands.add_parser("import", help=t("cli.import", lang), epilog=t("cli.import_exit", lang))
    common(p, top=False)
    p.add_argument("files", nargs="+", metavar="FILE", help=t("cli.import_files", lang))
    p.add_argument("--dry-run", action="store_true", help=t("cli.dry_run", lang))
    p.add_argument("--encoding", metavar="NAME", action=Once, help=t("cli.encoding", lang))
    p.add_argument("--unit", type=unit_arg(lang), action=Once, help=t("cli.import_unit", lang))

    p = commands.add_parser("status", help=t("cli.status", lang), epilog=t("cli.status_exit", lang))
    common(p, top=False)
    p.add_argument("--as-of", metavar="YYYY-MM-DD", action=Once, help=t("cli.as_of", lang))
    p.add_argument("--known-at", metavar="DATETIME", action=Once, help=t("cli.known_at", lang))
    p.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        action=Once,
        help=t("cli.format", lang),
    )
    p.add_argument("--audit", action="store_true", help=t("cli.audit", lang))
    p.add_argument("--unit", type=unit_arg(lang), action=Once, help=t("cli.status_unit", lang))
    p.add_argument("--subtree", action="store_true", help=t("cli.status_subtree", lang))

    p = commands.add_parser("log", help=t("cli.log", lang), epilog=t("cli.shown_exit", lang))
    common(p, top=False)
    p.add_argument("--unit", type=unit_arg(lang), action=Once, help=t("cli.log_unit", lang))
    p.add_argument(
        "--type", type=_type_arg(lang), metavar="TYPE", action=Once, help=t("cli.log_type", lang)
    )
    p.add_argument("--since", metavar="YYYY-MM-DD", action=Once, help=t("cli.since", lang))
    p.add_argument("--until", metavar="YYYY-MM-DD", action=Once, help=t("cli.until", lang))
    p.add_argument(
        "--format",
        choices=("table", "jsonl"),
        default="table",
        action=Once,
        help=t("cli.format", lang),
    )
    p.add_argument("--late", action="store_true", help=t("cli.late", lang))
    p.add_argument("--subtree", action="store_true", help=t("cli.log_subtree", lang))

    p = commands.add_parser("demo", help=t("cli.demo", lang), epilog=t("cli.demo_exit", lang))
    common(p, top=False)
    p.add_argument("--no-open", action="store_true", help=t("cli.no_open", lang))
    audit.add_commands(commands, common, lang)
    store_commands.add_commands(commands, common, lang)
    spreadsheets.add_commands(commands, common, lang)
    return parser


# -- commands ----------------------------------------------------------------------


def rebuild_notice(err: Console, lang: str) -> Callable[[int], None]:
    """What a command says before it rebuilds the read model (after an upgrade of
    cxzy): a line on standard error, so that a minute's wait is not silence."""

    def notice(events: int) -> None:
        err.print(message("rebuilding", lang, events=f"{events:,}"))

    return notice


def as_is_notice(err: Console, lang: str) -> Callable[[int], None]:
    """What a command says when it reads figures an older cxzy made, which it may not
    make anew (a read-only store or role): they show less until a writer does."""

    def notice(version: int) -> None:
        err.print(message("read_model_as_is", lang, version=version))

    return notice


def open_to_read(args: argparse.Namespace, location: StoreLocation | None = None) -> CampaignApp:
    """The command's store (or ``location``) opened to be read (:func:`open_reading`),
    its notices said on standard error."""
    where = location if location is not None else args.location
    return open_reading(where, args.on_rebuild, args.on_as_is)


STDIN = "-"  # the file name that reads JSON Lines from standard input
STDIN_LABEL = "<stdin>"  # its name in messages and in the records' origin
# ``<(my-script)``: the shell passes /dev/fd/63, a number that names nothing to whoever
# reads the message or the log later ("63:1"): its name there (numbered when several)
PIPE_LABEL = "<pipe>"
_DESCRIPTOR = re.compile(r"/dev/fd/\d+|/proc/(?:self|\d+)/fd/\d+")


def _labels(files: Sequence[str]) -> list[str]:
    """Each file's name in messages and in the records' origin, in order."""
    pipes = [name for name in files if _DESCRIPTOR.fullmatch(name)]

    def label(name: str) -> str:
        if name == STDIN:
            return STDIN_LABEL
        if name in pipes:
            return PIPE_LABEL if len(pipes) == 1 else f"<pipe {pipes.index(name) + 1}>"
        return storable(name)

    return [label(name) for name in files]


def _is_stream(path: Path) -> bool:
    """A named pipe, ``<(my-script)`` (``/dev/fd/N``), a device: what can be read
    only once."""
    try:
        return not stat.S_ISREG(path.stat().st_mode) and not path.is_dir()
    except OSError:
        return False


def _is_the_store(path: Path, location: StoreLocation) -> bool:
    """Whether ``path`` is the SQLite store's own file (by another name too)."""
    if location.kind != "sqlite":
        return False
    try:  # (an empty file is no store yet: the import makes one in it)
        return os.path.samefile(path, location.path) and path.stat().st_size > 0
    except OSError:  # (no store yet, or a file that cannot be looked at: said later)
        return False


@contextmanager
def _spooled(files: Sequence[str]) -> Iterator[dict[str, Path]]:
    """``-`` (standard input) and the files that can be read only once (a named
    pipe, ``<(my-script)``), copied to temporary files first (so that their SHA-256
    is known before the records are checked, and memory stays flat); removed
    afterwards. Yields label → path for the files to read, in the given order."""
    if files.count(STDIN) > 1:
        raise Violation("stdin_twice")
    paths = {name: Path(name) for name in files if name != STDIN}
    streams = [name for name in files if name == STDIN or _is_stream(paths[name])]
    labels = dict(zip(files, _labels(files), strict=True))
    if not streams:  # (a name in bytes that are not UTF-8, from a zip a unit sent: shown)
        yield {labels[name]: path for name, path in paths.items()}
        return
    with tempfile.TemporaryDirectory(prefix="cxzy-stdin-") as folder:
        for number, name in enumerate(streams):
            # the copy keeps the name's extension: it says how the file is read
            suffix = ".jsonl" if name == STDIN else paths[name].suffix
            spooled = Path(folder) / f"{number}{suffix}"
            if name == STDIN:
                _spool(sys.stdin.buffer, spooled, STDIN_LABEL)
            else:
                try:
                    stream = paths[name].open("rb")
                except OSError as error:
                    raise Violation(
                        "file_unreadable", file=labels[name], reason=os_reason(error)
                    ) from None
                with stream:
                    _spool(stream, spooled, labels[name])
            paths[name] = spooled
        yield {labels[name]: paths[name] for name in files}


def _spool(stream: Any, spooled: Path, name: str) -> None:
    """Copy what ``stream`` gives into ``spooled``; a failure said as the read's or as
    the copy's (a full temporary folder was said as the standard output's, or as the
    pipe's "cannot read")."""
    try:  # (unbuffered: a failed write is the write's, not a close's that hides it)
        copy = spooled.open("wb", buffering=0)
    except OSError as error:
        raise _spool_failed(name, spooled, error) from None
    with copy:
        copied = 0
        while True:
            try:
                chunk = stream.read(1 << 20)
            except OSError as error:
                raise Violation("file_unreadable", file=name, reason=os_reason(error)) from None
            if not chunk:
                break
            if not copied and file_format(spooled) == "jsonl" and not other_format(chunk):
                # (/dev/zero: at once, not when the disk was full; a workbook piped in is
                # said as one, once copied)
                check_text_start(chunk[:TEXT_START], name)
            copied += len(chunk)
            if copied % SPOOL_ROOM_EVERY < len(chunk) and _room_short(spooled):
                # (an endless pipe, `yes |`, filled the disk for every program on it)
                full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                raise _spool_failed(name, spooled, full) from None
            rest = memoryview(chunk)
            while rest:  # (a raw file may write part of it: a disk filling up)
                try:
                    rest = rest[copy.write(rest) or 0 :]
                except OSError as error:
                    raise _spool_failed(name, spooled, error) from None


#: Room kept free on the temporary folder's disk, below which a stream's copy stops
#: (said as the disk full): other programs write there too. The larger of a size and
#: a share of the disk, looked at every SPOOL_ROOM_EVERY bytes copied.
SPOOL_ROOM = 512 << 20
SPOOL_ROOM_SHARE = 0.1
SPOOL_ROOM_EVERY = 64 << 20


def _room_short(path: Path) -> bool:
    """Whether the disk of ``path`` has less room left than a copy may leave it."""
    try:
        usage = shutil.disk_usage(path.parent)
    except OSError:  # (cannot tell: the copy goes on, and a full disk is said as such)
        return False
    return usage.free < max(SPOOL_ROOM, usage.total * SPOOL_ROOM_SHARE)


def _spool_failed(name: str, spooled: Path, error: OSError) -> Violation:
    return unwritable(name, error, "spool_unwritable", folder=str(spooled.parent.parent))


def _read_files(
    files: dict[str, Path],
    sources: dict[str, str] | None = None,
    encoding: str | None = None,
    reading: spreadsheets.Reading = spreadsheets.NO_CAMPAIGN,
) -> tuple[Iterable[RawItem], int]:
    """Every record of the files (JSON Lines, CSV or XLSX by extension), in order,
    read as they are consumed, and about how many there are; ``sources`` receives
    each file's SHA-256 (and each workbook sheet's label). ``files``: label → path.

    CSV files are a workbook's sheets written apart (one named after a record type,
    or one with a ``type`` column), and several workbooks are one's sheets sent in
    parts: when there are several of them, their records are read whole and put
    together in time order, as a workbook's sheets are, where the first of them was
    given (a shell's ``*.csv`` gives ``CommitmentFulfilled.csv`` before
    ``CommitmentMade.csv``, and 十一月 before 十月)."""
    parts: list[Iterable[RawItem]] = []
    typed: list[int] = []  # the parts that are sheets: typed CSV files, workbooks
    total = 0
    for name, path in files.items():
        if path.is_dir():
            raise Violation("file_is_dir", file=name)
        try:
            found, digests, count = read_file(
                path,
                name,
                encoding=encoding,
                zone=reading.zone,
                kind_words=reading.kind_words,
                unit_codes=reading.unit_codes,
            )
        except FileNotFoundError:
            raise Violation("file_missing", file=name) from None
        except OSError as error:
            raise Violation("file_unreadable", file=name, reason=os_reason(error)) from None
        if file_format(path) in ("csv", "xlsx"):  # (a month's CSV with a type column
            typed.append(len(parts))  # too: 十一月.csv before 十月.csv went in refused)
        parts.append(found)
        total += count
        if sources is not None:
            sources.update(digests)
    if len(typed) > 1:
        sheets = [list(parts[i]) for i in typed]
        merged = in_time_order(sheets, reading.zone)
        first, rest = typed[0], typed[1:]
        parts = [merged if i == first else part for i, part in enumerate(parts) if i not in rest]
    return itertools.chain.from_iterable(parts), total


def _import(
    app: CampaignApp,
    files: dict[str, Path],
    dry_run: bool,
    lang: str,
    err: Console,
    encoding: str | None = None,
    unit: str | None = None,
) -> ImportResult:
    # the unit that sent the files in (--unit), by its code or a name it bore
    sender = LogQuery(app).sender_unit(unit) if unit is not None else None
    sources: dict[str, str] = {}
    items, total = _read_files(files, sources, encoding, spreadsheets.campaign_reading(app))
    with progress(err, t("checking", lang), total) as done:
        return Importer(app, sender=sender).run(
            items, dry_run=dry_run, on_record=done, sources=sources
        )


@contextmanager
def _checked_against(
    location: StoreLocation, dry_run: bool, on_copy: Callable[[], None]
) -> Iterator[StoreLocation]:
    """The store an import writes into: ``location``, or for a dry run, an empty
    store in memory when there is none (none is made), and a temporary copy when
    this process may not write it (decision 155; ``on_copy`` is told first: the
    copy's rebuild, after an upgrade, was said as the store's own)."""
    if not dry_run:
        yield location
    elif location.kind == "postgresql":  # (cxzy's tables made by a dry run: a write)
        there = check_postgres_store(location)
        yield location if there else StoreLocation("sqlite", ":memory:")
    elif not location.exists():
        yield StoreLocation("sqlite", ":memory:")  # check against an empty store, create none
    elif not writable(location.path):
        on_copy()
        with snapshot(location) as copy:
            yield copy
    else:
        yield location


def cmd_import(args: argparse.Namespace, out: Console, err: Console) -> int:
    lang = args.lang
    encoding = getattr(args, "encoding", None)
    if encoding is not None:
        check_encoding(encoding)
        if not any(Path(name).suffix.lower() in CSV_SUFFIXES for name in args.files):
            # JSON Lines is UTF-8 by contract, and a workbook says its own encoding
            raise Violation("encoding_without_csv", encoding=encoding)
    if STDIN in args.files and "stdin" in CLOSED_STREAMS:
        raise Violation("stdin_closed")
    for name in args.files:
        if name != STDIN and not path_fits(name):  # (its stat an internal error)
            reason = Violation("os.path_too_long")
            raise Violation("file_unreadable", file=storable(clipped(name, 80)), reason=reason)
        if name != STDIN and not Path(name).exists():
            raise Violation("file_missing", file=storable(name))
    location = args.location
    for name in args.files:
        if name != STDIN and _is_the_store(Path(name), location):
            # said before the store is opened: reading it as a file to import, the
            # import's own locks on it went with the descriptor closed (decision 301);
            # a file that is no store is said as such, as before
            check_sqlite_file(location, create=False)
            what, advice = Violation("file_kind_sqlite"), Violation("file_advice_sqlite")
            raise Violation(
                "file_is_not_records_yet", file=storable(name), what=what, advice=advice
            )
    unit = getattr(args, "unit", None)
    if unit is not None and location.kind == "sqlite" and not location.path.exists():
        # (no store holds the unit: "not registered" hid a mistyped --store)
        raise Violation("no_store_for_sender", store=location.display(), unit=unit)
    # a new file: said, so that a mistyped --store is not taken for the office's store
    # (by the import that made it: another made at the same moment imported into it)
    made: list[bool] = []
    with waiting_said(err, lang), _spooled(args.files) as files:

        def into(target: StoreLocation) -> ImportResult:
            return write_into(
                target,
                lambda app: _import(app, files, args.dry_run, lang, err, encoding, unit),
                # (a file of no records makes no empty store: a dashboard waiting
                # there said "no store yet" beside the file it made)
                kept=lambda result: result.ok and result.written > 0,
                on_rebuild=args.on_rebuild,
                args=args,
                on_made=lambda: made.append(True),
            )

        def copying() -> None:
            err.print(t("dry_run_copy", lang, store=location.display()), highlight=False)

        try:
            with _checked_against(location, args.dry_run, copying) as target:
                result = into(target)
        except Violation as refused:
            # a dry run on a PostgreSQL store this role may only read (the office's
            # reader checking a unit's file): against a copy of it, as on SQLite
            if not (args.dry_run and refused.code == "store_read_only_role"):
                raise
            copying()
            with sqlite_copy(location) as copy:
                result = into(copy)
    for name in sorted({n for n in args.files if n != STDIN and args.files.count(n) > 1}):
        # (read once: `import a.jsonl ./a.jsonl` said the repeats; this said nothing)
        with contextlib.suppress(OSError):
            err.print(t("file_given_twice", lang, file=storable(name)), highlight=False)
    if not result.ok:
        _report_problems(result, lang, err)
        return EXIT_REFUSED
    if made:
        with contextlib.suppress(OSError):
            say(err, t("store_made", lang, store=location.display()))
    key = "dry_run_ok" if args.dry_run else "imported"
    said = t(key, lang, written=result.written, skipped=result.present, position=result.position)
    # written all the same when this cannot be said (`> /dev/full`): exit 0, which
    # FORMAT.md gives a written import; a script retrying would find them present
    say_done(out, err, lang, said)
    if result.repeats and result.first_repeat is not None:
        where, first = result.first_repeat
        key = "repeated_by_id" if result.repeats_by_id else "repeated"
        said = t(key, lang, count=result.repeats, where=where, first=first)
        with contextlib.suppress(OSError):
            err.print(said, highlight=False)
    if not result.written and not result.skipped:  # (a template sent back unfilled, say)
        named = _labels(args.files)
        # (JSON Lines has no header to have held alone)
        jsonl = all(name == STDIN or file_format(Path(name)) == "jsonl" for name in args.files)
        said = t("no_records_jsonl" if jsonl else "no_records", lang, files=", ".join(named))
        err.print(said, highlight=False)
    return EXIT_OK


def _report_problems(result: ImportResult, lang: str, err: Console) -> None:
    """Every problem, one line each (scripts read them all); on a terminal the first
    PROBLEMS_ON_TERMINAL only, so that the first ones, often the cause of the rest
    (another campaign's file, a unit missing at the top), stay on the screen."""
    shown = len(result.problems)
    if shown > PROBLEMS_ON_TERMINAL and is_terminal(err):
        shown = PROBLEMS_ON_TERMINAL
    for problem in itertools.islice(result.problems, shown):  # (read as they are said: a million)
        line = f"{problem.where}: {rendered(problem.violation, lang)}"
        say(err, line)  # (values quoted from the file: one line, controls shown)
    if shown < len(result.problems):
        more = t("more_problems", lang, count=len(result.problems) - shown)
        err.print(more, highlight=False)
    err.print(t("refused", lang, count=result.refused), highlight=False)


def _today(zone: ZoneInfo) -> date:
    return datetime.now(zone).date()


def day_and_moment(
    args: argparse.Namespace, zone: ZoneInfo, err: Console | None = None
) -> tuple[date, datetime | None]:
    """``--as-of D`` and ``--known-at T``. D is today in the campaign's zone, with T
    too (DOMAIN.md: "Default D is today"; T only limits what counts). With T alone
    on an earlier day, ``err`` is told so, and how to ask for T's own day (what the
    dashboard's ``k`` shows: as of today, what was open then may read as overdue)."""
    text = getattr(args, "known_at", None)
    moment = _moment_arg(text, zone) if text is not None else None
    if getattr(args, "as_of", None) is not None:
        return _date_arg(args.as_of, "--as-of"), moment
    day = _today(zone)
    if moment is not None and err is not None and (then := moment.astimezone(zone).date()) < day:
        say(err, t("known_at_as_of_today", args.lang, day=day, then=then))
    return day, moment


def cmd_status(args: argparse.Namespace, out: Console, err: Console) -> int:
    typed = getattr(args, "unit", None)
    app = open_to_read(args)
    query = StatusQuery(app)
    zone = ZoneInfo(query.campaign().timezone)
    as_json = getattr(args, "format", "table") == "json"
    as_of, known_at = day_and_moment(args, zone, None if as_json else err)  # (a script's: D)
    audit = getattr(args, "audit", False)
    report = query.status(as_of, known_at, audit=audit)
    say_under_way(err, args.lang, known_at, report.under_way)
    if typed is not None:  # a unit's row, or its part of the tree (--subtree)
        code = LogQuery(app).filter_unit(typed)
        part = report.subtree(code)
        units = part if args.subtree else part[:1]
        if not units:  # (registered later, or not yet recorded at --known-at)
            raise report.not_in_view(code)
        report = replace(report, units=units)
    if as_json:
        document = report.to_json(audit=audit)
        ascii_only = not whole_unicode(out.file)  # (\u escapes, as JSON writes them)
        out.file.write(json.dumps(document, ensure_ascii=ascii_only, indent=2) + "\n")
    else:
        from cxzy.cli.render import status_tables, totals_line

        for table in status_tables(report, args.lang, out):
            out.print(table)
        if typed is not None and len(report.units) > 1:  # what the part adds up to
            # whole on a line where a script reads it (cut at 160, "awards" / "0")
            out.print(Text(totals_line(report, args.lang)), soft_wrap=not out.is_terminal)
        # (not an empty grid unsaid; JSON says it by its log position, with --audit)
        say_known_nothing(err, args.lang, report.position, known_at)
    return EXIT_OK


def cmd_log(args: argparse.Namespace, out: Console, err: Console) -> int:
    filters = LogFilter(
        unit=args.unit,
        type=args.type,
        since=_date_arg(args.since, "--since") if args.since is not None else None,
        until=_date_arg(args.until, "--until") if args.until is not None else None,
        late=args.late,
    )
    if filters.since is not None and filters.until is not None and filters.since > filters.until:
        # (no record could match: "no matching records" hid the slip)
        raise Violation("since_after_until", since=args.since, until=args.until)
    app = open_to_read(args)
    query = LogQuery(app)
    # a store without a campaign is refused in either format (JSON Lines said
    # nothing, exit 0, where the table said why)
    campaign = StatusQuery(app).campaign()
    if args.unit is not None:
        code = query.filter_unit(args.unit)
        filters = replace(
            filters, **({"under": code, "unit": None} if args.subtree else {"unit": code})
        )
    if args.format == "jsonl":
        write_records(query.records(filters), out.file, ascii_only=not whole_unicode(out.file))
        return EXIT_OK
    from cxzy.cli.render import console_palette, log_tables

    zone, kinds = ZoneInfo(campaign.timezone), campaign.template.activity_kind_names
    pages = query.pages(filters)
    palette = console_palette(out)
    for table in log_tables(pages, zone, args.lang, out.width, app.head(), kinds, palette):
        out.print(table)
    return EXIT_OK


def demo_file() -> Path:
    """The demo history: packaged with cxzy, or ``events/`` of a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "demo" / DEMO_FILE
    if packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "events" / DEMO_FILE
    return checkout


DEMO_ENTRY_DELAY = timedelta(hours=2)  # how long after it happened a demo record is entered


def demo_recorded(now: datetime) -> Callable[[Record], datetime]:
    """When the demo's records are taken to have reached the store, so that its
    history can be seen as known at any past moment (``k``, ``--known-at``): each
    two hours after it happened, in the file's order, which is the order they were
    reported in: a back-filled record, written after newer ones, is taken as
    entered with them, and shows as reported late. Never after ``now``."""
    last = datetime.min.replace(tzinfo=UTC)

    def recorded(record: Record) -> datetime:
        nonlocal last
        last = min(max(last, record.stamp.at + DEMO_ENTRY_DELAY), now)
        return last

    return recorded


def load_demo(
    location: StoreLocation, on_rebuild: Callable[[int], None] | None = None
) -> ImportResult:
    """Import the demo history into a store (creating it); a second time adds nothing."""
    path = demo_file()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()  # its records' origin, as any file's
    now = datetime.now(UTC)
    return write_into(
        location,
        lambda app: Importer(app).run(
            read_records(path, label=path.name),
            recorded_at=demo_recorded(now),
            sources={path.name: digest},
        ),
        kept=lambda result: result.ok,
        on_rebuild=on_rebuild,
    )


def cmd_demo(args: argparse.Namespace, out: Console, err: Console) -> int:
    lang = args.lang
    location = args.location
    if not args.no_open and location.exists() and not may_write(location):
        # a store this process may only read (the office's, shared with it): nothing
        # can be added, and the demo is there already as often as not; it opens as
        # plain `cxzy` opens it (it was refused, "cannot write", exit 1)
        say(err, t("demo_read_only", lang, store=location.display()))
        return open_dashboard(args, out, err)
    with waiting_said(err, lang):
        result = load_demo(args.location, args.on_rebuild)
    if not result.ok:
        first = result.problems[0].violation
        if first.code == "second_campaign":  # (its 544 records, each refused after it)
            existing = first.params["existing"]
            store = args.location.display()
            say(err, t("demo_other_campaign", lang, store=store, existing=existing))
        elif first.code == "template_broken":  # (an office's cxzy-2010.toml: the same)
            say(err, f"{result.problems[0].where}: {rendered(first, lang)}")
        else:
            _report_problems(result, lang, err)
        return EXIT_REFUSED
    store = args.location.display()
    said = t("demo_loaded", lang, written=result.written, skipped=result.present, store=store)
    say_done(out, err, lang, said)
    if args.no_open:
        return EXIT_OK
    return open_dashboard(args, out, err)


def demo_loader(location: StoreLocation) -> Callable[[], CampaignApp]:
    """What an empty store's dashboard runs for `d`: the demo loaded, the store opened
    to be read; what stops it raised as a violation, for a notice."""

    def demo_then_open() -> CampaignApp:
        try:
            result = load_demo(location)
            if not result.ok:  # (its template refused: an office's file of its key)
                raise result.problems[0].violation
            return open_app(location, read_only=True)
        except PersistenceError as error:
            raise store_error(location, error) from None

    return demo_then_open


def opener(location: StoreLocation) -> Callable[[], CampaignApp | None]:
    """What opens the store for reading once another process has made it (None
    before): an empty store's dashboard looks with it."""
    return functools.partial(open_when_there, location)


def open_dashboard(args: argparse.Namespace, out: Console, err: Console) -> int:
    """The dashboard in a terminal; the status table when output is not a terminal,
    or is one that cannot draw it (TERM=dumb: an editor's shell, a serial console)."""
    dumb = out.is_dumb_terminal  # (a terminal, TERM=dumb or unknown)
    if dumb or not (sys.stdout.isatty() and sys.stdin.isatty()):
        if dumb:
            say(err, message("dumb_terminal", args.lang, term=os.environ.get("TERM", "")))
        elif sys.stdout.isatty():  # (someone is looking: why not the dashboard; a script
            # reading the output wants the table, unsaid)
            say(err, message("input_not_terminal", args.lang))
        args.as_of = None
        args.known_at = None
        args.format = "table"
        return cmd_status(args, out, err)
    from cxzy.tui.app import CxzyApp

    location = args.location
    if location.kind == "sqlite":  # (it waited there for a store)
        refuse_no_file(location)
    store = None
    if location.exists():
        try:
            open_to_read(args, location).close()  # an older read model rebuilt
        except Violation as violation:
            if violation.code != "no_store":
                raise
            # a PostgreSQL schema without cxzy's tables yet: as a missing file
        else:
            store = open_app(location, read_only=True)
            try:  # (a campaign that cannot be read is said, not shown as none yet)
                StatusQuery(store).has_campaign()
            except Violation:
                store.close()
                raise

    dashboard = CxzyApp(
        store,
        lang=args.lang,
        load_demo=demo_loader(location) if may_write(location) else None,
        open_store=opener(location),
        store_name=location.display(),
        signals=threading.current_thread() is threading.main_thread(),
        color_system=out.color_system,
    )
    try:
        dashboard.run()
    finally:
        if dashboard.store is not None:
            dashboard.store.close()
    if dashboard.return_code == 128 + signal.SIGTERM:  # (closed by `kill`: said, as a command)
        err.print(message("terminated_showing", args.lang, signal="SIGTERM"))
        return dashboard.return_code
    return EXIT_OK


COMMANDS = {
    "import": cmd_import,
    "status": cmd_status,
    "log": cmd_log,
    "demo": cmd_demo,
    **audit.COMMANDS,
    **store_commands.COMMANDS,
    **spreadsheets.COMMANDS,
}


def _chosen_parser(
    parser: argparse.ArgumentParser,
    args: argparse.Namespace,
    argv: Sequence[str],
    extra: Sequence[str],
) -> Any:
    """The parser an option no command takes was given to: the deepest command named
    before it (``store copy``'s for ``cxzy store copy a b --x``; cxzy's own for
    ``cxzy --x status``)."""
    given = [n for n, arg in enumerate(argv) if arg in extra]
    before = given[0] if given else len(argv)
    chosen: Any = parser
    at = -1
    while True:
        nested = [a for a in chosen._actions if isinstance(a, argparse._SubParsersAction)]
        name = getattr(args, nested[0].dest, None) if nested else None
        if name is None or name not in argv[at + 1 : before]:
            return chosen
        at = argv.index(name, at + 1)
        chosen = nested[0].choices[name]


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cxzy`` with the given arguments; return the exit code."""
    _standard_streams()
    UNPRINTED.clear()  # (of an earlier run in this process: tests run many)
    lang = lang_in(sys.argv[1:] if argv is None else argv)
    try:
        with speaking(lang):
            parser = build_parser(lang)
            words = list(sys.argv[1:] if argv is None else argv)
            args, extra = parser.parse_known_args(words)
            if extra:  # said by the command's own parser, with its usage (it was the top's)
                said = argparse._("unrecognized arguments: %s")  # type: ignore[attr-defined]
                _chosen_parser(parser, args, words, extra).error(said % " ".join(extra))
            stores = [args.store, *(getattr(args, dest, None) for dest in STORES_AFTER)]
            given = [store for store in stores if store is not None]
            if len(given) > 1:  # `--store` before the command and after it
                option = next(a for a in parser._actions if a.dest == "store")
                parser.error(str(given_twice(option)))
            args.store = given[0] if given else None
            if len(langs_given(words)) > 1:  # `--lang en status --lang zh`: the last won
                # (the same one twice is taken: an alias's and the user's)
                option = next(a for a in parser._actions if a.dest == "lang")
                parser.error(str(given_twice(option)))
            if getattr(args, "audit", False) and args.format != "json":  # (it was ignored)
                said = argparse._("--audit needs --format json")  # type: ignore[attr-defined]
                parser.commands.choices["status"].error(said)
            if getattr(args, "subtree", False) and getattr(args, "unit", None) is None:
                # (the whole tree, the whole log: no part to widen; a usage error, as
                # --audit's, where it was exit 1)
                parser.commands.choices[args.command].error(t("subtree_without_unit", lang))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
        if code == 0:  # help or the version printed: on a full disk, said (it was lost)
            return _flushed(lang)
        return code
    # Piped output is not cut to 80 columns; a terminal gets its own width.
    # Text is shown as it is: no markup, and no emoji codes (":100:" in "FILE:100: …"
    # was shown as 💯).
    width, height = _output_size()
    out = _Output(
        file=sys.stdout, soft_wrap=False, width=width, height=height, markup=False, emoji=False
    )
    err = Console(file=sys.stderr, soft_wrap=True, markup=False, emoji=False)
    with closing_opened():  # here, on the main thread (not by the garbage collector)
        try:
            with terminate_as_interrupt(args.command is not None):
                return _run(args, out, err)
        except Terminated as stop:  # (one that came after the command, see there)
            return say_stopped(args, err, stop)


#: The standard streams the caller closed (``import -`` refuses a closed input: a
#: script's producer that failed had its import "done", 0 records)
CLOSED_STREAMS: set[str] = set()


def _output_size() -> tuple[int | None, int | None]:
    """The width (and height) tables are laid out for: a pipe's 160 columns; a
    terminal's own, ``COLUMNS`` when it is a positive number (0 printed nothing,
    and ``TERM=dumb`` took 80 columns on a terminal of 200); else rich's own."""
    if not sys.stdout.isatty():
        return 160, None
    try:
        columns, lines = os.get_terminal_size(sys.stdout.fileno())
    except (OSError, ValueError):
        columns, lines = 0, 0
    typed = os.environ.get("COLUMNS", "")
    if typed.isdigit() and int(typed) > 0:
        columns = int(typed)
    if columns <= 0:
        return None, None
    return columns, lines if lines > 0 else 25


def _flushed(lang: str) -> int:
    """The output flushed: exit 0, or 74 and why where the disk would not take it
    (the help and the version were lost unsaid, exit 0, under ``> /dev/full``)."""
    try:
        if UNPRINTED:
            raise UNPRINTED[-1]
        sys.stdout.flush()
    except BrokenPipeError:  # (a reader that stopped early: done, as for any command)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as error:
        failed = unwritable(t("stdout", lang), error)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (nothing more)
        print(rendered(failed, lang), file=sys.stderr)
        return exit_for(failed)
    return EXIT_OK


def _standard_streams() -> None:
    """Standard streams the caller closed (``cxzy import FILE >&-`` from cron) are
    opened on the null device: Python had None there (a traceback at the first
    output, or a closed standard error's messages written to the output a script
    reads), and the next file opened, the store, would have taken the number."""
    for number, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        if getattr(sys, name) is not None:
            continue
        CLOSED_STREAMS.add(name)
        try:
            os.fstat(number)
        except OSError:  # closed: the null device takes its number
            null = os.open(os.devnull, os.O_RDWR)
            if null != number:
                os.dup2(null, number)
                os.close(null)
        setattr(sys, name, open(number, mode, encoding="utf-8", closefd=False))  # noqa: SIM115
    # An encoding that cannot write every character (PYTHONIOENCODING=ascii, a GBK
    # locale, where a name of CJK Extension B failed): what it cannot write is written
    # as escapes, not an internal error at the first such character (JSON is written
    # escaped as JSON: :func:`whole_unicode`).
    for stream in (sys.stdout, sys.stderr):
        if not whole_unicode(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


_WHOLE_UNICODE = {"utf-8", "utf-16", "utf-32", "gb18030", "utf-8-sig"}


def whole_unicode(stream: Any) -> bool:
    """Whether ``stream`` writes every character as it is (True when it names no
    encoding: a dashboard's capture of print)."""
    encoding = getattr(stream, "encoding", None)
    if encoding is None:
        return True
    try:
        return codecs.lookup(encoding).name in _WHOLE_UNICODE
    except LookupError:
        return False


def _run(args: argparse.Namespace, out: Console, err: Console) -> int:
    try:
        args.location = resolve_store(args.store)
        args.on_rebuild = rebuild_notice(err, args.lang)
        args.on_as_is = as_is_notice(err, args.lang)
        command = COMMANDS.get(args.command or "", open_dashboard)
        return command(args, out, err)
    except Violation as violation:
        say(err, rendered(violation, args.lang))
        return exit_for(violation)
    except PersistenceError as error:
        location = getattr(args, "location", None)
        if location is None:
            err.print(message("store_failed", args.lang, reason=str(error)))
        else:
            failed = store_error(location, error)
            err.print(rendered(failed, args.lang))
            return exit_for(failed)
    except Terminated:
        raise  # said in main, once SIGTERM's own handler is put back
    except KeyboardInterrupt as stop:
        return say_stopped(args, err, stop)
    except BrokenPipeError:
        return EXIT_OK
    except MemoryError:  # (a limit the machine or `ulimit -v` set: no bug to report)
        say(err, message("out_of_memory", args.lang))
        return EXIT_BUSY
    except OSError as error:
        if _no_temporary_folder(error):  # (tempfile's words: "internal error")
            say(err, message("no_temporary_folder", args.lang))
            return EXIT_REFUSED
        if error.errno not in OUTPUT_ERRORS:  # a bug, as below
            return _internal_error(error, args.lang, err)
        # a full disk under `cxzy log > FILE` (files named on the command line say
        # their own failures): not a bug to report
        failed = unwritable(t("stdout", args.lang), error)
        err.print(rendered(failed, args.lang))
        return exit_for(failed)
    except Exception as error:  # a bug: say so in one line, keep the details on demand
        return _internal_error(error, args.lang, err)
    return EXIT_REFUSED


class _Output(Console):
    """The standard output: a reader that stops early (``cxzy log | head``) ends
    the command as having done its work (rich's own way exits 1, saying nothing)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush
        raise BrokenPipeError


def _no_temporary_folder(error: OSError) -> bool:
    """Whether ``error`` is Python's finding no folder for temporary files that it
    may write (TMPDIR, /tmp, /var/tmp, /usr/tmp and the current one)."""
    return isinstance(error, FileNotFoundError) and "No usable temporary directory" in str(error)


def _internal_error(error: Exception, lang: str, err: Console) -> int:
    if os.environ.get("CXZY_DEBUG"):
        raise error
    err.print(message("internal_error", lang, kind=type(error).__name__, reason=str(error)))
    return EXIT_REFUSED

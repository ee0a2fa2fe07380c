"""``cxzy template``, ``cxzy export ledger`` and ``cxzy report``: the office's
spreadsheets and the written summary."""

from __future__ import annotations

import argparse
import errno
import gc
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from rich.console import Console

from cxzy.application.app import CampaignApp, open_app
from cxzy.application.history import LogQuery
from cxzy.application.ledger import LedgerQuery
from cxzy.application.status import StatusQuery
from cxzy.application.store import StoreLocation, default_store_path
from cxzy.application.summary import SummaryQuery
from cxzy.application.templates import load_template, own_template_names
from cxzy.cli.exits import EXIT_OK, unwritable
from cxzy.cli.messages import say_done, say_known_nothing, say_under_way
from cxzy.cli.progress import progress
from cxzy.cli.usage import Once, unit_arg
from cxzy.domain.errors import Listed, Violation
from cxzy.domain.registry import activity_kind_key, folded_code
from cxzy.domain.schema import DEFAULT_TEMPLATE
from cxzy.domain.template import SELF_CHOSEN, Template
from cxzy.file_names import fits, path_fits
from cxzy.formats.output_files import replacing
from cxzy.formats.report_mark import is_report, marked_report
from cxzy.i18n import code_label, t
from cxzy.literal import clipped

if TYPE_CHECKING:
    from cxzy.formats.ledger_tables import Table
    from cxzy.formats.workbook_template import TemplateInputs

FAR_FUTURE = date(9999, 12, 31)


def add_commands(commands: Any, common: Callable[..., None], lang: str) -> None:
    """Register ``template``, ``export`` and ``report`` on the main parser."""
    p = commands.add_parser(
        "template", help=t("cli.template", lang), epilog=t("cli.template_exit", lang)
    )
    common(p, top=False)
    p.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="FILE.xlsx",
        action=Once,
        help=t("cli.template_output", lang),
    )
    p.add_argument("--force", action="store_true", help=t("cli.force", lang))
    p.add_argument("--unit", type=unit_arg(lang), action=Once, help=t("cli.template_unit", lang))

    p = commands.add_parser(
        "export", help=t("cli.export", lang), epilog=t("cli.written_exit", lang)
    )
    common(p, top=False)
    what = p.add_subparsers(dest="export_what", metavar="WHAT", required=True)
    ledger = what.add_parser(
        "ledger", help=t("cli.ledger", lang), epilog=t("cli.written_exit", lang)
    )
    common(ledger, top=False, nested=True)
    _dated_output(ledger, "PATH", t("cli.ledger_output", lang), lang)
    ledger.add_argument(
        "--format", choices=("xlsx", "csv"), action=Once, help=t("cli.ledger_format", lang)
    )

    p = commands.add_parser(
        "report", help=t("cli.report", lang), epilog=t("cli.written_exit", lang)
    )
    common(p, top=False)
    _dated_output(p, "FILE.html|FILE.md", t("cli.report_output", lang), lang)


def _dated_output(p: argparse.ArgumentParser, metavar: str, output: str, lang: str) -> None:
    """The options of a file written as of a day (and moment): the ledger's, the
    report's. Each takes one value (given twice, the last was kept: exit 0)."""
    p.add_argument("--output", "-o", required=True, metavar=metavar, action=Once, help=output)
    p.add_argument("--as-of", metavar="YYYY-MM-DD", action=Once, help=t("cli.as_of", lang))
    p.add_argument("--known-at", metavar="DATETIME", action=Once, help=t("cli.known_at", lang))
    p.add_argument("--force", action="store_true", help=t("cli.force_not_ours", lang))


class Reading(NamedTuple):
    """What reading a spreadsheet needs of the store's campaign (None and nothing
    while it holds none)."""

    zone: ZoneInfo | None  # a workbook's sheets are put in time order in it
    kind_words: dict[str, str]  # an activity kind's words → its code
    unit_codes: dict[str, str]  # a registered unit's code, folded (registry) → the code


NO_CAMPAIGN = Reading(None, {}, {})


def campaign_reading(app: CampaignApp) -> Reading:
    """How the store's campaign reads a spreadsheet."""
    with app.snapshot() as cursor:
        registry, _ = app.registry(cursor)
    info = registry.campaign
    if info is None:
        return NO_CAMPAIGN
    codes = {folded_code(code): code for code in registry.units}
    return Reading(ZoneInfo(info.timezone), activity_kind_words(info.template), codes)


def activity_kind_words(template: Template) -> dict[str, str]:
    """Each activity kind's names in every language (its checklist item's, 自选动作),
    by :func:`activity_kind_key`, to its code; a code is itself, whatever an item is
    named."""
    names = template.kind_names
    words = {activity_kind_key(w): k for k, named in names.items() for w in named.values()}
    return words | {
        activity_kind_key(kind): kind for kind in template.activity_kinds | {SELF_CHOSEN}
    }


#: Extensions of files (not folders): ``--format csv`` writes a folder, and a folder
#: named ``ledger.xlsx`` full of CSV files is a slip, not what was asked for.
FILE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".html", ".htm", ".md", ".jsonl", ".json")


def _output(name: str, suffixes: tuple[str, ...], store: StoreLocation) -> Path:
    if not name.strip():  # (`-o "$OUT"` with nothing in it: ":must end in .xlsx")
        raise Violation("output_empty", suffixes=" / ".join(suffixes))
    path = Path(name)
    if path.name.lower() in suffixes:  # ".xlsx": an extension, and no name before it
        raise Violation("output_no_name", file=name, suffix=path.name)
    if path.suffix.lower() not in suffixes:
        raise Violation("output_suffix", file=name, suffixes=" / ".join(suffixes))
    if not fits(path.name) or not path_fits(name):  # (said before the log is read)
        too_long = OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), name)
        raise unwritable(clipped(name, 80), too_long)
    if path.is_dir():
        raise Violation("file_is_dir", file=name)
    _not_the_store(path, name, store)
    return path


def _not_the_store(path: Path, name: str, store: StoreLocation) -> None:
    """Refuse to write over the store itself, --force or not: a store named
    ``v.md`` was replaced by the report written from it, its log gone."""
    if store.kind != "sqlite":
        return
    try:
        same = os.path.samefile(path, store.path)
    except OSError:  # (either is not there)
        return
    if same:
        raise Violation("output_is_store", file=name, store=store.display())


def _writable_folder(folder: Path, name: str) -> None:
    """Refuse an output whose folder is missing or cannot be written in, before the
    store is read (minutes on a large log); a failure at the end is still said."""
    try:
        if not folder.is_dir():
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(folder))
        with tempfile.TemporaryFile(dir=folder):
            pass  # a file can be made there
    except OSError as error:
        raise unwritable(name, error) from None


def _failed_file(name: str, error: OSError) -> str:
    """The file a writer failed on: the output, or one of its own (openpyxl's work
    files in the temporary folder: "cannot write ledger.xlsx: no space left", of a
    full $TMPDIR, 76 GB free beside the ledger)."""
    failed = error.filename
    if isinstance(failed, str) and failed and not _same_place(failed, name):
        return failed
    return name


def _same_place(failed: str, name: str) -> bool:
    """Whether ``failed`` is the output ``name``, its part being written or a file of
    its folder (a CSV ledger's)."""
    output = os.path.abspath(name)
    found = os.path.abspath(failed)
    return found == output or os.path.dirname(found) in (output, os.path.dirname(output))


def _written(name: str, write: Callable[[], Any]) -> Any:
    """Run a writer; a file that cannot be written is the user's one-line mistake.

    What a failed writer leaves half built (openpyxl's zip file) complains as it is
    collected ("Exception ignored in ..."): after the one line, nothing more."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    failed: Violation | None = None
    interrupt: type[KeyboardInterrupt] = KeyboardInterrupt
    said: tuple[Any, ...] = ()
    try:
        try:
            return write()
        except OSError as error:
            failed = unwritable(_failed_file(name, error), error)
        except KeyboardInterrupt as stop:  # Ctrl-C: the file there before stays, as on a failure
            interrupt, said = type(stop), stop.args  # (or SIGTERM's, SIGHUP's)
        # out of the except clause: the error's frames, and what they held, are let go
        gc.collect()
    finally:
        sys.unraisablehook = hook
    if failed is None:
        raise interrupt(*said)
    raise failed


def _an_export(path: Path) -> bool:
    """Whether a workbook is one cxzy exported (a ledger, replaced by the next day's
    without asking), not a unit's."""
    from cxzy.formats.xlsx_records import is_export

    if not path.is_file():  # (a device or a pipe: read for ever, or out of memory)
        return False
    try:
        return is_export(path)
    except (OSError, Violation):
        return False


def _day_and_moment(
    args: argparse.Namespace, app: CampaignApp, err: Console
) -> tuple[date, datetime | None]:
    from cxzy.cli.main import day_and_moment

    return day_and_moment(args, ZoneInfo(StatusQuery(app).campaign().timezone), err)


def _read_store(args: argparse.Namespace) -> CampaignApp:
    from cxzy.cli.main import open_to_read

    return open_to_read(args)


# -- template ---------------------------------------------------------------------


def template_inputs(app: CampaignApp | None, lang: str, unit: str | None = None) -> TemplateInputs:
    """Title, unit codes and activity kinds for the fill-in workbook, from the store
    when it holds a campaign, else from the built-in template; for ``unit`` (a code
    or a name it bore, read from the store: the caller refuses it without one), its
    part of the tree only."""
    from cxzy.formats.workbook_template import TemplateInputs

    info = None
    units: list[tuple[str, str]] = []
    title = ""
    sender = None
    if app is not None:
        query = StatusQuery(app)
        with app.snapshot() as cursor:
            info = app.campaign_info(cursor)
        code = LogQuery(app).sender_unit(unit) if unit is not None else None
        if info is not None:
            report = query.status(FAR_FUTURE)
            part = report.units if code is None else report.subtree(code)
            units = [(u.unit, u.name) for u in part]
            title = report.title
            sender = None if code is None else (code, dict(units).get(code, code))
    template = info.template if info is not None else load_template(DEFAULT_TEMPLATE)
    named = template.activity_kind_names
    kinds = [(kind, name.get(lang, kind)) for kind, name in named.items()]
    kinds += [(extra, extra) for extra in sorted(template.activity_kinds - named.keys())]
    kinds.append((SELF_CHOSEN, code_label("activity_kind", SELF_CHOSEN, lang)))
    return TemplateInputs(
        title=title or template.title.get(lang, template.key),
        units=units,
        activity_kinds=kinds,
        phase_count=len(template.phases),
        planned=info is not None,
        sender=sender,
    )


def cmd_template(args: argparse.Namespace, out: Console, err: Console) -> int:
    from cxzy.formats.workbook_template import write_template

    path = _output(args.output, (".xlsx",), args.location)
    if path.exists() and not args.force:  # units send the workbook back under its name
        raise Violation("output_exists", file=args.output)
    _writable_folder(path.parent, args.output)
    location = args.location
    # a store that is there is read (a folder, or a file that is no store, refused as
    # every command refuses it); none there: a workbook without the units' codes, said
    there = location.exists() or (location.kind == "sqlite" and location.path.exists())
    app = open_app(location, read_only=True) if there else None
    if app is None and args.unit is not None:  # (no store: no unit registered)
        raise Violation("no_store_for_sender", store=location.display(), unit=args.unit)
    if app is None:
        # (named: by --store or $CXZY_STORE, and perhaps mistyped; else the default)
        named = location != StoreLocation("sqlite", str(default_store_path()))
        said = "template_without_named_store" if named else "template_without_store"
        err.print(t(said, args.lang, store=location.display()))
    try:
        inputs = template_inputs(app, args.lang, args.unit)
    finally:
        if app is not None:
            app.close()
    own = own_template_names()
    if not inputs.planned and own:  # (an office about to plan its campaign on one)
        said = t("template_builtin_workbook", args.lang, template=DEFAULT_TEMPLATE, own=Listed(own))
        err.print(said, highlight=False)
    sheets = _written(args.output, lambda: write_template(path, inputs, args.lang))
    said = t(
        "template_written", args.lang, file=args.output, sheets=sheets, units=len(inputs.units)
    )
    say_done(out, err, args.lang, said)
    return EXIT_OK


# -- export ledger ----------------------------------------------------------------


def cmd_export(args: argparse.Namespace, out: Console, err: Console) -> int:
    from cxzy.formats.ledger_tables import ledger_tables
    from cxzy.formats.ledger_xlsx import write_tables_xlsx

    fmt = args.format or "xlsx"
    # the output is looked at before the store is read (minutes on a large log)
    if fmt == "xlsx":
        output = Path(args.output)
        folder = args.output.strip() and output.name not in ("", "-")
        folder = folder and not output.name.startswith(".")
        if args.format is None and not output.suffix and folder:
            # a folder's name (".xlsx" alone is a name missing: said by _output)
            raise Violation("ledger_output_folder", file=args.output)
        path = _output(args.output, (".xlsx",), args.location)
        if path.exists() and not args.force and not _an_export(path):
            raise Violation("output_exists", file=args.output)  # a unit's workbook, say
        _writable_folder(path.parent, args.output)
    else:
        path = _csv_folder(args.output, args.force, args.location)
    app = _read_store(args)
    try:
        as_of, known_at = _day_and_moment(args, app, err)
        with progress(err, t("progress_reading_log", args.lang), app.head()) as done:
            ledger = LedgerQuery(app).ledger(as_of, known_at, done)
    finally:
        app.close()
    say_known_nothing(err, args.lang, ledger.report.position, known_at)
    say_under_way(err, args.lang, known_at, ledger.report.under_way)
    with progress(err, t("writing", args.lang)):
        tables = ledger_tables(ledger, args.lang)
        if fmt == "xlsx":
            _written(args.output, lambda: write_tables_xlsx(tables, path))
        else:
            _written(args.output, lambda: _write_csv(tables, path, args.output))
    say_done(
        out,
        err,
        args.lang,
        t(
            "ledger_written",
            args.lang,
            as_of=as_of.isoformat(),
            file=args.output,
            position=ledger.report.position,
        ),
    )
    return EXIT_OK


def _csv_folder(name: str, force: bool, store: StoreLocation) -> Path:
    """The CSV ledger's folder, refused before the store is read: a file, a name with
    a file's extension, a parent folder that is missing, a folder that cannot be
    written in, or CSV files of those names that cxzy did not write (without --force)."""
    from cxzy.formats.ledger_csv import csv_names, is_csv_export

    if not name.strip():  # (Path("") is the current folder: nine CSV files written there)
        raise Violation("output_empty_folder")
    path = Path(name)
    if path.exists() and not path.is_dir():
        raise Violation("output_not_dir", file=name)
    if not path.is_dir():
        suffix = path.suffix.lower() or path.name.lower()
        if suffix in FILE_SUFFIXES:
            raise Violation("output_csv_suffix", file=name, suffix=suffix)
        _writable_folder(path.parent, name)  # the folder itself is made; not its parents
        return path
    _writable_folder(path, name)
    for file in csv_names():
        _not_the_store(path / file, os.path.join(name, file), store)
    there = [file for file in csv_names() if (path / file).exists()]
    if there and not force and not is_csv_export(path):
        raise Violation("output_not_ours", file=os.path.join(name, there[0]))
    return path


def _write_csv(tables: Sequence[Table], path: Path, name: str) -> None:
    from cxzy.formats.ledger_csv import write_tables_csv

    try:
        write_tables_csv(tables, path)
    except OSError as failed:  # named: the folder's other files are as they were
        if failed.filename is None or Path(failed.filename).parent != path:
            raise  # (the folder itself: said as the folder)
        shown = os.path.join(name, Path(failed.filename).name)
        raise unwritable(shown, failed) from None


# -- report -------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace, out: Console, err: Console) -> int:
    from cxzy.formats.report import report_html, report_markdown

    path = _output(args.output, (".html", ".htm", ".md"), args.location)
    if path.exists() and not args.force and not is_report(path):
        raise Violation("output_not_ours", file=args.output)  # the user's own notes.md
    _writable_folder(path.parent, args.output)
    app = _read_store(args)
    try:
        as_of, known_at = _day_and_moment(args, app, err)
        with progress(err, t("progress_reading_log", args.lang), app.head()) as done:
            summary = SummaryQuery(app).summary(as_of, known_at, done)
    finally:
        app.close()
    report = summary.ledger.report
    say_known_nothing(err, args.lang, report.position, known_at)
    say_under_way(err, args.lang, known_at, report.under_way)
    if path.suffix.lower() == ".md":
        text = report_markdown(summary, args.lang)
    else:
        text = report_html(summary, args.lang)
    _written(args.output, lambda: _write_text(path, marked_report(text)))
    say_done(
        out,
        err,
        args.lang,
        t(
            "report_written",
            args.lang,
            as_of=as_of.isoformat(),
            file=args.output,
            position=summary.ledger.report.position,
        ),
    )
    return EXIT_OK


def _write_text(path: Path, text: str) -> None:
    with replacing(path) as (part,):
        part.write_text(text, encoding="utf-8")


COMMANDS = {"template": cmd_template, "export": cmd_export, "report": cmd_report}

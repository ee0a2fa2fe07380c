"""``cxzy store copy SRC DST``: move a whole store between SQLite and PostgreSQL;
``cxzy store rebuild``: make a store's figures again from its log; ``cxzy store
template``: the template its campaign runs on."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from rich.console import Console

from cxzy.application.app import open_app, open_reading
from cxzy.application.copying import copy_store
from cxzy.application.status import StatusQuery
from cxzy.application.store import StoreLocation, failures_named, resolve_store
from cxzy.cli.exits import EXIT_OK, EXIT_REFUSED
from cxzy.cli.messages import say, say_done
from cxzy.cli.progress import progress
from cxzy.cli.writing import waiting_said, write_into
from cxzy.domain.errors import Violation
from cxzy.i18n import t


def add_commands(commands: Any, common: Callable[..., None], lang: str) -> None:
    p = commands.add_parser(
        "store", help=t("cli.store_command", lang), epilog=t("cli.store_exit", lang)
    )
    common(p, top=False)
    actions = p.add_subparsers(dest="store_action", metavar="ACTION", required=True)
    c = actions.add_parser("copy", help=t("cli.store_copy", lang), epilog=t("cli.store_exit", lang))
    common(c, top=False, nested=True, store=False)  # (its stores: SRC and DST)
    c.add_argument("source", metavar="SRC", help=t("cli.store_copy_source", lang))
    c.add_argument("target", metavar="DST", help=t("cli.store_copy_target", lang))
    r = actions.add_parser(
        "rebuild", help=t("cli.store_rebuild", lang), epilog=t("cli.store_exit", lang)
    )
    common(r, top=False, nested=True)
    m = actions.add_parser(
        "template", help=t("cli.store_template", lang), epilog=t("cli.store_template_exit", lang)
    )
    common(m, top=False, nested=True)


def cmd_store(args: argparse.Namespace, out: Console, err: Console) -> int:
    if args.store_action == "rebuild":
        return _rebuild(args, out, err)
    if args.store_action == "template":
        return _template(args, out, err)
    source, target = (
        resolve_store(args.source, named="SRC"),
        resolve_store(args.target, named="DST"),
    )
    if _same(source, target):
        raise Violation("copy_same", store=source.display())
    try:
        origin = open_reading(source, args.on_rebuild, args.on_as_is)
    except Violation as violation:  # ("import events first" is no advice for a copy)
        if violation.code == "no_store":
            raise violation.altered("copy_no_source") from None
        raise
    with failures_named(source):
        empty = origin.head() == 0
    if empty:  # said before the target is made: nothing made for nothing
        raise Violation("copy_source_empty")
    made = target.kind == "sqlite" and not target.exists()  # (removed if the copy fails)
    try:
        # (the source's log verified, then copied: each event is counted twice)
        copying = progress(err, t("progress_copying", args.lang), 2 * origin.head())
        with copying as done, waiting_said(err, args.lang):
            # a new SQLite file appears only whole and checked; one made there meanwhile
            # is copied into only if it is empty
            result = write_into(
                target, lambda copy: copy_store(origin, copy, done, on_verified=done), args=args
            )
    except Violation as violation:
        if violation.code != "copy_differs":
            raise
        outcome = "copy_not_kept" if made else "copy_kept"
        raise Violation(
            "copy_differs",
            what=violation.params["what"],
            outcome=t(outcome, args.lang, target=target.display()),
        ) from None
    if result.source_unlike:
        words = "copied_source_unlike"
        tables = ", ".join(result.source_unlike)
    else:
        words, tables = "copied", ""
    say_done(
        out,
        err,
        args.lang,
        t(
            words,
            args.lang,
            events=result.events,
            source=source.display(),
            target=target.display(),
            days=result.days_compared,
            tables=tables,
        ),
    )
    return 0


def _rebuild(args: argparse.Namespace, out: Console, err: Console) -> int:
    """The read model (the figures) made again from the log, in one transaction: a
    store whose tables were dropped or edited outside cxzy (``verify --figures``)."""
    app = open_app(args.location, figures_gone=True)
    with failures_named(args.location), waiting_said(err, args.lang):
        head = app.recorder.max_notification_id() or 0  # (the log's: cx_log may be gone)
        with progress(err, t("progress_rebuilding", args.lang), head) as done:
            applied = app.rebuild_read_model(done)
    said = t("rebuilt", args.lang, events=applied, store=args.location.display())
    say_done(out, err, args.lang, said)
    return 0


def _template(args: argparse.Namespace, out: Console, err: Console) -> int:
    """The template the store's campaign runs on, as its text (decision 259): what an
    auditor holds its figures to, and what the next campaign's file starts from."""
    from cxzy.cli.main import open_to_read

    app = open_to_read(args)
    try:
        with failures_named(args.location):
            key, text, kept, unlike = StatusQuery(app).template_text()
    finally:
        app.close()
    if not kept:
        say(err, t("store_template_not_kept", args.lang, template=key))
    if unlike:  # (printed all the same: the log's, for the auditor to hold them to)
        say(err, t("store_template_unlike", args.lang, store=args.location.display()))
    text = text if text.endswith("\n") else f"{text}\n"
    binary = getattr(out.file, "buffer", None)
    if binary is None:
        out.file.write(text)
    else:  # the text as kept, in UTF-8 as TOML is, whatever the terminal's encoding
        out.file.flush()
        binary.write(text.encode("utf-8"))
        binary.flush()
    return EXIT_REFUSED if unlike else EXIT_OK


def _same(source: StoreLocation, target: StoreLocation) -> bool:
    """Both name one store: one file (by any path), or one URL."""
    if source.kind != target.kind:
        return False
    if source.kind == "sqlite":
        return source.path.resolve() == target.path.resolve()
    return source.target == target.target


COMMANDS = {"store": cmd_store}

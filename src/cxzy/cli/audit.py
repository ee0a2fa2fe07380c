"""``cxzy verify [--against CHECKPOINT]`` and ``cxzy checkpoint``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import closing
from typing import Any

from rich.console import Console

from cxzy.application.app import CampaignApp, open_app, open_reading
from cxzy.application.audit import Checkpoint, VerifyReport, verify
from cxzy.application.readmodel import READ_MODEL
from cxzy.application.store import StoreLocation, failures_named
from cxzy.cli.exits import EXIT_OK, EXIT_REFUSED
from cxzy.cli.messages import say
from cxzy.cli.progress import progress
from cxzy.cli.usage import Once
from cxzy.cli.writing import waiting_said
from cxzy.domain.errors import Violation
from cxzy.i18n import message, t

EXIT_BROKEN = EXIT_REFUSED  # (FORMAT.md: verify's 1 is a log that is not intact)


def add_commands(commands: Any, common: Callable[..., None], lang: str) -> None:
    """Register ``verify`` and ``checkpoint`` on the main parser's subcommands."""
    p = commands.add_parser("verify", help=t("cli.verify", lang), epilog=t("cli.verify_exit", lang))
    common(p, top=False)
    p.add_argument("--against", metavar="CHECKPOINT", action=Once, help=t("cli.against", lang))
    p.add_argument("--figures", action="store_true", help=t("cli.figures", lang))
    p = commands.add_parser(
        "checkpoint", help=t("cli.checkpoint", lang), epilog=t("cli.checkpoint_exit", lang)
    )
    common(p, top=False)


def open_for_audit(
    location: StoreLocation,
    on_rebuild: Callable[[int], None] | None = None,
    on_as_is: Callable[[int], None] | None = None,
) -> CampaignApp:
    """Open the store without bringing the read model up to date first — events
    written behind cxzy's back must show as unchained, not be chained now — except
    when there is no read model at all (a new version of it, or lost): then it is
    rebuilt from the log, and ``verify`` says so."""
    app = open_app(location, read_only=True)
    if app.recorder.max_tracking_id(READ_MODEL):  # type: ignore[attr-defined]
        return app
    app.close()
    return open_reading(location, on_rebuild, on_as_is)  # (one that may only be read)


def _broken(report: VerifyReport, err: Console, lang: str) -> int:
    assert report.broken is not None
    brk = report.broken
    reason = message(brk.reason, lang, **brk.params)
    # (the log may be whole: a checkpoint's time that is not the store's says so)
    said = "verify_unvouched" if brk.reason == "checkpoint_time_differs" else "verify_broken"
    say(err, message(said, lang, position=brk.position, reason=reason))
    return EXIT_BROKEN


def _checked(app: CampaignApp, against: Checkpoint | None, err: Console, lang: str) -> VerifyReport:
    """The chain verified, with a bar on a terminal (a million events: over a minute)."""
    with progress(err, t("progress_verifying", lang), app.head()) as done:
        return verify(app, against, done)


def cmd_verify(args: argparse.Namespace, out: Console, err: Console) -> int:
    lang = args.lang
    against = Checkpoint.parse(args.against) if args.against is not None else None
    app = open_for_audit(args.location, args.on_rebuild, args.on_as_is)
    try:
        report = _checked(app, against, err, lang)
    finally:
        app.close()
    if not report.ok:
        return _broken(report, err, lang)
    say(out, message("verify_ok", lang, count=report.checked, head=report.head))
    if against is not None:
        say(
            out,
            message("verify_extends", lang, position=against.position, recorded=against.recorded),
        )
    if report.rebuilt is not None:
        first, last = report.rebuilt
        # (a link marked rebuilt by hand, with no rebuild's time: none said)
        said = "verify_rebuilt" if report.rebuilt_at else "verify_rebuilt_unknown"
        say(err, message(said, lang, first=first, last=last, at=report.rebuilt_at))
    if args.figures:
        return _figures_checked(args.location, out, err, lang)
    return EXIT_OK


def _figures_checked(location: StoreLocation, out: Console, err: Console, lang: str) -> int:
    """The figures (the read model) made again from the log and compared, table by
    table: a table edited behind cxzy's back changes what status shows, and the
    chain, which covers the log, cannot see it."""
    try:
        with (
            waiting_said(err, lang),  # (it waited 30 s for an import unsaid)
            closing(open_app(location)) as app,  # (its rebuild is rolled back: nothing written)
            progress(err, t("progress_figures", lang), app.head()) as done,
            failures_named(location),
        ):
            unlike = app.figures_unlike_the_log(done)
    except Violation as violation:
        if violation.code == "store_busy":  # (not "nothing was written": it writes nothing)
            raise Violation("verify_figures_busy", store=location.display()) from None
        if violation.code not in ("store_read_only_role", "store_read_only"):
            raise
        # (a watching terminal's role: the rebuild it makes and rolls back is a write; a
        # file, or its folder, read-only for this user)
        said = "verify_figures_writer" if location.kind == "postgresql" else "verify_figures_file"
        raise Violation(said, store=location.display()) from None
    if unlike:
        say(err, message("verify_figures_unlike", lang, tables=", ".join(unlike)))
        return EXIT_BROKEN
    say(out, message("verify_figures_ok", lang))
    return EXIT_OK


def cmd_checkpoint(args: argparse.Namespace, out: Console, err: Console) -> int:
    lang = args.lang
    app = open_for_audit(args.location, args.on_rebuild, args.on_as_is)
    try:
        report = _checked(app, None, err, lang)
    finally:
        app.close()
    if not report.ok:
        return _broken(report, err, lang)
    if report.checked == 0:
        raise Violation("checkpoint_empty")
    out.file.write(f"{report.checkpoint()}\n")
    return EXIT_OK


COMMANDS = {"verify": cmd_verify, "checkpoint": cmd_checkpoint}

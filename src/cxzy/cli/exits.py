"""The command line's exit codes, and the failures of writing that are the
machine's (a full disk), not the user's."""

from __future__ import annotations

import errno

from cxzy.domain.errors import Violation
from cxzy.os_errors import os_reason

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
# what a command had to write could not be, for the machine's reason: not a refusal,
# which a script of `cxzy verify` reads as a broken log (sysexits' EX_IOERR)
EXIT_UNWRITABLE = 74
# another program held the store's write lock past the wait, or the PostgreSQL server
# did not answer or dropped the connection: nothing wrong with the input, nothing
# written, try again later (sysexits' EX_TEMPFAIL; it was 1, "input refused", and a
# cron job could not tell a server restarting from a bad file)
EXIT_BUSY = 75
#: the refusals that are the moment's, not the input's (exit :data:`EXIT_BUSY`)
TRY_AGAIN = frozenset(
    {
        "store_busy",
        "verify_figures_busy",
        "store_connection_lost",
        "pg_down",
        "pg_role_limit",
        "pg_server_full",
        "store_first_import_under_way",
    }
)

# a write's errors that are the disk's, not a path the user gave
OUTPUT_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


class OutputFailed(Violation):
    """A file could not be written for the disk's reason (:data:`OUTPUT_ERRORS`):
    said in one line like any refusal, with :data:`EXIT_UNWRITABLE`."""


def unwritable(
    name: str, error: OSError, code: str = "output_unwritable", **params: object
) -> Violation:
    """Why the file ``name`` could not be written: the disk's failure, or a path the
    user gave (a missing folder, no permission: exit 1)."""
    kind = OutputFailed if error.errno in OUTPUT_ERRORS else Violation
    return kind(code, file=name, reason=os_reason(error), **params)


#: the refusals that are the disk's (the store's, or its temporary files'): as an
#: output the disk would not take (an import into a store that could not grow said
#: 1, "input refused", and `verify --figures` 1, "the log is broken")
DISK_FULL = frozenset({"store_full"})


def exit_for(refusal: Violation) -> int:
    """The exit code of a command that stopped at ``refusal``."""
    if isinstance(refusal, OutputFailed) or refusal.code in DISK_FULL:
        return EXIT_UNWRITABLE
    if refusal.code in TRY_AGAIN:
        return EXIT_BUSY
    return EXIT_REFUSED

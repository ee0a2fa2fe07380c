"""``python -m cxzy`` and the ``cxzy`` command (its entry point: :func:`run`)."""

import contextlib
import sys


def run() -> int:
    """Run the command line. Ctrl-C while Python is still loading cxzy (the first
    few tenths of a second) ends it quietly, as Ctrl-C later does: it printed a
    traceback, since the command's own handling was not in place yet."""
    try:
        from cxzy.cli import main

        return main()
    except KeyboardInterrupt:  # (after loading, the command says what it stopped)
        return 130  # 128 + SIGINT, the shell's code for Ctrl-C
    except MemoryError:  # (after loading, the command says it in its language)
        # Memory ran out while Python loaded cxzy (a tight ``ulimit -v``): a traceback
        # and 1, where memory running out later is one line and 75. Nothing is
        # loaded to say it with: both languages.
        with contextlib.suppress(Exception):  # (else the exit code says it)
            print(STARTING_WITHOUT_MEMORY, file=sys.stderr)
        return 75  # EX_TEMPFAIL: another moment, or a higher limit, may do


STARTING_WITHOUT_MEMORY = (
    "cxzy: 内存不足,未能启动,未写入任何内容(请放宽限制后重新运行)/ cxzy ran out of"
    " memory while starting; nothing was written (raise the limit and run it again)"
)


if __name__ == "__main__":
    sys.exit(run())

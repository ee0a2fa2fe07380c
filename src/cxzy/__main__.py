"""``python -m cxzy`` and the ``cxzy`` command (its entry point: :func:`run`)."""

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


if __name__ == "__main__":
    sys.exit(run())

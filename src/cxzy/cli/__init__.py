"""The command line: ``cxzy import | status | log | demo`` and the dashboard."""

from cxzy.cli.main import main

__all__ = ["main"]

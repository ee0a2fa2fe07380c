"""One widget per file; each renders from a :class:`~cxzy.application.dashboard.Snapshot`."""

"""Share of checklist items done per phase, week by week (one ShareLine each)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label

from cxzy.tui.components.share_line import ShareLine


class ProgressChart(Vertical):
    DEFAULT_CSS = """
    ProgressChart { height: auto; border: round $primary; padding: 0 1; }
    ProgressChart Horizontal { height: 1; }
    ProgressChart Label { width: 14; margin-right: 1; }  /* "Summarize 100%" is 14 */
    ProgressChart ShareLine { width: 1fr; height: 1; }
    """

    def __init__(self, title: str, phases: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = title
        self.phases = phases

    def compose(self) -> ComposeResult:
        for key, label in self.phases:
            with Horizontal():
                yield Label(label, id=f"label-{key}")
                yield ShareLine(id=f"share-{key}")

    def show(self, series: dict[str, list[float]], labels: dict[str, str], span: int = 0) -> None:
        """The shares week by week, along ``span`` weeks (the campaign's)."""
        width = max(map(cell_len, labels.values()), default=0)  # the shares aligned
        for key, _ in self.phases:
            values = series.get(key) or [0.0]
            line = self.query_one(f"#share-{key}", ShareLine)
            line.span = span
            line.data = tuple(values)
            share = values[-1] if values else 0.0
            name = labels[key]
            label = f"{name}{' ' * (width - cell_len(name))} {share:4.0%}"
            shown = self.query_one(f"#label-{key}", Label)
            if str(shown.content) != label:
                shown.update(label, layout=False)  # labels have a fixed width

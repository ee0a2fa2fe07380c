"""Share of checklist items done per phase, week by week (one ShareLine each)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label

from cxzy.domain.template import SHORT_CELLS
from cxzy.literal import shortened
from cxzy.tui.components.share_line import ShareLine

#: A label's share, after its phase's name: " 100%"
SHARE_CELLS = 5


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
        # the phases' names, as wide as the widest (a template's short names may take
        # 16 cells: a fixed 14 pushed every share out of sight)
        self.name_cells = min(max((cell_len(n) for _, n in phases), default=0), SHORT_CELLS)

    def compose(self) -> ComposeResult:
        for key, label in self.phases:
            with Horizontal():
                shown = Label(label, id=f"label-{key}")
                shown.styles.width = max(self.name_cells + SHARE_CELLS, 14)
                yield shown
                yield ShareLine(id=f"share-{key}")

    def show(self, series: dict[str, list[float]], labels: dict[str, str], span: int = 0) -> None:
        """The shares week by week, along ``span`` weeks (the campaign's)."""
        width = self.name_cells  # the shares aligned
        for key, _ in self.phases:
            values = series.get(key) or [0.0]
            line = self.query_one(f"#share-{key}", ShareLine)
            line.span = span
            line.data = tuple(values)
            share = values[-1] if values else 0.0
            name = shortened(labels[key], width)
            label = f"{name}{' ' * (width - cell_len(name))} {share:4.0%}"
            shown = self.query_one(f"#label-{key}", Label)
            if str(shown.content) != label:
                shown.update(label, layout=False)  # labels have a fixed width

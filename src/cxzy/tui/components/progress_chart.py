"""Share of checklist items done per phase, week by week (native Sparklines)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Sparkline


class ProgressChart(Vertical):
    DEFAULT_CSS = """
    ProgressChart { height: auto; border: round $primary; padding: 0 1; }
    ProgressChart Horizontal { height: 1; }
    ProgressChart Label { width: 14; margin-right: 1; }  /* "Summarize 100%" is 14 */
    ProgressChart Sparkline { width: 1fr; height: 1; }
    """

    def __init__(self, title: str, phases: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = title
        self.phases = phases

    def compose(self) -> ComposeResult:
        for key, label in self.phases:
            with Horizontal():
                yield Label(label, id=f"label-{key}")
                yield Sparkline([0.0], id=f"spark-{key}", summary_function=max)

    def show(self, series: dict[str, list[float]], labels: dict[str, str]) -> None:
        for key, _ in self.phases:
            values = series.get(key) or [0.0]
            self.query_one(f"#spark-{key}", Sparkline).data = values
            share = values[-1] if values else 0.0
            label = f"{labels[key]} {share:4.0%}"
            shown = self.query_one(f"#label-{key}", Label)
            if str(shown.content) != label:
                shown.update(label, layout=False)  # labels have a fixed width

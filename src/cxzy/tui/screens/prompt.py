"""A one-line prompt at the bottom: ``:`` commands, ``/`` filters, ``@`` moments."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from cxzy.tui.keys import localize_bindings


class PromptScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PromptScreen { align: left bottom; background: $background 30%; }
    PromptScreen Horizontal { height: 3; dock: bottom; background: $panel; }
    PromptScreen Label { width: 3; padding: 1 0 0 1; }
    PromptScreen Input { width: 1fr; }
    """
    BINDINGS = [Binding("escape", "cancel", "back")]

    def __init__(self, placeholder: str, mark: str, value: str = "") -> None:
        super().__init__()
        self.placeholder = placeholder
        self.mark = mark
        self.value = value

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.lang)  # type: ignore[attr-defined]
        with Horizontal():
            yield Label(self.mark)
            yield Input(value=self.value, placeholder=self.placeholder)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

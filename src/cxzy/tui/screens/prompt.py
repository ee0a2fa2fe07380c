"""A one-line prompt at the bottom: ``:`` commands, ``/`` filters, ``@`` moments."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Input, Label
from textual.widgets.input import Selection

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
        self._answered = False

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.lang)  # type: ignore[attr-defined]
        with Horizontal():
            yield Label(self.mark)
            # the text given is selected once, now: what is typed replaces it, whether
            # it reaches the field before its focus or after (selected again when the
            # focus came, what a burst had typed so far was replaced by its rest)
            yield Input(value=self.value, placeholder=self.placeholder, select_on_focus=False)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.selection = Selection(0, len(field.value))
        field.focus()

    def on_key(self, event: events.Key) -> None:
        """Keys that come before the field has the focus: the field takes them."""
        if self.focused is not self.query_one(Input):
            event.stop()
            self.take_key(event.key, event.character)

    def take_key(self, key: str, character: str | None) -> None:
        """A key typed for the field that did not reach it (``:ZP`` and Enter pasted
        or typed in one burst were lost, or taken by the dashboard's own keys)."""
        field = self.query_one(Input)
        if key == "enter":
            self._answer(field.value)
        elif key == "backspace":
            field.action_delete_left()
        elif character and character.isprintable():  # as the field's own keys do
            field.replace(character, *field.selection)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._answer(event.value)

    def action_cancel(self) -> None:
        self._answer(None)

    def _answer(self, value: str | None) -> None:
        """Dismissed once: an Enter taken before the field had the focus and the
        field's own Submitted would dismiss it twice, and close the screen under it."""
        if not self._answered:
            self._answered = True
            self.dismiss(value)

"""A one-line prompt at the bottom: ``:`` commands, ``/`` filters, ``@`` moments."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Input, Label
from textual.widgets.input import Selection

from cxzy.tui.keys import localize_bindings


class _Field(Input):
    """The prompt's field. Enter answers with what the field holds as the key comes
    (Input's own Enter was a binding, run after the keys behind it: ``:ZP``, Enter
    and ``l`` in one burst answered "ZPl"), and its editing keys act in their turn
    too; keys that come after the answer are the next screen's, kept until the
    prompt has gone."""

    async def _on_key(self, event: events.Key) -> None:
        prompt = self.screen
        if not isinstance(prompt, PromptScreen):
            return
        if prompt.answered or event.key == "enter":
            event.stop()
            event.prevent_default()  # (Input's own handler, next in line, is skipped)
            prompt.take_key(event)
            return
        editing = self._bindings.key_to_bindings.get(event.key)
        if editing:
            # Backspace, Left, Ctrl-U…: the field's bindings, acted on after the keys
            # behind them (`ZX`, Backspace, `P` typed quickly gave "ZX"): here, in turn
            event.stop()
            event.prevent_default()
            await self.run_action(editing[0].action)

    async def action_submit(self) -> None:
        """Enter, by the field's own binding: answered now, with the text as it is now
        (its Submitted message came after a key of the burst had been typed in)."""
        prompt = self.screen
        if isinstance(prompt, PromptScreen):
            prompt.answer(self.value)


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
        self.answered = False
        # keys that came after the answer, kept until it has been acted on (None: given
        # on at once, without `then`, or once it has been)
        self._after: list[events.Key] | None = None

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.lang)  # type: ignore[attr-defined]
        with Horizontal():
            yield Label(self.mark)
            # the text given is selected once, now: what is typed replaces it, whether
            # it reaches the field before its focus or after (selected again when the
            # focus came, what a burst had typed so far was replaced by its rest)
            yield _Field(value=self.value, placeholder=self.placeholder, select_on_focus=False)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.selection = Selection(0, len(field.value))
        field.cursor_blink = False  # (each blink redrew the field: 2.3 KB/s over SSH)
        field.focus()

    def on_key(self, event: events.Key) -> None:
        """Keys that come before the field has the focus: the field takes them."""
        if self.focused is not self.query_one(Input):
            event.stop()
            self.take_key(event)

    def take_key(self, event: events.Key) -> None:
        """A key typed for the field that did not reach it (``:ZP`` and Enter pasted
        or typed in one burst were lost, or taken by the dashboard's own keys); once
        answered, a key for the screen under it, given to it when the prompt is gone."""
        if self.answered:
            if self._after is None:  # (the answer has been acted on: to its screen)
                self._post(event)
            else:
                self._after.append(event)
            return
        field = self.query_one(Input)
        key, character = event.key, event.character
        if key == "enter":
            self.answer(field.value)
        elif key == "escape":  # (before the field's focus: the prompt stayed open)
            self.answer(None)
        elif key == "backspace":
            field.action_delete_left()
        elif character and character.isprintable():  # as the field's own keys do
            field.replace(character, *field.selection)

    def then(self, act: Callable[[str | None], None]) -> Callable[[str | None], None]:
        """``act`` on the answer (for ``push_screen``), then the keys typed after it,
        in their order, to whatever it left on top (``:2011-03-01``, Enter and ``]``
        a week on from that day, not from the day before)."""

        def answered(value: str | None) -> None:
            act(value)
            after, self._after = self._after or [], None
            for event in after:
                self._post(event)

        self._after = []
        return answered

    def _post(self, event: events.Key) -> None:
        self.app.post_message(events.Key(event.key, event.character))  # as the terminal's

    def action_cancel(self) -> None:
        self.answer(None)

    def answer(self, value: str | None) -> None:
        """Dismissed once: an Enter taken before the field had the focus and the
        field's own Enter would dismiss it twice, and close the screen under it."""
        if not self.answered:
            self.answered = True
            self.dismiss(value)

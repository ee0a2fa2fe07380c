"""A screen shown over another, in a frame: closed by Esc, or by a click outside
its frame, as the command palette is."""

from __future__ import annotations

from textual import events
from textual.screen import ModalScreen


class Dialog(ModalScreen[None]):
    """The help and a record: a click beside the frame did nothing, where the
    palette's closed it."""

    def action_close(self) -> None:
        self.dismiss(None)

    def on_click(self, event: events.Click) -> None:
        widget, _ = self.get_widget_at(event.screen_x, event.screen_y)
        if widget is self:  # (the screen's own background: outside the frame)
            event.stop()
            self.action_close()

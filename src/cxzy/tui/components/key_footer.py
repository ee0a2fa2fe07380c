"""The footer of keys, with the command palette's key only where it fits."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's footer docks the command palette's key on the right, over the
    other keys when they do not all fit. The compositor then cuts every line at the
    edges of the widgets on it, and a wide (Chinese) character under the docked
    key's edge was lost: at 100 columns the overview's footer read "l ▏^p 令面板".

    Here that key is shown only when the other keys fit beside it. On a narrower
    terminal the keys end at the screen's edge, a whole character at a time, and
    ctrl+p still opens the palette (the help, ``?``, lists it)."""

    _palette_width = 0  # the palette key's width, once it has been laid out

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        used = 0
        for child in self.children:
            if child.has_class("-command-palette"):
                self._palette_width = child.outer_size.width or self._palette_width
            elif child.display:
                used += child.outer_size.width
        if not used or not self._palette_width:  # not laid out yet
            return
        fits = used + self._palette_width <= self.size.width
        if fits != self.show_command_palette:
            self.show_command_palette = fits
            self.call_after_refresh(self.recompose)

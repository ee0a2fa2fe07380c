"""The footer of keys: each key whole or not at all, the command palette's key only
where it fits."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from cxzy.tui.watching import forget_closed_watchers


def _width(key: FooterKey) -> int:
    """The columns a key takes, as Textual's footer draws it: its key with a space
    either side, then its description and a space; the palette's key has a bar on its
    left instead of the key's left space."""
    width = cell_len(key.key_display) + 2
    if key.description:
        width += cell_len(key.description) + 1
    return width


class KeyFooter(Footer):
    """Textual's footer docks the command palette's key on the right, over the
    other keys when they do not all fit. The compositor then cuts every line at the
    edges of the widgets on it, and a wide (Chinese) character under the docked
    key's edge was lost: at 100 columns the overview's footer read "l ▏^p 令面板".
    And the keys that did not fit were cut at the screen's edge: "space 回放/".

    Here the keys are laid out by their widths, known from their text, as they are
    composed: the keys that fit whole, in order (the first that does not and the ones
    after it are left out), and the palette's key only when every other key fits
    beside it. ctrl+p still opens the palette, and the help (``?``) lists every
    key. Measured once they were drawn instead, a footer under a modal screen
    (the help over the log) was never measured again when its keys changed."""

    _fitted: tuple[int, ...] = ()  # the keys shown, by place, and the palette's

    def compose(self) -> ComposeResult:
        forget_closed_watchers(self)  # (the keys just removed, bound to ``compact``)
        room = self.size.width or self.app.size.width
        widgets = list(super().compose())
        keys = [w for w in widgets if not w.has_class("-command-palette")]
        palette = [w for w in widgets if w.has_class("-command-palette")]
        shown: list[Widget] = []
        used = 0
        for widget in keys:
            width = _width(widget) if isinstance(widget, FooterKey) else 0
            if used + width > room:
                break
            shown.append(widget)
            used += width
        if len(shown) == len(keys):
            shown += [p for p in palette if used + _width(p) <= room]  # type: ignore[arg-type]
        self._fitted = (room, len(shown))
        yield from shown

    def on_resize(self) -> None:
        if self._fitted and self._fitted[0] != self.size.width:
            self.call_after_refresh(self.recompose)

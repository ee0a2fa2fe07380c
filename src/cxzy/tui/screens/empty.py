"""An empty store: offer the demo history."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from cxzy.domain.errors import Violation
from cxzy.i18n import rendered, t
from cxzy.literal import literal
from cxzy.tui.components.key_footer import KeyFooter
from cxzy.tui.keys import localize_bindings


class EmptyScreen(Screen[None]):
    DEFAULT_CSS = """
    EmptyScreen { align: center middle; }
    EmptyScreen Static { width: auto; max-width: 100%; border: round $primary; padding: 1 2; }
    """
    BINDINGS = [Binding("d", "load_demo", "load demo")]

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.lang)  # type: ignore[attr-defined]
        yield Static(self._said(), markup=False)
        yield KeyFooter()

    def _said(self) -> str:
        """What is there, naming the store: a mistyped --store opened this screen as
        if the store were empty, and `d` made it (with its folders)."""
        lang, name = self.app.lang, self.app.store_name  # type: ignore[attr-defined]
        if name is None:
            return t("tui_empty_store", lang)
        there = self.app.store is not None  # type: ignore[attr-defined]
        if self.app.load_demo is None:  # type: ignore[attr-defined]
            key = "tui_empty_read_only" if there else "tui_no_store_read_only"
            return t(key, lang, store=literal(name).plain)
        key = "tui_empty_named" if there else "tui_no_store_yet"
        return t(key, lang, store=literal(name).plain)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`d` only where the demo can be loaded (a reader may not write the store)."""
        if action == "load_demo":
            return self.app.load_demo is not None  # type: ignore[attr-defined]
        return True

    def action_load_demo(self) -> None:
        load = self.app.load_demo  # type: ignore[attr-defined]
        if load is None:
            return
        try:
            store = load()
        except Violation as violation:  # a store that cannot be made (a folder, no schema)
            self.app.notify(rendered(violation, self.app.lang), severity="error")  # type: ignore[attr-defined]
            return
        self.app.show_campaign(store)  # type: ignore[attr-defined]

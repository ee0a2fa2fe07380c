"""The command palette's commands: Textual's (the app's, in its language), then
one per unit, found by its name and code and listed as written (a unit's name is a
spreadsheet's text: Textual reads its commands' titles as markup, and a name holding
``[/]`` closed the dashboard)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits
from textual.content import Content
from textual.system_commands import SystemCommandsProvider

from cxzy.i18n import t
from cxzy.literal import one_line
from cxzy.tui.messages import OpenUnit


def as_markup(text: str) -> str:
    """``text`` as Textual's markup that reads back as it: every ``[`` escaped (its
    own ``escape`` leaves ``[$accent]`` a variable, and doubles a backslash)."""
    return text.replace("[", "\\[")


class Commands(SystemCommandsProvider):
    """Textual's commands (the app's, in its language), then one per unit of the day
    shown to open its screen, in the grid's order (the tree's): one provider, so
    that the commands stay first, before a tree of hundreds of units."""

    def _units(self) -> list[tuple[str, partial[None], str]]:
        """Each unit's label (its name on one line, its code), what opens it, and its
        help: the unit it is under (twelve 第1队第2分队 of twelve divisions read
        alike)."""
        snapshot = self.app.snapshot  # type: ignore[attr-defined]
        if snapshot is None:
            return []
        lang = self.app.lang  # type: ignore[attr-defined]
        units = snapshot.report.units
        labels = {u.unit: f"{one_line(u.name)} {one_line(u.unit)}" for u in units}

        def help_of(parent: str | None) -> str:
            if parent not in labels:
                return self._help
            under = t("tui_unit_under", lang, chain=labels[parent])
            return f"{self._help} · {as_markup(under)}"  # (Textual reads help as markup)

        return [(labels[u.unit], partial(self._open, u.unit), help_of(u.parent)) for u in units]

    def _open(self, code: str) -> None:
        self.app.post_message(OpenUnit(code))

    @property
    def _help(self) -> str:
        return t("key_open", self.app.lang)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        async for hit in super().discover():
            yield hit
        for label, command, help_ in self._units():
            yield DiscoveryHit(Content(label), command, label, help_)

    async def search(self, query: str) -> Hits:
        async for hit in super().search(query):
            yield hit
        matcher = self.matcher(query)
        for label, command, help_ in self._units():
            score, offsets = matcher.fuzzy_search.match(query, label)
            if score > 0:
                shown = Content(label)  # (Textual's highlight reads its text as markup)
                for offset in offsets:
                    shown = shown.stylize(matcher.match_style, offset, offset + 1)
                yield Hit(score, shown, command, label, help_)

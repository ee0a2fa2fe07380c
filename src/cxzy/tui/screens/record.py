"""One record of the log, whole: what the file said, who recorded it, when it
reached the store and where it came from (an auditor's drill-down from the log)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from cxzy.application.history import LogEntry, LogQuery
from cxzy.application.importer import origin_parts
from cxzy.i18n import code_label, field_name, field_words, t, value_words
from cxzy.literal import literal
from cxzy.tui.components.key_footer import KeyFooter
from cxzy.tui.keys import localize_bindings, with_full_width
from cxzy.tui.screens.dialog import Dialog

# The record's own keys shown in the facts above its fields, not again among them.
_FACTS = ("type", "at", "id", "by", "recorded")


def _value(value: Any) -> Text:
    """A field as the file has it (objects and lists as JSON), shown literally."""
    return literal(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _key(type_: str, key: str, lang: str) -> Text:
    """A field's name in Chinese, then its key as the file has it; in English the
    key alone (its own words: their names only made the column wider)."""
    name = field_name(type_, key, lang) if lang != "en" else None
    if name is None or name.casefold() == key.casefold():
        return Text(key)
    return Text.assemble(name, (f" {key}", "dim"))


class RecordScreen(Dialog):
    SHOWS_DAY = False  # one record: the keys that move the day shown are off
    DEFAULT_CSS = """
    RecordScreen { align: center middle; }
    RecordScreen VerticalScroll { width: 90%; max-width: 120; height: auto; max-height: 90%;
        border: round $primary; background: $panel; padding: 1 2; }
    """
    BINDINGS = with_full_width(
        [
            Binding("escape", "close", "back"),
            Binding("enter", "close", "back", show=False),
            # a modal screen hides the app's own keys: ? and q work everywhere
            Binding("question_mark", "app.help", "help", show=False),
            Binding("q", "app.quit", "quit", show=False),
        ]
    )

    def __init__(self, pos: int) -> None:
        super().__init__()
        self.pos = pos

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.lang)  # type: ignore[attr-defined]
        with VerticalScroll():
            yield Static(t("tui_loading", self.app.lang), id="record")  # type: ignore[attr-defined]
        yield KeyFooter()  # its own keys (the log's, n and p, showed under it)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="record")
    def load(self) -> None:
        with self.app.store_reads():  # type: ignore[attr-defined]
            found = LogQuery(self.app.store).record(self.pos)  # type: ignore[attr-defined]
            self.app.call_from_thread(self.show, found)
            return
        self.app.call_from_thread(self.unreadable)  # (the store's failure said in a line)

    def unreadable(self) -> None:
        """The record could not be read: said here too, not "loading" for ever."""
        lang = self.app.lang  # type: ignore[attr-defined]
        self.query_one("#record", Static).update(
            Text(t("tui_record_unreadable", lang, pos=self.pos))
        )

    def show(self, found: tuple[LogEntry, dict[str, Any]] | None) -> None:
        lang = self.app.lang  # type: ignore[attr-defined]
        zone = self.app.zone  # type: ignore[attr-defined]
        palette = self.app.palette  # type: ignore[attr-defined]
        body = self.query_one("#record", Static)
        if found is None:
            body.update(Text(t("tui_no_record", lang, pos=self.pos)))
            return
        entry, record = found

        def when(moment: datetime) -> str:
            return moment.astimezone(zone).isoformat(sep=" ", timespec="seconds")

        table = Table(title=t("tui_record_title", lang, pos=entry.pos), show_header=False, box=None)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")  # every character of a field, wrapped
        table.add_row(
            t("log_header_type", lang),
            Text(f"{record['type']}  {code_label('type', record['type'], lang)}"),
        )
        table.add_row("id", _value(record["id"]))
        table.add_row(t("log_header_at", lang), when(entry.at))
        for key, value in record.items():
            if key not in _FACTS:
                shown = _value(value)
                words = self._words(record["type"], key, value, lang)
                if words and words != value:  # the code as the file has it, then its words
                    shown.append(f"  {words}", style="dim")
                table.add_row(_key(record["type"], key, lang), shown)
        table.add_row("", "")
        table.add_row(t("log_header_by", lang), _value(entry.by or "-"))
        recorded = Text(when(entry.recorded))
        if entry.late_days is not None:
            recorded.append(f"  {t('tui_reported_late', lang)}", style=palette.late)
        table.add_row(t("log_header_recorded", lang), recorded)
        parts = origin_parts(entry.origin)
        if parts is None:  # (records written before origins were kept whole)
            table.add_row(t("log_header_origin", lang), _value(entry.origin or "-"))
        else:
            table.add_row(t("log_header_origin", lang), literal(parts.label))
            table.add_row("", f"sha256:{parts.sha256}")
            table.add_row("", t("origin_line", lang, n=parts.line))
        body.update(table)

    def _words(self, type_: str, key: str, value: Any, lang: str) -> str | None:
        if (type_, key) == ("ActivityHeld", "kind") and isinstance(value, str):
            template = self.app.template  # type: ignore[attr-defined]
            return template.kind_label(value, lang)  # its checklist item's name
        words = value_words(key, value, lang)
        if words is not None:  # (in English the file's own words already)
            return None if lang == "en" else words
        return field_words(type_, key, value, lang)

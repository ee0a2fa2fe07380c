"""The event log: newest first, one window at a time, filtered, following live."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from cxzy.application.dashboard import LogRow, SearchWords, Snapshot
from cxzy.application.history import LogQuery
from cxzy.application.readmodel import MARKED_FIELDS
from cxzy.domain.errors import Violation
from cxzy.domain.moments import any_day
from cxzy.i18n import (
    FALSE_WORDS,
    TRUE_WORDS,
    codes_named,
    rendered,
    summary_label,
    t,
    type_named,
    type_shown,
)
from cxzy.literal import literal_line
from cxzy.tui.components.key_footer import KeyFooter
from cxzy.tui.components.row_clicks import RowClicks
from cxzy.tui.components.status_grid import UNDER_KEYS
from cxzy.tui.components.tables import Cell, cut, fill
from cxzy.tui.keys import localize_bindings, with_full_width
from cxzy.tui.watching import READ_AGAIN_SECONDS, forget_closed_watchers

PAGE = 200
# a key in any case, as codes are, where a word begins (in "sub-type:x" or a URL's
# "/unit:3" it is text to search for)
#: the keys in Chinese (自…至…, 起止), and the full-width colon a Chinese input method types
_KEY_WORDS = {"单位": "unit", "类型": "type", "自": "since", "起": "since", "至": "until"}
_KEY_WORDS |= {"止": "until", "迟报": "late"} | {key: "under" for key in UNDER_KEYS[1:]}
_TOKEN = re.compile(
    r"(?i)(?:^|(?<=\s))(unit|under|type|since|until|late|" + "|".join(_KEY_WORDS) + r")[:：](\S*)"
)
#: ``late:`` takes a yes or a no as a spreadsheet's cell does, in either language, or y/n
_LATE_WORDS = {word: True for word in (*TRUE_WORDS, "y")}
_LATE_WORDS |= {word: False for word in (*FALSE_WORDS, "n")}


# a word of a search that looks like a key (``结果:不通过``, ``foo:bar``): searched for as
# text, as a summary may say it (年终群众评议:先进), and named when nothing matched
_KEY_LIKE = re.compile(r"(?:^|(?<=\s))([^\s:：·]{1,12}[:：])\S")


def key_like_words(text: str) -> list[str]:
    """The words of ``text`` written as a filter's key that no key is (``结果:``)."""
    return [found[1] for found in _KEY_LIKE.finditer(text) if not _TOKEN.match(text, found.start())]


class BadFilter(ValueError):
    """A filter word that cannot match anything as typed: ``violation`` says why."""

    def __init__(self, violation: Violation) -> None:
        super().__init__(violation.code)
        self.violation = violation


def parse_filter(
    text: str, lang: str = "en", kinds: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, object]:
    """``unit:145 type:ActivityHeld since:2011-01-01 until:2011-12-31 late:yes free text``
    (``under:JU``: a unit and the units under it).

    A date that is not one, or a type that is not a record type (any case), raises
    :class:`BadFilter`: silently dropped, it would show more than was asked for; so
    does a key given twice with two values (the last one was kept: fewer rows than
    the filter line said)."""
    found: dict[str, object] = {}
    given: dict[str, str] = {}
    taken: list[tuple[int, int]] = []  # where the keys are, left out of the text searched
    for token in _TOKEN.finditer(text):
        typed_key, value = token.groups()
        key = _KEY_WORDS.get(typed_key, typed_key.lower())
        if not value:
            if typed_key != typed_key.lower():  # ("Since: 2011" in a search: its words)
                continue
            # ("unit:" found nothing; "单位:" is said as typed)
            raise BadFilter(Violation("tui_filter_empty", key=typed_key))
        taken.append(token.span())
        if given.setdefault(key, value).casefold() != value.casefold():  # (the last was kept)
            raise BadFilter(
                Violation("tui_filter_twice", key=typed_key, first=given[key], then=value)
            )
        if key in ("since", "until"):
            try:  # (spelled as ":" takes a day: 2011/3/1, 2011年3月1日)
                found[key] = any_day(value)
            except Violation as violation:
                raise BadFilter(violation) from None
        elif key == "late":  # reported late (late:yes), or on time (late:no)
            said = _LATE_WORDS.get(value.casefold())
            if said is None:
                raise BadFilter(Violation("tui_filter_late", key=typed_key, value=value))
            found["late"] = said
        elif key == "type":  # a type's name in any case, or its words (开展活动)
            named = type_named(value)
            if named is None:
                raise BadFilter(Violation("tui_unknown_type", value=value))
            found["type_"] = named
        else:
            found[key] = value
    since, until = found.get("since"), found.get("until")
    if isinstance(since, date) and isinstance(until, date) and since > until:
        raise BadFilter(
            Violation("tui_filter_reversed", since=given["since"], until=given["until"])
        )
    rest = text
    for start, end in reversed(taken):
        rest = rest[:start] + rest[end:]
    rest = rest.strip()
    # a summary as shown (张三 · 组长): each part is looked for, and the words shown
    # for a code find it too
    parts = [part.strip() for part in rest.split("·") if part.strip()]
    if parts:
        found["words"] = [
            SearchWords(part, codes_named(part, MARKED_FIELDS, lang, kinds)) for part in parts
        ]
    return found


class LogTable(RowClicks, DataTable):
    """The log's rows: Home and End go to the first and last row (the DataTable's
    scroll sideways, which hid the positions while the cursor stayed put); a click
    on the highlighted row opens it, wherever it lands."""

    BINDINGS = [
        Binding("home", "scroll_top", "first row", show=False),
        Binding("end", "scroll_bottom", "last row", show=False),
    ]


#: Below these widths the log leaves out the time a record reached the store (and
#: how late), then who recorded it (the record screen, Enter, shows them all): at
#: 80 columns the summary had 8 characters.
WITHOUT_RECORDED, WITHOUT_BY = 160, 100
SCROLLBAR = 2  # the table's vertical scrollbar, in cells (Textual's default)


def log_columns(width: int) -> tuple[str, ...]:
    """The log's columns on a screen this wide."""
    keys = ("pos", "at", "type", "unit", "summary", "by", "recorded", "late")
    if width < WITHOUT_BY:
        return tuple(k for k in keys if k not in ("by", "recorded", "late"))
    if width < WITHOUT_RECORDED:
        return tuple(k for k in keys if k not in ("recorded", "late"))
    return keys


class LogScreen(Screen[None]):
    SHOWS_DAY = False  # every record, whatever the day: the keys that move it are off
    DEFAULT_CSS = """
    LogScreen #title { height: auto; padding: 0 1; background: $boost; }
    LogScreen DataTable { height: 1fr; }
    """
    BINDINGS = with_full_width(
        [
            Binding("escape", "back", "back"),
            Binding("slash", "filter", "filter"),
            Binding("n", "next_page", "next page"),
            Binding("p", "previous_page", "previous page"),
            Binding("o", "toggle_order", "order"),
            # the keys that move the day shown: the log has none, said (they did nothing)
            *(
                Binding(key, "no_day", show=False)
                for key in (
                    "left_square_bracket",
                    "right_square_bracket",
                    "s",
                    "t",
                    "space",
                    "plus",
                    "minus",
                    "k",
                )
            ),
        ]
    )

    def __init__(self, filter_text: str = "") -> None:
        super().__init__()
        self.filter_text = filter_text
        # the records from the newest back, or from the first on (as `cxzy log`: an
        # auditor reads a campaign from its start)
        self.oldest_first = False
        # where each page shown starts: the position its rows are before (newest first)
        # or after (oldest first); None: the log's end it starts from
        self.pages: list[int | None] = [None]
        self._rows: list[LogRow] = []  # shown (laid out again when the width changes)
        self._to_top = False  # the next rows shown open at the first (a page asked for)
        self._pending_next = 0  # n typed while a page was coming: taken once it has come
        # the log's head when the rows shown were read: a live update of the newest
        # page reads only the records after it (a filter that matches little read the
        # log back from its end at every new record)
        self._head_seen: int | None = None
        self._seen_view: tuple[object, ...] = ()  # the page, order and filter read then

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.lang)  # type: ignore[attr-defined]
        yield Static("", id="title")
        yield LogTable(id="log", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self.watch(self.app, "snapshot", self.follow, init=True)
        table.focus()

    def on_unmount(self) -> None:
        forget_closed_watchers(self.app)

    def follow(self, snapshot: Snapshot | None) -> None:
        # new events: on the newest page, or on the last of the oldest first (not full)
        if self.oldest_first:
            if self.query_one(DataTable).row_count < PAGE:
                self.load()
        elif len(self.pages) == 1:
            seen = self._head_seen
            if self._seen_view != self._view() or snapshot is None or seen is None:
                self.load()  # (another page or filter is on its way, or none was read)
            elif snapshot.head > seen:
                self.load(after=seen)
            elif snapshot.head < seen:  # (the store made anew under its name)
                self.load()
            # (the same head: another day or moment of the same log, the same records)

    def reload(self) -> None:
        """A page the user asked for (a filter, the next page): the table says it is
        loading until its rows come, as a text that matches little reads far back
        (seconds at a million events, read from disk); they open at the first row."""
        self.query_one(DataTable).loading = True
        self._to_top = True
        self.load()

    def on_resize(self) -> None:
        if self._rows:  # the columns that fit the new width
            self.show_rows(self._rows)

    def _view(self) -> tuple[object, ...]:
        return (tuple(self.pages), self.oldest_first, self.filter_text)

    @property
    def _applied(self) -> str:
        """The filter of the rows shown (read for it)."""
        return str(self._seen_view[2]) if self._seen_view else ""

    @work(thread=True, exclusive=True, group="log")
    def load(self, after: int | None = None) -> None:
        """The page asked for; ``after``: only the newest page's records after that
        position, put on top of those shown (a live update). One the store did not
        give (said by the app) is asked for again shortly: the log stood empty, and
        `n` said it was the last page, after PostgreSQL's connections were ended."""
        with self.app.store_reads(failed=self._not_read):  # type: ignore[attr-defined]
            self._load(after)

    def _not_read(self) -> None:
        self.query_one(DataTable).loading = False
        self._head_seen, self._pending_next = None, 0
        self.set_timer(READ_AGAIN_SECONDS, self._read_again)

    def _read_again(self) -> None:
        if self._head_seen is None:  # (not read since)
            self.load()

    def _load(self, after: int | None) -> None:
        """(The worker's thread.) :meth:`load`'s reads."""
        query = self.app.query_  # type: ignore[attr-defined]
        kinds = self.app.template.activity_kind_names  # type: ignore[attr-defined]
        words = parse_filter(self.filter_text, self.app.lang, kinds)  # type: ignore[attr-defined]
        history = LogQuery(self.app.store)  # type: ignore[attr-defined]
        for key in ("unit", "under"):
            if not isinstance(unit := words.get(key), str):
                continue
            # as cxzy log --unit takes it: a code in any case, or a name it bore
            # (a mistyped code is said, not shown as "no records")
            try:
                words[key] = self.app.read_again_if_lost(  # type: ignore[attr-defined]
                    lambda typed=unit: history.filter_unit(typed)
                )
            except Violation as violation:
                self.app.call_from_thread(self.refused, violation)
                return
        view = self._view()
        head = self.app.read_again_if_lost(self.app.store.head)  # type: ignore[attr-defined]
        if after is not None:  # (read oldest first: more than a page, the page anew)
            newer = self.app.read_again_if_lost(  # type: ignore[attr-defined]
                lambda: query.log_page(after=after, oldest_first=True, limit=PAGE, **words)
            )
            if len(newer) < PAGE:
                self.app.call_from_thread(self._show_newer, newer[::-1], head, view)
                return
        start, oldest = self.pages[-1], self.oldest_first
        rows = self.app.read_again_if_lost(  # type: ignore[attr-defined]
            lambda: query.log_page(
                before=None if oldest else start,
                after=start if oldest else None,
                oldest_first=oldest,
                limit=PAGE,
                **words,
            )
        )
        self.app.call_from_thread(self._show_read, rows, head, view)

    def _show_read(self, rows: list[LogRow], head: int, view: tuple[object, ...]) -> None:
        self._head_seen, self._seen_view = head, view
        self.show_rows(rows)

    def _show_newer(self, newer: list[LogRow], head: int, view: tuple[object, ...]) -> None:
        """A live update's records on top of the newest page shown (each once)."""
        self._head_seen, self._seen_view = head, view
        if not newer:
            return
        shown = {row.pos for row in newer}
        self.show_rows([*newer, *(row for row in self._rows if row.pos not in shown)][:PAGE])

    def refused(self, violation: Violation) -> None:
        """A filter's unit that is none the log registered: said, and the filter
        applied before stays (the filter shown is always the one applied)."""
        self.query_one(DataTable).loading = False
        self.notify(rendered(violation, self.app.lang), severity="error")  # type: ignore[attr-defined]
        if self.filter_text != self._applied:
            self.filter_text = self._applied
            self.pages, self._pending_next = [None], 0
            self.reload()

    def show_rows(self, rows: list[LogRow]) -> None:
        lang = self.app.lang  # type: ignore[attr-defined]
        zone = self.app.zone  # type: ignore[attr-defined]
        late_style = self.app.palette.late  # type: ignore[attr-defined]
        table = self.query_one(DataTable)
        table.loading = False
        cursor = table.cursor_coordinate
        # the record under the cursor: new records come in above it (on the newest,
        # the cursor stays on the newest: it follows them, as a live view does; oldest
        # first, they come in below it)
        first = 0 if self.oldest_first else 1
        on = self._rows[cursor.row].pos if first <= cursor.row < len(self._rows) else None
        self._rows = rows
        self._last = rows[-1].pos if rows else None
        keys = log_columns(self.size.width)
        columns = [(key, t(f"log_header_{key}", lang)) for key in keys]
        kinds = self.app.template.activity_kind_names  # type: ignore[attr-defined]

        def cells_of(row: LogRow) -> list[Cell]:
            shown: dict[str, Cell] = {
                "pos": str(row.pos),
                "at": row.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                "type": type_shown(row.type, lang),
                "unit": literal_line(row.unit),
                "summary": cut(
                    summary_label(
                        row.type, row.summary, lang, row.person, row.life, row.marks, kinds
                    )
                ),
                "by": literal_line(row.by),
                "recorded": row.recorded.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                "late": (
                    ""
                    if row.late_days is None
                    else Text(t("late_days", lang, days=row.late_days), style=late_style)
                ),
            }
            return [shown[key] for key in keys]

        cells: list[tuple[str, list[Cell]]] = [(str(row.pos), cells_of(row)) for row in rows]
        # the summary gives way (cut with "…"), so that the columns after it are whole
        # on the screen: who recorded a record cut to a surname misled
        fill(table, columns, cells, fit=("summary", self.size.width - SCROLLBAR))
        if rows and self._to_top:  # a page asked for opens at its first row
            table.move_cursor(row=0, animate=False)
            table.scroll_to(0, 0, animate=False)
        elif rows:  # the same record, else the same place (it left the page)
            places = {row.pos: n for n, row in enumerate(rows)}
            table.move_cursor(row=places.get(on, min(cursor.row, len(rows) - 1)), animate=False)
        self._to_top = False
        heading = t("tui_log_title_oldest" if self.oldest_first else "tui_log_title", lang)
        title = f"{heading} · {t('tui_log_page', lang, page=len(self.pages), size=PAGE)}"
        if self.filter_text:
            title += f" · {t('tui_filter', lang)}: {self.filter_text}"
        if not rows:
            title += f" · {t('tui_log_none', lang)}"
            if words := key_like_words(self.filter_text):  # (a slip, searched for as text)
                title += f" ({t('tui_log_not_keys', lang, keys=' '.join(words))})"
        known_at = self.app.clock.known_at  # type: ignore[attr-defined]
        if known_at is not None:  # an auditor's view of a past moment: the log is not one
            local = known_at.astimezone(zone)  # (to the second when it names one)
            moment = local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
            title += f" · {t('tui_log_whole', lang, moment=moment)}"
        self.query_one("#title", Static).update(Text(title))
        if self._pending_next:
            self._pending_next -= 1
            self.action_next_page()

    @on(DataTable.RowSelected)
    def open_record(self, event: DataTable.RowSelected) -> None:
        """Enter: the whole record, who recorded it, when and where it came from."""
        from cxzy.tui.screens.record import RecordScreen

        if not self.is_current:  # Enter then Esc typed fast: the log is gone already
            return
        self.app.push_screen(RecordScreen(int(str(event.row_key.value))))

    def action_next_page(self) -> None:
        if self.query_one(DataTable).loading:  # (n n typed fast: the page still coming
            self._pending_next += 1  # was asked for again, under the next one's number)
            return
        if self._head_seen is None:  # this page not read yet (its read failed): read it
            self.reload()
            return
        if getattr(self, "_last", None) is not None and self.query_one(DataTable).row_count == PAGE:
            self.pages.append(self._last)
            self.reload()
        else:  # (it did nothing, silently)
            said = "tui_log_last_page_oldest" if self.oldest_first else "tui_log_last_page"
            self.notify(t(said, self.app.lang), severity="warning")  # type: ignore[attr-defined]

    def action_previous_page(self) -> None:
        if len(self.pages) > 1:
            self.pages.pop()
            self.reload()
        else:
            said = "tui_log_first_page_oldest" if self.oldest_first else "tui_log_first_page"
            self.notify(t(said, self.app.lang), severity="warning")  # type: ignore[attr-defined]

    def action_toggle_order(self) -> None:
        """``o``: the records from the first on, or from the newest back again, from
        the first page (the filter stays)."""
        self.oldest_first = not self.oldest_first
        self.pages, self._pending_next = [None], 0
        self.reload()

    def action_filter(self) -> None:
        from cxzy.tui.screens.prompt import PromptScreen

        def apply(text: str | None) -> None:
            if text is None:
                return
            try:
                parse_filter(text)
            except BadFilter as bad:  # the filter shown stays the one applied
                self.notify(rendered(bad.violation, lang), severity="error")
                return
            self.filter_text = text.strip()
            self.pages, self._pending_next = [None], 0
            self.reload()

        lang = self.app.lang  # type: ignore[attr-defined]
        prompt = PromptScreen(t("tui_log_filter_help", lang), "/", self.filter_text)
        self.app.push_screen(prompt, prompt.then(apply))

    def action_no_day(self) -> None:
        self.notify(t("tui_log_no_day", self.app.lang), severity="warning")  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.app.pop_screen()

"""One unit: why each checklist item is where it is, and everything it did."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from cxzy.application.dashboard import LogRow, Snapshot, Standing, UnitDetail
from cxzy.application.status import StatusReport, UnitStatus
from cxzy.domain.outcomes import KEPT_LATE
from cxzy.domain.schema import TYPES
from cxzy.domain.template import ALL_COMMITMENTS_FULFILLED
from cxzy.i18n import code_label, field_words, rendered, t, value_words
from cxzy.literal import literal, literal_line, one_line, shortened
from cxzy.styles import Palette
from cxzy.tui.clock import ViewClock, shown_moment
from cxzy.tui.components.header_bar import HeaderBar
from cxzy.tui.components.key_footer import KeyFooter
from cxzy.tui.keys import localize_bindings
from cxzy.tui.watching import READ_AGAIN_SECONDS, InSightScreen, forget_closed_watchers

#: Rows a section shows, the latest (activities, reviews, awards, visits), and the
#: closed commitments or rectifications listed beside every open one. A unit's years
#: at a million events are thousands of rows, which took seconds to lay out at each
#: refresh; ``l`` opens all of them in the log.
SECTION_ROWS = 50
#: A step whose figures take longer than this to read covers the body with a
#: loading sign (a busy unit at a million events: 0.6-0.9 s, the key seemed lost).
SLOW_SECONDS = 0.25
CLOSED_LIVES = 20
#: The open commitments or rectifications listed, the most urgent: a unit with 838
#: open took 12 s to lay out, and each step in time as long.
OPEN_LIVES = 50
EVIDENCE_CELLS = 120  # an item's evidence: its title cut to this
UNIT_NAME_MIN = 8  # the title's name is never cut shorter ("甘肃省煤田地质…")


class _DrawnOnce:
    """The body's Rich tables drawn once at a width: Textual draws a renderable
    whole to measure its height, then again to paint it (a busy unit's step at a
    million events spent 0.4-0.5 s drawing its tables)."""

    def __init__(self, body: Group) -> None:
        self.body = body
        self._drawn: dict[int, list[Segment]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        drawn = self._drawn.get(options.max_width)
        if drawn is None:
            drawn = self._drawn[options.max_width] = list(console.render(self.body, options))
        yield from drawn

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.body)


def _latest(table: Table, rows: list[Any], lang: str) -> list[Any]:
    """The last SECTION_ROWS of ``rows``, with a caption saying what is left out."""
    if len(rows) <= SECTION_ROWS:
        return rows
    table.caption = t("tui_latest_of", lang, shown=SECTION_ROWS, total=f"{len(rows):,}")
    return rows[-SECTION_ROWS:]


def _or_none(table: Table, lang: str) -> Table | Text:
    """A section with no rows says so in one line, not as an empty frame of headers."""
    if table.row_count:
        return table
    return Text.assemble("\n", (str(table.title), "bold"), "  ", (t("tui_none", lang), "dim"))


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, expand=True)
    for column in columns:
        table.add_column(column, overflow="fold")  # long text wraps, never cut short
    return table


# The fields of a commitment's or a rectification's records: their labels (the
# ledger's where it has one), and the values not shown because they are the default.
_FIELDS = {
    "text": "col.text",
    "due": "tui_field_due",
    "public": "col.public",
    "person": "col.person",
    "issue": "col.issue",
    "deadline": "col.deadline",
    "source": "col.source",
    "owner": "col.owner",
    "supervised": "col.supervised",
    "reason": "tui_field_reason",
    "accepted": "tui_field_accepted",
    "verifier": "col.verifier",
    "action": "tui_field_action",
    "note": "col.note",
}


def _at_default(type_: str, key: str, value: Any) -> bool:
    """A field at the value the format gives it when a record leaves it out (public
    commitments, rectifications not supervised): not worth a word."""
    spec = TYPES.get(type_, {}).get(key)
    return spec is not None and spec.default is not None and value == spec.default


def _fields(record: dict[str, Any], lang: str) -> Text:
    """A record's own fields, labelled in the interface's language, codes in words."""
    parts = []
    for key, value in record.items():
        if key not in _FIELDS or value is None or _at_default(record["type"], key, value):
            continue
        if isinstance(value, bool):
            shown = value_words(key, value, lang) or str(value)
        else:  # a code in words (an escalation's action, a legacy source), else as it is
            shown = field_words(record["type"], key, value, lang) or str(value)
        parts.append(f"{t(_FIELDS[key], lang)}: {shown}")
    return literal("  ".join(parts))


def _above(unit: UnitStatus, units: list[UnitStatus], lang: str) -> list[Text]:
    """Where the unit stands in the tree, from the top down to its parent: in a large
    one dozens of groups are 第一党小组, and the screen said only that."""
    by_code = {u.unit: u for u in units}
    chain: list[str] = []
    parent = by_code.get(unit.parent) if unit.parent else None
    while parent is not None and len(chain) < len(units):  # (a tree: never a loop)
        chain.append(f"{one_line(parent.name)} {one_line(parent.unit)}")
        parent = by_code.get(parent.parent) if parent.parent else None
    if not chain:
        return []
    return [Text(t("tui_unit_under", lang, chain=" › ".join(reversed(chain))), style="dim")]


def _below(unit: UnitStatus, report: StatusReport, lang: str) -> list[Table]:
    """What the unit and the units under it add up to, as the status table's columns
    show a unit, and how to list them: a division's screen said nothing of its
    1,500 units."""
    part = report.subtree(unit.unit)
    if len(part) < 2:
        return []
    totals = report.totals(part)
    title = t("tui_part_title", lang, units=totals.units, unit=unit.unit)
    table = Table(title=title, caption=t("tui_part_caption", lang), expand=True)
    phases = report.template.phases
    for phase in phases:
        table.add_column(phase.short.get(lang, phase.key), overflow="fold")
    for key in ("commitments_short", "rectifications_short", "awards"):
        table.add_column(t(key, lang), overflow="fold")
    table.add_row(
        *(f"{totals.through[p.key]}/{totals.behind[p.key]}" for p in phases),
        totals.commitments.commitment_cell,
        totals.rectifications.rectification_cell,
        str(totals.awards),
    )
    return [table]


def _standing(standing: Standing, lang: str, palette: Palette) -> Text:
    """The ledger's word for where it stands; while open, the days left or over in
    the alerts' colours, and whether it is supervised or escalated."""
    words = "result" if standing.kind == "commitment" else "rect_state"
    text = Text(code_label(words, standing.outcome, lang) or standing.outcome)
    if standing.closed:
        text.stylize(palette.late if standing.outcome == KEPT_LATE else palette.kept)
        return text
    left = standing.days_left or 0
    text.append("\n")
    text.append(
        t("tui_days_over", lang, n=-left) if left < 0 else t("tui_days_left", lang, n=left),
        style=palette.urgency[standing.urgency or "green"],
    )
    flags = [
        t(key, lang)
        for key, on in (
            # completed and past its deadline: overdue, and waiting for its verification
            ("rect_state.awaiting", standing.awaiting and standing.outcome != "awaiting"),
            ("tui_flag_supervised", standing.supervised),
            ("tui_flag_escalated", standing.escalated),
        )
        if on
    ]
    if flags:
        text.append("\n" + t("list_separator", lang).join(flags), style=palette.flags)
    return text


#: A table's lines and borders, left out where lines are compared by what they say
_RULES = re.compile(r"[\u2500-\u257f]")


class UnitScreen(InSightScreen):
    DEFAULT_CSS = """
    UnitScreen VerticalScroll { height: 1fr; padding: 0 1; }
    UnitScreen .section { margin: 1 0 0 0; }
    """
    # this unit's records in the log: shown next to esc, before the app's keys (at 80
    # columns the footer ended at the replay's, and left out what matters here)
    BINDINGS = [Binding("escape", "back", "back"), Binding("l", "app.open_log", "log")]

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit
        self._shown: tuple[Snapshot, UnitDetail] | None = None  # laid out again on a resize
        self._body: Group | None = None  # the body as last shown
        self._slow: Timer | None = None  # a step's loading sign, when it is slow

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.lang)  # type: ignore[attr-defined]
        yield HeaderBar(t("tui_loading", self.app.lang))  # type: ignore[attr-defined]
        with VerticalScroll():
            yield Static(t("tui_loading", self.app.lang), id="body")  # type: ignore[attr-defined]
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch_in_sight(self.app, "snapshot", self.refresh_detail)
        self.watch_in_sight(self.app, "clock", self._moved, init=False)

    def on_unmount(self) -> None:
        forget_closed_watchers(self.app)

    def refresh_detail(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            if self._shown is None:  # (else with the body: a step showed the new day
                # over the day before's figures while the unit's were read)
                self.query_one(HeaderBar).show(snapshot, self.app.clock, self.app.lang)  # type: ignore[attr-defined]
            self.load(snapshot)

    def _moved(self, clock: ViewClock) -> None:
        """Another day or moment asked for (not a live update of the one shown): a
        loading sign over the body if its figures are slow to come (the snapshot
        is read first, then the unit's)."""
        if self._shown is None or self._slow is not None:
            return
        if clock.view != self._shown[0].report.view:
            self._slow = self.set_timer(SLOW_SECONDS, self._loading)

    def _loading(self) -> None:
        self.query_one(VerticalScroll).loading = True

    @work(thread=True, exclusive=True, group="unit")
    def load(self, snapshot: Snapshot) -> None:
        """The unit's figures for a snapshot; asked for again shortly when the store
        did not give them (said by the app), else the screen said "loading…" until
        the store next changed."""
        with self.app.store_reads(failed=self._not_read):  # type: ignore[attr-defined]
            query = self.app.query_  # type: ignore[attr-defined]
            detail = self.app.read_again_if_lost(  # type: ignore[attr-defined]
                lambda: query.unit_detail(snapshot.report, self.unit)
            )
            self.app.call_from_thread(self.render_detail, snapshot, detail)

    def _not_read(self) -> None:
        self.set_timer(READ_AGAIN_SECONDS, self._read_again)

    def _read_again(self) -> None:
        snapshot = self.app.snapshot  # type: ignore[attr-defined]
        shown = self._shown[0] if self._shown is not None else None
        if snapshot is not None and snapshot is not shown:
            self.load(snapshot)

    def on_resize(self) -> None:
        if self._shown is not None:
            self.render_detail(*self._shown)

    def render_detail(self, snapshot: Snapshot, detail: UnitDetail) -> None:
        self._shown = (snapshot, detail)
        if self._slow is not None and snapshot.report.view == self.app.clock.view:  # type: ignore[attr-defined]
            self._slow.stop()
            self._slow = None
            self.query_one(VerticalScroll).loading = False
        lang = self.app.lang  # type: ignore[attr-defined]
        self.query_one(HeaderBar).show(snapshot, self.app.clock, lang)  # type: ignore[attr-defined]
        palette = self.app.palette  # type: ignore[attr-defined]
        report = snapshot.report
        unit = next((u for u in report.units if u.unit == self.unit), None)
        if unit is None:  # (registered later, or not yet recorded at the moment shown)
            why = report.not_in_view(self.unit, shown_moment)  # (as status --unit says)
            self.query_one("#body", Static).update(Text(rendered(why, lang)))
            return
        # the name cut with "…" on a narrow screen, the code whole (it broke inside it)
        title_room = self.size.width - 4  # (the padding, the scrollbar)
        room = title_room - cell_len(t("tui_unit_title", lang, name="", unit=unit.unit))
        name = shortened(one_line(unit.name), max(room, UNIT_NAME_MIN))
        parts: list[Any] = [
            Text(t("tui_unit_title", lang, name=name, unit=one_line(unit.unit)), style="bold"),
            *_above(unit, report.units, lang),
            Text(
                f"{t('grade', lang)}: {t(unit.grade, lang) if unit.grade else '-'}   "
                f"{t('tui_contact', lang)}: {', '.join(detail.contacts) or t('tui_none', lang)}"
            ),
            *_below(unit, report, lang),
        ]
        checklist = _table(
            t("tui_checklist", lang),
            *(t(f"col.{c}", lang) for c in ("phase", "item", "state", "evidence")),
        )
        items = {i.key: i for p in report.template.phases for i in p.items}
        phases = {p.key: p for p in report.template.phases}
        for item in detail.items:
            spec = items[item.item]
            if item.evidence is not None:
                ev = item.evidence
                what = ev.summary or code_label("type", ev.type, lang)  # (not ReviewRecorded)
                # on one line, cut: a title of 2,000 characters and 19 line breaks
                # filled 30 rows of the checklist (Enter in the log shows it whole)
                what = shortened(one_line(what), EVIDENCE_CELLS)
                why = literal_line(f"{ev.day} {what} ({ev.by or '-'})")
                if ev.late_days is not None:
                    why.append(f" {t('tui_reported_late', lang)}", style=palette.late)
            elif item.total is not None:
                fulfilled = spec.all_closed == ALL_COMMITMENTS_FULFILLED
                words = "tui_fulfilled_of" if fulfilled else "tui_closed_of"
                why = Text(t(words, lang, closed=item.closed, total=item.total))
            elif item.state == "missed":
                why = Text(t("tui_why_missed", lang, deadline=spec.deadline))
            else:
                why = Text(t("tui_why_open", lang, deadline=spec.deadline))
            checklist.add_row(
                phases[item.phase].short.get(lang, item.phase),
                spec.name.get(lang, item.item),
                Text(t(item.state, lang), style=palette.states.get(item.state, "")),
                why,
            )
        parts.append(_or_none(checklist, lang))
        lives = (
            self._lives(t("tui_commitments_title", lang), detail.commitments, lang, palette),
            self._lives(t("tui_rectifications_title", lang), detail.rectifications, lang, palette),
        )
        parts.extend(_or_none(table, lang) for table in lives)
        reviews = _table(
            t("tui_reviews", lang),
            *(
                t(c, lang)
                for c in ("col.day", "col.review_kind", "col.grade", "tui_ratings", "col.note")
            ),
        )
        for review in _latest(reviews, detail.reviews, lang):
            ratings = review.get("ratings") or {}
            verdict = review.get("verdict")
            reviews.add_row(
                str(review["day"]),
                literal(code_label("review_kind", review["kind"], lang)),
                literal(code_label("grade", review.get("grade"), lang) or "-"),
                literal(value_words("ratings", ratings, lang) or ""),
                literal(
                    " · ".join(
                        part
                        for part in (code_label("verdict", verdict, lang), review.get("note"))
                        if part
                    )
                ),
            )
        parts.append(_or_none(reviews, lang))
        late_mark = t("tui_reported_late", lang)

        def late(row: LogRow) -> Text:
            """Recorded more than the template's days after it happened (an auditor's fact)."""
            return Text("") if row.late_days is None else Text(late_mark, style=palette.late)

        activities = _table(
            t("tui_activities", lang),
            t("col.day", lang),
            t("col.title", lang),
            t("col.by", lang),
            t("log_header_late", lang),
        )
        for row in _latest(activities, detail.activities, lang):
            activities.add_row(str(row.day), literal(row.summary), literal(row.by), late(row))
        parts.append(_or_none(activities, lang))
        awards = _table(
            t("tui_awards_title", lang),
            *(t(f"col.{c}", lang) for c in ("day", "award_title", "level", "awardee")),
        )
        for award in _latest(awards, detail.awards, lang):
            awards.add_row(
                str(award["day"]),
                literal(code_label("award_title", award["title"], lang)),
                literal(code_label("award_level", award["level"], lang)),
                literal(award.get("person")),
            )
        parts.append(_or_none(awards, lang))
        visits = _table(
            t("tui_visits", lang),
            *(t(c, lang) for c in ("col.day", "tui_visitor", "col.note", "col.by")),
            t("log_header_late", lang),
        )
        for row, leader in _latest(visits, detail.visits, lang):
            visits.add_row(
                str(row.day), literal(leader), literal(row.summary), literal(row.by), late(row)
            )
        parts.append(_or_none(visits, lang))
        self._update_in_place(Group(*parts))

    def _update_in_place(self, body: Group) -> None:
        """The body shown anew, the lines read at the top of the view kept there: a
        record come in live above them (a table lists its latest first) moved them
        down under a view that kept its place, the reader's line gone. Both bodies
        are drawn again to find them only when the view is scrolled down."""
        static = self.query_one("#body", Static)
        scroll = self.query_one(VerticalScroll)
        before, self._body = self._body, body
        top, width = round(scroll.scroll_y), static.content_region.width
        static.update(_DrawnOnce(body))
        if before is None or top <= 0 or not width:  # (at the top: the newest in sight)
            return
        old, new = self._said(before, width), self._said(body, width)
        said_before, said_now = Counter(old), Counter(new)
        # the first line in sight that says something said once, and says it once
        # now: the view moves with it (two tables' headers say the same)
        for n in range(top, min(top + scroll.size.height, len(old))):
            line = old[n]
            if line and said_before[line] == 1 and said_now[line] == 1:
                moved = new.index(line) - (n - top)
                if moved != top:  # (once laid out anew: before, it could not go so far)
                    self.call_after_refresh(scroll.scroll_to, y=max(moved, 0), animate=False)
                return

    def _said(self, body: Group, width: int) -> list[str]:
        """The body's lines at a width, by what they say: a table's rules and spaces
        left out (its columns widen when a row comes in)."""
        console = self.app.console
        return [
            " ".join(_RULES.sub(" ", "".join(segment.text for segment in line)).split())
            for line in console.render_lines(body, console.options.update_width(width))
        ]

    @staticmethod
    def _lives(title: str, lives: list[dict[str, Any]], lang: str, palette: Palette) -> Table:
        table = _table(
            title,
            *(
                t(c, lang)
                for c in ("tui_col_id", "col.state", "col.day", "tui_col_record", "tui_col_detail")
            ),
        )
        closed = [life for life in lives if not life["open"]]
        opened = [life for life in lives if life["open"]]  # (the most urgent first)
        if len(closed) > CLOSED_LIVES or len(opened) > OPEN_LIVES:
            # the most urgent open ones, and the closed ones whose last record is the
            # latest
            by_last = sorted(closed, key=lambda life: life["history"][-1]["day"])
            latest = by_last[max(len(by_last) - CLOSED_LIVES, 0) :]
            kept = {id(life) for life in (*opened[:OPEN_LIVES], *latest)}
            table.caption = t(
                "tui_lives_of" if len(opened) <= OPEN_LIVES else "tui_lives_most_urgent",
                lang,
                open=f"{len(opened):,}",
                shown=min(len(opened), OPEN_LIVES),
                closed=len(latest),
                total=f"{len(lives):,}",
            )
            lives = [life for life in lives if id(life) in kept]
        for life in lives:
            for n, record in enumerate(life["history"]):
                table.add_row(
                    literal(life["code"]) if n == 0 else Text(""),
                    _standing(life["standing"], lang, palette) if n == 0 else Text(""),
                    str(record["day"]),
                    literal(code_label("type", record["type"], lang)),
                    _fields(record, lang),
                )
        return table

    def action_back(self) -> None:
        self.app.pop_screen()

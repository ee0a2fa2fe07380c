"""The dashboard application: one worker fills a snapshot; screens render from it.

Live updates, time travel and replay all set the :class:`ViewClock` and ask the
same worker for a new :class:`Snapshot`, so no screen knows whether it shows
live or past data. The dashboard never writes to the store.
"""

from __future__ import annotations

import asyncio
import re
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from eventsourcing.persistence import PersistenceError
from platformdirs import user_downloads_path
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.errors import NoWidget
from textual.geometry import Offset
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import ModalScreen, Screen
from textual.theme import ThemeProvider
from textual.timer import Timer
from textual.widgets._footer import FooterKey
from textual.worker import Worker, WorkerState, get_current_worker

from cxzy.application.app import CampaignApp, open_when_there
from cxzy.application.dashboard import DashboardQuery, Snapshot
from cxzy.application.history import LogQuery
from cxzy.application.status import UnitStatus
from cxzy.application.store import connection_lost, is_store_failure, store_error
from cxzy.application.templates import load_template
from cxzy.domain.errors import Violation
from cxzy.domain.moments import any_day, halfwidth, known_at, spelled_as_day
from cxzy.domain.schema import DEFAULT_TEMPLATE
from cxzy.domain.template import Phase
from cxzy.i18n import LABELS, rendered, t
from cxzy.i18n import message as rule_message
from cxzy.literal import visible
from cxzy.os_errors import os_reason
from cxzy.styles import SIXTEEN, palette_for
from cxzy.tui.clock import ViewClock, shown_moment
from cxzy.tui.collector import IdleCollector
from cxzy.tui.commands import Commands
from cxzy.tui.keys import localize_bindings, with_full_width
from cxzy.tui.messages import OpenUnit, SnapshotReady, StoreChanged

POLL_SECONDS = 0.1  # SQLite: the head is one index probe
RECONNECT_SECONDS = 1.0
QUIET_RECONNECT_AFTER = 1.0  # a listening connection that worked this long: reconnected unsaid
FAILURE_SECONDS = 15  # how long a failure of the store stays said
SERIES_SECONDS = 30.0
REPLAY_TICK = 0.4
AHEAD_PAUSE_SECONDS = 0.25  # idle after a step before the view behind it is read ahead
DAY_CHECK_SECONDS = 15.0  # a look at the campaign's clock: has its day turned?
EMPTY_POLL_SECONDS = 1.0  # an empty store's screen: a look for a campaign imported
_DAY_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{8}")
UNITS_NAMED = 5  # units a ``:`` that names several lists


def _same_word(name: str, typed: str) -> bool:
    """A unit's code or name as typed, in any case."""
    return name.casefold() == typed.casefold()


def _typed_day(command: str) -> str | None:
    """The day a ``:`` command asks for, as typed (``2011-03-01`` or ``date
    2011-03-01``; also spelled ``2011/3/1``, ``2011年3月1日``, as a spreadsheet's cells
    are read: :func:`any_day` reads it); None when the command is not a day (a
    unit's code or name, say)."""
    word, _, rest = command.partition(" ")
    if word.casefold() in ("date", "day") and rest.strip():  # (:DATE as :LOG)
        return rest.strip()
    plain = halfwidth(command)  # (an input method's full-width digits: ２０１１年３月１日)
    if _DAY_LIKE.fullmatch(plain) or spelled_as_day(plain) is not None:
        return command
    return None


MAX_SPEED = 32  # replay steps a tick, at most
T = TypeVar("T")  # what a read gives
READS_AFTER_LOST = 6  # reads tried while connections turn out dropped (the pool's 2 + 4)
_NO_SERVER = "couldn't get a connection"  # the pool's words after its wait


class CxzyApp(App[None]):
    """The leading-group office's dashboard."""

    TITLE = "cxzy"
    COMMANDS = {Commands}  # (Textual's system commands, then the units)
    CSS = """
    Screen { layout: vertical; }
    /* a notice stands above the bureau's totals (two lines) and the keys, not over them */
    ToastRack { margin-bottom: 3; }
    ToastHolder { align-horizontal: left; }
    """
    BINDINGS = with_full_width(
        [
            Binding("ctrl+q", "quit", "quit", priority=True),
            Binding("q", "quit", "quit", show=False),
            Binding("question_mark", "help", "help"),
            Binding("colon", "command", "command"),
            Binding("left_square_bracket", "earlier", "earlier"),
            Binding("right_square_bracket", "later", "later"),
            Binding("t", "today", "today"),
            Binding("space", "play", "play/pause"),
            Binding("plus", "faster", "faster", show=False),
            Binding("minus", "slower", "slower", show=False),
            Binding("l", "open_log", "log"),
            # (the audit's key, then the step's, last: at 80 columns the footer ends
            # at t, at 120 k fits, and s where there is room for it)
            Binding("k", "known_at", "as known at"),
            Binding("s", "cycle_step", "step"),
        ]
    )

    # State, not display (``var``: no repaint of the whole screen when they change);
    # the screens watch them and redraw what changed.
    snapshot: var[Snapshot | None] = var(None, always_update=True)
    clock: var[ViewClock] = var(
        ViewClock(today=date(2000, 1, 1), as_of=date(2000, 1, 1)), always_update=True
    )
    series: var[dict[str, list[float]] | None] = var(None, always_update=True)
    connected: var[bool] = var(True)
    #: the SQLite file under the store's name deleted (the state before shown)
    store_gone: var[bool] = var(False)

    def __init__(
        self,
        store: CampaignApp | None,
        *,
        lang: str = "zh",
        today: date | None = None,
        live: bool = True,
        load_demo: Callable[[], CampaignApp] | None = None,
        open_store: Callable[[], CampaignApp | None] | None = None,
        store_name: str | None = None,
        signals: bool = False,
        color_system: str | None = "truecolor",
    ) -> None:
        super().__init__()
        self.store = store
        # the terminal's colours (Rich's name for them, as the command line found them):
        # NO_COLOR, 16 colours or more; tables and cells take their styles from it
        self.palette = palette_for(self.no_color, color_system)
        if self.palette is SIXTEEN:  # (never with NO_COLOR: that palette is MONO)
            # Textual's own theme taken to the nearest of 16 colours drew the footer's
            # keys red on grey of the same brightness, the cursor white on cyan: a theme
            # of the terminal's own colours
            self.theme = "ansi-dark"
        self.signals = signals  # SIGTERM closes the dashboard, as `q` does
        self._sigterm_before: Any = None
        self.store_name = store_name  # where the store is (or would be made), as given
        self.lang = lang
        self.live_updates = live
        self.load_demo = load_demo
        # opens the store once it exists (None before): an empty store's screen
        # waits for another process to import a campaign
        self.open_store = open_store
        self._waiting: Timer | None = None
        self._today = today
        self.query_: DashboardQuery | None = None
        self._series_key: tuple[int, datetime | None] | None = None
        self._changed = False  # the store pushed a change not read yet
        self._stopping = False
        self._failure: str | None = None  # the store's failure last said
        self._under_way_said: datetime | None = None  # the moment an import under way was said of
        self._series_time = 0.0
        self._series_timer: Timer | None = None  # new events' chart, when due
        self.collector = IdleCollector()  # full collections where nobody waits
        self._direction = -1  # of the last step: from today, most look back first
        self._file: tuple[int, int] | None = None  # the SQLite store's file (device, inode)
        self._written: tuple[int, ...] | None = None  # and when it was last written
        self._file_gone = False  # said that the file was deleted
        self._footer_down: tuple[float, Offset] | None = None  # a footer's key pressed
        localize_bindings(self, lang)

    # -- start -------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.signals:
            # `kill PID` (a session's logout, a service manager) ended the process where
            # it stood: the terminal was left in the dashboard's screen, taking the
            # mouse's moves as input, until `reset`
            self._sigterm_before = signal.getsignal(signal.SIGTERM)
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, self.exit, None, 128 + signal.SIGTERM)
        if self.store is None or not self._has_campaign(self.store):
            from cxzy.tui.screens.empty import EmptyScreen

            self.push_screen(EmptyScreen())
            if self.live_updates:
                self._waiting = self.set_interval(EMPTY_POLL_SECONDS, self._look_for_campaign)
            return
        self.start(self.store)

    @work(thread=True, exclusive=True, group="poll")
    def _look_for_campaign(self) -> None:
        """Live, on an empty store's screen: once another process has imported a
        campaign, show it (as after loading the demo)."""
        store = self.store
        if store is None and self.open_store is not None:
            store = self.open_store()
        try:
            found = store is not None and self._has_campaign(store)
        except (PersistenceError, Violation):  # the connection lost, say: look again
            found = False
        if found:
            self.call_from_thread(self.show_campaign, store)
        elif store is not None and store is not self.store:
            store.close()

    def show_campaign(self, store: CampaignApp) -> None:
        """Leave the empty store's screen for the campaign now in ``store`` (the
        demo loaded, or records another process imported)."""
        from cxzy.tui.screens.empty import EmptyScreen

        if self.query_ is None and isinstance(self.screen, EmptyScreen):
            self.pop_screen()
            self.start(store)
        elif store is not self.store:  # shown already (the demo was loaded meanwhile)
            store.close()

    @staticmethod
    def _has_campaign(store: CampaignApp) -> bool:
        return DashboardQuery(store).status.has_campaign()

    def start(self, store: CampaignApp) -> None:
        from cxzy.tui.screens.overview import OverviewScreen

        if self._waiting is not None:  # an empty store's screen no longer waits
            self._waiting.stop()
        self.store = store
        self.query_ = DashboardQuery(store)
        self._file, self._written = _file_of(store), _written(store)
        campaign = self.query_.status.campaign()
        self.zone = ZoneInfo(campaign.timezone)
        self.template = campaign.template
        today = self.current_day()
        self.clock = ViewClock(today=today, as_of=today)
        self.push_screen(OverviewScreen())
        if store.read_as_is:  # (said on stderr too, behind the screen)
            said = rule_message("read_model_as_is", self.lang, version=store.read_model_version)
            self.notify(said, severity="warning", timeout=FAILURE_SECONDS)
        if self.live_updates:
            if store.pushes_changes:
                self.listen()  # PostgreSQL: LISTEN/NOTIFY pushes every commit
            else:
                self.set_interval(POLL_SECONDS, self.poll)  # SQLite: a cheap poll of the head
        self.set_interval(REPLAY_TICK, self.tick)
        self.set_interval(DAY_CHECK_SECONDS, self.turn_of_day)

    def current_day(self) -> date:
        """Today in the campaign's zone (the day given, in tests)."""
        return self._today or datetime.now(self.zone).date()

    def turn_of_day(self) -> None:
        """At the campaign's midnight the live view moves to the new day (it went on
        showing yesterday as live, its figures no longer `cxzy status`'s); a view of
        another day stays, its "ahead" and "today" now reckoned from the new one."""
        today = self.current_day()
        if today != self.clock.today:
            clock = self.clock
            self.clock = replace(clock, today=today, as_of=today if clock.live else clock.as_of)

    # -- the one path that fills the state ---------------------------------------------

    def watch_clock(self, clock: ViewClock) -> None:
        if self.query_ is not None:
            self.load(clock, moved=True)

    def load(self, clock: ViewClock, *, moved: bool = False) -> None:
        """Read the snapshot for a view (in a worker); no full collection until it
        is painted. After a move in time (``moved``) the next steps are read ahead."""
        self.collector.busy()
        self.workers.cancel_group(self, "ahead")  # a read under way is finished, not the rest
        self._read_snapshot(clock, moved)

    @work(thread=True, exclusive=True, group="snapshot")
    def _read_snapshot(self, clock: ViewClock, moved: bool) -> None:
        assert self.query_ is not None
        with self.store_reads():
            # a move may find its view read ahead; a live update follows a moved log
            snapshot = self.query_.snapshot(clock.as_of, clock.known_at, read_again=not moved)
            self.post_message(SnapshotReady(snapshot, clock if moved else None))

    @work(thread=True, exclusive=True, group="ahead")
    def _read_ahead(self, clock: ViewClock) -> None:
        """Read the views the next step from ``clock`` may show, so that it shows
        them without reading the store (unless the log moves meanwhile): the way
        the last step went at once, the way back once the screen has been idle for
        a moment (a read competes with the next step's drawing for the interpreter)."""
        assert self.query_ is not None
        worker = get_current_worker()
        for n, view in enumerate(self._next_views(clock)):
            if n:
                time.sleep(AHEAD_PAUSE_SECONDS)
            if worker.is_cancelled:
                return
            if view.view != clock.view:
                with self.store_reads():
                    self.query_.read_ahead(view.as_of, view.known_at)

    def _next_views(self, clock: ViewClock) -> list[ViewClock]:
        """A replay's next tick; else a step the way the last one went, then back."""
        if clock.playing:
            return [self._ticked(clock)]
        return [clock.moved(d, self.template) for d in (self._direction, -self._direction)]

    def _update_series(self, snapshot: Snapshot) -> None:
        """The chart costs a status per week: redone for a new moment at once, for new
        events at most every SERIES_SECONDS, in a worker of its own. New events held
        back are read once that time is up (it waited for yet another change: the
        chart stayed without the office's last import)."""
        if self._series_timer is not None:
            self._series_timer.stop()
            self._series_timer = None
        known_at = snapshot.report.known_at
        key = (snapshot.head, known_at)
        waited = time.monotonic() - self._series_time
        moment_changed = self._series_key is None or self._series_key[1] != known_at
        if key == self._series_key:
            return
        if moment_changed or waited > SERIES_SECONDS:
            self._series_key, self._series_time = key, time.monotonic()
            self.load_series(known_at)
        else:
            self._series_timer = self.set_timer(
                SERIES_SECONDS - waited, lambda: self._series_due(snapshot)
            )

    def _series_due(self, snapshot: Snapshot) -> None:
        self._series_timer = None
        if self.snapshot is snapshot:  # (else the snapshot shown since has seen to it)
            self._update_series(snapshot)

    @work(thread=True, exclusive=True, group="series")
    def load_series(self, known_at: datetime | None) -> None:
        assert self.query_ is not None
        with self.store_reads():
            series = self.query_.progress(self.template.last_day, known_at)
            if not get_current_worker().is_cancelled:
                self.call_from_thread(setattr, self, "series", series)

    @on(SnapshotReady)
    def _snapshot_ready(self, message: SnapshotReady) -> None:
        self._failure = None  # (a failure said again, should it come back)
        first = self.snapshot is None
        self.snapshot = message.snapshot
        report = message.snapshot.report
        if report.under_way is not None and report.known_at != self._under_way_said:
            # as known at a record's recorded time: its import had not committed
            self._under_way_said = report.known_at
            moment = shown_moment(report.known_at)
            held = report.under_way.astimezone(report.known_at.tzinfo)
            said = t("tui_known_under_way", self.lang, moment=moment, held=shown_moment(held))
            self.notify(said, timeout=10)
        if first:
            self.call_after_refresh(self.collector.start, self)
        self.call_after_refresh(self.collector.painted, self)
        # The chart once the new snapshot is painted: its worker holds the
        # interpreter for seconds at 100,000 events and would slow the repaint.
        self.call_after_refresh(self._update_series, message.snapshot)
        if message.moved_to is not None and message.moved_to == self.clock:
            self.call_after_refresh(self._read_ahead, message.moved_to)

    @work(thread=True, exclusive=True, group="poll")
    def poll(self) -> None:
        """Live: a new event in the store (from any process) reloads the snapshot."""
        if self.query_ is None or self.snapshot is None:
            return
        if self._file is not None and self._store_file_moved():
            return
        with self.store_reads():
            head = self.query_.head()
            if head != self.snapshot.head:
                self.call_from_thread(self.load, self.clock)

    def _store_file_moved(self) -> bool:
        """(The poll's thread.) Whether the SQLite file the dashboard reads is no longer
        the one under the store's name: deleted (said once; the last view stays), or
        replaced (a backup restored, a store made again): then the new one is opened
        and shown. Before, the dashboard went on showing the deleted file as live.
        A store read as immutable (a folder this user may not write) is opened again
        when another process has written it: SQLite never looks."""
        assert self.store is not None
        now = _file_of(self.store)
        if now == self._file:
            if not self.store.frozen or _written(self.store) == self._written:
                return False
            store = open_when_there(self.store.location)
            if store is not None:
                self.call_from_thread(self._reopened, store, quietly=True)
            return True
        if now is None:
            if not self._file_gone:
                self._file_gone = True
                said = t("tui_store_deleted", self.lang, store=self.store.location.display())
                self.call_from_thread(
                    self.notify, said, severity="warning", timeout=FAILURE_SECONDS
                )
                # (the header said LIVE over the state before, once the notice went)
                self.call_from_thread(setattr, self, "store_gone", True)
            return True
        store = open_when_there(self.store.location)
        if store is None:  # (not a store, or not yet one)
            return True
        if not self._has_campaign(store):
            store.close()
            return True
        self.call_from_thread(self._reopened, store)
        return True

    def _reopened(self, store: CampaignApp, quietly: bool = False) -> None:
        """Show the store now under the name (``quietly``: the same file, written
        since); the file deleted is closed a little later (a read begun in it is let
        finish)."""
        old, self.store = self.store, store
        self._file, self._file_gone = _file_of(store), False
        self._written = _written(store)
        self.query_ = DashboardQuery(store)
        self._series_key = None
        if old is not None:
            self.set_timer(FAILURE_SECONDS, old.close)
        self.store_gone = False
        if not quietly:
            said = t("tui_store_replaced", self.lang, store=store.location.display())
            self.notify(said, timeout=FAILURE_SECONDS)
        self.load(self.clock)

    @contextmanager
    def store_reads(self, failed: Callable[[], None] | None = None) -> Iterator[None]:
        """(A worker's thread.) A store that fails under the dashboard (its file
        damaged, its schema dropped) is said in one line, and the last view stays;
        any other error is a fault of ours, and stops the dashboard as before.
        ``failed`` is then called on the app's thread (unless the worker was
        cancelled meanwhile): a screen whose read did not come asks for it again."""
        try:
            yield
        except Violation as refused:  # a record the store cannot give back (altered)
            if self._stopping:
                raise
            self.call_from_thread(self._store_failed, rendered(refused, self.lang))
            self._read_failed(failed)
        except Exception as error:
            if self._stopping or not is_store_failure(error):
                raise
            location = self.store.location if self.store is not None else None
            if connection_lost(error):  # (the next read has a new connection)
                said = t("tui_disconnected", self.lang)
            elif location is not None:
                said = rendered(store_error(location, error), self.lang)
            else:
                said = str(error)
            self.call_from_thread(self._store_failed, said)
            self._read_failed(failed)

    def _read_failed(self, failed: Callable[[], None] | None) -> None:
        if failed is not None and not get_current_worker().is_cancelled:
            self.call_from_thread(failed)

    def read_again_if_lost(self, read: Callable[[], T]) -> T:
        """(A worker's thread.) ``read``, again while its connection turns out to have
        been dropped (the server restarted, sessions ended: each of the pool's
        connections fails once, then it makes new ones). A view opened just then
        stayed "loading…"; the overview's next read caught up, a view's never came."""
        for _ in range(READS_AFTER_LOST):
            try:
                return read()
            except Exception as error:
                # (not the pool's wait for a server that is down: said at once)
                if self._stopping or not connection_lost(error) or _NO_SERVER in str(error):
                    raise
        return read()

    def watch_connected(self, was: bool, connected: bool) -> None:
        """Connected again: what said it was lost goes (it said "showing the state
        before" for seconds after the new state was shown)."""
        if connected and not was:
            self.clear_notifications()
            self._failure = None

    def _store_failed(self, said: str) -> None:
        if said != self._failure:  # (the live poll asks ten times a second)
            self._failure = said
            self.notify(said, severity="error", timeout=FAILURE_SECONDS)

    @work(thread=True, group="listen")
    def listen(self) -> None:
        """Follow the store's notifications; after a dropped connection, say so,
        reconnect and catch up from the last position seen (nothing lost or repeated:
        every change just reloads the snapshot)."""
        worker = get_current_worker()
        assert self.store is not None
        after = self.store.head()
        while not (worker.is_cancelled or self._stopping):
            since: float | None = None  # when the store answered on this connection
            try:
                with self.store.follow(after) as subscription:
                    self._subscription = subscription
                    if self._stopping:
                        subscription.stop()
                    # the store answers: the subscription connects in a thread of its
                    # own, and it was said connected all through an outage (asked
                    # again on a connection the server had ended while idle)
                    self.read_again_if_lost(self.store.head)
                    since = time.monotonic()
                    self.call_from_thread(setattr, self, "connected", True)
                    for notification in subscription:
                        after = notification.id
                        self._pushed()
                        if worker.is_cancelled:
                            break
            except Exception:  # the connection dropped: show it, wait, reconnect
                # A connection that had worked a while, ended (a server's
                # idle_session_timeout ends a listening session every few seconds):
                # connected again at once, unsaid; said when that fails.
                if since is not None and time.monotonic() - since >= QUIET_RECONNECT_AFTER:
                    self._pushed()  # (what came meanwhile)
                    continue
                if not self._stopping:
                    self.call_from_thread(setattr, self, "connected", False)
            if not (worker.is_cancelled or self._stopping):
                time.sleep(RECONNECT_SECONDS)
                self._pushed()

    def _pushed(self) -> None:
        """(The listening thread.) Wake the app at once for the first change since
        the last reload; later ones wait for that reload (one message, not one per
        event of a large import)."""
        if not self._changed:
            self._changed = True
            self.post_message(StoreChanged())

    @on(StoreChanged)
    def _reload_if_changed(self) -> None:
        """Read the pushed changes now, unless a snapshot is being read: then
        when it is done (:meth:`on_worker_state_changed`)."""
        if not self._changed or self.snapshot is None:
            return
        if any(w.group == "snapshot" and not w.is_finished for w in self.workers):
            return
        self._changed = False
        self.load(self.clock)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "snapshot" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self._reload_if_changed()

    def on_unmount(self) -> None:
        self._stopping = True
        self.collector.stop()
        if self.signals:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)
            signal.signal(signal.SIGTERM, self._sigterm_before)  # (a command's, say)
        subscription = getattr(self, "_subscription", None)
        if subscription is not None:
            subscription.stop()

    def tick(self) -> None:
        if self.clock.playing:
            self.clock = self._ticked(self.clock)

    def _replay_end(self, clock: ViewClock) -> date:
        """Where a replay stops: the campaign's last day, or today while it runs (the
        years after it, or the days still to come, have nothing to play)."""
        return min(self.template.last_day, clock.today)

    def _ticked(self, clock: ViewClock) -> ViewClock:
        """A replay's next view: ``speed`` steps on, stopping at the end."""
        end = self._replay_end(clock)
        moved = clock
        for _ in range(clock.speed):
            moved = moved.moved(+1, self.template)
        if moved.as_of >= end:
            moved = replace(moved, as_of=end, playing=False)
        return moved

    # -- actions -------------------------------------------------------------------------

    # The keys that move or open a view of the campaign: none before one is shown
    # (the empty store's screen), where they are neither run nor listed.
    VIEW_ACTIONS = frozenset(
        {"command", "earlier", "later", "cycle_step", "today", "play", "faster", "slower"}
        | {"known_at", "open_log"}
    )

    # The keys that move the day or the moment shown: not on a screen that shows no
    # day (the log lists every record, whatever the day), where they are not listed
    TIME_ACTIONS = frozenset(
        {"earlier", "later", "cycle_step", "today", "play", "faster", "slower", "known_at"}
    )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification as plain text (whatever a screen asks): they quote what
        users type and what units send (``[/]`` in either stopped the dashboard as bad
        markup), control characters made visible. One still on the screen is not shown
        again beside itself (``-`` pressed on at the slowest replay stacked seven
        copies of "×1 is the slowest replay" over the grid)."""
        message, title = visible(message), visible(title)
        for shown in list(self._notifications):  # (said again: its time starts anew)
            if (shown.message, shown.title, shown.severity) == (message, title, severity):
                self._unnotify(shown, refresh=False)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        """Ctrl+C: how to quit, in the interface's language (Textual's own said it in
        English, its markup shown as typed: "Press [b]ctrl+q[/b] to quit the app")."""
        keys = [key for key, b in self.active_bindings.items() if b.binding.action == "quit"]
        key = min(keys, key=len) if keys else "ctrl+q"  # (q, where ctrl+q is bound too)
        said = t("tui_how_to_quit", self.lang, quit_key=key)
        self.notify(said, title=t("tui_quit_title", self.lang))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.query_ is None and action in self.VIEW_ACTIONS:
            return False
        if action == "open_log":  # (not listed on the log, where it did nothing)
            from cxzy.tui.screens.log import LogScreen

            return not isinstance(self._in_front(), LogScreen)
        return action not in self.TIME_ACTIONS or self._shows_day()

    def _shows_day(self) -> bool:
        """Whether the screen in front shows a day: a screen over another that says
        nothing of it (the help, a prompt, the palette) shows what that one does
        (the help over the log listed ``[``/``]``, and they moved the day behind it)."""
        declared = (getattr(type(s), "SHOWS_DAY", None) for s in self._screens_in_front())
        return bool(next((shows for shows in declared if shows is not None), True))

    def _in_front(self) -> Screen[Any]:
        """The screen in front, looking through the help, a prompt or the palette."""
        *_, front = self._screens_in_front()
        return front

    def _screens_in_front(self) -> list[Screen[Any]]:
        """The screens from the top down to the first that is not over another (the
        help, a prompt, the palette are)."""
        shown: list[Screen[Any]] = []
        for screen in reversed(self.screen_stack):
            shown.append(screen)
            if not isinstance(screen, ModalScreen):
                break
        return shown or [self.screen]

    def action_earlier(self) -> None:
        self._move(-1)

    def action_later(self) -> None:
        self._move(+1)

    def _move(self, direction: int) -> None:
        """A step; one that cannot move (no phase boundary before the first, or the
        first or last day a view shows) says so instead of doing nothing."""
        self._direction = direction
        moved = self.clock.moved(direction, self.template)
        if moved.as_of == self.clock.as_of:
            day = self.clock.as_of.isoformat()
            if self.clock.step == "phase":
                words = "tui_no_phase_before" if direction < 0 else "tui_no_phase_after"
            else:
                words = "tui_first_day" if direction < 0 else "tui_last_day"
            self.notify(t(words, self.lang, day=day), severity="warning")
            return
        if moved.playing:  # a step pauses the replay (the next tick took the day back, unsaid)
            moved = replace(moved, playing=False)
            self.notify(t("tui_paused", self.lang, day=moved.as_of.isoformat()))
        self.clock = moved

    def action_cycle_step(self) -> None:
        self.clock = self.clock.next_step()

    def action_today(self) -> None:
        self.clock = replace(self.clock, as_of=self.clock.today, known_at=None, playing=False)

    def action_play(self) -> None:
        """Play or pause the replay; played at its end, it starts again at the
        campaign's first day."""
        clock = self.clock
        first = self.template.first_day
        if not clock.playing and first > clock.today:  # (it went to today, unsaid)
            self.notify(t("tui_no_history_yet", self.lang, day=first), severity="warning")
            return
        if not clock.playing and clock.as_of >= self._replay_end(clock):
            clock = replace(clock, as_of=first)
        self.clock = replace(clock, playing=not clock.playing)
        if clock.playing:  # (paused: the header's badge goes, and said where it stopped)
            self.notify(t("tui_paused", self.lang, day=self.clock.as_of.isoformat()))

    def action_faster(self) -> None:
        self._set_speed(min(self.clock.speed * 2, MAX_SPEED))

    def action_slower(self) -> None:
        self._set_speed(max(self.clock.speed // 2, 1))

    def _set_speed(self, speed: int) -> None:
        """The replay's speed; said when nothing shows it yet (paused, the header
        shows it while playing) and at its limits (the keys did nothing, silently)."""
        if speed == self.clock.speed:
            words = "tui_speed_fastest" if speed == MAX_SPEED else "tui_speed_slowest"
            self.notify(t(words, self.lang, speed=speed), severity="warning")
            return
        self.clock = replace(self.clock, speed=speed)
        if not self.clock.playing:
            self.notify(t("tui_speed_paused", self.lang, speed=speed))

    def action_help(self) -> None:
        from cxzy.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_open_log(self) -> None:
        from cxzy.tui.screens.log import LogScreen
        from cxzy.tui.screens.unit import UnitScreen

        if self.query_ is not None and not isinstance(self.screen, LogScreen):
            # from a unit, its own records: the log filtered to it (/ changes that)
            unit = self.screen.unit if isinstance(self.screen, UnitScreen) else None
            # (in the interface's words: a Chinese log said "筛选: unit:ZP")
            self.push_screen(LogScreen(t("tui_filter_unit", self.lang, unit=unit) if unit else ""))

    def search_themes(self) -> None:
        """Textual's list of themes (the palette's 主题), its search box in our language."""
        from cxzy.tui.screens.palette import Palette

        self.push_screen(
            Palette(self.lang, providers=[ThemeProvider], placeholder_key="tui_theme_search")
        )

    def action_command_palette(self) -> None:
        """Textual's command palette, its prompt in the interface's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            from cxzy.tui.screens.palette import Palette

            self.push_screen(Palette(self.lang, id="--command-palette"))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.MouseDown) and self._footer_pressed_again(event):
            return
        await super().on_event(event)

    def _footer_pressed_again(self, event: events.MouseDown) -> bool:
        """Whether the mouse goes down on a footer's key where it went down a moment
        ago (a double click): a footer's key acts as the button goes down, so the
        second click of a double click on `esc back` pressed the key at that place
        on the screen below (`/ filter`), or closed two screens."""
        try:
            widget, _ = self.get_widget_at(event.x, event.y)
        except NoWidget:
            return False
        if not isinstance(widget, FooterKey):
            return False
        last, self._footer_down = self._footer_down, (event.time, event.screen_offset)
        return (
            last is not None
            and last[1] == event.screen_offset
            and event.time - last[0] <= self.CLICK_CHAIN_TIME_THRESHOLD
        )

    def _on_key(self, event: events.Key) -> None:
        """A character typed right after ``:``, ``/`` or ``k`` in one burst (a paste,
        a script) was on its way to the screen under the prompt before the prompt
        opened: it reached no field, and was lost, or ran the dashboard's key of that
        letter (``:today`` ran ``t``). The prompt takes it before any key binding is
        looked at (a character its field takes never comes here: the field stops
        it; Enter and Backspace find the field's own bindings)."""
        from cxzy.tui.screens.prompt import PromptScreen

        prompt = self.screen
        if isinstance(prompt, PromptScreen) and event.is_printable and event.character:
            event.stop()
            event.prevent_default()  # (Textual's own handler, the bindings, is skipped)
            prompt.take_key(event)

    def command_help(self) -> str:
        """What ``:`` takes, a phase of this campaign's for example (a 2021 campaign's
        help offered :整改, which it has not): its next-to-last, as 整改 of 2010's
        (no campaign yet: the default template's)."""
        template = getattr(self, "template", None) or load_template(DEFAULT_TEMPLATE)
        phase = template.phases[-2] if len(template.phases) > 1 else template.phases[0]
        example = phase.short.get("zh", phase.key) if self.lang == "zh" else phase.key
        return t("tui_command_help", self.lang, phase=example)

    def action_command(self) -> None:
        from cxzy.tui.screens.prompt import PromptScreen

        prompt = PromptScreen(self.command_help(), ":")
        self.push_screen(prompt, prompt.then(self.run_command))

    def action_known_at(self) -> None:
        from cxzy.tui.screens.prompt import PromptScreen

        def apply(text: str | None) -> None:
            if text is not None:  # (None: Esc) no moment: what the store knows now
                self.run_command(f"known {text}".strip())

        # (what the prompt asks, and that empty is now: it showed the form alone)
        prompt = PromptScreen(t("tui_known_prompt", self.lang), "@")
        self.push_screen(prompt, prompt.then(apply))

    def go_to_date(self, day: date) -> None:
        self.clock = replace(self.clock, as_of=day, playing=False, month_day=None)

    def run_command(self, text: str | None) -> None:
        """``:`` commands: a unit, a screen, a date, a moment, today, help, quit."""
        text = (text or "").strip()
        if not text or self.query_ is None:
            return
        typed_word, _, rest = text.partition(" ")
        word = typed_word.casefold()  # (a command in any case, as units and phases: :LOG)
        if word in ("q", "quit"):
            self.exit()
        elif word in ("help", "?"):
            self.action_help()
        elif word == "log":
            self.action_open_log()
        elif word in ("overview", "home"):
            while len(self.screen_stack) > 2:
                self.pop_screen()
        elif word in ("today", "live"):
            self._back_to_a_day()
            self.action_today()
        elif word in ("known", "at") and not rest.strip():  # what the store knows now
            if self.clock.known_at is None:  # (it did nothing, silently)
                self.notify(t("tui_known_now_already", self.lang))
                return
            self._back_to_a_day()
            self.clock = replace(self.clock, known_at=None, playing=False)
        elif word in ("known", "at"):
            try:  # as on the command line: not a moment, or one still to come
                moment = known_at(rest.strip(), self.zone, datetime.now(UTC))
            except Violation as violation:
                self.notify(rendered(violation, self.lang), severity="error")
                return
            # the dashboard as it was at that moment: its day too, unless an earlier
            # day is shown (that day as it was known later)
            self._back_to_a_day()
            day = min(self.clock.as_of, moment.astimezone(self.zone).date())
            self.clock = replace(self.clock, as_of=day, known_at=moment, playing=False)
        elif word in ("date", "day") and not rest.strip():
            self.notify(t("tui_date_needs_day", self.lang), severity="warning")
        elif (typed := _typed_day(text)) is not None:
            try:
                day = any_day(typed)
            except Violation as violation:
                self.notify(rendered(violation, self.lang), severity="error")
                return
            self._back_to_a_day()
            self.go_to_date(day)
        elif not self._units_named(text) and (phase := self._phase_named(text)) is not None:
            # :整改, :rectify → its first day (a unit whose code or name it is first)
            self._back_to_a_day()
            self.go_to_date(phase.start)
        else:
            units = self._find_units(text)
            if len(units) == 1:
                self.post_message(OpenUnit(units[0].unit))
            elif units:
                named = ", ".join(f"{u.name} {u.unit}" for u in units[:UNITS_NAMED])
                more = "…" if len(units) > UNITS_NAMED else ""
                self.notify(
                    t("tui_several_units", self.lang, text=text, units=named + more),
                    severity="warning",
                )
            else:
                self.find_unit(text)

    def _phase_named(self, text: str) -> Phase | None:
        """The campaign's phase ``text`` names: its key, name or short name, in
        either language, in any case."""
        for phase in self.template.phases:
            names = {phase.key, *phase.name.values(), *phase.short.values()}
            if any(_same_word(name, text) for name in names):
                return phase
        return None

    @work(thread=True, exclusive=True, group="find")
    def find_unit(self, text: str) -> None:
        """A ``:`` text that names no unit shown: a name a unit bore before (as
        ``cxzy log --unit`` takes it), or a unit the log registered after the day
        shown, is opened; anything else is an unknown command."""
        if self.store is None:
            return
        with self.store_reads():
            try:
                code = LogQuery(self.store).unit_code(text)
            except Violation as violation:  # a name several units bore
                self.call_from_thread(
                    self.notify, rendered(violation, self.lang), severity="warning"
                )
                return
            if code is not None:
                self.post_message(OpenUnit(code))
            else:
                said = t("tui_unknown_command", self.lang, text=text)
                self.call_from_thread(self.notify, said, severity="warning")

    def _back_to_a_day(self) -> None:
        """Leave the screens that show no day (the log, a record) for the one they
        were opened from, so that a new day or moment is seen where it changes."""
        while len(self.screen_stack) > 2 and not getattr(self.screen, "SHOWS_DAY", True):
            self.pop_screen()

    def _find_units(self, text: str) -> list[UnitStatus]:
        """The unit a ``:`` command names: by its code (any case), else the units of
        that name (several share 第一党支部 in a large tree: listed, where the first
        was opened, unsaid), else every unit whose name holds the text (any case)."""
        if self.snapshot is None:
            return []
        units = self.snapshot.report.units
        coded = [u for u in units if _same_word(u.unit, text)]
        return (
            coded[:1]
            or self._units_named(text)
            or [u for u in units if text.casefold() in u.name.casefold()]
        )

    def _units_named(self, text: str) -> list[UnitStatus]:
        """The units shown whose code or name is ``text`` (any case)."""
        units = self.snapshot.report.units if self.snapshot is not None else ()
        return [u for u in units if _same_word(u.unit, text) or _same_word(u.name, text)]

    @on(OpenUnit)
    def _open_unit(self, message: OpenUnit) -> None:
        from cxzy.tui.components.status_grid import StatusGrid
        from cxzy.tui.screens.overview import OverviewScreen
        from cxzy.tui.screens.unit import UnitScreen

        if isinstance(self.screen, UnitScreen):
            self.pop_screen()
        # Esc comes back to the grid on it (opened by : or the palette, it came back
        # to the row it left: JU, 1,500 rows above a unit of the wide branch)
        for screen in self.screen_stack:
            if isinstance(screen, OverviewScreen):
                screen.query_one(StatusGrid).select_unit(message.unit)
        self.push_screen(UnitScreen(message.unit))

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """A screenshot (the palette's): into the Downloads folder when there is one,
        else the folder the dashboard was started in (Textual's failed without one)."""
        if path is None:
            downloads = user_downloads_path()
            path = str(downloads if downloads.is_dir() else Path.cwd())
        if filename is None:  # named by the campaign's clock, as the header's day (Textual's:
            zone = getattr(self, "zone", None)  # this machine's zone)
            moment = datetime.now(zone) if zone is not None else datetime.now().astimezone()
            filename = f"{self.title}_{moment:%Y-%m-%dT%H_%M_%S_%f}.svg"
        return super().deliver_screenshot(filename, path, time_format)

    @on(events.DeliveryComplete)
    def _screenshot_saved(self, event: events.DeliveryComplete) -> None:
        if event.name == "screenshot":  # said here: Textual's says it in markup
            event.prevent_default()
            self.notify(t("tui_screenshot_saved", self.lang, path=str(event.path or "")))

    @on(events.DeliveryFailed)
    def _screenshot_failed(self, event: events.DeliveryFailed) -> None:
        if event.name == "screenshot":
            event.prevent_default()
            error = event.exception
            reason = os_reason(error) if isinstance(error, OSError) else type(error).__name__
            self.notify(t("tui_screenshot_failed", self.lang, reason=reason), severity="error")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):  # Textual's, in our language
            if command.title == "Keys":  # our help, every key in our language (Textual's
                command = command._replace(callback=self.action_help)  # panel: in English)
            if f"palette.{command.title}" in LABELS:
                command = command._replace(
                    title=t(f"palette.{command.title}", self.lang),
                    help=t(f"palette_help.{command.title}", self.lang),
                )
            yield command
        load = getattr(screen, "action_load_demo", None)  # the empty store's screen
        if load is not None and self.load_demo is not None:
            yield SystemCommand(
                _titled(t("key_load_demo", self.lang)), t("palette_demo", self.lang), load
            )
        if self.snapshot is None:
            return
        yield SystemCommand(
            _titled(t("key_log", self.lang)), t("tui_log_title", self.lang), self.action_open_log
        )
        today = t("palette_today", self.lang)
        yield SystemCommand(_titled(t("key_today", self.lang)), today, self.action_today)
        yield SystemCommand(  # (its key's label, play/pause, was not found by "replay")
            _titled(t("palette_replay", self.lang)), t("palette_play", self.lang), self.action_play
        )


def _file_of(store: CampaignApp) -> tuple[int, int] | None:
    """The device and inode of a SQLite store's file under its name (None when there
    is none, or the store is on a server)."""
    location = store.location
    if location is None or location.kind != "sqlite":
        return None
    try:
        found = location.path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _written(store: CampaignApp) -> tuple[int, ...] | None:
    """When a SQLite store's file and its write-ahead log were last written, and
    their sizes (None on a server)."""
    location = store.location
    if location is None or location.kind != "sqlite":
        return None
    found: list[int] = []
    for path in (location.path, location.path.with_name(location.path.name + "-wal")):
        try:
            stat = path.stat()
        except OSError:
            found += [0, 0]
        else:
            found += [stat.st_mtime_ns, stat.st_size]
    return tuple(found)


def _titled(name: str) -> str:
    """A command's name as the palette lists it: capitalised as Textual's own ("Keys",
    "Quit") beside it (the footer's key labels are lower case)."""
    return name[:1].upper() + name[1:]

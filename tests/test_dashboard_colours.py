"""The dashboard on terminals of fewer colours, or none (NO_COLOR): every state must
still be read, and the most urgent ones stand out most."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.color import ColorType
from rich.segment import Segment
from rich.style import Style

from cxzy.application.app import open_app
from cxzy.application.store import StoreLocation
from cxzy.i18n import t
from cxzy.tui.app import CxzyApp
from tui_helpers import settle

DAY = date(2011, 3, 1)  # the demo's DKGS at risk in 争创, alerts overdue


def dashboard(path: Path, **kwargs: object) -> CxzyApp:
    store = open_app(StoreLocation("sqlite", str(path)), read_only=True)
    return CxzyApp(store, today=DAY, live=False, **kwargs)  # type: ignore[arg-type]


def drawn(app: CxzyApp) -> list[Segment]:
    """The screen's segments as the compositor draws them (the terminal's filters,
    such as NO_COLOR's greys, come after)."""
    return [segment for strip in app.screen._compositor.render_strips() for segment in strip]


def segment_with(segments: list[Segment], words: str) -> Segment:
    return next(s for s in segments if words in s.text)


def bright_grey(style: Style) -> bool:
    """The colour of the text around it: a light grey (so it stays light as a grey)."""
    red, green, blue = style.color.get_truecolor()
    return red == green == blue >= 0xC0


async def test_without_colour_what_is_urgent_stands_out_by_weight_not_by_a_grey(
    demo_store, monkeypatch
):
    """NO_COLOR: Textual draws each colour as a grey of its brightness, and red's
    grey on the dark background could hardly be seen (1.3:1): an at-risk phase, an
    overdue alert were the faintest text on the screen. They keep the text's own
    colour, bold, and the overdue underlined; the header's badge is reversed."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = dashboard(demo_store)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        segments = drawn(app)
        at_risk = segment_with(segments, t("at_risk")).style
        overdue = segment_with(segments, t("tui_alert_over", n=60)).style
        assert at_risk.bold and bright_grey(at_risk), at_risk
        assert overdue.bold and overdue.underline and bright_grey(overdue), overdue
        late = segment_with(segments, t("done_late")).style  # (README: in italics)
        assert late.italic and not late.bold, late
        badge = segment_with(segments, t("tui_live")).style
        assert badge.reverse, badge


async def test_on_16_colours_the_dashboard_draws_in_the_terminals_own_colours(demo_store):
    """TERM=xterm: Textual's theme and the cells' colours given by value were taken
    to the nearest of 16 colours: the footer's keys red on a grey as bright, a phase
    done late in the terminal's red and one overdue in its magenta. The dashboard
    takes the terminal's own colours (Textual's "ansi-dark"), and the states their
    ANSI names: overdue red, late yellow."""
    app = dashboard(demo_store, color_system="standard")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        assert app.theme == "ansi-dark"
        segments = drawn(app)
        by_value = {
            s.text
            for s in segments
            if s.style and s.style.color and s.style.color.type == ColorType.TRUECOLOR
        }
        assert not {text for text in by_value if text.strip()}, by_value
        late = segment_with(segments, t("done_late")).style
        overdue = segment_with(segments, t("tui_alert_over", n=60)).style
        assert late.color.name == "yellow" and overdue.color.name == "red", (late, overdue)


async def test_with_more_colours_the_dashboard_keeps_its_theme(demo_store):
    app = dashboard(demo_store, color_system="256")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        assert app.theme != "ansi-dark"
        red, green, blue = segment_with(drawn(app), t("at_risk")).style.color.get_truecolor()
        assert red > green + blue, (red, green, blue)

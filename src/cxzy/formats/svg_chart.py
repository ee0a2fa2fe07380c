"""A line chart of progress over time as a self-contained SVG (no scripts, no
fonts or images from elsewhere): share of checklist items done per phase, with
the phase windows shaded behind."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 28, 64
FONT_SIZE = 11
# ten colours, then the same dashed (a template has up to 20 phases: six colours
# made ten phases' lines alike)
COLOURS = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
LEGEND_ROW = 16  # the height of a row of the legend
LEGEND_GAP = 16  # between two of its items
BANDS = ("#f3f6fb", "#fbf6ef")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of the width of a text in a sans-serif font (the
    viewer's font is not known): a full em for Chinese characters, 0.6 em for
    others."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * size for ch in text)


def _centred(x: float, text: str) -> float:
    """Where to centre a text meant to be centred at ``x`` so that all of it is
    inside the image (a label at the right end is moved left, not cut)."""
    half = text_width(text) / 2
    return min(max(x, half + 1), WIDTH - half - 1)


def _months(first: date, last: date) -> list[date]:
    """First days of the months to label: every month, or every 3rd/6th/12th."""
    months = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    for every in (1, 3, 6, 12):
        picked = [m for m in months if (m.month - 1) % every == 0]
        if len(picked) <= 12:
            return picked
    return months[:: max(1, len(months) // 12)]


def progress_svg(
    days: Sequence[date],
    series: Mapping[str, Sequence[float]],
    labels: Mapping[str, str],
    windows: Mapping[str, tuple[date, date]],
    title: str,
) -> str:
    """The chart as SVG text; ``labels`` and ``windows`` are per series key. The x
    axis runs from the first day to the last, or to the last day of the windows
    when the last day is after them (a later point is drawn at the axis' end)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    finals = {key: values[-1] if values else 0.0 for key, values in series.items()}
    legend = _legend_places({k: f"{labels.get(k, k)} {v:.0%}" for k, v in finals.items()})
    height = HEIGHT + LEGEND_ROW * max((row for _, row in legend.values()), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="sans-serif" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    if not days:
        parts.append(f'<text x="{LEFT}" y="{TOP + 20}">—</text></svg>')
        return "".join(parts)
    first, last = days[0], days[-1]
    if windows:  # the campaign's last day, when the day is after it
        last = max(first, min(last, max(end for _, end in windows.values())))
    span = max(1, (last - first).days)

    def x(day: date) -> float:
        return LEFT + plot_w * min(max((day - first).days, 0), span) / span

    def y(share: float) -> float:
        return TOP + plot_h * (1 - share)

    named_to = 0.0  # where the last band's name ends: one that would overlap is left
    for n, (key, (start, end)) in enumerate(windows.items()):  # out (the legend names it)
        if end < first or start > last:
            continue
        x0, x1 = x(max(start, first)), x(min(end, last))
        label = labels.get(key, key)
        parts.append(
            f'<rect x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1):.1f}" height="{plot_h}" '
            f'fill="{BANDS[n % 2]}"><title>{escape(label)}</title></rect>'
        )
        centre = _centred((x0 + x1) / 2, label)
        if centre - text_width(label) / 2 >= named_to:
            parts.append(
                f'<text x="{centre:.1f}" y="{TOP - 8}" '
                f'text-anchor="middle" fill="#555">{escape(label)}</text>'
            )
            named_to = centre + text_width(label) / 2 + 4
    for share in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(share):.1f}" x2="{WIDTH - RIGHT}" y2="{y(share):.1f}" '
            'stroke="#dddddd"/>'
            f'<text x="{LEFT - 6}" y="{y(share) + 4:.1f}" text-anchor="end" fill="#333">'
            f"{share:.0%}</text>"
        )
    for month in _months(first, last):
        label = f"{month:%Y-%m}"
        parts.append(
            f'<line x1="{x(month):.1f}" y1="{TOP + plot_h}" x2="{x(month):.1f}" '
            f'y2="{TOP + plot_h + 4}" stroke="#333"/>'
            f'<text x="{_centred(x(month), label):.1f}" y="{TOP + plot_h + 16}" '
            f'text-anchor="middle" fill="#333">{label}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#333"/>'
    )
    for n, (key, values) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        dashed = ' stroke-dasharray="6 3"' if n >= len(COLOURS) else ""
        points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in zip(days, values, strict=False))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dashed} points="{points}">'
            f"<title>{escape(labels.get(key, key))}</title></polyline>"
        )
        lx, row = legend[key]
        ly = HEIGHT - 18 + row * LEGEND_ROW
        parts.append(
            f'<line x1="{lx:.1f}" y1="{ly - 7}" x2="{lx + 14:.1f}" y2="{ly - 7}" '
            f'stroke="{colour}" stroke-width="4"{dashed}/>'
            f'<text x="{lx + 18:.1f}" y="{ly - 4}" fill="#333">'
            f"{escape(labels.get(key, key))} {finals[key]:.0%}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend_places(texts: Mapping[str, str]) -> dict[str, tuple[float, int]]:
    """Where each series' key goes in the legend: (x, row), left to right, a row
    more where the next would pass the right edge (ten phases' names, set a fixed
    share of the width apart, ran over each other)."""
    places: dict[str, tuple[float, int]] = {}
    lx, row = float(LEFT), 0
    for key, text in texts.items():
        width = 18 + text_width(text)
        if lx > LEFT and lx + width > WIDTH - RIGHT:
            lx, row = float(LEFT), row + 1
        places[key] = (lx, row)
        lx += width + LEGEND_GAP
    return places

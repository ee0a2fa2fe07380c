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
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
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
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'font-family="sans-serif" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
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

    for n, (key, (start, end)) in enumerate(windows.items()):
        if end < first or start > last:
            continue
        x0, x1 = x(max(start, first)), x(min(end, last))
        label = labels.get(key, key)
        parts.append(
            f'<rect x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1):.1f}" height="{plot_h}" '
            f'fill="{BANDS[n % 2]}"/>'
            f'<text x="{_centred((x0 + x1) / 2, label):.1f}" y="{TOP - 8}" '
            f'text-anchor="middle" fill="#555">{escape(label)}</text>'
        )
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
        points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in zip(days, values, strict=False))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
            f"<title>{escape(labels.get(key, key))}</title></polyline>"
        )
        lx = LEFT + n * (plot_w / max(len(series), 1))
        ly = HEIGHT - 18
        final = values[-1] if values else 0.0
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 9}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{lx + 18:.1f}" y="{ly - 4}" fill="#333">'
            f"{escape(labels.get(key, key))} {final:.0%}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)

"""Inline SVG bar charts: readable without JavaScript, accessible, no external requests.

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (which
states every value in words), and the report always prints the same figures as a table
right after it, the fallback for readers and for printing in greyscale.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

WIDTH = 720
LABEL_WIDTH = 240
ROW = 26
BAR = "#1d4f7c"  # 8.6:1 on white
TRACK = "#e6ebf0"
INK = "#1a1a1a"
LABEL_CHARS = 34  # what fits in LABEL_WIDTH at 13 px; longer labels wrap, never cut
LINE = 15


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0 to maximum
    text: str  # what is printed after the bar, e.g. "82.5 % (1,204 of 1,460)"


def bar_chart(
    chart_id: str, title: str, bars: list[Bar], maximum: float = 100.0, unit: str = "%"
) -> str:
    """A horizontal bar chart as an SVG string (safe to embed: every text is escaped)."""
    labels = [textwrap.wrap(bar.label, LABEL_CHARS) or [""] for bar in bars]
    rows = [max(ROW, LINE * len(lines) + 11) for lines in labels]
    height = sum(rows) + 34
    span = WIDTH - LABEL_WIDTH - 150
    description = "; ".join(f"{bar.label}: {bar.text}" for bar in bars) or "no data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="isdp-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    y = 8
    for bar, lines, row in zip(bars, labels, rows, strict=True):
        length = 0.0 if maximum <= 0 else max(0.0, min(bar.value, maximum)) / maximum * span
        middle = y + row / 2 - 4  # bar and value centred on the label's lines
        first = middle + 5 - (len(lines) - 1) * LINE / 2
        tspans = "".join(f'<tspan x="{LABEL_WIDTH - 8}" y="{first + i * LINE:.1f}">{escape(line)}</tspan>'
                         for i, line in enumerate(lines))
        top = middle - (ROW - 8) / 2 + 1
        parts += [
            f'<text text-anchor="end" fill="{INK}">{tspans}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{top:.1f}" width="{span}" height="{ROW - 8}" fill="{TRACK}"/>',
            f'<rect x="{LABEL_WIDTH}" y="{top:.1f}" width="{length:.1f}" height="{ROW - 8}" fill="{BAR}"/>',
            f'<text x="{LABEL_WIDTH + span + 8}" y="{middle + 5:.1f}" fill="{INK}">{escape(bar.text)}</text>',
        ]
        y += row
    axis_y = y + 14
    parts += [
        f'<text x="{LABEL_WIDTH}" y="{axis_y}" fill="{INK}">0 {escape(unit)}</text>',
        f'<text x="{LABEL_WIDTH + span}" y="{axis_y}" text-anchor="end" fill="{INK}">'
        f"{maximum:g} {escape(unit)}</text>",
        "</svg>",
    ]
    return "\n".join(parts)

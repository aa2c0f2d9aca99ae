"""Inline SVG bar charts: readable without JavaScript, accessible, no external requests.

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (which
states every value in words), and the report always prints the same figures as a table
right after it, the fallback for readers and for printing in greyscale.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 720
LABEL_WIDTH = 240
ROW = 26
BAR = "#1d4f7c"  # 8.6:1 on white
TRACK = "#e6ebf0"
INK = "#1a1a1a"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0 to maximum
    text: str  # what is printed after the bar, e.g. "82.5 % (1,204 of 1,460)"


def bar_chart(
    chart_id: str, title: str, bars: list[Bar], maximum: float = 100.0, unit: str = "%"
) -> str:
    """A horizontal bar chart as an SVG string (safe to embed: every text is escaped)."""
    height = ROW * len(bars) + 34
    span = WIDTH - LABEL_WIDTH - 150
    description = "; ".join(f"{bar.label}: {bar.text}" for bar in bars) or "no data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="isdp-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = 8 + index * ROW
        length = 0.0 if maximum <= 0 else max(0.0, min(bar.value, maximum)) / maximum * span
        label = bar.label if len(bar.label) <= 34 else bar.label[:33] + "…"
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" fill="{INK}">{escape(label)}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{span}" height="{ROW - 8}" fill="{TRACK}"/>',
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" height="{ROW - 8}" fill="{BAR}"/>',
            f'<text x="{LABEL_WIDTH + span + 8}" y="{y + 15}" fill="{INK}">{escape(bar.text)}</text>',
        ]
    axis_y = 8 + len(bars) * ROW + 14
    parts += [
        f'<text x="{LABEL_WIDTH}" y="{axis_y}" fill="{INK}">0 {escape(unit)}</text>',
        f'<text x="{LABEL_WIDTH + span}" y="{axis_y}" text-anchor="end" fill="{INK}">'
        f"{maximum:g} {escape(unit)}</text>",
        "</svg>",
    ]
    return "\n".join(parts)

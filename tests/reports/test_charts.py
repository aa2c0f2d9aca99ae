"""Report charts keep every label whole: a district's full name wraps, never ends in '…'."""

from __future__ import annotations

import re

from build_tools.reports.charts import Bar, bar_chart

LONG = "Mississippi Department of Education, Office of Technology and Strategic Services"


def test_a_long_label_wraps_onto_lines_and_keeps_every_word():
    svg = bar_chart("c", "Completion by district", [Bar(LONG, 50, "50 %"), Bar("Jackson", 20, "20 %")])
    shown = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg))
    assert "…" not in svg
    assert LONG in shown
    assert svg.count("<tspan") > 2  # the long label took more than one line


def test_rows_grow_with_their_labels_so_bars_do_not_overlap():
    short = bar_chart("c", "t", [Bar("A", 1, "1"), Bar("B", 1, "1")])
    tall = bar_chart("c", "t", [Bar(LONG, 1, "1"), Bar("B", 1, "1")])
    height = lambda svg: float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))  # noqa: E731
    assert height(tall) > height(short)
    bars = [float(y) for y in re.findall(r'<rect x="\d+" y="([\d.]+)" width="330"', tall)]
    assert bars[1] - bars[0] >= 26

"""Dates as the site and its documents write them: US style, "December 1, 2026"."""

from __future__ import annotations

import datetime as dt


def long_date(date: dt.date) -> str:
    return f"{date:%B} {date.day}, {date.year}"

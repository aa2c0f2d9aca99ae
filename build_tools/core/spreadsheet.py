"""Every CSV isdp writes goes through here, so no cell can run as a spreadsheet formula.

A roster name or an LRS-supplied string such as ``=HYPERLINK("https://evil", "Open")`` is
run by Excel, LibreOffice and Google Sheets when the file is opened (CSV injection); in
links.csv it would sit beside each learner's credential link. OWASP's rule
(https://owasp.org/www-community/attacks/CSV_Injection): a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, which the spreadsheet
shows as text; the value is otherwise unchanged.

Not PyPI ``defusedcsv``: its 3.0 leaves cells that start with a tab or a carriage return as
they are, and it rewrites every ``|`` inside a flagged cell to ``\\|`` (data changed).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The cell as a spreadsheet shows it as text (numbers and None pass unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Writer:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, handle: TextIO, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class DictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose every cell (header included) goes through ``safe_cell``."""

    def __init__(self, handle: TextIO, fieldnames: Sequence[str], **options: Any) -> None:
        super().__init__(handle, fieldnames, **options)
        self.writer = Writer(handle)  # DictWriter writes every row through self.writer


def writer(handle: TextIO, **options: Any) -> Writer:
    return Writer(handle, **options)

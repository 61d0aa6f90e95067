"""CSV for people to open in a spreadsheet, with no cell read as a formula.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (tab and carriage
return are read the same way by some), so an imported account named `=HYPERLINK(…)` would become
a live link, or worse, in the exported file. Every text cell starting with one of them is written
with a leading `'`, which spreadsheets show as text and do not display.

Only text is changed: a number is a number (-500.0 written from a float stays a negative number,
not text), so callers pass numbers as `int`, `float` or `Decimal`, never pre-formatted strings.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """The value as it may go into a CSV cell: text starting like a formula gets a `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` with every cell passed through `safe_cell`."""

    def __init__(self, handle: _Writable, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: _Writable, **options: Any) -> SafeWriter:
    """A CSV writer for files people open (options as for `csv.writer`)."""
    return SafeWriter(handle, **options)

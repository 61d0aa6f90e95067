"""Reading one value out of a computation's result: by metric, key and split, the rows added
since the last read included."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.analytics.computation import Result, Row
from revsight.core import periods


def row(metric: str, key: str, value: float, split: str | None = None) -> Row:
    return Row(metric, "rep", key, value, None, "currency", split=split)


def a_result(*rows: Row) -> Result:
    month = periods.containing("month", date(2026, 6, 30), 1)
    return Result(date(2026, 6, 30), "duckdb", month, "rep", [], rows=list(rows))


def test_a_value_is_found_by_metric_key_and_split() -> None:
    result = a_result(
        row("bookings", "rep@example.com", 628_100.0),
        row("bookings", "sam@example.com", 4_700.0),
        row("pipeline_value", "rep@example.com", 51_100.0, split="Proposal"),
    )
    assert result.value("bookings", "sam@example.com") == 4_700.0
    assert result.value("pipeline_value", "rep@example.com", "Proposal") == 51_100.0
    with pytest.raises(KeyError):
        result.value("pipeline_value", "rep@example.com")


def test_rows_added_after_a_read_are_found_and_the_first_of_two_alike_wins() -> None:
    result = a_result(row("bookings", "rep@example.com", 1.0))
    assert result.value("bookings", "rep@example.com") == 1.0
    result.rows.append(row("won_count", "rep@example.com", 3))
    result.rows.append(row("bookings", "rep@example.com", 2.0))
    assert result.value("won_count", "rep@example.com") == 3
    assert result.value("bookings", "rep@example.com") == 1.0
    result.rows = [row("bookings", "rep@example.com", 5.0)]
    assert result.value("bookings", "rep@example.com") == 5.0


def test_a_result_kept_in_the_cache_is_read_as_before() -> None:
    import pickle

    result = a_result(row("bookings", "rep@example.com", 628_100.0))
    assert result.value("bookings", "rep@example.com") == 628_100.0
    again = pickle.loads(pickle.dumps(result))
    assert "_by_cell" not in again.__dict__
    assert again.value("bookings", "rep@example.com") == 628_100.0

"""The Spark engine on the hand-computed organisation: the same values as the exact tests."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.analytics import compute
from revsight.analytics.engine import DuckDBEngine
from tests.analytics.fixtures import build_economics, build_sales
from tests.analytics.test_spark_parity import require_pyspark
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("by", ["company", "rep"])
def test_spark_matches_the_hand_computed_values(cast: Cast, by: str) -> None:
    require_pyspark()
    from revsight.analytics.engine import SparkEngine

    build_economics(cast, build_sales(cast))
    on_spark = compute(None, "2026-03", date(2026, 3, 10), by, engine=SparkEngine())
    on_duckdb = compute(None, "2026-03", date(2026, 3, 10), by, engine=DuckDBEngine())
    pairs = zip(on_spark.rows, on_duckdb.rows, strict=True)
    assert [(a.metric, a.key, a.value, b.value) for a, b in pairs if a.value != b.value] == []
    if by == "company":  # spot checks against the hand-computed values
        assert on_spark.value("pipeline_coverage") == round(47000 / 80000, 6)
        assert on_spark.value("bookings") == 10000.0

"""The Spark engine gives the same numbers as the DuckDB replica, on the demo organisation.

Spark needs pyspark (`make install-spark`) and Java 17. Without them these tests are skipped
with that reason, unless REVSIGHT_REQUIRE_SPARK=1 (as in CI), where that is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from revsight.analytics import compute
from revsight.analytics.engine import DuckDBEngine
from revsight.core.config import env_bool

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db]
AS_OF = date(2026, 6, 30)


def require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        reason = "pyspark is not installed (make install-spark)"
        if env_bool("REVSIGHT_REQUIRE_SPARK", False):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def spark(
    demo_org: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    require_pyspark()
    from django.test import override_settings

    from revsight.analytics.engine import SparkEngine

    with (
        django_db_blocker.unblock(),
        override_settings(REVSIGHT_HOME=tmp_path_factory.mktemp("spark-home")),
    ):
        yield SparkEngine()


@pytest.mark.parametrize(
    ("period", "by"), [("2026-05", "rep"), ("2026-Q2", "company"), ("2026-W22", "team")]
)
def test_spark_and_duckdb_agree_on_every_metric(spark: Any, period: str, by: str) -> None:
    on_spark = compute(None, period, AS_OF, by, engine=spark)
    on_duckdb = compute(None, period, AS_OF, by, engine=DuckDBEngine())
    pairs = zip(on_spark.rows, on_duckdb.rows, strict=True)
    assert [(a.metric, a.key, a.value, b.value) for a, b in pairs if a.value != b.value] == []
    assert on_spark.engine == "spark"

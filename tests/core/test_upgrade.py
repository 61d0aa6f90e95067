"""Upgrading keeps every row: the demo organisation, held as the last release held it (its
tables and columns), is upgraded with the migrations since, and compared table by table."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The leaf migrations of the release before the renovation (0.1.0, stop 9).
LAST_RELEASE = [
    ("core", "0003_api_token"),
    ("org", "0001_initial"),
    ("crm", "0002_initial"),
    ("forecasting", "0003_pipeline_snapshot"),
    ("analytics", "0001_initial"),
]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    connection.close()


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _every_table(
    columns: dict[str, list[str]] | None = None,
) -> tuple[dict[str, list[str]], dict[str, list[tuple[Any, ...]]]]:
    """Each table's columns and rows (ordered by the first column); with `columns`, only those
    tables and columns."""
    with connection.cursor() as cursor:
        tables = sorted(
            t for t in connection.introspection.table_names(cursor) if t != "django_migrations"
        )
        found_columns, found = {}, {}
        for table in tables if columns is None else sorted(columns):
            chosen = ", ".join(f'"{c}"' for c in columns[table]) if columns else "*"
            cursor.execute(f'SELECT {chosen} FROM "{table}" ORDER BY 1')
            found_columns[table] = [column[0] for column in cursor.description]
            found[table] = cursor.fetchall()
    return found_columns, found


def test_upgrading_from_the_last_release_keeps_every_row_of_every_table() -> None:
    from revsight.demo.build import build_demo
    from revsight.forecasting.snapshots import take_snapshot

    latest = _latest()
    try:
        # Today's code fills today's tables; taken back to the last release's schema, they
        # hold what that release held (its tables and columns only), the data to upgrade.
        build_demo(seed=3, as_of=date(2026, 6, 30))
        take_snapshot(date(2026, 6, 30))
        _migrate(LAST_RELEASE)
        columns, before = _every_table()
        _migrate(latest)
        _, after = _every_table(columns)
    finally:
        _migrate(latest)
    moved = [
        "org_organisation",
        "analytics_tableversion",
        "forecasting_forecastsubmission",
        "forecasting_pipelinesnapshot",
    ]
    assert all(before[table] for table in moved)  # the moved tables were not empty
    assert after == before

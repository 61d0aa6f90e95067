"""The DuckDB replica follows the database and can always be rebuilt."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from revsight.analytics import compute
from revsight.analytics.replica import replica_status
from revsight.cli import cli
from tests.analytics.fixtures import build_sales, late_win
from tests.people import Cast

pytestmark = pytest.mark.django_db


def test_a_change_in_the_database_reaches_the_next_computation(cast: Cast) -> None:
    build_sales(cast)
    before = compute(["bookings"], "2026-03", date(2026, 3, 31), engine="duckdb")
    assert before.value("bookings") == 48000.0
    late_win(cast)
    assert not replica_status().fresh
    after = compute(["bookings"], "2026-03", date(2026, 3, 31), engine="duckdb")
    assert after.value("bookings") == 50000.0
    assert replica_status().fresh


def test_status_and_rebuild_commands(cast: Cast) -> None:
    build_sales(cast)
    runner = CliRunner()
    assert "No replica yet" in runner.invoke(cli, ["analytics", "status"]).output
    rebuilt = runner.invoke(cli, ["analytics", "rebuild"])
    assert rebuilt.exit_code == 0
    assert "Replica rebuilt" in rebuilt.output
    status = runner.invoke(cli, ["analytics", "status"]).output
    assert ": current" in status
    assert "opportunities" in status
    assert "8 rows" in status


def test_export_writes_one_parquet_file_per_fact(cast: Cast, tmp_path: object) -> None:
    import pyarrow.parquet as pq

    build_sales(cast)
    result = CliRunner().invoke(cli, ["analytics", "export", "--parquet", f"{tmp_path}/facts"])
    assert result.exit_code == 0, result.output
    table = pq.read_table(f"{tmp_path}/facts/opportunities.parquet")
    assert table.num_rows == 8
    assert "amount" in table.column_names


def test_only_the_tables_a_service_changed_are_copied_again(cast: Cast) -> None:
    from revsight.core.versions import mark_changed
    from revsight.crm.models import ForecastSubmission

    build_sales(cast)
    march = compute(["forecast_accuracy"], "2026-03", date(2026, 3, 31), "rep", engine="duckdb")
    assert march.value("forecast_accuracy", "ann@acme.test") == 0.875
    ForecastSubmission.objects.filter(user=cast.east_rep, amount=35000).update(amount=40000)
    mark_changed("forecasts")
    assert replica_status().stale == ["forecasts"]
    again = compute(["forecast_accuracy"], "2026-03", date(2026, 3, 31), "rep", engine="duckdb")
    assert again.value("forecast_accuracy", "ann@acme.test") == 1.0
    assert replica_status().fresh


def test_new_rows_are_noticed_without_being_marked(cast: Cast) -> None:
    from revsight.crm.models import Activity

    build_sales(cast)
    compute(["activity_count"], "2026-03", date(2026, 3, 31), engine="duckdb")
    Activity.objects.create(owner=cast.west_rep, type="other", date=date(2026, 3, 9))
    assert replica_status().stale == ["activities"]
    after = compute(["activity_count"], "2026-03", date(2026, 3, 31), engine="duckdb")
    assert after.value("activity_count") == 4


def test_an_edit_in_the_admin_copies_everything_again(cast: Cast) -> None:
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    build_sales(cast)
    compute(["bookings"], "2026-03", date(2026, 3, 31), engine="duckdb")
    LogEntry.objects.create(
        user=cast.admin,
        content_type=ContentType.objects.get_for_model(cast.west_rep),
        object_id=str(cast.west_rep.pk),
        object_repr=str(cast.west_rep),
        action_flag=CHANGE,
    )
    assert len(replica_status().stale) == len(replica_status().rows)


def test_computing_on_the_database_leaves_its_case_insensitive_lookups_as_they_were(
    cast: Cast,
) -> None:
    from revsight.org.models import User

    build_sales(cast)
    compute(["bookings"], "2026-03", date(2026, 3, 31), engine="database")
    compute(["bookings"], "2026-03", date(2026, 3, 31), engine="duckdb")  # refreshes the replica
    assert list(User.objects.filter(email__iexact="ANN@Acme.Test")) == [cast.east_rep]
    assert User.objects.filter(email__icontains="ACME").count() == User.objects.count()

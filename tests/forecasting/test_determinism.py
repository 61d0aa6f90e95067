"""The same data and the same command give the same bytes; a change to the data draws afresh."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis.expr.types as ir
import pytest
from click.testing import CliRunner

from revsight.analytics.engine import DatabaseEngine
from revsight.cli import cli
from revsight.forecasting.backtest import History, _statistical
from revsight.forecasting.services import submit_forecast
from revsight.org.models import Role, User
from tests.conftest import DEMO_AS_OF

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.backtest]

ORIGIN = date(2026, 4, 1)
EARLIER = [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def _run(*arguments: str) -> bytes:
    result = CliRunner().invoke(cli, list(arguments))
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_the_same_backtest_twice_gives_identical_json_bytes() -> None:
    command = ("forecast", "backtest", "--months", "3", "--as-of", DEMO_AS_OF.isoformat())
    first = _run(*command, "--format", "json")
    assert _run(*command, "--format", "json") == first
    assert b'"statistical"' in first


def test_the_same_outlook_twice_gives_identical_json_bytes() -> None:
    command = ("forecast", "outlook", "--period", "2026-07", "--as-of", DEMO_AS_OF.isoformat())
    first = _run(*command, "--format", "json")
    assert _run(*command, "--format", "json") == first
    assert b'"p50"' in first


def test_the_forecast_does_not_depend_on_the_order_the_engine_returns_rows_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DuckDB's threads return rows in another order from run to run; the deals are drawn in
    the simulation one by one, so their order must not come from the engine."""
    history = History(DatabaseEngine(), DEMO_AS_OF)
    expected = _statistical(history, ORIGIN, "month", EARLIER)
    execute = ir.Table.execute

    def reversed_rows(self: ir.Table, *args: Any, **kwargs: Any) -> Any:
        frame = execute(self, *args, **kwargs)
        return frame.iloc[::-1].reset_index(drop=True)

    monkeypatch.setattr(ir.Table, "execute", reversed_rows)
    shuffled = History(DatabaseEngine(), DEMO_AS_OF)
    assert shuffled.won == history.won
    again = _statistical(shuffled, ORIGIN, "month", EARLIER)
    assert expected is not None
    assert again is not None
    assert (again.p10, again.p50, again.p90, again.deals) == (
        expected.p10,
        expected.p50,
        expected.p90,
        expected.deals,
    )


def test_a_change_to_the_data_changes_the_seed() -> None:
    before = History(DatabaseEngine(), DEMO_AS_OF)
    assert before.seed(ORIGIN, "month") == History(DatabaseEngine(), DEMO_AS_OF).seed(
        ORIGIN, "month"
    )
    assert before.seed(ORIGIN, "month") != before.seed(ORIGIN, "quarter")
    assert before.seed(ORIGIN, "month") != before.seed(date(2026, 5, 1), "month")
    rep = User.objects.filter(role=Role.SALESPERSON, is_active=True).order_by("pk").first()
    assert rep is not None
    submit_forecast(rep.email, "2026-07", "125000", None)
    after = History(DatabaseEngine(), DEMO_AS_OF)
    assert after.version != before.version
    assert after.seed(ORIGIN, "month") != before.seed(ORIGIN, "month")

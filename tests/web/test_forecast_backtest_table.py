"""The Forecast page's backtest table says why a method did not forecast some months."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from revsight.analytics.engine import DatabaseEngine
from revsight.forecasting.backtest import backtest, remember
from tests.forecasting.test_skipped import AS_OF, no_close_dates
from tests.people import Cast

__all__ = ["no_close_dates"]  # the hand-built history, a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.views]


@pytest.fixture(autouse=True)
def _on_the_as_of_day() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 7, 15, 10, tzinfo=UTC), tick=False):
        yield


def test_the_table_shows_each_method_s_months_not_forecast_and_why(no_close_dates: Cast) -> None:
    origins, scores = backtest(AS_OF, 6, DatabaseEngine())
    remember(AS_OF, origins, scores)
    client = Client()
    client.force_login(no_close_dates.president)
    page = client.get("/forecast/")
    assert page.status_code == 200
    rows = {(row["method"], row["horizon"]): row for row in page.context["backtest_rows"]}
    assert rows[("weighted_pipeline", "month")]["not_forecast"] == [
        "2 months (2026-01, 2026-02): before the first won deal (2026-02-10)",
        "4 months (2026-03, 2026-04, 2026-05, 2026-06): no open deal has an expected close date",
    ]
    assert rows[("trailing_mean", "month")]["not_forecast"] == [
        "2 months (2026-01, 2026-02): before the first won deal (2026-02-10)"
    ]
    html = page.content.decode()
    assert "Months not forecast, and why" in html
    assert (
        "4 months (2026-03, 2026-04, 2026-05, 2026-06): no forecast submissions for this month "
        "before this origin" in html
    )

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


def test_the_calibration_chart_shows_the_chances_against_the_share_won(
    no_close_dates: Cast,
) -> None:
    from datetime import date

    from revsight.forecasting.scores import Forecast, Score

    origins, scores = backtest(AS_OF, 6, DatabaseEngine())
    # The statistical forecast's month as scored: four deals given 80% (three won) and four
    # given 10% (none won), which the stage probabilities put at 50% each.
    deals = [(0.8, True)] * 3 + [(0.8, False)] + [(0.1, False)] * 4
    statistical = Score(
        "statistical",
        "month",
        [
            Forecast(
                date(2026, 6, 1),
                "month",
                "statistical",
                100.0,
                90.0,
                deals=deals,
                baseline=[0.5] * 8,
            )
        ],
    )
    kept = [s for s in scores if (s.method, s.horizon) != ("statistical", "month")]
    remember(AS_OF, origins, [*kept, statistical])
    client = Client()
    client.force_login(no_close_dates.president)
    page = client.get("/forecast/")
    found = page.context["calibration"]
    assert found["n"] == 8
    assert [(b["predicted"], b["observed"], b["n"]) for b in found["reliability"]] == [
        (0.1, 0.0, 4),
        (0.8, 0.75, 4),
    ]
    # Brier: (3 × 0.04 + 0.64 + 4 × 0.01) / 8 = 0.1; the stage probabilities': 0.25.
    assert found["brier"] == 0.1
    assert found["baseline"] == 0.25
    chart = page.context["calibration_chart"]
    assert chart["data"][1]["x"] == [0.1, 0.8]
    assert chart["data"][1]["y"] == [0.0, 0.75]
    html = page.content.decode()
    assert 'data-figure="fig-calibration"' in html
    assert "Brier score 0.100, against 0.250 for the CRM's stage probabilities" in html
    assert "Honest chances lie on the dotted line" in html

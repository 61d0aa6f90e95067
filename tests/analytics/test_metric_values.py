"""Exact values, worked out by hand (see fixtures.build_sales), on every engine."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.analytics import compute
from tests.analytics.fixtures import build_sales
from tests.people import Cast

pytestmark = pytest.mark.django_db
MARCH_END = date(2026, 3, 31)


@pytest.fixture
def sales(cast: Cast) -> Cast:
    build_sales(cast)
    return cast


def values(
    engine: str,
    by: str = "company",
    period: str = "2026-03",
    as_of: date = MARCH_END,
    metrics: list[str] | None = None,
) -> dict[tuple[str, str], object]:
    result = compute(metrics, period, as_of, by, engine=engine)
    return {(row.metric, row.key): row.value for row in result.rows}


def test_company_results_for_the_month(sales: Cast, engine: str) -> None:
    v = values(engine)
    assert v["bookings", "company"] == 48000.0
    assert v["won_count", "company"] == 3
    assert v["lost_count", "company"] == 2
    assert v["win_rate", "company"] == 0.6
    assert v["win_rate_value", "company"] == round(48 / 73, 6)
    assert v["average_order_value", "company"] == 16000.0
    assert v["sales_cycle_days_median", "company"] == 37.0
    assert v["sales_cycle_days_mean", "company"] == round((37 + 64 + 30) / 3, 2)


def test_win_rate_excludes_open_deals_and_pools_a_team(sales: Cast, engine: str) -> None:
    v = values(engine, by="team")
    # Ann 2 of 3 and Ben 0 of 1: pooled 2 of 4, not the mean of 0.667 and 0.
    assert v["win_rate", "East"] == 0.5
    assert v["win_rate", "West"] == 1.0
    assert v["win_rate", "Sales"] == 0.6


def test_a_rep_with_nothing_won_has_zero_bookings_and_no_average(sales: Cast, engine: str) -> None:
    v = values(engine, by="rep")
    assert v["bookings", "ben@acme.test"] == 0.0
    assert v["win_rate", "ben@acme.test"] == 0.0
    assert v["average_order_value", "ben@acme.test"] is None
    assert v["sales_cycle_days_median", "ben@acme.test"] is None
    assert v["sales_cycle_days_median", "ann@acme.test"] == 50.5  # mean of the middle two


def test_every_salesperson_appears_even_with_nothing_in_the_period(
    sales: Cast, engine: str
) -> None:
    result = compute(["bookings"], "2025-07", MARCH_END, "rep", engine=engine)
    assert [(r.key, r.value) for r in result.rows] == [
        ("ann@acme.test", 0.0),
        ("ben@acme.test", 0.0),
        ("carla@acme.test", 0.0),
    ]


def test_an_empty_period_gives_zero_sums_and_undefined_ratios(sales: Cast, engine: str) -> None:
    v = values(engine, period="2025-07")
    assert v["bookings", "company"] == 0.0
    assert v["won_count", "company"] == 0
    assert v["win_rate", "company"] is None
    assert v["average_order_value", "company"] is None
    assert v["new_account_sales_pct", "company"] is None
    assert v["forecast_accuracy", "company"] is None


def test_bookings_use_the_amount_converted_to_the_organisations_currency(
    sales: Cast, engine: str
) -> None:
    assert values(engine, period="2026-01")["bookings", "company"] == 12000.0


def test_deals_without_an_account_count_as_new_business(sales: Cast, engine: str) -> None:
    v = values(engine)
    # Initech 30,000 (first win) and Carla's 8,000 without an account are new; Globex had won.
    assert v["new_account_sales_pct", "company"] == round(38 / 48, 6)
    assert v["existing_account_sales_pct", "company"] == round(10 / 48, 6)


def test_pipeline_is_reconstructed_as_it_stood_on_the_as_of_date(sales: Cast, engine: str) -> None:
    early = values(engine, as_of=date(2026, 3, 10))
    # The pushed deal was 40,000 due in March; the quiet deal has no history: current fields.
    assert early["pipeline_value", "company"] == 47000.0
    assert early["pipeline_count", "company"] == 2
    late = values(engine, as_of=date(2026, 3, 25))
    assert late["pipeline_value", "company"] == 7000.0
    april = values(engine, period="2026-04", as_of=date(2026, 3, 25))
    assert april["pipeline_value", "company"] == 50000.0


def test_coverage_is_pipeline_over_what_remains_of_quota(sales: Cast, engine: str) -> None:
    v = values(engine, as_of=date(2026, 3, 10))
    assert v["quota", "company"] == 90000.0
    assert v["bookings", "company"] == 10000.0  # only what had closed by 10 March
    assert v["pipeline_coverage", "company"] == round(47000 / 80000, 6)
    reps = values(engine, by="rep", as_of=date(2026, 3, 10))
    assert reps["pipeline_coverage", "carla@acme.test"] is None  # no quota


def test_coverage_is_undefined_once_quota_is_reached(sales: Cast, engine: str) -> None:
    v = values(engine, by="rep")
    assert v["quota_attainment", "ann@acme.test"] == 0.8
    assert v["pipeline_coverage", "ann@acme.test"] == 0.0  # 10,000 remains, nothing due in March


def test_a_weeks_quota_is_its_share_of_the_month(sales: Cast, engine: str) -> None:
    v = values(engine, period="2026-W11")  # 9 to 15 March: 7 of 31 days
    assert v["quota", "company"] == round(90000 * 7 / 31, 2)


def test_activities_are_counted_by_type(sales: Cast, engine: str) -> None:
    v = values(engine)
    assert v["activity_count", "company"] == 3
    assert v["activities_discovery_call", "company"] == 2
    assert v["activities_demonstration", "company"] == 1
    assert v["activities_other", "company"] == 0
    assert values(engine, period="2026-02")["activities_other", "company"] == 1


def test_forecast_accuracy_uses_the_last_commit_before_the_month(sales: Cast, engine: str) -> None:
    v = values(engine, by="rep")
    # Ann: 35,000 committed on 27 February (the 5 March update comes too late), 40,000 booked.
    assert v["forecast_accuracy", "ann@acme.test"] == 0.875
    assert v["forecast_bias", "ann@acme.test"] == -0.125
    # Ben committed 10,000 on 1 March and booked nothing.
    assert v["forecast_accuracy", "ben@acme.test"] == 0.0
    assert v["forecast_bias", "ben@acme.test"] is None
    assert v["forecast_accuracy", "carla@acme.test"] is None  # never submitted
    team = values(engine, by="team")
    assert team["forecast_accuracy", "East"] == 0.875  # F 45,000 against A 40,000
    assert team["forecast_bias", "East"] == 0.125


def test_forecast_accuracy_is_only_defined_for_months_and_quarters(
    sales: Cast, engine: str
) -> None:
    assert values(engine, period="2026-W11")["forecast_accuracy", "company"] is None


def test_goals_come_with_the_gap(sales: Cast, engine: str) -> None:
    result = compute(["win_rate"], "2026-03", MARCH_END, "company", engine=engine)
    (row,) = result.rows
    assert (row.value, row.goal, row.gap) == (0.6, 0.5, 0.1)
    team = compute(["bookings"], "2026-03", MARCH_END, "team", engine=engine)
    east = next(r for r in team.rows if r.key == "East")
    assert (east.value, east.goal, east.gap) == (40000.0, 60000.0, -20000.0)


def test_trend_gives_the_earlier_periods_oldest_first(sales: Cast, engine: str) -> None:
    result = compute(["bookings"], "2026-03", MARCH_END, "company", trend=3, engine=engine)
    assert [p.id for p in result.trend_periods] == ["2025-12", "2026-01", "2026-02"]
    assert result.rows[0].trend == [0.0, 12000.0, 0.0]


def test_opportunities_created_count_by_created_date_whatever_became_of_them(
    sales: Cast, engine: str
) -> None:
    metrics = ["opportunities_created", "pipeline_created"]
    march = values(engine, by="rep", metrics=metrics)
    february = values(engine, period="2026-02", as_of=date(2026, 2, 28), metrics=metrics)
    early = values(engine, as_of=date(2026, 3, 3), metrics=metrics)

    # March: Carla's walk-in (won, 8,000) and quiet deal (7,000), Ann's pushed deal (50,000).
    assert march["opportunities_created", "ann@acme.test"] == 1
    assert march["pipeline_created", "ann@acme.test"] == 50000.0
    assert march["opportunities_created", "carla@acme.test"] == 2
    assert march["pipeline_created", "carla@acme.test"] == 15000.0
    assert march["opportunities_created", "ben@acme.test"] == 0
    # February: Globex expansion, the deal Ann lost and Ben's no-decision, all decided since.
    assert february["opportunities_created", "company"] == 3
    assert february["pipeline_created", "company"] == 35000.0
    # On 3 March only the two deals of the 1st had been created.
    assert early["opportunities_created", "company"] == 2

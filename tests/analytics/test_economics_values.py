"""Exact values of the 'beyond the basics' metrics (see fixtures.build_economics)."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.crm.models import Activity
from tests.analytics.fixtures import build_economics, build_sales
from tests.analytics.test_metric_values import values
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(cast: Cast) -> Cast:
    build_economics(cast, build_sales(cast))
    return cast


def test_margin_pay_and_expenses_give_profitability(books: Cast, engine: str) -> None:
    v = values(engine)
    assert v["gross_margin", "company"] == 14000.0
    assert v["sales_expense", "company"] == 1000.0
    # (14,000 margin − 9,300 of Ann's pay for March − 1,000 expenses) / 48,000 bookings
    assert v["profitability_to_volume", "company"] == round(3700 / 48000, 6)
    assert v["sales_expense_pct_volume", "company"] == round(1000 / 48000, 6)
    assert v["sales_expense_pct_margin", "company"] == round(1000 / 14000, 6)
    assert v["sales_expense_pct_quota", "company"] == round(1000 / 90000, 6)
    reps = values(engine, by="rep")
    assert reps["profitability_to_volume", "ann@acme.test"] == round(
        (12000 - 9300 - 700) / 40000, 6
    )
    assert reps["profitability_to_volume", "ben@acme.test"] is None  # nothing booked


def test_days_sales_outstanding(books: Cast, engine: str) -> None:
    # 10,000 still open on 31 March against 40,000 invoiced in March's 31 days
    assert values(engine)["days_sales_outstanding", "company"] == 7.75
    assert values(engine, period="2026-02")["days_sales_outstanding", "company"] is None
    assert values(engine, by="rep")["days_sales_outstanding", "carla@acme.test"] is None


def test_consultant_rates_and_backlog(books: Cast, engine: str) -> None:
    v = values(engine, by="team")
    assert v["consultant_utilization", "Services"] == 0.875  # 14 of 16 hours
    assert v["consultant_realization", "Services"] == round(2280 / 2520, 6)
    assert v["consultant_blended_rate", "Services"] == 162.86  # 2,280 / 14 h
    # 200 h of backlog / (14 billable hours / 22 working days in March 2026)
    assert v["consultant_backlog_days", "Services"] == round(200 / (14 / 22), 2)
    assert v["consultant_utilization", "East"] is None


def test_cost_per_lead_is_company_wide(books: Cast, engine: str) -> None:
    assert values(engine)["cost_per_lead", "company"] == 150.0
    assert values(engine, by="team")["cost_per_lead", "East"] is None


def test_revenue_per_customer_over_the_last_year(books: Cast, engine: str) -> None:
    # Globex 12,000 + 10,000 and Initech 30,000 over two customers; no-account deals left out.
    assert values(engine)["revenue_per_customer", "company"] == 26000.0


def test_activities_against_the_standard(books: Cast, engine: str) -> None:
    reps = values(engine, by="rep")
    month_share = 31 * 12 / 365
    assert reps["activities_vs_standard_discovery_call", "ann@acme.test"] == round(
        2 / (8 * month_share), 6
    )
    assert reps["activities_vs_standard_demonstration", "ben@acme.test"] == 0.0
    assert reps["activities_vs_standard_new_prospect_call", "ann@acme.test"] is None  # no standard
    company = values(engine)
    assert company["activities_vs_standard_discovery_call", "company"] == round(
        2 / (8 * month_share * 3), 6
    )


def test_coverage_of_the_next_thirty_days(books: Cast, engine: str) -> None:
    v = values(engine, as_of=date(2026, 3, 10))
    # 47,000 due between 11 March and 9 April; quota: 21 of March's 31 days of 90,000.
    assert v["pipeline_coverage_30d", "company"] == round(47000 / (90000 * 21 / 31), 6)
    assert v["pipeline_coverage_90d", "company"] == v["pipeline_coverage_30d", "company"]
    # On 25 March the pushed deal is 50,000 due 15 April; only 6 days of March quota remain.
    later = values(engine, as_of=date(2026, 3, 25))
    assert later["pipeline_coverage_30d", "company"] == round(57000 / (90000 * 6 / 31), 6)


def test_lost_deals_have_their_own_cycle(books: Cast, engine: str) -> None:
    v = values(engine)
    # Ann's lost deal took 43 days (10 February to 25 March), Ben's 42 (1 February to 15 March).
    assert v["sales_cycle_days_lost_median", "company"] == 42.5
    assert v["sales_cycle_days_lost_mean", "company"] == 42.5
    assert values(engine, period="2026-02")["sales_cycle_days_lost_median", "company"] is None


def test_leading_indicators_are_rates_per_salesperson(books: Cast, engine: str) -> None:
    # The consultant logs the discovery call he joined: counted among activities, not in the
    # salespeople's rate.
    Activity.objects.create(owner=books.consultant, type="discovery_call", date=date(2026, 3, 3))
    month_share = 31 * 12 / 365
    reps = values(engine, by="rep")
    assert reps["discovery_calls_per_rep_per_month", "ann@acme.test"] == round(2 / month_share, 2)
    assert reps["demonstrations_per_rep_per_month", "ben@acme.test"] == 0.0
    company = values(engine)
    assert company["activities_discovery_call", "company"] == 3
    assert company["discovery_calls_per_rep_per_month", "company"] == round(
        2 / (3 * month_share), 2
    )
    assert company["new_prospect_calls_per_rep_per_week", "company"] == 0.0

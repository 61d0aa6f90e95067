"""The dashboard on the 1st and the 20th of a month: goals to date, colours read in each
metric's direction, forecasts scored on the last complete month, and bad addresses refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from revsight.analytics import compute
from revsight.org import configuration
from revsight.org.models import User

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.views]


def president() -> User:
    return User.objects.get(email="president@example.com")


def company(query: str) -> Any:
    client = Client()
    client.force_login(president())
    return client.get(f"/dashboard/company/{query}")


def tile(page: Any, metric: str) -> Any:
    return next(t for t in page.context["data"].tiles if t.id == metric)


@pytest.mark.parametrize(
    ("as_of", "basis", "to_date"),
    [
        ("2026-06-01", "selling", 10_000.0),  # 1 of June's 22 selling days
        ("2026-06-20", "selling", 150_000.0),  # 15 of 22
        ("2026-06-01", "calendar", 7_333.33),  # 1 of 30 days
        ("2026-06-20", "calendar", 146_666.67),  # 20 of 30
    ],
)
def test_the_bookings_goal_to_date(as_of: str, basis: str, to_date: float) -> None:
    configuration.set_goal(president(), "bookings", "company", "2026-06", "220000")
    configuration.set_pacing(president(), basis)
    page = company(f"?as_of={as_of}")
    bookings = tile(page, "bookings")
    assert bookings.goal == 220_000.0
    assert bookings.pace.goal_to_date == to_date
    assert bookings.good is (bookings.value >= to_date)
    shown = f"to date {to_date:,.0f}"
    assert shown in page.content.decode()


def test_accuracy_and_bias_are_for_the_last_complete_month() -> None:
    first = company("?as_of=2026-06-01")
    accuracy = tile(first, "forecast_accuracy")
    assert accuracy.period == "2026-05"
    may = compute(["forecast_accuracy", "forecast_bias"], "2026-05", date(2026, 6, 1), by="rep")
    assert accuracy.value == compute(["forecast_accuracy"], "2026-05", date(2026, 6, 1)).value(
        "forecast_accuracy"
    )
    for row in first.context["data"].reps:
        assert row["forecast_bias"] == may.value("forecast_bias", row.email)
    assert "Forecast accuracy · 2026-05" in first.content.decode()
    # On the month's last day the month is complete, and scored.
    assert tile(company("?as_of=2026-06-30"), "forecast_accuracy").period == "2026-06"
    months = compute(["forecast_accuracy"], "2026-05", date(2026, 6, 1), trend=5)
    known = [v for v in [*months.rows[0].trend, months.rows[0].value] if v is not None]
    assert accuracy.average == round(sum(known) / len(known), 4)


def test_colours_follow_each_metrics_better_direction() -> None:
    page = company("?as_of=2026-06-30")
    cycle = tile(page, "sales_cycle_days_median").value
    dso = next(f for f in page.context["data"].beyond if f.id == "days_sales_outstanding").value
    configuration.set_goal(president(), "sales_cycle_days_median", "company", "2026-06", cycle + 2)
    configuration.set_goal(president(), "days_sales_outstanding", "company", "2026-06", dso - 10)
    page = company("?as_of=2026-06-30")
    shorter = tile(page, "sales_cycle_days_median")
    assert (shorter.gap, shorter.good) == (-2.0, True)  # shorter than the goal: green
    slower = next(f for f in page.context["data"].beyond if f.id == "days_sales_outstanding")
    assert slower.good is False  # paid later than the goal: red
    html = page.content.decode()
    assert '<td class="num bad">+10.0 d</td>' in html
    assert '<span class="good">−2.0 d</span>' in html


def test_a_gap_between_rates_is_in_percentage_points() -> None:
    configuration.set_goal(president(), "win_rate", "company", "2026-06", "0.25")
    page = company("?as_of=2026-06-30")
    win_rate = tile(page, "win_rate")
    points = f"{win_rate.gap * 100:+.1f} pp".replace("-", "−")
    assert points in page.content.decode()


def test_periods_and_days_are_named_in_the_address() -> None:
    page = company("?period=2026-03")
    assert page.status_code == 200
    assert page.context["data"].period.id == "2026-03"
    assert page.context["as_of"] == date(2026, 3, 31)
    week = company("?period=2026-W10&as_of=2026-03-04")
    assert (week.context["data"].period.id, week.context["as_of"]) == ("2026-W10", date(2026, 3, 4))
    assert company("?period=2026-Q2&as_of=2026-06-30").context["data"].period.id == "2026-Q2"
    last_year = company("?as_of=2026-06-30&compare=last_year").context["data"]
    assert last_year.comparison.period.id == "2025-06"
    nav = company("?as_of=2026-06-20").context["nav"]
    assert nav.previous.url == "?period=month&as_of=2026-05-31"


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?period=2026-03&as_of=2026-02-01", "as_of ('2026-02-01') is before 2026-03 begins"),
        ("?period=2026-13", "period ('2026-13') has no such month"),
        ("?compare=yesterday", "compare ('yesterday') must be one of: previous, last_year"),
        ("?as_of=2026-02-30", "as_of ('2026-02-30') must be a date"),
    ],
)
def test_a_bad_address_is_a_400_naming_the_field(query: str, named: str) -> None:
    page = company(query)
    assert page.status_code == 400
    assert named in page.content.decode().replace("&#x27;", "'")

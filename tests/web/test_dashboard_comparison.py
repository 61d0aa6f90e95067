"""Comparing a dashboard with the previous period or the same period last year, on the tiles
(the value then and the change, coloured in the metric's direction) and on the trend charts;
and the activity heat map paced like the tiles. The demo organisation, as of 20 June 2026."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from revsight.analytics import compute
from revsight.crm.models import Activity
from revsight.org import configuration
from revsight.org.models import User
from tests.web.clients import logged_in

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.views]


def president() -> User:
    return User.objects.get(email="president@example.com")


def company(query: str) -> Any:
    return logged_in(president()).get(f"/dashboard/company/{query}")


def tile(response: Any, metric: str) -> Any:
    return next(t for t in response.context["data"].tiles if t.id == metric)


def test_a_tile_shows_the_previous_period_to_the_same_day_and_the_change() -> None:
    response = company("?as_of=2026-06-20")
    bookings = tile(response, "bookings")
    may = compute(["bookings"], "2026-05", date(2026, 5, 20)).value("bookings")
    assert bookings.compared_with == "2026-05 (to 20 May)"
    assert bookings.compared == may
    assert bookings.change == round(bookings.value - may, 6)
    assert bookings.improved is (bookings.value > may)


def test_a_tile_shows_the_same_period_last_year() -> None:
    response = company("?as_of=2026-06-20&compare=last_year")
    win_rate = tile(response, "win_rate")
    then = compute(["win_rate"], "2025-06", date(2025, 6, 20)).value("win_rate")
    assert (win_rate.compared_with, win_rate.compared) == ("2025-06 (to 20 Jun)", then)
    assert win_rate.change == round(win_rate.value - then, 6)


@pytest.mark.parametrize("query", ["?as_of=2026-06-30", "?as_of=2026-06-30&compare=last_year"])
def test_the_change_is_coloured_in_the_metrics_direction(query: str) -> None:
    response = company(query)
    html = response.content.decode()
    for figure in response.context["data"].tiles:
        if figure.change:
            better = figure.change > 0 if figure.better == "higher" else figure.change < 0
            assert figure.improved is better, figure.id
    cycle = tile(response, "sales_cycle_days_median")
    assert cycle.better == "lower"
    assert cycle.change
    colour = "good" if cycle.change < 0 else "bad"  # a shorter cycle than then is good
    assert cycle.improved is (colour == "good")
    assert f'<span class="change {colour}">{"−" if cycle.change < 0 else "+"}' in html


def test_the_leading_indicators_draw_last_years_bookings_beside_this_years() -> None:
    plain = company("?as_of=2026-06-30").context["figures"]["indicators"]["data"]
    assert next(trace["name"] for trace in plain) == "Bookings"
    compared = company("?as_of=2026-06-30&compare=last_year").context["figures"]["indicators"]
    before = compared["data"][0]
    assert before["name"] == "Bookings a year earlier"
    year = compute(["bookings"], "2025-06", date(2025, 6, 30), trend=11)
    row = year.rows[0]
    assert before["y"] == [*row.trend, row.value]
    assert compared["data"][1]["x"][0] == "2025-07"


@pytest.mark.parametrize(
    ("basis", "owed"), [("selling", 20 * 30 / 7 * 15 / 22), ("calendar", 20 * 20 / 7)]
)
def test_the_activity_heat_map_paces_the_standard_like_the_tiles(basis: str, owed: float) -> None:
    configuration.set_pacing(president(), basis)
    response = company("?as_of=2026-06-20")
    rep = User.objects.get(email="rep@example.com")
    row = next(r for r in response.context["data"].reps if r.email == rep.email)
    calls = Activity.objects.filter(
        owner=rep, type="new_prospect_call", date__range=(date(2026, 6, 1), date(2026, 6, 20))
    ).count()
    assert row["activities_vs_standard_new_prospect_call"] == round(calls / owed, 6)
    heat = response.context["figures"]["activity"]["data"][0]
    shown = heat["z"][[r.email for r in response.context["data"].reps].index(rep.email)][0]
    assert shown == round(calls / owed, 6)


def test_beyond_the_basics_is_compared_too() -> None:
    response = company("?as_of=2026-06-20")
    dso = next(f for f in response.context["data"].beyond if f.id == "days_sales_outstanding")
    may = compute(["days_sales_outstanding"], "2026-05", date(2026, 5, 20))
    assert dso.compared == may.value("days_sales_outstanding") == 37.68
    assert (dso.value, dso.change) == (31.52, round(31.52 - 37.68, 6))
    assert dso.improved is True  # paid sooner than then: lower is better
    html = response.content.decode()
    assert '<th class="num">vs 2026-05 (to 20 May)</th>' in html
    assert '<td class="num good">−6.2 d</td>' in html


@pytest.mark.parametrize(
    ("query", "then", "day"),
    [
        ("?as_of=2026-06-20", "2026-05", date(2026, 5, 20)),
        ("?as_of=2026-06-20&compare=last_year", "2025-06", date(2025, 6, 20)),
    ],
)
def test_the_win_loss_chart_marks_each_salespersons_deals_decided_then(
    query: str, then: str, day: date
) -> None:
    response = logged_in(User.objects.get(email="manager@example.com")).get(f"/{query}")
    response = logged_in(User.objects.get(email="manager@example.com")).get(response["Location"])
    reps = response.context["data"].reps
    decided = compute(["won_count", "lost_count"], then, day, by="rep")
    there = {row.key for row in decided.rows}
    expected = {
        r.name: [decided.value("won_count", r.email), decided.value("lost_count", r.email)]
        for r in reps
        if r.email in there
    }
    assert expected
    assert any(sum(pair) for pair in expected.values())
    marks = response.context["figures"]["win_loss"]["data"][2]
    label = response.context["data"].comparison.label
    assert marks["name"] == f"Decided, {label}"
    assert dict(zip(marks["y"], marks["customdata"], strict=True)) == expected
    assert marks["x"] == [sum(pair) for pair in expected.values()]

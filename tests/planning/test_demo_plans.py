"""The demo organisation's capacity scenarios: one made three months before the demo's date,
whose page sets each month's plan beside the bookings the metrics count, and one made on it;
and measured attainment from the demo's own history."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from click.testing import CliRunner

from revsight.analytics.computation import compute
from revsight.cli import cli
from revsight.org.models import User
from revsight.planning import services
from revsight.planning.actuals import against_actuals
from tests.web.clients import logged_in

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.slow]
DEMO_DAY = date(2026, 6, 30)


def test_the_demo_comes_with_a_scenario_from_three_months_before_and_one_from_today() -> None:
    assert [(s.name, s.as_of) for s in services.visible_scenarios(None)] == [
        ("Next five quarters (Jun 2026)", DEMO_DAY),
        ("Plan of March 2026", date(2026, 3, 31)),
    ]
    today = services.plan_of(services.scenario_named(None, "Next five quarters (Jun 2026)"))
    assert [q.objective.quarter.id for q in today.plan.quarters] == [
        "2026-Q3", "2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3",
    ]  # fmt: skip
    assert today.plan.hire_count > 0  # the objectives grow while attrition shrinks the team


def test_plan_against_actual_shows_the_bookings_the_metrics_count() -> None:
    earlier = services.plan_of(services.scenario_named(None, "Plan of March 2026"))

    rows = against_actuals(earlier, DEMO_DAY)

    assert [r.month.id for r in rows] == ["2026-04", "2026-05", "2026-06"]
    for row in rows:
        booked = compute(["bookings"], row.month.id, DEMO_DAY).value("bookings")
        assert row.bookings == pytest.approx(booked)
        assert row.complete
    planned = {f"2026-{m:02d}": m for m in range(4, 7)}
    months = [m for m in services.as_json(earlier)["months"] if m["month"] in planned]
    assert [round(r.planned_capacity, 2) for r in rows] == [m["planned_capacity"] for m in months]


def test_the_scenario_page_shows_plan_against_actual() -> None:
    president = User.objects.get(email="president@example.com")
    found = services.scenario_named(None, "Plan of March 2026")
    with time_machine.travel("2026-06-30 18:00Z", tick=False):
        response = logged_in(president).get(f"/planning/capacity/{found.pk}/")

    assert response.status_code == 200
    assert [r.month.id for r in response.context["actuals"]] == ["2026-04", "2026-05", "2026-06"]
    assert "Plan against actual" in response.content.decode()


def test_measured_attainment_is_each_reps_own_over_their_ramped_months() -> None:
    args = [
        "plan", "capacity", "--objectives", "2026-Q3=3000000", "--quota", "60000",
        "--attainment", "measured", "--attrition", "20%", "--lead-time", "2",
        "--as-of", "2026-06-30", "--format", "json",
    ]  # fmt: skip
    result = CliRunner().invoke(cli, args)

    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    people = document["parameters"]["salespeople"]
    assert len({p["attainment"] for p in people}) > 1  # each their own
    attained = compute(["quota_attainment"], "2026-06", DEMO_DAY, by="rep", trend=11)
    veteran = next(p for p in people if p["hire_date"] and p["hire_date"] < "2024-06-01")
    row = next(r for r in attained.rows if r.key == veteran["email"])
    values = [v for v in [*(row.trend or []), row.value] if v is not None]
    assert veteran["attainment"] == pytest.approx(sum(values) / len(values), abs=1e-6)

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


def test_the_demo_has_a_training_plan_and_business_plans_with_a_gap_in_them() -> None:
    from revsight.planning import business_services, training_services
    from revsight.planning.models import BusinessPlan, TrainingPlan

    (training,) = TrainingPlan.objects.all()
    sessions = training_services.sessions(training)
    assert (training.quarter, training.team.name, len(sessions)) == ("2026-Q2", "Enterprise", 7)
    assert {s.presenter_name for s in sessions if s.presenter is None} == {
        "Priya Raman, product marketing"
    }
    begun = [s for s in sessions if s.attendance.exclude(attended=None).exists()]
    assert begun
    assert all(s.starts_at.date() <= DEMO_DAY for s in begun)

    half = business_services.half_named("2026-H1")
    board = business_services.board(None, half, DEMO_DAY, training.team)
    planned = [row for row in board if row.plan is not None]
    assert BusinessPlan.objects.filter(half="2026-H1").count() == len(planned) == len(board) - 2
    assert all(row.plan.strategies for row in planned)
    assert {row.status for row in planned} <= {"on track", "behind"}


def test_a_salespersons_dashboard_shows_their_business_plan() -> None:
    from revsight.planning.models import BusinessPlan

    found = BusinessPlan.objects.select_related("salesperson").first()
    assert found is not None
    person = found.salesperson
    page = logged_in(person).get(f"/dashboard/rep/{person.pk}/?as_of={DEMO_DAY}")

    body = page.content.decode()
    assert page.status_code == 200
    assert "Business plan 2026-H1" in body
    assert f"/planning/business/{person.pk}/?half=2026-H1" in body

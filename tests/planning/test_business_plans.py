"""Salespeople's business plans: the quota of the half turned by their own ratios into the
wins, opportunities, activities and pipeline each month needs, their team's or the company's
ratios where their history says nothing, tracked month by month (on track or behind), who
writes what, refused input that names the field and stores nothing, the pages and the command
line. The figures are worked out by hand from the deals below."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone

from revsight.cli import cli
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.core.models import AuditEntry, Organisation
from revsight.crm.models import Activity, Opportunity, Stage, StageChange
from revsight.org.models import Quota, User
from revsight.planning import business_services as plans
from revsight.planning.models import BusinessPlan
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db

H2 = "2026-H2"
END_OF_JULY, MID_AUGUST = date(2026, 7, 31), date(2026, 8, 15)


def _deal(owner: User, amount: int, created: str, closed: str, status: str) -> Opportunity:
    stage = Stage.objects.get(outcome=status)
    deal = Opportunity.objects.create(
        owner=owner,
        name=f"{owner.email} {created} {amount}",
        stage=stage,
        status=status,
        amount=Decimal(amount),
        created_date=date.fromisoformat(created),
        close_date=date.fromisoformat(closed),
    )
    created_at = timezone.make_aware(datetime.fromisoformat(f"{created} 09:00"))
    StageChange.objects.create(
        opportunity=deal,
        to_stage=Stage.objects.get(outcome="open"),
        amount=deal.amount,
        close_date=deal.close_date,
        changed_at=created_at,
    )
    if status != "open":
        StageChange.objects.create(
            opportunity=deal,
            to_stage=stage,
            amount=deal.amount,
            close_date=deal.close_date,
            changed_at=timezone.make_aware(datetime.fromisoformat(f"{closed} 12:00")),
        )
    return deal


@pytest.fixture(autouse=True)
def history(cast: Cast) -> Cast:
    """Ann, in the twelve months before the half: four deals created, two won (20,000 in 30
    days, 40,000 in 49), two lost; twenty activities. In July: 70,000 won, three 100,000
    deals opened for October, ten activities. Ben and Carla have no history."""
    organisation = Organisation.current()
    organisation.pacing = "calendar"
    organisation.save()
    Stage.objects.create(name="Discovery", order=1, outcome="open", probability=Decimal("0.2"))
    Stage.objects.create(name="Closed Won", order=9, outcome="won", probability=Decimal(1))
    Stage.objects.create(name="Closed Lost", order=10, outcome="lost", probability=Decimal(0))
    ann = cast.east_rep
    _deal(ann, 20_000, "2026-01-01", "2026-01-31", "won")
    _deal(ann, 40_000, "2026-02-01", "2026-03-22", "won")
    _deal(ann, 10_000, "2026-02-15", "2026-04-01", "lost")
    _deal(ann, 10_000, "2026-03-01", "2026-05-01", "lost")
    for n in range(20):
        Activity.objects.create(owner=ann, type="discovery_call", date=date(2026, 3, 1 + n))
    _deal(ann, 70_000, "2026-07-01", "2026-07-15", "won")
    for _ in range(3):
        _deal(ann, 100_000, "2026-07-05", "2026-10-15", "open")
    for n in range(10):
        Activity.objects.create(owner=ann, type="demonstration", date=date(2026, 7, 1 + n))
    for month in range(7, 13):
        Quota.objects.create(user=ann, month=date(2026, month, 1), amount=Decimal(60_000))
    return cast


def half() -> Any:
    return plans.half_named(H2)


def document(person: User, as_of: date) -> dict[str, Any]:
    return plans.as_json(plans.view(person, half(), as_of, plans.plan_of(None, person, half())))


def test_the_ratios_are_the_salespersons_own_over_the_twelve_months_before_the_half(
    cast: Cast,
) -> None:
    ratios = document(cast.east_rep, END_OF_JULY)["ratios"]

    assert ratios == {
        "win_rate": {"value": 0.5, "source": "own"},
        "average_deal": {"value": 30000.0, "source": "own"},
        "activities_per_opportunity": {"value": 5.0, "source": "own"},
        "cycle_days": {"value": 39.5, "source": "own"},
        "since": "2025-07-01",
        "until": "2026-06-30",
    }


def test_without_history_the_teams_ratios_then_the_companys_are_used_and_say_so(
    cast: Cast,
) -> None:
    ben = plans.measure_ratios(cast.east_rep2, half(), END_OF_JULY)
    carla = plans.measure_ratios(cast.west_rep, half(), END_OF_JULY)

    assert (ben.win_rate.value, ben.win_rate.source) == (0.5, "team")
    assert (carla.average_deal.value, carla.average_deal.source) == (30000.0, "company")


def test_each_month_needs_wins_opportunities_activities_and_three_times_the_quota_left(
    cast: Cast,
) -> None:
    found = document(cast.east_rep, END_OF_JULY)

    assert found["quota"] == 360000.0
    assert found["pipeline_target"] == 1080000.0
    assert found["months"][0] == {
        "month": "2026-07",
        "quota": 60000.0,
        "wins": 2.0,
        "opportunities": 4.0,
        "activities": 20.0,
        "pipeline": 1080000.0,
    }
    assert [m["pipeline"] for m in found["months"]] == [
        1080000.0,
        900000.0,
        720000.0,
        540000.0,
        360000.0,
        180000.0,
    ]
    # The last day a deal created can close in the half at a 39.5-day cycle (40 days).
    assert found["last_day_to_create"] == "2026-11-21"


def test_tracking_judges_each_begun_month_on_bookings_or_on_what_leads_to_them(
    cast: Cast,
) -> None:
    tracked = document(cast.east_rep, MID_AUGUST)["tracked"]

    assert tracked[0] == {
        "month": "2026-07",
        "share": 1.0,
        "bookings_to_date": 70000.0,
        "quota_to_date": 60000.0,
        "opportunities_to_date": 4,
        "opportunities_needed": 4.0,
        "activities": 10,
        "activities_needed": 20.0,
        "pipeline": 300000.0,
        "pipeline_needed": 870000.0,
        "status": "on track",
    }
    # Half of August by calendar days: 15 of 31. Nothing booked or created since July.
    assert tracked[1]["share"] == round(15 / 31, 4)
    assert tracked[1]["quota_to_date"] == round(60000 + 60000 * 15 / 31, 2)
    assert tracked[1]["opportunities_needed"] == round(4 + 4 * 15 / 31, 2)
    assert tracked[1]["status"] == "behind"
    assert document(cast.east_rep, MID_AUGUST)["status"] == "behind"


def test_enough_opportunities_and_a_pipeline_three_times_the_quota_left_is_on_track(
    cast: Cast,
) -> None:
    for _ in range(6):
        _deal(cast.east_rep, 150_000, "2026-08-03", "2026-11-30", "open")

    august = document(cast.east_rep, MID_AUGUST)["tracked"][1]

    # 70,000 booked of 89,032 due, but 10 opportunities of 5.94 and 1,200,000 of 870,000.
    assert august["bookings_to_date"] < august["quota_to_date"]
    assert (august["opportunities_to_date"], august["pipeline"]) == (10, 1200000.0)
    assert august["status"] == "on track"


def test_a_half_not_begun_is_not_started_and_one_without_quota_says_so(cast: Cast) -> None:
    assert document(cast.east_rep, date(2026, 6, 30))["status"] == "not started"
    assert document(cast.east_rep2, END_OF_JULY)["status"] == "no quota"


# -- who writes what -------------------------------------------------------------------------


def test_the_salesperson_writes_the_strategies_and_the_plan_keeps_its_ratios(cast: Cast) -> None:
    plans.save(cast.east_rep, cast.east_rep, half(), {"strategies": "Expand Globex."})
    _deal(cast.east_rep, 5_000, "2026-06-01", "2026-06-20", "lost")  # history changes later

    found = BusinessPlan.objects.get()
    assert found.strategies == "Expand Globex."
    assert found.ratios["win_rate"] == {"value": 0.5, "source": "own"}
    entry = AuditEntry.objects.get(action="planning.business_plan_saved")
    assert entry.details == {
        "half": H2,
        "salesperson": "ann@acme.test",
        "changed": ["ratios", "strategies"],
    }
    plans.save(cast.east_manager, cast.east_rep, half(), {"refresh": True})
    assert BusinessPlan.objects.get().ratios["win_rate"]["value"] == 0.4


def test_managers_write_notes_and_not_strategies_and_other_people_nothing(cast: Cast) -> None:
    plans.save(cast.east_manager, cast.east_rep, half(), {"manager_notes": "Joint call."})
    with pytest.raises(NotAllowed):
        plans.save(cast.east_manager, cast.east_rep, half(), {"strategies": "Mine now."})
    with pytest.raises(NotAllowed):
        plans.save(cast.east_rep, cast.east_rep, half(), {"manager_notes": "All good."})
    with pytest.raises(NotAllowed):
        plans.save(cast.east_rep2, cast.east_rep, half(), {"strategies": "Hers."})
    with pytest.raises(NotAllowed):
        plans.save(cast.west_manager, cast.east_rep, half(), {"manager_notes": "Not mine."})

    found = BusinessPlan.objects.get()
    assert (found.manager_notes, found.strategies) == ("Joint call.", "")


def test_a_half_without_monthly_quotas_takes_the_managers_typed_quota(cast: Cast) -> None:
    with pytest.raises(InvalidInput) as e:
        plans.save(cast.east_rep2, cast.east_rep2, half(), {"strategies": "Prospect."})
    assert e.value.field == "quota"
    assert "is not set for 2026-H2" in str(e.value)
    assert not BusinessPlan.objects.exists()

    plans.save(cast.east_manager, cast.east_rep2, half(), {"quota": "300,000"})

    months = document(cast.east_rep2, END_OF_JULY)["months"]
    assert [m["quota"] for m in months] == [50000.0] * 6


@pytest.mark.parametrize(
    ("who", "text", "field", "message"),
    [
        ("east_manager", {"quota": "100000"}, "quota", "is set month by month for this half"),
        ("east_manager", {"quota": "-5"}, "quota", ""),
        ("east_rep", {"strategies": "x" * 8001}, "strategies", "is longer than 8000 characters"),
    ],
)
def test_refused_input_names_the_field_and_stores_nothing(
    cast: Cast, who: str, text: dict[str, Any], field: str, message: str
) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as e:
        plans.save(getattr(cast, who), cast.east_rep, half(), text)

    assert e.value.field == field
    assert message in str(e.value)
    assert not BusinessPlan.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_half_is_named_like_every_period(cast: Cast) -> None:
    with pytest.raises(InvalidInput) as e:
        plans.half_named("2026-Q3")

    assert str(e.value) == "half ('2026-Q3') must be a fiscal half-year such as 2027-H1"
    assert plans.half_named("", date(2026, 8, 1)).id == H2


# -- the board, the pages, the command line --------------------------------------------------


def test_the_board_shows_a_manager_their_salespeople_planned_or_not(cast: Cast) -> None:
    plans.save(cast.east_rep, cast.east_rep, half(), {"strategies": "Expand Globex."})

    rows = plans.board(cast.east_manager, half(), MID_AUGUST)

    assert [(r.salesperson.email, r.plan is not None, r.status) for r in rows] == [
        ("ann@acme.test", True, "behind"),
        ("ben@acme.test", False, "no quota"),
    ]


def test_the_plan_page_and_the_salespersons_own_form(cast: Cast) -> None:
    client = logged_in(cast.east_rep)
    url = f"/planning/business/{cast.east_rep.pk}/?half={H2}"

    page = client.get(url)
    saved = client.post(url, {"strategies": "Expand Globex.", "manager_notes": "Sneaky."})
    refused = client.post(url, {"strategies": "y" * 8001})

    assert page.status_code == 200
    body = page.content.decode()
    assert "What each month needs" in body
    assert "Make the plan" in body
    assert "The manager's part" not in body
    assert saved.status_code == 302
    found = BusinessPlan.objects.get()
    assert (found.strategies, found.manager_notes) == ("Expand Globex.", "")
    assert refused.status_code == 200
    assert "is longer than 8000 characters" in refused.content.decode()
    assert BusinessPlan.objects.get().strategies == "Expand Globex."


def test_a_salesperson_opens_only_their_own_plan(cast: Cast) -> None:
    client = logged_in(cast.east_rep)

    board = client.get("/planning/business/")
    other = client.get(f"/planning/business/{cast.east_rep2.pk}/")

    assert board.status_code == 302
    assert board["Location"].startswith(f"/planning/business/{cast.east_rep.pk}/")
    assert other.status_code == 404


def test_the_managers_board_page_lists_the_team(cast: Cast) -> None:
    page = logged_in(cast.east_manager).get(f"/planning/business/?half={H2}")

    body = page.content.decode()
    assert page.status_code == 200
    assert "Ann" in body
    assert "Ben" in body
    assert "Carla" not in body


def test_the_command_line_shows_the_plan_as_json_and_makes_one(cast: Cast) -> None:
    runner = CliRunner()

    made = runner.invoke(
        cli, ["business-plan", "make", "ann@acme.test", "--half", H2, "--strategies", "Go."]
    )
    shown = runner.invoke(
        cli,
        [
            "business-plan",
            "show",
            "ann@acme.test",
            "--half",
            H2,
            "--as-of",
            "2026-07-31",
            "--format",
            "json",
        ],
    )

    assert made.exit_code == 0, made.output
    assert shown.exit_code == 0, shown.output
    found = json.loads(shown.output)
    assert (found["planned"], found["status"], found["strategies"]) == (True, "on track", "Go.")
    assert found["tracked"][0]["bookings_to_date"] == 70000.0

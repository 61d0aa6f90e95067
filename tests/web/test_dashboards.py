"""Dashboards on the demo organisation: who lands where, who may open what, and that every
record list adds up to the number it stands behind."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from revsight.analytics import compute
from revsight.analytics.dashboard import dashboard
from revsight.analytics.dashboard_scope import team_scope
from revsight.analytics.scopes import salespeople_in
from revsight.core import periods
from revsight.core.versions import mark_changed
from revsight.crm.models import Opportunity, Stage
from revsight.org.models import Role, Team, User
from tests.conftest import DEMO_AS_OF

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.views]

AS_OF = DEMO_AS_OF.isoformat()


def logged_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def manager() -> User:
    return User.objects.get(email="manager@example.com")


def managers_team() -> Team:
    return Team.objects.filter(manager=manager(), parent__isnull=True).first() or Team.objects.get(
        manager=manager()
    )


def rows_of(client: Client, url: str) -> list[dict[str, str]]:
    response = client.get(url + "&format=csv")
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize(
    ("email", "landing"),
    [
        ("president@example.com", "/dashboard/company/"),
        ("admin@example.com", "/dashboard/company/"),
    ],
)
def test_executives_land_on_the_company(email: str, landing: str) -> None:
    assert logged_in(email).get("/")["Location"] == landing


def test_a_manager_lands_on_their_team_and_a_salesperson_on_their_own_dashboard() -> None:
    assert logged_in("manager@example.com").get("/")["Location"] == (
        f"/dashboard/team/{managers_team().pk}/"
    )
    rep = User.objects.get(email="rep@example.com")
    assert logged_in("rep@example.com").get("/")["Location"] == f"/dashboard/rep/{rep.pk}/"


def test_a_salesperson_opens_only_their_own_dashboard_and_records() -> None:
    rep = User.objects.get(email="rep@example.com")
    other = User.objects.filter(role=Role.SALESPERSON).exclude(pk=rep.pk).first()
    assert other is not None
    client = logged_in(rep.email)
    assert client.get(f"/dashboard/rep/{rep.pk}/?as_of={AS_OF}").status_code == 200
    assert client.get(f"/dashboard/rep/{other.pk}/").status_code == 404
    assert client.get(f"/dashboard/team/{rep.team_id}/").status_code == 404
    assert client.get("/dashboard/company/").status_code == 404
    assert client.get(f"/records/won/?scope=rep/{other.pk}").status_code == 404
    assert client.get(f"/records/won/?scope=team/{rep.team_id}").status_code == 404
    own = f"/records/won/?scope=rep/{rep.pk}&owner={other.email}"
    assert client.get(own).status_code == 404


def test_a_manager_opens_their_teams_and_people_but_no_others() -> None:
    client = logged_in("manager@example.com")
    team = managers_team()
    outside = Team.objects.exclude(manager=manager()).exclude(parent=team).first()
    assert outside is not None
    stranger = User.objects.filter(role=Role.SALESPERSON).exclude(team=team).first()
    assert stranger is not None
    assert client.get(f"/dashboard/team/{team.pk}/?as_of={AS_OF}").status_code == 200
    assert client.get(f"/dashboard/team/{outside.pk}/").status_code == 404
    assert client.get(f"/dashboard/rep/{stranger.pk}/").status_code == 404
    assert client.get("/dashboard/company/").status_code == 404
    member = User.objects.filter(role=Role.SALESPERSON, team=team).first()
    assert member is not None
    assert client.get(f"/dashboard/rep/{member.pk}/?as_of={AS_OF}").status_code == 200


def test_the_won_deals_behind_bookings_add_up_to_bookings() -> None:
    team = managers_team()
    result = compute(["bookings", "won_count"], "2026-06", DEMO_AS_OF, "team")
    rows = rows_of(
        logged_in("manager@example.com"),
        f"/records/won/?scope=team/{team.pk}&period=month&as_of={AS_OF}",
    )
    assert len(rows) == result.value("won_count", team.name)
    total = sum(Decimal(row["amount"] or 0) for row in rows)
    assert float(total) == pytest.approx(result.value("bookings", team.name))
    assert {row["status"] for row in rows} == {"Won"}


def test_the_pipeline_behind_a_stage_bar_adds_up_to_it() -> None:
    result = compute(["pipeline_value", "pipeline_count"], "2026-Q3", DEMO_AS_OF, split="stage")
    client = logged_in("president@example.com")
    for stage in Stage.objects.filter(outcome="open"):
        rows = rows_of(
            client,
            f"/records/pipeline/?scope=company&period=2026-Q3&as_of={AS_OF}&stage={stage.name}",
        )
        assert len(rows) == result.value("pipeline_count", "company", stage.name)
        total = float(sum(Decimal(row["amount"] or 0) for row in rows))
        assert total == pytest.approx(result.value("pipeline_value", "company", stage.name) or 0)


def test_the_activities_behind_a_heat_map_cell_are_that_persons_of_that_type() -> None:
    rep = User.objects.get(email="rep@example.com")
    result = compute(["activities_discovery_call"], "2026-06", DEMO_AS_OF, "rep")
    rows = rows_of(
        logged_in("manager@example.com"),
        f"/records/activities/?scope=team/{managers_team().pk}&period=month&as_of={AS_OF}"
        f"&owner={rep.email}&type=discovery_call",
    )
    assert len(rows) == result.value("activities_discovery_call", rep.email)
    assert {row["owner_email"] for row in rows} == {rep.email}


def test_the_managers_dashboard_has_every_panel() -> None:
    page = logged_in("manager@example.com").get(
        f"/dashboard/team/{managers_team().pk}/?as_of={AS_OF}"
    )
    text = page.content.decode()
    for heading in (
        "Pipeline by stage",
        "Coverage of future quota",
        "Leading indicators and bookings",
        "Won and lost by salesperson",
        "Forecast bias by salesperson",
        "Activity against standard",
        "Top 10 forecasted accounts",
        "Beyond the basics",
    ):
        assert heading in text
    for figure in (
        "fig-stages",
        "fig-coverage",
        "fig-indicators",
        "fig-winloss",
        "fig-bias",
        "fig-activity",
    ):
        assert f'id="{figure}"' in text
    assert [tile.id for tile in page.context["data"].tiles] == [
        "bookings",
        "quota_attainment",
        "win_rate",
        "average_order_value",
        "sales_cycle_days_median",
        "pipeline_coverage",
        "forecast_accuracy",
    ]
    assert len(page.context["accounts"]) == 10


@pytest.mark.parametrize(
    ("kind", "period_id"),
    [("week", "2026-W27"), ("quarter", "2026-Q2"), ("ytd", "2026-YTD"), ("month", "2026-06")],
)
def test_the_period_switch(kind: str, period_id: str) -> None:
    page = logged_in("president@example.com").get(
        f"/dashboard/company/?period={kind}&as_of={AS_OF}"
    )
    assert page.context["data"].period.id == period_id


def test_a_salesperson_sees_their_details_and_their_teams_headlines_only() -> None:
    rep = User.objects.get(email="rep@example.com")
    page = logged_in(rep.email).get(f"/dashboard/rep/{rep.pk}/?as_of={AS_OF}")
    data = page.context["data"]
    assert [row.email for row in data.reps] == [rep.email]
    month = periods.containing("month", DEMO_AS_OF)
    employed = [p.email for p in salespeople_in(month) if p.team_id == rep.team_id]
    assert sorted(row.email for row in data.leaderboard) == sorted(employed)
    assert set(data.leaderboard[0].values) == {"bookings", "quota_attainment"}
    assert "Forecast bias by salesperson" not in page.content.decode()


def test_a_cached_dashboard_follows_a_change_in_the_data() -> None:
    scope = team_scope(manager(), managers_team().pk)
    month = periods.containing("month", DEMO_AS_OF)
    before = dashboard(scope, month, DEMO_AS_OF).tiles[0]
    rep = User.objects.filter(role=Role.SALESPERSON, team=managers_team()).first()
    assert rep is not None
    Opportunity.objects.create(
        owner=rep,
        name="Late win",
        amount=Decimal("12345"),
        status="won",
        stage=Stage.objects.filter(outcome="won").first(),
        created_date=date(2026, 5, 1),
        close_date=date(2026, 6, 15),
    )
    mark_changed("opportunities")
    after = dashboard(scope, month, DEMO_AS_OF).tiles[0]
    assert after.value == pytest.approx(before.value + 12345)


def test_the_company_dashboard_has_cost_per_lead_by_source() -> None:
    page = logged_in("president@example.com").get(f"/dashboard/company/?as_of={AS_OF}")
    sources = page.context["data"].lead_sources
    result = compute(["cost_per_lead"], "2026-06", DEMO_AS_OF, split="lead_source")
    assert {row.source: row.cost_per_lead for row in sources} == {
        row.split: row.value for row in result.rows
    }
    assert "Cost per lead by source" in page.content.decode()


def test_a_large_scope_shows_its_top_sellers_in_the_panels() -> None:
    from revsight.analytics.dashboard import MAX_REPS_SHOWN, RepRow, _shown_reps

    rows = [
        RepRow(f"p{n}@acme.test", f"P{n:03d}", {"bookings": float(n)})
        for n in range(MAX_REPS_SHOWN + 5)
    ]
    shown = _shown_reps(rows)
    assert len(shown) == MAX_REPS_SHOWN
    assert min(row["bookings"] for row in shown) == 5.0
    assert _shown_reps(rows[:3]) == rows[:3]


def test_an_unknown_period_or_window_is_refused_naming_the_parameter() -> None:
    rep = User.objects.get(email="rep@example.com")
    client = logged_in(rep.email)
    page = client.get(f"/dashboard/rep/{rep.pk}/?period=fortnight&as_of={AS_OF}")
    assert page.status_code == 400
    assert "must be one of: week, month, quarter, year, ytd, or a period id" in (
        page.content.decode()
    )
    listed = client.get(f"/records/pipeline/?scope=rep/{rep.pk}&window=soon&as_of={AS_OF}")
    assert listed.status_code == 400
    assert "window ('soon') is not a number" in listed.content.decode().replace("&#x27;", "'")

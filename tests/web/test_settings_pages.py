"""Settings pages: who may open which, and that a bad value is shown by name and saves nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from revsight.core.models import Organisation
from revsight.crm.models import Stage
from revsight.org.models import ActivityStandard, Goal, Quota
from tests.importers.helpers import snapshot
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisation(db: None) -> None:
    Organisation.current()  # exists after `revsight init`; pages read it


PAGES = [
    "/settings/quotas/",
    "/settings/goals/",
    "/settings/stages/",
    "/settings/standards/",
    "/settings/fiscal-year/",
]


@pytest.mark.parametrize(
    ("position", "allowed"),
    [
        ("president", PAGES),
        ("admin", PAGES),
        ("east_manager", PAGES[:2]),
        ("east_rep", []),
        ("consultant", []),
    ],
)
def test_who_may_open_which_settings(cast: Cast, position: str, allowed: list[str]) -> None:
    client = logged_in(getattr(cast, position))
    for page in PAGES:
        assert client.get(page).status_code == (200 if page in allowed else 403), page


def test_a_manager_saves_quotas_for_their_team(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    page = client.get("/settings/quotas/?year=2026").content.decode()
    assert f'name="q-{cast.east_rep.pk}-2026-03"' in page
    assert f'name="q-{cast.west_rep.pk}-2026-03"' not in page
    response = client.post(
        "/settings/quotas/?year=2026", {f"q-{cast.east_rep.pk}-2026-03": "50000"}
    )
    assert response.status_code == 302
    assert Quota.objects.get(user=cast.east_rep).amount == Decimal("50000.00")


def test_a_bad_quota_is_named_and_nothing_saved(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    response = client.post(
        "/settings/quotas/?year=2026",
        {f"q-{cast.east_rep.pk}-2026-03": "50000", f"q-{cast.east_rep2.pk}-2026-04": "lots"},
    )
    page = response.content.decode()
    assert "<strong>Ben, April 2026</strong> (lots) is not an amount" in page
    assert 'value="lots"' in page  # what was typed stays, to be corrected
    assert snapshot() == before


def test_a_negative_quota_is_named_and_nothing_saved(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    response = client.post("/settings/quotas/?year=2026", {f"q-{cast.east_rep.pk}-2026-03": "-5"})
    page = response.content.decode()
    assert "<strong>Ann, March 2026</strong> (-5) must be zero or more" in page
    assert snapshot() == before


def test_stages_page_saves_and_refuses_a_bad_probability(cast: Cast) -> None:
    stage = Stage.objects.create(name="Qualify", order=1, probability=Decimal("0.1"))
    client = logged_in(cast.admin)
    form = {
        "id": [stage.pk, "", "", ""],
        "name": ["Qualify", "Demo", "Won", "Lost"],
        "order": ["1", "2", "3", "4"],
        "probability": ["15", "30", "100", "0"],
        "outcome": ["open", "open", "won", "lost"],
    }
    assert client.post("/settings/stages/", form).status_code == 302
    assert list(Stage.objects.values_list("name", "probability")) == [
        ("Qualify", Decimal("0.1500")),
        ("Demo", Decimal("0.3000")),
        ("Won", Decimal("1.0000")),
        ("Lost", Decimal("0.0000")),
    ]
    before = snapshot()
    form["probability"] = ["15", "130", "100", "0"]
    form["id"] = [stage.pk, *(Stage.objects.get(name=n).pk for n in ("Demo", "Won", "Lost"))]
    page = client.post("/settings/stages/", form).content.decode()
    assert "<strong>stage 2 probability</strong> (130) must be between 0 and 100" in page
    assert snapshot() == before


def test_the_stages_page_refuses_a_pipeline_where_nothing_is_won(cast: Cast) -> None:
    stage = Stage.objects.create(name="Qualify", order=1, probability=Decimal("0.1"))
    client = logged_in(cast.admin)
    before = snapshot()
    form = {
        "id": [stage.pk, ""],
        "name": ["Qualify", "Closed Lost"],
        "order": ["1", "2"],
        "probability": ["10", "0"],
        "outcome": ["open", "lost"],
    }
    page = client.post("/settings/stages/", form).content.decode()
    assert "<strong>outcome</strong> no stage is won: give at least one stage" in page
    assert "at least one stage must be won (a deal booked) and one lost" in page
    assert snapshot() == before


def test_standards_page_saves_all_types_or_none(cast: Cast) -> None:
    client = logged_in(cast.president)
    form = {
        "role": "salesperson",
        "count-discovery_call": "8",
        "per-discovery_call": "month",
        "count-demonstration": "x",
        "per-demonstration": "month",
    }
    before = snapshot()
    page = client.post("/settings/standards/", form).content.decode()
    assert "<strong>demonstration count</strong> (x) is not a number" in page
    assert snapshot() == before
    form["count-demonstration"] = "4"
    assert client.post("/settings/standards/", form).status_code == 302
    assert ActivityStandard.objects.count() == 2


def test_goals_page_saves_and_names_a_bad_period(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    form = {
        "metric": "win_rate",
        "scope": "team",
        "team": cast.east.pk,
        "period": "2026-Q3",
        "target": "35",  # a rate is typed in per cent
    }
    assert client.post("/settings/goals/", form).status_code == 302
    assert Goal.objects.get().target == Decimal("0.3500")
    before = snapshot()
    page = client.post("/settings/goals/", {**form, "period": "next quarter"}).content.decode()
    assert "<strong>period</strong> (next quarter) is not a period id" in page
    assert snapshot() == before


def test_fiscal_year_page(cast: Cast) -> None:
    client = logged_in(cast.admin)
    assert client.post("/settings/fiscal-year/", {"month": "7"}).status_code == 302
    assert Organisation.current().fiscal_year_start_month == 7
    page = client.post("/settings/fiscal-year/", {"month": "0"}).content.decode()
    assert "must be 1 (January) to 12" in page


def test_a_quota_cell_not_on_the_page_is_refused_and_nothing_saved(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    response = client.post(
        "/settings/quotas/?year=2026",
        {f"q-{cast.east_rep.pk}-2026-03": "50000", f"q-{cast.west_rep.pk}-2026-03": "9"},
    )
    page = response.content.decode()
    assert f"<strong>q-{cast.west_rep.pk}-2026-03</strong> (9) is not a quota cell" in page
    assert snapshot() == before


def test_a_goal_for_a_team_that_is_not_an_id_is_named(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    form = {"metric": "win_rate", "scope": "team", "team": "east", "period": "2026-Q3"}
    page = client.post("/settings/goals/", {**form, "target": "0.3"}).content.decode()
    assert "<strong>team</strong> (east) is not a team id" in page
    assert snapshot() == before


def _goal_form(cast: Cast, metric: str, target: str) -> dict[str, object]:
    return {
        "metric": metric,
        "scope": "team",
        "team": cast.east.pk,
        "period": "2026-Q3",
        "target": target,
    }


@pytest.mark.parametrize(
    ("metric", "typed", "stored", "shown"),
    [
        ("win_rate", "35", Decimal("0.3500"), "35 %"),
        ("win_rate", "12.5%", Decimal("0.1250"), "12.5 %"),
        ("quota_attainment", "110", Decimal("1.1000"), "110 %"),
        ("pipeline_coverage", "3", Decimal("3.0000"), "3"),
        ("bookings", "250,000", Decimal("250000.0000"), "250000"),
        ("forecast_bias", "-5", Decimal("-0.0500"), "-5 %"),
    ],
)
def test_goals_are_typed_and_shown_in_the_metrics_units(
    cast: Cast, metric: str, typed: str, stored: Decimal, shown: str
) -> None:
    client = logged_in(cast.east_manager)
    assert client.post("/settings/goals/", _goal_form(cast, metric, typed)).status_code == 302
    assert Goal.objects.get().target == stored
    page = client.get("/settings/goals/").content.decode()
    assert f'<td class="num">{shown}</td>' in page


@pytest.mark.parametrize(
    ("metric", "typed", "message"),
    [
        ("win_rate", "250", "<strong>target</strong> (250) must be at most 100 % (a share"),
        ("win_rate", "-1", "<strong>target</strong> (-1) must be zero or more"),
        ("bookings", "-1", "<strong>target</strong> (-1) must be zero or more"),
        ("sales_cycle_days_median", "-30", "<strong>target</strong> (-30) must be zero or more"),
        ("win_rate", "lots", "<strong>target</strong> (lots) is not a number"),
    ],
)
def test_a_meaningless_goal_is_refused_by_name_and_nothing_saved(
    cast: Cast, metric: str, typed: str, message: str
) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    page = client.post("/settings/goals/", _goal_form(cast, metric, typed)).content.decode()
    assert message in page
    assert snapshot() == before


def test_the_goals_page_lists_only_the_period_scope_and_metric_asked(cast: Cast) -> None:
    client = logged_in(cast.president)
    for metric, scope, period, target in [
        ("win_rate", "company", "2026-Q3", "30"),
        ("win_rate", "company", "2026-Q2", "31"),
        ("bookings", "company", "2026-Q3", "900000"),
        ("win_rate", "team", "2026-Q3", "32"),
    ]:
        form = {"metric": metric, "scope": scope, "period": period, "target": target}
        if scope == "team":
            form["team"] = cast.east.pk
        assert client.post("/settings/goals/", form).status_code == 302
    page = client.get("/settings/goals/?period=2026-Q3&scope=company&metric=win_rate")
    assert [row["target"] for row in page.context["goals"]] == ["30 %"]
    everything = client.get("/settings/goals/?period=&scope=&metric=")
    assert len(everything.context["goals"]) == 4
    none = client.get("/settings/goals/?period=2027-Q1").content.decode()
    assert "No goals match these filters" in none


def test_the_quota_grid_shows_twelve_months_with_totals_and_cents_kept(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    cells = {
        f"q-{cast.east_rep.pk}-2026-03": "50000",
        f"q-{cast.east_rep.pk}-2026-04": "1234.5",
        f"q-{cast.east_rep2.pk}-2026-03": "40000",
    }
    assert client.post("/settings/quotas/?year=2026", cells).status_code == 302
    page = client.get("/settings/quotas/?year=2026")
    html = page.content.decode()
    assert html.count('<th scope="col" class="num">') == 13  # twelve months and the year
    assert 'value="1234.5"' in html  # as stored, not rounded
    assert 'aria-label="Ann, March 2026"' in html
    ann, ben = page.context["grid"]
    assert (ann["total"], ben["total"]) == (Decimal("51234.50"), Decimal("40000.00"))
    months = page.context["month_totals"]
    assert (months[2], months[3], sum(months)) == (
        Decimal("90000.00"),
        Decimal("1234.50"),
        Decimal("91234.50"),
    )
    assert page.context["total"] == Decimal("91234.50")


def test_a_quota_with_more_decimals_than_cents_is_refused_on_its_cell(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    name = f"q-{cast.east_rep2.pk}-2026-05"
    response = client.post(
        "/settings/quotas/?year=2026", {f"q-{cast.east_rep.pk}-2026-03": "50000", name: "1234.567"}
    )
    html = response.content.decode()
    assert "<strong>Ben, May 2026</strong> (1234.567) has more than 2 decimal places" in html
    assert (
        f'<small class="cell-error" id="{name}-error">has more than 2 decimal places</small>'
        in html
    )
    assert f'aria-describedby="{name}-error"' in html
    assert snapshot() == before


def test_a_stage_probability_is_shown_in_per_cent_as_stored(cast: Cast) -> None:
    Stage.objects.create(name="Qualify", order=1, probability=Decimal("0.125"))
    Stage.objects.create(name="Propose", order=2, probability=Decimal("0.6"))
    page = logged_in(cast.admin).get("/settings/stages/")
    assert [row["probability"] for row in page.context["stages"]] == ["12.5", "60"]

"""Pipeline math: closing ratios by stage, the pipeline a month needs, each rep's coverage."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from click.testing import CliRunner

from revsight.analytics import compute
from revsight.analytics.engine import DatabaseEngine
from revsight.analytics.scopes import membership
from revsight.cli import cli
from revsight.core.periods import parse
from revsight.crm.models import Opportunity, Stage, StageChange
from revsight.forecasting.pipeline_math import pipeline_math
from revsight.org.models import Quota
from tests.conftest import DEMO_AS_OF
from tests.people import Cast

AS_OF = date(2026, 7, 15)
JULY = parse("2026-07", AS_OF)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def history(cast: Cast) -> None:
    first = Stage.objects.create(name="Qualify", order=1, probability=Decimal("0.2"))
    second = Stage.objects.create(name="Propose", order=2, probability=Decimal("0.6"))
    won = Stage.objects.create(name="Won", order=8, probability=1, outcome="won")
    lost = Stage.objects.create(name="Lost", order=9, probability=0, outcome="lost")

    def deal(name: str, created: date, path: list[tuple[date, Stage, date]], amount: int) -> None:
        last = path[-1]
        opportunity = Opportunity.objects.create(
            owner=cast.east_rep,
            name=name,
            stage=last[1],
            status=last[1].outcome,
            amount=amount,
            close_date=last[2],
            created_date=created,
        )
        for day, stage, close in path:
            StageChange.objects.create(
                opportunity=opportunity,
                to_stage=stage,
                amount=amount,
                close_date=close,
                changed_at=at(day),
            )

    march, april = date(2026, 3, 20), date(2026, 4, 10)
    deal(
        "won through both stages",
        date(2026, 2, 1),
        [(date(2026, 2, 1), first, march), (date(2026, 3, 1), second, march), (march, won, march)],
        100,
    )
    deal(
        "lost in the first",
        date(2026, 1, 5),
        [
            (date(2026, 1, 5), first, date(2026, 2, 15)),
            (date(2026, 2, 15), lost, date(2026, 2, 15)),
        ],
        300,
    )
    deal(
        "lost in the second",
        date(2026, 1, 5),
        [(date(2026, 1, 5), first, april), (date(2026, 2, 1), second, april), (april, lost, april)],
        200,
    )
    deal(
        "created in the second, won in its month",
        date(2026, 4, 1),
        [
            (date(2026, 4, 1), second, date(2026, 4, 20)),
            (date(2026, 4, 20), won, date(2026, 4, 20)),
        ],
        50,
    )
    deal("open for August", date(2026, 7, 1), [(date(2026, 7, 1), second, date(2026, 8, 10))], 2500)
    Quota.objects.create(user=cast.east_rep, month=date(2026, 8, 1), amount=1000)


@pytest.mark.django_db
@pytest.mark.usefixtures("history")
def test_closing_ratios_by_stage_count_and_value() -> None:
    math = pipeline_math(AS_OF, membership("company", JULY), engine=DatabaseEngine())
    assert (math.window.start, math.window.end) == (date(2025, 10, 1), date(2026, 6, 30))
    stages = {s.stage: s.as_json() for s in math.stages}
    # From creation: every decided deal, including the one created straight into Propose.
    assert stages["Qualify"] | {"stage": "-"} == {
        "stage": "-",
        "reached": 4,
        "won": 2,
        "count_ratio": 0.5,
        "value_reached": 650.0,
        "value_won": 150.0,
        "value_ratio": round(150 / 650, 4),
    }
    assert (stages["Propose"]["reached"], stages["Propose"]["won"]) == (3, 2)
    assert stages["Propose"]["value_ratio"] == round(150 / 350, 4)


@pytest.mark.django_db
@pytest.mark.usefixtures("history")
def test_each_rep_sees_the_coverage_they_need_and_have(cast: Cast) -> None:
    math = pipeline_math(AS_OF, membership("company", JULY), engine=DatabaseEngine())
    # Start-of-month pipeline over the window: February 300, March 100, April 200 = 600;
    # bookings in those months (the April deal was created inside its month) = 150.
    assert math.conversion.start_pipeline == 600
    assert math.conversion.booked == 150
    assert math.conversion.won_from_start == 100
    august = math.months[0].as_json()
    assert august["month"] == "2026-08"
    assert august["coverage_needed"] == 4.0
    assert august["pipeline_now"] == 2500
    assert august["pipeline_to_enter"] == round(1000 / (150 / 650), 2)
    rep = next(r for r in math.reps if r.email == cast.east_rep.email)
    assert not rep.own_ratios  # four decided deals: the scope's ratios
    assert rep.coverage_needed == 4.0
    assert rep.coverage_now == 2.5
    assert rep.gap == 1500
    assert rep.sentence() == "you need 4.0× quota in pipeline; you have 2.5×"


@pytest.mark.django_db
@pytest.mark.usefixtures("history")
def test_fewer_than_six_months_is_refused() -> None:
    result = CliRunner().invoke(cli, ["forecast", "math", "--months", "4"])
    assert result.exit_code == 2
    assert "--months" in result.output


@pytest.mark.usefixtures("demo_org")
def test_the_demo_s_math_agrees_with_the_metrics() -> None:
    result = CliRunner().invoke(
        cli, ["forecast", "math", "--as-of", DEMO_AS_OF.isoformat(), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    july = document["months"][0]
    metrics = compute(["quota", "pipeline_value"], "2026-07", DEMO_AS_OF, "company")
    assert july["quota"] == metrics.value("quota", "company")
    assert july["pipeline_now"] == pytest.approx(metrics.value("pipeline_value", "company"))
    ratios = [s["count_ratio"] for s in document["stages"]]
    assert ratios == sorted(ratios)  # later stages close more often
    assert 2.0 < july["coverage_needed"] < 6.0
    assert all(r["sentence"].startswith("you need ") for r in document["reps"] if r["quota"])


@pytest.mark.usefixtures("demo_org")
def test_an_unknown_team_is_named_in_the_error() -> None:
    result = CliRunner().invoke(cli, ["forecast", "math", "--team", "Atlantis"])
    assert result.exit_code == 2
    assert "--team 'Atlantis' is not a team" in result.output

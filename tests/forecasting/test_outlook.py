"""Where the period is heading, on the demo: the statistical forecast beside the commit and the
weighted pipeline, each deal's chance with its reason, the leading indicators; and the weekly
pipeline snapshot."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from revsight.analytics import compute
from revsight.analytics.engine import get_engine
from revsight.analytics.scopes import membership, narrowed
from revsight.cli import cli
from revsight.core.periods import parse
from revsight.crm.models import PipelineSnapshot
from revsight.forecasting.backtest import History
from revsight.forecasting.outlook import LeadingForecast, lessons_for, outlook, parts_for, shift
from revsight.forecasting.snapshots import take_snapshot
from tests.conftest import DEMO_AS_OF

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.backtest]

MID_JUNE = date(2026, 6, 17)
JUNE = parse("2026-06", MID_JUNE)


def test_the_outlook_of_a_month_in_progress() -> None:
    result = outlook(JUNE, MID_JUNE, membership("company", JUNE))
    metrics = compute(["quota", "bookings"], "2026-06", MID_JUNE, "company")
    assert result.quota == metrics.value("quota", "company")
    assert result.closed == pytest.approx(metrics.value("bookings", "company"))
    assert result.p10 is not None
    assert result.p50 is not None
    assert result.p90 is not None
    assert result.closed <= result.p10 <= result.p50 <= result.p90
    assert result.p_quota is not None
    assert 0 <= result.p_quota <= 1
    assert result.lessons == 12
    assert result.model in {"win table", "deal-age survival", "gradient boosting"}
    assert set(result.holdout_brier) == {"win table", "deal-age survival", "gradient boosting"}
    assert sum(result.histogram[1]) == 4000  # every simulated period
    expected = [d.expected for d in result.deals]
    assert expected == sorted(expected, reverse=True)
    assert all(0 <= d.probability <= 1 and "such deals won" in d.reason for d in result.deals)
    assert result.weighted_pipeline >= result.closed


def test_a_team_s_outlook_covers_only_its_people() -> None:
    teams = membership("team", JUNE)
    enterprise = outlook(JUNE, MID_JUNE, narrowed(teams, ["Enterprise"]))
    company = outlook(JUNE, MID_JUNE, membership("company", JUNE))
    team_metrics = compute(["bookings"], "2026-06", MID_JUNE, "team")
    assert enterprise.closed == pytest.approx(team_metrics.value("bookings", "Enterprise"))
    assert enterprise.closed < company.closed
    assert enterprise.open_pipeline < company.open_pipeline


def test_lessons_are_the_same_moment_of_earlier_months_all_over_by_the_as_of_date() -> None:
    history = History(get_engine(), MID_JUNE)
    lessons = lessons_for(history, JUNE, MID_JUNE)
    assert [lesson.as_of for lesson in lessons[-2:]] == [date(2026, 4, 17), date(2026, 5, 17)]
    assert lessons[-1].target.start == date(2026, 5, 18)
    assert lessons[-1].target.end == date(2026, 5, 31)
    assert all(lesson.target.end < MID_JUNE for lesson in lessons)
    assert shift(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_a_quarter_s_outlook_is_the_sum_of_its_months_ahead() -> None:
    as_of = date(2026, 4, 10)
    quarter = parse("2026-Q2", as_of)
    history = History(get_engine(), as_of)
    parts = parts_for(history, quarter, as_of)
    assert [(p.target.start, p.target.end) for p in parts] == [
        (date(2026, 4, 11), date(2026, 4, 30)),
        (date(2026, 5, 1), date(2026, 5, 31)),
        (date(2026, 6, 1), date(2026, 6, 30)),
    ]
    # Each month learns from the same stretch ahead of earlier months, all over by the as-of date.
    assert [len(p.lessons) for p in parts] == [12, 11, 10]
    # June is two months ahead: the newest such stretch over is March, seen from 10 January.
    assert parts[2].lessons[-1].as_of == date(2026, 1, 10)
    assert parts[2].lessons[-1].target.start == date(2026, 3, 1)
    result = outlook(quarter, as_of, membership("company", quarter))
    april = outlook(parse("2026-04", as_of), as_of, membership("company", quarter))
    assert result.lessons == 10
    assert result.p50 is not None
    assert april.p50 is not None
    assert result.p50 > april.p50
    assert all(d.reason.startswith("likeliest in ") for d in result.deals)
    assert all(d.reason.endswith("over the 3 months") for d in result.deals)


def test_only_indicators_raise_a_shortfall_warning() -> None:
    short = LeadingForecast("2026-08", 800.0, 1000.0, "discovery calls 2 months ahead", True)
    average = LeadingForecast("2026-08", 800.0, 1000.0, "no indicator improved", False)
    close = LeadingForecast("2026-08", 950.0, 1000.0, "discovery calls 2 months ahead", True)
    assert short.warning
    assert short.shortfall == pytest.approx(0.2)
    assert not average.warning
    assert not close.warning


def test_forecast_outlook_prints_json_for_other_tools() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "forecast",
            "outlook",
            "--period",
            "2026-Q2",
            "--as-of",
            MID_JUNE.isoformat(),
            "--team",
            "Enterprise",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["period"]["id"] == "2026-Q2"
    assert set(document["statistical"]) == {
        "p10",
        "p50",
        "p90",
        "p_quota",
        "model",
        "holdout_brier",
        "close_dates",
        "lessons",
    }
    assert set(document["statistical"]["close_dates"]) == {
        "open_deals_with_date",
        "won_deals_closed_when_expected",
    }
    assert document["deals"]
    assert set(document["deals"][0]) == {
        "id",
        "name",
        "account",
        "owner",
        "stage",
        "amount",
        "close_date",
        "probability",
        "reason",
    }
    assert {item["month"] for item in document["leading_indicators"]} <= {"2026-07", "2026-08"}


def test_the_snapshot_keeps_the_reconstructed_pipeline_and_replaces_its_day() -> None:
    day = DEMO_AS_OF - timedelta(days=10)
    first = take_snapshot(day)
    again = take_snapshot(day)
    assert again.replaced == first.deals
    rows = PipelineSnapshot.objects.filter(taken_on=day)
    assert rows.count() == first.deals
    july = parse("2026-07", day)
    in_july = sum(
        row.amount or 0
        for row in rows
        if row.close_date and july.start <= row.close_date <= july.end
    )
    metric = compute(["pipeline_value"], "2026-07", day, "company").value(
        "pipeline_value", "company"
    )
    assert float(in_july) == pytest.approx(metric)

"""Sales contests: scored from the metric catalogue at any as-of date by each rule, among
salespeople or teams; `revsight contest standings --format json` as another tool reads it;
who may run which contest; refused input that names the field and stores nothing; the pages."""

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
from revsight.crm.models import Opportunity, Stage, StageChange
from revsight.org.models import User
from revsight.planning import contest_services, contests
from revsight.planning.models import Contest
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db

END_OF_Q1 = date(2026, 3, 31)


def _won(owner: User, amount: int, day: date, outcome: str = "won") -> None:
    stage = Stage.objects.get(outcome=outcome)
    deal = Opportunity.objects.create(
        owner=owner,
        name=f"{owner.email} {day} {amount}",
        stage=stage,
        status=outcome,
        amount=Decimal(amount),
        close_date=day,
        created_date=date(2025, 12, 1),
    )
    when = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))
    StageChange.objects.create(
        opportunity=deal, to_stage=stage, amount=deal.amount, close_date=day, changed_at=when
    )


@pytest.fixture(autouse=True)
def deals(cast: Cast) -> Cast:
    Organisation.current()
    Stage.objects.create(name="Closed Won", order=9, outcome="won", probability=Decimal(1))
    Stage.objects.create(name="Closed Lost", order=10, outcome="lost", probability=Decimal(0))
    _won(cast.east_rep, 30_000, date(2026, 1, 10))
    _won(cast.east_rep, 30_000, date(2026, 2, 20))
    _won(cast.east_rep2, 50_000, date(2026, 2, 5))
    _won(cast.east_rep2, 20_000, date(2026, 2, 6), outcome="lost")
    _won(cast.west_rep, 10_000, date(2026, 3, 1))
    return cast


def define(**fields: Any) -> Contest:
    return contest_services.save(
        None, {"name": "Q1", "metric": "bookings", "period": "2026-Q1", **fields}
    )


def table(contest: Contest, as_of: date) -> list[tuple[int, str, Any]]:
    document = contests.as_json(contests.standings(contest, as_of))
    return [(s["rank"], s["key"], s["score"]) for s in document["standings"]]


def test_most_ranks_the_salespeople_by_the_metric_and_names_the_winner_once_it_ends(
    cast: Cast,
) -> None:
    contest = define()

    assert table(contest, END_OF_Q1) == [
        (1, cast.east_rep.email, 60_000.0),
        (2, cast.east_rep2.email, 50_000.0),
        (3, cast.west_rep.email, 10_000.0),
    ]
    assert contests.standings(contest, END_OF_Q1).winner == cast.east_rep.email
    midway = contests.standings(contest, date(2026, 2, 10))
    assert [(s.rank, s.entry.key, s.entry.score) for s in midway.standings][:2] == [
        (1, cast.east_rep2.email, 50_000.0),
        (2, cast.east_rep.email, 30_000.0),
    ]
    assert midway.winner is None  # leading is not winning before the period ends


def test_first_to_ranks_by_the_day_the_threshold_was_reached_and_wins_at_once(
    cast: Cast,
) -> None:
    contest = define(rule="first_to", threshold="50,000")

    document = contests.as_json(contests.standings(contest, date(2026, 2, 28)))

    assert [(s["rank"], s["key"], s["score"], s["reached_on"]) for s in document["standings"]] == [
        (1, cast.east_rep2.email, 50_000.0, "2026-02-05"),
        (2, cast.east_rep.email, 60_000.0, "2026-02-20"),
        (3, cast.west_rep.email, 0.0, None),
    ]
    assert document["winner"] == cast.east_rep2.email
    assert document["finished"] is False
    assert contests.as_json(contests.standings(contest, date(2026, 2, 4)))["winner"] is None


def test_improvement_is_the_change_on_the_whole_previous_period_and_ties_share_a_rank(
    cast: Cast,
) -> None:
    contest = define(period="2026-02", rule="improvement")

    document = contests.as_json(contests.standings(contest, date(2026, 2, 28)))

    assert document["previous_period"] == "2026-01"
    assert [
        (s["rank"], s["key"], s["score"], s["value"], s["previous"]) for s in document["standings"]
    ] == [
        (1, cast.east_rep2.email, 50_000.0, 50_000.0, 0.0),
        (2, cast.east_rep.email, 0.0, 30_000.0, 30_000.0),
        (2, cast.west_rep.email, 0.0, 0.0, 0.0),
    ]
    assert document["winner"] == cast.east_rep2.email


def test_a_lower_is_better_metric_is_won_by_the_lowest_value(cast: Cast) -> None:
    cycle = define(name="Fastest", metric="sales_cycle_days_median")

    # All created 2025-12-01; won 2026-01-10 and 2026-02-20 (40 and 81 days: median 60.5),
    # 2026-02-05 (66), 2026-03-01 (90): the shortest cycle leads.
    assert table(cycle, END_OF_Q1) == [
        (1, cast.east_rep.email, 60.5),
        (2, cast.east_rep2.email, 66.0),
        (3, cast.west_rep.email, 90.0),
    ]


def test_teams_compete_on_their_pooled_values(cast: Cast) -> None:
    contest = define(competitors="teams", teams="East, West")

    assert table(contest, END_OF_Q1) == [(1, "East", 110_000.0), (2, "West", 10_000.0)]


def test_a_teams_salespeople_only_compete_in_its_contest(cast: Cast) -> None:
    contest = define(team="West")

    assert table(contest, END_OF_Q1) == [(1, cast.west_rep.email, 10_000.0)]


def test_the_standings_command_prints_the_json_contract(cast: Cast) -> None:
    define(name="Race", rule="first_to", threshold="50000")

    result = CliRunner().invoke(
        cli, ["contest", "standings", "race", "--as-of", "2026-03-31", "--format", "json"]
    )

    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert {"contest", "as_of", "rule", "standings", "winner"} <= set(document)
    assert (document["contest"], document["as_of"], document["rule"]) == (
        "Race",
        "2026-03-31",
        "first_to",
    )
    assert document["standings"][0] == {
        "rank": 1,
        "key": cast.east_rep2.email,
        "name": cast.east_rep2.name,
        "score": 50_000.0,
        "reached_on": "2026-02-05",
    }
    assert document["winner"] == cast.east_rep2.email


def test_the_define_and_list_commands(cast: Cast) -> None:
    runner = CliRunner()
    made = runner.invoke(
        cli,
        [
            "contest",
            "define",
            "East vs West",
            "--metric",
            "won_count",
            "--period",
            "2026-Q1",
            "--teams",
            "East,West",
        ],
    )
    assert made.exit_code == 0, made.output
    listed = json.loads(runner.invoke(cli, ["contest", "list", "--format", "json"]).output)
    assert [(c["name"], c["teams"], c["start"]) for c in listed["contests"]] == [
        ("East vs West", ["East", "West"], "2026-01-01")
    ]
    refused = runner.invoke(cli, ["contest", "define", "X", "--metric", "win_rate",
                                  "--period", "2026-Q1", "--rule", "first_to",
                                  "--threshold", "3"])  # fmt: skip
    assert refused.exit_code != 0
    assert "metric" in refused.output
    assert "win_rate" in refused.output


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"metric": "no_such_metric"}, "metric"),
        ({"metric": "forecast_bias"}, "metric"),  # no better direction
        ({"metric": "win_rate", "rule": "first_to", "threshold": "0.5"}, "metric"),
        ({"rule": "first_to"}, "threshold"),
        ({"rule": "first_to", "threshold": "-5"}, "threshold"),
        ({"threshold": "100"}, "threshold"),  # only for first_to
        ({"period": "2026-YTD"}, "period"),
        ({"period": "next quarter"}, "period"),
        ({"rule": "loudest"}, "rule"),
        ({"competitors": "teams", "teams": "East"}, "teams"),
        ({"team": "Nowhere"}, "team"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
    ],
)
def test_refused_input_names_its_field_and_stores_nothing(
    fields: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        define(**fields)
    assert refused.value.field == field
    assert Contest.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="planning.contest").exists()


def test_who_may_run_which_contest(cast: Cast) -> None:
    text = {"name": "East push", "metric": "bookings", "period": "2026-Q1", "team": "East"}
    with pytest.raises(NotAllowed):
        contest_services.save(cast.east_rep, text)
    with pytest.raises(NotAllowed):
        contest_services.save(cast.east_manager, {**text, "team": ""})  # the company's
    with pytest.raises(NotAllowed):
        contest_services.save(cast.east_manager, {**text, "competitors": "teams", "team": "",
                                                  "teams": "East,West"})  # fmt: skip
    saved = contest_services.save(cast.east_manager, text)
    entry = AuditEntry.objects.get(action="planning.contest_saved")
    assert (entry.actor, entry.object_id) == (cast.east_manager, str(saved.pk))
    with pytest.raises(NotAllowed):
        contest_services.delete(cast.east_rep, saved.pk)
    contest_services.delete(cast.vp, saved.pk)
    assert Contest.objects.count() == 0


def test_the_pages_show_the_calendar_the_leaderboard_and_refuse_bad_input(cast: Cast) -> None:
    contest = define(prize="Dinner for two")
    rep = logged_in(cast.west_rep)

    calendar = rep.get("/contests/", {"year": "2026"})
    assert calendar.status_code == 200
    assert [bar.contest.name for bar in calendar.context["bars"]] == ["Q1"]
    board = rep.get(f"/contests/{contest.pk}/", {"as_of": "2026-03-31"})
    assert board.status_code == 200
    assert cast.east_rep.name in board.content.decode()
    assert board.context["result"].winner == cast.east_rep.email
    assert rep.get("/contests/new/").status_code == 404  # salespeople do not run contests

    manager = logged_in(cast.east_manager)
    form = {"name": "East Feb", "metric": "bookings", "period": "2026-99", "rule": "most",
            "competitors": "salespeople", "team": str(cast.east.pk)}  # fmt: skip
    refused = manager.post("/contests/new/", form)
    assert refused.status_code == 200
    assert refused.context["error"].field == "period"
    assert Contest.objects.count() == 1
    made = manager.post("/contests/new/", {**form, "period": "2026-02"})
    assert made.status_code == 302
    assert Contest.objects.get(name="East Feb").team == cast.east

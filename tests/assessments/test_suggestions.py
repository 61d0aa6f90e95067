"""The scores suggested from the data, rule by rule, on hand-built data: a case for each level
a rule defines, the reason in one sentence with its figures, and `revsight assess suggest`'s
JSON contract."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner

from revsight.assessments import suggestions
from revsight.assessments.bands import CATEGORIES
from revsight.cli import cli
from revsight.core.models import Organisation
from revsight.crm.models import Account, Opportunity, Stage
from revsight.org.models import Team, User
from revsight.planning import account_plan_services
from revsight.planning.models import Contest
from tests.people import Cast

pytestmark = pytest.mark.django_db

AS_OF = date(2027, 1, 15)


@pytest.fixture(autouse=True)
def _today(cast: Cast) -> Iterator[None]:
    Organisation.current()
    with time_machine.travel("2027-01-15 15:00Z", tick=False):
        yield


def rule(number: int, team: Team | None = None) -> suggestions.Suggestion:
    scope = suggestions.assessed(AS_OF, team)
    return suggestions.RULES[number - 1](scope, CATEGORIES[number - 1])


def _stages() -> dict[str, Stage]:
    return {
        name: Stage.objects.get_or_create(
            name=name, defaults={"order": n, "probability": Decimal(p), "outcome": outcome}
        )[0]
        for n, (name, p, outcome) in enumerate(
            [("Proposal", "0.5", "open"), ("Won", "1", "won"), ("Lost", "0", "lost")]
        )
    }


def _account(name: str, owner: User, close: date = date(2027, 2, 20)) -> Account:
    account = Account.objects.create(name=name, owner=owner)
    Opportunity.objects.create(
        account=account,
        owner=owner,
        name=f"{name} deal",
        amount=Decimal(50_000),
        stage=_stages()["Proposal"],
        status="open",
        close_date=close,
        created_date=date(2026, 12, 1),
    )
    return account


def _plan(account: Account, *dues: str) -> None:
    account_plan_services.save_plan(
        None, account.pk, {"goals": "Win the renewal", "status": "on_track"}
    )
    for due in dues:
        account_plan_services.add_action(
            None, account.pk, {"what": "Meet the board", "owner": account.owner.email, "due": due}
        )


def _contest(name: str, period: str, team: Team | None = None) -> None:
    Contest.objects.create(name=name, metric="bookings", period=period, team=team)


# 11. Contests: one level per quarter of the year a contest runs in.


def test_no_contest_this_year_suggests_one() -> None:
    _contest("Last year's", "2026-Q4")
    found = rule(11)
    assert found.suggested == 1
    assert found.figures == {"year": "2027", "contests": 0, "quarters_covered": 0}
    assert found.link == "/contests/"


@pytest.mark.parametrize(
    ("contests", "suggested"),
    [
        (["2027-02"], 2),
        (["2027-02", "2027-Q2"], 3),
        (["2027-Q1", "2027-05", "2027-Q3"], 4),
        (["2027"], 5),
        (["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"], 5),
    ],
)
def test_each_quarter_with_a_contest_raises_the_suggestion(
    contests: list[str], suggested: int
) -> None:
    for n, period in enumerate(contests):
        _contest(f"Contest {n}", period)
    assert rule(11).suggested == suggested


def test_another_teams_contest_does_not_count_for_a_team(cast: Cast) -> None:
    _contest("West's", "2027-Q1", cast.west)
    _contest("Everyone's", "2027-Q2")
    assert rule(11, cast.east).figures["contests"] == 1
    assert rule(11).figures["contests"] == 2


# 3. The top ten forecasted accounts with a current plan.


def test_no_pipeline_in_the_next_90_days_has_no_top_ten_to_judge(cast: Cast) -> None:
    _account("Later Ltd", cast.east_rep, close=date(2027, 9, 1))
    found = rule(3)
    assert found.suggested is None
    assert "no top 10" in found.reason


@pytest.mark.parametrize(("planned", "suggested"), [(0, 1), (1, 3), (2, 5)])
def test_the_share_of_the_top_accounts_with_a_plan(
    cast: Cast, planned: int, suggested: int
) -> None:
    accounts = [_account("Globex", cast.east_rep), _account("Initech", cast.west_rep)]
    for account in accounts[:planned]:
        _plan(account)
    found = rule(3)
    assert found.suggested == suggested
    assert found.figures == {"top_accounts": 2, "with_current_plan": planned}
    assert found.reason == (
        f"{planned} of the top 2 forecasted accounts have a key-account plan reviewed in the "
        "last three months."
    )


# 4. Key-account plans whose actions reach three months ahead (15 April 2027).


def test_without_a_key_account_plan_the_suggestion_is_one(cast: Cast) -> None:
    _account("Globex", cast.east_rep)
    assert rule(4).suggested == 1


@pytest.mark.parametrize(
    ("dues", "suggested"),
    [
        ([[], []], 2),  # plans, but no action in them
        ([["2027-04-20"], [], []], 3),  # one of three reaches the horizon
        ([["2027-04-20"], ["2027-02-01"]], 4),  # one of two
        ([["2027-04-15"], ["2027-02-01", "2027-05-01"]], 5),  # both
    ],
)
def test_plans_with_actions_through_the_next_three_months(
    cast: Cast, dues: list[list[str]], suggested: int
) -> None:
    for n, due in enumerate(dues):
        _plan(_account(f"Account {n}", cast.east_rep), *due)
    found = rule(4)
    assert found.suggested == suggested
    assert found.figures["plans"] == len(dues)


def test_only_the_teams_own_plans_count_for_a_team(cast: Cast) -> None:
    _plan(_account("East Co", cast.east_rep), "2027-05-01")
    _plan(_account("West Co", cast.west_rep))
    assert rule(4, cast.east).figures == {"plans": 1, "reaching_three_months": 1}
    assert rule(4).figures == {"plans": 2, "reaching_three_months": 1}


# The rules that read what is not in use, and the one no data answers.


def test_without_activity_standards_leading_indicators_suggest_one() -> None:
    found = rule(9)
    assert found.suggested == 1
    assert found.link == "/settings/standards/"


def test_without_quotas_coverage_cannot_be_measured(cast: Cast) -> None:
    _account("Globex", cast.east_rep)
    found = rule(2)
    assert found.suggested == 1
    assert "set the quotas" in found.reason


def test_without_history_pipeline_math_has_no_closing_ratio() -> None:
    found = rule(1)
    assert found.suggested == 1
    assert found.figures == {"months_of_history": 0}


def test_without_open_deals_the_crm_is_not_where_the_pipeline_is_kept() -> None:
    assert rule(7).suggested == 1


def test_without_training_or_business_plans_the_suggestion_is_one() -> None:
    found = rule(6)
    assert found.suggested == 1
    assert found.figures["quarter"] == "2027-Q1"
    assert found.figures["with_business_plan"] == 0


def test_compensation_is_left_to_the_person() -> None:
    assert rule(8).suggested is None
    assert rule(8).link is None


# 5. Recruiting: the last hires scored by at least two interviewers, above the bar.


def _recruiting_position(cast: Cast) -> Any:
    from revsight.assessments import recruiting_services as recruiting

    return recruiting.open_position(
        cast.east_manager,
        recruiting.PositionInput(
            title="Account executive",
            team="East",
            hire_above="3",
            interviewers=[cast.east_manager.email, cast.east_rep.email],
            criteria=[recruiting.CriterionInput("Discovery", "skill", 1)],
            opened_on="2026-06-01",
        ),
    )


def _hire(
    cast: Cast,
    position: Any,
    name: str,
    scores: list[int],
    on: str = "2026-11-02",
    screened: str = "2026-09-01",
) -> None:
    """A candidate hired on `on`, scored by the first len(scores) interviewers."""
    from revsight.assessments import recruiting_services as recruiting

    found = recruiting.add_candidate(cast.east_manager, position.pk, name, on=screened)
    for interviewer, score in zip([cast.east_manager, cast.east_rep], scores, strict=False):
        recruiting.save_scorecard(interviewer, found.pk, {"Discovery": score}, submit=True)
    recruiting.move(cast.east_manager, found.pk, "hired", on=on)


def test_without_a_position_the_recruiting_suggestion_is_one(cast: Cast) -> None:
    found = rule(5)
    assert found.suggested == 1
    assert found.link == "/assessments/recruiting/"
    assert found.figures == {"positions": 0}


def test_scorecards_in_use_without_a_hire_suggest_two_or_three(cast: Cast) -> None:
    from revsight.assessments import recruiting_services as recruiting

    position = _recruiting_position(cast)
    assert rule(5).suggested == 2
    found = recruiting.add_candidate(cast.east_manager, position.pk, "Rosa", on="2026-09-01")
    recruiting.save_scorecard(cast.east_rep, found.pk, {"Discovery": 4}, submit=True)
    assert rule(5).suggested == 3
    assert rule(5).figures == {"positions": 1, "candidates_scored": 1, "hires": 0}


@pytest.mark.parametrize(
    ("hires", "expected"),
    [
        ([[4]], 1),  # scored by one interviewer only
        ([[4, 4], [4], [4]], 2),  # a third
        ([[4, 4], [4, 4], [4]], 3),  # two thirds
        ([[4, 4], [2, 3]], 4),  # all scored, one below the bar of 3
        ([[4, 4], [4, 3]], 5),  # all scored, all above
    ],
)
def test_the_last_hires_scored_by_two_interviewers_give_the_level(
    cast: Cast, hires: list[list[int]], expected: int
) -> None:
    position = _recruiting_position(cast)
    for n, scores in enumerate(hires):
        _hire(cast, position, f"Hire {n}", scores)
    found = rule(5)
    assert found.suggested == expected
    assert found.figures["hires"] == len(hires)
    assert found.reason.endswith(".")


def test_a_hire_more_than_a_year_ago_does_not_count(cast: Cast) -> None:
    position = _recruiting_position(cast)
    _hire(cast, position, "Old hire", [4, 4], on="2025-12-01", screened="2025-11-01")
    assert rule(5).figures["hires"] == 0


def test_another_teams_hires_do_not_count_for_a_team(cast: Cast) -> None:
    position = _recruiting_position(cast)
    _hire(cast, position, "East hire", [4, 4])
    assert rule(5, cast.east).figures["hires"] == 1
    assert rule(5, cast.west).figures == {"positions": 0}


# The command.


def test_the_command_prints_the_json_contract(cast: Cast) -> None:
    _plan(_account("Globex", cast.east_rep), "2027-05-01")
    result = CliRunner().invoke(
        cli, ["assess", "suggest", "--as-of", "2027-01-15", "--team", "East", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert list(document) == ["as_of", "categories"]
    assert document["as_of"] == "2027-01-15"
    assert [c["number"] for c in document["categories"]] == list(range(1, 12))
    for category in document["categories"]:
        assert list(category) == ["number", "title", "suggested", "reason", "figures"]
        assert category["suggested"] in (None, 1, 2, 3, 4, 5)
        assert category["reason"].endswith(".")
    assert document["categories"][3]["figures"] == {"plans": 1, "reaching_three_months": 1}


def test_an_unknown_team_is_a_clear_error() -> None:
    result = CliRunner().invoke(cli, ["assess", "suggest", "--team", "Esat"])
    assert result.exit_code == 2
    assert "--team 'Esat' is not a team (did you mean 'East'?)" in result.stderr

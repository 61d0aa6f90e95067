"""Pipeline movement between two dates: every bucket on a hand-built team, and the identity
start + new + pulled in + increased − decreased − pushed out − won − lost = end on the demo."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from revsight.analytics import compute
from revsight.analytics.engine import DatabaseEngine
from revsight.analytics.scopes import membership
from revsight.core.periods import parse
from revsight.crm.models import Opportunity, Stage, StageChange
from revsight.forecasting.movement import BUCKETS, movement
from tests.conftest import DEMO_AS_OF
from tests.people import Cast

pytestmark = pytest.mark.django_db

MARCH = parse("2026-03", date(2026, 3, 1))
START, END = date(2026, 2, 1), date(2026, 2, 28)


def at(day: int, month: int = 2) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


@pytest.fixture
def deals(cast: Cast) -> dict[str, Opportunity]:
    open_, won, lost = (
        Stage.objects.create(name="Propose", order=1, probability=Decimal("0.5")),
        Stage.objects.create(name="Won", order=8, probability=1, outcome="won"),
        Stage.objects.create(name="Lost", order=9, probability=0, outcome="lost"),
    )
    made: dict[str, Opportunity] = {}

    def deal(name: str, created: date, history: list[tuple[datetime, Stage, int, date]]) -> None:
        last = history[-1]
        status = last[1].outcome
        opportunity = Opportunity.objects.create(
            owner=cast.east_rep,
            name=name,
            stage=last[1],
            status=status,
            amount=last[2],
            close_date=last[3],
            created_date=created,
        )
        for when, stage, amount, close in history:
            StageChange.objects.create(
                opportunity=opportunity,
                to_stage=stage,
                amount=amount,
                close_date=close,
                changed_at=when,
            )
        made[name] = opportunity

    jan = date(2026, 1, 10)
    mar, apr, may = date(2026, 3, 20), date(2026, 4, 20), date(2026, 5, 20)
    start = at(10, 1)
    deal("increased", jan, [(start, open_, 100, mar), (at(10), open_, 150, mar)])
    deal("new", date(2026, 2, 5), [(at(5), open_, 200, mar)])
    deal("pulled in", jan, [(start, open_, 300, apr), (at(15), open_, 300, mar)])
    deal("won", jan, [(start, open_, 400, mar), (at(20), won, 400, date(2026, 2, 20))])
    deal("lost", jan, [(start, open_, 50, mar), (at(21), lost, 50, date(2026, 2, 21))])
    deal("pushed out", jan, [(start, open_, 70, mar), (at(22), open_, 70, may)])
    deal("decreased", jan, [(start, open_, 90, mar), (at(23), open_, 80, mar)])
    deal("untouched", jan, [(start, open_, 1000, apr)])
    return made


def test_each_change_falls_in_its_bucket(cast: Cast, deals: dict[str, Opportunity]) -> None:
    moves = movement(MARCH, START, END, membership("rep", MARCH), engine=DatabaseEngine())
    ann = next(m for m in moves if m.key == cast.east_rep.email)
    assert ann.start == 100 + 400 + 50 + 70 + 90
    assert ann.amounts == {
        "new": 200,
        "pulled_in": 300,
        "increased": 50,
        "decreased": 10,
        "pushed_out": 70,
        "won": 400,
        "lost": 50,
    }
    assert ann.end == 150 + 200 + 300 + 80
    assert ann.explained_end() == ann.end
    assert {
        bucket: [deals[name].pk for name in [bucket.replace("_", " ")]] for bucket in BUCKETS
    } == {bucket: ann.deals[bucket] for bucket in BUCKETS}


def test_nothing_moves_between_a_date_and_itself(cast: Cast, deals: dict[str, Opportunity]) -> None:
    moves = movement(MARCH, END, END, membership("company", MARCH), engine=DatabaseEngine())
    assert all(amount == 0 for amount in moves[0].amounts.values())
    assert moves[0].start == moves[0].end


@pytest.mark.usefixtures("demo_org")
@pytest.mark.parametrize("by", ["company", "team", "rep"])
@pytest.mark.parametrize(
    ("period_id", "start", "end"),
    [("2026-06", date(2026, 5, 1), date(2026, 6, 15)), ("2026-Q3", date(2026, 4, 1), DEMO_AS_OF)],
)
def test_the_identity_holds_on_the_demo_and_ends_match_the_pipeline_metric(
    by: str, period_id: str, start: date, end: date
) -> None:
    period = parse(period_id, end)
    engine = DatabaseEngine()
    moves = movement(period, start, end, membership(by, period), engine=engine)
    at_start = compute(["pipeline_value"], period_id, start, by, engine=engine)
    at_end = compute(["pipeline_value"], period_id, end, by, engine=engine)
    assert any(sum(m.counts.values()) for m in moves)
    for move in moves:
        assert move.explained_end() == pytest.approx(move.end, abs=0.01)
        assert move.start == pytest.approx(
            at_start.value("pipeline_value", move.key) or 0, abs=0.01
        )
        assert move.end == pytest.approx(at_end.value("pipeline_value", move.key) or 0, abs=0.01)

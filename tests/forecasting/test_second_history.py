"""On a history unlike the demo's — no stage history (each deal is seen only when created and
when closed), no expected close date on half the open deals, a quarter whose last month closes
twice what its first does — the statistical and the combined forecasts still beat the average
of the last three months, at every horizon.

Measured (as of 6 December 2026, 12 origins): WAPE of trailing_mean / statistical / combined —
month 58.6% / 15.6% / 22.9%; month+1 56.4% / 19.5% / 26.6%; month+2 55.9% / 21.7% / 29.9%;
quarter 13.2% / 7.9% / 12.2%. The test asks for a third of the smaller gap at each horizon, so
that it fails when the months' season or the deal-age table stops being learnt, not on a
redraw. The combined forecast trails the statistical one here: the statistical forecast's
record starts with the poor forecasts it made from three or four months of history, and its
weight grows only as its recent months outweigh them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from revsight.core.periods import add_months
from revsight.crm.models import Opportunity, Stage, StageChange
from revsight.forecasting.backtest import backtest
from tests.people import Cast

pytestmark = pytest.mark.backtest

AS_OF = date(2026, 12, 6)
FIRST_MONTH = date(2024, 7, 1)
MARGIN = {"month": 0.12, "month+1": 0.1, "month+2": 0.085, "quarter": 0.003}


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _close(created: date, rng: np.random.Generator) -> date:
    """A sales cycle of three to ten weeks; half of the deals that would close in a quarter's
    first two months slip to its last (the quarter-end rush)."""
    closed = created + timedelta(days=int(rng.integers(20, 70)))
    if closed.month % 3 and rng.random() < 0.5:
        closed = add_months(closed.replace(day=1), 3 - closed.month % 3) + timedelta(
            days=int(rng.integers(0, 25))
        )
    return closed


@pytest.fixture
def seasonal_history(cast: Cast) -> None:
    qualify = Stage.objects.create(name="Qualify", order=1, probability=Decimal("0.3"))
    won_stage = Stage.objects.create(name="Won", order=8, probability=1, outcome="won")
    lost_stage = Stage.objects.create(name="Lost", order=9, probability=0, outcome="lost")
    rng = np.random.default_rng(11)
    deals, changes = [], []
    month = FIRST_MONTH
    while month <= AS_OF:
        for owner in (cast.east_rep, cast.east_rep2, cast.west_rep):
            for _ in range(12):
                created = month + timedelta(days=int(rng.integers(0, 28)))
                closed = _close(created, rng)
                outcome = won_stage if rng.random() < 0.45 else lost_stage
                amount = Decimal(int(rng.lognormal(9, 0.6)))
                expected = closed + timedelta(days=int(rng.integers(-10, 10)))
                dated = rng.random() < 0.5
                done = closed <= AS_OF
                deal = Opportunity(
                    owner=owner,
                    name=f"{owner.name} {created} {len(deals)}",
                    stage=outcome if done else qualify,
                    status=outcome.outcome if done else "",
                    amount=amount,
                    close_date=closed if done else (expected if dated else None),
                    created_date=created,
                )
                deals.append(deal)
                changes.append((deal, created, qualify, expected if dated else None))
                if done:
                    changes.append((deal, closed, outcome, closed))
        month = add_months(month, 1)
    Opportunity.objects.bulk_create(deals)
    StageChange.objects.bulk_create(
        StageChange(
            opportunity=deal,
            to_stage=stage,
            amount=deal.amount,
            close_date=close,
            changed_at=_at(day),
        )
        for deal, day, stage, close in changes
    )


@pytest.mark.slow  # a backtest of 12 origins at four horizons
@pytest.mark.usefixtures("seasonal_history")
@pytest.mark.django_db
def test_statistical_and_combined_beat_the_trailing_mean_on_a_seasonal_history() -> None:
    _, scores = backtest(AS_OF)
    wape = {(s.method, s.horizon): s.as_json()["wape"] for s in scores}
    for horizon, margin in MARGIN.items():
        trailing = wape[("trailing_mean", horizon)]
        assert wape[("statistical", horizon)] < trailing - margin, horizon
        assert wape[("combined", horizon)] < trailing - margin, horizon

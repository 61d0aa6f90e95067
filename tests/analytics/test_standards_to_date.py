"""Activity against the standard paces like every goal to date: by the share of the period's
selling days gone by (or calendar days, as the organisation chooses), and by the standards of
each person's own role (see fixtures.build_economics: 8 discovery calls a month for
salespeople; Ann made hers on 3 and 12 March 2026)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from revsight.crm.models import Activity, Opportunity
from revsight.org import configuration
from revsight.org.models import ActivityStandard, Role, User
from tests.analytics.fixtures import build_economics, build_sales
from tests.analytics.test_metric_values import values
from tests.people import Cast

pytestmark = pytest.mark.django_db

MARCH_10 = date(2026, 3, 10)  # 7 of March 2026's 22 selling days; 10 of its 31 days
MONTH = 31 * 12 / 365  # March in months, as a monthly standard counts it


@pytest.fixture
def books(cast: Cast) -> Cast:
    build_economics(cast, build_sales(cast))
    return cast


def test_a_standard_to_date_counts_the_selling_days_gone_by(books: Cast, engine: str) -> None:
    reps = values(engine, by="rep", as_of=MARCH_10)
    expected = 8 * MONTH * 7 / 22
    assert reps["activities_expected_discovery_call", "ann@acme.test"] == round(expected, 2)
    # One discovery call by 10 March (the second is on the 12th).
    assert reps["activities_vs_standard_discovery_call", "ann@acme.test"] == round(1 / expected, 6)


def test_paced_by_calendar_days_a_standard_counts_every_day(books: Cast, engine: str) -> None:
    configuration.set_pacing(books.president, "calendar")
    reps = values(engine, by="rep", as_of=MARCH_10)
    expected = 8 * 10 * 12 / 365
    assert reps["activities_expected_discovery_call", "ann@acme.test"] == round(expected, 2)
    assert reps["activities_vs_standard_discovery_call", "ann@acme.test"] == round(1 / expected, 6)


def test_a_complete_period_owes_the_whole_standard_on_either_basis(
    books: Cast, engine: str
) -> None:
    selling = values(engine, by="rep")["activities_expected_discovery_call", "ann@acme.test"]
    configuration.set_pacing(books.president, "calendar")
    calendar = values(engine, by="rep")["activities_expected_discovery_call", "ann@acme.test"]
    assert selling == calendar == round(8 * MONTH, 2)


def test_each_role_is_held_to_its_own_standard(books: Cast, engine: str) -> None:
    engineer = User.objects.create_user(
        "eve@acme.test", "x", role=Role.PRESALES, team=books.east, name="Eve"
    )
    ActivityStandard.objects.create(
        role=Role.PRESALES, activity_type="discovery_call", per="week", count=Decimal("2")
    )
    deal = Opportunity.objects.filter(owner=books.east_rep).order_by("pk").first()
    for day in (2, 4, 6):
        Activity.objects.create(
            owner=engineer, type="discovery_call", date=date(2026, 3, day), opportunity=deal
        )
    teams = values(engine, by="team", as_of=MARCH_10)
    # East: Ann and Ben's monthly 8 and Eve's weekly 2, each to 7 of 22 selling days.
    owed = (8 * MONTH * 2 + 2 * 31 / 7) * 7 / 22
    assert teams["activities_expected_discovery_call", "East"] == round(owed, 2)
    # Ann's one call and Eve's three.
    assert teams["activities_vs_standard_discovery_call", "East"] == round(4 / owed, 6)
    assert values(engine, by="team", as_of=MARCH_10)["deals_supported", "East"] == 1

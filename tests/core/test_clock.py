"""'Today' is the organisation's local date, everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from revsight.core import clock
from revsight.core.models import Organisation
from revsight.core.periods import containing

pytestmark = pytest.mark.django_db

# 23:30 on 31 March in San Francisco (UTC−7 in summer time, UTC−8 in winter) is already
# 1 April in UTC; 23:30 on 31 December (UTC−8) is already next year there.
LAST_EVENING_OF_Q1 = datetime(2026, 4, 1, 6, 30, tzinfo=UTC)
LAST_EVENING_OF_THE_YEAR = datetime(2027, 1, 1, 7, 30, tzinfo=UTC)


@pytest.fixture
def san_francisco() -> None:
    Organisation.objects.create(name="Acme", time_zone="America/Los_Angeles")


@pytest.mark.usefixtures("san_francisco")
def test_at_23_30_on_the_last_day_of_the_quarter_it_is_still_that_quarter() -> None:
    with time_machine.travel(LAST_EVENING_OF_Q1, tick=False):
        assert clock.today() == date(2026, 3, 31)
        assert containing("quarter", clock.today(), 1).id == "2026-Q1"


@pytest.mark.usefixtures("san_francisco")
def test_at_23_30_on_new_years_eve_in_utc_minus_8_it_is_still_the_old_year() -> None:
    with time_machine.travel(LAST_EVENING_OF_THE_YEAR, tick=False):
        assert clock.now().utcoffset().total_seconds() == -8 * 3600  # type: ignore[union-attr]
        assert clock.today() == date(2026, 12, 31)


def test_an_organisation_without_a_time_zone_lives_in_utc() -> None:
    with time_machine.travel(LAST_EVENING_OF_Q1, tick=False):
        assert clock.today() == date(2026, 4, 1)


@pytest.mark.usefixtures("san_francisco")
def test_the_commands_default_date_is_the_organisations_today() -> None:
    from revsight.cli.base import today_or

    with time_machine.travel(LAST_EVENING_OF_Q1, tick=False):
        assert today_or(None) == date(2026, 3, 31)
        assert today_or(date(2026, 2, 1)) == date(2026, 2, 1)


@pytest.mark.usefixtures("san_francisco")
def test_the_metrics_default_period_is_the_organisations_month() -> None:
    from revsight.analytics import compute

    with time_machine.travel(LAST_EVENING_OF_Q1, tick=False):
        result = compute(["bookings"], engine="database")
    assert result.period.id == "2026-03"

"""A presales engineer sees the deals they work on (an activity of theirs on the deal), and so
does whoever sees them; no one else gains a deal that way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from revsight.access.visibility import can_see
from revsight.crm.models import Activity, Opportunity, Stage
from revsight.org.models import Role, Team, User
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(cast: Cast) -> tuple[User, Opportunity, Opportunity]:
    """Eve, a presales engineer of a Presales team under Sales, on one of Ann's two deals."""
    presales = Team.objects.create(name="Presales", manager=cast.vp, parent=cast.sales)
    eve = User.objects.create_user("eve@acme.test", "x", role=Role.PRESALES, team=presales)
    stage = Stage.objects.create(name="Qualification", order=1)
    deals = [
        Opportunity.objects.create(
            name=name,
            owner=cast.east_rep,
            stage=stage,
            amount=Decimal("1000"),
            close_date=date(2026, 3, 31),
            created_date=date(2026, 1, 5),
        )
        for name in ("Supported", "Not supported")
    ]
    Activity.objects.create(
        owner=eve, type="presales_call", date=date(2026, 3, 2), opportunity=deals[0]
    )
    return eve, deals[0], deals[1]


def test_a_presales_engineer_sees_the_deals_they_work_on(
    worked: tuple[User, Opportunity, Opportunity],
) -> None:
    eve, supported, other = worked
    assert can_see(eve, supported)
    assert not can_see(eve, other)


def test_whoever_sees_the_engineer_sees_those_deals_too(
    cast: Cast, worked: tuple[User, Opportunity, Opportunity]
) -> None:
    _, supported, _ = worked
    assert can_see(cast.vp, supported)  # manages Presales (and Sales, the owner's team)
    assert can_see(cast.president, supported)
    assert not can_see(cast.west_manager, supported)
    assert not can_see(cast.west_rep, supported)
    assert not can_see(cast.services_head, supported)


def test_a_salespersons_activity_on_a_deal_shows_it_to_no_one_new(
    cast: Cast, worked: tuple[User, Opportunity, Opportunity]
) -> None:
    _, _, other = worked
    Activity.objects.create(
        owner=cast.west_rep, type="demonstration", date=date(2026, 3, 3), opportunity=other
    )
    assert not can_see(cast.west_rep, other)  # only presales engineers and consultants

"""Pausing a deal: left out of every rule from the day it is paused until its resume date (the
trend of earlier weeks still counts it), audited, allowed to the owner and whoever manages them,
refused with a message naming the field and nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.cadence.discipline_models import DealPause
from revsight.cadence.report import audience, discipline
from revsight.cadence.services import pause_deal, resume_deal
from revsight.core.errors import Conflict, InvalidInput, NotAllowed
from revsight.core.models import AuditEntry
from revsight.crm.models import Opportunity
from tests.cadence.builders import deal
from tests.people import Cast

pytestmark = pytest.mark.django_db
PAUSED_ON, RESUME = date(2026, 6, 25), date(2026, 7, 10)


@pytest.fixture
def late(cast: Cast) -> Opportunity:
    """Expected on 1 June, still open, no next step: two rules flag it every day in June."""
    return deal(
        cast.east_rep,
        "late",
        date(2026, 4, 1),
        [(date(2026, 4, 1), "Proposal", 100, date(2026, 6, 1))],
        next_step="",
    )


def flagged(day: date) -> list[str]:
    return [
        i.rule
        for i in discipline(day, audience(None), ["past_close_date", "missing_next_step"]).findings
    ]


def test_a_paused_deal_is_left_out_of_every_rule_until_its_resume_date(
    cast: Cast, late: Opportunity
) -> None:
    pause = pause_deal(
        cast.east_manager, late, "  Buyer on leave  until July ", RESUME, today=PAUSED_ON
    )
    assert (pause.reason, pause.paused_on, pause.resume_on) == (
        "Buyer on leave until July",
        PAUSED_ON,
        RESUME,
    )
    assert flagged(date(2026, 6, 24)) == ["missing_next_step", "past_close_date"]
    assert flagged(PAUSED_ON) == flagged(date(2026, 7, 9)) == []
    assert flagged(RESUME) == ["missing_next_step", "past_close_date"]


def test_the_trend_leaves_out_the_weeks_the_deal_was_paused(cast: Cast, late: Opportunity) -> None:
    pause_deal(cast.east_rep, late, "Waiting for budget", RESUME, today=PAUSED_ON)
    report = discipline(date(2026, 6, 30), audience(None), ["past_close_date"], weeks=5)
    assert [(p.week, p.day, p.counts["past_close_date"]) for p in report.trend] == [
        ("2026-W23", date(2026, 6, 7), 1),
        ("2026-W24", date(2026, 6, 14), 1),
        ("2026-W25", date(2026, 6, 21), 1),
        ("2026-W26", date(2026, 6, 28), 0),
        ("2026-W27", date(2026, 6, 30), 0),
    ]


def test_a_pause_and_a_resume_are_audited(cast: Cast, late: Opportunity) -> None:
    pause_deal(cast.east_manager, late, "Buyer on leave", RESUME, today=PAUSED_ON)
    resume_deal(cast.east_manager, late, today=date(2026, 6, 28))
    entries = AuditEntry.objects.filter(action__startswith="cadence.").order_by("id")
    assert [(e.action, e.summary, e.actor, e.object_id) for e in entries] == [
        (
            "cadence.pause",
            "late paused until 2026-07-10: Buyer on leave",
            cast.east_manager,
            str(late.pk),
        ),
        (
            "cadence.resume",
            "late resumed on 2026-06-28 (was paused until 2026-07-10)",
            cast.east_manager,
            str(late.pk),
        ),
    ]
    assert flagged(date(2026, 6, 27)) == []
    assert flagged(date(2026, 6, 28)) == ["missing_next_step", "past_close_date"]


def test_pausing_again_replaces_the_pause(cast: Cast, late: Opportunity) -> None:
    pause_deal(cast.east_rep, late, "Buyer on leave", RESUME, today=PAUSED_ON)
    pause_deal(
        cast.east_rep, late, "Buyer on leave longer", date(2026, 7, 20), today=date(2026, 6, 27)
    )
    pauses = list(DealPause.objects.order_by("id"))
    assert [(p.paused_on, p.until) for p in pauses] == [
        (PAUSED_ON, date(2026, 6, 27)),
        (date(2026, 6, 27), date(2026, 7, 20)),
    ]
    assert flagged(date(2026, 7, 15)) == []


@pytest.mark.parametrize("who", ["east_rep", "east_manager", "vp", "president", "admin"])
def test_the_owner_their_managers_and_executives_may_pause(
    cast: Cast, late: Opportunity, who: str
) -> None:
    pause_deal(getattr(cast, who), late, "Holiday", RESUME, today=PAUSED_ON)
    assert DealPause.objects.count() == 1


@pytest.mark.parametrize(
    "who", ["east_rep2", "west_rep", "west_manager", "services_head", "consultant"]
)
def test_anyone_else_is_refused_and_nothing_is_written(
    cast: Cast, late: Opportunity, who: str
) -> None:
    with pytest.raises(NotAllowed, match=r"may not pause or resume ann@acme\.test's deals"):
        pause_deal(getattr(cast, who), late, "Holiday", RESUME, today=PAUSED_ON)
    with pytest.raises(NotAllowed):
        resume_deal(getattr(cast, who), late, today=PAUSED_ON)
    assert not DealPause.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="cadence.").exists()


@pytest.mark.parametrize(
    ("reason", "resume_on", "field", "message"),
    [
        ("", RESUME, "reason", "is required: say why the deal is paused"),
        ("x" * 501, RESUME, "reason", "must be at most 500 characters"),
        ("Holiday", "", "resume_on", "is required: the day the deal is judged again"),
        ("Holiday", "10/07/2026", "resume_on", "must be a date such as 2026-07-31"),
        ("Holiday", "2026-06-25", "resume_on", "must be after today (2026-06-25)"),
        ("Holiday", "2027-06-27", "resume_on", "must be within 366 days of today"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    cast: Cast, late: Opportunity, reason: str, resume_on: object, field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        pause_deal(cast.east_rep, late, reason, resume_on, today=PAUSED_ON)
    assert (raised.value.field, raised.value.fields[0].message) == (field, message)
    assert not DealPause.objects.exists()
    assert not AuditEntry.objects.exists()


def test_closed_deals_do_not_pause_and_unpaused_deals_do_not_resume(
    cast: Cast, late: Opportunity
) -> None:
    won = deal(
        cast.east_rep, "won", date(2026, 4, 1), [(date(2026, 4, 1), "Won", 100, date(2026, 4, 1))]
    )
    with pytest.raises(Conflict, match="won is won: only open deals pause"):
        pause_deal(cast.east_rep, won, "Holiday", RESUME, today=PAUSED_ON)
    with pytest.raises(Conflict, match="late is not paused"):
        resume_deal(cast.east_rep, late, today=PAUSED_ON)
    assert not DealPause.objects.exists()

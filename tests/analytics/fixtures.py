"""A hand-built organisation whose metrics are worked out by hand in the tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from revsight.crm.models import (
    Account,
    Activity,
    ForecastSubmission,
    Invoice,
    Lead,
    MarketingSpend,
    Opportunity,
    SalesExpense,
    ServiceBacklog,
    Stage,
    StageChange,
    TimeEntry,
)
from revsight.org.models import ActivityStandard, Goal, Quota
from tests.people import Cast


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def deal(owner, name, amount, status, stage, created, close, account=None, **extra):  # type: ignore[no-untyped-def]
    return Opportunity.objects.create(
        owner=owner,
        name=name,
        amount=Decimal(amount),
        status=status,
        stage=stage,
        created_date=date.fromisoformat(created),
        close_date=date.fromisoformat(close),
        account=account,
        **extra,
    )


def build_sales(cast: Cast) -> dict[str, Opportunity]:
    """March 2026, worked by hand:

    Ann (East)   won 10,000 Globex (37 days), won 30,000 Initech (64 days), lost 20,000;
                 an open 50,000 deal pushed from March to April; 2 discovery calls and a demo.
    Ben (East)   lost 5,000 (no account); nothing won.
    Carla (West) won 8,000 with no account (30 days); an open 7,000 deal with no history;
                 in January she won Globex's first deal (12,000 USD, booked from 11,000 EUR).
    """
    prospecting = Stage.objects.create(name="Prospecting", order=1, probability=Decimal("0.1"))
    proposal = Stage.objects.create(name="Proposal", order=2, probability=Decimal("0.6"))
    won = Stage.objects.create(name="Closed Won", order=3, probability=1, outcome="won")
    lost = Stage.objects.create(name="Closed Lost", order=4, probability=0, outcome="lost")
    globex = Account.objects.create(name="Globex")
    initech = Account.objects.create(name="Initech")
    ann, ben, carla = cast.east_rep, cast.east_rep2, cast.west_rep
    deals = {
        "globex_jan": deal(
            carla,
            "Globex first order",
            "12000",
            "won",
            won,
            "2025-12-01",
            "2026-01-20",
            globex,
            original_amount=Decimal("11000"),
            original_currency="EUR",
        ),
        "globex": deal(
            ann, "Globex expansion", "10000", "won", won, "2026-02-01", "2026-03-10", globex
        ),
        "initech": deal(
            ann, "Initech platform", "30000", "won", won, "2026-01-15", "2026-03-20", initech
        ),
        "ann_lost": deal(
            ann, "Lost to a competitor", "20000", "lost", lost, "2026-02-10", "2026-03-25", initech
        ),
        "ben_lost": deal(ben, "No decision", "5000", "lost", lost, "2026-02-01", "2026-03-15"),
        "carla_won": deal(carla, "Walk-in", "8000", "won", won, "2026-03-01", "2026-03-31"),
        "pushed": deal(
            ann, "Pushed deal", "50000", "open", proposal, "2026-03-01", "2026-04-15", globex
        ),
        "no_history": deal(
            carla, "Quiet deal", "7000", "open", prospecting, "2026-03-05", "2026-03-30"
        ),
    }
    pushed = deals["pushed"]
    StageChange.objects.create(
        opportunity=pushed,
        to_stage=prospecting,
        amount=Decimal("40000"),
        close_date=date(2026, 3, 28),
        changed_at=at("2026-03-02"),
    )
    StageChange.objects.create(
        opportunity=pushed,
        from_stage=prospecting,
        to_stage=proposal,
        amount=Decimal("50000"),
        close_date=date(2026, 4, 15),
        changed_at=at("2026-03-20"),
    )
    for day, kind in [
        ("2026-03-03", "discovery_call"),
        ("2026-03-12", "discovery_call"),
        ("2026-03-18", "demonstration"),
    ]:
        Activity.objects.create(owner=ann, type=kind, date=date.fromisoformat(day))
    Activity.objects.create(owner=ben, type="other", date=date(2026, 2, 27))
    Quota.objects.create(user=ann, month=date(2026, 3, 1), amount=Decimal("50000"))
    Quota.objects.create(user=ben, month=date(2026, 3, 1), amount=Decimal("40000"))
    commit = {"period_type": "month", "period_start": date(2026, 3, 1), "category": "commit"}
    ForecastSubmission.objects.create(
        user=ann, amount=Decimal("35000"), submitted_at=at("2026-02-27"), **commit
    )
    ForecastSubmission.objects.create(
        user=ann, amount=Decimal("45000"), submitted_at=at("2026-03-05"), **commit
    )
    ForecastSubmission.objects.create(
        user=ben, amount=Decimal("10000"), submitted_at=at("2026-03-01", 9), **commit
    )
    Goal.objects.create(metric="win_rate", scope="company", period="2026-03", target=Decimal("0.5"))
    Goal.objects.create(
        metric="bookings", scope="team", team=cast.east, period="2026-03", target=Decimal("60000")
    )
    return deals


def build_economics(cast: Cast, deals: dict[str, Opportunity]) -> None:
    """Around the March sales, worked by hand:

    Margins 3,000 (Globex), 9,000 (Initech), 2,000 (Carla's walk-in): 14,000 in March.
    Ann earns 73,000 + 36,500 a year: 9,300 for March's 31 days. Expenses: Ann 700, Ben 300.
    Invoices: Globex January 12,000 (paid 5 March), Globex March 10,000 (unpaid),
    Initech 30,000 (22 March, paid 30 March).
    Dev, consultant: 8 h billable (1,200 billed) on 2 March, 6 h billable (1,080) and 2 h
    internal on 3 March, all at a 180 standard rate; backlog 150 h on 1 February, 200 h on
    1 March. Leads: 2 Web and 1 Partner in March, 1 Web in February; spend 300 Web and 150
    Partner in March. Standards: 8 discovery calls and 4 demonstrations a month.
    """
    for key, margin in (("globex", "3000"), ("initech", "9000"), ("carla_won", "2000")):
        deals[key].gross_margin = Decimal(margin)
        deals[key].save()
    cast.east_rep.base_salary, cast.east_rep.variable_pay = Decimal("73000"), Decimal("36500")
    cast.east_rep.save()
    march = date(2026, 3, 1)
    SalesExpense.objects.create(
        user=cast.east_rep, month=march, category="travel", amount=Decimal("700")
    )
    SalesExpense.objects.create(
        user=cast.east_rep2, month=march, category="meals", amount=Decimal("300")
    )
    for key, amount, invoiced, paid in (
        ("globex_jan", "12000", "2026-01-25", "2026-03-05"),
        ("globex", "10000", "2026-03-12", None),
        ("initech", "30000", "2026-03-22", "2026-03-30"),
    ):
        day = date.fromisoformat(invoiced)
        Invoice.objects.create(
            account=deals[key].account,
            opportunity=deals[key],
            amount=Decimal(amount),
            invoice_date=day,
            due_date=date.fromordinal(day.toordinal() + 30),
            paid_date=date.fromisoformat(paid) if paid else None,
        )
    dev = cast.consultant
    rate = Decimal("180")
    TimeEntry.objects.create(
        consultant=dev,
        date=date(2026, 3, 2),
        hours=8,
        billable=True,
        billed_amount=Decimal("1200"),
        standard_rate=rate,
    )
    TimeEntry.objects.create(
        consultant=dev,
        date=date(2026, 3, 3),
        hours=6,
        billable=True,
        billed_amount=Decimal("1080"),
        standard_rate=rate,
    )
    TimeEntry.objects.create(
        consultant=dev, date=date(2026, 3, 3), hours=2, billable=False, standard_rate=rate
    )
    ServiceBacklog.objects.create(as_of=date(2026, 2, 1), consultant=dev, hours=150)
    ServiceBacklog.objects.create(as_of=march, consultant=dev, hours=200)
    for source, day in (
        ("Web", "2026-03-02"),
        ("Web", "2026-03-20"),
        ("Partner", "2026-03-09"),
        ("Web", "2026-02-11"),
    ):
        Lead.objects.create(lead_source=source, created_date=date.fromisoformat(day))
    MarketingSpend.objects.create(lead_source="Web", month=march, amount=Decimal("300"))
    MarketingSpend.objects.create(lead_source="Partner", month=march, amount=Decimal("150"))
    ActivityStandard.objects.create(activity_type="discovery_call", per="month", count=8)
    ActivityStandard.objects.create(activity_type="demonstration", per="month", count=4)


def late_win(cast: Cast) -> Opportunity:
    """A 2,000 deal West wins on 30 March, after `build_sales`: March's bookings move by it."""
    won = Stage.objects.get(name="Closed Won")
    return deal(cast.west_rep, "Late win", "2000", "won", won, "2026-03-02", "2026-03-30")

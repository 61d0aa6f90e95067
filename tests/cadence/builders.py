"""Deals with a hand-built stage history for the discipline tests: a sales process of four
open stages, won and lost, and deals whose every change is written as a CRM history export
would have left it. Times are at noon UTC, and the organisation is on UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from revsight.core.models import Organisation
from revsight.crm.models import Account, Activity, Opportunity, Stage, StageChange
from revsight.org.models import User

AS_OF = date(2026, 6, 30)
PROCESS = (
    ("Prospecting", 1, "open"),
    ("Qualification", 2, "open"),
    ("Proposal", 3, "open"),
    ("Negotiation", 4, "open"),
    ("Won", 5, "won"),
    ("Lost", 6, "lost"),
)

# One change: (day, stage, amount, expected close date).
Step = tuple[date, str, int | None, date | None]


def stages() -> dict[str, Stage]:
    Organisation.current()
    return {
        name: Stage.objects.get_or_create(
            name=name, defaults={"order": order, "outcome": outcome, "probability": 0}
        )[0]
        for name, order, outcome in PROCESS
    }


def at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def deal(
    owner: User,
    name: str,
    created: date,
    steps: list[Step],
    *,
    next_step: str = "Call the buyer",
    account: Account | None = None,
) -> Opportunity:
    """A deal whose current fields are its last step's."""
    known = stages()
    _, stage, amount, close = steps[-1]
    opportunity = Opportunity.objects.create(
        source="crm",
        external_id=f"X-{name}",
        owner=owner,
        name=name,
        account=account,
        stage=known[stage],
        status=known[stage].outcome,
        amount=None if amount is None else Decimal(amount),
        close_date=close,
        created_date=created,
        next_step=next_step,
    )
    previous = None
    for day, step_stage, step_amount, step_close in steps:
        StageChange.objects.create(
            opportunity=opportunity,
            from_stage=previous,
            to_stage=known[step_stage],
            amount=None if step_amount is None else Decimal(step_amount),
            close_date=step_close,
            changed_at=at(day),
        )
        previous = known[step_stage]
    return opportunity


def activity(
    owner: User, day: date, *, on: Opportunity | None = None, account: Account | None = None
) -> Activity:
    return Activity.objects.create(
        owner=owner,
        type="face_to_face_call",
        date=day,
        opportunity=on,
        account=account if account is not None else (on.account if on else None),
    )

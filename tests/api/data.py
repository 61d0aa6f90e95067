"""Sales records for the API's tests, written as an import would have left them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from revsight.crm.models import Account, Activity, Opportunity, Stage, StageChange
from revsight.org.models import User

PROPOSAL_ORDER = 2


def stages() -> dict[str, Stage]:
    return {
        name: Stage.objects.get_or_create(
            name=name, defaults={"order": order, "outcome": outcome, "probability": chance}
        )[0]
        for name, order, outcome, chance in (
            ("Discovery", 1, "open", Decimal("0.2")),
            ("Proposal", PROPOSAL_ORDER, "open", Decimal("0.5")),
            ("Won", 100, "won", Decimal(1)),
        )
    }


def deal(
    owner: User,
    external_id: str,
    *,
    stage: str = "Proposal",
    amount: str = "10000",
    close: date = date(2026, 3, 31),
    account: Account | None = None,
) -> Opportunity:
    found = stages()[stage]
    return Opportunity.objects.create(
        source="crm",
        external_id=external_id,
        name=f"Deal {external_id}",
        owner=owner,
        account=account,
        stage=found,
        status=found.outcome,
        amount=Decimal(amount),
        created_date=date(2026, 1, 5),
        close_date=close,
    )


def history(opportunity: Opportunity, *moves: tuple[str, str, datetime]) -> None:
    """(from stage, to stage, when) rows of a deal's stage history."""
    known = stages()
    for before, after, when in moves:
        StageChange.objects.create(
            opportunity=opportunity,
            from_stage=known[before] if before else None,
            to_stage=known[after],
            amount=opportunity.amount,
            close_date=opportunity.close_date,
            changed_at=when,
        )


def activity(owner: User, external_id: str, day: date) -> Activity:
    return Activity.objects.create(
        source="crm", external_id=external_id, owner=owner, type="discovery_call", date=day
    )


JAN_5 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
FEB_2 = datetime(2026, 2, 2, 15, 30, tzinfo=UTC)

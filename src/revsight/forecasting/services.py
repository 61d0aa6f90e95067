"""Forecast submissions: a salesperson's commit and best case for a month or a quarter.

Every submission is kept with its time, so accuracy can be measured on the first one of a period
and the changes seen afterwards. A manager may submit for the people they manage (an adjustment,
with a reason); `submitted_by` then records who did.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from revsight.access import visibility
from revsight.access.permissions import FORECASTERS
from revsight.core import audit, clock
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.core.models import Organisation
from revsight.core.money import parse_amount
from revsight.core.periods import Period, parse
from revsight.core.versions import mark_changed
from revsight.crm.models import ForecastSubmission
from revsight.org.models import User


def forecast_period(period_id: str, today: date | None = None) -> Period:
    """A month (`2026-03`) or a fiscal quarter (`2026-Q1`): what forecasts are made for."""
    fiscal = Organisation.current().fiscal_year_start_month
    period = parse(period_id, today or clock.today(), fiscal)
    if period.kind not in ("month", "quarter"):
        raise InvalidInput("period", period_id, "must be a month (2026-03) or a quarter (2026-Q1)")
    return period


def submit_forecast(
    email: str,
    period_id: str,
    commit: Any,
    best_case: Any = None,
    *,
    actor: User | None = None,
    note: str = "",
) -> list[ForecastSubmission]:
    """Record a commit (and a best case) for a person and period; returns the new rows.

    With an `actor` (the web), the actor must be the forecaster or manage them; the command line
    (no actor) is the operator's. A best case below the commit is refused."""
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise InvalidInput("user", email, "is not the email of anyone here")
    if user.role not in FORECASTERS:
        raise InvalidInput("user", email, "is not a salesperson or a manager")
    if actor is not None and actor.pk != user.pk and not visibility.can_see(actor, user):
        raise NotAllowed(f"user ({email!r}) is not someone whose forecast you enter", field="user")
    if actor is not None and actor.pk != user.pk and not note.strip():
        raise InvalidInput("note", "", "a manager's adjustment needs a reason")
    period = forecast_period(period_id)
    committed = parse_amount("commit", commit)
    best = parse_amount("best-case", best_case) if best_case not in (None, "") else None
    if best is not None and best < committed:
        raise InvalidInput("best-case", str(best), "must not be below the commit")
    now = timezone.now()
    rows = [("commit", committed)] + ([("best_case", best)] if best is not None else [])
    with transaction.atomic():
        created = [
            ForecastSubmission.objects.create(
                user=user,
                period_type=period.kind,
                period_start=period.start,
                category=category,
                amount=amount,
                submitted_at=now,
                submitted_by=actor if actor is not None and actor.pk != user.pk else None,
                note=note.strip()[:500],
            )
            for category, amount in rows
        ]
        mark_changed("forecasts")
        audit.record(
            "forecast.submit",
            f"{user.email} {period.id}: commit {committed}"
            + (f", best case {best}" if best is not None else ""),
            actor=actor,
            target=created[0],
        )
    return created

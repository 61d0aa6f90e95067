"""Forecast submissions: a salesperson's commit and best case for a month or a quarter.

Every submission is kept with its time, so accuracy can be measured on the first one of a period
and the changes seen afterwards. A manager may submit for the people they manage (an adjustment,
with a reason); `submitted_by` then records who did.

`record_submissions` is the one way submissions are stored: the Forecast page, the API and the
command line (`submit_forecast`, one person's commit and best case) and imports (batches) all
go through its checks: a forecaster, a real month or fiscal quarter, a commit or a best case,
an amount of zero or more, and a best case not below the commit given with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from revsight.access import visibility
from revsight.access.permissions import FORECASTERS, Reach
from revsight.core import audit, clock
from revsight.core.batches import Counts, RowProblem, upsert
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.core.models import Organisation
from revsight.core.money import parse_amount
from revsight.core.periods import Period, containing, parse
from revsight.core.versions import mark_changed
from revsight.crm.models import ForecastSubmission
from revsight.org.models import User

FORECAST_KINDS = ("month", "quarter")
NOT_A_FORECAST_PERIOD = "must be a month (2026-03) or a quarter (2026-Q1)"
KEY = ("user_id", "period_type", "period_start", "category", "submitted_at")


def forecast_period(period_id: str, today: date | None = None) -> Period:
    """A month (`2026-03`) or a fiscal quarter (`2026-Q1`): what forecasts are made for."""
    fiscal = Organisation.current().fiscal_year_start_month
    period = parse(period_id, today or clock.today(), fiscal)
    if period.kind not in FORECAST_KINDS:
        raise InvalidInput("period", period_id, NOT_A_FORECAST_PERIOD)
    return period


@dataclass(frozen=True)
class SubmissionRow:
    """One submission: the period as its kind (month, quarter) and first day; `amount` as
    typed or already a Decimal; `submitted_by_id` for a manager's adjustment."""

    user_id: int
    period_type: str
    period_start: date
    category: str  # commit or best_case
    amount: Any
    submitted_at: datetime
    note: str = ""
    submitted_by_id: int | None = None


def _period_problem(kind: str, start: date, fiscal: int) -> tuple[str, str, str] | None:
    if kind not in FORECAST_KINDS:
        return ("period_type", kind, NOT_A_FORECAST_PERIOD)
    if containing(kind, start, fiscal).start != start:
        what = "month" if kind == "month" else "fiscal quarter"
        return ("period_start", start.isoformat(), f"must be the first day of a {what}")
    return None


def check_submissions(
    rows: Sequence[SubmissionRow], reach: Reach | None = None
) -> tuple[list[RowProblem], list[Decimal]]:
    """Every problem of every row (none written), and the amounts read. With `reach`, a
    submission for someone outside it is a problem too (a forecaster's own are theirs)."""
    problems: list[RowProblem] = []
    users = User.objects.in_bulk({row.user_id for row in rows})
    fiscal = Organisation.current().fiscal_year_start_month
    amounts: list[Decimal] = []
    for index, row in enumerate(rows):
        user = users.get(row.user_id)
        if user is None or user.role not in FORECASTERS:
            shown = user.email if user else str(row.user_id)
            problems.append(RowProblem(index, "user", shown, "is not a salesperson or a manager"))
        elif reach is not None and (refused := reach.holder_refusal(row.user_id)):
            problems.append(RowProblem(index, "user", user.email, refused))
        wrong_period = _period_problem(row.period_type, row.period_start, fiscal)
        if wrong_period:
            problems.append(RowProblem(index, *wrong_period))
        if row.category not in ("commit", "best_case"):
            problems.append(
                RowProblem(index, "category", row.category, "must be commit or best_case")
            )
        try:
            amounts.append(parse_amount("amount", row.amount))
        except InvalidInput as exc:
            problems.append(RowProblem.of(index, exc))
            amounts.append(Decimal(0))
    problems.extend(_below_commit(rows, amounts, problems))
    return sorted(problems, key=lambda p: p.index), amounts


def _moment(row: SubmissionRow) -> tuple[Any, ...]:
    return (row.user_id, row.period_type, row.period_start, row.submitted_at)


def _below_commit(
    rows: Sequence[SubmissionRow], amounts: list[Decimal], problems: list[RowProblem]
) -> list[RowProblem]:
    """A best case below the commit of the same person, period and moment (in the batch or
    stored)."""
    bad = {p.index for p in problems}
    commits = {
        _moment(row): amount
        for index, (row, amount) in enumerate(zip(rows, amounts, strict=True))
        if row.category == "commit" and index not in bad
    }
    best = [i for i, r in enumerate(rows) if r.category == "best_case" and i not in bad]
    if any(_moment(rows[i]) not in commits for i in best):
        stored = ForecastSubmission.objects.filter(
            category="commit",
            user_id__in={rows[i].user_id for i in best},
            submitted_at__in={rows[i].submitted_at for i in best},
        ).values_list("user_id", "period_type", "period_start", "submitted_at", "amount")
        commits = {tuple(found[:4]): found[4] for found in stored} | commits
    found = []
    for index in best:
        row = rows[index]
        commit = commits.get(_moment(row))
        if commit is not None and amounts[index] < commit:
            found.append(
                RowProblem(index, "amount", str(amounts[index]), "must not be below the commit")
            )
    return found


def record_submissions(
    rows: Sequence[SubmissionRow],
    *,
    actor: User | None = None,
    audited: bool = True,
    reach: Reach | None = None,
) -> tuple[list[RowProblem], Counts]:
    """Check every row (against `reach` too, when given), then (only when none has a problem)
    store them, matched on person, period, category and time so the same row twice is one
    submission. Without `audited` (an import, which records its own entry) no audit entry is
    written."""
    problems, amounts = check_submissions(rows, reach)
    if problems:
        return problems, Counts()
    summary = f"{len(rows)} forecast submissions recorded"
    return [], _store(rows, amounts, actor=actor, summary=summary if audited else "")


def _store(
    rows: Sequence[SubmissionRow], amounts: list[Decimal], *, actor: User | None, summary: str
) -> Counts:
    keyed = []
    for row, amount in zip(rows, amounts, strict=True):
        fields = {
            "user_id": row.user_id,
            "period_type": row.period_type,
            "period_start": row.period_start,
            "category": row.category,
            "amount": amount,
            "submitted_at": row.submitted_at,
            "submitted_by_id": row.submitted_by_id,
            "note": row.note.strip()[:500],
        }
        keyed.append((tuple(fields[name] for name in KEY), fields))
    with transaction.atomic():
        counts = upsert(ForecastSubmission, keyed, KEY)
        if counts.changed:
            mark_changed("forecasts")
            if summary:
                audit.record("forecast.submit", summary, actor=actor)
    return counts


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
    (no actor) is the operator's. The first problem is raised as `InvalidInput`."""
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise InvalidInput("user", email, "is not the email of anyone here")
    if actor is not None and actor.pk != user.pk and not visibility.can_see(actor, user):
        raise NotAllowed(f"user ({email!r}) is not someone whose forecast you enter", field="user")
    if actor is not None and actor.pk != user.pk and not note.strip():
        raise InvalidInput("note", "", "a manager's adjustment needs a reason")
    fiscal = Organisation.current().fiscal_year_start_month
    period = parse(period_id, clock.today(), fiscal)
    now = timezone.now()
    adjusted_by = actor.pk if actor is not None and actor.pk != user.pk else None
    given = [("commit", commit)] + (
        [("best_case", best_case)] if best_case not in (None, "") else []
    )
    rows = [
        SubmissionRow(user.pk, period.kind, period.start, category, amount, now, note, adjusted_by)
        for category, amount in given
    ]
    problems, amounts = check_submissions(rows)
    if problems:
        first = problems[0]
        if first.field in ("period_type", "period_start"):
            raise InvalidInput("period", period_id, first.message)
        if first.field == "amount":
            label = "commit" if rows[first.index].category == "commit" else "best-case"
            raise first.error(label)
        raise first.error()
    shown = ", ".join(
        f"{r.category.replace('_', ' ')} {a}" for r, a in zip(rows, amounts, strict=True)
    )
    _store(rows, amounts, actor=actor, summary=f"{user.email} {period.id}: {shown}")
    return list(ForecastSubmission.objects.filter(user=user, submitted_at=now).order_by("id"))

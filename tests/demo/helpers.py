"""Reading the demo organisation back, month by month, with plain queries."""

from __future__ import annotations

from datetime import date

import numpy as np

from revsight.crm.models import Activity, Opportunity
from revsight.org.models import Role, User


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def salespeople() -> list[User]:
    """In the order the generator created them (see docs/demo.md for who is who)."""
    return list(User.objects.filter(role=Role.SALESPERSON).order_by("id"))


def bookings_by_rep_month(first: date, months: int) -> tuple[list[int], np.ndarray]:
    reps = [u.pk for u in salespeople()]
    index = {pk: i for i, pk in enumerate(reps)}
    grid = np.zeros((len(reps), months))
    rows = Opportunity.objects.filter(status="won").values_list("owner_id", "close_date", "amount")
    for owner, close, amount in rows:
        m = month_number(close) - month_number(first)
        if owner in index and 0 <= m < months:
            grid[index[owner], m] += float(amount)
    return reps, grid


def activities_by_rep_month(kind: str, first: date, months: int) -> np.ndarray:
    reps = [u.pk for u in salespeople()]
    index = {pk: i for i, pk in enumerate(reps)}
    grid = np.zeros((len(reps), months))
    for owner, day in Activity.objects.filter(type=kind).values_list("owner_id", "date"):
        m = month_number(day) - month_number(first)
        if owner in index and 0 <= m < months:
            grid[index[owner], m] += 1
    return grid


def lagged_correlation(leading: np.ndarray, following: np.ndarray, lag: int) -> float:
    """Correlation of `leading` in month m with `following` in month m + lag, within each rep
    (each rep's own average removed), pooled over reps who were active."""
    active = leading.sum(axis=1) > 0
    x = leading[active] - leading[active].mean(axis=1, keepdims=True)
    y = following[active] - following[active].mean(axis=1, keepdims=True)
    width = x.shape[1] - lag
    return float(np.corrcoef(x[:, :width].ravel(), y[:, lag:].ravel())[0, 1])

"""The staffing measure: salespeople per key, the weeks and months of each span so far, and what
the activity standards of each role expect of the key's people by the as-of day."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from revsight.analytics.context import Context
from revsight.core import periods

if TYPE_CHECKING:
    from revsight.analytics.measures import Cell


def staffing(ctx: Context) -> dict[Cell, dict[str, Any]]:
    """Salespeople per key, the weeks and months of each span so far, and what the activity
    standards of each role expect of the key's people by the as-of day (read from the engine's
    facts, like every measure).

    A standard's expectation to date is its expectation over the whole period (a weekly one ×
    days / 7, a monthly one × days × 12 / 365) × the share of the period gone by, in selling or
    calendar days as the organisation paces its goals (`periods.elapsed_share`): the goal to
    date of the dashboards' tiles, applied to activity."""
    roles = ctx.fact("users").select("id", "role").execute()
    role_of = dict(zip(roles["id"].tolist(), roles["role"].tolist(), strict=True))
    standards = ctx.fact("activity_standards").execute().sort_values("id").to_dict("records")
    staffed = {"salesperson"} | {str(standard["role"]) for standard in standards}
    people: dict[str, dict[str, int]] = {}
    for user_id, key in ctx.members.pairs:
        role = role_of.get(user_id)
        if role in staffed:
            counts = people.setdefault(key, {})
            counts[role] = counts.get(role, 0) + 1
    expected: dict[Cell, dict[str, Any]] = {}
    for number, period in enumerate(ctx.spans):
        days = (ctx.last_day_of(period) - period.start).days + 1
        if days > 0:
            expected.update(_expected(ctx, number, period, days, people, standards))
    return expected


def _expected(
    ctx: Context,
    number: int,
    period: periods.Period,
    days: int,
    people: dict[str, dict[str, int]],
    standards: list[dict[str, Any]],
) -> dict[Cell, dict[str, Any]]:
    """`staffing` for one span of `days` days so far."""
    expected: dict[Cell, dict[str, Any]] = {
        (number, key): {
            "salespeople": counts.get("salesperson", 0),
            "weeks": days / 7,
            "months": days * 12 / 365,
        }
        for key, counts in people.items()
    }
    # The calendar days the standard is owed for: all of them paced by calendar days, the
    # period's days × the share of its selling days gone by paced by selling days.
    elapsed, total = periods.days_elapsed(period, ctx.as_of, ctx.pacing)
    owed = period.days * elapsed / total if total else float(days)
    for standard in standards:
        spans = owed / 7 if standard["per"] == "week" else owed * 12 / 365
        name = f"expected_{standard['activity_type']}"
        for key, counts in people.items():
            staff = counts.get(str(standard["role"]), 0)
            if staff:
                expected[(number, key)][name] = (
                    expected[(number, key)].get(name, 0.0)
                    + float(standard["count"]) * spans * staff
                )
    return expected

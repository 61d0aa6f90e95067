"""The business plans' services: a salesperson's plan for a fiscal half from their quota and
their own history, tracked month by month against what happened, and who writes what.

Ratios come from the twelve months before the half (or to the day the plan is made, if
earlier); one the salesperson's own history leaves undefined (no deal decided, nothing won)
is their team's, else the company's, and says so. The quota is the salesperson's monthly
quotas for the half (Settings → Quotas); only when none is set does the manager type one.

The salesperson writes their own strategies; their managers (and executives) make the plan,
type a missing quota and add notes. `actor` None is the operator at the command line. Every
write is checked first, made in one transaction and recorded in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from revsight.access import permissions, visibility
from revsight.analytics.computation import compute
from revsight.analytics.scopes import Membership, person, salespeople_in
from revsight.core import audit, clock, money, periods
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import Organisation
from revsight.org.models import Quota, Role, Team, TeamTree, User
from revsight.planning import business
from revsight.planning.business import MonthActual, Ratio, Ratios
from revsight.planning.models import BusinessPlan

HISTORY_MONTHS = 12
MAX_TEXT = 8000
RATIO_METRICS = {
    "win_rate": "win_rate",
    "average_deal": "average_order_value",
    "cycle_days": "sales_cycle_days_mean",
}
TRACKED = ["bookings", "opportunities_created", "activity_count"]


def _fiscal() -> int:
    return Organisation.current().fiscal_year_start_month


def half_named(raw: Any, as_of: date | None = None) -> periods.Period:
    """A fiscal half (`2027-H1`); blank: the half containing the as-of date."""
    text = str(raw or "").strip()
    if not text:
        return periods.containing("half", as_of or clock.today(), _fiscal())
    found = periods.parse(text, date.min, _fiscal())
    if found.kind != "half":
        raise InvalidInput("half", text, "must be a fiscal half-year such as 2027-H1")
    periods.check_day("half", found.start)
    return found


def months_of(half: periods.Period) -> list[date]:
    return [periods.add_months(half.start, n) for n in range(periods.months_spanned(half))]


# -- ratios ----------------------------------------------------------------------------------


def history_of(half: periods.Period, as_of: date) -> periods.Period:
    until = min(half.start - timedelta(days=1), as_of)
    since = periods.add_months(until.replace(day=1), -(HISTORY_MONTHS - 1))
    return periods.Period(f"{since:%Y-%m-%d}..{until:%Y-%m-%d}", "custom", since, until)


def _values(history: periods.Period, by: str, members: Any = None) -> dict[str, dict[str, Any]]:
    """The ratio metrics over the history for every key of a scope, with activities per
    opportunity beside them."""
    metrics = [*RATIO_METRICS.values(), "activity_count", "opportunities_created"]
    result = compute(metrics, history, history.end, by=by, members=members)
    by_key: dict[str, dict[str, Any]] = {}
    for row in result.rows:
        by_key.setdefault(row.key, {})[row.metric] = row.value
    for values in by_key.values():
        created = values.get("opportunities_created") or 0
        values["activities_per_opportunity"] = (
            (values.get("activity_count") or 0) / created if created else None
        )
    return by_key


def ratios_of(
    people: list[User], half: periods.Period, as_of: date, members: Membership | None = None
) -> dict[int, Ratios]:
    """Each salesperson's ratios, each from the first of their own, their team's and the
    company's histories that defines it (a win rate or an average deal of zero defines
    nothing: it turns no quota into opportunities). Three queries, whoever the people are."""
    history = history_of(half, as_of)
    own = _values(history, "rep", members)
    teams = _values(history, "team")
    company = _values(history, "company").get("company", {})
    names = TeamTree.load().names

    def first(levels: list[tuple[str, dict[str, Any]]], name: str) -> Ratio:
        metric = RATIO_METRICS.get(name, name)
        for source, values in levels:
            value = values.get(metric)
            if value:
                return Ratio(round(float(value), 6), source)
        return Ratio(None, "")

    found = {}
    for someone in people:
        levels = [("own", own.get(someone.email, {}))]
        if someone.team_id is not None:
            levels.append(("team", teams.get(names.get(someone.team_id, ""), {})))
        levels.append(("company", company))
        found[someone.pk] = Ratios(
            first(levels, "win_rate"),
            first(levels, "average_deal"),
            first(levels, "activities_per_opportunity"),
            first(levels, "cycle_days"),
            history.start,
            history.end,
        )
    return found


def measure_ratios(salesperson: User, half: periods.Period, as_of: date) -> Ratios:
    return ratios_of([salesperson], half, as_of, person(salesperson))[salesperson.pk]


# -- quota -----------------------------------------------------------------------------------


def set_quotas(salesperson: User, half: periods.Period) -> dict[date, float]:
    rows = Quota.objects.filter(
        user=salesperson, month__gte=half.start, month__lte=half.end
    ).values_list("month", "amount")
    return {month: float(amount) for month, amount in rows}


def quotas_of(
    salesperson: User, half: periods.Period, typed: Decimal | None
) -> list[tuple[date, float]] | None:
    """Each month's quota: those set (a month without one is 0), else the typed quota spread
    evenly; None when there is neither."""
    found = set_quotas(salesperson, half)
    months = months_of(half)
    if found:
        return [(m, found.get(m, 0.0)) for m in months]
    if typed is None:
        return None
    return [(m, float(typed) / len(months)) for m in months]


# -- tracking --------------------------------------------------------------------------------


def _actuals(
    members: Membership | None, half: periods.Period, as_of: date
) -> dict[str, list[MonthActual]]:
    """Each salesperson's months of the half begun by the as-of date: bookings, opportunities
    created and activities in the month, and the open pipeline at its end expected to close
    in the rest of the half. One query for the months, one per month for the pipeline."""
    begun = [m for m in months_of(half) if m <= as_of]
    if not begun:
        return {}
    fiscal, pacing = _fiscal(), Organisation.current().pacing
    last = periods.containing("month", begun[-1], fiscal)
    result = compute(TRACKED, last, as_of, by="rep", trend=len(begun) - 1, members=members)
    monthly: dict[tuple[str, str], list[Any]] = {}
    for row in result.rows:
        monthly[(row.metric, row.key)] = [*(row.trend or []), row.value]
    pipelines: list[dict[str, float]] = []
    for start in begun:
        month = periods.containing("month", start, fiscal)
        day = min(month.end, as_of)
        if day >= half.end:
            pipelines.append({})
            continue
        rest = periods.Period("rest", "custom", day + timedelta(days=1), half.end)
        found = compute(["pipeline_value"], rest, day, by="rep", members=members)
        pipelines.append({row.key: float(row.value or 0) for row in found.rows})
    keys = {key for _, key in monthly}
    actuals: dict[str, list[MonthActual]] = {}
    for key in keys:
        rows = []
        for n, start in enumerate(begun):
            month = periods.containing("month", start, fiscal)

            def at(metric: str, n: int = n, key: str = key) -> Any:
                return (monthly.get((metric, key)) or [None] * len(begun))[n] or 0

            rows.append(
                MonthActual(
                    start,
                    periods.elapsed_share(month, as_of, pacing),
                    float(at("bookings")),
                    int(at("opportunities_created")),
                    int(at("activity_count")),
                    pipelines[n].get(key, 0.0),
                )
            )
        actuals[key] = rows
    return actuals


@dataclass(frozen=True)
class PlanView:
    """A plan as its page shows it: the targets, the months tracked so far, the status."""

    salesperson: User
    half: periods.Period
    as_of: date
    plan: BusinessPlan | None
    ratios: Ratios
    quotas: list[tuple[date, float]] | None
    targets: list[business.MonthTarget]
    tracked: list[business.Tracked]

    @property
    def quota(self) -> float | None:
        return sum(a for _, a in self.quotas) if self.quotas is not None else None

    @property
    def status(self) -> str:
        """on track, behind, not started (the half is ahead), or no quota."""
        if self.quotas is None:
            return "no quota"
        if not self.tracked:
            return "not started"
        return "on track" if self.tracked[-1].on_track else "behind"

    @property
    def last_day_to_create(self) -> date | None:
        """The last day a new opportunity can be created and still close in the half, at the
        salesperson's usual cycle."""
        days = self.ratios.cycle_days.value
        return self.half.end - timedelta(days=round(days)) if days is not None else None


def view(
    salesperson: User,
    half: periods.Period,
    as_of: date,
    plan: BusinessPlan | None,
    actuals: list[MonthActual] | None = None,
    measured: Ratios | None = None,
) -> PlanView:
    """The plan (or, without one, what it would be from the ratios `measured` now)."""
    if plan is not None:
        ratios = Ratios.from_json(plan.ratios)
    else:
        ratios = measured or measure_ratios(salesperson, half, as_of)
    quotas = quotas_of(salesperson, half, plan.typed_quota if plan else None)
    targets = business.targets(quotas, ratios) if quotas is not None else []
    if actuals is None:
        actuals = _actuals(person(salesperson), half, as_of).get(salesperson.email, [])
    tracked = business.track(sum(a for _, a in quotas), targets, actuals) if quotas else []
    return PlanView(salesperson, half, as_of, plan, ratios, quotas, targets, tracked)


# -- reading and permissions -----------------------------------------------------------------


def salesperson_named(actor: User | None, raw: Any) -> User:
    text = str(raw or "").strip()
    people = User.objects.filter(role=Role.SALESPERSON)
    found = (
        people.filter(pk=int(text)).first()
        if text.isdigit()
        else people.filter(email__iexact=text).first()
    )
    seen = visibility.visible_user_ids(actor) if actor is not None else None
    if found is None or (seen is not None and found.pk not in seen):
        raise NotFound(f"No salesperson {text!r} (or they are not yours to see).")
    return found


def plan_of(actor: User | None, salesperson: User, half: periods.Period) -> BusinessPlan | None:
    plans = BusinessPlan.objects.filter(salesperson=salesperson, half=half.id)
    return visibility.scope_as(actor, plans).first()


def may_manage(actor: User | None, salesperson: User) -> bool:
    """Make the plan, type a missing quota, write notes: their managers and executives."""
    if actor is None:
        return True
    return actor.pk != salesperson.pk and permissions.may_target_user(actor, salesperson)


def may_write_strategies(actor: User | None, salesperson: User) -> bool:
    """The strategies are the salesperson's own words."""
    return actor is None or actor.pk == salesperson.pk


def may_make(actor: User | None, salesperson: User) -> bool:
    return may_manage(actor, salesperson) or may_write_strategies(actor, salesperson)


# -- writing ---------------------------------------------------------------------------------


def _text(field: str, raw: Any) -> str:
    text = str(raw or "").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(field, text[:40], f"is longer than {MAX_TEXT} characters")
    return text


def _typed_quota(raw: Any, salesperson: User, half: periods.Period) -> Decimal | None:
    if money.is_blank(raw):
        return None
    if set_quotas(salesperson, half):
        raise InvalidInput(
            "quota", str(raw), "is set month by month for this half (Settings → Quotas)"
        )
    value = money.parse_amount("quota", raw)
    if value <= 0:
        raise InvalidInput("quota", str(raw), "must be more than zero")
    return value


def save(
    actor: User | None,
    salesperson: User,
    half: periods.Period,
    text: Mapping[str, Any],
    as_of: date | None = None,
) -> BusinessPlan:
    """Make the half's plan, or change it: `strategies` (the salesperson's), `manager_notes`
    and `quota` (their managers'), `refresh` (measure the ratios again). Only the fields
    given are changed; one a person may not write is refused."""
    if not may_make(actor, salesperson):
        raise NotAllowed("A business plan is made by the salesperson or their managers.")
    if salesperson.role != Role.SALESPERSON:
        raise InvalidInput("salesperson", salesperson.email, "is not a salesperson")
    day = as_of or clock.today()
    changes: dict[str, Any] = {}
    if "strategies" in text:
        if not may_write_strategies(actor, salesperson):
            raise NotAllowed("The strategies are written by the salesperson.")
        changes["strategies"] = _text("strategies", text["strategies"])
    for field, key in (("manager_notes", "manager_notes"), ("typed_quota", "quota")):
        if key in text:
            if not may_manage(actor, salesperson):
                raise NotAllowed("Quota and notes are written by the salesperson's managers.")
            changes[field] = (
                _text(key, text[key])
                if field == "manager_notes"
                else _typed_quota(text[key], salesperson, half)
            )
    with transaction.atomic():
        found = plan_of(actor, salesperson, half)
        created = found is None
        if found is None:
            found = BusinessPlan(salesperson=salesperson, half=half.id, created_by=actor)
        if created or text.get("refresh"):
            found.ratios = measure_ratios(salesperson, half, day).as_json()
        for field, value in changes.items():
            setattr(found, field, value)
        if quotas_of(salesperson, half, found.typed_quota) is None:
            raise InvalidInput(
                "quota",
                "",
                f"is not set for {half.id}: set the monthly quotas (Settings → Quotas) or, "
                "as their manager, type the half's quota",
            )
        found.save()
        audit.record(
            "planning.business_plan_saved",
            f"Business plan {half.id} of {salesperson.email} "
            f"{'made' if created else 'changed'}: {', '.join(sorted(changes)) or 'ratios'}",
            actor=actor,
            target=found,
            details={
                "half": half.id,
                "salesperson": salesperson.email,
                "changed": sorted(
                    [*changes, *(["ratios"] if created or text.get("refresh") else [])]
                ),
            },
        )
    return found


def delete(actor: User | None, salesperson: User, half: periods.Period) -> None:
    found = plan_of(actor, salesperson, half)
    if found is None:
        raise NotFound(f"{salesperson.email} has no business plan for {half.id}.")
    if not may_manage(actor, salesperson):
        raise NotAllowed("A business plan is deleted by the salesperson's managers.")
    with transaction.atomic():
        audit.record(
            "planning.business_plan_deleted",
            f"Business plan {half.id} of {salesperson.email} deleted",
            actor=actor,
            target=found,
            details={"half": half.id, "salesperson": salesperson.email},
        )
        found.delete()


# -- the team's plans ------------------------------------------------------------------------


def board(
    actor: User | None, half: periods.Period, as_of: date, team: Team | None = None
) -> list[PlanView]:
    """Every salesperson the actor sees employed in the half (in `team` and its sub-teams
    when given), with their plan or what it would be, tracked from one set of queries."""
    people = salespeople_in(half)
    seen = visibility.visible_user_ids(actor) if actor is not None else None
    if seen is not None:
        people = [p for p in people if p.pk in seen]
    if team is not None:
        below = TeamTree.load().descendants(team.pk)
        people = [p for p in people if p.team_id in below]
    if not people:
        return []
    members = Membership(
        "rep",
        [p.email for p in people],
        [(p.pk, p.email) for p in people],
        {p.email: p.name or p.email for p in people},
    )
    actuals = _actuals(members, half, as_of)
    plans = {
        p.salesperson_id: p
        for p in BusinessPlan.objects.filter(half=half.id, salesperson__in=people)
    }
    unplanned = [p for p in people if p.pk not in plans]
    measured = ratios_of(unplanned, half, as_of, members) if unplanned else {}
    return [
        view(p, half, as_of, plans.get(p.pk), actuals.get(p.email, []), measured.get(p.pk))
        for p in people
    ]


def _number(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value + 0.0, places)


def as_json(found: PlanView) -> dict[str, Any]:
    plan = found.plan
    return {
        "salesperson": found.salesperson.email,
        "name": found.salesperson.name,
        "half": {
            "id": found.half.id,
            "start": found.half.start.isoformat(),
            "end": found.half.end.isoformat(),
        },
        "as_of": found.as_of.isoformat(),
        "planned": plan is not None,
        "status": found.status,
        "quota": _number(found.quota),
        "pipeline_target": _number(
            business.PIPELINE_MULTIPLE * found.quota if found.quota is not None else None
        ),
        "ratios": found.ratios.as_json(),
        "last_day_to_create": (
            found.last_day_to_create.isoformat() if found.last_day_to_create else None
        ),
        "months": [
            {
                "month": f"{t.month:%Y-%m}",
                "quota": _number(t.quota),
                "wins": _number(t.wins),
                "opportunities": _number(t.opportunities),
                "activities": _number(t.activities),
                "pipeline": _number(t.pipeline),
            }
            for t in found.targets
        ],
        "tracked": [
            {
                "month": f"{t.month:%Y-%m}",
                "share": round(t.share, 4),
                "bookings_to_date": _number(t.bookings_to_date),
                "quota_to_date": _number(t.quota_to_date),
                "opportunities_to_date": t.opportunities_to_date,
                "opportunities_needed": _number(t.opportunities_needed),
                "activities": t.activities,
                "activities_needed": _number(t.activities_needed),
                "pipeline": _number(t.pipeline),
                "pipeline_needed": _number(t.pipeline_needed),
                "status": "on track" if t.on_track else "behind",
            }
            for t in found.tracked
        ],
        "strategies": plan.strategies if plan else "",
        "manager_notes": plan.manager_notes if plan else "",
    }

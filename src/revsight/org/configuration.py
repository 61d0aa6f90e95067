"""What a sales leader sets: the fiscal year, stages, activity standards, quotas and goals.

Every function validates everything before writing, raises `InvalidInput` naming the field,
writes in one transaction, tells the analytics replica what changed and records the audit entry.
Who may change what is checked here too, so a page or an API cannot forget it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from revsight.access import permissions
from revsight.analytics.catalogue import BY_ID
from revsight.core import audit, clock, money
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.core.models import Organisation
from revsight.core.periods import parse as parse_period
from revsight.core.versions import mark_changed
from revsight.crm.models import ActivityType, Stage
from revsight.org.models import (
    ActivityStandard,
    Goal,
    GoalScope,
    Quota,
    Role,
    Team,
    User,
)


def _require_organisation(actor: User) -> None:
    permissions.require(
        permissions.may_configure_organisation(actor),
        f"{actor.email} may not change organisation settings",
    )


def _number(field: str, raw: Any, low: Decimal, high: Decimal, places: int = 2) -> Decimal:
    """A number in the one amount syntax (`core.money`), within `low`–`high`."""
    value = money.parse_number(field, raw, places=places, negative_ok=low < 0)
    if not low <= value <= high:
        raise InvalidInput(field, str(raw).strip(), f"must be between {low} and {high}")
    return value


def set_fiscal_year_start(actor: User, month: Any) -> Organisation:
    _require_organisation(actor)
    try:
        value = int(str(month))
    except ValueError:
        raise InvalidInput("fiscal_year_start_month", str(month), "is not a month number") from None
    if not 1 <= value <= 12:
        raise InvalidInput("fiscal_year_start_month", str(month), "must be 1 (January) to 12")
    organisation = Organisation.current()
    if organisation.fiscal_year_start_month != value:
        with transaction.atomic():
            before = organisation.fiscal_year_start_month
            organisation.fiscal_year_start_month = value
            organisation.save(update_fields=["fiscal_year_start_month"])
            audit.record(
                "settings.fiscal_year",
                f"Fiscal year now starts in month {value} (was {before})",
                actor=actor,
                target=organisation,
            )
    return organisation


@dataclass
class StageRow:
    id: int | None
    name: str
    order: Any
    probability: Any  # a percentage, 0–100
    outcome: str


def save_stages(actor: User, rows: list[StageRow]) -> list[Stage]:
    """Rename, reorder and set probabilities of stages, and add new ones (rows without id)."""
    _require_organisation(actor)
    existing = {stage.pk: stage for stage in Stage.objects.all()}
    cleaned: list[tuple[Stage, dict[str, Any]]] = []
    names: set[str] = set()
    for number, row in enumerate(rows, start=1):
        where = f"stage {number}"
        name = row.name.strip()
        if not name:
            raise InvalidInput(f"{where} name", "", "is required")
        if len(name) > 100:
            raise InvalidInput(f"{where} name", name[:40], "is longer than 100 characters")
        if name.lower() in names:
            raise InvalidInput(f"{where} name", name, "is used by another stage")
        names.add(name.lower())
        order = int(_number(f"{where} order", row.order, Decimal(0), Decimal(32767), 0))
        probability = _number(f"{where} probability", row.probability, Decimal(0), Decimal(100))
        if row.outcome not in Stage.Outcome.values:
            raise InvalidInput(f"{where} outcome", row.outcome, "must be open, won or lost")
        if row.id is not None and row.id not in existing:
            raise InvalidInput(f"{where}", str(row.id), "is not a stage")
        stage = existing[row.id] if row.id is not None else Stage()
        cleaned.append(
            (
                stage,
                {
                    "name": name,
                    "order": order,
                    "probability": probability / 100,
                    "outcome": row.outcome,
                },
            )
        )
    changed = []
    with transaction.atomic():
        for stage, fields in cleaned:
            different = stage.pk is None or any(getattr(stage, k) != v for k, v in fields.items())
            if different:
                for key, value in fields.items():
                    setattr(stage, key, value)
                stage.save()
                changed.append(stage.name)
        if changed:
            mark_changed("stages")
            audit.record("settings.stages", f"Stages changed: {', '.join(changed)}", actor=actor)
    return [stage for stage, _ in cleaned]


def set_activity_standard(
    actor: User, role: str, activity_type: str, per: str, count: Any
) -> ActivityStandard | None:
    """How many activities of a type the role should do per week or month; blank removes it."""
    _require_organisation(actor)
    if role not in Role.values:
        raise InvalidInput("role", role, f"must be one of: {', '.join(Role.values)}")
    if activity_type not in ActivityType.values or activity_type == ActivityType.OTHER:
        raise InvalidInput("activity type", activity_type, "is not a standard activity type")
    if per not in ActivityStandard.Per.values:
        raise InvalidInput(f"{activity_type} per", per, "must be week or month")
    label = f"{activity_type} count"
    existing = ActivityStandard.objects.filter(role=role, activity_type=activity_type).first()
    if str(count).strip() == "":
        if existing is not None:
            with transaction.atomic():
                existing.delete()
                mark_changed("activity_standards")
                audit.record(
                    "settings.standard", f"No standard for {activity_type} ({role})", actor=actor
                )
        return None
    value = _number(label, count, Decimal(0), Decimal(10000))
    if existing and existing.per == per and existing.count == value:
        return existing
    with transaction.atomic():
        standard, _ = ActivityStandard.objects.update_or_create(
            role=role, activity_type=activity_type, defaults={"per": per, "count": value}
        )
        mark_changed("activity_standards")
        audit.record(
            "settings.standard",
            f"Standard for {role}: {value} {activity_type} per {per}",
            actor=actor,
            target=standard,
        )
    return standard


def set_quotas(actor: User, cells: dict[tuple[int, date], Any]) -> int:
    """Monthly quotas per salesperson: {(user id, first of month): amount or blank}. Every cell
    is checked before any is written; a blank cell removes that month's quota. Returns how many
    quotas changed."""
    permissions.require(permissions.may_set_targets(actor), f"{actor.email} may not set quotas")
    people = User.objects.in_bulk({user_id for user_id, _ in cells})
    wanted: dict[tuple[int, date], Decimal | None] = {}
    for (user_id, month), raw in cells.items():
        person = people.get(user_id)
        field = f"quota {person.email if person else user_id} {month:%Y-%m}"
        if person is None or not permissions.may_target_user(actor, person):
            raise NotAllowed(f"{field} is not someone whose quota you set", field=field)
        if month.day != 1:
            raise InvalidInput(field, month.isoformat(), "must be the first day of a month")
        blank = str(raw).strip() == "" if raw is not None else True
        wanted[(user_id, month)] = None if blank else money.parse_amount(field, raw)
    current = {
        (q.user_id, q.month): q
        for q in Quota.objects.filter(user_id__in=people, month__in={m for _, m in cells})
    }
    changes = 0
    with transaction.atomic():
        for (user_id, month), amount in wanted.items():
            quota = current.get((user_id, month))
            if amount is None:
                if quota is not None:
                    quota.delete()
                    changes += 1
            elif quota is None:
                Quota.objects.create(user_id=user_id, month=month, amount=amount)
                changes += 1
            elif quota.amount != amount:
                quota.amount = amount
                quota.save(update_fields=["amount"])
                changes += 1
        if changes:
            mark_changed("quotas")
            audit.record("settings.quotas", f"{changes} monthly quotas changed", actor=actor)
    return changes


def set_goal(
    actor: User,
    metric: str,
    scope: str,
    period: str,
    target: Any,
    team_id: int | None = None,
    user_id: int | None = None,
) -> Goal | None:
    """A goal for a metric, scope and period id; a blank target removes it."""
    permissions.require(permissions.may_set_targets(actor), f"{actor.email} may not set goals")
    if metric not in BY_ID:
        raise InvalidInput("metric", metric, "is not a metric id (see docs/metrics.md)")
    if scope not in GoalScope.values:
        raise InvalidInput("scope", scope, "must be company, team or user")
    try:
        period_id = parse_period(period, clock.today()).id
    except InvalidInput as exc:
        raise InvalidInput("period", period, exc.message) from None
    team = user = None
    if scope == GoalScope.COMPANY:
        if not actor.sees_everything:
            raise NotAllowed("company goals are set by executives", field="scope")
    elif scope == GoalScope.TEAM:
        team = Team.objects.filter(pk=team_id or 0).first()
        if team is None or not permissions.may_target_team(actor, team):
            raise NotAllowed("team: not a team whose goals you set", field="team")
    else:
        user = User.objects.filter(pk=user_id or 0).first()
        if user is None or not permissions.may_target_user(actor, user):
            raise NotAllowed("salesperson: not someone whose goals you set", field="salesperson")
    existing = Goal.objects.filter(
        metric=metric, scope=scope, team=team, user=user, period=period_id
    ).first()
    if str(target).strip() == "":
        if existing is not None:
            with transaction.atomic():
                existing.delete()
                audit.record("settings.goal", f"Goal removed: {metric} {period_id}", actor=actor)
        return None
    value = _number("target", target, Decimal("-1e12"), Decimal("1e12"), 4)
    with transaction.atomic():
        goal, _ = Goal.objects.update_or_create(
            metric=metric,
            scope=scope,
            team=team,
            user=user,
            period=period_id,
            defaults={"target": value},
        )
        holder = team.name if team else user.email if user else "company"
        audit.record(
            "settings.goal",
            f"Goal {metric} {period_id} for {holder}: {value}",
            actor=actor,
            target=goal,
        )
    return goal

"""What a sales leader sets: the fiscal year, stages, activity standards, quotas and goals.

Every function validates everything before writing, raises `InvalidInput` naming the field,
writes in one transaction, tells the analytics replica what changed and records the audit entry.
Who may change what is checked here too, so a page or an API cannot forget it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from revsight.access import permissions
from revsight.access.permissions import Reach
from revsight.analytics.catalogue import BY_ID, SHARES, SIGNED, in_percent
from revsight.core import audit, clock, money, periods
from revsight.core.batches import Counts, RowProblem, upsert
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.core.models import AuditEntry, Organisation
from revsight.core.periods import PACING_BASES
from revsight.core.periods import parse as parse_period
from revsight.core.versions import mark_changed
from revsight.crm.models import ActivityType
from revsight.org.models import (
    ActivityStandard,
    Goal,
    GoalScope,
    Quota,
    Role,
    Team,
    User,
)


def require_organisation(actor: User) -> None:
    permissions.require(
        permissions.may_configure_organisation(actor),
        f"{actor.email} may not change organisation settings",
    )


def number(field: str, raw: Any, low: Decimal, high: Decimal, places: int = 2) -> Decimal:
    """A number in the one amount syntax (`core.money`), within `low`–`high`."""
    value = money.parse_number(field, raw, places=places, negative_ok=low < 0)
    if not low <= value <= high:
        raise InvalidInput(field, str(raw).strip(), f"must be between {low} and {high}")
    return value


def _set_on_organisation(
    actor: User, field: str, value: Any, action: str, says: Callable[[Any], str]
) -> Organisation:
    """Change one of the organisation's own fields, audited, when it differs."""
    organisation = Organisation.current()
    before = getattr(organisation, field)
    if before != value:
        with transaction.atomic():
            setattr(organisation, field, value)
            organisation.save(update_fields=[field])
            audit.record(action, says(before), actor=actor, target=organisation)
    return organisation


def set_fiscal_year_start(actor: User, month: Any) -> Organisation:
    require_organisation(actor)
    try:
        value = int(str(month))
    except ValueError:
        raise InvalidInput("fiscal_year_start_month", str(month), "is not a month number") from None
    if not 1 <= value <= 12:
        raise InvalidInput("fiscal_year_start_month", str(month), "must be 1 (January) to 12")
    organisation = _set_on_organisation(
        actor,
        "fiscal_year_start_month",
        value,
        "settings.fiscal_year",
        lambda before: f"Fiscal year now starts in month {value} (was {before})",
    )
    if not AuditEntry.objects.filter(action="settings.fiscal_year").exists():
        # Kept as it was, but now chosen: the setup checklist reads this entry.
        audit.record(
            "settings.fiscal_year",
            f"Fiscal year confirmed to start in month {value}",
            actor=actor,
            target=organisation,
        )
    return organisation


def set_pacing(actor: User, basis: Any) -> Organisation:
    """What goals to date are pro-rated by: selling days (Monday to Friday) or calendar days."""
    require_organisation(actor)
    value = str(basis).strip()
    if value not in PACING_BASES:
        raise InvalidInput("pacing", value, f"must be one of: {', '.join(PACING_BASES)}")
    return _set_on_organisation(
        actor,
        "pacing",
        value,
        "settings.pacing",
        lambda before: f"Goals to date now pro-rated by {PACING_BASES[value]} (was {before})",
    )


def set_activity_standard(
    actor: User, role: str, activity_type: str, per: str, count: Any
) -> ActivityStandard | None:
    """How many activities of a type the role should do per week or month; blank removes it."""
    require_organisation(actor)
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
    value = number(label, count, Decimal(0), Decimal(10000))
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


@dataclass(frozen=True)
class QuotaRow:
    """A monthly quota of a salesperson or a team (exactly one of them); an `amount` of None
    removes that month's quota."""

    user_id: int | None
    team_id: int | None
    month: date
    amount: Any


QUOTA_KEY = ("user_id", "team_id", "month")


def check_quotas(
    rows: Sequence[QuotaRow], reach: Reach | None = None
) -> tuple[list[RowProblem], list[Decimal | None]]:
    """Every problem of every row, naming the row's field (user, month, amount), and the
    amounts read (None: remove). With `reach`, a quota outside it is a problem too."""
    problems: list[RowProblem] = list(_out_of_reach(rows, reach))
    amounts: list[Decimal | None] = []
    for index, row in enumerate(rows):
        if (row.user_id is None) == (row.team_id is None):
            problems.append(
                RowProblem(
                    index,
                    "user",
                    "",
                    "give either a salesperson's email or a team name, not both or neither",
                )
            )
        if row.month.day != 1:
            problems.append(
                RowProblem(
                    index, "month", row.month.isoformat(), "must be the first day of a month"
                )
            )
        try:
            amounts.append(
                None if money.is_blank(row.amount) else money.parse_amount("amount", row.amount)
            )
        except InvalidInput as exc:
            problems.append(RowProblem.of(index, exc))
            amounts.append(None)
    return sorted(problems, key=lambda p: p.index), amounts


def _out_of_reach(rows: Sequence[QuotaRow | GoalRow], reach: Reach | None) -> list[RowProblem]:
    """The rows whose person or team the actor does not set targets for."""
    if reach is None or reach.everything:
        return []
    emails = dict(User.objects.filter(id__in={r.user_id for r in rows}).values_list("id", "email"))
    problems = []
    for index, row in enumerate(rows):
        if row.user_id is not None and (refused := reach.target_refusal(row.user_id)):
            problems.append(RowProblem(index, "user", emails.get(row.user_id, ""), refused))
        elif row.team_id is not None and (refused := reach.team_refusal(row.team_id)):
            problems.append(RowProblem(index, "team", reach.team_name(row.team_id), refused))
        elif isinstance(row, GoalRow) and row.scope == GoalScope.COMPANY:
            message = "only executives and administrators set company goals"
            problems.append(RowProblem(index, "scope", row.scope, message))
    return problems


def write_quotas(
    rows: Sequence[QuotaRow],
    *,
    actor: User | None = None,
    audited: bool = True,
    reach: Reach | None = None,
) -> tuple[list[RowProblem], Counts]:
    """Check every row (against `reach` too, when given), then (only when none has a problem)
    create, update or remove each quota. The import (`audited` False) records its own audit
    entry."""
    problems, amounts = check_quotas(rows, reach)
    if problems:
        return problems, Counts()
    keyed = []
    removed = Q()
    for row, amount in zip(rows, amounts, strict=True):
        key = (row.user_id, row.team_id, row.month)
        if amount is None:
            removed |= Q(**dict(zip(QUOTA_KEY, key, strict=True)))
        else:
            keyed.append((key, dict(zip(QUOTA_KEY, key, strict=True)) | {"amount": amount}))
    with transaction.atomic():
        counts = upsert(Quota, keyed, QUOTA_KEY)
        if removed:
            counts.removed = Quota.objects.filter(removed).delete()[0]
        if counts.changed:
            mark_changed("quotas")
            if audited:
                audit.record(
                    "settings.quotas",
                    f"{counts.created + counts.updated + counts.removed} monthly quotas changed",
                    actor=actor,
                )
    return [], counts


def annual_quota_rows(user_id: int, annual: Decimal, today: date) -> list[QuotaRow]:
    """An annual quota as the monthly quotas of the fiscal year containing `today`: a twelfth
    each, in cents, the last month taking the rounding so the twelve add up to `annual`."""
    year = periods.containing("year", today, Organisation.current().fiscal_year_start_month)
    share = (annual / 12).quantize(Decimal("0.01"))
    months = [periods.add_months(year.start, offset) for offset in range(12)]
    amounts = [share] * 11 + [annual - share * 11]
    return [QuotaRow(user_id, None, m, a) for m, a in zip(months, amounts, strict=True)]


def quota_label(person: User, month: date) -> str:
    """A quota cell as the grid labels it: its row (the person) and column (the month)."""
    return f"{person.display_name}, {month:%B %Y}"


def set_quotas(actor: User, cells: dict[tuple[int, date], Any]) -> int:
    """Monthly quotas per salesperson: {(user id, first of month): amount or blank}. Every cell
    is checked before any is written; a blank cell removes that month's quota. Returns how many
    quotas changed."""
    permissions.require(permissions.may_set_targets(actor), f"{actor.email} may not set quotas")
    people = User.objects.in_bulk({user_id for user_id, _ in cells})
    labels = []
    for (user_id, month), raw in cells.items():
        person = people.get(user_id)
        field = quota_label(person, month) if person else f"quota {user_id} {month:%Y-%m}"
        if person is None or not permissions.may_target_user(actor, person):
            raise NotAllowed(f"{field} is not someone whose quota you set", field=field)
        if not money.is_blank(raw):  # typed by a person: refused, never rounded
            money.parse_amount(field, raw, exact=True)
        labels.append(field)
    rows = [QuotaRow(user_id, None, month, raw) for (user_id, month), raw in cells.items()]
    problems, counts = write_quotas(rows, actor=actor)
    if problems:
        raise problems[0].error(labels[problems[0].index])
    return counts.created + counts.updated + counts.removed


@dataclass(frozen=True)
class GoalRow:
    """A target for a metric, scope and period id; the team for scope team, the person for
    scope user, neither for the company. A `target` of None (or blank) removes the goal."""

    metric: str
    scope: str
    period: str
    target: Any
    team_id: int | None = None
    user_id: int | None = None


GOAL_KEY = ("metric", "scope", "team_id", "user_id", "period")
# Which of (team, person) each scope names.
_HOLDERS: dict[str, tuple[bool, bool]] = {
    "company": (False, False),
    "team": (True, False),
    "user": (False, True),
}


def _goal_problems(index: int, row: GoalRow) -> tuple[list[RowProblem], dict[str, Any]]:
    problems: list[RowProblem] = []
    fields: dict[str, Any] = {"metric": row.metric, "scope": row.scope}
    if row.metric not in BY_ID:
        problems.append(
            RowProblem(index, "metric", row.metric, "is not a metric id (see docs/metrics.md)")
        )
    try:
        fields["period"] = parse_period(row.period, clock.today()).id
    except InvalidInput as exc:
        problems.append(RowProblem(index, "period", row.period, exc.message))
    if row.scope not in GoalScope.values:
        problems.append(RowProblem(index, "scope", row.scope, "must be company, team or user"))
    elif _HOLDERS[row.scope] != (
        row.team_id is not None,
        row.user_id is not None,
    ):
        problems.append(
            RowProblem(
                index,
                "scope",
                row.scope,
                "needs a team name for scope team, an email for scope user, and neither for "
                "scope company",
            )
        )
    try:
        blank = money.is_blank(row.target)
        fields["target"] = None if blank else _target(row.metric, row.target)
    except InvalidInput as exc:
        problems.append(RowProblem.of(index, exc))
    return problems, fields | {"team_id": row.team_id, "user_id": row.user_id}


_TARGETS = (Decimal("-1e12"), Decimal("1e12"))


def _target(metric: str, raw: Any) -> Decimal:
    """A goal's target as stored (a rate as a fraction), refused where it would mean nothing:
    below zero but for a bias or a margin, above 1 (100 %) for a share of a whole."""
    value = number("target", raw, *_TARGETS, 4)
    shown = str(raw).strip()
    if value < 0 and metric not in SIGNED:
        raise InvalidInput("target", shown, "must be zero or more")
    if value > 1 and metric in SHARES:
        raise InvalidInput("target", shown, "must be at most 100 % (a share of a whole)")
    return value


def goal_target(metric: str, typed: Any) -> Any:
    """A target as a page takes it: a per cent for a metric shown as one (`35` or `35%` is
    0.35), anything else as typed. Blank stays blank (it removes the goal)."""
    if money.is_blank(typed) or not in_percent(metric):
        return typed
    shown = str(typed).strip()
    percent = money.parse_number("target", shown.removesuffix("%"), places=2)
    try:
        return _target(metric, percent / 100)
    except InvalidInput as exc:  # said of what was typed, in per cent
        raise InvalidInput("target", shown, exc.message) from None


def check_goals(
    rows: Sequence[GoalRow], reach: Reach | None = None
) -> tuple[list[RowProblem], list[dict[str, Any]]]:
    """Every problem of every row, naming the row's field (metric, scope, period, target), and
    each goal's fields as stored (the period id normalised, the target read). With `reach`, a
    goal outside it is a problem too."""
    problems: list[RowProblem] = list(_out_of_reach(rows, reach))
    cleaned = []
    for index, row in enumerate(rows):
        found, fields = _goal_problems(index, row)
        problems.extend(found)
        cleaned.append(fields)
    return sorted(problems, key=lambda p: p.index), cleaned


def write_goals(
    rows: Sequence[GoalRow],
    *,
    actor: User | None = None,
    audited: bool = True,
    reach: Reach | None = None,
) -> tuple[list[RowProblem], Counts]:
    """Check every row (against `reach` too, when given), then (only when none has a problem)
    create, update or remove each goal. The import (`audited` False) records its own audit
    entry."""
    problems, cleaned = check_goals(rows, reach)
    if problems:
        return problems, Counts()
    keyed, removed = [], Q()
    for fields in cleaned:
        key = tuple(fields[name] for name in GOAL_KEY)
        if fields["target"] is None:
            removed |= Q(**{name: fields[name] for name in GOAL_KEY})
        else:
            keyed.append((key, fields))
    with transaction.atomic():
        counts = upsert(Goal, keyed, GOAL_KEY)
        if removed:
            counts.removed = Goal.objects.filter(removed).delete()[0]
        if counts.changed and audited:
            audit.record("settings.goal", _goal_summary(cleaned, counts), actor=actor)
    return [], counts


def _goal_summary(cleaned: list[dict[str, Any]], counts: Counts) -> str:
    if len(cleaned) != 1:
        return f"{counts.created + counts.updated + counts.removed} goals changed"
    goal = cleaned[0]
    if goal["target"] is None:
        return f"Goal removed: {goal['metric']} {goal['period']}"
    return f"Goal {goal['metric']} {goal['period']} for {goal['scope']}: {goal['target']}"


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
    team = user = None
    if scope == GoalScope.COMPANY:
        if not actor.sees_everything:
            raise NotAllowed("company goals are set by executives", field="scope")
    elif scope == GoalScope.TEAM:
        team = Team.objects.filter(pk=team_id or 0).first()
        if team is None or not permissions.may_target_team(actor, team):
            raise NotAllowed("team: not a team whose goals you set", field="team")
    elif scope == GoalScope.USER:
        user = User.objects.filter(pk=user_id or 0).first()
        if user is None or not permissions.may_target_user(actor, user):
            raise NotAllowed("salesperson: not someone whose goals you set", field="salesperson")
    row = GoalRow(
        metric, scope, period, target, team.pk if team else None, user.pk if user else None
    )
    problems, _ = write_goals([row], actor=actor)
    if problems:
        raise problems[0].error()
    _, [fields] = check_goals([row])
    if fields["target"] is None:
        return None
    return Goal.objects.get(**{name: fields[name] for name in GOAL_KEY})

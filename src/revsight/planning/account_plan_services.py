"""Key account plans' services: writing a plan (goals, status, review date), the deals it
counts on, and its actions with owners and due dates; who may do which.

The rules (docs/planning.md#key-account-plans):
- executives and administrators plan any account; a manager plans the accounts owned by the
  people of the teams they manage (`permissions.may_target_user` of the account's owner). They
  write the goals and the review date, link the deals and delete the plan;
- they and the account's owner keep the plan going: its status and its actions (add, change,
  complete, delete), since the owner does most of them and knows first when it slips;
- an action's owner marks their action done, or not done.
An action is given to someone the actor sees (themselves, their teams' people), the account's
owner, or a presales engineer or consultant (they support every team's deals).

`actor` None is the operator at the command line. Everything is checked before anything is
written, in one transaction with its audit entry; a refused change stores nothing. `today`
is the day the change is made (the organisation's today unless given: the demo plants its
plans as of its own date).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from revsight.access import permissions, visibility
from revsight.core import audit, clock, periods
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.crm.models import Account, Opportunity
from revsight.org.models import User
from revsight.planning.models import AccountAction, AccountPlan

MAX_GOALS = 4000
MAX_WHAT = 300
PLAN_FIELDS = ("goals", "status", "reviewed_on")
ACTION_FIELDS = ("what", "owner", "due")
OWNER_RULE = (
    "is not someone you can give an action to: yourself, the people of your teams, the "
    "account's owner, or a presales engineer or consultant"
)


def _visible(actor: User | None, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset if actor is None else visibility.scope(actor, queryset)


def _active(actor: User | None) -> bool:
    return actor is None or bool(actor.is_authenticated and actor.is_active)


def may_plan(actor: User | None, account: Account) -> bool:
    """Whether the actor writes this account's plan: executives and administrators for any
    account, a manager for the accounts of the people in the teams they manage."""
    if actor is None:
        return True
    if not _active(actor):
        return False
    if actor.sees_everything:
        return True
    owner = account.owner
    return owner is not None and permissions.may_target_user(actor, owner)


def may_keep(actor: User | None, account: Account) -> bool:
    """Whether the actor keeps the plan going (its status and actions): who plans it, and the
    account's owner."""
    if may_plan(actor, account):
        return True
    return actor is not None and _active(actor) and account.owner_id == actor.pk


def may_complete(actor: User | None, action: AccountAction) -> bool:
    """Whether the actor marks this action done or not done: who keeps the plan, and the
    action's owner."""
    if may_keep(actor, action.plan.account):
        return True
    return actor is not None and _active(actor) and action.owner_id == actor.pk


def may_own_action(actor: User | None, person: User, account: Account) -> bool:
    if not person.is_active:
        return False
    if actor is None or actor.sees_everything:
        return True
    if person.pk in (actor.pk, account.owner_id) or person.role in visibility.SUPPORTING:
        return True
    return visibility.can_see(actor, person)


def action_owners(actor: User | None, account: Account) -> list[User]:
    """Who the actor may give this account's actions to, by name (the form's choices)."""
    people = User.objects.filter(is_active=True)
    if actor is not None and not actor.sees_everything:
        seen = visibility.scope(actor, User.objects.all()).values("pk")
        people = people.filter(
            Q(pk__in=seen)
            | Q(pk__in=[actor.pk, account.owner_id or actor.pk])
            | Q(role__in=visibility.SUPPORTING)
        )
    return list(people.order_by("name", "email"))


def _refuse(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _planners_only(account: Account) -> str:
    return f"The plan for {account.name} is written by executives and its owner's managers."


def _keepers_only(account: Account) -> str:
    return f"The plan for {account.name} is kept by its owner, their managers and executives."


# Looking things up: what the actor may not see is answered like what does not exist.


def account_of(actor: User | None, account_id: int) -> Account:
    """The account, when the actor sees it or its plan (an action's owner sees the plan of an
    account that is not theirs)."""
    accounts = Account.objects.filter(pk=account_id).select_related("owner")
    found = _visible(actor, accounts).first()
    plans = AccountPlan.objects.filter(account_id=account_id)
    if found is None and actor is not None and _visible(actor, plans).exists():
        found = accounts.first()
    if found is None:
        raise NotFound(f"No account has the id {account_id} (or it is not yours to see).")
    return found


def account_named(actor: User | None, text: str) -> Account:
    """An account by id or by name (the command line's ACCOUNT)."""
    given = text.strip()
    if given.isdigit():
        return account_of(actor, int(given))
    named = list(_visible(actor, Account.objects.filter(name__iexact=given))[:2])
    if not named:
        raise NotFound(f"No account is named {given!r} (or it is not yours to see).")
    if len(named) > 1:
        raise InvalidInput("account", given, "names several accounts: give the account's id")
    return account_of(actor, named[0].pk)


def plan_of(account: Account) -> AccountPlan | None:
    """The account's plan with its actions and their owners (whoever sees the account sees it)."""
    plans = AccountPlan.objects.filter(account=account)
    plans = plans.select_related("account__owner", "created_by")
    return plans.prefetch_related("actions__owner", "opportunities").first()


def _plan(account: Account) -> AccountPlan:
    found = plan_of(account)
    if found is None:
        raise NotFound(f"{account.name} has no plan yet.")
    return found


def action_of(actor: User | None, action_id: int) -> AccountAction:
    actions = AccountAction.objects.filter(pk=action_id)
    found = _visible(actor, actions).select_related("plan__account__owner", "owner").first()
    if found is None:
        raise NotFound(f"No action has the id {action_id} (or it is not yours to see).")
    return found


def visible_plans(actor: User | None) -> list[AccountPlan]:
    plans = _visible(actor, AccountPlan.objects.all()).select_related("account__owner")
    return list(plans.prefetch_related("actions__owner"))


def linked_deals(actor: User | None, found: AccountPlan) -> tuple[list[Opportunity], int]:
    """The plan's deals the actor sees, largest first, and how many others are linked."""
    linked = found.opportunities.all().select_related("owner", "stage")
    shown = list(_visible(actor, linked).order_by("-amount", "name"))
    return shown, found.opportunities.count() - len(shown)


def account_deals(actor: User | None, account: Account) -> list[Opportunity]:
    """The account's deals the actor sees, open ones first, the latest close date first."""
    deals = Opportunity.objects.filter(account=account).select_related("owner", "stage")
    return sorted(
        _visible(actor, deals),
        key=lambda d: (d.status != "open", -(d.close_date or date.min).toordinal(), d.name),
    )


# Checking what was typed, field by field.


def _goals(raw: Any) -> str:
    text = str(raw or "").strip()
    if not text:
        raise InvalidInput("goals", "", "are required: what the plan is to achieve")
    if len(text) > MAX_GOALS:
        raise InvalidInput("goals", text[:40], f"are longer than {MAX_GOALS} characters")
    return text


def _status(raw: Any) -> str:
    text = str(raw or "").strip().lower().replace("-", "_").replace(" ", "_")
    if not text:
        return AccountPlan.Status.ON_TRACK
    if text not in AccountPlan.Status.values:
        choices = ", ".join(AccountPlan.Status.values)
        raise InvalidInput("status", str(raw), f"must be one of: {choices}")
    return text


def _not_after_today(field: str, raw: Any, today: date, what: str) -> date:
    day = periods.parse_day(field, raw) or today
    if day > today:
        raise InvalidInput(field, day.isoformat(), f"is after today: {what}")
    return day


def _what(raw: Any) -> str:
    text = " ".join(str(raw or "").split())
    if not text:
        raise InvalidInput("what", "", "is required: what is to be done")
    if len(text) > MAX_WHAT:
        raise InvalidInput("what", text[:40], f"is longer than {MAX_WHAT} characters")
    return text


def _owner(actor: User | None, raw: Any, account: Account) -> User:
    """The person given the action, by email or id; someone unknown is refused like someone
    out of reach, so the refusal tells nobody who exists."""
    if isinstance(raw, User):
        person: User | None = raw
        text = raw.email
    else:
        text = str(raw or "").strip()
        if not text:
            raise InvalidInput("owner", "", "is required: who does it (their email)")
        lookup = {"pk": int(text)} if text.isdigit() else {"email__iexact": text}
        person = User.objects.filter(**lookup).first()
    if person is None or not may_own_action(actor, person, account):
        raise InvalidInput("owner", text, OWNER_RULE)
    return person


def _due(raw: Any, today: date, kept: date | None = None) -> date:
    """The due date; an open action is not given a date already past (one that was, and is
    kept as it was, stays: it is overdue, and the plan shows it)."""
    due = periods.parse_day("due", raw, example="2027-03-31")
    if due is None:
        raise InvalidInput("due", "", "is required: the day it is due, such as 2027-03-31")
    if due < today and due != kept:
        raise InvalidInput(
            "due", due.isoformat(), f"is before today ({today.isoformat()}): plan it ahead"
        )
    return due


def _deal_ids(raw: Any) -> list[int]:
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    ids = []
    for item in items:
        text = str(getattr(item, "pk", item)).strip()
        if not text:
            continue
        if not text.isdigit():
            raise InvalidInput("opportunities", text, "is not a deal's id")
        ids.append(int(text))
    return list(dict.fromkeys(ids))


# Writing.


def _plan_details(found: AccountPlan) -> dict[str, Any]:
    return {
        "account": found.account.name,
        "status": found.status,
        "reviewed_on": found.reviewed_on.isoformat(),
        "goals": found.goals,
    }


def save_plan(
    actor: User | None, account_id: int, text: Mapping[str, Any], today: date | None = None
) -> AccountPlan:
    """Write the account's plan (`PLAN_FIELDS`), or change it; the review date defaults to
    today and may not be later."""
    today = today or clock.today()
    account = account_of(actor, account_id)
    _refuse(may_plan(actor, account), _planners_only(account))
    goals, status = _goals(text.get("goals")), _status(text.get("status"))
    reviewed = _not_after_today(
        "reviewed_on", text.get("reviewed_on"), today, "a review is dated the day it took place"
    )
    with transaction.atomic():
        found = AccountPlan.objects.filter(account=account).first()
        created = found is None
        found = found or AccountPlan(account=account, created_by=actor)
        found.goals, found.status, found.reviewed_on = goals, status, reviewed
        found.save()
        audit.record(
            "planning.account_plan_saved",
            f"Account plan for {account.name!r} {'written' if created else 'changed'}: "
            f"{found.get_status_display()}",
            actor=actor,
            target=found,
            details=_plan_details(found),
        )
    return found


def set_status(actor: User | None, account_id: int, status: Any) -> AccountPlan:
    """How the plan stands, as its owner or a manager reports it."""
    account = account_of(actor, account_id)
    found = _plan(account)
    _refuse(may_keep(actor, account), _keepers_only(account))
    chosen = _status(status)
    with transaction.atomic():
        before, found.status = found.status, chosen
        found.save(update_fields=["status", "updated_at"])
        audit.record(
            "planning.account_plan_status",
            f"Account plan for {account.name!r}: {found.get_status_display()}",
            actor=actor,
            target=found,
            details={"account": account.name, "from": before, "to": chosen},
        )
    return found


def link_deals(actor: User | None, account_id: int, deal_ids: Iterable[Any] | str) -> AccountPlan:
    """The deals the plan counts on, among the account's deals the actor sees; deals linked by
    someone else that the actor does not see stay linked."""
    account = account_of(actor, account_id)
    found = _plan(account)
    _refuse(may_plan(actor, account), _planners_only(account))
    wanted = _deal_ids(deal_ids)
    deals = _visible(actor, Opportunity.objects.filter(pk__in=wanted, account=account))
    known = set(deals.values_list("pk", flat=True))
    for pk in wanted:
        if pk not in known:
            raise InvalidInput("opportunities", str(pk), f"is not a deal of {account.name}")
    with transaction.atomic():
        current = set(found.opportunities.values_list("pk", flat=True))
        seen = _visible(actor, Opportunity.objects.filter(pk__in=current))
        chosen = (current - set(seen.values_list("pk", flat=True))) | known
        found.opportunities.set(chosen)
        found.save(update_fields=["updated_at"])
        audit.record(
            "planning.account_plan_deals",
            f"Account plan for {account.name!r}: {len(chosen)} deal{'s' * (len(chosen) != 1)}",
            actor=actor,
            target=found,
            details={"added": sorted(chosen - current), "removed": sorted(current - chosen)},
        )
    return found


def delete_plan(actor: User | None, account_id: int) -> None:
    account = account_of(actor, account_id)
    found = _plan(account)
    _refuse(may_plan(actor, account), _planners_only(account))
    with transaction.atomic():
        actions = [_action_details(a) for a in found.actions.select_related("owner")]
        audit.record(
            "planning.account_plan_deleted",
            f"Account plan for {account.name!r} deleted, with {len(actions)} action"
            f"{'s' * (len(actions) != 1)}",
            actor=actor,
            target=found,
            details={**_plan_details(found), "actions": actions},
        )
        found.delete()


def _action_details(action: AccountAction) -> dict[str, Any]:
    return {
        "account": action.plan.account.name,
        "what": action.what,
        "owner": action.owner.email,
        "due": action.due.isoformat(),
        "done_on": action.done_on.isoformat() if action.done_on else None,
    }


def add_action(
    actor: User | None, account_id: int, text: Mapping[str, Any], today: date | None = None
) -> AccountAction:
    """An action (`ACTION_FIELDS`) on the account's plan, due today or later."""
    today = today or clock.today()
    account = account_of(actor, account_id)
    found = _plan(account)
    _refuse(may_keep(actor, account), _keepers_only(account))
    what = _what(text.get("what"))
    owner = _owner(actor, text.get("owner"), account)
    due = _due(text.get("due"), today)
    with transaction.atomic():
        action = AccountAction.objects.create(plan=found, what=what, owner=owner, due=due)
        found.save(update_fields=["updated_at"])
        audit.record(
            "planning.account_action_added",
            f"Action for {account.name!r}: {what} ({owner.email}, by {due.isoformat()})",
            actor=actor,
            target=action,
            details=_action_details(action),
        )
    return action


def change_action(
    actor: User | None, action_id: int, text: Mapping[str, Any], today: date | None = None
) -> AccountAction:
    """Change what an action is, who does it or by when."""
    today = today or clock.today()
    action = action_of(actor, action_id)
    account = action.plan.account
    _refuse(may_keep(actor, account), _keepers_only(account))
    what = _what(text.get("what"))
    owner = _owner(actor, text.get("owner"), account)
    due = _due(text.get("due"), today, kept=action.due)
    with transaction.atomic():
        before = _action_details(action)
        action.what, action.owner, action.due = what, owner, due
        action.save()
        action.plan.save(update_fields=["updated_at"])
        audit.record(
            "planning.account_action_changed",
            f"Action for {account.name!r} changed: {what} ({owner.email}, by {due.isoformat()})",
            actor=actor,
            target=action,
            details={"before": before, "after": _action_details(action)},
        )
    return action


def mark_done(
    actor: User | None,
    action_id: int,
    done: bool = True,
    on: Any = None,
    today: date | None = None,
) -> AccountAction:
    """Mark an action done (on `on`, today by default, never later) or not done."""
    today = today or clock.today()
    action = action_of(actor, action_id)
    account = action.plan.account
    _refuse(
        may_complete(actor, action),
        f"Actions of the plan for {account.name} are marked done by their owners and whoever "
        "keeps the plan.",
    )
    done_on = None
    if done:
        done_on = _not_after_today("done_on", on, today, "an action is done once it is")
    with transaction.atomic():
        action.done_on = done_on
        action.save(update_fields=["done_on", "updated_at"])
        audit.record(
            "planning.account_action_done" if done else "planning.account_action_reopened",
            f"Action for {account.name!r} {'done' if done else 'not done'}: {action.what}",
            actor=actor,
            target=action,
            details=_action_details(action),
        )
    return action


def delete_action(actor: User | None, action_id: int) -> None:
    action = action_of(actor, action_id)
    account = action.plan.account
    _refuse(may_keep(actor, account), _keepers_only(account))
    with transaction.atomic():
        audit.record(
            "planning.account_action_deleted",
            f"Action for {account.name!r} deleted: {action.what}",
            actor=actor,
            target=action,
            details=_action_details(action),
        )
        action.delete()
        action.plan.save(update_fields=["updated_at"])

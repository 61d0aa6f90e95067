"""The key account plans' pages: the board of the top ten forecasted accounts with their plans
(`/planning/accounts/?as_of=…`, and `?q=` to find another account to plan), and an account's
plan with its goals, actions and deals and the forms that keep it (`/planning/accounts/<id>/`).

Views read the request and call `planning.account_plan_services` (who may do what, the checks,
the audit) and `planning.account_plans` (the board, what a plan covers); an `InvalidInput` is
shown above the forms, naming the field, with nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access import permissions, visibility
from revsight.core import clock, periods
from revsight.core.errors import InvalidInput, NotFound
from revsight.crm.models import Account
from revsight.org.models import User
from revsight.planning import account_plan_services as services
from revsight.planning import account_plans
from revsight.planning.models import AccountPlan

FOUND_AT_MOST = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _as_of(request: HttpRequest) -> tuple[date, InvalidInput | None]:
    try:
        return periods.parse_day("as_of", request.GET.get("as_of")) or clock.today(), None
    except InvalidInput as exc:
        return clock.today(), exc


def _found(viewer: User, text: str) -> list[Account]:
    """Accounts whose name contains the text, among those the viewer sees."""
    if not text.strip():
        return []
    accounts = Account.objects.filter(name__icontains=text.strip()).select_related("owner")
    return list(visibility.scope(viewer, accounts).order_by("name")[:FOUND_AT_MOST])


@login_required
def board_page(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    as_of, error = _as_of(request)
    query = request.GET.get("q", "")
    board = account_plans.board(viewer, as_of)
    return render(
        request,
        "web/planning/accounts/board.html",
        {
            "board": board,
            "plannable": {r.account.pk for r in board.rows if services.may_plan(viewer, r.account)},
            "planner": permissions.may_open_planning(viewer),
            "as_of": as_of,
            "error": error,
            "query": query,
            "found": _found(viewer, query),
            "deleted": "deleted" in request.GET,
        },
    )


def _action_id(request: HttpRequest) -> int:
    raw = request.POST.get("action", "")
    if not raw.isdigit():
        raise NotFound("No such action.")
    return int(raw)


def _fields(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in names}


# What each form posts (`do`), and the service it calls with the account's id.
HANDLERS: dict[str, Callable[[User, int, HttpRequest], Any]] = {
    "plan": lambda who, pk, r: services.save_plan(who, pk, _fields(r, services.PLAN_FIELDS)),
    "status": lambda who, pk, r: services.set_status(who, pk, r.POST.get("status")),
    "deals": lambda who, pk, r: services.link_deals(who, pk, r.POST.getlist("opportunities")),
    "add": lambda who, pk, r: services.add_action(who, pk, _fields(r, services.ACTION_FIELDS)),
    "change": lambda who, pk, r: services.change_action(
        who, _action_id(r), _fields(r, services.ACTION_FIELDS)
    ),
    "done": lambda who, pk, r: services.mark_done(who, _action_id(r), True, r.POST.get("done_on")),
    "reopen": lambda who, pk, r: services.mark_done(who, _action_id(r), False),
    "remove": lambda who, pk, r: services.delete_action(who, _action_id(r)),
}


def _post(request: HttpRequest, account: Account) -> HttpResponse:
    viewer, do = _user(request), request.POST.get("do", "")
    if do == "delete":
        services.delete_plan(viewer, account.pk)  # refuses whoever may not plan it
        return redirect(reverse("account-plans") + "?deleted=1")
    handler = HANDLERS.get(do)
    if handler is None:
        raise NotFound("No such form.")
    handler(viewer, account.pk, request)
    return redirect(reverse("account-plan", args=[account.pk]) + f"?saved={do}")


def _actions(viewer: User, found: AccountPlan | None, as_of: date) -> list[dict[str, Any]]:
    if found is None:
        return []
    return [
        {
            "action": a,
            "overdue": not a.done and a.due < as_of,
            "may_complete": services.may_complete(viewer, a),
        }
        for a in found.actions.all()
    ]


def _context(viewer: User, account: Account) -> dict[str, Any]:
    found = services.plan_of(account)
    as_of = clock.today()
    may_plan, may_keep = services.may_plan(viewer, account), services.may_keep(viewer, account)
    deals, hidden = services.linked_deals(viewer, found) if found else ([], 0)
    actions = _actions(viewer, found, as_of)
    return {
        "account": account,
        "plan": found,
        "as_of": as_of,
        "coverage": account_plans.coverage(found, as_of) if found else None,
        "horizon": account_plans.horizon(as_of),
        "actions": actions,
        "controls": may_keep or any(row["may_complete"] for row in actions),
        "deals": deals,
        "hidden_deals": hidden,
        "account_deals": services.account_deals(viewer, account) if may_plan else [],
        "linked_ids": {d.pk for d in found.opportunities.all()} if found else set(),
        "owners": services.action_owners(viewer, account) if may_keep else [],
        "statuses": AccountPlan.Status.choices,
        "may_plan": may_plan,
        "may_keep": may_keep,
    }


def _forms(found: AccountPlan | None, account: Account, typed: dict[str, str]) -> dict[str, Any]:
    """The plan's and the new action's fields: as stored (saving the plan is a review, dated
    today), or as typed when the form was refused."""
    today = clock.today().isoformat()
    plan_form = {"goals": found.goals if found else "", "reviewed_on": today}
    plan_form["status"] = found.status if found else AccountPlan.Status.ON_TRACK
    add_form = {"what": "", "owner": str(account.owner_id or ""), "due": ""}
    if typed.get("do") == "plan":
        plan_form.update({name: typed.get(name, "") for name in services.PLAN_FIELDS})
    if typed.get("do") == "add":
        add_form.update({name: typed.get(name, "") for name in services.ACTION_FIELDS})
    return {"plan_form": plan_form, "add_form": add_form}


@login_required
def plan_page(request: HttpRequest, account_id: int) -> HttpResponse:
    viewer = _user(request)
    account = services.account_of(viewer, account_id)
    error, typed = None, {}
    if request.method == "POST":
        try:
            return _post(request, account)
        except InvalidInput as exc:
            error, typed = exc, {"do": request.POST.get("do", ""), **request.POST.dict()}
    context = _context(viewer, account)
    return render(
        request,
        "web/planning/accounts/plan.html",
        {
            **context,
            **_forms(context["plan"], account, typed),
            "error": error,
            "saved": request.GET.get("saved", ""),
        },
    )

"""The demo's key account plans: six of the top ten forecasted accounts on the demo's date have
a plan, written by the owner's manager, with actions for the owner, the manager, a presales
engineer or a consultant, some done, one overdue and two that stop short of three months; the
other four have none, so the board shows the gap. Everything is dated from the demo's as-of
date, through the services, as people would have written it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from revsight.core.versions import mark_all_changed
from revsight.crm.models import Account, Opportunity
from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role, Team, User
from revsight.planning import account_plan_services as services
from revsight.planning import account_plans

# The board's ranks (from 1) that get a plan, with the demo salesperson's own top account (or
# the ninth when it is one of these); the others are left without one.
PLANNED_RANKS = (1, 2, 3, 5, 7)
OR_ELSE = 9


@dataclass(frozen=True)
class Step:
    what: str
    who: str  # owner | manager | presales | consultant
    due: int  # days after the as-of date (negative: before)
    done: int | None = None  # days after the as-of date it was done; None: still open
    added: int = -35  # when it was put in the plan


@dataclass(frozen=True)
class Story:
    status: str
    goals: str
    reviewed: int  # days before the as-of date
    steps: tuple[Step, ...]


STORIES = (
    Story(
        "on_track",
        "Win {deal} ({amount}) by {close} and become the standard supplier of {account}: a "
        "three-year managed-services agreement signed by the end of next year.",
        6,
        (
            Step("Meet the CIO with our president: the three-year roadmap", "manager", -30, -28),
            Step("Map the buying committee and confirm who signs", "owner", -10, -9),
            Step("Proof of concept on their test site", "presales", 14),
            Step("Proposal and commercial terms to procurement", "owner", 28),
            Step("Reference visit to a customer of the same size", "manager", 55),
            Step("Quarterly business review: results and the next projects", "owner", 100),
        ),
    ),
    Story(
        "at_risk",
        "Keep {deal} against a competitor's lower price: win on service levels and the cost "
        "of changing supplier, and renew {account} at its current value.",
        13,
        (
            Step("Competitive review: where we lose on price, where we win", "manager", -14, -12),
            Step("Total cost of ownership study with their finance team", "presales", 10),
            Step("Executive sponsor call: service levels and escalation", "manager", 21),
            Step("Revised proposal with a multi-year option", "owner", 35),
            Step("Renewal terms agreed", "owner", 60),
        ),
    ),
    Story(
        "on_track",
        "Grow from one site to the whole group: {deal} first, then the other business units "
        "of {account} through the head office's purchasing.",
        20,
        (
            Step("Introduction to the group's head of purchasing", "owner", -4, added=-21),
            Step("Roll-out workshop with their operations team", "presales", 18),
            Step("Business case for the group roll-out", "owner", 40),
            Step("Group framework agreement signed", "manager", 95),
        ),
    ),
    Story(
        "off_track",
        "Recover the relationship after last quarter's delivery problems; {deal} decides "
        "whether we stay on the shortlist of {account}.",
        4,
        (
            Step("Service recovery plan agreed with their IT director", "consultant", -20, -15),
            Step("Weekly status calls until the backlog is cleared", "consultant", 7),
            Step("Executive apology and recovery review", "manager", 14),
            Step("Re-present the proposal with fixed-price delivery", "owner", 45),
            Step("Account review: stay, expand or step back", "manager", 92),
        ),
    ),
    Story(
        "on_track",
        "Close {deal} by {close} and be in the budget of {account} for next year before "
        "their fiscal year starts.",
        9,
        (
            Step("Final pricing approval", "manager", -5, -3),
            Step("Contract signature", "owner", 9),
            Step("Kick-off with the delivery team", "consultant", 25),
            Step("Budget workshop for next year's projects", "owner", 70),
            Step("First quarterly business review", "owner", 110),
        ),
    ),
    Story(
        "at_risk",
        "Move {deal} from best case to commit: a named sponsor, a budget and a decision date.",
        2,
        (
            Step("Find the executive sponsor", "owner", 6, added=-2),
            Step("Discovery call with the business owners", "owner", 12, added=-2),
            Step("Demonstration for the decision makers", "presales", 30, added=-2),
        ),
    ),
)


def _first(role: Role) -> User | None:
    """The demo's login of that role, so that whoever logs in as it has actions to see."""
    people = User.objects.filter(role=role, is_active=True)
    return people.filter(email=DEMO_LOGINS.get(role)).first() or people.order_by("email").first()


def _manager(owner: User | None) -> User | None:
    if owner is None or owner.team_id is None:
        return None
    team = Team.objects.select_related("manager").get(pk=owner.team_id)
    return team.manager


def _people(account: Account) -> dict[str, User | None]:
    owner = account.owner
    return {
        "owner": owner,
        "manager": _manager(owner) or owner,
        "presales": _first(Role.PRESALES) or owner,
        "consultant": _first(Role.CONSULTANT) or owner,
    }


def _goals(story: Story, account: Account, deal: Opportunity | None) -> str:
    # The CRM names deals "Account — what"; the goals already name the account.
    what = deal.name.removeprefix(account.name).lstrip(" —-:") if deal else ""
    what = what[:1].lower() + what[1:]
    return story.goals.format(
        deal=f"the {what or deal.name} deal" if deal else "the next project",
        amount=f"{deal.amount:,.0f}" if deal and deal.amount is not None else "its value",
        close=f"{deal.close_date:%-d %B}" if deal and deal.close_date else "the quarter's end",
        account=account.name,
    )


def _plant(story: Story, account: Account, as_of: date) -> None:
    people = _people(account)
    planner = people["manager"]
    actor = planner if planner and services.may_plan(planner, account) else None
    deals = list(
        Opportunity.objects.filter(account=account, status="open").order_by("-amount", "pk")
    )
    day = as_of - timedelta(days=story.reviewed)
    goals = _goals(story, account, deals[0] if deals else None)
    plan_text = {"goals": goals, "status": story.status, "reviewed_on": day.isoformat()}
    services.save_plan(actor, account.pk, plan_text, today=day)
    services.link_deals(actor, account.pk, [d.pk for d in deals])
    for step in story.steps:
        owner = people[step.who]
        added = as_of + timedelta(days=min(step.added, step.due))
        due = as_of + timedelta(days=step.due)
        step_text: dict[str, Any] = {"what": step.what, "owner": owner, "due": due}
        action = services.add_action(actor, account.pk, step_text, today=added)
        if step.done is not None:
            done_on = as_of + timedelta(days=step.done)
            services.mark_done(owner, action.pk, on=done_on, today=as_of)


def _chosen(as_of: date) -> list[Account]:
    rows = account_plans.board(None, as_of).rows
    chosen = [rows[rank - 1].account for rank in PLANNED_RANKS if rank <= len(rows)]
    rep = User.objects.filter(email=DEMO_LOGINS[Role.SALESPERSON]).first()
    own = [r.account for r in account_plans.board(rep, as_of).rows] if rep else []
    mine = next((a for a in own if a.owner_id == rep.pk), None) if rep else None
    if mine is not None and mine not in chosen:
        chosen.append(mine)
    elif len(rows) >= OR_ELSE:
        chosen.append(rows[OR_ELSE - 1].account)
    return chosen


def plant_account_plans(as_of: date) -> None:
    # The board ranks the replica's pipeline, which the build has not yet been told changed.
    mark_all_changed()
    for story, account in zip(STORIES, _chosen(as_of), strict=False):
        _plant(story, account, as_of)

"""`revsight account-plan …`: the key accounts board and an account's plan (docs/planning.md).

Plans are written on the web (Planning → Account plans); the command line reads them, as the
operator, who sees every account.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from revsight.cli.base import as_of_option, format_option, needs_database, today_or


@click.group("account-plan")
def account_plan_group() -> None:
    """Key account plans: the top ten forecasted accounts with their plans, and one plan."""


@account_plan_group.command("board")
@as_of_option("Rank by the pipeline as it stood at the end of this day. Default: today.")
@format_option("table", "json")
@needs_database
def board_command(as_of: date | None, fmt: str) -> None:
    """The top ten forecasted accounts, each with its plan's status, next action and whether
    it covers the next three months; then the other plans."""
    from revsight.planning import account_plans

    document = account_plans.board_json(account_plans.board(None, today_or(as_of)))
    click.echo(json.dumps(document) if fmt == "json" else render_board(document))


@account_plan_group.command("show")
@click.argument("account")
@as_of_option("Measure the three months from this day. Default: today.")
@format_option("table", "json")
@needs_database
def show_command(account: str, as_of: date | None, fmt: str) -> None:
    """The plan of ACCOUNT (its name, or its id where names repeat)."""
    from revsight.planning import account_plan_services, account_plans

    found = account_plan_services.account_named(None, account)
    document = account_plans.plan_json(None, found, today_or(as_of))
    click.echo(json.dumps(document) if fmt == "json" else render_plan(document))


def _covered(plan: dict[str, Any] | None, horizon: str) -> str:
    if plan is None:
        return "—"
    return "yes" if plan["covers_three_months"] else f"needs actions beyond {horizon}"


def _next(plan: dict[str, Any] | None) -> str:
    step = plan["next_action"] if plan else None
    return f"{step['due']} {step['what']} ({step['owner']})" if step else "—"


def render_board(document: dict[str, Any]) -> str:
    from revsight.analytics.output import grid

    horizon = document["horizon"]
    rows = [
        [
            str(row["rank"]),
            row["account"]["name"],
            row["plan"]["status"].replace("_", " ") if row["plan"] else "NO PLAN",
            _covered(row["plan"], horizon),
            _next(row["plan"]),
            str(row["deals"]),
            f"{row['pipeline']:,.0f}",
            f"{row['weighted']:,.0f}",
        ]
        for row in document["accounts"]
    ]
    header = ["Rank", "Account", "Plan", "Three months", "Next action"]
    lines = [
        f"Top {len(rows)} forecasted accounts ({document['scope']}), as of {document['as_of']}: "
        "open deals closing in the next 90 days, by CRM-weighted value",
        "",
        grid([*header, "Deals", "Pipeline", "Weighted"], rows, text_columns=5)
        if rows
        else "No open deals with an account close in the next 90 days.",
    ]
    if document["other_plans"]:
        lines += ["", "Other plans:"]
        for other in document["other_plans"]:
            plan = other["plan"]
            lines.append(
                f"  {other['account']['name']}: {plan['status'].replace('_', ' ')}, "
                f"{_covered(plan, horizon)}; next {_next(plan)}"
            )
    return "\n".join(lines)


def render_plan(document: dict[str, Any]) -> str:
    from revsight.analytics.output import grid

    account, plan = document["account"], document["plan"]
    lines = [f"{account['name']} (owner {account['owner'] or 'nobody'})", ""]
    if plan is None:
        return "\n".join([*lines, "No plan yet."])
    lines += [
        f"Status: {plan['status'].replace('_', ' ')}, reviewed {plan['reviewed_on']}; three "
        f"months: {_covered(plan, document['horizon'])}",
        "",
        plan["goals"],
        "",
    ]
    actions = [
        [a["due"], a["what"], a["owner"], f"done {a['done_on']}" if a["done_on"] else "open"]
        for a in plan["actions"]
    ]
    lines.append(grid(["Due", "Action", "Owner", "Done"], actions, 4) if actions else "No actions.")
    deals = [
        [d["name"], d["stage"], d["close_date"] or "—", f"{d['amount'] or 0:,.0f}"]
        for d in plan["opportunities"]
    ]
    if deals:
        lines += ["", grid(["Deal", "Stage", "Close date", "Amount"], deals, 3)]
    return "\n".join(lines)

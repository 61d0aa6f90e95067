"""The capacity plan's services: a plan from typed parameters and the data, its JSON (the
`revsight plan capacity --format json` document), and saving and deleting scenarios.

Writes check the acting person (`permissions.may_plan`; `actor` None is the operator at the
command line), validate everything first, write in one transaction and record the audit entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from revsight.access import permissions, visibility
from revsight.core import audit, periods
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import Organisation
from revsight.org.models import Team, User
from revsight.planning import capacity
from revsight.planning.inputs import Parameters, parse_parameters, plan_inputs
from revsight.planning.models import CapacityScenario
from revsight.planning.team import Measured, current_salespeople, measured_attainment, planned_team

MAX_NAME = 100
FIELDS = ("objectives", "quota", "attainment", "ramp", "attrition", "lead_time")


@dataclass(frozen=True)
class CapacityPlan:
    parameters: Parameters
    plan: capacity.Plan
    team: Team | None
    measured: Measured | None


def build(text: Mapping[str, Any], as_of: date, team: Team | None = None) -> CapacityPlan:
    """The plan for parameters as typed (`FIELDS`), with the team at the as-of date."""
    periods.check_day("as-of", as_of)
    fiscal = Organisation.current().fiscal_year_start_month
    parameters, objectives = parse_parameters(
        **{name: text.get(name) for name in FIELDS}, as_of=as_of, fiscal_start_month=fiscal
    )
    people = current_salespeople(as_of, team)
    measured = None
    if parameters.attainment is None:
        measured = measured_attainment(people, as_of, parameters.ramp)
    hire_attainment = measured.team if measured else parameters.attainment
    assert hire_attainment is not None
    inputs = plan_inputs(
        parameters,
        objectives,
        as_of,
        planned_team(people, parameters.attainment, measured),
        round(hire_attainment, 6),
    )
    return CapacityPlan(parameters, capacity.plan(inputs), team, measured)


def cents(value: float) -> float:
    return round(value + 0.0, 2)


def _levers(levers: capacity.Levers | None) -> dict[str, Any] | None:
    if levers is None:
        return None
    return {
        "attainment": levers.attainment,
        "attrition": levers.attrition,
        "ramp_months_sooner": levers.ramp_months_sooner,
    }


def as_json(result: CapacityPlan) -> dict[str, Any]:
    plan, inputs = result.plan, result.plan.inputs
    return {
        "as_of": inputs.as_of.isoformat(),
        "team": result.team.name if result.team else None,
        "months": [
            {
                "month": f"{periods.month_of(m.month):%Y-%m}",
                "effective_reps": round(m.effective_reps, 4),
                "capacity": cents(m.capacity),
                "planned_effective_reps": round(m.planned_effective_reps, 4),
                "planned_capacity": cents(m.planned_capacity),
                "starting": m.starting,
            }
            for m in plan.months
        ],
        "quarters": [
            {
                "quarter": q.objective.quarter.id,
                "objective": cents(q.objective.amount),
                "capacity": cents(q.capacity),
                "gap": cents(q.gap),
                "reachable": q.reachable,
                "planned_capacity": cents(q.planned_capacity),
                "shortfall": cents(q.shortfall),
                "levers": _levers(q.levers),
            }
            for q in plan.quarters
        ],
        "hires": [
            {
                "open_by": h.open_by(inputs.lead_time).isoformat(),
                "start": f"{periods.month_of(h.start):%Y-%m}",
                "count": h.count,
            }
            for h in plan.hires
        ],
        "parameters": {
            **result.parameters.as_json(),
            "hire_attainment": inputs.hire_attainment,
            "survival": round(inputs.survival, 8),
            "first_month": f"{periods.month_of(inputs.first_month):%Y-%m}",
            "earliest_start": f"{periods.month_of(inputs.earliest_start):%Y-%m}",
            "salespeople": [
                {
                    "email": p.email,
                    "name": p.name,
                    "hire_date": p.hire_date.isoformat() if p.hire_date else None,
                    "attainment": p.attainment,
                }
                for p in inputs.team
            ],
        },
    }


def team_named(name: str | None) -> Team | None:
    if not name or not name.strip():
        return None
    team = Team.objects.filter(name__iexact=name.strip()).first()
    if team is None:
        raise InvalidInput("team", name, "is not the name of a team")
    return team


def team_given(raw: Any) -> Team | None:
    """A team as a form sends it (its id), as typed (its name), or already found; None for
    blank (the company)."""
    if isinstance(raw, Team) or raw is None:
        return raw
    text = str(raw).strip()
    if text.isdigit():
        found = Team.objects.filter(pk=int(text)).first()
        if found is not None:
            return found
    return team_named(text)


def _check(actor: User | None, team: Team | None) -> None:
    if actor is not None and not permissions.may_plan(actor, team):
        whose = f"the team {team.name}" if team else "the company"
        raise NotAllowed(f"Capacity plans for {whose} are made by its managers and executives.")


def visible_scenarios(actor: User | None) -> list[CapacityScenario]:
    scenarios = CapacityScenario.objects.select_related("team", "created_by")
    scenarios = visibility.scope_as(actor, scenarios)
    return list(scenarios)


def scenario(actor: User | None, scenario_id: int) -> CapacityScenario:
    found = [s for s in visible_scenarios(actor) if s.pk == scenario_id]
    if not found:
        raise NotFound(
            f"No capacity scenario has the id {scenario_id} (or it is not yours to see)."
        )
    return found[0]


def scenario_named(actor: User | None, name: str) -> CapacityScenario:
    for found in visible_scenarios(actor):
        if found.name.lower() == name.strip().lower():
            return found
    raise NotFound(
        f"No capacity scenario is named {name!r} (`revsight plan scenarios` lists them)."
    )


def plan_of(found: CapacityScenario) -> CapacityPlan:
    return build(found.parameters, found.as_of, found.team)


def save_scenario(
    actor: User | None, name: str, text: Mapping[str, Any], as_of: date, team: Team | None
) -> CapacityScenario:
    """Save (or replace, under the same name) a scenario; the parameters are checked by
    building its plan first, so a refused one stores nothing."""
    _check(actor, team)
    clean = (name or "").strip()
    if not clean:
        raise InvalidInput("name", "", "is required: name the scenario")
    if len(clean) > MAX_NAME:
        raise InvalidInput("name", clean[:40], f"is longer than {MAX_NAME} characters")
    result = build(text, as_of, team)
    with transaction.atomic():
        existing = CapacityScenario.objects.filter(name__iexact=clean).first()
        if existing is not None:
            _check(actor, existing.team)
        created = existing is None
        found = existing or CapacityScenario(name=clean, created_by=actor)
        found.name, found.as_of, found.team = clean, as_of, team
        found.parameters = result.parameters.as_text()
        found.save()
        hires = result.plan.hire_count
        audit.record(
            "planning.scenario_saved",
            f"Capacity scenario {clean!r} {'saved' if created else 'replaced'}: {hires} hire"
            f"{'s' if hires != 1 else ''}",
            actor=actor,
            target=found,
            details={"as_of": as_of.isoformat(), **result.parameters.as_text()},
        )
    return found


def delete_scenario(actor: User | None, scenario_id: int) -> None:
    found = scenario(actor, scenario_id)
    _check(actor, found.team)
    with transaction.atomic():
        audit.record(
            "planning.scenario_deleted",
            f"Capacity scenario {found.name!r} deleted",
            actor=actor,
            target=found,
            details={"as_of": found.as_of.isoformat(), **found.parameters},
        )
        found.delete()

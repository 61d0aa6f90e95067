"""The contests' services: defining, changing and deleting a contest, and which contests a
person sees.

A contest for every salesperson, or among teams, is run by whoever plans for all of them
(`permissions.may_plan`): a contest for the company by an executive, one for a team's
salespeople or among a manager's teams by that manager. `actor` None is the operator at the
command line. Everything is checked before anything is written; a refused contest stores
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from revsight.access import permissions, visibility
from revsight.analytics.catalogue import BY_ID
from revsight.analytics.running import accumulating
from revsight.core import audit, money, periods
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import Organisation
from revsight.org.models import Team, User
from revsight.planning.models import Contest
from revsight.planning.services import team_given

MAX_NAME = 100
MAX_PRIZE = 200
PERIOD_KINDS = ("week", "month", "quarter", "year")
FIELDS = ("name", "metric", "period", "rule", "threshold", "competitors", "team", "teams", "prize")


@dataclass(frozen=True)
class Definition:
    """A contest as checked, ready to store."""

    name: str
    metric: str
    period: periods.Period
    rule: str
    threshold: Decimal | None
    competitors: str
    team: Team | None
    teams: tuple[Team, ...]
    prize: str


def _choice(field: str, raw: Any, choices: Any, default: str) -> str:
    text = str(raw or "").strip().lower().replace("-", "_").replace(" ", "_") or default
    if text not in choices.values:
        raise InvalidInput(field, str(raw), f"must be one of: {', '.join(choices.values)}")
    return text


def _name(raw: Any) -> str:
    text = str(raw or "").strip()
    if not text:
        raise InvalidInput("name", "", "is required: name the contest")
    if len(text) > MAX_NAME:
        raise InvalidInput("name", text[:40], f"is longer than {MAX_NAME} characters")
    return text


def _metric(raw: Any, rule: str) -> str:
    metric_id = str(raw or "").strip()
    if not metric_id:
        raise InvalidInput("metric", "", "is required: a metric of the catalogue, such as bookings")
    if rule == Contest.Rule.FIRST_TO:
        return accumulating(metric_id).id
    metric = BY_ID.get(metric_id)
    if metric is None:
        raise InvalidInput("metric", metric_id, "is not in the catalogue (see docs/metrics.md)")
    if metric.better == "neither":
        raise InvalidInput(
            "metric",
            metric_id,
            "has no better direction (nearer its goal is all that can be said), so it "
            "cannot be won",
        )
    return metric.id


def _period(raw: Any) -> periods.Period:
    text = str(raw or "").strip()
    if not text:
        raise InvalidInput("period", "", "is required: a week, month, quarter or year (2027-Q1)")
    fiscal = Organisation.current().fiscal_year_start_month
    period = periods.parse(text, date.min, fiscal)
    if period.kind not in PERIOD_KINDS:
        raise InvalidInput("period", text, "must be a week, month, quarter or year (2027-Q1)")
    return period


def _threshold(raw: Any, rule: str) -> Decimal | None:
    if rule != Contest.Rule.FIRST_TO:
        if not money.is_blank(raw):
            raise InvalidInput("threshold", str(raw), "is only for a 'first to' contest")
        return None
    if money.is_blank(raw):
        raise InvalidInput("threshold", "", "is required: the value to reach first")
    value = money.parse_number("threshold", raw, negative_ok=False, what="a number")
    if value <= 0:
        raise InvalidInput("threshold", str(raw), "must be more than zero")
    return value


def _teams(raw: Any) -> tuple[Team, ...]:
    if raw is None:
        return ()
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    found: dict[int, Team] = {}
    for item in items:
        team = team_given(item)
        if team is not None:
            found[team.pk] = team
    return tuple(sorted(found.values(), key=lambda t: t.name))


def define(text: Mapping[str, Any]) -> Definition:
    """A contest from what was typed (`FIELDS`), checked field by field."""
    rule = _choice("rule", text.get("rule"), Contest.Rule, Contest.Rule.MOST)
    competing = _choice("competitors", text.get("competitors"), Contest.Competitors, "salespeople")
    team, teams = team_given(text.get("team")), _teams(text.get("teams"))
    if competing == Contest.Competitors.TEAMS:
        if team is not None:
            raise InvalidInput("team", team.name, "is for salespeople contests: list the teams")
        if len(teams) < 2:
            shown = ", ".join(t.name for t in teams)
            raise InvalidInput("teams", shown, "must name at least two teams to compete")
    elif teams:
        raise InvalidInput(
            "teams", ", ".join(t.name for t in teams), "are for contests among teams"
        )
    prize = str(text.get("prize") or "").strip()
    if len(prize) > MAX_PRIZE:
        raise InvalidInput("prize", prize[:40], f"is longer than {MAX_PRIZE} characters")
    return Definition(
        name=_name(text.get("name")),
        metric=_metric(text.get("metric"), rule),
        period=_period(text.get("period")),
        rule=rule,
        threshold=_threshold(text.get("threshold"), rule),
        competitors=competing,
        team=team,
        teams=teams,
        prize=prize,
    )


def may_run(actor: User | None, team: Team | None, teams: tuple[Team, ...]) -> bool:
    if actor is None:
        return True
    if teams:
        return all(permissions.may_plan(actor, t) for t in teams)
    return permissions.may_plan(actor, team)


def _check(actor: User | None, team: Team | None, teams: tuple[Team, ...]) -> None:
    if not may_run(actor, team, teams):
        if teams:
            whose = "among these teams"
        else:
            whose = f"for the team {team.name}" if team else "for the company"
        raise NotAllowed(f"Contests {whose} are run by their managers and executives.")


def visible_contests(actor: User | None) -> list[Contest]:
    contests = Contest.objects.select_related("team", "created_by").prefetch_related("teams")
    contests = visibility.scope_as(actor, contests)
    return list(contests)


def contest(actor: User | None, contest_id: int) -> Contest:
    return visibility.visible_one(actor, Contest.objects.all(), contest_id, "contest")


def contest_named(actor: User | None, name: str) -> Contest:
    contests = Contest.objects.filter(name__iexact=name.strip())
    found = visibility.scope_as(actor, contests).first()
    if found is not None:
        return found
    raise NotFound(f"No contest is named {name!r} (`revsight contest list` lists them).")


def may_change(actor: User | None, found: Contest) -> bool:
    return may_run(actor, found.team, tuple(found.teams.all()))


def _fields(definition: Definition) -> dict[str, Any]:
    return {
        "metric": definition.metric,
        "period": definition.period.id,
        "rule": definition.rule,
        "threshold": str(definition.threshold) if definition.threshold is not None else None,
        "competitors": definition.competitors,
        "team": definition.team.name if definition.team else None,
        "teams": [t.name for t in definition.teams],
        "prize": definition.prize,
    }


def save(actor: User | None, text: Mapping[str, Any], contest_id: int | None = None) -> Contest:
    """Define a new contest, or change the one with `contest_id`."""
    definition = define(text)
    _check(actor, definition.team, definition.teams)
    with transaction.atomic():
        found = contest(actor, contest_id) if contest_id is not None else None
        if found is not None:
            _check(actor, found.team, tuple(found.teams.all()))
        clash = Contest.objects.filter(name__iexact=definition.name)
        if found is not None:
            clash = clash.exclude(pk=found.pk)
        if clash.exists():
            raise InvalidInput("name", definition.name, "is the name of another contest")
        created = found is None
        found = found or Contest(created_by=actor)
        found.name, found.metric = definition.name, definition.metric
        found.period, found.rule = definition.period.id, definition.rule
        found.threshold, found.competitors = definition.threshold, definition.competitors
        found.team, found.prize = definition.team, definition.prize
        found.save()
        found.teams.set(definition.teams)
        audit.record(
            "planning.contest_saved",
            f"Contest {definition.name!r} {'defined' if created else 'changed'}: "
            f"{definition.metric}, {definition.period.id}, {definition.rule}",
            actor=actor,
            target=found,
            details=_fields(definition),
        )
    return found


def delete(actor: User | None, contest_id: int) -> None:
    found = contest(actor, contest_id)
    _check(actor, found.team, tuple(found.teams.all()))
    with transaction.atomic():
        audit.record(
            "planning.contest_deleted",
            f"Contest {found.name!r} deleted",
            actor=actor,
            target=found,
            details={"metric": found.metric, "period": found.period, "rule": found.rule},
        )
        found.delete()


def running_at(contests: list[Contest], day: date) -> list[Contest]:
    """The contests whose period contains `day`."""
    from revsight.planning.contests import period_of

    return [c for c in contests if period_of(c).contains(day)]

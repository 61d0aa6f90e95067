"""The discipline report: whose deals (the audience, under visibility), which rules, the
findings at the as-of date with the deal each is about, the counts per rule and, for the pages,
their trend over the last weeks — all from one load of history (`history.load`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Max

from revsight.access import visibility
from revsight.analytics.engine import Engine, get_engine
from revsight.cadence import history
from revsight.cadence.discipline import Finding, Judge, expected_days
from revsight.cadence.parameters import Parameters
from revsight.cadence.rules import BY_ID, RULE_IDS, Rule
from revsight.core.errors import InvalidInput, NotFound, name_hint
from revsight.core.models import Organisation
from revsight.crm.models import Activity, Opportunity
from revsight.org.models import Team, TeamTree, User

CHUNK = 900  # ids per query: well under every database's limit on parameters


@dataclass(frozen=True)
class Audience:
    """Whose deals are judged: their owners' ids (None: everyone's) and what to call them."""

    owners: frozenset[int] | None
    label: str
    user: User | None = None
    team: Team | None = None


def audience(viewer: User | None, user: User | None = None, team: Team | None = None) -> Audience:
    """The deals of `user`, of `team` (with its sub-teams) or of everyone, as far as `viewer`
    sees them (None: the operator at the command line, who sees everything)."""
    visible = None if viewer is None else visibility.visible_user_ids(viewer)
    if user is not None:
        chosen: set[int] | None = {user.pk}
        label = user.display_name
    elif team is not None:
        below = TeamTree.load().under({team.pk})
        chosen = set(User.objects.filter(team_id__in=below).values_list("id", flat=True))
        label = team.name
    else:
        chosen, label = None, "Everyone you see" if visible is not None else "Company"
    if visible is not None:
        chosen = visible if chosen is None else chosen & visible
    return Audience(None if chosen is None else frozenset(chosen), label, user, team)


def named_audience(viewer: User | None, email: str | None, team_name: str | None) -> Audience:
    """The audience the command line and the API name: a person by email, a team by name.
    Names the viewer may not see are refused like names that do not exist."""
    if email and team_name:
        raise InvalidInput("team", team_name, "cannot be given with --user: choose one")
    visible = User.objects.all() if viewer is None else visibility.scope(viewer, User.objects.all())
    if email:
        user = visible.filter(email__iexact=email.strip()).first()
        if user is None:
            raise InvalidInput("user", email, "is not a person" + (" you see" if viewer else ""))
        return audience(viewer, user=user)
    if team_name:
        teams = Team.objects.all() if viewer is None else visibility.managed_teams(viewer)
        team = teams.filter(name__iexact=team_name.strip()).first()
        if team is None:
            known = list(teams.order_by("name").values_list("name", flat=True))
            what = "a team you manage" if viewer else "a team"
            raise InvalidInput("team", team_name, f"is not {what} ({name_hint(team_name, known)})")
        return audience(viewer, team=team)
    return audience(viewer)


def audience_by_id(viewer: User, user_id: int | None, team_id: int | None) -> Audience:
    """The audience a page names by id; one the viewer may not see is NotFound (404)."""
    if user_id is not None:
        user = visibility.scope(viewer, User.objects.filter(pk=user_id)).first()
        if user is None:
            raise NotFound("No such person.")
        return audience(viewer, user=user)
    if team_id is not None:
        team = visibility.managed_teams(viewer).filter(pk=team_id).first()
        if team is None:
            raise NotFound("No such team.")
        return audience(viewer, team=team)
    return audience(viewer)


def checked_rules(ids: Sequence[str] | None) -> list[str]:
    """The rule ids asked (every rule when none), each checked."""
    for rule in ids or ():
        if rule not in BY_ID:
            raise InvalidInput("rule", rule, f"is not a rule ({', '.join(RULE_IDS)})")
    return [rule for rule in RULE_IDS if not ids or rule in ids]


@dataclass(frozen=True)
class DealRef:
    id: int
    external_id: str
    name: str
    account: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "external_id": self.external_id,
            "name": self.name,
            "account": self.account,
        }


@dataclass(frozen=True)
class Item:
    rule: str
    deal: DealRef
    owner: str
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "deal": self.deal.as_json(),
            "owner": self.owner,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class TrendPoint:
    week: str  # the ISO week, 2026-W26
    day: date  # its last day, or the as-of date in the as-of's own week
    counts: dict[str, int]


@dataclass
class Report:
    as_of: date
    audience: Audience
    rules: list[Rule]
    counts: dict[str, int]
    findings: list[Item]
    trend: list[TrendPoint] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "rules": [
                {"id": r.id, "description": r.description, "count": self.counts[r.id]}
                for r in self.rules
            ],
            "findings": [item.as_json() for item in self.findings],
        }

    def by_rule(self) -> list[tuple[Rule, list[Item]]]:
        return [(r, [i for i in self.findings if i.rule == r.id]) for r in self.rules]

    def trend_rows(self) -> list[tuple[Rule, int, list[int]]]:
        """Each rule with its count and its counts at the end of each week of the trend."""
        return [
            (r, self.counts[r.id], [point.counts[r.id] for point in self.trend]) for r in self.rules
        ]


def week_ends(as_of: date, weeks: int) -> list[tuple[str, date]]:
    """The last day of each of the `weeks` ISO weeks up to the as-of's (that one's is the as-of
    date itself), oldest first."""
    sunday = as_of + timedelta(days=6 - as_of.weekday())
    ends = [min(sunday - timedelta(weeks=n), as_of) for n in reversed(range(weeks))]
    return [(f"{d.isocalendar().year}-W{d.isocalendar().week:02d}", d) for d in ends]


def discipline(
    as_of: date,
    who: Audience,
    rules: Sequence[str] | None = None,
    weeks: int = 0,
    engine: Engine | None = None,
) -> Report:
    """The findings at the end of `as_of` for the audience, and with `weeks` the counts at the
    end of each of that many weeks (the last being the as-of date)."""
    asked = checked_rules(rules)
    parameters = Parameters.load()
    ends = week_ends(as_of, weeks) if weeks else []
    days = sorted({as_of, *(day for _, day in ends)})
    loaded = history.load(
        engine or get_engine(),
        None if who.owners is None else set(who.owners),
        days,
        Organisation.current().time_zone,
        parameters.largest("no_recent_activity", "days") + 1,
        max(parameters.number(rule, "days") for rule in ("skipped_stage", "moved_backwards")),
    )
    found = Judge(loaded, parameters, asked).judge(days)
    counts = _counts(found[as_of], asked)
    return Report(
        as_of,
        who,
        [BY_ID[r] for r in asked],
        counts,
        _items(found[as_of], as_of),
        [TrendPoint(week, day, _counts(found[day], asked)) for week, day in ends],
    )


def _counts(findings: list[Finding], rules: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(rules, 0)
    for finding in findings:
        counts[finding.rule] += 1
    return counts


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[n : n + CHUNK] for n in range(0, len(ids), CHUNK)]


def _items(findings: list[Finding], as_of: date) -> list[Item]:
    """Each finding with its deal and owner, sorted by owner, rule and deal id."""
    ids = sorted({f.deal_id for f in findings})
    deals: dict[int, tuple[DealRef, str]] = {}
    for chunk in _chunks(ids):
        for row in Opportunity.objects.filter(id__in=chunk).values_list(
            "id", "external_id", "name", "account__name", "owner__email"
        ):
            deals[row[0]] = (DealRef(row[0], row[1], row[2], row[3]), row[4])
    silent = sorted({f.deal_id for f in findings if f.rule == "no_recent_activity"})
    last = _last_activity(silent, as_of)
    items = []
    for finding in findings:
        deal, owner = deals[finding.deal_id]
        detail = finding.detail
        if finding.rule == "no_recent_activity":
            seen = last.get(finding.deal_id)
            detail += f" (last {seen})" if seen else " (none recorded)"
        items.append(Item(finding.rule, deal, owner, detail))
    return sorted(items, key=lambda i: (i.owner, i.rule, i.deal.id))


def _last_activity(ids: list[int], as_of: date) -> dict[int, date]:
    """The last day something happened on each deal or on its account, up to the as-of."""
    last: dict[int, date] = {}
    for chunk in _chunks(ids):
        deals = dict(Opportunity.objects.filter(id__in=chunk).values_list("id", "account_id"))
        on_deal = (
            Activity.objects.filter(opportunity_id__in=chunk, date__lte=as_of)
            .values_list("opportunity_id")
            .annotate(last=Max("date"))
        )
        accounts = {a for a in deals.values() if a is not None}
        on_account = dict(
            Activity.objects.filter(account_id__in=accounts, date__lte=as_of)
            .values_list("account_id")
            .annotate(last=Max("date"))
        )
        for deal, day in on_deal:
            last[deal] = day
        for deal, account in deals.items():
            seen = on_account.get(account)
            if seen is not None and (deal not in last or seen > last[deal]):
                last[deal] = seen
    return last


def stage_defaults(as_of: date, engine: Engine | None = None) -> dict[int, int]:
    """Each open stage's computed expected days at the end of `as_of` (the settings page shows
    them beside the overrides); stages no won deal went through in 12 months have none."""
    runner = engine or get_engine()
    stages = history.stages_of(runner)
    zone = Organisation.current().time_zone
    visits = history.won_visits(runner, stages, as_of, as_of, zone)
    factor = Parameters.load().number("stale_in_stage", "factor")
    return expected_days(visits, factor, as_of)

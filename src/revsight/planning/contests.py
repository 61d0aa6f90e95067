"""Scoring a sales contest from the metric catalogue at any as-of date.

Who competes: every salesperson employed at some point in the contest's period (or those of
one team, its sub-teams included), keyed by email as `revsight metrics --by rep` keys them; or
some teams, keyed by name, each pooling its salespeople as a team's metrics do.

The rules:
- `most`: the metric over the period up to the as-of date; the best value leads (the highest,
  or the lowest for a metric where lower is better, such as a sales cycle).
- `first_to`: the first to reach a threshold of a metric that builds up through the period (a
  sum or a count); ranked by the day each reached it, then by value.
- `improvement`: the metric over the period up to the as-of date against the whole previous
  period of the same kind; the biggest change for the better leads (a ratio's change is in
  points of its fraction: 0.25 to 0.31 is +0.06).

Equal scores share a rank (1, 1, 3). The winner is the one first place once it is decided:
for `first_to` as soon as someone reaches the threshold, for the others when the period has
ended; never while first place is shared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from revsight.analytics import compute
from revsight.analytics.catalogue import BY_ID, Metric
from revsight.analytics.computation import DECIMALS
from revsight.analytics.running import daily_values
from revsight.analytics.scopes import Membership, membership, narrowed
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.org.models import Role, TeamTree, User
from revsight.planning.models import Contest

Score = float | int | None


@dataclass(frozen=True)
class Entry:
    key: str
    name: str
    score: Score
    reached_on: date | None = None  # `first_to`: the day the threshold was reached
    value: Score = None  # `improvement`: this period's value (the score is the change)
    previous: Score = None  # `improvement`: the previous period's value


@dataclass(frozen=True)
class Standing:
    rank: int
    entry: Entry


@dataclass(frozen=True)
class Standings:
    contest: Contest
    metric: Metric
    period: periods.Period
    as_of: date
    standings: list[Standing]
    winner: str | None
    previous_period: periods.Period | None = None

    @property
    def started(self) -> bool:
        return self.as_of >= self.period.start

    @property
    def finished(self) -> bool:
        return self.as_of >= self.period.end

    def standing_of(self, key: str) -> Standing | None:
        return next((s for s in self.standings if s.entry.key == key), None)


def period_of(contest: Contest) -> periods.Period:
    # A contest's period is never year-to-date, so no as-of date shapes it.
    fiscal = Organisation.current().fiscal_year_start_month
    return periods.parse(contest.period, date.min, fiscal)


def competitors(contest: Contest, period: periods.Period) -> Membership:
    """The contest's scope: its salespeople (by email) or its teams (by name)."""
    if contest.competitors == Contest.Competitors.TEAMS:
        names = sorted(contest.teams.values_list("name", flat=True))
        return narrowed(membership("team", period), names)
    everyone = membership("rep", period)
    if contest.team_id is None:
        return everyone
    below = TeamTree.load().descendants(contest.team_id)
    emails = set(
        User.objects.filter(role=Role.SALESPERSON, team_id__in=below).values_list(
            "email", flat=True
        )
    )
    return narrowed(everyone, [key for key in everyone.keys if key in emails])


def _scope(contest: Contest) -> str:
    return "team" if contest.competitors == Contest.Competitors.TEAMS else "rep"


def _change(metric: Metric, value: Score, previous: Score) -> Score:
    if value is None or previous is None:
        return None
    change = value - previous if metric.better != "lower" else previous - value
    places = DECIMALS[metric.unit]
    return round(change) if places == 0 else round(float(change), places)


def _entries(
    contest: Contest, metric: Metric, period: periods.Period, as_of: date, members: Membership
) -> list[Entry]:
    if contest.rule == Contest.Rule.FIRST_TO:
        return _race(contest, metric, period, as_of, members)
    by, trend = _scope(contest), 1 if contest.rule == Contest.Rule.IMPROVEMENT else 0
    result = compute([metric.id], period, as_of, by, trend=trend, members=members)
    entries = []
    for row in result.rows:
        name = members.label(row.key)
        if contest.rule == Contest.Rule.IMPROVEMENT:
            previous = row.trend[0] if row.trend else None
            score = _change(metric, row.value, previous)
            entries.append(Entry(row.key, name, score, value=row.value, previous=previous))
        else:
            entries.append(Entry(row.key, name, row.value))
    return entries


def _race(
    contest: Contest, metric: Metric, period: periods.Period, as_of: date, members: Membership
) -> list[Entry]:
    """`first_to`: each key's value day by day; the score is the last day's (the period to
    the as-of date), the day reached the first on which it met the threshold."""
    assert contest.threshold is not None
    threshold = float(contest.threshold)
    days = sorted(daily_values(metric.id, period, as_of, members).items())
    entries = []
    for key in members.keys:
        reached = next((day for day, values in days if (values[key] or 0) >= threshold), None)
        score = days[-1][1][key] if days else None
        entries.append(Entry(key, members.label(key), score, reached_on=reached))
    return entries


def ranked(
    entries: Sequence[Entry], sort_key: Callable[[Entry], Any], tie: Callable[[Entry], Any]
) -> list[Standing]:
    """Entries in order of `sort_key`; those equal by `tie` share the rank of the first."""
    ordered = sorted(entries, key=lambda e: (sort_key(e), e.name.lower(), e.key))
    standings: list[Standing] = []
    for place, entry in enumerate(ordered, start=1):
        if standings and tie(standings[-1].entry) == tie(entry):
            standings.append(Standing(standings[-1].rank, entry))
        else:
            standings.append(Standing(place, entry))
    return standings


def _order(contest: Contest, metric: Metric) -> tuple[Callable[[Entry], Any], Callable]:
    lower = metric.better == "lower" and contest.rule == Contest.Rule.MOST

    def by_score(entry: Entry) -> tuple[bool, float]:
        if entry.score is None:
            return (True, 0.0)
        return (False, float(entry.score) if lower else -float(entry.score))

    if contest.rule == Contest.Rule.FIRST_TO:

        def by_day(entry: Entry) -> tuple[bool, date, tuple[bool, float]]:
            day = entry.reached_on or date.max
            return (entry.reached_on is None, day, by_score(entry))

        return by_day, lambda e: (e.reached_on, e.score)
    return by_score, lambda e: e.score


def _winner(contest: Contest, standings: list[Standing], finished: bool) -> str | None:
    first = [s for s in standings if s.rank == 1]
    if len(first) != 1 or first[0].entry.score is None:
        return None
    if contest.rule == Contest.Rule.FIRST_TO:
        return first[0].entry.key if first[0].entry.reached_on is not None else None
    return first[0].entry.key if finished else None


def standings(contest: Contest, as_of: date) -> Standings:
    """The contest's standings at the end of `as_of`: what was known then, counted from the
    period's start to the as-of date (or the period's end)."""
    metric = BY_ID[contest.metric]
    period = period_of(contest)
    members = competitors(contest, period)
    if as_of >= period.start:
        entries = _entries(contest, metric, period, as_of, members)
    else:
        entries = [Entry(key, members.label(key), None) for key in members.keys]
    sort_key, tie = _order(contest, metric)
    table = ranked(entries, sort_key, tie)
    fiscal = Organisation.current().fiscal_year_start_month
    previous = None
    if contest.rule == Contest.Rule.IMPROVEMENT:
        previous = periods.previous(period, 1, fiscal)[0]
    winner = _winner(contest, table, as_of >= period.end)
    return Standings(contest, metric, period, as_of, table, winner, previous)


def as_json(result: Standings) -> dict[str, Any]:
    """The `revsight contest standings --format json` document."""
    contest = result.contest
    return {
        "contest": contest.name,
        "as_of": result.as_of.isoformat(),
        "rule": contest.rule,
        "metric": contest.metric,
        "unit": result.metric.unit,
        "competitors": contest.competitors,
        "period": {
            "id": result.period.id,
            "start": result.period.start.isoformat(),
            "end": result.period.end.isoformat(),
        },
        "threshold": float(contest.threshold) if contest.threshold is not None else None,
        "previous_period": result.previous_period.id if result.previous_period else None,
        "finished": result.finished,
        "standings": [
            {
                "rank": s.rank,
                "key": s.entry.key,
                "name": s.entry.name,
                "score": s.entry.score,
                **(
                    {"reached_on": s.entry.reached_on.isoformat() if s.entry.reached_on else None}
                    if contest.rule == Contest.Rule.FIRST_TO
                    else {}
                ),
                **(
                    {"value": s.entry.value, "previous": s.entry.previous}
                    if contest.rule == Contest.Rule.IMPROVEMENT
                    else {}
                ),
            }
            for s in result.standings
        ],
        "winner": result.winner,
    }

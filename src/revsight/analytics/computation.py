"""Computing metrics: the one entry point the CLI, the web pages, the API and exports call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from revsight.analytics.catalogue import BY_ID, METRICS, SPLITS, Metric
from revsight.analytics.context import Context
from revsight.analytics.engine import Engine, get_engine
from revsight.analytics.measures import measure, split_key
from revsight.analytics.scopes import Membership, membership
from revsight.analytics.session import Query
from revsight.core import clock, periods
from revsight.core.errors import InvalidInput
from revsight.core.models import Organisation
from revsight.org.models import Goal, Team, User

DECIMALS = {"money": 2, "ratio": 6, "days": 2, "count": 0, "rate": 2, "hours": 2}


@dataclass
class Row:
    metric: str
    scope: str
    key: str
    value: float | int | None
    goal: float | None
    unit: str
    trend: list[float | int | None] | None = None
    split: str | None = None  # the value of the split dimension (a stage, a lead source)

    @property
    def gap(self) -> float | None:
        return gap(self.value, self.goal, self.unit)


def gap(value: float | int | None, goal: float | None, unit: str) -> float | None:
    """How far a value is above (+) or below (−) its goal, to its unit's decimals."""
    if value is None or goal is None:
        return None
    return round(value - goal, DECIMALS[unit])


@dataclass
class Result:
    as_of: date
    engine: str
    period: periods.Period
    scope: str
    metrics: list[Metric]
    members: Membership | None = None
    split: str | None = None
    rows: list[Row] = field(default_factory=list)
    trend_periods: list[periods.Period] = field(default_factory=list)

    def label(self, key: str) -> str:
        return self.members.label(key) if self.members else key

    def value(
        self, metric: str, key: str = "company", split: str | None = None
    ) -> float | int | None:
        try:
            return self._index()[(metric, key, split)].value
        except KeyError:
            raise KeyError((metric, key, split)) from None

    def _index(self) -> dict[tuple[str, str, str | None], Row]:
        # Pages call value() per key and metric: scanning the rows each time cost 11 s for the
        # nine core metrics of 2,000 salespeople. Made again when the rows list changed.
        kept = self.__dict__.get("_by_cell")
        if kept is None or kept[0] is not self.rows or kept[1] != len(self.rows):
            index: dict[tuple[str, str, str | None], Row] = {}
            for row in self.rows:
                index.setdefault((row.metric, row.key, row.split), row)  # the first, as before
            kept = (self.rows, len(self.rows), index)
            self.__dict__["_by_cell"] = kept
        return kept[2]

    def __getstate__(self) -> dict[str, object]:
        # Kept results are pickled into the cache: the index is made again when read.
        return {name: value for name, value in self.__dict__.items() if name != "_by_cell"}


def _rounded(metric: Metric, value: float | int | None) -> float | int | None:
    if value is None:
        return None
    places = DECIMALS[metric.unit]
    return round(value) if places == 0 else round(float(value), places)


def split_values(split: str | None) -> list[str | None]:
    """The values a split divides into: open stages in order, or every lead source seen."""
    from revsight.crm.models import Lead, MarketingSpend, Stage

    if split is None:
        return [None]
    values: list[str | None] = []
    if split == "stage":
        stages = Stage.objects.filter(outcome="open").order_by("order", "name")
        values.extend(stages.values_list("name", flat=True))
        return values
    sources = set(Lead.objects.values_list("lead_source", flat=True).distinct())
    sources |= set(MarketingSpend.objects.values_list("lead_source", flat=True).distinct())
    values.extend(sorted(sources))
    return values


Cell = tuple[str, str, str | None]  # metric, key, split value


def span_values(
    ctx: Context, metrics: list[Metric], splits: list[str | None]
) -> list[dict[Cell, Any]]:
    """Each metric per key and split value, for each span of the context in order."""
    values: list[dict[Cell, Any]] = [{} for _ in ctx.spans]
    for metric in metrics:
        per_measure = {name: measure(ctx, name) for name in metric.measures}
        for number, found in enumerate(values):
            for key in ctx.members.keys:
                for value in splits:
                    cell = (number, split_key(key, value))
                    components = {n: rows.get(cell, {}) for n, rows in per_measure.items()}
                    found[(metric.id, key, value)] = _rounded(metric, metric.value(components))
    return values


def _goals(
    metrics: list[Metric], scope: Membership, period_id: str
) -> dict[tuple[str, str], float]:
    goals = Goal.objects.filter(metric__in=[m.id for m in metrics], period=period_id)
    found: dict[tuple[str, str], float] = {}
    if scope.scope == "company":
        for metric, target in goals.filter(scope="company").values_list("metric", "target"):
            found[(metric, "company")] = float(target)
    elif scope.scope == "team":
        names = dict(Team.objects.values_list("id", "name"))
        for metric, team, target in goals.filter(scope="team").values_list(
            "metric", "team_id", "target"
        ):
            found[(metric, names[team])] = float(target)
    else:
        emails = dict(User.objects.values_list("id", "email"))
        for metric, user, target in goals.filter(scope="user").values_list(
            "metric", "user_id", "target"
        ):
            found[(metric, emails[user])] = float(target)
    return found


def resolve_metrics(ids: list[str] | None) -> list[Metric]:
    if not ids:
        return list(METRICS)
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        raise InvalidInput("metric", unknown[0], "is not in the catalogue (see docs/metrics.md)")
    return [BY_ID[i] for i in dict.fromkeys(ids)]


def compute(
    metric_ids: list[str] | None = None,
    period_id: str | periods.Period | None = None,
    as_of: date | None = None,
    by: str = "company",
    trend: int = 0,
    engine: Engine | str | None = None,
    split: str | None = None,
    members: Membership | None = None,
) -> Result:
    """Shorthand for `compute_query(Query(…))` on the current session's engine (or `engine`).
    Defaults: every metric, the month of the as-of date, the whole company."""
    query = Query(metric_ids, period_id, as_of, by, trend, split, members)
    runner = engine if engine is not None and not isinstance(engine, str) else get_engine(engine)
    return compute_query(query, runner)


def _period(query: Query, as_of: date, fiscal: int) -> periods.Period:
    if isinstance(query.period, periods.Period):
        return query.period
    if query.period:
        return periods.parse(query.period, as_of, fiscal)
    return periods.containing("month", as_of, fiscal)


def compute_query(query: Query, runner: Engine) -> Result:
    """Metrics for one period and scope, with goals, and the trend over the `trend` periods
    before it. `members` narrows the scope to some of its keys (one team, the salespeople of a
    team)."""
    org = Organisation.current()
    as_of = query.as_of or clock.today()
    fiscal = org.fiscal_year_start_month
    period = _period(query, as_of, fiscal)
    by, trend, split, members = query.by, query.trend, query.split, query.members
    metric_ids = list(query.metrics) if query.metrics else None
    if trend < 0:
        raise InvalidInput("trend", str(trend), "must be 0 or more")
    if split is not None and split not in SPLITS:
        raise InvalidInput("split", split, f"must be one of: {', '.join(SPLITS)}")
    if split is not None and not metric_ids:
        metric_ids = [m.id for m in METRICS if split in m.splits]
    metrics = resolve_metrics(metric_ids)
    if split is not None:
        unable = [m.id for m in metrics if split not in m.splits]
        if unable:
            able = ", ".join(m.id for m in METRICS if split in m.splits)
            raise InvalidInput("split", split, f"applies only to {able} (not {unable[0]})")
    splits = split_values(split)
    if members is None:
        members = membership(by, period)
    elif members.scope != by:
        raise InvalidInput("by", by, f"does not match the members given ({members.scope})")

    earlier = periods.previous(period, trend, fiscal) if trend else []
    context = Context(
        runner, period, as_of, members, org.time_zone, fiscal, split, org.pacing, tuple(earlier)
    )
    values, *earlier_values = span_values(context, metrics, splits)
    goals = _goals(metrics, members, period.id)
    result = Result(as_of, runner.name, period, by, metrics, members, split, trend_periods=earlier)
    for metric in metrics:
        for key in members.keys:
            for value in splits:
                cell = (metric.id, key, value)
                result.rows.append(
                    Row(
                        metric=metric.id,
                        scope=by,
                        key=key,
                        value=values[cell],
                        goal=goals.get((metric.id, key)) if value is None else None,
                        unit=metric.unit,
                        trend=[v[cell] for v in earlier_values] if trend else None,
                        split=value,
                    )
                )
    return result


def as_json(result: Result) -> dict[str, Any]:
    """The `revsight metrics --format json` document."""
    rows = []
    for row in result.rows:
        item: dict[str, Any] = {
            "metric": row.metric,
            "scope": row.scope,
            "key": row.key,
            "value": row.value,
            "goal": row.goal,
            "gap": row.gap,
            "unit": row.unit,
        }
        if result.split is not None:
            item[result.split] = row.split
        if row.trend is not None:
            item["trend"] = [
                {"period": p.id, "value": v}
                for p, v in zip(result.trend_periods, row.trend, strict=True)
            ]
        rows.append(item)
    return {
        "as_of": result.as_of.isoformat(),
        "engine": result.engine,
        "period": {
            "id": result.period.id,
            "start": result.period.start.isoformat(),
            "end": result.period.end.isoformat(),
        },
        "rows": rows,
    }

"""What every metric computation needs: the engine's facts, the period, the as-of moment and
the scope's members.

A context may carry earlier periods beside its own (a trend): measures then compute every period
in one query, grouped by `span` (0 for the period itself, 1… for the earlier ones in order), so
a twelve-month trend is compiled and run once instead of twelve times.

What a measure reads of its context besides the facts, the periods, the as-of moment and the
members, comes through the tables and values here. A context that is `compiling` names them
instead of holding them (`PARAMETERS`), so the query compiled from it holds no value and serves
every later context of the same shape (`analytics.compiled`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir

from revsight.analytics.engine import Engine
from revsight.analytics.scopes import Membership
from revsight.core.periods import Period, selling_days


def end_of_day_utc(day: date, zone: str) -> datetime:
    """The first instant after `day` in the organisation's time zone, as naive UTC."""
    local = datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC).replace(tzinfo=None)


SPAN_SCHEMA = {
    "span": "int64",
    "span_start": "date",
    "span_end": "date",
    "span_last": "date",
    "span_days": "int64",
    "span_workdays": "int64",
    "span_year_before": "date",
}
MEMBER_SCHEMA = {"member_id": "int64", "key": "string"}
SHARE_SCHEMA = {"span": "int64", "weight_month": "date", "weight": "float64"}
VALUE_SCHEMA = {"as_of": "date", "boundary": "timestamp"}

# The tables a compiling context names, and their columns: what a compiled query is run with.
# The span table of a compiled query also holds each span's commit cutoff (`measures.forecast`):
# in memory, a timestamp column is one that SQLite's Ibis backend cannot load.
PARAMETERS = {
    "_rs_spans": {**SPAN_SCHEMA, "span_cutoff": "timestamp"},
    "_rs_members": MEMBER_SCHEMA,
    "_rs_shares": SHARE_SCHEMA,
    "_rs_values": VALUE_SCHEMA,
}

Columns = dict[str, list[Any]]


def quota_fractions(start: date, end: date) -> dict[date, float]:
    """Share of each month's quota that falls in [start, end], prorated by days."""
    fractions: dict[date, float] = {}
    month = start.replace(day=1)
    while month <= end:
        following = (month + timedelta(days=32)).replace(day=1)
        month_end = following - timedelta(days=1)
        overlap = (min(end, month_end) - max(start, month)).days + 1
        fractions[month] = overlap / month_end.day
        month = following
    return fractions


@dataclass
class Context:
    engine: Engine
    period: Period
    as_of: date
    members: Membership
    time_zone: str = "UTC"
    fiscal_start_month: int = 1
    split: str | None = None  # a dimension to divide the metrics by ("stage", "lead_source")
    pacing: str = "selling"  # how a standard is spread over a period (`Organisation.pacing`)
    others: tuple[Period, ...] = ()  # earlier periods computed in the same queries
    cache: dict[str, Any] = field(default_factory=dict)
    compiling: bool = False  # name the parameters instead of holding them (`PARAMETERS`)

    @classmethod
    def for_organisation(
        cls, engine: Engine, period: Period, as_of: date, members: Membership
    ) -> Context:
        """A context in the organisation's time zone and fiscal year."""
        from revsight.core.models import Organisation

        organisation = Organisation.current()
        return cls(
            engine,
            period,
            as_of,
            members,
            organisation.time_zone,
            organisation.fiscal_year_start_month,
            pacing=organisation.pacing,
        )

    def fact(self, name: str) -> ir.Table:
        return self.engine.table(name)

    def group_keys(self) -> list[str]:
        """What measures group by: the span, the scope key, and the split's value when there
        is one."""
        return ["span", "key", "split"] if self.split else ["span", "key"]

    @property
    def spans(self) -> tuple[Period, ...]:
        return (self.period, *self.others)

    def last_day_of(self, period: Period) -> date:
        """Events count up to the period's end or the as-of date, whichever comes first (a
        forward window looks at what is planned in it, so it keeps its end)."""
        if period.kind == "window":
            return period.end
        return min(period.end, self.as_of)

    def parameter_columns(self) -> dict[str, Columns]:
        """The data of each table in `PARAMETERS`, column by column, for this context."""
        spans: Columns = {name: [] for name in PARAMETERS["_rs_spans"]}
        shares: Columns = {name: [] for name in SHARE_SCHEMA}
        for number, period in enumerate(self.spans):
            last = self.last_day_of(period)
            row = {
                "span": number,
                "span_start": period.start,
                "span_end": period.end,
                "span_last": last,
                "span_days": (last - period.start).days + 1,
                "span_workdays": selling_days(period.start, last),
                "span_year_before": last - timedelta(days=365),
                "span_cutoff": end_of_day_utc(period.start, self.time_zone),
            }
            for name, value in row.items():
                spans[name].append(value)
            for month, weight in quota_fractions(period.start, period.end).items():
                shares["span"].append(number)
                shares["weight_month"].append(month)
                shares["weight"].append(weight)
        pairs = self.members.pairs or [(-1, "")]
        return {
            "_rs_spans": spans,
            "_rs_members": {"member_id": [p[0] for p in pairs], "key": [p[1] for p in pairs]},
            "_rs_shares": shares,
            "_rs_values": {"as_of": [self.as_of], "boundary": [self.as_of_boundary]},
        }

    def _parameter(self, name: str) -> ir.Table:
        """One of `PARAMETERS`: named when compiling, else in memory (made once)."""
        if self.compiling:
            return ibis.table(PARAMETERS[name], name=name)
        if name not in self.cache:
            if "_columns" not in self.cache:
                self.cache["_columns"] = self.parameter_columns()
            schema = SPAN_SCHEMA if name == "_rs_spans" else PARAMETERS[name]
            columns = {column: self.cache["_columns"][name][column] for column in schema}
            self.cache[name] = ibis.memtable(columns, schema=schema)
        table: ir.Table = self.cache[name]
        return table

    def span_table(self) -> ir.Table:
        """One row per span: its number, first and last day, the last day events count to,
        the days and selling days counted, the day a year before the last; when compiling,
        also the end of its first day in the organisation's time zone (as naive UTC)."""
        return self._parameter("_rs_spans")

    def share_table(self) -> ir.Table:
        """The share of each month that falls in each span (`weight_month`, `weight`)."""
        return self._parameter("_rs_shares")

    def value(self, name: str) -> ir.Value:
        """`as_of` (a date) or `boundary` (the end of the as-of date, a naive UTC timestamp):
        a literal, or when compiling a scalar read from the named values."""
        if self.compiling:
            return self._parameter("_rs_values")[name].as_scalar()
        if name == "as_of":
            return ibis.literal(self.as_of, "date")
        return ibis.timestamp(self.as_of_boundary)

    def within(self, table: ir.Table, column: str, until: str = "last") -> ir.Table:
        """The rows of `table` whose `column` falls in a span, from its first day to its last
        counted day (`until="last"`) or to its end (`"end"`), numbered by `span`. A row falls
        in every span it belongs to (periods of a trend do not overlap)."""
        if self.compiling and not self.others:
            spans = self.span_table()
            end_value = spans.span_last if until == "last" else spans.span_end
            start, end = spans.span_start.as_scalar(), end_value.as_scalar()
            inside = table.filter((table[column] >= start) & (table[column] <= end))
            return inside.mutate(span=ibis.literal(0, "int64"))
        if not self.others:
            end = self.last_day if until == "last" else self.period.end
            inside = table.filter((table[column] >= self.period.start) & (table[column] <= end))
            return inside.mutate(span=ibis.literal(0, "int64"))
        spans = self.span_table()
        end_column = spans.span_last if until == "last" else spans.span_end
        joined = table.join(
            spans, (table[column] >= spans.span_start) & (table[column] <= end_column)
        )
        return joined.select(*table.columns, "span")

    def each_span(self, table: ir.Table) -> ir.Table:
        """Every row of `table` beside every span and its columns."""
        return table.cross_join(self.span_table())

    def member_table(self) -> ir.Table:
        """The scope's (user id, key) pairs, made once per context: every measure joins it."""
        return self._parameter("_rs_members")

    def by_member(self, table: ir.Table, user_column: str) -> ir.Table:
        """`table` joined to the scope's members, so it can be grouped by `key`."""
        members = self.member_table()
        return table.join(members, table[user_column] == members.member_id)

    @property
    def as_of_boundary(self) -> datetime:
        return end_of_day_utc(self.as_of, self.time_zone)

    def window(self, days: int) -> Context:
        """The same computation over the `days` days after the as-of date."""
        span = Period(
            f"next-{days}d",
            "window",
            self.as_of + timedelta(days=1),
            self.as_of + timedelta(days=days),
        )
        return replace(self, period=span, others=(), cache={})

    @property
    def last_day(self) -> date:
        return self.last_day_of(self.period)

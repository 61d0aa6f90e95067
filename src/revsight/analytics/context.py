"""What every metric computation needs: the engine's facts, the period, the as-of moment and
the scope's members.

A context may carry earlier periods beside its own (a trend): measures then compute every period
in one query, grouped by `span` (0 for the period itself, 1… for the earlier ones in order), so
a twelve-month trend is compiled and run once instead of twelve times."""

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

    def span_table(self) -> ir.Table:
        """One row per span: its number, first and last day, the last day events count to,
        the days and selling days counted, and the day a year before the last."""
        if "_spans" not in self.cache:
            rows = []
            for number, period in enumerate(self.spans):
                last = self.last_day_of(period)
                rows.append(
                    {
                        "span": number,
                        "span_start": period.start,
                        "span_end": period.end,
                        "span_last": last,
                        "span_days": (last - period.start).days + 1,
                        "span_workdays": selling_days(period.start, last),
                        "span_year_before": last - timedelta(days=365),
                    }
                )
            self.cache["_spans"] = ibis.memtable(
                {name: [row[name] for row in rows] for name in SPAN_SCHEMA},
                schema=SPAN_SCHEMA,
            )
        spans: ir.Table = self.cache["_spans"]
        return spans

    def within(self, table: ir.Table, column: str, until: str = "last") -> ir.Table:
        """The rows of `table` whose `column` falls in a span, from its first day to its last
        counted day (`until="last"`) or to its end (`"end"`), numbered by `span`. A row falls
        in every span it belongs to (periods of a trend do not overlap)."""
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
        if "_members" not in self.cache:
            pairs = self.members.pairs or [(-1, "")]
            self.cache["_members"] = ibis.memtable(
                {"member_id": [p[0] for p in pairs], "key": [p[1] for p in pairs]},
                schema={"member_id": "int64", "key": "string"},
            )
        members: ir.Table = self.cache["_members"]
        return members

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

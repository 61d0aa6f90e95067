"""What every metric computation needs: the engine's facts, the period, the as-of moment and
the scope's members."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir

from revsight.analytics.engine import Engine
from revsight.analytics.scopes import Membership
from revsight.core.periods import Period


def end_of_day_utc(day: date, zone: str) -> datetime:
    """The first instant after `day` in the organisation's time zone, as naive UTC."""
    local = datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC).replace(tzinfo=None)


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
        """What measures group by: the scope key, and the split's value when there is one."""
        return ["key", "split"] if self.split else ["key"]

    def member_table(self) -> ir.Table:
        pairs = self.members.pairs or [(-1, "")]
        return ibis.memtable(
            {"member_id": [p[0] for p in pairs], "key": [p[1] for p in pairs]},
            schema={"member_id": "int64", "key": "string"},
        )

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
        return replace(self, period=span, cache={})

    @property
    def last_day(self) -> date:
        """Events count up to the period's end or the as-of date, whichever comes first (a
        forward window looks at what is planned in it, so it keeps its end)."""
        if self.period.kind == "window":
            return self.period.end
        return min(self.period.end, self.as_of)

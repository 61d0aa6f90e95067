"""Measures on the DuckDB replica run from queries compiled once per shape (`analytics.compiled`):
the same rows as the expression Ibis compiles for each context, and no value of one context
carried into another's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import ibis
import pytest

from revsight.analytics import compiled, measures
from revsight.analytics.catalogue import METRICS
from revsight.analytics.context import Context
from revsight.analytics.engine import open_engine
from revsight.analytics.scopes import membership, narrowed
from revsight.core import periods

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db]

COMPILED = [name for name in measures.MEASURES if name != "staffing"]


@pytest.fixture
def duckdb() -> Iterator[Any]:
    engine = open_engine("duckdb")
    yield engine
    engine.close()


def _context(engine: Any, period_id: str, as_of: date, by: str, trend: int = 0, **kw: Any) -> Any:
    period = periods.parse(period_id, as_of, 1)
    members = kw.pop("members", None) or membership(by, period)
    others = tuple(periods.previous(period, trend, 1)) if trend else ()
    return Context(engine, period, as_of, members, others=others, **kw)


def _sorted(rows: Any) -> list[tuple[Any, ...]]:
    def plain(value: Any) -> Any:
        value = measures._plain(value)
        return round(value, 4) if isinstance(value, float) else value

    return sorted((tuple(sorted((k, plain(v)) for k, v in row.items())) for row in rows), key=repr)


def _splitting(split: str) -> set[str]:
    """The measures of the metrics that split by `split`."""
    return {name for metric in METRICS if split in metric.splits for name in metric.measures}


CASES = [
    ("2026-06", date(2026, 6, 30), "rep", 0, None),
    ("2026-Q2", date(2026, 6, 17), "team", 2, None),
    ("2026-05", date(2026, 6, 30), "company", 3, "stage"),
    ("2026", date(2026, 6, 30), "company", 0, "lead_source"),
]


@pytest.mark.parametrize(
    ("name", "period_id", "as_of", "by", "trend", "split"),
    [
        (name, *case)
        for case in CASES
        for name in COMPILED
        if case[-1] is None or name in _splitting(case[-1])
    ],
)
def test_a_compiled_measure_gives_the_rows_ibis_gives(
    duckdb: Any, name: str, period_id: str, as_of: date, by: str, trend: int, split: str | None
) -> None:
    ctx = _context(duckdb, period_id, as_of, by, trend, split=split)
    through_ibis = measures.MEASURES[name](ctx).execute().to_dict("records")
    assert _sorted(compiled.run(ctx, name, measures.MEASURES[name])) == _sorted(through_ibis)


@pytest.mark.parametrize("name", ["closed", "pipeline", "forecast", "quota", "customers"])
def test_a_query_kept_for_one_context_serves_another_of_its_shape(duckdb: Any, name: str) -> None:
    first = _context(duckdb, "2026-05", date(2026, 5, 31), "rep")
    compiled.run(first, name, measures.MEASURES[name])
    everyone = membership("rep", periods.parse("2026-03", date(2026, 3, 20), 1))
    some = narrowed(everyone, everyone.keys[:3])
    later = _context(duckdb, "2026-03", date(2026, 3, 20), "rep", members=some)
    assert compiled.shape(first, name) == compiled.shape(later, name)
    expected = measures.MEASURES[name](later).execute().to_dict("records")
    assert _sorted(compiled.run(later, name, measures.MEASURES[name])) == _sorted(expected)
    assert {row["key"] for row in expected} <= set(some.keys)


def test_a_measure_that_holds_a_date_runs_through_ibis(duckdb: Any) -> None:
    def baked(ctx: Context) -> Any:
        deals = ctx.fact("opportunities")
        made = deals.filter(deals.created_date <= ibis.literal(ctx.as_of))
        joined = ctx.by_member(ctx.within(made, "close_date"), "owner_id")
        return joined.group_by(["span", "key"]).aggregate(n=joined.count())

    ctx = _context(duckdb, "2026-06", date(2026, 6, 30), "rep")
    rows = compiled.run(ctx, "baked_date", baked)
    assert compiled._KEPT[compiled.shape(ctx, "baked_date")] is None
    assert _sorted(rows) == _sorted(baked(ctx).execute().to_dict("records"))


def test_a_shape_that_misses_what_a_measure_depends_on_fails_under_check(
    duckdb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVSIGHT_CHECK_COMPILED", "1")

    def by_members(ctx: Context) -> Any:
        # The query changes with the number of members, which the shape does not hold.
        deals = ctx.by_member(ctx.within(ctx.fact("opportunities"), "close_date"), "owner_id")
        wide = deals.filter(deals.amount > len(ctx.members.keys))
        return wide.group_by(["span", "key"]).aggregate(n=wide.count())

    everyone = _context(duckdb, "2026-06", date(2026, 6, 30), "rep")
    compiled.run(everyone, "by_members", by_members)
    one = narrowed(everyone.members, everyone.members.keys[:1])
    with pytest.raises(compiled.ShapeMismatch, match="by_members"):
        compiled.run(
            _context(duckdb, "2026-06", date(2026, 6, 30), "rep", members=one),
            "by_members",
            by_members,
        )


def test_other_engines_run_measures_through_ibis(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> None:
        raise AssertionError("only the DuckDB replica compiles")

    monkeypatch.setattr(compiled, "_compile", refuse)
    ctx = _context(open_engine("database"), "2026-06", date(2026, 6, 30), "rep")
    rows = compiled.run(ctx, "closed", measures.closed)
    assert _sorted(rows) == _sorted(measures.closed(ctx).execute().to_dict("records"))
    assert sum(row["won_count"] for row in rows) > 0


def test_a_lone_spans_days_and_the_as_of_moment_are_statement_parameters(duckdb: Any) -> None:
    ctx = _context(duckdb, "2026-06", date(2026, 6, 30), "rep")
    compiled.run(ctx, "pipeline", measures.pipeline)
    kept = compiled._KEPT[compiled.shape(ctx, "pipeline")]
    assert kept is not None
    assert set(kept.parameters) == {
        ("_rs_values", "as_of"),
        ("_rs_values", "boundary"),
        ("_rs_spans", "span_start"),
        ("_rs_spans", "span_end"),
    }
    assert "$as_of" in kept.sql
    assert "_rs_values" not in kept.sql
    assert "2026" not in kept.sql

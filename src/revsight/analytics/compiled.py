"""Measures on the DuckDB replica as compiled queries, kept per shape and run with parameters.

Compiling an Ibis expression costs 10–30 ms, several times what DuckDB then takes to run it on a
small organisation, and a dashboard runs dozens. Yet a measure's query depends on few things
besides values: the measure, the split, whether there is a trend, the kind of period and the
scope (`shape`). So the measure is built once per shape from a `compiling` context, which names
its parameters (the spans, the members, the months' shares, the as-of values) as tables
instead of holding them; the SQL compiled from it is kept, and every later context of that
shape runs it with its own parameter tables defined in front of it (`_with_parameters`). A
single value read from a one-row parameter table (the as-of date, a lone span's first day) becomes a
parameter of the statement instead (`$as_of`), so DuckDB plans with the value, as it would
with a literal: a scalar subquery there cost the pipeline query a third more.

Two guards keep a value from being baked into a kept query: a compiled expression may hold no
date or timestamp literal and no in-memory table (else its shape is run through Ibis as
before), and with `REVSIGHT_CHECK_COMPILED=1` (the test suite sets it) runs in new contexts
compile again (the first few of each shape, then one in ten) and fail when the SQL differs from
the one kept for its shape.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import ibis.expr.operations as ops
import ibis.expr.types as ir
import sqlglot.expressions as sge

from revsight.analytics.context import PARAMETERS, Context
from revsight.core.config import env_bool

Rows = list[dict[str, Any]]
Shape = tuple[str, str | None, bool, str, str]
Build = Callable[[Context], Any]

# The DuckDB type of each kind of parameter column (`context.PARAMETERS`).
DUCKDB_TYPES = {
    "int64": "BIGINT",
    "string": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "float64": "DOUBLE",
}

# The tables of one row (a lone span's, the as-of values) whose columns a query may read as
# statement parameters.
ONE_ROW = ("_rs_values", "_rs_spans")


@dataclass(frozen=True)
class Compiled:
    sql: str
    parameters: tuple[tuple[str, str], ...]  # (table, column) of each `$column` in `sql`


# The query per shape; None: the shape runs through Ibis (a measure computed in Python, or one
# whose expression holds a value).
_KEPT: dict[Shape, Compiled | None] = {}
_LOCK = threading.Lock()


class ShapeMismatch(AssertionError):
    """A measure built a different query for a shape already kept: its shape leaves out
    something the measure depends on."""


def shape(ctx: Context, name: str) -> Shape:
    """What a measure's query depends on besides the values of its parameters."""
    return (name, ctx.split, bool(ctx.others), ctx.period.kind, ctx.members.scope)


def run(ctx: Context, name: str, build: Build) -> Rows | dict[Any, Any]:
    """The measure `name` (built by `build`) for `ctx`: its rows, or the dict a measure
    computed in Python returns."""
    connection = _connection(ctx)
    if connection is None:
        return _through_ibis(build(ctx))
    query = _kept(ctx, name, build)
    if query is None:
        return _through_ibis(build(ctx))
    return _execute(connection, query, ctx)


def _kept(ctx: Context, name: str, build: Build) -> Compiled | None:
    """The SQL kept for the measure's shape, compiled on first use (and compiled again to
    compare, under check, for a context unlike those compared before)."""
    key = shape(ctx, name)
    if key not in _KEPT:
        compiled = _compile(ctx, build)
        with _LOCK:
            _KEPT.setdefault(key, compiled)
        _compare_again(key, ctx)
    elif _KEPT[key] is not None and _compare_again(key, ctx) and _compile(ctx, build) != _KEPT[key]:
        raise ShapeMismatch(f"measure {name}, shape {key}: the query differs")
    return _KEPT[key]


# Under check, the contexts each shape was seen with (a digest of everything a context holds
# besides its engine): the same context again cannot give another query.
_CHECKED: dict[Shape, set[str]] = {}
# Every new context of a shape is compared up to FIRST of them, then one new context in EVERY:
# compiling again each time doubled the cost of the pages' tests (the crawl of every link: 51 s
# against 39 s unchecked), while a shape that leaves something out differs at once for most
# contexts unlike the first.
FIRST = 3
EVERY = 10


def _compare_again(key: Shape, ctx: Context) -> bool:
    """Whether to compare again: checking, and a context unlike those seen for `key` that is
    among the first FIRST of them or one in EVERY after those."""
    if not env_bool("REVSIGHT_CHECK_COMPILED", False):
        return False
    digest = repr(
        (
            ctx.period,
            ctx.others,
            ctx.as_of,
            ctx.members,
            ctx.time_zone,
            ctx.fiscal_start_month,
            ctx.split,
            ctx.pacing,
        )
    )
    seen = _CHECKED.setdefault(key, set())
    if digest in seen:
        return False
    seen.add(digest)
    return len(seen) <= FIRST or len(seen) % EVERY == 0


def _connection(ctx: Context) -> Any:
    if ctx.engine.name != "duckdb":
        return None
    return getattr(ctx.engine, "connection", None)


def _through_ibis(produced: Any) -> Rows | dict[Any, Any]:
    if isinstance(produced, dict):
        return produced
    records: Rows = produced.execute().to_dict("records")
    return records


def _compile(ctx: Context, build: Callable[[Context], Any]) -> Compiled | None:
    expression = build(replace(ctx, compiling=True, cache={}))
    if not isinstance(expression, ir.Table) or _holds_values(expression):
        return None
    backend = ctx.engine.backend  # type: ignore[attr-defined]
    query = backend.compiler.to_sqlglot(expression)
    parameters: dict[str, tuple[str, str]] = {}

    def as_parameter(node: sge.Expression) -> sge.Expression:
        read = _one_value(node)
        if read is None or parameters.get(read[1], read) != read:
            return node
        parameters[read[1]] = read
        return sge.Placeholder(this=read[1])

    query = query.transform(as_parameter, copy=False)
    sql = query.sql(dialect=backend.dialect, unsupported_level="RAISE")
    return Compiled(sql, tuple(parameters.values()))


def _one_value(node: sge.Expression) -> tuple[str, str] | None:
    """(table, column) when `node` is `(SELECT t.column FROM one_row_table AS t)`."""
    if not isinstance(node, sge.Subquery) or not isinstance(node.this, sge.Select):
        return None
    select = node.this
    source = select.args.get("from_")
    if set(select.args) - {"expressions", "from_"} or source is None:
        return None
    table, columns = source.this, select.expressions
    if not isinstance(table, sge.Table) or table.name not in ONE_ROW:
        return None
    if len(columns) != 1 or not isinstance(columns[0], sge.Column):
        return None
    return table.name, columns[0].name


def _holds_values(expression: ir.Table) -> bool:
    """Whether the expression holds a value that belongs to one context: a date or timestamp
    literal, or an in-memory table."""
    root = expression.op()
    if root.find(ops.InMemoryTable):
        return True
    return any(
        literal.dtype.is_date() or literal.dtype.is_timestamp()
        for literal in root.find(ops.Literal)
    )


def _execute(connection: Any, query: Compiled, ctx: Context) -> Rows:
    if "_parameters" not in ctx.cache:  # the measures of one computation share a context
        ctx.cache["_parameters"] = ctx.parameter_columns()
    columns: dict[str, Any] = ctx.cache["_parameters"]
    values = {column: columns[table][column][0] for table, column in query.parameters}
    cursor = connection.execute(_with_parameters(query.sql, columns, values), values)
    names = [column[0] for column in cursor.description]
    return [
        {name: _plain(value) for name, value in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]


def _with_parameters(sql: str, columns: dict[str, Any], values: dict[str, Any]) -> str:
    """The kept SQL with each parameter table it reads defined in front of it, from the
    context's columns passed as list parameters (added to `values`). Not Arrow tables registered
    on the connection: building those imports pandas (a quarter of a second for a command), and
    registered names are shared by every connection to the build."""
    tables = []
    for name, schema in PARAMETERS.items():
        if f'"{name}"' not in sql:
            continue
        unnested = []
        for column, kind in schema.items():
            placeholder = f"{name.lstrip('_')}__{column}"
            values[placeholder] = columns[name][column]
            unnested.append(f'UNNEST(${placeholder}::{DUCKDB_TYPES[kind]}[]) AS "{column}"')
        tables.append(f'"{name}" AS (SELECT {", ".join(unnested)})')
    if not tables:
        return sql
    if sql.startswith("WITH "):
        return f"WITH {', '.join(tables)}, {sql[len('WITH ') :]}"
    return f"WITH {', '.join(tables)} {sql}"


def _plain(value: Any) -> Any:
    # DuckDB sums of decimals come back as Decimal; Ibis would have given floats.
    return float(value) if isinstance(value, Decimal) else value

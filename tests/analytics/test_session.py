"""One analytics session per request or command: the engine opened once, a typed query."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from revsight.analytics import engine as engines
from revsight.analytics.computation import compute
from revsight.analytics.facts import FACTS
from revsight.analytics.session import Query, current, session
from revsight.core.periods import parse
from revsight.core.versions import FACT_TABLES
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The engines opened, by name."""
    names: list[str] = []
    for name, factory in list(engines.REGISTRY.items()):

        def counting(factory: Any = factory, name: str = name) -> Any:
            names.append(name)
            return factory()

        monkeypatch.setitem(engines.REGISTRY, name, counting)
    return names


def test_the_kernel_counts_versions_of_exactly_the_fact_tables_analytics_defines() -> None:
    assert set(FACT_TABLES) == set(FACTS)


def test_a_session_opens_its_engine_once_however_many_computations(
    cast: Cast, opened: list[str]
) -> None:
    with session("database") as analytics:
        analytics.compute(Query(["bookings"], period="2026-03"))
        analytics.compute(Query(["win_rate"], period="2026-03", by="rep"))
        compute(["quota"], "2026-03", engine="database")  # the shorthand joins the session
    assert opened == ["database"]
    assert current() is None


def test_without_a_session_each_computation_opens_its_own(cast: Cast, opened: list[str]) -> None:
    compute(["bookings"], "2026-03", engine="database")
    compute(["bookings"], "2026-03", engine="database")
    assert opened == ["database", "database"]


def test_a_period_or_its_id_gives_the_same_result(cast: Cast) -> None:
    quarter = parse("2026-Q1", date(2026, 6, 30), 1)
    with session("database") as analytics:
        by_id = analytics.compute(Query(["bookings", "win_rate"], period="2026-Q1", by="rep"))
        by_period = analytics.compute(Query(["bookings", "win_rate"], period=quarter, by="rep"))
    assert by_period.period == by_id.period == quarter
    assert by_period.rows == by_id.rows


@pytest.mark.slow  # computes a whole dashboard
def test_a_page_computes_in_one_session(cast: Cast, opened: list[str]) -> None:
    client = Client()
    client.force_login(cast.president)  # type: ignore[arg-type]
    assert client.get("/dashboard/company/?as_of=2026-03-31").status_code == 200
    assert opened == ["duckdb"]

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from revsight.access.tokens import create_token
from revsight.core.models import Organisation
from tests.api.client import Api


@pytest.fixture(autouse=True)
def _own_replica(
    request: pytest.FixtureRequest, settings: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Metrics compute on the DuckDB replica: each test gets its own data directory, so no
    replica outlives the data it was built from."""
    if "demo_org" not in request.fixturenames:
        settings.REVSIGHT_HOME = tmp_path  # type: ignore[attr-defined]


@pytest.fixture
def in_march_2026(db: None) -> Iterator[None]:
    Organisation.current()
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def api_as(db: None) -> Callable[[Any], Api]:
    """A client acting with a new token of the given person."""

    def make(person: Any) -> Api:
        return Api(create_token(person.email, "tests")[1])

    return make

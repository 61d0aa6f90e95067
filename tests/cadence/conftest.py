from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from revsight.access.tokens import create_token
from tests.api.client import Api


@pytest.fixture(autouse=True)
def _own_replica(
    request: pytest.FixtureRequest, settings: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The rules read the DuckDB replica: each test with hand-built records gets its own data
    directory, so no replica outlives the records it was built from."""
    if "demo_org" not in request.fixturenames:
        settings.REVSIGHT_HOME = tmp_path  # type: ignore[attr-defined]


@pytest.fixture
def api_as(db: None) -> Callable[[Any], Api]:
    """A client acting with a new token of the given person."""

    def make(person: Any) -> Api:
        return Api(create_token(person.email, "tests")[1])

    return make

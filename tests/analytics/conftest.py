from __future__ import annotations

from pathlib import Path

import pytest

ENGINES = ["database", "duckdb"]


@pytest.fixture(autouse=True)
def _own_replica(
    request: pytest.FixtureRequest, settings: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Each test gets its own data directory, so no replica outlives the data it was built from."""
    if "demo_org" not in request.fixturenames:  # those share their module's (tests/conftest.py)
        settings.REVSIGHT_HOME = tmp_path  # type: ignore[attr-defined]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importers import exports


@pytest.fixture
def salesforce_export(tmp_path: Path) -> Path:
    return exports.salesforce(tmp_path / "salesforce")


@pytest.fixture(autouse=True)
def organisation(request: pytest.FixtureRequest) -> None:
    """The organisation row exists before any import, as after `revsight init`."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from revsight.core.models import Organisation

        Organisation.current()

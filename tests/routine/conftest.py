from __future__ import annotations

from collections.abc import Callable

import pytest

from revsight.core.models import Organisation


@pytest.fixture
def in_zone(db: None) -> Callable[[str], Organisation]:
    """Put the organisation in a time zone."""

    def put(name: str) -> Organisation:
        organisation = Organisation.current()
        organisation.time_zone = name
        organisation.save()
        return organisation

    return put

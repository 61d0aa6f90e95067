from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from revsight.core.errors import Failure
from revsight.core.progress import Progress
from revsight.jobs import services


def _count(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    progress.start(params["to"], unit="steps")
    for _ in range(params["to"]):
        progress.advance()
    if params.get("fail"):
        raise Failure("The count went wrong on purpose.")
    return {"counted": params["to"], "as": actor.email if actor else None}


@pytest.fixture
def counting() -> Iterator[str]:
    """A kind of job that counts to `to` (and fails when asked), which anyone may start."""
    services.define("count", "Count", _count, lambda actor: actor.is_authenticated)
    yield "count"
    services.KINDS.pop("count")

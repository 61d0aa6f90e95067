"""The API against its own OpenAPI description (schemathesis): for requests drawn from the
description, for a salesperson's token and an administrator's, no answer is a server error,
every status is one the description lists, and every body matches its schema. Examples are
bounded per operation so the whole run stays well under 30 seconds."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from revsight.access.tokens import create_token
from revsight.core.models import Organisation
from tests.api.data import deal
from tests.people import Cast

pytestmark = pytest.mark.django_db
EXAMPLES = 4
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class App:
    """Django as a WSGI application inside a test's transaction: like Django's test client,
    it keeps the request signals from closing the test's database connection."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            return self.handler(environ, start_response)
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


def described() -> Any:
    description = Client().get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(description)
    schema.app = App()
    return schema


def operations(described: Any) -> list[Any]:
    found = [result.ok() for result in described.get_all_operations()]
    assert len(found) >= 20  # every endpoint of docs/api.md, or the run proves little
    return found


@pytest.mark.parametrize("role", ["east_rep", "admin"])
def test_every_answer_matches_the_description(cast: Cast, role: str) -> None:
    Organisation.current()
    deal(cast.east_rep, "A1")
    deal(cast.west_rep, "C1")
    _, token = create_token(getattr(cast, role).email)
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations(described()):

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()

"""The one error model: every error has a code and a status, and each door shows it one way."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner
from django.test import RequestFactory

from revsight.cli.base import BadInput, CommandError, RevsightGroup, rendered
from revsight.core.errors import (
    Conflict,
    FieldProblem,
    InvalidInput,
    NotAllowed,
    NotFound,
    RevsightError,
)
from revsight.web.errors import ErrorMiddleware, json_for


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (InvalidInput("commit", "12x", "is not an amount"), "invalid_input", 400),
        (NotAllowed("ann@acme.test may not set quotas"), "not_allowed", 403),
        (NotFound("No live token has the prefix 'ab12'."), "not_found", 404),
        (Conflict("The demo organisation refuses real imports."), "conflict", 409),
    ],
)
def test_each_kind_of_error_has_a_stable_code_and_status(
    error: RevsightError, code: str, status: int
) -> None:
    assert isinstance(error, RevsightError)
    assert (error.code, error.status) == (code, status)


def test_the_json_shape_names_the_code_the_message_and_each_field() -> None:
    response = json_for(InvalidInput("commit", "12x", "is not an amount"))
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "error": {
            "code": "invalid_input",
            "message": "commit ('12x') is not an amount",
            "fields": [{"path": "commit", "message": "is not an amount"}],
        }
    }


def test_a_refusal_without_a_field_has_an_empty_field_list() -> None:
    response = json_for(NotAllowed("ann@acme.test may not set goals"))
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "error": {
            "code": "not_allowed",
            "message": "ann@acme.test may not set goals",
            "fields": [],
        }
    }


def test_several_field_problems_travel_together() -> None:
    error = RevsightError(
        "2 rows have problems",
        [FieldProblem("rows[0].amount", "is negative"), FieldProblem("rows[3].period", "is blank")],
    )
    assert error.as_json()["error"]["fields"] == [
        {"path": "rows[0].amount", "message": "is negative"},
        {"path": "rows[3].period", "message": "is blank"},
    ]


def _command_raising(error: RevsightError) -> click.Group:
    @click.group(cls=RevsightGroup)
    def root() -> None:
        pass

    @root.command()
    def act() -> None:
        raise error

    return root


@pytest.mark.parametrize(
    ("error", "exit_code", "line"),
    [
        (InvalidInput("period", "2026-13", "is not a period"), 2, "--period '2026-13' is not a"),
        (InvalidInput("commit", "", "is required"), 2, "Error: --commit is required"),
        (NotAllowed("ann@acme.test may not set quotas"), 2, "Error: ann@acme.test may not set"),
        (NotFound("No live token has the prefix 'ab12'."), 2, "Error: No live token"),
        (Conflict("The demo refuses real imports."), 1, "Error: The demo refuses real imports."),
    ],
)
def test_the_command_line_prints_one_line_and_exits_2_for_bad_input_1_otherwise(
    error: RevsightError, exit_code: int, line: str
) -> None:
    result = CliRunner().invoke(_command_raising(error), ["act"])
    assert result.exit_code == exit_code
    assert line in result.output
    assert "Traceback" not in result.output


def test_the_renderer_is_one_function_for_every_command() -> None:
    assert isinstance(rendered(InvalidInput("by", "region", "is not a level")), BadInput)
    assert type(rendered(Conflict("busy"))) is CommandError


@pytest.mark.parametrize(
    ("path", "kind"), [("/api/forecasts/", "application/json"), ("/settings/", "text/html")]
)
def test_a_page_or_the_api_answers_a_refusal_with_403(path: str, kind: str, db: None) -> None:
    request = RequestFactory().get(path)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = ErrorMiddleware(lambda r: None).process_exception(  # type: ignore[arg-type,return-value]
        request, NotAllowed("ann@acme.test may not set quotas")
    )
    assert response is not None
    assert response.status_code == 403
    assert response["Content-Type"].startswith(kind)
    assert b"may not set quotas" in response.content

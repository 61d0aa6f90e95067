"""One rule, one message: the same bad value through every door that takes it (a settings or
forecast form, the JSON API, an import of a template file) is refused in the same words, and
nothing is written."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from revsight.access.tokens import create_token
from revsight.core.models import Organisation
from tests.importers import exports
from tests.importers.helpers import cli_import, snapshot
from tests.people import Cast

pytestmark = pytest.mark.django_db

SUBMISSION = ["user", "period_type", "period_start", "category", "amount", "submitted_at"]
AT = "2026-03-01 09:00:00"


@pytest.fixture(autouse=True)
def _in_march_2026(db: None) -> Any:
    Organisation.current()
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        yield


@dataclass
class Case:
    message: str
    # Each door: who uses it, and what it sends. A form is (position, url, data); the API is
    # (position, body); an import is {file name: (header, rows)}.
    form: tuple[str, str, dict[str, str]] | None = None
    api: tuple[str, dict[str, Any]] | None = None
    files: dict[str, tuple[list[str], list[list[str]]]] | None = None


CASES = {
    "negative quota": Case(
        "must be zero or more",
        form=("east_manager", "/settings/quotas/?year=2026", {"q-{east_rep}-2026-03": "-500"}),
        files={
            "quotas.csv": (["user", "team", "month", "amount"], [["{ann}", "", "2026-03", "-500"]])
        },
    ),
    "goal for an unknown metric": Case(
        "is not a metric id (see docs/metrics.md)",
        form=(
            "president",
            "/settings/goals/",
            {"metric": "win_ratio", "scope": "company", "period": "2026-Q2", "target": "0.3"},
        ),
        files={
            "goals.csv": (
                ["metric", "scope", "team", "user", "period", "target"],
                [["win_ratio", "company", "", "", "2026-Q2", "0.3"]],
            )
        },
    ),
    "win-rate goal above 100 %": Case(  # typed in per cent on the page, a fraction in a file
        "must be at most 100 % (a share of a whole)",
        form=(
            "president",
            "/settings/goals/",
            {"metric": "win_rate", "scope": "company", "period": "2026-Q2", "target": "250"},
        ),
        files={
            "goals.csv": (
                ["metric", "scope", "team", "user", "period", "target"],
                [["win_rate", "company", "", "", "2026-Q2", "2.5"]],
            )
        },
    ),
    "submission for a week": Case(
        "must be a month (2026-03) or a quarter (2026-Q1)",
        form=("east_rep", "/forecast/", {"period": "2026-W10", "commit": "100"}),
        api=("east_rep", {"period": "2026-W10", "commit": "100"}),
        files={
            "forecast_submissions.csv": (
                SUBMISSION,
                [["{ann}", "week", "2026-03-02", "commit", "100", AT]],
            )
        },
    ),
    "negative commit": Case(
        "must be zero or more",
        form=("east_rep", "/forecast/", {"period": "2026-03", "commit": "-500"}),
        api=("east_rep", {"period": "2026-03", "commit": "-500"}),
        files={
            "forecast_submissions.csv": (
                SUBMISSION,
                [["{ann}", "month", "2026-03-01", "commit", "-500", AT]],
            )
        },
    ),
    "best case below the commit": Case(
        "must not be below the commit",
        form=("east_rep", "/forecast/", {"period": "2026-03", "commit": "100", "best_case": "50"}),
        api=("east_rep", {"period": "2026-03", "commit": "100", "best_case": "50"}),
        files={
            "forecast_submissions.csv": (
                SUBMISSION,
                [
                    ["{ann}", "month", "2026-03-01", "commit", "100", AT],
                    ["{ann}", "month", "2026-03-01", "best case", "50", AT],
                ],
            )
        },
    ),
    "negative deal amount": Case(
        "must be zero or more",
        files={
            "opportunities.csv": (
                ["external_id", "name", "owner", "stage", "amount", "created_date"],
                [["D-1", "Pilot", "{ann}", "Proposal", "-500", "2026-01-05"]],
            )
        },
    ),
}


def _fill(text: str, cast: Cast) -> str:
    return text.format(ann=cast.east_rep.email, east_rep=cast.east_rep.pk)


def through_form(cast: Cast, case: Case, _: Path) -> str:
    assert case.form is not None
    _, url, data = case.form
    page = (
        PREPARED["client"].post(url, {_fill(k, cast): v for k, v in data.items()}).content.decode()
    )
    found = re.search(
        r"<strong>[^<]*</strong> (?:\([^<]*?\) )?([^<]*?)(?:\. Nothing was saved\.)?<", page
    )
    assert found, "no error shown"
    return html.unescape(found.group(1)).strip()


def through_api(cast: Cast, case: Case, _: Path) -> str:
    assert case.api is not None
    _, body = case.api
    token = PREPARED["token"]
    response = Client(enforce_csrf_checks=True).post(
        "/api/forecasts/",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    return str(response.json()["error"]["fields"][0]["message"])


def through_import(cast: Cast, case: Case, directory: Path) -> str:
    assert case.files is not None
    for name, (header, rows) in case.files.items():
        exports.write(directory / name, header, [[_fill(v, cast) for v in row] for row in rows])
    code, document = cli_import("csv", directory)
    assert code == 2
    return str(document["errors"][0]["message"])


# What a door needs stored before the snapshot: a logged-in client, a token.
PREPARED: dict[str, Any] = {}

DOORS: dict[str, Callable[[Cast, Case, Path], str]] = {
    "form": through_form,
    "api": through_api,
    "import": through_import,
}


@pytest.mark.parametrize(
    ("name", "door"),
    [
        (name, door)
        for name, case in CASES.items()
        for door in DOORS
        if getattr(case, "files" if door == "import" else door) is not None
    ],
)
def test_the_same_bad_value_gets_the_same_message_through_every_door(
    cast: Cast, name: str, door: str, tmp_path: Path
) -> None:
    case = CASES[name]
    if door == "form" and case.form:  # logging in is not the request's doing
        PREPARED["client"] = Client()
        PREPARED["client"].force_login(getattr(cast, case.form[0]))
    if door == "api" and case.api:
        PREPARED["token"] = create_token(getattr(cast, case.api[0]).email)[1]
    before = snapshot()
    assert DOORS[door](cast, case, tmp_path) == case.message
    assert snapshot() == before

"""Forecast reminders go to the forecasters who have not submitted for the month, each with
their own numbers only, as plain text and HTML with a link back to the Forecast page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from revsight.crm.models import ForecastSubmission
from revsight.routine import preferences
from revsight.routine.reminders import remind
from tests.api.data import JAN_5, deal, history
from tests.people import Cast

THURSDAY = date(2026, 4, 9)


@pytest.fixture
def april(cast: Cast, in_zone: Callable[[str], object]) -> Cast:
    in_zone("America/Los_Angeles")
    for owner, ident, amount in ((cast.east_rep, "a1", "12345"), (cast.west_rep, "c1", "67890")):
        won = deal(owner, ident, stage="Won", amount=amount, close=date(2026, 4, 2))
        history(won, ("", "Won", JAN_5))
    ForecastSubmission.objects.create(
        user=cast.east_rep2,
        period_type="month",
        period_start=date(2026, 4, 1),
        category="commit",
        amount=Decimal(5000),
        submitted_at=datetime(2026, 4, 1, 9, tzinfo=UTC),
    )
    return cast


def by_recipient(outbox: list[Any]) -> dict[str, Any]:
    return {message.to[0]: message for message in outbox}


def test_only_those_who_have_not_submitted_are_reminded(april: Cast, mailoutbox: list[Any]) -> None:
    preferences.set_opt_outs(april.west_manager, april.west_manager, ["reminder"])
    result = remind(THURSDAY)
    sent = by_recipient(mailoutbox)
    assert sorted(sent) == sorted(result["reminded"])  # type: ignore[arg-type]
    assert sorted(sent) == [
        "ann@acme.test",
        "carla@acme.test",
        "east.manager@acme.test",
        "services@acme.test",
        "vp@acme.test",
    ]
    assert result["opted_out"] == ["west.manager@acme.test"]
    assert result["month"] == "2026-04"


def test_each_reminder_holds_only_its_own_numbers(april: Cast, mailoutbox: list[Any]) -> None:
    remind(THURSDAY)
    sent = by_recipient(mailoutbox)
    ann, carla = sent["ann@acme.test"], sent["carla@acme.test"]
    assert ann.subject == "Your forecast for April 2026 is due"
    ann_html = ann.alternatives[0][0]
    assert "12,345" in ann.body
    assert "12,345" in ann_html
    assert "67,890" not in ann.body
    assert "67,890" not in ann_html
    assert "67,890" in carla.body
    assert "12,345" not in carla.body
    # The east manager sees East's figures: Ann's deal, not Carla's in West.
    east = sent["east.manager@acme.test"].body
    assert "Where East stand" in east
    assert "12,345" in east
    assert "67,890" not in east


def test_a_reminder_links_back_to_the_forecast_page(
    april: Cast, mailoutbox: list[Any], settings: Any
) -> None:
    settings.REVSIGHT_BASE_URL = "https://revsight.example.com"
    remind(THURSDAY)
    message = by_recipient(mailoutbox)["ann@acme.test"]
    link = "https://revsight.example.com/forecast/?period=2026-04"
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"

"""Salesperson reviews: the packet's exact numbers on a hand-built March (Ann of
tests/analytics/fixtures.build_sales), frozen when the review is held while a draft follows
the data; who sees and writes what (services, pages, the command line); acknowledging; the
quarterly review's written sections; the last review's actions and their outcomes; refused
input that names the field and writes nothing; the PDF."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from pypdf import PdfReader

from revsight.cadence import review_services as reviews
from revsight.cadence.review_models import Review, ReviewAction, ReviewStatus
from revsight.cli import cli
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import AuditEntry
from revsight.crm.models import Opportunity, Stage
from revsight.web.review_views import pdf_of
from tests.analytics.fixtures import build_sales
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db

# Thursday 2 April 2026: March is over, its review is held this week.
APRIL_2 = datetime(2026, 4, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def sales(cast: Cast) -> Iterator[Cast]:
    build_sales(cast)
    with time_machine.travel(APRIL_2, tick=False):
        yield cast


def march(cast: Cast, kind: str = "monthly", period: str = "2026-03") -> Review:
    found = reviews.period_named(reviews.kind_named(kind), period)
    return reviews.prepare(cast.east_manager, cast.east_rep, kind, found)


def line(packet: dict[str, Any], metric: str) -> dict[str, Any]:
    return next(m for m in packet["metrics"] if m["id"] == metric)


def won_late(cast: Cast) -> None:
    """A deal won on 28 March, imported after the review was held."""
    Opportunity.objects.create(
        owner=cast.east_rep,
        name="Late import",
        amount=Decimal("5000"),
        status="won",
        stage=Stage.objects.get(name="Closed Won"),
        created_date=date(2026, 3, 2),
        close_date=date(2026, 3, 28),
    )


# -- the packet ------------------------------------------------------------------------------


def test_the_packet_sets_the_months_numbers_against_quota_and_goals(cast: Cast) -> None:
    packet = reviews.packet_of(march(cast))

    assert packet["as_of"] == "2026-03-31"  # the month's last day, once it is over
    assert packet["months"] == [
        "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"
    ]  # fmt: skip
    bookings = line(packet, "bookings")
    # Globex expansion 10,000 and Initech 30,000 won, against Ann's 50,000 quota.
    assert (bookings["value"], bookings["goal"], bookings["gap"]) == (40000.0, 50000.0, -10000.0)
    assert line(packet, "quota_attainment")["value"] == 0.8
    assert line(packet, "won_count")["value"] == 2
    assert line(packet, "win_rate")["value"] == round(2 / 3, 6)  # two won, one lost
    assert line(packet, "average_order_value")["value"] == 20000.0
    assert line(packet, "sales_cycle_days_median")["value"] == 50.5  # 37 and 64 days
    assert [t["value"] for t in bookings["trend"]][-3:] == [0.0, 0.0, 40000.0]
    assert packet["coaching"]["joint_calls"] == 0
    assert packet["previous"] is None


def test_a_goal_of_the_salesperson_is_set_beside_the_months_value(cast: Cast) -> None:
    from revsight.org.models import Goal

    Goal.objects.create(
        metric="win_rate", scope="user", user=cast.east_rep, period="2026-03", target=Decimal("0.5")
    )
    rate = line(reviews.packet_of(march(cast)), "win_rate")

    assert (rate["goal"], rate["gap"]) == (0.5, round(2 / 3 - 0.5, 6))
    assert rate["trend"][-1]["goal"] == 0.5
    assert rate["trend"][0]["goal"] is None


def test_the_quarterly_packet_adds_the_quarter_and_its_wins_and_losses(cast: Cast) -> None:
    quarter = reviews.packet_of(march(cast, "quarterly", "2026-Q1"))["quarter"]

    assert (quarter["bookings"], quarter["quota"], quarter["attainment"]) == (
        40000.0,
        50000.0,
        0.8,
    )
    assert quarter["won"] == {"count": 2, "value": 40000.0}
    assert quarter["lost"] == {"count": 1, "value": 20000.0}
    assert quarter["loss_reasons"] == [{"reason": "No reason given", "count": 1, "value": 20000.0}]
    assert quarter["cycle_days"] == 50.5
    assert quarter["team_cycle_days"] == 50.5  # East won only Ann's two


# -- frozen numbers --------------------------------------------------------------------------


def test_holding_freezes_the_numbers_a_later_import_does_not_change(cast: Cast) -> None:
    held = reviews.hold(cast.east_manager, march(cast).pk)
    draft = march(cast, "quarterly", "2026-Q1")
    won_late(cast)

    kept = reviews.packet_of(reviews.review(None, held.pk))
    assert line(kept, "bookings")["value"] == 40000.0
    assert reviews.packet_of(draft)["quarter"]["bookings"] == 45000.0
    assert (held.status, held.held_by, held.held_at) == (
        ReviewStatus.HELD,
        cast.east_manager,
        APRIL_2,
    )


def test_a_review_is_held_once(cast: Cast) -> None:
    found = reviews.hold(cast.east_manager, march(cast).pk)

    with pytest.raises(InvalidInput) as refused:
        reviews.hold(cast.east_manager, found.pk)
    assert refused.value.field == "status"


# -- who sees and does what ------------------------------------------------------------------


def test_the_salesperson_their_managers_and_executives_see_a_review(cast: Cast) -> None:
    found = march(cast)

    for viewer in (cast.east_rep, cast.east_manager, cast.vp, cast.president, cast.admin):
        assert reviews.review(viewer, found.pk) == found
    for viewer in (cast.east_rep2, cast.west_manager, cast.west_rep, cast.consultant):
        with pytest.raises(NotFound):
            reviews.review(viewer, found.pk)
    assert reviews.reviews(cast.east_rep2) == []
    assert reviews.reviews(cast.east_rep) == [found]


def test_only_managers_and_executives_prepare_and_hold(cast: Cast) -> None:
    period = reviews.period_named(reviews.kind_named("monthly"), "2026-03")
    with pytest.raises(NotAllowed):
        reviews.prepare(cast.east_rep, cast.east_rep, "monthly", period)
    with pytest.raises(NotAllowed):
        reviews.prepare(cast.west_manager, cast.east_rep, "monthly", period)
    found = reviews.prepare(cast.president, cast.east_rep, "monthly", period)

    with pytest.raises(NotAllowed):
        reviews.hold(cast.east_rep, found.pk)
    with pytest.raises(NotFound):
        reviews.hold(cast.west_manager, found.pk)


def test_only_the_salesperson_acknowledges_and_only_once_held(cast: Cast) -> None:
    found = march(cast)
    with pytest.raises(InvalidInput) as refused:
        reviews.acknowledge(cast.east_rep, found.pk)
    assert refused.value.field == "status"
    reviews.hold(cast.east_manager, found.pk)
    with pytest.raises(NotAllowed):
        reviews.acknowledge(cast.east_manager, found.pk)

    done = reviews.acknowledge(cast.east_rep, found.pk)

    assert (done.status, done.acknowledged_at) == (ReviewStatus.ACKNOWLEDGED, APRIL_2)
    with pytest.raises(NotAllowed):  # closed: nothing on it changes
        reviews.save_manager_text(cast.east_manager, found.pk, {"manager_notes": "Later"})


def test_the_salespersons_notes_are_their_own(cast: Cast) -> None:
    found = march(cast)
    with pytest.raises(NotAllowed):
        reviews.save_salesperson_notes(cast.east_manager, found.pk, "Not mine to write")

    reviews.save_salesperson_notes(cast.east_rep, found.pk, "I will book the demos.")

    assert Review.objects.get(pk=found.pk).salesperson_notes == "I will book the demos."


# -- written sections, actions ---------------------------------------------------------------


def test_the_written_sections_are_the_quarterly_reviews(cast: Cast) -> None:
    monthly = march(cast)
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as refused:
        reviews.save_manager_text(
            cast.east_manager, monthly.pk, {"manager_notes": "Fine", "strengths": "Prospecting"}
        )
    assert refused.value.field == "strengths"
    assert Review.objects.get(pk=monthly.pk).manager_notes == ""
    assert AuditEntry.objects.count() == before

    quarterly = march(cast, "quarterly", "2026-Q1")
    reviews.save_manager_text(
        cast.east_manager, quarterly.pk, {"strengths": "Prospecting", "goals_next_quarter": "Close"}
    )
    saved = Review.objects.get(pk=quarterly.pk)
    assert (saved.strengths, saved.goals_next_quarter) == ("Prospecting", "Close")


def test_the_last_reviews_actions_come_with_their_outcome(cast: Cast) -> None:
    february = march(cast, period="2026-02")
    agreed = reviews.add_action(
        cast.east_manager,
        february.pk,
        {"text": "Qualify budget on the first call", "owner": "ann@acme.test", "due": "2026-03-06"},
    )
    reviews.set_outcome(cast.east_manager, agreed.pk, "partly", "Four calls of six")

    previous = reviews.packet_of(march(cast))["previous"]

    assert previous["period"] == "2026-02"
    assert [(a["text"], a["owner"], a["due"], a["outcome"], a["outcome_note"]) for a in
            previous["actions"]] == [
        ("Qualify budget on the first call", "Ann", "2026-03-06", "partly", "Four calls of six")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 301}, "text"),
        ({"text": "Call", "owner": "carla@acme.test"}, "owner"),
        ({"text": "Call", "due": "2026-02-27"}, "due"),
        ({"text": "Call", "due": "next week"}, "due"),
    ],
)
def test_a_refused_action_names_the_field_and_writes_nothing(
    cast: Cast, typed: dict[str, str], field: str
) -> None:
    found = march(cast)
    before = AuditEntry.objects.count()

    with pytest.raises(InvalidInput) as refused:
        reviews.add_action(cast.east_manager, found.pk, typed)

    assert refused.value.field == field
    assert ReviewAction.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_notes_longer_than_the_limit_are_refused(cast: Cast) -> None:
    with pytest.raises(InvalidInput) as refused:
        reviews.save_manager_text(cast.east_manager, march(cast).pk, {"manager_notes": "x" * 8001})
    assert refused.value.field == "manager_notes"


def test_a_period_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        reviews.period_named(reviews.kind_named("quarterly"), "2026-03")
    assert refused.value.field == "period"
    with pytest.raises(InvalidInput) as refused:
        reviews.kind_named("weekly")
    assert refused.value.field == "kind"


# -- pages, PDF, command line ----------------------------------------------------------------


def test_the_manager_writes_agrees_and_holds_on_the_page(cast: Cast) -> None:
    found = march(cast)
    client = logged_in(cast.east_manager)
    url = f"/reviews/{found.pk}/"

    assert client.get(url).status_code == 200
    client.post(url, {"do": "manager", "manager_notes": "Good month of calls."})
    client.post(url, {"do": "add", "text": "Two demos a week", "owner": str(cast.east_rep.pk)})
    refused = client.post(url, {"do": "add", "text": ""})
    client.post(url, {"do": "hold"})

    assert refused.status_code == 200
    assert b"Nothing was saved" in refused.content
    saved = Review.objects.get(pk=found.pk)
    assert (saved.status, saved.manager_notes) == (ReviewStatus.HELD, "Good month of calls.")
    assert [a.text for a in saved.actions.all()] == ["Two demos a week"]
    page = client.get(url).content.decode()
    assert "40,000" in page
    assert "Held" in page


def test_the_salesperson_replies_and_acknowledges_on_the_page(cast: Cast) -> None:
    found = reviews.hold(cast.east_manager, march(cast).pk)
    client = logged_in(cast.east_rep)
    url = f"/reviews/{found.pk}/"

    client.post(url, {"do": "reply", "salesperson_notes": "Agreed."})
    client.post(url, {"do": "acknowledge"})

    saved = Review.objects.get(pk=found.pk)
    assert (saved.status, saved.salesperson_notes) == (ReviewStatus.ACKNOWLEDGED, "Agreed.")
    assert "Acknowledged" in client.get(url).content.decode()
    assert logged_in(cast.east_rep).post(url, {"do": "hold"}).status_code == 403


def test_others_get_a_404_and_the_list_shows_each_their_own(cast: Cast) -> None:
    found = march(cast)

    for viewer in (cast.east_rep2, cast.west_manager):
        client = logged_in(viewer)
        assert client.get(f"/reviews/{found.pk}/").status_code == 404
        assert client.get(f"/reviews/{found.pk}.pdf").status_code == 404
    assert logged_in(cast.consultant).get("/reviews/").status_code == 403
    mine = logged_in(cast.east_rep).get("/reviews/").content.decode()
    assert f"/reviews/{found.pk}/" in mine
    assert (
        f"/reviews/{found.pk}/" not in logged_in(cast.east_rep2).get("/reviews/").content.decode()
    )


def test_a_manager_prepares_a_review_from_the_list(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    listed = client.get("/reviews/?as_of=2026-04-02").content.decode()
    made = client.post(
        "/reviews/", {"user": "ben@acme.test", "kind": "quarterly", "period": "2026-Q1"}
    )
    refused = client.post(
        "/reviews/", {"user": "ben@acme.test", "kind": "quarterly", "period": "2026-03"}
    )

    assert "Ben" in listed
    assert "Carla" not in listed
    assert made.status_code == 302
    assert Review.objects.get(salesperson=cast.east_rep2).period == "2026-Q1"
    assert refused.status_code == 200
    assert b"period" in refused.content


def test_the_pdf_holds_the_salespersons_name_and_numbers(cast: Cast) -> None:
    found = reviews.hold(cast.east_manager, march(cast).pk)

    body = pdf_of(found)

    assert body.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Ann" in text
    assert "40,000" in text
    response = logged_in(cast.east_rep).get(f"/reviews/{found.pk}.pdf")
    assert response["Content-Type"] == "application/pdf"


def test_the_command_line_shows_the_packet_lists_and_writes_the_pdf(
    cast: Cast, tmp_path: Any
) -> None:
    found = reviews.hold(cast.east_manager, march(cast).pk)
    runner = CliRunner()
    packet = runner.invoke(
        cli,
        ["review", "packet", "--user", "ann@acme.test", "--month", "2026-03", "--format", "json"],
    )
    table = runner.invoke(
        cli, ["review", "packet", "--user", "ann@acme.test", "--month", "2026-03"]
    )
    listed = runner.invoke(cli, ["review", "list", "--user", "ann@acme.test", "--format", "json"])
    pdf = runner.invoke(cli, ["review", "pdf", str(found.pk), "-o", str(tmp_path / "r.pdf")])
    unknown = runner.invoke(cli, ["review", "list", "--user", "nobody@acme.test"])

    assert packet.exit_code == 0, packet.output
    assert line(json.loads(packet.output), "bookings")["value"] == 40000.0
    assert "Held" in table.output
    assert "40,000" in table.output
    assert [(r["period"], r["status"]) for r in json.loads(listed.output)] == [("2026-03", "held")]
    assert pdf.exit_code == 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert unknown.exit_code == 2

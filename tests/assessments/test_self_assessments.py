"""Self-assessments kept over time, through their services and pages: started from the data's
suggestions, each score accepted or overridden (both kept), completed with a total and band,
who may assess and see what, refused input that names its field and stores nothing, the trend
chart, and the quarterly reminder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import time_machine

from revsight.assessments import self_services as assessments
from revsight.assessments.self_models import CategoryScore, SelfAssessment
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import AuditEntry, Organisation
from revsight.routine import assessment_reminders
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db

AS_OF = date(2027, 3, 10)  # in the last month of 2027-Q1


@pytest.fixture(autouse=True)
def _today(cast: Cast) -> Iterator[None]:
    Organisation.current()
    with time_machine.travel("2027-03-10 15:00Z", tick=False):
        yield


def _all(score: int = 3, **given: Any) -> dict[str, Any]:
    data: dict[str, Any] = {f"score_{n}": score for n in range(1, 12)}
    data.update(given)
    return data


def test_an_assessment_starts_from_the_suggestions_of_its_quarter(cast: Cast) -> None:
    found = assessments.start(cast.president, None, AS_OF)
    assert (found.quarter, found.team, found.is_complete) == ("2027-Q1", None, False)
    rows = list(found.scores.all())
    assert [r.number for r in rows] == list(range(1, 12))
    assert all(r.score is None and r.reason for r in rows)
    assert rows[7].suggested is None  # compensation: the person's own judgement
    assert rows[10].suggested == 1  # no contest this year
    assert AuditEntry.objects.filter(action="self_assessment_started").count() == 1
    # Starting again the same quarter opens the same draft.
    assert assessments.start(cast.president, None, AS_OF).pk == found.pk


def test_an_override_keeps_the_suggestion_beside_the_score(cast: Cast) -> None:
    found = assessments.start(cast.president, None, AS_OF)
    suggested = {r.number: r.suggested for r in found.scores.all()}
    data = _all(score_11=4, note_11="A contest is planned; not yet entered.")
    data["score_1"] = suggested[1]
    assessments.save(cast.president, found.pk, data, complete=True)
    found.refresh_from_db()
    rows = {r.number: r for r in found.scores.all()}
    assert found.is_complete
    assert (rows[11].suggested, rows[11].score, rows[11].overridden) == (1, 4, True)
    assert rows[11].note == "A contest is planned; not yet entered."
    assert rows[1].overridden is False
    totals = assessments.totals(found)
    assert totals is not None
    expected = 3 * 9 + 4 + suggested[1]
    assert totals.total == expected
    entry = AuditEntry.objects.get(action="self_assessment_completed")
    assert entry.details["scores"]["11"] == 4


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (_all(score_3="6"), "score 3"),
        (_all(score_5="4.5"), "score 5"),
        (_all(score_9="many"), "score 9"),
        (_all(note_2="x" * 301), "note 2"),
    ],
)
def test_a_refused_score_names_its_field_and_stores_nothing(
    cast: Cast, data: dict[str, Any], field: str
) -> None:
    found = assessments.start(cast.president, None, AS_OF)
    before = list(CategoryScore.objects.order_by("pk").values())
    with pytest.raises(InvalidInput) as refused:
        assessments.save(cast.president, found.pk, data, complete=True)
    assert refused.value.field == field
    assert list(CategoryScore.objects.order_by("pk").values()) == before
    assert not SelfAssessment.objects.get(pk=found.pk).is_complete


def test_completing_needs_every_category_scored(cast: Cast) -> None:
    found = assessments.start(cast.president, None, AS_OF)
    data = _all()
    data["score_8"] = ""
    assessments.save(cast.president, found.pk, data)  # a draft may leave one out
    with pytest.raises(InvalidInput) as refused:
        assessments.save(cast.president, found.pk, data, complete=True)
    assert refused.value.field == "score 8"
    assert not SelfAssessment.objects.get(pk=found.pk).is_complete


def test_a_completed_assessment_no_longer_changes(cast: Cast) -> None:
    found = assessments.start(cast.president, None, AS_OF)
    assessments.save(cast.president, found.pk, _all(), complete=True)
    with pytest.raises(InvalidInput, match="completed"):
        assessments.save(cast.president, found.pk, _all(5))


def test_managers_assess_their_teams_and_see_only_those(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        assessments.start(cast.east_manager, None, AS_OF)
    with pytest.raises(NotAllowed):
        assessments.start(cast.east_manager, cast.west, AS_OF)
    east = assessments.start(cast.east_manager, cast.east, AS_OF)
    assert assessments.scopes_for(cast.vp) == [cast.east, cast.sales, cast.west]
    assert assessments.one(cast.vp, east.pk) == east  # the manager above sees it
    assert assessments.one(cast.president, east.pk) == east
    with pytest.raises(NotFound):
        assessments.one(cast.west_manager, east.pk)
    with pytest.raises(NotFound):
        assessments.save(cast.west_manager, east.pk, _all())
    with pytest.raises(NotAllowed, match="only they change it"):  # seen, not the VP's own
        assessments.save(cast.vp, east.pk, _all())
    assert (
        'name="score_1"' not in logged_in(cast.vp).get(f"/assessments/{east.pk}/").content.decode()
    )


def test_a_salesperson_has_no_assessments_page(cast: Cast) -> None:
    assert logged_in(cast.east_rep).get("/assessments/").status_code == 403


def test_the_pages_start_fill_in_and_chart_an_assessment(cast: Cast) -> None:
    client = logged_in(cast.president)
    started = client.post("/assessments/", {"team": ""})
    found = SelfAssessment.objects.get()
    assert started["Location"] == f"/assessments/{found.pk}/"
    form = client.get(f"/assessments/{found.pk}/").content.decode()
    assert 'name="score_11" value="1" checked' in form  # the suggestion, ready to accept
    assert "0 contests are planned in 2027" in form
    refused = client.post(f"/assessments/{found.pk}/", {**_all(score_4="0"), "do": "complete"})
    assert refused.status_code == 200
    assert (
        "<strong>score 4</strong> (0) is not a whole number from 1 to 5" in refused.content.decode()
    )
    done = client.post(f"/assessments/{found.pk}/", {**_all(2), "do": "complete"})
    assert done.status_code == 302
    page = client.get(f"/assessments/{found.pk}/").content.decode()
    assert "22 of 55" in page
    assert "major assistance is required now" in page
    assert 'href="/contests/">→ Contests</a>' in page  # a low category links to its feature
    listing = client.get("/assessments/").content.decode()
    assert 'id="fig-assessment-total"' in listing
    assert 'id="fig-assessment-categories"' in listing


def test_the_reminder_goes_in_the_quarters_last_month_to_who_has_not_assessed(
    cast: Cast, mailoutbox: list[Any]
) -> None:
    assert assessment_reminders.remind(date(2027, 2, 1))["sent"] == []
    done = assessments.start(cast.east_manager, cast.east, AS_OF)
    assessments.save(cast.east_manager, done.pk, _all(4), complete=True)
    sent = assessment_reminders.remind(AS_OF)["sent"]
    assert "president@acme.test" in sent
    assert "west.manager@acme.test" in sent
    assert "east.manager@acme.test" not in sent
    assert "ann@acme.test" not in sent
    message = next(m for m in mailoutbox if m.to == ["president@acme.test"])
    assert message.subject == "Assess your sales management for 2027-Q1"
    assert "/assessments/" in message.body

"""The recruiting scorecard: the weighted total and the spread between interviewers, the blind
rule (through the services, the pages and the API), who sees a candidate, the audit of each
view, the erasure of personal data, and every bad value refused with nothing stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from revsight.access.tokens import create_token
from revsight.assessments import recruiting_services as recruiting
from revsight.assessments import scorecard
from revsight.assessments.recruiting_models import (
    Candidate,
    CriterionScore,
    Position,
    Scorecard,
    StageEvent,
)
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import AuditEntry, Organisation
from tests.api.client import Api
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db


def _position(cast: Cast) -> Position:
    """East's account executive: the east manager hires, the manager and two reps interview."""
    Organisation.current()
    return recruiting.open_position(
        cast.east_manager,
        recruiting.PositionInput(
            title="Account executive",
            team="East",
            hire_above="3.5",
            interviewers=[cast.east_manager.email, cast.east_rep.email, cast.east_rep2.email],
            criteria=[
                recruiting.CriterionInput("Persistence", "trait", 3),
                recruiting.CriterionInput("Discovery", "skill", 2),
                recruiting.CriterionInput("Case study", "case_study", 5),
            ],
            opened_on="2026-10-01",
        ),
    )


def _scores(position: Position, *values: int) -> dict[str, int]:
    return {c.name: v for c, v in zip(position.criteria.all(), values, strict=True)}


# The arithmetic.


def test_the_weighted_total_is_the_weighted_mean_of_the_interviewers_means() -> None:
    criteria = [
        scorecard.Weighted(1, 3),
        scorecard.Weighted(2, 2),
        scorecard.Weighted(3, 5, case_study=True),
    ]
    found = scorecard.result(criteria, [{1: 4, 2: 3, 3: 5}, {1: 2, 2: 3, 3: 4}])
    # Means 3, 3, 4.5 → (3×3 + 3×2 + 4.5×5) / 10 = 3.75.
    assert found.total == Decimal("3.75")
    assert found.case_study == Decimal("4.50")
    assert [c.spread for c in found.criteria] == [2, 0, 1]
    assert found.to_discuss == [1]
    assert found.above(Decimal("3.50"))
    assert not found.above(Decimal("3.75"))


def test_a_candidate_nobody_scored_has_no_total() -> None:
    found = scorecard.result([scorecard.Weighted(1, 1)], [])
    assert found.total is None
    assert not found.above(Decimal("1"))


# Opening a position and adding candidates.


def test_a_position_keeps_its_criteria_in_order_and_its_hiring_team(cast: Cast) -> None:
    position = _position(cast)
    assert [(c.name, c.kind, c.weight) for c in position.criteria.all()] == [
        ("Persistence", "trait", 3),
        ("Discovery", "skill", 2),
        ("Case study", "case_study", 5),
    ]
    assert position.hiring_manager == cast.east_manager
    assert position.team == cast.east
    assert set(position.interviewers.all()) == {cast.east_manager, cast.east_rep, cast.east_rep2}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"hire_above": "5"}, "hire_above"),
        ({"hire_above": "three"}, "hire_above"),
        ({"interviewers": ["nobody@acme.test"]}, "interviewers[1]"),
        ({"interviewers": []}, "interviewers"),
        ({"criteria": [recruiting.CriterionInput("Grit", "mood", 1)]}, "criteria[1].kind"),
        ({"criteria": [recruiting.CriterionInput("Grit", "trait", 11)]}, "criteria[1].weight"),
        ({"criteria": []}, "criteria"),
        ({"team": "Nowhere"}, "team"),
    ],
)
def test_a_bad_position_names_its_field_and_stores_nothing(
    cast: Cast, change: dict[str, object], field: str
) -> None:
    given = {
        "title": "AE",
        "hire_above": "3.5",
        "interviewers": [cast.east_rep.email],
        "criteria": [recruiting.CriterionInput("Grit", "trait", 1)],
        **change,
    }
    with pytest.raises(InvalidInput) as raised:
        recruiting.open_position(cast.east_manager, recruiting.PositionInput(**given))  # type: ignore[arg-type]
    assert raised.value.field == field
    assert not Position.objects.exists()


def test_a_salesperson_opens_no_position(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        recruiting.open_position(
            cast.east_rep,
            recruiting.PositionInput(
                "AE",
                interviewers=[cast.east_rep.email],
                criteria=[recruiting.CriterionInput("A", "skill")],
            ),
        )


def test_a_candidate_moves_through_the_stages_with_their_days(cast: Cast) -> None:
    position = _position(cast)
    found = recruiting.add_candidate(cast.east_manager, position.pk, "Rosa Lind", on="2026-10-05")
    recruiting.move(cast.east_manager, found.pk, "interviews", on="2026-10-12")
    recruiting.move(cast.east_manager, found.pk, "case study", on="2026-10-20")
    with pytest.raises(InvalidInput) as raised:
        recruiting.move(cast.east_manager, found.pk, "offer", on="2026-10-01")
    assert raised.value.field == "on"
    with pytest.raises(InvalidInput) as raised:
        recruiting.move(cast.east_manager, found.pk, "coffee")
    assert raised.value.field == "stage"
    with pytest.raises(NotAllowed):  # an interviewer scores; the hiring manager moves
        recruiting.move(cast.east_rep, found.pk, "offer", on="2026-10-25")
    found.refresh_from_db()
    assert found.stage == "case_study"
    assert list(found.events.values_list("stage", "on")) == [
        ("screen", date(2026, 10, 5)),
        ("interviews", date(2026, 10, 12)),
        ("case_study", date(2026, 10, 20)),
    ]


# The blind rule.


def _candidate_scored_by_the_manager(cast: Cast) -> tuple[Position, Candidate]:
    position = _position(cast)
    found = recruiting.add_candidate(cast.east_manager, position.pk, "Rosa Lind", on="2026-10-05")
    recruiting.save_scorecard(
        cast.east_manager,
        found.pk,
        _scores(position, 4, 3, 5),
        notes="Sharp questions.",
        submit=True,
    )
    return position, found


def test_an_interviewer_reads_no_other_scorecard_before_submitting_their_own(cast: Cast) -> None:
    position, found = _candidate_scored_by_the_manager(cast)
    assert recruiting.scorecards(cast.east_rep, found) == []
    draft = recruiting.save_scorecard(cast.east_rep, found.pk, _scores(position, 2, 3, 4))
    assert recruiting.scorecards(cast.east_rep, found) == [draft]  # only their own draft
    [ranked] = recruiting.comparison(cast.east_rep, position)
    assert ranked.blind
    assert ranked.result is None

    recruiting.save_scorecard(cast.east_rep, found.pk, _scores(position, 2, 3, 4), submit=True)
    seen = recruiting.scorecards(cast.east_rep, found)
    assert {card.interviewer for card in seen} == {cast.east_manager, cast.east_rep}
    [ranked] = recruiting.comparison(cast.east_rep, position)
    assert not ranked.blind
    assert ranked.result is not None
    # Means 3, 3, 4.5: (9 + 6 + 22.5) / 10.
    assert ranked.result.total == Decimal("3.75")
    assert ranked.above


def test_the_positions_figures_hold_no_score_an_interviewer_may_not_read_yet(cast: Cast) -> None:
    position, found = _candidate_scored_by_the_manager(cast)
    assert recruiting.statistics(cast.east_rep, position).scorecards == 0
    assert recruiting.statistics(cast.east_manager, position).scorecards == 1
    recruiting.save_scorecard(cast.east_rep, found.pk, _scores(position, 2, 3, 4), submit=True)
    assert recruiting.statistics(cast.east_rep, position).scorecards == 2


def test_a_draft_is_read_by_nobody_but_its_author(cast: Cast) -> None:
    position, found = _candidate_scored_by_the_manager(cast)
    recruiting.save_scorecard(cast.east_rep, found.pk, _scores(position, 1, 1, 1), notes="Draft")
    for viewer in (cast.president, cast.admin, cast.east_manager):
        authors = {card.interviewer for card in recruiting.scorecards(viewer, found)}
        assert cast.east_rep not in authors
    # An executive who interviews nobody for the position reads the submitted ones.
    assert {c.interviewer for c in recruiting.scorecards(cast.president, found)} == {
        cast.east_manager
    }


def test_a_submitted_scorecard_no_longer_changes(cast: Cast) -> None:
    position, found = _candidate_scored_by_the_manager(cast)
    with pytest.raises(InvalidInput) as raised:
        recruiting.save_scorecard(cast.east_manager, found.pk, _scores(position, 1, 1, 1))
    assert raised.value.field == "scorecard"
    card = Scorecard.objects.get(interviewer=cast.east_manager)
    assert sorted(card.scores.values_list("score", flat=True)) == [3, 4, 5]


@pytest.mark.parametrize(
    ("scores", "submit", "field"),
    [
        ({"Persistence": 6}, False, "scores.Persistence"),
        ({"Persistence": "4.5"}, False, "scores.Persistence"),
        ({"Charm": 3}, False, "scores.Charm"),
        ({"Persistence": 3}, True, "scores.Discovery"),
    ],
)
def test_a_bad_score_names_its_field_and_stores_nothing(
    cast: Cast, scores: dict[str, object], submit: bool, field: str
) -> None:
    _, found = _candidate_scored_by_the_manager(cast)
    before = CriterionScore.objects.count()
    with pytest.raises(InvalidInput) as raised:
        recruiting.save_scorecard(cast.east_rep, found.pk, scores, submit=submit)
    assert raised.value.field == field
    assert CriterionScore.objects.count() == before
    assert not Scorecard.objects.filter(interviewer=cast.east_rep).exists()


def test_only_the_interviewers_score(cast: Cast) -> None:
    position, found = _candidate_scored_by_the_manager(cast)
    with pytest.raises(NotAllowed):
        recruiting.save_scorecard(cast.president, found.pk, _scores(position, 5, 5, 5))


def test_the_candidate_page_keeps_the_others_notes_hidden_until_one_submits(cast: Cast) -> None:
    position, found = _candidate_scored_by_the_manager(cast)
    client = logged_in(cast.east_rep)
    page = client.get(f"/assessments/recruiting/candidates/{found.pk}/").content.decode()
    assert "Sharp questions." not in page
    assert "Hidden until you submit your own scorecard" in page
    criteria = list(position.criteria.all())
    form = {f"score_{c.pk}": v for c, v in zip(criteria, (3, 3, 3), strict=True)}
    response = client.post(
        f"/assessments/recruiting/candidates/{found.pk}/", {**form, "do": "submit", "notes": ""}
    )
    assert response.status_code == 302
    page = client.get(f"/assessments/recruiting/candidates/{found.pk}/").content.decode()
    assert "Sharp questions." in page
    position_page = client.get(f"/assessments/recruiting/{position.pk}/").content.decode()
    # Means 3.5, 3, 4: (10.5 + 6 + 20) / 10 = 3.65.
    assert "<strong>3.65</strong>" in position_page


def test_a_bad_score_on_the_page_is_shown_and_nothing_is_stored(cast: Cast) -> None:
    position, found = _candidate_scored_by_the_manager(cast)
    [first, *_] = position.criteria.all()
    response = logged_in(cast.east_rep).post(
        f"/assessments/recruiting/candidates/{found.pk}/", {f"score_{first.pk}": "9", "do": "save"}
    )
    assert response.status_code == 200
    assert "must be a whole number from 1 to 5" in response.content.decode()
    assert not Scorecard.objects.filter(interviewer=cast.east_rep).exists()


def test_the_api_keeps_the_same_blind_rule(cast: Cast) -> None:
    position, found = _candidate_scored_by_the_manager(cast)
    _, token = create_token(cast.east_rep.email)
    api = Api(token)
    status, body = api.get(f"/candidates/{found.pk}/")
    assert status == 200
    assert body["scorecards"] == []
    status, body = api.get(f"/positions/{position.pk}/")
    assert status == 200
    assert body["candidates"][0]["blind"] is True
    assert body["candidates"][0]["total"] is None

    status, body = api.put(
        f"/candidates/{found.pk}/scorecard/", {"scores": {"Persistence": 6}, "submit": False}
    )
    assert status == 400
    status, body = api.put(
        f"/candidates/{found.pk}/scorecard/",
        {"scores": {"Persistence": 2, "Discovery": 3, "Case study": 4}, "submit": True},
    )
    assert status == 200, body
    assert body["scores"] == {"Persistence": 2, "Discovery": 3, "Case study": 4}
    status, body = api.get(f"/candidates/{found.pk}/")
    assert {card["interviewer"] for card in body["scorecards"]} == {
        cast.east_manager.email,
        cast.east_rep.email,
    }
    status, body = api.get(f"/positions/{position.pk}/")
    assert body["candidates"][0]["total"] == 3.75
    assert [c["to_discuss"] for c in body["candidates"][0]["criteria"]] == [True, False, False]


# Who sees a candidate, the audit of each view, the erasure.


def test_candidates_are_seen_by_the_hiring_team_and_the_executives_only(cast: Cast) -> None:
    _, found = _candidate_scored_by_the_manager(cast)
    seeing = {cast.president, cast.admin, cast.east_manager, cast.east_rep, cast.east_rep2}
    for person in (
        cast.president,
        cast.admin,
        cast.vp,
        cast.east_manager,
        cast.west_manager,
        cast.east_rep,
        cast.east_rep2,
        cast.west_rep,
        cast.consultant,
        cast.services_head,
    ):
        if person in seeing:
            assert recruiting.candidate(person, found.pk) == found
        else:
            with pytest.raises(NotFound):
                recruiting.candidate(person, found.pk)
            assert (
                logged_in(person).get(f"/assessments/recruiting/candidates/{found.pk}/").status_code
                == 404
            )


def test_each_view_of_a_candidate_is_audited(cast: Cast) -> None:
    _, found = _candidate_scored_by_the_manager(cast)
    AuditEntry.objects.filter(action="candidate_viewed").delete()
    recruiting.candidate(cast.president, found.pk)
    logged_in(cast.east_rep).get(f"/assessments/recruiting/candidates/{found.pk}/")
    _, token = create_token(cast.east_rep2.email)
    Api(token).get(f"/candidates/{found.pk}/")
    viewers = AuditEntry.objects.filter(
        action="candidate_viewed", object_id=str(found.pk)
    ).values_list("actor__email", flat=True)
    assert sorted(viewers) == sorted(
        [cast.president.email, cast.east_rep.email, cast.east_rep2.email]
    )


def test_erasure_removes_the_personal_data_and_keeps_the_scores(cast: Cast) -> None:
    position = _position(cast)
    found = recruiting.add_candidate(
        cast.east_manager,
        position.pk,
        "Rosa Lind",
        email="rosa@example.com",
        phone="+44 20 7946 0000",
        notes="Referred by Ann.",
        on="2026-10-05",
    )
    recruiting.move(
        cast.east_manager, found.pk, "interviews", on="2026-10-12", note="Rosa was late"
    )
    recruiting.save_scorecard(
        cast.east_manager, found.pk, _scores(position, 4, 3, 5), notes="Rosa impressed", submit=True
    )
    before = recruiting.statistics(None, position)
    with pytest.raises(NotAllowed):
        recruiting.erase(cast.east_rep, found.pk)

    recruiting.erase(cast.east_manager, found.pk)
    found.refresh_from_db()
    assert found.name == f"Erased candidate #{found.pk}"
    assert (found.email, found.phone, found.notes) == ("", "", "")
    assert found.erased
    assert set(StageEvent.objects.filter(candidate=found).values_list("note", flat=True)) == {""}
    assert Scorecard.objects.get(candidate=found).notes == ""
    assert recruiting.statistics(None, position) == before  # the scores stay
    assert before.scorecards == 1
    assert recruiting.comparison(cast.east_manager, position) == []
    # Nothing personal is left anywhere, the audit log included.
    for entry in AuditEntry.objects.all():
        assert "Rosa" not in entry.summary
        assert "Rosa" not in str(entry.details)
    with pytest.raises(InvalidInput):
        recruiting.erase(cast.east_manager, found.pk)


def test_erasure_through_the_api(cast: Cast) -> None:
    _, found = _candidate_scored_by_the_manager(cast)
    _, token = create_token(cast.east_manager.email)
    status, body = Api(token).send("delete", f"/candidates/{found.pk}/personal-data/", {})
    assert status == 200
    assert body["erased"] is True
    assert body["name"] == f"Erased candidate #{found.pk}"
    _, rep_token = create_token(cast.east_rep.email)
    status, body = Api(rep_token).send("delete", f"/candidates/{found.pk}/personal-data/", {})
    assert status == 403

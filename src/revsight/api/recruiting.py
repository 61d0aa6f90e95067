"""The recruiting scorecard through the API, on the services every door uses
(`assessments.recruiting_services`): the positions and their ranked comparison, a candidate
with the scorecards the token's person may read, their own scorecard, and erasure on request.
The blind rule holds here as on the pages: another interviewer's scores and notes of a
candidate come back only once the caller has submitted their own."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema
from pydantic import ConfigDict, StringConstraints

from revsight.api.auth import actor
from revsight.api.records import ONE_ERRORS, READ_ERRORS
from revsight.api.schemas import Error, Id
from revsight.assessments import recruiting_services as recruiting
from revsight.assessments.recruiting_models import Candidate, Position, Scorecard

router = Router(tags=["recruiting"])
Long = Annotated[str, StringConstraints(max_length=10_000, pattern=r"^[^\x00]*$")]
Key = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[^\x00]+$")]
Score = Annotated[int, Field(ge=1, le=5)]


class CriterionOut(Schema):
    id: int
    name: str
    kind: str = Field(description="trait, skill, experience or case_study")
    weight: int


class CriterionFigures(Schema):
    criterion_id: int
    mean: float | None
    low: int | None
    high: int | None
    spread: int | None
    to_discuss: bool = Field(description="The interviewers differ by 2 or more")


class RankedOut(Schema):
    candidate_id: int
    name: str
    stage: str
    submitted: int = Field(description="Scorecards submitted for the candidate")
    blind: bool = Field(description="You interview and have not submitted yours: no figures")
    total: float | None = Field(description="Weighted total out of 5")
    case_study: float | None
    above_the_bar: bool
    criteria: list[CriterionFigures]


class PositionOut(Schema):
    id: int
    title: str
    team: str | None
    hiring_manager: str = Field(description="Their email")
    interviewers: list[str]
    hire_above: float
    status: str
    opened_on: dt.date
    criteria: list[CriterionOut]


class PositionDetail(PositionOut):
    candidates: list[RankedOut]


def _position(found: Position) -> dict[str, Any]:
    return {
        "id": found.pk,
        "title": found.title,
        "team": found.team.name if found.team else None,
        "hiring_manager": found.hiring_manager.email,
        "interviewers": [p.email for p in found.interviewers.all()],
        "hire_above": float(found.hire_above),
        "status": found.status,
        "opened_on": found.opened_on,
        "criteria": [
            {"id": c.pk, "name": c.name, "kind": c.kind, "weight": c.weight}
            for c in found.criteria.all()
        ],
    }


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _ranked(row: recruiting.Ranked) -> dict[str, Any]:
    result = row.result
    return {
        "candidate_id": row.candidate.pk,
        "name": row.candidate.name,
        "stage": row.candidate.stage,
        "submitted": row.submitted,
        "blind": row.blind,
        "total": _number(result.total) if result else None,
        "case_study": _number(result.case_study) if result else None,
        "above_the_bar": row.above,
        "criteria": [
            {
                "criterion_id": c.criterion_id,
                "mean": _number(c.mean),
                "low": c.low,
                "high": c.high,
                "spread": c.spread,
                "to_discuss": c.to_discuss,
            }
            for c in (result.criteria if result else [])
        ],
    }


@router.get("/positions/", response={200: list[PositionOut], **READ_ERRORS})
def list_positions(request: HttpRequest) -> list[dict[str, Any]]:
    """The positions the token's person hires for (all of them, for an executive)."""
    return [_position(p) for p in recruiting.positions(actor(request))]


@router.get("/positions/{position_id}/", response={200: PositionDetail, **ONE_ERRORS})
def get_position(request: HttpRequest, position_id: Id) -> dict[str, Any]:
    """A position with its candidates ranked by weighted total, as the caller may see them."""
    viewer = actor(request)
    found = recruiting.position(viewer, position_id)
    return {
        **_position(found),
        "candidates": [_ranked(r) for r in recruiting.comparison(viewer, found)],
    }


class ScorecardOut(Schema):
    interviewer: str = Field(description="Their email")
    submitted_at: dt.datetime | None = Field(description="None: a draft (only yours is shown)")
    scores: dict[str, int] = Field(description="Criterion name → 1–5")
    notes: str


class StageOut(Schema):
    stage: str
    on: dt.date
    note: str


class CandidateOut(Schema):
    id: int
    position_id: int
    name: str
    email: str
    phone: str
    notes: str
    stage: str
    case_study_note: str
    erased: bool
    stages: list[StageOut]
    scorecards: list[ScorecardOut] = Field(
        description="Yours, and the others' once you have submitted yours"
    )


def _card(card: Scorecard) -> dict[str, Any]:
    return {
        "interviewer": card.interviewer.email,
        "submitted_at": card.submitted_at,
        "scores": {s.criterion.name: s.score for s in card.scores.select_related("criterion")},
        "notes": card.notes,
    }


def _candidate(viewer: Any, found: Candidate) -> dict[str, Any]:
    return {
        "id": found.pk,
        "position_id": found.position_id,
        "name": found.name,
        "email": found.email,
        "phone": found.phone,
        "notes": found.notes,
        "stage": found.stage,
        "case_study_note": found.case_study_note,
        "erased": found.erased,
        "stages": [{"stage": e.stage, "on": e.on, "note": e.note} for e in found.events.all()],
        "scorecards": [_card(c) for c in recruiting.scorecards(viewer, found)],
    }


@router.get("/candidates/{candidate_id}/", response={200: CandidateOut, **ONE_ERRORS})
def get_candidate(request: HttpRequest, candidate_id: Id) -> dict[str, Any]:
    """A candidate of a position the caller hires for; the view is recorded in the audit log."""
    viewer = actor(request)
    return _candidate(viewer, recruiting.candidate(viewer, candidate_id))


class ScorecardIn(Schema):
    model_config = ConfigDict(extra="forbid")

    scores: dict[Key, Score] = Field(description="Criterion name (or id) → 1–5")
    notes: Long = ""
    submit: bool = Field(False, description="Submit: every criterion scored; fixed afterwards")


@router.put(
    "/candidates/{candidate_id}/scorecard/",
    response={200: ScorecardOut, **ONE_ERRORS, 403: Error},
)
def put_scorecard(request: HttpRequest, candidate_id: Id, payload: ScorecardIn) -> JsonResponse:
    """Save or submit the caller's own scorecard of a candidate (an interviewer's)."""
    viewer = actor(request)
    card = recruiting.save_scorecard(
        viewer, candidate_id, payload.scores, notes=payload.notes, submit=payload.submit
    )
    return JsonResponse(ScorecardOut(**_card(card)).model_dump(mode="json"), status=200)


@router.delete(
    "/candidates/{candidate_id}/personal-data/",
    response={200: CandidateOut, **ONE_ERRORS, 403: Error},
)
def erase_candidate(request: HttpRequest, candidate_id: Id) -> dict[str, Any]:
    """Erase a candidate's personal data on their request (the hiring manager, an executive);
    the scores stay, anonymously, for the position's figures."""
    viewer = actor(request)
    erased = recruiting.erase(viewer, candidate_id)
    return _candidate(viewer, erased)

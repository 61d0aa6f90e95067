"""The recruiting scorecard's pages: the positions and a form to open one
(`/assessments/recruiting/`); a position's ranked comparison of its candidates, its criteria and
hiring team (`/assessments/recruiting/<id>/`); a candidate's stages, one's own scorecard and,
once it is submitted, the others' (`/assessments/recruiting/candidates/<id>/`).

Views read the request and call `assessments.recruiting_services`, which checks who may do
what and keeps the scorecards blind; an `InvalidInput` is shown above the form, naming the
field, with nothing stored."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.assessments import recruiting_services as recruiting
from revsight.assessments.recruiting_models import (
    SCORE_HIGHEST,
    SCORE_LOWEST,
    Criterion,
    Position,
    Stage,
)
from revsight.assessments.scorecard import SPREAD_TO_DISCUSS
from revsight.core.errors import InvalidInput, RevsightError
from revsight.org.models import Role, Team, User
from revsight.web import inputs

CRITERION_ROWS = 8
# What a new position's form starts with: the kinds of criteria a scorecard needs.
STARTING_CRITERIA = [
    ("Drive and persistence, like the team's best", "trait", 3),
    ("Asks before telling: discovery skill", "skill", 3),
    ("Closing and negotiating", "skill", 2),
    ("Experience selling to our kind of buyer", "experience", 2),
    ("Sales case study", "case_study", 3),
]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _criteria_rows(data: Any | None) -> list[dict[str, Any]]:
    rows = []
    for n in range(1, CRITERION_ROWS + 1):
        if data is not None:
            row = {
                "name": data.get(f"criterion_name_{n}", ""),
                "kind": data.get(f"criterion_kind_{n}", ""),
                "weight": data.get(f"criterion_weight_{n}", ""),
            }
        elif n <= len(STARTING_CRITERIA):
            name, kind, weight = STARTING_CRITERIA[n - 1]
            row = {"name": name, "kind": kind, "weight": weight}
        else:
            row = {"name": "", "kind": "skill", "weight": 1}
        rows.append({"n": n, **row})
    return rows


@login_required
def positions_page(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    if not recruiting.may_open(viewer):
        raise PermissionDenied("Recruiting is for managers and the people on a hiring team.")
    error: RevsightError | None = None
    if request.method == "POST":
        data = request.POST
        try:
            made = recruiting.open_position(
                viewer,
                recruiting.PositionInput(
                    title=data.get("title"),
                    hiring_manager=data.get("hiring_manager") or None,
                    team=data.get("team"),
                    hire_above=data.get("hire_above"),
                    interviewers=data.getlist("interviewers"),
                    criteria=[
                        recruiting.CriterionInput(
                            data.get(f"criterion_name_{n}"),
                            data.get(f"criterion_kind_{n}"),
                            data.get(f"criterion_weight_{n}"),
                        )
                        for n in range(1, CRITERION_ROWS + 1)
                    ],
                    opened_on=data.get("opened_on") or inputs.as_of(request),
                ),
            )
            return redirect(reverse("recruiting-position", args=[made.pk]))
        except InvalidInput as exc:
            error = exc
    found = list(recruiting.positions(viewer))
    counts = {p.pk: p.candidates.filter(erased_at__isnull=True).count() for p in found}
    return render(
        request,
        "web/assessments/positions.html",
        {
            "positions": [(p, counts[p.pk]) for p in found],
            "may_create": recruiting.may_create(viewer),
            "teams": Team.objects.order_by("name"),
            "people": User.objects.filter(is_active=True).exclude(role=Role.ADMIN).order_by("name"),
            "kinds": Criterion.Kind.choices,
            "criteria_rows": _criteria_rows(request.POST if error else None),
            "typed": request.POST if error else {},
            "chosen": request.POST.getlist("interviewers") if error else [],
            "error": error,
        },
    )


@login_required
def position_page(request: HttpRequest, position_id: int) -> HttpResponse:
    viewer = _user(request)
    found = recruiting.position(viewer, position_id)
    error: RevsightError | None = None
    if request.method == "POST":
        try:
            if request.POST.get("do") == "status":
                recruiting.close_position(viewer, found.pk, request.POST.get("status", ""))
            else:
                recruiting.add_candidate(
                    viewer,
                    found.pk,
                    request.POST.get("name"),
                    email=request.POST.get("email"),
                    phone=request.POST.get("phone"),
                    notes=request.POST.get("notes"),
                    on=request.POST.get("on") or inputs.as_of(request),
                )
            return redirect(reverse("recruiting-position", args=[found.pk]))
        except InvalidInput as exc:
            error = exc
    criteria = list(found.criteria.all())
    ranked = recruiting.comparison(viewer, found)
    statistics = recruiting.statistics(viewer, found)
    rows = []
    for row in ranked:
        by_criterion = {c.criterion_id: c for c in row.result.criteria} if row.result else {}
        rows.append({"ranked": row, "cells": [by_criterion.get(c.pk) for c in criteria]})
    return render(
        request,
        "web/assessments/position.html",
        {
            "position": found,
            "criteria": criteria,
            "rows": rows,
            "statistics": statistics,
            "statistics_rows": list(zip(criteria, statistics.criteria, strict=True)),
            "may_manage": recruiting.may_manage(viewer, found),
            "interviews": recruiting.interviews(viewer, found),
            "statuses": Position.Status.choices,
            "spread": SPREAD_TO_DISCUSS,
            "error": error,
            "typed": request.POST if error else {},
        },
    )


def _typed_score(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _in_order(card: Any, criteria: list[Criterion]) -> list[int | None]:
    given = card.given()
    return [given.get(c.pk) for c in criteria]


@login_required
def candidate_page(request: HttpRequest, candidate_id: int) -> HttpResponse:
    viewer = _user(request)
    error: RevsightError | None = None
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "move":
                recruiting.move(
                    viewer,
                    candidate_id,
                    request.POST.get("stage"),
                    on=request.POST.get("on") or inputs.as_of(request),
                    note=request.POST.get("note"),
                )
            elif do == "case_study":
                recruiting.record_case_study(viewer, candidate_id, request.POST.get("case_study"))
            elif do == "erase":
                erased = recruiting.erase(viewer, candidate_id)
                return redirect(reverse("recruiting-position", args=[erased.position_id]))
            else:
                scores = {
                    key.removeprefix("score_"): value
                    for key, value in request.POST.items()
                    if key.startswith("score_")
                }
                recruiting.save_scorecard(
                    viewer,
                    candidate_id,
                    scores,
                    notes=request.POST.get("notes"),
                    submit=do == "submit",
                )
            return redirect(reverse("recruiting-candidate", args=[candidate_id]))
        except InvalidInput as exc:
            error = exc
    found = recruiting.candidate(viewer, candidate_id)
    position = found.position
    criteria = list(position.criteria.all())
    own = recruiting.own_scorecard(viewer, found)
    own_scores: dict[int, int | None] = dict(own.given()) if own else {}
    if error is not None:
        # What was typed, shown again.
        own_scores = {c.pk: _typed_score(request.POST.get(f"score_{c.pk}")) for c in criteria}
    others = [
        card for card in recruiting.scorecards(viewer, found) if card.interviewer_id != viewer.pk
    ]
    interviews = recruiting.interviews(viewer, position)
    return render(
        request,
        "web/assessments/candidate.html",
        {
            "candidate": found,
            "position": position,
            "criteria": criteria,
            "events": list(found.events.all()),
            "stages": Stage.choices,
            "own": own,
            "own_rows": [(c, own_scores.get(c.pk)) for c in criteria],
            "others": [(card, _in_order(card, criteria)) for card in others],
            "interviews": interviews,
            "blind": interviews and not (own and own.submitted),
            "may_manage": recruiting.may_manage(viewer, position),
            "levels": range(SCORE_LOWEST, SCORE_HIGHEST + 1),
            "error": error,
            "typed": request.POST if error else {},
        },
    )

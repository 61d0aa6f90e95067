"""The self-assessment's pages: the assessments kept, with the trend of the total and of each
category for a scope, and a form to start this quarter's (`/assessments/`); one assessment, its
categories pre-filled with what the data suggests, each score accepted or overridden, and once
completed its total, band and the features that address its low categories
(`/assessments/<id>/`).

Views read the request and call `assessments.self_services`, which checks who may do what; an
`InvalidInput` is shown above the form, naming the field, with nothing stored."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.assessments import self_services as assessments
from revsight.assessments.bands import CATEGORIES, HIGHEST, LOWEST
from revsight.assessments.self_models import SelfAssessment
from revsight.core.errors import InvalidInput, RevsightError
from revsight.org.models import Team, User
from revsight.web import assessment_charts, inputs

# A category scored this low links to what addresses it.
LOW = 2


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _trend(viewer: User, team: Team | None) -> dict[str, Any] | None:
    kept = assessments.history(viewer, team)
    if not kept:
        return None
    by_quarter: dict[str, SelfAssessment] = {}
    for found in kept:  # the latest completed of each quarter
        by_quarter[found.quarter] = found
    quarters = list(by_quarter)
    rows = [{row.number: row.score for row in a.scores.all()} for a in by_quarter.values()]
    totals = [
        shown.total if (shown := assessments.totals(a)) else None for a in by_quarter.values()
    ]
    return {
        "total": assessment_charts.totals(quarters, totals),
        "categories": assessment_charts.categories(
            quarters, [[row.get(c.number) for row in rows] for c in CATEGORIES]
        ),
    }


@login_required
def list_page(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    if not assessments.may_open(viewer):
        raise PermissionDenied(
            "The self-assessment is the sales leaders': managers and executives."
        )
    today = inputs.as_of(request)
    error: RevsightError | None = None
    if request.method == "POST":
        try:
            team = assessments.team_of(viewer, request.POST.get("team"))
            started = assessments.start(viewer, team, today)
            return redirect(reverse("self-assessment", args=[started.pk]))
        except InvalidInput as exc:
            error = exc
    scopes = assessments.scopes_for(viewer)
    try:
        shown = assessments.team_of(viewer, request.GET.get("team"))
    except InvalidInput:
        shown = None
    if shown is not None and shown not in scopes and not viewer.sees_everything:
        shown = None
    kept = list(assessments.visible(viewer).prefetch_related("scores")[:100])
    return render(
        request,
        "web/assessments/list.html",
        {
            "quarter": assessments.quarter_of(today),
            "scopes": scopes,
            "shown": shown,
            "trend": _trend(viewer, shown),
            "rows": [(a, assessments.totals(a)) for a in kept],
            "error": error,
        },
    )


def _categories(found: SelfAssessment) -> list[dict[str, Any]]:
    rows = {row.number: row for row in found.scores.all()}
    shown = []
    for category in CATEGORIES:
        row = rows.get(category.number)
        score = row.score if row else None
        shown.append(
            {
                "category": category,
                "row": row,
                "chosen": score if score is not None else (row.suggested if row else None),
                "low": score is not None and score <= LOW and category.feature is not None,
                # A suggestion this low, or none, says the feature that would answer is unused.
                "weak": row is not None and (row.suggested is None or row.suggested <= LOW),
                "link": reverse(category.feature) if category.feature else None,
            }
        )
    return shown


@login_required
def assessment_page(request: HttpRequest, assessment_id: int) -> HttpResponse:
    viewer = _user(request)
    found = assessments.one(viewer, assessment_id)
    error: RevsightError | None = None
    if request.method == "POST":
        try:
            if request.POST.get("do") == "refresh":
                assessments.start(viewer, found.team, inputs.as_of(request))
            else:
                complete = request.POST.get("do") == "complete"
                assessments.save(viewer, found.pk, request.POST, complete=complete)
            return redirect(reverse("self-assessment", args=[found.pk]))
        except InvalidInput as exc:
            error = exc
        found = assessments.one(viewer, assessment_id)
    return render(
        request,
        "web/assessments/assessment.html",
        {
            "assessment": found,
            "categories": _categories(found),
            "totals": assessments.totals(found),
            "may_change": not found.is_complete
            and found.assessed_by_id == viewer.pk
            and assessments.may_assess(viewer, found.team),
            "levels": range(LOWEST, HIGHEST + 1),
            "error": error,
            "typed": request.POST if error else {},
        },
    )

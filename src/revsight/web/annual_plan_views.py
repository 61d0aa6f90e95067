"""The annual sales plan worksheet's pages: the years planned and a way to start the next
(`/assessments/annual-plan/`); one year's worksheet, last year's answers beside each question
and the year's figures for reference (`/assessments/annual-plan/<year>/`), printable, and as a
PDF from the same document template (`/assessments/annual-plan/<year>.pdf`).

Views read the request and call `assessments.annual_plan_services`, which checks who may
write; an `InvalidInput` is shown above the form, naming the field, with nothing stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from revsight.access import visibility
from revsight.assessments import annual_plan_services as plans
from revsight.core.errors import InvalidInput, RevsightError
from revsight.core.models import Organisation
from revsight.org.models import User
from revsight.planning.models import CapacityScenario
from revsight.web import inputs


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_read(viewer: User) -> None:
    if not plans.may_read(viewer):
        raise PermissionDenied("The annual plan is read by managers and the executives.")


@login_required
def list_page(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    _require_read(viewer)
    error: RevsightError | None = None
    if request.method == "POST":
        try:
            year = plans.year_of(request.POST.get("year"), inputs.as_of(request))
            return redirect(reverse("annual-plan", args=[year]))
        except InvalidInput as exc:
            error = exc
    return render(
        request,
        "web/assessments/annual_plans.html",
        {
            "plans": list(plans.plans(viewer)),
            "next_year": plans.year_of("", inputs.as_of(request)),
            "may_write": plans.may_write(viewer),
            "error": error,
        },
    )


def _worksheet(viewer: User | None, year: int, as_of: Any) -> dict[str, Any]:
    found = plans.plan_of(viewer, year)
    before = plans.plan_of(viewer, year - 1)
    questions = [
        {
            "question": q,
            "answer": (found.answers.get(q.key, "") if found else ""),
            "verdict_key": f"{q.key}_holds",
            "verdict": (found.answers.get(f"{q.key}_holds", "") if found else ""),
            "last_year": (before.answers.get(q.key, "") if before else ""),
        }
        for q in plans.QUESTIONS
    ]
    return {
        "year": year,
        "plan": found,
        "before": before,
        "questions": questions,
        "holds": plans.HOLDS,
        "figures": [
            f for f in (plans.figures_of(year - 1, as_of), plans.figures_of(year, as_of)) if f
        ],
        "linked_goals": list(found.goals.all()) if found else [],
        "currency": Organisation.current().currency,
    }


@login_required
def plan_page(request: HttpRequest, year: int) -> HttpResponse:
    viewer = _user(request)
    _require_read(viewer)
    as_of = inputs.as_of(request)
    error: RevsightError | None = None
    if request.method == "POST":
        try:
            plans.save(
                viewer,
                year,
                request.POST,
                goal_ids=request.POST.getlist("goals"),
                scenario_id=request.POST.get("capacity_scenario"),
            )
            return redirect(reverse("annual-plan", args=[year]))
        except InvalidInput as exc:
            error = exc
    context = _worksheet(viewer, year, as_of)
    chosen_goals = (
        request.POST.getlist("goals") if error else [str(g.pk) for g in context["linked_goals"]]
    )
    context.update(
        may_write=plans.may_write(viewer),
        goals=list(plans.goals_of(year)),
        chosen_goals=chosen_goals,
        scenarios=list(visibility.scope_as(viewer, CapacityScenario.objects.all())),
        typed=request.POST if error else None,
        error=error,
    )
    return render(request, "web/assessments/annual_plan.html", context)


def pdf_of(viewer: User | None, year: int, as_of: Any) -> bytes:
    """The worksheet as a PDF: the page's own document template, with its stylesheet."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    sheet = finders.find("revsight/review.css")
    context = _worksheet(viewer, year, as_of)
    context.update(
        stylesheet=Path(str(sheet)).read_text(encoding="utf-8") if sheet else "",
        base=settings.REVSIGHT_BASE_URL,
    )
    html = render_to_string("web/assessments/annual_plan_print.html", context)
    return bytes(HTML(string=html).write_pdf())


@login_required
def plan_pdf(request: HttpRequest, year: int) -> HttpResponse:
    viewer = _user(request)
    _require_read(viewer)
    body = pdf_of(viewer, year, inputs.as_of(request))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="annual-plan-FY{year}.pdf"'
    return response

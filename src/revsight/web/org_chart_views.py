"""The planned organisation chart of a capacity scenario (`/planning/capacity/<id>/org-chart/`)
and its exports (`…/org-chart.png`, `…/org-chart.pdf`), all with `?month=2027-06&span=8`.

Who may open it is the scenario's: whoever sees it (`services.scenario`) and plans its team
(`permissions.may_plan`); anyone else gets the 404 of a scenario that is not theirs. A bad
`month` or `span` is a 400 naming the field.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from revsight.access import permissions
from revsight.core.errors import NotFound
from revsight.org.models import User
from revsight.planning import org_chart, services
from revsight.planning import org_chart_render as drawing
from revsight.planning.models import CapacityScenario


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _scenario(viewer: User, scenario_id: int) -> CapacityScenario:
    found = services.scenario(viewer, scenario_id)
    if not permissions.may_plan(viewer, found.team):
        raise NotFound(
            f"No capacity scenario has the id {scenario_id} (or it is not yours to see)."
        )
    return found


def _chart(request: HttpRequest, scenario_id: int) -> tuple[CapacityScenario, org_chart.Chart]:
    found = _scenario(_user(request), scenario_id)
    span = org_chart.check_span(request.GET.get("span"))
    return found, org_chart.for_plan(services.plan_of(found), span)


def _download(body: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _filename(found: CapacityScenario, suffix: str) -> str:
    return f"org-chart-{slugify(found.name) or found.pk}{suffix}"


@login_required
def org_chart_page(request: HttpRequest, scenario_id: int) -> HttpResponse:
    found, chart = _chart(request, scenario_id)
    month = org_chart.month_in(chart, request.GET.get("month"))
    index = chart.months.index(month)
    here = reverse("planning-org-chart", args=[found.pk])

    def link(target: org_chart.MonthChart) -> str:
        return f"{here}?{urlencode({'month': target.id, 'span': str(chart.span)})}"

    layout = drawing.layout(chart, month, found.name, titled=False)
    return render(
        request,
        "web/planning/org_chart.html",
        {
            "scenario": found,
            "chart": chart,
            "month": month,
            "number": index + 1,
            "summary": drawing.summary(chart, month),
            # Every text from the data is escaped by the renderer (`org_chart_render.svg`).
            "svg": mark_safe(drawing.svg(layout)),
            "previous": link(chart.months[index - 1]) if index > 0 else None,
            "next": link(chart.months[index + 1]) if index + 1 < len(chart.months) else None,
            "runs": org_chart.runs(chart.alerts),
            "month_query": urlencode({"month": month.id, "span": str(chart.span)}),
            "span_query": urlencode({"span": str(chart.span)}),
            "png_url": reverse("planning-org-chart-png", args=[found.pk]),
            "pdf_url": reverse("planning-org-chart-pdf", args=[found.pk]),
        },
    )


@login_required
def org_chart_png(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """The chosen month's chart (the first by default) as a PNG."""
    found, chart = _chart(request, scenario_id)
    month = org_chart.month_in(chart, request.GET.get("month"))
    body = drawing.png(drawing.layout(chart, month, found.name))
    return _download(body, "image/png", _filename(found, f"-{month.id}.png"))


@login_required
def org_chart_pdf(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """The chosen month's chart, or with no month all 18, one A4 landscape page each."""
    found, chart = _chart(request, scenario_id)
    raw = request.GET.get("month")
    months = [org_chart.month_in(chart, raw)] if raw else list(chart.months)
    body = drawing.pdf([drawing.layout(chart, m, found.name) for m in months])
    suffix = f"-{months[0].id}.pdf" if raw else ".pdf"
    return _download(body, "application/pdf", _filename(found, suffix))

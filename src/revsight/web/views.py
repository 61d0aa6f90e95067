from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from revsight.access.directory import organisation_overview
from revsight.analytics.catalogue import METRICS
from revsight.analytics.docs import facts
from revsight.web import inputs, setup_views
from revsight.web.back import back_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    overview = organisation_overview(viewer, inputs.as_of(request))  # type: ignore[arg-type]
    overview["setup"] = setup_views.unfinished(viewer)  # type: ignore[arg-type]
    return render(request, "web/home.html", overview)


@login_required
def metric_definitions(request: HttpRequest) -> HttpResponse:
    """The metric catalogue as `docs/metrics.md` states it, one anchor per metric id."""
    shown = [
        {"id": m.id, "name": m.name, "facts": facts(m), "definition": m.definition} for m in METRICS
    ]
    back = back_to(request, reverse("home"))
    return render(request, "web/metrics.html", {"metrics": shown, "back": back})

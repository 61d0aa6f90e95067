from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from revsight.access.directory import organisation_overview
from revsight.web import inputs


@login_required
def home(request: HttpRequest) -> HttpResponse:
    overview = organisation_overview(request.user, inputs.as_of(request))  # type: ignore[arg-type]
    return render(request, "web/home.html", overview)

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from revsight.access.directory import organisation_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", organisation_overview(request.user))  # type: ignore[arg-type]

"""The setup checklist: at `/setup/`, and its steps still to do at the top of the landing pages
(the dashboards, and the organisation page for whoever has no dashboard) until all are done."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from revsight.org import checklist
from revsight.org.models import User


@login_required
def setup_page(request: HttpRequest) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    if not checklist.applies_to(viewer):
        raise PermissionDenied("The setup checklist is for managers and administrators.")
    return _render(request, checklist.checklist(viewer))


def unfinished(viewer: User) -> checklist.Checklist | None:
    """The viewer's checklist while it has steps to do (for the dashboards' reminder)."""
    if not checklist.applies_to(viewer):
        return None
    found = checklist.checklist(viewer)
    return None if found.complete else found


def _render(request: HttpRequest, found: checklist.Checklist) -> HttpResponse:
    return render(request, "web/setup.html", {"checklist": found})

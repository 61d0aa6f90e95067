"""The Monday sales meeting's agenda (`/cadence/monday/?team=<id>&week=2027-W05`), its PDF
(WeasyPrint, from the same agenda template as the page) and its Markdown. Views read the
address and call `cadence.meeting`, which chooses whose agenda the viewer may open (another
team's is a 404) and what of it they see."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from revsight.access import permissions
from revsight.cadence import meeting
from revsight.cadence.meeting_output import as_markdown
from revsight.core import clock, periods
from revsight.org.models import User
from revsight.web.forms import read


class MeetingForm(forms.Form):
    team = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    week = forms.CharField(required=False, strip=False)


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _agenda(request: HttpRequest) -> meeting.Agenda:
    viewer = _viewer(request)
    asked = read(MeetingForm(request.GET))
    team = meeting.team_by_id(viewer, asked["team"])
    week = meeting.week_asked(asked["week"], clock.today())
    return meeting.agenda(viewer, team, week)


def _query(agenda: meeting.Agenda, week: periods.Period) -> str:
    chosen = {"team": agenda.team.pk} if agenda.team else {}
    return "?" + urlencode({**chosen, "week": week.id})


def pdf_of(agenda: meeting.Agenda) -> bytes:
    """The agenda as a one-page PDF: the page's own agenda template, with its stylesheet."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    found = finders.find("revsight/meeting.css")
    stylesheet = Path(str(found)).read_text(encoding="utf-8") if found else ""
    context = {"agenda": agenda, "stylesheet": stylesheet, "base": settings.REVSIGHT_BASE_URL}
    html = render_to_string("web/meeting/print.html", context)
    return bytes(HTML(string=html).write_pdf())


def filename(agenda: meeting.Agenda, suffix: str) -> str:
    return f"monday-{slugify(agenda.label) or 'company'}-{agenda.week.id}{suffix}"


@login_required
def monday_page(request: HttpRequest) -> HttpResponse:
    agenda = _agenda(request)
    viewer = _viewer(request)
    before = periods.containing("week", agenda.week.start - timedelta(days=1))
    after = periods.following(agenda.week)
    here = _query(agenda, agenda.week)
    context: dict[str, Any] = {
        "agenda": agenda,
        "teams": meeting.teams_for(viewer),
        "may_company": viewer.sees_everything,
        "may_configure": permissions.may_configure_organisation(viewer),
        "previous": _query(agenda, before),
        "previous_week": before.id,
        "next": _query(agenda, after),
        "next_week": after.id,
        "pdf": reverse("meeting-monday-pdf") + here,
        "markdown": reverse("meeting-monday-md") + here,
    }
    return render(request, "web/meeting/monday.html", context)


def _download(body: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def monday_pdf(request: HttpRequest) -> HttpResponse:
    agenda = _agenda(request)
    return _download(pdf_of(agenda), "application/pdf", filename(agenda, ".pdf"))


@login_required
def monday_markdown(request: HttpRequest) -> HttpResponse:
    agenda = _agenda(request)
    body = as_markdown(agenda, request.build_absolute_uri("/").rstrip("/")).encode()
    return _download(body, "text/markdown; charset=utf-8", filename(agenda, ".md"))

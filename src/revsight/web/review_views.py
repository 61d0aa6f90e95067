"""Salesperson reviews' pages: the reviews the viewer sees, with this month's and this
quarter's of each of their salespeople and a form to prepare one (`/reviews/`); a review —
its packet, both parties' notes, the written sections, the actions agreed and how the last
review's went, Hold and Acknowledge (`/reviews/<id>/`); its PDF (`/reviews/<id>.pdf`, WeasyPrint,
from the same document template as the page).

Views read the request and call `cadence.review_services`, which checks who may do what (a
review the viewer may not see is a 404; a write they may not make, a 403); an `InvalidInput` is
shown above the forms, naming the field, with nothing stored. `?as_of=` sees a draft's numbers
as they stood on that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from revsight.cadence import coaching
from revsight.cadence import review_services as reviews
from revsight.cadence.priorities_models import Outcome
from revsight.cadence.review_models import Review, ReviewKind, ReviewStatus
from revsight.core import periods
from revsight.core.errors import InvalidInput, RevsightError
from revsight.core.models import Organisation
from revsight.org.models import User
from revsight.web import inputs


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@dataclass(frozen=True)
class Row:
    """A salesperson with their reviews of this month and this quarter (None: not prepared)."""

    person: User
    month: Review | None
    quarter: Review | None
    periods: tuple[str, str]  # this month's id and this quarter's

    @property
    def cells(self) -> list[tuple[Review | None, str, str]]:
        month, quarter = self.periods
        return [(self.month, "monthly", month), (self.quarter, "quarterly", quarter)]


def _rows(viewer: User, month: periods.Period, quarter: periods.Period) -> list[Row]:
    people = list(
        coaching.coached_people(viewer).filter(coaching.employed_in(month), is_active=True)
    )
    people = [p for p in people if reviews.may_manage(viewer, p)]
    found: dict[tuple[int, str], Review] = {
        (r.salesperson_id, r.period): r
        for r in Review.objects.filter(salesperson__in=people, period__in=[month.id, quarter.id])
    }
    ids = (month.id, quarter.id)
    return [Row(p, found.get((p.pk, month.id)), found.get((p.pk, quarter.id)), ids) for p in people]


def _prepare(viewer: User, data: Any, today: date) -> Review:
    kind = reviews.kind_named(data.get("kind"))
    person = reviews.salesperson_named(viewer, data.get("user"))
    period = reviews.period_named(kind, data.get("period"), today)
    return reviews.prepare(viewer, person, kind, period)


@login_required
def list_page(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    if not reviews.may_open(viewer):
        raise PermissionDenied("Reviews are the salespeople's and their managers'.")
    today = inputs.as_of(request)
    error: RevsightError | None = None
    if request.method == "POST":
        try:
            made = _prepare(viewer, request.POST, today)
            return redirect(_url(made, request))
        except InvalidInput as exc:
            error = exc
    month = reviews.period_named(ReviewKind.MONTHLY, "", today)
    quarter = reviews.period_named(ReviewKind.QUARTERLY, "", today)
    rows = _rows(viewer, month, quarter)
    return render(
        request,
        "web/reviews/list.html",
        {
            "month": month,
            "quarter": quarter,
            "rows": rows,
            "reviews": reviews.reviews(viewer)[:100],
            "error": error,
            "typed": request.POST if error else {},
            "as_of": request.GET.get("as_of", ""),
        },
    )


def _url(found: Review, request: HttpRequest, said: str = "") -> str:
    """The review's page, keeping the address's as-of day, saying what was done."""
    query = {"as_of": request.GET.get("as_of", ""), said: "1" if said else ""}
    shown = urlencode({k: v for k, v in query.items() if k and v})
    return reverse("review", args=[found.pk]) + (f"?{shown}" if shown else "")


def _act(viewer: User, found: Review, data: Any, today: date) -> str:
    """Carry out one posted change; what the page says afterwards."""
    action = data.get("do")
    if action == "manager":
        reviews.save_manager_text(viewer, found.pk, data)
        return "saved"
    if action == "reply":
        reviews.save_salesperson_notes(viewer, found.pk, data.get("salesperson_notes"))
        return "saved"
    if action == "add":
        reviews.add_action(viewer, found.pk, data)
        return "added"
    if action == "hold":
        reviews.hold(viewer, found.pk, today=today)
        return "held"
    if action == "acknowledge":
        reviews.acknowledge(viewer, found.pk)
        return "acknowledged"
    action_id = int(data.get("action") or 0)
    if action == "remove":
        reviews.remove_action(viewer, action_id)
        return "removed"
    if action == "outcome":
        reviews.set_outcome(viewer, action_id, data.get("outcome"), data.get("outcome_note"))
        return "saved"
    raise InvalidInput("do", str(action), "is not something this page does")


def _context(viewer: User, found: Review, today: date) -> dict[str, Any]:
    return {
        "review": found,
        "packet": reviews.packet_of(found, today),
        "actions": list(found.actions.select_related("owner")),
        "currency": Organisation.current().currency,
        "may_manage": reviews.may_manage(viewer, found.salesperson),
        "is_salesperson": reviews.is_salesperson(viewer, found),
        "is_open": found.status != ReviewStatus.ACKNOWLEDGED,
        "is_draft": found.status == ReviewStatus.DRAFT,
    }


@login_required
def review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    viewer = _user(request)
    found = reviews.review(viewer, review_id)
    today = inputs.as_of(request)
    error: RevsightError | None = None
    if request.method == "POST":
        try:
            said = _act(viewer, found, request.POST, today)
            return redirect(_url(found, request, said))
        except InvalidInput as exc:
            error = exc
        found = reviews.review(viewer, review_id)
    context = _context(viewer, found, today)
    return render(
        request,
        "web/reviews/review.html",
        {
            **context,
            "owners": reviews.owners_of(found),
            "outcomes": Outcome.choices,
            "error": error,
            "typed": request.POST if error else {},
            "pdf": reverse("review-pdf", args=[found.pk])
            + (f"?as_of={request.GET['as_of']}" if request.GET.get("as_of") else ""),
        },
    )


def pdf_of(found: Review, viewer: User | None = None, today: date | None = None) -> bytes:
    """The review as a PDF: the page's own document template, with its stylesheet."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    sheet = finders.find("revsight/review.css")
    stylesheet = Path(str(sheet)).read_text(encoding="utf-8") if sheet else ""
    context = {
        "review": found,
        "packet": reviews.packet_of(found, today),
        "actions": list(found.actions.select_related("owner")),
        "currency": Organisation.current().currency,
        "stylesheet": stylesheet,
        "base": settings.REVSIGHT_BASE_URL,
    }
    html = render_to_string("web/reviews/print.html", context)
    return bytes(HTML(string=html).write_pdf())


def filename(found: Review) -> str:
    name = slugify(found.salesperson.display_name) or "salesperson"
    return f"review-{name}-{found.period}.pdf"


@login_required
def review_pdf(request: HttpRequest, review_id: int) -> HttpResponse:
    viewer = _user(request)
    found = reviews.review(viewer, review_id)
    body = pdf_of(found, viewer, inputs.as_of(request))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(found)}"'
    return response

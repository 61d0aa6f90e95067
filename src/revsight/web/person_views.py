"""The page of a presales engineer or a consultant: their own work against their role's
standards and their goals, with the records behind every number (`dashboard_person.py`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from revsight.analytics.dashboard_person import person_dashboard
from revsight.analytics.dashboard_scope import scope_for
from revsight.org.models import User
from revsight.web import trend_charts
from revsight.web.dashboard_views import drill, frame, tiles


@login_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    scope = scope_for(viewer, "person", user_id)
    at = frame(request, scope)
    data = person_dashboard(scope, at.period, at.as_of, at.compare)
    return render(
        request,
        "web/person.html",
        {
            **at.context,
            "data": data,
            "tiles": tiles(data.tiles, scope, at.period.id, at.as_of),
            "standard_links": {
                row.kind: drill("activities", scope, at.period.id, at.as_of, type=row.kind)
                for row in data.standards
            },
            "supported_link": drill("supported", scope, at.period.id, at.as_of),
            "weeks": [(w, drill("time", scope, w.period.id, at.as_of)) for w in data.weeks],
            "monthly": trend_charts.monthly_rates(data.monthly) if data.monthly else None,
        },
    )

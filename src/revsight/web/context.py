"""Template context shared by every page: the navigation for the logged-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Only pages that exist are linked; areas appear here as they are built."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from revsight.access.permissions import (
        may_import,
        may_open_coaching,
        may_open_forecasts,
        may_open_planning,
        may_set_targets,
    )
    from revsight.access.visibility import is_manager_or_above
    from revsight.analytics.dashboard_scope import landing_scope
    from revsight.cadence import meeting
    from revsight.cadence.review_services import may_open as may_open_reviews
    from revsight.web.dashboard_views import dashboard_url
    from revsight.web.jobs import may_open_jobs

    items = []
    landing = landing_scope(user)
    if landing is not None:
        items.append(("Dashboard", dashboard_url(landing)))
    if may_open_forecasts(user):
        items.append(("Forecast", reverse("forecast")))
    if may_open_coaching(user):
        items.append(("Coaching", reverse("coaching")))
    if is_manager_or_above(user) and meeting.may_open(user):
        items.append(("Monday meeting", reverse("meeting-monday")))
    if may_open_planning(user):
        items.append(("Priorities", reverse("weekly-priorities")))
    if may_open_reviews(user):
        items.append(("Reviews", reverse("reviews")))
    items.append(("Planning", reverse("planning")))
    assessment_parts = assessment_tabs(user)
    if assessment_parts:
        items.append(("Assessments", assessment_parts[0]["url"]))
    items.append(("Contests", reverse("contests")))
    items.append(("Discipline", reverse("discipline")))
    items.append(("Organisation", reverse("organisation")))
    if may_import(user):
        items.append(("Import", reverse("import")))
    if may_open_jobs(user):
        items.append(("Jobs", reverse("jobs")))
    if may_set_targets(user):
        items.append(("Settings", reverse("settings")))
    items.append(("API tokens", reverse("tokens")))
    items.append(("Profile", reverse("profile")))
    if user.is_staff:
        items.append(("Admin", reverse("admin:index")))
    current = request.path
    return {
        "nav_items": [
            {"label": label, "url": url, "active": _is_current(label, url, current)}
            for label, url in items
        ],
        "planning_tabs": planning_tabs(user, current) if current.startswith("/planning/") else [],
        "assessment_tabs": (
            assessment_tabs(user, current) if current.startswith("/assessments/") else []
        ),
    }


def _everyone(user: Any) -> bool:
    return True


def planning_tabs(user: Any, current: str = "") -> list[dict[str, Any]]:
    """The planning area's parts the user may open, in order; the first is where the
    Planning link leads."""
    from revsight.access.permissions import may_open_business_plans, may_open_planning

    parts = [
        ("Capacity", "planning-capacity", may_open_planning),
        ("Business plans", "business-plans", may_open_business_plans),
        ("Training", "training-plans", _everyone),
        ("Account plans", "account-plans", _everyone),
    ]
    tabs = []
    for label, name, may_open in parts:
        if may_open(user):
            url = reverse(name)
            tabs.append({"label": label, "url": url, "active": current.startswith(url)})
    return tabs


def assessment_tabs(user: Any, current: str = "") -> list[dict[str, Any]]:
    """The assessments' parts the user may open: the self-assessment and the annual plan for
    those who manage, recruiting for them and for anyone on a hiring team."""
    from revsight.assessments import annual_plan_services, recruiting_services, self_services

    parts = [
        ("Self-assessment", "assessments", self_services.may_open),
        ("Recruiting", "recruiting", recruiting_services.may_open),
        ("Annual plan", "annual-plans", annual_plan_services.may_read),
    ]
    tabs = []
    for label, name, may_open in parts:
        if may_open(user):
            url = reverse(name)
            # The self-assessment's pages are /assessments/ and /assessments/<id>/.
            active = (
                current.startswith(url)
                if name != "assessments"
                else current == url or current[len(url) :].split("/")[0].isdigit()
            )
            tabs.append({"label": label, "url": url, "active": active})
    return tabs


def _is_current(label: str, url: str, current: str) -> bool:
    if label == "Dashboard":  # any dashboard or list of records behind one
        return current.startswith(("/dashboard/", "/records/"))
    if label == "Coaching":
        return current.startswith("/coaching/")
    if label == "Settings":
        return current.startswith("/settings/")
    if label == "Contests":
        return current.startswith("/contests/")
    if label == "Planning":
        return current.startswith("/planning/")
    if label == "Priorities":
        return current.startswith("/priorities/")
    if label == "Reviews":
        return current.startswith("/reviews/")
    if label == "Assessments":
        return current.startswith("/assessments/")
    if label == "Monday meeting":
        return current.startswith("/cadence/monday")
    if label == "Discipline":  # the deals it links to, too
        return current.startswith(("/discipline/", "/deals/"))
    return current == url

"""What to do when a dashboard has nothing to show: each empty state says why and links to the
page that fills it, for someone who may open that page (others are told whom to ask)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from revsight.access import permissions
from revsight.analytics.dashboard import Dashboard
from revsight.crm.models import Opportunity
from revsight.org.models import User


@dataclass(frozen=True)
class Hint:
    """A sentence saying what is missing, and the page to set it (with its words), if any."""

    text: str
    action: str = ""
    url: str = ""


def fiscal_year_of(day: date, start_month: int) -> int:
    """The fiscal year a day falls in, named by the calendar year it starts in."""
    return day.year if day.month >= start_month else day.year - 1


def empty_states(viewer: User, data: Dashboard, start_month: int) -> list[Hint]:
    """The empty states of a dashboard, most fundamental first: no data at all, no quotas for
    the period, no goals for it, no deals in it."""
    if not Opportunity.objects.exists():
        return [_no_data(viewer)]
    found = []
    figures = {figure.id: figure for figure in data.tiles}
    period = data.period
    attainment = figures.get("quota_attainment")
    if attainment is not None and attainment.value is None:
        year = fiscal_year_of(period.start, start_month)
        found.append(
            _target_hint(
                viewer,
                f"No quotas set for {year}, so there is no attainment or coverage.",
                f"{reverse('settings-quotas')}?year={year}",
                "set them",
            )
        )
    if data.tiles and all(figure.goal is None for figure in data.tiles):
        found.append(
            _target_hint(
                viewer,
                f"No goals set for {period.id}: the figures have nothing to be measured against.",
                f"{reverse('settings-goals')}?{urlencode({'period': period.id})}",
                "set goals",
            )
        )
    bookings = figures.get("bookings")
    if bookings is not None and not bookings.value and not data.stages:
        found.append(
            Hint(f"No deals closed in {period.id}, and none open expected to close in it.")
        )
    return found


def _no_data(viewer: User) -> Hint:
    text = "No data imported yet: the dashboards fill in once deals are imported."
    if permissions.may_import(viewer):
        return Hint(text, "import your CRM export", reverse("import"))
    return Hint(text + " A manager or an administrator imports them.")


def _target_hint(viewer: User, text: str, url: str, action: str) -> Hint:
    if permissions.may_set_targets(viewer):
        return Hint(text, action, url)
    return Hint(text + " Your manager sets them.")

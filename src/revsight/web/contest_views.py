"""The contests' pages: the year's contests on a calendar (`/contests/?year=2027`), a contest's
leaderboard at any as-of date (`/contests/<id>/?as_of=…`), and the form that defines or
changes one (`/contests/new/`, `/contests/<id>/edit/`).

Views read the request and call `planning.contest_services` (who may run which contest, the
checks, the audit) and `planning.contests` (the scoring); an `InvalidInput` is shown above
the form, naming the field, with nothing stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access import permissions, visibility
from revsight.analytics.catalogue import METRICS
from revsight.core import clock, periods
from revsight.core.errors import InvalidInput, NotFound
from revsight.core.models import Organisation
from revsight.org.models import User
from revsight.planning import contest_services, contests
from revsight.planning.models import Contest


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@dataclass(frozen=True)
class Bar:
    """A contest on the year's calendar: where its period starts and how long it runs, as
    shares of the year's width."""

    contest: Contest
    period: periods.Period
    left: float
    width: float
    running: bool
    over: bool


def _year(raw: str | None, today: date, fiscal: int) -> periods.Period:
    if raw:
        return periods.parse(raw.strip(), today, fiscal)
    return periods.containing("year", today, fiscal)


def _bars(found: list[Contest], year: periods.Period, today: date) -> list[Bar]:
    bars = []
    for contest in found:
        period = contests.period_of(contest)
        if period.end < year.start or period.start > year.end:
            continue
        start, end = max(period.start, year.start), min(period.end, year.end)
        left = (start - year.start).days / year.days
        width = ((end - start).days + 1) / year.days
        bars.append(
            Bar(
                contest,
                period,
                round(100 * left, 3),
                round(100 * width, 3),
                period.contains(today),
                period.end < today,
            )
        )
    return sorted(bars, key=lambda b: (b.period.start, b.contest.name))


def _months(year: periods.Period) -> list[tuple[date, float]]:
    first = year.start
    return [
        (month, round(100 * ((periods.add_months(month, 1) - month).days) / year.days, 3))
        for month in (periods.add_months(first, n) for n in range(12))
    ]


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    today = clock.today()
    fiscal = Organisation.current().fiscal_year_start_month
    try:
        year = _year(request.GET.get("year"), today, fiscal)
    except InvalidInput:
        raise NotFound("A year is written 2027.") from None
    if year.kind != "year":
        raise NotFound("A year is written 2027.")
    shown = contest_services.visible_contests(viewer)
    following = periods.following(year, fiscal)
    earlier = periods.previous(year, 1, fiscal)[0]
    return render(
        request,
        "web/contests/calendar.html",
        {
            "year": year,
            "bars": _bars(shown, year, today),
            "months": _months(year),
            "today_left": round(100 * (today - year.start).days / year.days, 3)
            if year.contains(today)
            else None,
            "next_year": following.id,
            "last_year": earlier.id,
            "may_define": _may_define(viewer),
            "deleted": "deleted" in request.GET,
        },
    )


def _may_define(viewer: User) -> bool:
    """Whoever runs a contest for the company or for a team of theirs: who plans."""
    return permissions.may_open_planning(viewer)


@login_required
def contest_page(request: HttpRequest, contest_id: int) -> HttpResponse:
    viewer = _user(request)
    found = contest_services.contest(viewer, contest_id)
    may_change = contest_services.may_change(viewer, found)
    if request.method == "POST" and request.POST.get("do") == "delete":
        contest_services.delete(viewer, found.pk)  # refuses whoever may not change it
        return redirect(reverse("contests") + "?deleted=1")
    as_of, error = clock.today(), None
    try:
        as_of = periods.parse_day("as_of", request.GET.get("as_of")) or as_of
    except InvalidInput as exc:
        error = exc
    result = contests.standings(found, as_of)
    mine = viewer.email if found.competitors == Contest.Competitors.SALESPEOPLE else None
    return render(
        request,
        "web/contests/contest.html",
        {
            "contest": found,
            "result": result,
            "document": contests.as_json(result),
            "as_of": as_of,
            "error": error,
            "mine": mine,
            "may_change": may_change,
            "saved": "saved" in request.GET,
        },
    )


def _typed(found: Contest | None) -> dict[str, Any]:
    if found is None:
        return {"rule": "most", "competitors": "salespeople", "teams": []}
    return {
        "name": found.name,
        "metric": found.metric,
        "period": found.period,
        "rule": found.rule,
        "threshold": "" if found.threshold is None else f"{found.threshold:f}",
        "competitors": found.competitors,
        "team": str(found.team_id or ""),
        "teams": [str(t.pk) for t in found.teams.all()],
        "prize": found.prize,
    }


def _posted(request: HttpRequest) -> dict[str, Any]:
    """The form's fields; the choice of who competes leaves the other choice's fields out."""
    data = request.POST
    typed: dict[str, Any] = {
        **{name: data.get(name, "") for name in contest_services.FIELDS if name != "teams"},
        "teams": data.getlist("teams"),
    }
    if typed["competitors"] == Contest.Competitors.TEAMS:
        typed["team"] = ""
    else:
        typed["teams"] = []
    return typed


def _form(request: HttpRequest, found: Contest | None) -> HttpResponse:
    viewer = _user(request)
    if found is not None and not contest_services.may_change(viewer, found):
        raise NotFound("This contest is run by someone else.")
    if found is None and not _may_define(viewer):
        raise NotFound("Contests are defined by managers and executives.")
    error = None
    typed = _typed(found)
    if request.method == "POST":
        typed = _posted(request)
        try:
            saved = contest_services.save(viewer, typed, found.pk if found else None)
            return redirect(reverse("contest", args=[saved.pk]) + "?saved=1")
        except InvalidInput as exc:
            error = exc
    return render(
        request,
        "web/contests/form.html",
        {
            "contest": found,
            "typed": typed,
            "error": error,
            "metrics": [m for m in METRICS if m.better != "neither"],
            "rules": Contest.Rule.choices,
            "teams": list(visibility.managed_teams(viewer).order_by("name")),
            "company": contest_services.may_run(viewer, None, ()),
            "example_period": _next_quarter(),
        },
    )


def _next_quarter() -> str:
    fiscal = Organisation.current().fiscal_year_start_month
    return periods.following(periods.containing("quarter", clock.today(), fiscal), fiscal).id


@login_required
def new_contest_page(request: HttpRequest) -> HttpResponse:
    return _form(request, None)


@login_required
def edit_contest_page(request: HttpRequest, contest_id: int) -> HttpResponse:
    return _form(request, contest_services.contest(_user(request), contest_id))


def dashboard_panel(viewer: User, person: User, as_of: date) -> list[dict[str, Any]]:
    """The contests the viewer sees, running at the as-of date, in which a salesperson
    competes, with their place: the salesperson's dashboard shows them."""
    shown = contest_services.running_at(contest_services.visible_contests(viewer), as_of)
    rows = []
    for found in shown:
        if found.competitors != Contest.Competitors.SALESPEOPLE:
            continue
        result = contests.standings(found, as_of)
        standing = result.standing_of(person.email)
        if standing is None:
            continue
        leader = result.standings[0].entry if result.standings else None
        rows.append(
            {
                "contest": found,
                "rank": standing.rank,
                "of": len(result.standings),
                "score": standing.entry.score,
                "reached_on": standing.entry.reached_on,
                "unit": result.metric.unit,
                "leader": leader,
                "ends": result.period.end,
            }
        )
    return rows

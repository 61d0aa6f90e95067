"""Dashboard pages and the record lists behind every number on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from revsight.access import visibility
from revsight.analytics import viewed
from revsight.analytics.dashboard import (
    Dashboard,
    Figure,
    RepRow,
    TopAccount,
    dashboard,
    kept_name,
)
from revsight.analytics.dashboard_scope import (
    PERIOD_KINDS,
    PERSON_ROLES,
    Scope,
    dashboard_period,
    landing_scope,
    members_of,
    period_of,
    reps_of,
    scope_for,
)
from revsight.analytics.records import KINDS, listed
from revsight.cadence.coaching import dashboard_panel
from revsight.core import clock, periods
from revsight.core.models import Organisation
from revsight.crm.models import ActivityType, Stage
from revsight.jobs.models import State
from revsight.org.models import TeamTree, User
from revsight.routine import pages
from revsight.web import (
    business_plan_views,
    charts,
    contest_views,
    dashboard_nav,
    hints,
    inputs,
    record_rows,
    setup_views,
)
from revsight.web.back import back_to
from revsight.web.forms import DashboardForm, RecordsForm
from revsight.web.jobs import status_context

ACTIVITY_LABELS = dict(ActivityType.choices)
MAX_PEOPLE = 30


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    scope = landing_scope(_user(request))
    if scope is None:
        return redirect("organisation")
    # The landing page is a shareable address too: `/?as_of=…&period=…` keeps its day and period.
    query = request.GET.urlencode()
    return redirect(dashboard_url(scope) + (f"?{query}" if query else ""))


@login_required
def company(request: HttpRequest) -> HttpResponse:
    return _page(request, scope_for(_user(request), "company", None))


@login_required
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    return _page(request, scope_for(_user(request), "team", team_id))


@login_required
def rep(request: HttpRequest, user_id: int) -> HttpResponse:
    return _page(request, scope_for(_user(request), "rep", user_id))


def dashboard_url(scope: Scope) -> str:
    if scope.kind == "company":
        return reverse("dashboard-company")
    if scope.kind == "person":
        return reverse("dashboard-person", args=[scope.user.pk if scope.user else 0])
    if scope.team is not None:
        return reverse("dashboard-team", args=[scope.team.pk])
    return reverse("dashboard-rep", args=[scope.user.pk if scope.user else 0])


def drill(kind: str, scope: Scope, period: str, as_of: date, **filters: Any) -> str:
    query = {"scope": scope.path, "period": period, "as_of": as_of.isoformat()}
    query.update({k: v for k, v in filters.items() if v not in (None, "")})
    return f"{reverse('records', args=[kind])}?{urlencode(query)}"


@dataclass(frozen=True)
class Tile:
    """A figure as the page shows it: with the link to its records and its sparkline."""

    figure: Figure
    link: str
    spark: str

    def __getattr__(self, name: str) -> Any:
        if name == "figure":  # not set yet (while copying): no recursion
            raise AttributeError(name)
        return getattr(self.figure, name)


@dataclass(frozen=True)
class AccountLink:
    account: TopAccount
    link: str

    def __getattr__(self, name: str) -> Any:
        if name == "account":
            raise AttributeError(name)
        return getattr(self.account, name)


def _figures(data: Dashboard, scope: Scope, as_of: date) -> dict[str, Any]:
    def link(kind: str, **filters: Any) -> str:
        return drill(kind, scope, data.period.id, as_of, **filters)

    reps = data.reps
    types = data.standard_types
    figures: dict[str, Any] = {
        "stages": charts.pipeline_by_stage(
            data.stages,
            [link("pipeline", stage=s.stage) for s in data.stages],
            data.stages_compared,
            data.comparison.label,
        ),
        "coverage": charts.coverage(
            data.following,
            data.windows,
            [drill("pipeline", scope, f.period, as_of) for f in data.following]
            + [link("pipeline", window=w.days) for w in data.windows],
        ),
        "win_loss": charts.win_loss(
            reps,
            [(link("won", owner=r.email), link("lost", owner=r.email)) for r in reps],
            data.comparison.label,
        ),
        "bias": charts.forecast_bias(reps),
        "activity": charts.activity_heatmap(
            reps,
            types,
            ACTIVITY_LABELS,
            [[link("activities", owner=r.email, type=t) for t in types] for r in reps],
        ),
    }
    if data.indicators:
        figures["indicators"] = charts.leading_indicators(
            data.indicators, [str(charts.ACTIVITY_COLOURS[ActivityType(t)]) for t in types]
        )
    return figures


@dataclass(frozen=True)
class Frame:
    """What every dashboard page takes from its address: the period, the as-of day, the
    comparison, and the controls to move in time and between dashboards."""

    period: periods.Period
    as_of: date
    compare: str
    context: dict[str, Any]
    asked: str  # the period as the address gave it (a kind or an id)
    given: date | None  # the as-of day the address gave, if any
    today: date


def frame(request: HttpRequest, scope: Scope) -> Frame:
    viewer = _user(request)
    form = DashboardForm(request.GET)
    today = clock.today()
    asked, given = form.period_asked(), inputs.as_of_given(request)
    period, as_of = dashboard_period(asked, given, today)
    compare = form.compared_with()
    organisation = Organisation.current()
    context = {
        "scope": scope,
        "period_kind": period.kind,
        "period_kinds": PERIOD_KINDS,
        "as_of": as_of,
        "here": dashboard_nav.query(period.kind, as_of, compare),
        "nav": dashboard_nav.timeline(
            period, as_of, today, compare, organisation.fiscal_year_start_month
        ),
        "switch": _switcher(viewer, scope),
        "currency": organisation.currency,
    }
    page = "person" if scope.kind == "person" else "dashboard"  # what pre-warming rebuilds
    viewed.seen(page, scope.path, f"{asked}|{compare}", given)
    return Frame(period, as_of, compare, context, asked, given, today)


def _page(request: HttpRequest, scope: Scope) -> HttpResponse:
    viewer = _user(request)
    at = frame(request, scope)
    period, as_of = at.period, at.as_of
    view = pages.dashboard_view(scope.path, at.asked, at.compare, at.given, at.today)
    job = pages.pending(view, viewer, [kept_name(scope, period, as_of, at.compare)])
    if job is not None and job.state != State.DONE:
        return render(
            request,
            "web/computing.html",
            {"what": f"the {scope.label} dashboard", "as_of": as_of, **status_context(job)},
        )
    data = dashboard(scope, period, as_of, at.compare)

    def link(kind: str, period_id: str, **filters: Any) -> str:
        return drill(kind, scope, period_id, as_of, **filters)

    accounts = [
        AccountLink(a, link("pipeline", period.id, window=90, account=a.account_id))
        for a in data.accounts
    ]
    return render(
        request,
        "web/dashboard.html",
        {
            **at.context,
            "data": data,
            "setup": setup_views.unfinished(viewer),
            "tiles": tiles(data.tiles, scope, period.id, as_of),
            "figures": _figures(data, scope, as_of),
            "reps": data.reps,
            "accounts": accounts,
            "rep_links": {r.email: link("won", period.id, owner=r.email) for r in data.reps},
            "rep_pages": _rep_pages(viewer, data.reps),
            "people": people_pages(viewer, scope),
            "coaching": dashboard_panel(
                viewer, scope.kind, scope.team.pk if scope.team else None, as_of
            ),
            "contests": contest_views.dashboard_panel(viewer, scope.user, as_of)
            if scope.kind == "rep" and scope.user
            else [],
            "business": business_plan_views.dashboard_panel(viewer, scope.user, as_of)
            if scope.kind == "rep"
            else None,
            "hints": hints.empty_states(
                viewer, data, Organisation.current().fiscal_year_start_month
            ),
        },
    )


def tiles(figures: list[Figure], scope: Scope, period_id: str, as_of: date) -> list[Tile]:
    """Each figure with the link to its records and its sparkline."""
    return [
        Tile(
            tile,
            drill(tile.drill, scope, tile.period or period_id, as_of),
            mark_safe(charts.sparkline([value for _, value in tile.trend] + [tile.value])),
        )
        for tile in figures
    ]


def people_pages(viewer: User, scope: Scope) -> dict[str, Any]:
    """The presales engineers and consultants of a team (with its sub-teams), or of the
    company, whom the viewer may see, each with the address of their page: the first
    `MAX_PEOPLE` by role and name, and how many there are in all."""
    if scope.kind not in ("team", "company"):
        return {"shown": [], "total": 0}
    found = visibility.scope(viewer, User.objects.filter(role__in=PERSON_ROLES, is_active=True))
    if scope.team is not None:
        found = found.filter(team_id__in=TeamTree.load().under({scope.team.pk}))
    shown = [
        {"name": person.display_name, "role": person.get_role_display(), "url": person_url(person)}
        for person in found.order_by("role", "name", "email")[:MAX_PEOPLE]
    ]
    return {"shown": shown, "total": found.count() if len(shown) == MAX_PEOPLE else len(shown)}


def person_url(person: User) -> str:
    return reverse("dashboard-person", args=[person.pk])


def _switcher(viewer: User, current: Scope) -> list[dict[str, Any]]:
    """The other dashboards this viewer may open: the company, teams, their own."""
    options: list[dict[str, Any]] = []
    if viewer.sees_everything:
        options.append({"label": "Company", "url": reverse("dashboard-company")})
    teams = visibility.managed_teams(viewer).order_by("name")
    options += [
        {"label": team.name, "url": reverse("dashboard-team", args=[team.pk])} for team in teams
    ]
    if viewer.role == "salesperson":
        options.append({"label": "Mine", "url": reverse("dashboard-rep", args=[viewer.pk])})
    if viewer.role in PERSON_ROLES:
        options.append({"label": "Mine", "url": person_url(viewer)})
    for option in options:
        option["current"] = option["url"] == dashboard_url(current)
    return options


def _rep_pages(viewer: User, reps: list[RepRow]) -> dict[str, str]:
    people = visibility.scope(viewer, User.objects.filter(email__in=[r.email for r in reps]))
    return {
        email: reverse("dashboard-rep", args=[pk])
        for pk, email in people.values_list("pk", "email")
    }


def _scope_from(viewer: User, text: str) -> Scope:
    kind, _, ident = text.partition("/")
    if kind == "company":
        return scope_for(viewer, "company", None)
    try:
        return scope_for(viewer, kind, int(ident))
    except ValueError:
        raise Http404("No such scope.") from None


def _period_from(text: str, as_of: date, days: int | None) -> periods.Period:
    if days:
        return periods.Period(
            f"next-{days}d", "window", as_of + timedelta(days=1), as_of + timedelta(days=days)
        )
    if text in PERIOD_KINDS:
        return period_of(text, as_of)
    return periods.parse(text, as_of, Organisation.current().fiscal_year_start_month)


@login_required
def records(request: HttpRequest, kind: str) -> HttpResponse:
    """The records behind a number, filterable, and as CSV with ?format=csv."""
    if kind not in KINDS:
        raise Http404("No such list.")
    viewer = _user(request)
    form = RecordsForm(request.GET)
    filters = form.filters()
    asked = form.cleaned_data
    scope = _scope_from(viewer, asked["scope"])
    as_of = inputs.as_of(request)
    period = _period_from(asked["period"], as_of, asked["window"])
    members = members_of(scope, period)
    if filters["owner"]:
        everyone = reps_of(scope, period, members) if scope.kind != "rep" else members
        if filters["owner"] not in everyone.keys and scope.kind != "company":
            raise Http404("No such salesperson here.")
    items = listed(kind, period, as_of, members)
    rows = record_rows.rows_of(kind, viewer, {item.id: item for item in items}, filters)
    span = period.id if period.kind != "window" else f"next {(period.end - as_of).days} days"
    title = f"{KINDS[kind]} · {scope.label} · {span}"
    if asked["format"] == "csv":
        return record_rows.as_csv(rows, kind)
    return render(
        request,
        "web/records.html",
        {
            "title": title,
            "kind": kind,
            "rows": rows,
            "filters": filters,
            "csv_link": f"{request.path}?{request.GET.urlencode()}&format=csv",
            "back": back_to(
                request,
                f"{dashboard_url(scope)}?"
                + urlencode({"period": asked["period"], "as_of": as_of.isoformat()}),
            ),
            "stages": Stage.objects.order_by("order").values_list("name", flat=True),
            "types": ActivityType.choices,
            "total": sum(r.get("amount") or 0 for r in rows) if kind != "activities" else None,
            "hours": sum(r["hours"] for r in rows) if kind == "time" else None,
            "query": {k: v for k, v in request.GET.items() if k not in (*filters, "next")},
        },
    )

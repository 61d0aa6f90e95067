"""Dashboard pages and the record lists behind every number on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from revsight.access import visibility
from revsight.analytics import viewed
from revsight.analytics.dashboard import Dashboard, Figure, RepRow, TopAccount, dashboard
from revsight.analytics.dashboard_scope import (
    PERIOD_KINDS,
    Scope,
    dashboard_period,
    landing_scope,
    members_of,
    period_of,
    reps_of,
    scope_for,
)
from revsight.analytics.records import KINDS, listed
from revsight.core import clock, csvsafe, periods
from revsight.core.models import Organisation
from revsight.crm.models import Activity, ActivityType, Opportunity, Stage
from revsight.org.models import Team, User
from revsight.web import charts, dashboard_nav, hints, inputs, setup_views
from revsight.web.back import back_to
from revsight.web.forms import DashboardForm, RecordsForm

ACTIVITY_LABELS = dict(ActivityType.choices)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    scope = landing_scope(_user(request))
    if scope is None:
        return redirect("organisation")
    return redirect(dashboard_url(scope))


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
            reps, [(link("won", owner=r.email), link("lost", owner=r.email)) for r in reps]
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


def _page(request: HttpRequest, scope: Scope) -> HttpResponse:
    viewer = _user(request)
    form = DashboardForm(request.GET)
    today = clock.today()
    asked, given = form.period_asked(), inputs.as_of_given(request)
    period, as_of = dashboard_period(asked, given, today)
    compare = form.compared_with()
    data = dashboard(scope, period, as_of, compare)
    organisation = Organisation.current()
    viewed.seen("dashboard", scope.path, f"{asked}|{compare}", given)

    def link(kind: str, period_id: str, **filters: Any) -> str:
        return drill(kind, scope, period_id, as_of, **filters)

    tiles = [
        Tile(
            tile,
            link(tile.drill, tile.period or period.id),
            mark_safe(charts.sparkline([value for _, value in tile.trend] + [tile.value])),
        )
        for tile in data.tiles
    ]
    accounts = [
        AccountLink(a, link("pipeline", period.id, window=90, account=a.account_id))
        for a in data.accounts
    ]
    here = dashboard_nav.query(period.kind, as_of, compare)
    return render(
        request,
        "web/dashboard.html",
        {
            "scope": scope,
            "data": data,
            "setup": setup_views.unfinished(viewer),
            "tiles": tiles,
            "period_kind": period.kind,
            "period_kinds": PERIOD_KINDS,
            "as_of": as_of,
            "here": here,
            "nav": dashboard_nav.timeline(
                period, as_of, today, compare, organisation.fiscal_year_start_month
            ),
            "figures": _figures(data, scope, as_of),
            "reps": data.reps,
            "accounts": accounts,
            "switch": _switcher(viewer, scope),
            "rep_links": {r.email: link("won", period.id, owner=r.email) for r in data.reps},
            "rep_pages": _rep_pages(viewer, data.reps),
            "currency": organisation.currency,
            "hints": hints.empty_states(viewer, data, organisation.fiscal_year_start_month),
        },
    )


def _switcher(viewer: User, current: Scope) -> list[dict[str, Any]]:
    """The other dashboards this viewer may open: the company, teams, their own."""
    options: list[dict[str, Any]] = []
    if viewer.sees_everything:
        options.append({"label": "Company", "url": reverse("dashboard-company")})
        teams = Team.objects.order_by("name")
    else:
        teams = Team.objects.filter(pk__in=visibility.managed_team_ids(viewer)).order_by("name")
    options += [
        {"label": team.name, "url": reverse("dashboard-team", args=[team.pk])} for team in teams
    ]
    if viewer.role == "salesperson":
        options.append({"label": "Mine", "url": reverse("dashboard-rep", args=[viewer.pk])})
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
    as_then = {item.id: item for item in items}
    if kind == "activities":
        rows = _activities(viewer, list(as_then), filters)
    else:
        rows = _deals(viewer, as_then, filters, kind == "pipeline")
    span = period.id if period.kind != "window" else f"next {(period.end - as_of).days} days"
    title = f"{KINDS[kind]} · {scope.label} · {span}"
    if asked["format"] == "csv":
        return _csv(rows, kind)
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
            "query": {k: v for k, v in request.GET.items() if k not in (*filters, "next")},
        },
    )


def _deals(
    viewer: User, as_then: dict[int, Any], filters: dict[str, str], pipeline: bool
) -> list[dict[str, Any]]:
    deals = visibility.scope(viewer, Opportunity.objects.filter(id__in=list(as_then)))
    deals = deals.select_related("owner", "account", "stage").order_by("-amount", "name")
    if filters["owner"]:
        deals = deals.filter(owner__email=filters["owner"])
    if filters["account"]:
        deals = deals.filter(account_id=filters["account"] if filters["account"].isdigit() else 0)
    stage_names = dict(Stage.objects.values_list("id", "name"))
    rows = []
    for deal in deals:
        then = as_then[deal.pk]
        stage = stage_names.get(then.stage_id) if pipeline and then.stage_id else deal.stage.name
        if filters["stage"] and stage != filters["stage"]:
            continue
        amount = then.amount if pipeline else float(deal.amount or 0)
        rows.append(
            {
                "id": deal.pk,
                "name": deal.name,
                "account": deal.account.name if deal.account else "",
                "owner": deal.owner.display_name,
                "owner_email": deal.owner.email,
                "stage": stage,
                "status": deal.get_status_display(),
                "amount": amount,
                "close_date": then.close_date if pipeline else deal.close_date,
                "created_date": deal.created_date,
            }
        )
    rows.sort(key=lambda r: (-float(r["amount"] or 0), str(r["name"])))  # type: ignore[arg-type]
    return rows


def _activities(viewer: User, ids: list[int], filters: dict[str, str]) -> list[dict[str, Any]]:
    found = visibility.scope(viewer, Activity.objects.filter(id__in=ids))
    found = found.select_related("owner", "account", "opportunity").order_by("-date", "id")
    if filters["owner"]:
        found = found.filter(owner__email=filters["owner"])
    if filters["type"]:
        found = found.filter(type=filters["type"])
    return [
        {
            "id": a.pk,
            "date": a.date,
            "type": ACTIVITY_LABELS.get(a.type, a.type),
            "owner": a.owner.display_name,
            "owner_email": a.owner.email,
            "subject": a.subject,
            "account": a.account.name if a.account else "",
            "deal": a.opportunity.name if a.opportunity else "",
        }
        for a in found
    ]


COLUMNS = {
    "deals": [
        "name",
        "account",
        "owner_email",
        "stage",
        "status",
        "amount",
        "close_date",
        "created_date",
    ],
    "activities": ["date", "type", "owner_email", "subject", "account", "deal"],
}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float | Decimal):
        # A number, not its text, so that the CSV writer keeps -500.00 a number.
        return Decimal(f"{value:.2f}")
    return value


def _csv(rows: list[dict[str, Any]], kind: str) -> HttpResponse:
    columns = COLUMNS["activities" if kind == "activities" else "deals"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="revsight-{kind}.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return response

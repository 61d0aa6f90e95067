"""The CRM discipline page (the viewer's deals, a team's or a person's, with the counts' trend
over twelve weeks) and the deal page with its findings and its pause. Views only read the
address and the form and call `cadence` (report, services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access import permissions, visibility
from revsight.cadence import services
from revsight.cadence.report import Report, audience, audience_by_id, discipline
from revsight.cadence.rules import RULES
from revsight.core.errors import Conflict, InvalidInput
from revsight.crm.models import Opportunity, StageChange
from revsight.org.models import Role, User
from revsight.web import inputs
from revsight.web.charts import figure, layout
from revsight.web.forms import read

TREND_WEEKS = 12
RULE_COLOURS = [
    "#1f5eff",
    "#d0488f",
    "#2ca02c",
    "#ff7f0e",
    "#8c564b",
    "#9467bd",
    "#17becf",
    "#7f7f7f",
]


class ScopeForm(forms.Form):
    user = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    team = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def trend_chart(report: Report) -> dict[str, Any]:
    """One line per rule: its count at the end of each week."""
    weeks = [point.week for point in report.trend]
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": rule.id,
            "x": weeks,
            "y": [point.counts[rule.id] for point in report.trend],
            "line": {"color": RULE_COLOURS[index % len(RULE_COLOURS)], "width": 2},
            "hovertemplate": "%{x}: %{y} deals<extra></extra>",
        }
        for index, rule in enumerate(report.rules)
    ]
    return figure(
        data=traces,
        layout=layout(
            yaxis={"rangemode": "tozero", "automargin": True, "title": {"text": "deals"}},
            legend={"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0},
            height=340,
        ),
    )


def _choices(viewer: User) -> dict[str, Any]:
    """The teams and people whose discipline the viewer may open."""
    teams = visibility.managed_teams(viewer).order_by("name")
    people = visibility.scope(viewer, User.objects.filter(role=Role.SALESPERSON, is_active=True))
    return {"teams": list(teams), "people": list(people.order_by("name", "email"))}


@login_required
def discipline_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    chosen = read(ScopeForm(request.GET))
    as_of = inputs.as_of(request)
    who = audience_by_id(viewer, chosen["user"], chosen["team"])
    report = discipline(as_of, who, weeks=TREND_WEEKS)
    return render(
        request,
        "web/discipline.html",
        {
            "report": report,
            "as_of": as_of,
            "as_of_given": inputs.as_of_given(request),
            "chosen": chosen,
            "chart": trend_chart(report),
            "may_configure": permissions.may_configure_organisation(viewer),
            **_choices(viewer),
        },
    )


class PauseForm(forms.Form):
    action = forms.ChoiceField(choices=[("pause", "pause"), ("resume", "resume")])
    reason = forms.CharField(required=False, strip=False)
    resume_on = forms.CharField(required=False, strip=False)


def _act(viewer: User, deal: Opportunity, request: HttpRequest) -> None:
    asked = read(PauseForm(request.POST))
    if asked["action"] == "resume":
        services.resume_deal(viewer, deal)
    else:
        services.pause_deal(viewer, deal, asked["reason"], asked["resume_on"])


@login_required
def deal_page(request: HttpRequest, deal_id: int) -> HttpResponse:
    viewer = _viewer(request)
    deal = services.deal_for(viewer, deal_id)
    error: InvalidInput | Conflict | None = None
    if request.method == "POST":
        try:
            _act(viewer, deal, request)
            return redirect(f"{reverse('deal', args=[deal.pk])}?saved=1")
        except (InvalidInput, Conflict) as exc:
            error = exc
    as_of = inputs.as_of(request)
    report = discipline(as_of, audience(viewer, user=deal.owner))
    return render(
        request,
        "web/deal.html",
        {
            "deal": deal,
            "as_of": as_of,
            "findings": [i for i in report.findings if i.deal.id == deal.pk],
            "pause": services.active_pause(deal),
            "pauses": deal.pauses.select_related("paused_by", "resumed_by").order_by("-id"),
            "history": StageChange.objects.filter(opportunity=deal)
            .select_related("to_stage")
            .order_by("-changed_at", "-id")[:50],
            "may_pause": permissions.may_pause_deal(viewer, deal.owner),
            "error": error,
            "posted": request.POST,
            "saved": request.GET.get("saved") == "1",
            "rules": {rule.id: rule for rule in RULES},
        },
    )

"""The settings page of the CRM discipline rules: each rule's parameters and the per-stage
overrides, with the computed default beside each stage. It reads the form and calls
`cadence.services.save_parameters`, which checks, writes and audits."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from revsight.access import permissions
from revsight.cadence.parameters import Parameters
from revsight.cadence.report import stage_defaults
from revsight.cadence.rules import RULES, Parameter, Rule
from revsight.cadence.services import Setting, save_parameters
from revsight.core import clock
from revsight.core.errors import InvalidInput
from revsight.crm.models import Stage
from revsight.org.models import User
from revsight.web.settings_views import _render, _saved


def field_name(rule: Rule, parameter: Parameter, stage: Stage | None = None) -> str:
    return f"{rule.id}.{parameter.name}" + (f".{stage.pk}" if stage is not None else "")


def _posted(request: HttpRequest, stages: list[Stage]) -> list[Setting]:
    settings = []
    for rule in RULES:
        for parameter in rule.parameters:
            name = field_name(rule, parameter)
            if name in request.POST:
                settings.append(Setting(rule.id, parameter.name, None, request.POST[name]))
            for stage in stages if parameter.per_stage else ():
                name = field_name(rule, parameter, stage)
                if name in request.POST:
                    settings.append(Setting(rule.id, parameter.name, stage.pk, request.POST[name]))
    return settings


def _shown(value: int | None) -> str:
    return "" if value is None else str(value)


def _rows(
    parameters: Parameters, stages: list[Stage], computed: dict[int, int], posted: Any
) -> list[dict[str, Any]]:
    """Each rule with its parameters as the page shows them: the value for every stage (blank:
    the default) and, per stage, the override and what applies without one."""
    rows = []
    for rule in RULES:
        shown = []
        for parameter in rule.parameters:
            name = field_name(rule, parameter)
            stored = parameters.stored.get((rule.id, parameter.name, None))
            entry: dict[str, Any] = {
                "parameter": parameter,
                "name": name,
                "value": posted.get(name, _shown(stored)),
                "stages": [],
            }
            for stage in stages if parameter.per_stage else ():
                stage_field = field_name(rule, parameter, stage)
                if parameter.default is None:
                    fallback = computed.get(stage.pk)
                else:
                    fallback = parameters.value(rule.id, parameter.name)
                entry["stages"].append(
                    {
                        "stage": stage,
                        "name": stage_field,
                        "value": posted.get(
                            stage_field,
                            _shown(parameters.override(rule.id, parameter.name, stage.pk)),
                        ),
                        "fallback": fallback,
                    }
                )
            shown.append(entry)
        rows.append({"rule": rule, "parameters": shown})
    return rows


@login_required
def discipline_settings(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    if not permissions.may_configure_organisation(actor):
        raise PermissionDenied("Only executives and administrators change the discipline rules.")
    stages = list(Stage.objects.filter(outcome=Stage.Outcome.OPEN).order_by("order", "name"))
    error = None
    if request.method == "POST":
        try:
            save_parameters(actor, _posted(request, stages))
            return _saved("settings-discipline")
        except InvalidInput as exc:
            error = exc
    today = clock.today()
    return _render(
        request,
        "web/settings/discipline.html",
        {
            "rows": _rows(Parameters.load(), stages, stage_defaults(today), request.POST or {}),
            "today": today,
        },
        error,
    )

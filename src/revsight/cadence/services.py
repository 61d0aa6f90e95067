"""The writes of CRM discipline: pausing and resuming a deal, and setting the rules'
parameters. Each checks who acts (`access/permissions.py`), validates everything before
writing, writes in one transaction and records the audit entry; every door calls these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from revsight.access import permissions, visibility
from revsight.cadence.discipline_models import DealPause, RuleParameter
from revsight.cadence.rules import BY_ID
from revsight.core import audit, clock, money, periods
from revsight.core.errors import Conflict, InvalidInput, NotFound
from revsight.crm.models import Opportunity, OpportunityStatus, Stage
from revsight.org.models import User

LONGEST_PAUSE = 366  # days: a pause is a snooze, not a way to hide a deal for good
REASON_LENGTH = 500


def deal_for(actor: User | None, deal_id: int) -> Opportunity:
    """The deal, when the actor sees it (None: the operator); NotFound otherwise."""
    deals = Opportunity.objects.select_related("owner", "account", "stage")
    if actor is not None:
        deals = visibility.scope(actor, deals)
    found = deals.filter(pk=deal_id).first()
    if found is None:
        raise NotFound("No such deal.")
    return found


def active_pause(deal: Opportunity, day: date | None = None) -> DealPause | None:
    """The pause covering the day (today by default), if any."""
    on = day or clock.today()
    for pause in DealPause.objects.filter(opportunity=deal, paused_on__lte=on, resume_on__gt=on):
        if pause.covers(on):
            return pause
    return None


def _may_pause(actor: User | None, deal: Opportunity) -> None:
    if actor is not None:
        permissions.require(
            permissions.may_pause_deal(actor, deal.owner),
            f"{actor.email} may not pause or resume {deal.owner.email}'s deals",
        )


def _resume_day(raw: Any, today: date) -> date:
    day = periods.parse_day("resume_on", raw, "2026-07-31")
    if day is None:
        raise InvalidInput("resume_on", "", "is required: the day the deal is judged again")
    if day <= today:
        raise InvalidInput("resume_on", day.isoformat(), f"must be after today ({today})")
    if day > today + timedelta(days=LONGEST_PAUSE):
        raise InvalidInput(
            "resume_on", day.isoformat(), f"must be within {LONGEST_PAUSE} days of today"
        )
    return day


def _reason(raw: Any) -> str:
    text = " ".join(str(raw or "").split())
    if not text:
        raise InvalidInput("reason", "", "is required: say why the deal is paused")
    if len(text) > REASON_LENGTH:
        raise InvalidInput("reason", "", f"must be at most {REASON_LENGTH} characters")
    return text


def pause_deal(
    actor: User | None, deal: Opportunity, reason: Any, resume_on: Any, today: date | None = None
) -> DealPause:
    """Leave an open deal out of every discipline rule from today until `resume_on` (the first
    day it is judged again). A deal already paused gets the new pause in place of the old."""
    _may_pause(actor, deal)
    day = today or clock.today()
    if deal.status != OpportunityStatus.OPEN:
        raise Conflict(f"{deal.name} is {deal.get_status_display().lower()}: only open deals pause")
    text, until = _reason(reason), _resume_day(resume_on, day)
    with transaction.atomic():
        previous = active_pause(deal, day)
        if previous is not None:
            previous.resumed_on, previous.resumed_by = day, actor
            previous.save(update_fields=["resumed_on", "resumed_by"])
        pause = DealPause.objects.create(
            opportunity=deal, reason=text, paused_on=day, resume_on=until, paused_by=actor
        )
        audit.record(
            "cadence.pause",
            f"{deal.name} paused until {until}: {text}",
            actor=actor,
            target=deal,
            details={"pause": pause.pk, "resume_on": until.isoformat(), "reason": text},
        )
    return pause


def resume_deal(actor: User | None, deal: Opportunity, today: date | None = None) -> DealPause:
    """End the deal's pause today: the rules judge it again from today."""
    _may_pause(actor, deal)
    day = today or clock.today()
    with transaction.atomic():
        pause = active_pause(deal, day)
        if pause is None:
            raise Conflict(f"{deal.name} is not paused")
        pause.resumed_on, pause.resumed_by = day, actor
        pause.save(update_fields=["resumed_on", "resumed_by"])
        audit.record(
            "cadence.resume",
            f"{deal.name} resumed on {day} (was paused until {pause.resume_on})",
            actor=actor,
            target=deal,
            details={"pause": pause.pk},
        )
    return pause


@dataclass(frozen=True)
class Setting:
    """One parameter value as typed: blank returns it to its default."""

    rule: str
    name: str
    stage_id: int | None
    raw: Any

    def field(self, stages: Mapping[int, str]) -> str:
        where = f"[{stages.get(self.stage_id, self.stage_id)}]" if self.stage_id else ""
        return f"{self.rule}.{self.name}{where}"


def _checked(setting: Setting, stages: Mapping[int, str]) -> int | None:
    rule = BY_ID.get(setting.rule)
    names = [p.name for p in rule.parameters] if rule else []
    field = setting.field(stages)
    if rule is None or setting.name not in names:
        raise InvalidInput(field, "", "is not a rule parameter")
    parameter = rule.parameter(setting.name)
    if setting.stage_id is not None:
        if not parameter.per_stage:
            raise InvalidInput(field, "", "is not set per stage")
        if setting.stage_id not in stages:
            raise InvalidInput(field, str(setting.stage_id), "is not an open stage")
    if money.is_blank(setting.raw):
        return None
    shown = str(setting.raw).strip()
    try:
        value = int(shown)
    except ValueError:
        raise InvalidInput(field, shown, "must be a whole number") from None
    if not parameter.minimum <= value <= parameter.maximum:
        raise InvalidInput(
            field, shown, f"must be between {parameter.minimum} and {parameter.maximum}"
        )
    return value


def save_parameters(actor: User | None, settings: list[Setting]) -> int:
    """Set the rules' parameters (a blank value returns one to its default); every value is
    checked before any is written. Returns how many changed."""
    if actor is not None:
        permissions.require(
            permissions.may_configure_organisation(actor),
            f"{actor.email} may not change the discipline rules",
        )
    stages = dict(Stage.objects.filter(outcome=Stage.Outcome.OPEN).values_list("id", "name"))
    wanted = [(s, _checked(s, stages)) for s in settings]
    stored = {(p.rule, p.name, p.stage_id): p for p in RuleParameter.objects.all()}
    changed = []
    with transaction.atomic():
        for setting, value in wanted:
            key = (setting.rule, setting.name, setting.stage_id)
            current = stored.get(key)
            if value is None and current is not None:
                current.delete()
            elif value is not None and current is None:
                RuleParameter.objects.create(rule=key[0], name=key[1], stage_id=key[2], value=value)
            elif value is not None and current is not None and current.value != value:
                current.value = value
                current.save(update_fields=["value"])
            else:
                continue
            changed.append(f"{setting.field(stages)} = {'default' if value is None else value}")
        if changed:
            audit.record(
                "cadence.parameters",
                f"Discipline rules: {'; '.join(changed)}",
                actor=actor,
                details={"changes": changed},
            )
    return len(changed)

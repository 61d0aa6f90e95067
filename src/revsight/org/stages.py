"""The pipeline's stages: names, order, probabilities and what each means for a deal (open, won
or lost). A configuration must keep at least one won and one lost stage: without them no deal
can count as booked or as lost, and every win rate is empty."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from revsight.core import audit
from revsight.core.errors import InvalidInput
from revsight.core.versions import mark_changed
from revsight.crm.models import Stage
from revsight.org.configuration import number, require_organisation
from revsight.org.models import User

NEEDED_OUTCOMES = (Stage.Outcome.WON, Stage.Outcome.LOST)


@dataclass
class StageRow:
    id: int | None
    name: str
    order: Any
    probability: Any  # a percentage, 0–100
    outcome: str


def missing_outcomes(outcomes: set[str]) -> list[str]:
    """The outcomes (won, lost) that no stage of a configuration has."""
    return [outcome for outcome in NEEDED_OUTCOMES if outcome not in outcomes]


def _cleaned(row: StageRow, where: str, existing: dict[int, Stage]) -> tuple[Stage, dict[str, Any]]:
    name = row.name.strip()
    if not name:
        raise InvalidInput(f"{where} name", "", "is required")
    if len(name) > 100:
        raise InvalidInput(f"{where} name", name[:40], "is longer than 100 characters")
    order = int(number(f"{where} order", row.order, Decimal(0), Decimal(32767), 0))
    probability = number(f"{where} probability", row.probability, Decimal(0), Decimal(100))
    if row.outcome not in Stage.Outcome.values:
        raise InvalidInput(f"{where} outcome", row.outcome, "must be open, won or lost")
    if row.id is not None and row.id not in existing:
        raise InvalidInput(f"{where}", str(row.id), "is not a stage")
    stage = existing[row.id] if row.id is not None else Stage()
    fields = {"name": name, "order": order, "probability": probability / 100}
    return stage, fields | {"outcome": row.outcome}


def save_stages(actor: User, rows: list[StageRow]) -> list[Stage]:
    """Rename, reorder and set probabilities of stages, and add new ones (rows without id).
    Refused, naming the field, when a row is wrong or when no stage would be won or none lost."""
    require_organisation(actor)
    existing = {stage.pk: stage for stage in Stage.objects.all()}
    cleaned: list[tuple[Stage, dict[str, Any]]] = []
    names: set[str] = set()
    for position, row in enumerate(rows, start=1):
        stage, fields = _cleaned(row, f"stage {position}", existing)
        if fields["name"].lower() in names:
            raise InvalidInput(f"stage {position} name", fields["name"], "is used by another stage")
        names.add(fields["name"].lower())
        cleaned.append((stage, fields))
    kept = {pk: stage.outcome for pk, stage in existing.items()}
    kept.update({stage.pk: fields["outcome"] for stage, fields in cleaned if stage.pk})
    outcomes = set(kept.values()) | {fields["outcome"] for stage, fields in cleaned if not stage.pk}
    if missing := missing_outcomes(outcomes):
        raise InvalidInput(
            "outcome",
            "",
            f"no stage is {' and none '.join(missing)}: give at least one stage the outcome won "
            "(a deal booked) and one the outcome lost, or no deal can count as won or lost",
        )
    changed = []
    with transaction.atomic():
        for stage, fields in cleaned:
            different = stage.pk is None or any(getattr(stage, k) != v for k, v in fields.items())
            if different:
                for key, value in fields.items():
                    setattr(stage, key, value)
                stage.save()
                changed.append(stage.name)
        if changed:
            mark_changed("stages")
            audit.record("settings.stages", f"Stages changed: {', '.join(changed)}", actor=actor)
    return [stage for stage, _ in cleaned]

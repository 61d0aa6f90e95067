"""The CRM discipline rules ("inspect what you expect", docs/cadence.md): each with an id, a
description and the parameters a settings page edits, some of them per stage.

The rules are data; `discipline.py` evaluates them at any as-of date from the stage history."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """A whole number a rule reads, with its default, its bounds, and whether each stage may
    override it. A parameter without a default (`None`) is computed from the data."""

    name: str
    label: str
    default: int | None
    minimum: int
    maximum: int
    per_stage: bool = False


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    parameters: tuple[Parameter, ...] = ()

    def parameter(self, name: str) -> Parameter:
        return next(p for p in self.parameters if p.name == name)


WINDOW = Parameter("days", "Looks back over the last … days", 30, 1, 365)

RULES: tuple[Rule, ...] = (
    Rule(
        "past_close_date",
        "Open at the as-of date with an expected close date before it.",
    ),
    Rule(
        "no_recent_activity",
        "Open, and no activity on the deal or on its account in the last N days "
        "(deals younger than N days are not yet judged).",
        (Parameter("days", "N days without activity", 14, 1, 365, per_stage=True),),
    ),
    Rule(
        "stale_in_stage",
        "In its current stage longer than that stage's expected days (default: twice the "
        "median time won deals spent in that stage over the last 12 months).",
        (
            Parameter("factor", "Times the median of won deals", 2, 1, 10),
            Parameter("days", "Expected days in the stage", None, 1, 3650, per_stage=True),
        ),
    ),
    Rule(
        "skipped_stage",
        "Entered a stage beyond the next one in the sales process in one step, in the last "
        "30 days.",
        (WINDOW,),
    ),
    Rule(
        "moved_backwards",
        "Moved to an earlier open stage in the last 30 days.",
        (WINDOW,),
    ),
    Rule("missing_amount", "Open with no amount or an amount of 0."),
    Rule("missing_next_step", "Open with no next step."),
    Rule(
        "close_date_pushed",
        "Open, and its expected close date moved later three times or more.",
        (Parameter("times", "Pushes that flag a deal", 3, 1, 50),),
    ),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
RULE_IDS: tuple[str, ...] = tuple(BY_ID)

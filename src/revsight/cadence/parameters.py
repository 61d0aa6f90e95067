"""The rule parameters in force: each stored value (`RuleParameter`), else the rule's default;
a value for one stage overrides the value for every stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from revsight.cadence.discipline_models import RuleParameter
from revsight.cadence.rules import BY_ID

Key = tuple[str, str, int | None]  # rule, parameter, stage id (None: every stage)


@dataclass(frozen=True)
class Parameters:
    stored: dict[Key, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Parameters:
        return cls({(p.rule, p.name, p.stage_id): p.value for p in RuleParameter.objects.all()})

    def value(self, rule: str, name: str, stage_id: int | None = None) -> int | None:
        """The parameter for a stage: its own value, else the value for every stage, else the
        default (None for a default computed from the data)."""
        if stage_id is not None and (rule, name, stage_id) in self.stored:
            return self.stored[(rule, name, stage_id)]
        if (rule, name, None) in self.stored:
            return self.stored[(rule, name, None)]
        return BY_ID[rule].parameter(name).default

    def number(self, rule: str, name: str, stage_id: int | None = None) -> int:
        """A parameter that always has a value (its default is a number)."""
        found = self.value(rule, name, stage_id)
        if found is None:
            raise LookupError(f"{rule}.{name} has no default")
        return found

    def override(self, rule: str, name: str, stage_id: int) -> int | None:
        """The value set for this stage alone, if any."""
        return self.stored.get((rule, name, stage_id))

    def largest(self, rule: str, name: str) -> int:
        """The largest value in force for any stage (how far back to read)."""
        values = [v for (r, n, _), v in self.stored.items() if (r, n) == (rule, name)]
        return max([self.number(rule, name), *values])

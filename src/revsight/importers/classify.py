"""Classifying CRM activities into Revsight's activity types by configurable rules.

The built-in rules live in `activity-rules.toml` beside this module (its comments are the
reference); an organisation overrides them with `$REVSIGHT_HOME/activity-rules.toml`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from revsight.core.errors import RevsightError
from revsight.crm.models import ActivityType

FACTS = ("record", "type", "subtype", "call_type", "subject", "location", "related")
BUILT_IN = Path(__file__).with_name("activity-rules.toml")


class RulesError(RevsightError):
    """The activity classification rules file is wrong; the message names the rule."""

    code = "invalid_rules"
    status = 400


@dataclass(frozen=True)
class Rule:
    activity: str
    conditions: tuple[tuple[str, re.Pattern[str]], ...]

    def matches(self, facts: dict[str, str]) -> bool:
        return all(pattern.search(facts.get(fact, "")) for fact, pattern in self.conditions)


class Classifier:
    def __init__(self, rules: list[Rule], origin: str) -> None:
        self.rules = rules
        self.origin = origin

    def classify(self, **facts: str) -> str:
        for rule in self.rules:
            if rule.matches(facts):
                return rule.activity
        return ActivityType.OTHER.value

    @classmethod
    def from_file(cls, path: Path) -> Classifier:
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise RulesError(f"{path}: {exc}") from None
        rules = []
        for number, entry in enumerate(document.get("rule", []), start=1):
            activity = entry.get("activity")
            if activity not in ActivityType.values:
                raise RulesError(
                    f"{path}, rule {number}: activity {activity!r} is not one of "
                    f"{', '.join(ActivityType.values)}"
                )
            conditions = []
            for fact, expression in entry.items():
                if fact == "activity":
                    continue
                if fact not in FACTS:
                    raise RulesError(
                        f"{path}, rule {number}: {fact!r} is not one of {', '.join(FACTS)}"
                    )
                try:
                    conditions.append((fact, re.compile(str(expression), re.IGNORECASE)))
                except re.error as exc:
                    raise RulesError(f"{path}, rule {number}, {fact}: {exc}") from None
            rules.append(Rule(activity, tuple(conditions)))
        return cls(rules, str(path))


def configured() -> Classifier:
    """The organisation's rules if it has its own file, else the built-in ones."""
    own = Path(settings.REVSIGHT_HOME) / "activity-rules.toml"
    return Classifier.from_file(own if own.exists() else BUILT_IN)

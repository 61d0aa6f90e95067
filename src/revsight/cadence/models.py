"""The cadence app's models, each part of the cadence in a module of its own."""

from revsight.cadence.discipline_models import DealPause, RuleParameter

__all__ = ["DealPause", "RuleParameter"]

"""The cadence app's models, each part of the cadence in a module of its own."""

from revsight.cadence.coaching_models import (
    CoachingEntry,
    CoachingKind,
    CoachingReply,
    CoachingSettings,
    CoachingTarget,
)
from revsight.cadence.discipline_models import DealPause, RuleParameter
from revsight.cadence.meeting_models import MeetingSettings
from revsight.cadence.priorities_models import Outcome, Priority, WeeklyRecord
from revsight.cadence.review_models import Review, ReviewAction, ReviewKind, ReviewStatus

__all__ = [
    "CoachingEntry",
    "CoachingKind",
    "CoachingReply",
    "CoachingSettings",
    "CoachingTarget",
    "DealPause",
    "MeetingSettings",
    "Outcome",
    "Priority",
    "Review",
    "ReviewAction",
    "ReviewKind",
    "ReviewStatus",
    "RuleParameter",
    "WeeklyRecord",
]

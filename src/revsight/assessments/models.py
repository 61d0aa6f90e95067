"""The assessments app's models, each part in a module of its own."""

from revsight.assessments.annual_plan_models import AnnualPlan
from revsight.assessments.recruiting_models import (
    Candidate,
    Criterion,
    CriterionScore,
    Position,
    Scorecard,
    StageEvent,
)
from revsight.assessments.self_models import CategoryScore, SelfAssessment

__all__ = [
    "AnnualPlan",
    "Candidate",
    "CategoryScore",
    "Criterion",
    "CriterionScore",
    "Position",
    "Scorecard",
    "SelfAssessment",
    "StageEvent",
]

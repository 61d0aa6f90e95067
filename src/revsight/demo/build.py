"""`revsight demo`: build the demo organisation into the current database."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from revsight.core import audit, clock
from revsight.core.errors import Conflict
from revsight.core.models import Organisation
from revsight.core.progress import SILENT, Progress
from revsight.core.versions import mark_all_changed
from revsight.demo import (
    account_plans_example,
    annual_plan_example,
    assessments_example,
    bulk,
    discipline_cases,
    planning_example,
    priorities_example,
    recruiting_example,
    reviews_example,
)
from revsight.demo.organisation import DEMO_LOGINS
from revsight.demo.profiles import PROFILES
from revsight.demo.records import Records
from revsight.demo.simulate import simulate
from revsight.org.models import User

# Tables the demo fills, children first, so they can be emptied in this order.
DEMO_MODELS = [
    "assessments.AnnualPlan_goals",
    "assessments.AnnualPlan",
    "assessments.CriterionScore",
    "assessments.Scorecard",
    "assessments.StageEvent",
    "assessments.Candidate",
    "assessments.Criterion",
    "assessments.Position_interviewers",
    "assessments.Position",
    "assessments.CategoryScore",
    "assessments.SelfAssessment",
    "planning.AccountAction",
    "planning.AccountPlan_opportunities",
    "planning.AccountPlan",
    "cadence.ReviewAction",
    "cadence.Review",
    "cadence.Priority",
    "cadence.WeeklyRecord",
    "planning.BusinessPlan",
    "planning.Attendance",
    "planning.TrainingSession",
    "planning.TrainingPlan",
    "planning.Contest_teams",
    "planning.Contest",
    "planning.CapacityScenario",
    "cadence.CoachingReply",
    "cadence.CoachingEntry",
    "cadence.CoachingTarget",
    "cadence.CoachingSettings",
    "cadence.DealPause",
    "cadence.RuleParameter",
    "crm.ForecastSubmission",
    "org.Goal",
    "org.Quota",
    "org.ActivityStandard",
    "crm.SalesExpense",
    "crm.ServiceBacklog",
    "crm.TimeEntry",
    "crm.Invoice",
    "crm.Lead",
    "crm.MarketingSpend",
    "crm.Activity",
    "crm.StageChange",
    "crm.Opportunity",
    "crm.Account",
    "crm.Stage",
    "core.AuditEntry",
    "org.User",
    "org.Team",
]


class RealDataPresent(Conflict):
    """The database holds data that is not the demo's; the demo never mixes into it."""


@dataclass
class DemoResult:
    seed: int
    as_of: date
    scale: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    reused: bool = False


def existing_demo() -> Organisation | None:
    org = Organisation.objects.order_by("pk").first()
    return org if org is not None and org.is_demo else None


def ensure_no_real_data() -> None:
    if existing_demo() is not None:
        return
    from revsight.crm.models import Account, Opportunity

    counts = {
        "people": User.objects.count(),
        "accounts": Account.objects.count(),
        "opportunities": Opportunity.objects.count(),
    }
    if any(counts.values()):
        held = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        raise RealDataPresent(
            f"This database already holds real data ({held}). The demo organisation is only "
            "built into an empty data directory: point REVSIGHT_HOME at a new directory."
        )


def _empty_demo_tables() -> None:
    """Empty every demo table and restart its ids, so that rows the demo writes through the
    services (its scenarios) get the same ids in every build of the same seed."""
    tables = [apps.get_model(label)._meta.db_table for label in DEMO_MODELS]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({marks})", tables)
    bulk.reset_sequences([apps.get_model(label) for label in DEMO_MODELS])


def wipe_demo() -> None:
    """Remove the demo organisation entirely (refuses when the data is not the demo's)."""
    ensure_no_real_data()
    with transaction.atomic():
        _empty_demo_tables()
        Organisation.objects.all().delete()
        mark_all_changed()


def build_demo(
    seed: int = 1,
    as_of: date | None = None,
    scale: str = "small",
    reuse: bool = False,
    progress: Progress = SILENT,
) -> DemoResult:
    """Build (or rebuild) the demo organisation. Deterministic for a seed and as-of date.

    With `reuse`, an existing demo of the same seed and scale is kept as it is (and with it
    whatever people did in it), unless an as-of date is given that differs from its own.
    """
    profile = PROFILES[scale]
    ensure_no_real_data()
    current = existing_demo()
    if (
        reuse
        and current is not None
        and (current.demo_seed, current.demo_scale) == (seed, scale)
        and as_of in (None, current.demo_as_of)
    ):
        return DemoResult(seed, current.demo_as_of or clock.today(), scale, reused=True)
    as_of = as_of or clock.today()

    started = time.perf_counter()
    progress.note(f"Simulating {profile.reps} salespeople over {profile.months} months")
    history = simulate(profile, seed, as_of)
    # A salt from the seed keeps the build byte-for-byte reproducible; it guards demo logins only.
    password_hash = make_password(_demo_password(), salt=f"revsightdemo{seed}")
    progress.note("Laying out the records")
    tables = Records(history).build(password_hash)
    result = DemoResult(seed, as_of, scale)
    progress.start(sum(len(table) for table in tables), unit="records", note="Writing the records")
    with transaction.atomic():
        _empty_demo_tables()
        for table in tables:
            label = str(table.model._meta.verbose_name_plural)
            result.counts[label] = result.counts.get(label, 0) + bulk.write(table, progress)
            progress.tally(result.counts)
        discipline_cases.plant(as_of)  # history rows with explicit ids: before the reset
        bulk.reset_sequences(list({t.model for t in tables}))
        Organisation.objects.all().delete()
        Organisation.objects.create(
            name="Northwind Solutions (demo)",
            currency="USD",
            time_zone="America/New_York",
            is_demo=True,
            demo_seed=seed,
            demo_as_of=as_of,
            demo_scale=scale,
        )
        planning_example.plant(as_of)
        planning_example.plant_contests(as_of)
        account_plans_example.plant_account_plans(as_of)
        planning_example.plant_training(as_of)
        planning_example.plant_business_plans(as_of)
        priorities_example.plant_priorities(as_of)
        reviews_example.plant_reviews(as_of)
        assessments_example.plant_assessments(as_of)
        recruiting_example.plant_recruiting(as_of)
        annual_plan_example.plant_annual_plan(as_of)
        mark_all_changed()
        # The demo's settings count as made: its setup checklist is complete.
        audit.record("settings.fiscal_year", "Fiscal year starts in month 1 (the demo's)")
        audit.record(
            "demo.build",
            f"Demo organisation built: seed {seed}, as of {as_of}, {scale}",
            details={"counts": result.counts},
        )
    result.seconds = time.perf_counter() - started
    return result


def _demo_password() -> str:
    from django.conf import settings

    return str(settings.REVSIGHT_DEMO_PASSWORD)


def demo_logins() -> dict[str, str]:
    return {str(role.label): email for role, email in DEMO_LOGINS.items()}

"""The annual sales plan worksheet's services: the planning questions answered for a fiscal
year, last year's answers beside them, the year's figures for reference, and links to the
year's goals and to the capacity scenario adopted for it.

The executives write the plan; everyone who manages reads it. `actor` None is the operator at
the command line or the demo. Every write is checked first, made in one transaction and
audited; a wrong value is an `InvalidInput` naming its field, with nothing stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from revsight.access import permissions, visibility
from revsight.analytics.computation import compute
from revsight.analytics.scopes import salespeople_in
from revsight.assessments.annual_plan_models import AnnualPlan
from revsight.core import audit, clock, periods
from revsight.core.errors import InvalidInput
from revsight.core.models import Organisation
from revsight.org.models import Goal, User
from revsight.planning.models import CapacityScenario

MAX_ANSWER = 8000
HOLDS = {"yes": "Still holds", "partly": "Holds in part", "no": "No longer holds"}


@dataclass(frozen=True)
class Question:
    key: str
    title: str
    hint: str
    # The two questions that revisit last year's assumptions also take a verdict.
    verdict: bool = False


QUESTIONS = [
    Question("went_well", "What went well", "The wins, deals, people and habits that worked."),
    Question("went_badly", "What did not go well", "What cost revenue, time or people."),
    Question("key_drivers", "Key drivers", "What will move the year's revenue most."),
    Question("key_metrics", "Key metrics", "The numbers to watch each month, and their targets."),
    Question("risks", "Risks", "What could take the plan off course, and the response."),
    Question("opportunities", "Opportunities", "Markets, accounts and offerings to pursue."),
    Question(
        "specific_factors",
        "Factors specific to this year",
        "Launches, hires, price changes, territory moves, anything this year only.",
    ),
    Question(
        "market_assumptions",
        "Assumptions about the market",
        "Demand, competition, budgets and timing as you expect them.",
    ),
    Question(
        "offerings_assumptions",
        "Last year's assumptions about the offerings",
        "Do they still hold? What changed?",
        verdict=True,
    ),
    Question(
        "capability_assumptions",
        "Last year's assumptions about the company's capability",
        "Capacity to sell, deliver and support: do they still hold?",
        verdict=True,
    ),
]
BY_KEY = {q.key: q for q in QUESTIONS}


def may_write(actor: Any) -> bool:
    return bool(actor.is_authenticated and actor.sees_everything)


def may_read(actor: Any) -> bool:
    return bool(actor.is_authenticated and visibility.is_manager_or_above(actor))


def _fiscal() -> int:
    return Organisation.current().fiscal_year_start_month


def year_of(raw: Any, as_of: date | None = None) -> int:
    """A fiscal year as typed (`2027`, `FY2027`); blank: the year after the one containing the
    as-of date once its last quarter has begun, else the current one (a plan is written
    ahead)."""
    text = str(raw or "").strip().upper().removeprefix("FY")
    if not text:
        day = as_of or clock.today()
        current = periods.containing("year", day, _fiscal())
        last_quarter = periods.add_months(current.start, 9)
        return current.start.year + (1 if day >= last_quarter else 0)
    if not text.isdigit() or len(text) != 4:
        raise InvalidInput("year", str(raw), "must be a fiscal year such as 2027")
    return periods.check_year("year", int(text))


def year_period(year: int) -> periods.Period:
    return periods.parse(str(year), date(year, 12, 31), _fiscal())


def plans(actor: User | None) -> QuerySet[AnnualPlan]:
    return visibility.scope_as(actor, AnnualPlan.objects.all())


def plan_of(actor: User | None, year: int) -> AnnualPlan | None:
    if actor is not None:
        permissions.require(may_read(actor), "The annual plan is read by managers and above.")
    return plans(actor).filter(year=year).prefetch_related("goals").first()


def goals_of(year: int) -> QuerySet[Goal]:
    """The goals whose period lies in the fiscal year: its months, quarters, halves, itself."""
    span = year_period(year)
    months = [f"{periods.add_months(span.start, n):%Y-%m}" for n in range(12)]
    ids = [*months, *(f"{year}-Q{n}" for n in range(1, 5)), f"{year}-H1", f"{year}-H2", str(year)]
    return Goal.objects.filter(period__in=ids).select_related("team", "user")


def _answers(data: Mapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for question in QUESTIONS:
        text = str(data.get(question.key) or "").strip()
        if len(text) > MAX_ANSWER:
            raise InvalidInput(
                question.key, text[:40] + "…", f"is longer than {MAX_ANSWER} characters"
            )
        if "\x00" in text:
            raise InvalidInput(question.key, "", "holds a NUL character")
        found[question.key] = text
        if question.verdict:
            verdict = str(data.get(f"{question.key}_holds") or "").strip().lower()
            if verdict and verdict not in HOLDS:
                raise InvalidInput(
                    f"{question.key}_holds", verdict, f"must be one of {', '.join(HOLDS)}"
                )
            found[f"{question.key}_holds"] = verdict
    return found


def _ids(field: str, raw: Any) -> list[int]:
    values = raw if isinstance(raw, (list, tuple)) else [raw] if raw not in (None, "") else []
    found = []
    for n, value in enumerate(values, 1):
        text = str(value).strip()
        if not text.isdigit():
            raise InvalidInput(f"{field}[{n}]", text, "must be an id")
        found.append(int(text))
    return found


def save(
    actor: User | None,
    year: int,
    data: Mapping[str, Any],
    *,
    goal_ids: Sequence[Any] = (),
    scenario_id: Any = None,
) -> AnnualPlan:
    """Write the year's plan (created on first save): every answer, the goals it links to
    (goals of that year) and the capacity scenario adopted (one the actor sees)."""
    if actor is not None:
        permissions.require(may_write(actor), "Only the executives write the annual plan.")
    periods.check_year("year", year)
    answers = _answers(data)
    wanted = _ids("goals", list(goal_ids))
    allowed = set(goals_of(year).values_list("pk", flat=True))
    for n, pk in enumerate(wanted, 1):
        if pk not in allowed:
            raise InvalidInput(f"goals[{n}]", str(pk), f"is not a goal of fiscal year {year}")
    scenario = None
    if str(scenario_id or "").strip():
        (pk,) = _ids("capacity_scenario", scenario_id)
        scenario = visibility.scope_as(actor, CapacityScenario.objects.filter(pk=pk)).first()
        if scenario is None:
            raise InvalidInput("capacity_scenario", str(pk), "is not a capacity scenario you see")
    with transaction.atomic():
        found, created = AnnualPlan.objects.get_or_create(year=year)
        found.answers = answers
        found.capacity_scenario = scenario
        found.written_by = actor
        found.save()
        found.goals.set(wanted)
        audit.record(
            "annual_plan_written" if created else "annual_plan_changed",
            f"Annual plan FY{year} " + ("written" if created else "changed"),
            actor=actor,
            target=found,
            details={"answered": sorted(k for k, v in answers.items() if v)},
        )
    return found


# -- the year's figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    """A fiscal year's (or its part to date's) figures, for reference beside the answers."""

    label: str
    period: periods.Period
    bookings_by_quarter: list[tuple[str, float | int | None]]
    bookings: float | int | None
    win_rate: float | int | None
    average_order_value: float | int | None
    cycle_days: float | int | None
    new_account_pct: float | int | None
    existing_account_pct: float | int | None
    headcount: int


FIGURES = [
    "bookings",
    "win_rate",
    "average_order_value",
    "sales_cycle_days_median",
    "new_account_sales_pct",
    "existing_account_sales_pct",
]


def figures_of(year: int, as_of: date) -> YearFigures | None:
    """The year's figures as of a day (to date when it is under way); None before it starts."""
    span = year_period(year)
    if as_of < span.start:
        return None
    end = min(as_of, span.end)
    shown = periods.Period(
        f"{year}" if end == span.end else f"{year}-YTD", "custom", span.start, end
    )
    result = compute(FIGURES, shown, end)
    quarters = []
    for n in range(1, 5):
        quarter = periods.parse(f"{year}-Q{n}", end, _fiscal())
        if quarter.start > end:
            break
        part = periods.Period(quarter.id, "custom", quarter.start, min(quarter.end, end))
        quarters.append((quarter.id, compute(["bookings"], part, end).value("bookings")))
    return YearFigures(
        label=f"FY{year}" if end == span.end else f"FY{year} to {end:%-d %b %Y}",
        period=shown,
        bookings_by_quarter=quarters,
        bookings=result.value("bookings"),
        win_rate=result.value("win_rate"),
        average_order_value=result.value("average_order_value"),
        cycle_days=result.value("sales_cycle_days_median"),
        new_account_pct=result.value("new_account_sales_pct"),
        existing_account_pct=result.value("existing_account_sales_pct"),
        headcount=len(salespeople_in(shown)),
    )


def as_json(found: AnnualPlan) -> dict[str, Any]:
    return {
        "year": found.year,
        "answers": {q.key: found.answers.get(q.key, "") for q in QUESTIONS},
        "verdicts": {
            q.key: found.answers.get(f"{q.key}_holds", "") for q in QUESTIONS if q.verdict
        },
        "goals": [
            {"id": g.pk, "metric": g.metric, "period": g.period, "target": str(g.target)}
            for g in found.goals.all()
        ],
        "capacity_scenario": found.capacity_scenario.name if found.capacity_scenario else None,
    }

"""Where a period is heading, as known today, for the company or one team: the statistical
forecast (P10 / P50 / P90, the chance of reaching quota, each open deal's probability and why),
beside the reps' commit and the CRM-weighted pipeline; and what the leading indicators say of
the next two months, with a warning when they point below quota.

The statistical forecast here is the one the backtest scores (`statistical.forecast_parts`),
learnt from the same moment of the earlier periods: on 27 November, for the rest of November,
the lessons are the deals open on 27 October and what came of them by 31 October, and so on. A
quarter is the sum of its months still ahead, each learnt from the same stretch ahead of
earlier months (for December, as of 27 November: the deals open on 27 October and what came of
them in November, and so on), drawn together with the correlation of consecutive months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from revsight.access.permissions import FORECASTERS
from revsight.analytics import compute
from revsight.analytics.engine import Engine, get_engine
from revsight.analytics.scopes import Membership
from revsight.core.periods import Period, add_months, months_spanned, shift
from revsight.crm.models import Opportunity, Stage
from revsight.forecasting import indicators
from revsight.forecasting.backtest import MIN_LESSONS, History, record
from revsight.forecasting.recommended import (
    Known,
    Recommendation,
    horizon_of,
    methods_now,
    recommend,
)
from revsight.forecasting.rollup import committed, latest_submissions
from revsight.forecasting.scores import Distribution
from revsight.forecasting.statistical import CloseDates, Lesson, Part, forecast_parts
from revsight.org.models import User

LESSON_PERIODS = 12
SHOWN_DEALS = 15
SHORTFALL = 0.10  # indicators pointing this far below quota raise a warning
HISTOGRAM_BINS = 30


@dataclass
class DealChance:
    id: int
    name: str
    account: str
    owner: str
    stage: str
    amount: float
    close: date | None
    probability: float
    reason: str

    @property
    def expected(self) -> float:
        return self.amount * self.probability

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "account": self.account,
            "owner": self.owner,
            "stage": self.stage,
            "amount": round(self.amount, 2),
            "close_date": self.close,
            "probability": round(self.probability, 4),
            "reason": self.reason,
        }


@dataclass
class LeadingForecast:
    month: str
    forecast: float
    quota: float | None
    model: str
    uses_indicators: bool

    @property
    def shortfall(self) -> float | None:
        """How far below quota the indicators point (0.18 = 18% short); None when not below."""
        if not self.quota or self.forecast >= self.quota:
            return None
        return 1 - self.forecast / self.quota

    @property
    def warning(self) -> bool:
        """Only indicators warn: the average alone says nothing about this month's activity."""
        return self.uses_indicators and (self.shortfall or 0) >= SHORTFALL

    def as_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "forecast": round(self.forecast, 2),
            "quota": self.quota,
            "shortfall": round(self.shortfall, 4) if self.shortfall is not None else None,
            "warning": self.warning,
            "model": self.model,
        }


@dataclass
class Outlook:
    period: Period
    as_of: date
    quota: float | None
    closed: float
    commit: float | None
    best_case: float | None
    weighted_pipeline: float
    open_pipeline: float
    p10: float | None = None
    p50: float | None = None
    p90: float | None = None
    p_quota: float | None = None
    model: str | None = None
    holdout_brier: dict[str, float] = field(default_factory=dict)
    close_dates: CloseDates | None = None
    lessons: int = 0
    deals: list[DealChance] = field(default_factory=list)
    histogram: tuple[list[float], list[int]] = ([], [])
    leading: list[LeadingForecast] = field(default_factory=list)
    leads: dict[str, tuple[int, float]] = field(default_factory=dict)
    # The number Revsight recommends: every method's figure, weighed by its record.
    recommended: Recommendation | None = None

    def as_json(self) -> dict[str, Any]:
        def money(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "period": {"id": self.period.id, "start": self.period.start, "end": self.period.end},
            "as_of": self.as_of,
            "combined": None if self.recommended is None else self.recommended.as_json(),
            "quota": money(self.quota),
            "closed": money(self.closed),
            "commit": money(self.commit),
            "best_case": money(self.best_case),
            "weighted_pipeline": money(self.weighted_pipeline),
            "open_pipeline": money(self.open_pipeline),
            "statistical": None
            if self.p50 is None
            else {
                "p10": money(self.p10),
                "p50": money(self.p50),
                "p90": money(self.p90),
                "p_quota": None if self.p_quota is None else round(self.p_quota, 4),
                "model": self.model,
                "holdout_brier": self.holdout_brier,
                "close_dates": None if self.close_dates is None else self.close_dates.as_json(),
                "lessons": self.lessons,
            },
            "deals": [d.as_json() for d in self.deals],
            "leading_indicators": [f.as_json() for f in self.leading],
            "leads": {
                kind: {"lag_months": lag, "correlation": round(r, 3)}
                for kind, (lag, r) in self.leads.items()
            },
        }


def lessons_for(history: History, period: Period, as_of: date) -> list[Lesson]:
    """The same moment of each earlier period of the same length, its outcome known."""
    length = months_spanned(period)
    lessons = []
    for k in range(LESSON_PERIODS, 0, -1):
        past = shift(as_of, -k * length)
        past_end = add_months(period.end + timedelta(days=1), -k * length) - timedelta(days=1)
        past_target = Period(
            f"lesson-{k}",
            "window",
            max(past + timedelta(days=1), add_months(period.start, -k * length)),
            past_end,
        )
        if past_end >= as_of or past_target.start > past_target.end:
            continue
        lesson = history.lesson(past, past_target)
        if lesson.deals or lesson.actual:  # before the history began there is nothing to learn
            lessons.append(lesson)
    return lessons


def parts_for(history: History, period: Period, as_of: date) -> list[Part]:
    """The months of the period still ahead of the as-of date, each with its own lessons."""
    first = max(as_of + timedelta(days=1), period.start)
    parts = []
    month = first.replace(day=1)
    while month <= period.end:
        whole = Period(f"{month:%Y-%m}", "month", month, add_months(month, 1) - timedelta(days=1))
        rest = Period("rest", "window", max(first, month), min(whole.end, period.end))
        parts.append(Part(rest, lessons_for(history, whole, as_of)))
        month = add_months(month, 1)
    return parts


def outlook(
    period: Period, as_of: date, members: Membership, engine: Engine | None = None
) -> Outlook:
    """The forecast for `period` as known at the end of `as_of`, for one scope (one key)."""
    key = members.keys[0]
    history = History(engine or get_engine(), as_of, members)
    people = {user_id for user_id, _ in members.pairs}
    closed = history.bookings(period.start, min(as_of, period.end))
    target = Period("rest", "window", max(as_of + timedelta(days=1), period.start), period.end)
    quota = compute(["quota"], period.id, as_of, members.scope, members=members).value("quota", key)
    latest = latest_submissions(period.kind, period.start, as_of)
    forecasters = set(
        User.objects.filter(role__in=FORECASTERS, pk__in=people).values_list("pk", flat=True)
    )
    sums = committed(latest, forecasters)
    result = Outlook(
        period=period,
        as_of=as_of,
        quota=float(quota) if quota is not None else None,
        closed=closed,
        commit=sums.commit,
        best_case=sums.best_case,
        # An empty target (the period is over) has no deals expected in it.
        weighted_pipeline=closed + history.weighted_pipeline(as_of, target),
        open_pipeline=sum(amount for amount, _ in history.pipeline(as_of, target).values()),
    )
    lessons = lessons_for(history, period, as_of) if target.start <= target.end else []
    if target.start <= target.end:
        _statistical(result, history, parts_for(history, period, as_of))
    _leading(result, history, members)
    _recommend(result, history, lessons)
    return result


def _recommend(result: Outlook, history: History, lessons: list[Lesson]) -> None:
    """The combined forecast of every method's figure for the period, weighed by the methods'
    record at the matching horizon (recommended.py)."""
    statistical = (
        None
        if result.p10 is None or result.p50 is None or result.p90 is None
        else Distribution(result.p10, result.p50, result.p90, [])
    )
    known = Known(
        result.period,
        result.as_of,
        result.closed,
        statistical,
        result.commit,
        result.weighted_pipeline,
        lessons,
    )
    horizon = horizon_of(result.period, result.as_of)
    past = record(result.as_of, horizon, history.engine) if horizon is not None else {}
    result.recommended = recommend(methods_now(history, known), horizon, past)


def _statistical(result: Outlook, history: History, parts: list[Part]) -> None:
    learnt = min(len(part.lessons) for part in parts)
    if learnt < MIN_LESSONS:
        return
    deals = history.open_deals(result.as_of)
    still_needed = None if result.quota is None else result.quota - result.closed
    prediction = forecast_parts(
        parts,
        deals,
        result.as_of,
        seed=history.seed(result.as_of, result.period.id),
        stage_rank=history.stage_rank,
        quota=still_needed if still_needed and still_needed > 0 else None,
        residuals=history.residuals,
        fiscal_start=history.fiscal_start,
        fits=history.fits,
    )
    totals = prediction.totals + result.closed
    result.p10 = prediction.p10 + result.closed
    result.p50 = prediction.p50 + result.closed
    result.p90 = prediction.p90 + result.closed
    if result.quota is not None:
        result.p_quota = (
            1.0 if still_needed is not None and still_needed <= 0 else prediction.p_quota
        )
    result.model = prediction.fitted.model.name
    result.holdout_brier = prediction.fitted.holdout_brier
    result.close_dates = prediction.fitted.close_dates
    result.lessons = learnt
    counts, edges = np.histogram(totals, bins=HISTOGRAM_BINS)
    result.histogram = ([float(e) for e in edges], [int(c) for c in counts])
    ranked = sorted(
        enumerate(zip(deals, prediction.probabilities, strict=True)),
        key=lambda item: -item[1][0].amount * item[1][1],
    )[:SHOWN_DEALS]
    names = {
        o.pk: o
        for o in Opportunity.objects.filter(pk__in=[d.id for _, (d, _) in ranked]).select_related(
            "account", "owner"
        )
    }
    stage_names = dict(Stage.objects.values_list("pk", "name"))
    for index, (deal, chance) in ranked:
        record = names.get(deal.id)
        stage = stage_names.get(deal.stage_id, "?")
        result.deals.append(
            DealChance(
                deal.id,
                record.name if record else str(deal.id),
                record.account.name if record and record.account else "",
                str(record.owner) if record and record.owner else "",
                stage,
                deal.amount,
                deal.close,
                chance,
                prediction.reason(index, deal, result.as_of, stage),
            )
        )


def _leading(result: Outlook, history: History, members: Membership) -> None:
    series = history.series
    origin = indicators.month_index(result.as_of)
    result.leads = indicators.lead_table(series, origin)
    for target in (origin + 1, origin + 2):
        predicted = indicators.predict_month(series, origin, target)
        if predicted is None:
            continue
        month = indicators.month_of(target)
        quota = compute(
            ["quota"], f"{month:%Y-%m}", result.as_of, members.scope, members=members
        ).value("quota", members.keys[0])
        result.leading.append(
            LeadingForecast(
                f"{month:%Y-%m}",
                predicted[0],
                float(quota) if quota is not None else None,
                predicted[1].describe(),
                bool(predicted[1].terms),
            )
        )

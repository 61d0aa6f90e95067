"""The leading-indicator model: bookings a month or more ahead, from activity counts.

Activities lead revenue: the calls and meetings of one month become the deals closed some months
later. The model reads, per ramped salesperson (six months or more in post), the monthly count
of each leading activity type and the monthly bookings. For a target month it may use only
months complete before the origin, so the shortest usable lag is the distance from the month
before the origin to the target (1 for this month, 3 for the month after next), and the lag
one month longer.

Which (indicator, lag) pairs enter is decided by the data, out of time: starting from the mean
bookings per ramped rep, forward selection adds the pair that most lowers the error of
least-squares forecasts of the later half of the training months, each made from the months
before it only; it stops when no pair lowers that error by at least 10%, or when two are in.
A pair whose fitted effect is negative (more calls, fewer bookings) or less than three standard
errors from zero is noise and never enters.
So an indicator that does not improve out-of-sample accuracy is never kept, and with a short or
noisy history the model is the mean alone. The forecast is the fitted bookings per ramped rep
times the ramped salespeople at the origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from revsight.analytics import measures
from revsight.analytics.activity_metrics import STANDARD_TYPES
from revsight.analytics.context import Context
from revsight.core.periods import month_index, month_of
from revsight.org.models import Role, User

RAMP_MONTHS = 6
EXTRA_LAGS = 1
MAX_FEATURES = 2
MIN_IMPROVEMENT = 0.1
MIN_MONTHS = 8
MIN_T = 3.0
INDICATORS = tuple(STANDARD_TYPES)


@dataclass
class Series:
    """Monthly facts by month index: activity counts per type, bookings, ramped salespeople."""

    counts: dict[str, dict[int, int]]
    bookings: dict[int, float]
    ramped: dict[int, int]
    first: int  # the first month with data

    def per_rep(self, kind: str, month: int) -> float | None:
        ramped = self.ramped.get(month, 0)
        if month < self.first or not ramped:
            return None
        return self.counts.get(kind, {}).get(month, 0) / ramped

    def bookings_per_rep(self, month: int) -> float | None:
        ramped = self.ramped.get(month, 0)
        return self.bookings.get(month, 0.0) / ramped if ramped and month >= self.first else None


def monthly_counts(ctx: Context) -> dict[str, dict[int, int]]:
    """Activities of the context's members in its period, counted by type and month."""
    acts = ctx.by_member(measures.activities_in_period(ctx), "owner_id")
    monthly = acts.mutate(month=acts.date.truncate("M"))
    grouped = monthly.group_by(["month", "type"]).aggregate(n=monthly.count()).execute()
    counts: dict[str, dict[int, int]] = {}
    for row in grouped.itertuples():
        month = row.month.date() if isinstance(row.month, datetime) else row.month
        counts.setdefault(str(row.type), {})[month_index(month)] = int(row.n)
    return counts


def ramped_salespeople(months: range, among: set[int]) -> dict[int, int]:
    """Salespeople (of `among`) in post at each month's start with RAMP_MONTHS behind them."""
    people = list(
        User.objects.filter(role=Role.SALESPERSON, pk__in=among).values_list(
            "hire_date", "end_date"
        )
    )
    result = {}
    for m in months:
        start = month_of(m)
        ramp_cutoff = month_of(m - RAMP_MONTHS)
        result[m] = sum(
            1
            for hired, ended in people
            if (hired is None or hired <= ramp_cutoff) and (ended is None or ended >= start)
        )
    return result


@dataclass(frozen=True)
class Term:
    indicator: str
    lag: int  # months from the activity month to the target month
    coefficient: float


@dataclass
class Model:
    intercept: float
    terms: list[Term]
    # Root mean squared out-of-time error (bookings per ramped rep) of the chosen terms.
    loo_error: float
    baseline_error: float  # the same for the mean alone
    months: int  # training months

    def describe(self) -> str:
        if not self.terms:
            return "no indicator improved on the average"
        return ", ".join(
            f"{t.indicator.replace('_', ' ')}s {t.lag} months ahead" for t in self.terms
        )


def _out_of_time_error(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> float:
    """Root mean squared error of least squares forecasting each of the later half of the
    months from the months before it only, as the forecast itself will be used."""
    errors = []
    for i in range(max(len(y) // 2, x.shape[1] + 2), len(y)):
        beta, *_ = np.linalg.lstsq(x[:i], y[:i], rcond=None)
        errors.append(float(y[i] - x[i] @ beta))
    return float(np.sqrt(np.mean(np.square(errors)))) if errors else float("inf")


def _leads(
    design: npt.NDArray[np.float64], column: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> bool:
    """More of an activity must mean more bookings, clearly: a negative fitted effect, or one
    within MIN_T standard errors of zero, is noise (a dozen candidates are tried, so one of
    them will look good by chance unless the bar is high)."""
    x = np.column_stack([design, column])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    freedom = len(y) - x.shape[1]
    if freedom <= 0 or beta[-1] <= 0:
        return False
    residual = float(np.sum((y - x @ beta) ** 2)) / freedom
    covariance = residual * np.linalg.pinv(x.T @ x)
    error = float(np.sqrt(max(covariance[-1, -1], 0.0)))
    return error == 0 or beta[-1] / error >= MIN_T


def training_months(series: Series, origin: int, min_lag: int) -> list[int]:
    """The target months complete before the origin that the model can learn from: bookings
    per ramped rep known, and every indicator known at each lag tried."""
    lags = range(min_lag, min_lag + EXTRA_LAGS + 1)
    return [
        m
        for m in range(series.first, origin)
        if series.bookings_per_rep(m) is not None
        and all(series.per_rep(k, m - lag) is not None for k in INDICATORS for lag in lags)
    ]


def fit(series: Series, origin: int, min_lag: int) -> Model | None:
    """Choose and fit the terms on target months complete before the origin."""
    lags = range(min_lag, min_lag + EXTRA_LAGS + 1)
    months = training_months(series, origin, min_lag)
    if len(months) < MIN_MONTHS:
        return None
    y = np.array([series.bookings_per_rep(m) or 0.0 for m in months])
    columns = {
        (kind, lag): np.array([series.per_rep(kind, m - lag) or 0.0 for m in months])
        for kind in INDICATORS
        for lag in lags
    }
    chosen: list[tuple[str, int]] = []
    design = np.ones((len(months), 1))
    baseline = best = _out_of_time_error(design, y)
    while len(chosen) < MAX_FEATURES:
        trials = {
            key: _out_of_time_error(np.column_stack([design, column]), y)
            for key, column in columns.items()
            if key[0] not in {k for k, _ in chosen} and _leads(design, column, y)
        }
        if not trials:
            break
        key, error = min(trials.items(), key=lambda item: item[1])
        if error > best * (1 - MIN_IMPROVEMENT):
            break
        chosen.append(key)
        design = np.column_stack([design, columns[key]])
        best = error
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    terms = [Term(k, lag, float(b)) for (k, lag), b in zip(chosen, beta[1:], strict=True)]
    return Model(float(beta[0]), terms, best, baseline, len(months))


def predict_month(series: Series, origin: int, target: int) -> tuple[float, Model] | None:
    """Bookings in the target month, forecast with what was known before the origin month."""
    model = fit(series, origin, target - origin + 1)
    if model is None:
        return None
    per_rep = model.intercept
    for term in model.terms:
        per_rep += term.coefficient * (series.per_rep(term.indicator, target - term.lag) or 0.0)
    return max(per_rep, 0.0) * series.ramped.get(origin, 0), model


def lead_table(series: Series, until: int, max_lag: int = 5) -> dict[str, tuple[int, float]]:
    """For each indicator, the lag (months) at which its count per ramped rep correlates best
    with bookings per ramped rep over the history before `until`, and that correlation."""
    result: dict[str, tuple[int, float]] = {}
    for kind in INDICATORS:
        best: tuple[int, float] | None = None
        for lag in range(0, max_lag + 1):
            pairs = [
                (series.per_rep(kind, m - lag), series.bookings_per_rep(m))
                for m in range(series.first + lag, until)
            ]
            usable = [(x, y) for x, y in pairs if x is not None and y is not None]
            if len(usable) < MIN_MONTHS:
                continue
            xs, ys = np.array(usable, dtype=float).T
            if xs.std() == 0 or ys.std() == 0:
                continue
            r = float(np.corrcoef(xs, ys)[0, 1])
            if best is None or r > best[1]:
                best = (lag, r)
        if best is not None:
            result[kind] = best
    return result

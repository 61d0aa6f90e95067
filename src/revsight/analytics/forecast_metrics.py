"""How well the salespeople's commits forecast their bookings: accuracy and bias."""

from __future__ import annotations

from revsight.analytics.metric import Measures, Metric, num


def _accuracy(m: Measures) -> float | None:
    c = m["forecast"]
    if not c.get("forecasters"):
        return None
    forecast, actual = num(c, "forecast"), num(c, "actual")
    if actual == 0:
        return 1.0 if forecast == 0 else 0.0
    return max(0.0, 1 - abs(actual - forecast) / actual)


def _bias(m: Measures) -> float | None:
    c = m["forecast"]
    if not c.get("forecasters"):
        return None
    forecast, actual = num(c, "forecast"), num(c, "actual")
    return (forecast - actual) / actual if actual else None


FORECAST_ACCURACY = Metric(
    "forecast_accuracy",
    "Forecast accuracy",
    "ratio",
    ("forecast",),
    _accuracy,
    "For a month or quarter: F = each salesperson's latest commit submitted on or before "
    "the period's first day (in the organisation's time zone), A = their bookings in the "
    "period; accuracy = max(0, 1 − |A − F| / A), and when A = 0: 1 if F = 0 else 0. Teams "
    "and the company pool F and A over the people who submitted. None for other periods or "
    "when nobody submitted.",
)

FORECAST_BIAS = Metric(
    "forecast_bias",
    "Forecast bias",
    "ratio",
    ("forecast",),
    _bias,
    "(F − A) / A with F and A as for forecast_accuracy: positive when the commit was "
    "optimistic, negative when sandbagged. None when A = 0 or nobody submitted.",
    better="neither",
)

"""The demo's capacity scenarios: a plan made three months ago, so its page has actuals to
show, and one made today; both aim a tenth above the quotas already set, with the
attainment the demo's salespeople are simulated to reach."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from revsight.core import periods
from revsight.planning import services
from revsight.planning.suggested import suggested

GROWTH = Decimal("0.05")  # each quarter's objective 5 % above the one before
ATTAINMENT = "85%"


def _objectives(text: dict[str, str], day: date) -> str:
    """Growing objectives from what the current team books in the plan's first quarter: the
    plan then has to replace the salespeople who leave and add some."""
    zero = ", ".join(f"{item.partition('=')[0]}=0" for item in text["objectives"].split(", "))
    first = services.build({**text, "objectives": zero}, day).plan.quarters[0].capacity
    amounts = [
        Decimal(first) * (1 + GROWTH * q) for q in range(len(text["objectives"].split(", ")))
    ]
    quarters = [item.partition("=")[0] for item in text["objectives"].split(", ")]
    return ", ".join(
        f"{q}={(a / 10000).to_integral_value(ROUND_FLOOR) * 10000}"
        for q, a in zip(quarters, amounts, strict=True)
    )


def plant(as_of: date) -> None:
    earlier = periods.add_months(as_of, -2) - timedelta(days=1)  # the end of 3 months ago
    for name, day in (
        (f"Plan of {earlier:%B %Y}", earlier),
        (f"Next five quarters ({as_of:%b %Y})", as_of),
    ):
        text = {**suggested(day, None), "attainment": ATTAINMENT}
        if not text["quota"]:
            continue  # no quotas at all: nothing to plan from
        text["attrition"] = text["attrition"] or "20%"
        text["objectives"] = _objectives(text, day)
        services.save_scenario(None, name, text, day, None)

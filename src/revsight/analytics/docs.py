"""Generate docs/metrics.md from the catalogue.

    python -m revsight.analytics.docs > docs/metrics.md


A test fails when the file in the repository differs from what this prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from revsight.analytics.metric import Metric

UNITS = {
    "money": "money (organisation currency)",
    "ratio": "ratio (a fraction: 0.42 is 42%)",
    "count": "count",
    "days": "days",
    "hours": "hours",
    "rate": "rate (a count with decimals: per person per week or month, or expected)",
}

HEADER = """# The metric catalogue

Every number Revsight shows is defined here, once; the web pages, the `revsight metrics`
command, the API and the exports all compute it through the same code
(`src/revsight/analytics/catalogue.py`, from which this page is generated).

- **Periods**: `2026-W09` (ISO week), `2026-03` (month), `2026-Q1` (quarter), `2026` (year),
  `2026-YTD` (the year's start to the as-of date). Quarters and years follow the organisation's
  fiscal-year start month and are named by the calendar year they start in.
- **As of**: metrics use what was known at the end of the as-of date (default: today). Deals,
  activities and bookings count up to that date; the pipeline is rebuilt from stage history as it
  stood then.
- **Scopes**: the company, a team (pooling the records of its members and of all its sub-teams —
  a team's win rate is its pooled wins over its pooled decided deals, not an average of rates),
  or a salesperson (named by email). With `--by rep` every salesperson employed during the period
  appears, also those with nothing in it.
- **Goals**: a goal for the metric, scope and period id (the goals table) is shown beside the
  value with the gap (value − goal); a gap between two ratios is in percentage points (pp).
- **Better**: whether a higher or a lower value is good (a sales cycle, days sales outstanding,
  a cost: lower), or neither (a bias, a quota). The dashboards colour a value against its goal
  by it.
- **Paced**: the value builds up through the period (a sum or a count of what happened in it),
  so the dashboards pro-rate its goal to the selling days elapsed (the goal to date) and say
  whether it is on pace.
- **Null** means "not defined" (a ratio over nothing); sums and counts over nothing are 0.
- **Engines**: `duckdb` (a replica of the fact tables in the data directory, the default),
  `database` (SQLite or PostgreSQL directly) or `spark` (Apache Spark over the fact tables as
  Parquet, for organisations beyond one machine; `pip install 'revsight[spark]'` and Java 17);
  `--engine` or `REVSIGHT_ENGINE` chooses. All give the same values: tested on the demo
  organisation for every metric, scope and period type.

- **Splits**: `--split stage` divides `pipeline_value` and `pipeline_count` by the stage each
  deal stood in on the as-of date; `--split lead_source` divides `lead_count`,
  `marketing_spend` and `cost_per_lead` by lead source. Each JSON row then carries `stage` or
  `lead_source`.

```
revsight metrics [--period P] [--as-of DATE] [--by company|team|rep] [--metric ID]... [--trend N]
                 [--engine duckdb|database|spark] [--format table|json|csv]
                 [--split stage|lead_source]
```

| id | name | unit | better | paced |
|---|---|---|---|---|
"""


def facts(metric: Metric) -> str:
    """The line under a metric's heading: its unit and which way is better."""
    return f"Unit: {UNITS[metric.unit]}. Better: {metric.better}."


def render() -> str:
    from revsight.analytics.catalogue import METRICS

    lines = [HEADER.rstrip("\n")]
    lines += [
        f"| `{m.id}` | {m.name} | {m.unit} | {m.better} | {'yes' if m.accumulates else ''} |"
        for m in METRICS
    ]
    lines.append("")
    lines.append("## Definitions")
    for metric in METRICS:
        lines += ["", f"### `{metric.id}` — {metric.name}", ""]
        lines += [facts(metric), ""]
        lines.append(metric.definition)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revsight.settings")
    django.setup()
    print(render(), end="")

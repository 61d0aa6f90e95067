"""The `revsight` command: set-up, demo data, serving, import, metrics, forecasts, coaching and
tokens.

Each area's commands live in a module of this package and call the domain's services; the
domain never imports click. Errors are rendered once, by the root group (`base.rendered`).
"""

from __future__ import annotations

import click

from revsight.cli import (
    account_plan,
    accounts,
    analytics,
    assess,
    backups,
    business_plan,
    coaching,
    contest,
    discipline,
    forecast,
    imports,
    jobs,
    meeting,
    metrics,
    plan,
    priorities,
    review,
    setup,
    tokens,
    training,
)
from revsight.cli.base import RevsightGroup

__all__ = ["cli", "main"]


@click.group(cls=RevsightGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="revsight")
def cli() -> None:
    """Revsight: the sales leader's cockpit for predictable revenue.

    All state lives in the data directory REVSIGHT_HOME (default: .revsight in the current
    directory), or in PostgreSQL when DATABASE_URL is set.
    """


for _command in (
    *setup.COMMANDS,
    metrics.metrics,
    discipline.discipline,
    analytics.analytics,
    tokens.token,
    imports.import_group,
    imports.template,
    forecast.forecast_group,
    coaching.coaching_group,
    meeting.meeting_group,
    plan.plan_group,
    contest.contest_group,
    account_plan.account_plan_group,
    training.training_group,
    business_plan.business_plan_group,
    priorities.priorities_group,
    review.review_group,
    assess.assess_group,
    accounts.unlock,
    backups.backup,
    backups.restore,
    *jobs.COMMANDS,
):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="revsight")

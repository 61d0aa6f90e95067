"""`revsight assess …`: the sales-management self-assessment (docs/assessments.md): a set of
eleven scores totalled and banded, and the scores the data suggests."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from revsight.cli.base import BadInput, as_of_option, format_option, needs_database, today_or


@click.group("assess")
def assess_group() -> None:
    """The sales-management self-assessment: eleven categories scored 1 to 5."""


@assess_group.command("score", context_settings={"ignore_unknown_options": True})
@click.argument("scores", nargs=-1)
@format_option("table", "json")
def score_command(scores: tuple[str, ...], fmt: str) -> None:
    """Total and band of eleven scores, one per category in order (5 is the highest).

    Example: revsight assess score 5 4 3 3 2 4 5 3 2 4 1
    """
    from revsight.assessments.bands import CATEGORIES, scores_of, summary
    from revsight.core.errors import InvalidInput

    try:
        checked = scores_of(scores)
    except InvalidInput as exc:  # positions are arguments, not options: no "--" before them
        raise BadInput(str(exc)) from None
    result = summary(checked)
    if fmt == "json":
        click.echo(json.dumps(result))
        return
    width = max(len(c.title) for c in CATEGORIES)
    for category, score in zip(CATEGORIES, checked, strict=True):
        click.echo(f"{category.number:>2}. {category.title:{width}}  {score}")
    click.echo(f"\nTotal {result['total']} of 55 ({result['band']}): {result['advice']}.")


def _figures(figures: dict[str, Any]) -> str:
    return ", ".join(f"{name} {value}" for name, value in figures.items() if value is not None)


@assess_group.command("suggest")
@as_of_option("Suggest from what was known at the end of this day. Default: today.")
@click.option("--team", "team_name", help="One team's (by name). Default: the company.")
@format_option("table", "json")
@needs_database
def suggest_command(as_of: date | None, team_name: str | None, fmt: str) -> None:
    """The score the data suggests for each category, with its reason and figures."""
    from revsight.assessments import suggestions

    day = today_or(as_of)
    team = suggestions.team_named(team_name) if team_name else None
    found = suggestions.suggest(day, team)
    if fmt == "json":
        click.echo(json.dumps(suggestions.as_json(day, found)))
        return
    for item in found:
        shown = "—" if item.suggested is None else str(item.suggested)
        click.echo(f"{item.number:>2}. {item.title}: {shown}")
        click.echo(f"    {item.reason}")
        if item.figures:
            click.echo(f"    ({_figures(item.figures)})")

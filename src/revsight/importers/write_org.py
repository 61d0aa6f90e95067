"""Writing the organisation's records: people, teams, quotas, goals and forecast submissions.

All but teams are handed in batches to the services the pages use (`org.services`,
`org.configuration`, `forecasting.services`), so an import keeps their rules and messages. After
the import's first error, quotas, goals and submissions are still checked, not written.
"""

from __future__ import annotations

from typing import Any

from revsight.core import clock
from revsight.forecasting.services import SubmissionRow, check_submissions, record_submissions
from revsight.importers.base import Record
from revsight.importers.references import References
from revsight.importers.tally import Item, Parsed, field_of
from revsight.org import configuration
from revsight.org.models import Role, Team, User


def write_users(refs: References, batch: list[Item]) -> None:
    """People, one per email (a later row with the same email is an alias of the first), then
    their managers, once every person of the file exists."""
    by_email: dict[str, Item] = {}
    # People others report to are managers, unless the file gives their role.
    managers = {parsed["manager"] for _, parsed in batch if parsed["manager"]}
    aliases: list[tuple[str, str]] = []
    for record, parsed in batch:
        reference = parsed["external_id"] or parsed["email"]
        if reference in managers or parsed["email"] in managers:
            record.hints.setdefault("role", Role.MANAGER)
        if record.hints.get("on_request"):
            refs.people_on_request[reference] = (record, parsed)
            continue
        first = by_email.get(parsed["email"])
        if first is not None:
            if first[1] != parsed | {"external_id": first[1]["external_id"]}:
                refs.tally.warn(
                    record,
                    field_of(record, "email"),
                    parsed["email"],
                    f"was already given on row {first[0].row}; that row is used",
                    "duplicate-person",
                )
            aliases.append((reference, first[1]["external_id"] or first[1]["email"]))
            continue
        by_email[parsed["email"]] = (record, parsed)
    people = list(by_email.values())
    annual_before = dict(
        User.objects.filter(email__in=list(by_email)).values_list("email", "annual_quota")
    )
    for (_, parsed), user_id in zip(people, refs.create_people(people), strict=True):
        refs.people[parsed["external_id"] or parsed["email"]] = user_id
    for reference, first_reference in aliases:
        refs.people[reference] = refs.people[first_reference]
    if refs.tally.ok:
        for record, parsed in people:
            _link_manager(refs, record, parsed)
        _spread_annual_quotas(refs, people, annual_before)


def _spread_annual_quotas(refs: References, people: list[Item], before: dict[str, Any]) -> None:
    """A new or changed `annual_quota` sets that person's twelve monthly quotas of the current
    fiscal year (quotas.csv, written later, has the last word on the months it gives). The same
    annual quota imported again leaves the monthly quotas as they were edited since."""
    items, rows = [], []
    for record, parsed in people:
        annual = parsed["annual_quota"]
        if annual is None or annual == "" or before.get(parsed["email"]) == annual:
            continue
        user_id = refs.people[parsed["external_id"] or parsed["email"]]
        for row in configuration.annual_quota_rows(user_id, annual, clock.today()):
            items.append((record, parsed))
            rows.append(row)
    if rows:
        problems, counts = configuration.write_quotas(rows, audited=False, reach=refs.tally.reach)
        refs.tally.counted("quotas", counts)
        refs.tally.handed(items, problems)


def _link_manager(refs: References, record: Record, parsed: Parsed) -> None:
    if not parsed["manager"]:
        return
    user_id = refs.people[parsed["external_id"] or parsed["email"]]
    manager_id = refs.person(record, "manager", parsed["manager"], Role.MANAGER)
    if manager_id == user_id:
        return
    if not refs.tally.reach.everything:
        person = User.objects.get(id=user_id)
        refused = person.manager_id != manager_id and refs.tally.reach.person_refusal(
            person, person.role, person.team_id, {}
        )
        if refused:
            refs.tally.error(record, field_of(record, "manager"), parsed["manager"], refused[1])
            return
    if User.objects.filter(id=user_id).exclude(manager_id=manager_id).update(manager_id=manager_id):
        if refs.user_outcomes.get(user_id) == "unchanged":
            counts = refs.tally.report.count("users")
            counts.unchanged -= 1
            counts.updated += 1
            refs.user_outcomes[user_id] = "updated"
        refs.tally.touched.add("users")


def write_teams(refs: References, batch: list[Item]) -> None:
    """Every team first, then managers and parents, which may name a team given later."""
    counts = refs.tally.report.count("teams")
    reach = refs.tally.reach
    new: set[int] = set()
    for record, parsed in batch:
        team, created = Team.objects.get_or_create(name=parsed["name"][:200])
        refs.teams[parsed["name"]] = team.id
        if created:
            new.add(team.id)
            if not reach.everything:
                message = "is a new team: only executives and administrators add teams"
                refs.tally.error(record, field_of(record, "name"), parsed["name"], message)
    for record, parsed in batch:
        team = Team.objects.get(id=refs.teams[parsed["name"]])
        fields: dict[str, Any] = {}
        if parsed["manager"]:
            fields["manager_id"] = refs.person(record, "manager", parsed["manager"], Role.MANAGER)
        if parsed["parent"]:
            fields["parent_id"] = refs.team(parsed["parent"], record, "parent")
            if fields["parent_id"] == team.id:
                refs.tally.error(
                    record, field_of(record, "parent"), parsed["parent"], "is the team itself"
                )
                continue
        differences = {k: v for k, v in fields.items() if getattr(team, k) != v}
        if differences and team.id not in new and not reach.everything:
            refused = reach.team_refusal(team.id) or (
                "is a team you manage: only executives and administrators change a team's "
                "manager or parent"
            )
            refs.tally.error(record, field_of(record, "name"), parsed["name"], refused)
            continue
        if differences:
            Team.objects.filter(id=team.id).update(**differences)
            refs.tally.touched.add("teams")
        if team.id in new:
            counts.created += 1
        elif differences:
            counts.updated += 1
        else:
            counts.unchanged += 1


def write_quotas(refs: References, batch: list[Item]) -> None:
    rows = [
        configuration.QuotaRow(
            refs.person(record, "user", parsed["user"]),
            refs.team(parsed["team"], record),
            parsed["month"],
            parsed["amount"],
        )
        for record, parsed in batch
    ]
    if refs.tally.ok:
        problems, counts = configuration.write_quotas(rows, audited=False, reach=refs.tally.reach)
        refs.tally.counted("quotas", counts)
    else:
        problems = configuration.check_quotas(rows, refs.tally.reach)[0]
    refs.tally.handed(batch, problems)


def write_forecast_submissions(refs: References, batch: list[Item]) -> None:
    """Submissions carry who imported them. Only an administrator's import (or the operator's)
    brings forecast history, with the file's times; anyone else's are made now, as if entered
    on the Forecast page, so nobody rewrites a forecaster's track record from a file."""
    reach = refs.tally.reach
    rows = [
        SubmissionRow(
            refs.person(record, "user", parsed["user"]) or 0,
            parsed["period_type"],
            parsed["period_start"],
            parsed["category"],
            parsed["amount"],
            parsed["submitted_at"] if reach.administrator else refs.now,
            parsed["note"],
            submitted_by_id=reach.actor_id,
        )
        for record, parsed in batch
    ]
    if refs.tally.ok:
        problems, counts = record_submissions(rows, audited=False, reach=reach)
        refs.tally.counted("forecast_submissions", counts)
    else:
        problems = check_submissions(rows, reach)[0]
    refs.tally.handed(batch, problems)
    if not reach.administrator:
        for record, parsed in batch:
            if parsed["submitted_at"] != refs.now:
                refs.tally.warn(
                    record,
                    field_of(record, "submitted_at"),
                    parsed["submitted_at"],
                    "is replaced by the time of this import: only administrators import "
                    "forecast history",
                    "submission-restamped",
                )


def write_goals(refs: References, batch: list[Item]) -> None:
    rows = [
        configuration.GoalRow(
            parsed["metric"],
            parsed["scope"],
            parsed["period"],
            parsed["target"],
            refs.team(parsed["team"], record),
            refs.person(record, "user", parsed["user"]),
        )
        for record, parsed in batch
    ]
    if refs.tally.ok:
        problems, counts = configuration.write_goals(rows, audited=False, reach=refs.tally.reach)
        refs.tally.counted("goals", counts)
    else:
        problems = configuration.check_goals(rows, refs.tally.reach)[0]
    refs.tally.handed(batch, problems)

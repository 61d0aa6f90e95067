"""The setup checklist of a new installation: each step read from the data (done or not), what
the data says now, what to do and where. Administrators and executives get every step; a
manager the ones she does for her teams (people, quotas, an import, goals)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace

from revsight.access import permissions, visibility
from revsight.core import clock, periods
from revsight.core.models import AuditEntry, Organisation
from revsight.crm.models import Opportunity, Stage
from revsight.org.models import Goal, Quota, Role, Team, User
from revsight.org.stages import missing_outcomes


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    status: str  # what the data says now
    how: str  # what to do, in a sentence
    page: str  # the URL name of the page that does it
    commands: tuple[str, ...] = ()  # the command lines that do it, where a page cannot

    @property
    def commands_text(self) -> str:
        return "\n".join(self.commands)

    @property
    def page_label(self) -> str:
        return PAGE_LABELS[self.page]


PAGE_LABELS = {
    "settings-fiscal-year": "Fiscal year",
    "import": "Import",
    "organisation": "Organisation",
    "settings-quotas": "Quotas",
    "settings-stages": "Stages",
    "settings-goals": "Goals",
}


@dataclass(frozen=True)
class Checklist:
    steps: list[Step]

    @property
    def done(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def complete(self) -> bool:
        return self.done == len(self.steps)

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)


def applies_to(viewer: User) -> bool:
    """Whether the viewer has a checklist: whoever sets targets, and a manager who has no
    team yet (her first step is to get one)."""
    return permissions.may_set_targets(viewer) or viewer.role == Role.MANAGER


def checklist(viewer: User) -> Checklist:
    """The viewer's steps, each computed from the data they see."""
    everything = permissions.may_configure_organisation(viewer)
    steps = [_fiscal_year(), _teams()] if everything else [_own_team(viewer)]
    steps.append(_people(viewer))
    steps.append(_quotas(viewer))
    if everything:
        steps.append(_stages())
    steps.extend([_import(viewer), _goals(viewer)])
    if not permissions.may_import(viewer):  # no link to a page that would refuse them
        steps = [_imported_by_others(step) if step.page == "import" else step for step in steps]
    return Checklist(steps)


def _imported_by_others(step: Step) -> Step:
    how = f"An administrator or a manager does it on the Import page. {step.how}"
    return replace(step, how=how, page="organisation")


def _fiscal_year() -> Step:
    start = Organisation.current().fiscal_year_start_month
    saved = AuditEntry.objects.filter(action="settings.fiscal_year").exists()
    return Step(
        "fiscal-year",
        "Organisation and fiscal year",
        saved,
        f"The fiscal year starts in {calendar.month_name[start]}"
        + ("." if saved else " (the default, not saved yet)."),
        "Choose the month your fiscal year starts in, and what goals to date are pro-rated by, "
        "and save.",
        "settings-fiscal-year",
    )


def _teams() -> Step:
    teams = list(Team.objects.select_related("manager"))
    unmanaged = [team.name for team in teams if team.manager_id is None]
    if not teams:
        status = "No teams yet."
    elif unmanaged:
        status = f"{len(teams)} teams; without a manager: {', '.join(unmanaged[:5])}."
    else:
        status = f"{len(teams)} teams, each with its manager."
    return Step(
        "teams",
        "Teams and their managers",
        bool(teams) and not unmanaged,
        status,
        "Import teams.csv with each team's manager (the Import page has the template), or "
        "create each manager on the command line; a manager lands on her team's dashboard.",
        "import",
        (
            "revsight createuser --email lee@example.com --role manager --name 'Lee Chan' "
            "--manager-of West",
        ),
    )


def _own_team(viewer: User) -> Step:
    managed = list(Team.objects.filter(manager=viewer).values_list("name", flat=True))
    return Step(
        "teams",
        "Your team",
        bool(managed),
        f"You manage {', '.join(managed)}." if managed else "You manage no team yet.",
        "An administrator makes you a team's manager (teams.csv's manager column, or "
        "createuser --manager-of).",
        "organisation",
    )


def _people(viewer: User) -> Step:
    people = visibility.scope(viewer, User.objects.filter(is_active=True)).exclude(pk=viewer.pk)
    sellers = people.filter(role=Role.SALESPERSON, team__isnull=False).count()
    total = people.count()
    return Step(
        "people",
        "People",
        sellers > 0,
        f"{total} people, {sellers} of them salespeople in a team."
        if total
        else "Nobody but you yet.",
        "Import users.csv (email, name, role, team, manager, annual_quota…). People log in "
        "once they have a password: createuser gives one, or their administrator sets it.",
        "import",
        (
            "revsight createuser --email ana@example.com --role salesperson --name 'Ana Silva' "
            "--team West",
        ),
    )


def _fiscal_year_now() -> periods.Period:
    fiscal = Organisation.current().fiscal_year_start_month
    return periods.containing("year", clock.today(), fiscal)


def _quotas(viewer: User) -> Step:
    year = _fiscal_year_now()
    sellers = visibility.scope(
        viewer, User.objects.filter(is_active=True, role=Role.SALESPERSON)
    ).exclude(pk=viewer.pk)
    held = set(
        visibility.scope(viewer, Quota.objects.filter(month__range=(year.start, year.end)))
        .filter(user__isnull=False)
        .values_list("user_id", flat=True)
    )
    total = sellers.count()
    with_quota = sellers.filter(pk__in=held).count()
    return Step(
        "quotas",
        f"Quotas for {year.id}",
        total > 0 and with_quota == total,
        f"{with_quota} of {total} salespeople have a quota in fiscal {year.id}.",
        "Type them in the quota grid, or import them: annual_quota in users.csv (a twelfth a "
        "month) or quotas.csv month by month.",
        "settings-quotas",
    )


def _stages() -> Step:
    outcomes = set(Stage.objects.values_list("outcome", flat=True))
    missing = missing_outcomes(outcomes)
    count = Stage.objects.count()
    if not count:
        status = "No stages yet: an import of deals creates them from their stage names."
    elif missing:
        status = f"{count} stages, but no stage is {' and none '.join(missing)}."
    else:
        status = f"{count} stages, with a won and a lost outcome."
    return Step(
        "stages",
        "Stages and their outcomes",
        count > 0 and not missing,
        status,
        "Set each stage's order, probability and outcome: at least one won (a deal booked) "
        "and one lost.",
        "settings-stages",
    )


def _import(viewer: User) -> Step:
    deals = visibility.scope(viewer, Opportunity.objects.all()).count()
    return Step(
        "import",
        "Your deals",
        deals > 0,
        _counted(deals, "deal"),
        "Import a CRM export (Salesforce, HubSpot, Pipedrive) or the opportunities template.",
        "import",
    )


def _goals(viewer: User) -> Step:
    count = visibility.scope(viewer, Goal.objects.all()).count()
    return Step(
        "goals",
        "Goals",
        count > 0,
        _counted(count, "goal"),
        "Set the targets the dashboards compare with (win rate, cycle time, activities…).",
        "settings-goals",
    )


def _counted(count: int, noun: str) -> str:
    """A step's status from how many of its records exist: "1,204 deals.", "No goals yet."."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}." if count else f"No {noun}s yet."

"""Settings services: each checks everything and who may change it before writing anything."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from revsight.core.errors import InvalidInput
from revsight.core.models import AuditEntry, Organisation
from revsight.crm.models import Stage
from revsight.org import configuration
from revsight.org.configuration import NotAllowed
from revsight.org.models import ActivityStandard, Goal, Quota
from revsight.org.stages import StageRow, save_stages
from tests.importers.helpers import snapshot
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisation(db: None) -> None:
    Organisation.current()  # exists after `revsight init`; pages read it


MARCH = date(2026, 3, 1)


def test_the_fiscal_year_start_is_set_by_executives_and_audited(cast: Cast) -> None:
    configuration.set_fiscal_year_start(cast.president, "4")
    assert Organisation.current().fiscal_year_start_month == 4
    assert AuditEntry.objects.filter(action="settings.fiscal_year", actor=cast.president).exists()
    with pytest.raises(InvalidInput) as error:
        configuration.set_fiscal_year_start(cast.admin, "13")
    assert error.value.field == "fiscal_year_start_month"
    with pytest.raises(NotAllowed):
        configuration.set_fiscal_year_start(cast.vp, "1")
    assert Organisation.current().fiscal_year_start_month == 4


def test_the_pacing_basis_is_set_by_executives_audited_once_and_checked(cast: Cast) -> None:
    assert Organisation.current().pacing == "selling"
    configuration.set_pacing(cast.president, " calendar ")
    configuration.set_pacing(cast.president, "calendar")  # unchanged: no second entry
    assert Organisation.current().pacing == "calendar"
    entries = AuditEntry.objects.filter(action="settings.pacing", actor=cast.president)
    assert [entry.summary for entry in entries] == [
        "Goals to date now pro-rated by calendar days (was selling)"
    ]
    with pytest.raises(InvalidInput) as error:
        configuration.set_pacing(cast.admin, "weekdays")
    assert (error.value.field, error.value.value) == ("pacing", "weekdays")
    with pytest.raises(NotAllowed):
        configuration.set_pacing(cast.vp, "selling")
    assert Organisation.current().pacing == "calendar"


@pytest.fixture
def stages(cast: Cast) -> list[Stage]:
    return [
        Stage.objects.create(name="Qualify", order=1, probability=Decimal("0.1")),
        Stage.objects.create(name="Propose", order=2, probability=Decimal("0.5")),
        Stage.objects.create(name="Won", order=9, probability=1, outcome="won"),
    ]


def rows(stages: list[Stage], **changes: object) -> list[StageRow]:
    found = [StageRow(s.pk, s.name, s.order, s.probability * 100, s.outcome) for s in stages]
    for name, value in changes.items():
        setattr(found[1], name, value)
    return found


def test_stages_are_renamed_reordered_and_added(cast: Cast, stages: list[Stage]) -> None:
    edited = [
        *rows(stages, name="Proposal", probability="60"),
        StageRow(None, "Lost", 10, 0, "lost"),
    ]
    save_stages(cast.admin, edited)
    assert list(Stage.objects.values_list("name", "probability", "outcome")) == [
        ("Qualify", Decimal("0.1000"), "open"),
        ("Proposal", Decimal("0.6000"), "open"),
        ("Won", Decimal("1.0000"), "won"),
        ("Lost", Decimal("0.0000"), "lost"),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"probability": "120"}, "stage 2 probability"),
        ({"probability": "lots"}, "stage 2 probability"),
        ({"name": "qualify"}, "stage 2 name"),
        ({"name": " "}, "stage 2 name"),
        ({"outcome": "maybe"}, "stage 2 outcome"),
        ({"order": "-1"}, "stage 2 order"),
    ],
)
def test_a_bad_stage_row_names_its_field_and_changes_nothing(
    cast: Cast, stages: list[Stage], change: dict[str, object], field: str
) -> None:
    before = snapshot()
    with pytest.raises(InvalidInput) as error:
        save_stages(cast.admin, rows(stages, **change))
    assert error.value.field == field
    assert snapshot() == before


@pytest.mark.parametrize(
    ("outcomes", "message"),
    [
        (("open", "open", "open"), "no stage is won and none lost"),
        (("open", "open", "won"), "no stage is lost"),
        (("open", "lost", "open"), "no stage is won"),
    ],
)
def test_stages_without_a_won_and_a_lost_outcome_are_refused(
    cast: Cast, stages: list[Stage], outcomes: tuple[str, ...], message: str
) -> None:
    before = snapshot()
    edited = rows(stages)
    for row, outcome in zip(edited, outcomes, strict=True):
        row.outcome = outcome
    with pytest.raises(InvalidInput) as error:
        save_stages(cast.admin, edited)
    assert error.value.field == "outcome"
    assert error.value.message.startswith(message + ": give at least one stage the outcome won")
    assert snapshot() == before


def test_a_lost_stage_may_be_added_without_listing_the_won_one(
    cast: Cast, stages: list[Stage]
) -> None:
    save_stages(cast.admin, [StageRow(None, "Closed Lost", 10, 0, "lost")])
    assert sorted(Stage.objects.exclude(outcome="open").values_list("name", flat=True)) == [
        "Closed Lost",
        "Won",
    ]


def test_activity_standards_are_set_and_removed(cast: Cast) -> None:
    configuration.set_activity_standard(cast.admin, "salesperson", "discovery_call", "month", "8")
    standard = ActivityStandard.objects.get(role="salesperson", activity_type="discovery_call")
    assert (standard.per, standard.count) == ("month", Decimal("8.00"))
    with pytest.raises(InvalidInput) as error:
        configuration.set_activity_standard(
            cast.admin, "salesperson", "discovery_call", "week", "-3"
        )
    assert error.value.field == "discovery_call count"
    configuration.set_activity_standard(cast.admin, "salesperson", "discovery_call", "week", "")
    assert not ActivityStandard.objects.exists()


def test_a_manager_sets_quotas_of_their_team_only(cast: Cast) -> None:
    configuration.set_quotas(cast.east_manager, {(cast.east_rep.pk, MARCH): "50,000"})
    assert Quota.objects.get(user=cast.east_rep, month=MARCH).amount == Decimal("50000.00")
    before = snapshot()
    with pytest.raises(NotAllowed) as error:
        configuration.set_quotas(
            cast.east_manager,
            {(cast.east_rep2.pk, MARCH): "40000", (cast.west_rep.pk, MARCH): "40000"},
        )
    assert error.value.field == "Carla, March 2026"
    assert snapshot() == before


def test_one_bad_quota_cell_saves_none_of_them(cast: Cast) -> None:
    before = snapshot()
    with pytest.raises(InvalidInput) as error:
        configuration.set_quotas(
            cast.vp,
            {(cast.east_rep.pk, MARCH): "40000", (cast.west_rep.pk, MARCH): "forty"},
        )
    assert (error.value.field, error.value.value) == ("Carla, March 2026", "forty")
    assert snapshot() == before


def test_a_negative_quota_is_refused_naming_the_cell(cast: Cast) -> None:
    before = snapshot()
    with pytest.raises(InvalidInput) as error:
        configuration.set_quotas(
            cast.vp, {(cast.east_rep.pk, MARCH): "40000", (cast.west_rep.pk, MARCH): "-40,000"}
        )
    assert (error.value.field, error.value.value, error.value.message) == (
        "Carla, March 2026",
        "-40,000",  # as typed
        "must be zero or more",
    )
    assert snapshot() == before


def test_a_blank_quota_cell_removes_that_months_quota(cast: Cast) -> None:
    Quota.objects.create(user=cast.east_rep, month=MARCH, amount=1000)
    assert configuration.set_quotas(cast.vp, {(cast.east_rep.pk, MARCH): ""}) == 1
    assert not Quota.objects.exists()


def test_goals_by_scope_and_who_may_set_them(cast: Cast) -> None:
    configuration.set_goal(
        cast.east_manager, "win_rate", "team", "2026-q2", "0.3", team_id=cast.east.pk
    )
    goal = Goal.objects.get()
    assert (goal.period, goal.target, goal.team) == ("2026-Q2", Decimal("0.3000"), cast.east)
    with pytest.raises(NotAllowed):
        configuration.set_goal(cast.east_manager, "win_rate", "company", "2026-Q2", "0.3")
    with pytest.raises(NotAllowed):
        configuration.set_goal(
            cast.east_manager, "win_rate", "team", "2026-Q2", "0.3", team_id=cast.west.pk
        )
    with pytest.raises(InvalidInput) as error:
        configuration.set_goal(cast.president, "win_ratio", "company", "2026-Q2", "0.3")
    assert error.value.field == "metric"
    with pytest.raises(InvalidInput) as error:
        configuration.set_goal(cast.president, "win_rate", "company", "Q2 2026", "0.3")
    assert error.value.field == "period"
    configuration.set_goal(
        cast.east_manager, "win_rate", "team", "2026-Q2", "", team_id=cast.east.pk
    )
    assert not Goal.objects.exists()

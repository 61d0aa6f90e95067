"""The discipline report: its JSON document, findings sorted by owner, rule and deal, whose deals
each person sees, the twelve weeks of trend, and the rule parameters' service."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.cadence.discipline_models import RuleParameter
from revsight.cadence.parameters import Parameters
from revsight.cadence.report import audience, discipline, named_audience, week_ends
from revsight.cadence.rules import RULE_IDS
from revsight.cadence.services import Setting, save_parameters
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.core.models import AuditEntry
from revsight.crm.models import Account
from tests.cadence.builders import AS_OF, deal, stages
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_deals(cast: Cast) -> Cast:
    """Ben and Ann in East, Carla in West; every deal is late and some lack an amount."""
    acme = Account.objects.create(name="Acme")
    for owner, name, amount in [
        (cast.east_rep2, "B1", None),
        (cast.east_rep, "A1", 100),
        (cast.west_rep, "C1", None),
        (cast.east_rep, "A2", None),
    ]:
        deal(
            owner,
            name,
            date(2026, 4, 1),
            [(date(2026, 4, 1), "Proposal", amount, date(2026, 6, 1))],
            account=acme,
        )
    return cast


RULES = ["past_close_date", "missing_amount"]


def test_the_document_has_the_rules_and_the_findings_sorted_by_owner_rule_and_deal(
    team_deals: Cast,
) -> None:
    document = discipline(AS_OF, audience(None), RULES).as_json()
    assert list(document) == ["as_of", "rules", "findings"]
    assert document["as_of"] == "2026-06-30"
    assert document["rules"] == [
        {
            "id": "past_close_date",
            "description": "Open at the as-of date with an expected close date before it.",
            "count": 4,
        },
        {
            "id": "missing_amount",
            "description": "Open with no amount or an amount of 0.",
            "count": 3,
        },
    ]
    a2 = document["findings"][2]["deal"]
    assert document["findings"][2] == {
        "rule": "past_close_date",
        "deal": {"id": a2["id"], "external_id": "X-A2", "name": "A2", "account": "Acme"},
        "owner": "ann@acme.test",
        "detail": "expected to close 2026-06-01, 29 days ago",
    }
    assert [(f["owner"], f["rule"], f["deal"]["name"]) for f in document["findings"]] == [
        ("ann@acme.test", "missing_amount", "A2"),
        ("ann@acme.test", "past_close_date", "A1"),
        ("ann@acme.test", "past_close_date", "A2"),
        ("ben@acme.test", "missing_amount", "B1"),
        ("ben@acme.test", "past_close_date", "B1"),
        ("carla@acme.test", "missing_amount", "C1"),
        ("carla@acme.test", "past_close_date", "C1"),
    ]


def test_every_rule_is_judged_when_none_is_named(team_deals: Cast) -> None:
    report = discipline(AS_OF, audience(None))
    assert [r.id for r in report.rules] == list(RULE_IDS)
    assert report.counts == {
        "past_close_date": 4,
        "no_recent_activity": 4,
        "stale_in_stage": 0,  # no deal won yet: no stage has an expected time
        "skipped_stage": 0,
        "moved_backwards": 0,
        "missing_amount": 3,
        "missing_next_step": 0,
        "close_date_pushed": 0,
    }


@pytest.mark.parametrize(
    ("who", "owners"),
    [
        ("east_rep", {"ann@acme.test"}),
        ("east_manager", {"ann@acme.test", "ben@acme.test"}),
        ("vp", {"ann@acme.test", "ben@acme.test", "carla@acme.test"}),
        ("president", {"ann@acme.test", "ben@acme.test", "carla@acme.test"}),
        ("services_head", set()),
    ],
)
def test_each_person_sees_the_deals_of_the_people_they_see(
    team_deals: Cast, who: str, owners: set[str]
) -> None:
    report = discipline(AS_OF, audience(getattr(team_deals, who)), RULES)
    assert {f.owner for f in report.findings} == owners


def test_a_team_and_a_person_narrow_what_the_viewer_sees(team_deals: Cast) -> None:
    cast = team_deals
    east = named_audience(cast.vp, None, "east")
    assert {f.owner for f in discipline(AS_OF, east, RULES).findings} == {
        "ann@acme.test",
        "ben@acme.test",
    }
    ben = named_audience(cast.east_manager, "BEN@acme.test", None)
    assert {f.owner for f in discipline(AS_OF, ben, RULES).findings} == {"ben@acme.test"}
    everyone = named_audience(None, None, "Sales")  # the operator: a team and its sub-teams
    assert len(discipline(AS_OF, everyone, RULES).findings) == 7


@pytest.mark.parametrize(
    ("viewer", "email", "team", "field", "message"),
    [
        ("east_rep", "ben@acme.test", None, "user", "is not a person you see"),
        ("east_manager", None, "West", "team", "is not a team you manage (known: East)"),
        ("vp", None, "Eats", "team", "is not a team you manage (did you mean 'East'?)"),
        (None, "nobody@acme.test", None, "user", "is not a person"),
        (None, "ann@acme.test", "East", "team", "cannot be given with --user: choose one"),
    ],
)
def test_a_person_or_team_out_of_sight_is_refused_naming_the_option(
    team_deals: Cast,
    viewer: str | None,
    email: str | None,
    team: str | None,
    field: str,
    message: str,
) -> None:
    with pytest.raises(InvalidInput) as raised:
        named_audience(getattr(team_deals, viewer) if viewer else None, email, team)
    assert (raised.value.field, raised.value.fields[0].message) == (field, message)


def test_an_unknown_rule_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"rule \('late'\) is not a rule \(past_close_date, "):
        discipline(AS_OF, audience(None), ["late"])


def test_the_week_ends_are_the_last_twelve_sundays_and_the_day_itself() -> None:
    ends = week_ends(AS_OF, 12)
    assert ends[0] == ("2026-W16", date(2026, 4, 19))
    assert ends[-2:] == [("2026-W26", date(2026, 6, 28)), ("2026-W27", date(2026, 6, 30))]
    assert len(ends) == 12
    assert week_ends(date(2026, 6, 28), 2) == [
        ("2026-W25", date(2026, 6, 21)),
        ("2026-W26", date(2026, 6, 28)),
    ]


def test_the_trend_is_reconstructed_from_history(cast: Cast) -> None:
    """A deal created on 20 April, expected on 15 May, pushed to 10 June on 1 June, and won on
    20 June: late in the weeks ending 17, 24 and 31 May, on time on 7 June, late on 14 June."""
    deal(
        cast.east_rep,
        "D",
        date(2026, 4, 20),
        [
            (date(2026, 4, 20), "Proposal", 100, date(2026, 5, 15)),
            (date(2026, 6, 1), "Proposal", 100, date(2026, 6, 10)),
            (date(2026, 6, 20), "Won", 100, date(2026, 6, 20)),
        ],
    )
    report = discipline(AS_OF, audience(None), ["past_close_date"], weeks=12)
    assert [p.counts["past_close_date"] for p in report.trend] == [
        0,
        0,
        0,
        0,
        1,
        1,
        1,
        0,
        1,
        0,
        0,
        0,
    ]
    assert report.counts == {"past_close_date": 0}


def test_parameters_are_saved_checked_and_audited(cast: Cast) -> None:
    proposal = stages()["Proposal"]
    changed = save_parameters(
        cast.admin,
        [
            Setting("no_recent_activity", "days", None, "21"),
            Setting("no_recent_activity", "days", proposal.pk, " 30 "),
            Setting("close_date_pushed", "times", None, ""),
        ],
    )
    assert changed == 2
    parameters = Parameters.load()
    assert parameters.value("no_recent_activity", "days", proposal.pk) == 30
    assert parameters.value("no_recent_activity", "days", stages()["Qualification"].pk) == 21
    assert parameters.value("close_date_pushed", "times") == 3
    entry = AuditEntry.objects.get(action="cadence.parameters")
    assert (
        entry.summary
        == "Discipline rules: no_recent_activity.days = 21; no_recent_activity.days[Proposal] = 30"
    )
    assert (
        save_parameters(cast.admin, [Setting("no_recent_activity", "days", proposal.pk, "")]) == 1
    )
    assert Parameters.load().value("no_recent_activity", "days", proposal.pk) == 21


@pytest.mark.parametrize(
    ("setting", "field", "message"),
    [
        (
            ("no_recent_activity", "days", None, "two weeks"),
            "no_recent_activity.days",
            "must be a whole number",
        ),
        (
            ("no_recent_activity", "days", None, "0"),
            "no_recent_activity.days",
            "must be between 1 and 365",
        ),
        (
            ("close_date_pushed", "times", "Proposal", "4"),
            "close_date_pushed.times[Proposal]",
            "is not set per stage",
        ),
        (("missing_amount", "days", None, "4"), "missing_amount.days", "is not a rule parameter"),
        (("stale_in_stage", "days", "Won", "4"), "stale_in_stage.days[", "is not an open stage"),
    ],
)
def test_a_bad_parameter_names_its_field_and_nothing_is_saved(
    cast: Cast, setting: tuple[str, str, str | None, str], field: str, message: str
) -> None:
    rule, name, stage, raw = setting
    stage_id = stages()[stage].pk if stage else None
    good = Setting("no_recent_activity", "days", None, "21")
    with pytest.raises(InvalidInput) as raised:
        save_parameters(cast.admin, [good, Setting(rule, name, stage_id, raw)])
    assert raised.value.field.startswith(field)
    assert raised.value.fields[0].message == message
    assert not RuleParameter.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["east_manager", "vp", "east_rep"])
def test_only_executives_and_administrators_change_the_rules(cast: Cast, who: str) -> None:
    with pytest.raises(NotAllowed):
        save_parameters(getattr(cast, who), [Setting("no_recent_activity", "days", None, "21")])
    assert not RuleParameter.objects.exists()

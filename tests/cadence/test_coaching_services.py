"""The coaching log's services: who may log, edit, delete, reply and mark done, what each
refuses (naming the field, storing nothing) and what the audit log keeps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from revsight.access.visibility import scope
from revsight.cadence import coaching_services as services
from revsight.cadence.coaching import coaching_settings
from revsight.cadence.coaching_services import EntryInput
from revsight.cadence.models import CoachingEntry, CoachingReply, CoachingTarget
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import AuditEntry, Organisation
from revsight.crm.models import Account, Opportunity, Stage
from tests.cadence.helpers import logged, on, stored
from tests.people import Cast

pytestmark = pytest.mark.django_db
JUNE_3 = date(2026, 6, 3)


@pytest.fixture(autouse=True)
def organisation(db: None) -> None:
    Organisation.current()


def deal(cast: Cast, owner: Any, external_id: str, account: Account) -> Opportunity:
    stage = Stage.objects.get_or_create(name="Proposal", defaults={"order": 3})[0]
    return Opportunity.objects.create(
        account=account,
        owner=owner,
        name=f"{account.name} renewal",
        amount=Decimal("40000"),
        stage=stage,
        created_date=date(2026, 4, 1),
        close_date=date(2026, 7, 31),
        source="csv",
        external_id=external_id,
    )


def test_a_manager_logs_a_joint_call_for_their_rep_with_the_deals_account(cast: Cast) -> None:
    globex = Account.objects.create(name="Globex", owner=cast.east_rep)
    opportunity = deal(cast, cast.east_rep, "OPP-1", globex)
    with on():
        entry = services.log_entry(
            cast.east_manager,
            cast.east_rep,
            EntryInput(
                date="2026-06-03",
                kind="joint_call",
                scheduled=False,
                skill="closing",
                deal="OPP-1",
                notes="Price objection handled by reframing the cost of waiting.",
                action="Send the reference case study",
                due="2026-06-10",
            ),
        )
    assert (entry.coach, entry.salesperson, entry.date) == (
        cast.east_manager,
        cast.east_rep,
        JUNE_3,
    )
    assert (entry.kind, entry.scheduled, entry.skill) == ("joint_call", False, "Closing")
    assert (entry.opportunity, entry.account) == (opportunity, globex)
    assert (entry.action_due, entry.action_done) == (date(2026, 6, 10), False)
    audited = AuditEntry.objects.get(action="coaching.log")
    assert (audited.actor, audited.summary) == (
        cast.east_manager,
        "Joint call with ann@acme.test on 2026-06-03",
    )
    assert audited.object_id == str(entry.pk)


def test_a_manager_of_another_team_is_refused_and_nothing_is_stored(cast: Cast) -> None:
    before = stored()
    with on(), pytest.raises(NotAllowed) as error:
        logged(cast.west_manager, cast.east_rep, JUNE_3)
    assert error.value.field == "user"
    assert stored() == before


@pytest.mark.parametrize("coach", ["vp", "president", "admin"])
def test_the_managers_above_and_executives_log_for_anyone_below(cast: Cast, coach: str) -> None:
    with on():
        entry = logged(getattr(cast, coach), cast.east_rep, JUNE_3)
    assert entry.coach == getattr(cast, coach)


def test_nobody_logs_coaching_for_themselves_and_a_rep_logs_for_no_one(cast: Cast) -> None:
    before = stored()
    with on():
        with pytest.raises(NotAllowed):
            logged(cast.east_rep, cast.east_rep, JUNE_3)
        with pytest.raises(NotAllowed):
            logged(cast.east_rep, cast.east_rep2, JUNE_3)
        with pytest.raises(InvalidInput) as error:
            logged(cast.president, cast.east_manager, JUNE_3)  # a manager, not a salesperson
    assert (error.value.field, error.value.message) == ("user", "is not a salesperson")
    assert stored() == before


BAD = [
    ({"date": ""}, "date", "is required (a date such as 2026-03-31)"),
    ({"date": "2026-06-31"}, "date", "must be a date such as 2026-03-31"),
    ({"date": "2026-06-18"}, "date", "is after today: log it once it has happened"),
    (
        {"kind": "lunch"},
        "kind",
        "must be one of: joint_call, coaching_session, ride_along, role_play",
    ),
    ({"skill": "Juggling"}, "skill", "is not in the coaching skills: Prospecting, "),
    ({"deal": "OPP-404"}, "deal", "is not a deal you can see"),
    ({"deal": "OPP-W"}, "deal", "is not a deal you can see"),
    ({"account_id": 999_999}, "account", "is not an account you can see"),
    ({"deal": "OPP-1", "account_id": "other"}, "account", "is not the account of deal OPP-1"),
    ({"notes": "x" * 10_001}, "notes", "is longer than 10000 characters"),
    ({"action": "Call back"}, "due", "is required with an agreed action"),
    ({"due": "2026-06-10"}, "due", "needs the agreed action it is the date of"),
    ({"action": "Call back", "due": "2026-06-01"}, "due", "is before the date of the entry"),
    ({"scheduled": "maybe"}, "scheduled", "must be yes or no"),
]


@pytest.mark.parametrize(("given", "field", "message"), BAD)
def test_bad_input_names_the_field_and_stores_nothing(
    cast: Cast, given: dict[str, Any], field: str, message: str
) -> None:
    globex = Account.objects.create(name="Globex", owner=cast.east_rep)
    initech = Account.objects.create(name="Initech", owner=cast.east_rep)
    deal(cast, cast.east_rep, "OPP-1", globex)
    deal(cast, cast.west_rep, "OPP-W", Account.objects.create(name="Umbrella", owner=cast.west_rep))
    if given.get("account_id") == "other":
        given = {**given, "account_id": initech.pk}
    values = {"date": "2026-06-03", "kind": "joint_call"} | given
    before = stored()
    with on(), pytest.raises(InvalidInput) as error:
        services.log_entry(cast.east_manager, cast.east_rep, EntryInput(**values))
    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert stored() == before


def test_a_salesperson_sees_only_their_own_entries_and_a_coach_those_they_logged(
    cast: Cast,
) -> None:
    with on():
        own = logged(cast.east_manager, cast.east_rep, JUNE_3)
        logged(cast.east_manager, cast.east_rep2, JUNE_3)
        west = logged(cast.west_manager, cast.west_rep, JUNE_3)
    entries = CoachingEntry.objects.all()
    assert list(scope(cast.east_rep, entries)) == [own]
    assert {e.salesperson for e in scope(cast.east_manager, entries)} == {
        cast.east_rep,
        cast.east_rep2,
    }
    assert list(scope(cast.west_rep, entries)) == [west]
    assert scope(cast.vp, entries).count() == scope(cast.president, entries).count() == 3
    assert scope(cast.consultant, entries).count() == 0
    # Moved to the West, ann's entry stays visible to the East manager who logged it.
    cast.east_rep.team = cast.west
    cast.east_rep.save()
    assert own in scope(cast.east_manager, entries)


def test_the_salesperson_replies_to_their_own_entries_only(cast: Cast) -> None:
    with on():
        own = logged(cast.east_manager, cast.east_rep, JUNE_3)
        other = logged(cast.east_manager, cast.east_rep2, JUNE_3)
        answer = services.reply(cast.east_rep, own.pk, "  I will book the follow-up.  ")
        before = stored()
        with pytest.raises(NotFound):  # not hers to see
            services.reply(cast.east_rep, other.pk, "Not mine")
        with pytest.raises(NotAllowed) as refused:  # the manager sees it, but does not reply
            services.reply(cast.east_manager, own.pk, "Manager's note")
        with pytest.raises(InvalidInput) as empty:
            services.reply(cast.east_rep, own.pk, "   ")
    assert (answer.text, answer.author, answer.entry) == (
        "I will book the follow-up.",
        cast.east_rep,
        own,
    )
    assert refused.value.field == "reply"
    assert (empty.value.field, empty.value.message) == ("reply", "is empty: write what you answer")
    assert stored() == before
    assert AuditEntry.objects.filter(action="coaching.reply", actor=cast.east_rep).count() == 1


def test_a_manager_edits_and_deletes_their_teams_entries_and_no_one_elses(cast: Cast) -> None:
    with on():
        entry = logged(cast.east_manager, cast.east_rep, JUNE_3)
        services.reply(cast.east_rep, entry.pk, "Thanks")
        changed = services.edit_entry(
            cast.vp, entry.pk, EntryInput(date="2026-06-04", kind="ride_along", skill="Closing")
        )
        before = stored()
        with pytest.raises(NotFound):
            services.edit_entry(cast.west_manager, entry.pk, EntryInput(JUNE_3, "joint_call"))
        with pytest.raises(NotFound):
            services.delete_entry(cast.west_manager, entry.pk)
        with pytest.raises(NotAllowed):
            services.delete_entry(cast.east_rep, entry.pk)
        with pytest.raises(InvalidInput):
            services.edit_entry(cast.east_manager, entry.pk, EntryInput("2026-06-04", "nap"))
        assert stored() == before
        services.delete_entry(cast.east_manager, entry.pk)
    assert (changed.date, changed.kind, changed.coach) == (
        date(2026, 6, 4),
        "ride_along",
        cast.east_manager,
    )
    assert AuditEntry.objects.get(action="coaching.edit").details == {
        "changed": ["date", "kind", "skill"]
    }
    assert not CoachingEntry.objects.exists()
    assert not CoachingReply.objects.exists()
    assert AuditEntry.objects.filter(action="coaching.delete", actor=cast.east_manager).exists()


def test_the_action_is_marked_done_by_the_rep_or_their_manager(cast: Cast) -> None:
    with on():
        entry = logged(cast.east_manager, cast.east_rep, JUNE_3, action="Rehearse", due=JUNE_3)
        bare = logged(cast.east_manager, cast.east_rep, JUNE_3)
        assert services.mark_action_done(cast.east_rep, entry.pk).action_done
        assert not services.mark_action_done(cast.east_manager, entry.pk, done=False).action_done
        with pytest.raises(NotFound):
            services.mark_action_done(cast.east_rep2, entry.pk)
        with pytest.raises(InvalidInput) as error:
            services.mark_action_done(cast.east_rep, bare.pk)
    assert error.value.field == "action"
    assert AuditEntry.objects.filter(action="coaching.action").count() == 2


def test_the_settings_are_changed_by_executives_and_checked_whole(cast: Cast) -> None:
    services.set_coaching_settings(
        cast.admin, "Discovery\n\n  Closing \n", "3", {cast.east_rep.pk: "1"}
    )
    before = stored()
    for skills, calls, targets, field in [
        ("Discovery\ndiscovery", "2", {}, "skills"),
        ("", "2", {}, "skills"),
        ("Closing", "two", {}, "joint_calls"),
        ("Closing", "32", {}, "joint_calls"),
        ("Closing", "2", {cast.east_rep.pk: "-1"}, "target for Ann"),
        ("Closing", "2", {cast.east_manager.pk: "1"}, "target"),
    ]:
        with pytest.raises(InvalidInput) as error:
            services.set_coaching_settings(cast.admin, skills, calls, targets)
        assert error.value.field == field
    with pytest.raises(NotAllowed):
        services.set_coaching_settings(cast.east_manager, "Closing", "2")
    assert stored() == before
    current = coaching_settings()
    assert (current.skills, current.joint_calls_per_month) == (["Discovery", "Closing"], 3)
    assert list(
        CoachingTarget.objects.values_list("salesperson__email", "joint_calls_per_month")
    ) == [("ann@acme.test", 1)]

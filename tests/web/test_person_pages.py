"""The pages of presales engineers and consultants, on the demo organisation as of 20 June 2026
(15 of June's 22 selling days gone by): their own work against their role's standards and
their goals, the records behind each number, and who may open them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client

from revsight.crm.models import Activity, TimeEntry
from revsight.org.models import Role, Team, User
from tests.web.clients import logged_in

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.views]

JUNE_1, JUNE_20 = date(2026, 6, 1), date(2026, 6, 20)
TO_DATE = 15 / 22  # June 2026's selling days gone by on the 20th
JUNE = 30  # days


def person(email: str) -> User:
    return User.objects.get(email=email)


def page(viewer: User, who: User, query: str = "?as_of=2026-06-20") -> Any:
    return logged_in(viewer).get(f"/dashboard/person/{who.pk}/{query}")


def tile(response: Any, metric: str) -> Any:
    return next(t for t in response.context["data"].tiles if t.id == metric)


def done(engineer: User, kind: str) -> int:
    return Activity.objects.filter(owner=engineer, type=kind, date__range=(JUNE_1, JUNE_20)).count()


@pytest.mark.parametrize("email", ["presales@example.com", "consultant@example.com"])
def test_presales_and_consultants_land_on_their_own_page(email: str) -> None:
    someone = person(email)
    assert logged_in(someone).get("/")["Location"] == f"/dashboard/person/{someone.pk}/"
    landed = logged_in(someone).get("/?as_of=2026-06-20&period=2026-06")["Location"]
    assert landed == f"/dashboard/person/{someone.pk}/?as_of=2026-06-20&period=2026-06"
    assert page(someone, someone).status_code == 200


def test_presales_see_their_standards_to_date() -> None:
    engineer = person("presales@example.com")
    response = page(engineer, engineer)
    rows = {row.kind: row for row in response.context["data"].standards}
    assert list(rows) == ["presales_call", "demonstration"]  # the demo's presales standards
    calls, demos = rows["presales_call"], rows["demonstration"]
    assert (calls.count, calls.per, demos.count, demos.per) == (5.0, "week", 20.0, "month")
    assert calls.expected == round(5 * JUNE / 7 * TO_DATE, 2) == 14.61
    assert demos.expected == round(20 * JUNE * 12 / 365 * TO_DATE, 2) == 13.45
    assert (calls.done, demos.done) == (done(engineer, "presales_call"), 11) == (8, 11)
    assert calls.share == round(8 / (5 * JUNE / 7 * TO_DATE), 6)
    assert (calls.on_pace, demos.on_pace) == (False, False)
    html = response.content.decode()
    assert "14.6" in html
    assert "54.8% behind pace" in html


def test_presales_see_the_deals_they_support_and_may_open_them() -> None:
    engineer = person("presales@example.com")
    response = page(engineer, engineer)
    data = response.context["data"]
    worked = set(
        Activity.objects.filter(owner=engineer, date__range=(JUNE_1, JUNE_20))
        .exclude(opportunity=None)
        .values_list("opportunity_id", flat=True)
    )
    assert data.deals_total == len(worked) == tile(response, "deals_supported").value == 15
    assert len(data.deals) == 10
    assert [d.amount for d in data.deals] == sorted((d.amount for d in data.deals), reverse=True)
    listed = logged_in(engineer).get(response.context["supported_link"])
    assert {row["id"] for row in listed.context["rows"]} == worked  # owned by salespeople


def test_activities_of_a_presales_page_drill_down_to_the_records() -> None:
    engineer = person("presales@example.com")
    response = page(engineer, engineer)
    shown = next(t for t in response.context["tiles"] if t.id == "activity_count")
    activities = logged_in(engineer).get(shown.link)
    assert len(activities.context["rows"]) == tile(response, "activity_count").value == 19
    calls = logged_in(engineer).get(response.context["standard_links"]["presales_call"])
    assert len(calls.context["rows"]) == 8


def test_consultants_see_utilisation_and_realisation_against_their_goals() -> None:
    consultant = person("consultant@example.com")
    response = page(consultant, consultant)
    june = TimeEntry.objects.filter(consultant=consultant, date__range=(JUNE_1, JUNE_20))
    hours = float(june.aggregate(h=Sum("hours"))["h"])
    billable = float(june.filter(billable=True).aggregate(h=Sum("hours"))["h"])
    utilisation = tile(response, "consultant_utilization")
    assert (hours, billable) == (120.0, 91.0)
    assert utilisation.value == round(billable / hours, 6)
    assert (utilisation.goal, utilisation.good) == (0.75, True)  # the demo's goal for each
    realisation = tile(response, "consultant_realization")
    assert (realisation.goal, realisation.good) == (0.9, False)
    backlog = tile(response, "consultant_backlog_days")
    assert (backlog.goal, backlog.good) == (90.0, True)
    assert tile(response, "consultant_hours").value == hours


def test_consultants_see_six_weeks_of_timesheets_with_their_entries() -> None:
    consultant = person("consultant@example.com")
    response = page(consultant, consultant)
    weeks = response.context["weeks"]
    assert [w.period.id for w, _ in weeks] == [f"2026-W{n}" for n in range(20, 26)]
    last, link = weeks[-1]
    entries = TimeEntry.objects.filter(
        consultant=consultant, date__range=(date(2026, 6, 15), JUNE_20)
    )
    assert last.hours == float(entries.aggregate(h=Sum("hours"))["h"])
    listed = logged_in(consultant).get(link)
    assert len(listed.context["rows"]) == entries.count()
    assert listed.context["hours"] == last.hours
    csv = logged_in(consultant).get(link + "&format=csv").content.decode().splitlines()
    assert csv[0] == "date,owner_email,hours,billable,amount,standard_rate,account"
    assert len(csv) == entries.count() + 1


def test_the_year_before_is_drawn_beside_the_last_twelve_months() -> None:
    consultant = person("consultant@example.com")
    plain = page(consultant, consultant).context["data"].monthly
    assert plain.months[0] == "2025-07"
    assert plain.months[-1] == "2026-06"
    assert plain.year_before == []
    compared = page(consultant, consultant, "?as_of=2026-06-20&compare=last_year")
    before = compared.context["data"].monthly.year_before
    assert [len(s.values) for s in before] == [12, 12]
    names = [trace["name"] for trace in compared.context["monthly"]["data"]]
    assert "Utilisation, a year before" in names


def test_those_who_see_a_person_open_their_page_and_no_one_else() -> None:
    engineer, consultant = person("presales@example.com"), person("consultant@example.com")
    services = Team.objects.get(name="Professional Services")
    assert services.manager is not None
    assert page(person("vp@example.com"), engineer).status_code == 200  # manages Presales
    assert page(services.manager, consultant).status_code == 200
    assert page(person("president@example.com"), consultant).status_code == 200
    assert page(person("manager@example.com"), engineer).status_code == 404
    assert page(person("rep@example.com"), consultant).status_code == 404
    assert page(engineer, consultant).status_code == 404
    rep = person("rep@example.com")
    assert page(person("president@example.com"), rep).status_code == 404  # a salesperson's is /rep/


def test_a_team_dashboard_links_its_consultants_pages() -> None:
    services = Team.objects.get(name="Professional Services")
    assert services.manager is not None
    client: Client = logged_in(services.manager)
    response = client.get(f"/dashboard/team/{services.pk}/?as_of=2026-06-20")
    consultants = User.objects.filter(role=Role.CONSULTANT).order_by("name")
    shown = response.context["people"]["shown"]
    assert [p["name"] for p in shown] == [c.display_name for c in consultants]
    assert response.context["people"]["total"] == len(shown)
    assert all(client.get(p["url"]).status_code == 200 for p in shown)
    assert "The first" not in response.content.decode()


def test_a_team_with_more_people_than_the_list_shows_says_how_many_there_are() -> None:
    services = Team.objects.get(name="Professional Services")
    assert services.manager is not None
    before = User.objects.filter(role=Role.CONSULTANT, team=services).count()
    for n in range(31):
        User.objects.create_user(
            email=f"consultant{n:02d}@example.com",
            name=f"Consultant {n:02d}",
            role=Role.CONSULTANT,
            team=services,
        )
    response = logged_in(services.manager).get(f"/dashboard/team/{services.pk}/?as_of=2026-06-20")
    people = response.context["people"]
    assert (len(people["shown"]), people["total"]) == (30, before + 31)
    assert f"The first 30 of {before + 31}, by role and name" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?period=2026-13", "period ('2026-13') has no such month"),
        ("?compare=yesterday", "compare ('yesterday') must be one of: previous, last_year"),
        ("?as_of=2026-02-30", "as_of ('2026-02-30') must be a date"),
    ],
)
def test_a_bad_address_is_a_400_naming_the_field(query: str, named: str) -> None:
    consultant = person("consultant@example.com")
    response = page(consultant, consultant, query)
    assert response.status_code == 400
    assert named in response.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(
    "query",
    [
        "scope=person/999999&period=2026-06",  # no such person
        "scope=person/abc&period=2026-06",  # no id
        "scope=person/{rep}&period=2026-06",  # a salesperson has no person page
        "scope=person/{other}&period=2026-06",  # another consultant
    ],
)
def test_time_entries_outside_what_one_sees_are_not_found(query: str) -> None:
    consultant = person("consultant@example.com")
    other = User.objects.filter(role=Role.CONSULTANT).exclude(pk=consultant.pk).first()
    assert other is not None
    address = query.format(rep=person("rep@example.com").pk, other=other.pk)
    before = TimeEntry.objects.count()
    response = logged_in(consultant).get(f"/records/time/?{address}&as_of=2026-06-20")
    assert response.status_code == 404
    assert TimeEntry.objects.count() == before

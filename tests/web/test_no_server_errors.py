"""Whatever is typed into an address or a request body, the answer is never a server error: bad
input gets a 400 naming the parameter, a page out of reach a 403 or 404.

Hypothesis draws each page's query parameters (dates at the calendar's ends, huge numbers,
unknown ids, control characters, plausible values) and the person asking."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revsight.access.tokens import create_token
from revsight.core.models import Organisation
from tests.people import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.views]

ROLES = ("president", "admin", "east_manager", "east_rep", "consultant")
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "1", "7", "90", "99999999999999999999", "1e9", "NaN"]),
)
DAYS = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2026-03-31", "9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01"]),
)
PERIODS = st.one_of(
    st.sampled_from(["month", "week", "quarter", "ytd", "year", "2026-03", "2026-Q1", "2026"]),
    st.sampled_from(["9999-12", "0000-01", "2026-W99", "2026-Q9", "2026-YTD", "1-1", "-"]),
)
TEXT = st.text(max_size=40)
VALUE = st.one_of(TEXT, NUMBERS, DAYS, PERIODS)
PARAMETERS = {
    "as_of": DAYS,
    "period": PERIODS,
    "window": NUMBERS,
    "scope": st.one_of(
        st.sampled_from(["company", "team/1", "rep/1", "team/", "rep/x", "nobody/3"]),
        NUMBERS.map(lambda n: f"team/{n}"),
        TEXT,
    ),
    "owner": st.one_of(st.sampled_from(["ann@acme.test", "carla@acme.test"]), TEXT),
    "stage": TEXT,
    "type": TEXT,
    "account": NUMBERS,
    "format": st.sampled_from(["csv", "json", "", "xml"]),
    "year": NUMBERS,
    "role": st.one_of(st.sampled_from(["salesperson", "manager"]), TEXT),
    "saved": TEXT,
    "job": st.one_of(NUMBERS.map(str), TEXT),
    "retried": TEXT,
    "next": st.one_of(
        st.sampled_from(["/organisation/", "https://evil.test/", "//evil.test", "javascript:x"]),
        TEXT,
    ),
    "metric": st.one_of(st.sampled_from(["win_rate", "bookings", "win_ratio"]), TEXT),
    "team": st.one_of(NUMBERS.map(str), TEXT),
    "month": st.one_of(PERIODS, TEXT),
}
PAGES = [
    "/",
    "/organisation/",
    "/metrics/",
    "/dashboard/company/",
    "/dashboard/team/{team}/",
    "/dashboard/rep/{rep}/",
    "/dashboard/team/99999999999999999999/",
    "/records/won/",
    "/records/pipeline/",
    "/records/activities/",
    "/forecast/",
    "/setup/",
    "/import/templates/users.csv",
    "/import/templates/nothing.xlsx",
    "/settings/quotas/",
    "/settings/goals/",
    "/settings/standards/",
    "/settings/stages/",
    "/settings/fiscal-year/",
    "/settings/schedules/",
    "/settings/coaching/",
    "/coaching/",
    "/coaching/{rep}/",
    "/coaching/entries/1/edit/",
    "/profile/",
    "/import/",
    "/jobs/",
    "/jobs/1/status/",
    "/jobs/99999999999999999999/status/",
]
QUERIES = st.dictionaries(st.sampled_from(sorted(PARAMETERS)), VALUE, max_size=4).flatmap(
    lambda chosen: st.fixed_dictionaries(
        {name: st.one_of(PARAMETERS[name], st.just(value)) for name, value in chosen.items()}
    )
)


@pytest.fixture
def people(cast: Cast) -> Cast:
    """The cast, built once per test: the examples only read (hypothesis runs them all within
    one call, hence the function-scoped fixture health check below is suppressed)."""
    Organisation.current()
    return cast


def _client(cast: Cast, role: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(getattr(cast, role))
    return client


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(role=st.sampled_from(ROLES), query=QUERIES)
def test_no_page_answers_a_server_error(
    people: Cast, page: str, role: str, query: dict[str, str]
) -> None:
    url = page.format(team=people.east.pk, rep=people.east_rep.pk)
    response = _client(people, role).get(url, {k: v.replace("\x00", "") for k, v in query.items()})
    assert response.status_code < 500, (url, query, response.content[:500])


BODIES = st.one_of(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.floats(), st.integers(), TEXT),
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner)),
        max_leaves=12,
    ).map(json.dumps),
    st.fixed_dictionaries(
        {"period": PERIODS, "commit": st.one_of(NUMBERS, TEXT), "user": TEXT}
    ).map(json.dumps),
    st.sampled_from(["[" * 100_000 + "]" * 100_000, "{", "\xff", ""]),
)


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(body=BODIES, role=st.sampled_from(("east_manager", "east_rep")))
def test_no_api_body_answers_a_server_error(people: Cast, body: str, role: str) -> None:
    _, secret = create_token(getattr(people, role).email, "hypothesis")
    response = Client(raise_request_exception=False).post(
        "/api/forecasts/", body, "application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code < 500, (body[:200], response.content[:500])
    assert "error" in response.json() or response.status_code == 201


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/dashboard/company/?as_of=9999-12-31", "as_of"),
        ("/forecast/?as_of=9999-12-31", "as_of"),
        ("/records/won/?scope=company&period=9999-12", "period"),
        ("/records/won/?scope=company&period=0000-01", "period"),
        ("/records/pipeline/?scope=company&window=99999999999", "window"),
        ("/records/won/?scope=company&account=999999999999999999999", "account"),
        ("/settings/quotas/?year=0", "year"),
    ],
)
def test_the_inputs_that_once_gave_server_errors_are_refused_by_name(
    people: Cast, url: str, named: str
) -> None:
    response = _client(people, "president").get(url)
    assert response.status_code == 400
    assert named in response.content.decode()


def test_json_nested_too_deeply_is_refused_in_the_error_shape(people: Cast) -> None:
    _, secret = create_token(people.east_manager.email, "deep")
    response = Client().post(
        "/api/forecasts/",
        "[" * 100_000 + "]" * 100_000,
        "application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == [
        {"path": "body", "message": "is nested too deeply"}
    ]

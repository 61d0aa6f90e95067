"""A page that takes long to compute answers at once with a job's progress (polled), a worker
computes it, and the page comes back by itself, drawn from the kept result; a kept page, or one
whose kind was quick the last time, is drawn in the request as before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from huey.storage import MemoryStorage

from revsight.analytics import kept
from revsight.forecasting.page import computing, forecast_periods
from revsight.forecasting.services import submit_forecast
from revsight.jobs import services
from revsight.jobs.models import Job, State
from revsight.jobs.queue import HUEY
from revsight.org.models import User
from revsight.routine.pages import KIND

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.views]

TODAY = datetime(2026, 6, 17, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _queued_for_a_worker() -> Iterator[None]:
    """Jobs wait on a queue of their own, as for a real worker, until the test runs them."""
    with time_machine.travel(TODAY, tick=False):
        cache.clear()  # nothing kept: every page is cold
        HUEY.immediate = False
        real = HUEY.storage
        HUEY.storage = MemoryStorage(HUEY.name)
        yield
        HUEY.storage = real


def logged_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def _work_off() -> list[Job]:
    """What a worker does: run every job waiting on the queue."""
    ran = []
    while (task := HUEY.dequeue()) is not None:
        ran.append(services.execute(task.args[0]))
    return [job for job in ran if job is not None]


def _took(name: str, seconds: float) -> None:
    """As if this kind of page had taken that long the last time it was computed."""
    kept._note_cost(name, seconds)


def test_a_cold_dashboard_answers_with_its_progress_and_comes_back_computed() -> None:
    vp = logged_in("vp@example.com")
    waiting = vp.get("/dashboard/company/")
    assert waiting.status_code == 200
    html = waiting.content.decode()
    assert "<h1>Computing the Northwind Solutions (demo) dashboard</h1>" in html
    job = Job.objects.get(kind=KIND)
    assert job.state == State.QUEUED
    assert job.started_by.email == "vp@example.com"
    assert f'data-poll="/jobs/{job.pk}/status/"' in html
    assert "data-reload-when-done" in html
    assert vp.get("/dashboard/company/").status_code == 200  # reloaded meanwhile
    assert Job.objects.filter(kind=KIND).count() == 1  # the same job, not another

    [ran] = _work_off()
    ran.refresh_from_db()
    assert ran.state == State.DONE
    assert ran.progress["done"] == ran.progress["total"] == 1
    drawn = vp.get("/dashboard/company/")
    assert drawn.context["data"].has_data
    assert "Computing" not in drawn.content.decode()
    assert Job.objects.filter(kind=KIND).count() == 1


def test_a_kind_of_page_quick_the_last_time_is_computed_in_the_request() -> None:
    vp = logged_in("vp@example.com")
    vp.get("/dashboard/company/")
    _work_off()
    assert vp.get("/dashboard/company/").context["data"].has_data
    # Another month of the same dashboard: not kept, but its kind took 0.2 s the last time.
    _took("dashboard:company", 0.2)
    drawn = vp.get("/dashboard/company/?period=2026-05")
    assert drawn.context["data"].period.id == "2026-05"
    assert Job.objects.filter(kind=KIND).count() == 1


def test_a_manager_s_forecast_page_waits_for_the_outlook_showing_the_last_one_dated() -> None:
    manager = logged_in("manager@example.com")
    manager.get("/forecast/")
    _work_off()
    first = manager.get("/forecast/")
    assert first.context["outlook"].p50 is not None
    submit_forecast("manager@example.com", "2026-06", Decimal("900000"))  # the data moves
    user = User.objects.get(email="manager@example.com")
    today = TODAY.date()
    for name in computing(user, forecast_periods(today), None, today).missing:
        _took(name, 5.0)

    waiting = manager.get("/forecast/")
    html = waiting.content.decode()
    assert "Computing the forecast" in html
    assert "The last outlook, for 2026-06 as known at the end of 17 Jun 2026, computed " in html
    assert "17 Jun 2026 10:00 on the data as it was then" in html
    assert "team_rows" not in waiting.context  # the track records wait too
    [ran] = _work_off()
    assert Job.objects.get(pk=ran.pk).progress["done"] == 3
    again = manager.get("/forecast/")
    assert again.context["outlook"].p50 is not None
    assert again.context["team_rows"]


def test_a_failed_computation_is_shown_not_started_again_on_each_reload() -> None:
    vp = logged_in("vp@example.com")
    vp.get("/dashboard/company/")
    job = Job.objects.get(kind=KIND)
    Job.objects.filter(pk=job.pk).update(
        state=State.FAILED, error="The engine broke.", finished_at=TODAY
    )
    html = vp.get("/dashboard/company/").content.decode()
    assert "The engine broke." in html
    assert Job.objects.filter(kind=KIND).count() == 1

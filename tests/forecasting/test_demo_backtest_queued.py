"""`revsight demo --backtest` (which `make demo` runs) queues the backtest for the worker beside
`revsight serve` instead of making the command wait for it, once however often it is run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from huey.storage import MemoryStorage

from revsight.cli.setup import _keep_backtest
from revsight.forecasting.tasks import BACKTEST
from revsight.jobs.models import Job, State
from revsight.jobs.queue import HUEY

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _queued_for_a_worker() -> Iterator[None]:
    HUEY.immediate = False
    real = HUEY.storage
    HUEY.storage = MemoryStorage(HUEY.name)
    yield
    HUEY.storage = real


def test_the_demo_s_backtest_is_queued_once_for_the_worker(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _keep_backtest()
    job = Job.objects.get(kind=BACKTEST)
    assert job.state == State.QUEUED
    assert job.started_by is None  # the command line's, seen by managers and above
    assert (
        f"Backtesting the forecast methods: job {job.pk}, run by the worker"
        in capsys.readouterr().out
    )
    _keep_backtest()  # make demo run again before the worker got to it
    assert Job.objects.filter(kind=BACKTEST).count() == 1
    assert [task.args for task in HUEY.pending()] == [(job.pk,)]

"""A cold dashboard in a real browser, served by `revsight serve` with its worker: the page
answers at once with the computing job's progress, and the dashboard replaces it by itself
once the worker has computed it (the Forecast page's backtest, queued by `revsight demo
--backtest` as `make demo` does, is shown running or done meanwhile)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_dashboards_flow import log_in
from tests.serving import copy_demo, environment, revsight, serving

pytestmark = [pytest.mark.embedded, pytest.mark.slow]


def test_a_cold_dashboard_shows_its_progress_then_itself(
    page: Any, tmp_path: Path, demo_directory: Path
) -> None:
    env = environment(tmp_path / "home")
    copy_demo(demo_directory, tmp_path / "home")
    # The demo kept as it is; its backtest queued for the worker.
    queued = revsight(env, "demo", "--reuse", "--as-of", "2026-06-30", "--backtest")
    assert "Backtesting the forecast methods" in queued.stdout
    with serving(env) as (url, _):
        log_in(page, url, "president@example.com")
        page.wait_for_url(f"{url}/dashboard/**")
        # Nothing was kept for the company dashboard, and its kind was never computed: a worker
        # computes it while the page shows how far it has got.
        assert page.get_by_role("heading", name="Computing").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "computing-dashboard.png"), full_page=True)
        page.get_by_role("heading", name="Northwind Solutions (demo)", exact=True).wait_for(
            timeout=120_000
        )
        assert page.locator(".tile").count() > 0
        assert page.locator("[data-poll]").count() == 0
        page.reload()  # kept now: drawn at once
        assert page.locator(".tile").count() > 0

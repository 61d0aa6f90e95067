"""An upload in a real browser, imported by a real worker: the page answers at once, its
progress bar moves without a reload, and the report appears when the job is done. The server
is `revsight serve` with its worker, on the embedded database and its SQLite queue."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from bench.big_export import write_export

from tests.serving import REVSIGHT, environment, revsight, serving

pytestmark = [pytest.mark.embedded, pytest.mark.slow]
PASSWORD = "correct horse battery staple"


def test_the_progress_bar_of_an_upload_reaches_done(page: Any, tmp_path: Path) -> None:
    env = environment(tmp_path / "home")
    revsight(env, "init")
    subprocess.run(
        [
            *REVSIGHT,
            "createuser",
            "--email",
            "admin@acme.test",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    # Large enough for the page to poll it running a few times; 20,000 took 139 s of the suite.
    export = write_export(tmp_path / "export", 8_000)
    with serving(env) as (url, _):
        page.goto(f"{url}/login/")
        page.get_by_label("Email").fill("admin@acme.test")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Import", exact=True).click()
        page.get_by_label("Source system").select_option("salesforce")
        page.get_by_label("Files to import").set_input_files(
            sorted(str(p) for p in export.iterdir())
        )
        page.get_by_role("button", name="Import", exact=True).click()
        assert "/import/?job=" in page.url
        bar = page.get_by_role("progressbar", name="Import progress")
        bar.wait_for(timeout=30_000)
        # The bar moves while the page stays the same page (no reload: the same document).
        page.evaluate("window.stillTheSamePage = true")
        page.wait_for_selector('progress[value]:not([value="0"])', timeout=60_000)
        assert re.search(r"Running: [\d,]+ of 10,060 rows", page.locator(".job-state").inner_text())
        # The records written so far, by entity, beside the rows read.
        page.wait_for_selector(".job-so-far", timeout=60_000)
        assert re.match(r"So far: [\d,]+ users", page.locator(".job-so-far").inner_text())
        page.get_by_role("heading", name="Imported").wait_for(timeout=120_000)
        assert page.evaluate("window.stillTheSamePage") is True
        assert page.get_by_role("row", name="Opportunities 8,000 0 0").is_visible()
        assert page.locator("progress").count() == 0
        assert page.locator("[data-poll]").count() == 0  # the polling has stopped

"""A new installation, from an empty data directory to a manager's dashboard with imported data,
doing only what the command line and the pages say: the commands run are the ones `revsight
init` and the setup checklist print (with --password-stdin to type the password), the files
uploaded are the templates the Import page hands out, filled in."""

from __future__ import annotations

import csv
import re
import shlex
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.serving import REVSIGHT, environment, serving

pytestmark = [pytest.mark.embedded, pytest.mark.slow]
PASSWORD = "correct horse battery staple"


def run_printed(env: dict[str, str], line: str) -> str:
    """A `revsight …` command line as printed, with the password given on stdin."""
    words = shlex.split(line.strip())
    words = words[words.index("revsight") + 1 :]
    done = subprocess.run(
        [*REVSIGHT, *words, "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def log_in(page: Any, url: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def download(page: Any, name: str, folder: Path) -> list[str]:
    """The template the Import page links as NAME; its header."""
    with page.expect_download() as event:
        page.get_by_role("link", name=name, exact=True).click()
    target = folder / name
    event.value.save_as(target)
    with target.open(encoding="utf-8") as handle:
        return next(csv.reader(handle))


def fill(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)


def test_a_fresh_install_reaches_a_managers_dashboard_by_what_the_pages_say(
    page: Any, tmp_path: Path
) -> None:
    env = environment(tmp_path / "home")
    init = subprocess.run([*REVSIGHT, "init"], env=env, capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    printed = [line for line in init.stdout.splitlines() if "revsight createuser" in line]
    assert len(printed) == 1
    run_printed(env, printed[0])
    assert "Then serve it:" in init.stdout

    with serving(env) as (url, _):
        log_in(page, url, "you@example.com")
        page.get_by_role("link", name="The whole checklist →").click()
        assert page.get_by_role("heading", name="Setting up Revsight").is_visible()
        teams = page.locator('[data-step="teams"]')
        run_printed(env, teams.locator("pre").inner_text())  # the manager of West
        teams.get_by_role("link", name="Do it on the Import page →").click()

        files = tmp_path / "filled"
        files.mkdir()
        users = download(page, "users.csv", files)
        deals = download(page, "opportunities.csv", files)
        today = date.today()
        fill(
            files / "users.csv",
            users,
            [
                {"email": "ana@example.com", "name": "Ana Silva", "role": "salesperson",
                 "team": "West", "manager": "lee@example.com", "annual_quota": "1200000"},
            ],
        )  # fmt: skip
        stages = [("Closed Won", 48000, 0), ("Closed Lost", 20000, 0), ("Proposal", 60000, -20)]
        fill(
            files / "my deals.csv",  # not a template's name: recognised by its columns
            deals,
            [
                {"external_id": f"D-{n}", "name": f"Deal {n}", "owner": "ana@example.com",
                 "account": "Acme Corp", "stage": stage, "amount": str(amount),
                 "created_date": (today - timedelta(days=60)).isoformat(),
                 "close_date": (today - timedelta(days=ago)).isoformat()}
                for n, (stage, amount, ago) in enumerate(stages, start=1)
            ],
        )  # fmt: skip
        (files / "opportunities.csv").unlink()
        page.get_by_label("Source system").select_option("csv")
        page.get_by_label("Files to import").set_input_files(
            [str(files / "users.csv"), str(files / "my deals.csv")]
        )
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_role("heading", name="Imported").wait_for(timeout=120_000)

        page.goto(f"{url}/setup/")
        done = {
            step: page.locator(f'[data-step="{step}"]').get_attribute("class")
            for step in ("teams", "people", "quotas", "stages", "import")
        }
        assert all("done" in classes.split() for classes in done.values()), done

        log_in(page, url, "lee@example.com")
        page.wait_for_url(re.compile(r".*/dashboard/team/\d+/.*"))
        # Her first view is computed by the worker; the page comes back by itself.
        page.get_by_role("heading", name="West", exact=True).wait_for(timeout=120_000)
        assert page.get_by_role("heading", name="West", exact=True).is_visible()
        assert page.locator(".card.empty").count() == 0
        tiles = {
            tile.locator(".tile-name").inner_text(): tile.locator(".tile-value").inner_text()
            for tile in page.locator(".tile").all()
        }
        # Won today, against a month's quota of a twelfth of Ana's annual 1,200,000.
        assert (tiles["Bookings"], tiles["Quota attainment"]) == ("48,000", "48.0%")

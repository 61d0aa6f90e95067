"""Traffic against a running Revsight, for `make loadtest` and the test of imports beside other
work: people who log in, read dashboards and records, submit forecasts through the Forecast
page and the API; every answer's status and time, and the writes that were acknowledged.

`python -m bench.traffic populate N` (in the data directory's environment) adds a team with a
manager and N salespeople, each with an API token, and prints them as JSON;
`python -m bench.traffic submissions` prints every forecast submission stored, to check that
each acknowledged write is there.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import json
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

PASSWORD = "Load-test passphrase 2026"
TEAM = "Load Team"
# Every submitted commit is a different amount, so each acknowledged one can be found again.
_amounts = itertools.count(100_001)
_amounts_lock = threading.Lock()


def next_amount() -> int:
    with _amounts_lock:
        return next(_amounts)


@dataclass
class Log:
    """Every answer (what, status, seconds) and every acknowledged write (email, amount)."""

    answers: list[tuple[str, int, float]] = field(default_factory=list)
    acknowledged: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.answers.append((kind, status, seconds))

    def acknowledge(self, email: str, amount: int) -> None:
        with self.lock:
            self.acknowledged.append((email, f"{amount:.2f}"))

    def server_errors(self) -> list[tuple[str, int, float]]:
        """Answers of 500 and above, and requests that got no answer at all (status 0)."""
        return [a for a in self.answers if a[1] >= 500 or a[1] == 0]

    def summary(self) -> dict[str, Any]:
        seconds = sorted(a[2] for a in self.answers)
        quantiles = statistics.quantiles(seconds, n=100) if len(seconds) > 1 else seconds * 99
        return {
            "requests": len(self.answers),
            "p50_ms": round(quantiles[49] * 1000, 1),
            "p95_ms": round(quantiles[94] * 1000, 1),
            "max_ms": round(seconds[-1] * 1000, 1) if seconds else 0.0,
            "server_errors": len(self.server_errors()),
            "writes_acknowledged": len(self.acknowledged),
        }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


class Visitor:
    """One person's browser (cookies, CSRF) or program (a token), timing every request."""

    def __init__(self, base: str, log: Log, timeout: float = 60) -> None:
        self.base = base
        self.log = log
        self.timeout = timeout
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)
        # A form's POST is timed by itself: its redirect is not followed (the page it leads
        # to is a read of its own).
        self.poster = urllib.request.build_opener(cookies, _NoRedirect())

    def request(
        self, kind: str, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """(status, final URL, body) — for a POST answered by a redirect, its status and where
        it leads; status 0 when no answer came."""
        headers = {"Referer": f"{self.base}{path}", **(headers or {})}
        request = urllib.request.Request(f"{self.base}{path}", data, headers=headers)
        opener = self.poster if data is not None else self.opener
        started = time.monotonic()
        try:
            with opener.open(request, timeout=self.timeout) as response:
                status, url, body = response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as exc:
            url = exc.headers.get("Location", path) if exc.code in (301, 302, 303) else path
            status, body = exc.code, exc.read().decode(errors="replace")
        except OSError:
            status, url, body = 0, path, ""
        self.log.answer(kind, status, time.monotonic() - started)
        return status, url, body

    def _csrf(self, path: str, kind: str) -> str | None:
        status, _, body = self.request(kind, path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        return found.group(1) if status == 200 and found else None

    def log_in(self, email: str) -> bool:
        token = self._csrf("/login/", "login page")
        if token is None:
            return False
        form = {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD}
        status, url, _ = self.request("login", "/login/", urllib.parse.urlencode(form).encode())
        return status == 302 and "/login/" not in url

    def submit_form(self, email: str, period: str) -> None:
        """A commit through the Forecast page; acknowledged when it redirects with saved=1."""
        token = self._csrf("/forecast/", "forecast page")
        if token is None:
            return
        amount = next_amount()
        form = {"csrfmiddlewaretoken": token, "period": period, "commit": str(amount)}
        status, url, _ = self.request(
            "forecast form", "/forecast/", urllib.parse.urlencode(form).encode()
        )
        if status == 302 and "saved=1" in url:
            self.log.acknowledge(email, amount)

    def submit_api(self, email: str, token: str, period: str) -> None:
        """A commit through `POST /api/forecasts/`; acknowledged by its 201."""
        amount = next_amount()
        status, _, _ = self.request(
            "forecast api",
            "/api/forecasts/",
            json.dumps({"period": period, "commit": str(amount)}).encode(),
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        if status == 201:
            self.log.acknowledge(email, amount)

    def read(self, kind: str, path: str, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        self.request(kind, path, headers=headers)


def this_month() -> str:
    return date.today().strftime("%Y-%m")


def keep_going(until: Callable[[], bool], work: Callable[[], object], pause: float) -> None:
    """Repeat `work` until `until()` says stop, `pause` seconds apart."""
    while not until():
        work()
        if pause:
            time.sleep(pause)


def revsight_python(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench.traffic", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.traffic {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def stored_submissions(env: dict[str, str]) -> set[tuple[str, str]]:
    """(email, amount) of every forecast submission in the database `env` names."""
    return {tuple(row) for row in json.loads(revsight_python(env, "submissions"))}  # type: ignore[misc]


def missing(log: Log, env: dict[str, str]) -> list[tuple[str, str]]:
    """The acknowledged writes the database does not hold."""
    stored = stored_submissions(env)
    return [write for write in log.acknowledged if write not in stored]


def _populate(people: int) -> dict[str, Any]:
    from django.core.management import call_command

    from revsight.access.tokens import create_token
    from revsight.org.services import create_user

    call_command("migrate", verbosity=0)
    manager, _ = create_user(
        email="load.manager@example.com", role="manager", password=PASSWORD, team=TEAM
    )
    manager.team.manager = manager
    manager.team.save(update_fields=["manager"])
    found = []
    for n in range(people):
        email = f"load.rep{n}@example.com"
        user, _ = create_user(
            email=email,
            role="salesperson",
            password=PASSWORD,
            team=TEAM,
            manager_email=manager.email,
        )
        found.append({"email": email, "id": user.pk, "token": create_token(email)[1]})
    return {"manager": manager.email, "team": manager.team_id, "people": found}


def _submissions() -> list[tuple[str, str]]:
    from revsight.crm.models import ForecastSubmission

    rows = ForecastSubmission.objects.values_list("user__email", "amount")
    return [(email, f"{amount:.2f}") for email, amount in rows]


def main(argv: list[str]) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revsight.settings")
    django.setup()
    if argv[:1] == ["populate"]:
        print(json.dumps(_populate(int(argv[1]))))
    elif argv[:1] == ["submissions"]:
        print(json.dumps(_submissions()))
    else:
        raise SystemExit("usage: python -m bench.traffic populate N | submissions")


if __name__ == "__main__":
    main(sys.argv[1:])

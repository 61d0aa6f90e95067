"""`make loadtest`: a bounded load on loopback, beside a large import.

A new data directory (`REVSIGHT_HOME`, wiped first) with a team of salespeople, served by
gunicorn (`revsight serve`, on a free port unless `--port`); 20 clients, each sending its next
request as soon as the last is answered, for 60 s: dashboards, records, API reads, forecasts
submitted through the Forecast page and the API; and one import of a Salesforce export
(`revsight import`) started a few seconds in. The load lasts until the import has finished too.
Each client waits `--think` seconds (1) between requests, as people do: the server is busy,
not saturated, so a write waiting on the database shows in its latency.

Prints the requests served, p50/p95 latency, the 5xx count and how many acknowledged writes are
found in the database afterwards; exits 1 when there was any 5xx (or request left unanswered),
a write is missing or the import failed. Figures are in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import cycle
from pathlib import Path
from typing import Any

from bench.big_export import write_export
from bench.traffic import Log, Visitor, missing, revsight_python, this_month

REVSIGHT = [sys.executable, "-m", "revsight.cli"]
# The JSON API's reads, as (what, path; {rep} is a salesperson's id): add the /api/v1/
# endpoints here as they arrive. One that answers 404 on this server is left out, and said so.
API_READS = [
    ("api people", "/api/v1/people/"),
    ("api opportunities", "/api/v1/opportunities/"),
    ("api forecasts", "/api/v1/forecasts/"),
    ("api metrics", "/api/v1/metrics/"),
]
# What each client does, in turn (20 clients: the list is repeated).
ROLES = ["dashboards", "records", "form", "api", "dashboards", "records", "api reads", "form"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], port: int) -> Iterator[str]:
    """`revsight serve` on `port`, once it answers."""
    url = f"http://127.0.0.1:{port}"
    log_path = Path(env["REVSIGHT_HOME"]) / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [*REVSIGHT, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{url}/login/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise SystemExit(f"revsight serve did not answer on {url}; see {log_path}")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def served_api_reads(url: str, token: str) -> list[tuple[str, str]]:
    served = []
    for kind, path in API_READS:
        status, _, _ = Visitor(url, Log()).request(
            kind, path, headers={"Authorization": f"Bearer {token}"}
        )
        if status == 404:
            print(f"  {kind} ({path}): not served here yet (404), left out")
        else:
            served.append((kind, path))
    return served


def client(
    role: str,
    url: str,
    rep: dict[str, Any],
    cast: dict[str, Any],
    reads: list[Any],
    log: Log,
    think: float,
) -> Callable[[Callable[[], bool]], None]:
    """One client's loop, until told to stop."""
    period = this_month()
    pages = {
        "dashboards": ["/", f"/dashboard/rep/{rep['id']}/", f"/dashboard/team/{cast['team']}/"],
        "records": ["/records/won/", "/records/open/", "/records/lost/"],
    }

    def work(stop: Callable[[], bool]) -> None:
        visitor = Visitor(url, log)
        if role in ("dashboards", "records", "form"):
            visitor.log_in(rep["email"])
        turns = cycle(pages.get(role, [""]))
        api_turns = cycle(reads or [("", "")])
        while not stop():
            if role == "form":
                visitor.submit_form(rep["email"], period)
            elif role == "api" or (role == "api reads" and not reads):
                visitor.submit_api(rep["email"], rep["token"], period)
            elif role == "api reads":
                kind, path = next(api_turns)
                visitor.read(kind, path.format(rep=rep["id"]), rep["token"])
            else:
                visitor.read(role, next(turns))
            time.sleep(think)

    return work


def prepare(env: dict[str, str], deals: int) -> tuple[dict[str, Any], Path]:
    home = Path(env["REVSIGHT_HOME"])
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    subprocess.run([*REVSIGHT, "init"], env=env, check=True, capture_output=True)
    cast = json.loads(revsight_python(env, "populate", "10"))
    return cast, write_export(home / "export", deals)


def run(args: argparse.Namespace) -> int:
    env = {**os.environ, "REVSIGHT_HOME": str(Path(args.home).resolve())}
    cast, export = prepare(env, args.deals)
    log = Log()
    with serving(env, args.port or free_port()) as url:
        print(
            f"Load test: {args.clients} clients for {args.seconds} s on {url}, "
            f"beside an import of {args.deals:,} deals ({os.cpu_count()} cores)"
        )
        reads = served_api_reads(url, cast["people"][0]["token"])
        started = time.monotonic()
        imported: dict[str, Any] = {}
        importer = threading.Thread(target=_import, args=(env, export, imported))

        def stop() -> bool:
            over = time.monotonic() - started > args.seconds
            return over and not importer.is_alive()

        reps = cycle(cast["people"])
        roles = cycle(ROLES)
        clients = [
            threading.Thread(
                target=client(next(roles), url, next(reps), cast, reads, log, args.think),
                args=(stop,),
            )
            for _ in range(args.clients)
        ]
        for thread in clients:
            thread.start()
        time.sleep(5)  # the import starts once the load is going
        importer.start()
        for thread in clients:
            thread.join()
        importer.join()
        elapsed = time.monotonic() - started
    return report(log, env, imported, elapsed)


def _import(env: dict[str, str], export: Path, imported: dict[str, Any]) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [*REVSIGHT, "import", "salesforce", str(export)], env=env, capture_output=True, text=True
    )
    imported.update(seconds=time.monotonic() - started, code=done.returncode, stderr=done.stderr)


def report(log: Log, env: dict[str, str], imported: dict[str, Any], elapsed: float) -> int:
    summary = log.summary()
    lost = missing(log, env)
    print(f"  load lasted {elapsed:.1f} s; the import took {imported['seconds']:.1f} s")
    print(f"requests served        {summary['requests']:,} ({summary['requests'] / elapsed:.1f}/s)")
    print(f"latency p50 / p95      {summary['p50_ms']:.0f} ms / {summary['p95_ms']:.0f} ms")
    for kind in sorted({kind for kind, _, _ in log.answers}):
        seconds = [s for k, _, s in log.answers if k == kind]
        p95 = statistics.quantiles(seconds, n=20)[-1] if len(seconds) > 1 else seconds[0]
        print(
            f"  {kind:<20} {len(seconds):>6,}   p50 {statistics.median(seconds) * 1000:7.0f} ms"
            f"   p95 {p95 * 1000:7.0f} ms   max {max(seconds) * 1000:7.0f} ms"
        )
    print(f"5xx (or no answer)     {summary['server_errors']}")
    print(f"writes acknowledged    {summary['writes_acknowledged']}")
    print(f"writes found after     {summary['writes_acknowledged'] - len(lost)}")
    print(f"import                 exit {imported['code']}")
    failed = summary["server_errors"] > 0 or lost or imported["code"] != 0
    if imported["code"] != 0:
        print(imported["stderr"][-2000:], file=sys.stderr)
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--deals", type=int, default=100_000, help="deals in the import")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between requests")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--home", default=os.environ.get("REVSIGHT_HOME", ".revsight-loadtest"), help="wiped first"
    )
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()

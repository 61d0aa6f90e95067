"""A large Salesforce export uploaded through the Import page of a real `revsight serve`, as a
person does it: the time from the upload to the job's end, and the peak memory of the server's
processes (gunicorn's and the worker's).

    python -m bench.page_upload --rows 1000000 --home /tmp/rh-bench --port 8103

The data directory is created afresh (everything in it is removed first). The export is written
by `bench.big_export` into the data directory's parent and zipped, as Salesforce's Data Export
delivers it; nothing is committed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import requests

from bench.big_export import write_export

REVSIGHT = [sys.executable, "-m", "revsight.cli"]
EMAIL = "admin@bench.test"
PASSWORD = "a long bench password"


def _revsight(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*REVSIGHT, *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def _zip(rows: int, work: Path) -> Path:
    export = write_export(work / "export", rows)
    target = work / f"salesforce-{rows}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(export.iterdir()):
            archive.write(path, path.name)
    return target


def _descendants(pid: int) -> list[int]:
    """`pid` and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _peak_mb(pid: int) -> dict[str, float]:
    """Each process's peak resident memory (VmHWM), by its command line."""
    peaks: dict[str, float] = {}
    for each in _descendants(pid):
        try:
            status = Path(f"/proc/{each}/status").read_text()
            command = Path(f"/proc/{each}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks[f"{each} {command.strip()[-60:]}"] = int(match.group(1)) / 1024
    return peaks


def _login(url: str) -> requests.Session:
    browser = requests.Session()
    browser.get(f"{url}/login/", timeout=30)
    browser.post(
        f"{url}/login/",
        data={
            "username": EMAIL,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": f"{url}/login/"},
        timeout=30,
    )
    return browser


def _wait_for_server(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(180):
        if process.poll() is not None:
            raise SystemExit("revsight serve stopped")
        try:
            if requests.get(f"{url}/login/", timeout=5).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(1)
    raise SystemExit("revsight serve never answered")


def run(rows: int, home: Path, port: int) -> dict[str, Any]:
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    work = home.parent / f"{home.name}-export"
    shutil.rmtree(work, ignore_errors=True)
    started = time.perf_counter()
    archive = _zip(rows, work)
    written = time.perf_counter() - started
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(REVSIGHT_HOME=str(home), REVSIGHT_MAX_UPLOAD_MB="2000")
    _revsight(env, "init")
    _revsight(env, "createuser", "--email", EMAIL, "--role", "admin", "--password", PASSWORD)
    url = f"http://127.0.0.1:{port}"
    log = (home.parent / f"{home.name}-serve.log").open("wb")
    server = subprocess.Popen(
        [*REVSIGHT, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_for_server(url, server)
        browser = _login(url)
        browser.get(f"{url}/import/", timeout=30)
        began = time.perf_counter()
        with archive.open("rb") as handle:
            answer = browser.post(
                f"{url}/import/",
                data={"source": "salesforce", "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                files={"uploads": (archive.name, handle, "application/zip")},
                headers={"Referer": f"{url}/import/"},
                timeout=600,
            )
        answered = time.perf_counter() - began
        job_id = int(answer.url.rsplit("job=", 1)[1])
        while True:
            job = json.loads(_revsight(env, "jobs", "show", str(job_id), "--format", "json"))
            if job["state"] not in ("queued", "running"):
                break
            time.sleep(5)
        finished = time.perf_counter() - began
        peaks = _peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return {
        "rows": rows,
        "zip_mb": round(archive.stat().st_size / 2**20, 1),
        "export_written_s": round(written, 1),
        "page_answered_s": round(answered, 1),
        "job_finished_s": round(finished, 1),
        "state": job["state"],
        "error": job["error"],
        "entities": (job["result"] or {}).get("entities"),
        "peak_mb": {name: round(mb) for name, mb in peaks.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--home", type=Path, default=Path("/tmp/rh-bench-upload"))
    parser.add_argument("--port", type=int, default=8103)
    arguments = parser.parse_args()
    print(json.dumps(run(arguments.rows, arguments.home, arguments.port), indent=2))


if __name__ == "__main__":
    main()

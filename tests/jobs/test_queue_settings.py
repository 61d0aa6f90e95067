"""The queue is configured in one place: huey's SQLite storage in a file of its own in the data
directory, or Redis when REDIS_URL is set (a Redis server runs on the development machines and
in CI at 127.0.0.1:6379)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey

from revsight.core.config import ConfigError, jobs_cache, queue_settings

REDIS = "redis://127.0.0.1:6379/0"


def test_the_embedded_queue_is_a_sqlite_file_of_its_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    config = queue_settings(tmp_path, ":/db.sqlite3")
    assert config["huey_class"] == "huey.SqliteHuey"
    assert config["filename"] == str(tmp_path / "queue.sqlite3")
    assert config["immediate"] is False
    assert jobs_cache(tmp_path, "")["LOCATION"] == str(tmp_path / "jobs")


def test_redis_when_redis_url_is_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REDIS_URL", REDIS)
    config = queue_settings(tmp_path, "db:5432/sales")
    assert config["huey_class"] == "huey.RedisHuey"
    assert config["url"] == REDIS
    # Two organisations sharing one Redis have separate queues.
    assert config["name"] != queue_settings(tmp_path, "db:5432/other")["name"]
    assert jobs_cache(tmp_path, "db:5432/sales")["BACKEND"].endswith("RedisCache")


def test_a_redis_url_that_is_not_one_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "localhost:6379")
    with pytest.raises(ConfigError, match="REDIS_URL='localhost:6379' is not a Redis address"):
        queue_settings(Path("/tmp"), "")


def _round_trip(huey: SqliteHuey | RedisHuey) -> int:
    @huey.task()
    def double(value: int) -> int:
        return value * 2

    double(21)
    assert huey.pending_count() == 1
    task = huey.dequeue()
    return int(huey.execute(task))


def test_a_task_goes_through_the_sqlite_storage(tmp_path: Path) -> None:
    config = queue_settings(tmp_path, "")
    huey = SqliteHuey(config["name"], filename=config["filename"], results=False)
    assert _round_trip(huey) == 42
    assert (tmp_path / "queue.sqlite3").exists()


def test_a_task_goes_through_redis(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REDIS_URL", REDIS)
    config = queue_settings(tmp_path, f"test-{uuid.uuid4()}")
    huey = RedisHuey(config["name"], url=config["url"], results=False)
    try:
        assert _round_trip(huey) == 42
    finally:
        huey.storage.flush_all()

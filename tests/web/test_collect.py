"""`revsight serve` collects the static files again only when they changed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from revsight.web.collect import collect_static


@pytest.fixture
def sources(tmp_path: Path, settings: Any) -> Path:
    """One folder of static files, collected into another without compression."""
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: black; }\n")
    settings.STATICFILES_DIRS = [str(source)]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = str(tmp_path / "collected")
    return source


def test_a_second_start_on_the_same_files_collects_nothing(sources: Path, settings: Any) -> None:
    assert collect_static() is True
    collected = Path(settings.STATIC_ROOT) / "css" / "site.css"
    assert collected.read_text() == "body { color: black; }\n"
    collected.unlink()  # had it collected again, the file would be back
    assert collect_static() is False
    assert not collected.exists()


def test_a_changed_or_added_file_is_collected_again(sources: Path, settings: Any) -> None:
    collect_static()
    css = sources / "css" / "site.css"
    css.write_text("body { color: navy; }\n")
    os.utime(css, ns=(css.stat().st_atime_ns, css.stat().st_mtime_ns + 1_000_000_000))
    assert collect_static() is True
    collected = Path(settings.STATIC_ROOT) / "css" / "site.css"
    assert collected.read_text() == "body { color: navy; }\n"
    (sources / "app.js").write_text("console.log(1);\n")
    assert collect_static() is True
    assert (Path(settings.STATIC_ROOT) / "app.js").exists()


def test_a_collection_that_stopped_half_way_is_done_again(
    sources: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core import management

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(management, "call_command", interrupted)
    with pytest.raises(KeyboardInterrupt):
        collect_static()
    monkeypatch.undo()
    assert collect_static() is True
    assert (Path(settings.STATIC_ROOT) / "css" / "site.css").exists()

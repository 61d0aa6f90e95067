"""Files kept for an import job: uploads are moved (Django has already spilled any large one to
disk, in the data directory) into a folder of their own under `REVSIGHT_HOME/uploads/`, where the
worker reads them; the folder is removed once the import has run."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.move import file_move_safe

from revsight.core.errors import InvalidInput


def uploads_home() -> Path:
    return Path(settings.REVSIGHT_HOME) / "uploads"


def keep(files: Sequence[Any], mapping: Any = None) -> tuple[str, list[str]]:
    """Keep uploaded files (Django's `UploadedFile`s) for a job: the kept folder's name (under
    `uploads_home()`) and the files' names. A mapping file is kept beside them as
    `mapping.toml`."""
    folder = f"{secrets.token_hex(8)}"
    target = uploads_home() / folder / "files"
    target.mkdir(parents=True)
    names: list[str] = []
    for upload in files:
        name = Path(upload.name).name
        if not name or name in names:
            raise InvalidInput("uploads", upload.name, "is not a file name, or is given twice")
        _store(upload, target / name)
        names.append(name)
    if mapping is not None:
        _store(mapping, uploads_home() / folder / "mapping.toml")
    return folder, names


def _store(upload: Any, destination: Path) -> None:
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        # Already on disk: moved, never read into memory.
        upload.file.flush()
        file_move_safe(temporary(), str(destination))
        return
    with destination.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)


def kept_path(folder: str, names: Sequence[str]) -> Path:
    """What the importer reads: the one file, or the folder of several."""
    files = _folder(folder) / "files"
    return files / names[0] if len(names) == 1 else files


def kept_mapping(folder: str) -> Path | None:
    path = _folder(folder) / "mapping.toml"
    return path if path.exists() else None


def discard(folder: str) -> None:
    shutil.rmtree(_folder(folder), ignore_errors=True)


def _folder(folder: str) -> Path:
    # A job's parameters name the folder; it must be one of ours, never a path elsewhere.
    if not folder.isalnum():
        raise InvalidInput("folder", folder, "is not a kept upload")
    return uploads_home() / folder

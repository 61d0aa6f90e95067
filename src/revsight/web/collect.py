"""Collecting the static files for `revsight serve`, once per change of the files themselves.

WhiteNoise compresses every file again on each `collectstatic` (plotly.js and the API pages'
bundles with Brotli): about 15 s of two cores at every start. The collection is skipped when
the files the finders see (their paths, sizes and times) and the storage are those of the last
complete collection, recorded beside it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

RECORD = ".collected"


def sources_fingerprint() -> str:
    """What a collection would copy: every file the finders list, by path, size and time."""
    from django.apps import apps
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    ignore = apps.get_app_config("staticfiles").ignore_patterns  # type: ignore[attr-defined]
    seen = []
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None) or ""
            stat = os.stat(storage.path(path))
            seen.append(f"{prefix}/{path}\t{stat.st_size}\t{stat.st_mtime_ns}")
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    digest.update(str(settings.STATIC_URL).encode())
    for line in sorted(seen):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def collect_static() -> bool:
    """Collect into STATIC_ROOT unless the last collection there came from the same files:
    whether it collected. Servers starting at once on one STATIC_ROOT take turns."""
    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    record = root / RECORD
    with (root / ".collecting.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fingerprint = sources_fingerprint()
        if record.exists() and record.read_text() == fingerprint:
            return False
        # A collection stopped half-way must not count as done.
        record.unlink(missing_ok=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        record.write_text(fingerprint)
        return True

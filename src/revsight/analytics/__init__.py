"""Revsight's analytics: the metric catalogue computed on the DuckDB replica or the database.

    >>> from revsight.analytics import compute
    >>> result = compute(["win_rate"], period_id="2026-03", by="rep")  # doctest: +SKIP

Names are imported on first use, so that importing the package needs no configured Django.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Result", "Row", "as_json", "compute"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from revsight.analytics import computation as module

        return getattr(module, name)
    raise AttributeError(name)

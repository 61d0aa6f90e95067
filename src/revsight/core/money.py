"""Money fields: Decimal with two places, wide enough for a large organisation's year."""

from __future__ import annotations

from typing import Any

from django.db import models


def MoneyField(**kwargs: Any) -> models.DecimalField:
    kwargs.setdefault("max_digits", 16)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)

"""Money fields: Decimal with two places, wide enough for a large organisation's year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

CENT = Decimal("0.01")


def MoneyField(**kwargs: Any) -> models.DecimalField:
    kwargs.setdefault("max_digits", 16)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)


def to_money(value: Decimal | int | str | float) -> Decimal:
    """Round to the cent, half away from zero as accountants expect."""
    from decimal import ROUND_HALF_UP

    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)

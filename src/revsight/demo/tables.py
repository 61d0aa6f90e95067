"""Column-oriented tables produced by the generator and written in bulk.

Conventions for column values: dates are day numbers, timestamps are seconds since the epoch
(UTC), money is integer cents; a column's null mask marks missing values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Model


@dataclass
class Table:
    model: type[Model]
    columns: dict[str, Any]
    nulls: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        first = next(iter(self.columns.values()))
        return len(first)

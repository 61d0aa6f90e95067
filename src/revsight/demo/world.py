"""A simulated history as the demo tables see it: from its as-of date, drawing on one generator."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from revsight.demo.simulate import History, IntArray


class World:
    """A simulated history seen from its as-of date (a day number), and the generator the tables
    draw their details from.

    The tables share the generator, so the order `Records.build` makes them in is part of what a
    seed produces.
    """

    def __init__(self, history: History) -> None:
        self.history = history
        self.rng = np.random.default_rng([history.seed, 2])
        self.as_of = history.as_of
        self.deal_ids = np.arange(1, len(history.deals.rep) + 1)


def cents_round(values: npt.ArrayLike, unit: int) -> IntArray:
    """Round cents to a whole `unit` of currency (e.g. 1000 for thousands)."""
    return (np.round(np.asarray(values, dtype=float) / (unit * 100)) * unit * 100).astype(np.int64)

"""Offer policies: given a target utility per replicate, pick one outcome per replicate.

Both are O(log n) per replicate: the outcomes a negotiator would accept at target ``x`` are a
prefix of its precomputed ranking, found with ``searchsorted``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.base import UTILITY_EPS, TrackView

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: An offer policy: given my target utility per replicate, one outcome index per replicate.
OfferPolicy = Callable[[TrackView, FloatArray], IntArray]


def n_at_or_above(view: TrackView, target: FloatArray) -> IntArray:
    """How many outcomes give me at least ``target`` (at least 1: my best outcome)."""
    ascending = view.track.sorted_asc[view.me]
    n = ascending.size
    below = np.searchsorted(ascending, target - UTILITY_EPS, side="left")
    return np.maximum(n - below, 1).astype(np.int64)


def nearest_offer(view: TrackView, target: FloatArray) -> IntArray:
    """The outcome whose utility to me is the smallest one at or above ``target``."""
    m = n_at_or_above(view, target)
    return view.track.order_desc[view.me, m - 1]


def pareto_offer(view: TrackView, target: FloatArray) -> IntArray:
    """Among outcomes worth at least ``target`` to me, the one the opponent values most."""
    m = n_at_or_above(view, target)
    return view.pareto_table[m - 1]

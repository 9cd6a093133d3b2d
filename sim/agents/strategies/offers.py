"""Offer policies: given a target utility per replicate, pick one outcome per replicate.

Both are O(1) per replicate on a scenario's small tracks: the outcomes a negotiator would accept
at target ``x`` are a prefix of its precomputed ranking, counted from buckets
(:mod:`sim.domain.ranking`; a binary search where many utilities tie).
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
    """How many outcomes give me at least ``target`` (at least 1: my best outcome).

    With :attr:`TrackView.groups`, how many of its group's feasible outcomes (a loop over the
    handful of feasible sets, not over replicates).
    """
    if view.groups is None:
        return view.track.at_or_above[view.me].count(target, UTILITY_EPS)
    m = np.empty(target.shape, dtype=np.int64)
    for at, table in zip(view.groups.positions, view.groups.tables, strict=True):
        m[at] = table.at_or_above[view.me].count(target[at], UTILITY_EPS)
    return m


def _per_group(view: TrackView, m: IntArray, tables: list[IntArray]) -> IntArray:
    """``tables[g][m - 1]`` for each group ``g``'s replicates."""
    assert view.groups is not None
    out = np.empty(m.shape, dtype=np.int64)
    for at, table in zip(view.groups.positions, tables, strict=True):
        out[at] = table[m[at] - 1]
    return out


def nearest_offer(view: TrackView, target: FloatArray) -> IntArray:
    """The outcome whose utility to me is the smallest one at or above ``target``."""
    m = n_at_or_above(view, target)
    if view.groups is not None:
        return _per_group(view, m, [t.order_desc[view.me] for t in view.groups.tables])
    return view.track.order_desc[view.me, m - 1]


def pareto_offer(view: TrackView, target: FloatArray) -> IntArray:
    """Among outcomes worth at least ``target`` to me, the one the opponent values most."""
    m = n_at_or_above(view, target)
    if view.groups is not None:
        return _per_group(view, m, list(view.groups.pareto))
    return view.pareto_table[m - 1]

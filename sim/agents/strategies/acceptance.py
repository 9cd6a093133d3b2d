"""Acceptance conditions (Baarslag, Hindriks & Jonker 2011), as small composable objects.

A strategy decides *what to offer*; an acceptance condition decides *whether to take the
opponent's offer*. Every condition answers for a whole batch of replicates and is combined with
the same hard floor: **no offer worth less than my reservation value is ever accepted**.

Discounting: with a per-round discount factor ``delta`` an agreement in week ``t`` is worth
``u * delta**t``. Conditions that compare utilities compare these discounted values: accepting now
(week :attr:`TrackView.current_week`) against my next own offer (week :attr:`TrackView.round`),
or against a constant. The reservation value is compared with the undiscounted utility: it is the
value of the status quo, which is not a delayed payoff (equivalently, the reservation value is
discounted like every other payoff, as in the Genius/ANAC convention).

References:
    Baarslag, T., Hindriks, K., & Jonker, C. (2011). Acceptance conditions in automated
    negotiation. ACAN 2011 (Springer SCI 435, 2013, pp. 95-111).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.base import UTILITY_EPS, TrackView

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class AcceptanceCondition(Protocol):
    """Decides, per replicate, whether to accept the opponent's offer."""

    def accept(self, view: TrackView, offer: IntArray, next_offer: IntArray) -> BoolArray:
        """Whether to accept ``offer``; ``next_offer`` is what I would offer instead."""
        ...


def discounted_now(view: TrackView, utility: FloatArray) -> FloatArray:
    """``utility`` of an agreement concluded in the current week, discounted."""
    if view.discount == 1.0:  # x * 1.0 is x: no work without discounting
        return utility
    return utility * view.discount**view.current_week


def discounted_next(view: TrackView, utility: FloatArray) -> FloatArray:
    """``utility`` of a deal on my next own offer (made in week ``view.round``), discounted.

    With costly delay, waiting for it also costs the weeks until then (``round - current_week``
    weeks of the tariffs in force; Rubinstein's 1982 fixed bargaining cost).
    """
    wait = view.round - view.current_week
    later = utility if view.discount == 1.0 else utility * view.discount**view.round
    if wait == 0:  # answering in the week of my own next offer: no weeks to wait for it
        return later
    return later - wait * view.delay_cost


def above_reservation(view: TrackView, offer: IntArray) -> BoolArray:
    """The hard floor every condition shares: the offer is worth at least my reservation value."""
    return view.my_utilities[offer] >= view.reservation - UTILITY_EPS


@dataclass(frozen=True)
class ACNext:
    """AC_next: accept if the offer is worth at least my own next offer (both discounted)."""

    def accept(self, view: TrackView, offer: IntArray, next_offer: IntArray) -> BoolArray:
        """Accept when ``u(offer) * d**now >= u(next_offer) * d**next`` and above reservation."""
        u = view.my_utilities
        offered = u[offer]
        now = discounted_now(view, offered)
        later = discounted_next(view, u[next_offer])
        # the floor of above_reservation, on the utility already looked up
        return (now >= later - UTILITY_EPS) & (offered >= view.reservation - UTILITY_EPS)


@dataclass(frozen=True)
class ACConst:
    """AC_const(c): accept any offer whose discounted utility is at least the constant ``c``.

    Attributes:
        utility: The constant threshold ``c`` in [0, 1].
    """

    utility: float

    def accept(self, view: TrackView, offer: IntArray, next_offer: IntArray) -> BoolArray:
        """Accept when ``u(offer) * d**now >= c`` and above reservation."""
        now = discounted_now(view, view.my_utilities[offer])
        return (now >= self.utility - UTILITY_EPS) & above_reservation(view, offer)


@dataclass(frozen=True)
class ACTime:
    """AC_time(T): after relative time ``T``, accept anything at or above my reservation value.

    Before ``T`` nothing is accepted. Relative time is that of the current week
    (:attr:`TrackView.current_time`).

    Attributes:
        time: The relative time ``T`` in [0, 1].
    """

    time: float

    def accept(self, view: TrackView, offer: IntArray, next_offer: IntArray) -> BoolArray:
        """Accept when ``tau >= T`` and above reservation."""
        late = view.current_time >= self.time - UTILITY_EPS
        return np.full(offer.shape, late, dtype=bool) & above_reservation(view, offer)


@dataclass(frozen=True)
class ACCombi:
    """AC_combi = AC_next OR AC_time(T) (Baarslag et al.'s simple combination).

    Attributes:
        time: The relative time ``T`` after which any offer above reservation is accepted.
    """

    time: float

    def accept(self, view: TrackView, offer: IntArray, next_offer: IntArray) -> BoolArray:
        """Accept when AC_next or AC_time(T) accepts."""
        return ACNext().accept(view, offer, next_offer) | ACTime(self.time).accept(
            view, offer, next_offer
        )

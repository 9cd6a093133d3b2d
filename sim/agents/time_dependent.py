"""Faratin, Sierra & Jennings (1998) time-dependent tactics, on utilities.

The aspiration (target utility) at relative time ``tau`` in [0, 1] is

    target(tau) = rv + (1 - alpha(tau)) * (u_max - rv),
    alpha(tau) = kappa + (1 - kappa) * tau**(1/beta)

where ``u_max`` is the best utility on the track and ``rv`` the reservation value. ``beta < 1`` is
Boulware (holds firm, concedes near the deadline), ``beta > 1`` Conceder, ``beta = 1`` linear.
NegMAS's ``u(t) = 1 - t**e`` is the same curve with ``e = 1 / beta``. At the deadline round the
target equals the reservation value, so no offer or acceptance falls below it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.agents.base import UTILITY_EPS, TrackView

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
OfferPolicy = Callable[[TrackView, FloatArray], IntArray]


@dataclass(frozen=True)
class TimeDependentStrategy:
    """Polynomial time-dependent concession with AC_next acceptance.

    Attributes:
        beta: Concession exponent (> 0).
        kappa: Initial concession in [0, 1).
        offer_policy: Picks an outcome at the target utility.
    """

    beta: float
    kappa: float
    offer_policy: OfferPolicy

    def alpha(self, tau: float) -> float:
        """Fraction of the range conceded at relative time ``tau``."""
        return self.kappa + (1.0 - self.kappa) * tau ** (1.0 / self.beta)

    def target(self, view: TrackView) -> FloatArray:
        """Aspiration per replicate; alpha is a scalar, so this is exact and batch-independent."""
        u_max = float(view.track.sorted_desc[view.me, 0])
        rv = view.reservation
        return rv + (1.0 - self.alpha(view.time)) * (u_max - rv)

    def propose(self, view: TrackView) -> IntArray:
        """Offer the outcome the offer policy picks at this round's aspiration."""
        return self.offer_policy(view, self.target(view))

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """AC_next: accept if the offer is worth at least my own offer for this round."""
        u = view.my_utilities
        mine = u[self.propose(view)]
        theirs = u[offer]
        return (theirs >= mine - UTILITY_EPS) & (theirs >= view.reservation - UTILITY_EPS)

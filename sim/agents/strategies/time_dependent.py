"""Faratin, Sierra & Jennings (1998) time-dependent tactics, on utilities.

The aspiration (target utility) at relative time ``tau`` in [0, 1] is

    target(tau) = rv + (1 - alpha(tau)) * (u_max - rv)

where ``u_max`` is the best utility on the track and ``rv`` the reservation value. Two families of
``alpha`` (the fraction of the range conceded) are available:

    polynomial:   alpha(tau) = kappa + (1 - kappa) * tau**(1/beta)
    exponential:  alpha(tau) = exp((1 - tau)**beta * ln(kappa))      (needs kappa > 0)

Both start at ``alpha(0) = kappa`` and reach ``alpha(1) = 1``. ``beta < 1`` is Boulware (holds firm,
concedes near the deadline), ``beta > 1`` Conceder, ``beta = 1`` linear (polynomial family).
Convention: NegMAS's ``u(t) = 1 - t**e`` is the polynomial curve with ``e = 1 / beta``, so NegMAS's
Boulware ``e = 4`` is ``beta = 0.25`` here. At the deadline round the target equals the
reservation value, so no offer or acceptance falls below it.

References:
    Faratin, P., Sierra, C., & Jennings, N. R. (1998). Negotiation decision functions for
    autonomous agents. Robotics and Autonomous Systems 24(3-4), 159-182.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.acceptance import AcceptanceCondition, ACNext
from sim.agents.strategies.base import TrackView, including_offer
from sim.agents.strategies.offers import OfferPolicy, nearest_offer, pareto_offer

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Tactic = Literal["polynomial", "exponential"]


@dataclass(frozen=True)
class TimeDependentStrategy:
    """Time-dependent concession (polynomial or exponential tactic) with a pluggable acceptance.

    Attributes:
        beta: Concession exponent (> 0); ``beta < 1`` Boulware, ``beta > 1`` Conceder.
        kappa: Initial concession in [0, 1) (exponential tactic: in (0, 1)).
        offer_policy: Picks an outcome at the target utility.
        tactic: ``"polynomial"`` or ``"exponential"``.
        acceptance: Acceptance condition (AC_next by default).
        discount: My per-round discount factor (1.0: none).
    """

    beta: float
    kappa: float
    offer_policy: OfferPolicy
    tactic: Tactic = "polynomial"
    acceptance: AcceptanceCondition = field(default_factory=ACNext)
    discount: float = 1.0

    def __post_init__(self) -> None:
        if self.tactic == "exponential" and not 0.0 < self.kappa < 1.0:
            raise ValueError(f"exponential tactic needs 0 < kappa < 1, got {self.kappa}")

    def alpha(self, tau: FloatArray) -> FloatArray:
        """Fraction of the range conceded at relative time ``tau`` (per replicate)."""
        if self.tactic == "exponential":
            return np.exp(np.power(1.0 - tau, self.beta) * math.log(self.kappa))
        if self.kappa == 0.0:  # 0 + 1 * x is x: two array operations saved
            return np.power(tau, 1.0 / self.beta)
        return self.kappa + (1.0 - self.kappa) * np.power(tau, 1.0 / self.beta)

    @property
    def handles_ranking_groups(self) -> bool:
        """Whether it can answer for replicates of several feasible sets in one view.

        Its target needs only each replicate's best feasible utility, and the ``nearest`` and
        ``pareto`` policies look their group's ranking up (:class:`RankingGroups`).
        """
        return self.offer_policy is nearest_offer or self.offer_policy is pareto_offer

    def target(self, view: TrackView) -> FloatArray:
        """Aspiration per replicate (elementwise, so independent of the batch it is computed in)."""
        u_max: FloatArray | float
        if view.groups is not None:
            u_max = view.groups.best  # each replicate's best feasible outcome
        else:
            u_max = float(view.track.sorted_desc[view.me, 0])
        rv, tau = view.reservation, view.time
        conceded: FloatArray | float
        if tau.size > 1 and not (tau != tau[0]).any():
            # one relative time for every replicate (no directive, no cost of delay in force):
            # the power once, by the same ufunc, so the same numbers as over the whole array
            conceded = float(self.alpha(tau[:1])[0])
        else:
            conceded = self.alpha(tau)
        return rv + (1.0 - conceded) * (u_max - rv)

    def propose(self, view: TrackView) -> IntArray:
        """Offer the outcome the offer policy picks at this round's aspiration."""
        return self.offer_policy(view, self.target(view))

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """Ask the acceptance condition, with my next offer as the alternative.

        Only an offer policy that learns from the history needs to see the pending offer in it
        (copying the history for the others would cost ~10 % of a run for nothing).
        """
        if getattr(self.offer_policy, "uses_history", False):
            view = including_offer(view, offer)
        return self.acceptance.accept(view, offer, self.propose(view))

    def respond_and_counter(self, view: TrackView, offer: IntArray) -> tuple[BoolArray, IntArray]:
        """:meth:`respond` and the counter-offer :meth:`propose` would make, computed once.

        Without a history-learning policy the next offer AC_next weighs is the counter itself;
        with one, the answer sees the pending offer and the counter the recorded history, so
        both are computed as :meth:`respond` and :meth:`propose` would.
        """
        if getattr(self.offer_policy, "uses_history", False):
            return self.respond(view, offer), self.propose(view)
        counter = self.propose(view)
        return self.acceptance.accept(view, offer, counter), counter

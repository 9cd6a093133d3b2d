"""The subgame-perfect agent of Rubinstein's (1982) alternating-offers game, for validation.

A pie of size 1 is split by alternating offers; each rejected offer costs one period, and a
payoff ``x`` received after ``t`` periods is worth ``x * delta**t``. The unique subgame-perfect
equilibrium is stationary: whoever proposes asks for

    x_me* = (1 - delta_opp) / (1 - delta_me * delta_opp)

and a responder accepts exactly the offers worth at least its continuation value, the discounted
share it would get by proposing next: ``delta_me * x_me*``. The first proposer's offer is therefore
accepted at once, giving it ``x1* = (1 - d2) / (1 - d1 d2)`` and the responder ``d2 (1 - d1) / (1 -
d1 d2)``.

The agent reads a utility as its share of the pie (the pie scenarios use ``u = x`` and ``u = 1 -
x``) and needs both discount factors (complete information: the opponent's discount and utilities
come from the view). On a grid of outcomes that does not contain ``x_me*`` exactly it proposes the
outcome best for itself among those that still give the responder its continuation value
``delta_opp * x_opp*``: rounding in the responder's favour keeps the equilibrium's immediate
acceptance, where the option *nearest* ``x_me*`` would be rejected whenever it rounds even slightly
in the proposer's favour (and the deal would jump a round later). If no outcome gives the responder
its continuation value, it proposes the responder's best outcome. Discounting here is per
*offer*, as in the theory; the weekly protocol lets the second mover counter within the same week,
so the closed form is the benchmark for these agents, not for arbitrary strategies in the weekly
protocol. The disagreement point is 0 (no reservation-value shift of the surplus, cf. Binmore,
Rubinstein & Wolinsky 1986), but the agent still never accepts below its reservation value.

References:
    Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. Econometrica 50(1), 97-109.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.base import UTILITY_EPS, TrackView

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def spe_share(delta_me: float, delta_opp: float) -> float:
    """The proposer's subgame-perfect share ``(1 - delta_opp) / (1 - delta_me * delta_opp)``.

    Raises:
        ValueError: If both discount factors are 1 (no impatience: the split is undefined).
    """
    denom = 1.0 - delta_me * delta_opp
    if denom <= 0.0:
        raise ValueError("Rubinstein's split needs delta_me * delta_opp < 1")
    return (1.0 - delta_opp) / denom


def nearest_utility_outcome(view: TrackView, utility: float) -> int:
    """The outcome whose utility to me is nearest ``utility`` (ties: the better one for me)."""
    ranked = view.track.sorted_desc[view.me]  # descending
    pos = int(np.argmin(np.abs(ranked - utility)))  # first minimum: the higher utility on ties
    return int(view.track.order_desc[view.me, pos])


def best_outcome_leaving(view: TrackView, opponent_floor: float) -> int:
    """My best outcome among those worth at least ``opponent_floor`` to the opponent.

    Ties in my utility go to the outcome the opponent values more; if no outcome reaches the floor,
    the opponent's best outcome (the offer closest to being accepted).
    """
    mine = view.my_utilities
    theirs = view.track.utilities[view.opponent]
    acceptable = theirs >= opponent_floor - UTILITY_EPS
    if not acceptable.any():
        return int(np.argmax(theirs))
    # lexsort: last key first; the last element is my best, then the opponent's best on ties
    order = np.lexsort((np.where(acceptable, theirs, -np.inf), np.where(acceptable, mine, -np.inf)))
    return int(order[-1])


@dataclass(frozen=True)
class RubinsteinStrategy:
    """Propose ``x_me*``; accept any offer worth at least ``delta_me * x_me*``.

    Attributes:
        discount: My discount factor per offer, in (0, 1).
    """

    discount: float

    def share(self, view: TrackView) -> float:
        """My subgame-perfect share when I propose."""
        return spe_share(self.discount, view.opponent_discount)

    def opponent_continuation(self, view: TrackView) -> float:
        """What the opponent accepts: its discounted share as the next proposer."""
        delta_opp = view.opponent_discount
        return delta_opp * spe_share(delta_opp, self.discount)

    def propose(self, view: TrackView) -> IntArray:
        """My best outcome that the responder accepts at once, for every replicate."""
        outcome = best_outcome_leaving(view, self.opponent_continuation(view))
        return np.full(view.reservation.shape, outcome, dtype=np.int64)

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """Accept offers worth at least my continuation value (and my reservation value)."""
        u = view.my_utilities[offer]
        continuation = self.discount * self.share(view)
        return (u >= continuation - UTILITY_EPS) & (u >= view.reservation - UTILITY_EPS)

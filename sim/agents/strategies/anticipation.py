"""Anticipating ratification: offers that maximise expected utility ``u_i(x) * P_deal(x)``.

Putnam (1988) and SCENARIO.md B4: a tentative deal holds only if both Level IIs ratify it,

    P_ratify_j(x) = 1 / (1 + exp(-k_j (V_j(x) - theta_j - s_j)))
    P_deal(x) = prod_j P_ratify_j(x)

with ``s_j`` the shift of leader ``j``'s threshold this week (audience costs of escalations, the
directive bonus; :func:`sim.domain.politics.threshold_shift`). A negotiator who anticipates it
values an outcome at its expected utility ``e(x) = u_i(x) * P_deal(x)`` and aims its concession
curve at that: the curve's target ``a`` (a share ``a / u_max`` of its best utility) becomes the
same share of its best expected utility, ``a * e_max / u_max``, and among the outcomes with ``e``
at least that it offers the one the opponent values most (the ``pareto`` policy on expected
rather than face utility); an outcome below its reservation value is replaced by the maximiser
of ``e``. An opening or take-it-or-leave-it offer (``a = u_max``) is the expected-utility
maximiser, which reproduces Schelling's conjecture (B4's table: tied hands win a larger share at
a lower ratification probability); later offers concede as fast as the strategy says.

It knows both sides' ratification model (complete information, as ``pareto`` knows the opponent's
utility; assumption). Without Level II (``protocol.ratification=false``) ``P_deal = 1`` and it is
the ``pareto`` policy.

The work is array work over the outcome table: per distinct threshold shift (a handful: counts of
escalations, a directive or not) one sort of the feasible outcomes by ``e`` and one running
maximum, cached for the batch; each replicate's offer is then a ``searchsorted``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.base import UTILITY_EPS, DealOdds, TrackView
from sim.agents.strategies.offers import pareto_offer

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def expected_utility_table(
    view: TrackView, odds: DealOdds, shift: FloatArray
) -> tuple[FloatArray, IntArray]:
    """Feasible outcomes' expected utilities, ascending, and the opponent's favourite per prefix.

    Returns ``(e_ascending, best)``: ``best[m - 1]`` is the outcome the opponent values most among
    the ``m`` outcomes of highest expected utility to me.
    """
    key = (id(view.track), view.me, view.opponent, shift.tobytes())
    cached = odds.cache.get(key)
    if cached is not None:
        return cached
    feasible = view.track.order_desc[view.me]
    expected = view.track.utilities[view.me, feasible] * odds.probability(feasible, shift)
    ranked = feasible[np.argsort(-expected, kind="stable")]
    opp_u = view.track.utilities[view.opponent, ranked]
    running_best = np.maximum.accumulate(opp_u)
    is_new_best = np.r_[True, running_best[1:] > running_best[:-1]]
    best_pos = np.maximum.accumulate(np.where(is_new_best, np.arange(ranked.size), 0))
    table = (np.sort(expected), ranked[best_pos])
    odds.cache[key] = table
    return table


def offers_at(
    ascending: FloatArray, best: IntArray, target: FloatArray, u_max: float
) -> tuple[IntArray, IntArray]:
    """Offers for the replicates of one threshold shift: ``(offer, expected-utility maximiser)``.

    The curve's share of my best utility is applied to my best expected utility. Every replicate
    goes through this same arithmetic whatever else shares its batch, which keeps a replicate's
    offers independent of its batch (a combined search over groups rounded differently).
    """
    aim = target * (float(ascending[-1]) / u_max)
    m = np.maximum(ascending.size - np.searchsorted(ascending, aim - UTILITY_EPS), 1)
    return best[m - 1], np.full(target.shape, best[0])


@dataclass(frozen=True)
class ExpectedUtilityOffer:
    """Offer policy ``expected_utility``: the concession target applies to ``u_i(x) P_deal(x)``."""

    #: Tells the negotiator to put :class:`DealOdds` in the views it builds.
    anticipates_ratification: bool = True

    def __call__(self, view: TrackView, target: FloatArray) -> IntArray:
        """Per replicate, the opponent's favourite among outcomes with ``u * P_deal >= target``."""
        odds = view.deal_odds
        if odds is None:
            return pareto_offer(view, target)
        u_max = max(float(view.track.sorted_desc[view.me, 0]), UTILITY_EPS)
        if len(odds.shifts) == 1:  # the usual case: one threshold for every replicate
            ascending, best = expected_utility_table(view, odds, odds.shifts[0])
            offers, top = offers_at(ascending, best, target, u_max)
        else:  # a loop over the handful of distinct shifts, not over replicates
            target = np.broadcast_to(target, odds.group.shape)
            offers = np.empty(target.shape, dtype=np.int64)
            top = np.empty(target.shape, dtype=np.int64)
            for g, shift in enumerate(odds.shifts):
                rows = odds.group == g
                ascending, best = expected_utility_table(view, odds, shift)
                offers[rows], top[rows] = offers_at(ascending, best, target[rows], u_max)
        # never below my reservation value: then the expected-utility maximiser instead
        acceptable = view.my_utilities[offers] >= view.reservation - UTILITY_EPS
        return np.where(acceptable, offers, top)

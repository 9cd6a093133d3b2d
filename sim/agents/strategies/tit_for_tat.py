"""Faratin, Sierra & Jennings (1998) imitative (behaviour-dependent) tactics: tit-for-tat.

The negotiator mirrors the opponent's last concession, measured in *my* utility. Let ``u_prev``
and ``u_last`` be my utilities of the opponent's two most recent offers, and ``delta = u_last -
u_prev`` its last concession to me (negative if it hardened). My target utility then moves:

    absolute:  target <- target - delta
    relative:  target <- target - f * (target - rv),   f = delta / (u_max - u_prev)   if delta > 0
               target <- target + g * (u_max - target), g = -delta / (u_prev - u_min) if delta < 0

``absolute`` concedes by the same amount of utility as the opponent did. ``relative`` concedes in
proportion: the opponent gave me the fraction ``f`` of what it could still give me (up to my best
utility ``u_max``), and I give it the same fraction of what I can still give (down to my
reservation value ``rv``); if it takes back the fraction ``g`` of what it had given me (down to my
worst utility ``u_min``), I take back the same fraction of what I had conceded. Faratin et al.
multiply issue values by the opponent's ratio of successive offers; on a utility scale, whose zero
is arbitrary, this fraction-of-the-room form is the scale-free analogue. The target always stays
between ``rv`` and ``u_max``.

First rounds: before the opponent has made two offers there is nothing to imitate, so the target
is the opening aspiration ``rv + (1 - kappa) * (u_max - rv)`` (my best outcome when ``kappa = 0``).
Two tit-for-tat negotiators facing each other therefore stay at their opening offers: tit-for-tat
needs a partner that moves first.

The strategy keeps no state: the target is replayed from the offer history on every call, one
vectorised step per past week (a loop over weeks, never over replicates), O(weeks x R).

References:
    Faratin, P., Sierra, C., & Jennings, N. R. (1998). Negotiation decision functions for
    autonomous agents. Robotics and Autonomous Systems 24(3-4), 159-182 (Sec. 4.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.acceptance import AcceptanceCondition, ACNext
from sim.agents.strategies.base import UTILITY_EPS, TrackView, including_offer
from sim.agents.strategies.offers import OfferPolicy

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Imitation = Literal["relative", "absolute"]


@dataclass(frozen=True)
class TitForTatStrategy:
    """Relative or absolute tit-for-tat on utilities, with a pluggable acceptance condition.

    Attributes:
        imitation: ``"relative"`` (same fraction of the remaining room) or ``"absolute"`` (same
            amount of utility).
        kappa: Opening concession in [0, 1): the first offers aim at ``rv + (1 - kappa) *
            (u_max - rv)``.
        offer_policy: Picks an outcome at the target utility.
        acceptance: Acceptance condition (AC_next by default).
        discount: My per-round discount factor (1.0: none).
    """

    imitation: Imitation
    offer_policy: OfferPolicy
    kappa: float = 0.0
    acceptance: AcceptanceCondition = field(default_factory=ACNext)
    discount: float = 1.0

    def target(self, view: TrackView) -> FloatArray:
        """Replay the imitation over the opponent's offers so far; one target per replicate."""
        u = view.my_utilities
        u_max = float(view.track.sorted_desc[view.me, 0])
        u_min = float(view.track.sorted_desc[view.me, -1])
        rv = view.reservation
        target = rv + (1.0 - self.kappa) * (u_max - rv)
        last = np.full(rv.shape, np.nan)  # my utility of the opponent's latest offer
        for row in view.opponent_offers:  # weeks so far; each step is vectorised over replicates
            made = row >= 0
            u_now = np.where(made, u[np.maximum(row, 0)], np.nan)
            moved = made & ~np.isnan(last)
            delta = np.where(moved, u_now - last, 0.0)
            if self.imitation == "absolute":
                proposal = target - delta
            else:
                prev = np.where(moved, last, u_max)
                given = delta / np.maximum(u_max - prev, UTILITY_EPS)  # share of its room
                taken = -delta / np.maximum(prev - u_min, UTILITY_EPS)  # share of its gifts
                proposal = np.where(
                    delta > 0, target - given * (target - rv), target + taken * (u_max - target)
                )
            clamped = np.minimum(np.maximum(proposal, rv), u_max)
            target = np.where(moved, clamped, target)
            last = np.where(made, u_now, last)
        return target

    def propose(self, view: TrackView) -> IntArray:
        """Offer the outcome the offer policy picks at the imitated target."""
        return self.offer_policy(view, self.target(view))

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """Ask the acceptance condition; my next offer already reacts to ``offer``."""
        return self.acceptance.accept(view, offer, self.propose(including_offer(view, offer)))

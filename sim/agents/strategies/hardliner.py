"""The hardliner: demands a fixed utility level (its floor) and never concedes below it.

With the default floor (``None``: its best outcome) it repeats its favourite offer every round, the
"hardliner" of the ANAC/Genius agent libraries. It accepts only offers worth at least its floor (and
its reservation value), whatever its acceptance condition says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.acceptance import AcceptanceCondition, ACNext
from sim.agents.strategies.base import UTILITY_EPS, TrackView, including_offer
from sim.agents.strategies.offers import OfferPolicy

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class HardlinerStrategy:
    """Offers at its floor every round; accepts only at or above the floor.

    Attributes:
        offer_policy: Picks an outcome at the floor.
        floor: Utility floor in [0, 1]; ``None`` means my best outcome on each track.
        acceptance: Acceptance condition, further restricted to offers at or above the floor.
        discount: My per-round discount factor (1.0: none).
    """

    offer_policy: OfferPolicy
    floor: float | None = None
    acceptance: AcceptanceCondition = field(default_factory=ACNext)
    discount: float = 1.0

    def floor_for(self, view: TrackView) -> float:
        """The floor on this track (my best utility when no floor is set)."""
        return float(view.track.sorted_desc[view.me, 0]) if self.floor is None else self.floor

    def target(self, view: TrackView) -> FloatArray:
        """The constant demand: the floor, and never below my reservation value."""
        return np.maximum(self.floor_for(view), view.reservation)

    def propose(self, view: TrackView) -> IntArray:
        """Offer the outcome the offer policy picks at the floor."""
        return self.offer_policy(view, self.target(view))

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """Accept only when the condition accepts and the offer is worth at least the floor."""
        at_floor = view.my_utilities[offer] >= self.floor_for(view) - UTILITY_EPS
        wanted = self.acceptance.accept(view, offer, self.propose(including_offer(view, offer)))
        return at_floor & wanted

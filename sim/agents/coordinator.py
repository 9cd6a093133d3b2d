"""Coordinates a party's mandate across tracks (e.g. Michael Sabia, Clerk of the Privy Council).

Each deal its party concludes this week lowers the party's reservation value on its other open
tracks by ``mandate_momentum`` (a banked deal makes the next one easier to sell; assumption).
"""

from __future__ import annotations

from typing import cast

import mesa
import numpy as np

from sim.agents.world import World
from sim.domain.scenario import CoordinatorSpec


class Coordinator(mesa.Agent):
    """A party's coordinator, for every replicate of the batch at once.

    Args:
        model: The ensemble model.
        spec: The coordinator's parameters.
        party: Party index.
    """

    def __init__(self, model: mesa.Model, spec: CoordinatorSpec, party: int) -> None:
        super().__init__(model)
        self.spec = spec
        self.party = party

    def act(self) -> None:
        """Shift the party's mandate on its open tracks by this week's deals on its tracks."""
        world = cast(World, self.model)
        state, mine = world.state, world.at_track[self.party]
        n_deals = (state.concluded_now & mine).sum(axis=1).astype(np.float64)  # (R,)
        shift = -self.spec.mandate_momentum * n_deals[:, None] * (state.is_open & mine)
        state.mandate_drift[:, self.party, :] += shift

"""A domestic constituency (e.g. Ontario steelworkers) pressing its government each week.

Its mobilisation ``s ~ U(0.5, 1.5)`` (mean 1) is drawn once per replicate from its own block
``stakeholder.<key>``; each week it moves its government's reservation value on every open track
it has a stake in by ``sign * pressure_per_week * influence * s`` (``sign`` -1 for stance
``deal``, +1 for ``hold``). The model bounds the cumulative drift (``max_pressure_drift``).
"""

from __future__ import annotations

from typing import cast

import mesa
import numpy as np
import numpy.typing as npt

from sim.agents.world import World
from sim.domain.scenario import StakeholderSpec, Stance
from sim.engine.streams import DrawBlock

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class Stakeholder(mesa.Agent):
    """A domestic constituency, for every replicate of the batch at once.

    Args:
        model: The ensemble model.
        spec: The stakeholder's parameters.
        party: Party index of its government.
        stake: ``(T,)`` whether it has a stake in each track.
    """

    def __init__(
        self, model: mesa.Model, spec: StakeholderSpec, party: int, stake: BoolArray
    ) -> None:
        super().__init__(model)
        self.spec = spec
        self.party = party
        self.stake = stake
        #: ``(R,)`` how mobilised it is in each replicate (mean 1).
        self.strength = np.ones(0)
        #: ``(R, T)`` its weekly push on its government's reservation values.
        self.push = np.zeros((0, stake.size))

    def draw_blocks(self) -> list[DrawBlock]:
        """One uniform per replicate: its mobilisation."""
        return [DrawBlock(f"stakeholder.{self.spec.key}", (1,))]

    def receive_draws(self, draws: dict[str, FloatArray]) -> None:
        """Fix its mobilisation and weekly push for the batch."""
        self.strength = 0.5 + draws[f"stakeholder.{self.spec.key}"][:, 0]
        sign = -1.0 if self.spec.stance is Stance.deal else 1.0
        rate = sign * self.spec.pressure_per_week * self.spec.influence
        self.push = rate * self.strength[:, None] * self.stake[None, :]

    def act(self) -> None:
        """Press on the tracks still open (the model bounds the cumulative drift)."""
        state = cast(World, self.model).state
        state.pressure_drift[:, self.party, :] += self.push * state.is_open

"""A domestic constituency (e.g. Ontario steelworkers) pressing its government each week.

Its mobilisation ``s ~ U(0.5, 1.5)`` (mean 1) is drawn once per replicate from its own block
``stakeholder.<key>``; each week it moves its government's reservation value on every open track
it has a stake in by ``sign * pressure_per_week * influence * s`` (``sign`` -1 for stance
``deal``, +1 for ``hold``). The push is constant over the talks, so each stakeholder enters it
once, at the start, into its party's lobby (``BatchState.lobby_push``), and the model applies
the lobby's sum each week in one array operation, bounding the cumulative drift
(``max_pressure_drift``).

A stakeholder with a ``provocation_hazard`` (a provincial government's campaign, say) provokes
the leader of the party it ``provokes`` in any week with that probability while talks are open
(one uniform per week from block ``provocation.<key>``); the leader reacts the next week.
"""

from __future__ import annotations

from typing import cast

import mesa
import numpy as np
import numpy.typing as npt

from sim.agents.world import World
from sim.domain.scenario import StakeholderSpec, Stance
from sim.engine.state import any_per_row
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
        world = cast(World, model)
        #: Party index of the leader it provokes (-1: none).
        self.target = world.compiled.party_index(spec.provokes) if spec.provokes else -1
        #: ``(R, W)`` its weekly provocation uniforms (only if it provokes).
        self.provocation_uniforms = np.zeros((0, 0))

    @property
    def provokes(self) -> bool:
        """Whether it ever provokes the other side's leader."""
        return self.target >= 0 and self.spec.provocation_hazard > 0

    def draw_blocks(self) -> list[DrawBlock]:
        """One uniform per replicate (its mobilisation), and one per week if it provokes."""
        blocks = [DrawBlock(f"stakeholder.{self.spec.key}", (1,))]
        if self.provokes:
            n_steps = cast(World, self.model).n_steps
            blocks.append(DrawBlock(f"provocation.{self.spec.key}", (n_steps,)))
        return blocks

    def receive_draws(self, draws: dict[str, FloatArray]) -> None:
        """Fix its mobilisation and weekly push for the batch."""
        self.strength = 0.5 + draws[f"stakeholder.{self.spec.key}"][:, 0]
        sign = -1.0 if self.spec.stance is Stance.deal else 1.0
        rate = sign * self.spec.pressure_per_week * self.spec.influence
        self.push = rate * self.strength[:, None] * self.stake[None, :]
        cast(World, self.model).state.lobby_push[:, self.party, :] += self.push
        if self.provokes:
            self.provocation_uniforms = draws[f"provocation.{self.spec.key}"]

    def act(self) -> None:
        """Provoke the other side's leader, if it does (its pressure is in the lobby push)."""
        world = cast(World, self.model)
        state = world.state
        if self.provokes:
            u = self.provocation_uniforms[:, state.step]
            hazard = state.step_hazard(self.spec.provocation_hazard)
            provoking = (u < hazard) & any_per_row(state.is_open)
            state.provoked[:, self.target] |= provoking
            if world.tracer is not None:
                world.tracer.event("provocation", provoking, self.party, 1)

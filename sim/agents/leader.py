"""A head of government (Carney, Trump): issues shocks and ratifies deals on its party's tracks.

Each week (:meth:`Leader.act`) a leader issues its scripted events of the week and, with its
weekly hazard of each kind in :data:`~sim.engine.shocks.SHOCKS`, a stochastic shock. When its
party's negotiators strike a tentative deal, it ratifies it with the Level II probability
tabulated in :mod:`sim.domain.politics` (Putnam 1988).

Its random inputs are its own: one uniform per week for each shock kind
(``shock.<kind>.<key>``) and for the ratification of each of its tracks
(``ratification.<key>.<track>``).
"""

from __future__ import annotations

from typing import cast

import mesa
import numpy as np
import numpy.typing as npt

from sim.agents.world import World
from sim.domain.scenario import EventKind, LeaderSpec
from sim.engine.shocks import SHOCKS
from sim.engine.streams import DrawBlock

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


class Leader(mesa.Agent):
    """A head of government, for every replicate of the batch at once.

    Args:
        model: The ensemble model.
        spec: The leader's parameters.
        party: Party index.
    """

    def __init__(self, model: mesa.Model, spec: LeaderSpec, party: int) -> None:
        super().__init__(model)
        self.spec = spec
        self.party = party
        world = cast(World, model)
        self.tracks = np.flatnonzero(world.at_track[party])
        #: ``(T,)`` the party's tracks: where its stochastic shocks apply.
        self.own_tracks = world.at_track[party].copy()
        #: ``(R, W, n)`` this leader's weekly uniforms for each shock kind.
        self.shock_uniforms: dict[EventKind, FloatArray] = {}
        #: ``(R, W)`` this leader's ratification uniforms, per track index.
        self.ratification_uniforms: dict[int, FloatArray] = {}

    @property
    def world(self) -> World:
        """The model, as an agent sees it."""
        return cast(World, self.model)

    def draw_blocks(self) -> list[DrawBlock]:
        """The leader's random inputs per replicate."""
        n_weeks = self.world.n_weeks
        names = self.world.compiled.tracks
        shocks = [
            DrawBlock(f"shock.{kind.value}.{self.spec.key}", (n_weeks, cls.uniforms_per_week))
            for kind, cls in SHOCKS.items()
        ]
        ratify = [
            DrawBlock(f"ratification.{self.spec.key}.{names[k].name}", (n_weeks,))
            for k in self.tracks
        ]
        return shocks + ratify

    def receive_draws(self, draws: dict[str, FloatArray]) -> None:
        """Keep the leader's blocks of the batch's draws."""
        for kind in SHOCKS:
            self.shock_uniforms[kind] = draws[f"shock.{kind.value}.{self.spec.key}"]
        for k in self.tracks:
            name = self.world.compiled.tracks[k].name
            self.ratification_uniforms[int(k)] = draws[f"ratification.{self.spec.key}.{name}"]

    def act(self) -> None:
        """Issue this week's scripted events, then each kind of stochastic shock."""
        world, week = self.world, self.world.state.week
        everyone = np.ones(world.state.n_replicates, dtype=bool)
        for event in world.compiled.scenario.politics.events:
            if event.week == week and event.party == self.spec.party:
                self._issue(event.kind, everyone, event.weeks, self._tracks_mask(event.tracks))
        for kind, shock in world.shocks.items():
            fires = shock.fires(
                self.shock_uniforms[kind][:, week], self.spec.hazards.get(kind, 0.0)
            )
            if fires.any():
                self._issue(kind, fires, shock.default_weeks(), self.own_tracks)

    def _tracks_mask(self, names: tuple[str, ...]) -> BoolArray:
        """``(T,)`` the party's tracks, limited to ``names`` if any are given."""
        mask = self.own_tracks.copy()
        if names:
            mask &= np.array([t.name in names for t in self.world.compiled.tracks])
        return mask

    def _issue(self, kind: EventKind, fires: BoolArray, weeks: int, tracks: BoolArray) -> None:
        world = self.world
        world.shocks[kind].apply(world.state, fires, self.party, weeks, tracks)
        if world.tracer is not None:
            world.tracer.event(kind.value, fires, self.party, weeks)

    def ratification_probability(self, track: int, outcome: IntArray) -> FloatArray:
        """P(ratified at home) of each tentative deal (Level II, tabulated per outcome)."""
        return self.world.politics.ratify_probability[track][self.party, outcome]

    def ratify(self, track: int, rows: IntArray, outcome: IntArray) -> BoolArray:
        """Whether each tentative deal on ``track`` (batch positions ``rows``) is ratified."""
        uniforms = self.ratification_uniforms[track][rows, self.world.state.week]
        return uniforms < self.ratification_probability(track, outcome)

"""A head of government (Carney, Trump): issues shocks and ratifies deals on its party's tracks.

Each week (:meth:`Leader.act`) a leader issues its scripted events of the week and, with its
weekly hazard of each kind in :data:`~sim.engine.shocks.SHOCKS`, a stochastic shock; it reacts
to provocations (its termination hazard rises in the week after one) and lets talks it
terminated resume with its resumption hazard. When its party's negotiators strike a tentative
deal, it ratifies it with the Level II probability of :mod:`sim.domain.politics` (Putnam 1988),
its threshold raised by audience costs (each escalation its party suffered on the track makes a
deal look like a concession under coercion) and lowered once it has publicly ordered its side
to conclude quickly there.

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
from sim.domain.politics import ratification_probability, threshold_shift
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
        n_steps = self.world.n_steps
        names = self.world.compiled.tracks
        shocks = [
            DrawBlock(f"shock.{kind.value}.{self.spec.key}", (n_steps, cls.uniforms_per_week))
            for kind, cls in SHOCKS.items()
            if self._is_stochastic(kind)
        ]
        ratify = [
            DrawBlock(f"ratification.{self.spec.key}.{names[k].name}", (n_steps,))
            for k in self.tracks
        ]
        return shocks + ratify

    def _is_stochastic(self, kind: EventKind) -> bool:
        """Whether shocks of this kind can happen by chance (else they need no draws).

        A block left out changes no other block's numbers (blocks are keyed by name), so
        switching a hazard on keeps every other draw of every replicate.
        """
        if kind is EventKind.termination:
            spec = self.spec
            return (
                spec.hazards.get(kind, 0.0) > 0
                or spec.provocation_response > 0
                or spec.resumption_hazard > 0
            )
        return self.spec.hazards.get(kind, 0.0) > 0

    def receive_draws(self, draws: dict[str, FloatArray]) -> None:
        """Keep the leader's blocks of the batch's draws."""
        for kind in SHOCKS:
            if self._is_stochastic(kind):
                self.shock_uniforms[kind] = draws[f"shock.{kind.value}.{self.spec.key}"]
        for k in self.tracks:
            name = self.world.compiled.tracks[k].name
            self.ratification_uniforms[int(k)] = draws[f"ratification.{self.spec.key}.{name}"]

    def act(self) -> None:
        """Issue this week's scripted events, then each kind of stochastic shock."""
        world, step = self.world, self.world.state.step
        everyone = np.ones(world.state.n_replicates, dtype=bool)
        for event in world.compiled.scenario.politics.events:
            if world.state.covers(event.week) and event.party == self.spec.party:
                tracks = self._tracks_mask(event.tracks)
                self._issue(event.kind, everyone, event.weeks, tracks, event.rate_step)
        for kind, shock in world.shocks.items():
            if kind not in self.shock_uniforms:
                continue
            uniforms = self.shock_uniforms[kind][:, step]
            resumption = world.state.step_hazard(self.spec.resumption_hazard)
            shock.carry_on(world.state, uniforms, self.party, float(resumption))
            fires = shock.fires(uniforms, world.state.step_hazard(self.hazard(kind)))
            if fires.any():
                self._issue(
                    kind, fires, shock.default_weeks(), self.own_tracks, shock.default_size()
                )

    def hazard(self, kind: EventKind) -> float | FloatArray:
        """This week's hazard of a shock kind: a termination's rises after a provocation."""
        base = self.spec.hazards.get(kind, 0.0)
        if kind is not EventKind.termination or self.spec.provocation_response == 0.0:
            return base
        provoked = self.world.state.provoked_last_week[:, self.party]
        return base + self.spec.provocation_response * provoked.astype(np.float64)

    def _tracks_mask(self, names: tuple[str, ...]) -> BoolArray:
        """``(T,)`` the party's tracks, limited to ``names`` if any are given."""
        mask = self.own_tracks.copy()
        if names:
            mask &= np.array([t.name in names for t in self.world.compiled.tracks])
        return mask

    def _issue(
        self, kind: EventKind, fires: BoolArray, weeks: int, tracks: BoolArray, size: float
    ) -> None:
        world = self.world
        world.shocks[kind].apply(world.state, fires, self.party, weeks, tracks, size)
        if world.tracer is not None:
            world.tracer.event(kind.value, fires, self.party, weeks)

    def ratification_probability(self, track: int, rows: IntArray, outcome: IntArray) -> FloatArray:
        """P(ratified at home) of each tentative deal (batch positions ``rows``).

        ``1 / (1 + exp(-k (V(x) - theta - a * n + b * d)))``: the tabulated margin ``V - theta``,
        the audience cost ``a`` per escalation ``n`` the party suffered on the track, and the
        directive bonus ``b`` once the leader has publicly ordered a quick deal there (``d`` = 1).
        """
        world, state = self.world, self.world.state
        margin = world.politics.ratify_margin[track][self.party, outcome]
        suffered = state.escalations_suffered[:, self.party, track][rows]
        committed = state.committed[:, self.party, track][rows]
        bonus = world.protocol.directive_ratification_bonus
        shift = threshold_shift(self.spec.audience_cost, suffered, bonus, committed)
        return ratification_probability(margin - shift, self.spec.sharpness)

    def ratify(self, track: int, rows: IntArray, outcome: IntArray) -> BoolArray:
        """Whether each tentative deal on ``track`` (batch positions ``rows``) is ratified."""
        uniforms = self.ratification_uniforms[track][:, self.world.state.step][rows]
        return uniforms < self.ratification_probability(track, rows, outcome)

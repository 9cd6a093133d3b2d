"""A chief negotiator (LeBlanc, Hillman, Lutnick, Greer): makes and answers offers on its tracks.

The negotiator sees a read-only :class:`~sim.agents.strategies.base.TrackView` of a track (its
utilities, its reservation values, the offers so far, its relative time, the cost of another week
without a deal) and asks its strategy what to offer and whether to accept. Its relative time is
advanced while its leader's directive holds and by the cost of delay it has borne: the share of
the surplus it aimed for that the tariffs have already burnt (Faratin et al.'s resource-dependent
tactic, with the surplus as the resource). It never
commits to an outcome below its own reservation value: such an offer is withheld.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import cast

import mesa
import numpy as np
import numpy.typing as npt

from sim.agents.strategies.base import UTILITY_EPS, Strategy, TrackView
from sim.agents.world import World
from sim.domain.scenario import NegotiatorSpec

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


class Negotiator(mesa.Agent):
    """A chief negotiator: one Mesa agent for all replicates of a batch.

    Args:
        model: The ensemble model.
        spec: Who it is and which tracks it leads.
        party: Party row in the utility tables.
        tracks: Indices of the tracks it leads.
        strategy: The strategy that answers for every replicate.
    """

    def __init__(
        self,
        model: mesa.Model,
        spec: NegotiatorSpec,
        party: int,
        tracks: Sequence[int],
        strategy: Strategy,
    ) -> None:
        super().__init__(model)
        self.spec = spec
        self.party = party
        self.tracks = tuple(tracks)
        self.strategy = strategy
        #: Per-round discount factor of the strategy (1.0: none).
        self.discount = float(getattr(strategy, "discount", 1.0))

    @property
    def world(self) -> World:
        """The model, as an agent sees it."""
        return cast(World, self.model)

    def view(
        self, track: int, conditions: int, rows: IntArray, opponent: Negotiator, week: int
    ) -> TrackView:
        """What this negotiator sees of ``track`` for the batch positions ``rows``.

        Args:
            track: Track index.
            conditions: Bitmask of the track's conditions that hold (selects the offer tables).
            rows: Batch positions of the replicates concerned.
            opponent: The negotiator on the other side.
            week: The round the answer is for (the week of its next offer when answering a
                counter-offer).
        """
        return self.views(track, conditions, rows, opponent, (week,))[0]

    def views(
        self,
        track: int,
        conditions: int,
        rows: IntArray,
        opponent: Negotiator,
        weeks: Sequence[int],
    ) -> list[TrackView]:
        """:meth:`view` for several rounds at once; they share everything but the clock."""
        world, state = self.world, self.world.state
        n_rounds = world.deadline_weeks
        directed = state.directive_until[:, self.party, track][rows] > state.week
        table = world.politics.restricted[track][conditions]
        reservation = state.reservation[:, self.party, track][rows]
        burnt = self._surplus_burnt(table.sorted_desc[self.party, 0], reservation, rows, track)
        advance = world.protocol.directive_time_boost * directed + burnt
        key = (track, conditions, self.party, opponent.party)

        def clock(week: int) -> FloatArray:
            tau = min(week, n_rounds - 1) / max(n_rounds - 1, 1)
            return np.minimum(tau + advance, 1.0)

        first = TrackView(
            track=table,
            me=self.party,
            opponent=opponent.party,
            round=weeks[0],
            n_rounds=n_rounds,
            time=clock(weeks[0]),
            reservation=reservation,
            pareto_table=world.politics.pareto[key],
            history=state.offers[:, track, :, : state.step + 1],
            replicates=rows,
            discount=self.discount,
            opponent_discount=opponent.discount,
            week=state.week,
            delay_cost=state.weekly_cost[:, self.party, track][rows],
        )
        return [first] + [replace(first, round=w, time=clock(w)) for w in weeks[1:]]

    def _surplus_burnt(
        self, best: float, reservation: FloatArray, rows: IntArray, track: int
    ) -> FloatArray:
        """``C / (u_max - rv)``: the share of the hoped-for surplus the delay has cost so far."""
        cost = self.world.state.delay_cost[:, self.party, track][rows]
        return cost / np.maximum(best - reservation, 1e-9)

    def propose(self, view: TrackView) -> IntArray:
        """This round's offer, per replicate (the strategy decides)."""
        return self.strategy.propose(view)

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """Whether to accept the opponent's offer, per replicate (the strategy decides)."""
        return self.strategy.respond(view, offer)

    def can_commit(self, track: int, rows: IntArray, outcome: IntArray) -> BoolArray:
        """Whether the outcome meets this negotiator's own reservation value.

        A strategy with no feasible outcome above its reservation value still names one; the
        protocol withholds such an offer (the opponent never sees it), so no deal is ever struck
        below a proposer's reservation value.
        """
        utility = self.world.compiled.tracks[track].utilities[self.party, outcome]
        reservation = self.world.state.reservation[:, self.party, track][rows]
        return utility >= reservation - UTILITY_EPS

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
from typing import cast

import mesa
import numpy as np
import numpy.typing as npt

from sim.agents.strategies.base import (
    UTILITY_EPS,
    DealOdds,
    RankingGroups,
    Strategy,
    TrackView,
)
from sim.agents.world import World
from sim.domain.politics import threshold_shift
from sim.domain.scenario import NegotiatorSpec

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
#: Rounds of fewer replicates answer every counter-offer whole (see :meth:`Negotiator.respond`).
SUBSET_MIN = 512
#: Per feasible set of a round: its condition bitmask and the positions of its replicates.
ConditionGroups = tuple[tuple[int, IntArray], ...]


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
        policy = getattr(strategy, "offer_policy", None)
        #: Whether its offers anticipate ratification (its views then carry the deal odds).
        self.anticipates = bool(getattr(policy, "anticipates_ratification", False))

    @property
    def world(self) -> World:
        """The model, as an agent sees it."""
        return cast(World, self.model)

    def view(
        self,
        track: int,
        conditions: int | ConditionGroups,
        rows: IntArray,
        opponent: Negotiator,
        week: int,
    ) -> TrackView:
        """What this negotiator sees of ``track`` for the batch positions ``rows``.

        Args:
            track: Track index.
            conditions: Bitmask of the track's conditions that hold (selects the offer tables),
                or, for a round over several feasible sets, each set's bitmask and the
                positions in ``rows`` of its replicates (the view then carries
                :class:`RankingGroups`).
            rows: Batch positions of the replicates concerned.
            opponent: The negotiator on the other side.
            week: The round the answer is for (the week of its next offer when answering a
                counter-offer).
        """
        return self.views(track, conditions, rows, opponent, (week,))[0]

    def views(
        self,
        track: int,
        conditions: int | ConditionGroups,
        rows: IntArray,
        opponent: Negotiator,
        weeks: Sequence[int],
    ) -> list[TrackView]:
        """:meth:`view` for several rounds at once; they share everything but the clock."""
        world, state = self.world, self.world.state
        n_rounds = world.deadline_weeks
        party = self.party
        reservation = state.reservation[:, party, track][rows]
        groups: RankingGroups | None = None
        best: FloatArray | float
        if isinstance(conditions, int):
            table = world.politics.restricted[track][conditions]
            best = float(table.sorted_desc[party, 0])
            pareto = world.politics.pareto[(track, conditions, party, opponent.party)]
        else:
            groups = self._ranking_groups(track, conditions, rows.size, opponent)
            table, best, pareto = world.compiled.tracks[track], groups.best, groups.pareto[0]
        advance = self._surplus_burnt(best, reservation, rows, track)
        boost = world.protocol.directive_time_boost
        if boost:  # a directive in force advances the clock (no work when it cannot)
            directed = state.directive_until[:, party, track][rows] > state.week
            advance = boost * directed + advance
        history = state.offers[:, track, :, : state.step + 1]
        delay_cost = state.weekly_cost[:, party, track][rows]
        odds = self._deal_odds(track, rows) if self.anticipates else None
        last = max(n_rounds - 1, 1)

        def at(week: int) -> TrackView:
            # built directly: dataclasses.replace costs as much as the rest of a view
            return TrackView(
                track=table,
                me=party,
                opponent=opponent.party,
                round=week,
                n_rounds=n_rounds,
                time=np.minimum(min(week, n_rounds - 1) / last + advance, 1.0),
                reservation=reservation,
                pareto_table=pareto,
                history=history,
                replicates=rows,
                discount=self.discount,
                opponent_discount=opponent.discount,
                week=state.week,
                delay_cost=delay_cost,
                deal_odds=odds,
                groups=groups,
            )

        return [at(w) for w in weeks]

    def _ranking_groups(
        self, track: int, conditions: ConditionGroups, n_rows: int, opponent: Negotiator
    ) -> RankingGroups:
        """Each feasible set's tables, and my best feasible utility per replicate."""
        pareto, me, opp = self.world.politics.pareto, self.party, opponent.party
        tables = tuple(self.world.politics.restricted[track][s] for s, _ in conditions)
        positions = tuple(at for _, at in conditions)
        best = np.empty(n_rows)
        for at, table in zip(positions, tables, strict=True):
            best[at] = table.sorted_desc[me, 0]
        return RankingGroups(
            positions=positions,
            tables=tables,
            pareto=tuple(pareto[(track, s, me, opp)] for s, _ in conditions),
            best=best,
        )

    @property
    def handles_ranking_groups(self) -> bool:
        """Whether its strategy answers for several feasible sets in one view."""
        return not self.anticipates and bool(
            getattr(self.strategy, "handles_ranking_groups", False)
        )

    def _deal_odds(self, track: int, rows: IntArray) -> DealOdds:
        """The two Level IIs at ``track`` as this week's leaders would judge a deal there.

        A leader's threshold shift depends on the escalations its party suffered there and on
        whether it committed to a quick deal, so replicates fall into a handful of groups. Both
        negotiators of a round see the same odds, so they are built once per round.
        """
        state, memo = self.world.state, self.world.threshold_groups
        key = (state.step, track, id(rows))
        if key not in memo:
            if any(k[0] != state.step for k in memo):
                memo.clear()  # keep only this step's rounds
            memo[key] = (rows, self._build_deal_odds(track, rows))  # rows kept: its id is unique
        return memo[key][1]

    def _build_deal_odds(self, track: int, rows: IntArray) -> DealOdds:
        world, state = self.world, self.world.state
        parties = np.flatnonzero(world.at_track[:, track])
        block = (slice(None), parties, track)
        if not (state.escalations_suffered[block].any() or state.committed[block].any()):
            first, group = rows[:1], np.zeros(rows.size, dtype=np.int64)
        else:
            at = (rows[:, None], parties[None, :], track)
            member, group = _group_by(state.escalations_suffered[at], state.committed[at])
            first = rows[member]
        at = (first[:, None], parties[None, :], track)
        suffered, committed = state.escalations_suffered[at], state.committed[at]  # (G, L)
        shifts = np.zeros((first.size, parties.size))
        for j, p in enumerate(parties):  # the two parties at the track
            leader = world.compiled.scenario.politics.leader_of(world.compiled.party_names[p])
            if leader is not None:
                bonus = world.protocol.directive_ratification_bonus
                shifts[:, j] = threshold_shift(
                    leader.audience_cost, suffered[:, j], bonus, committed[:, j]
                )
        return DealOdds(
            margins=world.politics.ratify_margin[track][parties],
            sharpness=world.politics.sharpness[parties],
            shifts=shifts,
            group=group,
            cache=world.deal_tables,
        )

    def _surplus_burnt(
        self, best: FloatArray | float, reservation: FloatArray, rows: IntArray, track: int
    ) -> FloatArray:
        """``C / (u_max - rv)``: the share of the hoped-for surplus the delay has cost so far."""
        cost = self.world.state.delay_cost[:, self.party, track][rows]
        return cost / np.maximum(best - reservation, 1e-9)

    def propose(self, view: TrackView) -> IntArray:
        """This round's offer, per replicate (the strategy decides)."""
        return self.strategy.propose(view)

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """Whether to accept the opponent's offer, per replicate (the strategy decides).

        An offer below my reservation value is never accepted (every acceptance condition has
        that floor), so the strategy is asked only where the offer clears it: on most rows it
        does not, and the strategy's answer there would cost a whole next offer.
        """
        if offer.size < SUBSET_MIN:  # a small round: the subset would cost more than it saves
            return self.strategy.respond(view, offer)
        clears = self.commits(view, offer)
        rows = clears.nonzero()[0]
        if rows.size == clears.size:
            return self.strategy.respond(view, offer)
        if rows.size:
            clears[rows] = self.strategy.respond(view.subset(rows), offer[rows])
        return clears

    def answer(self, view: TrackView, offer: IntArray) -> tuple[BoolArray, IntArray]:
        """Whether to accept ``offer``, and the counter-offer made where it is not accepted.

        A strategy that can (``respond_and_counter``) computes its next offer once for both:
        AC_next compares the offer with exactly the counter it would make.
        """
        both = getattr(self.strategy, "respond_and_counter", None)
        if both is not None:
            accepted, counter = both(view, offer)
            return accepted, counter
        return self.strategy.respond(view, offer), self.strategy.propose(view)

    def commits(self, view: TrackView, outcome: IntArray) -> BoolArray:
        """:meth:`can_commit` on the track and replicates of ``view`` (its own reservation)."""
        return view.my_utilities[outcome] >= view.reservation - UTILITY_EPS

    def can_commit(self, track: int, rows: IntArray, outcome: IntArray) -> BoolArray:
        """Whether the outcome meets this negotiator's own reservation value.

        A strategy with no feasible outcome above its reservation value still names one; the
        protocol withholds such an offer (the opponent never sees it), so no deal is ever struck
        below a proposer's reservation value.
        """
        utility = self.world.compiled.tracks[track].utilities[self.party, outcome]
        reservation = self.world.state.reservation[:, self.party, track][rows]
        return utility >= reservation - UTILITY_EPS


def _group_by(suffered: IntArray, committed: BoolArray) -> tuple[IntArray, IntArray]:
    """``(member, group)``: a row per distinct pair of ``(R, 2)`` threshold inputs; every group.

    The inputs are small integers, so they are counted, not sorted.
    """
    level = 2 * suffered + committed  # one integer per (escalations, committed) of a leader
    code = level[:, 0] * (int(level.max()) + 1) + level[:, -1]  # tracks are bilateral
    present = np.bincount(code) > 0
    label = np.cumsum(present) - 1
    member = np.empty(present.size, dtype=np.int64)
    member[code] = np.arange(code.size)  # any member represents its group: same inputs
    return member[present], label[code].astype(np.int64)

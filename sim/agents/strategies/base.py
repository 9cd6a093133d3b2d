"""The strategy interface and the read-only view of a track that a strategy sees.

Every array in a :class:`TrackView` has a leading replicate axis: a strategy answers for a whole
batch of replicates at once (one outcome index or one accept flag per replicate).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np
import numpy.typing as npt

from sim.domain.outcome_space import CompiledTrack
from sim.domain.politics import ratification_probability

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Tolerance for utility comparisons, so equal utilities computed differently still compare equal.
UTILITY_EPS = 1e-12


@dataclass(frozen=True)
class DealOdds:
    """The Level II a negotiator anticipates on one track, for the replicates of a view.

    Attributes:
        margins: ``(L, n_outcomes)`` ``V_j(x) - theta_j`` of each leader ``j`` at the track.
        sharpness: ``(L,)`` each leader's ``k_j``.
        shifts: ``(G, L)`` the distinct threshold shifts this week (a handful).
        group: ``(R,)`` each replicate's row of ``shifts``.
        cache: Expected-utility tables already built (owned by the model: one batch).
    """

    margins: FloatArray
    sharpness: FloatArray
    shifts: FloatArray
    group: IntArray
    cache: dict[tuple[object, ...], tuple[FloatArray, IntArray]] = field(
        default_factory=dict, compare=False
    )

    def probability(self, outcomes: IntArray, shift: FloatArray) -> FloatArray:
        """``P_deal`` of ``outcomes`` under one vector of threshold shifts ``(L,)``."""
        p = np.ones(outcomes.size)
        for j in range(self.margins.shape[0]):  # the two leaders at the track
            p *= ratification_probability(
                self.margins[j, outcomes] - shift[j], float(self.sharpness[j])
            )
        return p


@dataclass(frozen=True)
class RankingGroups:
    """A round's replicates under different feasible sets, and each set's offer tables.

    A track with conditional options offers from a ranking restricted to the outcomes feasible
    under the conditions that hold (:func:`sim.domain.politics.restrict`). Rather than a round per
    feasible set, one round can serve them all when the strategies at the track look the tables
    up per group (``handles_ranking_groups``); everything else in a round is per replicate.

    Attributes:
        positions: Per group, the positions of its replicates in the view's replicates.
        tables: Per group, the track with its restricted rankings (``order_desc``, ...).
        pareto: Per group, the opponent's favourite outcome among my ``k + 1`` best.
        best: ``(R,)`` my best feasible utility per replicate (its group's ``sorted_desc[me, 0]``).
    """

    positions: tuple[IntArray, ...]
    tables: tuple[CompiledTrack, ...]
    pareto: tuple[IntArray, ...]
    best: FloatArray

    def subset(self, rows: IntArray) -> RankingGroups:
        """The groups of the replicates at positions ``rows`` (ascending) of the view."""
        renumbered = np.full(self.best.size, -1, dtype=np.int64)
        renumbered[rows] = np.arange(rows.size)
        kept = (renumbered[at] for at in self.positions)
        positions = tuple(at[at >= 0] for at in kept)
        return replace(self, positions=positions, best=self.best[rows])


@dataclass(frozen=True)
class TrackView:
    """What a negotiator may see of one track at one moment.

    Attributes:
        track: The compiled track (outcomes and utility tables, read-only).
        me: My party's row in the track's utility tables.
        opponent: The opponent's row.
        round: The round the answer is for (0-based week of the talks).
        n_rounds: Rounds until the deadline; the last round is ``n_rounds - 1``.
        time: ``(R,)`` relative time tau in [0, 1] (0 at the first round, 1 at the deadline
            round), advanced where a leader's directive to move quickly is in force.
        reservation: ``(R,)`` my reservation value per replicate.
        pareto_table: Opponent's favourite outcome among my ``k + 1`` best (see
            :meth:`CompiledTrack.best_for_opponent`).
        history: ``(R_batch, n_parties, rounds so far)`` offers on this track so far (``-1``:
            none), one column per round (a week up to the deadline, a meeting interval after
            it), a view of the batch state; read it through :attr:`my_offers` and
            :attr:`opponent_offers`, which select this view's replicates only when asked.
        replicates: Positions in the batch of the replicates this view answers for.
        discount: My discount factor per round, delta in (0, 1]: an agreement in week ``t`` is
            worth ``u * delta**t`` to me (1.0: no discounting).
        opponent_discount: The opponent's discount factor (used by the complete-information
            Rubinstein agent only).
        week: The week being played, in which an offer accepted now is concluded. It differs from
            ``round`` when the first mover answers a counter-offer: ``round`` is then the week of
            its next own offer (``week + 1``). ``None`` means ``round``.
        delay_cost: ``(R,)`` what one more week without a deal costs me (the tariffs in force,
            :mod:`sim.domain.tariffs`), or 0.0.
        deal_odds: The Level II ratification model I anticipate (only for an offer policy that
            asks for it, :mod:`sim.agents.strategies.anticipation`), else ``None``.
        groups: Where the replicates fall into several feasible sets (only for strategies that
            handle them, ``handles_ranking_groups``), each group's rankings; ``track`` then
            holds the unrestricted rankings and ``pareto_table`` is unused. Else ``None``.
    """

    track: CompiledTrack
    me: int
    opponent: int
    round: int
    n_rounds: int
    time: FloatArray
    reservation: FloatArray
    pareto_table: IntArray
    history: IntArray
    replicates: IntArray
    discount: float = 1.0
    opponent_discount: float = 1.0
    week: int | None = None
    delay_cost: FloatArray | float = 0.0
    deal_odds: DealOdds | None = None
    groups: RankingGroups | None = None

    @property
    def current_week(self) -> int:
        """The week in which an offer accepted now would be concluded."""
        return self.round if self.week is None else self.week

    @property
    def current_time(self) -> float:
        """Relative time of :attr:`current_week` in [0, 1]."""
        if self.n_rounds <= 1:
            return 1.0
        return min(self.current_week, self.n_rounds - 1) / (self.n_rounds - 1)

    @property
    def my_offers(self) -> IntArray:
        """``(rounds so far, R)`` my offers, one row per week (``-1``: none that week)."""
        return self.history[self.replicates, self.me].T

    @property
    def opponent_offers(self) -> IntArray:
        """``(rounds so far, R)`` the opponent's offers; row ``round`` is -1 until made."""
        return self.history[self.replicates, self.opponent].T

    @property
    def my_utilities(self) -> FloatArray:
        """My utility of every outcome of the track."""
        return self.track.utilities[self.me]

    def subset(self, rows: IntArray) -> TrackView:
        """This view for the replicates at positions ``rows`` (ascending) only.

        A strategy answers each replicate as it would in a batch of its own (results do not
        depend on the batching), so its answers on the subset are its answers on those rows.
        """
        delay = self.delay_cost
        odds = self.deal_odds
        return replace(
            self,
            time=self.time[rows],
            reservation=self.reservation[rows],
            replicates=self.replicates[rows],
            delay_cost=delay[rows] if isinstance(delay, np.ndarray) else delay,
            deal_odds=None if odds is None else replace(odds, group=odds.group[rows]),
            groups=None if self.groups is None else self.groups.subset(rows),
        )


def including_offer(view: TrackView, offer: IntArray) -> TrackView:
    """The view with the opponent's pending ``offer`` entered in this week's history row.

    The model records an offer only after it has been answered, so a strategy that learns from
    the history (tit-for-tat, the frequency model) calls this in ``respond`` to reason about its
    next offer as it will really be made, with the offer under consideration already seen.
    """
    if view.history.shape[2] == 0:
        return view
    filled = view.history.copy(order="K")  # keeps the batch state's memory layout
    seen = filled[view.replicates, view.opponent, -1]
    filled[view.replicates, view.opponent, -1] = np.where(seen < 0, offer, seen)
    return replace(view, history=filled)


class Strategy(Protocol):
    """A vectorised negotiation strategy.

    Strategies are stateless between calls (one object serves every batch and track): whatever
    they remember is recomputed from the offer history in the view. A strategy may carry a
    ``discount`` attribute (its party's per-round discount factor); the model reads it, defaulting
    to 1.0, to fill :attr:`TrackView.discount` and to report discounted utilities.
    """

    def propose(self, view: TrackView) -> IntArray:
        """Return one outcome index per replicate."""
        ...

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """Return, per replicate, whether to accept the opponent's ``offer``."""
        ...

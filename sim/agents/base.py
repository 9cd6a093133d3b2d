"""The negotiator agent and the read-only view of a track that its strategy sees.

Every array in a :class:`TrackView` has a leading replicate axis: a strategy answers for a whole
batch of replicates at once (one outcome index or one accept flag per replicate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import mesa
import numpy as np
import numpy.typing as npt

from sim.domain import CompiledTrack

if TYPE_CHECKING:
    from collections.abc import Sequence

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Tolerance for utility comparisons, so equal utilities computed differently still compare equal.
UTILITY_EPS = 1e-12


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
        history: ``(n_parties, rounds so far, R_batch)`` offers on this track so far (``-1``:
            none); read it through :attr:`my_offers` and :attr:`opponent_offers`, which select
            this view's replicates only when a strategy asks.
        replicates: Positions in the batch of the replicates this view answers for.
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

    @property
    def my_offers(self) -> IntArray:
        """``(rounds so far, R)`` my offers, one row per week (``-1``: none that week)."""
        return self.history[self.me][:, self.replicates]

    @property
    def opponent_offers(self) -> IntArray:
        """``(rounds so far, R)`` the opponent's offers; row ``round`` is -1 until made."""
        return self.history[self.opponent][:, self.replicates]

    @property
    def my_utilities(self) -> FloatArray:
        """My utility of every outcome of the track."""
        return self.track.utilities[self.me]


class Strategy(Protocol):
    """A vectorised negotiation strategy."""

    def propose(self, view: TrackView) -> IntArray:
        """Return one outcome index per replicate."""
        ...

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """Return, per replicate, whether to accept the opponent's ``offer``."""
        ...


class Negotiator(mesa.Agent):
    """A chief negotiator (e.g. Kirsten Hillman): one Mesa agent for all replicates of a batch.

    Args:
        model: The ensemble model.
        key: Config key (``hillman``).
        name: Display name.
        party: Party row in the utility tables.
        tracks: Indices of the tracks this negotiator leads.
        strategy: The strategy that answers for every replicate.
    """

    def __init__(
        self,
        model: mesa.Model,
        key: str,
        name: str,
        party: int,
        tracks: Sequence[int],
        strategy: Strategy,
    ) -> None:
        super().__init__(model)
        self.key = key
        self.name = name
        self.party = party
        self.tracks = tuple(tracks)
        self.strategy = strategy

    def propose(self, view: TrackView) -> IntArray:
        """Make this round's offer on one track, per replicate."""
        return self.strategy.propose(view)

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """Answer the opponent's offer on one track, per replicate."""
        return self.strategy.respond(view, offer)

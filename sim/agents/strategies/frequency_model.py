"""Frequency opponent model and the offer policy that uses it (``offer_policy: frequency_model``).

The opponent's preferences are learned, per replicate, from the offers it has made so far
(HardHeaded-style frequency model; Krimpen, Looije & Hajizadeh 2013; Baarslag et al. 2013):

* **Issue weights.** An issue whose option the opponent keeps unchanged between two consecutive
  offers is probably important to it. With ``n_j`` such repetitions for issue ``j``, the weight is
  ``w_j = (1 + n_j) / sum_k (1 + n_k)`` (Laplace smoothing: uniform before any evidence).
* **Option values.** An option the opponent offers often is probably one it likes:
  ``v_j(o) = (1 + c_jo) / max_o' (1 + c_jo')`` with ``c_jo`` the number of its offers with option
  ``o`` on issue ``j`` (Laplace smoothing; its most frequent option scores 1).

The modelled opponent utility of an outcome is ``sum_j w_j v_j(o_j)``. All counts are computed at
once for every replicate: one ``bincount`` over a flattened (replicate, option) index per issue.

The offer policy, given my target utility, considers the outcomes worth between the target and
``target + window`` to me (the offering strategy of the BOA framework, Baarslag et al. 2014) and
offers the one the modelled opponent likes best; ties go to the outcome nearest my target, so with
no evidence the policy behaves like ``nearest``. The window keeps my own concession on its curve:
choosing among *all* outcomes above the target lets a mistaken model repeat an offer for ever
(a stubborn opponent's repeated options look like its favourites), which stalls the talks.

Cost and cap: fitting the model costs O(weeks x R x n_issues) per call (a few 2-D passes and one
``bincount`` per issue); scoring ``k`` candidates costs O(R x k x n_issues). The candidates are at
most the ``n_candidates`` outcomes nearest my target from above in my own ranking, and only as many
columns are scored as the widest window of the batch holds, so the cost does not grow with the size
of the outcome space; on small tracks every outcome in the window is scored and the choice is
exact. Measured on the Canada-U.S. scenario (4 issues, at most 100 outcomes per track, 38 weeks):
about 1 ms per call for R = 2,000, i.e. a run is some 10-20 times slower than with ``pareto``
(roughly 1,000 replicates per second per core with both sides modelling each other).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.base import UTILITY_EPS, TrackView
from sim.agents.strategies.offers import n_at_or_above

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class OpponentModel:
    """Estimated opponent preferences, per replicate.

    Attributes:
        weights: ``(R, n_issues)`` issue weights, each row summing to 1.
        values: One ``(R, n_options_j)`` array per issue: option values in (0, 1].
    """

    weights: FloatArray
    values: tuple[FloatArray, ...]

    def utility(self, view: TrackView, outcomes: IntArray) -> FloatArray:
        """Modelled opponent utility of ``outcomes`` (shape ``(R, k)``), shape ``(R, k)``."""
        options = view.track.outcomes[outcomes]  # (R, k, n_issues)
        total = np.zeros(outcomes.shape, dtype=np.float64)
        for j, values in enumerate(self.values):  # a handful of issues
            total += self.weights[:, j, None] * np.take_along_axis(values, options[..., j], axis=1)
        return total


def estimate_opponent_model(view: TrackView) -> OpponentModel:
    """Fit the frequency model to the opponent's offers in ``view`` (every replicate at once)."""
    track = view.track
    offers = view.opponent_offers  # (W, R), -1 = no offer that week
    n_weeks, n_reps = offers.shape
    made = offers >= 0
    offered = np.maximum(offers, 0)
    # the opponent's previous offer, per (week, replicate); "paired" where both exist
    week_idx = np.where(made, np.arange(n_weeks)[:, None], -1)
    latest = np.maximum.accumulate(week_idx, axis=0) if n_weeks else week_idx
    previous = np.concatenate([np.full((min(n_weeks, 1), n_reps), -1), latest[:-1]])
    paired = made & (previous >= 0)
    prev_offered = np.take_along_axis(offered, np.maximum(previous, 0), axis=0)
    # one bin per (replicate, option); entries without an offer go to a trailing dump bin
    row_base = np.arange(n_reps)
    unchanged, values = [], []
    for j in range(track.outcomes.shape[1]):  # a handful of issues, each a 2-D pass
        column = track.outcomes[:, j]
        n_options = int(column.max()) + 1
        option = column[offered]
        unchanged.append(np.count_nonzero(paired & (option == column[prev_offered]), axis=0))
        flat = np.where(made, row_base * n_options + option, n_reps * n_options)
        counts = np.bincount(flat.ravel(), minlength=n_reps * n_options + 1)[:-1]
        smoothed = 1.0 + counts.reshape(n_reps, n_options)
        values.append(smoothed / smoothed.max(axis=1, keepdims=True))
    kept = 1.0 + np.stack(unchanged, axis=1)  # (R, n_issues), Laplace-smoothed
    return OpponentModel(weights=kept / kept.sum(axis=1, keepdims=True), values=tuple(values))


@dataclass(frozen=True)
class FrequencyModelOffer:
    """Offer policy: among outcomes within ``window`` above my target, the modelled favourite.

    Attributes:
        n_candidates: At most this many outcomes (those nearest my target from above) are scored.
        window: Utility band above the target from which the offer is chosen.
    """

    n_candidates: int
    window: float
    #: It learns from the opponent's offers, so callers must show it the offer being answered.
    uses_history = True

    def __call__(self, view: TrackView, target: FloatArray) -> IntArray:
        """One outcome per replicate."""
        m = n_at_or_above(view, target)  # acceptable outcomes are my ranking's first m
        ascending = view.track.sorted_asc[view.me]
        ceiling = target + self.window + UTILITY_EPS
        above_window = ascending.size - np.searchsorted(ascending, ceiling, side="right")
        # score only as many columns as the widest window needs (at least the nearest outcome)
        widest = int(np.max(m - above_window)) if m.size else 1
        k = max(1, min(self.n_candidates, widest))
        ranks = m[:, None] - 1 - np.arange(k)[None, :]  # my ranking positions, nearest first
        positions = np.maximum(ranks, 0)
        own = view.track.sorted_desc[view.me, positions]
        in_window = own <= target[:, None] + self.window + UTILITY_EPS
        usable = (ranks >= 0) & in_window
        usable[:, 0] = True  # the nearest acceptable outcome is always a candidate
        candidates = view.track.order_desc[view.me, positions]  # (R, k)
        score = estimate_opponent_model(view).utility(view, candidates)
        score = np.where(usable, score, -np.inf)
        best = np.argmax(score, axis=1)  # first maximum: the candidate nearest my target
        return np.take_along_axis(candidates, best[:, None], axis=1)[:, 0]

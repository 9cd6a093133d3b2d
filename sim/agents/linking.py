"""Issue linkage by a coordinator: a concession moved from a deadlocked track onto another.

For one coordinator's party ``p`` and one counterpart ``q`` (the other party at the tracks they
share), per replicate and track (arrays over the replicate axis, a loop over tracks only):

* track ``A`` is *deadlocked* when no feasible outcome meets both reservation values: ``q``'s
  favourite among the outcomes ``p`` accepts, ``x*_A``, falls short of ``q``'s reservation value
  by the gap ``g_A = rv_qA - u_qA(x*_A) > 0``;
* track ``B`` has *surplus for q* when ``q``'s favourite among the outcomes ``p`` accepts there
  beats ``q``'s reservation value: ``h_B = u_qB(x*_B) - rv_qB >= 0``.

The coordinator proposes a trade across the two (Tollison & Willett 1979; Sebenius 1983): ``q``
commits to accept ``x*_A`` on ``A`` (its reservation value there is capped at ``u_qA(x*_A)`` from
then on, a fall of ``g_A`` that its constituencies' pressure cannot undo) and is repaid on ``B``,
where it may now ask ``rho * g_A`` more (its reservation value there rises as much; ``rho`` is the
exchange rate, ``q`` is no worse off in reservation terms at ``rho = 1``). A track linked once is
neither linked again nor a donor. A link is made only
when it closes the gap without opening another: ``g_A <= G`` (the coordinator's largest gap),
``h_B >= rho * g_A`` (``B`` keeps a zone of agreement), and ``p`` gains more on ``A`` than it can
lose on ``B``: ``u_pA(x*_A) - u_pA(sq_A) > c_B`` with ``c_B`` the fall in ``p``'s best outcome on
``B`` among those ``q`` accepts. Among the tracks that qualify the coordinator gives on the one
that costs ``p`` least. Utilities of different tracks are compared one for one (each track's
utility is normalised to [0, 1]; assumption).

Every outcome above is taken from the tracks' *win-sets* (Putnam 1988): the feasible outcomes
both leaders at the track ratify with probability at least ``min_ratification`` (at their
thresholds before audience costs and directives; assumption). A coordinator does not buy a deal
its own or the other side's Level II would reject, nor pay on a track whose deals die at home.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.base import UTILITY_EPS
from sim.domain.politics import CompiledPolitics
from sim.engine.state import BatchState, count_per_row

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

#: ``favourite_within`` where the acceptor accepts no feasible outcome.
NO_OUTCOME = -1


@dataclass(frozen=True)
class LinkTerms:
    """A coordinator's terms of trade (from :class:`~sim.domain.scenario.CoordinatorSpec`).

    Attributes:
        max_gap: Largest gap ``G`` on a deadlocked track the coordinator bridges (0: never).
        exchange_rate: ``rho``, what the counterpart asks on the donor track per unit it gives.
        min_ratification: Joint ratification probability an outcome needs to count.
    """

    max_gap: float
    exchange_rate: float
    min_ratification: float


def condition_classes(politics: CompiledPolitics, state: BatchState, track: int) -> IntArray:
    """``(R,)`` each replicate's class of feasible outcomes on ``track`` at the next round.

    The next round's week: a link agreed now is played then (conditions only ever add options).
    """
    week = state.week + state.step_weeks
    bits = np.zeros(state.n_replicates, dtype=np.int64)
    for bit, c in enumerate(politics.track_conditions[track]):
        bits |= (state.condition_week[:, c] <= week).astype(np.int64) << bit
    return politics.condition_class[track][bits]


class WinSets:
    """Per track and class of feasible outcomes, each party's ranking of the win-set.

    Built once per coordinator: for ``(track, class, acceptor)`` the acceptor's utilities of the
    win-set's outcomes, best first, and for each prefix of that ranking the other party's
    favourite in it (as :meth:`~sim.domain.outcome_space.CompiledTrack.best_for_opponent`).

    Args:
        politics: The compiled political layer (restricted tables, ratification tables).
        min_ratification: Joint ratification probability an outcome needs.
    """

    def __init__(self, politics: CompiledPolitics, min_ratification: float) -> None:
        self.politics = politics
        self.min_ratification = min_ratification
        self._ranked: dict[tuple[int, int, int], tuple[FloatArray, IntArray]] = {}

    def _ranking(self, track: int, cls: int, acceptor: int) -> tuple[FloatArray, IntArray]:
        """``(-utilities ascending, frontier)`` of the acceptor's ranking of the win-set."""
        key = (track, cls, acceptor)
        if key not in self._ranked:
            table = self.politics.restricted[track][cls]
            chooser = next(j for j in table.parties if j != acceptor)
            joint = self.politics.ratify_probability[track][list(table.parties)].prod(axis=0)
            order = table.order_desc[acceptor]
            keep = joint[order] >= self.min_ratification
            ranked, values = order[keep], table.sorted_desc[acceptor][keep]
            chooser_u = table.utilities[chooser, ranked]
            running = np.maximum.accumulate(chooser_u) if ranked.size else chooser_u
            is_new = np.r_[True, running[1:] > running[:-1]] if ranked.size else running > 0
            at = np.maximum.accumulate(np.where(is_new, np.arange(ranked.size), 0))
            self._ranked[key] = (-values, ranked[at])
        return self._ranked[key]

    def favourite_within(
        self, track: int, classes: IntArray, chooser: int, acceptor: int, threshold: FloatArray
    ) -> IntArray:
        """``(R,)`` the chooser's favourite win-set outcome worth ``>= threshold`` to the acceptor.

        :data:`NO_OUTCOME` where the acceptor accepts none. One ``searchsorted`` per class of
        feasible outcomes (a handful), then the frontier.
        """
        out = np.full(classes.shape, NO_OUTCOME, dtype=np.int64)
        n_classes = len(self.politics.restricted[track])
        groups = [0] if n_classes == 1 else np.unique(classes)  # a handful, not replicates
        for s in groups:
            rows = slice(None) if n_classes == 1 else classes == s
            neg_values, frontier = self._ranking(track, int(s), acceptor)
            if frontier.size == 0:
                continue
            n_accepted = np.searchsorted(neg_values, -(threshold[rows] - UTILITY_EPS), "right")
            best = frontier[np.maximum(n_accepted - 1, 0)]
            out[rows] = np.where(n_accepted > 0, best, NO_OUTCOME)
        return out


def _utility(utilities: FloatArray, party: int, outcome: IntArray) -> FloatArray:
    """Utility of each outcome to ``party``, ``-inf`` for :data:`NO_OUTCOME`."""
    return np.where(outcome >= 0, utilities[party, np.maximum(outcome, 0)], -np.inf)


@dataclass(frozen=True)
class Links:
    """A week's links for one counterpart, as ``(R, T)`` arrays.

    Attributes:
        repay: Rise of the counterpart's reservation value on each donor track (0: none).
        commit: The counterpart's committed cap on each linked track (``inf``: none).
    """

    repay: FloatArray
    commit: FloatArray


@dataclass
class _TrackBook:
    """What the coordinator reads of one track, per replicate (all ``(R,)``)."""

    track: int
    classes: IntArray
    utilities: FloatArray
    rv_p: FloatArray
    rv_q: FloatArray
    #: u_q of q's favourite among the outcomes p accepts.
    best_q: FloatArray
    #: u_p of that outcome, less u_p of the status quo: what a deal there is worth to p at least.
    gain_p: FloatArray


def plan_links(
    win_sets: WinSets,
    utilities: list[FloatArray],
    status_quo: list[int],
    state: BatchState,
    parties: tuple[int, int],
    tracks: IntArray,
    terms: LinkTerms,
    linked: BoolArray,
) -> Links:
    """This week's links between ``p`` and the counterpart ``q``.

    Args:
        win_sets: The tracks' win-sets.
        utilities: Per track, ``(P, n_outcomes)`` utilities.
        status_quo: Per track, the status quo outcome.
        state: The batch state (read only; reservation values are read after momentum).
        parties: ``(p, q)``: the coordinator's party and the counterpart.
        tracks: The tracks ``p`` and ``q`` share.
        terms: The coordinator's terms of trade.
        linked: ``(R, T)`` deadlocked tracks already linked (changed in place: one link each).
    """
    links = Links(np.zeros(state.is_open.shape), np.full(state.is_open.shape, np.inf))
    live_all = state.is_open & state.talking
    # a link needs two tracks in talks: the other replicates are masked out, not looped over
    sub = np.flatnonzero(count_per_row(live_all[:, tracks]) >= 2)
    if sub.size == 0:
        return links
    rv = state.current_reservation()[sub]
    live, done = live_all[sub], linked[sub]
    books = {
        int(k): _book(win_sets, utilities, status_quo, state, rv, sub, parties, int(k))
        for k in tracks
    }
    repay, commit = np.zeros(live.shape), np.full(live.shape, np.inf)
    for a in books:  # the deadlocked track, then the cheapest donor for it: tracks, not replicates
        book_a = books[a]
        gap = book_a.rv_q - book_a.best_q
        stuck = live[:, a] & ~done[:, a] & np.isfinite(gap) & (gap > UTILITY_EPS)
        rows = np.flatnonzero(stuck & (gap <= terms.max_gap))
        donors = [b for b in books if b != a]
        if rows.size == 0 or not donors:
            continue
        asked = terms.exchange_rate * gap[rows]
        cost = np.stack(
            [
                _donor_cost(
                    win_sets, books[b], live[rows, b] & ~done[rows, b], rows, parties, asked
                )
                for b in donors
            ],
            axis=1,
        )
        cheapest = np.argmin(cost, axis=1)
        go = cost[np.arange(rows.size), cheapest] < book_a.gain_p[rows]
        rows, asked, cheapest = rows[go], asked[go], cheapest[go]
        commit[rows, a] = book_a.best_q[rows]
        done[rows, a] = True
        book_a.rv_q[rows] = book_a.best_q[rows]
        for j, b in enumerate(donors):
            to_b = cheapest == j
            repay[rows[to_b], b] += asked[to_b]
            books[b].rv_q[rows[to_b]] += asked[to_b]
    linked[sub] = done
    links.repay[sub], links.commit[sub] = repay, commit
    return links


def _book(
    win_sets: WinSets,
    utilities: list[FloatArray],
    status_quo: list[int],
    state: BatchState,
    rv: FloatArray,
    sub: IntArray,
    parties: tuple[int, int],
    k: int,
) -> _TrackBook:
    """Track ``k`` as the coordinator reads it, for the batch positions ``sub`` (``rv``'s rows)."""
    p, q = parties
    classes = condition_classes(win_sets.politics, state, k)[sub]
    x_star = win_sets.favourite_within(k, classes, chooser=q, acceptor=p, threshold=rv[:, p, k])
    u = utilities[k]
    return _TrackBook(
        track=k,
        classes=classes,
        utilities=u,
        rv_p=rv[:, p, k].copy(),
        rv_q=rv[:, q, k].copy(),
        best_q=_utility(u, q, x_star),
        gain_p=_utility(u, p, x_star) - u[p, status_quo[k]],
    )


def _donor_cost(
    win_sets: WinSets,
    book: _TrackBook,
    live: BoolArray,
    rows: IntArray,
    parties: tuple[int, int],
    asked: FloatArray,
) -> FloatArray:
    """What giving ``asked`` to ``q`` on this track costs ``p``, at batch positions ``rows``.

    The fall in ``p``'s best win-set outcome among those ``q`` accepts; ``inf`` where the track is
    not in talks or has too little surplus for ``q`` to keep a zone of agreement after the link.
    """
    p, q = parties
    k, classes, rv_q = book.track, book.classes[rows], book.rv_q[rows]
    before = win_sets.favourite_within(k, classes, chooser=p, acceptor=q, threshold=rv_q)
    after = win_sets.favourite_within(k, classes, chooser=p, acceptor=q, threshold=rv_q + asked)
    surplus = book.best_q[rows] - rv_q
    can_give = live & (surplus >= asked - UTILITY_EPS) & (after >= 0) & (before >= 0)
    with np.errstate(invalid="ignore"):  # -inf - -inf where q accepts nothing: masked below
        cost = _utility(book.utilities, p, before) - _utility(book.utilities, p, after)
    return np.where(can_give, cost, np.inf)

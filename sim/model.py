"""The ensemble Mesa model: one model steps a batch of replicates, week by week.

Each Mesa agent is one person (Kirsten Hillman is one agent); its decisions are arrays over the
batch's replicates. A week on every open track is one alternating-offers round: the first mover
offers, the other side accepts (AC_next) or counters, and the first mover accepts the counter or
waits for next week. Concluded tracks stay concluded; replicates whose tracks are closed or whose
talks are suspended are masked, never looped over.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
import numpy.typing as npt

from sim.agents.base import Negotiator, Strategy, TrackView
from sim.domain import CompiledScenario
from sim.draws import DrawLayout, draw_batch

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

NO_WEEK = -1


@dataclass(frozen=True)
class ProtocolSettings:
    """Protocol parameters in model terms (party indices, not names).

    Attributes:
        first_mover: Party index that offers first each week.
        suspension_hazard_per_week: Weekly probability that all talks are suspended.
        suspension_weeks: Length of a suspension in weeks.
    """

    first_mover: int
    suspension_hazard_per_week: float = 0.0
    suspension_weeks: int = 2


def draw_layout(compiled: CompiledScenario) -> DrawLayout:
    """The random inputs each replicate draws, in stream order."""
    n_parties, n_tracks = compiled.reservation_mean.shape
    return DrawLayout(
        blocks=(
            ("reservation", (n_parties, n_tracks)),
            ("suspension", (compiled.n_weeks,)),
        )
    )


class NegotiationModel(mesa.Model):
    """A batch of replicates of the sectoral negotiation.

    Args:
        compiled: The compiled scenario (shared, read-only).
        protocol: Protocol settings.
        strategies: Strategy per party index.
        seed: Experiment seed.
        replicates: Global indices of the replicates in this batch.
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        protocol: ProtocolSettings,
        strategies: dict[int, Strategy],
        seed: int,
        replicates: IntArray,
        record_trace: bool = False,
    ) -> None:
        # The model's own Mesa RNG is seeded but never used for replicate randomness.
        super().__init__(rng=seed)
        self.compiled = compiled
        self.protocol = protocol
        self.seed = seed
        self.replicates = np.asarray(replicates, dtype=np.int64)
        self.week = 0
        self.record_trace = record_trace
        #: Week-by-week records (only when ``record_trace``; meant for a batch of one replicate).
        self.trace: list[dict[str, object]] = []
        self._init_draws()
        self._init_agents(strategies)
        self._init_state()

    # --- set-up ---------------------------------------------------------------------------
    def _init_draws(self) -> None:
        draws = draw_batch(self.seed, self.replicates, draw_layout(self.compiled))
        mean, spread = self.compiled.reservation_mean, self.compiled.reservation_spread
        # (R, P, T): uniform in [mean - spread, mean + spread], clipped to the utility scale
        self.reservation = np.clip(mean + spread * (2.0 * draws["reservation"] - 1.0), 0.0, 1.0)
        self.suspension_u = draws["suspension"]

    def _init_agents(self, strategies: dict[int, Strategy]) -> None:
        sc = self.compiled.scenario
        track_index = {t.name: k for k, t in enumerate(self.compiled.tracks)}
        self.track_negotiators: list[dict[int, Negotiator]] = [{} for _ in self.compiled.tracks]
        for neg in sc.negotiators:
            party = self.compiled.party_index(neg.party)
            tracks = [track_index[t] for t in neg.tracks if t in track_index]
            agent = Negotiator(self, neg.key, neg.name, party, tracks, strategies[party])
            for k in tracks:
                self.track_negotiators[k][party] = agent
        self.pareto_tables = {
            (k, me, opp): track.best_for_opponent(me, opp)
            for k, track in enumerate(self.compiled.tracks)
            for me in self.track_negotiators[k]
            for opp in self.track_negotiators[k]
            if me != opp
        }

    def _init_state(self) -> None:
        n_tracks, n_reps = len(self.compiled.tracks), self.replicates.size
        n_parties = len(self.compiled.party_names)
        self.is_open = np.ones((n_tracks, n_reps), dtype=bool)
        self.agreement_week = np.full((n_tracks, n_reps), NO_WEEK, dtype=np.int64)
        self.agreed_outcome = np.full((n_tracks, n_reps), -1, dtype=np.int64)
        # every offer made, per track, party and week (-1 = none); strategies read it
        self.offer_history = np.full(
            (n_tracks, n_parties, self.n_weeks, n_reps), -1, dtype=np.int64
        )
        self.suspended_until = np.zeros(n_reps, dtype=np.int64)
        self.weeks_suspended = np.zeros(n_reps, dtype=np.int64)
        # a track without a negotiator on both sides cannot be negotiated at all
        for k, negs in enumerate(self.track_negotiators):
            if len(negs) < 2:
                self.is_open[k] = False

    # --- the week -------------------------------------------------------------------------
    @property
    def n_weeks(self) -> int:
        """Rounds until the deadline."""
        return self.compiled.n_weeks

    def step(self) -> None:
        """Advance every replicate of the batch by one week."""
        talking = self._update_suspensions(self.week)
        for k in range(len(self.compiled.tracks)):
            active = self.is_open[k] & talking
            if active.any():
                self._negotiate_round(k, active)
        self.week += 1
        if self.week >= self.n_weeks or not self.is_open.any():
            self.running = False

    def run(self) -> None:
        """Step until every track of every replicate is concluded or the deadline passes."""
        while self.running:
            self.step()

    def _update_suspensions(self, week: int) -> BoolArray:
        """Start suspensions by the weekly hazard; return where talks go on this week."""
        hazard = self.protocol.suspension_hazard_per_week
        free = week >= self.suspended_until
        starts = free & (self.suspension_u[:, week] < hazard)
        self.suspended_until = np.where(
            starts, week + self.protocol.suspension_weeks, self.suspended_until
        )
        talking = week >= self.suspended_until
        self.weeks_suspended += (~talking).astype(np.int64)
        return talking

    def _view(self, k: int, me: int, opp: int, week: int) -> TrackView:
        return TrackView(
            track=self.compiled.tracks[k],
            me=me,
            opponent=opp,
            round=week,
            n_rounds=self.n_weeks,
            reservation=self.reservation[:, me, k],
            pareto_table=self.pareto_tables[(k, me, opp)],
            my_offers=self.offer_history[k, me, : self.week + 1],
            opponent_offers=self.offer_history[k, opp, : self.week + 1],
        )

    def _parties_in_order(self, k: int) -> tuple[int, int]:
        parties = sorted(self.track_negotiators[k])
        first = self.protocol.first_mover
        if first in parties:
            return first, next(p for p in parties if p != first)
        return parties[0], parties[1]

    def _negotiate_round(self, k: int, active: BoolArray) -> None:
        """One alternating-offers round on track ``k`` for the active replicates."""
        first, second = self._parties_in_order(k)
        a, b = self.track_negotiators[k][first], self.track_negotiators[k][second]
        t = self.week
        offer = a.propose(self._view(k, first, second, t))
        accepted = active & b.respond(self._view(k, second, first, t), offer)
        self.offer_history[k, first, t] = np.where(active, offer, -1)
        counter = b.propose(self._view(k, second, first, t))
        countering = active & ~accepted
        # the first mover compares the counter with what it would offer next week (AC_next)
        counter_accepted = countering & a.respond(self._view(k, first, second, t + 1), counter)
        self.offer_history[k, second, t] = np.where(countering, counter, -1)
        self._conclude(k, accepted, offer)
        self._conclude(k, counter_accepted, counter)
        if self.record_trace:
            self._trace_offer(k, first, offer, accepted, active)
            self._trace_offer(k, second, counter, counter_accepted, countering)

    def _trace_offer(
        self, k: int, party: int, offer: IntArray, accepted: BoolArray, made: BoolArray
    ) -> None:
        track = self.compiled.tracks[k]
        for r in np.flatnonzero(made):  # trace mode only: a batch of one replicate
            row: dict[str, object] = {
                "replicate": int(self.replicates[r]),
                "week": self.week,
                "track": track.name,
                "event": "offer",
                "proposer": self.compiled.party_names[party],
                "outcome": int(offer[r]),
                "accepted": bool(accepted[r]),
            }
            for p, name in enumerate(self.compiled.party_names):
                row[f"utility_{name}"] = float(track.utilities[p, offer[r]])
            for col, issue in enumerate(track.issues):
                option = track.outcomes[offer[r], col]
                row[f"option_{issue}"] = self.compiled.scenario.issues[issue].options[option]
            self.trace.append(row)

    def _conclude(self, k: int, mask: BoolArray, outcome: IntArray) -> None:
        self.agreed_outcome[k] = np.where(mask, outcome, self.agreed_outcome[k])
        self.agreement_week[k] = np.where(mask, self.week, self.agreement_week[k])
        self.is_open[k] &= ~mask

    # --- results --------------------------------------------------------------------------
    def outcome_columns(self) -> dict[str, np.ndarray]:
        """One record per (track, replicate), track-major, as columns of equal length.

        Columns: ``replicate``, ``track`` (index), ``agreed``, ``agreement_week`` (-1 if none),
        ``outcome`` (the agreed outcome, or the status quo), ``weeks_suspended``, and per party
        ``utility_<party>`` and ``reservation_<party>``.
        """
        n_tracks, n_reps = self.agreed_outcome.shape
        agreed = self.agreed_outcome >= 0
        sq = np.array([t.status_quo for t in self.compiled.tracks], dtype=np.int64)
        outcome = np.where(agreed, self.agreed_outcome, sq[:, None])
        cols: dict[str, np.ndarray] = {
            "replicate": np.tile(self.replicates, n_tracks),
            "track": np.repeat(np.arange(n_tracks, dtype=np.int64), n_reps),
            "agreed": agreed.ravel(),
            "agreement_week": self.agreement_week.ravel(),
            "outcome": outcome.ravel(),
            "weeks_suspended": np.tile(self.weeks_suspended, n_tracks),
        }
        for p, name in enumerate(self.compiled.party_names):
            util = np.stack(
                [t.utilities[p, outcome[k]] for k, t in enumerate(self.compiled.tracks)]
            )
            cols[f"utility_{name}"] = util.ravel()
            cols[f"reservation_{name}"] = self.reservation[:, p, :].T.ravel()
        return cols

"""The ensemble Mesa model: one model steps a batch of replicates, week by week.

Each Mesa agent is one person or group (Kirsten Hillman is one agent); its decisions are arrays over
the batch's replicates. A week:

1. shocks: scripted events, then each leader's stochastic suspension, escalation and directive;
2. conditions that emerge this week make their options feasible;
3. stakeholders press on their government's reservation values (bounded drift);
4. on every open, unsuspended track one alternating-offers round: the first mover offers, the other
   side accepts (by its acceptance condition) or counters, and the first mover answers the counter;
5. tentative deals go to ratification at home on both sides (Putnam's Level II); a failure reopens
   the track;
6. coordinators adjust their party's mandate on the tracks still open.

Replicates whose tracks are closed or suspended are masked, never looped over.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
import numpy.typing as npt

from sim.actors import EventKind
from sim.agents.base import UTILITY_EPS, Negotiator, Strategy, TrackView
from sim.agents.politicians import Coordinator, Leader, Stakeholder
from sim.domain import CompiledScenario
from sim.draws import DrawLayout, draw_batch
from sim.politics import CompiledPolitics
from sim.trace import TraceRecorder

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

NO_WEEK = -1


@dataclass(frozen=True)
class ProtocolSettings:
    """Protocol parameters in model terms (party indices, not names).

    Attributes:
        first_mover: Party index that offers first each week.
    """

    first_mover: int


def draw_layout(compiled: CompiledScenario) -> DrawLayout:
    """The random inputs each replicate draws, in stream order."""
    n_parties, n_tracks = compiled.reservation_mean.shape
    pol = compiled.scenario.politics
    n_weeks = compiled.n_weeks
    return DrawLayout(
        blocks=(
            ("reservation", (n_parties, n_tracks)),
            ("leader_shocks", (n_weeks, len(pol.leaders), 3)),
            ("ratification", (n_weeks, n_tracks, n_parties)),
            ("conditions", (len(pol.conditions), 2)),
            ("stakeholder_strength", (len(pol.stakeholders),)),
        )
    )


def condition_weeks(conditions: tuple, uniforms: FloatArray, n_weeks: int) -> IntArray:
    """``(R, C)`` first week each condition holds (``n_weeks`` or later: not before the deadline).

    A condition holds at week 0 with its initial probability, else it emerges after a geometric
    number of weeks with its weekly hazard (inverse-CDF draw from one uniform).
    """
    weeks = np.full(uniforms.shape[:2], n_weeks, dtype=np.int64)
    for c, cond in enumerate(conditions):  # a handful of conditions, not replicates
        at_start = uniforms[:, c, 0] < cond.initial_probability
        if cond.weekly_hazard >= 1.0:
            later = np.ones(uniforms.shape[0], dtype=np.int64)
        elif cond.weekly_hazard > 0.0:
            gaps = np.floor(np.log1p(-uniforms[:, c, 1]) / np.log1p(-cond.weekly_hazard))
            later = 1 + np.minimum(gaps, n_weeks).astype(np.int64)
        else:
            later = np.full(uniforms.shape[0], n_weeks, dtype=np.int64)
        weeks[:, c] = np.where(at_start, 0, np.minimum(later, n_weeks))
    return weeks


class NegotiationModel(mesa.Model):
    """A batch of replicates of the sectoral negotiation.

    Args:
        compiled: The compiled scenario (shared, read-only).
        politics: The compiled political layer (ratification tables, conditions).
        protocol: Protocol settings.
        strategies: Strategy per party index.
        seed: Experiment seed.
        replicates: Global indices of the replicates in this batch.
        record_trace: Keep week-by-week records in :attr:`trace` (for a batch of one replicate).
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        politics: CompiledPolitics,
        protocol: ProtocolSettings,
        strategies: dict[int, Strategy],
        seed: int,
        replicates: IntArray,
        record_trace: bool = False,
    ) -> None:
        # The model's own Mesa RNG is seeded but never used for replicate randomness.
        super().__init__(rng=seed)
        self.compiled, self.politics, self.protocol = compiled, politics, protocol
        self.shock_settings = compiled.scenario.politics.shocks
        self.seed = seed
        self.replicates = np.asarray(replicates, dtype=np.int64)
        self.week = 0
        #: Records week-by-week events, offers and ratification draws (``record_trace`` only).
        self.tracer = TraceRecorder(self) if record_trace else None
        #: Per-round discount factor per party index (a strategy's ``discount``; 1.0 = none).
        self.discounts = {p: float(getattr(s, "discount", 1.0)) for p, s in strategies.items()}
        self._init_draws()
        self._init_agents(strategies)
        self._init_state()

    # --- set-up ---------------------------------------------------------------------------
    def _init_draws(self) -> None:
        draws = draw_batch(self.seed, self.replicates, draw_layout(self.compiled))
        mean, spread = self.compiled.reservation_mean, self.compiled.reservation_spread
        # (R, P, T): uniform in [mean - spread, mean + spread], clipped to the utility scale
        self.initial_reservation = np.clip(
            mean + spread * (2.0 * draws["reservation"] - 1.0), 0.0, 1.0
        )
        self.leader_uniforms = draws["leader_shocks"]
        self.ratification_uniforms = draws["ratification"]
        conditions = self.compiled.scenario.politics.conditions
        self.condition_week = condition_weeks(conditions, draws["conditions"], self.n_weeks)
        self.stakeholder_strength = 0.5 + draws["stakeholder_strength"]  # U(0.5, 1.5), mean 1

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
        pidx = self.compiled.party_index
        self.leaders = [Leader(self, spec, pidx(spec.party)) for spec in sc.politics.leaders]
        self.stakeholders = [
            Stakeholder(self, spec, pidx(spec.party), self.politics.stake[g])
            for g, spec in enumerate(sc.politics.stakeholders)
        ]
        self.coordinators = [Coordinator(self, s, pidx(s.party)) for s in sc.politics.coordinators]
        # each stakeholder's weekly push is fixed per replicate: tabulate it once
        self.pressure_rate = np.zeros_like(self.initial_reservation)
        for g, holder in enumerate(self.stakeholders):
            self.pressure_rate[:, holder.party, :] += holder.pressure(
                self.stakeholder_strength[:, g]
            )

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
        self.escalations = np.zeros(n_reps, dtype=np.int64)
        self.directive_until = np.zeros((n_reps, n_parties, n_tracks), dtype=np.int64)
        self.pressure_drift = np.zeros((n_reps, n_parties, n_tracks))
        self.mandate_drift = np.zeros((n_reps, n_parties, n_tracks))
        self.escalation_drift = np.zeros((n_reps, n_parties, n_tracks))
        self.ratification_attempts = np.zeros((n_tracks, n_reps), dtype=np.int64)
        self.ratification_failures = np.zeros((n_tracks, n_reps), dtype=np.int64)
        self._refresh_reservation()
        for k, negs in enumerate(self.track_negotiators):
            if len(negs) < 2:  # a track without a negotiator on both sides cannot be negotiated
                self.is_open[k] = False

    # --- the week -------------------------------------------------------------------------
    @property
    def n_weeks(self) -> int:
        """Rounds until the deadline."""
        return self.compiled.n_weeks

    def _refresh_reservation(self) -> None:
        """Current ``(R, P, T)`` reservation values: drawn, then pressed, escalated, coordinated."""
        total = self.initial_reservation + self.pressure_drift + self.mandate_drift
        self.reservation = np.clip(total + self.escalation_drift, 0.0, 1.0)

    def step(self) -> None:
        """Advance every replicate of the batch by one week."""
        talking = self._apply_shocks()
        self._apply_pressure()
        self._refresh_reservation()
        was_open = self.is_open.copy()
        for k in range(len(self.compiled.tracks)):
            active = self.is_open[k] & talking
            if active.any():
                self._negotiate_track(k, active)
        self._coordinate(was_open & ~self.is_open)
        self._refresh_reservation()
        if self.tracer is not None:
            self.tracer.week_state(talking)
        self.week += 1
        if self.week >= self.n_weeks or not self.is_open.any():
            self.running = False

    def run(self) -> None:
        """Step until every track of every replicate is concluded or the deadline passes."""
        while self.running:
            self.step()

    def _apply_shocks(self) -> BoolArray:
        """Scripted events and leaders' stochastic shocks; return where talks go on this week."""
        t, shocks = self.week, self.shock_settings
        for ev in self.compiled.scenario.politics.events:
            if ev.week == t:
                everyone = np.ones(self.replicates.size, dtype=bool)
                self._shock(
                    ev.kind, everyone, self.compiled.party_index(ev.party), ev.weeks, ev.tracks
                )
        for i, leader in enumerate(self.leaders):
            suspend, escalate, direct = leader.shocks(self.leader_uniforms[:, t, i])
            self._shock(EventKind.suspension, suspend, leader.party, shocks.suspension_weeks)
            self._shock(EventKind.escalation, escalate, leader.party, 1)
            self._shock(EventKind.directive, direct, leader.party, shocks.directive_weeks)
        talking = t >= self.suspended_until
        # count only while a replicate still negotiates, so counts do not depend on its batch
        self.weeks_suspended += (~talking & self.is_open.any(axis=0)).astype(np.int64)
        return talking

    def _shock(
        self, kind: EventKind, mask: BoolArray, party: int, weeks: int, tracks: tuple[str, ...] = ()
    ) -> None:
        if not mask.any():
            return
        t = self.week
        if kind is EventKind.suspension:
            self.suspended_until = np.where(
                mask, np.maximum(self.suspended_until, t + weeks), self.suspended_until
            )
        elif kind is EventKind.escalation:
            # the escalating party's tariffs rise: every other party's status quo worsens
            others = [p for p in range(len(self.compiled.party_names)) if p != party]
            hit = mask[:, None] & self.is_open.T  # (R, T): concluded deals are not reopened
            shift = self.shock_settings.escalation_reservation_shift
            self.escalation_drift[:, others, :] -= shift * hit[:, None, :]
            self.escalations += (mask & self.is_open.any(axis=0)).astype(np.int64)
        else:
            cols = [
                k for k, tr in enumerate(self.compiled.tracks) if not tracks or tr.name in tracks
            ]
            until = self.directive_until[:, party, cols]
            self.directive_until[:, party, cols] = np.where(
                mask[:, None], np.maximum(until, t + weeks), until
            )
        if self.tracer is not None:
            self.tracer.event(kind.value, mask, party, weeks)

    def _apply_pressure(self) -> None:
        """Stakeholders press on the tracks still open; the drift is bounded."""
        bound = self.shock_settings.max_pressure_drift
        drift = self.pressure_drift + self.pressure_rate * self.is_open.T[:, None, :]
        self.pressure_drift = np.clip(drift, -bound, bound)

    def _coordinate(self, concluded_now: BoolArray) -> None:
        for c in self.coordinators:
            self.mandate_drift[:, c.party, :] += c.mandate_shift(concluded_now, self.is_open)

    # --- one track ------------------------------------------------------------------------
    def _parties_in_order(self, k: int) -> tuple[int, int]:
        parties = sorted(self.track_negotiators[k])
        first = self.protocol.first_mover
        if first in parties:
            return first, next(p for p in parties if p != first)
        return parties[0], parties[1]

    def _condition_state(self, k: int) -> IntArray:
        """Bitmask per replicate of which of track ``k``'s conditions hold this week."""
        state = np.zeros(self.replicates.size, dtype=np.int64)
        for bit, c in enumerate(self.politics.track_conditions[k]):
            state |= (self.condition_week[:, c] <= self.week).astype(np.int64) << bit
        return state

    def _negotiate_track(self, k: int, active: BoolArray) -> None:
        """Group active replicates by which conditional options are feasible, then negotiate."""
        if not self.politics.track_conditions[k]:
            self._negotiate_round(k, np.flatnonzero(active), 0)
            return
        state = self._condition_state(k)
        for s in np.unique(state[active]):  # at most 2**(conditions on the track) groups
            self._negotiate_round(k, np.flatnonzero(active & (state == s)), int(s))

    def _view(self, k: int, state: int, idx: IntArray, me: int, opp: int, week: int) -> TrackView:
        track = self.politics.restricted[k][state]
        tau = min(week, self.n_weeks - 1) / max(self.n_weeks - 1, 1)
        boost = self.shock_settings.directive_time_boost * (
            self.directive_until[idx, me, k] > self.week
        )
        return TrackView(
            track=track,
            me=me,
            opponent=opp,
            round=week,
            n_rounds=self.n_weeks,
            time=np.minimum(tau + boost, 1.0),
            reservation=self.reservation[idx, me, k],
            pareto_table=self.politics.pareto[(k, state, me, opp)],
            history=self.offer_history[k, :, : self.week + 1],
            replicates=idx,
            discount=self.discounts.get(me, 1.0),
            opponent_discount=self.discounts.get(opp, 1.0),
            week=self.week,
        )

    def _negotiate_round(self, k: int, idx: IntArray, state: int) -> None:
        """One alternating-offers round on track ``k`` for replicates ``idx``, then ratification."""
        first, second = self._parties_in_order(k)
        a, b = self.track_negotiators[k][first], self.track_negotiators[k][second]
        t = self.week
        offer = a.propose(self._view(k, state, idx, first, second, t))
        made = self._acceptable_to(k, idx, first, offer)
        accepted = made & b.respond(self._view(k, state, idx, second, first, t), offer)
        self.offer_history[k, first, t, idx] = np.where(made, offer, -1)
        counter = b.propose(self._view(k, state, idx, second, first, t))
        countering = ~accepted & self._acceptable_to(k, idx, second, counter)
        # the first mover compares the counter with what it would offer next week (AC_next)
        answer = a.respond(self._view(k, state, idx, first, second, t + 1), counter)
        counter_accepted = countering & answer
        self.offer_history[k, second, t, idx] = np.where(countering, counter, -1)
        deal = np.where(accepted, offer, counter)
        tentative = accepted | counter_accepted
        if self.tracer is not None:
            moves = (
                (first, offer, accepted, made),
                (second, counter, counter_accepted, countering),
            )
            self.tracer.offers(k, idx, *moves)
        self._ratify(k, idx[tentative], deal[tentative])

    def _acceptable_to(self, k: int, idx: IntArray, party: int, outcome: IntArray) -> BoolArray:
        """Whether ``party`` can commit to an outcome: it meets its own reservation value.

        A strategy with no feasible outcome above its reservation value still names one; the
        protocol withholds such an offer (the opponent never sees it), so no deal is ever struck
        below a proposer's reservation value.
        """
        utility = self.compiled.tracks[k].utilities[party, outcome]
        return utility >= self.reservation[idx, party, k] - UTILITY_EPS

    def _ratify(self, k: int, idx: IntArray, outcome: IntArray) -> None:
        """Level II: each side ratifies a tentative deal with its tabulated probability."""
        if idx.size == 0:
            return
        probability = self.politics.ratify_probability[k][:, outcome]  # (P, n)
        uniforms = self.ratification_uniforms[idx, self.week, k, :].T  # (P, n)
        ratified = np.ones(idx.size, dtype=bool)
        for leader in self.leaders:
            ratified &= leader.ratifies(probability[leader.party], uniforms[leader.party])
        self.ratification_attempts[k, idx] += 1
        self.ratification_failures[k, idx[~ratified]] += 1
        done = idx[ratified]
        self.agreed_outcome[k, done] = outcome[ratified]
        self.agreement_week[k, done] = self.week
        self.is_open[k, done] = False
        if self.tracer is not None:
            self.tracer.ratification(k, idx, outcome, probability, uniforms, ratified)

    @property
    def trace(self) -> list[dict[str, object]]:
        """The recorded trace rows (empty unless ``record_trace``)."""
        return [] if self.tracer is None else self.tracer.rows

    # --- results --------------------------------------------------------------------------
    def outcome_columns(self) -> dict[str, np.ndarray]:
        """One record per (track, replicate), track-major, as columns of equal length."""
        from sim.records import outcome_columns

        return outcome_columns(self)

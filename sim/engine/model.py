"""The ensemble Mesa model: one model steps a batch of replicates, week by week.

Each Mesa agent is one person or group (Kirsten Hillman is one agent); it acts on every replicate of
the batch at once, on arrays with a leading replicate axis (:mod:`sim.engine.state`). The model owns
the protocol order, the shared batch state and the bookkeeping; what each person does is in its
agent class. A week activates the agents by type, in this order:

1. ``Leader.act``: scripted events of the week, then each leader's stochastic shocks
   (:mod:`sim.engine.shocks`: suspension, escalation, directive, termination, the last
   state-dependent: more likely after last week's provocations), and resumptions;
2. ``Stakeholder.act``: a constituency may provoke the other side's leader; the model applies
   every constituency's pressure on its government's reservation values on the open tracks
   (their lobby push, entered at the start) and bounds the cumulative drift;
3. per open, unsuspended track one alternating-offers round between the two negotiators at it
   (``Negotiator.propose`` / ``respond``): the first mover offers, the other side accepts or
   counters, and the first mover answers the counter;
4. tentative deals are ratified at home by the leaders of the two parties at the track (Putnam's
   Level II, ``Leader.ratify``); a failure reopens the track;
5. ``Coordinator.act``: coordinators adjust their party's mandate on the tracks still open;
6. every party pays one more week of the tariffs in force on each track still open (costly
   delay, :mod:`sim.domain.tariffs`);
7. in a review's week the :class:`~sim.engine.review.ReviewCalendar` may end the talks.

Up to the deadline (the first review) a step is a week with one round; after it, a step covers
``meeting_interval_weeks`` weeks with one round, its weekly hazards compounded over the step
(``1 - (1 - h)**weeks``) and its weekly pressure and costs multiplied by its weeks.

Replicates whose tracks are closed or suspended are masked, never looped over. Mesa's own seeded
RNG (``self.rng``) is not used for replicate randomness: every random input comes from
:mod:`sim.engine.streams`, so a replicate does not depend on its batch.
"""

from __future__ import annotations

from collections.abc import Iterator

import mesa
import numpy as np
import numpy.typing as npt

from sim.agents.coordinator import Coordinator
from sim.agents.leader import Leader
from sim.agents.negotiator import ConditionGroups, Negotiator
from sim.agents.stakeholder import Stakeholder
from sim.agents.strategies.base import DealOdds, Strategy
from sim.domain.outcome_space import CompiledScenario
from sim.domain.politics import CompiledPolitics
from sim.domain.scenario import ConditionSpec, EventKind, ProtocolSpec
from sim.engine.records import outcome_columns
from sim.engine.review import ReviewCalendar
from sim.engine.shocks import SHOCKS, Shock
from sim.engine.state import BatchState, union_of_rows
from sim.engine.streams import DrawBlock, draw_blocks
from sim.engine.trace import TraceRecorder

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


def condition_weeks(
    conditions: tuple[ConditionSpec, ...], uniforms: dict[str, FloatArray], n_weeks: int
) -> IntArray:
    """``(R, C)`` first week each condition holds (``n_weeks``: not before the deadline).

    A condition holds at week 0 with its initial probability, else it emerges after a geometric
    number of weeks with its weekly hazard (inverse-CDF draw from one uniform). Its two uniforms
    per replicate come from block ``condition.<name>``.
    """
    n_reps = next(iter(uniforms.values())).shape[0] if uniforms else 0
    weeks = np.full((n_reps, len(conditions)), n_weeks, dtype=np.int64)
    for c, cond in enumerate(conditions):  # a handful of conditions, not replicates
        u = uniforms[f"condition.{cond.name}"]
        at_start = u[:, 0] < cond.initial_probability
        if cond.weekly_hazard >= 1.0:
            later = np.ones(n_reps, dtype=np.int64)
        elif cond.weekly_hazard > 0.0:
            gaps = np.floor(np.log1p(-u[:, 1]) / np.log1p(-cond.weekly_hazard))
            later = 1 + np.minimum(gaps, n_weeks).astype(np.int64)
        else:
            later = np.full(n_reps, n_weeks, dtype=np.int64)
        weeks[:, c] = np.where(at_start, 0, np.minimum(later, n_weeks))
    return weeks


class NegotiationModel(mesa.Model):
    """A batch of replicates of the sectoral negotiation.

    Args:
        compiled: The compiled scenario (shared, read-only).
        politics: The compiled political layer (ratification tables, conditions).
        protocol: Protocol spec.
        strategies: Strategy per party key, and per negotiator key where a negotiator plays
            its own (it plays its party's otherwise).
        seed: Experiment seed.
        replicates: Global indices of the replicates in this batch.
        record_trace: Keep week-by-week records in :attr:`trace` (for a batch of one replicate).
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        politics: CompiledPolitics,
        protocol: ProtocolSpec,
        strategies: dict[str, Strategy],
        seed: int,
        replicates: IntArray,
        record_trace: bool = False,
    ) -> None:
        super().__init__(rng=seed)
        self.compiled, self.politics, self.protocol = compiled, politics, protocol
        self.seed = seed
        self._set_calendar()
        replicates = np.asarray(replicates, dtype=np.int64)
        #: ``(P, T)`` whether each party is at each track.
        self.at_track = np.zeros((len(compiled.party_names), len(compiled.tracks)), dtype=bool)
        for k, track in enumerate(compiled.tracks):
            self.at_track[list(track.parties), k] = True
        self.shocks: dict[EventKind, Shock] = {
            kind: cls(protocol, self.at_track, politics.tariffs) for kind, cls in SHOCKS.items()
        }
        self.review = ReviewCalendar(compiled.scenario)
        #: Expected-utility offer tables, built once per batch as negotiators ask for them.
        self.deal_tables: dict[tuple[object, ...], tuple[FloatArray, IntArray]] = {}
        #: This step's anticipated Level II per round, shared by the round's two negotiators.
        self.threshold_groups: dict[tuple[int, int, int], tuple[IntArray, DealOdds]] = {}
        self._create_agents(strategies)
        draws = draw_blocks(seed, replicates, self._draw_layout())
        self.state = BatchState(
            replicates=replicates,
            initial_reservation=self._initial_reservation(draws),
            condition_week=condition_weeks(
                compiled.scenario.politics.conditions, draws, self.n_weeks
            ),
            n_weeks=self.n_weeks,
            n_steps=self.n_steps,
        )
        for agent in self._drawing_agents():
            agent.receive_draws(draws)
        self.review.receive_draws(draws, self.state)
        #: ``(R, P, T)`` scratch space for the weekly bookkeeping (no allocation per step).
        self._scratch = np.empty_like(self.state.initial_reservation)  # the state's layout
        self._update_weekly_cost()
        #: Records week-by-week events, offers and ratification draws (``record_trace`` only).
        self.tracer = TraceRecorder(compiled, self.state) if record_trace else None

    # --- set-up ---------------------------------------------------------------------------
    def _set_calendar(self) -> None:
        """Weeks simulated, rounds to the deadline and steps (read every round, so kept)."""
        scenario = self.compiled.scenario
        #: Weeks simulated (to the last review).
        self.n_weeks: int = self.compiled.n_weeks
        #: Rounds until the deadline: the negotiators' clock.
        self.deadline_weeks: int = scenario.deadline_weeks
        weekly = min(self.deadline_weeks, self.n_weeks)
        interval = scenario.review.meeting_interval_weeks
        #: Steps simulated: one per week to the deadline, then one per meeting interval.
        self.n_steps: int = weekly + -(-(self.n_weeks - weekly) // interval)

    def _create_agents(self, strategies: dict[str, Strategy]) -> None:
        sc, pidx = self.compiled.scenario, self.compiled.party_index
        track_index = {t.name: k for k, t in enumerate(self.compiled.tracks)}
        #: Per track, the negotiator of each party at it.
        self.track_negotiators: list[dict[int, Negotiator]] = [{} for _ in self.compiled.tracks]
        for spec in sc.negotiators:
            party = pidx(spec.party)
            tracks = [track_index[t] for t in spec.tracks if t in track_index]
            strategy = strategies.get(spec.key, strategies[spec.party])
            agent = Negotiator(self, spec, party, tracks, strategy)
            for k in tracks:
                self.track_negotiators[k][party] = agent
        for leader in sc.politics.leaders:
            Leader(self, leader, pidx(leader.party))
        led = {leader.party for leader in sc.politics.leaders}
        orphans = sorted({ev.party for ev in sc.politics.events} - led)
        if orphans:  # validation says so too; never drop an event silently
            raise ValueError(f"scripted events for parties without a leader: {orphans}")
        for g, holder in enumerate(sc.politics.stakeholders):
            Stakeholder(self, holder, pidx(holder.party), self.politics.stake[g])
        for coordinator in sc.politics.coordinators:
            Coordinator(self, coordinator, pidx(coordinator.party))
        #: Per track, whether one round can serve every feasible set (both strategies look
        #: their offer tables up per replicate's group), instead of a round per set.
        self.fuses_groups = [
            all(n.handles_ranking_groups for n in negotiators.values())
            for negotiators in self.track_negotiators
        ]
        #: Per track, the leaders who ratify its deals (those of the two parties at it).
        self.track_leaders = [
            [ld for ld in self._of_type(Leader) if self.at_track[ld.party, k]]
            for k in range(len(self.compiled.tracks))
        ]

    def _draw_layout(self) -> list[DrawBlock]:
        """The model's own blocks (reservation values, conditions), then every agent's.

        One block per (party, track) reservation value and per condition, so adding a track, a
        party or a condition leaves every other block's numbers unchanged.
        """
        blocks = [
            DrawBlock(f"reservation.{p}.{t.name}", (1,))
            for p in self.compiled.party_names
            for t in self.compiled.tracks
        ]
        blocks += [
            DrawBlock(f"condition.{c.name}", (2,))
            for c in self.compiled.scenario.politics.conditions
        ]
        for agent in self._drawing_agents():
            blocks += agent.draw_blocks()
        return blocks + self.review.draw_blocks()

    def _initial_reservation(self, draws: dict[str, FloatArray]) -> FloatArray:
        """``(R, P, T)`` uniform in [mean - spread, mean + spread], clipped to the utility scale."""
        u = np.stack(
            [
                np.concatenate(
                    [draws[f"reservation.{p}.{t.name}"] for t in self.compiled.tracks], 1
                )
                for p in self.compiled.party_names
            ],
            axis=1,
        )
        mean, spread = self.compiled.reservation_mean, self.compiled.reservation_spread
        return np.clip(mean + self._mandates() + spread * (2.0 * u - 1.0), 0.0, 1.0)

    def _mandates(self) -> FloatArray:
        """``(P, T)`` each negotiator's mandate shift of its party's reservation value."""
        shift = np.zeros(self.at_track.shape)
        for k, negotiators in enumerate(self.track_negotiators):
            for party, agent in negotiators.items():
                shift[party, k] = agent.spec.mandate
        return shift

    def _drawing_agents(self) -> list[Leader | Stakeholder]:
        """The agents with random inputs of their own, in a fixed order."""
        return [*self._of_type(Leader), *self._of_type(Stakeholder)]

    def _of_type[A: mesa.Agent](self, agent_type: type[A]) -> Iterator[A]:
        """The agents of one type, in creation order (none if there are none)."""
        agents = self.agents_by_type.get(agent_type)
        return iter(()) if agents is None else iter(agents)

    def _activate(self, agent_type: type[mesa.Agent], method: str) -> None:
        """Activate every agent of a type, in creation order, through Mesa's AgentSet."""
        agents = self.agents_by_type.get(agent_type)
        if agents is not None:
            agents.do(method)

    # --- the week -------------------------------------------------------------------------
    def step(self) -> None:
        """Advance every replicate of the batch by one week."""
        state = self.state
        state.step_weeks = self._step_weeks()
        state.provoked_last_week, state.provoked = state.provoked, state.provoked_last_week
        state.provoked[:] = False
        self._activate(Leader, "act")
        state.talking = (state.week >= state.suspended_until) & ~state.terminated
        state.weeks_suspended += state.step_weeks * (~state.talking & state.is_open)
        self._activate(Stakeholder, "act")
        self._press(state)
        state.refresh_reservation()
        self._reprice()
        was_open = state.is_open.copy(order="K")
        for k in range(len(self.compiled.tracks)):
            active = state.is_open[:, k] & state.talking[:, k]
            if active.any():
                self._negotiate_track(k, active)
        state.concluded_now = was_open & ~state.is_open
        self._activate(Coordinator, "act")
        state.refresh_moved_reservation()
        self._accrue_delay_cost(state)
        if self.tracer is not None:
            self.tracer.week_state()
        self.review.decide(state)
        state.week += state.step_weeks
        state.step += 1
        if state.week >= self.n_weeks or not state.is_open.any():
            self.running = False

    def _press(self, state: BatchState) -> None:
        """The stakeholders' weekly push moves the open tracks' drift (bounded), in place."""
        bound = self.protocol.max_pressure_drift
        push = self._open_share(state.lobby_push, state.step_weeks, state)
        drift = np.add(state.pressure_drift, push, out=state.pressure_drift)
        np.maximum(drift, -bound, out=drift)  # two ufuncs: np.clip's wrapper costs ~9 us
        np.minimum(drift, bound, out=drift)

    def _accrue_delay_cost(self, state: BatchState) -> None:
        """Each open track's status quo costs the step's weeks at this week's tariffs."""
        cost = self._open_share(state.weekly_cost, state.step_weeks, state)
        state.delay_cost += cost

    def _open_share(self, weekly: FloatArray, weeks: int, state: BatchState) -> FloatArray:
        """``weeks * weekly`` on the open tracks (0 elsewhere), in this model's scratch array."""
        scratch, is_open = self._scratch, state.is_open[:, None, :]
        if weeks == 1:  # 1 * x is x: one pass
            return np.multiply(weekly, is_open, out=scratch)
        np.multiply(weeks, weekly, out=scratch)
        scratch *= is_open
        return scratch

    def _step_weeks(self) -> int:
        """One week up to the deadline, then ``meeting_interval_weeks`` (never past the horizon)."""
        if self.state.week < self.deadline_weeks:
            return 1
        interval = self.compiled.scenario.review.meeting_interval_weeks
        return max(1, min(interval, self.n_weeks - self.state.week))

    def _update_weekly_cost(self, rows: IntArray | None = None) -> None:
        """``(R, P, T)`` cost of one more week at the status quo, with the tariffs now in force.

        Only the tariffs change it, so after the start only the rows an escalation repriced
        are recomputed (elementwise, so the same numbers as a full recomputation).
        """
        tariffs, protocol, state = self.politics.tariffs, self.protocol, self.state
        scale, horizon = protocol.delay_cost_scale, protocol.delay_cost_horizon_years
        if rows is None:
            state.weekly_cost = scale * tariffs.weekly_cost(horizon, state.extra_rate)
        elif rows.size:
            state.weekly_cost[rows] = scale * tariffs.weekly_cost(horizon, state.extra_rate[rows])

    def _reprice(self) -> None:
        """Recompute the weekly cost of the rows whose tariffs rose this week."""
        state = self.state
        if state.repriced:
            self._update_weekly_cost(union_of_rows(state.n_replicates, state.repriced))
            state.repriced.clear()

    def run(self) -> None:
        """Step until every track of every replicate is concluded or the deadline passes."""
        while self.running:
            self.step()

    # --- one track ------------------------------------------------------------------------
    def _parties_in_order(self, k: int) -> tuple[Negotiator, Negotiator]:
        """The track's two negotiators, the protocol's first mover first (if it is at the track)."""
        first, second = self.compiled.tracks[k].parties
        if self.compiled.party_names[second] == self.protocol.first_mover:
            first, second = second, first
        negotiators = self.track_negotiators[k]
        return negotiators[first], negotiators[second]

    def _condition_state(self, k: int) -> IntArray:
        """Bitmask per replicate of which of track ``k``'s conditions hold this week."""
        state = np.zeros(self.state.n_replicates, dtype=np.int64)
        for bit, c in enumerate(self.politics.track_conditions[k]):
            holds = self.state.condition_week[:, c] <= self.state.week
            state |= holds.astype(np.int64) << bit
        return state

    def _negotiate_track(self, k: int, active: BoolArray) -> None:
        """Group active replicates by which conditional options are feasible, then negotiate."""
        if not self.politics.track_conditions[k]:
            self._negotiate_round(k, active.nonzero()[0], 0)
            return
        state = self.politics.condition_class[k][self._condition_state(k)]
        present = np.flatnonzero(np.bincount(state[active]))  # the sets present, ascending
        if present.size > 1 and self.fuses_groups[k]:  # one round for every feasible set
            rows = active.nonzero()[0]
            of_row = state[rows]
            self._negotiate_round(
                k, rows, tuple((int(s), (of_row == s).nonzero()[0]) for s in present)
            )
            return
        for s in present:  # at most one group per distinct feasible set
            self._negotiate_round(k, (active & (state == s)).nonzero()[0], int(s))

    def _negotiate_round(self, k: int, rows: IntArray, conditions: int | ConditionGroups) -> None:
        """One alternating-offers round on track ``k`` for batch positions ``rows``."""
        a, b = self._parties_in_order(k)
        t = self.state.week
        # a's view now and when it answers the counter (its next offer's week), built together
        a_now, a_next = a.views(k, conditions, rows, b, (t, t + self.state.step_weeks))
        offer = a.propose(a_now)
        made = a.commits(a_now, offer)
        # one view serves b's answer and its counter: its history is a view of the batch state,
        # so it sees a's offer, recorded first (a strategy that learns from the history enters
        # the pending offer itself where a withheld it: ``including_offer``)
        step = self.state.step
        self.state.offers[rows, k, a.party, step] = np.where(made, offer, -1)
        b_view = b.view(k, conditions, rows, a, t)
        answer_b, counter = b.answer(b_view, offer)
        accepted = made & answer_b
        countering = ~accepted & b.commits(b_view, counter)
        # the first mover compares the counter with what it would offer next week (AC_next)
        answer = a.respond(a_next, counter)
        counter_accepted = countering & answer
        self.state.offers[rows, k, b.party, step] = np.where(countering, counter, -1)
        deal = np.where(accepted, offer, counter)
        tentative = accepted | counter_accepted
        if self.tracer is not None:
            self.tracer.offers(
                k,
                rows,
                (a.party, offer, accepted, made),
                (b.party, counter, counter_accepted, countering),
            )
        self._ratify(k, rows[tentative], deal[tentative])

    def _ratify(self, k: int, rows: IntArray, outcome: IntArray) -> None:
        """Level II: the leaders of the track's parties ratify each tentative deal."""
        if rows.size == 0:
            return
        ratified = np.ones(rows.size, dtype=bool)
        for leader in self.track_leaders[k]:
            ratified &= leader.ratify(k, rows, outcome)
        state = self.state
        state.ratification_attempts[rows, k] += 1
        state.ratification_failures[rows[~ratified], k] += 1
        state.conclude(k, rows[ratified], outcome[ratified])
        if self.tracer is not None:
            self.tracer.ratification(k, rows, outcome, self.track_leaders[k], ratified)

    @property
    def trace(self) -> list[dict[str, object]]:
        """The recorded trace rows (empty unless ``record_trace``)."""
        return [] if self.tracer is None else self.tracer.rows

    # --- results --------------------------------------------------------------------------
    @property
    def discounts(self) -> dict[int, float]:
        """Per-round discount factor per party index (1.0: none)."""
        out: dict[int, float] = {}
        for agent in self._of_type(Negotiator):
            out.setdefault(agent.party, agent.discount)
        return out

    def release(self) -> None:
        """Drop the finished batch's arrays; the model cannot be used afterwards.

        The model and its agents reference each other (Mesa), so their arrays would otherwise
        wait for Python's cyclic collector, which can skip many batches: a 10^5-replicate run
        in batches of 10,000 held about 700 MiB of finished batches (BENCHMARKS.md).
        """
        for agent in list(self.agents):
            vars(agent).clear()
        self.__dict__.clear()

    def outcome_columns(self) -> dict[str, np.ndarray]:
        """One record per (track, replicate), track-major, as columns of equal length."""
        slope = self.politics.tariffs.escalation_slope
        return outcome_columns(self.compiled, self.state, self.discounts, slope)

"""What each kind of shock does, one small class per kind, looked up in :data:`SHOCKS`.

A leader issues a shock in two ways: scripted (an event dated in the scenario) or stochastic
(each week with its hazard of that kind, one uniform per week from its own draw block
``shock.<kind>.<leader>``). Either way it names its party, the tracks (its party's tracks, or a
scripted subset) and a duration; the shock's class applies the effect to the batch state for the
replicates where it fires.

A stochastic shock's weekly hazard may depend on the state (a leader provoked last week is more
likely to terminate the talks), so :meth:`Shock.fires` takes a hazard per replicate.

A new kind of shock is three edits: an :class:`~sim.domain.scenario.EventKind` member, a class
here (registered in :data:`SHOCKS`), and a ``<kind>_hazard_per_week`` field in
:class:`~sim.config.schema.LeaderConfig`. Its draw block and its scripted events follow.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from sim.domain.scenario import EventKind, ProtocolSpec
from sim.domain.tariffs import TariffTables
from sim.engine.state import BatchState, any_per_row

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


class Shock(ABC):
    """One kind of shock, bound to a run's protocol and track membership.

    Args:
        protocol: Effect sizes and default durations.
        at_track: ``(P, T)`` whether each party is at each track.
        tariffs: What the tariffs in force cost each party (escalation needs it).
    """

    kind: ClassVar[EventKind]
    #: Uniforms a leader draws per week for a stochastic shock of this kind (its draw block
    #: ``shock.<kind>.<leader>`` has shape ``(W, uniforms_per_week)``).
    uniforms_per_week: ClassVar[int] = 1

    def __init__(self, protocol: ProtocolSpec, at_track: BoolArray, tariffs: TariffTables) -> None:
        self.protocol = protocol
        self.at_track = at_track
        self.tariffs = tariffs

    def fires(self, uniforms: FloatArray, hazard: float | FloatArray) -> BoolArray:
        """``(R,)`` where a stochastic shock happens this week, from this week's ``(R, n)`` draws.

        The first uniform against the weekly hazard; a kind that needs more draws (say, a random
        duration) declares more :attr:`uniforms_per_week` and reads them here or in ``apply``.
        """
        return uniforms[:, 0] < hazard

    @abstractmethod
    def default_weeks(self) -> int:
        """Duration of a stochastic shock of this kind."""

    def default_size(self) -> float:
        """Size of a stochastic shock of this kind (only escalations have one)."""
        return 0.0

    @abstractmethod
    def apply(
        self,
        state: BatchState,
        fires: BoolArray,
        party: int,
        weeks: int,
        tracks: BoolArray,
        size: float,
    ) -> None:
        """Apply the shock where it fires.

        Args:
            state: The batch state (changed in place).
            fires: ``(R,)`` replicates where the shock happens this week.
            party: The issuing leader's party.
            weeks: Duration.
            tracks: ``(T,)`` tracks it concerns (a subset of the party's tracks).
            size: An escalation's rate step (ignored by the other kinds).
        """

    def carry_on(self, state: BatchState, uniforms: FloatArray, party: int, hazard: float) -> None:
        """What a shock in force does each week after it fired (nothing, by default)."""
        return None


class Suspension(Shock):
    """The leader suspends the talks on its tracks for ``weeks`` weeks (SCENARIO.md A7)."""

    kind = EventKind.suspension

    def default_weeks(self) -> int:
        """``protocol.suspension_weeks``."""
        return self.protocol.suspension_weeks

    def apply(
        self,
        state: BatchState,
        fires: BoolArray,
        party: int,
        weeks: int,
        tracks: BoolArray,
        size: float,
    ) -> None:
        """``suspended_until = max(suspended_until, week + weeks)`` where it fires."""
        rows = fires.nonzero()[0]  # the few replicates it hits, not the batch
        current = state.suspended_until[rows]
        later = np.maximum(current, state.week + weeks)
        state.suspended_until[rows] = np.where(tracks[None, :], later, current)


class Escalation(Shock):
    """The leader raises its tariffs on the other party's trade on its open tracks.

    Every tariff the other party pays on a concerned, still-open track rises by ``size``
    (``protocol.escalation_rate_step`` unless scripted otherwise). That worsens the other
    party's status quo by ``S[p, k] * size`` (:mod:`sim.domain.tariffs`), so its reservation
    value falls as much, and raises its weekly cost of delay. Concluded deals are not reopened:
    their rates are fixed. The escalation is counted against the target on the track (audience
    costs at ratification, :class:`~sim.agents.leader.Leader`).
    """

    kind = EventKind.escalation

    def default_weeks(self) -> int:
        """An escalation is a one-off step."""
        return 1

    def default_size(self) -> float:
        """``protocol.escalation_rate_step``."""
        return self.protocol.escalation_rate_step

    def apply(
        self,
        state: BatchState,
        fires: BoolArray,
        party: int,
        weeks: int,
        tracks: BoolArray,
        size: float,
    ) -> None:
        """``extra_rate[r, p, k] += size`` for every other party ``p`` at an open track."""
        rows = fires.nonzero()[0]  # the replicates it hits: the others are left as they are
        if rows.size == 0:
            return
        is_open = state.is_open[rows]
        hit = is_open & tracks[None, :]  # (n, T)
        targets = self.at_track.copy()
        targets[party] = False  # (P, T): the other parties at each track
        struck = hit[:, None, :] & targets[None, :, :]
        extra = state.extra_rate[rows] + size * struck
        state.extra_rate[rows] = extra
        state.escalations_suffered[rows] += struck.astype(np.int64)
        state.escalation_drift[rows] = -self.tariffs.escalation_slope * extra
        state.escalations[rows] += any_per_row(is_open)
        state.repriced.append(rows)  # their weekly cost of delay changes with the tariffs


class Termination(Shock):
    """The leader ends the talks on its tracks until they resume, possibly for good.

    Unlike a suspension it has no set length: after ``weeks`` (1 for a stochastic one) the talks
    resume each week with the leader's ``resumption_hazard`` (one uniform per week, the second
    of the block), so a termination can last to the horizon. Its hazard is state-dependent: a
    leader provoked by the other side's Level II actors last week adds its
    ``provocation_response`` (SCENARIO.md timeline: 27 June 2025, talks ended over the DST).
    """

    kind = EventKind.termination
    uniforms_per_week = 2

    def default_weeks(self) -> int:
        """A stochastic termination may resume from the next week on."""
        return 1

    def apply(
        self,
        state: BatchState,
        fires: BoolArray,
        party: int,
        weeks: int,
        tracks: BoolArray,
        size: float,
    ) -> None:
        """Mark the open concerned tracks terminated by ``party`` where it fires."""
        rows = fires.nonzero()[0]
        terminated = state.terminated[rows]
        hit = tracks[None, :] & state.is_open[rows] & ~terminated
        state.terminated[rows] = terminated | hit
        state.terminated_by[rows] = np.where(hit, party, state.terminated_by[rows])
        state.resume_after[rows] = np.where(hit, state.week + weeks, state.resume_after[rows])

    def carry_on(self, state: BatchState, uniforms: FloatArray, party: int, hazard: float) -> None:
        """Resume this leader's terminations with its weekly hazard, once their minimum is up."""
        if not state.terminated.any():  # nothing to resume (the usual week)
            return
        # only open tracks: a closed replicate must not change (batch independence)
        mine = state.terminated & (state.terminated_by == party) & state.is_open
        resume = mine & (state.week >= state.resume_after) & (uniforms[:, 1:2] < hazard)
        state.terminated &= ~resume
        state.terminated_by = np.where(resume, -1, state.terminated_by)


class Directive(Shock):
    """The leader orders its side to move quickly: its negotiators concede faster for a while.

    The order is also a public commitment: from then on the leader's ratification threshold on
    those tracks is lower by ``protocol.directive_ratification_bonus`` (assumption), so a
    directive has an effect that outlasts its weeks even when no zone of agreement exists yet.
    """

    kind = EventKind.directive

    def default_weeks(self) -> int:
        """``protocol.directive_weeks``."""
        return self.protocol.directive_weeks

    def apply(
        self,
        state: BatchState,
        fires: BoolArray,
        party: int,
        weeks: int,
        tracks: BoolArray,
        size: float,
    ) -> None:
        """``directive_until[r, party, k] = max(..., week + weeks)`` where it fires."""
        rows = fires.nonzero()[0]
        current = state.directive_until[rows, party, :]
        later = np.maximum(current, state.week + weeks)
        state.directive_until[rows, party, :] = np.where(tracks[None, :], later, current)
        state.committed[rows, party, :] |= tracks[None, :]


#: Every kind of shock and the class that applies it.
SHOCKS: dict[EventKind, type[Shock]] = {
    EventKind.suspension: Suspension,
    EventKind.escalation: Escalation,
    EventKind.directive: Directive,
    EventKind.termination: Termination,
}

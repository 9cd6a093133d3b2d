"""What each kind of shock does, one small class per kind, looked up in :data:`SHOCKS`.

A leader issues a shock in two ways: scripted (an event dated in the scenario) or stochastic
(each week with its hazard of that kind, one uniform per week from its own draw block
``shock.<kind>.<leader>``). Either way it names its party, the tracks (its party's tracks, or a
scripted subset) and a duration; the shock's class applies the effect to the batch state for the
replicates where it fires.

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
from sim.engine.state import BatchState

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


class Shock(ABC):
    """One kind of shock, bound to a run's protocol and track membership.

    Args:
        protocol: Effect sizes and default durations.
        at_track: ``(P, T)`` whether each party is at each track.
    """

    kind: ClassVar[EventKind]
    #: Uniforms a leader draws per week for a stochastic shock of this kind (its draw block
    #: ``shock.<kind>.<leader>`` has shape ``(W, uniforms_per_week)``).
    uniforms_per_week: ClassVar[int] = 1

    def __init__(self, protocol: ProtocolSpec, at_track: BoolArray) -> None:
        self.protocol = protocol
        self.at_track = at_track

    def fires(self, uniforms: FloatArray, hazard: float) -> BoolArray:
        """``(R,)`` where a stochastic shock happens this week, from this week's ``(R, n)`` draws.

        The first uniform against the weekly hazard; a kind that needs more draws (say, a random
        duration) declares more :attr:`uniforms_per_week` and reads them here or in ``apply``.
        """
        return uniforms[:, 0] < hazard

    @abstractmethod
    def default_weeks(self) -> int:
        """Duration of a stochastic shock of this kind."""

    @abstractmethod
    def apply(
        self, state: BatchState, fires: BoolArray, party: int, weeks: int, tracks: BoolArray
    ) -> None:
        """Apply the shock where it fires.

        Args:
            state: The batch state (changed in place).
            fires: ``(R,)`` replicates where the shock happens this week.
            party: The issuing leader's party.
            weeks: Duration.
            tracks: ``(T,)`` tracks it concerns (a subset of the party's tracks).
        """


class Suspension(Shock):
    """The leader suspends the talks on its tracks for ``weeks`` weeks (SCENARIO.md A7)."""

    kind = EventKind.suspension

    def default_weeks(self) -> int:
        """``protocol.suspension_weeks``."""
        return self.protocol.suspension_weeks

    def apply(
        self, state: BatchState, fires: BoolArray, party: int, weeks: int, tracks: BoolArray
    ) -> None:
        """``suspended_until = max(suspended_until, week + weeks)`` where it fires."""
        hit = fires[:, None] & tracks[None, :]
        later = np.maximum(state.suspended_until, state.week + weeks)
        state.suspended_until = np.where(hit, later, state.suspended_until)


class Escalation(Shock):
    """The leader raises its tariffs: the other party's status quo worsens on the open tracks.

    Every other party at a concerned, still-open track loses
    ``protocol.escalation_reservation_shift`` of reservation value there (a worse status quo
    makes a deal relatively more attractive); concluded deals are not reopened.
    """

    kind = EventKind.escalation

    def default_weeks(self) -> int:
        """An escalation is a one-off step."""
        return 1

    def apply(
        self, state: BatchState, fires: BoolArray, party: int, weeks: int, tracks: BoolArray
    ) -> None:
        """``escalation_drift[r, p, k] -= shift`` for every other party ``p`` at an open track."""
        hit = fires[:, None] & state.is_open & tracks[None, :]  # (R, T)
        targets = self.at_track.copy()
        targets[party] = False  # (P, T): the other parties at each track
        shift = self.protocol.escalation_reservation_shift
        state.escalation_drift -= shift * (hit[:, None, :] & targets[None, :, :])
        state.escalations += (fires & state.is_open.any(axis=1)).astype(np.int64)


class Directive(Shock):
    """The leader orders its side to move quickly: its negotiators concede faster for a while."""

    kind = EventKind.directive

    def default_weeks(self) -> int:
        """``protocol.directive_weeks``."""
        return self.protocol.directive_weeks

    def apply(
        self, state: BatchState, fires: BoolArray, party: int, weeks: int, tracks: BoolArray
    ) -> None:
        """``directive_until[r, party, k] = max(..., week + weeks)`` where it fires."""
        hit = fires[:, None] & tracks[None, :]
        current = state.directive_until[:, party, :]
        later = np.maximum(current, state.week + weeks)
        state.directive_until[:, party, :] = np.where(hit, later, current)


#: Every kind of shock and the class that applies it.
SHOCKS: dict[EventKind, type[Shock]] = {
    EventKind.suspension: Suspension,
    EventKind.escalation: Escalation,
    EventKind.directive: Directive,
}

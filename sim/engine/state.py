"""The shared state of a batch of replicates: replicate-first arrays, shapes stated once.

Axis letters, used in every docstring of the engine and the agents:

* ``R``: the batch's replicates (always the first axis);
* ``P``: parties (rows of every utility table);
* ``T``: tracks;
* ``W``: weeks (rounds) until the deadline;
* ``C``: conditions.

Agents keep what is theirs (a leader its shock draws, a stakeholder its mobilisation); what several
agents read or write, and what the outcome table reports, lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

#: ``agreement_week`` of a track with no deal.
NO_WEEK = -1
#: An empty cell of ``offers`` or ``agreed_outcome``.
NO_OUTCOME = -1


def _zeros(shape: tuple[int, ...], dtype: type = np.int64) -> npt.NDArray:
    return np.zeros(shape, dtype=dtype)


@dataclass
class BatchState:
    """Everything that changes during a batch, as arrays over its replicates.

    Attributes:
        replicates: ``(R,)`` global replicate indices.
        week: The week being played (0-based).
        is_open: ``(R, T)`` the track is still being negotiated.
        talking: ``(R, T)`` talks on the track are not suspended this week.
        concluded_now: ``(R, T)`` the track was concluded (ratified) this week.
        agreement_week: ``(R, T)`` week of the ratified deal (:data:`NO_WEEK`: none).
        agreed_outcome: ``(R, T)`` the ratified outcome (:data:`NO_OUTCOME`: none).
        offers: ``(R, T, P, W)`` every offer made (:data:`NO_OUTCOME`: none that week).
        suspended_until: ``(R, T)`` first week talks on the track go on again.
        weeks_suspended: ``(R, T)`` weeks the track spent suspended while open.
        escalations: ``(R,)`` escalations while some track was open.
        directive_until: ``(R, P, T)`` first week a party's directive no longer applies.
        initial_reservation: ``(R, P, T)`` reservation values drawn at the start.
        pressure_drift: ``(R, P, T)`` cumulative stakeholder drift (bounded).
        mandate_drift: ``(R, P, T)`` cumulative drift from coordinators' momentum.
        escalation_drift: ``(R, P, T)`` cumulative drift from escalations.
        reservation: ``(R, P, T)`` current reservation values: the sum of the above, clipped.
        condition_week: ``(R, C)`` first week each condition holds (``W``: not before the deadline).
        ratification_attempts: ``(R, T)`` tentative deals sent home.
        ratification_failures: ``(R, T)`` tentative deals rejected at home.
    """

    replicates: IntArray
    initial_reservation: FloatArray
    condition_week: IntArray
    n_weeks: int
    week: int = 0
    is_open: BoolArray = field(init=False)
    talking: BoolArray = field(init=False)
    concluded_now: BoolArray = field(init=False)
    agreement_week: IntArray = field(init=False)
    agreed_outcome: IntArray = field(init=False)
    offers: IntArray = field(init=False)
    suspended_until: IntArray = field(init=False)
    weeks_suspended: IntArray = field(init=False)
    escalations: IntArray = field(init=False)
    directive_until: IntArray = field(init=False)
    pressure_drift: FloatArray = field(init=False)
    mandate_drift: FloatArray = field(init=False)
    escalation_drift: FloatArray = field(init=False)
    reservation: FloatArray = field(init=False)
    ratification_attempts: IntArray = field(init=False)
    ratification_failures: IntArray = field(init=False)

    def __post_init__(self) -> None:
        n_reps, n_parties, n_tracks = self.initial_reservation.shape
        rt = (n_reps, n_tracks)
        self.is_open = np.ones(rt, dtype=bool)
        self.talking = np.ones(rt, dtype=bool)
        self.concluded_now = np.zeros(rt, dtype=bool)
        self.agreement_week = np.full(rt, NO_WEEK, dtype=np.int64)
        self.agreed_outcome = np.full(rt, NO_OUTCOME, dtype=np.int64)
        self.offers = np.full((*rt, n_parties, self.n_weeks), NO_OUTCOME, dtype=np.int64)
        self.suspended_until = _zeros(rt)
        self.weeks_suspended = _zeros(rt)
        self.escalations = _zeros((n_reps,))
        self.directive_until = _zeros(self.initial_reservation.shape)
        self.pressure_drift = np.zeros(self.initial_reservation.shape)
        self.mandate_drift = np.zeros(self.initial_reservation.shape)
        self.escalation_drift = np.zeros(self.initial_reservation.shape)
        self.ratification_attempts = _zeros(rt)
        self.ratification_failures = _zeros(rt)
        self.refresh_reservation()

    @property
    def n_replicates(self) -> int:
        """Replicates in the batch."""
        return int(self.replicates.size)

    def refresh_reservation(self) -> None:
        """Current reservation values: drawn, then pressed, coordinated and escalated, clipped."""
        total = self.initial_reservation + self.pressure_drift + self.mandate_drift
        self.reservation = np.clip(total + self.escalation_drift, 0.0, 1.0)

    def conclude(self, track: int, rows: IntArray, outcome: IntArray) -> None:
        """Record ratified deals on ``track`` for the batch positions ``rows``."""
        self.agreed_outcome[rows, track] = outcome
        self.agreement_week[rows, track] = self.week
        self.is_open[rows, track] = False

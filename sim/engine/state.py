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
from typing import cast

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

#: ``agreement_week`` of a track with no deal.
NO_WEEK = -1
#: An empty cell of ``offers`` or ``agreed_outcome``.
NO_OUTCOME = -1
#: ``talks_end_cause``: the talks did not end at a review (every track closed with a deal first).
RAN_ON = 0
#: ``talks_end_cause``: a review was confirmed, ending the talks.
REVIEW_CONFIRMED = 1
#: ``talks_end_cause``: the talks ended for good at a review (withdrawal, walking away).
TALKS_ENDED = 2
#: ``talks_end_cause``: the last review passed with talks still open (the simulated horizon).
HORIZON = 3


#: An unsigned integer as wide as a row of 1, 2, 4 or 8 booleans.
_ROW_WORD = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def any_per_row(mask: BoolArray) -> BoolArray:
    """``mask.any(axis=1)`` of an ``(R, T)`` boolean array, fast.

    numpy reduces along a short last axis element by element: ~280 us for 10,000 x 4, against
    ~4 us reading each row's T bytes as one integer (a boolean is one byte, 0 or 1).
    """
    word = _ROW_WORD.get(mask.shape[1])
    if word is not None and mask.flags.c_contiguous and mask.dtype == np.bool_:
        return mask.view(word)[:, 0] != 0
    out = mask[:, 0].copy()
    for column in range(1, mask.shape[1]):
        out |= mask[:, column]
    return out


def count_per_row(mask: BoolArray) -> IntArray:
    """``mask.sum(axis=1)`` of an ``(R, T)`` boolean array, one column at a time (fast)."""
    out = mask[:, 0].astype(np.int64)
    for column in range(1, mask.shape[1]):
        out += mask[:, column]
    return out


def _filled(shape: tuple[int, ...], value: object, dtype: type = np.int64) -> npt.NDArray:
    """An array of ``shape`` (replicates first) filled with ``value``, stored replicates last.

    A week reads and writes one party's and one track's values of many replicates
    (``state.reservation[:, p, k][rows]``). Stored replicates first, those values are a cache
    line apart; stored replicates last they are adjacent: a gather of 6,000 of 10,000
    replicates of an ``(R, 2, 4)`` array takes ~9 us instead of ~80 us when not in cache.
    Elementwise arithmetic gives the same numbers in either layout.
    """
    stored: npt.NDArray = np.full((*shape[1:], shape[0]), value, dtype=dtype)
    return np.moveaxis(stored, -1, 0)


def replicates_last(values: npt.NDArray) -> npt.NDArray:
    """A copy of ``values`` (replicates first) stored replicates last, as :func:`_filled`."""
    return np.moveaxis(np.ascontiguousarray(np.moveaxis(values, 0, -1)), -1, 0)


def union_of_rows(n_rows: int, parts: list[IntArray]) -> IntArray:
    """The batch positions in any of ``parts``, ascending (a mask: ``np.unique`` hashes)."""
    if len(parts) == 1:
        return parts[0]
    hit = np.zeros(n_rows, dtype=bool)
    for rows in parts:
        hit[rows] = True
    return hit.nonzero()[0]


def _clip_unit(values: FloatArray) -> FloatArray:
    """``values`` clipped to [0, 1] in place (two ufuncs: np.clip's wrapper costs ~9 us)."""
    np.maximum(values, 0.0, out=values)
    return np.minimum(values, 1.0, out=values)


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
        offers: ``(R, T, P, S)`` every offer made, per step (:data:`NO_OUTCOME`: none then).
        suspended_until: ``(R, T)`` first week talks on the track go on again.
        weeks_suspended: ``(R, T)`` weeks the track spent suspended while open.
        escalations: ``(R,)`` escalations while some track was open.
        escalations_suffered: ``(R, P, T)`` escalations against a party on an open track.
        extra_rate: ``(R, P, T)`` rise of the tariffs a party pays on a track since the start.
        delay_cost: ``(R, P, T)`` cumulative cost of the weeks a track stayed at the status quo.
        weekly_cost: ``(R, P, T)`` cost of one more week at the status quo this week.
        terminated: ``(R, T)`` talks on the track were terminated and have not resumed.
        terminated_by: ``(R, T)`` party whose leader terminated the track (-1: none).
        resume_after: ``(R, T)`` first week a terminated track may resume.
        provoked: ``(R, P)`` a party's leader was provoked this week (it reacts next week).
        provoked_last_week: ``(R, P)`` the provocations the leaders react to this week.
        first_review_week: ``(R,)`` the week the first review decides (the deadline's week,
            or a draw around it with a stochastic deadline).
        talks_end_week: ``(R,)`` week the talks ended at a review (:data:`NO_WEEK`: they did not).
        talks_end_cause: ``(R,)`` why (:data:`RAN_ON`, :data:`REVIEW_CONFIRMED`,
            :data:`TALKS_ENDED`, :data:`HORIZON`).
        directive_until: ``(R, P, T)`` first week a party's directive no longer applies.
        committed: ``(R, P, T)`` a party's leader has publicly ordered a quick deal on the track.
        initial_reservation: ``(R, P, T)`` reservation values drawn at the start.
        pressure_drift: ``(R, P, T)`` cumulative stakeholder drift (bounded).
        lobby_push: ``(R, P, T)`` the weekly push of all a party's stakeholders together.
        mandate_drift: ``(R, P, T)`` cumulative drift from coordinators' momentum.
        link_drift: ``(R, P, T)`` cumulative drift from coordinators' cross-track links
            (:mod:`sim.agents.linking`): up where a party is repaid for a concession.
        link_cap: ``(R, P, T)`` cap on a reservation value where the party committed, in a
            coordinators' link, to accept a deal there (``inf``: no commitment).
        escalation_drift: ``(R, P, T)`` cumulative drift from escalations.
        reservation: ``(R, P, T)`` current reservation values: the sum of the above, capped and
            clipped.
        condition_week: ``(R, C)`` first week each condition holds (``W``: not before the deadline).
        ratification_attempts: ``(R, T)`` tentative deals sent home.
        ratification_failures: ``(R, T)`` tentative deals rejected at home.
    """

    replicates: IntArray
    initial_reservation: FloatArray
    condition_week: IntArray
    n_weeks: int
    n_steps: int
    week: int = 0
    #: Weeks the current step covers (1 up to the deadline, then the meeting interval).
    step_weeks: int = 1
    #: Index of the current step (weekly draw blocks are indexed by it).
    step: int = 0
    is_open: BoolArray = field(init=False)
    talking: BoolArray = field(init=False)
    concluded_now: BoolArray = field(init=False)
    agreement_week: IntArray = field(init=False)
    agreed_outcome: IntArray = field(init=False)
    offers: IntArray = field(init=False)
    suspended_until: IntArray = field(init=False)
    weeks_suspended: IntArray = field(init=False)
    escalations: IntArray = field(init=False)
    escalations_suffered: IntArray = field(init=False)
    extra_rate: FloatArray = field(init=False)
    delay_cost: FloatArray = field(init=False)
    weekly_cost: FloatArray = field(init=False)
    terminated: BoolArray = field(init=False)
    terminated_by: IntArray = field(init=False)
    resume_after: IntArray = field(init=False)
    provoked: BoolArray = field(init=False)
    provoked_last_week: BoolArray = field(init=False)
    first_review_week: IntArray = field(init=False)
    talks_end_week: IntArray = field(init=False)
    talks_end_cause: IntArray = field(init=False)
    directive_until: IntArray = field(init=False)
    committed: BoolArray = field(init=False)
    pressure_drift: FloatArray = field(init=False)
    lobby_push: FloatArray = field(init=False)
    mandate_drift: FloatArray = field(init=False)
    link_drift: FloatArray = field(init=False)
    link_cap: FloatArray = field(init=False)
    escalation_drift: FloatArray = field(init=False)
    reservation: FloatArray = field(init=False)
    ratification_attempts: IntArray = field(init=False)
    ratification_failures: IntArray = field(init=False)
    #: Batch positions whose tariffs rose since the weekly cost was last computed.
    repriced: list[IntArray] = field(init=False, default_factory=list)
    #: Whether a coordinator has linked tracks (set :attr:`link_drift` or :attr:`link_cap`).
    links_made: bool = field(init=False, default=False)
    #: Batch positions whose mandate moved since :attr:`reservation` was last refreshed.
    moved_rows: list[IntArray] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        n_reps, n_parties, n_tracks = self.initial_reservation.shape
        rt, rp, rpt = (n_reps, n_tracks), (n_reps, n_parties), self.initial_reservation.shape
        self.initial_reservation = replicates_last(self.initial_reservation)
        self.is_open = _filled(rt, True, bool)
        self.talking = _filled(rt, True, bool)
        self.concluded_now = _filled(rt, False, bool)
        self.agreement_week = _filled(rt, NO_WEEK)
        self.agreed_outcome = _filled(rt, NO_OUTCOME)
        # int32: outcome indices of a track fit, and the history is the largest array of a batch.
        # Step-major: a round writes one step's offers of many replicates, which are then
        # adjacent in memory. Indexed ``(R, T, P, S)`` like any array.
        steps_first = (self.n_steps, n_tracks, n_parties, n_reps)
        stored = np.full(steps_first, NO_OUTCOME, dtype=np.int32)
        self.offers = cast(IntArray, stored.transpose(3, 1, 2, 0))
        self.suspended_until = _filled(rt, 0)
        self.weeks_suspended = _filled(rt, 0)
        self.escalations = _zeros((n_reps,))
        self.escalations_suffered = _filled(rpt, 0)
        self.extra_rate = _filled(rpt, 0.0, np.float64)
        self.delay_cost = _filled(rpt, 0.0, np.float64)
        self.weekly_cost = _filled(rpt, 0.0, np.float64)
        self.terminated = _filled(rt, False, bool)
        self.terminated_by = _filled(rt, -1)
        self.resume_after = _filled(rt, 0)
        self.provoked = _filled(rp, False, bool)
        self.provoked_last_week = _filled(rp, False, bool)
        self.first_review_week = np.full(n_reps, self.n_weeks - 1, dtype=np.int64)
        self.talks_end_week = np.full(n_reps, NO_WEEK, dtype=np.int64)
        self.talks_end_cause = _zeros((n_reps,))
        self.directive_until = _filled(rpt, 0)
        self.committed = _filled(rpt, False, bool)
        self.pressure_drift = _filled(rpt, 0.0, np.float64)
        self.lobby_push = _filled(rpt, 0.0, np.float64)
        self.mandate_drift = _filled(rpt, 0.0, np.float64)
        self.link_drift = _filled(rpt, 0.0, np.float64)
        self.link_cap = _filled(rpt, np.inf, np.float64)
        self.escalation_drift = _filled(rpt, 0.0, np.float64)
        self.ratification_attempts = _filled(rt, 0)
        self.ratification_failures = _filled(rt, 0)
        self.reservation = np.empty_like(self.initial_reservation)  # same layout
        self.refresh_reservation()

    @property
    def n_replicates(self) -> int:
        """Replicates in the batch."""
        return int(self.replicates.size)

    def step_hazard(self, weekly: float | FloatArray) -> float | FloatArray:
        """Probability that a weekly hazard fires at least once in this step's weeks."""
        if self.step_weeks == 1:
            return weekly
        return 1.0 - np.power(1.0 - np.asarray(weekly, dtype=np.float64), self.step_weeks)

    def in_step(self, week: IntArray) -> BoolArray:
        """Whether each of ``week`` falls in the weeks this step covers."""
        return (week >= self.week) & (week < self.week + self.step_weeks)

    def covers(self, week: int) -> bool:
        """Whether the week ``week`` falls in this step."""
        return self.week <= week < self.week + self.step_weeks

    def raw_reservation(
        self, out: FloatArray | None = None, rows: IntArray | None = None
    ) -> FloatArray:
        """``(R, P, T)`` drawn, pressed, coordinated, linked and escalated, before clipping.

        Summed in that order, in place in ``out`` if given, for the batch positions ``rows``
        only if given. Before any link the link drift is zero everywhere, and adding it would
        change no value.
        """

        def at(values: FloatArray) -> FloatArray:
            return values if rows is None else values[rows]

        total = np.add(at(self.initial_reservation), at(self.pressure_drift), out=out)
        total += at(self.mandate_drift)
        if self.links_made:
            total += at(self.link_drift)
        total += at(self.escalation_drift)
        return total

    def current_reservation(
        self, out: FloatArray | None = None, rows: IntArray | None = None
    ) -> FloatArray:
        """``(R, P, T)`` :meth:`raw_reservation`, capped where committed, clipped to [0, 1]."""
        value = self.raw_reservation(out, rows)
        if self.links_made:  # before any link every cap is +inf
            np.minimum(value, self.link_cap if rows is None else self.link_cap[rows], out=value)
        return _clip_unit(value)

    def refresh_reservation(self) -> None:
        """Set :attr:`reservation` to :meth:`current_reservation` (in place: twice a week)."""
        self.reservation = self.current_reservation(out=self.reservation)
        self.moved_rows.clear()

    def refresh_moved_reservation(self) -> None:
        """Bring :attr:`reservation` up to date where it moved since the last refresh.

        After the week's talks only the coordinators move reservation values: momentum on the
        replicates with a deal this week (:attr:`moved_rows`), a link anywhere. The rows are
        recomputed by the same arithmetic, so they equal a full refresh.
        """
        if self.links_made:
            self.refresh_reservation()
        elif self.moved_rows:
            rows = union_of_rows(self.n_replicates, self.moved_rows)
            self.reservation[rows] = self.current_reservation(rows=rows)
            self.moved_rows.clear()

    def end_talks(self, ending: BoolArray, cause: int) -> None:
        """Close every open track of the replicates ``ending`` with no deal, for ``cause``."""
        ending = ending & any_per_row(self.is_open)
        self.talks_end_week[ending] = self.week
        self.talks_end_cause[ending] = cause
        self.is_open[ending] = False

    def conclude(self, track: int, rows: IntArray, outcome: IntArray) -> None:
        """Record ratified deals on ``track`` for the batch positions ``rows``."""
        self.agreed_outcome[rows, track] = outcome
        self.agreement_week[rows, track] = self.week
        self.is_open[rows, track] = False

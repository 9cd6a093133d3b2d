"""The frozen description of a scenario: issues, parties, tracks and the people in the talks.

One frozen spec per concept, built once per run from the validated config by
:mod:`sim.config.build`. Specs carry no defaults: every default lives in the config schema
(:mod:`sim.config.schema`), every scenario value in its YAML. Pure data: no numpy tables (see
:mod:`sim.domain.outcome_space`), no Mesa (see :mod:`sim.agents`), no Hydra.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import Enum


class EventKind(Enum):
    """Kinds of shock a leader can issue (scripted by date or drawn each week).

    Each kind has one class in :mod:`sim.engine.shocks` that says what it does.
    """

    suspension = "suspension"
    escalation = "escalation"
    directive = "directive"
    termination = "termination"


class Stance(Enum):
    """Which way a stakeholder presses its government: for a quick deal or to hold out."""

    deal = "deal"
    hold = "hold"


@dataclass(frozen=True)
class Issue:
    """A negotiable issue with discrete options and a status quo."""

    name: str
    options: tuple[str, ...]
    status_quo: str
    kind: str
    rates: dict[str, float]
    #: Trade the tariff applies to (C$ B a year; 0: not a cost-bearing tariff).
    trade_flow: float
    #: Party whose exporters pay the tariff ("" if none).
    borne_by: str

    @property
    def status_quo_index(self) -> int:
        """Index of the status-quo option."""
        return self.options.index(self.status_quo)


@dataclass(frozen=True)
class Party:
    """A party's preferences: issue weights, option values and reservation values.

    ``values`` holds the option values of the issues the party weighs (weight > 0); an issue it
    does not weigh needs none.
    """

    name: str
    display_name: str
    weights: dict[str, float]
    values: dict[str, dict[str, float]]
    reservation_value: float
    reservation_value_spread: float
    track_reservation_values: dict[str, float]

    def reservation_for(self, track: str) -> float:
        """Mean reservation value on a track."""
        return self.track_reservation_values.get(track, self.reservation_value)


@dataclass(frozen=True)
class Track:
    """A bilateral negotiation track: the issues decided together, and the two parties at it.

    Attributes:
        name: Track name.
        issues: Issue names, in the column order of the track's outcomes.
        parties: The two parties whose negotiators lead the track.
    """

    name: str
    issues: tuple[str, ...]
    parties: tuple[str, str]


@dataclass(frozen=True)
class NegotiatorSpec:
    """A chief negotiator: the person who leads a party on some tracks.

    ``mandate`` shifts the party's mean reservation value on the negotiator's tracks (its own
    room to concede; its strategy is chosen by :mod:`sim.config.build`).
    """

    key: str
    name: str
    party: str
    tracks: tuple[str, ...]
    mandate: float


@dataclass(frozen=True)
class ConditionSpec:
    """A condition an option may require (e.g. carbon capture before the tanker ban is lifted).

    It holds from the start with ``initial_probability``; otherwise it emerges in any later week
    with probability ``weekly_hazard``.
    """

    name: str
    initial_probability: float
    weekly_hazard: float


@dataclass(frozen=True)
class LeaderSpec:
    """A head of government: ratifies deals on its party's tracks, and issues shocks.

    Attributes:
        key: Config key (``trump``).
        name: Display name.
        party: Party key.
        own_weight: Weight ``lam`` of the party's own utility in the Level II value.
        threshold_premium: Added to the ratification threshold.
        sharpness: ``k`` of the logistic ratification probability.
        hazards: Weekly probability of each shock kind the leader may issue.
        provocation_response: Added to the termination hazard in a week after the other side's
            Level II actors provoked the leader.
        resumption_hazard: Weekly probability that talks the leader terminated resume.
        audience_cost: Added to the ratification threshold per escalation the party suffered
            on the track (concessions under coercion cost at home).
        vetoed_options: Issue -> options it never ratifies (a hard veto at Level II).
    """

    key: str
    name: str
    party: str
    own_weight: float
    threshold_premium: float
    sharpness: float
    hazards: dict[EventKind, float]
    provocation_response: float
    resumption_hazard: float
    audience_cost: float
    vetoed_options: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class StakeholderSpec:
    """A domestic constituency: presses its government weekly and weighs in at ratification.

    Stance ``deal`` pushes its government's reservation value down on the tracks it cares about
    (it wants relief soon); ``hold`` pushes it up.
    """

    key: str
    name: str
    party: str
    influence: float
    stance: Stance
    pressure_per_week: float
    weights: dict[str, float]
    values: dict[str, dict[str, float]]
    #: Weekly probability of a public provocation of the party ``provokes`` (e.g. a campaign).
    provocation_hazard: float
    #: The party whose leader its provocations target ("" if none).
    provokes: str


@dataclass(frozen=True)
class CoordinatorSpec:
    """Coordinates a party's mandate across tracks (e.g. the Clerk of the Privy Council).

    Each deal the party concludes lowers its reservation value on its other open tracks by
    ``mandate_momentum`` (a banked deal makes the next one easier to sell). With
    ``link_max_gap > 0`` it also links tracks (:mod:`sim.agents.linking`): where the counterpart
    blocks a track by at most that gap, it repays the counterpart's concession there on another
    track, ``link_exchange_rate`` per unit, counting only outcomes both leaders ratify with
    probability at least ``link_min_ratification``.
    """

    key: str
    name: str
    party: str
    mandate_momentum: float
    link_max_gap: float
    link_exchange_rate: float
    link_min_ratification: float


@dataclass(frozen=True)
class ScriptedEvent:
    """A shock a party's leader issues in a given week (from a date in config).

    ``tracks`` limits it to some of the party's tracks (empty: all of them); ``rate_step`` is an
    escalation's rise of the tariffs in force (fraction), ignored by the other kinds.
    """

    week: int
    kind: EventKind
    party: str
    weeks: int
    tracks: tuple[str, ...]
    rate_step: float


@dataclass(frozen=True)
class ProtocolSpec:
    """The weekly protocol and the effect sizes of shocks (defaults: ``ProtocolConfig``).

    Attributes:
        first_mover: Party that offers first each week on the tracks it is at.
        suspension_weeks: Length of a stochastic suspension.
        escalation_rate_step: Rise of the tariffs in force per stochastic escalation (fraction).
        directive_time_boost: A directive advances the party's relative time (faster concession).
        directive_weeks: Length of a stochastic directive.
        directive_ratification_bonus: A directive lowers its leader's ratification threshold.
        max_pressure_drift: Bound on the cumulative stakeholder drift of a reservation value.
        is_ratification_required: Whether tentative deals need ratification at home.
        delay_cost_scale: Multiplier of the weekly cost of the tariffs in force (0: no cost).
        delay_cost_horizon_years: Years over which a deal's value accrues (scales the cost).
    """

    first_mover: str
    suspension_weeks: int
    escalation_rate_step: float
    directive_time_boost: float
    directive_weeks: int
    directive_ratification_bonus: float
    max_pressure_drift: float
    is_ratification_required: bool
    delay_cost_scale: float
    delay_cost_horizon_years: float


@dataclass(frozen=True)
class Politics:
    """Everything above the negotiators."""

    conditions: tuple[ConditionSpec, ...]
    requires: dict[str, dict[str, tuple[str, ...]]]
    leaders: tuple[LeaderSpec, ...]
    stakeholders: tuple[StakeholderSpec, ...]
    coordinators: tuple[CoordinatorSpec, ...]
    events: tuple[ScriptedEvent, ...]

    def leader_of(self, party: str) -> LeaderSpec | None:
        """The party's leader, if it has one."""
        return next((ld for ld in self.leaders if ld.party == party), None)


NO_POLITICS = Politics(
    conditions=(), requires={}, leaders=(), stakeholders=(), coordinators=(), events=()
)


@dataclass(frozen=True)
class ReviewSpec:
    """The calendar after the deadline: the USMCA joint review and the annual reviews after it.

    Under Art. 34.7 (SCENARIO.md A5) a review without confirmation is followed by a review every
    year. At each review the talks end for good with ``end_probability`` (a withdrawal notice, a
    party walking away) or because the review is confirmed (``confirm_probability``); otherwise
    they go on, meeting every ``meeting_interval_weeks``, until the next review. After the last
    one the simulation stops. ``deadline_spread_weeks`` makes the first review's decisive week
    uniform in ``deadline +- spread`` per replicate (a deadline known only in distribution).

    Attributes:
        annual_reviews: Reviews after the deadline (0: the deadline ends the talks).
        end_probability: P(the talks end for good) at each review.
        confirm_probability: P(the review is confirmed, ending the talks) at each review.
        deadline_spread_weeks: Half-width of the uniform spread of the first review's week.
        meeting_interval_weeks: Weeks between rounds after the deadline.
    """

    annual_reviews: int
    end_probability: float
    confirm_probability: float
    deadline_spread_weeks: int
    meeting_interval_weeks: int


NO_REVIEW = ReviewSpec(
    annual_reviews=0,
    end_probability=0.0,
    confirm_probability=0.0,
    deadline_spread_weeks=0,
    meeting_interval_weeks=1,
)


@dataclass(frozen=True)
class Scenario:
    """An uncompiled scenario, as described by a researcher."""

    name: str
    start_date: dt.date
    deadline: dt.date
    parties: tuple[Party, ...]
    issues: dict[str, Issue]
    tracks: tuple[Track, ...]
    negotiators: tuple[NegotiatorSpec, ...]
    politics: Politics = NO_POLITICS
    review: ReviewSpec = NO_REVIEW

    @property
    def deadline_weeks(self) -> int:
        """Weekly rounds from the start up to (and including the week of) the deadline.

        The negotiators' clock: relative time reaches 1 in the deadline's week.
        """
        return self._weeks_to(self.deadline)

    @property
    def review_dates(self) -> tuple[dt.date, ...]:
        """The deadline (the first review) and each later annual review."""
        return tuple(
            self.deadline.replace(year=self.deadline.year + j)
            for j in range(self.review.annual_reviews + 1)
        )

    @property
    def review_weeks(self) -> tuple[int, ...]:
        """Rounds up to each review (the first is :attr:`deadline_weeks`)."""
        return tuple(self._weeks_to(d) for d in self.review_dates)

    @property
    def n_weeks(self) -> int:
        """Weeks simulated: up to the last review, with room for a late first review."""
        return self.review_weeks[-1] + (
            self.review.deadline_spread_weeks if self.review.annual_reviews == 0 else 0
        )

    def _weeks_to(self, date: dt.date) -> int:
        return math.ceil((date - self.start_date).days / 7)

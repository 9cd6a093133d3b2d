"""Typed configuration schemas and their value checks.

Hydra composes YAML from ``conf/`` against these dataclasses (registered in the ConfigStore by
:func:`sim.cli.compose.register_configs`); :mod:`sim.cli` converts the result once with
``OmegaConf.to_object`` and :func:`sim.config.validation.validate_run` checks it. Nothing below
:mod:`sim.cli` sees a ``DictConfig``. Every default lives here, and only here: a YAML file sets a
scenario's values, never a schema default again.

Conventions stated once:
    * Utilities and option values are on [0, 1]; 1 is a party's best option of an issue.
    * ``beta`` is the Faratin et al. (1998) concession exponent: the aspiration falls as
      ``tau ** (1 / beta)``; ``beta < 1`` is Boulware (firm until late), ``beta > 1`` Conceder.
      NegMAS writes the same curve ``u(t) = 1 - t ** e`` with ``e = 1 / beta``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from omegaconf import MISSING

from sim.domain.scenario import EventKind, Stance


class IssueKind(Enum):
    """What an issue is about; used for reporting, not for the protocol."""

    tariff = "tariff"
    counter_tariff = "counter_tariff"
    concession = "concession"


class Tactic(Enum):
    """Time-dependent concession curve (Faratin et al. 1998).

    ``polynomial``: ``alpha = kappa + (1 - kappa) * tau ** (1 / beta)``.
    ``exponential``: ``alpha = exp((1 - tau) ** beta * ln(kappa))``; needs ``kappa > 0``.
    """

    polynomial = "polynomial"
    exponential = "exponential"


class OfferPolicy(Enum):
    """How a negotiator picks one outcome once it knows the utility it aims for.

    ``nearest``: the outcome whose own utility is closest above the target.
    ``pareto``: among outcomes at or above the target, the one the opponent values most
    (complete information about the opponent's utility, as for seasoned trade negotiators).
    ``frequency_model``: like ``pareto``, but with the opponent's utility learned from its offers
    (issue-option frequencies) and the choice limited to outcomes within ``frequency_window``
    above the target; at most ``n_candidates`` outcomes are scored per offer.
    """

    nearest = "nearest"
    pareto = "pareto"
    frequency_model = "frequency_model"


class AcceptanceName(Enum):
    """Acceptance conditions (Baarslag et al. 2011); none accepts below the reservation value.

    ``ac_next``: accept if the offer is worth at least my next offer (both discounted).
    ``ac_const``: accept if the offer's discounted utility is at least ``acceptance_utility``.
    ``ac_time``: accept anything at or above the reservation value from ``acceptance_time`` on.
    ``ac_combi``: ``ac_next`` or ``ac_time``.
    """

    ac_next = "ac_next"
    ac_const = "ac_const"
    ac_time = "ac_time"
    ac_combi = "ac_combi"


@dataclass
class ConditionConfig:
    """A condition some options require (e.g. carbon capture for lifting the tanker ban).

    Attributes:
        initial_probability: Probability it already holds when talks start (per replicate).
        weekly_hazard: Probability per week that it emerges, once it does not hold yet.
        description: Free text with the source.
    """

    initial_probability: float = 0.0
    weekly_hazard: float = 0.0
    description: str = ""


@dataclass
class LeaderConfig:
    """A head of government (one Mesa agent).

    Attributes:
        name: Display name.
        party: Party key.
        own_weight: Weight of the leader's own preferences (the party's utility) against its
            stakeholders' in the Level II value V(x) (1 = fully concentrated power).
        ratification_threshold_premium: Added to the threshold theta = own_weight * (mean
            reservation value) + (1 - own_weight) * (constituencies' status-quo value).
        ratification_sharpness: k of the logistic ratification probability (large = hard win-set).
        suspension_hazard_per_week: Weekly probability the leader suspends all talks.
        escalation_hazard_per_week: Weekly probability the leader escalates tariffs.
        directive_hazard_per_week: Weekly probability the leader orders its side to move quickly.
    """

    name: str = MISSING
    party: str = MISSING
    own_weight: float = 1.0
    ratification_threshold_premium: float = 0.0
    ratification_sharpness: float = 10.0
    suspension_hazard_per_week: float = 0.0
    escalation_hazard_per_week: float = 0.0
    directive_hazard_per_week: float = 0.0


def leader_hazards(leader: LeaderConfig) -> dict[EventKind, float]:
    """Weekly hazard of each shock kind: the field ``<kind>_hazard_per_week`` (0 if there is none).

    A new shock kind (:class:`~sim.domain.scenario.EventKind`) gets its hazard by adding that field.
    """
    return {k: float(getattr(leader, f"{k.value}_hazard_per_week", 0.0)) for k in EventKind}


def track_parties(scenario: ScenarioConfig, track: str) -> list[str]:
    """The parties whose negotiators lead ``track``, in the scenario's party order."""
    return [
        p
        for p in scenario.parties
        if any(track in n.tracks and n.party == p for n in scenario.negotiators.values())
    ]


@dataclass
class StakeholderConfig:
    """A domestic constituency (one Mesa agent).

    Attributes:
        name: Display name.
        party: Its government's party key.
        influence: Weight in ratification and pressure (>= 0).
        stance: ``deal`` presses for a quick deal (lowers the reservation value), ``hold`` for
            holding out (raises it).
        pressure_per_week: Reservation-value drift per week at influence 1 (>= 0).
        weights: Issues it cares about (>= 0); tracks with none of them are not its business.
        values: Its value (0..1) of every option of each issue it weights.
    """

    name: str = MISSING
    party: str = MISSING
    influence: float = 1.0
    stance: Stance = Stance.deal
    pressure_per_week: float = 0.0
    weights: dict[str, float] = field(default_factory=dict)
    values: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class CoordinatorConfig:
    """Coordinates a party's mandate across tracks (e.g. the Clerk of the Privy Council).

    Attributes:
        name: Display name.
        party: Party key.
        mandate_momentum: Drop of the party's reservation value on its open tracks per deal
            concluded elsewhere (>= 0).
    """

    name: str = MISSING
    party: str = MISSING
    mandate_momentum: float = 0.0


@dataclass
class EventConfig:
    """A scripted event, to replay history or test a counterfactual.

    Attributes:
        date: ISO date (must fall within the talks).
        kind: suspension, escalation or directive.
        party: The party whose leader acts.
        weeks: Duration of a suspension or directive.
        tracks: Tracks a directive applies to (empty = all).
        description: Free text with the source.
    """

    date: str = MISSING
    kind: EventKind = MISSING
    party: str = MISSING
    weeks: int = 1
    tracks: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class IssueConfig:
    """One negotiable issue with discrete options.

    Attributes:
        options: Option labels, in any order.
        status_quo: The option that holds if no deal is reached.
        kind: Tariff, counter-tariff or concession.
        rates: Optional effective tariff rate per option (fraction), for reporting final tariffs.
        requires: Conditions an option needs before it can be offered or accepted.
        description: Free text, shown in docs and plots.
    """

    options: list[str] = MISSING
    status_quo: str = MISSING
    kind: IssueKind = IssueKind.tariff
    rates: dict[str, float] = field(default_factory=dict)
    requires: dict[str, list[str]] = field(default_factory=dict)
    description: str = ""


@dataclass
class PartyConfig:
    """A negotiating party and its preferences.

    Attributes:
        name: Display name.
        reservation_value: Mean utility (0..1, normalised per track) below which the party
            walks away rather than agree.
        reservation_value_spread: Half-width of the uniform uncertainty around the reservation
            value; each replicate draws its own value (clipped to [0, 1]).
        track_reservation_values: Per-track override of ``reservation_value``.
        weights: Issue weights (sector priorities), >= 0; normalised within each track.
        values: Per issue, the value (0..1) of every option.
    """

    name: str = MISSING
    reservation_value: float = MISSING
    reservation_value_spread: float = 0.0
    track_reservation_values: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    values: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class TrackConfig:
    """A sectoral negotiation track.

    Attributes:
        issues: Issues always negotiated on this track.
        linked_issues: Issues moved onto this track when ``scenario.linkage`` is on (and removed
            from every other track).
        description: Free text.
    """

    issues: list[str] = MISSING
    linked_issues: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class NegotiatorActorConfig:
    """A chief negotiator (one Mesa agent) and the tracks it leads for its party."""

    name: str = MISSING
    party: str = MISSING
    tracks: list[str] = MISSING
    role: str = ""


@dataclass
class ScenarioConfig:
    """A negotiation scenario: parties, issues, tracks, actors, conditions, events, calendar.

    ``linkage`` moves each track's ``linked_issues`` onto it; ``package_mode`` negotiates every
    issue as one deal on a single ``package`` track, led by each party's first negotiator.
    """

    name: str = MISSING
    start_date: str = MISSING
    deadline: str = MISSING
    parties: dict[str, PartyConfig] = MISSING
    issues: dict[str, IssueConfig] = MISSING
    tracks: dict[str, TrackConfig] = MISSING
    negotiators: dict[str, NegotiatorActorConfig] = MISSING
    leaders: dict[str, LeaderConfig] = field(default_factory=dict)
    stakeholders: dict[str, StakeholderConfig] = field(default_factory=dict)
    coordinators: dict[str, CoordinatorConfig] = field(default_factory=dict)
    conditions: dict[str, ConditionConfig] = field(default_factory=dict)
    events: list[EventConfig] = field(default_factory=list)
    linkage: bool = True
    package_mode: bool = False
    description: str = ""


@dataclass
class ProtocolConfig:
    """The weekly alternating-offers protocol and the effect sizes of shocks.

    The defaults below are the calibration of the Canada-U.S. scenario too (each an assumption,
    with its reasoning):

    Attributes:
        first_mover: Party that makes the first offer of every week on every track it is at.
        suspension_weeks: Length in weeks of a leader's stochastic suspension of the talks.
        escalation_reservation_shift: Drop of the other party's reservation value per escalation
            (its status quo worsens), in utility units; assumption: each escalation (e.g. IEEPA
            25 -> 35 %, S3) lowers Canada's walk-away point by 5 % of its utility range.
        directive_time_boost: A directive advances its side's relative time by this much, so it
            concedes faster; assumption: "conclude quickly" (7 Oct 2025, S52) puts a side 15 % of
            the talks' time ahead on its concession curve.
        directive_weeks: Length in weeks of a stochastic directive (assumption).
        max_pressure_drift: Bound on the cumulative stakeholder drift of a reservation value;
            assumption: lobbying moves a mandate by at most 0.1 utility.
        ratification: Whether tentative deals need ratification at home (two-level game, Putnam
            1988, SCENARIO.md B4, S53).
    """

    first_mover: str = MISSING
    suspension_weeks: int = 2
    escalation_reservation_shift: float = 0.05
    directive_time_boost: float = 0.15
    directive_weeks: int = 6
    max_pressure_drift: float = 0.1
    ratification: bool = True


@dataclass
class NegotiatorConfig:
    """The strategy a party's negotiators play.

    Attributes:
        strategy: A name in :data:`sim.config.strategies.STRATEGIES`: ``time_dependent`` (with
            its own ``beta``), the presets ``boulware`` (beta 0.2), ``linear`` (1) and
            ``conceder`` (5), which ignore ``beta``; ``relative_tit_for_tat`` (alias
            ``tit_for_tat``), ``absolute_tit_for_tat``, ``hardliner`` (``floor``) and
            ``rubinstein`` (needs ``discount < 1``).
        beta: Concession exponent (> 0) of ``time_dependent`` (presets use their own).
            ``beta < 1`` is Boulware, ``beta > 1`` Conceder; NegMAS's ``u(t) = 1 - t**e`` has
            ``e = 1 / beta``.
        tactic: Time-dependent curve, polynomial or exponential.
        kappa: Initial concession in [0, 1): the aspiration starts at ``1 - kappa`` of the range
            (tit-for-tat: its opening offer). The exponential tactic needs ``kappa`` in (0, 1).
        offer_policy: How an outcome is chosen at the target utility.
        n_candidates: Cap on the outcomes the frequency model scores per offer (>= 1).
        frequency_window: Utility band above the target in which the frequency model picks its
            offer, in [0, 1] (0 behaves like ``nearest``).
        acceptance: Acceptance condition.
        acceptance_utility: The constant ``c`` of ``ac_const``, in [0, 1] (required by it).
        acceptance_time: The relative time ``T`` of ``ac_time`` and ``ac_combi``, in [0, 1].
        floor: The hardliner's utility floor in [0, 1]; ``None`` is its best outcome.
        discount: Discount factor per round, in (0, 1]; 1.0 means no discounting. A deal in week
            ``t`` is worth ``u * discount**t``; acceptance decisions use it and the outcome
            table reports it as ``discounted_utility_<party>``.
    """

    strategy: str = "time_dependent"
    beta: float | None = None
    tactic: Tactic = Tactic.polynomial
    kappa: float = 0.0
    offer_policy: OfferPolicy = OfferPolicy.pareto
    n_candidates: int = 128
    frequency_window: float = 0.1
    acceptance: AcceptanceName = AcceptanceName.ac_next
    acceptance_utility: float | None = None
    acceptance_time: float = 0.9
    floor: float | None = None
    discount: float = 1.0


@dataclass
class RunConfig:
    """The root config of one run.

    Attributes:
        scenario: The negotiation scenario.
        protocol: The weekly protocol.
        negotiator: Strategy per party key.
        experiment_name: Names the results folder.
        seed: Experiment seed; replicate i's draws come from streams keyed by (seed, i, block
            name), see :mod:`sim.engine.streams`.
        n_replicates: Monte Carlo replicates.
        batch_size: Replicates simulated together by one Mesa model.
        n_workers: Worker processes; 0 means one per CPU core.
        progress: Show a progress bar for long runs.
        precision: Adaptive replication: keep adding batches of replicates until every deal
            likelihood's 95% interval has a half-width <= ``precision`` (``None``: off; run
            exactly ``n_replicates``).
        max_replicates: Adaptive replication stops here even if the precision is not reached.
        overwrite: Let a run replace the complete run in its ``hydra.run.dir``, or a sweep start
            afresh in a ``hydra.sweep.dir`` holding another sweep's jobs (deleting them). Off:
            such a directory is refused (:mod:`sim.runs.ownership`). Never changes results.
    """

    scenario: ScenarioConfig = MISSING
    protocol: ProtocolConfig = MISSING
    negotiator: dict[str, NegotiatorConfig] = field(default_factory=dict)
    experiment_name: str = "default"
    seed: int = 20251010
    n_replicates: int = 10_000
    batch_size: int = 2_000
    n_workers: int = 1
    progress: bool = True
    precision: float | None = None
    max_replicates: int = 100_000
    overwrite: bool = False

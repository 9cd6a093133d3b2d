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
    ``expected_utility``: like ``pareto``, on the expected utility ``u(x) * P_deal(x)`` with
    ``P_deal`` both Level IIs' ratification probability (Putnam 1988; SCENARIO.md B4): the
    negotiator anticipates ratification, and its opening offer maximises ``u * P_deal``.
    """

    nearest = "nearest"
    pareto = "pareto"
    frequency_model = "frequency_model"
    expected_utility = "expected_utility"


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
        termination_hazard_per_week: Weekly probability the leader terminates the talks
            unprovoked (they stay off until they resume, possibly for good).
        provocation_response: Added to the termination hazard in the week after the other
            side's Level II actors provoked the leader (state-dependent hazard).
        resumption_hazard_per_week: Weekly probability that talks the leader terminated resume.
        audience_cost_per_escalation: Added to the leader's ratification threshold per
            escalation its party suffered on the track (a deal under coercion costs at home).
        vetoed_options: Issue -> options the leader can never ratify (a hard Level II veto,
            e.g. Bill C-202 on new dairy concessions): P(ratify) = 0 for any deal with one.
    """

    name: str = MISSING
    party: str = MISSING
    own_weight: float = 1.0
    ratification_threshold_premium: float = 0.0
    ratification_sharpness: float = 10.0
    suspension_hazard_per_week: float = 0.0
    escalation_hazard_per_week: float = 0.0
    directive_hazard_per_week: float = 0.0
    termination_hazard_per_week: float = 0.0
    provocation_response: float = 0.0
    resumption_hazard_per_week: float = 0.0
    audience_cost_per_escalation: float = 0.0
    vetoed_options: dict[str, list[str]] = field(default_factory=dict)


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
        provocation_hazard_per_week: Weekly probability it publicly provokes the leader of the
            party ``provokes`` (e.g. a provincial advertising campaign).
        provokes: The party whose leader its provocations target (needed if the hazard > 0).
    """

    name: str = MISSING
    party: str = MISSING
    influence: float = 1.0
    stance: Stance = Stance.deal
    pressure_per_week: float = 0.0
    weights: dict[str, float] = field(default_factory=dict)
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    provocation_hazard_per_week: float = 0.0
    provokes: str = ""


@dataclass
class CoordinatorConfig:
    """Coordinates a party's mandate across tracks (e.g. the Clerk of the Privy Council).

    Attributes:
        name: Display name.
        party: Party key.
        mandate_momentum: Drop of the party's reservation value on its open tracks per deal
            concluded elsewhere (>= 0).
        link_max_gap: Largest shortfall (utility, 0..1) of the counterpart on a deadlocked
            track that the coordinator bridges by moving the concession onto another track of
            theirs (issue linkage, :mod:`sim.agents.linking`); 0 never links.
        link_exchange_rate: Utility the counterpart asks on the donor track per unit it gives
            on the deadlocked one (> 0; 1: one for one).
        link_min_ratification: Joint probability that both leaders ratify an outcome for the
            coordinator to count it in a track's win-set (0..1; 0.5: more likely than not).
    """

    name: str = MISSING
    party: str = MISSING
    mandate_momentum: float = 0.0
    link_max_gap: float = 0.0
    link_exchange_rate: float = 1.0
    link_min_ratification: float = 0.5


@dataclass
class EventConfig:
    """A scripted event, to replay history or test a counterfactual.

    Attributes:
        date: ISO date (must fall within the talks).
        kind: suspension, escalation, directive or termination.
        party: The party whose leader acts.
        weeks: Duration of a suspension or directive; for a termination, the weeks before the
            talks may resume (then the leader's resumption hazard applies).
        tracks: Tracks it applies to (empty = all of the party's tracks).
        rate_step: An escalation's rise of the tariffs in force (fraction); ``None``: the
            protocol's ``escalation_rate_step``.
        description: Free text with the source.
    """

    date: str = MISSING
    kind: EventKind = MISSING
    party: str = MISSING
    weeks: int = 1
    tracks: list[str] = field(default_factory=list)
    rate_step: float | None = None
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
        trade_flow: Trade the tariff applies to, C$ B a year (> 0 makes its cost accrue
            every week without a deal; needs ``borne_by`` and ``rates``).
        borne_by: The party whose exporters pay it.
        description: Free text, shown in docs and plots.
    """

    options: list[str] = MISSING
    status_quo: str = MISSING
    kind: IssueKind = IssueKind.tariff
    rates: dict[str, float] = field(default_factory=dict)
    requires: dict[str, list[str]] = field(default_factory=dict)
    trade_flow: float = 0.0
    borne_by: str = ""
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
    """A chief negotiator (one Mesa agent), the tracks it leads for its party, and its own play.

    Every field of :class:`NegotiatorConfig` may be set here too (``None``: the party's value in
    ``negotiator.<party>``), so two negotiators of one party can play differently
    (:func:`sim.config.negotiators.resolve_negotiator`).

    Attributes:
        mandate: Shift of the party's mean reservation value on this negotiator's tracks (> 0:
            a tighter mandate, < 0: more room), in [-1, 1].
    """

    name: str = MISSING
    party: str = MISSING
    tracks: list[str] = MISSING
    role: str = ""
    mandate: float = 0.0
    strategy: str | None = None
    beta: float | None = None
    tactic: Tactic | None = None
    kappa: float | None = None
    offer_policy: OfferPolicy | None = None
    n_candidates: int | None = None
    frequency_window: float | None = None
    acceptance: AcceptanceName | None = None
    acceptance_utility: float | None = None
    acceptance_time: float | None = None
    floor: float | None = None
    discount: float | None = None
    belief_window: int | None = None
    belief_noise: float | None = None


class GeniusStatusQuo(Enum):
    """Which option of every issue is the status quo of a GENIUS scenario (GENIUS has none).

    ``min_welfare``: the option with the least summed weighted value of the two parties, so that
    the status quo is the outcome of least total utility (ties: the first listed). ``first``: the
    first item of a discrete issue, as the domain lists it, and the lower bound of an integer or
    real issue. ``last``: the last item, and the upper bound.
    """

    min_welfare = "min_welfare"
    first = "first"
    last = "last"


@dataclass
class GeniusConfig:
    """How GENIUS / ANAC files (``scenario.domain``, ``scenario.profiles``) become a scenario.

    Read by :mod:`sim.config.genius` (``scenario=genius``); ignored while ``scenario.profiles`` is
    empty. Semantics and choices are in ``docs/genius.md``.

    Attributes:
        status_quo: The option that holds without a deal, for every issue (GENIUS has no status
            quo: its no-deal payoff is the reservation value). It labels no-deal outcomes, gives
            their ``utility_<party>`` and is the disagreement point of the efficiency summary.
        status_quo_options: Per issue (the scenario's issue name), an explicit status-quo option
            label that overrides ``status_quo``.
        real_levels: Options of a real issue: evenly spaced from its lower to its upper bound,
            both included (>= 2).
        max_file_mb: A file larger than this (MiB) is refused before it is parsed.
        max_outcomes: A domain with more outcomes (the product of the issues' option counts) is
            refused: every party's utility table has one entry per outcome.
        use_profile_discounts: Turn each profile's ``discount_factor`` d into the party's
            per-round ``negotiator.<party>.discount`` = d ** (1 / rounds): GENIUS discounts by
            normalised time, ``u * d**t`` with t in [0, 1].
    """

    status_quo: GeniusStatusQuo = GeniusStatusQuo.min_welfare
    status_quo_options: dict[str, str] = field(default_factory=dict)
    real_levels: int = 11
    max_file_mb: float = 64.0
    max_outcomes: int = 1_000_000
    use_profile_discounts: bool = True


@dataclass
class ReviewConfig:
    """What follows the deadline (USMCA Art. 34.7, SCENARIO.md A5; see ``ReviewSpec``).

    Attributes:
        annual_reviews: Annual reviews after the deadline's review (0: the deadline ends it).
        end_probability: P(the talks end for good) at each review, in [0, 1].
        confirm_probability: P(the review is confirmed, which ends the talks), in [0, 1].
        deadline_spread_weeks: Half-width of a uniform spread of the first review's week per
            replicate (0: a certain deadline).
        meeting_interval_weeks: Weeks between rounds after the deadline (>= 1).
    """

    annual_reviews: int = 0
    end_probability: float = 0.0
    confirm_probability: float = 0.0
    deadline_spread_weeks: int = 0
    meeting_interval_weeks: int = 1


@dataclass
class ScenarioConfig:
    """A negotiation scenario: parties, issues, tracks, actors, conditions, events, calendar.

    ``linkage`` moves each track's ``linked_issues`` onto it; ``package_mode`` negotiates every
    issue as one deal on a single ``package`` track, led by each party's first negotiator.
    A negotiator who leads no track is a config error unless ``allow_idle_negotiators``; a
    track without a negotiator of each of two parties is one unless ``allow_unled_tracks``
    (such a track is then not negotiated: it stays at its status quo and is left out of the run).

    A GENIUS scenario (``scenario=genius``) names its files instead of writing ``parties``,
    ``issues``, ``tracks`` and ``negotiators``, which :mod:`sim.config.genius` fills from them:
    ``domain`` (a GENIUS domain file, or ``None`` when the profiles carry the issues) and
    ``profiles`` (one utility-space file per party; the parties are ``party_1``, ``party_2``),
    read as ``genius`` says.
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
    review: ReviewConfig = field(default_factory=ReviewConfig)
    linkage: bool = True
    package_mode: bool = False
    allow_idle_negotiators: bool = False
    allow_unled_tracks: bool = False
    description: str = ""
    domain: str | None = None
    profiles: list[str] = field(default_factory=list)
    genius: GeniusConfig = field(default_factory=GeniusConfig)


@dataclass
class ProtocolConfig:
    """The weekly alternating-offers protocol and the effect sizes of shocks.

    The defaults below are the calibration of the Canada-U.S. scenario too (each an assumption,
    with its reasoning):

    Attributes:
        first_mover: Party that makes the first offer of every week on every track it is at.
        suspension_weeks: Length in weeks of a leader's stochastic suspension of the talks.
        escalation_rate_step: Rise of the escalating party's tariffs in force on the other
            party's trade per escalation (fraction): S3, the IEEPA rate 25 -> 35 % on 1 Aug 2025.
            It worsens the other party's status quo (its reservation value falls) and raises its
            cost of delay.
        directive_time_boost: A directive advances its side's relative time by this much, so it
            concedes faster; assumption: "conclude quickly" (7 Oct 2025, S52) puts a side 15 % of
            the talks' time ahead on its concession curve.
        directive_weeks: Length in weeks of a stochastic directive (assumption).
        directive_ratification_bonus: Once a leader has issued a directive on a track, its
            ratification threshold there is lower by this much; assumption: a leader who ordered
            a quick deal in public has committed to selling it at home.
        max_pressure_drift: Bound on the cumulative stakeholder drift of a reservation value;
            assumption: lobbying moves a mandate by at most 0.1 utility.
        ratification: Whether tentative deals need ratification at home (two-level game, Putnam
            1988, SCENARIO.md B4, S53).
        delay_cost_scale: Multiplier of the weekly cost of the tariffs in force on a track with
            no deal (0 switches costly delay off; docs/model.md derives the cost from
            SCENARIO.md A1 rates and A3 flows).
        delay_cost_horizon_years: Years over which a deal's value accrues; a week at the status
            quo costs ``1 / (52 * years)`` of the value of full tariff relief. Assumption: 3.25,
            to the end of the U.S. presidential term (20 Jan 2029), since s.232 relief is a
            proclamation a successor may revisit.
    """

    first_mover: str = MISSING
    suspension_weeks: int = 2
    escalation_rate_step: float = 0.10
    directive_time_boost: float = 0.15
    directive_weeks: int = 6
    directive_ratification_bonus: float = 0.05
    max_pressure_drift: float = 0.1
    ratification: bool = True
    delay_cost_scale: float = 1.0
    delay_cost_horizon_years: float = 3.25


@dataclass
class NegotiatorConfig:
    """The strategy a party's negotiators play.

    Attributes:
        strategy: A name in :data:`sim.config.strategies.STRATEGIES`: ``time_dependent`` (with
            its own ``beta``), the presets ``boulware`` (beta 0.2), ``linear`` (1) and
            ``conceder`` (5), which ignore ``beta``; ``relative_tit_for_tat`` (alias
            ``tit_for_tat``), ``absolute_tit_for_tat``, ``hardliner`` (``floor``),
            ``rubinstein`` (needs ``discount < 1``) and ``bayesian`` (its own ``beta``, plus
            Bayesian learning of the opponent's reservation value and concession rate:
            ``belief_window``, ``belief_noise``; Zeng & Sycara 1998).
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
        belief_window: ``bayesian``: how many of the opponent's latest offers are evidence.
        belief_noise: ``bayesian``: sigma of the likelihood of an offer, in utility units.
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
    belief_window: int = 10
    belief_noise: float = 0.05


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
        batch_size: Replicates simulated together by one Mesa model. Larger batches spread the
            per-week Python work over more replicates (20,000: about 1.15x the rate of 10,000
            and 2x that of 2,500 on one core, at about 18 KB of memory per replicate of a
            batch; BENCHMARKS.md); never changes results. With several workers each worker gets
            the same number of batches, as large as this allows.
        n_workers: Worker processes; 0 means one per CPU core. More than the usable cores are
            capped to them with a notice (:mod:`sim.runs.limits`).
        force_workers: Refuse, rather than cap, an ``n_workers`` above the usable cores.
        progress: Show a progress bar for long runs.
        precision: Adaptive replication: keep adding batches of replicates until every deal
            likelihood's 95% interval has a half-width <= ``precision`` (``None``: off; run
            exactly ``n_replicates``).
        max_replicates: Adaptive replication stops here even if the precision is not reached.
        overwrite: Let a run replace the complete run in its ``hydra.run.dir``, or a sweep start
            afresh in a ``hydra.sweep.dir`` holding another sweep's jobs (deleting them). Off:
            such a directory is refused (:mod:`sim.runs.ownership`). Never changes results.
        figures: Draw the run's figures (PNG and PDF) and put them in its ``report.html``.
            ``None`` (default): on for a single run, off for each job of a sweep, whose
            sweep-level figures and report the sweep callback draws once at the end (per-job
            figures were most of a sweep job's time). Never changes results.
    """

    scenario: ScenarioConfig = MISSING
    protocol: ProtocolConfig = MISSING
    negotiator: dict[str, NegotiatorConfig] = field(default_factory=dict)
    experiment_name: str = "default"
    seed: int = 20251010
    n_replicates: int = 10_000
    batch_size: int = 20_000
    n_workers: int = 1
    force_workers: bool = False
    progress: bool = True
    precision: float | None = None
    max_replicates: int = 100_000
    overwrite: bool = False
    figures: bool | None = None

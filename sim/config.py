"""Typed configuration schemas and their value checks.

Hydra composes YAML from ``conf/`` against these dataclasses (registered in the ConfigStore by
:func:`register_configs`); ``sim.run`` converts the result once with ``OmegaConf.to_object`` and
calls :func:`validate`. Nothing below ``sim.run`` sees a ``DictConfig``. Every default lives here
or in the scenario YAML, never in both.

Conventions stated once:
    * Utilities and option values are on [0, 1]; 1 is a party's best option of an issue.
    * ``beta`` is the Faratin et al. (1998) concession exponent: the aspiration falls as
      ``tau ** (1 / beta)``; ``beta < 1`` is Boulware (firm until late), ``beta > 1`` Conceder.
      NegMAS writes the same curve ``u(t) = 1 - t ** e`` with ``e = 1 / beta``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from omegaconf import MISSING


class ConfigError(ValueError):
    """A configuration value is out of range or inconsistent.

    The message is one line: ``<key>=<value>: <what is allowed>``.
    """

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key}={value!r}: {allowed}")


class IssueKind(Enum):
    """What an issue is about; used for reporting, not for the protocol."""

    tariff = "tariff"
    counter_tariff = "counter_tariff"
    concession = "concession"


class StrategyName(Enum):
    """Offer strategies. Presets fix ``beta`` unless it is set explicitly."""

    time_dependent = "time_dependent"
    boulware = "boulware"
    linear = "linear"
    conceder = "conceder"


class OfferPolicy(Enum):
    """How a negotiator picks one outcome once it knows the utility it aims for.

    ``nearest``: the outcome whose own utility is closest above the target.
    ``pareto``: among outcomes at or above the target, the one the opponent values most
    (complete information about the opponent's utility, as for seasoned trade negotiators).
    """

    nearest = "nearest"
    pareto = "pareto"


class AcceptanceName(Enum):
    """Acceptance conditions. ``ac_next``: accept if the offer is worth at least my next offer."""

    ac_next = "ac_next"


@dataclass
class IssueConfig:
    """One negotiable issue with discrete options.

    Attributes:
        options: Option labels, in any order.
        status_quo: The option that holds if no deal is reached.
        kind: Tariff, counter-tariff or concession.
        rates: Optional effective tariff rate per option (fraction), for reporting final tariffs.
        description: Free text, shown in docs and plots.
    """

    options: list[str] = MISSING
    status_quo: str = MISSING
    kind: IssueKind = IssueKind.tariff
    rates: dict[str, float] = field(default_factory=dict)
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
    """A negotiation scenario: parties, issues, tracks, negotiators and the calendar."""

    name: str = MISSING
    start_date: str = MISSING
    deadline: str = MISSING
    parties: dict[str, PartyConfig] = MISSING
    issues: dict[str, IssueConfig] = MISSING
    tracks: dict[str, TrackConfig] = MISSING
    negotiators: dict[str, NegotiatorActorConfig] = MISSING
    linkage: bool = True
    description: str = ""


@dataclass
class ProtocolConfig:
    """The weekly alternating-offers protocol.

    Attributes:
        first_mover: Party that makes the first offer of every week on every track.
        suspension_hazard_per_week: Probability per week that talks are suspended (all tracks).
        suspension_weeks: How long a suspension lasts, in weeks.
    """

    first_mover: str = MISSING
    suspension_hazard_per_week: float = 0.0
    suspension_weeks: int = 2


@dataclass
class NegotiatorConfig:
    """The strategy a party's negotiators play.

    Attributes:
        strategy: Strategy name; presets boulware (beta 0.2), linear (1) and conceder (5).
        beta: Concession exponent (> 0); ``None`` takes the preset's value.
        kappa: Initial concession in [0, 1): the aspiration starts at ``1 - kappa`` of the range.
        offer_policy: How an outcome is chosen at the target utility.
        acceptance: Acceptance condition.
    """

    strategy: StrategyName = StrategyName.time_dependent
    beta: float | None = None
    kappa: float = 0.0
    offer_policy: OfferPolicy = OfferPolicy.pareto
    acceptance: AcceptanceName = AcceptanceName.ac_next


@dataclass
class RunConfig:
    """The root config of one run.

    Attributes:
        scenario: The negotiation scenario.
        protocol: The weekly protocol.
        negotiator: Strategy per party key.
        experiment_name: Names the results folder.
        seed: Experiment seed; replicate i uses ``SeedSequence(seed, spawn_key=(i,))``.
        n_replicates: Monte Carlo replicates.
        batch_size: Replicates simulated together by one Mesa model.
        n_workers: Worker processes; 0 means one per CPU core.
        progress: Show a progress bar for long runs.
        precision: Adaptive replication: keep adding batches of replicates until every deal
            likelihood's 95% interval has a half-width <= ``precision`` (``None``: off; run
            exactly ``n_replicates``).
        max_replicates: Adaptive replication stops here even if the precision is not reached.
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


PRESET_BETA: dict[StrategyName, float] = {
    StrategyName.boulware: 0.2,
    StrategyName.linear: 1.0,
    StrategyName.conceder: 5.0,
}


def register_configs() -> None:
    """Register the schemas in Hydra's ConfigStore (``base_config``, ``base_<group>``)."""
    from hydra.core.config_store import ConfigStore

    cs = ConfigStore.instance()
    cs.store(name="base_config", node=RunConfig)
    cs.store(group="scenario", name="base_scenario", node=ScenarioConfig)
    cs.store(group="protocol", name="base_protocol", node=ProtocolConfig)


def parse_date(key: str, value: str) -> dt.date:
    """Parse an ISO date or raise a one-line ConfigError naming ``key``."""
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ConfigError(key, value, "must be an ISO date YYYY-MM-DD") from None


def _require(ok: bool, key: str, value: Any, allowed: str) -> None:
    if not ok:
        raise ConfigError(key, value, allowed)


def _check_unit(key: str, value: float) -> None:
    _require(math.isfinite(value) and 0.0 <= value <= 1.0, key, value, "must be in [0, 1]")


def validate(cfg: RunConfig) -> None:
    """Check every value range and cross-reference of a run config.

    Raises:
        ConfigError: On the first bad value, naming its key, the value and what is allowed.
    """
    _require(cfg.n_replicates >= 1, "n_replicates", cfg.n_replicates, "must be an integer >= 1")
    _require(cfg.batch_size >= 1, "batch_size", cfg.batch_size, "must be an integer >= 1")
    _require(cfg.n_workers >= 0, "n_workers", cfg.n_workers, "must be >= 0 (0 = all cores)")
    _require(cfg.seed >= 0, "seed", cfg.seed, "must be an integer >= 0")
    if cfg.precision is not None:
        _require(
            0.0 < cfg.precision < 0.5, "precision", cfg.precision, "must be in (0, 0.5) or null"
        )
        _require(
            cfg.max_replicates >= cfg.n_replicates,
            "max_replicates",
            cfg.max_replicates,
            f"must be >= n_replicates ({cfg.n_replicates})",
        )
    validate_scenario(cfg.scenario)
    validate_protocol(cfg.protocol, cfg.scenario)
    validate_negotiators(cfg.negotiator, cfg.scenario)


def validate_scenario(sc: ScenarioConfig) -> None:
    """Check a scenario's dates, issues, parties, tracks and negotiators."""
    start = parse_date("scenario.start_date", sc.start_date)
    end = parse_date("scenario.deadline", sc.deadline)
    _require(end > start, "scenario.deadline", sc.deadline, f"must be after start_date {start}")
    _require(len(sc.parties) >= 2, "scenario.parties", list(sc.parties), "need >= 2 parties")
    for name, issue in sc.issues.items():
        _validate_issue(f"scenario.issues.{name}", issue)
    for pname, party in sc.parties.items():
        _validate_party(f"scenario.parties.{pname}", party, sc)
    for tname, track in sc.tracks.items():
        for iname in [*track.issues, *track.linked_issues]:
            _require(
                iname in sc.issues,
                f"scenario.tracks.{tname}.issues",
                iname,
                f"unknown issue; known: {sorted(sc.issues)}",
            )
    leads: dict[tuple[str, str], str] = {}
    for nname, neg in sc.negotiators.items():
        key = f"scenario.negotiators.{nname}"
        _require(neg.party in sc.parties, f"{key}.party", neg.party, f"one of {sorted(sc.parties)}")
        for t in neg.tracks:
            _require(
                t in sc.tracks, f"{key}.tracks", t, f"unknown track; known: {sorted(sc.tracks)}"
            )
            other = leads.setdefault((neg.party, t), nname)
            _require(other == nname, f"{key}.tracks", t, f"already led for {neg.party} by {other}")


def _validate_issue(key: str, issue: IssueConfig) -> None:
    _require(len(issue.options) >= 1, f"{key}.options", issue.options, "need >= 1 option")
    _require(
        len(set(issue.options)) == len(issue.options), f"{key}.options", issue.options, "unique"
    )
    _require(
        issue.status_quo in issue.options, f"{key}.status_quo", issue.status_quo, str(issue.options)
    )
    for opt, rate in issue.rates.items():
        _require(opt in issue.options, f"{key}.rates", opt, f"one of {issue.options}")
        _require(rate >= 0.0, f"{key}.rates.{opt}", rate, "must be >= 0")


def _validate_party(key: str, party: PartyConfig, sc: ScenarioConfig) -> None:
    _check_unit(f"{key}.reservation_value", party.reservation_value)
    spread = party.reservation_value_spread
    _require(0.0 <= spread <= 1.0, f"{key}.reservation_value_spread", spread, "must be in [0, 1]")
    for track, rv in party.track_reservation_values.items():
        _require(track in sc.tracks, f"{key}.track_reservation_values", track, str(list(sc.tracks)))
        _check_unit(f"{key}.track_reservation_values.{track}", rv)
    for iname, w in party.weights.items():
        _require(iname in sc.issues, f"{key}.weights", iname, f"unknown issue; {sorted(sc.issues)}")
        _require(math.isfinite(w) and w >= 0.0, f"{key}.weights.{iname}", w, "must be >= 0")
    for iname, issue in sc.issues.items():
        vals = party.values.get(iname)
        _require(vals is not None, f"{key}.values", iname, "every issue needs option values")
        assert vals is not None
        for opt in issue.options:
            _require(opt in vals, f"{key}.values.{iname}", opt, "every option needs a value")
            _check_unit(f"{key}.values.{iname}.{opt}", vals[opt])
        for opt in vals:
            _require(opt in issue.options, f"{key}.values.{iname}", opt, f"one of {issue.options}")


def validate_protocol(p: ProtocolConfig, sc: ScenarioConfig) -> None:
    """Check the protocol against the scenario."""
    _require(
        p.first_mover in sc.parties, "protocol.first_mover", p.first_mover, str(list(sc.parties))
    )
    _check_unit("protocol.suspension_hazard_per_week", p.suspension_hazard_per_week)
    _require(p.suspension_weeks >= 1, "protocol.suspension_weeks", p.suspension_weeks, ">= 1")


def validate_negotiators(negs: dict[str, NegotiatorConfig], sc: ScenarioConfig) -> None:
    """Check that every party has a valid strategy config."""
    for party in sc.parties:
        _require(party in negs, "negotiator", party, "every party needs a negotiator entry")
    for party, n in negs.items():
        key = f"negotiator.{party}"
        _require(party in sc.parties, key, party, f"unknown party; known: {sorted(sc.parties)}")
        if n.beta is not None:
            _require(math.isfinite(n.beta) and n.beta > 0, f"{key}.beta", n.beta, "must be > 0")
        elif n.strategy is StrategyName.time_dependent:
            raise ConfigError(f"{key}.beta", None, "time_dependent needs beta > 0 (or a preset)")
        _require(0.0 <= n.kappa < 1.0, f"{key}.kappa", n.kappa, "must be in [0, 1)")


def effective_beta(n: NegotiatorConfig) -> float:
    """The concession exponent a negotiator config resolves to."""
    if n.beta is not None:
        return n.beta
    return PRESET_BETA[n.strategy]

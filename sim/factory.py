"""Turn typed configs into domain objects, strategies and protocol settings.

Strategies and offer policies are looked up in explicit registries, so a renamed class fails at
import time, not in the middle of a sweep.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.agents.acceptance import AcceptanceCondition, ACCombi, ACConst, ACNext, ACTime
from sim.agents.base import Strategy
from sim.agents.frequency_model import FrequencyModelOffer
from sim.agents.hardliner import HardlinerStrategy
from sim.agents.offers import OfferPolicy as OfferPolicyFn
from sim.agents.offers import nearest_offer, pareto_offer
from sim.agents.rubinstein import RubinsteinStrategy
from sim.agents.time_dependent import TimeDependentStrategy
from sim.agents.tit_for_tat import TitForTatStrategy
from sim.config import (
    AcceptanceName,
    NegotiatorConfig,
    OfferPolicy,
    ProtocolConfig,
    RunConfig,
    ScenarioConfig,
    StrategyName,
    effective_beta,
    parse_date,
)
from sim.domain import CompiledScenario, Issue, Negotiator, Party, Scenario, Track, compile_scenario
from sim.model import ProtocolSettings

OFFER_POLICIES: dict[OfferPolicy, Callable[[NegotiatorConfig], OfferPolicyFn]] = {
    OfferPolicy.nearest: lambda cfg: nearest_offer,
    OfferPolicy.pareto: lambda cfg: pareto_offer,
    OfferPolicy.frequency_model: lambda cfg: FrequencyModelOffer(
        n_candidates=cfg.n_candidates, window=cfg.frequency_window
    ),
}

ACCEPTANCE_CONDITIONS: dict[AcceptanceName, Callable[[NegotiatorConfig], AcceptanceCondition]] = {
    AcceptanceName.ac_next: lambda cfg: ACNext(),
    AcceptanceName.ac_const: lambda cfg: ACConst(utility=float(cfg.acceptance_utility or 0.0)),
    AcceptanceName.ac_time: lambda cfg: ACTime(time=cfg.acceptance_time),
    AcceptanceName.ac_combi: lambda cfg: ACCombi(time=cfg.acceptance_time),
}


def offer_policy(cfg: NegotiatorConfig) -> OfferPolicyFn:
    """The offer policy a negotiator config selects."""
    return OFFER_POLICIES[cfg.offer_policy](cfg)


def acceptance_condition(cfg: NegotiatorConfig) -> AcceptanceCondition:
    """The acceptance condition a negotiator config selects."""
    return ACCEPTANCE_CONDITIONS[cfg.acceptance](cfg)


def _time_dependent(cfg: NegotiatorConfig) -> Strategy:
    return TimeDependentStrategy(
        beta=effective_beta(cfg),
        kappa=cfg.kappa,
        offer_policy=offer_policy(cfg),
        tactic=cfg.tactic.value,
        acceptance=acceptance_condition(cfg),
        discount=cfg.discount,
    )


def _tit_for_tat(cfg: NegotiatorConfig) -> Strategy:
    relative = cfg.strategy is StrategyName.relative_tit_for_tat
    return TitForTatStrategy(
        imitation="relative" if relative else "absolute",
        offer_policy=offer_policy(cfg),
        kappa=cfg.kappa,
        acceptance=acceptance_condition(cfg),
        discount=cfg.discount,
    )


def _hardliner(cfg: NegotiatorConfig) -> Strategy:
    return HardlinerStrategy(
        offer_policy=offer_policy(cfg),
        floor=cfg.floor,
        acceptance=acceptance_condition(cfg),
        discount=cfg.discount,
    )


def _rubinstein(cfg: NegotiatorConfig) -> Strategy:
    return RubinsteinStrategy(discount=cfg.discount)


STRATEGIES: dict[StrategyName, Callable[[NegotiatorConfig], Strategy]] = {
    StrategyName.time_dependent: _time_dependent,
    StrategyName.boulware: _time_dependent,
    StrategyName.linear: _time_dependent,
    StrategyName.conceder: _time_dependent,
    StrategyName.relative_tit_for_tat: _tit_for_tat,
    StrategyName.absolute_tit_for_tat: _tit_for_tat,
    StrategyName.hardliner: _hardliner,
    StrategyName.rubinstein: _rubinstein,
}


def resolve_tracks(sc: ScenarioConfig) -> tuple[Track, ...]:
    """Tracks with linkage applied: linked issues join their track and leave every other one.

    Tracks left with no issues are dropped.
    """
    linked = {i for t in sc.tracks.values() for i in t.linked_issues} if sc.linkage else set()
    tracks = []
    for name, t in sc.tracks.items():
        issues = [i for i in t.issues if i not in linked]
        if sc.linkage:
            issues += [i for i in t.linked_issues if i not in issues]
        if issues:
            tracks.append(Track(name=name, issues=tuple(issues)))
    return tuple(tracks)


def build_scenario(sc: ScenarioConfig) -> Scenario:
    """Build the domain scenario from its (validated) config."""
    issues = {
        name: Issue(
            name=name,
            options=tuple(i.options),
            status_quo=i.status_quo,
            kind=i.kind.value,
            rates=dict(i.rates),
        )
        for name, i in sc.issues.items()
    }
    parties = tuple(
        Party(
            name=key,
            display_name=p.name,
            weights=dict(p.weights),
            values={k: dict(v) for k, v in p.values.items()},
            reservation_value=p.reservation_value,
            reservation_value_spread=p.reservation_value_spread,
            track_reservation_values=dict(p.track_reservation_values),
        )
        for key, p in sc.parties.items()
    )
    negotiators = tuple(
        Negotiator(key=key, name=n.name, party=n.party, tracks=tuple(n.tracks))
        for key, n in sc.negotiators.items()
    )
    return Scenario(
        name=sc.name,
        start_date=parse_date("scenario.start_date", sc.start_date),
        deadline=parse_date("scenario.deadline", sc.deadline),
        parties=parties,
        issues=issues,
        tracks=resolve_tracks(sc),
        negotiators=negotiators,
    )


def build_protocol(p: ProtocolConfig, compiled: CompiledScenario) -> ProtocolSettings:
    """Protocol settings with party names resolved to indices."""
    return ProtocolSettings(
        first_mover=compiled.party_index(p.first_mover),
        suspension_hazard_per_week=p.suspension_hazard_per_week,
        suspension_weeks=p.suspension_weeks,
    )


def build_strategies(
    negotiators: dict[str, NegotiatorConfig], compiled: CompiledScenario
) -> dict[int, Strategy]:
    """One strategy object per party index."""
    return {
        compiled.party_index(party): STRATEGIES[cfg.strategy](cfg)
        for party, cfg in negotiators.items()
    }


def compile_run(cfg: RunConfig) -> CompiledScenario:
    """Build and compile the scenario of a run (done once per run)."""
    return compile_scenario(build_scenario(cfg.scenario))

"""Turn typed configs into domain objects, strategies and protocol settings.

Strategies and offer policies are looked up in explicit registries, so a renamed class fails at
import time, not in the middle of a sweep.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.actors import (
    Condition,
    Coordinator,
    EventKind,
    Leader,
    Politics,
    ScriptedEvent,
    ShockSettings,
    Stakeholder,
)
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
from sim.experiment import Experiment
from sim.model import ProtocolSettings
from sim.politics import CompiledPolitics, compile_politics

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


PACKAGE_TRACK = "package"


def resolve_tracks(sc: ScenarioConfig) -> tuple[Track, ...]:
    """Tracks with linkage applied: linked issues join their track and leave every other one.

    In package mode every negotiated issue forms one ``package`` track. Tracks left with no
    issues are dropped.
    """
    linked = {i for t in sc.tracks.values() for i in t.linked_issues} if sc.linkage else set()
    tracks = []
    for name, t in sc.tracks.items():
        issues = [i for i in t.issues if i not in linked]
        if sc.linkage:
            issues += [i for i in t.linked_issues if i not in issues]
        if issues:
            tracks.append(Track(name=name, issues=tuple(issues)))
    if sc.package_mode:
        everything = dict.fromkeys(i for t in tracks for i in t.issues)  # ordered, unique
        return (Track(name=PACKAGE_TRACK, issues=tuple(everything)),)
    return tuple(tracks)


def _negotiators(sc: ScenarioConfig) -> tuple[Negotiator, ...]:
    """Chief negotiators; in package mode each party's first-listed one leads the package."""
    if not sc.package_mode:
        return tuple(
            Negotiator(key=key, name=n.name, party=n.party, tracks=tuple(n.tracks))
            for key, n in sc.negotiators.items()
        )
    leads: dict[str, Negotiator] = {}
    for key, n in sc.negotiators.items():
        leads.setdefault(
            n.party, Negotiator(key=key, name=n.name, party=n.party, tracks=(PACKAGE_TRACK,))
        )
    return tuple(leads.values())


def build_politics(sc: ScenarioConfig, protocol: ProtocolConfig) -> Politics:
    """Leaders, stakeholders, coordinators, conditions and dated events as domain objects."""
    start = parse_date("scenario.start_date", sc.start_date)
    return Politics(
        conditions=tuple(
            Condition(name, c.initial_probability, c.weekly_hazard)
            for name, c in sc.conditions.items()
        ),
        requires={
            name: {opt: tuple(conds) for opt, conds in issue.requires.items()}
            for name, issue in sc.issues.items()
            if issue.requires
        },
        leaders=tuple(
            Leader(
                key=key,
                name=ld.name,
                party=ld.party,
                own_weight=ld.own_weight,
                threshold_premium=ld.ratification_threshold_premium,
                sharpness=ld.ratification_sharpness,
                suspension_hazard_per_week=ld.suspension_hazard_per_week,
                escalation_hazard_per_week=ld.escalation_hazard_per_week,
                directive_hazard_per_week=ld.directive_hazard_per_week,
            )
            for key, ld in sc.leaders.items()
        ),
        stakeholders=tuple(
            Stakeholder(
                key=key,
                name=st.name,
                party=st.party,
                influence=st.influence,
                stance=st.stance.value,
                pressure_per_week=st.pressure_per_week,
                weights=dict(st.weights),
                values={i: dict(v) for i, v in st.values.items() if i in st.weights},
            )
            for key, st in sc.stakeholders.items()
        ),
        coordinators=tuple(
            Coordinator(key=key, name=c.name, party=c.party, mandate_momentum=c.mandate_momentum)
            for key, c in sc.coordinators.items()
        ),
        events=tuple(
            ScriptedEvent(
                week=(parse_date("event.date", ev.date) - start).days // 7,
                kind=EventKind(ev.kind.value),
                party=ev.party,
                weeks=ev.weeks,
                tracks=tuple(PACKAGE_TRACK if sc.package_mode else t for t in ev.tracks),
            )
            for ev in sc.events
        ),
        shocks=ShockSettings(
            suspension_weeks=protocol.suspension_weeks,
            escalation_reservation_shift=protocol.escalation_reservation_shift,
            directive_time_boost=protocol.directive_time_boost,
            directive_weeks=protocol.directive_weeks,
            max_pressure_drift=protocol.max_pressure_drift,
            ratification=protocol.ratification,
        ),
    )


def build_scenario(sc: ScenarioConfig, protocol: ProtocolConfig) -> Scenario:
    """Build the domain scenario (with its political layer) from its validated config."""
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
    return Scenario(
        name=sc.name,
        start_date=parse_date("scenario.start_date", sc.start_date),
        deadline=parse_date("scenario.deadline", sc.deadline),
        parties=parties,
        issues=issues,
        tracks=resolve_tracks(sc),
        negotiators=_negotiators(sc),
        politics=build_politics(sc, protocol),
    )


def build_protocol(p: ProtocolConfig, compiled: CompiledScenario) -> ProtocolSettings:
    """Protocol settings with party names resolved to indices."""
    return ProtocolSettings(first_mover=compiled.party_index(p.first_mover))


def build_strategies(
    negotiators: dict[str, NegotiatorConfig], compiled: CompiledScenario
) -> dict[int, Strategy]:
    """One strategy object per party index."""
    return {
        compiled.party_index(party): STRATEGIES[cfg.strategy](cfg)
        for party, cfg in negotiators.items()
    }


def compile_run(cfg: RunConfig) -> tuple[CompiledScenario, CompiledPolitics]:
    """Build and compile the scenario and its political layer (done once per run)."""
    compiled = compile_scenario(build_scenario(cfg.scenario, cfg.protocol))
    return compiled, compile_politics(compiled)


def build_experiment(cfg: RunConfig) -> Experiment:
    """Compile the scenario and build everything a replicate needs (once per run)."""
    compiled, politics = compile_run(cfg)
    return Experiment(
        compiled=compiled,
        politics=politics,
        protocol=build_protocol(cfg.protocol, compiled),
        strategies=build_strategies(cfg.negotiator, compiled),
        seed=cfg.seed,
    )

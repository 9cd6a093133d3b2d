"""The strategy registry: a strategy name in YAML -> the object that plays it.

Adding a strategy is one new module under ``sim/agents/strategies/`` (a class with ``propose`` and
``respond``, see :class:`~sim.agents.strategies.base.Strategy`) plus one line in
:data:`STRATEGIES` below; ``docs/architecture.md`` walks through an example. Offer policies and
acceptance conditions are looked up the same way, so a renamed class fails at import time, not in
the middle of a sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from sim.agents.strategies.acceptance import AcceptanceCondition, ACCombi, ACConst, ACNext, ACTime
from sim.agents.strategies.anticipation import ExpectedUtilityOffer
from sim.agents.strategies.base import Strategy
from sim.agents.strategies.bayesian import BayesianLearnerStrategy
from sim.agents.strategies.frequency_model import FrequencyModelOffer
from sim.agents.strategies.hardliner import HardlinerStrategy
from sim.agents.strategies.offers import OfferPolicy as OfferPolicyFn
from sim.agents.strategies.offers import nearest_offer, pareto_offer
from sim.agents.strategies.rubinstein import RubinsteinStrategy
from sim.agents.strategies.time_dependent import TimeDependentStrategy
from sim.agents.strategies.tit_for_tat import TitForTatStrategy
from sim.config.schema import AcceptanceName, NegotiatorConfig, OfferPolicy

#: Presets of the time-dependent family fix their own beta (they ignore ``beta``).
PRESET_BETA: dict[str, float] = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}

OFFER_POLICIES: dict[OfferPolicy, Callable[[NegotiatorConfig], OfferPolicyFn]] = {
    OfferPolicy.nearest: lambda cfg: nearest_offer,
    OfferPolicy.pareto: lambda cfg: pareto_offer,
    OfferPolicy.frequency_model: lambda cfg: FrequencyModelOffer(
        n_candidates=cfg.n_candidates, window=cfg.frequency_window
    ),
    OfferPolicy.expected_utility: lambda cfg: ExpectedUtilityOffer(),
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


def effective_beta(cfg: NegotiatorConfig) -> float:
    """The concession exponent a negotiator config resolves to (presets fix their own)."""
    if cfg.strategy in PRESET_BETA:
        return PRESET_BETA[cfg.strategy]
    assert cfg.beta is not None, "validated: time_dependent needs beta"
    return cfg.beta


def _time_dependent(cfg: NegotiatorConfig) -> Strategy:
    return TimeDependentStrategy(
        beta=effective_beta(cfg),
        kappa=cfg.kappa,
        offer_policy=offer_policy(cfg),
        tactic=cfg.tactic.value,
        acceptance=acceptance_condition(cfg),
        discount=cfg.discount,
    )


def _bayesian(cfg: NegotiatorConfig) -> Strategy:
    return BayesianLearnerStrategy(
        beta=effective_beta(cfg),
        kappa=cfg.kappa,
        offer_policy=offer_policy(cfg),
        acceptance=acceptance_condition(cfg),
        discount=cfg.discount,
        window=cfg.belief_window,
        noise=cfg.belief_noise,
    )


def _tit_for_tat(
    imitation: Literal["relative", "absolute"],
) -> Callable[[NegotiatorConfig], Strategy]:
    def build(cfg: NegotiatorConfig) -> Strategy:
        return TitForTatStrategy(
            imitation=imitation,
            offer_policy=offer_policy(cfg),
            kappa=cfg.kappa,
            acceptance=acceptance_condition(cfg),
            discount=cfg.discount,
        )

    return build


def _hardliner(cfg: NegotiatorConfig) -> Strategy:
    return HardlinerStrategy(
        offer_policy=offer_policy(cfg),
        floor=cfg.floor,
        acceptance=acceptance_condition(cfg),
        discount=cfg.discount,
    )


#: Strategy name (``negotiator.<party>.strategy``) -> builder from the party's negotiator config.
STRATEGIES: dict[str, Callable[[NegotiatorConfig], Strategy]] = {
    "time_dependent": _time_dependent,
    "boulware": _time_dependent,
    "linear": _time_dependent,
    "conceder": _time_dependent,
    "relative_tit_for_tat": _tit_for_tat("relative"),
    "tit_for_tat": _tit_for_tat("relative"),
    "absolute_tit_for_tat": _tit_for_tat("absolute"),
    "hardliner": _hardliner,
    "rubinstein": lambda cfg: RubinsteinStrategy(discount=cfg.discount),
    "bayesian": _bayesian,
}


def build_strategy(cfg: NegotiatorConfig) -> Strategy:
    """The strategy object a (validated) negotiator config names."""
    return STRATEGIES[cfg.strategy](cfg)

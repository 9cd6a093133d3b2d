"""The strategy registry (:mod:`sim.config.strategies`): names, presets, parameters."""

from __future__ import annotations

import pytest

from sim.agents.strategies.acceptance import ACCombi, ACConst
from sim.agents.strategies.frequency_model import FrequencyModelOffer
from sim.agents.strategies.hardliner import HardlinerStrategy
from sim.agents.strategies.rubinstein import RubinsteinStrategy
from sim.agents.strategies.time_dependent import TimeDependentStrategy
from sim.agents.strategies.tit_for_tat import TitForTatStrategy
from sim.config.schema import OfferPolicy
from sim.config.strategies import STRATEGIES
from sim.runs.experiment import run_replicates
from tests.conftest import (
    compose_run_config,
    experiment_for,
)

EXPECTED_TYPES = {
    "time_dependent": TimeDependentStrategy,
    "boulware": TimeDependentStrategy,
    "linear": TimeDependentStrategy,
    "conceder": TimeDependentStrategy,
    "relative_tit_for_tat": TitForTatStrategy,
    "absolute_tit_for_tat": TitForTatStrategy,
    "hardliner": HardlinerStrategy,
    "rubinstein": RubinsteinStrategy,
    "tit_for_tat": TitForTatStrategy,
}


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_strategy_is_selectable_by_name_and_runs(name):
    overrides = [
        f"negotiator.canada.strategy={name}",
        "negotiator.canada.beta=0.5",
        "negotiator.canada.discount=0.99",
        "n_replicates=20",
    ]
    cfg = compose_run_config(overrides)
    exp = experiment_for(cfg)
    strategy = exp.strategies["canada"]
    # the built-in names map to their classes; a newly registered one need only play
    assert type(strategy) is EXPECTED_TYPES.get(name, type(strategy))
    assert callable(strategy.propose) and callable(strategy.respond)
    out = run_replicates(exp, 20, 20)
    assert len(out) == 20 * len(exp.compiled.tracks)


def test_config_selects_tactic_policy_and_acceptance():
    cfg = compose_run_config(
        [
            "negotiator.canada.tactic=exponential",
            "negotiator.canada.kappa=0.05",
            "negotiator.canada.offer_policy=frequency_model",
            "negotiator.canada.n_candidates=16",
            "negotiator.canada.acceptance=ac_combi",
            "negotiator.canada.acceptance_time=0.8",
            "negotiator.united_states.acceptance=ac_const",
            "negotiator.united_states.acceptance_utility=0.7",
        ]
    )
    strategies = experiment_for(cfg).strategies
    ca, us = strategies["canada"], strategies["united_states"]
    assert ca.tactic == "exponential" and ca.kappa == 0.05
    assert ca.offer_policy == FrequencyModelOffer(n_candidates=16, window=0.1)
    assert ca.acceptance == ACCombi(time=0.8)
    assert us.acceptance == ACConst(utility=0.7)


def test_preset_strategies_resolve_beta(cfg):
    cfg.negotiator["canada"].strategy = "conceder"
    cfg.negotiator["canada"].beta = None
    cfg.negotiator["canada"].offer_policy = OfferPolicy.nearest
    exp = experiment_for(cfg)
    assert exp.strategies["canada"].beta == 5.0

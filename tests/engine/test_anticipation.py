"""Anticipating ratification in the full model: Schelling's tied hands pay in expectation."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from sim.runs.experiment import run_replicates
from tests.conftest import compose_run_config, experiment_for

SMALL = ["n_replicates=300", "batch_size=300", "progress=false"]
PREMIUM = "scenario.leaders.carney.ratification_threshold_premium"
#: Both sides anticipate ratification (opt-in: the default offer policy is ``pareto``).
ANTICIPATE = [f"negotiator.{p}.offer_policy=expected_utility" for p in ("canada", "united_states")]


def _metals(overrides: list[str]) -> pd.DataFrame:
    return _metals_run(tuple(overrides))


@cache  # the two tests share the anticipating runs
def _metals_run(overrides: tuple[str, ...]) -> pd.DataFrame:
    cfg = compose_run_config([*SMALL, *overrides])
    outcomes = run_replicates(experiment_for(cfg), cfg.n_replicates, cfg.batch_size, 1)
    return outcomes[outcomes.track == "steel_aluminum"].reset_index(drop=True)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_tied_hands_raise_canadas_expected_utility_when_offers_anticipate() -> None:
    """Carney's premium 0 -> 0.3 (paired seeds): Canada gains in expectation, the U.S. loses."""
    loose, tied = _metals([*ANTICIPATE, f"{PREMIUM}=0"]), _metals([*ANTICIPATE, f"{PREMIUM}=0.3"])
    gain = tied.utility_canada - loose.utility_canada  # no deal counts at the status quo
    assert gain.mean() > 0
    assert (tied.utility_united_states - loose.utility_united_states).mean() < 0


@pytest.mark.slow  # four more runs; the fast version is the test above
def test_without_anticipation_tied_hands_do_not_pay_as_much() -> None:
    """The same premium helps Canada less when offers ignore P_deal (gains come from failures)."""
    blind = [f"negotiator.{p}.offer_policy=pareto" for p in ("canada", "united_states")]
    anticipating = (
        _metals([*ANTICIPATE, f"{PREMIUM}=0.3"]).utility_canada
        - _metals([*ANTICIPATE, f"{PREMIUM}=0"]).utility_canada
    )
    ignoring = (
        _metals([*blind, f"{PREMIUM}=0.3"]).utility_canada
        - _metals([*blind, f"{PREMIUM}=0"]).utility_canada
    )
    assert anticipating.mean() > ignoring.mean()

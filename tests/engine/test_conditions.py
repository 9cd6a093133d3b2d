"""Conditions (a private sponsor, Indigenous buy-in, ...) gate the conditional options."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.runs.experiment import build_experiment, run_replicates
from tests.conftest import compose_run_config

CONDITIONS = ("private_sponsor", "indigenous_buy_in", "climate_measures", "carbon_capture")


def outcomes(*overrides: str, n: int = 1000) -> pd.DataFrame:
    cfg = compose_run_config(["progress=false", *overrides])
    return run_replicates(build_experiment(cfg), n, n)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_without_a_private_sponsor_the_pipeline_is_never_agreed():
    out = outcomes(
        "scenario.conditions.private_sponsor.initial_probability=0.0",
        "scenario.conditions.private_sponsor.weekly_hazard=0.0",
    )
    assert (out["option_west_coast_pipeline"].dropna() == "no").all()
    assert out["condition_week_private_sponsor"].isna().all()


def test_conditions_that_hold_make_the_conditional_option_reachable():
    out = outcomes(*(f"scenario.conditions.{c}.initial_probability=1.0" for c in CONDITIONS))
    energy = out[out["track"] == "energy"]
    assert (energy["option_west_coast_pipeline"] == "approve_with_conditions").any()
    assert (out["condition_week_carbon_capture"] == 0).all()


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_conditional_options_are_agreed_only_once_their_conditions_hold():
    out = outcomes(*(f"scenario.conditions.{c}.weekly_hazard=0.05" for c in CONDITIONS), n=3000)
    energy = out[(out["track"] == "energy") & out["agreed"]]
    pipeline = energy[energy["option_west_coast_pipeline"] == "approve_with_conditions"]
    tanker = energy[energy["option_tanker_ban"] == "lift_with_ccs"]
    assert len(pipeline) > 0 and len(tanker) > 0  # the options are reachable at all
    for cond in ("private_sponsor", "indigenous_buy_in", "climate_measures"):
        held = pipeline[f"condition_week_{cond}"]
        assert (held.notna() & (held <= pipeline["agreement_week"])).all(), cond
    held = tanker["condition_week_carbon_capture"]
    assert (held.notna() & (held <= tanker["agreement_week"])).all()

"""Adaptive replication (:mod:`sim.runs.adaptive`): stops at the target precision or the cap."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from sim.analysis.likelihood import deal_likelihoods
from sim.config.schema import RunConfig
from sim.config.validation import validate_run as validate
from sim.runs.adaptive import half_widths, run_adaptive
from sim.runs.execute import simulate_run
from sim.runs.experiment import build_experiment, run_replicates
from tests.conftest import compose_run_config


@pytest.fixture(scope="module")
def base_cfg() -> RunConfig:
    return compose_run_config(["progress=false"])


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_adaptive_run_equals_a_fixed_run_of_the_same_size(base_cfg: RunConfig) -> None:
    cfg = dataclasses.replace(
        base_cfg, n_replicates=100, batch_size=64, precision=0.05, max_replicates=3000
    )
    validate(cfg)
    experiment = build_experiment(cfg)
    outcomes, report = run_adaptive(experiment, cfg)
    assert report.is_reached and report.rounds >= 2
    assert report.totals[0] == 100 and list(report.totals) == sorted(set(report.totals))
    assert (half_widths(deal_likelihoods(outcomes)) <= 0.05).all()
    # one round fewer would not have been enough
    previous = outcomes[outcomes["replicate"] < report.totals[-2]]
    assert (half_widths(deal_likelihoods(previous)) > 0.05).any()
    fixed = run_replicates(experiment, report.n_replicates, batch_size=500)
    pd.testing.assert_frame_equal(outcomes.reset_index(drop=True), fixed)


def test_adaptive_run_stops_at_the_cap(base_cfg: RunConfig) -> None:
    cfg = dataclasses.replace(
        base_cfg, n_replicates=100, batch_size=100, precision=0.001, max_replicates=250
    )
    outcomes, report = run_adaptive(build_experiment(cfg), cfg)
    assert not report.is_reached
    assert report.n_replicates == 250 and outcomes["replicate"].nunique() == 250
    assert report.totals == (100, 250)  # the projection jumps straight to the cap
    assert "stopped at max_replicates=250" in report.describe()


def test_an_adaptive_run_reports_its_rounds_in_the_summary(base_cfg: RunConfig) -> None:
    cfg = dataclasses.replace(
        base_cfg, n_replicates=100, batch_size=100, precision=0.04, max_replicates=5000
    )
    validate(cfg)
    run = simulate_run(cfg)
    adaptive, n = run.summary["adaptive"], run.summary["n_replicates"]
    assert adaptive["is_reached"] is True
    assert n == adaptive["n_replicates"] == adaptive["totals"][-1] and 100 < n < 5000
    assert adaptive["rounds"] == len(adaptive["totals"]) >= 2
    widths = [(r["ci_high"] - r["ci_low"]) / 2 for r in run.summary["deal_likelihood"]]
    assert max(widths) <= 0.04
    assert sorted(run.outcomes["replicate"].unique()) == list(range(n))
    assert f"adaptive replication: {n:,} replicates" in run.adaptive.describe()

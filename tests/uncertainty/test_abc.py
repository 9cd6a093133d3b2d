"""ABC: rejection and SMC through the same code as the model, SBC coverage, bad inputs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from sim.config.errors import ConfigError
from sim.uncertainty.abc import accept, posterior_table, rejection_abc, smc_abc
from sim.uncertainty.priors import build_prior_set

KEY = "scenario.review.end_probability"
TRIALS = 40


@dataclass
class BinomialSimulator:
    """s(θ) = share of successes in TRIALS Bernoulli(θ) trials (one random stream per run)."""

    seed: int
    rng: np.random.Generator = field(init=False)

    def __post_init__(self):
        # a stream of its own: sharing the prior draws' seed would tie s to θ's own uniform
        self.rng = np.random.default_rng([self.seed, 99])

    def __call__(self, values):
        return {"s": float(self.rng.binomial(TRIALS, values[0]) / TRIALS)}


def distance_to(observed):
    return lambda stats: np.abs(stats["s"].to_numpy() - observed)


def sbc_coverage(n_datasets: int, n_draws: int, quantile: float, levels=(0.5, 0.9)):
    """Share of datasets whose central posterior intervals hold the true θ (Talts et al. 2018)."""
    priors = build_prior_set([], {KEY: "uniform(0, 1)"})
    hits = {level: 0 for level in levels}
    for seed in range(n_datasets):
        rng = np.random.default_rng(10_000 + seed)
        truth = float(priors.sample(1, rng)[0, 0])
        observed = rng.binomial(TRIALS, truth) / TRIALS
        result = rejection_abc(
            BinomialSimulator(seed),
            priors,
            distance_to(observed),
            n_draws=n_draws,
            quantile=quantile,
            seed=seed,
        )
        post = result.posterior[:, 0]
        for level in levels:
            low, high = np.quantile(post, [(1 - level) / 2, (1 + level) / 2])
            hits[level] += int(low <= truth <= high)
    return {level: hits[level] / n_datasets for level in levels}


def test_sbc_posterior_intervals_cover_the_truth_at_their_nominal_rate():
    coverage = sbc_coverage(n_datasets=120, n_draws=800, quantile=0.05)
    # binomial sd of a coverage share over 120 datasets is about 0.045 at 0.5, 0.03 at 0.9
    assert 0.35 <= coverage[0.5] <= 0.65
    assert 0.8 <= coverage[0.9] <= 0.98


@pytest.mark.slow
def test_sbc_coverage_over_many_datasets():
    coverage = sbc_coverage(n_datasets=600, n_draws=2000, quantile=0.02)
    assert 0.44 <= coverage[0.5] <= 0.56
    assert 0.86 <= coverage[0.9] <= 0.94


def test_rejection_keeps_the_quantile_and_shrinks_the_posterior():
    priors = build_prior_set([], {KEY: "uniform(0, 1)"})
    result = rejection_abc(
        BinomialSimulator(1), priors, distance_to(0.8), n_draws=1000, quantile=0.1, seed=2
    )
    assert result.acceptance_rate == pytest.approx(0.1, abs=0.02)
    table = posterior_table(priors, result.posterior)
    assert table.loc[0, "shrinkage"] > 0.5
    assert table.loc[0, "posterior_low"] < 0.8 < table.loc[0, "posterior_high"]


@pytest.mark.slow  # importing pyabc alone takes about 10 s (scikit-learn, its plotting)
def test_abc_smc_with_pyabc_narrows_on_the_truth(tmp_path):
    priors = build_prior_set([], {KEY: "uniform(0, 1)"})
    values, weights, pops = smc_abc(
        BinomialSimulator(3),
        priors,
        {"s": 0.25},
        tmp_path / "abc.db",
        population_size=100,
        max_populations=3,
        seed=4,
    )
    assert (tmp_path / "abc.db").is_file()
    mean = float(np.average(values[:, 0], weights=weights))
    assert abs(mean - 0.25) < 0.1
    assert pops["epsilon"].is_monotonic_decreasing
    assert np.std(values[:, 0]) < np.sqrt(1 / 12) / 2


@pytest.mark.parametrize(("q", "ok"), [(0.0, False), (1.5, False), (1.0, True)])
def test_acceptance_quantile_must_be_a_share(q, ok):
    if ok:
        assert accept(np.array([0.3, 0.1, 0.2]), q)[1].size == 3
    else:
        with pytest.raises(ConfigError, match=r"abc\.quantile"):
            accept(np.array([0.1]), q)


def test_posterior_table_has_a_row_per_parameter():
    priors = build_prior_set([], {KEY: "uniform(0, 1)", "seed": "uniform(0, 10)"})
    table = posterior_table(priors, np.column_stack([np.full(5, 0.5), np.arange(5.0)]))
    assert list(table["parameter"]) == [KEY, "seed"]
    assert isinstance(table, pd.DataFrame)

"""Reproducibility (:mod:`sim.runs.experiment`): a replicate is independent of batch and worker."""

import pandas as pd
import pytest

from sim.runs.experiment import run_one_replicate, run_replicates
from tests.conftest import experiment_for

N = 90


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_same_seed_same_table_across_batch_sizes_and_workers(cfg):
    exp = experiment_for(cfg)
    a = run_replicates(exp, N, batch_size=N, n_workers=1)
    b = run_replicates(exp, N, batch_size=37, n_workers=1)
    c = run_replicates(exp, N, batch_size=20, n_workers=2)
    d = run_replicates(exp, N, batch_size=1, n_workers=1)  # each replicate stops on its own
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    pd.testing.assert_frame_equal(a, d)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_replicate_alone_reproduces_its_row_in_a_large_run(cfg):
    exp = experiment_for(cfg)
    full = run_replicates(exp, 300, batch_size=128)
    for i in (0, 137, 299):
        alone = run_one_replicate(exp, i).reset_index(drop=True)
        expected = full[full["replicate"] == i].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, expected)


def test_different_seeds_differ(cfg):
    a = run_replicates(experiment_for(cfg), N, N)
    cfg.seed = cfg.seed + 1
    b = run_replicates(experiment_for(cfg), N, N)
    assert not a["reservation_canada"].equals(b["reservation_canada"])
    assert (a["seed"] != b["seed"]).all()

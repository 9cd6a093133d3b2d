"""Reproducibility (:mod:`sim.runs.experiment`): a replicate is independent of batch and worker."""

import numpy as np
import pandas as pd
import pytest

from sim.runs.experiment import plan_batches, run_one_replicate, run_replicates
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


def test_a_finished_batch_holds_no_arrays_until_the_cyclic_collector_runs(cfg):
    """The model and its agents reference each other; a batch's arrays must go with the batch."""
    import gc
    import weakref

    import numpy as np

    experiment = experiment_for(cfg)
    states = []
    build = experiment.model

    def spying(replicates):
        model = build(replicates)
        states.append(weakref.ref(model.state))
        return model

    object.__setattr__(experiment, "model", spying)
    gc.disable()  # as when the collector has not got round to the batch yet
    try:
        columns = experiment.simulate(np.arange(20, dtype=np.int64))
        assert states and states[0]() is None
    finally:
        gc.enable()
    assert columns["replicate"].size == 20 * len(experiment.compiled.tracks)


@pytest.mark.parametrize(
    ("n_replicates", "batch_size", "n_workers"),
    [(100_000, 20_000, 2), (10_000, 20_000, 2), (1_000_003, 20_000, 3), (7, 20_000, 4)],
)
def test_workers_get_equal_shares_of_batches_as_large_as_allowed(
    n_replicates, batch_size, n_workers
):
    batches = plan_batches(n_replicates, batch_size, n_workers, first=5)
    np.testing.assert_array_equal(np.concatenate(batches), np.arange(5, 5 + n_replicates))
    sizes = [b.size for b in batches]
    assert max(sizes) <= batch_size
    assert len(batches) % n_workers == 0 or n_replicates < n_workers
    # as large as the equal shares allow: one batch fewer per worker would exceed batch_size
    rounds = len(batches) // max(n_workers, 1)
    assert rounds <= 1 or n_replicates > n_workers * (rounds - 1) * batch_size

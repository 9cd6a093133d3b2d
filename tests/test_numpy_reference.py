"""The plain-numpy reference of workload 2 reproduces the engine's outcomes exactly.

benchmarks/numpy_reference.py is the speed yardstick of ``make bench``; a ratio is only meaningful
if both programs compute the same thing, replicate for replicate.
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.eight_issue import eight_issue_experiment
from benchmarks.numpy_reference import (
    bench_reference,
    check_identical,
    negotiate,
    negotiate_batched,
    workload,
)
from sim.runs.experiment import run_replicates


@pytest.fixture(scope="module")
def setup():
    return eight_issue_experiment()


def test_reference_gives_the_engines_outcomes_on_a_small_batch(setup):
    _, experiment = setup
    n = 300
    engine = run_replicates(experiment, n, 100, 1)
    reference = negotiate(workload(experiment), np.arange(n, dtype=np.int64))
    assert check_identical(reference, engine) == []
    assert reference.agreed.any()  # a workload where deals happen, in various weeks
    assert np.unique(reference.week[reference.agreed]).size > 1


def test_reference_does_not_depend_on_its_batching(setup):
    w = workload(setup[1])
    whole = negotiate(w, np.arange(120, dtype=np.int64))
    batched = negotiate_batched(w, 120, 7)
    for name in ("agreed", "week", "outcome"):
        np.testing.assert_array_equal(getattr(whole, name), getattr(batched, name))


def test_a_different_result_is_reported(setup):
    _, experiment = setup
    engine = run_replicates(experiment, 50, 50, 1)
    reference = negotiate(workload(experiment), np.arange(50, dtype=np.int64))
    reference.outcome[3] = (reference.outcome[3] + 1) % 46_656
    problems = check_identical(reference, engine)
    assert len(problems) == 1 and "outcome" in problems[0] and "replicate 3" in problems[0]


def test_bench_record_reports_the_ratio_of_identical_runs(setup):
    rec = bench_reference(60, repeats=1, setup=setup)
    assert rec["identical"] and rec["differences"] == []
    assert rec["ratio_best"] == pytest.approx(rec["engine_rate_best"] / rec["reference_rate_best"])


def test_reference_refuses_another_workload():
    _, experiment = eight_issue_experiment(["negotiator.canada.strategy=linear"])
    with pytest.raises(ValueError, match="workload 2 only"):
        workload(experiment)

"""Workload 4b: parallel efficiency (speed-up / workers) of 1 vs 2 worker processes.

End to end, ``run_replicates`` with ``n_workers=2`` pays a fixed cost per run (spawning workers
that import numpy, pandas and Mesa, shipping the experiment) and builds the outcome table in the
parent. :func:`bench_warm_pool` separates that from the compute: it starts the pool first and
times only the batches, the same work as the one-worker ``simulate`` loop it is compared with.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from benchmarks.common import Record, n_cores, rate_record, time_repeats
from sim.runs.experiment import Experiment, plan_batches

_EXPERIMENT: Experiment | None = None


def _init(experiment: Experiment) -> None:
    global _EXPERIMENT
    _EXPERIMENT = experiment


def _simulate(replicates: np.ndarray) -> int:
    assert _EXPERIMENT is not None
    cols = _EXPERIMENT.simulate(replicates)
    return int(cols["replicate"].size)


def _warm(replicates: np.ndarray) -> int:
    """Simulate a few replicates, then hold the worker briefly so its siblings get work too."""
    _simulate(replicates)
    time.sleep(0.2)
    return os.getpid()


def _start_all(pool: ProcessPoolExecutor, n_workers: int, warm_batch: np.ndarray) -> list[int]:
    """Return the worker pids once every worker has imported the engine and simulated a batch."""
    seen: set[int] = set()
    for _ in range(50):
        seen |= set(pool.map(_warm, [warm_batch] * n_workers))
        if len(seen) >= n_workers:
            return sorted(seen)
    raise RuntimeError(f"only {len(seen)} of {n_workers} workers started")


def parallel_efficiency(one: Record, many: Record, name: str = "") -> Record:
    """Speed-up and efficiency (speed-up / workers) from two runs of the same size."""
    if one["n"] != many["n"] or one["n_workers"] != 1:
        raise ValueError("need a one-worker record and a multi-worker record of the same size")
    workers = many["n_workers"]
    # cores left for us while other processes on the machine kept some busy
    available = min(float(workers), max(n_cores() - many["other_cores_at_best"], 1.0))
    speedup_best = many["rate_best"] / one["rate_best"]
    speedup_median = many["rate_median"] / one["rate_median"]
    return {
        "workload": f"parallel_{name or one['workload']}",
        "n": one["n"],
        "unit": "efficiency",
        "n_workers": workers,
        "speedup_best": speedup_best,
        "speedup_median": speedup_median,
        "efficiency_best": speedup_best / workers,
        "efficiency_median": speedup_median / workers,
        "available_cores": available,
        "efficiency_available": speedup_best / available,
        "other_cores_at_best": many["other_cores_at_best"],
        "other_cores_median": many["other_cores_median"],
    }


def bench_warm_pool(
    name: str,
    experiment: Experiment,
    n_replicates: int,
    batch_size: int,
    n_workers: int,
    repeats: int = 3,
) -> tuple[Record, Record, Record]:
    """Simulation-only throughput on 1 process and on a started pool of ``n_workers``.

    Both sides simulate the same batches (``plan_batches`` for ``n_workers``) and skip the
    outcome table, so the ratio is the compute's parallel efficiency without start-up costs.

    Returns:
        The one-process record, the pool record and their efficiency record.
    """
    batches = plan_batches(n_replicates, batch_size, n_workers)
    experiment.simulate(batches[0][:50])  # warm-up

    def serial() -> int:
        return sum(int(experiment.simulate(b)["replicate"].size) for b in batches)

    one = rate_record(
        f"{name}_simulate", n_replicates, "replicates", time_repeats(serial, repeats), n_workers=1
    )
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(
        n_workers, mp_context=ctx, initializer=_init, initargs=(experiment,)
    ) as pool:
        pids = _start_all(pool, n_workers, batches[0][:50])
        timing = time_repeats(lambda: sum(pool.map(_simulate, batches)), repeats, pids)
    many = rate_record(f"{name}_simulate", n_replicates, "replicates", timing, n_workers=n_workers)
    eff = parallel_efficiency(one, many, f"warm_pool_{name}")
    return one, many, eff

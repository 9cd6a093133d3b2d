"""Workload 7: a 64-point design on a loopback Dask cluster, 2 workers against 1 (issue 17).

A design of 64 sweep points (``sim.sweep`` over 16 seeds x 2 linkage settings x 2 US
strategies, ``n_replicates`` each) runs through :func:`sim.runs.backends.map_points` on a Dask
``LocalCluster`` bound to 127.0.0.1, first with one worker process, then with two. Parallel
efficiency = t(1 worker) / (2 x t(2 workers)); the two tables must be identical (the same seeds
give the same random numbers wherever a point runs). Both clusters are started, warmed up with
one point, timed, and stopped; cluster start-up is not timed.

By hand: ``python -m benchmarks.cluster_design [--points 64] [--replicates 500]``.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import pandas as pd

from benchmarks.common import Record

STRATEGIES = ("boulware", "conceder")


def design(n_points: int) -> dict[str, list[Any]]:
    """A grid of ``n_points`` points (a multiple of 4): seeds x linkage x US strategy."""
    return {
        "seed": list(range(1, n_points // 4 + 1)),
        "scenario.linkage": [True, False],
        "negotiator.united_states.strategy": list(STRATEGIES),
    }


def _timed_sweep(
    n_workers: int, grid: dict[str, list[Any]], n_replicates: int
) -> tuple[float, pd.DataFrame]:
    from distributed import LocalCluster

    import sim

    with LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        address = str(cluster.scheduler_address)
        warm = {k: v[:1] for k, v in grid.items()}
        sim.sweep(warm, n_replicates=50, address=address)  # workers import the stack once
        started = time.perf_counter()
        table = sim.sweep(grid, n_replicates=n_replicates, address=address)
        return time.perf_counter() - started, table


def cluster_efficiency(n_points: int = 64, n_replicates: int = 500) -> Record:
    """Wall time of the design on 1 and 2 loopback workers, and the parallel efficiency."""
    grid = design(n_points)
    t1, one = _timed_sweep(1, grid, n_replicates)
    t2, two = _timed_sweep(2, grid, n_replicates)
    return {
        "workload": "dask_loopback_design",
        "n_points": n_points,
        "n_replicates": n_replicates,
        "wall_s_1_worker": t1,
        "wall_s_2_workers": t2,
        "efficiency": t1 / (2 * t2),
        "identical": bool(one.equals(two)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="64-point design on a loopback Dask cluster")
    parser.add_argument("--points", type=int, default=64)
    parser.add_argument("--replicates", type=int, default=500)
    args = parser.parse_args(argv)
    print(json.dumps(cluster_efficiency(args.points, args.replicates)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

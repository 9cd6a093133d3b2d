"""Workload 2: the NegMAS-comparable 8-issue negotiation (conf/scenario/bench_8issue.yaml).

One track of 46,656 outcomes, 52 weekly rounds, Conceder (beta 5, Canada) against Boulware
(beta 0.2, the United States, first mover), reservation values uniform on [0.3, 0.5] per replicate,
no suspensions. Each replicate is one negotiation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from benchmarks.common import (
    EIGHT_ISSUE_OVERRIDES,
    Record,
    Timing,
    experiment_for,
    rate_record,
    time_repeats,
    weeks_stepped,
)
from sim.runs.experiment import Experiment, run_replicates

WORKLOAD = "eight_issue"


def eight_issue_experiment(extra_overrides: Sequence[str] = ()) -> tuple[int, Experiment]:
    """Batch size and compiled experiment of workload 2 (plus optional overrides)."""
    cfg, experiment = experiment_for([*EIGHT_ISSUE_OVERRIDES, *extra_overrides])
    return cfg.batch_size, experiment


def eight_issue_record(
    timing: Timing,
    setup: tuple[int, Experiment],
    n_replicates: int,
    n_workers: int = 1,
    workload: str = WORKLOAD,
) -> Record:
    """The record of timed ``run_replicates`` calls (``timing[1]`` is the last outcome table)."""
    batch_size, experiment = setup
    frame = timing[1]
    n_weeks = experiment.compiled.n_weeks
    agreed = frame["agreed"].to_numpy()
    week = frame["agreement_week"].to_numpy(dtype=np.float64, na_value=np.nan)
    stepped = (
        weeks_stepped(np.nan_to_num(week, nan=n_weeks - 1), agreed, n_weeks, batch_size)
        if n_workers == 1
        else float("nan")
    )
    return rate_record(
        workload,
        n_replicates,
        "negotiations",
        timing,
        n_workers=n_workers,
        batch_size=batch_size,
        n_outcomes=experiment.compiled.tracks[0].n_outcomes,
        n_weeks=n_weeks,
        weeks_stepped=stepped,
        deal_rate=float(agreed.mean()),
        mean_agreement_week=float(np.nanmean(week)) if agreed.any() else float("nan"),
        mean_utility_canada=float(frame["utility_canada"].mean()),
        mean_utility_united_states=float(frame["utility_united_states"].mean()),
    )


def runner(
    setup: tuple[int, Experiment], n_replicates: int, n_workers: int = 1
) -> Callable[[], Any]:
    """A warmed-up closure that runs the workload once and returns the outcome table."""
    batch_size, experiment = setup
    run_replicates(experiment, min(n_replicates, 200), batch_size, 1)  # warm-up (first-call costs)
    return lambda: run_replicates(experiment, n_replicates, batch_size, n_workers)


def bench_eight_issue(
    n_replicates: int,
    n_workers: int = 1,
    repeats: int = 3,
    setup: tuple[int, Experiment] | None = None,
    workload: str = WORKLOAD,
) -> Record:
    """Negotiations per second of ``run_replicates`` on the 8-issue workload."""
    setup = setup or eight_issue_experiment()
    timing = time_repeats(runner(setup, n_replicates, n_workers), repeats)
    return eight_issue_record(timing, setup, n_replicates, n_workers, workload)


def main(argv: list[str] | None = None) -> int:
    """Measure workload 2 once and write its record as JSON (used by ``make bench-compare``)."""
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(description="workload 2 on this engine (one core)")
    parser.add_argument("--n", type=int, default=10_000, help="replicates (negotiations)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args(argv)
    rec = bench_eight_issue(args.n, 1, args.repeats)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rec, indent=2) + "\n")
    print(f"this engine: {rec['rate_best']:,.0f} negotiations/s (best of {rec['repeats']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

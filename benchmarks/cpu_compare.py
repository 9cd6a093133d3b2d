"""CPU-time rates of the engine's workloads: before/after checks on a shared machine.

On a machine other processes keep busy, wall-clock rates say more about the neighbours than
about the code; the CPU time of this process (``time.process_time``) is far less sensitive to
them. This script times, one worker, after a warm-up, best of ``--repeats``:

* ``default``: the default scenario (workload 1);
* ``anticipation``: the default scenario with both parties' ``offer_policy=expected_utility``
  (issue 11's target);
* ``eight_issue``: workload 2, and ``reference``: its plain-numpy yardstick
  (:mod:`benchmarks.numpy_reference`), with their ratio.

It only uses functions every checkout since issue 15's reference has (``experiment_for``,
``run_replicates``, ``numpy_reference.workload``/``negotiate_batched``), so the same file times
another checkout when run by path with that checkout first on ``PYTHONPATH``::

    cd /tmp/base && PYTHONPATH=/tmp/base python /path/to/new/benchmarks/cpu_compare.py
    cd /path/to/new && PYTHONPATH=/path/to/new python -m benchmarks.cpu_compare

Prints one JSON line per workload: CPU seconds (best, median) and replicates per CPU second.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import EIGHT_ISSUE_OVERRIDES, experiment_for
from benchmarks.numpy_reference import negotiate_batched, workload
from sim.runs.experiment import run_replicates

ANTICIPATION_OVERRIDES = (
    "negotiator.canada.offer_policy=expected_utility",
    "negotiator.united_states.offer_policy=expected_utility",
)
WORKLOADS = ("default", "anticipation", "eight_issue", "reference")


def cpu_times(fn: Callable[[], Any], repeats: int) -> list[float]:
    """CPU seconds of this process for each of ``repeats`` calls of ``fn``."""
    out = []
    for _ in range(max(repeats, 1)):
        start = time.process_time()
        fn()
        out.append(time.process_time() - start)
    return out


def _engine_runner(overrides: tuple[str, ...], n: int) -> Callable[[], Any]:
    cfg, experiment = experiment_for(overrides)
    run_replicates(experiment, min(n, 200), cfg.batch_size, 1)  # warm-up
    return lambda: run_replicates(experiment, n, cfg.batch_size, 1)


def _reference_runner(n: int) -> Callable[[], Any]:
    cfg, experiment = experiment_for(EIGHT_ISSUE_OVERRIDES)
    w = workload(experiment)
    negotiate_batched(w, min(n, 200), cfg.batch_size)  # warm-up
    return lambda: negotiate_batched(w, n, cfg.batch_size)


def runner(name: str, n: int) -> Callable[[], Any]:
    """A warmed-up closure running workload ``name`` on ``n`` replicates."""
    if name == "default":
        return _engine_runner((), n)
    if name == "anticipation":
        return _engine_runner(ANTICIPATION_OVERRIDES, n)
    if name == "eight_issue":
        return _engine_runner(EIGHT_ISSUE_OVERRIDES, n)
    if name == "reference":
        return _reference_runner(n)
    raise ValueError(f"workload must be one of {WORKLOADS}, got {name!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CPU-time rates, one worker, best of N")
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=WORKLOADS)
    parser.add_argument("--n", type=int, default=10_000, help="replicates per timed run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    rates: dict[str, float] = {}
    for name in args.workloads:
        times = cpu_times(runner(name, args.n), args.repeats)
        rates[name] = args.n / min(times)
        row = {
            "workload": name,
            "n": args.n,
            "cpu_best_s": round(min(times), 4),
            "cpu_median_s": round(statistics.median(times), 4),
            "rate_cpu_best": round(rates[name]),
            "rate_cpu_median": round(args.n / statistics.median(times)),
        }
        print(json.dumps(row), flush=True)
    if "eight_issue" in rates and "reference" in rates:
        ratio = rates["eight_issue"] / rates["reference"]
        print(json.dumps({"ratio_engine_reference": round(ratio, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

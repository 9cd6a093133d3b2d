"""Workloads 1 and 2 on one core only: a quick before/after comparison of two checkouts.

Uses nothing but ``bench_default`` and ``bench_eight_issue`` (the same in every layout since
issue 6), so the same file times another checkout when run by path with that checkout first on
``PYTHONPATH``::

    cd /path/to/old && PYTHONPATH=/path/to/old python /path/to/new/benchmarks/throughput.py
    cd /path/to/new && PYTHONPATH=/path/to/new python -m benchmarks.throughput

Prints one line per (workload, size): best and median rate of ``--repeats`` timed runs after a
warm-up, and the cores other processes kept busy during the best one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.default_scenario import bench_default, default_experiment
from benchmarks.eight_issue import bench_eight_issue, eight_issue_experiment

KEYS = ("workload", "n", "repeats", "rate_best", "rate_median", "other_cores_at_best", "deal_rate")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="workloads 1 and 2, one worker, best of N")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also append the records here (JSON lines)")
    args = parser.parse_args(argv)
    default, eight = default_experiment(), eight_issue_experiment()
    records = []
    for n in args.sizes:
        records.append(bench_default(n, 1, args.repeats, default))
        records.append(bench_eight_issue(n, 1, args.repeats, eight))
    for rec in records:
        row = {k: rec[k] for k in KEYS}
        print(json.dumps(row), flush=True)
        if args.out is not None:
            with args.out.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

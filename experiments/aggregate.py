"""Gather a sweep directory into one table of parameters and results.

    python experiments/aggregate.py results/keystone_linkage/multirun_<time> [--out DIR]

Writes ``aggregate.parquet`` and ``aggregate.csv`` (one row per job: its overrides and parameters,
read from each job's ``.hydra/``, its status, deal likelihood and 95% interval per track, mean
agreement week, mean final tariff per sector, and Pareto/Nash figures when the summaries have
them) and lists failed and missing jobs. Multiruns do this automatically at the end
(``sim.callbacks.SweepCallback``); run it by hand after copying results or resuming by hand.
Exit status: 0 if every job is complete, 1 if some failed or are missing, 2 on a bad directory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from sim.runs import aggregate as sweep_aggregate
from sim.runs.aggregate import JobRecord, SweepReport


def load_runs(sweep_dir: Path) -> list[JobRecord]:
    """Every job of the sweep, found on disk or expected but missing."""
    return sweep_aggregate.load_runs(sweep_dir)


def aggregate(records: list[JobRecord]) -> pd.DataFrame:
    """One row per job: parameters, status and results."""
    return sweep_aggregate.aggregate(records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sweep_dir", type=Path, help="a sweep directory (hydra.sweep.dir)")
    parser.add_argument("--out", type=Path, help="where to write the table (default: sweep_dir)")
    args = parser.parse_args(argv)
    try:
        records = load_runs(args.sweep_dir)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not records:
        print(f"error: {args.sweep_dir}: no jobs found (no */.hydra/config.yaml)", file=sys.stderr)
        return 2
    table = aggregate(records)
    out_dir = args.out or args.sweep_dir
    paths = sweep_aggregate.write_aggregate(table, out_dir)
    report = SweepReport(args.sweep_dir, table, paths)
    print(report.describe())
    return 0 if report.is_complete else 1


if __name__ == "__main__":
    sys.exit(main())

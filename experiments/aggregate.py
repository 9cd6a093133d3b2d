"""Gather a sweep directory into one table of parameters and results.

    python experiments/aggregate.py results/keystone_linkage/multirun_<time> [--out DIR]

Writes ``aggregate.parquet`` and ``aggregate.csv`` (one row per job: its overrides and parameters,
read from each job's ``.hydra/``, its status, deal likelihood and 95% interval per track, mean
agreement week, mean final tariff per sector, and Pareto/Nash figures when the summaries have
them) and lists failed and missing jobs. A job is complete only if its completion stamp verifies;
a job whose files cannot be read (a broken summary.json, .hydra/ or Parquet file, an overrides.yaml
that is not a list) is listed as failed with the reason while the others aggregate, and job folders
of another sweep (not in jobs.json) are left out and named. Multiruns do this automatically at the
end (``sim.callbacks.SweepCallback``); run it by hand after copying results or resuming by hand.
Exit status: 0 if every job is complete, 1 if some failed or are missing, 2 on a bad directory.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from sim.runs import aggregate as sweep_aggregate
from sim.runs.aggregate import SweepReport
from sim.runs.schema import CONFIG_FILE

sys.path.append(str(Path(__file__).resolve().parent))  # for _common when loaded by file location
import _common

#: Every job of the sweep, found on disk or expected but missing.
load_runs = sweep_aggregate.load_runs
#: One row per job: parameters, status and results.
aggregate = sweep_aggregate.aggregate


PARSER = _common.results_parser(
    __doc__,
    help="a sweep directory (hydra.sweep.dir)",
    out_help="where to write the table (default: sweep_dir)",
)


@_common.command(PARSER)
def main(args: Namespace) -> int:
    records = _common.load_records(
        load_runs, args.results_dir, empty=f"no jobs found (no */{CONFIG_FILE})"
    )
    stale = sweep_aggregate.load_sweep(args.results_dir)[1]  # other sweeps' folders: left out
    table = aggregate(records)
    paths = sweep_aggregate.write_aggregate(table, _common.out_dir(args))
    ignored = tuple(r.job_dir for r in stale if r.job_dir is not None)
    report = SweepReport(args.results_dir, table, paths, ignored)
    print(report.describe())
    return _common.EXIT_OK if report.is_complete else _common.EXIT_INCOMPLETE


if __name__ == "__main__":
    sys.exit(main())

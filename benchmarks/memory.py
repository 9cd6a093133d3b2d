"""Workload 4a: peak memory of a 10**5-replicate run.

Peak memory is measured in a fresh subprocess (``python -m benchmarks.memory --child ...``), so
earlier benchmarks in the parent cannot inflate it: the peak resident set size of the process
(``VmHWM`` in ``/proc/self/status``) after imports and compilation and after the run.
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is recorded too but is not used: Linux carries the
parent's high-water mark into a child across fork/vfork + exec, so in a child it reads at least the
parent's peak (``ru_maxrss`` is the fallback where ``/proc`` is missing).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, Record

SCENARIOS = ("default", "eight_issue")


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _peak_rss_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _maxrss_mib()


def _child(scenario: str, n_replicates: int) -> dict[str, Any]:
    from benchmarks.default_scenario import default_experiment
    from benchmarks.eight_issue import eight_issue_experiment
    from sim.runs.experiment import run_replicates

    batch_size, experiment = (
        default_experiment() if scenario == "default" else eight_issue_experiment()
    )
    before = _peak_rss_mib()
    frame = run_replicates(experiment, n_replicates, batch_size, 1)
    return {
        "baseline_mib": before,
        "peak_mib": _peak_rss_mib(),
        "ru_maxrss_mib": _maxrss_mib(),
        "outcome_table_mib": frame.memory_usage(deep=True).sum() / 1024**2,
        "outcome_rows": len(frame),
        "batch_size": batch_size,
    }


def peak_memory(scenario: str = "default", n_replicates: int = 100_000) -> Record:
    """Peak resident memory (MiB) of a one-worker run of ``n_replicates`` in a fresh process."""
    if scenario not in SCENARIOS:
        raise ValueError(f"scenario must be one of {SCENARIOS}")
    cmd = [sys.executable, "-m", "benchmarks.memory", "--child", scenario, str(n_replicates)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "workload": f"peak_memory_{scenario}",
        "n": n_replicates,
        "unit": "MiB",
        "n_workers": 1,
        **result,
        "run_increment_mib": result["peak_mib"] - result["baseline_mib"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="peak memory of one run (child process)")
    parser.add_argument("--child", nargs=2, metavar=("SCENARIO", "N"), required=True)
    args = parser.parse_args(argv)
    print(json.dumps(_child(args.child[0], int(args.child[1]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

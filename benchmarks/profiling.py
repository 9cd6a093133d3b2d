"""cProfile summaries: where a one-worker run spends its time, by engine function.

Each profile runs in a fresh subprocess (``python -m benchmarks.profiling --child ...``), away
from the pools and threads earlier benchmarks left in the parent.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import time
from typing import Any

from benchmarks.common import REPO, Record

#: Engine functions whose cumulative time is reported (file suffix, function name); reported as
#: ``<suffix without sim/>:<function>``, the maximum over same-named functions of one file.
KEY_FUNCTIONS = (
    # per batch: random inputs (per-block Philox streams), the model and its agents
    ("sim/engine/streams.py", "draw_blocks"),
    ("sim/engine/streams.py", "draw_block"),
    ("sim/engine/streams.py", "block_key"),
    ("sim/engine/model.py", "__init__"),
    ("sim/engine/model.py", "_create_agents"),
    # the week
    ("sim/engine/model.py", "step"),
    ("sim/agents/leader.py", "act"),
    ("sim/engine/shocks.py", "apply"),
    ("sim/agents/stakeholder.py", "act"),
    ("sim/engine/state.py", "refresh_reservation"),
    ("sim/engine/model.py", "_negotiate_round"),
    ("sim/agents/negotiator.py", "view"),
    ("sim/agents/negotiator.py", "propose"),
    ("sim/agents/negotiator.py", "respond"),
    ("sim/agents/negotiator.py", "can_commit"),
    ("sim/agents/strategies/time_dependent.py", "propose"),
    ("sim/agents/strategies/time_dependent.py", "respond"),
    ("sim/agents/strategies/acceptance.py", "accept"),
    ("sim/agents/strategies/offers.py", "n_at_or_above"),
    ("sim/domain/ranking.py", "count"),
    ("sim/engine/model.py", "_ratify"),
    ("sim/agents/coordinator.py", "act"),
    # results
    ("sim/engine/records.py", "outcome_columns"),
    ("sim/runs/experiment.py", "_concat"),
    ("sim/runs/schema.py", "outcomes_frame"),
)
WORKLOADS = ("default", "eight_issue")


def _short(path: str) -> str:
    for marker in ("site-packages/", "/sim/"):
        if marker in path:
            return ("sim/" if marker == "/sim/" else "") + path.split(marker, 1)[1]
    return path


def _profile_here(workload: str, n_replicates: int) -> dict[str, Any]:
    from benchmarks.default_scenario import default_experiment
    from benchmarks.eight_issue import eight_issue_experiment
    from sim.runs.experiment import run_replicates

    batch, experiment = default_experiment() if workload == "default" else eight_issue_experiment()
    run_replicates(experiment, 200, batch, 1)  # warm-up
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    run_replicates(experiment, n_replicates, batch, 1)
    prof.disable()
    wall = time.perf_counter() - start
    raw: dict[tuple[str, int, str], Any] = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    key: dict[str, float] = {}
    for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in raw.items():
        for suffix, fname in KEY_FUNCTIONS:
            if func == fname and file.endswith(suffix):
                label = f"{suffix.removeprefix('sim/')}:{func}"
                key[label] = max(key.get(label, 0.0), ct)
    top_self = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:8]
    return {
        "total_s": wall,
        "cumulative_share": {k: round(v / wall, 3) for k, v in key.items()},
        "top_self_time": [
            {"function": f"{_short(file)}:{line}({func})", "share": round(v[2] / wall, 3)}
            for (file, line, func), v in top_self
        ],
    }


def profile_run(workload: str, n_replicates: int) -> Record:
    """Profile one one-worker run of ``workload`` in a fresh process.

    Shares are of the profiled wall time (cProfile's own overhead included).
    """
    if workload not in WORKLOADS:
        raise ValueError(f"workload must be one of {WORKLOADS}")
    cmd = [sys.executable, "-m", "benchmarks.profiling", "--child", workload, str(n_replicates)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"workload": f"profile_{workload}", "n": n_replicates, "unit": "share", **result}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="profile one run (child process)")
    parser.add_argument("--child", nargs=2, metavar=("WORKLOAD", "N"), required=True)
    args = parser.parse_args(argv)
    print(json.dumps(_profile_here(args.child[0], int(args.child[1]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

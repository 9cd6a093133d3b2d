"""Workload 6: a constant-memory streamed run (issue 17): peak RSS and throughput by run size.

Each run is a fresh child process (``python -m benchmarks.streaming --child N OUT``) doing what
``python -m sim n_replicates=N`` does after composing its config: :func:`sim.runs.execute.
stream_run` streams ``outcomes.parquet`` to a temporary run directory and writes the summary and
the figures from running totals. Recorded per size: peak RSS (``VmHWM``), wall time, replicates
per second, and the size of the file. Memory is flat when the peak at 10^6 (or 10^7) equals the
peak at 10^5 within a few MiB; throughput is unchanged when the rates agree within noise.

The 10^7 run takes about 20 minutes on one core (at ~9,000 replicates/s), so ``make bench`` runs
it only with ``SIM_BENCH_1E7=1`` in the environment; by hand::

    python -m benchmarks.streaming --sizes 100000 1000000 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, Record
from benchmarks.memory import _peak_rss_mib

#: Environment variable that adds the 10^7-replicate run to ``make bench``.
OPT_IN = "SIM_BENCH_1E7"


def default_sizes() -> tuple[int, ...]:
    """10^5 and 10^6 replicates, and 10^7 when :data:`OPT_IN` is set."""
    big = (10_000_000,) if os.environ.get(OPT_IN) == "1" else ()
    return (100_000, 1_000_000, *big)


def _child(n_replicates: int, out_dir: Path) -> dict[str, Any]:
    from sim.cli.compose import compose_run_config
    from sim.runs.execute import stream_run

    # no figures: their fixed cost (about 8 s) would make small runs look slower per replicate
    cfg = compose_run_config([f"n_replicates={n_replicates}", "progress=false", "figures=false"])
    before = _peak_rss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    stream_run(cfg, out_dir)
    wall = time.perf_counter() - started
    # CPU time as well as wall time: on a shared machine the CPU rate is the comparable one.
    cpu = time.process_time() - cpu_started
    return {
        "baseline_mib": before,
        "peak_mib": _peak_rss_mib(),
        "wall_s": wall,
        "cpu_s": cpu,
        "replicates_per_second": n_replicates / wall,
        "replicates_per_cpu_second": n_replicates / cpu,
        "outcomes_mib": (out_dir / "outcomes.parquet").stat().st_size / 1024**2,
        "batch_size": cfg.batch_size,
    }


def streamed_run(n_replicates: int) -> Record:
    """Peak RSS and throughput of one streamed default run of ``n_replicates`` (one worker)."""
    with tempfile.TemporaryDirectory(prefix="sim-stream-") as tmp:
        cmd = [sys.executable, "-m", "benchmarks.streaming", "--child", str(n_replicates), tmp]
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"workload": "streamed_run_default", "n": n_replicates, "n_workers": 1, **result}


def streaming_records(sizes: tuple[int, ...] | None = None) -> list[Record]:
    """:func:`streamed_run` at each size, with each rate relative to the smallest run's."""
    records = [streamed_run(n) for n in sizes or default_sizes()]
    base = records[0]
    for r in records:
        r["throughput_vs_smallest"] = r["replicates_per_second"] / base["replicates_per_second"]
        r["cpu_throughput_vs_smallest"] = (
            r["replicates_per_cpu_second"] / base["replicates_per_cpu_second"]
        )
        r["peak_vs_smallest_mib"] = r["peak_mib"] - base["peak_mib"]
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="peak RSS of streamed runs by size")
    parser.add_argument("--child", nargs=2, metavar=("N", "OUT_DIR"))
    parser.add_argument("--sizes", nargs="+", type=int)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(int(args.child[0]), Path(args.child[1]))))
        return 0
    for record in streaming_records(tuple(args.sizes) if args.sizes else None):
        print(json.dumps(record))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run every benchmark: ``make bench`` (``python -m benchmarks.run_all``).

Writes ``benchmarks/out/results.json`` (every record, the machine, the targets) and
``benchmarks/out/results.md`` (the tables quoted in BENCHMARKS.md), and prints the tables.
``--quick`` runs everything at tiny sizes (a check that the harness works, not a measurement).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.cluster_design import cluster_efficiency
from benchmarks.common import OUT_DIR, Record, machine_info
from benchmarks.default_scenario import (
    ANTICIPATION,
    anticipation_experiment,
    bench_default,
    bench_pool_startup,
    default_experiment,
)
from benchmarks.eight_issue import bench_eight_issue, eight_issue_experiment
from benchmarks.memory import peak_memory
from benchmarks.numpy_reference import bench_reference
from benchmarks.parallel import bench_warm_pool, parallel_efficiency
from benchmarks.profiling import profile_run
from benchmarks.report import render_markdown
from benchmarks.scaling import (
    linear_fit,
    loglog_slope,
    scale_outcomes,
    scale_replicates,
    scale_rounds,
)
from benchmarks.streaming import streaming_records


@dataclass(frozen=True)
class Plan:
    """Sizes and repeats of one ``run_all`` invocation."""

    default_sizes: tuple[int, ...] = (10_000, 100_000)
    replicate_sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    round_weeks: tuple[int, ...] = (13, 26, 52, 104)
    outcome_issues: tuple[int, ...] = (3, 4, 5, 6)
    scaling_replicates: int = 10_000
    memory_replicates: int = 100_000
    profile_replicates: int = 10_000
    repeats_small: int = 5  # for runs of 10**4 replicates or fewer
    repeats_large: int = 3
    n_workers_parallel: int = 2
    morris_trajectories: int = 20  # issue 12: 12 parameters x 20 trajectories x 2,000 replicates
    morris_replicates: int = 2_000
    abc_draws: int = 1_000  # issue 12: rejection ABC of 1,000 draws x 200 replicates
    abc_replicates: int = 200


FULL = Plan()
QUICK = Plan(
    default_sizes=(200, 400),
    replicate_sizes=(100, 200, 400),
    round_weeks=(4, 8),
    outcome_issues=(2, 3),
    scaling_replicates=200,
    memory_replicates=400,
    profile_replicates=200,
    repeats_small=2,
    repeats_large=1,
    morris_trajectories=2,
    morris_replicates=100,
    abc_draws=10,
    abc_replicates=50,
)

#: Cost counts as linear in a size when ``time = fixed + marginal * size`` fits with this R^2.
LINEAR_R2 = 0.98


def fit_r2(records: list[Record], x_key: str) -> float:
    """R^2 of the linear fit of best time on ``x_key``."""
    return linear_fit([r[x_key] for r in records], [r["best_s"] for r in records])[2]


def _target(name: str, value: float, lo: float | None = None, hi: float | None = None) -> Record:
    if lo is not None and hi is not None:
        threshold, met = f"in [{lo}, {hi}]", lo <= value <= hi
    elif lo is not None:
        threshold, met = f">= {lo:,}", value >= lo
    else:
        assert hi is not None
        threshold, met = f"< {hi:,}", value < hi
    return {"target": name, "value": value, "threshold": threshold, "met": bool(met)}


def _find(records: list[Record], **match: Any) -> Record:
    return next(r for r in records if all(r.get(k) == v for k, v in match.items()))


def evaluate_targets(res: dict[str, Any]) -> list[Record]:
    """Each target (issues 6 and 12) with the measured value and whether it is met."""
    return [*_issue6_targets(res), *_uncertainty_targets(res)]


def _uncertainty_targets(res: dict[str, Any]) -> list[Record]:
    """Issue 12's targets (CPU seconds on one core), when the run measured them."""
    return [
        _target(f"{r['workload']}: CPU s on one core (issue 12)", r["cpu_s"], hi=r["target_s"])
        for r in res.get("uncertainty", [])
    ]


def _issue6_targets(res: dict[str, Any]) -> list[Record]:
    big = max(r["n"] for r in res["default"])
    default_1 = _find(res["default"], n=big, n_workers=1)
    eight_1 = res["scale_replicates"][-1]
    outc = res["scale_outcomes"]
    outc_slope = loglog_slope([r["n_outcomes"] for r in outc], [r["best_s"] for r in outc])
    cold = [r["efficiency_best"] for r in res["parallel"] if "warm_pool" not in r["workload"]]
    warm = [r["efficiency_best"] for r in res["parallel"] if "warm_pool" in r["workload"]]
    workers = res["parallel"][0]["n_workers"]
    peak = max(r["peak_mib"] for r in res["memory"])
    top = round(outc[-1]["log10_outcomes"])
    out = [
        _target("workload 2: negotiations/s on one core", eight_1["rate_best"], lo=20_000),
        _target(
            "default scenario: replicates/s on one core (issue 15)",
            default_1["rate_best"],
            lo=15_000,
        ),
        _target(
            "workload 2: engine / plain-numpy reference (identical outcomes)",
            res["numpy_reference"]["ratio_best"] if res["numpy_reference"]["identical"] else 0.0,
            lo=0.5,
        ),
        _target(
            "linear in replicates: R^2 of time = a + b * replicates",
            fit_r2(res["scale_replicates"], "n"),
            lo=LINEAR_R2,
        ),
        _target(
            "linear in rounds: R^2 of time = a + b * weeks stepped",
            fit_r2(res["scale_rounds"], "weeks_stepped"),
            lo=LINEAR_R2,
        ),
        _target(f"up to 10^{top} outcomes/track: log-log slope of run time", outc_slope, hi=0.5),
        _target("peak memory MiB, 10^5 replicates (worst scenario)", peak, hi=1024),
        _target(f"parallel efficiency, {workers} workers, end to end (worst)", min(cold), lo=0.8),
        _target(f"parallel efficiency, {workers} workers, started pool (worst)", min(warm), lo=0.8),
    ]
    if "anticipation" in res:  # issue 11
        out.append(
            _target(
                "default scenario, anticipating ratification: replicates/s on one core (issue 11)",
                res["anticipation"]["rate_best"],
                lo=8_000,
            )
        )
    if "streaming" in res:  # issue 17
        big = res["streaming"][-1]
        out += [
            _target(f"peak RSS MiB, streamed run of {big['n']:,}", big["peak_mib"], hi=1024),
            _target(
                f"throughput {big['n']:,} / smallest streamed run",
                big["throughput_vs_smallest"],
                lo=0.9,
            ),
        ]
    if "cluster_design" in res:
        eff = res["cluster_design"]["efficiency"]
        out.append(_target("parallel efficiency, 64-point design, 2 Dask workers", eff, lo=0.8))
    return out


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(plan: Plan) -> dict[str, Any]:
    """Run every workload of ``plan``; return all records and the targets."""
    started = time.perf_counter()
    res: dict[str, Any] = {"machine_start": machine_info()}
    par = plan.n_workers_parallel

    def reps(n: int, workers: int) -> int:
        return plan.repeats_small if n <= 10_000 and workers == 1 else plan.repeats_large

    _log("workload 1: default scenario")
    setup = default_experiment()
    res["default"] = [
        bench_default(n, w, reps(n, w), setup) for n in plan.default_sizes for w in (1, par)
    ]
    res["pool_startup"] = bench_pool_startup(plan.repeats_large, setup)
    _log("workload 1b: default scenario, both sides anticipating ratification")
    d_big = max(plan.default_sizes)
    res["anticipation"] = bench_default(
        d_big, 1, reps(d_big, 1), anticipation_experiment(), workload=ANTICIPATION
    )

    _log("workloads 2 and 3: 8-issue negotiation, replicates")
    setup8 = eight_issue_experiment()
    res["scale_replicates"] = scale_replicates(plan.replicate_sizes, plan.repeats_large)
    n_big = plan.replicate_sizes[-1]
    res["eight_issue_parallel"] = bench_eight_issue(n_big, par, plan.repeats_large, setup8)
    _log("workload 2 against the plain-numpy reference (side by side)")
    res["numpy_reference"] = bench_reference(n_big, plan.repeats_large, setup8)
    if not res["numpy_reference"]["identical"]:
        _log(f"reference differs from the engine: {res['numpy_reference']['differences']}")
    _log("workload 3: rounds")
    res["scale_rounds"] = scale_rounds(
        plan.round_weeks, plan.scaling_replicates, plan.repeats_large
    )
    _log("workload 3: outcomes per track")
    res["scale_outcomes"] = scale_outcomes(
        plan.outcome_issues, plan.scaling_replicates, plan.repeats_small
    )

    _log("workload 4: peak memory (subprocesses), parallel efficiency")
    res["memory"] = [peak_memory(s, plan.memory_replicates) for s in ("default", "eight_issue")]
    d_big = max(plan.default_sizes)
    d1 = _find(res["default"], n=d_big, n_workers=1)
    d2 = _find(res["default"], n=d_big, n_workers=par)
    res["parallel"] = [
        parallel_efficiency(d1, d2),
        parallel_efficiency(
            res["scale_replicates"][-1], res["eight_issue_parallel"], "eight_issue"
        ),
    ]
    warm = [
        bench_warm_pool("default_scenario", setup[1], d_big, setup[0], par, plan.repeats_large),
        bench_warm_pool("eight_issue", setup8[1], n_big, setup8[0], par, plan.repeats_large),
    ]
    res["warm_pool"] = [rec for one, many, _ in warm for rec in (one, many)]
    res["parallel"] += [eff for _, _, eff in warm]

    _log("issue 12: Morris screening, rejection ABC")
    from benchmarks.uncertainty import bench_morris, bench_rejection

    res["uncertainty"] = [
        bench_morris(plan.morris_trajectories, plan.morris_replicates),
        bench_rejection(plan.abc_draws, plan.abc_replicates),
    ]

    _log("workload 6: streamed runs by size (subprocesses; 10^7 with SIM_BENCH_1E7=1)")
    res["streaming"] = streaming_records()
    _log("workload 7: 64-point design on a loopback Dask cluster, 1 vs 2 workers")
    res["cluster_design"] = cluster_efficiency()

    _log("profiles")
    res["profiles"] = [
        profile_run("default", plan.profile_replicates),
        profile_run("eight_issue", plan.profile_replicates),
    ]
    res["targets"] = evaluate_targets(res)
    res["machine_end"] = machine_info()
    res["duration_s"] = time.perf_counter() - started
    return res


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    return obj


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run every benchmark and write benchmarks/out/")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check the harness only")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args(argv)
    res = run(QUICK if args.quick else FULL)
    res["command"] = "python -m benchmarks.run_all" + (" --quick" if args.quick else "")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(_jsonable(res), indent=2) + "\n")
    md = render_markdown(res)
    (args.out / "results.md").write_text(md)
    print(md)
    _log(f"wrote {args.out}/results.json and results.md in {res['duration_s']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Markdown tables of a ``run_all`` result."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.common import Record
from benchmarks.scaling import linear_fit, loglog_slope

Column = tuple[str, Callable[[Record], str]]


def fmt(x: float | None, digits: int = 0) -> str:
    """A number with thousands separators; ``-`` for missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:,.{digits}f}"


def col(header: str, key: str, digits: int = 0) -> Column:
    """A column showing ``record[key]`` as a number."""
    return header, lambda r: fmt(r[key], digits)


def table(records: Sequence[Record], columns: Sequence[Column]) -> list[str]:
    """A markdown table, one row per record (first column left-aligned, the rest right)."""
    align = ":---" + "".join("|---:" for _ in columns[1:])
    lines = ["| " + " | ".join(h for h, _ in columns) + " |", "|" + align + "|"]
    lines += ["| " + " | ".join(f(r) for _, f in columns) + " |" for r in records]
    return [*lines, ""]


def _fit(records: list[Record], x_key: str, unit: str, per_replicate: bool = False) -> str:
    xs, ys = [r[x_key] for r in records], [r["best_s"] for r in records]
    fixed, marginal, r2 = linear_fit(xs, ys)
    slope = loglog_slope(xs, ys)
    if per_replicate:  # same replicate count throughout: express both terms per replicate
        n = records[0]["n"]
        return (
            f"Least-squares fit per replicate: {1e6 * fixed / n:.1f} µs + {1e6 * marginal / n:.3f}"
            f" µs per {unit} (R^2 = {r2:.3f}); log-log slope {slope:.2f}."
        )
    return (
        f"Least-squares fit: time = {fixed:.3f} s + {1e6 * marginal:.2f} µs per {unit}"
        f" (R^2 = {r2:.3f}); log-log slope {slope:.2f}."
    )


TIMES: list[Column] = [
    col("best s", "best_s", 3),
    col("median s", "median_s", 3),
    col("others' cores", "other_cores_at_best", 2),
]


def _workload_name(record: Record) -> str:
    names = {"default_scenario": "1 default", "default_anticipation": "1b default, anticipating"}
    return names.get(record["workload"], "2 8-issue")


def _throughput(res: dict[str, Any]) -> list[str]:
    anticipating = [res["anticipation"]] if "anticipation" in res else []
    records = [*res["default"], *anticipating]
    records += [res["scale_replicates"][-1], res["eight_issue_parallel"]]
    ps = res["pool_startup"]
    return [
        "### Throughput (`run_replicates` end to end)",
        "",
        *table(
            records,
            [
                ("workload", _workload_name),
                col("replicates", "n"),
                col("workers", "n_workers"),
                col("repeats", "repeats"),
                *TIMES,
                col("best /s", "rate_best"),
                col("median /s", "rate_median"),
            ],
        ),
        f"Fixed cost of a {ps['n_workers']}-worker `run_replicates` of 2 replicates (spawn, import,"
        f" ship the experiment): best {ps['best_s']:.2f} s, median {ps['median_s']:.2f} s.",
        "",
    ]


def _reference(res: dict[str, Any]) -> list[str]:
    """Workload 2 against the plain-numpy reference (benchmarks/numpy_reference.py)."""
    ref = res.get("numpy_reference")
    if ref is None:
        return []
    same = (
        "identical outcomes"
        if ref["identical"]
        else "**outcomes differ**: " + "; ".join(ref["differences"])
    )
    return [
        "### Engine against a plain-numpy reference (workload 2, 1 core, taking turns)",
        "",
        *table(
            [ref],
            [
                col("replicates", "n"),
                col("repeats", "repeats"),
                col("engine best /s", "engine_rate_best"),
                col("reference best /s", "reference_rate_best"),
                col("ratio (best)", "ratio_best", 2),
                col("ratio (median)", "ratio_median", 2),
            ],
        ),
        f"Both programs on the same {ref['n']:,} replicates: {same}.",
        "",
    ]


def _scaling(res: dict[str, Any]) -> list[str]:
    reps, rnd, out = res["scale_replicates"], res["scale_rounds"], res["scale_outcomes"]
    lines = ["### Scaling: replicates (workload 2, 1 worker)", ""]
    lines += table(
        reps,
        [
            col("replicates", "n"),
            *TIMES,
            col("best negotiations/s", "rate_best"),
            ("µs per negotiation", lambda r: fmt(1e6 * r["best_s"] / r["n"], 1)),
        ],
    )
    lines += [_fit(reps, "n", "replicate"), ""]
    lines += ["### Scaling: rounds (workload 2 with the deadline moved, 1 worker)", ""]
    lines += table(
        rnd,
        [
            col("rounds", "n_weeks"),
            col("replicates", "n"),
            col("weeks stepped", "weeks_stepped", 1),
            col("mean deal week", "mean_agreement_week", 1),
            *TIMES,
            col("best negotiations/s", "rate_best"),
            col("µs per replicate-week", "us_per_replicate_week", 2),
        ],
    )
    lines += [_fit(rnd, "weeks_stepped", "week stepped", per_replicate=True), ""]
    lines += ["### Scaling: outcomes per track (synthetic 10-option issues, 52 rounds)", ""]
    lines += table(
        out,
        [
            col("outcomes", "n_outcomes"),
            col("issues", "n_issues"),
            col("compile s", "compile_s", 3),
            col("replicates", "n"),
            *TIMES,
            col("best negotiations/s", "rate_best"),
        ],
    )
    n_out = [r["n_outcomes"] for r in out]
    run_slope = loglog_slope(n_out, [r["best_s"] for r in out])
    compile_slope = loglog_slope(n_out, [r["compile_s"] for r in out])
    lines += [
        f"Log-log slope on outcomes: run time {run_slope:.2f}, compile time {compile_slope:.2f}.",
        "",
    ]
    return lines


def _resources(res: dict[str, Any]) -> list[str]:
    lines = ["### Peak memory (fresh process, 1 worker, peak RSS `VmHWM`)", ""]
    lines += table(
        res["memory"],
        [
            ("scenario", lambda r: r["workload"].removeprefix("peak_memory_")),
            col("replicates", "n"),
            col("after imports + compile MiB", "baseline_mib", 1),
            col("peak MiB", "peak_mib", 1),
            col("run adds MiB", "run_increment_mib", 1),
            col("outcome table MiB", "outcome_table_mib", 1),
        ],
    )
    lines += [
        "### Parallel efficiency (speed-up / workers)",
        "",
        "`run_replicates` end to end, and (`warm_pool_*`) a started pool timing only the batches",
        'against the same batches simulated in one process. "Cores available": the workers,',
        "capped at the machine's cores minus those other processes kept busy.",
        "",
    ]
    lines += table(
        res["parallel"],
        [
            ("workload", lambda r: r["workload"].removeprefix("parallel_")),
            col("replicates", "n"),
            col("workers", "n_workers"),
            col("others' cores", "other_cores_at_best", 2),
            col("speed-up best", "speedup_best", 2),
            col("efficiency best", "efficiency_best", 2),
            col("efficiency median", "efficiency_median", 2),
            col("cores available", "available_cores", 2),
            col("efficiency on available", "efficiency_available", 2),
        ],
    )
    return lines


def _profiles(res: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for p in res["profiles"]:
        name = p["workload"].removeprefix("profile_")
        lines += [
            f"### Profile: {name}, {p['n']:,} replicates, 1 worker"
            f" (cProfile; {p['total_s']:.2f} s under the profiler)",
            "",
        ]
        shares = sorted(p["cumulative_share"].items(), key=lambda kv: -kv[1])
        rows = [{"function": k, "share": v} for k, v in shares]
        lines += table(
            rows,
            [
                ("engine function (cumulative)", lambda r: f"`{r['function']}`"),
                ("share", lambda r: f"{r['share']:.0%}"),
            ],
        )
        lines += table(
            p["top_self_time"],
            [
                ("top self time", lambda r: f"`{r['function']}`"),
                ("share", lambda r: f"{r['share']:.0%}"),
            ],
        )
    return lines


def render_markdown(res: dict[str, Any]) -> str:
    """Every table of a ``run_all`` result, as markdown."""
    m, end = res["machine_start"], res["machine_end"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    when = dt.datetime.now().astimezone()
    lines = [
        f"Command: `{res['command']}` ({when:%Y-%m-%d %H:%M %Z}, {res['duration_s']:.0f} s).",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu_model']}), {m['mem_total_gib']} GiB RAM,"
        f" {m['platform']}; load average {m['load_average']} at the start,"
        f" {end['load_average']} at the end.",
        "",
        f"Python {m['python']}; {packages}.",
        "",
        'Best and median of the repeats, wall clock (`time.perf_counter`). "Others\' cores":',
        "CPU cores that other processes on the machine kept busy during the best repeat",
        "(`/proc/stat` minus our own processes); the machine is shared, so read rates with it.",
        "",
    ]
    lines += _throughput(res) + _reference(res) + _scaling(res) + _resources(res)
    lines += ["### Targets (issue 6)", ""]
    lines += table(
        res["targets"],
        [
            ("target", lambda r: r["target"]),
            col("measured", "value", 2),
            ("threshold", lambda r: r["threshold"]),
            ("met", lambda r: "yes" if r["met"] else "**no**"),
        ],
    )
    return "\n".join(lines + _profiles(res))

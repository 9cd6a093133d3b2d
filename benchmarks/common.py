"""Shared helpers: composing the real config, timing, and describing the machine."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.cli.compose import compose_run_config
from sim.config.schema import RunConfig
from sim.runs.experiment import Experiment, build_experiment

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = Path(__file__).resolve().parent / "out"

#: Overrides that turn conf/ into the NegMAS-comparable workload 2 (see BENCHMARKS.md).
EIGHT_ISSUE_OVERRIDES = (
    "scenario=bench_8issue",
    "negotiator.canada.strategy=conceder",  # beta 5
    "negotiator.canada.beta=null",
    "negotiator.canada.offer_policy=nearest",
    "negotiator.united_states.strategy=boulware",  # beta 0.2
    "negotiator.united_states.beta=null",
    "negotiator.united_states.offer_policy=nearest",
)

PACKAGES = ("mesa", "numpy", "pandas", "hydra-core", "omegaconf", "scipy", "pyarrow", "networkx")

Record = dict[str, Any]


def experiment_for(overrides: Sequence[str] = ()) -> tuple[RunConfig, Experiment]:
    """The validated config (progress bar off) and the compiled experiment for ``conf/``.

    Composed by :func:`sim.cli.compose.compose_run_config`, as ``python -m sim`` would.
    """
    cfg = compose_run_config(["progress=false", *overrides])
    return cfg, build_experiment(cfg)


_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _busy_cpu_s() -> float:
    """CPU seconds all processes have spent busy since boot (``/proc/stat``; 0 elsewhere)."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0]
        fields = [int(x) for x in first.split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / _CLK_TCK


def _pid_cpu_s(pid: int) -> float:
    try:
        parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(parts[11]) + int(parts[12])) / _CLK_TCK  # utime + stime


def _own_cpu_s(pids: Sequence[int]) -> float:
    t = os.times()
    own = t.user + t.system + t.children_user + t.children_system
    return own + sum(_pid_cpu_s(p) for p in pids)


class CpuMeter:
    """Cores used by *other* processes while a block runs (a noisy-neighbour check).

    Busy CPU time of the whole machine (``/proc/stat``) minus the CPU time of this process, its
    reaped children and ``pids``, divided by the wall time. Linux only (0 elsewhere).
    """

    def __init__(self, pids: Sequence[int] = ()) -> None:
        self.pids = tuple(pids)
        self.other_cores = 0.0

    def __enter__(self) -> CpuMeter:
        self._wall = time.perf_counter()
        self._busy, self._own = _busy_cpu_s(), _own_cpu_s(self.pids)
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self._wall
        other = (_busy_cpu_s() - self._busy) - (_own_cpu_s(self.pids) - self._own)
        self.other_cores = max(other, 0.0) / max(wall, 1e-9)


Timing = tuple[list[float], Any, list[float]]


def time_repeats(fn: Callable[[], Any], repeats: int, pids: Sequence[int] = ()) -> Timing:
    """Time ``repeats`` calls of ``fn`` with ``time.perf_counter``.

    Returns:
        Wall seconds per call, the last call's result, and per call the cores other processes
        used meanwhile (see :class:`CpuMeter`; ``pids`` are our own worker processes).
    """
    times: list[float] = []
    others: list[float] = []
    result: Any = None
    for _ in range(max(repeats, 1)):
        with CpuMeter(pids) as meter:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        others.append(meter.other_cores)
    return times, result, others


def time_interleaved(fns: Sequence[Callable[[], Any]], repeats: int) -> list[Timing]:
    """Like :func:`time_repeats` for several functions, taking turns (f1, f2, ..., f1, f2, ...).

    On a shared machine a burst of load then hits one repeat of every size, not every repeat of
    one size, so the best times stay comparable across a scaling table.
    """
    times: list[list[float]] = [[] for _ in fns]
    others: list[list[float]] = [[] for _ in fns]
    results: list[Any] = [None] * len(fns)
    for _ in range(max(repeats, 1)):
        for i, fn in enumerate(fns):
            with CpuMeter() as meter:
                start = time.perf_counter()
                results[i] = fn()
                times[i].append(time.perf_counter() - start)
            others[i].append(meter.other_cores)
    return list(zip(times, results, others, strict=True))


def rate_record(workload: str, n_items: int, unit: str, timing: Timing, **params: Any) -> Record:
    """A record: times, best and median rates (``unit`` per second), other processes' load."""
    times, _, others = timing
    best, median = min(times), statistics.median(times)
    return {
        "workload": workload,
        "n": n_items,
        "unit": unit,
        "repeats": len(times),
        "times_s": [round(t, 4) for t in times],
        "best_s": best,
        "median_s": median,
        "rate_best": n_items / best,
        "rate_median": n_items / median,
        "other_cores_at_best": others[times.index(best)],
        "other_cores_median": statistics.median(others),
        **params,
    }


def weeks_stepped(
    agreement_week: np.ndarray, agreed: np.ndarray, n_weeks: int, batch: int
) -> float:
    """Mean weeks a batch model stepped: it stops once every replicate of the batch concluded.

    Args:
        agreement_week: Per replicate (single-track scenarios), in replicate order.
        agreed: Per replicate, whether a deal was reached.
        n_weeks: The deadline in weeks.
        batch: Batch size (replicates ``[i * batch, (i + 1) * batch)`` share a model).
    """
    steps = []
    for start in range(0, agreed.size, batch):
        a, w = agreed[start : start + batch], agreement_week[start : start + batch]
        steps.append(n_weeks if not a.all() else int(w.max()) + 1)
    return float(np.mean(steps))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return float("nan")


def n_cores() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def machine_info() -> dict[str, Any]:
    """The machine, Python and package versions a benchmark ran on."""
    versions: dict[str, str | None] = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "nproc": n_cores(),
        "cpu_model": _cpu_model(),
        "mem_total_gib": _mem_total_gib(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }

"""Limits before work: workers within the usable cores, a run's memory within the machine's.

Both checks run before the first replicate is simulated (:func:`check_run`):

* ``n_workers`` above the cores this process may use (``os.sched_getaffinity``, which honours
  taskset and container CPU sets) is capped to them with a one-line notice: more processes than
  cores only add start-up time and memory. With ``force_workers=true`` the count was asked for
  exactly, so it is refused instead of silently changed.
* the run's peak memory is estimated (:func:`estimate_peak_mib`) and a run that would not fit in
  the memory available (``MemAvailable``, and the cgroup limit of a container) is refused with one
  line naming ``n_replicates``, ``batch_size`` and ``n_workers``.

The memory model (assumption, measured on the default scenario, BENCHMARKS.md): every process
holds the imported stack (about 170 MiB resident); a batch being simulated needs about 12 KiB per
replicate; a labelled outcome row about 1 KiB per replicate (three tracks). A streamed run holds
a Parquet row-group buffer and at most two finished batches per worker; a run kept in memory (the
Python API) holds its whole table, and about as much again while the last batch is joined.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sim.config.errors import ConfigError
from sim.config.schema import RunConfig

#: Resident memory of one process with the simulation stack imported (MiB; measured 193).
PROCESS_MIB = 195.0
#: Working memory of a replicate while its batch is simulated (MiB): a streamed default run of
#: 10^5 replicates peaked 137 MiB above its baseline with batches of 2,000 and 274 MiB with
#: batches of 10,000 (2026-12-03), i.e. about 18 KB per replicate of a batch.
BATCH_MIB_PER_REPLICATE = 18.0 / 1024
#: Memory of one replicate's labelled outcome rows (MiB).
ROW_MIB_PER_REPLICATE = 1.0 / 1024
#: The streamed run's Parquet buffer: about 2**17 rows of about 330 bytes, twice while joined.
STREAM_BUFFER_MIB = 90.0


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def effective_workers(n_workers: int) -> int:
    """Worker processes a run uses: ``0`` means one per usable core; never more than those."""
    usable = usable_cores()
    return usable if n_workers <= 0 else min(n_workers, usable)


def worker_notice(cfg: RunConfig) -> str | None:
    """The one-line notice when ``n_workers`` is capped (``None`` when it is not).

    Raises:
        ConfigError: ``force_workers`` is set and ``n_workers`` exceeds the usable cores.
    """
    usable = usable_cores()
    if cfg.n_workers <= usable:
        return None
    if cfg.force_workers:
        raise ConfigError(
            "n_workers",
            cfg.n_workers,
            f"more than the {usable} usable core(s), and force_workers=true forbids capping it "
            "(lower n_workers or drop force_workers)",
        )
    return f"notice: n_workers={cfg.n_workers} capped to the {usable} usable core(s)"


@dataclass(frozen=True)
class MemoryEstimate:
    """A run's estimated peak memory and what the machine has (MiB)."""

    peak_mib: float
    available_mib: float | None

    @property
    def fits(self) -> bool:
        """Whether the estimate fits (unknown availability counts as fitting)."""
        return self.available_mib is None or self.peak_mib <= self.available_mib


def estimate_peak_mib(
    n_replicates: int, batch_size: int, n_workers: int, in_memory: bool = False
) -> float:
    """Estimated peak resident memory of a run, summed over its processes (MiB).

    Args:
        n_replicates: Replicates (only a run held in memory grows with them).
        batch_size: Replicates per batch.
        n_workers: Worker processes actually started (1: the parent simulates).
        in_memory: Whether the whole outcome table is kept (the Python API), not streamed.
    """
    batch = min(batch_size, max(n_replicates, 1))
    simulating = n_workers if n_workers > 1 else 1
    total = PROCESS_MIB + simulating * batch * BATCH_MIB_PER_REPLICATE
    if n_workers > 1:
        total += n_workers * PROCESS_MIB  # each worker holds the stack too
        total += 2 * n_workers * batch * ROW_MIB_PER_REPLICATE  # finished batches waiting
    if in_memory:
        total += 2 * n_replicates * ROW_MIB_PER_REPLICATE
    else:
        total += STREAM_BUFFER_MIB
    return total


def _meminfo_available_mib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_available_mib() -> float | None:
    """Room left under a cgroup v2 memory limit (a container's), if there is one."""
    root = Path("/sys/fs/cgroup")
    try:
        limit = (root / "memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int((root / "memory.current").read_text().strip())
        return (int(limit) - used) / 1024**2
    except (OSError, ValueError):
        return None


def available_mib() -> float | None:
    """Memory a new run may use (MiB): the smaller of ``MemAvailable`` and the cgroup's room."""
    known = [m for m in (_meminfo_available_mib(), _cgroup_available_mib()) if m is not None]
    return min(known) if known else None


def check_memory(cfg: RunConfig, in_memory: bool = False) -> MemoryEstimate:
    """Estimate the run's peak memory; refuse a run that would not fit.

    Raises:
        ConfigError: One line naming ``n_replicates``, ``batch_size`` and ``n_workers``.
    """
    n_replicates = cfg.n_replicates if cfg.precision is None else cfg.max_replicates
    workers = effective_workers(cfg.n_workers)
    estimate = MemoryEstimate(
        estimate_peak_mib(n_replicates, cfg.batch_size, workers, in_memory), available_mib()
    )
    if not estimate.fits:
        assert estimate.available_mib is not None
        hint = ", or run from the command line, which streams to disk" if in_memory else ""
        raise ConfigError.from_message(
            f"n_replicates={n_replicates}, batch_size={cfg.batch_size}, n_workers={workers}: "
            f"needs about {estimate.peak_mib:,.0f} MiB, {estimate.available_mib:,.0f} MiB "
            f"available (lower batch_size or n_workers{hint})"
        )
    return estimate


def check_run(cfg: RunConfig, in_memory: bool = False) -> str | None:
    """Both checks before any work: returns the worker notice to print (or ``None``).

    Raises:
        ConfigError: The worker count is forced above the usable cores, or the run would not
            fit in memory.
    """
    notice = worker_notice(cfg)
    check_memory(cfg, in_memory)
    return notice
